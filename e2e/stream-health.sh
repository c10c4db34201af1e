#!/usr/bin/env bash
# e2e/stream-health.sh — `/healthz` of `cdcctl stream --metrics-listen` follows the stream through
# a database outage: 200 `ok streaming` while it streams, 503 `reconnecting` while PostgreSQL is
# down and the stream retries (cdcctl_streaming 0), 200 again once it is back, and no change made
# around the outage is lost. On a throw-away cluster (e2e/lib/cluster.sh: stopping the stack's
# server would disturb the other tests), with wal_level=logical. CDCCTL_BIN overrides the binary.
set -euo pipefail

NAME=stream-health
. "$(dirname "$0")/lib/preamble.sh"
. "$LIB/metrics.sh"
. "$LIB/cluster.sh"

echo "$NAME: /healthz says 503 while the stream rides out a database outage, 200 otherwise"
require_bin
require_env CDCCTL_PYTHON
require_cmd psql curl
require_cluster_tools

cluster_test_dir health

mkdir "$TMP/cluster"
start_cluster "$TMP/cluster" 56400 -- -c wal_level=logical
DB=$CLUSTER_URL
sql() { psql "$DB" -XqAt -v ON_ERROR_STOP=1 -c "$1"; }
pg_ctl_cluster() { "${CLUSTER_AS[@]}" "$PGBIN/pg_ctl" "$@" -D "$CLUSTER_DATA" -w -t 30 >/dev/null; }

sql "create table public.t (id int primary key, v text); insert into public.t values (1, 'snapshot')"
"$BIN" stream --db "$DB" --slot health_slot --publication health_pub -t public.t --metrics-listen 127.0.0.1:0 \
  >"$TMP/out" 2>"$TMP/err" &
PID=$!
wait_metrics_url "$TMP/err" "$PID"

# health: "CODE BODY" of /healthz.
health() { printf '%s %s' "$(curl -s -o "$TMP/body" -w '%{http_code}' "$URL/healthz")" "$(cat "$TMP/body")"; }
# health_is SECONDS WANT: until /healthz answers WANT (every 0.2 s).
health_is() {
  for _ in $(seq $(( $1 * 5 ))); do [ "$(health)" = "$2" ] && return 0; sleep 0.2; done
  echo "  /healthz answered: $(health)"; return 1
}
streaming_gauge() { "$CDCCTL_PYTHON" "$LIB/metrics_scrape.py" "$URL/metrics" cdcctl_streaming; }
lines_with() { grep -c "$1" "$TMP/out" || true; }

check "streaming: 200 ok streaming" health_is 20 "200 ok streaming"
sql "insert into public.t values (2, 'before the outage')"
check "the change before the outage arrives" bash -c "for _ in \$(seq 50); do [ \"\$(grep -c 'before the outage' '$TMP/out')\" -ge 1 ] && exit 0; sleep 0.2; done; exit 1"

pg_ctl_cluster stop -m fast || fail "pg_ctl stop failed"
check "PostgreSQL down: 503 reconnecting" health_is 20 "503 reconnecting"
check "…and cdcctl_streaming is 0 ($(streaming_gauge 2>&1))" test "$(streaming_gauge 2>/dev/null)" = 0
check "…and the stream is still running" kill -0 "$PID"

pg_ctl_cluster start -l "$TMP/cluster/server.log" -o "-c port=$CLUSTER_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$TMP/cluster -c fsync=off -c wal_level=logical" \
  || fail "pg_ctl start failed"
sql "insert into public.t values (3, 'after the outage')"
check "PostgreSQL back: 200 ok streaming again" health_is 60 "200 ok streaming"
check "…and cdcctl_streaming is 1" test "$(streaming_gauge 2>/dev/null)" = 1
check "the change after the outage arrives" bash -c "for _ in \$(seq 100); do [ \"\$(grep -c 'after the outage' '$TMP/out')\" -ge 1 ] && exit 0; sleep 0.2; done; exit 1"
check "every row arrived: snapshot, before, after ($(lines_with '"id":'))" \
  bash -c "grep -q '\"snapshot\"' '$TMP/out' && grep -q 'before the outage' '$TMP/out' && grep -q 'after the outage' '$TMP/out'"

kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=
check "SIGTERM exits 0 (exit $rc)" test "$rc" -eq 0
check "after the stream stopped, nothing answers" bash -c "! curl -s -m 2 '$URL/healthz' >/dev/null"
if [ "$ok" -ne 1 ]; then
  echo "stderr was:"; sed 's/^/  | /' "$TMP/err"
  exit 1
fi
echo "PASS: $NAME"
