#!/usr/bin/env bash
# examples/event-sourcing/run.sh — an event-sourced ingestion service on the local stack, in one
# command (run it again and again: each run ingests new data and only new events are consumed):
#   1. ingest.sh writes each dataset's state and its event (DataIngested, or DataRejected for an
#      empty file) into ingest.outbox, in one transaction
#   2. cdcctl stream --outbox routes the outbox rows to Kafka topic outbox.event.dataset
#      (key = the dataset, value = the event's JSON, headers id and type); the slot stays, so the
#      next run streams on from where this one stopped
#   3. catalog.sh, a consumer group, reacts to the new events by updating a read model
#   4. read-model.sh, `cdcctl apply`, keeps the query side (read_model.datasets) up to date from
#      the same events, exactly once through its positions in the target
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
envs=$(scripts/stack env)
eval "$envs"
export CDCCTL=${CDCCTL:-.build/release/cdcctl}
slot=${EVENT_SOURCING_SLOT:-event_sourcing}   # (and the publication's name)
run=$(date +%s%N | cut -c1-13)
work=$(mktemp -d /tmp/event-sourcing.XXXXXX)
trap 'rm -rf "$work"' EXIT

psql -qX -v ON_ERROR_STOP=1 "$CDCCTL_PG_URL" -f "$here/schema.sql" 2>/dev/null

# 1. The service ingests: two datasets, one of them twice, and an empty file.
printf 'id,amount\n1,10\n2,20\n' >"$work/sales.csv"
printf 'id,name\n1,Ada\n' >"$work/customers.csv"
: >"$work/empty.csv"
"$here/ingest.sh" "sales-$run" "$work/sales.csv"
"$here/ingest.sh" "customers-$run" "$work/customers.csv"
printf '3,30\n' >>"$work/sales.csv"
"$here/ingest.sh" "sales-$run" "$work/sales.csv"
"$here/ingest.sh" "broken-$run" "$work/empty.csv"

# 2. Route the events: everything committed so far, then stop (a service would run without --endpos).
# The first run creates the slot and routes the outbox's rows through its snapshot.
"$CDCCTL" stream --outbox ingest.outbox --outbox-only --slot "$slot" --publication "$slot" --kafka --format json -q \
  --endpos "$(psql -XAtq "$CDCCTL_PG_URL" -c 'select pg_current_wal_lsn()')"

# 3. React.
"$here/catalog.sh"
psql -qX "$CDCCTL_PG_URL" -c "select name, version, rows, rejections from ingest.catalog where name like '%-$run' order by name"

# 4. The query side.
"$here/read-model.sh"
echo "read model (read_model.datasets, kept by cdcctl apply):"
psql -qX "$CDCCTL_PG_URL" -c "select dataset, version, rows, status, source from read_model.datasets where dataset like '%-$run' order by dataset"
