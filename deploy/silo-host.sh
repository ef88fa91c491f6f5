#!/usr/bin/env bash
# A silo host of a Sweep cluster: runs one silo (instance I, default 0) in the foreground, or waits until its health
# check says it is an active member with a store that answers. The systemd unit deploy/sweep-silo@.service runs
# exactly these two commands.
#
#   deploy/silo-host.sh run [I]                   exec the silo: silo port 11111+I, gateway 30000+I, health 8090+I
#   deploy/silo-host.sh wait-healthy [I] [SECONDS]   exit 0 once GET /health on 127.0.0.1:8090+I is ok (default 120 s)
#
# Settings (environment; see the README's scale-out section):
#   SWEEP_POSTGRES_FILE   a file holding the cluster's connection string (readable by the silo's user only), or
#   SWEEP_POSTGRES        the connection string itself (one of the two is required; the file keeps the password
#                         out of the environment of every process the silo's user starts)
#   SWEEP_TLS_CERT, SWEEP_TLS_KEY, SWEEP_TLS_CA   this host's certificate and key and the cluster's CA (PEM; see
#                         deploy/make-certs.sh): mutual TLS between silos and with clients
#   SWEEP_ADVERTISE       this machine's address as the other machines reach it (default: first non-loopback IPv4)
#   SWEEP_SLOTS           trials trained at once (default: the cores)
#   SWEEP_LEASE_TIMEOUT, SWEEP_FAILURE_DETECTION, SWEEP_RESPONSE_TIMEOUT   seconds (defaults 30, 15, 30)
#   SWEEP_SILO_PORT, SWEEP_GATEWAY_PORT, SWEEP_HEALTH_PORT   override the ports derived from I
#   SWEEP_BIN             directory holding sweep-silo.dll and sweep.dll (default: this script's directory when
#                         they are there, as after the install steps, else the repository's build output
#                         for $SWEEP_CONFIGURATION, default Release)
set -euo pipefail

die() { echo "silo-host.sh: $*" >&2; exit 1; }
usage() { sed -n '2,22p' "$0" >&2; exit 2; }

here="$(cd "$(dirname "$0")" && pwd)"
cmd="${1:-}"; instance="${2:-0}"
[[ "$instance" =~ ^[0-9]+$ ]] || die "instance must be a number, not '$instance'"

binary() {
  local dll="$1" project="$2"
  if [ -n "${SWEEP_BIN:-}" ]; then
    echo "$SWEEP_BIN/$dll"
  elif [ -f "$here/$dll" ]; then
    echo "$here/$dll"
  else
    echo "$here/../src/$project/bin/${SWEEP_CONFIGURATION:-Release}/net10.0/$dll"
  fi
}

health_port="${SWEEP_HEALTH_PORT:-$((8090 + instance))}"
case "$cmd" in
  run)
    [ -n "${SWEEP_POSTGRES_FILE:-}${SWEEP_POSTGRES:-}" ] || die "set SWEEP_POSTGRES_FILE (or SWEEP_POSTGRES) to the cluster's connection string"
    silo="$(binary sweep-silo.dll Silo)"
    [ -f "$silo" ] || die "no silo at $silo (dotnet publish -c Release src/Silo, or set SWEEP_BIN)"
    export SWEEP_SILO_PORT="${SWEEP_SILO_PORT:-$((11111 + instance))}"
    export SWEEP_GATEWAY_PORT="${SWEEP_GATEWAY_PORT:-$((30000 + instance))}"
    export SWEEP_HEALTH_PORT="$health_port"
    exec dotnet "$silo"
    ;;
  wait-healthy)
    seconds="${3:-120}"
    cli="$(binary sweep.dll Client)"
    [ -f "$cli" ] || die "no sweep CLI at $cli (dotnet publish -c Release src/Client, or set SWEEP_BIN)"
    exec dotnet "$cli" health "127.0.0.1:$health_port" --wait "$seconds"
    ;;
  *) usage ;;
esac
