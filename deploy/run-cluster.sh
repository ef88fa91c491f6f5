#!/usr/bin/env bash
# Starts N Sweep silos on this machine against one PostgreSQL database, each on its own ports, in the
# background; or stops the ones it started.
#
#   deploy/run-cluster.sh start N "<connection string>" [first-silo-port] [first-gateway-port]
#   deploy/run-cluster.sh stop
#
# Silo i (0-based) listens on first-silo-port+i (default 11111+i) and first-gateway-port+i (default 30000+i).
# Logs and pid files go to deploy/run/ (override with SWEEP_RUN_DIR). Other machines join the same cluster by
# running the same silo with the same connection string (see deploy/sweep-silo@.service). Submit with
#   dotnet run --project src/Client -- submit examples/quickstart.json --cluster "<connection string>" --wait
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_DIR="${SWEEP_RUN_DIR:-deploy/run}"
SILO_DLL="src/Silo/bin/Release/net10.0/sweep-silo.dll"

usage() { sed -n '2,12p' "$0" >&2; exit 2; }

case "${1:-}" in
  start)
    [ $# -ge 3 ] || usage
    n="$2"; cs="$3"; silo_port="${4:-11111}"; gateway_port="${5:-30000}"
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "run-cluster.sh: N must be a positive number, not '$n'" >&2; exit 2; }
    dotnet build -c Release src/Silo -v quiet -nologo >&2
    mkdir -p "$RUN_DIR"
    for ((i = 0; i < n; i++)); do
      SWEEP_POSTGRES="$cs" SWEEP_SILO_PORT=$((silo_port + i)) SWEEP_GATEWAY_PORT=$((gateway_port + i)) \
        SWEEP_ADVERTISE="${SWEEP_ADVERTISE:-127.0.0.1}" \
        nohup dotnet "$SILO_DLL" >"$RUN_DIR/silo-$i.log" 2>&1 &
      echo $! >"$RUN_DIR/silo-$i.pid"
      echo "silo $i: pid $!, ports $((silo_port + i))/$((gateway_port + i)), log $RUN_DIR/silo-$i.log"
    done
    ;;
  stop)
    shopt -s nullglob
    for pidfile in "$RUN_DIR"/silo-*.pid; do
      pid="$(cat "$pidfile")"
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        echo "stopping silo pid $pid"
      fi
      rm -f "$pidfile"
    done
    ;;
  *) usage ;;
esac
