#!/usr/bin/env bash
# e2e/snapshot-parallel.sh — `cdcctl snapshot --parallel N` and `stream --parallel N` (issue #11,
# item 3): a table read in N ctid ranges on N connections sharing one exported snapshot is
#   (a) the same set of rows as the serial snapshot, in range order (here: the id order rows
#       were inserted in), with source.snapshot markers first … last as before;
#   (a2) a reader that gives up (stdout closed) ends with one error line, its ranges cancelled;
#   (b) one consistent state while another connection commits: a writer moves amounts between
#       random rows (and so moves rows to new pages), keeping the sum; every parallel snapshot
#       taken meanwhile holds each id once and the invariant sum;
#   (c) the same through `stream --parallel 3 --snapshot initial-only`, inside the slot's snapshot.
# Uses the stack's database ($CDCCTL_PG_URL). CDCCTL_BIN overrides the binary.
set -euo pipefail

NAME=snapshot-parallel
. "$(dirname "$0")/lib/preamble.sh"
ROWS=200000

echo "$NAME: a parallel snapshot equals the serial one and stays consistent under concurrent writes"
require_bin
require_env CDCCTL_PG_URL
require_cmd psql jq pgbench

T=sp_$$_$RANDOM
TMP=$(mktemp -d /tmp/cdcctl-parallel.XXXXXX)
WRITER=
sql() { psql "$CDCCTL_PG_URL" -XqAt -v ON_ERROR_STOP=1 -c "$1"; }
cleanup() {
  set +e
  [ -z "$WRITER" ] || { kill "$WRITER"; wait "$WRITER"; } 2>/dev/null
  for _ in $(seq 100); do [ "$(sql "select count(*) from pg_replication_slots where slot_name = '$T' and active")" = 0 ] && break; sleep 0.1; done
  sql "select pg_drop_replication_slot('$T') from pg_replication_slots where slot_name = '$T'" >/dev/null 2>&1
  sql "drop publication if exists $T; drop table if exists public.$T; delete from cdcctl.snapshot_state where slot = '$T'" >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT

sql "create table public.$T (id int primary key, amount int not null, pad text); insert into public.$T select g, 100, repeat('x', 50) from generate_series(1, $ROWS) g"
TOTAL=$((ROWS * 100))
summary() { jq -r '[.after.id, .after.amount] | @tsv' "$1" | awk '{ ids[$1]++; sum += $2; n++ } END { printf "%d %d %d\n", n, length(ids), sum }'; }

# (a) serial and parallel, no writer
"$BIN" snapshot -q -t "public.$T" >"$TMP/serial.ndjson" || fail "serial snapshot failed"
for n in 2 3; do
  "$BIN" snapshot -q -t "public.$T" --parallel "$n" >"$TMP/p$n.ndjson" 2>"$TMP/p$n.err" || fail "--parallel $n failed: $(cat "$TMP/p$n.err")"
  check "--parallel $n: the same rows as the serial snapshot" \
    cmp -s <(jq -c .after "$TMP/serial.ndjson" | sort) <(jq -c .after "$TMP/p$n.ndjson" | sort)
  check "--parallel $n: range after range (ids ascending, as inserted)" bash -c "jq -r .after.id '$TMP/p$n.ndjson' | sort -n -c"
  check "--parallel $n: markers first, true…, last" \
    [ "$(jq -r .source.snapshot "$TMP/p$n.ndjson" | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')" = "first:1 true:$((ROWS - 2)) last:1 " ]
done

# (a2) the reader gives up mid-table (stdout closed while ranges 2 and 3 wait with full buffers):
# one error line and exit 1, promptly, the range connections cancelled (no crash, no COPY left)
set +e
( trap '' PIPE; "$BIN" snapshot -q -t "public.$T" --parallel 3 2>"$TMP/pipe.err"; echo $? >"$TMP/pipe.status" ) | head -n 1000 >/dev/null
set -e
check "--parallel 3 with stdout closed early: exit 1 and one error line (exit $(cat "$TMP/pipe.status"): $(head -c 200 "$TMP/pipe.err"))" \
  bash -c "[ \"\$(cat '$TMP/pipe.status')\" = 1 ] && [ \"\$(wc -l <'$TMP/pipe.err')\" = 1 ] && grep -q 'Broken pipe' '$TMP/pipe.err'"
sleep 0.5
check "…and no COPY of the table is left running" [ "$(sql "select count(*) from pg_stat_activity where query like 'COPY%$T%' and pid <> pg_backend_pid()")" = 0 ]

# (b) a writer moves amounts between rows, keeping the sum, while parallel snapshots run
cat >"$TMP/writer.sql" <<SQL
\set a random(1, $ROWS)
\set b random(1, $ROWS)
BEGIN;
UPDATE public.$T SET amount = amount - 7 WHERE id = :a;
UPDATE public.$T SET amount = amount + 7 WHERE id = :b;
COMMIT;
SQL
pgbench -n -f "$TMP/writer.sql" -T 300 "$CDCCTL_PG_URL" >"$TMP/writer.log" 2>&1 &
WRITER=$!
sleep 1
for n in 2 3 4; do
  "$BIN" snapshot -q -t "public.$T" --parallel "$n" >"$TMP/w$n.ndjson" 2>"$TMP/w$n.err" || fail "--parallel $n under writes failed: $(cat "$TMP/w$n.err")"
  got=$(summary "$TMP/w$n.ndjson")
  check "--parallel $n under concurrent transfers: $ROWS events, $ROWS ids, sum $TOTAL (got: $got)" [ "$got" = "$ROWS $ROWS $TOTAL" ]
done
moved=$(sql "select count(*) from public.$T where amount <> 100")
check "the writer did move amounts meanwhile ($moved rows changed)" [ "$moved" -gt 0 ]

# (c) stream's initial snapshot inside the slot's exported snapshot, in parallel
timeout 300 "$BIN" stream --slot "$T" --publication "$T" -t "public.$T" --snapshot initial-only --parallel 3 \
  >"$TMP/stream.ndjson" 2>"$TMP/stream.err" || bad "stream --parallel 3 failed: $(cat "$TMP/stream.err")"
got=$(summary "$TMP/stream.ndjson")
check "stream --parallel 3 --snapshot initial-only under transfers: $ROWS ids, sum $TOTAL (got: $got)" [ "$got" = "$ROWS $ROWS $TOTAL" ]

[ "$ok" -eq 1 ] || exit 1
