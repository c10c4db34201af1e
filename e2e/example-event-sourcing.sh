#!/usr/bin/env bash
# e2e/example-event-sourcing.sh — examples/event-sourcing/run.sh, twice, on the stack: each run
# ingests new datasets (state + event in one transaction), streams the outbox to
# outbox.event.dataset and its consumer group applies exactly that run's events to the catalog;
# the second run streams on from the first one's slot. Its own slot and group, dropped after.
set -euo pipefail

NAME=example-event-sourcing
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: the event-sourced ingestion example runs, and runs again"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_PYTHON
require_cmd jq

S=es_$$_$RANDOM
TMP=$(mktemp -d /tmp/cdcctl-es.XXXXXX)
source "$LIB/stream.sh"
cleanup() {
  drop_stream_objects "$S" ingest.none
  rm -rf "$TMP"
}
trap cleanup EXIT
export CDCCTL=$BIN EVENT_SOURCING_SLOT=$S CATALOG_GROUP=$S

for i in 1 2; do
  "$REPO/examples/event-sourcing/run.sh" >"$TMP/out$i" 2>"$TMP/err$i" || { cat "$TMP/out$i" "$TMP/err$i"; fail "run $i failed"; }
  run=$(sed -n 's/^ingest: sales-\([0-9]*\) .*/\1/p' "$TMP/out$i" | head -1)
  [ -n "$run" ] || { cat "$TMP/out$i"; fail "run $i printed no ingest line"; }
  applied=$(grep -c "^catalog: Data.* [a-z]*-$run v" "$TMP/out$i" || true)
  check "run $i: the consumer applied the run's 4 events (3 DataIngested, 1 DataRejected)" [ "$applied" -eq 4 ]
  check "run $i: the catalog holds the run's datasets" \
    [ "$(sql "select string_agg(name || ':' || version || ':' || rows || ':' || rejections, ' ' order by name) from ingest.catalog where name like '%-$run'")" \
      = "broken-$run:0:0:1 customers-$run:1:1:0 sales-$run:2:3:0" ]
  if [ "$i" = 2 ]; then
    check "run 2: nothing of run 1 is applied again" [ "$(grep -c -- "-$first v" "$TMP/out2" || true)" -eq 0 ]
  fi
  first=${first:-$run}
done

# In Kafka: each of the runs' events once, keyed by its dataset, with headers id and type.
"$BIN" consume -t outbox.event.dataset -e -q -J >"$TMP/topic"
PYTHONPATH="$LIB" "$CDCCTL_PYTHON" - "$TMP/topic" "$first" "$run" <<'PY' || ok=0
import json, sys
from collections import Counter
path, runs = sys.argv[1], sys.argv[2:]
events = []
for line in open(path):
    m = json.loads(line)
    h = dict(zip(m["headers"][::2], m["headers"][1::2]))
    p = json.loads(m["payload"])
    if any(p["dataset"].endswith("-" + r) for r in runs):
        events.append((m["key"], h["id"], h["type"], p))
ids = Counter(e[1] for e in events)
ok = len(events) == 8 and all(n == 1 for n in ids.values()) and all(k == p["dataset"] for k, _, _, p in events) \
     and Counter(t for _, _, t, _ in events) == Counter({"DataIngested": 6, "DataRejected": 2})
print(("PASS" if ok else "FAIL") + f": example-event-sourcing: outbox.event.dataset holds the 8 events of both runs once each, keyed by dataset ({len(events)})")
sys.exit(0 if ok else 1)
PY
[ "$ok" -eq 1 ] || exit 1
