#!/usr/bin/env bash
# e2e/kafka-exactly-once-new-cluster.sh — `cdcctl stream --exactly-once` keeps the committed
# position of a slot in the offsets topic; a slot of the same name on ANOTHER cluster (dump and
# restore, failover to a rebuilt server) has its own, lower WAL positions, and skipping by the
# recorded position there would drop every change (issue #15, item 4).
#   1. On the stack's server: a stream with --exactly-once records a position in
#      <prefix>.cdcctl-offsets (the stack's WAL is first moved 64 MB on with pg_switch_wal, so
#      that the position is surely ahead of everything the second cluster writes).
#   2. A throw-away cluster (initdb, wal_level=logical, on a free loopback port) with the same
#      table, slot, publication, prefix and offsets topic:
#      a. without --reset-offsets the run refuses: non-zero exit, exactly one stderr line naming
#         the other cluster (both system identifiers) and --reset-offsets, and no slot left
#         behind on the new cluster;
#      b. with --reset-offsets every row reaches Kafka: the two rows there before the run (in the
#         initial snapshot) and the two inserted while it streams, each once (read_committed).
# Uses the stack ($CDCCTL_PG_URL, $CDCCTL_KAFKA_BROKERS); the throw-away cluster lives in a
# temporary directory that is always removed. CDCCTL_BIN overrides the binary, CDCCTL_PG_BIN the
# PostgreSQL binaries (default /usr/lib/postgresql/15/bin).
set -euo pipefail

NAME=kafka-exactly-once-new-cluster
. "$(dirname "$0")/lib/preamble.sh"

echo "$NAME: a position recorded on another cluster is refused, and --reset-offsets streams every row"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS
source "$LIB/cluster.sh"
require_cluster_tools
require_cmd psql

S=keonc_$$_$RANDOM
TABLE=public.$S
TOPIC=$S.$TABLE
TMP=$(mktemp -d /tmp/cdcctl-eo-new-cluster.XXXXXX)
PID=""
source "$LIB/stream.sh"

cleanup() {
  set +e
  [ -z "$PID" ] || { kill -9 "$PID"; wait "$PID"; } 2>/dev/null
  stop_cluster
  cleanup_stream_test
}
trap cleanup EXIT

start_cluster "$TMP" $((56000 + RANDOM % 800)) -- -c wal_level=logical
URL2=$CLUSTER_URL
sql2() { psql "$URL2" -XqAt -v ON_ERROR_STOP=1 -c "$1"; }

stream_args=(-t "$TABLE" --slot "$S" --publication "$S" --kafka --format json --topic-prefix "$S" --exactly-once -q)
# "op id" of every record of the table's topic, read_committed (nothing is aborted in this test).
records() { "$BIN" consume -t "$TOPIC" -e -q -f '%s\n' -X isolation.level=read_committed | sed -n 's/.*"after":{"id":\([0-9]*\).*"op":"\([a-z]\)".*/\2 \1/p' | sort; }
lsn_num() { local hi=${1%/*} lo=${1#*/}; echo $(( (16#$hi << 32) + 16#$lo )); }

# 1. The stack's server: a position recorded far ahead of the new cluster's WAL.
sql "create table $TABLE (id int primary key, v text)"
for _ in 1 2 3 4; do sql "insert into $TABLE values (-1, 'x'); delete from $TABLE; select pg_switch_wal()" >/dev/null; done
sql "insert into $TABLE values (1, 'old cluster')"
"$BIN" stream "${stream_args[@]}" --snapshot initial-only 2>"$TMP/err-old0" || { cat "$TMP/err-old0"; fail "the snapshot run on the stack's server failed"; }
sql "insert into $TABLE values (2, 'old cluster')"
END=$(sql "select pg_current_wal_lsn()")
"$BIN" stream "${stream_args[@]}" --endpos "$END" 2>"$TMP/err-old1" || { cat "$TMP/err-old1"; fail "the stream on the stack's server failed"; }
recorded=$("$BIN" consume -t "$S.cdcctl-offsets" -e -q -f '%s\n' -X isolation.level=read_committed | tail -n 1)
[ -n "$recorded" ] || fail "no position recorded in $S.cdcctl-offsets"
echo "recorded on the stack's server: $recorded"

# 2. The new cluster: same table, slot, publication, prefix and offsets topic; lower positions.
sql2 "create table $TABLE (id int primary key, v text)"
sql2 "insert into $TABLE values (101, 'new cluster'), (102, 'new cluster')"
new_lsn=$(sql2 "select pg_current_wal_lsn()")
rec_lsn=$(sed -n 's/.*"lsn":"\([0-9A-F/]*\)".*/\1/p' <<<"$recorded")
[ "$(lsn_num "$new_lsn")" -lt "$(lsn_num "$rec_lsn")" ] \
  || fail "the new cluster's WAL ($new_lsn) is not behind the recorded position ($rec_lsn): the test would prove nothing"

# 2a. Without --reset-offsets: refused before anything happens (--endpos: an old binary that does
# not refuse exits by itself).
set +e
timeout 60 "$BIN" stream --db "$URL2" "${stream_args[@]}" --endpos "$new_lsn" >"$TMP/out-refused" 2>"$TMP/err-refused"
rc=$?
set -e
echo "stderr of the run without --reset-offsets:"; sed 's/^/  | /' "$TMP/err-refused"
exited_with_error() { [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; }   # 124: timed out
check "without --reset-offsets the run fails (exit $rc)" exited_with_error
check "it writes exactly one line to stderr" [ "$(wc -l <"$TMP/err-refused")" -eq 1 ]
sysid2=$(psql "$URL2" -XqAt -c "select system_identifier from pg_control_system()")
sysid1=$(psql "$CDCCTL_PG_URL" -XqAt -c "select system_identifier from pg_control_system()")
check "the line names the other cluster (system identifiers $sysid1 and $sysid2), the slot and --reset-offsets" \
  grep -q "^cdcctl: error: .*slot $S.*another cluster.*$sysid1.*$sysid2.*--reset-offsets" "$TMP/err-refused"
check "no slot is left behind on the new cluster" [ "$(sql2 "select count(*) from pg_replication_slots where slot_name = '$S'")" = 0 ]

# 2b. With --reset-offsets: the snapshot's rows, then the rows inserted while it streams.
"$BIN" stream --db "$URL2" "${stream_args[@]}" --reset-offsets --status-interval 1 >"$TMP/out-reset" 2>"$TMP/err-reset" &
PID=$!
for _ in $(seq 300); do [ "$(sql2 "select count(*) from pg_replication_slots where slot_name = '$S' and active")" = 1 ] && break; sleep 0.1; done
sql2 "insert into $TABLE values (103, 'new cluster, streamed')"
sql2 "insert into $TABLE values (104, 'new cluster, streamed')"
want=$(printf '%s\n' "r 1" "c 2" "r 101" "r 102" "c 103" "c 104" | sort)
for _ in $(seq 60); do [ "$(records)" = "$want" ] && break; sleep 0.5; done
kill -TERM "$PID" 2>/dev/null || true; rc=0; wait "$PID" || rc=$?; PID=""
check "with --reset-offsets the stream exits 0 on SIGTERM (exit $rc)" [ "$rc" -eq 0 ]
got=$(records)
check "every row of the new cluster reaches Kafka once (snapshot 101, 102; streamed 103, 104), next to the old cluster's 1 (snapshot) and 2; have: $(tr '\n' ',' <<<"$got")" \
  [ "$got" = "$want" ]
last=$("$BIN" consume -t "$S.cdcctl-offsets" -e -q -f '%s\n' -X isolation.level=read_committed | tail -n 1)
check "the offsets topic now names the new cluster ($last)" grep -q "\"system\":\"$sysid2\"" <<<"$last"

if [ "$ok" -ne 1 ]; then
  for f in "$TMP"/err-*; do echo "$(basename "$f"):"; sed 's/^/  | /' "$f"; done
  exit 1
fi
echo "PASS: $NAME"
