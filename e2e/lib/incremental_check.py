"""Replays the change events of a table with columns (id int, v int) — NDJSON files, or a Kafka
topic (JSON, or Avro through the registry) — and compares the result with the table's rows, as
`psql -At -F ' '` prints `SELECT id, v` (one "id v" line each): latest event per key wins, a
delete removes the key. Every row of the table must come out of the events, with its value.

Usage: incremental_check.py TABLE_ROWS --ndjson FILE...
       incremental_check.py TABLE_ROWS --kafka BROKERS TOPIC [--registry URL]
  --table NAME   only the events of table NAME (source.table), as in a stream of several tables
  --stats FILE   also write a JSON summary: counts per op, incremental reads (source.snapshot
                 "incremental") per NDJSON file, their smallest and largest id, control messages
Prints what differs and exits 1, or prints a one-line summary.
"""
import json
import sys

import ndjson_lines
import table_diff

args = sys.argv[1:]


def take(flag, n=1):
    if flag not in args:
        return None
    i = args.index(flag)
    values = args[i + 1:i + 1 + n]
    del args[i:i + 1 + n]
    return values if n > 1 else values[0]


stats_file = take("--stats")
only_table = take("--table")
registry = take("--registry")
kafka = take("--kafka", 2)
ndjson = None
if "--ndjson" in args:
    i = args.index("--ndjson")
    ndjson = args[i + 1:]
    del args[i:]
table_file = args[0]

expected = {}
with open(table_file) as f:
    for line in f:
        if line.strip():
            k, v = line.split()
            expected[int(k)] = int(v)

state = {}
counts = {}
per_source = []
controls = 0


def apply(value, source):
    global controls
    op = value["op"]
    if only_table and op != "m" and (value.get("source") or {}).get("table") != only_table:
        return
    counts[op] = counts.get(op, 0) + 1
    if op == "m":
        controls += 1
        return
    if op in ("r", "c", "u"):
        state[value["after"]["id"]] = value["after"]["v"]
    elif op == "d":
        state.pop(value["before"]["id"], None)
    if op == "r" and (value.get("source") or {}).get("snapshot") == "incremental":
        ids = source.setdefault("incremental_ids", [])
        ids.append(value["after"]["id"])


if ndjson is not None:
    for path in ndjson:
        source = {"file": path}
        per_source.append(source)
        for event in ndjson_lines.events(path):
            apply(event, source)
else:
    from kafka_read import read_topic
    brokers, topic = kafka
    source = {"topic": topic}
    per_source.append(source)
    deserialize = None
    if registry:
        from confluent_kafka.schema_registry import SchemaRegistryClient
        from confluent_kafka.schema_registry.avro import AvroDeserializer
        from confluent_kafka.serialization import MessageField, SerializationContext
        deserialize = AvroDeserializer(SchemaRegistryClient({"url": registry}))
    for m in read_topic(brokers, topic, timeout=180):
        if m.value() is None:
            continue   # a tombstone
        if deserialize:
            value = deserialize(m.value(), SerializationContext(topic, MessageField.VALUE))
        else:
            value = json.loads(m.value())
        apply(value, source)

problems = table_diff.differences(expected, state)
if controls:
    problems.append(f"{controls} logical decoding messages came out (cdcctl's signals and watermarks must not)")

if stats_file:
    summary = {"ops": counts, "sources": []}
    for s in per_source:
        ids = s.pop("incremental_ids", [])
        s.update({"incremental": len(ids), "min_id": min(ids) if ids else None, "max_id": max(ids) if ids else None,
                  "distinct": len(set(ids))})
        summary["sources"].append(s)
    with open(stats_file, "w") as f:
        json.dump(summary, f)
if problems:
    print("; ".join(problems))
    sys.exit(1)
print(f"{len(expected)} rows replayed from {sum(counts.values())} events {dict(sorted(counts.items()))}")
