#!/usr/bin/env bash
# e2e/incremental-snapshot-key.sh — incremental snapshots of a table without a primary key, by
# the stream's --key columns, and incremental snapshots under --exactly-once (issue #11, item 4;
# item 2 with --exactly-once), against the stack's PostgreSQL and Kafka:
#   E. a table (id int NOT NULL, v int) with a unique index on id and REPLICA IDENTITY FULL, no
#      primary key: `snapshot --incremental` accepts it (saying that the stream decides); a
#      stream without --key refuses it in one line on its stderr; a stream with --key public.E:id
#      snapshots it in 500-row chunks while a pgbench writer updates, deletes and inserts, and
#      replaying its NDJSON (latest event per key, deletes removing) equals SELECT *. A --key on
#      a nullable column is refused by the stream in one line; a table with no unique index on NOT
#      NULL columns is refused by `snapshot --incremental` in one line, exit non-zero, nothing on
#      stdout.
#   F. --kafka --format json --exactly-once: a 20,000-row table in 500-row chunks with a writer
#      (100 transactions a second) running, kill -9 of the stream mid-snapshot, a restart resumes
#      after the last chunk committed to Kafka, and replaying the topic equals SELECT *. (Tansu's
#      read_committed also shows aborted records — the Kafka transaction open at the kill:
#      latest-per-key replay tolerates them, as they are sent again, or overwritten, later in the
#      topic; this test does not count records.)
# Uses the stack ($CDCCTL_PG_URL, $CDCCTL_KAFKA_BROKERS, $CDCCTL_PYTHON) and pgbench.
# CDCCTL_BIN overrides the binary.
set -euo pipefail

NAME=incremental-snapshot-key
. "$(dirname "$0")/lib/preamble.sh"

echo "$NAME: incremental snapshots of a key-less table by --key, and with --exactly-once through Kafka, end equal to the table"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_PYTHON
require_cmd psql pgbench

SFX=$$_$RANDOM
E=inck_e_$SFX; F=inck_f_$SFX
TMP=$(mktemp -d /tmp/cdcctl-incremental-key.XXXXXX)
STREAM= WRITER=
. "$LIB/incremental.sh"
cleanup() {
  set +e
  stop_writer_and_stream
  local s
  for s in "$E" "${E}_n" "$F"; do
    for _ in $(seq 100); do [ "$(sql "select count(*) from pg_replication_slots where slot_name = '$s' and active")" = 0 ] && break; sleep 0.1; done
    sql "select pg_drop_replication_slot('$s') from pg_replication_slots where slot_name = '$s'" >/dev/null 2>&1
    sql "drop publication if exists $s" >/dev/null 2>&1
    sql "delete from cdcctl.incremental_snapshot where slot = '$s'" >/dev/null 2>&1
  done
  sql "drop table if exists $E, ${E}_null, ${E}_bare, $F" >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT

# --- E: a key-less table, chunked by --key --------------------------------------------------
sql "create table public.$E (id int not null, v int); create unique index ${E}_id on public.$E (id)
     ; alter table public.$E replica identity full; insert into public.$E select g, g from generate_series(1, 20000) g; analyze public.$E"
sql "create table public.${E}_null (id int not null, v int); create unique index ${E}_null_id on public.${E}_null (id); insert into public.${E}_null values (1, 1)"
sql "create table public.${E}_bare (id int, v int); insert into public.${E}_bare values (1, 1)"

# Without --key: snapshot --incremental accepts the table (it has a unique NOT NULL column), the stream refuses it.
stream_start "${E}_n" "$TMP/en.ndjson" "$TMP/en.err" -t "public.$E"
"$BIN" snapshot --incremental -t "public.$E" --slot "${E}_n" 2>"$TMP/en-signal.err" || bad "snapshot --incremental of the key-less table with a unique index failed: $(cat "$TMP/en-signal.err")"
check "snapshot --incremental says the stream decides ($(grep -m1 'no primary key' "$TMP/en-signal.err" || true))" \
  grep -q "table public.$E has no primary key: the stream reads it in chunks by its --key public.$E:… columns" "$TMP/en-signal.err"
wait_line "$TMP/en.err" refused 20 || true
check "without --key the stream refuses the key-less table in one line, naming --key ($(grep -m1 refused "$TMP/en.err" || true))" \
  wait_line "$TMP/en.err" "incremental snapshot of public.$E refused: table public.$E has no primary key: .*--key (unique index ${E}_id would do: .stream --key public.$E:id.)" 20
sleep 1
check "…and reads none of it" bash -c "! grep -q '\"op\":\"r\"' '$TMP/en.ndjson'"
stop_stream "${E}_n"

set +e
"$BIN" snapshot --incremental -t "public.${E}_bare" --slot "${E}_n" >"$TMP/bare.out" 2>"$TMP/bare.err"
status=$?
set -e
check "a table without a primary key or unique NOT NULL column is refused: exit $status, one line ($(cat "$TMP/bare.err"))" \
  bash -c "[ $status -ne 0 ] && [ \$(wc -l <'$TMP/bare.err') -eq 1 ] && grep -q 'has no primary key and no unique index on NOT NULL columns' '$TMP/bare.err' && [ ! -s '$TMP/bare.out' ]"

# With --key: chunks of 500 by id while the writer changes the table.
stream_start "$E" "$TMP/e.ndjson" "$TMP/e.err" -t "public.$E" -t "public.${E}_null" --key "public.$E:id" --key "public.${E}_null:v" --chunk-size 500
writer_start "$E" 22000
"$BIN" snapshot --incremental -t "public.$E" -t "public.${E}_null" --slot "$E" 2>"$TMP/e-signal.err" || bad "snapshot --incremental failed: $(cat "$TMP/e-signal.err")"
wait_line "$TMP/e.err" "${E}_null refused" 20 || true
check "a nullable --key column is refused by the stream in one line ($(grep -m1 "${E}_null refused" "$TMP/e.err" || true))" \
  wait_line "$TMP/e.err" "incremental snapshot of public.${E}_null refused: table public.${E}_null has no primary key and its --key column v is nullable" 20
wait_state "$E" "$E" done 120 || bad "the --key incremental snapshot did not finish within 120 s: $(progress "$E" "$E"); $(tail -3 "$TMP/e.err")"
writer_stop
stop_stream "$E"
dump "$E"
check "--key: replaying the NDJSON equals the table ($("$CDCCTL_PYTHON" "$LIB/incremental_check.py" "$TMP/$E.table" --table "$E" --stats "$TMP/e.stats" --ndjson "$TMP/e.ndjson" 2>&1 | head -c 300))" \
  "$CDCCTL_PYTHON" "$LIB/incremental_check.py" "$TMP/$E.table" --table "$E" --ndjson "$TMP/e.ndjson"
check_chunks_of_500 "--key" "$E" "$E" "$TMP/e.stats"

# --- F: --exactly-once through Kafka, kill -9 mid-snapshot ---------------------------------
make_table "$F" 20000
TOPIC=p$F.public.$F
eo=(-t "public.$F" --kafka --format json --topic-prefix "p$F" --exactly-once --chunk-size 500)
stream_start "$F" "$TMP/f1.out" "$TMP/f1.err" "${eo[@]}"
# 100 transactions a second: with --exactly-once each is a Kafka transaction, which Tansu
# commits more slowly than PostgreSQL; a writer faster than that only makes the stream lag.
writer_start "$F" 22000 100
"$BIN" snapshot --incremental -q -t "public.$F" --slot "$F" || bad "snapshot --incremental failed"
# (Its stderr line, not the state table: a grep every 0.1 s sees the first chunk sooner than
# psql would, and chunks are quick.)
wait_line "$TMP/f1.err" "incremental snapshot of public.$F: chunk 1 durable" 60 || bad "no chunk durable within 60 s: $(progress "$F" "$F"); $(tail -3 "$TMP/f1.err")"
kill -9 "$STREAM"; wait "$STREAM" 2>/dev/null || true; STREAM=
at_kill=$(progress "$F" "$F")
check "--exactly-once: kill -9 mid-snapshot ($at_kill of 40 chunks)" bash -c "[ '${at_kill% *}' = running ] && [ ${at_kill#* } -lt 40 ]"
stream_start "$F" "$TMP/f2.out" "$TMP/f2.err" "${eo[@]}"
check "--exactly-once: the restart resumes after chunk ${at_kill#* } ($(grep -m1 resuming "$TMP/f2.err" || true))" \
  grep -q "incremental snapshot of public.$F: resuming after chunk ${at_kill#* } " "$TMP/f2.err"
wait_state "$F" "$F" done 120 || bad "the --exactly-once incremental snapshot did not finish within 120 s: $(progress "$F" "$F"); $(tail -3 "$TMP/f2.err")"
writer_stop
stop_stream "$F"
dump "$F"
check "--exactly-once: replaying the topic equals the table ($("$CDCCTL_PYTHON" "$LIB/incremental_check.py" "$TMP/$F.table" --stats "$TMP/f.stats" --kafka "$CDCCTL_KAFKA_BROKERS" "$TOPIC" 2>&1 | head -c 300))" \
  "$CDCCTL_PYTHON" "$LIB/incremental_check.py" "$TMP/$F.table" --kafka "$CDCCTL_KAFKA_BROKERS" "$TOPIC"
check "--exactly-once: the topic holds incremental reads ($(jstat "$TMP/f.stats" "s['sources'][0]['incremental']") of them)" \
  [ "$(jstat "$TMP/f.stats" "s['sources'][0]['incremental']")" -ge 18000 ]

[ "$ok" -eq 1 ] || exit 1
