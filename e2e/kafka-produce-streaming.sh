#!/usr/bin/env bash
# e2e/kafka-produce-streaming.sh — `cdcctl produce` streams its input: producing 10x more lines
# does not make it use more memory (peak RSS within a small margin), and every line arrives:
#   (a) 100,000 and 1,000,000 lines from stdin, librdkafka's queue bounded
#       (-X queue.buffering.max.messages=20000) so that only cdcctl's own buffering is measured
#   (b) `cdcctl consume -e` reads back exactly the 1,000,000 values (count and sum)
# Uses the stack's Tansu ($CDCCTL_KAFKA_BROKERS, from `scripts/stack up`) with fresh topic names.
# CDCCTL_BIN overrides the binary (default: .build/debug/cdcctl).
set -euo pipefail

NAME=kafka-produce-streaming
. "$(dirname "$0")/lib/preamble.sh"
SMALL=100000
LARGE=1000000
MARGIN_KB=16384

echo "$NAME: memory does not grow with the input, and every line is delivered"
require_bin
require_env CDCCTL_KAFKA_BROKERS
[ -x /usr/bin/time ] || fail "/usr/bin/time not found"

TMP=$(mktemp -d /tmp/cdcctl-kafka-stream.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
TOPIC=cdcctl-streaming-$$-$RANDOM


produce() {  # produce LINES TOPIC: prints the peak RSS in KB
  seq 1 "$1" | /usr/bin/time -f %M -o "$TMP/rss" "$BIN" produce -t "$2" -X queue.buffering.max.messages=20000 \
    2>"$TMP/produce.err" || { cat "$TMP/produce.err"; fail "cdcctl produce of $1 lines failed"; }
  cat "$TMP/rss"
}

small=$(produce $SMALL "$TOPIC-small")
large=$(produce $LARGE "$TOPIC")
echo "$NAME: peak RSS $small KB for $SMALL lines, $large KB for $LARGE lines"
check "peak RSS for $LARGE lines is within $MARGIN_KB KB of that for $SMALL" [ "$large" -le $((small + MARGIN_KB)) ]

"$BIN" consume -t "$TOPIC" -e -q >"$TMP/values" || fail "cdcctl consume -e failed"
read -r count sum < <(awk '{ n++; s += $1 } END { printf "%d %.0f\n", n, s }' "$TMP/values")
check "consume -e reads back $LARGE values (read $count)" [ "$count" -eq $LARGE ]
check "and their sum is that of 1..$LARGE" [ "$sum" = "$(awk -v n=$LARGE 'BEGIN { printf "%.0f", n * (n + 1) / 2 }')" ]

[ "$ok" -eq 1 ] || exit 1
