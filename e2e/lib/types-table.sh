# e2e/lib/types-table.sh — the table of every type in docs/types.md that the Debezium
# comparisons capture (e2e/debezium-parity.sh, e2e/avroconverter-reads-cdcctl.sh): one row of
# every documented type, the NOT NULL defaults and hstore, and one row that is mostly null.
# Sourced; needs $SCHEMA. (Not executable, so scripts/test does not run it.)

# types_table_sql: the SQL that creates schema $SCHEMA with the type, domain and table `types`
# and inserts rows 1 and 2 (the extensions citext, ltree and hstore are created if missing).
types_table_sql() {
  printf '%s' "create extension if not exists citext; create extension if not exists ltree; create extension if not exists hstore;
create schema $SCHEMA;
create type $SCHEMA.mood as enum ('sad', 'happy');
create domain $SCHEMA.positive as int check (value > 0);
create table $SCHEMA.types (
  id int primary key,
  c_bool boolean, c_int2 smallint, c_int4 integer, c_int8 bigint, c_oid oid,
  c_real real, c_double double precision, c_num numeric(10,2), c_numvar numeric, c_money money,
  c_text text, c_varchar varchar(20), c_char char(5), c_name name, c_citext citext,
  c_bytea bytea, c_date date, c_time3 time(3), c_time time, c_timetz timetz,
  c_ts3 timestamp(3), c_ts timestamp, c_tstz timestamptz, c_tstz3 timestamptz(3), c_tstz0 timestamptz(0), c_interval interval,
  c_uuid uuid, c_json json, c_jsonb jsonb, c_xml xml, c_enum $SCHEMA.mood,
  c_bit1 bit(1), c_bit bit(10), c_varbit varbit, c_point point, c_ltree ltree, c_tsvector tsvector,
  c_inet inet, c_cidr cidr, c_macaddr macaddr, c_range int4range, c_domain $SCHEMA.positive,
  c_int_arr int[], c_text_arr text[], c_tstz_arr timestamptz[], c_bool_arr boolean[], c_uuid_arr uuid[],
  c_hstore hstore, n_default int default 5,
  d_int int not null default 7, d_text text not null default 'x', d_num numeric(5,2) not null default 1.50,
  d_bool boolean not null default true, d_nodefault int not null default 0 + 1 - 1
);
insert into $SCHEMA.types values (1,
  true, -32768, 2147483647, -9223372036854775808, 4294967295,
  3.25, 1.5e-07, -12.50, 0.00000000000000000001, 1234.56,
  'say \"hi\" é', 'varchar', 'ab', 'a_name', 'CaseLess',
  '\\x00ff10', '2026-11-24', '10:15:30.123', '10:15:30.123456', '10:15:30+02',
  '2026-11-24 10:15:30.123', '1969-12-31 23:59:59.5', '2026-11-24 10:15:30.5+02', '2026-11-24 10:15:30.5+02',
  '2026-11-24 10:15:30+02', 'P1Y2M3DT4H5M6.5S',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": [1, 2]}', '{\"b\": {\"c\": null}, \"a\": 1}', '<a>1</a>', 'happy',
  B'1', B'1011000011', B'10110', '(1.5,-2)', 'a.b.c', 'a fat:2 cat',
  '10.0.0.1/8', '192.168.0.0/16', '08:00:2b:01:02:03', '[1,10)', 5,
  '{1,NULL,3}', '{\"a b\",NULL,\"\"}', '{\"2026-11-24 10:15:30+00\",\"1970-01-01 00:00:00.000001+00\"}', '{t,f,NULL}',
  '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', 'a=>1, b=>NULL', NULL,
  3, 'y', 2.25, false, 4);
insert into $SCHEMA.types (id, c_text) values (2, 'mostly null');
"
}
