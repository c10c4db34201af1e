#!/usr/bin/env bash
# e2e/stream-server-changed.sh — after a lost connection, `cdcctl stream` reconnects only to the
# cluster it started on. Here the address comes back as another cluster (its own initdb, so
# another system identifier) that has a table, publication and slot of the same names, as a
# failover to a rebuilt server or a switch behind a virtual IP would present it. Resuming there
# would read that slot's WAL from this stream's position, which means nothing in that cluster:
# the stream must stop with one line naming the change, and write none of the other cluster's rows.
# On throw-away clusters (e2e/lib/cluster.sh), with wal_level=logical. CDCCTL_BIN overrides the binary.
set -euo pipefail

NAME=stream-server-changed
. "$(dirname "$0")/lib/preamble.sh"
. "$LIB/cluster.sh"

echo "$NAME: a stream stops, instead of resuming, when its address comes back as another cluster"
require_bin
require_cmd psql
require_cluster_tools

cluster_test_dir server-changed

prepare() {   # the same table, publication and slot on whichever cluster answers at $DB
  psql "$DB" -XqAt -v ON_ERROR_STOP=1 -c "create table public.t (id int primary key, v text)" \
    -c "create publication changed_pub for table public.t" \
    -c "select 1 from pg_create_logical_replication_slot('changed_slot', 'pgoutput')" >/dev/null
}

mkdir "$TMP/first" "$TMP/second"
start_cluster "$TMP/first" 56500 -- -c wal_level=logical
FIRST_DATA=$CLUSTER_DATA   # until the second cluster starts, the EXIT trap stops this one
PORT=$CLUSTER_PORT
DB=$CLUSTER_URL
prepare
psql "$DB" -XqAt -c "insert into public.t values (1, 'first cluster')"
"$BIN" stream --db "$DB" --slot changed_slot --publication changed_pub --no-create-slot --snapshot never >"$TMP/out" 2>"$TMP/err" &
PID=$!
for _ in $(seq 100); do grep -q "first cluster" "$TMP/out" && break; sleep 0.1; done
check "the stream reads the first cluster's change" grep -q "first cluster" "$TMP/out"

# The address goes away and comes back as another cluster with the same names.
"${CLUSTER_AS[@]}" "$PGBIN/pg_ctl" stop -D "$FIRST_DATA" -m fast -w >/dev/null
start_cluster "$TMP/second" "$PORT" -- -c wal_level=logical
[ "$CLUSTER_PORT" = "$PORT" ] || fail "the second cluster did not get port $PORT (got $CLUSTER_PORT)"
prepare
psql "$DB" -XqAt -c "insert into public.t values (2, 'second cluster')"

status=0
for _ in $(seq 300); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$PID" 2>/dev/null; then status=running; else wait "$PID" || status=$?; fi
PID=
check "the stream stopped on its own (exit $status)" bash -c "[ '$status' != running ] && [ '$status' -ne 0 ]"
check "its last line names the other cluster and the slot" \
  bash -c "tail -n 1 '$TMP/err' | grep -q \"^cdcctl: error: after reconnecting, the server is another cluster (system identifier .*, was system identifier .*): .*replication slot changed_slot there does not hold the position\""
check "it wrote none of the other cluster's rows" bash -c "! grep -q 'second cluster' '$TMP/out'"
check "no other error line" test "$(grep -c '^cdcctl: error:' "$TMP/err")" = 1
if [ "$ok" -ne 1 ]; then
  echo "stderr was:"; sed 's/^/  | /' "$TMP/err"
  exit 1
fi
echo "PASS: $NAME"
