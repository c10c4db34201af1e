#!/usr/bin/env bash
# e2e/snapshot-progress.sh — `cdcctl snapshot` draws its progress line on stderr only when
# stderr is a terminal, and never with -q:
#   (a) stderr on a pseudo-terminal (util-linux `script`): "snapshot schema.t: N rows, R rows/s",
#       ending with ", done in Xs"
#   (b) the same with -q: no progress line
#   (c) stderr a file: nothing at all on stderr
# Uses a scratch schema with ~300,000 rows in the stack's database ($CDCCTL_PG_URL, from
# `scripts/stack up`), dropped again on exit. CDCCTL_BIN overrides the binary
# (default: .build/debug/cdcctl).
set -euo pipefail

NAME=snapshot-progress
. "$(dirname "$0")/lib/preamble.sh"
ROWS=300000

echo "$NAME: the snapshot progress line appears only when stderr is a terminal"
require_bin
require_env CDCCTL_PG_URL
require_cmd psql script

URL=$CDCCTL_PG_URL
SCHEMA=cdcctl_progress_$$
TABLE=$SCHEMA.t
TMP=$(mktemp -d /tmp/cdcctl-progress.XXXXXX)
sql() { psql "$URL" -XAtq -v ON_ERROR_STOP=1 "$@"; }
cleanup() {
  sql -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 \
    || echo "$NAME: warning: could not drop schema $SCHEMA"
  rm -rf "$TMP"
}
trap cleanup EXIT

sql -c "CREATE SCHEMA $SCHEMA" \
    -c "CREATE TABLE $TABLE (id int PRIMARY KEY, name text NOT NULL, amount numeric(12,2))" \
    -c "INSERT INTO $TABLE SELECT g, 'row ' || g, g / 100.0 FROM generate_series(1, $ROWS) g" \
    -c "ANALYZE $TABLE" >/dev/null || fail "cannot create the scratch table $TABLE"

has() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }
show() {  # show LABEL FILE: the captured bytes, control characters made visible
  echo "$1:"
  if [ -s "$2" ]; then draws "$2" | cat -v | sed 's/^/  | /' | tail -n 8; else echo "  (empty)"; fi
}
draws() { tr '\r' '\n' <"$1" | sed '/^$/d'; }   # each redraw of the progress line on its own line
last_draw_done() { draws "$1" | tail -n 1 | grep -qF "done in"; }
# Runs cdcctl under a pseudo-terminal; stdout goes to /dev/null inside it, so what `script`
# captures is cdcctl's stderr only (with the terminal's \r\n line ends).
on_terminal() {  # on_terminal OUTFILE ARGS...
  local out=$1; shift
  local cmd
  cmd="$(printf '%q ' "$BIN" "$@")>/dev/null"
  script -qec "$cmd" /dev/null >"$out" </dev/null
}

# (a) stderr is a terminal: the progress line, with its final "done in".
set +e
on_terminal "$TMP/tty.out" snapshot --db "$URL" -t "$TABLE"
rc=$?
set -e
check "(a) on a terminal: exits 0 (exit $rc)" test "$rc" -eq 0
check "(a) on a terminal: shows \"snapshot $TABLE:\"" has "$TMP/tty.out" "snapshot $TABLE:"
check "(a) on a terminal: shows \"rows/s\"" has "$TMP/tty.out" "rows/s"
check "(a) on a terminal: ends with \"done in\"" last_draw_done "$TMP/tty.out"
check "(a) on a terminal: the final line counts $ROWS rows" \
  has "$TMP/tty.out" "snapshot $TABLE: $ROWS rows, "
show "(a) captured terminal output" "$TMP/tty.out"

# (b) stderr is a terminal, but -q: no progress line.
set +e
on_terminal "$TMP/tty-quiet.out" snapshot --db "$URL" -t "$TABLE" -q
rc=$?
set -e
check "(b) on a terminal with -q: exits 0 (exit $rc)" test "$rc" -eq 0
check "(b) on a terminal with -q: no \"snapshot $TABLE:\"" lacks "$TMP/tty-quiet.out" "snapshot $TABLE:"
check "(b) on a terminal with -q: no \"rows/s\"" lacks "$TMP/tty-quiet.out" "rows/s"
check "(b) on a terminal with -q: no \"done in\"" lacks "$TMP/tty-quiet.out" "done in"
show "(b) captured terminal output" "$TMP/tty-quiet.out"

# (c) stderr is a file: empty; stdout still has every row.
set +e
"$BIN" snapshot --db "$URL" -t "$TABLE" >"$TMP/stdout" 2>"$TMP/stderr" </dev/null
rc=$?
set -e
events=$(grep -c '"op":"r"' "$TMP/stdout" || true)
check "(c) stderr not a terminal: exits 0 (exit $rc)" test "$rc" -eq 0
check "(c) stderr not a terminal: stderr is empty" test ! -s "$TMP/stderr"
check "(c) stderr not a terminal: stdout has $ROWS read events ($events)" test "$events" -eq "$ROWS"
show "(c) stderr" "$TMP/stderr"

[ "$ok" -eq 1 ] || exit 1
echo "PASS: $NAME"
