#!/usr/bin/env bash
# e2e/stream-snapshot-pg-restart.sh — PostgreSQL restarted (`pg_ctl restart -m immediate`, a crash)
# while `cdcctl stream` reads its initial snapshot (issue #11, "What it must show"): the slot
# survives the crash with its snapshot marked pending in cdcctl.snapshot_state, so the stream (or
# its rerun) takes a fresh snapshot instead of streaming alone; replaying everything it wrote, plus
# the changes made after, gives exactly the table's rows.
# On a throw-away cluster (e2e/lib/cluster.sh: restarting the stack's server would disturb the
# other tests), with wal_level=logical. CDCCTL_BIN overrides the binary.
set -euo pipefail

NAME=stream-snapshot-pg-restart
. "$(dirname "$0")/lib/preamble.sh"
. "$LIB/cluster.sh"
ROWS=${CDCCTL_RESTART_ROWS:-300000}

echo "$NAME: a crash of PostgreSQL during the initial snapshot loses no row"
require_bin
require_env CDCCTL_PYTHON
require_cmd psql
require_cluster_tools

cluster_test_dir pgrestart

mkdir "$TMP/cluster"
start_cluster "$TMP/cluster" 56300 -- -c wal_level=logical
DB=$CLUSTER_URL
sql() { psql "$DB" -XqAt -v ON_ERROR_STOP=1 -c "$1"; }
mark() { sql "select coalesce((select state from cdcctl.snapshot_state where slot = 'restart_slot'), 'none')" 2>/dev/null || echo none; }
restart() {
  "${CLUSTER_AS[@]}" "$PGBIN/pg_ctl" restart -D "$CLUSTER_DATA" -m immediate -w -t 30 >/dev/null || fail "pg_ctl restart failed"
}

sql "create table public.t (id int primary key, v int); insert into public.t select g, g from generate_series(1, $ROWS) g"

# The first run: crash the server once part of the snapshot is out.
: >"$TMP/run1.ndjson"   # wc below may run before the background stream opens it
"$BIN" stream --db "$DB" --slot restart_slot --publication restart_pub -t public.t >"$TMP/run1.ndjson" 2>"$TMP/run1.err" &
PID=$!
for _ in $(seq 600); do [ "$(wc -l <"$TMP/run1.ndjson")" -gt 2000 ] && break; sleep 0.05; done
first=$(wc -l <"$TMP/run1.ndjson")
restart
# The stream either gives up on the lost connection or retries on its own; either way it must not
# acknowledge a snapshot it did not finish. Give it a moment, then stop it.
sleep 3
kill -INT "$PID" 2>/dev/null || true
for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
kill -9 "$PID" 2>/dev/null || true
wait "$PID" 2>/dev/null || true
PID=
check "the crash came mid-snapshot ($first of $ROWS rows out before it)" [ "$first" -lt "$ROWS" ]
check "the slot survived the crash" [ "$(sql "select count(*) from pg_replication_slots where slot_name = 'restart_slot'")" = 1 ]
state=$(mark)
check "the slot's snapshot is pending, or complete only if the first run finished it after the restart ($state)" \
  bash -c "[ '$state' = pending ] || { [ '$state' = complete ] && [ \$(grep -c '\"op\":\"r\"' '$TMP/run1.ndjson') -ge $ROWS ]; }"

# Changes after the crash, then the rerun up to the current position.
sql "update public.t set v = v * 10 where id <= 10; delete from public.t where id = 11; insert into public.t values ($ROWS + 1, 7)"
END=$(sql "select pg_current_wal_lsn()")
timeout 300 "$BIN" stream --db "$DB" --slot restart_slot --publication restart_pub -t public.t --endpos "$END" \
  >"$TMP/run2.ndjson" 2>"$TMP/run2.err" || bad "the rerun failed: $(cat "$TMP/run2.err")"
if [ "$state" = pending ]; then
  check "the rerun says it takes a fresh snapshot" grep -q "never completed: taking a fresh snapshot" "$TMP/run2.err"
fi
check "the slot's snapshot is marked complete" [ "$(mark)" = complete ]
sql "select id, v from public.t order by id" | tr '|' ' ' >"$TMP/table"
check "replaying both runs gives the table ($("$CDCCTL_PYTHON" "$LIB/replay_check.py" "$TMP/table" "$TMP/run1.ndjson" "$TMP/run2.ndjson" 2>&1 | head -c 300))" \
  "$CDCCTL_PYTHON" "$LIB/replay_check.py" "$TMP/table" "$TMP/run1.ndjson" "$TMP/run2.ndjson"

[ "$ok" -eq 1 ] || exit 1
