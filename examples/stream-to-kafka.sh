#!/usr/bin/env bash
# Stream the sample shop tables to Kafka as Debezium Avro (schemas in the local registry), make
# a few changes, deliver them, and read the topic back as JSON through the registry.
set -euo pipefail
cd "$(dirname "$0")/.."
envs=$(scripts/stack env)
eval "$envs"
cdcctl=.build/release/cdcctl
prefix=shop$(date +%s)            # fresh topics on every run (the broker keeps them in memory)
stream=(stream -t shop.customers -t shop.orders --slot "$prefix" --publication "$prefix"
        --kafka --format avro --topic-prefix "$prefix" -q)

# 1. A new slot: snapshot both tables into Kafka (op "r"), then stop.
$cdcctl "${stream[@]}" --snapshot initial-only
# 2. Some changes, then deliver them: the slot only advances once the broker has them all.
# (Rerunnable: order 103 is upserted, and a second run finds 102 already deleted.)
psql -qX -v ON_ERROR_STOP=1 "$CDCCTL_PG_URL" -c "update shop.orders set status = 'paid' where id = 101" \
  -c "insert into shop.orders (id, customer_id, status, total, placed_on, items)
      values (103, 1, 'new', 42, current_date, '{stamps}')
      on conflict (id) do update set status = excluded.status" \
  -c "delete from shop.orders where id = 102"
$cdcctl "${stream[@]}" --endpos "$(psql -XAtq "$CDCCTL_PG_URL" -c 'select pg_current_wal_lsn()')" --drop-slot-on-exit
psql -qX -v ON_ERROR_STOP=1 "$CDCCTL_PG_URL" -c "drop publication $prefix"
# 3. Read the topic back: Avro decoded through the registry, printed as JSON.
$cdcctl consume -t "$prefix.shop.orders" -e -q -f '%k\t%s\n' \
  | jq -Rc 'split("\t") | (.[1] | if . == "" then null else fromjson end) as $v
            | {key: (.[0] | fromjson), op: ($v.op // "tombstone"), status: $v.after.status}'
