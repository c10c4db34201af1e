#!/usr/bin/env bash
# e2e/incremental-snapshot-pg-restart.sh — PostgreSQL crashes (`pg_ctl restart -m immediate`)
# while a running `cdcctl stream` reads an incremental snapshot in chunks, with a pgbench writer
# changing the table throughout (issue #11: "never lose a row"). The stream rides out the outage
# on its own (it is not restarted): it reconnects, the chunk that was open is read again after
# the last chunk the slot acknowledged, the snapshot finishes, and replaying everything the one
# stream wrote (latest event per key, deletes removing) equals SELECT * of the table.
# On a throw-away cluster (e2e/lib/cluster.sh: crashing the stack's server would disturb the other
# tests), with wal_level=logical. CDCCTL_BIN overrides the binary.
set -euo pipefail

NAME=incremental-snapshot-pg-restart
. "$(dirname "$0")/lib/preamble.sh"
. "$LIB/cluster.sh"
ROWS=${CDCCTL_INCREMENTAL_ROWS:-100000}

echo "$NAME: a crash of PostgreSQL in the middle of an incremental snapshot loses no row"
require_bin
require_env CDCCTL_PYTHON
require_cmd psql pgbench
require_cluster_tools

cluster_test_dir incremental-restart
mkdir "$TMP/cluster"
start_cluster "$TMP/cluster" 56600 -- -c wal_level=logical
export CDCCTL_PG_URL=$CLUSTER_URL   # the helpers of lib/incremental.sh and cdcctl's default --db
STREAM= WRITER=
. "$LIB/incremental.sh"
cleanup() {
  set +e
  stop_writer_and_stream
  cleanup_cluster_test
}
trap cleanup EXIT
crash() {
  "${CLUSTER_AS[@]}" "$PGBIN/pg_ctl" restart -D "$CLUSTER_DATA" -m immediate -w -t 30 >/dev/null || fail "pg_ctl restart failed"
}

T=inc_restart
make_table "$T" "$ROWS"
stream_start "$T" "$TMP/out.ndjson" "$TMP/err" -t "public.$T" --chunk-size 512
writer_start "$T" $((ROWS + ROWS / 10)) 300
"$BIN" snapshot --incremental -q -t "public.$T" --slot "$T" || bad "snapshot --incremental failed"
wait_chunks "$T" "$T" 20 120 || bad "no 20 chunks recorded within 120 s: $(progress "$T" "$T"); $(tail -3 "$TMP/err")"
before=$(chunks "$T" "$T")
crash
check "the crash came mid-snapshot ($before chunks of ~$((ROWS / 512)) recorded before it)" [ "$before" -lt $((ROWS / 512 - 10)) ]
# pgbench's connections died with the server: a new writer goes on changing the table.
writer_stop
writer_start "$T" $((ROWS + ROWS / 10)) 300
check "the stream is still running after the crash" kill -0 "$STREAM"
check "it reconnects ($(grep -m1 'retrying' "$TMP/err" | head -c 200))" wait_line "$TMP/err" "retrying in" 30
wait_state "$T" "$T" done 300 || bad "the incremental snapshot did not finish within 300 s after the crash: $(progress "$T" "$T"); $(tail -3 "$TMP/err")"
check "it went on from the recorded chunks ($(chunks "$T" "$T") chunks in all, $before before the crash)" [ "$(chunks "$T" "$T")" -gt "$before" ]
writer_stop
stop_stream "$T"
check "stderr reports the end ($(grep -m1 ': done' "$TMP/err"))" grep -q "incremental snapshot of public.$T: done" "$TMP/err"
dump "$T"
check "replaying the stream's NDJSON equals the table ($("$CDCCTL_PYTHON" "$LIB/incremental_check.py" "$TMP/$T.table" --ndjson "$TMP/out.ndjson" 2>&1 | head -c 300))" \
  "$CDCCTL_PYTHON" "$LIB/incremental_check.py" "$TMP/$T.table" --ndjson "$TMP/out.ndjson"
if [ "$ok" -ne 1 ]; then
  echo "stderr was:"; tail -n 20 "$TMP/err" | sed 's/^/  | /'
  exit 1
fi
echo "PASS: $NAME"
