#!/usr/bin/env bash
# `npm test`: the whole suite on SQLite, then the suite shared by both databases (store,
# entities, API, workflows, MCP, several servers) on PostgreSQL, then one line with the
# sum: "N pass" and "N fail". The PostgreSQL server is TORQUE_TEST_PG when set, else a
# throwaway one started here (scripts/test/pg-server.sh); without PostgreSQL installed
# the shared run is skipped, saying so. Arguments (paths, -t …) replace the shared list in
# the PostgreSQL run too.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUN=node_modules/.bin/bun
# The tests that meet the database through the services; src/store/entities holds the
# tests of SQLite's own machinery (its planner, full-text and rollup tables).
SHARED=(src/services src/realtime tests/access src/xflow src/store/postgres src/store/entities/rollups.test.ts tests/server tests/graphql tests/mcp tests/xflow tests/doors tests/postgres tests/durability tests/fuzz)

log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$BUN" test "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
count() { grep -Eo "^ *[0-9]+ $1\$" "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0; }
pass=$(count pass)
fail=$(count fail)

started=""
if [ -z "${TORQUE_TEST_PG:-}" ] && out=$(bash scripts/test/pg-server.sh); then
  TORQUE_TEST_PG=${out%% *}
  started=${out#* }
  trap 'rm -f "$log"; bash scripts/test/pg-server.sh stop "$started"' EXIT
fi
if [ -n "${TORQUE_TEST_PG:-}" ]; then
  echo
  echo "== the shared suite on PostgreSQL ($TORQUE_TEST_PG)"
  : > "$log"
  if [ $# -gt 0 ]; then set -- "$@"; else set -- "${SHARED[@]}"; fi
  TORQUE_TEST_DB=postgres TORQUE_TEST_PG=$TORQUE_TEST_PG "$BUN" test "$@" 2>&1 | tee "$log"
  s=${PIPESTATUS[0]}
  [ "$s" -ne 0 ] && status=$s
  pass=$((pass + $(count pass)))
  fail=$((fail + $(count fail)))
else
  echo
  echo "== no PostgreSQL found (apt-get install postgresql, or set TORQUE_TEST_PG): the shared suite ran on SQLite only"
fi
echo
echo "SQLite and PostgreSQL together:"
echo " $pass pass"
echo " $fail fail"
exit "$status"
