"""Checks what cdcctl wrote with shaping flags against what PostgreSQL holds, transformed as the
flags say (e2e/shaping.sh): replaying the events per key gives exactly the expected rows, and no
secret (an excluded column's values or name, a masked value) appears in any byte written.

Usage:
  shaping_check.py stdout-envelope FILE EXPECTED_JSON SECRETS_JSON
  shaping_check.py stdout-flat FILE EXPECTED_JSON SECRETS_JSON
  shaping_check.py kafka-flat BROKERS REGISTRY PREFIX EXPECTED_JSON SECRETS_JSON FIELDS
  shaping_check.py kafka-json-flat BROKERS PREFIX EXPECTED_JSON SECRETS_JSON
EXPECTED_JSON: {"table": {"key column": ..., "rows": [row, ...]}} (rows as PostgreSQL holds them);
SECRETS_JSON: strings that must appear nowhere. Prints PASS/FAIL lines; exits 1 on a failure.
"""
import hashlib
import json
import struct
import sys
from decimal import Decimal

NAME = "shaping"
failures = 0


def check(what, ok, detail=""):
    global failures
    print(("PASS" if ok else "FAIL") + f": {NAME}: {what}" + ("" if ok or not detail else f" ({detail})"))
    if not ok:
        failures += 1


def java_serialized(text):
    """ObjectOutputStream.writeObject(String): what Debezium's default hash (v1) digests."""
    units = text.encode("utf-16-be", "surrogatepass")
    out = bytearray()
    for i in range(0, len(units), 2):
        c = int.from_bytes(units[i:i + 2], "big")
        if 1 <= c <= 0x7F:
            out.append(c)
        elif c <= 0x7FF:
            out += bytes([0xC0 | (c >> 6), 0x80 | (c & 0x3F)])
        else:
            out += bytes([0xE0 | (c >> 12), 0x80 | ((c >> 6) & 0x3F), 0x80 | (c & 0x3F)])
    head = b"\xac\xed\x00\x05" + (b"\x74" + struct.pack(">H", len(out)) if len(out) <= 0xFFFF else b"\x7c" + struct.pack(">Q", len(out)))
    return head + bytes(out)


def shaped(table, row):
    """The row as the flags of e2e/shaping.sh shape it (None: filtered out)."""
    if table == "customers":
        return {"id": row["id"],
                "email": hashlib.sha256(b"pepper" + java_serialized(row["email"])).hexdigest()[:40],
                "name": "****",
                "bio": None if row["bio"] is None else row["bio"][:5]}
    if table == "orders":
        if Decimal(row["total"]) <= 10:
            return None
        return {"id": row["id"], "customer_id": row["customer_id"], "status": row["status"], "total": row["total"]}
    return dict(row)


def plain(row):
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()}


def compare(replayed, expected_json):
    expected = json.loads(expected_json)
    for table, spec in expected.items():
        want = {}
        for row in spec["rows"]:
            s = shaped(table, row)
            if s is not None:
                want[row[spec["key"]]] = s
        got = replayed.get(table, {})
        check(f"{table}: replaying the events gives PostgreSQL's {len(want)} rows, shaped",
              got == want, f"got {sorted(got.items())[:3]} want {sorted(want.items())[:3]}")


def no_secrets(blobs, secrets_json, where):
    secrets = json.loads(secrets_json)
    found = [s for s in secrets for b in blobs if s.encode() in b]
    check(f"no excluded or masked value, nor an excluded column's name, appears in {where}", not found, f"found {sorted(set(found))[:5]}")


def table_key(expected_json):
    return {t: spec["key"] for t, spec in json.loads(expected_json).items()}


mode = sys.argv[1]
if mode in ("stdout-envelope", "stdout-flat"):
    path, expected_json, secrets_json = sys.argv[2:5]
    raw = open(path, "rb").read()
    events = [json.loads(line) for line in raw.splitlines()]
    keys = table_key(expected_json)
    replayed = {}
    if mode == "stdout-envelope":
        ops = [e["op"] for e in events]
        check("only the operations --ops names (no t, no m)", all(op in "rcud" for op in ops), f"ops {sorted(set(ops))}")
        for e in events:
            table = e["source"]["table"]
            rows = replayed.setdefault(table, {})
            if e["op"] == "d":
                rows.pop(e["before"][keys[table]], None)
            else:
                rows[e["after"][keys[table]]] = e["after"]
        check("every event's source is a selected table", set(replayed) <= set(keys), f"tables {sorted(replayed)}")
    else:
        for e in events:
            table = e["__table"]
            rows = replayed.setdefault(table, {})
            row = {k: v for k, v in e.items() if not k.startswith("__")}
            if e["__deleted"] == "true":
                check(f"a rewritten delete is op d with __deleted \"true\" ({table})", e["__op"] == "d")
                rows.pop(row[keys[table]], None)
            else:
                rows[row[keys[table]]] = row
    compare(replayed, expected_json)
    no_secrets([raw], secrets_json, "stdout")
    sys.exit(1 if failures else 0)

if mode == "kafka-json-flat":
    from kafka_read import read_topic
    brokers, prefix, expected_json, secrets_json = sys.argv[2:6]
    keys = table_key(expected_json)
    replayed, blobs = {}, []
    for table in keys:
        topic = f"{prefix}.{table}"
        rows = replayed.setdefault(table, {})
        key_ok, deleted = True, 0
        for m in read_topic(brokers, topic):
            blobs += [m.key() or b"", m.value() or b""]
            key = json.loads(m.key())
            value = json.loads(m.value())
            row = {k: v for k, v in value.items() if not k.startswith("__")}
            key_ok = key_ok and key == {keys[table]: row[keys[table]]}
            if value["__deleted"] == "true":
                deleted += 1
                rows.pop(row[keys[table]], None)
            else:
                rows[row[keys[table]]] = row
        check(f"{topic}: JSON keys are the record's {keys[table]}; {deleted} deletes rewritten (no tombstone)", key_ok)
    compare(replayed, expected_json)
    no_secrets(blobs, secrets_json, "the Kafka JSON keys and values")
    sys.exit(1 if failures else 0)

# kafka-flat
brokers, registry_url, prefix, expected_json, secrets_json, fields = sys.argv[2:8]
from kafka_read import read_topic
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext
import urllib.request

registry = SchemaRegistryClient({"url": registry_url})
deserialize = AvroDeserializer(registry)
keys = table_key(expected_json)
replayed = {}
blobs = []
for table in keys:
    topic = f"{prefix}.{table}"
    rows = replayed.setdefault(table, {})
    key_ok = True
    tombstones = 0
    for m in read_topic(brokers, topic):
        blobs += [m.key() or b"", m.value() or b""]
        key = deserialize(m.key(), SerializationContext(topic, MessageField.KEY))
        if m.value() is None:
            tombstones += 1
            rows.pop(key[keys[table]], None)
            continue
        value = deserialize(m.value(), SerializationContext(topic, MessageField.VALUE))
        row = plain({k: v for k, v in value.items() if not k.startswith("__")})
        extra = [k for k in value if k.startswith("__")]
        if extra != fields.split(",") or value["__table"] != table.split(".")[-1] or value["__op"] not in ("r", "c", "u"):
            check(f"{topic}: each record carries {fields} in that order", False, f"{extra} {value.get('__op')}")
        if key != {keys[table]: row[keys[table]]}:
            key_ok = False
        rows[row[keys[table]]] = row
    check(f"{topic}: every key is the record's {keys[table]} alone (--key, or the primary key)", key_ok)
    if table.endswith("orders") or table.endswith("events"):
        check(f"{topic}: deletes arrive as tombstones (the default of --deletes with Kafka)", tombstones > 0, f"{tombstones}")
compare({t.split(".")[-1]: r for t, r in replayed.items()}, expected_json)
no_secrets(blobs, secrets_json, "the Kafka keys and values")

# The registered schemas describe the shaped records: Value records, masked fields as strings.
schemas = {}
for subject in json.loads(urllib.request.urlopen(f"{registry_url}/subjects").read()):
    if subject.startswith(prefix + "."):
        text = json.loads(urllib.request.urlopen(f"{registry_url}/subjects/{subject}/versions/latest").read())["schema"]
        schemas[subject] = json.loads(text)
no_secrets([json.dumps(s).encode() for s in schemas.values()], secrets_json, "the registered schemas")
values = {s: v for s, v in schemas.items() if s.endswith("-value")}
check("every value schema is the row's record <prefix>.<schema>.<table>.Value (ExtractNewRecordState's name)",
      values and all(v["name"] == "Value" and v["connect.name"] == s[:-len("-value")] + ".Value" for s, v in values.items()),
      f"{[(s, v.get('name')) for s, v in values.items()]}")
email = [f for f in schemas.get(f"{prefix}.customers-value", {}).get("fields", []) if f["name"] == "email"]
check("the masked email field is a string marked masked (Debezium's parameter)",
      email and email[0]["type"] == {"type": "string", "connect.parameters": {"masked": "true"}}, f"{email}")
events_key = schemas.get(f"{prefix}.events-key", {}).get("fields", [])
check("the key schema of the table without a primary key has --key's column", [f["name"] for f in events_key] == ["seq"], f"{events_key}")
sys.exit(1 if failures else 0)
