#!/usr/bin/env bash
# examples/event-sourcing/catalog.sh — the consumer: reads the dataset events it has not seen yet
# (consumer group `catalog`, offsets committed in Kafka) and reacts to each: DataIngested updates
# the catalog (a read model), DataRejected counts a rejection. Applying an event records its id
# in the same transaction, so an event delivered twice changes nothing the second time.
set -euo pipefail
cdcctl=${CDCCTL:-.build/release/cdcctl}
group=${CATALOG_GROUP:-catalog}

# -o beginning: a new group starts at the first event; afterwards at its committed offsets.
# (A short session timeout: the local broker, Tansu, waits half of it before assigning partitions.)
"$cdcctl" consume -G "$group" -t outbox.event.dataset -o beginning -e -q -J -X session.timeout.ms=6000 \
  | jq -c '{id: (.headers as $h | [range(0; $h | length; 2) | select($h[.] == "id") | $h[. + 1]][0]),
            type: (.headers as $h | [range(0; $h | length; 2) | select($h[.] == "type") | $h[. + 1]][0]),
            event: (.payload | fromjson)}' \
  | while read -r line; do
      id=$(jq -r .id <<<"$line") type=$(jq -r .type <<<"$line")
      applied=$(psql -qXAt -v ON_ERROR_STOP=1 "$CDCCTL_PG_URL" -v id="$id" -v type="$type" -v event="$(jq -c .event <<<"$line")" <<'SQL'
BEGIN;
WITH new AS (INSERT INTO ingest.catalog_events (event_id) VALUES (:'id') ON CONFLICT DO NOTHING RETURNING 1),
     e AS (SELECT (:'event')::jsonb AS e),
     ingested AS (
       INSERT INTO ingest.catalog (name, version, rows, sha256)
       SELECT e->>'dataset', (e->>'version')::int, (e->>'rows')::int, e->>'sha256' FROM e, new WHERE :'type' = 'DataIngested'
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, rows = excluded.rows, sha256 = excluded.sha256
       RETURNING 1),
     rejected AS (
       INSERT INTO ingest.catalog (name, version, rows, sha256, rejections)
       SELECT e->>'dataset', 0, 0, '', 1 FROM e, new WHERE :'type' = 'DataRejected'
       ON CONFLICT (name) DO UPDATE SET rejections = ingest.catalog.rejections + 1
       RETURNING 1)
SELECT count(*) FROM new;
COMMIT;
SQL
)
      if [ "$applied" = 1 ]; then
        echo "catalog: $type $(jq -r '.event | "\(.dataset) v\(.version), \(.rows) rows"' <<<"$line")"
      else
        echo "catalog: $type $id already applied"
      fi
    done
