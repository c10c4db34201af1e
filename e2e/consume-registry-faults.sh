#!/usr/bin/env bash
# e2e/consume-registry-faults.sh — `cdcctl consume` of Avro messages (Confluent wire format)
# when the schema registry fails: stopped (connection refused), answering 500, or accepting
# connections and never answering. Each run must end within a bound with exactly one
# `cdcctl: error:` line naming the registry (never its password) and the schema id, a non-zero
# exit and nothing on stdout. `--on-decode-error pass` writes the bytes untouched with one notice
# per schema id; bytes that only look framed (an id the registry does not know) still pass
# through untouched with exit 0.
set -euo pipefail

NAME=consume-registry-faults
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: a failing schema registry is an error within a bound, never raw bytes on stdout"
require_bin
require_env CDCCTL_KAFKA_BROKERS CDCCTL_PYTHON
BOUND=30   # seconds a failing consume may take (the client gives up after about 12 s)

TMP=$(mktemp -d /tmp/cdcctl-registry-faults.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

# start BACKGROUND-COMMAND…: runs it, waits for the port it prints on its first line of stdout
# (into $TMP/port.N), sets PORT and remembers the pid for cleanup.
start() {
  local file=$TMP/port.$RANDOM i
  "$@" >"$file" 2>"$file.err" &
  PIDS+=($!)
  for i in $(seq 100); do
    PORT=$(head -n 1 "$file" 2>/dev/null || true)
    [ -n "$PORT" ] && return 0
    sleep 0.1
  done
  cat "$file.err"; fail "$* did not start within 10 s"
}

# A registry of our own, so that it can be stopped. (Its log may not exist yet when first read.)
"$BIN" registry serve --listen 127.0.0.1:0 --data-dir "$TMP/registry" 2>"$TMP/registry.log" &
REG_PID=$!
PIDS+=($REG_PID)
REG_URL=""
for i in $(seq 100); do
  REG_URL=$(sed -n 's/.*registry listening on \(http:[^ ]*\).*/\1/p' "$TMP/registry.log" 2>/dev/null | head -n 1 || true)
  [ -n "$REG_URL" ] && break
  sleep 0.1
done
[ -n "$REG_URL" ] || { cat "$TMP/registry.log"; fail "the registry did not start"; }
REG_URL=${REG_URL%/}

TOPIC=regfaults_$$_$RANDOM
FAKE=regfaults_fake_$$_$RANDOM
"$CDCCTL_PYTHON" "$LIB/kafka_avro_produce.py" "$CDCCTL_KAFKA_BROKERS" "$REG_URL" "$TOPIC" >"$TMP/expected"
# Values that only look framed: magic 0 and an id no registry here knows, then arbitrary bytes.
"$CDCCTL_PYTHON" - "$CDCCTL_KAFKA_BROKERS" "$FAKE" <<'PY'
import sys
from confluent_kafka import Producer
producer = Producer({"bootstrap.servers": sys.argv[1]})
for body in (b"\x00\x7f\xff\xff\xf0plain-ish", b"\x00\x7f\xff\xff\xf1\x01\x02"):
    producer.produce(sys.argv[2], partition=0, value=body)
if producer.flush(30) != 0:
    sys.exit("messages were not delivered")
PY
schema_id() { curl -fsS "$REG_URL/subjects/$1/versions/latest" | "$CDCCTL_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
SCHEMA_ID=$(schema_id "$TOPIC-value")
KEY_ID=$(schema_id "$TOPIC-key")

"$BIN" consume -q -t "$TOPIC" -p 0 -o beginning -e --raw -f '%s\n' >"$TMP/raw"
"$BIN" consume -q -t "$TOPIC" -p 0 -o beginning -e --registry "$REG_URL" >"$TMP/decoded" 2>"$TMP/decoded.err" \
  && [ "$(wc -l <"$TMP/decoded")" -eq 3 ] && [ ! -s "$TMP/decoded.err" ] && head -c 1 "$TMP/decoded" | grep -q '{' \
  && pass "with the registry up the 3 values print as JSON" \
  || bad "decoding with the registry up: $(cat "$TMP/decoded.err")"

# expect_failure LABEL URL-SHOWN SECRET SCHEMA-ID -- consume args…: one error line naming
# URL-SHOWN and SCHEMA-ID (never SECRET), within the bound, a non-zero exit, nothing on stdout.
expect_failure() {
  local label=$1 shown=$2 secret=$3 id=$4 status=0 start end elapsed errors
  shift 5
  start=$(date +%s.%N)
  # (killed at twice the bound, so that a hanging consume fails the test instead of stalling it)
  timeout -k 5 $((BOUND * 2)) "$BIN" consume -q -t "$TOPIC" -p 0 -o beginning -e "$@" >"$TMP/out" 2>"$TMP/err" || status=$?
  end=$(date +%s.%N)
  elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  echo "$NAME: $label: exit $status after $elapsed s: $(head -c 400 "$TMP/err")"
  errors=$(grep -c '^cdcctl: error: ' "$TMP/err" || true)
  [ "$status" -ne 0 ] && pass "$label: non-zero exit ($status)" || bad "$label: exit status 0"
  awk -v e="$elapsed" -v b="$BOUND" 'BEGIN { exit !(e < b) }' && pass "$label: ended in $elapsed s (bound $BOUND s)" \
    || bad "$label: took $elapsed s (bound $BOUND s)"
  [ "$errors" -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && pass "$label: exactly one line on stderr, a cdcctl: error: line" \
    || bad "$label: stderr is not one error line: $(cat "$TMP/err")"
  grep -qF "$shown" "$TMP/err" && grep -q "schema $id " "$TMP/err" && grep -qF "$TOPIC" "$TMP/err" \
    && pass "$label: the error names the registry $shown, schema $id and the topic" \
    || bad "$label: the error does not name $shown, schema $id and topic $TOPIC"
  if [ -n "$secret" ] && grep -qF "$secret" "$TMP/err"; then bad "$label: the error shows the password"; fi
  [ ! -s "$TMP/out" ] && pass "$label: nothing on stdout" || bad "$label: $(wc -c <"$TMP/out") bytes on stdout"
}

# (a) the registry stopped: connection refused.
kill "$REG_PID"; wait "$REG_PID" 2>/dev/null || true
expect_failure "registry stopped" "$REG_URL" "" "$SCHEMA_ID" -- --registry "$REG_URL"
expect_failure "registry stopped, -J (the key first)" "$REG_URL" "" "$KEY_ID" -- --registry "$REG_URL" -J
# With a consumer group the failed message's offset must not be committed (checked below, once
# the registry is back: the group reads every message again).
GROUP=regfaults_group_$$_$RANDOM
status=0
timeout -k 5 $((BOUND * 2)) "$BIN" consume -q -G "$GROUP" -t "$TOPIC" -o beginning -e --registry "$REG_URL" >"$TMP/group1" 2>"$TMP/group1.err" || status=$?
[ "$status" -ne 0 ] && [ ! -s "$TMP/group1" ] && grep -q '^cdcctl: error: schema ' "$TMP/group1.err" \
  && pass "registry stopped, -G: an error, nothing on stdout" || bad "registry stopped, -G: exit $status, stderr $(cat "$TMP/group1.err")"

# (b) a registry answering 500, reached with credentials that must not be shown.
start "$CDCCTL_PYTHON" -c '
import http.server
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"{\"error_code\": 50001, \"message\": \"Internal Server Error\"}"
        self.send_response(500)
        self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
'
expect_failure "registry answering 500" "http://127.0.0.1:$PORT" "pw-$$-secret" "$SCHEMA_ID" -- --registry "http://user:pw-$$-secret@127.0.0.1:$PORT"
grep -q "HTTP 500" "$TMP/err" && pass "registry answering 500: the error says HTTP 500" || bad "registry answering 500: no HTTP 500 in the error"

# (c) a registry that accepts connections and never answers.
start "$CDCCTL_PYTHON" -c '
import socket
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(64)
print(server.getsockname()[1], flush=True)
held = []
while True:
    held.append(server.accept()[0])
'
expect_failure "silent registry" "http://127.0.0.1:$PORT" "" "$SCHEMA_ID" -- --registry "http://127.0.0.1:$PORT"

# --on-decode-error pass: the bytes untouched, one notice for the one value schema, exit 0.
status=0
"$BIN" consume -q -t "$TOPIC" -p 0 -o beginning -e -f '%s\n' --registry "$REG_URL" --on-decode-error pass >"$TMP/passed" 2>"$TMP/passed.err" || status=$?
[ "$status" -eq 0 ] && pass "--on-decode-error pass: exit 0" || bad "--on-decode-error pass: exit $status: $(cat "$TMP/passed.err")"
cmp -s "$TMP/passed" "$TMP/raw" && pass "--on-decode-error pass: stdout holds the messages' bytes untouched" \
  || bad "--on-decode-error pass: stdout differs from --raw"
[ "$(wc -l <"$TMP/passed.err")" -eq 1 ] && grep -q "^cdcctl: schema $SCHEMA_ID could not be fetched from $REG_URL: .*; passing its messages through undecoded$" "$TMP/passed.err" \
  && pass "--on-decode-error pass: one notice for schema $SCHEMA_ID" || bad "--on-decode-error pass: stderr is $(cat "$TMP/passed.err")"

# An id the registry definitely does not know (404, error 40403): data, passed through untouched.
"$BIN" registry serve --listen 127.0.0.1:0 --data-dir "$TMP/registry" 2>"$TMP/registry2.log" &
PIDS+=($!)
REG2=""
for i in $(seq 100); do
  REG2=$(sed -n 's/.*registry listening on \(http:[^ ]*\).*/\1/p' "$TMP/registry2.log" 2>/dev/null | head -n 1 || true)
  [ -n "$REG2" ] && break
  sleep 0.1
done
[ -n "$REG2" ] || fail "the registry did not restart"
lines=$("$BIN" consume -q -G "$GROUP" -t "$TOPIC" -o beginning -e --registry "$REG2" | grep -c '^{"id":' || true)
[ "$lines" -eq 3 ] && pass "-G: the failed message was not committed: with the registry back the group reads all 3, decoded" \
  || bad "-G: with the registry back the group read $lines of 3 messages"

"$BIN" consume -q -t "$FAKE" -p 0 -o beginning -e --raw -f '%s\n' >"$TMP/fake-raw"
status=0
"$BIN" consume -q -t "$FAKE" -p 0 -o beginning -e -f '%s\n' --registry "$REG2" >"$TMP/fake" 2>"$TMP/fake.err" || status=$?
[ "$status" -eq 0 ] && [ ! -s "$TMP/fake.err" ] && cmp -s "$TMP/fake" "$TMP/fake-raw" && [ -s "$TMP/fake" ] \
  && pass "bytes that only look framed (unknown schema id) pass through untouched, exit 0" \
  || bad "unknown schema id: exit $status, stderr $(cat "$TMP/fake.err")"

[ "$ok" -eq 1 ] && echo "PASS: $NAME" || { echo "FAIL: $NAME"; exit 1; }
