#!/usr/bin/env bash
# e2e/stream-resume-snapshot.sh — a first `cdcctl stream` that fails never makes the next one skip
# the rows already in the table (issue #11, item 1):
#   A. refused before anything exists: an unreachable broker (-b 127.0.0.1:1) and an invalid
#      slot name fail the run, and no slot, publication or snapshot mark is left behind; a role
#      that cannot write cdcctl.snapshot_state is refused before the slot is created.
#   B. kill -9 during the initial snapshot of a 300,000-row table, to stdout: the slot is left
#      with its snapshot marked pending in cdcctl.snapshot_state; the rerun says so, takes a fresh
#      snapshot and streams on, and replaying both runs' output (plus later changes) gives exactly
#      the table's rows; the rerun reads every row once and marks the snapshot complete.
#   C. the same with --kafka (JSON records): every row of the table and every later change is in
#      the topic (read back with confluent-kafka).
#   D. the same with --kafka --exactly-once (100,000 rows): the snapshot chunks committed before
#      the kill stay, the rerun's fresh snapshot and stream complete the topic.
# Duplicates are allowed where README "Stream changes" says (the first run's partial snapshot,
# changes between the slot's creation and the fresh snapshot). Uses the stack ($CDCCTL_PG_URL,
# $CDCCTL_KAFKA_BROKERS, $CDCCTL_PYTHON) with fresh names. CDCCTL_BIN overrides the binary.
set -euo pipefail

NAME=stream-resume-snapshot
. "$(dirname "$0")/lib/preamble.sh"
ROWS=300000

echo "$NAME: a stream that fails before its snapshot completed leaves nothing behind, or a state the next run completes"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_PYTHON
require_cmd psql

SFX=$$_$RANDOM
A=rs_a_$SFX; B=rs_b_$SFX; C=rs_c_$SFX; D=rs_d_$SFX
TMP=$(mktemp -d /tmp/cdcctl-resume.XXXXXX)
PID=
sql() { psql "$CDCCTL_PG_URL" -XqAt -v ON_ERROR_STOP=1 -c "$1"; }
exists() { [ "$(sql "select (select count(*) from pg_replication_slots where slot_name = '$1') + (select count(*) from pg_publication where pubname = '$1')")" != 0 ]; }
mark() { sql "select coalesce((select state from cdcctl.snapshot_state where slot = '$1'), 'none')" 2>/dev/null || echo none; }
cleanup() {
  set +e
  [ -z "$PID" ] || { kill -9 "$PID"; wait "$PID"; } 2>/dev/null
  local s
  for s in "$A" "$B" "$C" "$D"; do
    for _ in $(seq 100); do [ "$(sql "select count(*) from pg_replication_slots where slot_name = '$s' and active")" = 0 ] && break; sleep 0.1; done
    sql "select pg_drop_replication_slot('$s') from pg_replication_slots where slot_name = '$s'" >/dev/null 2>&1
    sql "drop publication if exists $s; drop table if exists public.$s" >/dev/null 2>&1
    sql "delete from cdcctl.snapshot_state where slot = '$s'" >/dev/null 2>&1
  done
  rm -rf "$TMP"
}
trap cleanup EXIT

# --- A: refused before anything is created --------------------------------------------------
sql "create table public.$A (id int primary key, v int); insert into public.$A select g, g from generate_series(1, 100) g"
set +e
timeout 60 "$BIN" stream --slot "$A" --publication "$A" -t "public.$A" -b 127.0.0.1:1 --format json -m 2 >"$TMP/a.out" 2>"$TMP/a.err"
status=$?
set -e
check "an unreachable broker fails the run (exit $status: $(head -c 200 "$TMP/a.err"))" [ "$status" -ne 0 ] && [ "$status" -ne 124 ]
check "…and leaves no slot or publication behind" bash -c "! { $(declare -f sql exists); exists $A; }"
check "…and no snapshot mark" [ "$(mark "$A")" = none ]
set +e
"$BIN" stream --slot "Bad-$A" --publication "$A" -t "public.$A" >"$TMP/a2.out" 2>"$TMP/a2.err"
status=$?
set -e
check "an invalid slot name fails the run (exit $status: $(head -c 200 "$TMP/a2.err"))" [ "$status" -ne 0 ]
check "…before the publication is created" bash -c "! { $(declare -f sql exists); exists $A; }"

# A role that may replicate and read but not create cdcctl.snapshot_state (the publication
# exists already) is refused before the slot is created, with the GRANT that fixes it.
ROLE=rs_role_$SFX
sql "create role $ROLE login replication; grant select on public.$A to $ROLE; create publication $A for table public.$A"
sql "do \$\$ begin if to_regclass('cdcctl.snapshot_state') is not null then execute 'revoke all on cdcctl.snapshot_state from $ROLE'; end if; end \$\$"
set +e
"$BIN" stream --db "${CDCCTL_PG_URL/postgres@/$ROLE@}" --slot "$A" --publication "$A" >"$TMP/a3.out" 2>"$TMP/a3.err"
status=$?
set -e
check "a role that cannot record the snapshot state is refused (exit $status: $(head -c 300 "$TMP/a3.err"))" \
  bash -c "[ $status -ne 0 ] && grep -q 'GRANT' '$TMP/a3.err'"
check "…before the slot is created" [ "$(sql "select count(*) from pg_replication_slots where slot_name = '$A'")" = 0 ]
sql "drop publication $A; revoke all on public.$A from $ROLE; drop role $ROLE"

# --- B: kill -9 during the initial snapshot, to stdout -----------------------------------------
sql "create table public.$B (id int primary key, v int); insert into public.$B select g, g from generate_series(1, $ROWS) g"
: >"$TMP/b1.ndjson"   # wc below may run before the background stream opens it
"$BIN" stream --slot "$B" --publication "$B" -t "public.$B" >"$TMP/b1.ndjson" 2>"$TMP/b1.err" &
PID=$!
for _ in $(seq 600); do [ "$(wc -l <"$TMP/b1.ndjson")" -gt 2000 ] && break; sleep 0.05; done
# A change committed after the slot exists, while its snapshot is being read.
sql "update public.$B set v = -1 where id = $ROWS"
kill -9 "$PID"; wait "$PID" 2>/dev/null || true; PID=
first=$(wc -l <"$TMP/b1.ndjson")
check "the first run was killed mid-snapshot ($first of $ROWS rows out)" [ "$first" -lt "$ROWS" ]
check "the slot's snapshot is marked pending" [ "$(mark "$B")" = pending ]
sql "update public.$B set v = v * 10 where id <= 10; delete from public.$B where id = 11; insert into public.$B values ($ROWS + 1, 7)"
END=$(sql "select pg_current_wal_lsn()")
timeout 300 "$BIN" stream --slot "$B" --publication "$B" -t "public.$B" --endpos "$END" >"$TMP/b2.ndjson" 2>"$TMP/b2.err" \
  || bad "the rerun failed: $(cat "$TMP/b2.err")"
check "the rerun says it takes a fresh snapshot" grep -q "never completed: taking a fresh snapshot" "$TMP/b2.err"
check "the slot's snapshot is marked complete" [ "$(mark "$B")" = complete ]
sql "select id, v from public.$B order by id" | tr '|' ' ' >"$TMP/b.table"
check "replaying both runs gives the table ($("$CDCCTL_PYTHON" "$LIB/replay_check.py" "$TMP/b.table" "$TMP/b1.ndjson" "$TMP/b2.ndjson" --reads-once "$TMP/b2.ndjson" 2>&1 | head -c 300))" \
  "$CDCCTL_PYTHON" "$LIB/replay_check.py" "$TMP/b.table" "$TMP/b1.ndjson" "$TMP/b2.ndjson" --reads-once "$TMP/b2.ndjson"
check "…and the rerun alone does too" "$CDCCTL_PYTHON" "$LIB/replay_check.py" "$TMP/b.table" "$TMP/b2.ndjson"
reads=$(grep -c '"op":"r"' "$TMP/b2.ndjson" || true)
check "the rerun read every row once ($reads reads)" [ "$reads" -eq "$ROWS" ]

# --- C: the same with --kafka ----------------------------------------------------------------
TOPIC=t$C.public.$C
sql "create table public.$C (id int primary key, v int); insert into public.$C select g, g from generate_series(1, $ROWS) g"
"$BIN" stream --slot "$C" --publication "$C" -t "public.$C" --kafka --format json --topic-prefix "t$C" >/dev/null 2>"$TMP/c1.err" &
PID=$!
for _ in $(seq 600); do [ "$(sql "select count(*) from pg_replication_slots where slot_name = '$C'")" = 1 ] && break; sleep 0.05; done
sleep 1
sql "update public.$C set v = -1 where id = $ROWS"
kill -9 "$PID"; wait "$PID" 2>/dev/null || true; PID=
check "the Kafka run was killed with its snapshot pending" [ "$(mark "$C")" = pending ]
sql "update public.$C set v = v * 10 where id <= 10; insert into public.$C values ($ROWS + 1, 7)"
END=$(sql "select pg_current_wal_lsn()")
timeout 600 "$BIN" stream --slot "$C" --publication "$C" -t "public.$C" --kafka --format json --topic-prefix "t$C" --endpos "$END" \
  >/dev/null 2>"$TMP/c2.err" || bad "the Kafka rerun failed: $(cat "$TMP/c2.err")"
check "the Kafka rerun marks the snapshot complete" [ "$(mark "$C")" = complete ]
"$CDCCTL_PYTHON" "$LIB/kafka_topic_ids.py" "$CDCCTL_KAFKA_BROKERS" "$TOPIC" >"$TMP/c.ids" 2>"$TMP/c.ids.log" || bad "cannot read $TOPIC: $(cat "$TMP/c.ids.log")"
seq 1 $((ROWS + 1)) >"$TMP/c.want"
awk '$1 == "r" || $1 == "c" { print $2 }' "$TMP/c.ids" | sort -n -u >"$TMP/c.have"
check "every row of the table is in the topic ($(wc -l <"$TMP/c.have") ids)" cmp -s "$TMP/c.want" "$TMP/c.have"
check "every later change is in the topic" bash -c "[ \$(awk '\$1 == \"u\" && \$2 <= 10' '$TMP/c.ids' | sort -u -k2,2n | wc -l) -eq 10 ] && grep -q '^c $((ROWS + 1)) ' '$TMP/c.ids'"

# --- D: the same with --kafka --exactly-once ----------------------------------------------------
DROWS=100000
TOPIC=t$D.public.$D
sql "create table public.$D (id int primary key, v int); insert into public.$D select g, g from generate_series(1, $DROWS) g"
"$BIN" stream --slot "$D" --publication "$D" -t "public.$D" --kafka --format json --exactly-once --topic-prefix "t$D" >/dev/null 2>"$TMP/d1.err" &
PID=$!
for _ in $(seq 600); do [ "$(sql "select count(*) from pg_replication_slots where slot_name = '$D'")" = 1 ] && break; sleep 0.05; done
sleep 1
kill -9 "$PID"; wait "$PID" 2>/dev/null || true; PID=
check "the exactly-once run was killed with its snapshot pending" [ "$(mark "$D")" = pending ]
sql "update public.$D set v = v * 10 where id <= 10; insert into public.$D values ($DROWS + 1, 7)"
END=$(sql "select pg_current_wal_lsn()")
timeout 600 "$BIN" stream --slot "$D" --publication "$D" -t "public.$D" --kafka --format json --exactly-once --topic-prefix "t$D" --endpos "$END" \
  >/dev/null 2>"$TMP/d2.err" || bad "the exactly-once rerun failed: $(cat "$TMP/d2.err")"
check "the exactly-once rerun marks the snapshot complete" [ "$(mark "$D")" = complete ]
"$CDCCTL_PYTHON" "$LIB/kafka_topic_ids.py" "$CDCCTL_KAFKA_BROKERS" "$TOPIC" >"$TMP/d.ids" 2>"$TMP/d.ids.log" || bad "cannot read $TOPIC: $(cat "$TMP/d.ids.log")"
seq 1 $((DROWS + 1)) >"$TMP/d.want"
awk '$1 == "r" || $1 == "c" { print $2 }' "$TMP/d.ids" | sort -n -u >"$TMP/d.have"
check "exactly-once: every row of the table is in the topic ($(wc -l <"$TMP/d.have") ids)" cmp -s "$TMP/d.want" "$TMP/d.have"
check "exactly-once: every later change is in the topic" bash -c "[ \$(awk '\$1 == \"u\" && \$2 <= 10' '$TMP/d.ids' | sort -u -k2,2n | wc -l) -eq 10 ] && grep -q '^c $((DROWS + 1)) ' '$TMP/d.ids'"

[ "$ok" -eq 1 ] || exit 1
