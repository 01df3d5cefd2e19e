#!/bin/sh
# Creates the cluster on first start (empty PGDATA) with POSTGRES_USER / POSTGRES_PASSWORD and the
# database POSTGRES_DB (the variables of the official postgres image), then runs the server as this
# process, so a stop signal reaches PostgreSQL itself. Clients authenticate with scram-sha-256.
set -eu
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
USER_NAME=${POSTGRES_USER:-postgres}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pw=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pw"
  "$BIN/initdb" -D "$PGDATA" -U "$USER_NAME" --pwfile="$pw" -E UTF8 --locale=C.UTF-8 \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256 >/dev/null
  rm -f "$pw"
  printf "listen_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
  printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  if [ -n "${POSTGRES_DB:-}" ] && [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\" OWNER \"$USER_NAME\"" | "$BIN/postgres" --single -D "$PGDATA" -j postgres >/dev/null
  fi
fi
# The socket directory of Debian's build (/var/run/postgresql) is not writable under a read-only root.
exec "$BIN/postgres" -D "$PGDATA" -c unix_socket_directories=/tmp
