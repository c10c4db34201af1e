#!/usr/bin/env bash
# e2e/incremental-snapshot.sh — incremental snapshots on request while `cdcctl stream` runs
# (issue #11, items 2 and 4), against the stack's PostgreSQL and Kafka:
#   A. stdout: a pgbench writer keeps updating, deleting and inserting rows of a $ROWS-row table
#      (default 200,000; CDCCTL_INCREMENTAL_ROWS) while `cdcctl snapshot --incremental` has the
#      stream read it in 1024-row chunks; kill -9 of the stream mid-snapshot, a restart resumes
#      after the last durable chunk (its stderr and cdcctl.incremental_snapshot say which; it
#      reads no key at or below the recorded last_key), and replaying both runs' NDJSON (latest
#      event per key, deletes removing) equals SELECT * of the table.
#   B. the same with --kafka --format json: kill -9, restart, replay of the whole topic.
#   C. --kafka Avro (through the registry), 20,000 rows, the writer running, no kill: the topic
#      replays to the table, and its incremental reads are Avro records with snapshot "incremental".
#   D. one stdout stream with --signal-table: a request as a signal table row; pause (no chunk
#      while paused, changes still streamed) and resume; stop (no read after it); a table added
#      to the publication later, snapshotted on request; refusals: a table without a primary key
#      (`snapshot --incremental` fails with one line; a signal for it only makes the stream say
#      so), a table outside the publication; signals and watermarks never come out as events.
# Uses the stack ($CDCCTL_PG_URL, $CDCCTL_KAFKA_BROKERS, $CDCCTL_REGISTRY_URL, $CDCCTL_PYTHON)
# and pgbench. CDCCTL_BIN overrides the binary.
set -euo pipefail

NAME=incremental-snapshot
. "$(dirname "$0")/lib/preamble.sh"
ROWS=${CDCCTL_INCREMENTAL_ROWS:-200000}

echo "$NAME: incremental snapshots while streaming end equal to the table, resume after kill -9, pause, resume, stop, refuse key-less tables"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_PYTHON CDCCTL_REGISTRY_URL
require_cmd psql pgbench

SFX=$$_$RANDOM
A=inc_a_$SFX; B=inc_b_$SFX; C=inc_c_$SFX; D=inc_d_$SFX
TMP=$(mktemp -d /tmp/cdcctl-incremental.XXXXXX)
STREAM= WRITER=
. "$LIB/incremental.sh"
cleanup() {
  set +e
  stop_writer_and_stream
  local s
  for s in "$A" "$B" "$C" "$D" "${D}_x"; do
    for _ in $(seq 100); do [ "$(sql "select count(*) from pg_replication_slots where slot_name = '$s' and active")" = 0 ] && break; sleep 0.1; done
    sql "select pg_drop_replication_slot('$s') from pg_replication_slots where slot_name = '$s'" >/dev/null 2>&1
    sql "drop publication if exists $s" >/dev/null 2>&1
    sql "delete from cdcctl.incremental_snapshot where slot = '$s'" >/dev/null 2>&1
  done
  sql "drop table if exists $A, $B, $C, ${D}_main, ${D}_nokey, ${D}_late, ${D}_stop, ${D}_out, ${D}_sig" >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT

# --- A: stdout, kill -9 mid-snapshot, resume ------------------------------------------------
make_table "$A" "$ROWS"
stream_start "$A" "$TMP/a1.ndjson" "$TMP/a1.err" -t "public.$A"
writer_start "$A" $((ROWS + ROWS / 10))
"$BIN" snapshot --incremental -t "public.$A" --slot "$A" 2>"$TMP/a-signal.err" || bad "snapshot --incremental failed: $(cat "$TMP/a-signal.err")"
check "snapshot --incremental says what it asked for ($(cat "$TMP/a-signal.err"))" grep -q "asked slot $A for an incremental snapshot of public.$A" "$TMP/a-signal.err"
wait_chunks "$A" "$A" 40 120 || bad "no 40 chunks recorded within 120 s: $(progress "$A" "$A"); $(tail -3 "$TMP/a1.err")"
kill -9 "$STREAM"; wait "$STREAM" 2>/dev/null || true; STREAM=
at_kill=$(chunks "$A" "$A")
last_key=$(sql "select last_key->>0 from cdcctl.incremental_snapshot where slot = '$A'")
check "kill -9 mid-snapshot: $at_kill chunks recorded, up to key $last_key, the table still running" \
  bash -c "[ '$(progress "$A" "$A")' = 'running $at_kill' ] && [ $at_kill -lt $((ROWS / 1024)) ]"
stream_start "$A" "$TMP/a2.ndjson" "$TMP/a2.err" -t "public.$A"
check "the restart says it resumes after chunk $at_kill ($(grep -m1 resuming "$TMP/a2.err"))" \
  grep -q "incremental snapshot of public.$A: resuming after chunk $at_kill (key ($last_key))" "$TMP/a2.err"
wait_state "$A" "$A" done 300 || bad "the incremental snapshot did not finish within 300 s: $(progress "$A" "$A")"
writer_stop
stop_stream "$A"
total=$(chunks "$A" "$A")
check "the state table counts the chunks across both runs ($total, of ~$((ROWS / 1024)))" [ "$total" -gt "$at_kill" ]
check "stderr reports the end ($(grep -m1 ': done' "$TMP/a2.err"))" grep -q "incremental snapshot of public.$A: done" "$TMP/a2.err"
dump "$A"
check "replaying both runs' NDJSON equals the table ($("$CDCCTL_PYTHON" "$LIB/incremental_check.py" "$TMP/$A.table" --stats "$TMP/a.stats" --ndjson "$TMP/a1.ndjson" "$TMP/a2.ndjson" 2>&1 | head -c 300))" \
  "$CDCCTL_PYTHON" "$LIB/incremental_check.py" "$TMP/$A.table" --ndjson "$TMP/a1.ndjson" "$TMP/a2.ndjson"
min2=$(jstat "$TMP/a.stats" "s['sources'][1]['min_id']")
reads2=$(jstat "$TMP/a.stats" "s['sources'][1]['incremental']")
check "the restart read only keys after $last_key (smallest: $min2, $reads2 incremental reads)" [ "$min2" -gt "$last_key" ]
check "the events carry source.snapshot \"incremental\" and op r" grep -q '"snapshot":"incremental".*"op":"r"' "$TMP/a2.ndjson"

# --- B: --kafka JSON, kill -9, resume ---------------------------------------------------------
make_table "$B" "$ROWS"
TOPIC=p$B.public.$B
stream_start "$B" "$TMP/b1.out" "$TMP/b1.err" -t "public.$B" --kafka --format json --topic-prefix "p$B"
writer_start "$B" $((ROWS + ROWS / 10))
"$BIN" snapshot --incremental -q -t "public.$B" --slot "$B" || bad "snapshot --incremental failed"
wait_chunks "$B" "$B" 30 180 || bad "no 30 chunks recorded within 180 s: $(progress "$B" "$B"); $(tail -3 "$TMP/b1.err")"
kill -9 "$STREAM"; wait "$STREAM" 2>/dev/null || true; STREAM=
at_kill=$(chunks "$B" "$B")
stream_start "$B" "$TMP/b2.out" "$TMP/b2.err" -t "public.$B" --kafka --format json --topic-prefix "p$B"
check "--kafka: the restart resumes after chunk $at_kill" grep -q "incremental snapshot of public.$B: resuming after chunk $at_kill " "$TMP/b2.err"
wait_state "$B" "$B" done 600 || bad "the Kafka incremental snapshot did not finish within 600 s: $(progress "$B" "$B")"
writer_stop
stop_stream "$B"
dump "$B"
check "--kafka: replaying the topic equals the table ($("$CDCCTL_PYTHON" "$LIB/incremental_check.py" "$TMP/$B.table" --stats "$TMP/b.stats" --kafka "$CDCCTL_KAFKA_BROKERS" "$TOPIC" 2>&1 | head -c 300))" \
  "$CDCCTL_PYTHON" "$LIB/incremental_check.py" "$TMP/$B.table" --kafka "$CDCCTL_KAFKA_BROKERS" "$TOPIC"
check "--kafka: no message topic (signals and watermarks stay out of Kafka)" \
  bash -c "[ -z \"\$('$CDCCTL_PYTHON' '$LIB/kafka_topic_ids.py' '$CDCCTL_KAFKA_BROKERS' 'p$B.message')\" ]"

# --- C: --kafka Avro, no kill -----------------------------------------------------------------
make_table "$C" 20000
TOPIC=p$C.public.$C
stream_start "$C" "$TMP/c.out" "$TMP/c.err" -t "public.$C" --kafka --format avro --registry "$CDCCTL_REGISTRY_URL" --topic-prefix "p$C"
writer_start "$C" 22000
"$BIN" snapshot --incremental -q -t "public.$C" --slot "$C" --chunk-size 500 || bad "snapshot --incremental failed"
wait_state "$C" "$C" done 300 || bad "the Avro incremental snapshot did not finish within 300 s: $(progress "$C" "$C")"
writer_stop
stop_stream "$C"
dump "$C"
check "--kafka Avro: replaying the topic equals the table, chunks of 500 ($(chunks "$C" "$C") chunks; $("$CDCCTL_PYTHON" "$LIB/incremental_check.py" "$TMP/$C.table" --stats "$TMP/c.stats" --kafka "$CDCCTL_KAFKA_BROKERS" "$TOPIC" --registry "$CDCCTL_REGISTRY_URL" 2>&1 | head -c 300))" \
  "$CDCCTL_PYTHON" "$LIB/incremental_check.py" "$TMP/$C.table" --kafka "$CDCCTL_KAFKA_BROKERS" "$TOPIC" --registry "$CDCCTL_REGISTRY_URL"
check_chunks_of_500 "--kafka Avro" "$C" "$C" "$TMP/c.stats"

# --- D: signal table, pause/resume, stop, a table added later, refusals ----------------------
make_table "${D}_main" 50000
make_table "${D}_stop" 100000
make_table "${D}_late" 3000
make_table "${D}_out" 10
sql "create table public.${D}_nokey (id int, v int); insert into public.${D}_nokey values (1, 1)"
sql "create table public.${D}_sig (id varchar(42) primary key, type varchar(32) not null, data varchar(2048))"
sql "create publication $D for table public.${D}_main, public.${D}_stop, public.${D}_nokey"
OUT=$TMP/d.ndjson ERR=$TMP/d.err
set +e
"$BIN" stream --slot "${D}_x" --publication "$D" --signal-table "public.${D}_sig" >/dev/null 2>"$TMP/d-x.err"
status=$?
set -e
check "--signal-table outside the publication is refused before the slot is created (exit $status: $(cat "$TMP/d-x.err"))" \
  bash -c "[ $status -ne 0 ] && grep -q 'table public.${D}_sig is not in publication $D' '$TMP/d-x.err' && [ \$(psql '$CDCCTL_PG_URL' -XAtc \"select count(*) from pg_replication_slots where slot_name = '${D}_x'\") = 0 ]"
sql "alter publication $D add table public.${D}_sig"
stream_start "$D" "$OUT" "$ERR" --signal-table "public.${D}_sig" --chunk-size 500
set +e
"$BIN" snapshot --incremental -t "public.${D}_nokey" --slot "$D" >"$TMP/nokey.out" 2>"$TMP/nokey.err"
status=$?
set -e
check "a table without a primary key is refused: exit $status, one line ($(cat "$TMP/nokey.err"))" \
  bash -c "[ $status -ne 0 ] && [ \$(wc -l <'$TMP/nokey.err') -eq 1 ] && grep -q 'has no primary key' '$TMP/nokey.err' && [ ! -s '$TMP/nokey.out' ]"
# A signal written by hand for it: the stream says so and goes on.
sql "select pg_logical_emit_message(true, 'cdcctl.signal', '{\"type\":\"execute-snapshot\",\"data\":{\"data-collections\":[\"public.${D}_nokey\",\"public.${D}_out\"],\"type\":\"incremental\"}}')" >/dev/null
check "a hand-written signal for the key-less table: the stream refuses it in one line" \
  wait_line "$ERR" "incremental snapshot of public.${D}_nokey refused: table public.${D}_nokey has no primary key" 20
check "…and a table outside the publication" wait_line "$ERR" "incremental snapshot of public.${D}_out refused: table public.${D}_out is not in publication $D" 20

"$BIN" snapshot --incremental -t "public.${D}_main" --slot "$D" --signal-table "public.${D}_sig" --chunk-size 100 2>"$TMP/d-signal.err" \
  || bad "snapshot --incremental --signal-table failed: $(cat "$TMP/d-signal.err")"
check "a signal table row starts the snapshot" wait_chunks "$D" "${D}_main" 5 60
"$BIN" snapshot --incremental --pause --slot "$D" 2>/dev/null || bad "--pause failed"
check "pause-snapshot: the stream says so" wait_line "$ERR" "incremental snapshots paused" 20
sleep 1
paused_at=$(chunks "$D" "${D}_main")
sql "insert into public.${D}_main values (900001, 1)"
sleep 2
check "while paused no chunk is read ($paused_at chunks, then $(chunks "$D" "${D}_main"))" [ "$(chunks "$D" "${D}_main")" = "$paused_at" ]
check "…and changes still stream" grep -q '"after":{"id":900001,' "$OUT"
check "…and the state table says paused" [ "$(sql "select paused from cdcctl.incremental_snapshot where slot = '$D' and table_name = '${D}_main'")" = t ]
"$BIN" snapshot --incremental --resume --slot "$D" 2>/dev/null || bad "--resume failed"
check "resume-snapshot: the snapshot goes on to the end" wait_state "$D" "${D}_main" done 120

sql "alter publication $D add table public.${D}_late"
"$BIN" snapshot --incremental -t "public.${D}_late" --slot "$D" 2>/dev/null || bad "snapshot --incremental of the late table failed"
check "a table added to the publication later is snapshotted on request" wait_state "$D" "${D}_late" done 60

"$BIN" snapshot --incremental -t "public.${D}_stop" --slot "$D" --chunk-size 100 2>/dev/null || bad "snapshot --incremental failed"
wait_chunks "$D" "${D}_stop" 3 60 || bad "the snapshot to stop did not start"
"$BIN" snapshot --incremental --stop -t "public.${D}_stop" --slot "$D" 2>/dev/null || bad "--stop failed"
check "stop-snapshot: the state table says stopped" wait_state "$D" "${D}_stop" stopped 30
sleep 1
reads_at_stop=$(grep -c "\"table\":\"${D}_stop\".*\"op\":\"r\"" "$OUT" || true)
sleep 2
reads_after=$(grep -c "\"table\":\"${D}_stop\".*\"op\":\"r\"" "$OUT" || true)
check "…and no read comes after it ($reads_at_stop reads of 100000, then $reads_after)" bash -c "[ $reads_at_stop = $reads_after ] && [ $reads_at_stop -lt 100000 ]"
stop_stream "$D"

for t in main late; do
  dump "${D}_$t"
  check "replaying ${D}_$t equals the table ($("$CDCCTL_PYTHON" "$LIB/incremental_check.py" "$TMP/${D}_$t.table" --table "${D}_$t" --ndjson "$OUT" 2>&1 | head -c 200))" \
    "$CDCCTL_PYTHON" "$LIB/incremental_check.py" "$TMP/${D}_$t.table" --table "${D}_$t" --ndjson "$OUT"
done
check "no signal, watermark or signal table row came out as an event" \
  bash -c "! grep -q -e '\"op\":\"m\"' -e '\"table\":\"${D}_sig\"' -e 'cdcctl.watermark' -e 'cdcctl.signal' '$OUT'"

[ "$ok" -eq 1 ] || exit 1
