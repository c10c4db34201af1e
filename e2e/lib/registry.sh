# Sourced by e2e/registry-*.sh after lib/preamble.sh: pick the cdcctl binary (the release build
# when there is one and CDCCTL_BIN is not set), start and stop throw-away registries.
# (Not executable itself, so scripts/test doesn't run it.)

if [ -z "${CDCCTL_BIN:-}" ] && [ -x "$REPO/.build/release/cdcctl" ]; then BIN=$REPO/.build/release/cdcctl; fi
require_bin

WORK=$(mktemp -d /tmp/cdcctl-registry-test.XXXXXX)
REG_PID=""
REG_URL=""

cleanup() {
  if [ -n "$REG_PID" ]; then kill "$REG_PID" 2>/dev/null || true; wait "$REG_PID" 2>/dev/null || true; fi
  rm -rf -- "$WORK"
}
trap cleanup EXIT

# start_registry DATA_DIR [extra args]: serve on a free port; sets REG_PID and REG_URL.
start_registry() {
  local dir=$1 log=$WORK/registry.$RANDOM.log i
  shift
  : >"$log"
  "$BIN" registry serve --listen 127.0.0.1:0 --data-dir "$dir" "$@" 2>"$log" &
  REG_PID=$!
  for i in $(seq 100); do   # 10 s
    REG_URL=$(sed -n 's/.*registry listening on \(http:[^ ]*\).*/\1/p' "$log" | head -n 1)
    [ -n "$REG_URL" ] && return 0
    kill -0 "$REG_PID" 2>/dev/null || { cat "$log"; REG_PID=""; echo "$NAME: FAIL: the registry did not start"; exit 1; }
    sleep 0.1
  done
  cat "$log"; echo "$NAME: FAIL: the registry did not say where it listens within 10 s"; exit 1
}

# stop_registry [SIGNAL]: stop the running registry (SIGTERM by default) and wait for it.
stop_registry() {
  kill -"${1:-TERM}" "$REG_PID" 2>/dev/null || true
  wait "$REG_PID" 2>/dev/null || true
  REG_PID=""
}
