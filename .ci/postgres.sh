#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the storage tests and prints, on stdout, the line
#   export ACTORPAGER_TEST_POSTGRES='Host=...;Port=...;Database=...;Username=...'
# so that `eval "$(.ci/postgres.sh)"` sets it for the tests. Everything else goes to stderr.
#
# Idempotent: when a server started by this script is still running (its directory is recorded
# in $STATE), the same line is printed again. Installs the Debian package postgresql when
# initdb is missing and we are root. PostgreSQL refuses to run as root, so as root the server
# runs as the `postgres` user, in a temporary directory owned by it.
#
# Stop it with:  .ci/postgres.sh stop
set -euo pipefail

# One state file per checkout, so two checkouts on one machine never share (or stop) a server.
STATE="${TMPDIR:-/tmp}/actorpager-postgres-$(cd "$(dirname "$0")/.." && pwd | md5sum | cut -c1-8).state"
log() { echo "postgres.sh: $*" >&2; }

find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
  done
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = stop ]; then
  if [ -f "$STATE" ]; then
    # shellcheck disable=SC1090
    . "$STATE"
    as_owner "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >&2 || true
    rm -rf "$PGDIR" "$STATE"
    log "stopped"
  fi
  exit 0
fi

if [ -f "$STATE" ]; then
  # shellcheck disable=SC1090
  . "$STATE"
  if as_owner "$PGBIN/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; then
    log "already running on port $PGPORT"
    echo "export ACTORPAGER_TEST_POSTGRES='$CONN'"
    exit 0
  fi
  rm -rf "$PGDIR" "$STATE"
fi

if ! PGBIN="$(find_bin)"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    PGBIN="$(find_bin)"
  else
    log "initdb not found and cannot install postgresql (not root or no apt-get)"
    exit 1
  fi
fi

if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin postgres
fi

PGDIR="$(mktemp -d "${TMPDIR:-/tmp}/actorpager-pg.XXXXXX")"
chmod 755 "$PGDIR"
[ "$(id -u)" = 0 ] && chown postgres: "$PGDIR"
PGUSER="$(as_owner id -un)"

# A free local port: ask the kernel for one.
PGPORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo $((20000 + RANDOM % 20000)))"

as_owner "$PGBIN/initdb" -D "$PGDIR/data" -U "$PGUSER" --auth=trust -E UTF8 --no-sync >&2
as_owner "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
  -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=on" start >&2
as_owner "$PGBIN/createdb" -h "$PGDIR" -p "$PGPORT" -U "$PGUSER" actorpager_test >&2

CONN="Host=127.0.0.1;Port=$PGPORT;Database=actorpager_test;Username=$PGUSER"
cat > "$STATE" <<STATE_EOF
PGBIN='$PGBIN'
PGDIR='$PGDIR'
PGPORT='$PGPORT'
CONN='$CONN'
STATE_EOF
log "running on port $PGPORT, data in $PGDIR"
echo "export ACTORPAGER_TEST_POSTGRES='$CONN'"
