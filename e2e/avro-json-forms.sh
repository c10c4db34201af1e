#!/usr/bin/env bash
# e2e/avro-json-forms.sh — `consume --json-form F` and `produce --avro-schema --json-form F` are
# inverses, for F natural (the default) and avro (the Avro specification's JSON encoding):
# records that confluent-kafka's AvroSerializer wrote over 24 schemas (e2e/lib/avro_json_forms.py:
# nested records, unions, enums, fixed, maps, arrays, decimals on bytes and fixed, every date/time
# kind, uuid, defaults, a recursive type, float/double edges) go through cdcctl consume and
# cdcctl produce to a second topic, and AvroDeserializer gives back the originals. Values that
# do not fit are a one-line error naming the record number and field path, exit non-zero, and
# produce nothing.
set -euo pipefail

NAME=avro-json-forms
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: consume → produce --avro-schema round-trips in both JSON forms"
require_bin
require_env CDCCTL_KAFKA_BROKERS CDCCTL_REGISTRY_URL CDCCTL_PYTHON
TMP=$(mktemp -d /tmp/cdcctl-json-forms.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
P=json-forms-$$-$RANDOM
py() { PYTHONPATH="$LIB" "$CDCCTL_PYTHON" "$LIB/avro_json_forms.py" "$@"; }

py produce "$CDCCTL_KAFKA_BROKERS" "$CDCCTL_REGISTRY_URL" "$P" "$TMP" >"$TMP/names" || fail "AvroSerializer could not produce the source records"
mapfile -t names <"$TMP/names"
[ "${#names[@]}" -ge 20 ] || fail "expected at least 20 schemas, got ${#names[@]}"

for form in natural avro; do
  for n in "${names[@]}"; do
    "$BIN" consume -t "$P-src-$n" -e -q --json-form "$form" >"$TMP/$n.$form.json" 2>"$TMP/err" \
      || { cat "$TMP/err"; bad "$form form: consume of $n failed"; continue; }
    "$BIN" produce -t "$P-$form-$n" -p 0 --avro-schema "$TMP/$n.avsc" --value-subject "$P-$form-$n-value" --json-form "$form" \
      -l "$TMP/$n.$form.json" 2>"$TMP/err" \
      || { cat "$TMP/err"; head -c 600 "$TMP/$n.$form.json"; bad "$form form: produce of $n failed"; }
  done
  py check "$CDCCTL_KAFKA_BROKERS" "$CDCCTL_REGISTRY_URL" "$P" "$form" "${names[@]}" || ok=0
done

# The issue's example: -0.01 on decimal(10,2) bytes, as consume prints it in each form.
grep -qx '{"d":"-0.01"}' "$TMP/decimal-bytes.natural.json" && pass 'natural form prints -0.01 as {"d":"-0.01"}' \
  || bad "natural form of -0.01: $(head -1 "$TMP/decimal-bytes.natural.json")"
grep -qx '{"d":"\\u00ff"}' "$TMP/decimal-bytes.avro.json" || grep -qx '{"d":"ÿ"}' "$TMP/decimal-bytes.avro.json" \
  && pass 'avro form prints -0.01 as its one byte 0xFF' || bad "avro form of -0.01: $(head -1 "$TMP/decimal-bytes.avro.json")"
grep -q '{"u":{"int":7}}' "$TMP/multi-branch-union.avro.json" && grep -q '{"u":7}' "$TMP/multi-branch-union.natural.json" \
  && pass "avro form wraps union values, natural form does not" || bad "union forms: $(head -3 "$TMP/multi-branch-union.avro.json")"

# Fields left out take their defaults.
echo '{"id": 9}' | "$BIN" produce -t "$P-defaults-only" --avro-schema "$TMP/defaults.avsc" --value-subject "$P-defaults-only-value" 2>"$TMP/err" \
  || { cat "$TMP/err"; bad "produce with defaulted fields left out failed"; }
py defaults "$CDCCTL_KAFKA_BROKERS" "$CDCCTL_REGISTRY_URL" "$P-defaults-only" || ok=0

# Mismatches: one error line naming record 1 and the field path, non-zero exit, nothing produced.
# rejects SCHEMA FORM JSON PATTERN
i=0
rejects() {
  local schema=$1 form=$2 json=$3 pattern=$4 topic="$P-bad-$((i += 1))" rc
  printf '%s\n' "$json" | "$BIN" produce -t "$topic" --avro-schema "$TMP/$schema.avsc" --value-subject "$topic-value" \
    --json-form "$form" 2>"$TMP/err" && rc=0 || rc=$?
  local count
  count=$(PYTHONPATH="$LIB" "$CDCCTL_PYTHON" -c 'import sys; from kafka_read import read_topic; print(len(read_topic(sys.argv[1], sys.argv[2])))' \
    "$CDCCTL_KAFKA_BROKERS" "$topic")
  if [ "$rc" -ne 0 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "^cdcctl: error: record 1 does not fit .*$pattern" "$TMP/err" && [ "$count" -eq 0 ]; then
    pass "$form form rejects $json ($(cut -c1-160 "$TMP/err"))"
  else
    cat "$TMP/err"; bad "$form form: expected a one-line error matching '$pattern' for $json, exit non-zero and nothing produced (exit $rc, $count produced)"
  fi
}
rejects decimal-bytes natural '{"d": -0.01}' 'DecB\.d: expected a decimal string'
rejects decimal-bytes natural '{"d": "-0.001"}' 'DecB\.d: .*more than 2 fractional digits'
rejects decimal-bytes natural '{"d": "123456789.00"}' 'DecB\.d: .*integer digits'
rejects decimal-bytes avro '{"d": "-0.01"}' "DecB\\.d: expected the two's-complement bytes of decimal(10,2).*more than precision 10"
rejects decimal-fixed natural '{"d": 1}' 'DecF\.d: expected a decimal string'
rejects primitives natural '{"b": true, "i": 2147483648, "l": 1, "s": ""}' 'Prim\.i: expected int'
rejects primitives natural '{"b": "true", "i": 1, "l": 1, "s": ""}' 'Prim\.b: expected boolean'
rejects primitives natural '{"b": true, "i": 1, "l": 1, "s": "", "extra": 1}' 'Prim: .*no field "extra"'
rejects primitives natural '{"b": true, "i": 1, "s": ""}' 'Prim\.l: missing'
rejects nullable-union natural '{"s": {"string": "x"}, "n": 1}' 'Opt\.s: expected one of null, string (a union, unwrapped)'
rejects nullable-union avro '{"s": "x", "n": null}' 'Opt\.s: expected one of null, {"string": …} (a union, wrapped)'
rejects nullable-union avro '{"s": {"int": 5}, "n": null}' 'Opt\.s: expected one of null'
rejects fixed natural '{"f": "AAECAwQ="}' 'Fix\.f: expected base64 of 4 bytes'
rejects fixed avro '{"f": "abcde"}' 'Fix\.f: expected a string of 4 code points'
rejects bytes natural '{"b": "not base64!"}' 'Blob\.b: expected bytes (a base64 string)'
rejects bytes avro '{"b": "✓"}' 'Blob\.b: expected bytes (a string of code points'
rejects enum natural '{"e": "PURPLE"}' 'E\.e: expected a symbol of enum Color'
rejects timestamp-millis natural '{"t": "2024-01-01T00:00:00.0001Z"}' 'TsMs\.t: expected an ISO 8601 timestamp'
rejects date natural '{"d": "2023-02-29"}' 'Day\.d: expected a date'
rejects uuid natural '{"s": "x", "f": "not-a-uuid"}' 'Ids\.f: expected a UUID string'
rejects recursive natural '{"value": 1, "next": {"value": 2, "next": {"value": "3"}}}' 'Node\.next\.next\.value: expected int'
rejects array-map natural '{"a": [1, "2"], "m": {}, "am": []}' 'Coll\.a\[1\]: expected long'
rejects array-map natural '{"a": [], "m": {"k": 1}, "am": []}' 'Coll\.m{"k"}: expected string'
rejects float-edges natural '{"f": 1e39}' 'Floats\.f: .*out of range for float'
rejects multi-branch-union avro '{"u": {"Point": {"x": 1, "y": "2"}}}' 'Multi\.u<Point>\.y: expected int'

[ "$ok" -eq 1 ] || exit 1
