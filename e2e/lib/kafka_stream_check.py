"""Reads a cdcctl stream topic with confluent-kafka and its AvroDeserializer (an independent
client) and checks it against PostgreSQL. Prints PASS/FAIL lines; exits non-zero on a failure.

Usage: kafka_stream_check.py BROKERS REGISTRY_URL TOPIC EXPECTED_OPS FINAL_ROWS_JSON
  EXPECTED_OPS     the ops in commit order, e.g. "r r r c c u d - c"  ("-" is a tombstone)
  FINAL_ROWS_JSON  the table's final rows from PostgreSQL: [{"id":..,"name":..,"amount":"1.50",..}]
"""
import json, sys
from decimal import Decimal
from kafka_read import read_topic
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

brokers, registry_url, topic, expected_ops, final_json = sys.argv[1:6]
transaction_topic = sys.argv[6] if len(sys.argv) > 6 else None
NAME = "kafka-stream-avro"
failures = 0


def check(what, ok, detail=""):
    global failures
    print(("PASS" if ok else "FAIL") + f": {NAME}: {what}" + ("" if ok or not detail else f" ({detail})"))
    if not ok:
        failures += 1


registry = SchemaRegistryClient({"url": registry_url})
deserialize = AvroDeserializer(registry)


def read(t):
    return read_topic(brokers, t)


records = read(topic)

events = []
for m in records:
    key = deserialize(m.key(), SerializationContext(topic, MessageField.KEY)) if m.key() is not None else None
    value = deserialize(m.value(), SerializationContext(topic, MessageField.VALUE)) if m.value() is not None else None
    schema_id = int.from_bytes(m.value()[1:5], "big") if m.value() else None
    headers = dict(m.headers() or [])
    events.append((key, value, schema_id, headers))

ops = ["-" if v is None else v["op"] for _, v, _, _ in events]
check(f"{len(expected_ops.split())} records in commit order: {expected_ops}", ops == expected_ops.split(), " ".join(ops))

# Replaying the events per key gives the table's final state.
state = {}
for key, value, _, _ in events:
    if value is None:
        continue
    if value["op"] in ("c", "u", "r"):
        state[key["id"]] = value["after"]
        check_key = key == {"id": value["after"]["id"]}
        if not check_key:
            check("key equals the row's primary key", False, f"{key} vs {value['after']}")
    elif value["op"] == "d":
        state.pop(key["id"], None)


def plain(row):
    out = {}
    for k, v in row.items():
        if isinstance(v, Decimal):
            v = str(v)
        out[k] = v
    return out


final = {r["id"]: r for r in json.loads(final_json)}
replayed = {k: plain(v) for k, v in state.items()}
mismatch = [k for k in set(final) | set(replayed) if {c: replayed.get(k, {}).get(c) for c in final.get(k, {})} != final.get(k)]
check(f"replaying the topic gives the table's {len(final)} rows in PostgreSQL, value for value",
      not mismatch and set(final) == set(replayed), f"differ for ids {sorted(mismatch)[:5]}: kafka {[replayed.get(k) for k in sorted(mismatch)[:2]]} pg {[final.get(k) for k in sorted(mismatch)[:2]]}")

# Schema evolution: the events after ALTER TABLE carry a newer value schema with the new column.
ids = [sid for _, v, sid, _ in events if v is not None]
with_extra = [("extra" in (v["after"] or v["before"] or {})) for _, v, _, _ in events if v is not None]
first_new = with_extra.index(True) if True in with_extra else None
check("events after ALTER TABLE use a new value schema that has the new column",
      first_new is not None and all(with_extra[first_new:]) and not any(with_extra[:first_new])
      and len(set(ids[:first_new])) == 1 and len(set(ids[first_new:])) == 1 and ids[0] != ids[-1],
      f"schema ids {sorted(set(ids))}")
versions = registry.get_versions(topic + "-value")
check("the value subject has two versions", len(versions) == 2, f"versions {versions}")

# Headers: the LSN (X/X) and, for streamed changes, the transaction id.
streamed = [h for _, v, _, h in events if v is not None and v["op"] != "r"]
check("every streamed record has cdcctl.lsn and cdcctl.txId headers",
      streamed and all("cdcctl.lsn" in h and "cdcctl.txId" in h for h in streamed))
if transaction_topic:
    from collections import Counter, defaultdict
    meta = [deserialize(m.value(), SerializationContext(transaction_topic, MessageField.VALUE)) for m in read(transaction_topic)]
    blocks = [v["transaction"] for _, v, _, _ in events if v is not None and v["op"] != "r"]
    per_tx = Counter(b["id"] for b in blocks if b)
    table_name = topic.split(".", 1)[1]
    ends = {m["id"]: m for m in meta if m["status"] == "END"}
    begins = [m["id"] for m in meta if m["status"] == "BEGIN"]
    orders_ok = all(b and b["total_order"] == b["data_collection_order"] for b in blocks)
    check(f"--transaction-topic: a BEGIN and an END per transaction ({len(per_tx)}), END counts equal the events' blocks",
          all(blocks) and orders_ok and sorted(begins) == sorted(ends) == sorted(per_tx)
          and all(ends[i]["event_count"] == n and ends[i]["data_collections"] == [{"data_collection": table_name, "event_count": n}]
                  for i, n in per_tx.items()),
          f"blocks {blocks[:3]} meta {meta[:4]}")
sys.exit(1 if failures else 0)
