#!/usr/bin/env bash
# e2e/shaping-debezium.sh — cdcctl's shaping flags write what the real Debezium 3.6 connector
# writes with the properties they stand for (README, "Shape the events"): column.mask.hash (v1 and
# v2, a varchar's hash cut to its length), column.mask.with.N.chars, column.truncate.to.N.chars,
# column.exclude.list, and ExtractNewRecordState with add.fields and
# delete.tombstone.handling.mode=rewrite. Both capture the same table through their own slots on
# one publication, snapshot then stream, through the same transactions; every record's value must
# be equal, field for field and in field order (the snapshot's position fields aside: each side
# takes its own snapshot). Debezium runs as in e2e/debezium-parity.sh (embedded engine, Java 17).
# Uses the stack ($CDCCTL_PG_URL, $CDCCTL_PYTHON).
set -euo pipefail

NAME=shaping-debezium
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: masks, truncation, column exclusion and flat records equal Debezium 3.6's"
require_bin
require_env CDCCTL_PG_URL CDCCTL_PYTHON
require_cmd java psql

. "$LIB/debezium.sh"
debezium_libs debezium-connector-postgres-3.6.3.Final.jar

S=shdz_$$_$RANDOM
TMP=$(mktemp -d /tmp/cdcctl-shaping-debezium.XXXXXX)
DBZ_PID= CDC_PID=
sql() { PGOPTIONS="-c client_min_messages=warning" psql "$CDCCTL_PG_URL" -XqAt -v ON_ERROR_STOP=1 -c "$1"; }
cleanup() {
  for pid in $CDC_PID $DBZ_PID; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  drop_side_by_side "$S"
  if [ -n "${CDCCTL_KEEP:-}" ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

T=$S.t
sql "create schema $S;
create table $T (id int primary key, email varchar(20), name text, note text, note2 text, secret text, n int);
insert into $T values (1, 'ada@example.com', 'Ada', 'hello', 'abcdef', 's1', 1), (2, null, null, null, null, null, null),
                      (3, 'é€😀 x', 'é€😀', 'x', 'xyzabc', 's3', 3);
create publication $S for table $T"

PROPS="column.mask.hash.SHA-256.with.salt.pepper=$T.email
column.mask.hash.v2.SHA-256.with.salt.pepper=$T.name
column.mask.with.4.chars=$T.note
column.truncate.to.3.chars=$T.note2
column.exclude.list=$T.secret
transforms=unwrap
transforms.unwrap.type=io.debezium.transforms.ExtractNewRecordState
transforms.unwrap.add.fields=op,table,schema,lsn,txId,source.ts_ms
transforms.unwrap.delete.tombstone.handling.mode=rewrite"
FLAGS=(--mask "$T.email=hash:SHA-256:pepper" --mask "$T.name=hash-v2:SHA-256:pepper" --mask "$T.note=stars:4"
       --truncate "$T.note2=3" --exclude-columns "$T:secret" --envelope flat --add-fields op,table,schema,lsn,txId,source.ts_ms
       --deletes rewrite)
# Events each side writes: 3 snapshot reads, then c, u, d (rewritten).
EXPECTED=6

"$BIN" stream --slot "${S}_cdc" --publication "$S" -t "$T" "${FLAGS[@]}" --quiet >"$TMP/cdcctl.jsonl" 2>"$TMP/cdcctl.err" &
CDC_PID=$!
DEBEZIUM_PARITY_PROPS=$PROPS java -cp "$LIBS/*" "$LIB/DebeziumParity.java" "$CDCCTL_PG_URL" "$T" "${S}_dbz" "$S" \
  "$EXPECTED" 240 >"$TMP/debezium.jsonl" 2>"$TMP/debezium.err" &
DBZ_PID=$!

wait_lines() {   # FILE N SECONDS
  for _ in $(seq $(($3 * 5))); do
    [ "$(wc -l <"$1")" -ge "$2" ] && return 0
    kill -0 "$CDC_PID" 2>/dev/null || { cat "$TMP/cdcctl.err"; fail "cdcctl stopped early"; }
    sleep 0.2
  done
  return 1
}
wait_lines "$TMP/cdcctl.jsonl" 3 60 || { cat "$TMP/cdcctl.err"; fail "cdcctl wrote no snapshot"; }
wait_lines "$TMP/debezium.jsonl" 3 180 || { tail -n 30 "$TMP/debezium.err"; fail "Debezium wrote no snapshot"; }
sql "insert into $T values (4, 'grace@example.com', 'Grace', null, 'ghijkl', 's4', 4);
     update $T set n = 10, secret = 's1b' where id = 1; delete from $T where id = 3"
wait "$DBZ_PID" || { tail -n 30 "$TMP/debezium.err"; fail "Debezium did not write its $EXPECTED records"; }
DBZ_PID=
wait_lines "$TMP/cdcctl.jsonl" "$EXPECTED" 60 || fail "cdcctl wrote $(wc -l <"$TMP/cdcctl.jsonl") records, expected $EXPECTED"
kill -INT "$CDC_PID"; wait "$CDC_PID" || true; CDC_PID=

compare() {
  "$CDCCTL_PYTHON" - "$TMP/debezium.jsonl" "$TMP/cdcctl.jsonl" <<'PY'
import json, sys
dbz = [json.loads(l)["value"] for l in open(sys.argv[1], encoding="utf-8", errors="surrogatepass")]
cdc = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
def norm(v):
    # Each side takes its own snapshot: a read's position is its own.
    return {k: (None if v["__op"] == "r" and k in ("__lsn", "__txId", "__source_ts_ms") else x) for k, x in v.items()}
diffs = []
for i, (d, c) in enumerate(zip(dbz, cdc)):
    if list(d) != list(c):
        diffs.append(f"record {i}: fields {list(d)} vs {list(c)}")
    elif norm(d) != norm(c):
        diffs.append(f"record {i}: {[(k, d[k], c[k]) for k in d if norm(d)[k] != norm(c)[k]]}")
if len(dbz) != len(cdc):
    diffs.append(f"{len(dbz)} Debezium records, {len(cdc)} cdcctl records")
for d in diffs:
    print("  " + ascii(d))
sys.exit(1 if diffs else 0)
PY
}
check "every record equal to Debezium's (values, field names and order)" compare
[ "$ok" -eq 1 ] || exit 1
