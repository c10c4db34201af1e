"""Reads a whole cdcctl stream topic with confluent-kafka (a client independent of cdcctl) and
prints one line per record, in partition/offset order:

    OP ID LSN      OP: the Debezium op (c, u, d, r), or "-" for a tombstone
                   ID: the key's "id"; LSN: the value's source.lsn ("-" for a tombstone)

Usage: kafka_topic_ids.py BROKERS TOPIC
Reads every partition from the beginning until the broker reports its end (librdkafka's partition
EOF, from the fetch response's high watermark), so it ends as soon as it has everything, without
waiting for silence. (Not ListOffsets' high watermark: Tansu answers that with the base offset of
the last record batch + 1, short of the end.) A topic that does not exist prints nothing.
Exits non-zero when the topic cannot be read to its end within 60 s.
"""
import json
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition, OFFSET_BEGINNING

brokers, topic = sys.argv[1:3]
DEADLINE = time.time() + 60

consumer = Consumer({
    "bootstrap.servers": brokers,
    "group.id": f"kafka-topic-ids-{uuid.uuid4()}",
    "enable.auto.commit": False,
    "allow.auto.create.topics": False,
    "enable.partition.eof": True,
})
try:
    metadata = consumer.list_topics(topic, timeout=15)
    info = metadata.topics.get(topic)
    if info is None or info.error is not None and info.error.code() == KafkaError.UNKNOWN_TOPIC_OR_PART:
        sys.exit(0)
    if info.error is not None:
        raise KafkaException(info.error)
    remaining = set(info.partitions)   # partitions whose end was not reached yet
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in remaining])
    out = []
    while remaining:
        if time.time() > DEADLINE:
            sys.exit(f"kafka_topic_ids.py: {topic}: partition(s) {sorted(remaining)} not read to their end "
                     f"after 60 s")
        m = consumer.poll(0.5)
        if m is None:
            continue
        if m.error():
            if m.error().code() == KafkaError._PARTITION_EOF:
                remaining.discard(m.partition())
                continue
            raise KafkaException(m.error())
        key = json.loads(m.key()) if m.key() is not None else {}
        if m.value() is None:
            out.append(f"- {key.get('id')} -")
        else:
            value = json.loads(m.value())
            out.append(f"{value.get('op')} {key.get('id')} {(value.get('source') or {}).get('lsn')}")
    sys.stdout.write("".join(line + "\n" for line in out))
finally:
    consumer.close()
