#!/usr/bin/env bash
# e2e/outbox-exactly-once.sh — `stream --outbox --exactly-once`: the routed records go in the
# Kafka transaction of their PostgreSQL transaction, with the slot's position. Interleaved
# transactions (some rolled back) are streamed, cdcctl is killed with -9 while the slot is behind
# what Kafka has, more transactions come while it is down, and the restart skips exactly what is
# committed: a read_committed consumer (Python confluent-kafka) sees every committed event once,
# in commit order, and none of the rolled back ones.
#
# How duplicates are checked: by event id (header id), counted over every record the consumer
# reads, so nothing relies on the broker filtering aborted transactions (Tansu's read_committed
# fetch does not). That is also why the kill comes between transactions, once every transaction
# so far is in Kafka and committed (as e2e/kafka-exactly-once.sh does): killing inside a Kafka
# transaction would leave aborted records that Tansu still shows.
set -euo pipefail

NAME=outbox-exactly-once
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: kill -9 and restart, and a read_committed consumer sees each outbox event once"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_PYTHON

S=obxeo_$$_$RANDOM
TMP=$(mktemp -d /tmp/cdcctl-outbox-eo.XXXXXX)
PID=""
source "$LIB/stream.sh"
source "$LIB/outbox.sh"
cleanup() {
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null || true
  outbox_cleanup
  rm -rf "$TMP"
}
trap cleanup EXIT
stream=(stream --outbox "$OUTBOX" --outbox-only -t "$STATE" --slot "$S" --publication "$S" --kafka --format json --topic-prefix "$S"
        --exactly-once -q)
routed() {
  local n=0 t
  for t in "${AGG[@]}"; do
    n=$((n + $("$BIN" consume -t "outbox.event.$t" -e -q -f '%o\n' -X isolation.level=read_committed 2>/dev/null | grep -c . || true)))
  done
  echo "$n"
}

outbox_setup
outbox_direct before
"$BIN" "${stream[@]}" --snapshot initial-only 2>"$TMP/err0" || { cat "$TMP/err0"; fail "the snapshot run failed"; }

# A status interval longer than the test: the slot only learns of the position at exit, so after
# kill -9 PostgreSQL re-sends everything since the snapshot.
"$BIN" "${stream[@]}" --status-interval 3600 2>"$TMP/err1" &
PID=$!
for _ in $(seq 100); do [ "$(sql "select active from pg_replication_slots where slot_name = '$S'")" = t ] && break; sleep 0.1; done
outbox_rounds 1 6
want=$(sql "select count(*) from ${S}_log")
for _ in $(seq 150); do [ "$(routed)" -ge "$want" ] && break; sleep 0.2; done
[ "$(routed)" -eq "$want" ] || { cat "$TMP/err1"; fail "the $want events did not reach Kafka (have $(routed))"; }
sleep 1 # the last commit's confirmation
kill -9 "$PID"; wait "$PID" 2>/dev/null || true; PID=""
behind=$(sql "select confirmed_flush_lsn < pg_current_wal_lsn() from pg_replication_slots where slot_name = '$S'")
[ "$behind" = t ] && pass "after kill -9 the slot is behind what Kafka has (PostgreSQL will re-send it)" \
  || bad "the slot is not behind Kafka; the restart would have nothing to skip"

outbox_rounds 7 10
outbox_direct while_down
END=$(sql "select pg_current_wal_lsn()")
if "$BIN" "${stream[@]}" --endpos "$END" 2>"$TMP/err2"; then pass "the restart with --endpos exits 0"
else cat "$TMP/err2"; bad "the restart failed"; fi

outbox_expected "$TMP/expected.json"
PYTHONPATH="$LIB" "$CDCCTL_PYTHON" "$LIB/outbox_check.py" --name "$NAME" --brokers "$CDCCTL_KAFKA_BROKERS" \
  --expected "$TMP/expected.json" --isolation read_committed || ok=0
[ "$ok" -eq 1 ] || exit 1
