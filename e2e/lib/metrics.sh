# e2e/lib/metrics.sh — for scripts that scrape `cdcctl stream --metrics-listen 127.0.0.1:0`.
# Sourced after preamble.sh. (Not executable, so scripts/test does not run it.)
#
#   wait_metrics_url ERR PID    sets URL (http://127.0.0.1:PORT) from the stream's "metrics at"
#                               notice in file ERR; fails if process PID exits first or 10 s pass

wait_metrics_url() {
  local err=$1 pid=$2
  URL=""
  for _ in $(seq 100); do
    # (The stream's shell may not have created ERR yet.)
    URL=$(sed -n 's/^cdcctl: metrics at \(http:[^ ]*\)\/metrics.*/\1/p' "$err" 2>/dev/null | head -n 1 || true)
    [ -n "$URL" ] && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$err"; fail "the stream exited before serving metrics"; }
    sleep 0.1
  done
  cat "$err" 2>/dev/null
  fail "no 'metrics at' notice within 10 s"
}
