#!/usr/bin/env bash
# Runs every test. Installs what the tests need: PostgreSQL server binaries (the storage and cluster tests start
# their own throwaway server from them) through the OS package manager when they are absent.
set -euo pipefail
cd "$(dirname "$0")"

have_pg() {
  command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}
if ! have_pg; then
  echo "test.sh: PostgreSQL server binaries not found; installing them with apt-get" >&2
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q postgresql
  have_pg || { echo "test.sh: PostgreSQL install failed: no initdb after apt-get install postgresql" >&2; exit 1; }
fi

dotnet test Sweep.sln -c Release "$@"
