#!/usr/bin/env bash
# e2e/kafka-stream-faults.sh — `cdcctl stream --kafka` under faults: the slot's confirmed position
# (pg_replication_slots.confirmed_flush_lsn) never passes a change the broker has not acknowledged,
# and nothing committed is lost (at-least-once: duplicates are allowed):
#   A. broker outage mid-stream: cdcctl produces through a `tansu proxy` in front of the stack's
#      broker; the proxy is killed while 10 transactions are committed, then started again on the
#      same port. Before: the slot is confirmed once the broker acknowledged everything. During:
#      nothing of the new transactions is confirmed and cdcctl keeps running. After: the stream
#      resumes by itself and confirms them; SIGTERM exits 0; every row is in the topic.
#   B. kill -9 mid-stream: cdcctl is killed while transactions are being committed. Every
#      transaction the slot had confirmed by then is in the topic; a restart on the same slot with
#      --endpos exits 0 by itself, and then every row is in the topic.
# The topics are read with confluent-kafka (e2e/lib/kafka_topic_ids.py), from the broker itself.
# Uses the stack ($CDCCTL_PG_URL, $CDCCTL_KAFKA_BROKERS, $CDCCTL_TANSU, $CDCCTL_PYTHON) with fresh
# table, slot, publication and topic names; the stack's broker is never stopped.
# CDCCTL_BIN overrides the binary (default: .build/debug/cdcctl).
set -euo pipefail

NAME=kafka-stream-faults
. "$(dirname "$0")/lib/preamble.sh"

echo "$NAME: the slot never passes an unacknowledged change, and nothing is lost, through a broker outage and a kill -9"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_TANSU CDCCTL_PYTHON
[ -x "$CDCCTL_TANSU" ] || fail "no tansu binary at $CDCCTL_TANSU"
require_cmd psql

SFX=$$_$RANDOM
A=kf_a_$SFX                      # scenario A: table public.$A, slot and publication $A
B=kf_b_$SFX                      # scenario B
TOPIC_A=t$A.public.$A
TOPIC_B=t$B.public.$B
TMP=$(mktemp -d /tmp/cdcctl-kafka-faults.XXXXXX)
STREAM_PID=                      # the running `cdcctl stream`, if any
PROXY_PID=                       # the running `tansu proxy`, if any
GEN_PID=                         # scenario B's background transactions, if running

sql() { psql "$CDCCTL_PG_URL" -XqAt -v ON_ERROR_STOP=1 "$@"; }
slot_active() { [ "$(sql -c "select count(*) from pg_replication_slots where slot_name = '$1' and active")" != 0 ]; }
confirmed() { sql -c "select confirmed_flush_lsn from pg_replication_slots where slot_name = '$1'"; }
lsn_num() { local hi=${1%/*} lo=${1#*/}; echo $(( (16#$hi << 32) + 16#$lo )); }   # X/Y -> number
lsn_le() { [ "$(lsn_num "$1")" -le "$(lsn_num "$2")" ]; }

cleanup() {
  set +e
  [ -z "$STREAM_PID" ] || { kill -9 "$STREAM_PID"; wait "$STREAM_PID"; } 2>/dev/null
  [ -z "$PROXY_PID" ] || { kill "$PROXY_PID"; wait "$PROXY_PID"; } 2>/dev/null
  [ -z "$GEN_PID" ] || { kill "$GEN_PID"; wait "$GEN_PID"; } 2>/dev/null
  local s
  for s in "$A" "$B"; do
    for _ in $(seq 100); do slot_active "$s" || break; sleep 0.1; done   # the walsender must be gone
    sql -c "select pg_drop_replication_slot('$s') from pg_replication_slots where slot_name = '$s'" >/dev/null 2>&1
    sql -c "drop publication if exists $s" -c "drop table if exists public.$s" >/dev/null 2>&1
  done
  rm -rf "$TMP"
}
trap cleanup EXIT

show() {  # show FILE TITLE: print a file indented (for failures)
  [ -s "$1" ] || return 0
  echo "$2:"
  tail -n 40 "$1" | sed 's/^/  | /'
}
die() {  # a failure the rest cannot go on from: show cdcctl's stderr and stop
  echo "FAIL: $NAME: $*"
  local f
  for f in "$TMP"/cdcctl-*.err; do show "$f" "cdcctl stderr ($(basename "$f" .err))"; done
  show "$TMP/proxy.log" "tansu proxy log"
  exit 1
}

# start_stream RUN SLOT ARGS...: `cdcctl stream` in the background (RUN names its output files)
start_stream() {
  local run=$1 s=$2; shift 2
  "$BIN" stream -t "public.$s" --slot "$s" --publication "$s" --kafka --format json --topic-prefix "t$s" \
    --snapshot never --status-interval 1 "$@" >"$TMP/cdcctl-$run.out" 2>"$TMP/cdcctl-$run.err" &
  STREAM_PID=$!
  local deadline=$((SECONDS + 30))
  until slot_active "$s"; do
    kill -0 "$STREAM_PID" 2>/dev/null || { wait "$STREAM_PID" || true; STREAM_PID=; die "cdcctl stream ($run) exited before streaming"; }
    [ "$SECONDS" -lt "$deadline" ] || die "the slot $s is not active 30 s after starting cdcctl stream ($run)"
    sleep 0.1
  done
}

# wait_confirmed SLOT LSN SECONDS: until the slot's confirmed position reaches LSN (false on timeout)
wait_confirmed() {
  local deadline=$((SECONDS + $3)) c
  while :; do
    c=$(confirmed "$1")
    [ -n "$c" ] && lsn_le "$2" "$c" && return 0
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# stop_stream: SIGTERM, wait (at most 60 s) and set STOP_RC to the exit status (124: still running)
stop_stream() {
  kill -TERM "$STREAM_PID"
  local deadline=$((SECONDS + 60))
  while kill -0 "$STREAM_PID" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  local hung=0
  kill -0 "$STREAM_PID" 2>/dev/null && hung=1
  STOP_RC=0
  { [ "$hung" -eq 0 ] || kill -9 "$STREAM_PID"; wait "$STREAM_PID" || STOP_RC=$?; } 2>/dev/null
  [ "$hung" -eq 0 ] || STOP_RC=124
  STREAM_PID=
}

# insert_txn FIRST LAST TAG: one transaction inserting ids FIRST..LAST
insert_txn() { sql -c "insert into public.$CUR select g, '$3-' || g from generate_series($1, $2) g"; }

# read_topic TOPIC FILE: every record of TOPIC, as "op id lsn" lines, from the stack's broker
read_topic() {
  "$CDCCTL_PYTHON" "$LIB/kafka_topic_ids.py" "$CDCCTL_KAFKA_BROKERS" "$1" >"$2" 2>"$2.log" \
    || { cat "$2.log"; die "cannot read the topic $1"; }
}
# missing_ids FILE FIRST LAST: the ids in FIRST..LAST without a "c" record in FILE (one line)
missing_ids() {
  comm -23 <(seq "$2" "$3" | sort) <(awk '$1 == "c" { print $2 }' "$1" | sort -u) | sort -n | tr '\n' ' '
}

# --------------------------------------------------------------------------------------------------
# A. A broker outage mid-stream, through a tansu proxy that is stopped and started again.
source "$LIB/proxy.sh"
proxy_port

start_proxy
# The proxy forwards: one topic's metadata through it (not every topic's: a stack reused by many
# runs holds a thousand topics, whose offsets through the proxy take longer than the timeout).
echo probe | "$BIN" produce -b "$CDCCTL_KAFKA_BROKERS" -t "$A-probe" 2>"$TMP/cdcctl-topics.err" \
  || die "cdcctl produce to $A-probe failed"
timeout 30 "$BIN" topics -b "$PROXY" -t "$A-probe" >/dev/null 2>"$TMP/cdcctl-topics.err" \
  || die "cdcctl topics -b $PROXY (through tansu proxy) failed"

CUR=$A
sql -c "create table public.$A (id int primary key, v text)"
start_stream a "$A" -b "$PROXY"

# 1. Batch 1 (ids 1..500, 10 transactions): confirmed once the broker acknowledged it.
for t in $(seq 0 9); do insert_txn $((t * 50 + 1)) $((t * 50 + 50)) b1; done
L0=$(sql -c "select pg_current_wal_lsn()")
check "the slot is confirmed past batch 1 once the broker acknowledged it (reached $L0)" \
  wait_confirmed "$A" "$L0" 60

# 2. Outage: batch 2 (ids 501..1000, 10 transactions) while the proxy is down.
stop_proxy
L1=$(sql -c "select pg_current_wal_lsn()")
# X: written inside batch 2's first transaction, before its commit: that commit ends after X.
X=$(sql -c "insert into public.$A select g, 'b2-' || g from generate_series(501, 550) g; select pg_current_wal_insert_lsn()")
for t in $(seq 11 19); do insert_txn $((t * 50 + 1)) $((t * 50 + 50)) b2; done
L2=$(sql -c "select pg_current_wal_lsn()")
# Watch the slot for 8 s: its highest confirmed position must stay before batch 2's first commit.
max=$(confirmed "$A")
end=$((SECONDS + 8))
alive=1
while [ "$SECONDS" -lt "$end" ]; do
  c=$(confirmed "$A")
  lsn_le "$c" "$max" || max=$c
  kill -0 "$STREAM_PID" 2>/dev/null || { alive=0; break; }
  sleep 0.5
done
check "nothing of batch 2 is confirmed during the outage (highest confirmed $max, batch 2 began at $L1, its first commit ends after $X)" \
  lsn_le "$max" "$X"
check "cdcctl stream keeps running during the outage" [ "$alive" -eq 1 ]
[ "$alive" -eq 1 ] || die "cdcctl stream died during the outage"

# 3. The broker is back: the stream resumes by itself.
start_proxy
check "the stream resumes after the outage: the slot is confirmed past batch 2 ($L2)" \
  wait_confirmed "$A" "$L2" 60

# 4. SIGTERM: exits 0.
stop_stream
check "SIGTERM: cdcctl stream exits 0 (exit $STOP_RC)" [ "$STOP_RC" -eq 0 ]
stop_proxy

# 5. Everything is in the topic, read from the broker itself.
read_topic "$TOPIC_A" "$TMP/a.records"
missing=$(missing_ids "$TMP/a.records" 1 1000)
check "every committed change is in Kafka: ids 1..1000 ($(wc -l <"$TMP/a.records") records)${missing:+; missing: $(cut -c1-200 <<<"$missing")}" \
  [ -z "$missing" ]
other=$(awk '$1 != "c"' "$TMP/a.records" | head -n 3 | tr '\n' ' ')
check "every record is an op \"c\" event${other:+ (not: $other)}" [ -z "$other" ]

# --------------------------------------------------------------------------------------------------
# B. kill -9 mid-stream, then a restart on the same slot.
CUR=$B
TXNS=40 ROWS=25 CONFIRMED_FIRST=8
sql -c "create table public.$B (id int primary key, v text)"
start_stream b1 "$B"

# $TXNS small transactions in the background, one line each in b.txns: "first last lsn", lsn read
# right after the commit (so at or past the commit's end).
: >"$TMP/b.txns"
txn() {
  local first=$(( ($1 - 1) * ROWS + 1 )) last=$(( $1 * ROWS )) lsn
  lsn=$(sql -c "insert into public.$B select g, 'b-' || g from generate_series($first, $last) g" \
    -c "select pg_current_wal_lsn()")
  echo "$first $last $lsn" >>"$TMP/b.txns"
}
( for t in $(seq 1 "$TXNS"); do txn "$t"; sleep 0.08; done ) >"$TMP/b.gen.log" 2>&1 &
GEN_PID=$!
# Kill cdcctl mid-stream, once the slot is confirmed past the first $CONFIRMED_FIRST transactions
# (so that the check below is not vacuous) while later ones are still being committed.
deadline=$((SECONDS + 60))
while [ "$(wc -l <"$TMP/b.txns")" -lt "$CONFIRMED_FIRST" ]; do
  kill -0 "$GEN_PID" 2>/dev/null || die "the transactions of scenario B failed: $(cat "$TMP/b.gen.log")"
  [ "$SECONDS" -lt "$deadline" ] || die "$CONFIRMED_FIRST transactions not committed after 60 s"
  sleep 0.05
done
wait_confirmed "$B" "$(sed -n "${CONFIRMED_FIRST}p" "$TMP/b.txns" | cut -d' ' -f3)" 60 \
  || die "the slot $B is not confirmed past the first $CONFIRMED_FIRST transactions after 60 s"
# (kill and wait with stderr away: no "Killed" job notice from bash)
{ kill -9 "$STREAM_PID"; committed=$(wc -l <"$TMP/b.txns"); wait "$STREAM_PID" || true; } 2>/dev/null
STREAM_PID=
deadline=$((SECONDS + 30))
while slot_active "$B"; do   # the walsender may still read feedback cdcctl sent before it died
  [ "$SECONDS" -lt "$deadline" ] || die "the slot $B is still active 30 s after kill -9"
  sleep 0.1
done
C=$(confirmed "$B")
read_topic "$TOPIC_B" "$TMP/b.at-kill"
covered=0 bad=
while read -r first last lsn; do
  lsn_le "$lsn" "$C" || continue
  covered=$((covered + 1))
  m=$(missing_ids "$TMP/b.at-kill" "$first" "$last")
  [ -z "$m" ] || bad="$bad ids $first..$last (committed by $lsn, missing: $(cut -c1-80 <<<"$m"))"
done <"$TMP/b.txns"
check "kill -9 after about $committed of $TXNS transactions: the slot never passed an undelivered change (confirmed $C covers $covered transactions, all in Kafka)${bad:+;$bad}" \
  [ -z "$bad" ]

gen_rc=0
wait "$GEN_PID" || gen_rc=$?
GEN_PID=
[ "$gen_rc" -eq 0 ] && [ "$(wc -l <"$TMP/b.txns")" -eq "$TXNS" ] \
  || die "the transactions of scenario B failed: $(cat "$TMP/b.gen.log")"
END=$(sql -c "select pg_current_wal_lsn()")
start_rc=0
timeout 90 "$BIN" stream -t "public.$B" --slot "$B" --publication "$B" --kafka --format json --topic-prefix "t$B" \
  --snapshot never --status-interval 1 --endpos "$END" >"$TMP/cdcctl-b2.out" 2>"$TMP/cdcctl-b2.err" || start_rc=$?
check "a restart on the same slot with --endpos $END exits 0 by itself (exit $start_rc)" [ "$start_rc" -eq 0 ]

read_topic "$TOPIC_B" "$TMP/b.records"
missing=$(missing_ids "$TMP/b.records" 1 $((TXNS * ROWS)))
check "after the restart every committed change is in Kafka: ids 1..$((TXNS * ROWS)) ($(wc -l <"$TMP/b.records") records)${missing:+; missing: $(cut -c1-200 <<<"$missing")}" \
  [ -z "$missing" ]
other=$(awk '$1 != "c"' "$TMP/b.records" | head -n 3 | tr '\n' ' ')
check "every record is an op \"c\" event${other:+ (not: $other)}" [ -z "$other" ]

if [ "$ok" -ne 1 ]; then
  for f in "$TMP"/cdcctl-*.err; do show "$f" "cdcctl stderr ($(basename "$f" .err))"; done
  show "$TMP/proxy.log" "tansu proxy log"
  exit 1
fi
echo "PASS: $NAME"
