#!/usr/bin/env bash
# e2e/kafka-avro-ddl-names.sh — common DDL and PostgreSQL names that are not Avro names do not
# stop an Avro stream (issue #15, item 5), under the registry's default BACKWARD rule:
#   - a table in schema "Mixed Case" named "Table Ω" with a column "Col ü": the schemas use
#     Avro-adjusted names (Debezium's avro_unicode adjustment) and keep the original spelling
#   - ALTER TABLE … ADD COLUMN … NOT NULL DEFAULT 0 (and a text and a numeric one): the new
#     version carries the default, the registry takes it, the stream goes on
#   - the topic name has _ for each character Kafka refuses (the space, Ω)
#   - every record decodes with confluent-kafka's AvroDeserializer; replaying equals the table
# Uses the stack ($CDCCTL_PG_URL, $CDCCTL_KAFKA_BROKERS, $CDCCTL_REGISTRY_URL, $CDCCTL_PYTHON).
set -euo pipefail

NAME=kafka-avro-ddl-names
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: NOT NULL DEFAULT columns and non-Avro names keep an Avro stream going"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_REGISTRY_URL CDCCTL_PYTHON

S=kn_$$_$RANDOM
SCHEMA="Mixed Case $S"
TABLE="\"$SCHEMA\".\"Table Ω\""
PREFIX=t$S
# Kafka refuses spaces and non-ASCII letters in topic names (Tansu does not check): each becomes _,
# as Debezium's topic naming replaces them.
TOPIC="$PREFIX.Mixed_Case_$S.Table__"
TMP=$(mktemp -d /tmp/cdcctl-kafka-names.XXXXXX)
source "$LIB/stream.sh"
cleanup() {
  drop_stream_objects "$S" "$TABLE"
  sql "drop schema if exists \"$SCHEMA\" cascade" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

stream() {
  "$BIN" stream -t "$TABLE" --slot "$S" --publication "$S" --kafka --format avro --topic-prefix "$PREFIX" -q "$@" \
    >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err"; fail "cdcctl stream $* failed: $(tail -1 "$TMP/err")"; }
}

sql "create schema \"$SCHEMA\"; create table $TABLE (id int primary key, \"Col ü\" text not null)"
sql "insert into $TABLE values (1, 'eins'), (2, 'zwei')"
stream --snapshot initial-only
sql "insert into $TABLE values (3, 'drei')"
sql "alter table $TABLE add column n int not null default 0"
sql "insert into $TABLE values (4, 'vier', 4)"
sql "alter table $TABLE add column label text not null default 'x''y', add column amount numeric(10,2) not null default 1.50"
sql "insert into $TABLE values (5, 'fünf', 5, 'five', 5.55); update $TABLE set n = 7 where id = 1; delete from $TABLE where id = 2"
END=$(sql "select pg_current_wal_lsn()")
stream --endpos "$END"
echo "PASS: $NAME: the stream ran through both ADD COLUMNs under the registry's default rule"

expected=$(sql "select json_agg(json_build_object('id', id, 'Col_u0020_u00fc', \"Col ü\", 'n', n, 'label', label, 'amount', amount::text) order by id) from $TABLE")
out=$(cd "$LIB" && "$CDCCTL_PYTHON" kafka_avro_names_check.py "$CDCCTL_KAFKA_BROKERS" "$CDCCTL_REGISTRY_URL" "$TOPIC" "$expected") \
  || fail "$out"
echo "PASS: $NAME: $out"
