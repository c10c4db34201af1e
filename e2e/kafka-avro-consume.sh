#!/usr/bin/env bash
# cdcctl consume decodes values and keys in Confluent's wire format through the schema registry:
# records written by confluent-kafka's AvroSerializer print as the JSON fastavro decodes.
set -euo pipefail
NAME=kafka-avro-consume
. "$(dirname "$0")/lib/preamble.sh"
require_bin
require_env CDCCTL_KAFKA_BROKERS CDCCTL_REGISTRY_URL CDCCTL_PYTHON
topic="avro_consume_$$_$RANDOM"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "$NAME: AvroSerializer records decoded by cdcctl consume"

"$CDCCTL_PYTHON" "$LIB/kafka_avro_produce.py" "$CDCCTL_KAFKA_BROKERS" "$CDCCTL_REGISTRY_URL" "$topic" >"$work/expected"
"$BIN" consume -q -t "$topic" -p 0 -o beginning -e -J >"$work/decoded"
"$BIN" consume -q -t "$topic" -p 0 -o beginning -e --raw -f '%s' -D '' | head -c 1 | od -An -tx1 >"$work/raw-first-byte"

status=0
"$CDCCTL_PYTHON" - "$work/expected" "$work/decoded" <<'PY' || status=1
import json, sys
expected = [json.loads(line) for line in open(sys.argv[1])]
decoded = [json.loads(line) for line in open(sys.argv[2])]
if len(decoded) != len(expected):
    sys.exit(f"FAIL: {len(decoded)} messages decoded, {len(expected)} produced")
failed = 0
for n, (want, got) in enumerate(zip(expected, decoded)):
    for part, field in (("key", "key"), ("value", "payload")):
        if got.get(field) != want[part]:
            failed += 1
            print(f"FAIL: message {n} {part}: cdcctl {json.dumps(got.get(field))} != fastavro {json.dumps(want[part])}")
        else:
            print(f"PASS: message {n} {part} equals fastavro's decoding")
sys.exit(1 if failed else 0)
PY
if [ "$(tr -d ' \n' <"$work/raw-first-byte")" = "00" ]; then
  echo "PASS: --raw keeps the Confluent framing (magic byte 0)"
else
  echo "FAIL: --raw changed the bytes (first byte $(cat "$work/raw-first-byte"))"; status=1
fi
[ $status -eq 0 ] && echo "PASS: kafka-avro-consume" || echo "FAIL: kafka-avro-consume"
exit $status
