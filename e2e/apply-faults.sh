#!/usr/bin/env bash
# apply-faults: `cdcctl apply` from a Kafka topic of ~14,000 change events into a throw-away
# PostgreSQL cluster, through faults. Each scenario starts from an empty target and must end
# with target = source and, by a trigger that logs every row the target receives, no change
# applied twice:
#   A. kill -9 of apply mid-run, three times, then a run to the end;
#   B. the target restarted with `pg_ctl restart -m immediate` while apply runs;
#   C. a broker outage: apply reads through a `tansu proxy` that is stopped for a while;
#   D. two apply processes in one group (-G) on a 4-partition topic;
#   E. kill -9 of apply reading the change events from stdin (a file), then the same file again.
set -euo pipefail
NAME=apply-faults
. "$(dirname "$0")/lib/preamble.sh"
. "$LIB/cluster.sh"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_TANSU
require_cluster_tools

TMP=$(mktemp -d)
chmod 755 "$TMP"
SRC=$CDCCTL_PG_URL
SCHEMA=apply_faults
S=apply_faults
PROXY_PID=
show() { [ -s "$1" ] || return 0; echo "$2:"; tail -n 30 "$1" | sed 's/^/  | /'; }
die() { echo "FAIL: $NAME: $*"; for f in "$TMP"/*.err; do show "$f" "$(basename "$f")"; done; exit 1; }
cleanup() {
  [ -z "$PROXY_PID" ] || kill "$PROXY_PID" 2>/dev/null || true
  for p in $(jobs -p); do kill -9 "$p" 2>/dev/null || true; done
  stop_cluster
  q "$SRC" "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name like '${S}%' and not active" >/dev/null 2>&1 || true
  q "$SRC" "drop schema if exists $SCHEMA cascade; drop publication if exists $S" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
q() { PGOPTIONS="-c client_min_messages=warning" psql "$1" -XqAt -v ON_ERROR_STOP=1 -c "$2"; }

mkdir "$TMP/cluster"
start_cluster "$TMP/cluster" 56100
DST=$CLUSTER_URL
TABLE_SQL="create schema $SCHEMA; create sequence $SCHEMA.verseq;
create table $SCHEMA.items (id int primary key, ver bigint not null default nextval('$SCHEMA.verseq'), qty int, note text, at timestamptz default '2026-01-01')"

# The source and its changes, streamed to two topics (1 and 4 partitions) and kept there.
q "$SRC" "drop schema if exists $SCHEMA cascade; drop publication if exists $S; $TABLE_SQL; create publication $S for table $SCHEMA.items"
for topic in one four file; do
  q "$SRC" "select pg_drop_replication_slot('${S}_$topic') from pg_replication_slots where slot_name = '${S}_$topic'" >/dev/null
  q "$SRC" "select pg_create_logical_replication_slot('${S}_$topic', 'pgoutput')" >/dev/null
done
q "$SRC" "insert into $SCHEMA.items (id, qty, note) select i, i, 'n' || i from generate_series(1, 5000) i"
for r in $(seq 1 30); do
  q "$SRC" "update $SCHEMA.items set qty = qty + 1, ver = nextval('$SCHEMA.verseq') where id % 30 = $((r % 30))"
  q "$SRC" "begin; delete from $SCHEMA.items where id % 97 = $r; insert into $SCHEMA.items (id, qty, note) select i, -i, 'back $r' from generate_series($((5000 + r * 10)), $((5009 + r * 10))) i; commit"
  q "$SRC" "update $SCHEMA.items set id = id + 100000, ver = nextval('$SCHEMA.verseq') where id = $((r * 13))"
done
# A truncate has no key, so on a topic of several partitions it is not ordered with the rows of
# the other partitions (README): the 4-partition topic ends before it, compared with a copy.
before_truncate=$(q "$SRC" "select pg_current_wal_lsn()")
q "$SRC" "create table $SCHEMA.items_before as select * from $SCHEMA.items"
q "$SRC" "truncate $SCHEMA.items; insert into $SCHEMA.items (id, qty, note) select i, i, 'after truncate' from generate_series(1, 3000) i"
q "$SRC" "update $SCHEMA.items set note = 'last', ver = nextval('$SCHEMA.verseq') where id % 4 = 0"
end=$(q "$SRC" "select pg_current_wal_lsn()")
"$BIN" stream -q --slot "${S}_one" --publication "$S" --snapshot never --endpos "$end" --kafka --topic-prefix "af1$$" 2>"$TMP/stream1.err" || die "stream (1 partition)"
"$BIN" stream -q --slot "${S}_four" --publication "$S" --snapshot never --endpos "$before_truncate" --kafka --topic-prefix "af4$$" --partitions 4 2>"$TMP/stream4.err" || die "stream (4 partitions)"
"$BIN" stream -q --slot "${S}_file" --publication "$S" --snapshot never --endpos "$end" >"$TMP/events.ndjson" 2>"$TMP/streamf.err" || die "stream (stdout)"
TOPIC1=af1$$.$SCHEMA.items
TOPIC4=af4$$.$SCHEMA.items

fresh_target() {
  q "$DST" "drop schema if exists $SCHEMA cascade; drop table if exists cdcctl_apply_offsets; $TABLE_SQL;
create table $SCHEMA.applied (id int, ver bigint, op text);
create function $SCHEMA.log_applied() returns trigger language plpgsql as \$\$
begin
  if tg_op = 'DELETE' then insert into $SCHEMA.applied values (old.id, old.ver, tg_op);
  else insert into $SCHEMA.applied values (new.id, new.ver, tg_op); end if;
  return null;
end \$\$;
create trigger log_applied after insert or update or delete on $SCHEMA.items for each row execute function $SCHEMA.log_applied()"
}
applied() { q "$DST" "select count(*) from $SCHEMA.applied" 2>/dev/null || echo 0; }
same_rows() { diff <(q "$SRC" "select * from $SCHEMA.${1:-items} order by id") <(q "$DST" "select * from $SCHEMA.items order by id") >"$TMP/diff" || { head -5 "$TMP/diff"; return 1; }; }
nothing_twice() {
  [ "$(q "$DST" "select count(*) from (select 1 from $SCHEMA.applied group by id, ver, op having count(*) > 1) d")" = 0 ]
}
wait_applied() {   # wait_applied N: until the target received more than N rows (40 s at most)
  for _ in $(seq 400); do [ "$(applied)" -gt "$1" ] && return 0; sleep 0.1; done
  return 1
}
# A killed member holds its partitions until its session times out: keep that short.
apply_args=(--db "$DST" -q --batch-size 200 --linger-ms 20 -e -X session.timeout.ms=6000 -X heartbeat.interval.ms=500 -X max.poll.interval.ms=7000)

# A. kill -9 mid-run, three times.
fresh_target
for k in 1 2 3; do
  before=$(applied)
  "$BIN" apply "${apply_args[@]}" -t "$TOPIC1" -G "afa-$$" 2>>"$TMP/a.err" &
  pid=$!
  wait_applied "$before" || die "A: apply applied nothing"
  sleep 0.$((RANDOM % 5))
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
done
"$BIN" apply "${apply_args[@]}" -t "$TOPIC1" -G "afa-$$" 2>>"$TMP/a.err" || die "A: the last apply failed"
check "A: kill -9 mid-run: target = source" same_rows
check "A: kill -9 mid-run: no change applied twice" nothing_twice

# B. pg_ctl restart -m immediate of the target while apply runs.
fresh_target
"$BIN" apply "${apply_args[@]}" -t "$TOPIC1" -G "afb-$$" 2>"$TMP/b.err" &
pid=$!
wait_applied 0 || die "B: apply applied nothing"
"${CLUSTER_AS[@]}" "$PGBIN/pg_ctl" restart -D "$CLUSTER_DATA" -m immediate -w -t 30 >/dev/null || die "B: restart failed"
wait "$pid" || die "B: apply failed after the target restarted"
check "B: target restart: apply said it retried" grep -q "target is unavailable" "$TMP/b.err"
check "B: target restart: target = source" same_rows
check "B: target restart: no change applied twice" nothing_twice

# C. A broker outage through a tansu proxy.
. "$LIB/proxy.sh"
proxy_port
start_proxy
fresh_target
"$BIN" apply "${apply_args[@]}" -t "$TOPIC1" -G "afc-$$" -b "$PROXY" -X max.partition.fetch.bytes=20000 2>"$TMP/c.err" &
pid=$!
wait_applied 0 || die "C: apply applied nothing"
stop_proxy
sleep 4
start_proxy
wait "$pid" || die "C: apply failed after the broker came back"
stop_proxy
check "C: broker outage: target = source" same_rows
check "C: broker outage: no change applied twice" nothing_twice

# D. Two apply processes sharing a 4-partition topic through one group.
fresh_target
"$BIN" apply "${apply_args[@]}" -t "$TOPIC4" -G "afd-$$" 2>"$TMP/d1.err" &
p1=$!
"$BIN" apply "${apply_args[@]}" -t "$TOPIC4" -G "afd-$$" 2>"$TMP/d2.err" &
p2=$!
wait "$p1" || die "D: the first apply failed"
wait "$p2" || die "D: the second apply failed"
check "D: two processes, one group: target = source" same_rows items_before
check "D: two processes, one group: no change applied twice" nothing_twice
check "D: every partition has its position in the target" test "$(q "$DST" "select count(*) from cdcctl_apply_offsets where name = 'afd-$$'")" = 4
# E. kill -9 of apply reading stdin, then the same input again: it skips what is applied.
fresh_target
"$BIN" apply --db "$DST" -q --batch-size 200 <"$TMP/events.ndjson" 2>"$TMP/e.err" &
pid=$!
wait_applied 0 || die "E: apply applied nothing"
sleep 0.$((RANDOM % 5))
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
partial=$(applied)
"$BIN" apply --db "$DST" -q --batch-size 200 <"$TMP/events.ndjson" 2>>"$TMP/e.err" || die "E: the second apply failed"
check "E: kill -9 reading stdin: target = source" same_rows
check "E: kill -9 reading stdin: no change applied twice" nothing_twice
check "E: the kill came mid-input" test "$partial" -lt "$(applied)"
[ "$ok" -eq 1 ] || exit 1
