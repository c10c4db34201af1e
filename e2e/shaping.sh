#!/usr/bin/env bash
# e2e/shaping.sh — the shaping flags of `snapshot` and `stream` (issue #9) on the real stack: tables
# by pattern (-t 'S\..*', --exclude-table), --columns / --exclude-columns, --where (the publication's
# row filter and the snapshot's WHERE), --ops, --mask hash (Debezium's v1 form) and stars,
# --truncate, --key for a table without a primary key, --envelope flat with --add-fields and
# --deletes. The same shaping runs five ways over the same snapshot and changes:
#   1. stream to stdout, Debezium envelope       2. stream to Kafka, flat Avro (deletes: tombstones)
#   3. stream to stdout, flat (deletes: rewrite)  4. stream to Kafka, flat JSON (deletes: rewrite)
#   5. snapshot to stdout, flat
# and e2e/lib/shaping_check.py replays each against PostgreSQL's rows, shaped (Avro read back with
# confluent-kafka's AvroDeserializer), and looks for every secret (an excluded column's values
# and name, the masked values) in every byte written: stdout, Kafka keys and values, the
# registered schemas. Then bad input: one line, non-zero exit, nothing written, nothing created;
# an existing publication that publishes more than -t selects (a notice; those changes skipped)
# or filters rows otherwise than --where (refused).
# Uses the stack ($CDCCTL_PG_URL, $CDCCTL_KAFKA_BROKERS, $CDCCTL_REGISTRY_URL, $CDCCTL_PYTHON).
set -euo pipefail

NAME=shaping
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: shaped events equal PostgreSQL's rows after the shaping, and leak nothing"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_REGISTRY_URL CDCCTL_PYTHON
require_cmd jq psql

S=shp_$$_$RANDOM
TMP=$(mktemp -d /tmp/cdcctl-shaping.XXXXXX)
sql() { PGOPTIONS="-c client_min_messages=warning" psql "$CDCCTL_PG_URL" -XqAt -v ON_ERROR_STOP=1 -c "$1"; }
cleanup() {
  for _ in $(seq 50); do
    [ "$(sql "select count(*) from pg_replication_slots where slot_name like '${S}%' and active")" = 0 ] && break
    sleep 0.1
  done
  sql "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name like '${S}%'" >/dev/null 2>&1 || true
  for p in "$S" "${S}_r" "${S}_q"; do sql "drop publication if exists $p" >/dev/null 2>&1 || true; done
  sql "drop schema if exists $S cascade" >/dev/null 2>&1 || true
  if [ -n "${CDCCTL_KEEP:-}" ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

# Secrets: phone (excluded), note (left out by --columns), the raw emails and names (masked).
sql "create schema $S;
create table $S.customers (id int primary key, email varchar(40) not null, name text, phone text, bio text);
create table $S.orders (id int primary key, customer_id int not null, status text not null, total numeric(10,2), note text);
alter table $S.orders replica identity full;  -- the row filter uses total
create table $S.events (seq int not null, kind text, payload text);
alter table $S.events replica identity full;
create table $S.scratch (id int);
create table $S.nopk (v int);
create table $S.audit (id int primary key, x text);
insert into $S.customers select g, 'mail-' || g || '@secret.example', 'name-' || g || '-secret', 'ph0ne-' || g, 'biography ' || g
  from generate_series(1, 3) g;
insert into $S.orders values (1, 1, 'paid', 20, 'note-1-secret'), (2, 2, 'new', 3, 'note-2-secret'), (3, 1, 'paid', 99.5, 'note-3-secret');
insert into $S.events values (1, 'a', 'p1'), (2, 'b', 'p2');
insert into $S.audit values (1, 'audit-secret')"

SHAPING=(-t "$S\\..*" --exclude-table "$S.audit" --exclude-table "$S.nopk" --exclude-columns "$S.customers:phone"
         --columns "$S.orders:id,customer_id,status,total" --where "$S.orders:total > 10"
         --mask "$S.customers.email=hash:SHA-256:pepper" --mask "$S.customers.name=stars:4" --truncate "$S.customers.bio=5"
         --key "$S.events:seq")
FIELDS=__op,__table,__lsn,__source_ts_ms

# stream_run NAME ARGS…: one stream with the shaping; stdout to $TMP/NAME.out, stderr to $TMP/NAME.err.
stream_run() {
  local name=$1; shift
  "$BIN" stream --slot "${S}_$name" --publication "$S" "${SHAPING[@]}" --ops c,u,d "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" \
    || { cat "$TMP/$name.err"; fail "cdcctl stream ($name) failed"; }
}

# Four slots, each with its initial snapshot, before the changes. The first creates the
# publication (with the row filter) and names, in a notice, the table without a key it publishes
# (scratch; nopk is excluded, so not nopk).
stream_run env --snapshot initial-only
! grep -q "nopk" "$TMP/env.err" || fail "the notice names an excluded table: $(cat "$TMP/env.err")"
grep -q "publishes the UPDATE and DELETE of $S.scratch, which has no primary key or replica identity" "$TMP/env.err" \
  || fail "no notice names the table without a key that the new publication covers: $(cat "$TMP/env.err")"
[ "$(sql "select rowfilter from pg_publication_tables where pubname = '$S' and tablename = 'orders'")" = "(total > (10)::numeric)" ] \
  || fail "the publication has no row filter for orders: $(sql "select * from pg_publication_tables where pubname = '$S'")"
[ "$(sql "select count(*) from pg_publication_tables where pubname = '$S' and tablename in ('audit', 'nopk')")" = 0 ] \
  || fail "the publication covers an excluded table"
pass "the new publication covers the tables selected, with the row filter"
cp "$TMP/env.out" "$TMP/env.snapshot"
stream_run kafka --snapshot initial-only --kafka --format avro --topic-prefix "$S" --envelope flat --add-fields op,table,lsn,source.ts_ms -q
stream_run flat --snapshot initial-only --envelope flat --add-fields op,table,lsn,source.ts_ms
cp "$TMP/flat.out" "$TMP/flat.snapshot"
KJSON=(--kafka --format json --topic-prefix "${S}j" --envelope flat --deletes rewrite --add-fields op,table -q)
stream_run kjson --snapshot initial-only "${KJSON[@]}"

# The changes: new secrets, rows moving in and out of the row filter, deletes, a truncate and a
# message (--ops leaves both out), and a change of the excluded table.
sql "insert into $S.customers values (4, 'mail-4@secret.example', 'name-4-secret', 'ph0ne-4', 'a much longer biography'), (5, 'mail-5@secret.example', null, 'ph0ne-5', null);
update $S.customers set bio = 'new bio 1', phone = 'ph0ne-1b' where id = 1;
delete from $S.customers where id = 2;
insert into $S.orders values (4, 4, 'new', 5, 'note-4-secret'), (5, 4, 'new', 50, 'note-5-secret');
update $S.orders set total = 5 where id = 1;    -- leaves the filter: a delete
update $S.orders set total = 30 where id = 2;   -- enters it: a create
delete from $S.orders where id = 3;
insert into $S.events values (10, 'c', 'p10'), (11, 'd', 'p11');
update $S.events set payload = 'p10b' where seq = 10;
delete from $S.events where seq = 11;
truncate $S.scratch;
select pg_logical_emit_message(true, 'shaping', 'hello');
insert into $S.audit values (2, 'audit-secret-2')" >/dev/null
END=$(sql "select pg_current_wal_lsn()")
stream_run env --endpos "$END"
stream_run kafka --endpos "$END" --kafka --format avro --topic-prefix "$S" --envelope flat --add-fields op,table,lsn,source.ts_ms -q
stream_run flat --endpos "$END" --envelope flat --add-fields op,table,lsn,source.ts_ms
stream_run kjson --endpos "$END" "${KJSON[@]}"
cat "$TMP/env.snapshot" >>"$TMP/env.all"; cat "$TMP/env.out" >>"$TMP/env.all"
cat "$TMP/flat.snapshot" >>"$TMP/flat.all"; cat "$TMP/flat.out" >>"$TMP/flat.all"

rows() { sql "select coalesce(json_agg(t order by 1), '[]') from $S.$1 t"; }
EXPECTED=$(printf '{"customers":{"key":"id","rows":%s},"orders":{"key":"id","rows":%s},"events":{"key":"seq","rows":%s}}' \
  "$(sql "select coalesce(json_agg(json_build_object('id', id, 'email', email, 'name', name, 'bio', bio) order by id), '[]') from $S.customers")" \
  "$(sql "select coalesce(json_agg(json_build_object('id', id, 'customer_id', customer_id, 'status', status, 'total', total::text) order by id), '[]') from $S.orders")" \
  "$(rows events)")
SECRETS=$(sql "select json_agg(s) from (
  select email s from $S.customers union all select name from $S.customers where name is not null
  union all select unnest(array['ph0ne-1', 'ph0ne-1b', 'ph0ne-2', 'ph0ne-3', 'ph0ne-4', 'ph0ne-5', 'mail-2@secret.example', 'name-2-secret',
                                'note-1-secret', 'note-2-secret', 'note-3-secret', 'note-4-secret', 'note-5-secret', 'audit-secret',
                                '\"phone\"', '\"note\"', 'biography', 'much longer'])) x")

check "stream to stdout, Debezium envelope: snapshot + stream" \
  "$CDCCTL_PYTHON" "$LIB/shaping_check.py" stdout-envelope "$TMP/env.all" "$EXPECTED" "$SECRETS"
check "stream to Kafka, flat Avro: snapshot + stream" \
  env PYTHONPATH="$LIB" "$CDCCTL_PYTHON" "$LIB/shaping_check.py" kafka-flat "$CDCCTL_KAFKA_BROKERS" "$CDCCTL_REGISTRY_URL" "$S.$S" "$EXPECTED" "$SECRETS" "$FIELDS"
check "stream to Kafka, flat JSON (deletes rewritten): snapshot + stream" \
  env PYTHONPATH="$LIB" "$CDCCTL_PYTHON" "$LIB/shaping_check.py" kafka-json-flat "$CDCCTL_KAFKA_BROKERS" "${S}j.$S" "$EXPECTED" "$SECRETS"
check "stream to stdout, flat (deletes rewritten): snapshot + stream" \
  "$CDCCTL_PYTHON" "$LIB/shaping_check.py" stdout-flat "$TMP/flat.all" "$EXPECTED" "$SECRETS"
"$BIN" snapshot "${SHAPING[@]}" --envelope flat --add-fields op,table -q >"$TMP/snap.out" 2>"$TMP/snap.err" || { cat "$TMP/snap.err"; fail "cdcctl snapshot failed"; }
check "snapshot to stdout, flat" "$CDCCTL_PYTHON" "$LIB/shaping_check.py" stdout-flat "$TMP/snap.out" "$EXPECTED" "$SECRETS"

# Bad input: one line on stderr, non-zero exit, nothing on stdout, no slot or publication created.
refused() {
  local what=$1 expect=$2 rc=0; shift 2
  timeout 60 "$BIN" "$@" >"$TMP/bad.out" 2>"$TMP/bad.err" || rc=$?
  if [ "$rc" -eq 0 ] || [ -s "$TMP/bad.out" ] || [ "$(wc -l <"$TMP/bad.err")" != 1 ] || ! grep -qF -- "$expect" "$TMP/bad.err"; then
    bad "$what: exit $rc, stdout $(head -c 200 "$TMP/bad.out"), stderr $(cat "$TMP/bad.err")"
  elif [ "$(sql "select count(*) from pg_replication_slots where slot_name = '${S}_bad'")" != 0 ] \
    || [ "$(sql "select count(*) from pg_publication where pubname = '${S}_q'")" != 0 ]; then
    bad "$what: a slot or publication was created"
  else
    pass "$what: $(cat "$TMP/bad.err")"
  fi
}
BAD=(stream --slot "${S}_bad" --publication "${S}_q" --snapshot initial-only)
refused "a pattern matching nothing" "-t '$S\\.nomatch.*' matches no table" "${BAD[@]}" -t "$S\\.nomatch.*"
refused "an unknown column" "table $S.customers has no column nope" "${BAD[@]}" -t "$S.customers" --columns "$S.customers:nope"
refused "an unknown table in a rule" "--mask '$S.nope.x=null' names no captured table" "${BAD[@]}" -t "$S.customers" --mask "$S.nope.x=null"
refused "a mask that breaks keys" "part of the key of table $S.orders" "${BAD[@]}" -t "$S.orders" --mask "$S.orders.id=stars"
refused "an excluded key column" "--exclude-columns '$S.customers:id' drops column id" snapshot -t "$S.customers" --exclude-columns "$S.customers:id"
refused "a row filter outside the replica identity" "uses columns outside the replica identity of table $S.customers" \
  "${BAD[@]}" -t "$S.customers" --where "$S.customers:name = 'x'"
refused "--where other than the existing publication's filter" "publication $S filters it with WHERE (total > (10)::numeric), not WHERE total > 99" \
  stream --slot "${S}_bad" --publication "$S" -t "$S.orders" --where "$S.orders:total > 99" --snapshot initial-only

# Without --where, an existing publication's row filter applies to the snapshot too.
"$BIN" stream --slot "${S}_nw" --publication "$S" -t "$S.orders" --snapshot initial-only --drop-slot-on-exit -q >"$TMP/nw.out" 2>&1 \
  || { cat "$TMP/nw.out"; fail "stream without --where failed"; }
check "without --where, the snapshot reads the rows of the publication's row filter (orders 2 and 5)" \
  [ "$(jq -c '.after.id' "$TMP/nw.out" | sort -n | paste -sd ' ')" = "2 5" ]

# A --key column outside the replica identity (customers: its primary key) is named in a notice.
"$BIN" stream --slot "${S}_kn" --publication "$S" -t "$S.customers" --key "$S.customers:email" --snapshot initial-only \
  --drop-slot-on-exit >/dev/null 2>"$TMP/kn.err" || { cat "$TMP/kn.err"; fail "stream with --key failed"; }
check "a notice names a --key column that deletes will not carry" \
  grep -q "key column email of table $S.customers is not in its replica identity" "$TMP/kn.err"

# An existing publication that publishes more than -t selects: said, and those changes skipped.
# Its column list (PostgreSQL 15) leaves phone and bio out: of the snapshot too.
sql "create publication ${S}_r for table $S.customers (id, email, name), $S.audit"
"$BIN" stream --slot "${S}_r" --publication "${S}_r" -t "$S.customers" --snapshot initial-only >"$TMP/r.out" 2>"$TMP/r.err" \
  || { cat "$TMP/r.err"; fail "stream on a wider publication failed"; }
if [ "$(wc -l <"$TMP/r.out")" = 4 ] && ! grep -q -e phone -e bio "$TMP/r.out" && grep -q '"email":"mail-1@secret.example"' "$TMP/r.out"; then
  pass "the snapshot follows the publication's column list"
else
  bad "the snapshot does not follow the publication's column list: $(head -c 400 "$TMP/r.out")"
fi
sql "insert into $S.audit values (3, 'audit-secret-3'); insert into $S.customers values (6, 'mail-6@secret.example', null, null, null)"
"$BIN" stream --slot "${S}_r" --publication "${S}_r" -t "$S.customers" --endpos "$(sql "select pg_current_wal_lsn()")" >"$TMP/r.out" 2>"$TMP/r.err"
if grep -q "publication ${S}_r also publishes $S.audit: not selected, so its changes are skipped" "$TMP/r.err" \
   && [ "$(grep -c '"op":"c"' "$TMP/r.out")" = 1 ] && ! grep -q audit "$TMP/r.out"; then
  pass "a publication wider than -t: a notice, and only the selected table's changes"
else
  bad "a publication wider than -t: stderr $(cat "$TMP/r.err"), stdout $(cat "$TMP/r.out")"
fi
[ "$ok" -eq 1 ] || exit 1
