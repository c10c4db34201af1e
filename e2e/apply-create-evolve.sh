#!/usr/bin/env bash
# apply-create-evolve: --create-tables makes a missing table from the first record's fields (types
# from the JSON values, the key from --key-fields or the record key) and --evolve adds the
# columns of fields that appear later; without --evolve an unknown field stops with one line.
set -euo pipefail
NAME=apply-create-evolve
. "$(dirname "$0")/lib/preamble.sh"
require_bin
require_env CDCCTL_PG_URL
require_cmd psql

TMP=$(mktemp -d)
DB=apply_create_target
DST=${CDCCTL_PG_URL%/*}/$DB
q() { PGOPTIONS="-c client_min_messages=warning" psql "$1" -XqAt -v ON_ERROR_STOP=1 -c "$2"; }
trap 'q "$CDCCTL_PG_URL" "drop database if exists $DB" >/dev/null 2>&1 || true; rm -rf "$TMP"' EXIT
q "$CDCCTL_PG_URL" "drop database if exists $DB"
q "$CDCCTL_PG_URL" "create database $DB"

printf '%s\n' '{"sku":"A-1","name":"pen","price":1.50,"stock":10,"active":true,"tags":["x"]}' \
  '{"sku":"A-2","name":"ink","price":12.25,"stock":3,"active":false,"tags":[]}' >"$TMP/one"
"$BIN" apply -q --db "$DST" --envelope plain --key-fields sku --table-template shop.products --create-tables <"$TMP/one" \
  || bad "--create-tables failed"
check "--create-tables: the table and its types" test "$(q "$DST" "select string_agg(column_name || ' ' || data_type, ', ' order by ordinal_position) from information_schema.columns where table_schema = 'shop' and table_name = 'products'")" \
  = "sku text, name text, price numeric, stock bigint, active boolean, tags jsonb"
check "--create-tables: the key" test "$(q "$DST" "select string_agg(a.attname, ',') from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey) where i.indrelid = 'shop.products'::regclass and i.indisprimary")" = sku
check "--create-tables: the rows, exact" test "$(q "$DST" "select string_agg(sku || '=' || price, ',' order by sku) from shop.products")" = "A-1=1.50,A-2=12.25"

echo '{"sku":"A-1","name":"pen","price":1.75,"color":"blue"}' >"$TMP/two"
rc=0; "$BIN" apply -q --db "$DST" --envelope plain --key-fields sku --table-template shop.products <"$TMP/two" 2>"$TMP/err" || rc=$?
check "a new field without --evolve: one line, non-zero" test "$rc" -ne 0 -a "$(wc -l <"$TMP/err")" -eq 1
check "a new field without --evolve: names the column" grep -q 'has no column "color"' "$TMP/err"
"$BIN" apply -q --db "$DST" --envelope plain --key-fields sku --table-template shop.products --evolve <"$TMP/two" || bad "--evolve failed"
check "--evolve: the column is added and written; absent fields keep their values" \
  test "$(q "$DST" "select string_agg(concat_ws('|', sku, price, stock, color), ',' order by sku) from shop.products")" = "A-1|1.75|10|blue,A-2|12.25|3"
[ "$ok" -eq 1 ] || exit 1
