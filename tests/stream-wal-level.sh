#!/usr/bin/env bash
# tests/stream-wal-level.sh — `cdcctl stream` against a server whose wal_level is not logical
# must fail with one clear line on stderr (`cdcctl: error: wal_level is 'replica' … wal_level =
# logical …`), nothing on stdout, and a non-zero exit.
#
# Starts its own throw-away PostgreSQL 15 cluster (wal_level=replica) on a free loopback port,
# in a temporary directory that is always removed; the stack's server is not touched.
# Environment: CDCCTL_BIN (default: .build/debug/cdcctl), CDCCTL_PG_BIN (default:
# /usr/lib/postgresql/15/bin).
set -euo pipefail

NAME=stream-wal-level
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${CDCCTL_BIN:-$REPO/.build/debug/cdcctl}
PGBIN=${CDCCTL_PG_BIN:-/usr/lib/postgresql/15/bin}

echo "$NAME: cdcctl stream refuses wal_level=replica with a one-line error"
fail() { echo "FAIL: $NAME: $*"; exit 1; }
[ -x "$BIN" ] || fail "no cdcctl binary at $BIN (run swift build or set CDCCTL_BIN)"
for tool in initdb pg_ctl; do [ -x "$PGBIN/$tool" ] || fail "no $tool in $PGBIN"; done
command -v psql >/dev/null || fail "psql not found"

# initdb refuses to run as root: then run the server as the unprivileged user cdcctl
# (the one scripts/stack uses).
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  id -u cdcctl >/dev/null 2>&1 || useradd --system --no-create-home cdcctl
  as_owner=(runuser -u cdcctl --)
fi

TMP=$(mktemp -d /tmp/cdcctl-wal-level.XXXXXX)
DATA=$TMP/data
started=0
cleanup() {
  if [ "$started" -eq 1 ]; then
    "${as_owner[@]}" "$PGBIN/pg_ctl" stop -D "$DATA" -m immediate -w >/dev/null 2>&1 || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
[ "${#as_owner[@]}" -eq 0 ] || chown cdcctl: "$TMP"

# A free loopback port: nothing accepts a connection on it.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=55499
while port_busy "$PORT"; do
  PORT=$((PORT + 1))
  [ "$PORT" -lt 55599 ] || fail "no free port in 55499-55598"
done

"${as_owner[@]}" "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust -N >"$TMP/initdb.log" 2>&1 \
  || { cat "$TMP/initdb.log"; fail "initdb failed"; }
started=1
"${as_owner[@]}" "$PGBIN/pg_ctl" start -D "$DATA" -w -t 15 -l "$TMP/server.log" \
  -o "-c port=$PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$TMP -c wal_level=replica -c fsync=off" \
  >/dev/null || { cat "$TMP/server.log" 2>/dev/null || true; fail "the throw-away server did not start on port $PORT"; }

URL=postgresql://postgres@127.0.0.1:$PORT/postgres
level=$(psql "$URL" -XAtq -v ON_ERROR_STOP=1 -c "CREATE TABLE public.t (id int PRIMARY KEY)" -c "SHOW wal_level") \
  || fail "cannot prepare the throw-away server"
[ "$level" = replica ] || fail "the throw-away server has wal_level '$level', expected replica"

set +e
timeout 10 "$BIN" stream --db "$URL" --slot s --publication p -t public.t >"$TMP/stdout" 2>"$TMP/stderr"
rc=$?
set -e

ok=1
check() {  # check DESCRIPTION COMMAND...: PASS if the command succeeds
  local what=$1; shift
  if "$@"; then echo "PASS: $NAME: $what"; else echo "FAIL: $NAME: $what"; ok=0; fi
}
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
