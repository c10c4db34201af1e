#!/usr/bin/env bash
# Snapshot the sample tables and reshape the events with jq: one line per row with the
# table, the Debezium snapshot marker and the row itself.
set -euo pipefail
cd "$(dirname "$0")/.."
envs=$(scripts/stack env)
eval "$envs"
.build/release/cdcctl snapshot -t shop.customers -t shop.orders \
  | jq -c '{table: "\(.source.schema).\(.source.table)", snapshot: .source.snapshot, row: .after}'
