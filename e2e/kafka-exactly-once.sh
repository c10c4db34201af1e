#!/usr/bin/env bash
# e2e/kafka-exactly-once.sh — `cdcctl stream --exactly-once`: each PostgreSQL transaction is one
# Kafka transaction together with the slot's position in a compacted offsets topic. After
# `kill -9`, the slot is behind Kafka (PostgreSQL re-sends what Kafka already has); the restart
# reads its committed position back and skips exactly that, so a read_committed consumer
# (Python confluent-kafka) sees every row once: the snapshot's, those committed before the
# kill, and those made while cdcctl was down.
# (Killing cdcctl *inside* a Kafka transaction is not tested here: Tansu's read_committed
# fetch does not filter aborted transactions, so an aborted one would show.)
set -euo pipefail

NAME=kafka-exactly-once
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: kill -9 and restart, and a read_committed consumer sees every change once"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_PYTHON

S=keo_$$_$RANDOM
TABLE=public.$S
TOPIC=$S.$TABLE
TMP=$(mktemp -d /tmp/cdcctl-kafka-eo.XXXXXX)
PID=""
source "$LIB/stream.sh"
cleanup() {
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null || true
  cleanup_stream_test
}
trap cleanup EXIT
stream_args=(-t "$TABLE" --slot "$S" --publication "$S" --kafka --format json --topic-prefix "$S" --exactly-once -q)
count() { "$BIN" consume -t "$TOPIC" -e -q -f '%o\n' -X isolation.level=read_committed | grep -c . || true; }

sql "create table $TABLE (id int primary key, v text)"
sql "insert into $TABLE select g, 'snapshot' from generate_series(1, 3) g"
"$BIN" stream "${stream_args[@]}" --snapshot initial-only 2>"$TMP/err0" || { cat "$TMP/err0"; fail "the snapshot run failed"; }

# A status interval longer than the test: the slot only learns of the position at exit, so
# after kill -9 PostgreSQL re-sends everything since the snapshot.
"$BIN" stream "${stream_args[@]}" --status-interval 3600 2>"$TMP/err1" &
PID=$!
for _ in $(seq 100); do [ "$(sql "select active from pg_replication_slots where slot_name = '$S'")" = t ] && break; sleep 0.1; done
for i in $(seq 1 20); do sql "insert into $TABLE select g, 'before kill' from generate_series($((i * 100)), $((i * 100 + 9))) g"; done
for _ in $(seq 150); do [ "$(count)" -ge 203 ] && break; sleep 0.2; done
[ "$(count)" -eq 203 ] || { cat "$TMP/err1"; fail "the 200 changes did not reach Kafka (have $(count) records)"; }
kill -9 "$PID"; wait "$PID" 2>/dev/null || true; PID=""
behind=$(sql "select confirmed_flush_lsn < pg_current_wal_lsn() from pg_replication_slots where slot_name = '$S'")
[ "$behind" = t ] && pass "after kill -9 the slot is behind what Kafka has (PostgreSQL will re-send it)" \
  || bad "the slot is not behind Kafka; the restart would have nothing to skip"

for i in $(seq 21 30); do sql "insert into $TABLE select g, 'while down' from generate_series($((i * 100)), $((i * 100 + 9))) g"; done
END=$(sql "select pg_current_wal_lsn()")
if "$BIN" stream "${stream_args[@]}" --endpos "$END" 2>"$TMP/err2"; then pass "the restart with --endpos exits 0"
else cat "$TMP/err2"; bad "the restart failed"; fi
# -q silences notices; run the check of the skip through the offsets topic instead.
PYTHONPATH="$LIB" "$CDCCTL_PYTHON" - "$CDCCTL_KAFKA_BROKERS" "$TOPIC" "$S.cdcctl-offsets" "$S" "$END" <<'PY' || ok=0
import json, sys
from collections import Counter
from kafka_read import read_topic
brokers, topic, offsets_topic, slot, end = sys.argv[1:6]
NAME = "kafka-exactly-once"
def read(t):
    return read_topic(brokers, t, isolation="read_committed")
records = read(topic)
ids = Counter(json.loads(m.value())["after"]["id"] for m in records)
expected = set(range(1, 4)) | {g for i in range(1, 31) for g in range(i * 100, i * 100 + 10)}
dupes = sorted(k for k, n in ids.items() if n > 1)
ok = set(ids) == expected and not dupes
print(("PASS" if ok else "FAIL") + f": {NAME}: a read_committed consumer sees each of the {len(expected)} rows exactly once"
      + ("" if ok else f" (missing {sorted(expected - set(ids))[:5]}, extra {sorted(set(ids) - expected)[:5]}, duplicated {dupes[:5]})"))
positions = [json.loads(m.value())["lsn"] for m in read(offsets_topic) if m.key() == slot.encode()]
def lsn(t): hi, lo = t.split("/"); return (int(hi, 16) << 32) | int(lo, 16)
last_ok = positions and lsn(positions[-1]) <= lsn(end) and positions == sorted(positions, key=lsn)
print(("PASS" if last_ok else "FAIL") + f": {NAME}: the offsets topic holds {len(positions)} increasing positions of slot {slot}, the last at or before --endpos")
sys.exit(0 if ok and last_ok else 1)
PY
[ "$ok" -eq 1 ] || exit 1
