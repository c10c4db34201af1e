#!/usr/bin/env bash
# e2e/stream-publication-mismatch.sh — `cdcctl stream -t T --publication P` with an existing
# publication that does not cover T refuses with one line before creating anything (issue #15,
# item 2): otherwise T would be snapshotted and its changes never streamed, the slot moving past
# them. Cases: a reused publication name for another table, and a table dropped and re-created
# (which drops it from its publication). A covered table still streams.
# Uses the stack ($CDCCTL_PG_URL).
set -euo pipefail

NAME=stream-publication-mismatch
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: a table outside an existing publication is refused, not silently lost"
require_bin
require_env CDCCTL_PG_URL

S=pm_$$_$RANDOM
TMP=$(mktemp -d /tmp/cdcctl-pubmismatch.XXXXXX)
source "$LIB/stream.sh"
cleanup() {
  drop_stream_objects "${S}_ok" "public.${S}_a"
  for t in a b c; do sql "drop table if exists public.${S}_$t" >/dev/null 2>&1 || true; done
  sql "drop publication if exists ${S}_p; drop publication if exists ${S}_q" >/dev/null 2>&1 || true
  sql "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name like '${S}%'" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

sql "create table public.${S}_a (id int primary key); create table public.${S}_b (id int primary key);
     create table public.${S}_c (id int primary key); insert into public.${S}_b values (1), (2)
     ; create publication ${S}_p for table public.${S}_a; create publication ${S}_q for table public.${S}_c"

# refused SLOT TABLE PUBLICATION WHAT: the run fails with one error line naming the table and the
# publication, writes nothing to stdout and creates no slot.
refused() {
  local slot=$1 table=$2 pub=$3 what=$4 rc=0
  # (bounded: a run that does not refuse streams until stopped)
  timeout 30 "$BIN" stream -t "$table" --slot "$slot" --publication "$pub" >"$TMP/out" 2>"$TMP/err" || rc=$?
  [ "$rc" -ne 0 ] || fail "$what: exit 0 (stdout: $(head -c 200 "$TMP/out"))"
  [ ! -s "$TMP/out" ] || fail "$what: wrote events: $(head -c 200 "$TMP/out")"
  [ "$(wc -l <"$TMP/err")" = 1 ] || fail "$what: stderr is not one line: $(cat "$TMP/err")"
  grep -q "^cdcctl: error: table $table is not in publication $pub" "$TMP/err" || fail "$what: unexpected error: $(cat "$TMP/err")"
  [ "$(sql "select count(*) from pg_replication_slots where slot_name = '$slot'")" = 0 ] || fail "$what: slot $slot was created"
  echo "PASS: $NAME: $what: $(cat "$TMP/err")"
}

refused "${S}_s1" "public.${S}_b" "${S}_p" "a reused publication that covers another table"
sql "drop table public.${S}_c; create table public.${S}_c (id int primary key); insert into public.${S}_c values (1)"
refused "${S}_s2" "public.${S}_c" "${S}_q" "a table dropped and re-created since its publication was made"

"$BIN" stream -t "public.${S}_a" --slot "${S}_ok" --publication "${S}_p" --snapshot initial-only -q >"$TMP/out" 2>"$TMP/err" \
  || fail "a covered table was refused: $(cat "$TMP/err")"
echo "PASS: $NAME: a table the publication covers still streams"
