# e2e/lib/preamble.sh — the common head of every e2e/*.sh, sourced once the script has set NAME:
#
#     set -euo pipefail
#     NAME=kafka-stream-avro
#     . "$(dirname "$0")/lib/preamble.sh"
#
# Sets REPO (the package root), LIB (e2e/lib: the shared shell and Python helpers) and BIN (the
# cdcctl under test: $CDCCTL_BIN, default the debug build that scripts/test makes), and defines
#   fail MESSAGE...      print `FAIL: NAME: MESSAGE` and exit 1
#   require_bin          fail unless $BIN is an executable
#   require_env VAR...   fail unless each variable is set (`eval "$(scripts/stack up)"` sets them)
#   require_cmd TOOL...  fail unless each tool is on PATH
#   pass / bad MESSAGE   print `PASS: NAME: …` / `FAIL: NAME: …` (bad also sets ok=0)
#   check WHAT CMD...    run CMD: pass WHAT if it succeeds, bad WHAT if not
#   port_busy PORT       whether something accepts connections on 127.0.0.1:PORT
#   free_port FIRST      prints the first free loopback port of FIRST..FIRST+99, or fails
# and sets ok=1; a script that found a failure ends with `[ "$ok" -eq 1 ] || exit 1`.
# (Not executable, so scripts/test does not run it.)
set -euo pipefail
LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$LIB/../.." && pwd)
BIN=${CDCCTL_BIN:-$REPO/.build/debug/cdcctl}

fail() { echo "FAIL: $NAME: $*"; exit 1; }
require_bin() { [ -x "$BIN" ] || fail "no cdcctl binary at $BIN (run swift build or set CDCCTL_BIN)"; }
require_env() {
  local v
  for v in "$@"; do [ -n "${!v:-}" ] || fail "$v is not set (eval \"\$(scripts/stack up)\")"; done
}
require_cmd() {
  local tool
  for tool in "$@"; do command -v "$tool" >/dev/null || fail "$tool not found"; done
}

ok=1
pass() { echo "PASS: $NAME: $*"; }
bad() { echo "FAIL: $NAME: $*"; ok=0; }
check() {
  local what=$1; shift
  if "$@"; then pass "$what"; else bad "$what"; fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local port=$1
  while port_busy "$port"; do
    port=$((port + 1))
    [ "$port" -lt $(($1 + 100)) ] || { fail "no free loopback port in $1-$(($1 + 99))"; } >&2
  done
  echo "$port"
}
