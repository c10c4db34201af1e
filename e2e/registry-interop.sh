#!/usr/bin/env bash
# Interop: Confluent's Python client (confluent-kafka SchemaRegistryClient + AvroSerializer on
# fastavro, from $CDCCTL_PYTHON) registers, looks up, tests compatibility, sets levels and deletes
# against `cdcctl registry serve` on a free port with a temp data dir.
set -euo pipefail
NAME=registry-interop
. "$(dirname "$0")/lib/preamble.sh"
. "$LIB/registry.sh"

PY=${CDCCTL_PYTHON:-/usr/local/lib/cdcctl/venv/bin/python}
# SchemaRegistryClient needs confluent-kafka's schemaregistry/avro extras (authlib, httpx2, attrs,
# cachetools), not just confluent-kafka and fastavro.
if ! problem=$("$PY" -c 'import confluent_kafka.schema_registry.avro, fastavro' 2>&1); then
  echo "$NAME: FAIL: $PY cannot import confluent_kafka.schema_registry.avro: $(tail -n 1 <<<"$problem")"
  echo "$NAME: (it needs pip install 'confluent-kafka[avro,schemaregistry]'; point CDCCTL_PYTHON at a python that has it)"
  exit 1
fi

echo "$NAME: cdcctl $BIN, python $PY"
start_registry "$WORK/data"

# With the stack (PostgreSQL and Kafka), cdcctl's own encoder registers a table's envelope schema
# (`cdcctl snapshot --format avro` into this registry), and the lookup check respells that one;
# without it, the check uses a copy of the encoder's output.
if [ -n "${CDCCTL_PG_URL:-}" ] && [ -n "${CDCCTL_KAFKA_BROKERS:-}" ] && command -v psql >/dev/null; then
  . "$LIB/stream.sh"
  S=ri_$$_$RANDOM
  trap 'sql "drop schema if exists $S cascade" >/dev/null 2>&1 || true; cleanup' EXIT
  sql "create schema $S; create table $S.orders (id bigint primary key, note text, amount numeric(10,2));
       insert into $S.orders values (1, 'one', 1.50)"
  "$BIN" snapshot -t "$S.orders" --kafka --format avro --registry "$REG_URL" --topic-prefix "$S" -q >/dev/null 2>"$WORK/snapshot.err" \
    || { cat "$WORK/snapshot.err"; echo "$NAME: FAIL: cdcctl snapshot into the registry"; exit 1; }
  export ENCODER_SUBJECT="$S.$S.orders-value"
  echo "$NAME: cdcctl snapshot registered $ENCODER_SUBJECT"
fi
"$PY" "$LIB/registry_interop.py" "$REG_URL" || { echo "$NAME: FAIL"; exit 1; }

# The stack's registry (scripts/stack up exports its URL) answers the same client.
if [ -n "${CDCCTL_REGISTRY_URL:-}" ]; then
  "$PY" - "$CDCCTL_REGISTRY_URL" <<'PY' || { echo "$NAME: FAIL: the stack's registry at $CDCCTL_REGISTRY_URL"; exit 1; }
import sys
from confluent_kafka.schema_registry import SchemaRegistryClient
client = SchemaRegistryClient({"url": sys.argv[1]})
print("PASS the stack's registry at %s answers (%d subjects, global level %s)"
      % (sys.argv[1], len(client.get_subjects()), client.get_compatibility()))
PY
fi
echo "$NAME: PASS"
