"""Reads whole topics with confluent-kafka (a client independent of cdcctl), for the shell tests.

read_topic(brokers, topic) returns the topic's messages in partition/offset order, every
partition read from the beginning until the broker reports its end (librdkafka's partition EOF,
from the fetch response's high watermark), so it returns as soon as it has everything, without
waiting for silence. (Not ListOffsets' high watermark: Tansu answers that with the base offset
of the last record batch + 1, short of the end.) A topic that does not exist reads as empty.
Raises when the topic cannot be read to its end within `timeout` seconds.
"""
import time
import uuid

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition, OFFSET_BEGINNING


def read_topic(brokers, topic, isolation=None, timeout=60):
    config = {
        "bootstrap.servers": brokers,
        "group.id": f"cdcctl-tests-{uuid.uuid4()}",
        "enable.auto.commit": False,
        "allow.auto.create.topics": False,
        "enable.partition.eof": True,
    }
    if isolation:
        config["isolation.level"] = isolation
    deadline = time.time() + timeout
    consumer = Consumer(config)
    try:
        info = consumer.list_topics(topic, timeout=15).topics.get(topic)
        if info is None or info.error is not None and info.error.code() == KafkaError.UNKNOWN_TOPIC_OR_PART:
            return []
        if info.error is not None:
            raise KafkaException(info.error)
        remaining = set(info.partitions)   # partitions whose end was not reached yet
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in remaining])
        messages = []
        while remaining:
            if time.time() > deadline:
                raise RuntimeError(f"{topic}: partition(s) {sorted(remaining)} not read to their end after {timeout} s")
            m = consumer.poll(0.5)
            if m is None:
                continue
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF:
                    remaining.discard(m.partition())
                    continue
                raise KafkaException(m.error())
            messages.append(m)
        return sorted(messages, key=lambda m: (m.partition(), m.offset()))
    finally:
        consumer.close()
