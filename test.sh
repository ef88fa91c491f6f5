#!/usr/bin/env bash
# Runs every test. Installs what the tests need: PostgreSQL server binaries (the storage and cluster tests start
# their own throwaway server from them: initdb + pg_ctl in a temp directory, a free port on 127.0.0.1; as root the
# server runs as the unprivileged "postgres" user) and iproute2 (the multi-host tests) through the OS package
# manager when they are absent.
# Works on a fresh Debian 12 machine as root (no sudo needed) and as a user with sudo.
set -euo pipefail
cd "$(dirname "$0")"

have_pg() {
  command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}
if ! have_pg; then
  echo "test.sh: PostgreSQL server binaries not found; installing them with apt-get" >&2
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "test.sh: need root or sudo to install PostgreSQL (or install it yourself: apt-get install postgresql)" >&2
    exit 1
  fi
  command -v apt-get >/dev/null 2>&1 || {
    echo "test.sh: no apt-get here; install PostgreSQL 15+ server binaries (initdb, pg_ctl, postgres) yourself" >&2
    exit 1
  }
  $SUDO apt-get update -q
  # The package's own cluster is not used; its service may fail to start in a container, which is harmless.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends postgresql
  have_pg || { echo "test.sh: PostgreSQL install failed: no initdb after apt-get install postgresql" >&2; exit 1; }
fi
# The multi-host tests (tests/Sweep.Hosts.Tests) simulate machines with network namespaces: they need root and
# iproute2's "ip" (partitions are made with "ip link set ... down", so iptables is not needed). Without root they
# fail with the reason; they never skip.
if ! command -v ip >/dev/null 2>&1 && [ ! -x /usr/sbin/ip ] && [ ! -x /sbin/ip ]; then
  echo "test.sh: iproute2 ('ip') not found; installing it with apt-get (the multi-host tests need it)" >&2
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends iproute2
  elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive sudo apt-get install -y -q --no-install-recommends iproute2
  else
    echo "test.sh: install iproute2 yourself (the multi-host tests will fail without it)" >&2
  fi
fi
if [ "$(id -u)" -eq 0 ]; then
  # The test server refuses to run as root; the fixture runs it with runuser as "postgres" (created if missing).
  for tool in runuser useradd; do
    command -v "$tool" >/dev/null 2>&1 || { echo "test.sh: running as root needs '$tool' (util-linux / passwd packages)" >&2; exit 1; }
  done
fi
command -v dotnet >/dev/null 2>&1 || { echo "test.sh: the .NET SDK 10 ('dotnet') is not on PATH; see https://dot.net" >&2; exit 1; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test Sweep.sln -c Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One plain closing line with the runner's own totals (Microsoft Testing Platform prints them as "succeeded: N").
passed=$(awk '/^  succeeded:/ {n=$2} END {print n+0}' "$log")
failed=$(awk '/^  failed:/ {n=$2} END {print n+0}' "$log")
echo "$passed passed, $failed failed"
exit "$status"
