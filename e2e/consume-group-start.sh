#!/usr/bin/env bash
# e2e/consume-group-start.sh — where `consume -G` starts, as kcat -G does: at the group's
# committed offsets, and for a partition without one at librdkafka's auto.offset.reset (latest)
# unless -o beginning (or -X auto.offset.reset=earliest) says otherwise. So a new group without
# -o reads only new messages, -o beginning reads the topic from its start, and a group that
# committed goes on from there. Without -G, -o defaults to beginning. (kcat -G -o beginning
# also rewinds partitions that have a committed offset; cdcctl's -o beginning only sets
# auto.offset.reset=earliest, as its help says, so a group never re-reads what it committed.)
set -euo pipefail

NAME=consume-group-start
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: -G starts at committed offsets, a new group at the end unless -o beginning"
require_bin
require_env CDCCTL_KAFKA_BROKERS
TOPIC=group-start-$$-$RANDOM
G=group-start-$$-$RANDOM

# The last batch holds one message: Tansu answers "latest" with the last batch's base offset + 1.
printf 'a\nb\n' | "$BIN" produce -t "$TOPIC" -p 0 || fail "produce failed"
printf 'c\n' | "$BIN" produce -t "$TOPIC" -p 0 || fail "produce failed"

got=$("$BIN" consume -t "$TOPIC" -e -q)
check "without -G, -o defaults to beginning (got $(echo $got))" [ "$(echo $got)" = "a b c" ]

got=$("$BIN" consume -G "$G-new" "$TOPIC" -e -q)
check "a new group without -o starts at the end (got '$(echo $got)')" [ -z "$got" ]

got=$("$BIN" consume -G "$G-earliest" "$TOPIC" -X auto.offset.reset=earliest -e -q)
check "... and -X auto.offset.reset=earliest reads from the start, as with kcat (got '$(echo $got)')" [ "$(echo $got)" = "a b c" ]

got=$("$BIN" consume -G "$G" -o beginning "$TOPIC" -e -q)
check "a new group with -o beginning reads the topic from its start (got $(echo $got))" [ "$(echo $got)" = "a b c" ]

printf 'd\n' | "$BIN" produce -t "$TOPIC" -p 0 || fail "produce failed"
got=$("$BIN" consume -G "$G" -o beginning "$TOPIC" -e -q)
check "a group with committed offsets goes on from them, even with -o beginning (got $(echo $got))" [ "$(echo $got)" = "d" ]

[ "$ok" -eq 1 ] || exit 1
