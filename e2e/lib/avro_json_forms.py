"""Schemas and records for e2e/avro-json-forms.sh: confluent-kafka's AvroSerializer (an
independent client) writes the records, cdcctl consume prints them and cdcctl produce reads
them back, and AvroDeserializer must then give the original records.

  avro_json_forms.py produce BROKERS REGISTRY_URL PREFIX DIR
      writes DIR/<name>.avsc for every schema and produces its records to PREFIX-src-<name>;
      prints the names, one a line
  avro_json_forms.py check BROKERS REGISTRY_URL PREFIX FORM NAME...
      reads PREFIX-FORM-<name> and compares what AvroDeserializer gives with the records;
      prints one PASS/FAIL line per schema, exits 1 on any FAIL
  avro_json_forms.py defaults BROKERS REGISTRY_URL TOPIC
      checks the single record on TOPIC (produced from a line that left out defaulted fields)
"""
import datetime
import decimal
import json
import math
import os
import struct
import sys
import uuid

from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from kafka_read import read_topic

NAME = "avro-json-forms"
UTC = datetime.timezone.utc


def f32(x):
    """x rounded to the nearest float32, so float fields compare exactly after a round trip."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def rec(name, fields, **extra):
    return dict({"type": "record", "name": name, "fields": fields}, **extra)


def field(name, type_, **extra):
    return dict({"name": name, "type": type_}, **extra)


D = decimal.Decimal
# name -> (schema, records)
CASES = {
    "primitives": (rec("Prim", [field("b", "boolean"), field("i", "int"), field("l", "long"), field("s", "string")]), [
        {"b": True, "i": -2147483648, "l": -9223372036854775808, "s": ""},
        {"b": False, "i": 2147483647, "l": 9223372036854775807, "s": "quote \" backslash \\ newline \n tab \t é ✓ 𝄞 \u0000"},
    ]),
    "float-edges": (rec("Floats", [field("f", "float")]), [
        {"f": v} for v in [0.0, -0.0, f32(0.1), f32(3.4028234663852886e38), f32(-1.401298464324817e-45),
                           float("nan"), float("inf"), float("-inf"), f32(16777217.0)]
    ]),
    "double-edges": (rec("Doubles", [field("d", "double")]), [
        {"d": v} for v in [0.0, -0.0, 0.1, 1.7976931348623157e308, 5e-324, -2.5e-300, 123456789012345678.0,
                           float("nan"), float("inf"), float("-inf")]
    ]),
    "bytes": (rec("Blob", [field("b", "bytes")]), [
        {"b": b""}, {"b": bytes(range(256))}, {"b": b"\x00"}, {"b": b"ab"}, {"b": b"abc"},
    ]),
    "fixed": (rec("Fix", [field("f", {"type": "fixed", "name": "F4", "size": 4})]), [
        {"f": b"\x00\x01\xfe\xff"}, {"f": b"abcd"},
    ]),
    "enum": (rec("E", [field("e", {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]})]), [
        {"e": "RED"}, {"e": "BLUE"},
    ]),
    "array-map": (rec("Coll", [field("a", {"type": "array", "items": "long"}),
                               field("m", {"type": "map", "values": "string"}),
                               field("am", {"type": "array", "items": {"type": "map", "values": "int"}})]), [
        {"a": [], "m": {}, "am": []},
        {"a": [1, -1, 9223372036854775807], "m": {"k": "v", "": "empty key", "é": "x"}, "am": [{"a": 1}, {}]},
    ]),
    "nested-records": (rec("Outer", [field("id", "int"),
                                     field("inner", rec("Inner", [field("name", "string"),
                                                                  field("deep", rec("Deep", [field("x", "double")]))])),
                                     field("again", "Inner")]), [
        {"id": 1, "inner": {"name": "a", "deep": {"x": 1.5}}, "again": {"name": "b", "deep": {"x": -0.0}}},
    ]),
    "nullable-union": (rec("Opt", [field("s", ["null", "string"], default=None), field("n", ["long", "null"])]), [
        {"s": None, "n": 5}, {"s": "x", "n": None},
    ]),
    "multi-branch-union": (rec("Multi", [field("u", ["null", "int", "string", "boolean", "double",
                                                     {"type": "array", "items": "string"},
                                                     rec("Point", [field("x", "int"), field("y", "int")])])]), [
        {"u": None}, {"u": 7}, {"u": "seven"}, {"u": True}, {"u": 7.5}, {"u": ["a"]}, {"u": {"x": 1, "y": 2}},
    ]),
    "union-of-records": (rec("Shapes", [field("s", [rec("Circle", [field("r", "double")]),
                                                    rec("Square", [field("side", "double"), field("label", "string")])])]), [
        {"s": {"r": 1.0}}, {"s": {"side": 2.0, "label": "sq"}},
    ]),
    "decimal-bytes": (rec("DecB", [field("d", {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2})]), [
        {"d": D(v)} for v in ["-0.01", "0.00", "0.01", "-1.00", "12345678.90", "-12345678.90", "1.28", "-1.28", "-1.29"]
    ]),
    "decimal-fixed": (rec("DecF", [field("d", {"type": "fixed", "name": "Money", "size": 8, "logicalType": "decimal",
                                               "precision": 18, "scale": 4})]), [
        {"d": D(v)} for v in ["-0.0001", "0.0000", "99999999999999.9999", "-99999999999999.9999", "-1.0000"]
    ]),
    "decimal-scale0": (rec("DecZ", [field("d", {"type": "bytes", "logicalType": "decimal", "precision": 38, "scale": 0})]), [
        {"d": D(v)} for v in ["0", "-1", "127", "128", "-128", "-129", "99999999999999999999999999999999999999"]
    ]),
    "date": (rec("Day", [field("d", {"type": "int", "logicalType": "date"})]), [
        {"d": v} for v in [datetime.date(1970, 1, 1), datetime.date(1, 1, 1), datetime.date(9999, 12, 31),
                           datetime.date(2024, 2, 29), datetime.date(1969, 12, 31)]
    ]),
    "time-millis": (rec("TMs", [field("t", {"type": "int", "logicalType": "time-millis"})]), [
        {"t": v} for v in [datetime.time(0, 0), datetime.time(23, 59, 59, 999000), datetime.time(12, 0, 0, 1000)]
    ]),
    "time-micros": (rec("TUs", [field("t", {"type": "long", "logicalType": "time-micros"})]), [
        {"t": v} for v in [datetime.time(0, 0), datetime.time(23, 59, 59, 999999), datetime.time(0, 0, 0, 1)]
    ]),
    "timestamp-millis": (rec("TsMs", [field("t", {"type": "long", "logicalType": "timestamp-millis"})]), [
        {"t": v} for v in [datetime.datetime(1970, 1, 1, tzinfo=UTC), datetime.datetime(1969, 12, 31, 23, 59, 59, 999000, tzinfo=UTC),
                           datetime.datetime(2038, 1, 19, 3, 14, 8, 123000, tzinfo=UTC), datetime.datetime(1, 1, 1, tzinfo=UTC)]
    ]),
    "timestamp-micros": (rec("TsUs", [field("t", {"type": "long", "logicalType": "timestamp-micros"})]), [
        {"t": v} for v in [datetime.datetime(1970, 1, 1, tzinfo=UTC), datetime.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
                           datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)]
    ]),
    "local-timestamp-millis": (rec("LTsMs", [field("t", {"type": "long", "logicalType": "local-timestamp-millis"})]), [
        {"t": v} for v in [datetime.datetime(1970, 1, 1), datetime.datetime(2024, 6, 30, 12, 34, 56, 789000),
                           datetime.datetime(1900, 1, 1, 0, 0, 0, 1000)]
    ]),
    "local-timestamp-micros": (rec("LTsUs", [field("t", {"type": "long", "logicalType": "local-timestamp-micros"})]), [
        {"t": v} for v in [datetime.datetime(1970, 1, 1), datetime.datetime(2024, 6, 30, 12, 34, 56, 789012),
                           datetime.datetime(1960, 5, 5, 5, 5, 5, 5)]
    ]),
    "uuid": (rec("Ids", [field("s", {"type": "string", "logicalType": "uuid"}),
                         field("f", {"type": "fixed", "name": "UUIDBytes", "size": 16, "logicalType": "uuid"})]), [
        {"s": uuid.UUID("123e4567-e89b-12d3-a456-426614174000"), "f": uuid.UUID("00000000-0000-0000-0000-0000000000ff").bytes},
        {"s": uuid.UUID("ffffffff-ffff-ffff-ffff-ffffffffffff"), "f": uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11").bytes},
    ]),
    "defaults": (rec("Defaults", [field("id", "int"),
                                  field("name", "string", default="anon"),
                                  field("tags", {"type": "array", "items": "string"}, default=["x"]),
                                  field("blob", "bytes", default="\u00ff\u0000"),
                                  field("opt", ["null", "long"], default=None),
                                  field("color", {"type": "enum", "name": "Shade", "symbols": ["DARK", "LIGHT"]}, default="LIGHT")]), [
        {"id": 1, "name": "n", "tags": [], "blob": b"\x01", "opt": 3, "color": "DARK"},
    ]),
    "recursive": (rec("Node", [field("value", "int"), field("next", ["null", "Node"], default=None),
                               field("children", {"type": "array", "items": "Node"}, default=[])]), [
        {"value": 1, "next": None, "children": []},
        {"value": 1, "next": {"value": 2, "next": {"value": 3, "next": None, "children": []}, "children": []},
         "children": [{"value": 4, "next": None, "children": []}]},
    ]),
    "namespaced": (rec("Ev", [field("kind", {"type": "enum", "name": "Kind", "namespace": "a.b", "symbols": ["X", "Y"]}),
                              field("u", ["null", {"type": "fixed", "name": "H2", "namespace": "a.b", "size": 2},
                                          {"type": "map", "values": {"type": "bytes", "logicalType": "decimal", "precision": 5, "scale": 1}}])],
                       namespace="ns.one"), [
        {"kind": "Y", "u": None}, {"kind": "X", "u": b"\x00\xff"}, {"kind": "X", "u": {"a": D("-0.1"), "b": D("9999.9")}},
    ]),
}


def ctx(topic):
    return SerializationContext(topic, MessageField.VALUE)


def produce(brokers, registry_url, prefix, directory):
    registry = SchemaRegistryClient({"url": registry_url})
    producer = Producer({"bootstrap.servers": brokers})
    for name, (schema, records) in CASES.items():
        text = json.dumps(schema)
        with open(os.path.join(directory, name + ".avsc"), "w") as f:
            f.write(text)
        serialize = AvroSerializer(registry, text)
        topic = f"{prefix}-src-{name}"
        for r in records:
            producer.produce(topic, partition=0, value=serialize(r, ctx(topic)))  # one partition keeps the order
        print(name)
    if producer.flush(30) != 0:
        raise SystemExit("FAIL: avro-json-forms: not every source record was delivered")


def same(a, b):
    """Equality where NaN equals NaN and -0.0 differs from 0.0 (both are part of the round trip)."""
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, D) and isinstance(b, D):
        return a == b
    return type(a) is type(b) and a == b


def check(brokers, registry_url, prefix, form, names):
    deserialize = AvroDeserializer(SchemaRegistryClient({"url": registry_url}))
    ok = True
    for name in names:
        topic = f"{prefix}-{form}-{name}"
        got = [deserialize(m.value(), ctx(topic)) for m in read_topic(brokers, topic)]
        expected = CASES[name][1]
        good = len(got) == len(expected) and all(same(e, g) for e, g in zip(expected, got))
        ok = ok and good
        print(("PASS" if good else "FAIL") + f": {NAME}: {form} form: {name}: {len(expected)} records come back unchanged"
              + ("" if good else f" (expected {expected!r:.300}, got {got!r:.300})"))
    return ok


def check_defaults(brokers, registry_url, topic):
    deserialize = AvroDeserializer(SchemaRegistryClient({"url": registry_url}))
    got = [deserialize(m.value(), ctx(topic)) for m in read_topic(brokers, topic)]
    want = [{"id": 9, "name": "anon", "tags": ["x"], "blob": b"\xff\x00", "opt": None, "color": "LIGHT"}]
    good = same(want, got)
    print(("PASS" if good else "FAIL") + f": {NAME}: fields left out take their schema defaults" + ("" if good else f" (got {got!r})"))
    return good


if __name__ == "__main__":
    command, brokers, registry_url = sys.argv[1:4]
    if command == "produce":
        produce(brokers, registry_url, sys.argv[4], sys.argv[5])
    elif command == "check":
        sys.exit(0 if check(brokers, registry_url, sys.argv[4], sys.argv[5], sys.argv[6:]) else 1)
    elif command == "defaults":
        sys.exit(0 if check_defaults(brokers, registry_url, sys.argv[4]) else 1)
    else:
        raise SystemExit(f"unknown command {command}")
