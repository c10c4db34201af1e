#!/usr/bin/env bash
# e2e/kafka-avro-historical-null.sh — a NULL written while a column allowed it stays NULL in Avro
# after the column was made NOT NULL (issue #15, item 3). The stream reads nullability from
# today's catalog when pgoutput describes the table; a change decoded later (a stopped or
# lagging stream) must not turn its NULL into the type's zero. Read back with confluent-kafka's
# AvroDeserializer through the registry.
# Then the other half: once the subject has a version with the column optional, a restarted
# stream whose catalog says NOT NULL keeps the field optional (the registry's BACKWARD rule
# refuses the required field with 409, which would stop the stream for good), says so on stderr,
# and every record after it decodes.
# Uses the stack ($CDCCTL_PG_URL, $CDCCTL_KAFKA_BROKERS, $CDCCTL_REGISTRY_URL, $CDCCTL_PYTHON).
set -euo pipefail

NAME=kafka-avro-historical-null
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: NULLs written before SET NOT NULL decode as NULL"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_REGISTRY_URL CDCCTL_PYTHON

S=hn_$$_$RANDOM
TABLE=public.$S
PREFIX=t$S
TMP=$(mktemp -d /tmp/cdcctl-historical-null.XXXXXX)
source "$LIB/stream.sh"
cleanup() {
  drop_stream_objects "${S}_b" "public.${S}_b"
  cleanup_stream_test
}
trap cleanup EXIT

stream() {
  "$BIN" stream -t "$TABLE" --slot "$S" --publication "$S" --kafka --format avro --topic-prefix "$PREFIX" -q "$@" \
    >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err"; fail "cdcctl stream $* failed: $(tail -1 "$TMP/err")"; }
}

sql "create table $TABLE (id int primary key, qty int, note text)"
stream --snapshot initial-only                      # the slot; the stream then stays stopped
sql "insert into $TABLE values (1, null, null), (2, 7, 'seven')"
sql "update $TABLE set qty = 3 where id = 1"        # before SET NOT NULL: id 1 had qty NULL, then 3
sql "update $TABLE set note = '' where note is null"
sql "alter table $TABLE alter column qty set not null, alter column note set not null"
sql "insert into $TABLE values (3, 9, 'nine')"
END=$(sql "select pg_current_wal_lsn()")
stream --endpos "$END"

out=$(cd "$LIB" && "$CDCCTL_PYTHON" - "$CDCCTL_KAFKA_BROKERS" "$CDCCTL_REGISTRY_URL" "$PREFIX.$TABLE" <<'PY'
import sys
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext
from kafka_read import read_topic

brokers, registry, topic = sys.argv[1:4]
deserialize = AvroDeserializer(SchemaRegistryClient({"url": registry}))
events = [deserialize(m.value(), SerializationContext(topic, MessageField.VALUE))
          for m in read_topic(brokers, topic) if m.value() is not None]
seen = [(e["op"], e["after"]["id"], e["after"]["qty"], e["after"]["note"]) for e in events if e["after"]]
want = [("c", 1, None, None), ("c", 2, 7, "seven"), ("u", 1, 3, None), ("u", 1, 3, ""), ("c", 3, 9, "nine")]
if seen != want:
    print(f"events {seen}, want {want}")
    sys.exit(1)
print(f"{len(seen)} events decode with the NULLs PostgreSQL had")
PY
) || fail "$out"
pass "$out"

# --- a restart after SET NOT NULL, the subject's latest version having the column optional ---
T2=public.${S}_b
sql "create table $T2 (id int primary key, qty int)"
"$BIN" stream -t "$T2" --slot "${S}_b" --publication "${S}_b" --kafka --format avro --topic-prefix "$PREFIX" -q --snapshot initial-only \
  2>"$TMP/b0.err" || fail "the first stream of $T2 failed: $(tail -1 "$TMP/b0.err")"
sql "insert into $T2 values (1, null), (2, 2)"
END=$(sql "select pg_current_wal_lsn()")
"$BIN" stream -t "$T2" --slot "${S}_b" --publication "${S}_b" --kafka --format avro --topic-prefix "$PREFIX" -q --endpos "$END" \
  2>"$TMP/b1.err" || fail "the stream of $T2 before SET NOT NULL failed: $(tail -1 "$TMP/b1.err")"
sql "update $T2 set qty = 0 where qty is null; alter table $T2 alter column qty set not null"
sql "insert into $T2 values (3, 3)"
END=$(sql "select pg_current_wal_lsn()")
status=0
"$BIN" stream -t "$T2" --slot "${S}_b" --publication "${S}_b" --kafka --format avro --topic-prefix "$PREFIX" -q --endpos "$END" \
  2>"$TMP/b2.err" || status=$?
check "after SET NOT NULL the restarted stream goes on (exit $status: $(grep -v '^cdcctl: stopped at' "$TMP/b2.err" | tail -1))" [ "$status" -eq 0 ]
check "…and says the column stays optional" grep -q "columns qty of $T2 are NOT NULL now but optional in the latest schema of $PREFIX.$T2-value" "$TMP/b2.err"
out=$(cd "$LIB" && "$CDCCTL_PYTHON" - "$CDCCTL_KAFKA_BROKERS" "$CDCCTL_REGISTRY_URL" "$PREFIX.$T2" <<'PY'
import sys
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext
from kafka_read import read_topic

brokers, registry, topic = sys.argv[1:4]
deserialize = AvroDeserializer(SchemaRegistryClient({"url": registry}))
events = [deserialize(m.value(), SerializationContext(topic, MessageField.VALUE))
          for m in read_topic(brokers, topic) if m.value() is not None]
seen = [(e["op"], e["after"]["id"], e["after"]["qty"]) for e in events if e["after"]]
want = [("c", 1, None), ("c", 2, 2), ("u", 1, 0), ("c", 3, 3)]
if seen != want:
    print(f"events {seen}, want {want}")
    sys.exit(1)
print(f"{len(seen)} events of {topic} decode, before and after SET NOT NULL")
PY
) && pass "$out" || bad "$out"
[ "$ok" -eq 1 ] || exit 1
