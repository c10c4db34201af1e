"""Reads a whole cdcctl stream topic with confluent-kafka (a client independent of cdcctl) and
prints one line per record, in partition/offset order:

    OP ID LSN      OP: the Debezium op (c, u, d, r), or "-" for a tombstone
                   ID: the key's "id"; LSN: the value's source.lsn ("-" for a tombstone)

Usage: kafka_topic_ids.py BROKERS TOPIC
Reads to the end of every partition (kafka_read.read_topic); a topic that does not exist prints
nothing. Exits non-zero when the topic cannot be read to its end within 60 s.
"""
import json
import sys

from kafka_read import read_topic

brokers, topic = sys.argv[1:3]
try:
    messages = read_topic(brokers, topic)
except RuntimeError as error:
    sys.exit(f"kafka_topic_ids.py: {error}")
out = []
for m in messages:
    key = json.loads(m.key()) if m.key() is not None else {}
    if m.value() is None:
        out.append(f"- {key.get('id')} -")
    else:
        value = json.loads(m.value())
        out.append(f"{value.get('op')} {key.get('id')} {(value.get('source') or {}).get('lsn')}")
sys.stdout.write("".join(line + "\n" for line in out))
