"""fastavro's side of bench/avro: times schemaless_writer / schemaless_reader on the records the
Swift benchmark wrote, the way Confluent's AvroSerializer / AvroDeserializer use them (one
BytesIO per message, schema parsed once).

    avro_fastavro.py DIR ROUNDS RUNS

DIR holds schema.json (the Debezium envelope schema) and records.bin (each record: 4-byte
big-endian length, then the Avro body) from AvroBenchmark. Each measurement is the best of RUNS
passes over all records ROUNDS times. Checks first that fastavro decodes every record and that
its own encoding of the decoded value decodes to the same value. Prints one JSON object:
{"fastavro": version, "cython": bool, "encode": records/s, "decode": records/s, "identical": n}.
"""
import io
import json
import os
import struct
import sys
import time

import fastavro
from fastavro import schemaless_reader, schemaless_writer


def main():
    directory, rounds, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with open(os.path.join(directory, "schema.json"), encoding="utf-8") as f:
        schema = fastavro.parse_schema(json.load(f))
    with open(os.path.join(directory, "records.bin"), "rb") as f:
        blob = f.read()
    bodies, offset = [], 0
    while offset < len(blob):
        (length,) = struct.unpack_from(">I", blob, offset)
        bodies.append(blob[offset + 4:offset + 4 + length])
        offset += 4 + length

    # The same records both ways: decode Swift's bytes, re-encode, decode again.
    values = [schemaless_reader(io.BytesIO(b), schema, None) for b in bodies]
    identical = 0
    for body, value in zip(bodies, values):
        out = io.BytesIO()
        schemaless_writer(out, schema, value)
        again = out.getvalue()
        identical += again == body
        if schemaless_reader(io.BytesIO(again), schema, None) != value:
            sys.exit(f"fastavro does not round-trip {value!r}")

    def rate(body):
        best = float("inf")
        for _ in range(runs):
            start = time.perf_counter()
            for _ in range(rounds):
                body()
            best = min(best, time.perf_counter() - start)
        return len(bodies) * rounds / best

    def encode_all():
        for value in values:
            out = io.BytesIO()
            schemaless_writer(out, schema, value)
            out.getvalue()

    def decode_all():
        for body in bodies:
            schemaless_reader(io.BytesIO(body), schema, None)

    encode = rate(encode_all)
    decode = rate(decode_all)
    # fastavro falls back to pure Python (fastavro._read_py) when its compiled modules are missing.
    cython = schemaless_reader.__module__ == "fastavro._read" and schemaless_writer.__module__ == "fastavro._write"
    print(json.dumps({"fastavro": fastavro.__version__, "cython": cython, "records": len(bodies),
                      "encode": encode, "decode": decode, "identical": identical}))


if __name__ == "__main__":
    main()
