#!/usr/bin/env bash
# A client host of a Sweep cluster: runs the sweep CLI against the cluster. It needs to reach the database and the
# silos' gateway ports (30000+I); nothing runs here between commands.
#
#   deploy/client-host.sh submit grid.json --cluster "<connection string>" --wait
#   deploy/client-host.sh trials <sweep> --cluster "<connection string>" --format json
#
# Any sweep command works; --cluster may be left out when SWEEP_POSTGRES_FILE (or SWEEP_POSTGRES) is set, and the
# client's certificate comes from --tls-cert/--tls-key/--tls-ca or SWEEP_TLS_CERT/SWEEP_TLS_KEY/SWEEP_TLS_CA. SWEEP_BIN: directory holding
# sweep.dll (default: this script's directory when it is there, else the repository's build output for $SWEEP_CONFIGURATION, default Release).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ -n "${SWEEP_BIN:-}" ]; then
  cli="$SWEEP_BIN/sweep.dll"
elif [ -f "$here/sweep.dll" ]; then
  cli="$here/sweep.dll"
else
  cli="$here/../src/Client/bin/${SWEEP_CONFIGURATION:-Release}/net10.0/sweep.dll"
fi
[ -f "$cli" ] || { echo "client-host.sh: no sweep CLI at $cli (dotnet publish -c Release src/Client, or set SWEEP_BIN)" >&2; exit 1; }
exec dotnet "$cli" "$@"
