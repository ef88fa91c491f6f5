#!/usr/bin/env bash
# Runs every test. Installs what the tests need through the OS package manager when it is absent: Chromium (the
# dashboard's browser tests drive it) and PostgreSQL server binaries (the storage and cluster tests start
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
if [ ! -x /usr/bin/chromium ]; then
  # The dashboard's browser tests drive Debian's Chromium through Playwright (which never downloads a browser).
  echo "test.sh: /usr/bin/chromium not found (the dashboard's browser tests drive it); installing chromium with apt-get" >&2
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "test.sh: need root or sudo to install Chromium (or install it yourself: apt-get install chromium)" >&2; exit 1
  fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
  [ -x /usr/bin/chromium ] || { echo "test.sh: chromium install failed: no /usr/bin/chromium" >&2; exit 1; }
fi
command -v dotnet >/dev/null 2>&1 || { echo "test.sh: the .NET SDK 10 ('dotnet') is not on PATH; see https://dot.net" >&2; exit 1; }

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
status=0
# run LABEL [VAR=VALUE ...] -- dotnet test arguments
run() {
  local label="$1"; shift
  local vars=()
  while [ "$1" != "--" ]; do vars+=("$1"); shift; done
  shift
  set +e
  env ${vars[@]+"${vars[@]}"} dotnet test "$@" 2>&1 | tee "$logs/$label.log"
  local code=${PIPESTATUS[0]}
  set -e
  [ "$code" -eq 0 ] || status=$code
}
run all -- Sweep.sln -c Release "$@"
# The kernels pick their instruction set once per process (AVX-512, else AVX2, else scalar), so one machine runs
# one path. Run the model tests again with the wider sets switched off: the AVX2 and the scalar kernels that other
# CPUs run are held to the same references and finite differences here too.
run avx2 DOTNET_EnableAVX512=0 -- tests/Sweep.Model.Tests -c Release --no-build "$@"
run scalar DOTNET_EnableHWIntrinsic=0 -- tests/Sweep.Model.Tests -c Release --no-build "$@"
# One plain closing line with the runner's own totals (Microsoft Testing Platform prints them as "succeeded: N").
passed=0
failed=0
for label in all avx2 scalar; do
  passed=$((passed + $(awk '/^  succeeded:/ {n=$2} END {print n+0}' "$logs/$label.log")))
  failed=$((failed + $(awk '/^  failed:/ {n=$2} END {print n+0}' "$logs/$label.log")))
done
echo "$passed passed, $failed failed (model tests also run with AVX-512 off and with hardware intrinsics off)"
exit "$status"
