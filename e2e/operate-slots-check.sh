#!/usr/bin/env bash
# e2e/operate-slots-check.sh — `cdcctl slots`, `cdcctl slots drop` and `cdcctl check` against
# real servers:
#   1. `slots -J` reports a slot this test created; its retained WAL grows by ~10 MB after a
#      10 MB insert and shrinks again once a `cdcctl stream --endpos` run confirmed it;
#   2. `slots drop` refuses the slot while a background `cdcctl stream` holds it (one line, exit
#      1), `slots` then names its client and publication, `--force` terminates the walsender and
#      drops it, and a second drop says it does not exist;
#   3. `check` on a throw-away PostgreSQL 15 cluster with wal_level=replica, a role without
#      REPLICATION, a table without a key and its only replication slot taken lists all four
#      problems in one run, exits 1;
#   4. `check -b 127.0.0.1:1 -m 2` reports the broker unreachable within 2 s + a few (timed);
#   5. `check` of the healthy stack (database, publication, table, broker, registry) exits 0.
# Environment: the stack's CDCCTL_* (eval "$(scripts/stack up)"), CDCCTL_BIN (default:
# .build/debug/cdcctl), CDCCTL_PG_BIN (default: /usr/lib/postgresql/15/bin).
set -euo pipefail

NAME=operate-slots-check
. "$(dirname "$0")/lib/preamble.sh"
. "$LIB/stream.sh"

echo "$NAME: cdcctl slots / slots drop / check"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_REGISTRY_URL
require_cmd psql python3
source "$LIB/cluster.sh"
require_cluster_tools

S=op_$$_$RANDOM
TABLE=public.${S}_t
TMP=$(mktemp -d /tmp/cdcctl-operate.XXXXXX)
STREAM_PID=
cleanup() {
  if [ -n "$STREAM_PID" ]; then kill "$STREAM_PID" 2>/dev/null || true; wait "$STREAM_PID" 2>/dev/null || true; fi
  stop_cluster
  cleanup_stream_test
}
trap cleanup EXIT

# slot_field FIELD: the field of slot $S in `cdcctl slots -J` ("" when the slot is not listed).
slot_field() {
  "$BIN" slots -J | python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if o["slot"] == sys.argv[1]:
        v = o[sys.argv[2]]
        print("" if v is None else str(v).lower() if isinstance(v, bool) else v)
' "$S" "$1"
}
one_line() { [ "$(wc -l <"$1")" -eq 1 ]; }

# --- 1. retained WAL grows with a write and shrinks once a stream confirms -------------------
sql "create table $TABLE (id int primary key, payload text)" >/dev/null
sql "create publication $S for table $TABLE" >/dev/null
sql "select pg_create_logical_replication_slot('$S', 'pgoutput')" >/dev/null
"$BIN" slots >"$TMP/slots.txt"
check "the plain table lists slot $S as inactive pgoutput with an unknown publication" \
  grep -qE "^$S +pgoutput +[^ ]+ +no +- +- .* unknown$" "$TMP/slots.txt"
r1=$(slot_field retained_bytes)
check "slots -J reports slot $S (retained $r1 bytes)" test -n "$r1"
sql "insert into $TABLE select g, repeat(md5(g::text), 32) from generate_series(1, 10240) g" >/dev/null   # 10 MB of payload
r2=$(slot_field retained_bytes)
echo "  retained WAL: $r1 bytes before the insert, $r2 after"
check "retained WAL grew by at least 10 MB after a 10 MB insert ($r1 -> $r2)" test "$((r2 - r1))" -ge 10485760
lag2=$(slot_field lag_bytes)
check "the lag grew too ($lag2 bytes)" test "$lag2" -ge 10485760
# A checkpoint logs the running transactions, the point from which decoding can restart; the
# row after it makes the stream decode past it before --endpos. The server moves restart_lsn only
# when a confirmation passes a restart point it noted while decoding, which a busy machine can
# leave for the next round: up to three rounds of checkpoint, row, stream.
events=0 r3=
for round in 1 2 3; do
  sql "checkpoint" >/dev/null
  sql "insert into $TABLE values (-$round, 'after the checkpoint')" >/dev/null
  END=$(sql "select pg_current_wal_lsn()")
  "$BIN" stream --slot "$S" --publication "$S" --endpos "$END" -q >"$TMP/events" 2>"$TMP/stream.err" \
    || { cat "$TMP/stream.err"; fail "cdcctl stream --endpos $END failed"; }
  events=$((events + $(wc -l <"$TMP/events")))
  for _ in $(seq 50); do   # the walsender applies the final confirmation as it exits
    r3=$(slot_field retained_bytes)
    [ "$r3" -lt "$r2" ] && break 2
    sleep 0.1
  done
done
echo "  retained WAL after cdcctl stream --endpos $END confirmed $events events: $r3 bytes"
check "retained WAL shrank once the stream confirmed ($r2 -> $r3)" test "$r3" -lt "$r2"
check "the stream delivered all $((10240 + round)) inserts" test "$events" -eq "$((10240 + round))"
check "the confirmed position reached --endpos ($(slot_field confirmed_flush_lsn))" \
  test "$(sql "select confirmed_flush_lsn >= '$END' from pg_replication_slots where slot_name = '$S'")" = t

# --- 2. drop refuses an active slot, --force drops it ----------------------------------------
"$BIN" stream --slot "$S" --publication "$S" -q >/dev/null 2>"$TMP/bg.err" &
STREAM_PID=$!
for _ in $(seq 100); do [ "$(slot_field active)" = true ] && break; sleep 0.1; done
check "the background stream holds slot $S" test "$(slot_field active)" = true
check "slots names the active slot's client ($(slot_field client))" test -n "$(slot_field client)"
check "slots names the publication the walsender asked for ($(slot_field publication))" test "$(slot_field publication)" = "$S"
set +e
"$BIN" slots drop "$S" >"$TMP/drop.out" 2>"$TMP/drop.err"; rc=$?
set -e
check "slots drop of an active slot exits 1 (exit $rc)" test "$rc" -eq 1
check "and prints nothing on stdout" test ! -s "$TMP/drop.out"
check "and one line on stderr naming the slot and --force: $(cat "$TMP/drop.err")" \
  eval 'one_line "$TMP/drop.err" && grep -q "^cdcctl: error: replication slot $S is active (walsender process [0-9]* by .*--force" "$TMP/drop.err"'
check "the slot is still there" test "$(sql "select count(*) from pg_replication_slots where slot_name = '$S'")" = 1
set +e
"$BIN" slots drop "$S" --force >"$TMP/drop.out" 2>"$TMP/drop.err"; rc=$?
set -e
check "slots drop --force exits 0 (exit $rc; $(cat "$TMP/drop.err"))" test "$rc" -eq 0
check "and says so in one line: $(cat "$TMP/drop.out")" \
  eval 'one_line "$TMP/drop.out" && grep -q "^terminated walsender process [0-9]* (client .*) and dropped replication slot $S$" "$TMP/drop.out"'
check "the slot is gone" test "$(sql "select count(*) from pg_replication_slots where slot_name = '$S'")" = 0
# The stream loses its slot: its retry fails, and it exits.
for _ in $(seq 100); do kill -0 "$STREAM_PID" 2>/dev/null || break; sleep 0.1; done
kill "$STREAM_PID" 2>/dev/null || true
wait "$STREAM_PID" 2>/dev/null || true
STREAM_PID=
set +e
"$BIN" slots drop "$S" >"$TMP/drop.out" 2>"$TMP/drop.err"; rc=$?
set -e
check "dropping a missing slot is a one-line error, exit 1: $(cat "$TMP/drop.err")" \
  eval '[ "$rc" -eq 1 ] && one_line "$TMP/drop.err" && grep -q "^cdcctl: error: replication slot $S does not exist on " "$TMP/drop.err"'

# --- 3. check names every problem of a badly set-up server in one run ------------------------
start_cluster "$TMP" 55610 -- -c wal_level=replica -c max_replication_slots=1
PORT=$CLUSTER_PORT
ADMIN=$CLUSTER_URL
psql "$ADMIN" -XAtq -v ON_ERROR_STOP=1 -c "CREATE ROLE norepl LOGIN NOREPLICATION" \
  -c "CREATE TABLE public.nokey (id int, v text)" -c "CREATE TABLE public.haskey (id int PRIMARY KEY)" \
  -c "SELECT pg_create_physical_replication_slot('taken')" \
  || fail "cannot prepare the throw-away server"
set +e
env -u CDCCTL_KAFKA_BROKERS -u CDCCTL_REGISTRY_URL \
  "$BIN" check --db "postgresql://norepl@127.0.0.1:$PORT/postgres" -t public.nokey -t public.haskey >"$TMP/check.out" 2>"$TMP/check.err"
rc=$?
set -e
echo "  check of the wal_level=replica cluster (exit $rc):"
sed 's/^/  | /' "$TMP/check.out" "$TMP/check.err"
check "check exits 1" test "$rc" -eq 1
check "it reports wal_level 'replica' with the fix" grep -qE "^problem +wal_level +wal_level is 'replica'.*fix: .*wal_level = logical.*restart" "$TMP/check.out"
check "it reports the role without REPLICATION with the fix" grep -qE "^problem +replication_privilege +role norepl .*fix: ALTER ROLE \"norepl\" REPLICATION" "$TMP/check.out"
check "it reports that no replication slot is free, with the fix" grep -qE "^problem +replication_slots +no free replication slot: 1 of max_replication_slots = 1 in use; fix: drop unused slots" "$TMP/check.out"
check "it names the table without a key, with the fix" grep -qE "^problem +replica_identity +table public.nokey .*fix: ALTER TABLE \"public\".\"nokey\" ADD PRIMARY KEY" "$TMP/check.out"
check "it does not flag the table with a key" eval '! grep -q "table public.haskey has no" "$TMP/check.out"'
check "stderr is one line naming the four problems" \
  eval 'one_line "$TMP/check.err" && grep -q "^cdcctl: error: check found 4 problems: wal_level, replication_privilege, replication_slots, replica_identity" "$TMP/check.err"'
set +e
"$BIN" check -J --db "postgresql://norepl@127.0.0.1:$PORT/postgres" -t public.nokey -b 127.0.0.1:1 -m 1 >"$TMP/check.json" 2>/dev/null
set -e
check "-J gives one JSON object per check with the same problems (and the broker)" python3 - "$TMP/check.json" <<'PY'
import json, sys
checks = [json.loads(line) for line in open(sys.argv[1])]
problems = [c["check"] for c in checks if c["status"] == "problem"]
sys.exit(0 if problems == ["wal_level", "replication_privilege", "replication_slots", "replica_identity", "broker"] and all(c["fix"] for c in checks if c["status"] == "problem") else 1)
PY

# --- 4. a refused broker is reported at once, not after -m seconds ----------------------------
# (A broker that accepts but never answers gets -m seconds: SlotsCheckTests' silent listener.)
set +e
t0=$(date +%s.%N)
"$BIN" check -b 127.0.0.1:1 -m 5 >"$TMP/broker.out" 2>"$TMP/broker.err"
rc=$?
t1=$(date +%s.%N)
set -e
elapsed=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
echo "  check -b 127.0.0.1:1 -m 5 took $elapsed s (exit $rc)"
check "check -b 127.0.0.1:1 -m 5 exits 1" test "$rc" -eq 1
check "it reports the refused broker with a fix" grep -qE "^problem +broker +Kafka at 127.0.0.1:1: connection refused .*fix: " "$TMP/broker.out"
check "it did not wait for -m 5 ($elapsed s)" python3 -c "import sys; sys.exit(0 if $elapsed < 4 else 1)"

# --- 5. the healthy stack passes --------------------------------------------------------------
set +e
"$BIN" check -t "$TABLE" --publication "$S" >"$TMP/ok.out" 2>"$TMP/ok.err"
rc=$?
set -e
check "check of the healthy stack exits 0 (exit $rc)" test "$rc" -eq 0
check "every line is ok" eval '! grep -qv "^ok " "$TMP/ok.out"'
check "it checked the broker and the registry" eval 'grep -q "^ok  *broker " "$TMP/ok.out" && grep -q "^ok  *registry " "$TMP/ok.out"'
if [ "$ok" -ne 1 ]; then
  echo "healthy check was:"; sed 's/^/  | /' "$TMP/ok.out" "$TMP/ok.err"
  exit 1
fi
echo "PASS: $NAME"
