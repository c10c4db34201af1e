#!/usr/bin/env bash
# e2e/stream-wal-level.sh — `cdcctl stream` against a server whose wal_level is not logical
# must fail with one clear line on stderr (`cdcctl: error: wal_level is 'replica' … wal_level =
# logical …`), nothing on stdout, and a non-zero exit.
#
# Starts its own throw-away PostgreSQL 15 cluster (wal_level=replica) on a free loopback port,
# in a temporary directory that is always removed; the stack's server is not touched.
# Environment: CDCCTL_BIN (default: .build/debug/cdcctl), CDCCTL_PG_BIN (default:
# /usr/lib/postgresql/15/bin).
set -euo pipefail

NAME=stream-wal-level
. "$(dirname "$0")/lib/preamble.sh"

echo "$NAME: cdcctl stream refuses wal_level=replica with a one-line error"
require_bin
source "$LIB/cluster.sh"
require_cluster_tools
require_cmd psql

TMP=$(mktemp -d /tmp/cdcctl-wal-level.XXXXXX)
cleanup() {
  stop_cluster
  rm -rf "$TMP"
}
trap cleanup EXIT
start_cluster "$TMP" 55499 -- -c wal_level=replica
URL=$CLUSTER_URL
level=$(psql "$URL" -XAtq -v ON_ERROR_STOP=1 -c "CREATE TABLE public.t (id int PRIMARY KEY)" -c "SHOW wal_level") \
  || fail "cannot prepare the throw-away server"
[ "$level" = replica ] || fail "the throw-away server has wal_level '$level', expected replica"

set +e
timeout 10 "$BIN" stream --db "$URL" --slot s --publication p -t public.t >"$TMP/stdout" 2>"$TMP/stderr"
rc=$?
set -e

one_line() { [ "$(wc -l <"$1")" -eq 1 ] && [ -z "$(tail -n +2 "$1")" ]; }
exited_with_error() { [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; }   # 124: timed out
check "exits non-zero (exit $rc)" exited_with_error
check "writes nothing to stdout" test ! -s "$TMP/stdout"
check "writes exactly one line to stderr" one_line "$TMP/stderr"
check "the line starts with \"cdcctl: error: wal_level is 'replica'\"" \
  grep -q "^cdcctl: error: wal_level is 'replica'" "$TMP/stderr"
check "the line says \"wal_level = logical\"" grep -qF "wal_level = logical" "$TMP/stderr"
echo "stderr was:"
sed 's/^/  | /' "$TMP/stderr"
if [ "$ok" -ne 1 ]; then
  [ ! -s "$TMP/stdout" ] || { echo "stdout was:"; head -n 5 "$TMP/stdout" | sed 's/^/  | /'; }
  exit 1
fi
echo "PASS: $NAME"
