#!/usr/bin/env bash
# e2e/kafka-stream-avro.sh — `cdcctl stream --kafka --format avro` delivers a table's snapshot and
# changes to Kafka so that an independent client (Python confluent-kafka + AvroDeserializer via
# the registry) reads them back equal to PostgreSQL:
#   - records in commit order with Debezium ops (r, c, u, d + tombstone; a key change is d + c)
#   - replaying them per key gives exactly the table's final rows
#   - ALTER TABLE registers a new value schema version before the first event that needs it
#   - LSN / transaction id headers; the slot's confirmed LSN reaches --endpos
#   - --transaction-topic: BEGIN/END records (Avro) whose counts match the events' transaction blocks
# Uses the stack ($CDCCTL_PG_URL, $CDCCTL_KAFKA_BROKERS, $CDCCTL_REGISTRY_URL, $CDCCTL_PYTHON).
set -euo pipefail

NAME=kafka-stream-avro
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: a stream to Kafka in Avro reads back equal to PostgreSQL"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_REGISTRY_URL CDCCTL_PYTHON

S=ka_$$_$RANDOM
TABLE=public.$S
PREFIX=t$S
TMP=$(mktemp -d /tmp/cdcctl-kafka-avro.XXXXXX)
source "$LIB/stream.sh"
trap cleanup_stream_test EXIT

stream() {
  "$BIN" stream -t "$TABLE" --slot "$S" --publication "$S" --kafka --format avro --topic-prefix "$PREFIX" -q "$@" \
    >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err"; fail "cdcctl stream $* failed"; }
  [ ! -s "$TMP/out" ] || fail "cdcctl stream --kafka wrote to stdout: $(head -c 200 "$TMP/out")"
}

sql "create table $TABLE (id int primary key, name text not null, amount numeric(10,2), seen timestamptz, tags text[])"
sql "insert into $TABLE values (1, 'one', 1.50, '2026-01-02 03:04:05.123456+00', '{a,b}'), (2, 'two', null, null, '{}'), (3, 'three', -3, now(), null)"
# The slot and the snapshot (three r events), then stop.
stream --snapshot initial-only
sql "insert into $TABLE select g, 'row ' || g, g * 1.25, now(), array[g::text] from generate_series(10, 14) g"
sql "update $TABLE set name = 'two!', amount = 2.22 where id = 2"
sql "delete from $TABLE where id = 1"
sql "update $TABLE set id = 4 where id = 3"   # key change: d (+ tombstone) of 3, c of 4
sql "begin; alter table $TABLE add column extra int; insert into $TABLE values (20, 'twenty', 20, now(), '{x}', 7); commit"
sql "update $TABLE set extra = 8, tags = '{y,z}' where id = 10"
END=$(sql "select pg_current_wal_lsn()")
stream --endpos "$END" --transaction-topic "$PREFIX.transaction"

confirmed=$(sql "select confirmed_flush_lsn >= '$END'::pg_lsn - 1000 from pg_replication_slots where slot_name = '$S'")
if [ "$confirmed" = t ]; then echo "PASS: $NAME: the slot's confirmed LSN reached the end of the stream"
else echo "FAIL: $NAME: the slot's confirmed LSN did not reach $END ($confirmed)"; exit 1; fi

final=$(sql "select coalesce(json_agg(json_build_object('id', id, 'name', name, 'amount', amount::text, 'tags', tags, 'extra', extra) order by id), '[]') from $TABLE")
"$CDCCTL_PYTHON" "$LIB/kafka_stream_check.py" "$CDCCTL_KAFKA_BROKERS" "$CDCCTL_REGISTRY_URL" "$PREFIX.$TABLE" \
  "r r r c c c c c u d - d - c c u" "$final" "$PREFIX.transaction"
