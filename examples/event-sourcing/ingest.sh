#!/usr/bin/env bash
# examples/event-sourcing/ingest.sh DATASET FILE — ingest FILE (CSV: a header line, one record a line) as a new
# version of DATASET: in ONE transaction, the state (ingest.datasets) and the event that says so
# (a DataIngested row in ingest.outbox, the aggregate being the dataset). An empty file is
# rejected: the state says so, and the event is DataRejected. Either both are committed or
# neither: a consumer never sees an event whose state is missing, nor misses one.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 DATASET FILE" >&2; exit 2; }
dataset=$1 file=$2
rows=$(tail -n +2 "$file" | grep -c . || true)   # records after the header line
sha=$(sha256sum "$file" | cut -d' ' -f1)
if [ "$rows" -gt 0 ]; then status=ingested type=DataIngested; else status=rejected type=DataRejected; fi

psql -qX -v ON_ERROR_STOP=1 "$CDCCTL_PG_URL" \
  -v dataset="$dataset" -v rows="$rows" -v sha="$sha" -v status="$status" -v type="$type" -v source="$(basename "$file")" <<'SQL'
BEGIN;
INSERT INTO ingest.datasets AS d (name, version, rows, sha256, status)
VALUES (:'dataset', 1, :rows, :'sha', :'status')
ON CONFLICT (name) DO UPDATE SET version = d.version + 1, rows = excluded.rows, sha256 = excluded.sha256,
                                 status = excluded.status, updated_at = now();
INSERT INTO ingest.outbox (aggregatetype, aggregateid, type, payload)
SELECT 'dataset', name, :'type',
       jsonb_build_object('dataset', name, 'version', version, 'rows', rows, 'sha256', sha256, 'source', :'source',
                          'status', status)
FROM ingest.datasets WHERE name = :'dataset';
COMMIT;
SQL
echo "ingest: $dataset <- $file ($rows rows): $type"
