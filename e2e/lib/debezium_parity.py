"""e2e/lib/debezium_parity.py — compares Debezium's events with cdcctl's, field by field.

    debezium_parity.py DEBEZIUM.jsonl CDCCTL.jsonl docs/types.md

DEBEZIUM.jsonl: {"topic", "key", "value"} lines from e2e/lib/DebeziumParity.java (JsonConverter,
schemas.enable=false); CDCCTL.jsonl: cdcctl's NDJSON. Events are paired per table, in order
(Debezium's tombstones aside). Timing fields (ts_ms, ts_us, ts_ns) and source.version are not
compared; a snapshot's txId, lsn and sequence belong to each side's own snapshot transaction
and slot, so only their shape is. Every other difference must be one that docs/types.md lists
under "Where cdcctl differs from Debezium's defaults": those are normalised below, each naming
the line of that section it relies on (checked to be in the document). Prints each difference
and exits 1 if there is any.
"""
import base64
import decimal
import json
import re
import sys

# Column name → the documented difference its values show (the test table's columns).
DECIMAL_COLUMNS = {"c_num", "c_money", "d_num"}          # numeric(p,s), money
VARIABLE_DECIMAL_COLUMNS = {"c_numvar"}                   # numeric without scale
HSTORE_COLUMNS = {"c_hstore"}
NAME_COLUMNS = {"c_name"}                                 # type name: null in Debezium's streamed changes
NULLABLE_DEFAULTS = {"n_default": 5}                      # nullable, DEFAULT 5, holding NULL
# Each normalisation relies on a sentence of docs/types.md's differences section.
DOCUMENTED = {
    "decimal": "decimal.handling.mode=precise",
    "hstore": "hstore.handling.mode=json",
    "absent": "the type's zero",
    "version": "source.version",
    "name": "`name` column",
    "null replaced": "replace.null.with.default",
    "envelope order": "`transaction` after `source`",
}


def unscaled(b64):
    """Debezium's Decimal bytes (big-endian two's complement) as an int."""
    return int.from_bytes(base64.b64decode(b64), "big", signed=True)


def decimal_text_matches(cdc, dbz):
    """cdcctl's exact decimal string against Debezium's bytes: same unscaled value at cdcctl's scale."""
    if not isinstance(cdc, str) or not isinstance(dbz, str):
        return False
    scale = len(cdc.split(".")[1]) if "." in cdc else 0
    return int(decimal.Decimal(cdc).scaleb(scale)) == unscaled(dbz)


def variable_decimal_matches(cdc, dbz):
    if not isinstance(cdc, str) or not isinstance(dbz, dict):
        return False
    return decimal.Decimal(cdc) == decimal.Decimal(unscaled(dbz["value"])).scaleb(-dbz["scale"])


def hstore_pairs(text):
    """PostgreSQL's hstore text ("a"=>"1", "b"=>NULL) as a dict."""
    pairs = {}
    for key, value in re.findall(r'"((?:[^"\\]|\\.)*)"=>(NULL|"(?:[^"\\]|\\.)*")', text):
        pairs[key] = None if value == "NULL" else value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return pairs


def same_value(column, cdc, dbz, streamed):
    if cdc == dbz:
        return True
    if column in NAME_COLUMNS and streamed and dbz is None:
        return True
    if column in NULLABLE_DEFAULTS and cdc is None and dbz == NULLABLE_DEFAULTS[column]:
        return True
    if cdc is None or dbz is None:
        return False
    if column in DECIMAL_COLUMNS:
        return decimal_text_matches(cdc, dbz)
    if column in VARIABLE_DECIMAL_COLUMNS:
        return variable_decimal_matches(cdc, dbz)
    if column in HSTORE_COLUMNS:
        return hstore_pairs(cdc) == json.loads(dbz)
    return False


def zero_of(value):
    """Debezium's fallback for a NOT NULL column it has no value for: the type's zero."""
    return value in (0, "", False, "AA==", "1970-01-01T00:00:00.000000Z")


def compare_row(where, cdc, dbz, absent_columns, streamed, problems):
    if cdc is None or dbz is None:
        if cdc != dbz:
            problems.append(f"{where}: cdcctl {json.dumps(cdc)[:200]} vs Debezium {json.dumps(dbz)[:200]}")
        return
    if list(cdc) != list(dbz):
        problems.append(f"{where}: columns {list(cdc)} vs Debezium's {list(dbz)}")
    for column in dbz:
        c, d = cdc.get(column), dbz[column]
        if same_value(column, c, d, streamed):
            continue
        # A column a key-only old tuple does not carry: cdcctl writes null where Debezium writes
        # a nullable column's default (the converter's null replacement) or a NOT NULL
        # column's zero.
        if column in absent_columns and c is None:
            continue
        problems.append(f"{where}.{column}: cdcctl {json.dumps(c)[:200]} vs Debezium {json.dumps(d)[:200]}")


def main():
    dbz_path, cdc_path, doc_path = sys.argv[1:4]
    doc = open(doc_path, encoding="utf-8").read()
    section = doc.split("## Where cdcctl differs from Debezium's defaults, and why", 1)
    problems = []
    if len(section) != 2:
        problems.append(f"{doc_path} has no section \"Where cdcctl differs from Debezium's defaults, and why\"")
    else:
        for what, phrase in DOCUMENTED.items():
            if phrase not in section[1]:
                problems.append(f"{doc_path}: the differences section does not mention {phrase!r} ({what})")

    dbz_events, cdc_events = {}, {}
    for number, line in enumerate(open(dbz_path, encoding="utf-8"), 1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            sys.exit(f"{dbz_path}:{number} is not a record ({error}): {line[:300]!r}")
        if record["value"] is not None:
            dbz_events.setdefault(record["value"]["source"]["table"], []).append(record["value"])
    for line in open(cdc_path, encoding="utf-8"):
        event = json.loads(line)
        cdc_events.setdefault(event["source"]["table"], []).append(event)
    if sorted(dbz_events) != sorted(cdc_events):
        problems.append(f"tables {sorted(cdc_events)} vs Debezium's {sorted(dbz_events)}")

    compared = 0
    for table in sorted(dbz_events):
        dbz_list, cdc_list = dbz_events[table], cdc_events.get(table, [])
        if [e["op"] for e in cdc_list] != [e["op"] for e in dbz_list]:
            problems.append(f"{table}: ops {[e['op'] for e in cdc_list]} vs Debezium's {[e['op'] for e in dbz_list]}")
            continue
        for index, (cdc, dbz) in enumerate(zip(cdc_list, dbz_list)):
            where = f"{table}[{index}] op {dbz['op']}"
            compared += 1
            if list(cdc) != list(dbz):
                # Key order of the envelope: Debezium 3.6 puts transaction after source.
                if sorted(cdc) != sorted(dbz):
                    problems.append(f"{where}: envelope keys {list(cdc)} vs Debezium's {list(dbz)}")
            for key in ("op", "transaction"):
                if cdc.get(key) != dbz.get(key):
                    problems.append(f"{where}.{key}: cdcctl {cdc.get(key)!r} vs Debezium {dbz.get(key)!r}")
            # Key-only old tuples (deletes under REPLICA IDENTITY DEFAULT): the non-key columns are absent.
            absent = set()
            if dbz["op"] == "d" and dbz["before"] is not None and cdc["before"] is not None:
                absent = {c for c, v in cdc["before"].items() if v is None}
            streamed = dbz["op"] != "r"
            compare_row(f"{where}.before", cdc["before"], dbz["before"], absent, streamed, problems)
            compare_row(f"{where}.after", cdc["after"], dbz["after"], set(), streamed, problems)
            cs, ds = cdc["source"], dbz["source"]
            if list(cs) != list(ds):
                problems.append(f"{where}.source: keys {list(cs)} vs Debezium's {list(ds)}")
            for key in ds:
                if key in ("version", "ts_ms", "ts_us", "ts_ns"):
                    continue
                if dbz["op"] == "r" and key in ("txId", "lsn", "sequence"):
                    # Each side's own snapshot transaction and slot: compare the shape.
                    if key == "txId" and not isinstance(cs.get(key), int):
                        problems.append(f"{where}.source.txId: {cs.get(key)!r} is not the snapshot's transaction id")
                    if key == "sequence" and cs.get(key) != f'[null,"{cs.get("lsn")}"]':
                        problems.append(f"{where}.source.sequence: {cs.get(key)!r}, Debezium writes [null,\"<lsn>\"] ({ds.get(key)})")
                    continue
                if cs.get(key) != ds[key]:
                    problems.append(f"{where}.source.{key}: cdcctl {cs.get(key)!r} vs Debezium {ds[key]!r}")

    for problem in problems:
        print(f"  difference: {problem}")
    print(f"  compared {compared} events of {len(dbz_events)} tables: {len(problems)} undocumented differences")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
