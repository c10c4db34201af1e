#!/usr/bin/env bash
# Interop: Confluent's Python client (confluent-kafka SchemaRegistryClient + AvroSerializer on
# fastavro, from $CDCCTL_PYTHON) registers, looks up, tests compatibility, sets levels and deletes
# against `cdcctl registry serve` on a free port with a temp data dir.
set -euo pipefail
NAME=registry-interop
. "$(dirname "$0")/registry-lib.sh"

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
"$PY" "$ROOT/tests/registry_interop.py" "$REG_URL" || { echo "$NAME: FAIL"; exit 1; }

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
