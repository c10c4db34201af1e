"""Checks e2e/kafka-avro-ddl-names.sh's topic with confluent-kafka's AvroDeserializer (through
the registry, as a Kafka consumer outside cdcctl would): every record decodes, the field names
are the Avro-adjusted ones carrying PostgreSQL's spelling in `cdcctl.column.name`, and the rows
equal what the table holds when read with the latest schema (older records take the defaults).

usage: kafka_avro_names_check.py BROKERS REGISTRY TOPIC EXPECTED_JSON
"""
import decimal
import json
import sys

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

from kafka_read import read_topic

brokers, registry_url, topic, expected = sys.argv[1:5]
registry = SchemaRegistryClient({"url": registry_url})
# Read with the latest version as the reader schema: records written before an ADD COLUMN get
# the new field's default, which is what a BACKWARD-compatible schema promises.
latest_text = registry.get_latest_version(f"{topic}-value").schema.schema_str
deserialize = AvroDeserializer(registry, schema_str=latest_text)
rows = {}
decoded = 0
for message in read_topic(brokers, topic):
    if message.value() is None:
        continue
    event = deserialize(message.value(), SerializationContext(topic, MessageField.VALUE))
    decoded += 1
    if event["op"] == "d":
        rows.pop(event["before"]["id"], None)
    else:
        rows[event["after"]["id"]] = event["after"]

def plain(value, column):
    # fastavro fills a missing decimal field with the schema's raw default (bytes as code
    # points, the Avro JSON form) instead of converting it: decode it the way Avro's spec says.
    if column == "amount" and isinstance(value, str):
        unscaled = int.from_bytes(value.encode("latin-1"), "big", signed=True)
        return decimal.Decimal(unscaled).scaleb(-2)
    return value


failures = []
want = {row["id"]: row for row in json.loads(expected)}
if sorted(rows) != sorted(want):
    failures.append(f"ids {sorted(rows)} != {sorted(want)}")
for key, row in want.items():
    got = rows.get(key, {})
    for column, value in row.items():
        if str(plain(got.get(column), column)) != str(value):  # Decimal('1.50') and "1.50" alike
            failures.append(f"id {key}: {column} = {plain(got.get(column), column)!r}, want {value!r}")

latest = json.loads(latest_text)
value_record = next(f for f in latest["fields"] if f["name"] == "before")["type"][1]
spelled = {f["name"]: f.get("cdcctl.column.name") for f in value_record["fields"]}
if spelled.get("Col_u0020_u00fc") != "Col ü":
    failures.append(f"field names/spellings in the registered schema: {spelled}")
versions = registry.get_versions(f"{topic}-value")
if len(versions) < 3:
    failures.append(f"{topic}-value has {len(versions)} versions, want 3 (two ADD COLUMNs)")

if failures:
    print("FAIL: " + "; ".join(failures))
    sys.exit(1)
print(f"decoded {decoded} records; {len(rows)} rows equal the table; {len(versions)} schema versions")
