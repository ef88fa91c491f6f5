#!/usr/bin/env bash
# Runs every test. First installs, through the OS package manager, whatever the tests need and this machine lacks:
# PostgreSQL server binaries (the storage and cluster tests start their own throwaway server from them: initdb +
# pg_ctl in a temp directory, a free port on 127.0.0.1; as root the server runs as the unprivileged "postgres"
# user), iproute2 (the multi-host tests make one network namespace per host), openssl (deploy/make-certs.sh),
# Chromium (the dashboard's browser tests drive it) and Debian's Fashion-MNIST files (real data in MNIST format).
# Works on a fresh Debian 12 machine as root (no sudo needed) and as a user with sudo.
set -euo pipefail
cd "$(dirname "$0")"

updated=""
# install WHAT PACKAGE...: apt-get install the packages, or fail saying what could not be installed and why.
install() {
  local what="$1"; shift
  echo "test.sh: $what not found; installing $* with apt-get" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "test.sh: need root or sudo to install $* (or install it yourself: apt-get install $*)" >&2; exit 1; }
    sudo="sudo"
  fi
  command -v apt-get >/dev/null 2>&1 || { echo "test.sh: no apt-get here; install $what yourself ($*)" >&2; exit 1; }
  [ -n "$updated" ] || { $sudo apt-get update -q; updated=1; }
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "$@"
}

have_pg() {
  command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}
if ! have_pg; then
  # The package's own cluster is not used; its service may fail to start in a container, which is harmless.
  install "PostgreSQL server binaries" postgresql
  have_pg || { echo "test.sh: PostgreSQL install failed: no initdb after apt-get install postgresql" >&2; exit 1; }
fi
if [ "$(id -u)" -eq 0 ]; then
  # The test server refuses to run as root; the fixture runs it with runuser as "postgres" (created if missing).
  for tool in runuser useradd; do
    command -v "$tool" >/dev/null 2>&1 || { echo "test.sh: running as root needs '$tool' (util-linux / passwd packages)" >&2; exit 1; }
  done
fi
# The multi-host tests (tests/Sweep.Hosts.Tests) simulate machines with network namespaces: they need root and
# iproute2's "ip" (partitions are "ip link set ... down", so no iptables). Without root they fail, naming why.
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || install "iproute2 ('ip', for the multi-host tests)" iproute2
command -v openssl >/dev/null 2>&1 || install "openssl (deploy/make-certs.sh and its test)" openssl
# Playwright drives the system's Chromium; it never downloads a browser.
[ -x /usr/bin/chromium ] || install "Chromium (/usr/bin/chromium, for the dashboard's browser tests)" chromium fonts-liberation
[ -x /usr/bin/chromium ] || { echo "test.sh: chromium install failed: no /usr/bin/chromium" >&2; exit 1; }
fashion=/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
if [ -z "${SWEEP_FASHION_MNIST:-}" ] && [ ! -f "$fashion" ]; then
  install "the Fashion-MNIST files ($fashion)" dataset-fashion-mnist
  [ -f "$fashion" ] || { echo "test.sh: dataset-fashion-mnist install failed: no $fashion" >&2; exit 1; }
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
