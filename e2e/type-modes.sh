#!/usr/bin/env bash
# e2e/type-modes.sh — --decimal, --interval, --hstore and the PostGIS geometry record on the real
# stack: one table of numeric(10,2), numeric, money, numeric(5,1)[], interval, hstore, hstore[],
# geometry and geography[] read by `snapshot` and by `stream` (stdout) and by `snapshot --format
# avro` (read back with confluent-kafka's AvroDeserializer through the registry), under several
# combinations of modes; every value equals what PostgreSQL holds, converted here independently
# (type_modes_check.py: the interval's microseconds from extract()'s fields, unscaled bytes from
# Python's integers). A NaN under --decimal precise is a one-line error naming the column.
#
# scripts/setup does not install PostGIS (a large package), so geometry and geography are
# stand-in types of those names whose text form is the hex EWKB that PostGIS's own output gives
# (text's input and output functions; `:` between array elements, PostGIS's typdelim); cdcctl recognises the types by name, as it does PostGIS's.
# Where PostGIS is installed (postgresql-15-postgis-3), a last part checks the real types too,
# against PostGIS's own ST_AsEWKB and ST_SRID, in snapshot and stream; elsewhere it says SKIP.
set -euo pipefail

NAME=type-modes
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: type modes in JSON (snapshot, stream) and Avro equal PostgreSQL's values"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_REGISTRY_URL CDCCTL_PYTHON

S=tm_$$_$RANDOM
TABLE=public.$S
TMP=$(mktemp -d /tmp/cdcctl-type-modes.XXXXXX)
COMBOS=("" "decimal=precise,interval=string,hstore=map" "decimal=double,hstore=json" "decimal=string")
source "$LIB/stream.sh"
cleanup() {
  for k in "${!COMBOS[@]}"; do sql "select pg_drop_replication_slot('${S}_$k') from pg_replication_slots where slot_name = '${S}_$k'" >/dev/null 2>&1 || true; done
  drop_stream_objects "$S" "$TABLE"
  sql "drop schema if exists ${S}_gis cascade" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
flags() { local m f=(); IFS=, read -ra m <<<"$1"; for x in "${m[@]}"; do [ -n "$x" ] && f+=("--${x%%=*}" "${x#*=}"); done; echo "${f[@]}"; }

sql "set client_min_messages = warning; create extension if not exists hstore" >/dev/null
psql "$CDCCTL_PG_URL" -XqAt -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<SQL
create schema ${S}_gis;
create type ${S}_gis.geometry;
create function ${S}_gis.geometry_in(cstring) returns ${S}_gis.geometry language internal immutable strict as 'textin';
create function ${S}_gis.geometry_out(${S}_gis.geometry) returns cstring language internal immutable strict as 'textout';
create type ${S}_gis.geometry (input = ${S}_gis.geometry_in, output = ${S}_gis.geometry_out, internallength = variable, storage = extended, delimiter = ':');
create type ${S}_gis.geography;
create function ${S}_gis.geography_in(cstring) returns ${S}_gis.geography language internal immutable strict as 'textin';
create function ${S}_gis.geography_out(${S}_gis.geography) returns cstring language internal immutable strict as 'textout';
create type ${S}_gis.geography (input = ${S}_gis.geography_in, output = ${S}_gis.geography_out, internallength = variable, storage = extended, delimiter = ':');
SQL
sql "create table $TABLE (id int primary key, n numeric(10,2), v numeric, m money, na numeric(5,1)[], i interval, h hstore, ha hstore[],
       g ${S}_gis.geometry, g_srid int, gg ${S}_gis.geography[])"
sql "create publication $S for table $TABLE"
for k in "${!COMBOS[@]}"; do sql "select pg_create_logical_replication_slot('${S}_$k', 'pgoutput')" >/dev/null; done
# Rows 1-3 before the snapshots; the stream reads them (and 4) from the slots made before them.
insert() {
  sql "insert into $TABLE values
    ($1, -12.50, 0.00000000000000000001, 1234.56, '{1.5,NULL,-0.5}', '1 year 2 mons 3 days 04:05:06.5',
     '\"a\"=>\"1\", \"b\"=>NULL, \"q\\\"x\"=>\"y\\\\z\"', array['\"k\"=>\"v\"'::hstore, NULL],
     '0101000020E6100000000000000000F03F0000000000000040', 4326, array['0101000000000000000000F03F0000000000000040'::${S}_gis.geography, NULL, '0101000000000000000000F03F0000000000000040']),
    ($(($1 + 1)), 12345678.99, 123456789012345678901234567890.123, -5, NULL, '-1 day -00:00:00.25', '', '{}',
     '0020000001000010E63FF00000000000004000000000000000', 4326, NULL),
    ($(($1 + 2)), 0, 1.50, 0.01, '{}', '0', NULL, NULL, '0101000020110F0000000000000000F03F0000000000000040', 3857, '{}')"
}
insert 1
sql "insert into $TABLE (id, n, v, m, i, g, g_srid) values (4, 99999999.99, 7, 0, '-1000 years 3 days -00:00:01.000001', '010700000000000000', NULL)"

sql "select json_agg(json_build_object('id', id, 'n', n::text, 'v', v::text, 'm', m::numeric::text, 'na', na::text[],
       'i_years', extract(year from i)::int8, 'i_months', extract(month from i)::int,
       'i_days', extract(day from i)::int8, 'i_hours', extract(hour from i)::int8, 'i_minutes', extract(minute from i)::int,
       'i_seconds', extract(second from i)::text, 'h', h::text, 'h_json', hstore_to_json(h), 'ha', ha::text[],
       'ha_json', (select json_agg(hstore_to_json(x) order by o) from unnest(ha) with ordinality u(x, o)), 'g', g::text, 'g_srid', g_srid, 'gg', gg::text[]) order by id)
     from $TABLE" >"$TMP/expected.json"
END=$(sql "select pg_current_wal_lsn()")

for k in "${!COMBOS[@]}"; do
  combo=${COMBOS[$k]}
  read -ra f <<<"$(flags "$combo")"
  "$BIN" snapshot -t "$TABLE" "${f[@]}" >"$TMP/snapshot$k" 2>"$TMP/err" || { cat "$TMP/err"; fail "snapshot ${f[*]} failed"; }
  "$BIN" stream -t "$TABLE" --slot "${S}_$k" --publication "$S" --no-create-slot --endpos "$END" -q "${f[@]}" >"$TMP/stream$k" 2>"$TMP/err" \
    || { cat "$TMP/err"; fail "stream ${f[*]} failed"; }
  PYTHONPATH="$LIB" "$CDCCTL_PYTHON" "$LIB/type_modes_check.py" "$NAME" "$combo" "$TMP/expected.json" ndjson "$TMP/snapshot$k" "$TMP/stream$k" || ok=0
  "$BIN" snapshot -t "$TABLE" "${f[@]}" --kafka --format avro --topic-prefix "${S}_$k" -q 2>"$TMP/err" || { cat "$TMP/err"; fail "snapshot --format avro ${f[*]} failed"; }
  PYTHONPATH="$LIB" "$CDCCTL_PYTHON" "$LIB/type_modes_check.py" "$NAME" "$combo" "$TMP/expected.json" avro \
    "$CDCCTL_KAFKA_BROKERS" "$CDCCTL_REGISTRY_URL" "${S}_$k.$TABLE" || ok=0
done

sql "insert into $TABLE (id, v) values (9, 'NaN')"
set +e
"$BIN" snapshot -t "$TABLE" --decimal precise >"$TMP/out" 2>"$TMP/err"
rc=$?
set -e
check "a NaN under --decimal precise is a one-line error naming the column, nothing on stdout (exit $rc: $(cat "$TMP/err"))" \
  [ "$rc" -ne 0 ] && [ ! -s "$TMP/out" ] && grep -q "^cdcctl: error: column v (numeric): cannot read \"NaN\" as a finite decimal" "$TMP/err"

if [ "$(sql "select count(*) from pg_available_extensions where name = 'postgis'")" = 1 ]; then
  sql "set client_min_messages = warning; create extension if not exists postgis" >/dev/null
  sql "create table ${TABLE}_gis (id int primary key, g geometry, gp geometry(Point, 3857), gg geography, ga geometry[])"
  sql "create publication ${S}_gis for table ${TABLE}_gis"
  sql "select pg_create_logical_replication_slot('${S}_gis', 'pgoutput')" >/dev/null
  sql "insert into ${TABLE}_gis values (1, 'SRID=4326;POINT(1 2)', 'SRID=3857;POINT(10 20)', 'POINT(1 2)', array['LINESTRING(0 0, 1 1)'::geometry, NULL]),
         (2, 'POLYGON((0 0,1 0,1 1,0 0))', NULL, NULL, '{}')"
  sql "select json_agg(json_build_object('id', id,
         'g', json_build_object('wkb', replace(encode(ST_AsEWKB(g), 'base64'), E'\\n', ''), 'srid', nullif(ST_SRID(g), 0)),
         'gp', case when gp is not null then json_build_object('wkb', replace(encode(ST_AsEWKB(gp), 'base64'), E'\\n', ''), 'srid', nullif(ST_SRID(gp), 0)) end,
         'gg', case when gg is not null then json_build_object('wkb', replace(encode(ST_AsEWKB(gg::geometry), 'base64'), E'\\n', ''), 'srid', nullif(ST_SRID(gg), 0)) end,
         'ga', (select json_agg(case when x is not null then json_build_object('wkb', replace(encode(ST_AsEWKB(x), 'base64'), E'\\n', ''), 'srid', nullif(ST_SRID(x), 0)) end order by o)
                from unnest(ga) with ordinality u(x, o))) order by id) from ${TABLE}_gis" >"$TMP/gis.json"
  "$BIN" snapshot -t "${TABLE}_gis" >"$TMP/gis-snapshot" 2>"$TMP/err" || { cat "$TMP/err"; fail "snapshot of the PostGIS table failed"; }
  "$BIN" stream -t "${TABLE}_gis" --slot "${S}_gis" --publication "${S}_gis" --no-create-slot -q \
    --endpos "$(sql "select pg_current_wal_lsn()")" >"$TMP/gis-stream" 2>"$TMP/err" || { cat "$TMP/err"; fail "stream of the PostGIS table failed"; }
  sql "select pg_drop_replication_slot('${S}_gis')" >/dev/null
  sql "drop publication ${S}_gis; drop table ${TABLE}_gis" >/dev/null
  PYTHONPATH="$LIB" "$CDCCTL_PYTHON" - "$TMP/gis.json" "$TMP/gis-snapshot" "$TMP/gis-stream" <<'PY' || ok=0
import json, sys
want = json.load(open(sys.argv[1]))
for w in want:
    w["ga"] = [] if w["ga"] is None and w["id"] == 2 else w["ga"]
for path in sys.argv[2:]:
    got = [json.loads(l)["after"] for l in open(path)]
    ok = got == want
    print(("PASS" if ok else "FAIL") + f": type-modes: PostGIS geometry, geometry(Point,3857), geography and geometry[] in {path.rsplit('-', 1)[-1]} equal ST_AsEWKB and ST_SRID"
          + ("" if ok else f": got {got}, expected {want}"))
    if not ok: sys.exit(1)
PY
else
  echo "SKIP: $NAME: PostGIS is not installed (postgresql-15-postgis-3): the real geometry and geography types are not checked"
fi
[ "$ok" -eq 1 ] || exit 1
