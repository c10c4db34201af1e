#!/usr/bin/env bash
# e2e/partitioned-tables.sh — a partitioned table is captured whole (issue #15, item 1):
#   - `cdcctl snapshot -t <partitioned parent>` emits every row of every partition
#   - `cdcctl stream` (initial snapshot + changes) with publish_via_partition_root on and off:
#     replaying the events per key equals `SELECT *`, and the snapshot names the tables the way
#     the stream's changes name them (the root when published via the root, else each partition)
# Uses the stack ($CDCCTL_PG_URL).
set -euo pipefail

NAME=partitioned-tables
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: partitioned tables snapshot and stream as SELECT * shows them"
require_bin
require_env CDCCTL_PG_URL

S=pt_$$_$RANDOM
TABLE=public.$S
TMP=$(mktemp -d /tmp/cdcctl-partitioned.XXXXXX)
source "$LIB/stream.sh"
cleanup() {
  drop_stream_objects "${S}_root" "$TABLE"
  drop_stream_objects "${S}_leaf" "$TABLE"
  rm -rf "$TMP"
}
trap cleanup EXIT

sql "create table $TABLE (id int, region text not null, amount int, primary key (id, region)) partition by list (region);
     create table ${TABLE}_eu partition of $TABLE for values in ('eu');
     create table ${TABLE}_us partition of $TABLE for values in ('us');
     insert into $TABLE select g, case when g % 2 = 0 then 'eu' else 'us' end, g * 10 from generate_series(1, 50) g"

# replay FILE: the final row per key after every event of FILE, as "id|region|amount" lines.
replay() {
  jq -rs 'reduce .[] as $e ({};
            if $e.op == "d" then del(.[$e.before.id | tostring])
            elif $e.after != null then .[$e.after.id | tostring] = $e.after else . end)
          | [.[]] | sort_by(.id) | .[] | "\(.id)|\(.region)|\(.amount)"' "$1"
}
expected() { sql "select id || '|' || region || '|' || amount from $TABLE order by id"; }

# --- snapshot of the parent
"$BIN" snapshot -t "$TABLE" -q >"$TMP/snap" 2>"$TMP/err" || { cat "$TMP/err"; fail "snapshot failed"; }
[ "$(wc -l <"$TMP/snap")" = 50 ] || fail "snapshot of the partitioned parent gave $(wc -l <"$TMP/snap") events, not 50"
diff <(replay "$TMP/snap") <(expected) >/dev/null || fail "snapshot rows differ from SELECT *"
echo "PASS: $NAME: snapshot -t <parent> emits all 50 rows of both partitions"

# --- stream, both ways of publishing partitions
changes() {
  sql "insert into $TABLE values (101, 'eu', 1), (102, 'us', 2);
       update $TABLE set amount = amount + 1 where id in (2, 3);
       delete from $TABLE where id in (4, 5);
       update $TABLE set region = 'us' where id = 6"   # moves the row to the other partition
}
for via_root in true false; do
  if [ "$via_root" = true ]; then slot=${S}_root; else slot=${S}_leaf; fi
  sql "create publication $slot for table $TABLE with (publish_via_partition_root = $via_root)"
  "$BIN" stream -t "$TABLE" --slot "$slot" --publication "$slot" --snapshot initial-only -q >"$TMP/$slot" 2>"$TMP/err" \
    || { cat "$TMP/err"; fail "stream (publish_via_partition_root=$via_root) initial snapshot failed"; }
  changes
  end=$(sql "select pg_current_wal_lsn()")
  "$BIN" stream -t "$TABLE" --slot "$slot" --publication "$slot" --endpos "$end" -q >>"$TMP/$slot" 2>"$TMP/err" \
    || { cat "$TMP/err"; fail "stream (publish_via_partition_root=$via_root) failed"; }
  diff <(replay "$TMP/$slot") <(expected) >"$TMP/diff" || { cat "$TMP/diff"; fail "publish_via_partition_root=$via_root: replayed events differ from SELECT *"; }
  snap_tables=$(jq -r 'select(.op == "r") | .source.table' "$TMP/$slot" | sort -u | tr '\n' ' ')
  change_tables=$(jq -r 'select(.op != "r") | .source.table' "$TMP/$slot" | sort -u | tr '\n' ' ')
  if [ "$via_root" = true ]; then want="$S "; else want="${S}_eu ${S}_us "; fi
  [ "$snap_tables" = "$want" ] || fail "publish_via_partition_root=$via_root: snapshot names tables '$snap_tables', want '$want'"
  [ "$change_tables" = "$want" ] || fail "publish_via_partition_root=$via_root: changes name tables '$change_tables', want '$want'"
  echo "PASS: $NAME: publish_via_partition_root=$via_root: snapshot + changes replay to SELECT * (tables: $want)"
  # the next round starts from the same rows
  sql "delete from $TABLE where id > 100; update $TABLE set amount = id * 10, region = case when id % 2 = 0 then 'eu' else 'us' end;
       insert into $TABLE values (4, 'eu', 40), (5, 'us', 50)"
done
