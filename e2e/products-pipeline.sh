#!/usr/bin/env bash
# products-pipeline: examples/products-pipeline/run.sh on the local stack, with a target that
# fails mid-way (a trigger refuses product P-005, as a full disk or a lock timeout would): the
# apply step stops with one line naming the topic and offset, the products before it are in the
# table and none after; once the target works again, a rerun applies exactly the rest (a trigger
# counts the rows written) and the stream publishes the final table to produtos-persistidos.
set -euo pipefail
NAME=products-pipeline
. "$(dirname "$0")/lib/preamble.sh"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS
require_cmd psql jq

TMP=$(mktemp -d)
DB=products_pipeline
export PRODUCTS_DB=${CDCCTL_PG_URL%/*}/$DB PRODUCTS_SUFFIX=-$$ CDCCTL_BIN=$BIN
q() { PGOPTIONS="-c client_min_messages=warning" psql "$PRODUCTS_DB" -XqAt -v ON_ERROR_STOP=1 -c "$1"; }
slot=products_$$
cleanup() {
  q "select pg_drop_replication_slot('$slot') from pg_replication_slots where slot_name = '$slot'" >/dev/null 2>&1 || true
  PGOPTIONS="-c client_min_messages=warning" psql "$CDCCTL_PG_URL" -XqAt -c "drop database if exists $DB" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
PGOPTIONS="-c client_min_messages=warning" psql "$CDCCTL_PG_URL" -XqAt -c "drop database if exists $DB" -c "create database $DB"
run=$REPO/examples/products-pipeline/run.sh
products() { q "select string_agg(sku || '=' || price || '/' || stock, ' ' order by sku) from public.products"; }

"$run" produce >/dev/null 2>"$TMP/produce.err" || fail "produce: $(cat "$TMP/produce.err")"
q "create function refuse() returns trigger language plpgsql as \$\$ begin
     if new.sku = 'P-005' then raise exception 'could not extend file: No space left on device (simulated)'; end if; return new; end \$\$;
   create trigger refuse before insert or update on public.products for each row execute function refuse()"
rc=0; "$run" apply 2>"$TMP/apply.err" || rc=$?
check "a failing target: apply stops, non-zero" test "$rc" -ne 0
check "a failing target: one line naming the topic, partition, offset and the error" \
  grep -qE "^cdcctl: error: cannot apply topic cadastro-produtos-$$ \[0\] at offset 5: .*No space left on device" "$TMP/apply.err"
check "a failing target: the products before it are in the table, none after" \
  test "$(products)" = "P-001=2.75/90 P-002=14.90/40 P-003=1.20/250 P-004=0.95/500"

q "drop trigger refuse on public.products; create table written (sku text, op text);
   create function count_written() returns trigger language plpgsql as \$\$ begin
     insert into written values (coalesce(new.sku, old.sku), tg_op); return null; end \$\$;
   create trigger count_written after insert or update or delete on public.products for each row execute function count_written()"
"$run" apply 2>"$TMP/apply2.err" || fail "apply after the target recovered: $(cat "$TMP/apply2.err")"
check "after recovery: every product, nothing lost" test "$(products)" = "P-001=2.75/90 P-002=13.90/38 P-004=0.95/500 P-005=4.10/60"
check "after recovery: only the rest was applied (P-005, the P-003 delete, the P-002 update), nothing twice" \
  test "$(q "select string_agg(sku || ':' || op, ' ' order by sku) from written")" = "P-002:UPDATE P-003:DELETE P-005:INSERT"
"$run" apply 2>"$TMP/apply3.err" || fail "a third apply: $(cat "$TMP/apply3.err")"
check "a rerun with nothing new writes nothing" test "$(q "select count(*) from written")" = 3

"$run" stream 2>"$TMP/stream.err" || fail "stream: $(cat "$TMP/stream.err")"
"$BIN" consume -t "produtos-persistidos-$$" -e -q >"$TMP/out" 2>/dev/null || true
check "produtos-persistidos carries the persisted products" \
  test "$(jq -r '(.after // .before).sku + "=" + (.after.price // "-")' "$TMP/out" | sort | tr '\n' ' ')" = "P-001=2.75 P-002=13.90 P-004=0.95 P-005=4.10 "
[ "$ok" -eq 1 ] || exit 1
