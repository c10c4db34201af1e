#!/usr/bin/env bash
# e2e/outbox-router.sh — `--outbox`: Debezium's outbox event router on the real stack.
#   - stream: three aggregate types written by interleaved transactions (three open at once,
#     committing out of start order), some rolled back, one kind writing state + 2 events, an
#     insert deleted in its own transaction, an UPDATE and a DELETE of outbox rows: each topic
#     outbox.event.<aggregatetype> holds exactly the committed events in commit order, key = the
#     aggregate id, value = the json payload byte for byte, headers id and type; the update is
#     warned about and, like the delete, produces nothing; with --outbox-only the outbox table has
#     no ordinary events while the state table (-t) has its own
#   - snapshot --format avro with --outbox-topic and --outbox-header: the existing rows, read back
#     with AvroDeserializer through the registry
#   - snapshot to stdout (NDJSON) without --outbox-only: the routed line and the ordinary event
#   - an outbox table missing a column: one-line error naming it, nothing written or created
set -euo pipefail

NAME=outbox-router
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: outbox rows routed to outbox.event.<type> topics, in commit order, committed only"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_REGISTRY_URL CDCCTL_PYTHON

S=obx_$$_$RANDOM
TMP=$(mktemp -d /tmp/cdcctl-outbox.XXXXXX)
source "$LIB/stream.sh"
source "$LIB/outbox.sh"
cleanup() {
  outbox_cleanup
  drop_stream_objects "${S}_bad" "public.${S}_bad"
  rm -rf "$TMP"
}
trap cleanup EXIT
check_records() { PYTHONPATH="$LIB" "$CDCCTL_PYTHON" "$LIB/outbox_check.py" --name "$NAME" --brokers "$CDCCTL_KAFKA_BROKERS" "$@" || ok=0; }

outbox_setup
# Committed before the slot exists: the initial snapshot routes them.
outbox_direct before
stream=(stream --outbox "$OUTBOX" --outbox-only -t "$STATE" --slot "$S" --publication "$S" --kafka --format json --topic-prefix "$S")
"$BIN" "${stream[@]}" -q --snapshot initial-only 2>"$TMP/err0" || { cat "$TMP/err0"; fail "the snapshot run failed"; }

outbox_rounds 1 8
# The usual outbox pattern: the row is deleted in the transaction that inserts it.
{ echo "begin;"; _event "" deleted 1 "${AGG[0]}" 77 Created; echo "delete from $OUTBOX where label = 'deleted';"
  echo "insert into ${S}_commits (label) values ('deleted'); commit;"; } | psql "$CDCCTL_PG_URL" -XqAt -v ON_ERROR_STOP=1 >/dev/null
sql "update $OUTBOX set type = 'Changed' where label = 'r2a'"
sql "delete from $OUTBOX where label = 'r2c'"
outbox_direct after
END=$(sql "select pg_current_wal_lsn()")
"$BIN" "${stream[@]}" --endpos "$END" >"$TMP/out" 2>"$TMP/err1" || { cat "$TMP/err1"; fail "the stream failed"; }
[ -s "$TMP/out" ] && bad "the Kafka stream wrote to stdout"
check "the UPDATE of an outbox row is warned about" grep -q "ignored an UPDATE of outbox table $OUTBOX" "$TMP/err1"

outbox_expected "$TMP/expected.json"
# 8 rounds of 3 transactions of 2 events, 6 rolled back (b in odd rounds, c in rounds 3 and 7),
# and 3 + 1 + 3 events outside: 43. (A rolled back insert leaves no log row.)
committed=$(sql "select count(*) from ${S}_log join ${S}_commits using (label)")
logged=$(sql "select count(*) from ${S}_log")
[ "$committed" -eq 43 ] && [ "$logged" -eq 43 ] || fail "the fixture is off: $committed committed events of $logged logged (expected 43)"
check_records --expected "$TMP/expected.json"

# --outbox-only: no ordinary events of the outbox table; -t's table has its own.
PYTHONPATH="$LIB" "$CDCCTL_PYTHON" - "$CDCCTL_KAFKA_BROKERS" "$S.$OUTBOX" "$S.$STATE" "$(sql "select count(*) from ${S}_commits where label ~ '^r[0-9]+a$'")" <<'PY' || ok=0
import json, sys
from kafka_read import read_topic
brokers, outbox_topic, state_topic, a_commits = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
NAME = "outbox-router"
ordinary = read_topic(brokers, outbox_topic)
print(("PASS" if not ordinary else "FAIL") + f": {NAME}: --outbox-only: {outbox_topic} has no ordinary events ({len(ordinary)})")
state = [json.loads(m.value()) for m in read_topic(brokers, state_topic) if m.value() is not None]
ok = len(state) == a_commits and all(e["op"] in ("c", "u") for e in state)
print(("PASS" if ok else "FAIL") + f": {NAME}: the state table's own events are there, one per committed state change ({len(state)} of {a_commits})")
sys.exit(0 if not ordinary and ok else 1)
PY

# Snapshot of the outbox table as it is now (the deleted rows gone), as Avro, to topics of a
# template using another column, with an extra header: physical order is the snapshot's order.
sql "select coalesce(json_agg(json_build_object('id', id, 'aggregatetype', aggregatetype, 'key', aggregateid, 'type', type,
       'payload', payload::text, 'label', label) order by ctid), '[]') from $OUTBOX" >"$TMP/current.json"
if "$BIN" snapshot --outbox "$OUTBOX" --outbox-only --kafka --format avro --outbox-topic "$S.avro.{aggregatetype}" \
     --outbox-header label=tx -q >"$TMP/out" 2>"$TMP/err2"; then pass "snapshot --outbox --format avro exits 0"
else cat "$TMP/err2"; bad "snapshot --outbox --format avro failed"; fi
check_records --expected "$TMP/current.json" --format avro --registry "$CDCCTL_REGISTRY_URL" \
  --topic-format "$S.avro.{aggregatetype}" --extra-header tx=label --what "rows in the snapshot's (physical) order"
schema=$(curl -sf "$CDCCTL_REGISTRY_URL/subjects/$S.avro.${AGG[0]}-value/versions/latest" | jq -r .schema)
check "the value schema is Debezium's Json string" [ "$schema" = '{"type":"string","connect.version":1,"connect.name":"io.debezium.data.Json"}' ]

# stdout: every row routed (one line each) and, without --outbox-only, its ordinary event too.
"$BIN" snapshot --outbox "$OUTBOX" -q >"$TMP/ndjson" 2>"$TMP/err3" || { cat "$TMP/err3"; fail "snapshot to stdout failed"; }
PYTHONPATH="$LIB" "$CDCCTL_PYTHON" - "$TMP/ndjson" "$TMP/current.json" <<'PY' || ok=0
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
rows = json.load(open(sys.argv[2]))
routed = [l for l in lines if "topic" in l]
ordinary = [l for l in lines if "op" in l]
want = [{"topic": f"outbox.event.{r['aggregatetype']}", "key": r["key"], "headers": {"id": r["id"], "type": r["type"]},
         "value": json.loads(r["payload"])} for r in rows]
ok = routed == want and len(ordinary) == len(rows) and len(lines) == 2 * len(rows)
print(("PASS" if ok else "FAIL") + f": outbox-router: stdout holds one routed line per row ({len(routed)}) and, without --outbox-only, its ordinary event ({len(ordinary)})")
sys.exit(0 if ok else 1)
PY

# A table missing a column the router reads: one line naming it, nothing written or created.
sql "create table public.${S}_bad (id uuid primary key, aggregatetype text, type text, payload jsonb)"
for cmd in snapshot stream; do
  extra=(); [ "$cmd" = stream ] && extra=(--slot "${S}_bad" --publication "${S}_bad")
  set +e
  "$BIN" "$cmd" --outbox "public.${S}_bad" "${extra[@]}" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  set -e
  msg=$(cat "$TMP/err")
  if [ "$rc" -ne 0 ] && [ ! -s "$TMP/out" ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] \
     && [ "$msg" = "cdcctl: error: outbox table public.${S}_bad has no column aggregateid (the aggregate id, the records' key): name its column with --outbox-field aggregateid=COLUMN" ]; then
    pass "$cmd: a missing outbox column is one line naming it, nothing on stdout"
  else
    bad "$cmd: missing column: exit $rc, stdout $(wc -c <"$TMP/out") bytes, stderr: $msg"
  fi
done
check "no slot or publication was created for the bad table" \
  [ "$(sql "select count(*) from pg_replication_slots where slot_name = '${S}_bad'") $(sql "select count(*) from pg_publication where pubname = '${S}_bad'")" = "0 0" ]

[ "$ok" -eq 1 ] || exit 1
