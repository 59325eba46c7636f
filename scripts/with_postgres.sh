#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server for the tests marked `postgres`.
# Installs Debian's postgresql package when no server binaries exist (CI runs as root on a
# fresh machine), starts a private cluster on a Unix socket in a temp dir, exports
# MONELL_TEST_POSTGRES_URL, runs "$@", and always stops and removes the cluster.
# If MONELL_TEST_POSTGRES_URL is already set, it just runs "$@" against that server.
set -euo pipefail

if [ -n "${MONELL_TEST_POSTGRES_URL:-}" ]; then exec "$@"; fi

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
PGBIN=$(find_bin || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "with_postgres: installing Debian's postgresql package" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
    PGBIN=$(find_bin)
  else
    echo "with_postgres: no PostgreSQL server found and cannot install one (not root);" \
         "PostgreSQL tests will be skipped" >&2
    exec "$@"
  fi
fi

RUN_AS=()
if [ "$(id -u)" = 0 ]; then RUN_AS=(runuser -u postgres --); fi
DIR=$(mktemp -d /tmp/monell-pg.XXXXXX)
chmod 755 "$DIR"
[ "$(id -u)" = 0 ] && chown postgres "$DIR"
PORT=$(( 20000 + RANDOM % 20000 ))
cleanup() {
  "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
"${RUN_AS[@]}" "$PGBIN/initdb" -D "$DIR/data" -A trust -U monell >/dev/null
"${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -w -l "$DIR/log" \
  -o "-k $DIR -p $PORT -c listen_addresses='' -c fsync=off" start >/dev/null
"${RUN_AS[@]}" "$PGBIN/createdb" -h "$DIR" -p "$PORT" -U monell monell_test
export MONELL_TEST_POSTGRES_URL="postgresql+psycopg://monell@/monell_test?host=$DIR&port=$PORT"
"$@"
