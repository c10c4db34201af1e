#!/usr/bin/env bash
# The products pipeline with cdcctl only (+ jq for the transform), on the local stack:
#
#   produce → cadastro-produtos → consume -J | jq (to-product.jq) | apply → public.products
#           → stream → produtos-persistidos
#
# `apply` stores each message's topic, partition and offset in cdcctl_apply_offsets in the same
# transaction as the rows, so if the target fails (a constraint, a restart, apply killed) the
# next run re-reads the topic, skips what is applied and applies the rest: nothing lost, nothing
# twice. `consume -G | jq | psql` would have committed the group's offsets on printing and lost
# whatever psql did not write. Rerunnable; each step is also a subcommand:
#   run.sh [all|produce|apply|stream|show]
# Settings: PRODUCTS_DB (target database URL, default $CDCCTL_PG_URL), PRODUCTS_SUFFIX (appended
# to the topic, slot and publication names, for fresh ones), CDCCTL_BIN.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
envs=$(scripts/stack env)
eval "$envs"
cdcctl=${CDCCTL_BIN:-.build/release/cdcctl}
db=${PRODUCTS_DB:-$CDCCTL_PG_URL}
suffix=${PRODUCTS_SUFFIX:-}
in=cadastro-produtos$suffix
out=produtos-persistidos$suffix
slot=products${suffix//-/_}

produce() {   # the registration messages: key TAB JSON; an empty value is a tombstone (-Z)
  psql -qX -v ON_ERROR_STOP=1 "$db" -f "$here/schema.sql"
  $cdcctl produce -t "$in" -p 0 -K '\t' -Z -l "$here/cadastro.tsv"
}

apply() {     # the topic into public.products, exactly once
  $cdcctl consume -t "$in" -o beginning -e -J -q \
    | jq -c --unbuffered -f "$here/to-product.jq" \
    | $cdcctl apply -q --db "$db" --envelope flat --table-template public.products --key-fields sku --offsets-name "$in"
}

stream() {    # public.products, as change events, to produtos-persistidos
  $cdcctl stream -q --db "$db" -t public.products --slot "$slot" --publication "$slot" \
    --kafka --format json --topic-template "$out" \
    --endpos "$(psql -XAtq "$db" -c 'select pg_current_wal_lsn()')"
}

show() {
  echo "public.products:"
  psql -X "$db" -c "select sku, name, price, stock from public.products order by sku"
  echo "$out:"
  $cdcctl consume -t "$out" -e -q | jq -c '{op, sku: (.after // .before).sku, price: .after.price}'
}

case ${1:-all} in
  all) produce; apply; stream; show ;;
  produce|apply|stream|show) "$1" ;;
  *) echo "usage: $0 [all|produce|apply|stream|show]" >&2; exit 2 ;;
esac
