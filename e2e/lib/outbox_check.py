"""Reads the routed outbox records back with confluent-kafka (a client independent of cdcctl)
and compares them with what PostgreSQL committed, for the e2e/outbox-*.sh tests.

    outbox_check.py --name NAME --brokers B --expected FILE [--format json|avro --registry URL]
                    [--topic-format 'outbox.event.{aggregatetype}'] [--isolation read_committed]
                    [--extra-header NAME=FIELD ...]

FILE is outbox_expected's JSON: the committed events in commit order. For each aggregate type,
its topic must hold exactly those events, in that order: key = the aggregate id, value = the
payload byte for byte (json) or as the Avro string read with AvroDeserializer through the
registry (avro), headers exactly `id` and `type` (then the extra ones, from the event's FIELD).
Duplicates are counted by event id (header `id`), from the records themselves: the check does
not rely on the broker hiding anything. Prints PASS/FAIL lines; exits 1 on any failure.
"""
import argparse
import json
import sys
from collections import Counter, defaultdict

from kafka_read import read_topic

parser = argparse.ArgumentParser()
parser.add_argument("--name", required=True)
parser.add_argument("--brokers", required=True)
parser.add_argument("--expected", required=True)
parser.add_argument("--format", default="json", choices=["json", "avro"])
parser.add_argument("--registry")
parser.add_argument("--topic-format", default="outbox.event.{aggregatetype}")
parser.add_argument("--isolation")
parser.add_argument("--extra-header", action="append", default=[])
parser.add_argument("--what", default="committed events in commit order")
args = parser.parse_args()

events = json.load(open(args.expected))
by_type = defaultdict(list)
for e in events:
    by_type[e["aggregatetype"]].append(e)
extra = [h.split("=", 1) for h in args.extra_header]

deserialize = None
if args.format == "avro":
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.avro import AvroDeserializer
    from confluent_kafka.serialization import MessageField, SerializationContext
    registry = SchemaRegistryClient({"url": args.registry})
    decoder = AvroDeserializer(registry)

    def deserialize(topic, data, field):
        return None if data is None else decoder(data, SerializationContext(topic, field))

ok = True


def report(passed, message):
    global ok
    ok = ok and passed
    print(("PASS" if passed else "FAIL") + f": {args.name}: {message}")


ids = Counter()
for aggregatetype, expected in sorted(by_type.items()):
    topic = args.topic_format.format(aggregatetype=aggregatetype)
    records = read_topic(args.brokers, topic, isolation=args.isolation)
    got = []
    for m in records:
        headers = [(k, v.decode() if v is not None else None) for k, v in (m.headers() or [])]
        if deserialize:
            key = deserialize(topic, m.key(), MessageField.KEY)
            value = deserialize(topic, m.value(), MessageField.VALUE)
        else:
            key = m.key().decode() if m.key() is not None else None
            value = m.value().decode() if m.value() is not None else None
        got.append((key, value, headers))
        ids.update(v for k, v in headers if k == "id")
    want = [(e["key"], e["payload"], [("id", e["id"]), ("type", e["type"])] + [(name, e[field]) for name, field in extra])
            for e in expected]
    if got == want:
        report(True, f"{topic}: the {len(want)} {args.what} (key, payload byte for byte, headers)")
    else:
        first = next((i for i, (g, w) in enumerate(zip(got, want)) if g != w), min(len(got), len(want)))
        report(False, f"{topic}: {len(got)} records, expected {len(want)}; first difference at {first}: "
                      f"got {got[first] if first < len(got) else None!r}, expected {want[first] if first < len(want) else None!r}")
dupes = sorted(i for i, n in ids.items() if n > 1)
report(not dupes, f"each of the {len(events)} events is there once (by header id)" + (f"; duplicated: {dupes[:5]}" if dupes else ""))
sys.exit(0 if ok else 1)
