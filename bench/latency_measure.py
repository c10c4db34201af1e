"""The measuring half of bench/latency (the shell script sets up the stack, the table, the slots
and the binary, and cleans up). For each rate: start `cdcctl stream --kafka --format avro` and
`pg_recvlogical -f FILE` on slots of their own, a Kafka consumer on cdcctl's topic and a reader
of pg_recvlogical's file; a warm-up row; then a writer commits single-row transactions at the rate
for the duration. Each row's `ts` column is extract(epoch FROM clock_timestamp()) at its insert;
the latency of a row is the time the consumer (or the file reader) sees it minus that. Prints one
table. Not a test: no assertion on speed, but every row must arrive at both.

    latency_measure.py RATE[,RATE...] SECONDS
Environment: CDCCTL, RECV, CDCCTL_PG_URL, CDCCTL_KAFKA_BROKERS, CDCCTL_REGISTRY_URL, TABLE, PUB,
SLOT_PREFIX, RUN_ID, WORKDIR (all set by bench/latency).
"""
import os
import struct
import subprocess
import sys
import threading
import time

from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING
from confluent_kafka.admin import AdminClient, NewTopic
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

E = os.environ
PG, BROKERS, REGISTRY = E["CDCCTL_PG_URL"], E["CDCCTL_KAFKA_BROKERS"], E["CDCCTL_REGISTRY_URL"]
TABLE, PUB, SLOTS, RUN_ID, WORKDIR = E["TABLE"], E["PUB"], E["SLOT_PREFIX"], E["RUN_ID"], E["WORKDIR"]


def log(text):
    print(f"bench: {text}", file=sys.stderr, flush=True)


def psql(sql):
    return subprocess.run(["psql", "-XqAt", "-v", "ON_ERROR_STOP=1", "-d", PG, "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


class KafkaSide(threading.Thread):
    """Reads cdcctl's topic; records (id, seen - ts) for every row."""

    def __init__(self, topic):
        super().__init__(daemon=True)
        self.seen, self.stop, self.topic, self.raw, self.decoded = {}, False, topic, [], 0
        self.deserialize = AvroDeserializer(SchemaRegistryClient({"url": REGISTRY}))
        self.consumer = Consumer({"bootstrap.servers": BROKERS, "group.id": f"{RUN_ID}-{topic}",
                                  "enable.auto.commit": False, "fetch.wait.max.ms": 5, "fetch.min.bytes": 1,
                                  "fetch.error.backoff.ms": 10, "isolation.level": "read_uncommitted"})
        self.consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])

    def run(self):
        while not self.stop:
            message = self.consumer.poll(0.05)
            if message is None or message.error() or message.value() is None:
                continue
            self.raw.append((time.time(), message.value()))
        self.consumer.close()

    def decode(self):
        """Decodes what arrived (after the run, so decoding never delays the next poll)."""
        context = SerializationContext(self.topic, MessageField.VALUE)
        for now, value in self.raw[self.decoded:]:
            after = self.deserialize(value, context)["after"]
            self.seen[after["id"]] = now - after["ts"]
        self.decoded = len(self.raw)


class FileSide(threading.Thread):
    """Tails pg_recvlogical's output file (pgoutput v1: each message, then a newline) and records
    (id, seen - ts) for every Insert, at the moment its bytes appear in the file."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.seen, self.stop, self.path = {}, False, path

    def run(self):
        while not os.path.exists(self.path) and not self.stop:
            time.sleep(0.01)
        buf = b""
        with open(self.path, "rb", buffering=0) as f:
            while not self.stop:
                chunk = f.read(1 << 20)
                if not chunk:
                    time.sleep(0.0002)
                    continue
                now = time.time()
                buf += chunk
                buf = self.parse(buf, now)

    def parse(self, buf, now):
        i = 0
        while i < len(buf):
            end = self.message_end(buf, i)
            if end is None or end >= len(buf):   # incomplete (the newline after it too)
                break
            if buf[i:i + 1] == b"I":
                values, j = [], i + 1 + 4 + 1
                (ncols,) = struct.unpack_from(">h", buf, j)
                j += 2
                for _ in range(ncols):
                    kind = buf[j:j + 1]
                    j += 1
                    if kind == b"t":
                        (n,) = struct.unpack_from(">i", buf, j)
                        values.append(buf[j + 4:j + 4 + n].decode())
                        j += 4 + n
                    else:
                        values.append(None)
                self.seen[int(values[0])] = now - float(values[1])
            i = end + 1   # skip the newline pg_recvlogical writes after each message
        return buf[i:]

    @staticmethod
    def message_end(buf, i):
        """Where the message at i ends, or None when its bytes are not all there yet."""
        try:
            tag = buf[i:i + 1]
            if tag == b"B":
                return i + 21
            if tag == b"C":
                return i + 26
            if tag == b"I":
                j = i + 1 + 4 + 1
                (ncols,) = struct.unpack_from(">h", buf, j)
                j += 2
                for _ in range(ncols):
                    kind = buf[j:j + 1]
                    j += 1
                    if kind == b"t":
                        (n,) = struct.unpack_from(">i", buf, j)
                        j += 4 + n
                    elif not kind:
                        return None
                return j
            if tag == b"R":
                j = buf.index(b"\0", i + 5) + 1          # namespace
                j = buf.index(b"\0", j) + 1 + 1          # name, replica identity
                (ncols,) = struct.unpack_from(">h", buf, j)
                j += 2
                for _ in range(ncols):
                    j = buf.index(b"\0", j + 1) + 1 + 8  # flags, name, type oid, typmod
                return j
            if tag == b"O":
                return buf.index(b"\0", i + 9) + 1
            if tag == b"Y":
                j = buf.index(b"\0", i + 9) + 1
                return buf.index(b"\0", j) + 1
            if not tag:
                return None
            raise SystemExit(f"bench: unexpected pgoutput message {tag!r} in pg_recvlogical's file")
        except (struct.error, ValueError):
            return None


def own_histogram(stderr_path):
    """cdcctl's own commit-to-acknowledge histogram (from its --metrics-listen endpoint): count, mean."""
    import re
    import urllib.request
    from prometheus_client.parser import text_string_to_metric_families
    url = re.search(r"metrics at (http://\S+/metrics)", open(stderr_path).read())
    if not url:
        return None
    text = urllib.request.urlopen(url.group(1), timeout=5).read().decode()
    values = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name.startswith("cdcctl_commit_to_acknowledge_seconds"):
                values[(sample.name, sample.labels.get("le"))] = sample.value
    count = values.get(("cdcctl_commit_to_acknowledge_seconds_count", None), 0)
    total = values.get(("cdcctl_commit_to_acknowledge_seconds_sum", None), 0)
    def bucket_quantile(q):
        bounds = sorted((float(le), v) for (name, le), v in values.items() if name.endswith("_bucket"))
        for le, v in bounds:
            if v >= q * count:
                return le
        return float("inf")
    return count, (total / count if count else 0), bucket_quantile(0.5), bucket_quantile(0.99)


def percentile(values, p):
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def wait_for(side, ids, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if isinstance(side, KafkaSide):
            side.decode()
        if all(i in side.seen for i in ids):
            return True
        time.sleep(0.2)
    return False


def one_rate(rate, seconds):
    prefix = f"{RUN_ID}_{rate}"
    topic = f"{prefix}.{TABLE}"
    cdc_slot, recv_slot = f"{SLOTS}cdc_{rate}", f"{SLOTS}recv_{rate}"
    for slot in (cdc_slot, recv_slot):
        psql(f"select pg_create_logical_replication_slot('{slot}', 'pgoutput')")
    admin = AdminClient({"bootstrap.servers": BROKERS})
    for future in admin.create_topics([NewTopic(topic, 1, 1)]).values():
        future.result()
    with open(os.path.join(WORKDIR, "topics"), "a") as f:
        f.write(topic + "\n")
    path = os.path.join(WORKDIR, f"recv_{rate}.out")
    cdc_err = os.path.join(WORKDIR, f"cdc_{rate}.err")
    cdc = subprocess.Popen([E["CDCCTL"], "stream", "--metrics-listen", "127.0.0.1:0", "--db", PG, "--slot", cdc_slot, "--publication", PUB,
                            "--no-create-slot", "--snapshot", "never", "--kafka", "-b", BROKERS, "--format", "avro",
                            "--registry", REGISTRY, "--topic-prefix", prefix, "--partitions", "1"],
                           stderr=open(cdc_err, "w"))
    recv = subprocess.Popen([E["RECV"], "-d", PG, "--slot", recv_slot, "--start", "--no-loop", "-o", "proto_version=1",
                             "-o", f"publication_names={PUB}", "-f", path],
                            stderr=open(os.path.join(WORKDIR, f"recv_{rate}.err"), "w"))
    kafka, file = KafkaSide(topic), FileSide(path)
    kafka.start()
    file.start()
    try:
        # Warm-up: one row through both (topic metadata, schema registration, connections).
        first = int(psql(f"insert into {TABLE} (pad) values ('warm-up') returning id"))
        if not wait_for(kafka, [first], 60) or not wait_for(file, [first], 60):
            raise SystemExit(f"bench: the warm-up row did not arrive (cdcctl: {kafka.seen.get(first)}, recv: {file.seen.get(first)})")
        total = rate * seconds
        log(f"{rate}/s: writing up to {total} single-row transactions over {seconds} s ({-(-rate // 1000)} sessions)")
        t0 = time.time()
        # One session commits ~1,000 times a second with synchronous_commit on (each commit waits
        # for its WAL flush); more sessions share flushes (group commit), so the rate is split.
        sessions = max(1, -(-rate // 1000))
        writers = [subprocess.Popen(["psql", "-XqAt", "-v", "ON_ERROR_STOP=1", "-d", PG, "-c",
                                     f"CALL bench.latency_write({rate / sessions}, {seconds})"]) for _ in range(sessions)]
        if any(w.wait() != 0 for w in writers):
            raise SystemExit("bench: a writer failed")
        wrote = time.time() - t0
        last = int(psql(f"select max(id) from {TABLE}"))
        ids = range(first + 1, last + 1)
        ok_k = wait_for(kafka, ids, 120)
        ok_f = wait_for(file, ids, 120)
        if not (ok_k and ok_f):
            missing_k = sum(1 for i in ids if i not in kafka.seen)
            missing_f = sum(1 for i in ids if i not in file.seen)
            raise SystemExit(f"bench: rows missing after 120 s: {missing_k} at the Kafka consumer, {missing_f} in the file")
        own = own_histogram(cdc_err)
        return {"rate": rate, "own": own, "rows": len(ids), "achieved": len(ids) / wrote,
                "cdcctl": sorted(kafka.seen[i] for i in ids), "recv": sorted(file.seen[i] for i in ids)}
    finally:
        kafka.stop = file.stop = True
        for p in (cdc, recv):
            p.terminate()
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
        kafka.join(5)
        file.join(5)


def main():
    rates = [int(r) for r in sys.argv[1].split(",")]
    seconds = int(sys.argv[2])
    results = [one_rate(rate, seconds) for rate in rates]
    ms = lambda s: f"{s * 1000:.1f}"
    fmt = "%-7s %-10s %6s %-48s %8s %8s %8s"
    print()
    print(f"commit-to-consumer latency: single-row transactions, {seconds} s per rate, {os.cpu_count()} cores, "
          f"load avg {' '.join(open('/proc/loadavg').read().split()[:3])}")
    print()
    print(fmt % ("rate/s", "achieved/s", "rows", "path", "p50_ms", "p99_ms", "max_ms"))
    for r in results:
        for name, label in (("recv", "pg_recvlogical -f FILE (line in the file)"),
                            ("cdcctl", "cdcctl stream --kafka --format avro (consumer)")):
            v = r[name]
            print(fmt % (r["rate"], f"{r['achieved']:.0f}", r["rows"], label, ms(percentile(v, 50)),
                         ms(percentile(v, 99)), ms(v[-1])))
    print()
    for r in results:
        if r["own"]:
            count, mean, p50, p99 = r["own"]
            print(f"{r['rate']}/s: cdcctl's own cdcctl_commit_to_acknowledge_seconds (commit time to the broker's "
                  f"acknowledgement, from --metrics-listen): {count:.0f} transactions, mean {mean * 1000:.1f} ms, "
                  f"p50 <= {p50 * 1000:g} ms, p99 <= {p99 * 1000:g} ms (bucket bounds)")
    print()
    print("latency = when the row is seen (a Kafka consumer poll() returning the record, decoded through the")
    print("registry afterwards; or the reader of pg_recvlogical's file finding its Insert) minus the row's ts column,")
    print("extract(epoch FROM clock_timestamp()) at its insert (just before its commit). Both paths read the")
    print("same writes at the same time, on slots of their own. The cdcctl path includes librdkafka's batching")
    print("(linger), the broker's acknowledgement and the consumer's fetch; pg_recvlogical's only the walsender")
    print("and a file write. Writers commit with synchronous_commit on, one session per 1,000/s (group commit).")
    print("Writers, PostgreSQL, Tansu, both clients and the consumer share the machine's cores")
    print("with whatever else runs: the numbers are noisy, the tail (p99, max) most.")


if __name__ == "__main__":
    main()
