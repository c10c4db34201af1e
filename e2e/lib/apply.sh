# e2e/lib/apply.sh — what the apply tests share: a source table of every type in docs/types.md
# (e2e/lib/types-table.sh) plus a version column fed by a sequence (each source change writes a
# new version) and a TOASTed text column; its copy in a target database with a trigger that logs
# every row the target receives; a workload of inserts, updates, key changes, deletes, an
# unchanged-TOAST update, ADD COLUMN and a truncate; and the comparisons.
# Sourced after preamble.sh; needs $SCHEMA, $SRC (source URL) and $DST (target URL).
# (Not executable, so scripts/test does not run it.)
. "$LIB/types-table.sh"

# apply_sql URL STATEMENTS
apply_sql() { PGOPTIONS="-c client_min_messages=warning" psql "$1" -XqAt -v ON_ERROR_STOP=1 -c "$2"; }

# A timetz in UTC and a varbit whose length is a whole number of bytes: the event format keeps
# neither a timetz's zone nor a varbit's leading zeros (README, "apply": what comes back).
apply_table_sql() {
  types_table_sql
  printf '%s' "
create sequence $SCHEMA.verseq;
alter table $SCHEMA.types add column ver bigint not null default nextval('$SCHEMA.verseq'), add column big text;
update $SCHEMA.types set c_timetz = '10:15:30+00', c_varbit = B'10110011';"
}

# make_source: the table in $SRC. make_target: the same table, empty, in $DST, with the log.
make_source() { apply_sql "$SRC" "drop schema if exists $SCHEMA cascade; $(apply_table_sql)" >/dev/null; }
make_target() {
  apply_sql "$DST" "drop schema if exists $SCHEMA cascade; drop table if exists cdcctl_apply_offsets; $(apply_table_sql)
delete from $SCHEMA.types;
create table $SCHEMA.applied (id int, ver bigint, op text, at timestamptz default clock_timestamp());
create function $SCHEMA.log_applied() returns trigger language plpgsql as \$\$
begin
  if tg_op = 'DELETE' then insert into $SCHEMA.applied (id, ver, op) values (old.id, old.ver, tg_op);
  else insert into $SCHEMA.applied (id, ver, op) values (new.id, new.ver, tg_op); end if;
  return null;
end \$\$;
create trigger log_applied after insert or update or delete on $SCHEMA.types for each row execute function $SCHEMA.log_applied();" >/dev/null
}

# workload [ROUNDS]: transactions of every kind on the source (ROUNDS repeats the middle part).
workload() {
  local rounds=${1:-1} r
  apply_sql "$SRC" "insert into $SCHEMA.types (id, c_int4, c_text, c_num, c_tstz, c_int_arr, c_jsonb, big)
    select i, i, 'row ' || i, i * 1.25, '2026-01-01 00:00:00.123456+00'::timestamptz + i * interval '1 day', array[i, i + 1], jsonb_build_object('i', i),
           (select string_agg(md5(random()::text || j), '') from generate_series(1, 120) j)
    from generate_series(3, 60) i"
  for r in $(seq "$rounds"); do
    apply_sql "$SRC" "update $SCHEMA.types set c_int4 = c_int4 + 1, ver = nextval('$SCHEMA.verseq') where id % 3 = 0"   # big unchanged: TOAST
    apply_sql "$SRC" "update $SCHEMA.types set c_text = c_text || ' x', big = big || 'y', ver = nextval('$SCHEMA.verseq') where id % 5 = 0"
    apply_sql "$SRC" "begin; update $SCHEMA.types set c_int8 = $r, ver = nextval('$SCHEMA.verseq') where id = 10;
      update $SCHEMA.types set c_int8 = c_int8 + 1, ver = nextval('$SCHEMA.verseq') where id = 10;
      delete from $SCHEMA.types where id = 11;
      insert into $SCHEMA.types (id, c_text) values (11, 'again $r'); commit"
  done
  apply_sql "$SRC" "update $SCHEMA.types set id = id + 1000, ver = nextval('$SCHEMA.verseq') where id in (1, 2)"   # key change (rows without TOASTed values: README)
  apply_sql "$SRC" "delete from $SCHEMA.types where id % 7 = 0"
  apply_sql "$SRC" "alter table $SCHEMA.types add column c_added int"
  apply_sql "$SRC" "update $SCHEMA.types set c_added = id * 2, ver = nextval('$SCHEMA.verseq') where id < 20"
  apply_sql "$SRC" "insert into $SCHEMA.types (id, c_added, c_text) values (500, 1, 'after add column')"
}

# truncate_workload: a truncate, then new rows.
truncate_workload() {
  apply_sql "$SRC" "truncate $SCHEMA.types"
  apply_sql "$SRC" "insert into $SCHEMA.types (id, c_text, c_added, big) select i, 'new ' || i, i, repeat('z', 10) from generate_series(1, 25) i"
  apply_sql "$SRC" "update $SCHEMA.types set c_text = 'updated', ver = nextval('$SCHEMA.verseq') where id = 3"
}

# same_rows: source and target SELECT * … ORDER BY id are identical, value for value.
same_rows() {
  local q="select * from $SCHEMA.types order by id"
  # A table --create-tables made from Avro: money is numeric there, bit(1) boolean.
  if [ "${mode:-}" = avro_create ]; then
    local cols
    cols=$(apply_sql "$SRC" "select string_agg(case column_name when 'c_money' then 'c_money::numeric' when 'c_bit1' then 'c_bit1::text in (''1'', ''true'')' else quote_ident(column_name) end, ', ' order by ordinal_position)
      from information_schema.columns where table_schema = '$SCHEMA' and table_name = 'types'")
    q="select $cols from $SCHEMA.types order by id"
  fi
  if ! diff <(psql "$SRC" -XAtx -c "$q") <(psql "$DST" -XAtx -c "$q") >"$TMP/diff"; then
    cut -c1-200 "$TMP/diff" | head -20; return 1
  fi
}

# nothing_twice: no source change (id, version) reached the target twice.
nothing_twice() {
  local twice
  twice=$(apply_sql "$DST" "select count(*) from (select id, ver, op from $SCHEMA.applied group by 1, 2, 3 having count(*) > 1) d")
  [ "$twice" = 0 ] || { apply_sql "$DST" "select id, ver, op, count(*) from $SCHEMA.applied group by 1, 2, 3 having count(*) > 1 limit 5"; return 1; }
}

# wait_applied N: until the target's log holds at least N rows … or 60 s.
current_lsn() { apply_sql "$SRC" "select pg_current_wal_lsn()"; }
