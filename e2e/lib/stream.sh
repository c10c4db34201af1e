# Sourced by e2e/kafka-*.sh that stream from a throw-away table: psql helpers and the clean-up
# of the slot, publication and table a test made. (Not executable, so scripts/test skips it.)
# The script names its objects $S (slot and publication) and $TABLE, its scratch directory $TMP.

# sql STATEMENT: run it on $CDCCTL_PG_URL, unaligned, stopping at the first error.
sql() { psql "$CDCCTL_PG_URL" -XqAt -v ON_ERROR_STOP=1 -c "$1"; }

# drop_stream_objects NAME TABLE: once the walsender has let go, drop slot NAME, publication NAME
# and TABLE (each only if it exists).
drop_stream_objects() {
  local name=$1 table=$2
  for _ in $(seq 50); do
    [ "$(sql "select count(*) from pg_replication_slots where slot_name = '$name' and active")" = 0 ] && break
    sleep 0.1
  done
  sql "select pg_drop_replication_slot('$name') from pg_replication_slots where slot_name = '$name'" >/dev/null 2>&1 || true
  sql "drop publication if exists $name; drop table if exists $table" >/dev/null 2>&1 || true
}

# cleanup_stream_test: the usual EXIT trap: drop slot and publication $S and table $TABLE, remove $TMP.
cleanup_stream_test() {
  drop_stream_objects "$S" "$TABLE"
  rm -rf "$TMP"
}
