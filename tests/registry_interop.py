"""Interop check: Confluent's own Python client (confluent-kafka's SchemaRegistryClient, and its
Avro serializer on fastavro) against `cdcctl registry serve`.

    registry_interop.py http://127.0.0.1:PORT

Prints one PASS/FAIL line per check and exits non-zero if any failed. Run by
tests/registry-interop.sh, which starts a throw-away registry for it.
"""
import json
import sys
import traceback

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


check("register_schema: the same schema twice gets one id", register_twice)
check("register_schema: same schema (respelled) under another subject gets the same id", same_id_other_subject)
check("get_schema by id", get_schema)
check("lookup_schema", lookup_schema)
check("register v2, get_versions, get_latest_version, get_version, get_subjects", register_v2_and_list)
check("test_compatibility: False for a new field without default, True with a default", compatibility_checks)
check("registering an incompatible schema is HTTP 409 / 409", incompatible_registration_is_409)
check("set_compatibility / get_compatibility (subject and global)", set_get_compatibility)
check("AvroSerializer / AvroDeserializer round trip through the registry", serializer_round_trip)
check("errors carry Confluent's codes (40401, 40402, 40403, 42201)", errors_have_confluent_codes)
check("delete_subject: soft, then permanent; ids survive", delete_subject)

print("registry interop: %d failed" % failures)
sys.exit(1 if failures else 0)
