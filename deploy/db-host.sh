#!/usr/bin/env bash
# The database host of a Sweep cluster: one PostgreSQL server (15+) holding membership, grain state, reminders,
# sweeps, results and checkpoints. Run as root (the server itself runs as the "postgres" user) or as the user
# that owns DATADIR.
#
#   deploy/db-host.sh init DATADIR              initdb, listen and client settings, start, create role and database
#   deploy/db-host.sh start|stop|status DATADIR
#   deploy/db-host.sh restart DATADIR [fast|immediate]   (immediate: like a crash; clients see their connections drop)
#   deploy/db-host.sh createdb DATADIR NAME     another database owned by the role (e.g. a second cluster)
#   deploy/db-host.sh psql DATADIR [ARGS...]    psql as the superuser over the local socket
#
# Settings (environment):
#   SWEEP_DB_LISTEN      address(es) to listen on (default localhost), e.g. 10.0.0.2
#   SWEEP_DB_PORT        TCP port (default 5432)
#   SWEEP_DB_CLIENTS     CIDR allowed to connect with a password (default 127.0.0.1/32), e.g. 10.0.0.0/24
#   SWEEP_DB_USER, SWEEP_DB_NAME   role and database (default sweep, sweep)
#   SWEEP_DB_PASSWORD or SWEEP_DB_PASSWORD_FILE   the role's password (init; required; scram-sha-256)
#   SWEEP_DB_OPTIONS     extra server settings for init, e.g. "max_connections=300 shared_buffers=256MB"
# Silos then connect with "Host=<SWEEP_DB_LISTEN>;Port=<port>;Database=sweep;Username=sweep;Password=...".
set -euo pipefail

die() { echo "db-host.sh: $*" >&2; exit 1; }
usage() { sed -n '2,21p' "$0" >&2; exit 2; }

find_bin() {
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return
  fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$newest" ] && [ -x "$newest/initdb" ] || die "PostgreSQL server binaries not found (apt-get install postgresql)"
  echo "$newest"
}

# Runs a PostgreSQL program as the owner of the data directory (the "postgres" user when we are root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cmd="${1:-}"; datadir="${2:-}"
[ -n "$cmd" ] && [ -n "$datadir" ] || usage
BIN="$(find_bin)"
PORT="${SWEEP_DB_PORT:-5432}"
DB_USER="${SWEEP_DB_USER:-sweep}"
DB_NAME="${SWEEP_DB_NAME:-sweep}"
[[ "$DB_USER" =~ ^[a-z_][a-z0-9_]*$ ]] || die "SWEEP_DB_USER='$DB_USER': use lower-case letters, digits and _"
[[ "$DB_NAME" =~ ^[a-z_][a-z0-9_]*$ ]] || die "SWEEP_DB_NAME='$DB_NAME': use lower-case letters, digits and _"

psql_admin() { as_owner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$datadir" -p "$PORT" -U postgres -d postgres "$@"; }

createdb_owned() {
  local name="$1"
  [[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || die "database name '$name': use lower-case letters, digits and _"
  as_owner "$BIN/createdb" -h "$datadir" -p "$PORT" -U postgres -O "$DB_USER" "$name"
}

case "$cmd" in
  init)
    [ ! -e "$datadir/PG_VERSION" ] || die "$datadir already holds a PostgreSQL cluster; use start"
    password="${SWEEP_DB_PASSWORD:-}"
    if [ -z "$password" ] && [ -n "${SWEEP_DB_PASSWORD_FILE:-}" ]; then
      password="$(head -n 1 "$SWEEP_DB_PASSWORD_FILE")"
    fi
    [ -n "$password" ] || die "set SWEEP_DB_PASSWORD or SWEEP_DB_PASSWORD_FILE: the role '$DB_USER' logs in with a password"
    mkdir -p "$datadir"
    if [ "$(id -u)" -eq 0 ]; then
      id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
      chown postgres: "$datadir"
    fi
    chmod 700 "$datadir"
    as_owner "$BIN/initdb" -D "$datadir" -U postgres -E UTF8 --locale=C --auth-local=peer --auth-host=scram-sha-256 \
      --no-instructions >/dev/null
    {
      echo "listen_addresses = '${SWEEP_DB_LISTEN:-localhost}'"
      echo "port = $PORT"
      echo "unix_socket_directories = '$datadir'"
      echo "max_connections = 300"
      for setting in ${SWEEP_DB_OPTIONS:-}; do
        echo "${setting%%=*} = '${setting#*=}'"
      done
    } | as_owner tee -a "$datadir/postgresql.conf" >/dev/null
    echo "host all $DB_USER ${SWEEP_DB_CLIENTS:-127.0.0.1/32} scram-sha-256" | as_owner tee -a "$datadir/pg_hba.conf" >/dev/null
    as_owner "$BIN/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w start >/dev/null
    printf '%s\n' "CREATE ROLE $DB_USER LOGIN PASSWORD :'password';" | psql_admin -v password="$password"
    createdb_owned "$DB_NAME"
    echo "db-host.sh: PostgreSQL on ${SWEEP_DB_LISTEN:-localhost}:$PORT, database $DB_NAME owned by $DB_USER; log $datadir/server.log"
    ;;
  start)
    as_owner "$BIN/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w start >/dev/null
    ;;
  stop)
    as_owner "$BIN/pg_ctl" -D "$datadir" -m fast -w stop >/dev/null
    ;;
  status)
    as_owner "$BIN/pg_ctl" -D "$datadir" status
    ;;
  restart)
    mode="${3:-fast}"
    [[ "$mode" =~ ^(fast|immediate|smart)$ ]] || die "restart mode must be fast, immediate or smart, not '$mode'"
    as_owner "$BIN/pg_ctl" -D "$datadir" -l "$datadir/server.log" -m "$mode" -w restart >/dev/null
    ;;
  psql)
    shift 2
    as_owner "$BIN/psql" -X -v ON_ERROR_STOP=1 -h "$datadir" -p "$PORT" -U postgres "$@"
    ;;
  createdb)
    [ -n "${3:-}" ] || usage
    createdb_owned "$3"
    ;;
  *) usage ;;
esac
