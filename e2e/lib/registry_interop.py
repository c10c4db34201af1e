"""Interop check: Confluent's own Python client (confluent-kafka's SchemaRegistryClient, and its
Avro serializer on fastavro) against `cdcctl registry serve`.

    registry_interop.py http://127.0.0.1:PORT

Prints one PASS/FAIL line per check and exits non-zero if any failed. Run by
e2e/registry-interop.sh, which starts a throw-away registry for it.
"""
import json
import os
import sys
import traceback

import requests

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext

URL = sys.argv[1]
SUBJECT = "interop.orders-value"

V1 = json.dumps({"type": "record", "name": "Order", "namespace": "shop", "fields": [
    {"name": "id", "type": "long"}]})
# The same schema, spelled differently (key order, whitespace): must get V1's id.
V1_RESPELLED = json.dumps({"namespace": "shop", "fields": [{"type": "long", "name": "id"}],
                           "name": "Order", "type": "record"}, indent=2)
V2 = json.dumps({"type": "record", "name": "Order", "namespace": "shop", "fields": [
    {"name": "id", "type": "long"},
    {"name": "note", "type": ["null", "string"], "default": None}]})
# A new field without a default: old data can't be read with it (not BACKWARD compatible).
V3_BAD = json.dumps({"type": "record", "name": "Order", "namespace": "shop", "fields": [
    {"name": "id", "type": "long"},
    {"name": "note", "type": ["null", "string"], "default": None},
    {"name": "qty", "type": "int"}]})
V3_GOOD = json.dumps({"type": "record", "name": "Order", "namespace": "shop", "fields": [
    {"name": "id", "type": "long"},
    {"name": "note", "type": ["null", "string"], "default": None},
    {"name": "qty", "type": "int", "default": 1}]})

# The value schema cdcctl's encoder (DebeziumAvroSchema) writes for a table shop.orders(id bigint
# primary key, note text, amount numeric(10,2)) with topic prefix "srv", as cdcctl's Kafka sink
# registers it. registry-interop.sh passes the schema a real `cdcctl snapshot` registered instead
# (ENCODER_SUBJECT) when the stack is up; RegistryHTTPTests checks the live encoder too.
ENCODER_ENVELOPE = (
    '{"type":"record","name":"Envelope","namespace":"srv.shop.orders","fields":[{"name":"before","type":["null",'
    '{"type":"record","name":"Value","namespace":"srv.shop.orders","fields":[{"name":"id","type":"long"},{"name":"note",'
    '"type":["null","string"],"default":null},{"name":"amount","type":["null",{"type":"bytes","scale":2,"precision":10,'
    '"connect.version":1,"connect.parameters":{"scale":"2","connect.decimal.precision":"10"},"connect.name":'
    '"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}],"default":null}],"connect.name":'
    '"srv.shop.orders.Value"}],"default":null},{"name":"after","type":["null","srv.shop.orders.Value"],"default":null},'
    '{"name":"source","type":{"type":"record","name":"Source","namespace":"io.debezium.connector.postgresql","fields":'
    '[{"name":"version","type":"string"},{"name":"connector","type":"string"},{"name":"name","type":"string"},'
    '{"name":"ts_ms","type":"long"},{"name":"snapshot","type":[{"type":"string","connect.version":1,"connect.parameters":'
    '{"allowed":"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"},'
    '"connect.default":"false","connect.name":"io.debezium.data.Enum"},"null"],"default":"false"},{"name":"db","type":'
    '"string"},{"name":"sequence","type":["null","string"],"default":null},{"name":"ts_us","type":["null","long"],'
    '"default":null},{"name":"ts_ns","type":["null","long"],"default":null},{"name":"schema","type":"string"},'
    '{"name":"table","type":"string"},{"name":"txId","type":["null","long"],"default":null},{"name":"lsn","type":'
    '["null","long"],"default":null},{"name":"xmin","type":["null","long"],"default":null},{"name":"origin","type":'
    '["null","string"],"default":null},{"name":"origin_lsn","type":["null","long"],"default":null}],"connect.name":'
    '"io.debezium.connector.postgresql.Source"}},{"name":"op","type":"string"},{"name":"ts_ms","type":["null","long"],'
    '"default":null},{"name":"ts_us","type":["null","long"],"default":null},{"name":"ts_ns","type":["null","long"],'
    '"default":null},{"name":"transaction","type":["null",{"type":"record","name":"block","namespace":"event","fields":'
    '[{"name":"id","type":"string"},{"name":"total_order","type":"long"},{"name":"data_collection_order","type":"long"}],'
    '"connect.version":1,"connect.name":"event.block"}],"default":null}],"connect.version":2,"connect.name":'
    '"srv.shop.orders.Envelope"}')

PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
KEYWORDS = PRIMITIVES | {"record", "enum", "fixed", "array", "map"}


def avro_java_style(text):
    """The schema respelled as Avro Java's Schema.toString() prints it, which is what Confluent's
    AvroConverter sends to look a schema up: "type" first, the top name's namespace inlined, a
    nested named type's namespace dropped where it repeats the enclosing one, references in full;
    primitives as {"type": ...} on top, to differ in spelling too."""
    def full(name, ns):
        return name if "." in name or not ns else ns + "." + name

    def schema(node, ns, top=False):
        if isinstance(node, str):
            return {"type": node} if node in PRIMITIVES else full(node, ns)
        if isinstance(node, list):
            return [schema(b, ns) for b in node]
        out, inner = {}, ns
        kind = node.get("type")
        if kind in ("record", "enum", "fixed"):
            name = node["name"]
            node_ns = name.rsplit(".", 1)[0] if "." in name else node.get("namespace", ns)
            short = name.rsplit(".", 1)[-1]
            inner = node_ns
            out["type"] = kind
            if top:
                out["name"] = full(short, node_ns)
            else:
                out["name"] = short
                if node_ns != ns:
                    out["namespace"] = node_ns or ""
        else:
            out["type"] = kind if kind in KEYWORDS or not isinstance(kind, str) else full(kind, ns)
        for key, value in node.items():
            if key in ("type", "name", "namespace"):
                continue
            if key in ("items", "values"):
                out[key] = schema(value, inner)
            elif key == "fields":
                out[key] = [dict({"name": f["name"], "type": schema(f["type"], inner)},
                                 **{k: v for k, v in f.items() if k not in ("name", "type")}) for f in value]
            else:
                out[key] = value
        return out

    return json.dumps(schema(json.loads(text), None, top=True), separators=(",", ":"))


failures = 0


def check(name, fn):
    """Runs one check; a falsy result or an exception is a failure."""
    global failures
    try:
        result = fn()
        if result is False or result is None:
            raise AssertionError("check returned %r" % (result,))
        print("PASS %s" % name)
    except Exception as e:  # noqa: BLE001 - any failure is reported, then the next check runs
        failures += 1
        print("FAIL %s: %s: %s" % (name, type(e).__name__, e))
        traceback.print_exc(limit=3, file=sys.stdout)


def fresh():
    """A new client: nothing answered from the client's cache."""
    return SchemaRegistryClient({"url": URL})


def expect_error(fn, http_status, code):
    try:
        fn()
    except SchemaRegistryError as e:
        assert e.http_status_code == http_status and e.error_code == code, \
            "got HTTP %s error_code %s (%s)" % (e.http_status_code, e.error_code, e.error_message)
        return True
    raise AssertionError("no error raised (expected %s/%s)" % (http_status, code))


ids = {}


def register_twice():
    ids["v1"] = fresh().register_schema(SUBJECT, Schema(V1, "AVRO"))
    again = fresh().register_schema(SUBJECT, Schema(V1, "AVRO"))
    assert again == ids["v1"], (ids["v1"], again)
    return True


def same_id_other_subject():
    other = fresh().register_schema("interop.mirror-value", Schema(V1_RESPELLED, "AVRO"))
    assert other == ids["v1"], (other, ids["v1"])
    return True


def get_schema():
    schema = fresh().get_schema(ids["v1"])
    assert schema.schema_type == "AVRO", schema.schema_type
    assert json.loads(schema.schema_str) == json.loads(V1), schema.schema_str
    return True


def lookup_schema():
    found = fresh().lookup_schema(SUBJECT, Schema(V1, "AVRO"))
    assert (found.schema_id, found.version, found.subject) == (ids["v1"], 1, SUBJECT), found
    return True


def register_v2_and_list():
    client = fresh()
    ids["v2"] = client.register_schema(SUBJECT, Schema(V2, "AVRO"))
    assert ids["v2"] != ids["v1"]
    assert client.get_versions(SUBJECT) == [1, 2], client.get_versions(SUBJECT)
    latest = client.get_latest_version(SUBJECT)
    assert (latest.version, latest.schema_id) == (2, ids["v2"]), latest
    assert json.loads(latest.schema.schema_str) == json.loads(V2)
    first = client.get_version(SUBJECT, 1)
    assert first.schema_id == ids["v1"], first
    assert SUBJECT in client.get_subjects(), client.get_subjects()
    return True


def compatibility_checks():
    client = fresh()
    assert client.test_compatibility(SUBJECT, Schema(V3_BAD, "AVRO")) is False
    assert client.test_compatibility(SUBJECT, Schema(V3_GOOD, "AVRO")) is True
    assert client.test_compatibility(SUBJECT, Schema(V3_BAD, "AVRO"), version=1) is False
    return True


def incompatible_registration_is_409():
    return expect_error(lambda: fresh().register_schema(SUBJECT, Schema(V3_BAD, "AVRO")), 409, 409)


def set_get_compatibility():
    client = fresh()
    assert client.get_compatibility() == "BACKWARD", client.get_compatibility()
    expect_error(lambda: client.get_compatibility(SUBJECT), 404, 40408)
    client.set_compatibility(SUBJECT, "NONE")
    assert client.get_compatibility(SUBJECT) == "NONE", client.get_compatibility(SUBJECT)
    assert client.test_compatibility(SUBJECT, Schema(V3_BAD, "AVRO")) is True
    client.set_compatibility(level="FULL_TRANSITIVE")
    assert client.get_compatibility() == "FULL_TRANSITIVE"
    client.set_compatibility(level="BACKWARD")
    client.set_compatibility(SUBJECT, "BACKWARD")
    assert client.get_compatibility(SUBJECT) == "BACKWARD"
    expect_error(lambda: client.set_compatibility(level="SIDEWAYS"), 422, 42203)
    return True


def serializer_round_trip():
    client = fresh()
    serializer = AvroSerializer(client, V2)
    deserializer = AvroDeserializer(client)
    ctx = SerializationContext("interop.orders", MessageField.VALUE)
    record = {"id": 42, "note": "hello"}
    payload = serializer(record, ctx)
    assert payload[0] == 0 and int.from_bytes(payload[1:5], "big") == ids["v2"], payload[:5]
    assert deserializer(payload, ctx) == record
    return True


def errors_have_confluent_codes():
    client = fresh()
    expect_error(lambda: client.get_schema(987654), 404, 40403)
    expect_error(lambda: client.get_version(SUBJECT, 99), 404, 40402)
    expect_error(lambda: client.get_latest_version("interop.nope"), 404, 40401)
    expect_error(lambda: client.lookup_schema(SUBJECT, Schema('"string"', "AVRO")), 404, 40403)
    expect_error(lambda: client.register_schema(SUBJECT, Schema('{"type": "nope"}', "AVRO")), 422, 42201)
    return True


def delete_subject():
    client = fresh()
    assert client.delete_subject(SUBJECT) == [1, 2]
    assert SUBJECT not in client.get_subjects()
    expect_error(lambda: client.delete_subject(SUBJECT), 404, 40404)
    assert client.delete_subject(SUBJECT, permanent=True) == [1, 2]
    expect_error(lambda: fresh().get_latest_version(SUBJECT), 404, 40401)
    # Ids stay: the schema is still there by id, and registering it again gives the same id.
    assert json.loads(fresh().get_schema(ids["v2"]).schema_str) == json.loads(V2)
    assert fresh().register_schema(SUBJECT, Schema(V2, "AVRO")) == ids["v2"]
    return True


def one_meaning_one_id():
    client = fresh()
    first = client.register_schema("interop.string-value", Schema('"string"', "AVRO"))
    second = fresh().register_schema("interop.string-value", Schema('{"type": "string"}', "AVRO"))
    assert first == second, (first, second)
    assert client.get_versions("interop.string-value") == [1], client.get_versions("interop.string-value")
    return True


def connect_name_keeps_schemas_apart():
    a = json.dumps({"type": "record", "name": "R", "connect.name": "a.R", "fields": [{"name": "f", "type": "int"}]})
    b = json.dumps({"type": "record", "name": "R", "connect.name": "b.R", "fields": [{"name": "f", "type": "int"}]})
    id_a = fresh().register_schema("interop.connect-a-value", Schema(a, "AVRO"))
    id_b = fresh().register_schema("interop.connect-b-value", Schema(b, "AVRO"))
    assert id_a != id_b, (id_a, id_b)
    return True


def lookup_encoder_schema_in_canonical_text():
    subject = os.environ.get("ENCODER_SUBJECT")
    if subject:   # registered by a real `cdcctl snapshot` (registry-interop.sh, with the stack)
        registered = fresh().get_latest_version(subject)
        text, schema_id = registered.schema.schema_str, registered.schema_id
    else:         # registered the way cdcctl's registry client does: a plain POST of the encoder's text
        subject, text = "srv.shop.orders-value", ENCODER_ENVELOPE
        r = requests.post("%s/subjects/%s/versions" % (URL, subject), data=json.dumps({"schema": text}),
                          headers={"Content-Type": "application/vnd.schemaregistry.v1+json"}, timeout=10)
        r.raise_for_status()
        schema_id = r.json()["id"]
    variant = avro_java_style(text)
    assert variant != text and '"namespace"' not in variant.split('"fields"')[0], variant[:200]
    found = fresh().lookup_schema(subject, Schema(variant, "AVRO"))
    assert (found.schema_id, found.subject) == (schema_id, subject), found
    # (The client answers with the schema it sent; the registry's own answer has the registered text.)
    raw = requests.post("%s/subjects/%s" % (URL, subject), data=json.dumps({"schema": variant}),
                        headers={"Content-Type": "application/vnd.schemaregistry.v1+json"}, timeout=10)
    assert raw.status_code == 200 and json.loads(raw.json()["schema"]) == json.loads(text), raw.text[:300]
    return True


def confluent_api_details():
    client = fresh()
    expect_error(lambda: client.test_compatibility("interop.nope", Schema(V1, "AVRO"), version=1), 404, 40402)
    ok = {"Accept": "application/vnd.schemaregistry.v1+json"}
    listed = requests.get(URL + "/schemas", params={"subjectPrefix": SUBJECT, "latestOnly": "true"}, headers=ok, timeout=10)
    assert listed.status_code == 200 and [(s["subject"], s["id"]) for s in listed.json()] == [(SUBJECT, ids["v2"])], listed.text
    assert all(" " not in s["schema"] and "\n" not in s["schema"] for s in listed.json()), listed.text
    assert requests.get(URL + "/config", headers={"Accept": "text/html"}, timeout=10).status_code == 406
    before = requests.get(URL + "/config", timeout=10).json()
    r = requests.put(URL + "/config", data='{"compatibility": "NONE"}', headers={"Content-Type": "text/html"}, timeout=10)
    assert r.status_code == 415 and r.json()["error_code"] == 415, r.text
    assert requests.get(URL + "/config", timeout=10).json() == before
    r = requests.get(URL + "/schemas/ids/invalid", timeout=10)
    assert (r.status_code, r.json()["error_code"]) == (404, 404), r.text
    r = requests.post(URL + "/subjects/%s/versions" % SUBJECT, data="[1]", headers={"Content-Type": "application/json"}, timeout=10)
    assert (r.status_code, r.json()["error_code"]) == (422, 422), r.text
    return True


check("register_schema: the same schema twice gets one id", register_twice)
check('register_schema: "string" then {"type":"string"} is one id and one version', one_meaning_one_id)
check("register_schema: schemas differing only in connect.name get different ids", connect_name_keeps_schemas_apart)
check("lookup_schema: cdcctl's envelope schema found by its Avro-Java-printed text (AvroConverter)",
      lookup_encoder_schema_in_canonical_text)
check("register_schema: same schema (respelled) under another subject gets the same id", same_id_other_subject)
check("get_schema by id", get_schema)
check("lookup_schema", lookup_schema)
check("register v2, get_versions, get_latest_version, get_version, get_subjects", register_v2_and_list)
check("test_compatibility: False for a new field without default, True with a default", compatibility_checks)
check("registering an incompatible schema is HTTP 409 / 409", incompatible_registration_is_409)
check("set_compatibility / get_compatibility (subject and global)", set_get_compatibility)
check("AvroSerializer / AvroDeserializer round trip through the registry", serializer_round_trip)
check("errors carry Confluent's codes (40401, 40402, 40403, 42201)", errors_have_confluent_codes)
check("GET /schemas, 40402 for a missing subject's version, 406, 415, 404, 422", confluent_api_details)
check("delete_subject: soft, then permanent; ids survive", delete_subject)

print("registry interop: %d failed" % failures)
sys.exit(1 if failures else 0)
