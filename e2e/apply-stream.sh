#!/usr/bin/env bash
# apply-stream: `cdcctl stream` of a table of every type in docs/types.md (inserts, updates, key
# changes, deletes, an unchanged-TOAST update, ADD COLUMN, truncate) into a second database with
# `cdcctl apply`: through a stdin pipe, through Kafka as JSON and as Avro, and as flat rows. After
# each phase `SELECT * … ORDER BY id` of source and target are identical, and a trigger in the
# target shows that no source change arrived twice; replaying the same stdin changes nothing.
# avro_create starts without the target table: --create-tables makes it from the Avro schema
# (money comes back as numeric and bit(1) as boolean: those two are compared as text casts).
set -euo pipefail
NAME=apply-stream
. "$(dirname "$0")/lib/preamble.sh"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_REGISTRY_URL
require_cmd psql python3

TMP=$(mktemp -d)
SRC=$CDCCTL_PG_URL
DB=apply_stream_target
DST=${SRC%/*}/$DB
SCHEMA=apply_src
. "$LIB/apply.sh"
S=apply_stream
cleanup() {
  apply_sql "$SRC" "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name like '${S}%' and not active" >/dev/null 2>&1 || true
  apply_sql "$SRC" "drop schema if exists $SCHEMA cascade" >/dev/null 2>&1 || true
  apply_sql "$SRC" "drop database if exists $DB" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
apply_sql "$SRC" "drop database if exists $DB" >/dev/null 2>&1 || true
apply_sql "$SRC" "create database $DB"

stream_to() {   # stream_to SLOT ARGS...: the slot's changes up to now, to stdout or Kafka
  local slot=$1; shift
  "$BIN" stream -q --slot "$slot" --publication "$S" -t "$SCHEMA.types" --endpos "$(current_lsn)" "$@"
}

# Debezium's ExtractNewRecordState (delete.handling.mode=rewrite) in Python: jq 1.6 would round
# 64-bit integers through doubles.
to_flat() {
  python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if e["op"] == "d": row = dict(e["before"], __deleted="true")
    elif e["op"] == "t": row = {"__op": "t"}
    else: row = dict(e["after"], __deleted="false")
    print(json.dumps(row, ensure_ascii=False), flush=True)'
}

# run_mode MODE: a fresh source and target, then two phases (workload; truncate), each delivered
# and applied, then compared.
run_mode() {
  local mode=$1 slot=${S}_$1 topic="ap$$_$1.$SCHEMA.types" phase
  apply_sql "$SRC" "select pg_drop_replication_slot('$slot') from pg_replication_slots where slot_name = '$slot'" >/dev/null
  make_source
  make_target
  # avro_create: no table in the target; --create-tables makes it from the Avro schema.
  [ "$mode" != avro_create ] || apply_sql "$DST" "drop table $SCHEMA.types" >/dev/null
  apply_sql "$SRC" "drop publication if exists $S; create publication $S for table $SCHEMA.types" >/dev/null
  : >"$TMP/$mode.ndjson"
  for phase in 0 1 2; do
    case $phase in 1) workload ;; 2) truncate_workload ;; esac
    case $mode in
      stdin)
        stream_to "$slot" | tee -a "$TMP/$mode.ndjson" | "$BIN" apply -q --db "$DST" --evolve ;;
      flat)
        stream_to "$slot" | to_flat | "$BIN" apply -q --db "$DST" --envelope flat --table-template "$SCHEMA.types" --evolve ;;
      json)
        stream_to "$slot" --kafka --topic-prefix "ap$$_$mode"
        "$BIN" apply -q --db "$DST" -t "$topic" -e --evolve ;;   # no group: every partition
      avro)
        stream_to "$slot" --kafka --format avro --topic-prefix "ap$$_$mode"
        "$BIN" apply -q --db "$DST" -t "$topic" -e -G "ap-$mode-$$" --registry "$CDCCTL_REGISTRY_URL" --evolve ;;
      avro_create)
        stream_to "$slot" --kafka --format avro --topic-prefix "ap$$_$mode"
        "$BIN" apply -q --db "$DST" -t "$topic" -e --registry "$CDCCTL_REGISTRY_URL" --create-tables --evolve ;;
    esac || { bad "$mode: phase $phase: stream or apply failed"; return; }
    check "$mode: phase $phase: target = source" same_rows
  done
  [ "$mode" = avro_create ] || check "$mode: no change applied twice" nothing_twice
  if [ "$mode" = stdin ]; then
    before=$(apply_sql "$DST" "select count(*) from $SCHEMA.applied")
    "$BIN" apply -q --db "$DST" --evolve <"$TMP/$mode.ndjson"
    check "stdin: a replay of the same events applies nothing" test "$before" = "$(apply_sql "$DST" "select count(*) from $SCHEMA.applied")"
  fi
  apply_sql "$SRC" "select pg_drop_replication_slot('$slot')" >/dev/null
}

for mode in ${APPLY_MODES:-stdin json avro flat avro_create}; do run_mode "$mode"; done
[ "$ok" -eq 1 ] || exit 1
