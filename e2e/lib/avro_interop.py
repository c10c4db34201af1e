"""Decodes cdcctl's Avro change events with Confluent's own Python deserializer.

    avro_interop.py REGISTRY_URL FILE

FILE holds one Kafka record per line: `TOPIC<TAB>KEY<TAB>VALUE`, KEY and VALUE hex of the
framed bytes (Confluent wire format: magic 0, 4-byte big-endian schema id, Avro body), KEY `-`
for a null key. Each record is decoded with confluent_kafka's AvroDeserializer (fastavro under
the hood), which fetches the writer schema by id from the registry, exactly as a Kafka consumer
would. Prints one JSON object per record to stdout:

    {"line": N, "key_schema_id": N|null, "key": {...}|null, "value_schema_id": N, "value": {...}}

with "key_error" / "value_error" (and no decoded key / value) for a part that did not decode.

Values are made JSON-comparable, guided by the writer schema:
  - decimal (bytes + logicalType decimal) -> exact string, e.g. "-12.50"
  - io.debezium.data.VariableScaleDecimal {scale, value} -> exact string from scale + unscaled bytes
  - bytes -> base64; float/double NaN, +inf, -inf -> "NaN", "Infinity", "-Infinity"
  - records keep their schema's field order.
Exits 1 if any key or value did not decode.

Run by Tests/CDCCoreStackTests/Encoding/Avro/AvroEventInteropTests.swift with $CDCCTL_PYTHON, which needs
confluent-kafka[avro,schemaregistry] and fastavro.
"""
import base64
import decimal
import json
import math
import struct
import sys

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


def collect_names(schema, namespace, names):
    """Every named type in `schema` by full name (references can precede the datum that defines them)."""
    if isinstance(schema, list):
        for branch in schema:
            collect_names(branch, namespace, names)
    elif isinstance(schema, dict):
        kind = schema.get("type")
        if kind in ("record", "enum", "fixed", "error"):
            name = schema["name"]
            ns = schema.get("namespace", namespace)
            full = name if "." in name else (f"{ns}.{name}" if ns else name)
            names[full] = (schema, full.rpartition(".")[0])
            for field in schema.get("fields", []):
                collect_names(field["type"], full.rpartition(".")[0], names)
        elif kind == "array":
            collect_names(schema["items"], namespace, names)
        elif kind == "map":
            collect_names(schema["values"], namespace, names)
        elif isinstance(kind, (dict, list)):
            collect_names(kind, namespace, names)


def resolve(schema, namespace, names):
    """A named reference -> its definition (and the namespace inside it)."""
    if isinstance(schema, str) and schema not in PRIMITIVES:
        full = schema if "." in schema else (f"{namespace}.{schema}" if namespace else schema)
        if full in names:
            return names[full]
        if schema in names:
            return names[schema]
        raise ValueError(f"unknown named type {schema!r}")
    return schema, namespace


def exact_decimal(unscaled, scale):
    """The decimal text of unscaled * 10^-scale, without exponent notation."""
    sign = "-" if unscaled < 0 else ""
    digits = str(abs(unscaled))
    if scale <= 0:
        return sign + digits + "0" * (-scale) if unscaled != 0 else "0"
    digits = digits.rjust(scale + 1, "0")
    return f"{sign}{digits[:-scale]}.{digits[-scale:]}"


def plain_float(value):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def convert(schema, datum, namespace, names):
    """`datum` (as fastavro returns it for `schema`) as a JSON-ready value."""
    schema, namespace = resolve(schema, namespace, names)
    if isinstance(schema, list):
        if datum is None:
            return None
        branches = [b for b in schema if b != "null"]
        if len(branches) == 1:
            return convert(branches[0], datum, namespace, names)
        # Several non-null branches: take the first whose converted value does not fail.
        for branch in branches:
            try:
                return convert(branch, datum, namespace, names)
            except (TypeError, ValueError, KeyError, AttributeError):
                continue
        raise ValueError(f"no union branch of {schema} fits {datum!r}")
    if isinstance(schema, str):
        kind, props = schema, {}
    else:
        kind, props = schema["type"], schema
        if isinstance(kind, (dict, list)) or (isinstance(kind, str) and kind not in PRIMITIVES
                                               and kind not in ("record", "enum", "fixed", "array", "map", "error")):
            return convert(kind, datum, namespace, names)
    if kind in ("record", "error"):
        if props.get("connect.name") == "io.debezium.data.VariableScaleDecimal":
            unscaled = int.from_bytes(datum["value"], "big", signed=True)
            return exact_decimal(unscaled, datum["scale"])
        inner = props["name"].rpartition(".")[0] if "." in props["name"] else props.get("namespace", namespace)
        return {f["name"]: convert(f["type"], datum[f["name"]], inner, names) for f in props["fields"]}
    if kind == "array":
        return [convert(props["items"], item, namespace, names) for item in datum]
    if kind == "map":
        return {k: convert(props["values"], v, namespace, names) for k, v in datum.items()}
    if kind == "bytes" and props.get("logicalType") == "decimal":
        if not isinstance(datum, decimal.Decimal):
            raise TypeError(f"decimal decoded as {type(datum).__name__}, not Decimal")
        return format(datum, "f")
    if kind in ("bytes", "fixed"):
        return base64.b64encode(datum).decode("ascii")
    if kind in ("float", "double"):
        return plain_float(float(datum))
    if kind == "boolean":
        if not isinstance(datum, bool):
            raise TypeError(f"boolean decoded as {type(datum).__name__}")
        return datum
    if kind in ("int", "long"):
        if isinstance(datum, bool) or not isinstance(datum, int):
            raise TypeError(f"{kind} decoded as {type(datum).__name__}")
        return datum
    if kind in ("string", "enum"):
        if not isinstance(datum, str):
            raise TypeError(f"{kind} decoded as {type(datum).__name__}")
        return datum
    if kind == "null":
        return None
    raise ValueError(f"unhandled schema type {kind!r}")


def main():
    url, path = sys.argv[1], sys.argv[2]
    client = SchemaRegistryClient({"url": url})
    deserializer = AvroDeserializer(client)
    schemas = {}

    def decode(topic, field, raw):
        if len(raw) < 5 or raw[0] != 0:
            raise ValueError(f"not Confluent-framed: {raw[:5].hex()}")
        schema_id = struct.unpack(">I", raw[1:5])[0]
        datum = deserializer(raw, SerializationContext(topic, field))
        if schema_id not in schemas:
            parsed = json.loads(client.get_schema(schema_id).schema_str)
            names = {}
            collect_names(parsed, "", names)
            schemas[schema_id] = (parsed, names)
        parsed, names = schemas[schema_id]
        return schema_id, convert(parsed, datum, "", names)

    failures = 0
    with open(path, encoding="ascii") as lines:
        for number, line in enumerate(lines, 1):
            topic, key_hex, value_hex = line.rstrip("\n").split("\t")
            out = {"line": number}
            # Key and value are decoded independently, so a bad key does not hide the value.
            for part, field, raw in (("key", MessageField.KEY, key_hex), ("value", MessageField.VALUE, value_hex)):
                if raw == "-":
                    out[part + "_schema_id"], out[part] = None, None
                    continue
                try:
                    out[part + "_schema_id"], out[part] = decode(topic, field, bytes.fromhex(raw))
                except Exception as e:  # noqa: BLE001 - report which record failed, keep going
                    failures += 1
                    out[part + "_error"] = f"{type(e).__name__}: {e}"
            print(json.dumps(out, ensure_ascii=False, allow_nan=False))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
