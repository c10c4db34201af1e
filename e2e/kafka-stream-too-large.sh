#!/usr/bin/env bash
# e2e/kafka-stream-too-large.sh — a message that can never be delivered (larger than the
# producer's message.max.bytes) stops `cdcctl stream --kafka` with a one-line error naming the
# topic, a non-zero exit, and the slot at the end of the last fully delivered transaction: the
# transaction before it is in Kafka and acknowledged, nothing of or after it is acknowledged.
set -euo pipefail

NAME=kafka-stream-too-large
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: a permanently failing message stops the stream at the last good transaction"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS

S=ktl_$$_$RANDOM
TABLE=public.$S
TMP=$(mktemp -d /tmp/cdcctl-kafka-large.XXXXXX)
source "$LIB/stream.sh"
trap cleanup_stream_test EXIT
args=(-t "$TABLE" --slot "$S" --publication "$S" --kafka --format json --topic-prefix "$S" -q -X message.max.bytes=4000)

sql "create table $TABLE (id int primary key, v text)"
"$BIN" stream "${args[@]}" --snapshot initial-only 2>"$TMP/err0" || { cat "$TMP/err0"; fail "creating the slot failed"; }
sql "insert into $TABLE values (1, 'small')"
GOOD=$(sql "select pg_current_wal_lsn()")
sql "insert into $TABLE values (2, repeat('x', 20000))"
BAD=$(sql "select pg_current_wal_lsn()")
sql "insert into $TABLE values (3, 'after')"
END=$(sql "select pg_current_wal_lsn()")

set +e
timeout 120 "$BIN" stream "${args[@]}" --endpos "$END" 2>"$TMP/err"
rc=$?
set -e
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && pass "the stream exits non-zero ($rc)" || bad "the stream exited with $rc"
lines=$(wc -l <"$TMP/err")
grep -q "^cdcctl: error: .*topic $S.$TABLE.*" "$TMP/err" && [ "$lines" -eq 1 ] \
  && pass "one error line naming the topic: $(cut -c1-160 "$TMP/err")" || { cat "$TMP/err"; bad "the error is not one line naming topic $S.$TABLE"; }
for _ in $(seq 50); do [ "$(sql "select active from pg_replication_slots where slot_name = '$S'")" = f ] && break; sleep 0.1; done
at=$(sql "select confirmed_flush_lsn >= '$GOOD' and confirmed_flush_lsn < '$BAD' from pg_replication_slots where slot_name = '$S'")
[ "$at" = t ] && pass "the slot is at the last good transaction ($(sql "select confirmed_flush_lsn from pg_replication_slots where slot_name = '$S'"), good ends by $GOOD, bad by $BAD)" \
  || bad "the slot is not between $GOOD and $BAD: $(sql "select confirmed_flush_lsn from pg_replication_slots where slot_name = '$S'")"
ids=$("$BIN" consume -t "$S.$TABLE" -e -q -f '%k\n' | tr -d '\n')
[ "$ids" = '{"id":1}' ] && pass "Kafka has the good transaction and nothing after it" || bad "the topic holds keys '$ids'"
[ "$ok" -eq 1 ] || exit 1
