"""e2e/lib/avroconverter_reads.py — the Python half of e2e/avroconverter-reads-cdcctl.sh.

    avroconverter_reads.py dump BROKERS TOPIC OUT.hex
        reads TOPIC with confluent-kafka (kafka_read.py) and writes one line per record,
        `TOPIC KEY_HEX VALUE_HEX` (`-` for a tombstone's value), for e2e/lib/AvroConverterRead.java;
        every key and value must be in Confluent's wire format (magic byte 0, schema id)
    avroconverter_reads.py compare CONVERTER.jsonl CDCCTL.jsonl
        CONVERTER.jsonl: {"key", "value"} lines that AvroConverter + JsonConverter
        (schemas.enable=false) decoded from the topic; CDCCTL.jsonl: cdcctl's NDJSON for the same
        changes (another slot, stdout). Compares them field by field. Every difference must be one
        of ALLOWED below (each with its reason); anything else is printed and exits 1.
"""
import base64
import decimal
import json
import sys

from kafka_read import read_topic

# Timing fields: each run stamps its own.
TIMING = {"ts_ms", "ts_us", "ts_ns"}
# The differences between cdcctl's NDJSON and Kafka Connect's JsonConverter printing the Connect
# data AvroConverter decodes from cdcctl's Avro, each allowed explicitly, with its reason:
ALLOWED = {
    # numeric(p,s) and money: cdcctl's JSON writes an exact decimal string (docs/types.md, "numeric
    # and money are exact decimal strings in JSON"); the Avro is bytes + logical type decimal,
    # which AvroConverter reads as Connect's Decimal and JsonConverter (decimal.format=BASE64)
    # prints as base64 of the unscaled big-endian value. Same number required.
    "decimal": {"c_num", "c_money", "d_num"},
    # numeric without a scale: an exact decimal string in JSON, the VariableScaleDecimal struct
    # {scale, value} in Avro (docs/types.md); same number required.
    "variable decimal": {"c_numvar"},
    # Deletes under REPLICA IDENTITY DEFAULT carry only the key: a NOT NULL column without a
    # constant default is null in cdcctl's JSON, the type's zero in its Avro (the field is
    # required; docs/types.md, "Columns a change does not carry").
    "absent not null": {"d_nodefault"},
    # Snapshot events: each slot's snapshot runs in its own exported snapshot, so source.txId,
    # source.lsn and source.sequence of r events belong to each run (shape compared).
    "snapshot position": {"txId", "lsn", "sequence"},
}


def dump(brokers, topic, out):
    messages = read_topic(brokers, topic)
    if not messages:
        sys.exit(f"no records on {topic}")
    with open(out, "w") as f:
        for m in messages:
            key, value = m.key(), m.value()
            for what, b in (("key", key), ("value", value)):
                if b is not None and (len(b) < 5 or b[0] != 0):
                    sys.exit(f"{topic} offset {m.offset()}: {what} is not Confluent's wire format: {b[:16].hex()}")
            if key is None:
                sys.exit(f"{topic} offset {m.offset()}: no key")
            f.write(f"{topic} {key.hex()} {value.hex() if value is not None else '-'}\n")
    ids = sorted({int.from_bytes(m.key()[1:5], "big") for m in messages} |
                 {int.from_bytes(m.value()[1:5], "big") for m in messages if m.value() is not None})
    print(f"  {len(messages)} records on {topic}, schema ids {ids}")


def unscaled(b64):
    return int.from_bytes(base64.b64decode(b64), "big", signed=True)


def same_decimal(cdc, conv):
    if not isinstance(cdc, str) or not isinstance(conv, str):
        return False
    scale = len(cdc.split(".")[1]) if "." in cdc else 0
    return int(decimal.Decimal(cdc).scaleb(scale)) == unscaled(conv)


def same_variable_decimal(cdc, conv):
    if not isinstance(cdc, str) or not isinstance(conv, dict) or set(conv) != {"scale", "value"}:
        return False
    return decimal.Decimal(cdc) == decimal.Decimal(unscaled(conv["value"])).scaleb(-conv["scale"])


def is_zero(v):
    return v in (0, "", False)


def compare_row(where, cdc, conv, op, problems, allowed_seen):
    if cdc is None or conv is None:
        if cdc != conv:
            problems.append(f"{where}: cdcctl {json.dumps(cdc)[:200]} vs AvroConverter {json.dumps(conv)[:200]}")
        return
    if list(cdc) != list(conv):
        problems.append(f"{where}: columns {list(cdc)} vs AvroConverter's {list(conv)}")
    for column in conv:
        c, v = cdc.get(column), conv[column]
        if c == v:
            continue
        if c is not None and column in ALLOWED["decimal"] and same_decimal(c, v):
            allowed_seen.add("decimal")
            continue
        if c is not None and column in ALLOWED["variable decimal"] and same_variable_decimal(c, v):
            allowed_seen.add("variable decimal")
            continue
        if (op == "d" and where.endswith(".before") and column in ALLOWED["absent not null"]
                and c is None and is_zero(v)):
            allowed_seen.add("absent not null")
            continue
        problems.append(f"{where}.{column}: cdcctl {json.dumps(c)[:200]} vs AvroConverter {json.dumps(v)[:200]}")


def event_key(event):
    """Pairs the two runs' events: snapshot reads by row, changes by their WAL position and row."""
    row = event["after"] if event["after"] is not None else event["before"]
    position = None if event["op"] == "r" else event["source"]["lsn"]
    return (event["op"], row["id"], position)


def compare(conv_path, cdc_path):
    problems, allowed_seen = [], set()
    records = [json.loads(line) for line in open(conv_path, encoding="utf-8")]
    cdc_events = [json.loads(line) for line in open(cdc_path, encoding="utf-8")]

    # Tombstones: each follows its delete, with the delete's key.
    conv_events = []
    for i, r in enumerate(records):
        if r["value"] is None:
            prev = records[i - 1]["value"] if i else None
            if prev is None or prev["op"] != "d" or records[i - 1]["key"] != r["key"]:
                problems.append(f"record {i + 1}: a tombstone (key {r['key']}) that does not follow its delete")
            continue
        v = r["value"]
        row = v["after"] if v["after"] is not None else v["before"]
        if r["key"] != {"id": row["id"]}:
            problems.append(f"record {i + 1}: key {r['key']} vs the row's id {row['id']}")
        conv_events.append(v)
    deletes = sum(1 for e in conv_events if e["op"] == "d")
    tombstones = len(records) - len(conv_events)
    if tombstones != deletes:
        problems.append(f"{tombstones} tombstones for {deletes} deletes")

    conv_by, cdc_by = {}, {}
    for e in conv_events:
        conv_by.setdefault(event_key(e), []).append(e)
    for e in cdc_events:
        cdc_by.setdefault(event_key(e), []).append(e)
    if sorted(conv_by, key=repr) != sorted(cdc_by, key=repr):
        problems.append(f"events (op, id, lsn): AvroConverter {sorted(conv_by, key=repr)} vs cdcctl {sorted(cdc_by, key=repr)}")
    if len(conv_events) != len(cdc_events):
        problems.append(f"{len(conv_events)} events decoded vs {len(cdc_events)} in cdcctl's NDJSON")

    compared = 0
    for k in sorted(set(conv_by) & set(cdc_by), key=repr):
        for conv, cdc in zip(conv_by[k], cdc_by[k]):
            compared += 1
            where = f"{conv['op']} id {k[1]}" + (f" lsn {k[2]}" if k[2] is not None else "")
            if [x for x in cdc if x not in TIMING] != [x for x in conv if x not in TIMING]:
                problems.append(f"{where}: envelope keys {list(cdc)} vs AvroConverter's {list(conv)}")
            for key in conv:
                if key in TIMING or key in ("before", "after", "source"):
                    continue
                if cdc.get(key) != conv[key]:
                    problems.append(f"{where}.{key}: cdcctl {cdc.get(key)!r} vs AvroConverter {conv[key]!r}")
            compare_row(f"{where}.before", cdc["before"], conv["before"], conv["op"], problems, allowed_seen)
            compare_row(f"{where}.after", cdc["after"], conv["after"], conv["op"], problems, allowed_seen)
            cs, vs = cdc["source"], conv["source"]
            if list(cs) != list(vs):
                problems.append(f"{where}.source: keys {list(cs)} vs AvroConverter's {list(vs)}")
            for key in vs:
                if key in TIMING or cs.get(key) == vs[key]:
                    continue
                if conv["op"] == "r" and key in ALLOWED["snapshot position"]:
                    # Shape only: an int txId, a string lsn... as in the other run.
                    if type(cs.get(key)) is type(vs[key]):
                        allowed_seen.add("snapshot position")
                        continue
                problems.append(f"{where}.source.{key}: cdcctl {cs.get(key)!r} vs AvroConverter {vs[key]!r}")

    for p in problems:
        print(f"  difference: {p}")
    print(f"  compared {compared} events ({tombstones} tombstones); allowed differences seen: "
          f"{', '.join(sorted(allowed_seen)) or 'none'}; {len(problems)} other differences")
    sys.exit(1 if problems or compared == 0 else 0)


if __name__ == "__main__":
    if sys.argv[1] == "dump":
        dump(*sys.argv[2:5])
    elif sys.argv[1] == "compare":
        compare(*sys.argv[2:4])
    else:
        sys.exit(__doc__)
