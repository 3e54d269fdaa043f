#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the tests and print its admin URL; stop it with
# `scripts/test/pg-server.sh stop DIR`. Uses the server binaries of Debian's postgresql
# package (/usr/lib/postgresql/<version>/bin). initdb refuses to run as root, so as root
# the cluster is made and run by the `postgres` user, in a folder that user owns.
# Prints nothing and exits 1 when no PostgreSQL is installed.
set -euo pipefail

if [ "${1:-}" = "stop" ]; then
  dir="$2"
  bin=$(cat "$dir/bin")
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$bin/pg_ctl -D $dir/data -m fast stop" >/dev/null 2>&1 || true
  else "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
  exit 0
fi

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] && [ -x "$bin/initdb" ] || exit 1
dir=$(mktemp -d /tmp/torque-pg-XXXXXX)
echo "$bin" > "$dir/bin"
port=$((55000 + RANDOM % 5000))
# fsync off: a test server's data need not survive a crash. Many connections: every test
# file keeps its services open until it ends.
# TORQUE_PG_OPTS: more server settings (the benchmark sizes the memory as a deployment would).
opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=1000 ${TORQUE_PG_OPTS:-}"
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$dir"
  su postgres -s /bin/sh -c "$bin/initdb -D $dir/data -U postgres --auth=trust -E UTF8 --no-locale" >/dev/null
  su postgres -s /bin/sh -c "$bin/pg_ctl -D $dir/data -o '$opts' -l $dir/pg.log -w start" >/dev/null
else
  "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
  "$bin/pg_ctl" -D "$dir/data" -o "$opts" -l "$dir/pg.log" -w start >/dev/null
fi
echo "postgres://postgres@127.0.0.1:$port/postgres $dir"
