#!/usr/bin/env bash
# e2e/kafka-exactly-once-outage.sh — `cdcctl stream --exactly-once` through a broker outage
# (issue #15, item 7): while a Kafka transaction's commit waits for the broker, the stream keeps
# the replication connection alive and says every 10 s what waits, as the at-least-once path
# does; afterwards it resumes by itself, and a read_committed reader sees every row once.
#
# The numbers: the stack's server gets wal_sender_timeout = 20 s for the test (ALTER SYSTEM +
# reload, restored at the end; PostgreSQL's default is 60 s): a walsender whose client sends
# nothing for 20 s drops the connection. The outage lasts 45 s, more than twice that, so a read
# loop that stops answering while it waits on a commit is dropped at least once (it was, after
# ~20 s, before the fix), and at 10 s per notice at least 3 notices fall inside it. Checks:
#   - the slot's walsender (pg_replication_slots.active_pid, also in pg_stat_replication) is the
#     same process at every poll, every 2 s, from before the outage to after it: never dropped;
#   - no "retrying in" line (the stream's reconnection notice) on stderr;
#   - "waiting for …" notices on stderr (timestamped by this script as they arrive): the first
#     within 15 s of the outage's start, then at most 15 s apart until it ends;
#   - the slot's confirmed position stays before the first outage transaction's commit (the
#     slot never passes a transaction whose Kafka transaction is not committed);
#   - the stream resumes by itself once the proxy is back (the slot is confirmed past every row,
#     within 60 s; the time it took is printed), and exits 0 on SIGTERM;
#   - a read_committed reader (confluent-kafka) sees each row exactly once.
# The outage is a stopped `tansu proxy` in front of the stack's broker, as in
# e2e/kafka-stream-faults.sh. It starts between Kafka transactions (after batch 1 is confirmed)
# and nothing is killed or aborted mid-transaction: Tansu's read_committed fetch does not filter
# aborted transactions, so an aborted one would show as a duplicate (see kafka-exactly-once.sh).
# Uses the stack ($CDCCTL_PG_URL, $CDCCTL_KAFKA_BROKERS, $CDCCTL_TANSU, $CDCCTL_PYTHON).
# CDCCTL_BIN overrides the binary (default: .build/debug/cdcctl).
set -euo pipefail

NAME=kafka-exactly-once-outage
. "$(dirname "$0")/lib/preamble.sh"

WAL_SENDER_TIMEOUT=20   # seconds, on the stack's server during the test
OUTAGE=45               # seconds the proxy is down
MAX_GAP=15              # seconds allowed between notices (they are due every 10 s)

echo "$NAME: through a ${OUTAGE} s broker outage the replication connection stays up and notices come every 10 s"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_TANSU CDCCTL_PYTHON
[ -x "$CDCCTL_TANSU" ] || fail "no tansu binary at $CDCCTL_TANSU"
require_cmd psql

S=keoo_$$_$RANDOM
TABLE=public.$S
TOPIC=$S.$TABLE
TMP=$(mktemp -d /tmp/cdcctl-eo-outage.XXXXXX)
STREAM_PID=
PROXY_PID=
GEN_PID=
source "$LIB/stream.sh"

# wal_sender_timeout: set in postgresql.auto.conf for the test, then put back as it was.
had_auto=$(sql "select count(*) from pg_file_settings where name = 'wal_sender_timeout' and sourcefile like '%postgresql.auto.conf'")
old_timeout=$(sql "show wal_sender_timeout")
restore_timeout() {
  if [ "$had_auto" = 0 ]; then sql "alter system reset wal_sender_timeout"
  else sql "alter system set wal_sender_timeout = '$old_timeout'"; fi
  sql "select pg_reload_conf()" >/dev/null
}
cleanup() {
  set +e
  [ -z "$STREAM_PID" ] || { kill -9 "$STREAM_PID"; wait "$STREAM_PID"; } 2>/dev/null
  [ -z "$PROXY_PID" ] || { kill "$PROXY_PID"; wait "$PROXY_PID"; } 2>/dev/null
  [ -z "$GEN_PID" ] || { kill "$GEN_PID"; wait "$GEN_PID"; } 2>/dev/null
  restore_timeout
  cleanup_stream_test
}
trap cleanup EXIT
die() {
  echo "FAIL: $NAME: $*"
  [ ! -s "$TMP/err" ] || { echo "cdcctl stderr:"; tail -n 40 "$TMP/err" | sed 's/^/  | /'; }
  exit 1
}

sql "alter system set wal_sender_timeout = '${WAL_SENDER_TIMEOUT}s'"
sql "select pg_reload_conf()" >/dev/null
for _ in $(seq 50); do [ "$(sql "show wal_sender_timeout")" = "${WAL_SENDER_TIMEOUT}s" ] && break; sleep 0.1; done
[ "$(sql "show wal_sender_timeout")" = "${WAL_SENDER_TIMEOUT}s" ] || die "wal_sender_timeout is not ${WAL_SENDER_TIMEOUT}s after the reload"

source "$LIB/proxy.sh"
proxy_port
confirmed() { sql "select confirmed_flush_lsn from pg_replication_slots where slot_name = '$S'"; }
walsender() { sql "select active_pid from pg_replication_slots where slot_name = '$S'"; }
lsn_num() { local hi=${1%/*} lo=${1#*/}; echo $(( (16#$hi << 32) + 16#$lo )); }
wait_confirmed() {  # wait_confirmed LSN SECONDS
  local deadline=$((SECONDS + $2)) c
  while :; do
    c=$(confirmed)
    [ -n "$c" ] && [ "$(lsn_num "$1")" -le "$(lsn_num "$c")" ] && return 0
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}
insert_txn() { sql "insert into $TABLE select g, '$3-' || g from generate_series($1, $2) g"; }

start_proxy
sql "create table $TABLE (id int primary key, v text)"
# stderr lines prefixed with the epoch second they arrived at.
"$BIN" stream -t "$TABLE" --slot "$S" --publication "$S" -b "$PROXY" --format json --topic-prefix "$S" \
  --exactly-once --snapshot never >"$TMP/out" 2> >(while IFS= read -r line; do printf '%(%s)T %s\n' -1 "$line"; done >"$TMP/err") &
STREAM_PID=$!
deadline=$((SECONDS + 60))
until [ -n "$(walsender)" ]; do
  kill -0 "$STREAM_PID" 2>/dev/null || die "cdcctl stream exited before streaming"
  [ "$SECONDS" -lt "$deadline" ] || die "the slot is not active 60 s after starting cdcctl stream"
  sleep 0.1
done

# Batch 1 (ids 1..250, 5 transactions), confirmed before the outage: it starts between Kafka
# transactions.
for t in $(seq 0 4); do insert_txn $((t * 50 + 1)) $((t * 50 + 50)) b1; done
L0=$(sql "select pg_current_wal_lsn()")
wait_confirmed "$L0" 60 || die "batch 1 is not confirmed after 60 s"
PID0=$(walsender)
pass "batch 1 confirmed; the slot's walsender is process $PID0"

# The outage: batch 2 (ids 1001.., one transaction every 3 s) is committed while the proxy is down.
stop_proxy
T0=$(printf '%(%s)T' -1)
# X: written inside batch 2's first transaction, before its commit: that commit ends after X,
# so the slot must stay at or before X until the broker is back.
X=$(sql "insert into $TABLE select g, 'b2-' || g from generate_series(1001, 1020) g; select pg_current_wal_insert_lsn()")
( for t in $(seq 1 $((OUTAGE / 3 - 1))); do sleep 3; insert_txn $((1001 + t * 20)) $((1020 + t * 20)) b2; done ) >"$TMP/gen.log" 2>&1 &
GEN_PID=$!
dropped=
max=$(confirmed)
end=$((SECONDS + OUTAGE))
while [ "$SECONDS" -lt "$end" ]; do
  kill -0 "$STREAM_PID" 2>/dev/null || die "cdcctl stream died during the outage"
  p=$(walsender)
  in_stat=$(sql "select count(*) from pg_stat_replication where pid = ${p:-0}")
  [ "$p" = "$PID0" ] && [ "$in_stat" = 1 ] || dropped="$dropped $(( $(printf '%(%s)T' -1) - T0 ))s:${p:-none}"
  c=$(confirmed)
  [ "$(lsn_num "$c")" -le "$(lsn_num "$max")" ] || max=$c
  sleep 2
done
wait "$GEN_PID" || die "the transactions of batch 2 failed: $(cat "$TMP/gen.log")"
GEN_PID=
L2=$(sql "select pg_current_wal_lsn()")
start_proxy
T1=$(printf '%(%s)T' -1)
lsn_le() { [ "$(lsn_num "$1")" -le "$(lsn_num "$2")" ]; }
check "the slot never passes the uncommitted Kafka transaction during the outage (highest confirmed $max, its commit ends after $X)" \
  lsn_le "$max" "$X"
check "the replication connection stays up through the ${OUTAGE} s outage (walsender $PID0 at every poll)${dropped:+; instead, at:$dropped}" \
  [ -z "$dropped" ]

if wait_confirmed "$L2" 60; then
  resumed=$(( $(printf '%(%s)T' -1) - T1 ))
  pass "the stream resumes by itself: the slot is confirmed past batch 2 ($L2) ${resumed} s after the broker is back"
else
  bad "the slot is not confirmed past batch 2 ($L2) 60 s after the broker is back (at $(confirmed))"
fi
check "the slot's walsender is still process $PID0 after the outage" [ "$(walsender)" = "$PID0" ]
kill -TERM "$STREAM_PID"
rc=0; wait "$STREAM_PID" || rc=$?; STREAM_PID=
check "SIGTERM: cdcctl stream exits 0 (exit $rc)" [ "$rc" -eq 0 ]
sleep 0.5   # the stderr reader finishes its last lines

echo "cdcctl stderr (epoch second, line; the outage lasted from $T0 to $T1):"
sed 's/^/  | /' "$TMP/err"
no_reconnection() { ! grep -q "retrying in" "$TMP/err"; }
check "no reconnection (\"retrying in\") on stderr" no_reconnection
notices=$(awk -v t0="$T0" -v t1="$T1" '/waiting for/ && $1 >= t0 && $1 <= t1 + 1 { print $1 }' "$TMP/err" | tr '\n' ' ')
gaps_ok() {
  local prev=$T0 t
  for t in $notices; do [ $((t - prev)) -le "$MAX_GAP" ] || return 1; prev=$t; done
  [ $((T1 - prev)) -le "$MAX_GAP" ]
}
check "\"waiting for\" notices during the outage at most ${MAX_GAP} s apart (at $(for t in $notices; do printf '+%ss ' $((t - T0)); done)of ${OUTAGE} s)" gaps_ok

PYTHONPATH="$LIB" "$CDCCTL_PYTHON" - "$CDCCTL_KAFKA_BROKERS" "$TOPIC" "$NAME" "$OUTAGE" <<'PY' || ok=0
import json, sys
from collections import Counter
from kafka_read import read_topic
brokers, topic, name, outage = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ids = Counter(json.loads(m.value())["after"]["id"] for m in read_topic(brokers, topic, isolation="read_committed") if m.value())
expected = set(range(1, 251)) | set(range(1001, 1001 + 20 * (outage // 3)))
dupes = sorted(k for k, n in ids.items() if n > 1)
good = set(ids) == expected and not dupes
print(("PASS" if good else "FAIL") + f": {name}: a read_committed reader sees each of the {len(expected)} rows exactly once"
      + ("" if good else f" (missing {sorted(expected - set(ids))[:5]}, extra {sorted(set(ids) - expected)[:5]}, duplicated {dupes[:5]})"))
sys.exit(0 if good else 1)
PY

[ "$ok" -eq 1 ] || { echo "tansu proxy log:"; tail -n 20 "$TMP/proxy.log" | sed 's/^/  | /'; exit 1; }
echo "PASS: $NAME"
