#!/usr/bin/env bash
# e2e/stream-metrics.sh — `cdcctl stream --metrics-listen` on the real stack, scraped with
# prometheus_client's parser (e2e/lib/metrics_scrape.py): the exposition parses; /healthz
# answers; the event counters match the events written, by table and op (snapshot rows as op
# r), and the events on stdout; every transaction is in the commit-to-acknowledge histogram;
# the acknowledged LSN reaches the server's WAL position and the lag falls to 0 when idle;
# `--max-retained-wal` warns on stderr once the slot retains more; a quiet stream says once
# that it waits for changes; SIGTERM still exits 0.
# Environment: the stack's (eval "$(scripts/stack up)"), CDCCTL_BIN.
set -euo pipefail

NAME=stream-metrics
. "$(dirname "$0")/lib/preamble.sh"
. "$LIB/metrics.sh"
. "$LIB/stream.sh"

echo "$NAME: metrics of a stream, scraped while it runs"
require_bin
require_env CDCCTL_PG_URL CDCCTL_PYTHON
require_cmd psql curl
"$CDCCTL_PYTHON" -c 'import prometheus_client' 2>/dev/null || fail "prometheus_client is not in $CDCCTL_PYTHON's venv (scripts/setup installs it)"

S=e2e_metrics_$$
TABLE=public.${S}_a
TABLE_B=public.${S}_b
FILLER=public.${S}_filler
TMP=$(mktemp -d /tmp/cdcctl-$NAME.XXXXXX)
PID=""
HOLDER=""
cleanup() {
  [ -z "$HOLDER" ] || kill "$HOLDER" 2>/dev/null || true
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  sql "drop table if exists $TABLE_B, $FILLER" >/dev/null 2>&1 || true
  cleanup_stream_test
}
trap cleanup EXIT

sql "create table $TABLE (id int primary key, v text); create table $TABLE_B (id int primary key);
     create table $FILLER (id int, pad text); insert into $TABLE values (1, 'a'), (2, 'b'), (3, 'c')"

"$BIN" stream --slot "$S" --publication "$S" -t "$TABLE" -t "$TABLE_B" --metrics-listen 127.0.0.1:0 \
  --heartbeat-interval 1 --max-retained-wal 256kB >"$TMP/out" 2>"$TMP/err" &
PID=$!
wait_metrics_url "$TMP/err" "$PID"

scrape() { "$CDCCTL_PYTHON" "$LIB/metrics_scrape.py" "$URL/metrics" "$@"; }
# wait_for SECONDS CMD...: until CMD succeeds (every 0.5 s).
wait_for() {
  local n=$(( $1 * 2 )); shift
  for _ in $(seq "$n"); do "$@" && return 0; sleep 0.5; done
  return 1
}
metric_is() { [ "$(scrape "${@:2}" 2>/dev/null)" = "$1" ]; }
acknowledged_reaches() { [ "$(scrape cdcctl_acknowledged_lsn 2>/dev/null || echo 0)" -ge "$1" ]; }
waiting_notice() { grep -q "waiting for changes" "$TMP/err"; }

healthz_streaming() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")$(curl -s "$URL/healthz")" = "200ok streaming" ]; }
check "/healthz answers 200 ok streaming once the snapshot is out (e2e/stream-health.sh covers its 503)" wait_for 20 healthz_streaming
check "an unknown path is 404" test "$(curl -s -o /dev/null -w '%{http_code}' "$URL/nope")" = 404
parses() { scrape >"$TMP/scrape"; }
check "the exposition parses with prometheus_client" parses
check "the snapshot's 3 rows are counted as op r" wait_for 10 metric_is 3 cdcctl_events_total table="$TABLE" op=r
check "the idle stream says it is waiting for changes" wait_for 10 waiting_notice

sql "insert into $TABLE values (4, 'd'), (5, 'e')"
sql "insert into $TABLE values (6, 'f')"
sql "update $TABLE set v = 'x' where id in (1, 2)"
sql "delete from $TABLE where id = 3"
sql "insert into $TABLE_B select generate_series(1, 4)"
sql "truncate $TABLE_B"
target=$(sql "select pg_current_wal_lsn() - '0/0'::pg_lsn")

check "the acknowledged LSN reaches the server's WAL position after the writes ($target)" wait_for 20 acknowledged_reaches "$target"
check "$TABLE: 3 creates" metric_is 3 cdcctl_events_total table="$TABLE" op=c
check "$TABLE: 2 updates" metric_is 2 cdcctl_events_total table="$TABLE" op=u
check "$TABLE: 1 delete" metric_is 1 cdcctl_events_total table="$TABLE" op=d
check "$TABLE_B: 4 creates" metric_is 4 cdcctl_events_total table="$TABLE_B" op=c
check "$TABLE_B: 1 truncate" metric_is 1 cdcctl_events_total table="$TABLE_B" op=t
check "6 streamed transactions" metric_is 6 cdcctl_transactions_total
check "the latency histogram has every transaction" metric_is 6 cdcctl_commit_to_acknowledge_seconds_count
check "3 snapshot rows" metric_is 3 cdcctl_snapshot_rows_total
check "no errors, no reconnects" test "$(scrape cdcctl_errors_total)$(scrape cdcctl_reconnects_total)" = 00
# The counters agree with what went to stdout, op by op.
for op in r c u d t; do
  lines=$(grep -c "\"op\":\"$op\"" "$TMP/out" || true)
  counted=$(scrape | awk -v op="op=\"$op\"" '$1 ~ /^cdcctl_events_total/ && index($1, op) { s += $2 } END { print s + 0 }')
  check "op $op: $lines events on stdout, $counted counted" test "$lines" = "$counted"
done
check "the lag falls to 0 when idle" wait_for 20 metric_is 0 cdcctl_lag_bytes
check "the waiting notice came once" test "$(grep -c 'waiting for changes' "$TMP/err")" = 1

# Retained WAL: an open transaction holds the slot's restart_lsn back while other WAL is
# written, so the slot retains more than --max-retained-wal for longer than one reading.
psql "$CDCCTL_PG_URL" -XqAt -c "begin; insert into $FILLER values (0, 'open'); select pg_sleep(15); commit" >/dev/null 2>&1 &
HOLDER=$!
sleep 0.5
sql "insert into $FILLER select g, repeat('x', 200) from generate_series(1, 5000) g"
over_limit() { grep -q "^cdcctl: warning: replication slot $S retains .* more than --max-retained-wal 256 kB" "$TMP/err"; }
retained_over() { [ "$(scrape cdcctl_slot_retained_wal_bytes 2>/dev/null || echo 0)" -gt 262144 ]; }
check "--max-retained-wal 256kB warns on stderr" wait_for 15 over_limit
check "cdcctl_slot_retained_wal_bytes shows more than 256 kB" retained_over
check "the warning came once" test "$(grep -c 'more than --max-retained-wal' "$TMP/err")" = 1
wait "$HOLDER" || true
HOLDER=""

kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=""
check "SIGTERM exits 0 (exit $rc)" test "$rc" -eq 0
if [ "$ok" -ne 1 ]; then
  echo "stderr was:"; sed 's/^/  | /' "$TMP/err"
  exit 1
fi
echo "PASS: $NAME"
