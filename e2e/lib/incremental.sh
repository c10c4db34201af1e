# e2e/lib/incremental.sh — helpers of the incremental snapshot tests (sourced after preamble.sh,
# with $TMP set; the caller keeps $STREAM and $WRITER, the pids these start, for its cleanup):
#   sql SQL                      psql -XqAt on $CDCCTL_PG_URL
#   make_table NAME ROWS         public.NAME (id int primary key, v int) with ROWS rows
#   writer_start TABLE MAXKEY [TPS]   a pgbench writer (update, delete, insert-or-update per
#   writer_stop                  transaction on keys below and above the largest; TPS
#                                transactions a second, default 1000) / its end
#   progress SLOT TABLE          "state chunks" of cdcctl.incremental_snapshot ("none 0")
#   chunks SLOT TABLE            its chunk count
#   wait_chunks SLOT TABLE N S   wait up to S seconds for N chunks recorded
#   wait_state SLOT TABLE ST S   wait up to S seconds for state ST
#   wait_line FILE TEXT S        wait up to S seconds for TEXT in FILE
#   stream_start SLOT OUT ERR ARGS...   `cdcctl stream` on SLOT (publication SLOT), running
#   stop_stream SLOT             once the slot acknowledged the WAL so far, SIGTERM the stream
#   dump TABLE                   SELECT id, v into $TMP/TABLE.table (incremental_check.py's input)
#   jstat FILE EXPR              EXPR of the JSON in FILE (as s)
#   stop_writer_and_stream       for an EXIT trap: the writer and the stream, if they run
#   check_chunks_of_500 LABEL SLOT TABLE STATS   the checks of a 20,000-row table read with
#                                --chunk-size 500 (STATS: incremental_check.py --stats)
# (Not executable, so scripts/test does not run it.)

sql() { psql "$CDCCTL_PG_URL" -XqAt -v ON_ERROR_STOP=1 -c "$1"; }

make_table() {   # name rows
  sql "create table public.$1 (id int primary key, v int); insert into public.$1 select g, g from generate_series(1, $2) g; analyze public.$1"
}

# A pgbench writer on table $1 over keys 1..$2: per transaction an update, a delete and an
# insert-or-update, on keys below and above the table's largest key; $3 transactions a second.
writer_start() {
  cat >"$TMP/writer-$1.sql" <<SQL
\\set k random(1, $2)
\\set j random(1, $2)
BEGIN;
UPDATE public.$1 SET v = v + 1 WHERE id = :k;
DELETE FROM public.$1 WHERE id = :j;
INSERT INTO public.$1 VALUES (:k + 7, 7) ON CONFLICT (id) DO UPDATE SET v = public.$1.v * 2;
COMMIT;
SQL
  pgbench -n -c 2 -T 900 -R "${3:-1000}" -f "$TMP/writer-$1.sql" "$CDCCTL_PG_URL" >"$TMP/writer-$1.log" 2>&1 &
  WRITER=$!
}
writer_stop() {
  kill -TERM "$WRITER" 2>/dev/null || true   # (SIGINT is ignored by background jobs of a script)
  wait "$WRITER" 2>/dev/null || true
  WRITER=
}

progress() { sql "select coalesce((select state || ' ' || chunks from cdcctl.incremental_snapshot where slot = '$1' and table_name = '$2'), 'none 0')"; }
chunks() { progress "$1" "$2" | cut -d' ' -f2; }
wait_chunks() {   # slot table n seconds
  local i
  for i in $(seq $(($4 * 10))); do [ "$(chunks "$1" "$2")" -ge "$3" ] && return 0; sleep 0.1; done
  return 1
}
wait_state() {   # slot table state seconds
  local i
  for i in $(seq $(($4 * 10))); do [ "$(progress "$1" "$2" | cut -d' ' -f1)" = "$3" ] && return 0; sleep 0.1; done
  return 1
}
wait_line() {   # file text seconds
  local i
  for i in $(seq $(($3 * 10))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
stop_writer_and_stream() {
  [ -z "$WRITER" ] || { kill "$WRITER"; wait "$WRITER"; } 2>/dev/null || true
  [ -z "$STREAM" ] || { kill -9 "$STREAM"; wait "$STREAM"; } 2>/dev/null || true
}
# stop_stream SLOT: once the slot has acknowledged the WAL written so far, stop the stream (SIGTERM).
stop_stream() {
  local end i
  end=$(sql "select pg_current_wal_lsn()")
  for i in $(seq 600); do
    [ "$(sql "select confirmed_flush_lsn >= '$end' from pg_replication_slots where slot_name = '$1'")" = t ] && break
    sleep 0.1
  done
  kill -TERM "$STREAM"; wait "$STREAM" || bad "the stream on $1 exited with status $?"
  STREAM=
}
stream_start() {   # slot out err args...
  local slot=$1 out=$2 err=$3
  shift 3
  "$BIN" stream --slot "$slot" --publication "$slot" --snapshot never --status-interval 1 --heartbeat-interval 1 "$@" >"$out" 2>"$err" &
  STREAM=$!
  local i
  for i in $(seq 300); do
    [ "$(sql "select count(*) from pg_replication_slots where slot_name = '$slot' and active")" = 1 ] && return 0
    kill -0 "$STREAM" 2>/dev/null || break
    sleep 0.1
  done
  fail "the stream on $slot did not start: $(cat "$err")"
}
dump() { sql "select id, v from public.$1" | tr '|' ' ' >"$TMP/$1.table"; }
jstat() { "$CDCCTL_PYTHON" -c "import json,sys; s=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
# The writer deletes rows while chunks are read, so 20,000 rows need not make 40 full chunks:
# what --chunk-size 500 shows is that there were incremental reads, no chunk held more than 500
# rows (chunks × 500 ≥ the reads), and there are more chunks than the default 1024 makes (≤ 20).
check_chunks_of_500() {   # label slot table stats
  local n reads
  n=$(chunks "$2" "$3")
  reads=$(jstat "$4" "s['sources'][0]['incremental']")
  check "$1: incremental reads came ($reads of them)" [ "$reads" -gt 10000 ]
  check "$1: $n chunks of at most 500 rows for $reads incremental reads" bash -c "[ $((n * 500)) -ge $reads ] && [ $n -ge 30 ]"
}
