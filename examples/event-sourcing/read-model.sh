#!/usr/bin/env bash
# examples/event-sourcing/read-model.sh — the query side (CQRS): `cdcctl apply` projects the
# dataset events of outbox.event.dataset onto read_model.datasets, each event's payload upserted
# as the row of its dataset (--envelope plain, keyed by the payload's `dataset` field), until the
# end of the topic (-e). No jq, no glue: apply stores the topic's position in
# cdcctl_apply_offsets in the same transaction as the rows, and starts from there the next time,
# so each event is applied once however often this runs or wherever it is killed.
set -euo pipefail
cdcctl=${CDCCTL:-.build/release/cdcctl}

"$cdcctl" apply --db "$CDCCTL_PG_URL" -t outbox.event.dataset --envelope plain --key-fields dataset \
  --table-template read_model.datasets --offsets-name "${READ_MODEL_NAME:-read_model}" -e -q
