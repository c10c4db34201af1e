#!/usr/bin/env bash
# e2e/kafka-avro-produce.sh — `cdcctl produce --avro-schema FILE` encodes JSON lines as Avro in
# Confluent's wire format through the registry: an independent client (Python confluent-kafka's
# AvroDeserializer) decodes every record to the JSON value given, the schema is registered under
# <topic>-value (or --value-subject), and a line that does not fit the schema is a one-line error
# naming the record, with a non-zero exit.
set -euo pipefail

NAME=kafka-avro-produce
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: JSON lines produced as Avro decode back to the same values"
require_bin
require_env CDCCTL_KAFKA_BROKERS CDCCTL_REGISTRY_URL CDCCTL_PYTHON
TMP=$(mktemp -d /tmp/cdcctl-avro-produce.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
TOPIC=avro-produce-$$-$RANDOM

cat >"$TMP/schema.avsc" <<'AVSC'
{"type": "record", "name": "Order", "namespace": "shop", "fields": [
  {"name": "id", "type": "long"},
  {"name": "customer", "type": "string"},
  {"name": "total", "type": "double"},
  {"name": "paid", "type": "boolean"},
  {"name": "note", "type": ["null", "string"], "default": null},
  {"name": "items", "type": {"type": "array", "items": "string"}},
  {"name": "counts", "type": {"type": "map", "values": "long"}},
  {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID", "SHIPPED"]}}
]}
AVSC
cat >"$TMP/in.json" <<'JSON'
{"id": 1, "customer": "Ada", "total": 12.5, "paid": true, "note": null, "items": ["pen"], "counts": {"pen": 2}, "status": "PAID"}
{"id": 2, "customer": "Grace ✓", "total": 0, "paid": false, "note": "gift", "items": [], "counts": {}, "status": "NEW"}
{"id": -9223372036854775808, "customer": "", "total": -1e300, "paid": false, "items": ["a", "b"], "counts": {"x": 9223372036854775807}, "status": "SHIPPED"}
JSON
"$BIN" produce -t "$TOPIC" -K'|' --avro-schema "$TMP/schema.avsc" -l <(sed 's/^/k|/' "$TMP/in.json") 2>"$TMP/err" \
  || { cat "$TMP/err"; fail "cdcctl produce --avro-schema failed"; }

PYTHONPATH="$LIB" "$CDCCTL_PYTHON" - "$CDCCTL_KAFKA_BROKERS" "$CDCCTL_REGISTRY_URL" "$TOPIC" "$TMP/in.json" <<'PY' || ok=0
import json, sys
from kafka_read import read_topic
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext
brokers, registry_url, topic, given = sys.argv[1:5]
NAME = "kafka-avro-produce"
registry = SchemaRegistryClient({"url": registry_url})
deserialize = AvroDeserializer(registry)
got = [(m.key(), deserialize(m.value(), SerializationContext(topic, MessageField.VALUE))) for m in read_topic(brokers, topic)]
expected = [dict({"note": None}, **json.loads(line)) for line in open(given)]
ok = [v for _, v in got] == expected and all(k == b"k" for k, _ in got)
print(("PASS" if ok else "FAIL") + f": {NAME}: AvroDeserializer decodes the {len(expected)} records to the JSON given (keys untouched)"
      + ("" if ok else f" (got {got[:2]})"))
subjects = registry.get_subjects()
ok2 = f"{topic}-value" in subjects
print(("PASS" if ok2 else "FAIL") + f": {NAME}: the schema is registered under {topic}-value")
sys.exit(0 if ok and ok2 else 1)
PY

# --value-subject names the subject; a record that does not fit fails with its number.
printf '{"id": 1, "customer": "x", "total": 1, "paid": true, "items": [], "counts": {}, "status": "NEW"}\n{"id": "two"}\n' \
  | "$BIN" produce -t "$TOPIC-bad" --avro-schema "$TMP/schema.avsc" --value-subject "$TOPIC-custom" 2>"$TMP/err2" && rc=0 || rc=$?
if [ "$rc" -ne 0 ] && [ "$(wc -l <"$TMP/err2")" -eq 1 ] && grep -q "^cdcctl: error: record 2 does not fit the schema of subject $TOPIC-custom" "$TMP/err2"; then
  echo "PASS: $NAME: a record that does not fit is a one-line error naming it ($(cut -c1-120 "$TMP/err2"))"
else
  cat "$TMP/err2"; echo "FAIL: $NAME: expected a one-line error naming record 2 (exit $rc)"; ok=0
fi
curl -fsS "$CDCCTL_REGISTRY_URL/subjects/$TOPIC-custom/versions" >/dev/null \
  && echo "PASS: $NAME: --value-subject registers under $TOPIC-custom" || { echo "FAIL: $NAME: no subject $TOPIC-custom"; ok=0; }
[ "$ok" -eq 1 ] || exit 1
