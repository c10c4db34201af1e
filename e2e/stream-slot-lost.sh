#!/usr/bin/env bash
# e2e/stream-slot-lost.sh — a slot the server invalidated (`wal_status = lost`, past
# max_slot_wal_keep_size) can never resume: `cdcctl stream` must say so in one fatal line that
# says what to do (drop the slot, start again with a new snapshot), exit non-zero within
# seconds, and never retry: a slot already lost when the stream starts, and one lost while it
# streams.
#
# Starts its own throw-away PostgreSQL 15 cluster (wal_level=logical, 1 MB WAL segments,
# max_slot_wal_keep_size=1MB) on a free loopback port, in a temporary directory that is always
# removed; the stack's server is not touched. A stream creates the slot and stops; then enough
# WAL is written and a checkpoint removes what the slot needed.
# Environment: CDCCTL_BIN (default: .build/debug/cdcctl), CDCCTL_PG_BIN (default:
# /usr/lib/postgresql/15/bin).
set -euo pipefail

NAME=stream-slot-lost
. "$(dirname "$0")/lib/preamble.sh"

echo "$NAME: a lost slot ends cdcctl stream with one line, not a retry loop"
require_bin
source "$LIB/cluster.sh"
require_cluster_tools
require_cmd psql

TMP=$(mktemp -d /tmp/cdcctl-slot-lost.XXXXXX)
cleanup() {
  stop_cluster
  rm -rf "$TMP"
}
trap cleanup EXIT
# 1 MB WAL segments and a 1 MB max_slot_wal_keep_size: a few MB of writes lose the slot.
start_cluster "$TMP" 55600 --wal-segsize=1 -- -c wal_level=logical \
  -c max_slot_wal_keep_size=1MB -c min_wal_size=2MB -c max_wal_size=4MB -c wal_keep_size=0
URL=$CLUSTER_URL
sql() { psql "$URL" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
sql "CREATE TABLE public.t (id int PRIMARY KEY, pad text)" || fail "cannot prepare the throw-away server"

# The slot, created by a stream that stops at once (initial-only: create, snapshot, stop).
"$BIN" stream --db "$URL" --slot s --publication p -t public.t --snapshot initial-only -q >/dev/null 2>"$TMP/first.err" \
  || { cat "$TMP/first.err"; fail "the first stream (creating the slot) failed"; }

# With no stream running, write several MB of WAL and checkpoint: the slot falls past
# max_slot_wal_keep_size and the checkpoint invalidates it.
status=""
for _ in $(seq 10); do
  sql "INSERT INTO public.t SELECT g, repeat('x', 500) FROM generate_series(1, 5000) g ON CONFLICT (id) DO UPDATE SET pad = excluded.pad" >/dev/null
  sql "SELECT pg_switch_wal()" >/dev/null
  sql "CHECKPOINT"
  status=$(sql "SELECT wal_status FROM pg_replication_slots WHERE slot_name = 's'")
  [ "$status" = lost ] && break
done
[ "$status" = lost ] || fail "could not make the slot lost (wal_status '$status')"
pass "the slot is lost (wal_status = lost)"

set +e
start=$SECONDS
timeout 30 "$BIN" stream --db "$URL" --slot s --publication p -t public.t >"$TMP/stdout" 2>"$TMP/stderr"
rc=$?
elapsed=$((SECONDS - start))
set -e

one_line() { [ "$(wc -l <"$1")" -eq 1 ]; }
exited_with_error() { [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; }   # 124: timed out (a retry loop)
check "exits non-zero (exit $rc)" exited_with_error
check "within seconds (${elapsed} s)" test "$elapsed" -le 10
check "writes nothing to stdout" test ! -s "$TMP/stdout"
check "writes exactly one line to stderr" one_line "$TMP/stderr"
check "the line starts with 'cdcctl: error: replication slot s is lost'" \
  grep -q "^cdcctl: error: replication slot s is lost (wal_status = lost)" "$TMP/stderr"
check "the line says what to do (drop it, start again)" grep -qF "drop it (cdcctl slots drop s) and start the stream again" "$TMP/stderr"
check "no retry notice" bash -c "! grep -q retrying '$TMP/stderr'"
echo "stderr was:"
sed 's/^/  | /' "$TMP/stderr"

# While streaming: a new slot, a running stream, an open transaction that holds the slot's
# restart_lsn back while more WAL than max_slot_wal_keep_size is written, then a checkpoint. The
# server invalidates the slot (terminating the walsender); the stream must end with the same
# line, not reconnect for ever.
sql "SELECT pg_drop_replication_slot('s')" >/dev/null
"$BIN" stream --db "$URL" --slot s2 --publication p -t public.t >"$TMP/stdout2" 2>"$TMP/stderr2" &
PID=$!
for _ in $(seq 100); do grep -q "waiting for changes" "$TMP/stderr2" && break; sleep 0.1; done
psql "$URL" -XqAt -c "BEGIN; INSERT INTO public.t VALUES (-1, 'open'); SELECT pg_sleep(60); COMMIT" >/dev/null 2>&1 &
HOLDER=$!
sleep 0.5
status=""
for _ in $(seq 10); do
  sql "INSERT INTO public.t SELECT g, repeat('y', 500) FROM generate_series(1, 5000) g ON CONFLICT (id) DO UPDATE SET pad = excluded.pad" >/dev/null
  sql "SELECT pg_switch_wal()" >/dev/null
  sql "CHECKPOINT"
  status=$(sql "SELECT wal_status FROM pg_replication_slots WHERE slot_name = 's2'")
  [ "$status" = lost ] && break
done
check "the streaming slot became lost (wal_status '$status')" test "$status" = lost
rc2=0
for _ in $(seq 150); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$PID" 2>/dev/null; then
  kill -KILL "$PID"; rc2=timeout
else
  wait "$PID" || rc2=$?
fi
kill "$HOLDER" 2>/dev/null || true
check "the stream exits non-zero within 15 s (exit $rc2)" test "$rc2" != timeout -a "$rc2" != 0
check "its last line is the lost-slot error" bash -c "tail -n 1 '$TMP/stderr2' | grep -q '^cdcctl: error: replication slot s2 is lost (wal_status = lost)'"
check "one error line" test "$(grep -c '^cdcctl: error:' "$TMP/stderr2")" = 1
echo "stderr was:"
sed 's/^/  | /' "$TMP/stderr2"
[ "$ok" -eq 1 ] || exit 1
echo "PASS: $NAME"
