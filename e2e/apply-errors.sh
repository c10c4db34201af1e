#!/usr/bin/env bash
# apply-errors: input `cdcctl apply` cannot apply. Each case ends with one `cdcctl: error:` line
# naming the record (stdin line, or topic, partition and offset) and the reason, a non-zero exit,
# and nothing half-applied: the target holds exactly the records before the bad one, and
# cdcctl_apply_offsets points just before it. Then --errors skip with --dead-letter-topic keeps
# going and puts the bad record on the dead letter topic with headers naming the error.
set -euo pipefail
NAME=apply-errors
. "$(dirname "$0")/lib/preamble.sh"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_REGISTRY_URL
require_cmd psql python3

TMP=$(mktemp -d)
DB=apply_errors_target
DST=${CDCCTL_PG_URL%/*}/$DB
q() { PGOPTIONS="-c client_min_messages=warning" psql "$1" -XqAt -v ON_ERROR_STOP=1 -c "$2"; }
trap 'q "$CDCCTL_PG_URL" "drop database if exists $DB" >/dev/null 2>&1 || true; rm -rf "$TMP"' EXIT
q "$CDCCTL_PG_URL" "drop database if exists $DB"
q "$CDCCTL_PG_URL" "create database $DB"
q "$DST" "create table items (id int primary key, n int, note text)"

# expect_error WHAT PATTERN [apply args...] < input: one line matching PATTERN, exit non-zero.
expect_error() {
  local what=$1 pattern=$2 rc=0; shift 2
  "$BIN" apply -q --db "$DST" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
  if [ "$rc" -ne 0 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -qE "^cdcctl: error: .*$pattern" "$TMP/err"; then
    pass "$what: one line, exit $rc"
  else
    bad "$what: exit $rc, stderr: $(cat "$TMP/err")"
  fi
}
rows() { q "$DST" "select string_agg(id::text, ',' order by id) from items"; }
stored_line() { q "$DST" "select coalesce(max(\"offset\"), 0) from cdcctl_apply_offsets where topic = '-'"; }
reset() { q "$DST" "truncate items; drop table if exists cdcctl_apply_offsets"; }

expect_error "unreachable target" "cannot connect to postgresql://postgres@127.0.0.1:1/x" \
  --db postgresql://postgres@127.0.0.1:1/x </dev/null

printf '%s\n' '{"id":1,"n":1}' '{"id":2,"n":2}' '{"id":3,"n":3}' >"$TMP/good"
ev() { printf '{"op":"c","after":{"id":%s,"n":%s},"source":{"schema":"public","table":"%s"}}\n' "$1" "$1" "$2"; }
reset
{ ev 1 items; ev 2 items; ev 3 items; ev 9 nope; ev 4 items; } >"$TMP/in"
expect_error "missing table" "stdin line 4: table public.nope does not exist in the target \(create it, or pass --create-tables\)" <"$TMP/in"
check "missing table: the records before it are applied, nothing after" test "$(rows)" = "1,2,3"
check "missing table: the position is the line before it" test "$(stored_line)" = 3

reset
{ cat "$TMP/good"; echo '{"n":5}'; echo '{"id":6,"n":6}'; } >"$TMP/in"
expect_error "record without its key field" 'stdin line 4: the record has no value for the key field "id" of public.items' \
  --envelope plain --key-fields id --table-template items <"$TMP/in"
check "no key: the records before it are applied, nothing after" test "$(rows)" = "1,2,3"

reset
{ cat "$TMP/good"; echo '{"id": 7, "n": '; echo '{"id":8,"n":8}'; } >"$TMP/in"
expect_error "malformed JSON" "stdin line 4: not valid JSON at byte" --envelope plain --key-fields id --table-template items <"$TMP/in"
check "malformed JSON: the records before it are applied, nothing after" test "$(rows)" = "1,2,3"

reset
{ cat "$TMP/good"; echo '{"id":10,"n":"many"}'; echo '{"id":11,"n":11}'; } >"$TMP/in"
expect_error "type mismatch" 'stdin line 4: .*invalid input syntax for type integer: "many"' \
  --envelope plain --key-fields id --table-template items <"$TMP/in"
check "type mismatch: the records before it are applied, nothing after" test "$(rows)" = "1,2,3"
"$BIN" apply -q --db "$DST" --envelope plain --key-fields id --table-template items --errors skip <"$TMP/in" 2>"$TMP/err" \
  || bad "--errors skip failed: $(cat "$TMP/err")"
check "--errors skip: the bad record is skipped, the rest applied" test "$(rows)" = "1,2,3,11"
check "--errors skip: one notice names it" grep -q "skipped stdin line 4" "$TMP/err"

# Kafka: malformed Avro (Confluent framing, an unknown schema id), a record without its key.
topic=apply-errors-$$
{ printf '{"id":1,"n":1}\n'; printf '\000\000\001\206\243garbage\n'; printf '{"id":3,"n":3}\n'; } >"$TMP/kin"
"$BIN" produce -t "$topic" -p 0 -l "$TMP/kin"
reset
expect_error "malformed Avro" "topic $topic \[0\] at offset 1: the value is framed as Confluent Avro but is not Avro of a schema the registry knows" \
  -t "$topic" -G "ae-$$" -e --envelope plain --key-fields id --table-template items --registry "$CDCCTL_REGISTRY_URL"
check "malformed Avro: the record before it is applied" test "$(rows)" = "1"
check "malformed Avro: the position is the offset before it" \
  test "$(q "$DST" "select \"offset\" from cdcctl_apply_offsets where topic = '$topic'")" = 0
"$BIN" apply -q --db "$DST" -t "$topic" -G "ae-$$" -e --envelope plain --key-fields id --table-template items \
  --registry "$CDCCTL_REGISTRY_URL" --errors skip --dead-letter-topic "$topic-dlq" 2>"$TMP/err" || bad "--dead-letter-topic run failed: $(cat "$TMP/err")"
check "--dead-letter-topic: the rest is applied" test "$(rows)" = "1,3"
"$BIN" consume -q -t "$topic-dlq" -e -J >"$TMP/dlq" 2>/dev/null || true
check "--dead-letter-topic: the bad record is there with headers naming the error" python3 -c '
import json, sys
m = [json.loads(l) for l in open(sys.argv[1], errors="replace")]
h = dict(zip(m[0]["headers"][0::2], m[0]["headers"][1::2])) if isinstance(m[0]["headers"], list) else m[0]["headers"]
assert len(m) == 1, m
assert "Avro" in h["cdcctl.error"] and h["cdcctl.topic"] == sys.argv[2] and h["cdcctl.offset"] == "1", h
' "$TMP/dlq" "$topic"
[ "$ok" -eq 1 ] || exit 1
