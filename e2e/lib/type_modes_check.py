"""Checks cdcctl's type modes against PostgreSQL, for e2e/type-modes.sh.

    type_modes_check.py NAME MODES EXPECTED (ndjson FILE... | avro BROKERS REGISTRY TOPIC)

MODES is the flags' values as `decimal=precise,interval=string,hstore=map` (a mode left out is
cdcctl's default). EXPECTED is the table as PostgreSQL reads it (JSON, one object per row, made
with psql): numerics as text, the interval's fields from extract(), hstore as hstore_to_json, the
stand-in geometries as hex with the SRID each was written with. The expected event values are
computed here, independently of cdcctl, then compared with the `after` of every event in the
NDJSON files (snapshot and stream), or with the Kafka records read with confluent-kafka's
AvroDeserializer through the registry. Prints PASS/FAIL lines; exits 1 on a failure.
"""
import base64
import json
import sys
from decimal import Context, Decimal

name, modes_arg, expected_path, source = sys.argv[1:5]
modes = dict(m.split("=") for m in modes_arg.split(",") if m)
rows = {r["id"]: r for r in json.load(open(expected_path))}
avro = source == "avro"


def unscaled(text, scale):
    n = int(Decimal(text).scaleb(scale, context=Context(prec=1000)))
    length = ((n if n >= 0 else ~n).bit_length() // 8) + 1
    return n.to_bytes(length, "big", signed=True)


def b(raw):
    return raw if avro else base64.b64encode(raw).decode()


def decimal(text, scale):
    """`text` (numeric's text) under --decimal, for a column of `scale` (None: no declared scale)."""
    if text is None:
        return None
    mode = modes.get("decimal")
    if mode == "double":
        return float(text)
    if mode == "string" or (mode is None and not avro):
        return text
    # precise, or Avro's own default
    if scale is None:
        s = len(text.split(".")[1]) if "." in text else 0
        return {"scale": s, "value": b(unscaled(text, s))}
    return Decimal(text) if avro else b(unscaled(text, scale))


def interval(r):
    if r["i_years"] is None:
        return None
    if modes.get("interval") != "string":
        # Debezium's MicroDuration: a month is 30.4375 days, a year 12 months.
        months = r["i_years"] * 12 + r["i_months"]
        seconds = Decimal(months) * Decimal("30.4375") * 86400 + (((r["i_days"] * 24 + r["i_hours"]) * 60 + r["i_minutes"]) * 60)
        return int(seconds * 1000000 + Decimal(r["i_seconds"]) * 1000000)
    secs = Decimal(r["i_seconds"]).normalize()
    secs = "0" if secs == 0 else format(secs, "f")
    return f"P{r['i_years']}Y{r['i_months']}M{r['i_days']}DT{r['i_hours']}H{r['i_minutes']}M{secs}S"


def hstore(text, as_json):
    if text is None:
        return None
    mode = modes.get("hstore", "text")
    if mode == "map":
        return as_json
    if mode == "json":
        return as_json  # compared after parsing the string
    return text


def geometry(hex_text, srid):
    if hex_text is None:
        return None
    return {"wkb": b(bytes.fromhex(hex_text)), "srid": srid}


def expected(r):
    return {
        "id": r["id"],
        "n": decimal(r["n"], 2),
        "v": decimal(r["v"], None),
        "m": decimal(r["m"], 2),
        "na": None if r["na"] is None else [decimal(x, 1) for x in r["na"]],
        "i": interval(r),
        "h": hstore(r["h"], r["h_json"]),
        "ha": None if r["ha"] is None else [hstore(t, j) for t, j in zip(r["ha"], r["ha_json"] or [])],
        "g": geometry(r["g"], r["g_srid"]),
        "gg": None if r["gg"] is None else [geometry(x, None) if x else None for x in r["gg"]],
    }


def normalize(after):
    after = dict(after)
    if modes.get("hstore") == "json":
        after["h"] = None if after["h"] is None else json.loads(after["h"])
        after["ha"] = None if after["ha"] is None else [None if x is None else json.loads(x) for x in after["ha"]]
    if avro and modes.get("hstore") == "map":
        after["h"] = None if after["h"] is None else dict(after["h"])
        after["ha"] = None if after["ha"] is None else [None if x is None else dict(x) for x in after["ha"]]
    return after


if avro:
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.avro import AvroDeserializer
    from confluent_kafka.serialization import MessageField, SerializationContext
    from kafka_read import read_topic
    brokers, registry_url, topic = sys.argv[5:8]
    decode = AvroDeserializer(SchemaRegistryClient({"url": registry_url}))
    sources = {topic: [decode(m.value(), SerializationContext(topic, MessageField.VALUE))
                       for m in read_topic(brokers, topic) if m.value() is not None]}
else:
    sources = {path: [json.loads(line) for line in open(path)] for path in sys.argv[5:]}

ok = True
for where, events in sources.items():
    got = {e["after"]["id"]: normalize(e["after"]) for e in events if e.get("after")}
    want = {i: expected(r) for i, r in rows.items()}
    diffs = [(i, k, got.get(i, {}).get(k), w[k]) for i, w in want.items() for k in w if got.get(i, {}).get(k) != w[k]]
    passed = len(got) == len(want) and not diffs
    ok = ok and passed
    what = f"{where.rsplit('/', 1)[-1]}: {len(got)} rows equal PostgreSQL's under {modes_arg or 'the defaults'}"
    print(("PASS" if passed else "FAIL") + f": {name}: {what}" + ("" if passed else f"; first differences (row, column, got, expected): {diffs[:3]}"))
sys.exit(0 if ok else 1)
