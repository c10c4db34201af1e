"""Produces Avro records with confluent-kafka's AvroSerializer (an independent client) and
prints, one JSON line each, what fastavro decodes them to, in cdcctl's plain JSON style
(bytes as base64). Usage: kafka_avro_produce.py BROKERS REGISTRY_URL TOPIC"""
import base64, json, sys
from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

brokers, registry, topic = sys.argv[1:4]
schema = json.dumps({
    "type": "record", "name": "Order", "namespace": "shop",
    "fields": [
        {"name": "id", "type": "long"},
        {"name": "customer", "type": "string"},
        {"name": "total", "type": "double"},
        {"name": "paid", "type": "boolean"},
        {"name": "note", "type": ["null", "string"], "default": None},
        {"name": "items", "type": {"type": "array", "items": "string"}},
        {"name": "counts", "type": {"type": "map", "values": "long"}},
        {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID", "SHIPPED"]}},
        {"name": "blob", "type": "bytes"},
        {"name": "address", "type": ["null", {"type": "record", "name": "Address", "fields": [
            {"name": "city", "type": "string"}, {"name": "zip", "type": ["null", "int"], "default": None}]}], "default": None},
    ],
})
key_schema = json.dumps({"type": "record", "name": "Key", "namespace": "shop", "fields": [{"name": "id", "type": "long"}]})
client = SchemaRegistryClient({"url": registry})
serialize_value = AvroSerializer(client, schema)
serialize_key = AvroSerializer(client, key_schema)
records = [
    {"id": 1, "customer": "Ada", "total": 129.9, "paid": True, "note": None, "items": ["pen", "notebook"],
     "counts": {"pen": 2}, "status": "PAID", "blob": b"\x00\xff\x10", "address": {"city": "London", "zip": None}},
    {"id": 2, "customer": "Grace \u00e9\u2713", "total": -0.5, "paid": False, "note": "gift", "items": [],
     "counts": {}, "status": "NEW", "blob": b"", "address": None},
    {"id": -9223372036854775808, "customer": "", "total": 1e300, "paid": True, "note": "", "items": ["a"],
     "counts": {"a": 9223372036854775807}, "status": "SHIPPED", "blob": bytes(range(256)), "address": {"city": "x", "zip": 12345}},
]
producer = Producer({"bootstrap.servers": brokers, "enable.idempotence": True})
for record in records:
    producer.produce(topic, partition=0,
                     key=serialize_key({"id": record["id"]}, SerializationContext(topic, MessageField.KEY)),
                     value=serialize_value(record, SerializationContext(topic, MessageField.VALUE)))
if producer.flush(30) != 0:
    sys.exit("messages were not delivered")

def plain(value):
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value

for record in records:
    print(json.dumps({"key": {"id": record["id"]}, "value": plain(record)}))
