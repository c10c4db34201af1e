# Sourced by e2e/outbox-*.sh (after lib/stream.sh): an outbox table, the orders state table, and
# interleaved transactions that write them through dblink, so that several transactions are open
# at once and commit in an order other than the one they started in. (Not executable.)
#
# The script sets $S (a unique name) and $TMP. Defined here:
#   OUTBOX, STATE        the outbox table (Debezium's columns, a json payload, plus label and n)
#                        and the state table, in schema public
#   AGG                  the three aggregate types (unique per run, so topics are new)
#   outbox_setup         create both tables; a trigger copies every outbox insert into ${S}_log
#                        (deletes and rollbacks aside: rolled back inserts leave no log row)
#   outbox_round R       one round: connections a, b, c each open a transaction with two events
#                        (a also writes its order's state row), interleaved; they commit in a
#                        rotating order, and b (odd R) or c (R % 4 == 3) rolls back; each commit
#                        is recorded, in order, in ${S}_commits
#   outbox_rounds F L    rounds F..L in one psql session
#   outbox_expected FILE the committed events in commit order (insertion order inside a
#                        transaction) as JSON: [{id, aggregatetype, key, type, payload, label}]
#   outbox_cleanup       drop what outbox_setup made (and the slot and publication $S)
OUTBOX=public.${S}_outbox
STATE=public.${S}_orders
AGG=("order_$S" "customer_$S" "shipment_$S")

outbox_setup() {
  sql "set client_min_messages = warning; create extension if not exists dblink" >/dev/null
  sql "create table $OUTBOX (id uuid primary key, aggregatetype varchar(255) not null, aggregateid varchar(255) not null,
         type varchar(255) not null, payload json, label text, n int)"
  sql "create table $STATE (id int primary key, status text not null)"
  sql "create table ${S}_commits (seq serial primary key, label text not null)"
  sql "create table ${S}_log (id uuid, aggregatetype text, aggregateid text, type text, payload text, label text, n int)"
  sql "create function ${S}_logf() returns trigger language plpgsql as \$f\$ begin
         insert into ${S}_log values (new.id, new.aggregatetype, new.aggregateid, new.type, new.payload::text, new.label, new.n);
         return new; end \$f\$"
  sql "create trigger ${S}_logt after insert on $OUTBOX for each row execute function ${S}_logf()"
}

# _event CONN LABEL N AGGTYPE AGGID TYPE: the SQL that inserts one event on dblink connection CONN
# (the outer session when CONN is empty). Payloads vary their spacing, escape sequences and
# non-ASCII text, and some hold a line break between tokens: they must arrive byte for byte.
_event() {
  local conn=$1 label=$2 n=$3 agg=$4 id=$5 type=$6 payload insert nl=""
  [ $((n % 2)) -eq 1 ] || nl='\n'
  payload="{\"label\":  \"$label\", \"n\": $n, \"text\": \"é – \\\\u00e9 \\\\\"q\\\\\"\",$nl \"v\": [1, 2.50, null]}"
  insert="insert into $OUTBOX values (gen_random_uuid(), '$agg', '$id', '$type', E'$payload', '$label', $n)"
  if [ -z "$conn" ]; then echo "$insert;"; else echo "select dblink_exec('$conn', \$q\$$insert\$q\$);"; fi
}

outbox_round() {
  local r=$1 k conn first=() second=() order
  local conns=(a b c)
  echo "select dblink_exec('a', 'begin'), dblink_exec('b', 'begin'), dblink_exec('c', 'begin');"
  for k in 0 1 2; do
    conn=${conns[$k]}
    _event "$conn" "r$r$conn" 1 "${AGG[$(((r + k) % 3))]}" "$((r * 10 + k))" Created
  done
  # a's transaction also changes its order's state: one transaction, state + 2 events.
  echo "select dblink_exec('a', \$q\$insert into $STATE values ($r, 'placed') on conflict (id) do update set status = 'again'\$q\$);"
  for k in 2 1 0; do
    conn=${conns[$k]}
    _event "$conn" "r$r$conn" 2 "${AGG[$(((r + k) % 3))]}" "$((r * 10 + k))" Updated
  done
  case $((r % 3)) in 0) order="a b c" ;; 1) order="c a b" ;; *) order="b c a" ;; esac
  for conn in $order; do
    if { [ "$conn" = b ] && [ $((r % 2)) -eq 1 ]; } || { [ "$conn" = c ] && [ $((r % 4)) -eq 3 ]; }; then
      echo "select dblink_exec('$conn', 'rollback');"
    else
      echo "select dblink_exec('$conn', 'commit'); insert into ${S}_commits (label) values ('r$r$conn');"
    fi
  done
}

outbox_rounds() {
  local r
  {
    echo "\\set ON_ERROR_STOP on"
    echo "select dblink_connect('a', '$CDCCTL_PG_URL'), dblink_connect('b', '$CDCCTL_PG_URL'), dblink_connect('c', '$CDCCTL_PG_URL');"
    for r in $(seq "$1" "$2"); do outbox_round "$r"; done
  } >"$TMP/rounds.sql"
  psql "$CDCCTL_PG_URL" -XqAt -v ON_ERROR_STOP=1 -f "$TMP/rounds.sql" >/dev/null
}

# outbox_direct LABEL: a transaction of the outer session with one event of each aggregate type.
outbox_direct() {
  local label=$1 k
  { echo "begin;"
    for k in 0 1 2; do _event "" "$label" "$((k + 1))" "${AGG[$k]}" "$((900 + k))" Direct; done
    echo "insert into ${S}_commits (label) values ('$label'); commit;"
  } | psql "$CDCCTL_PG_URL" -XqAt -v ON_ERROR_STOP=1 >/dev/null
}

outbox_expected() {
  sql "select coalesce(json_agg(json_build_object('id', l.id, 'aggregatetype', l.aggregatetype, 'key', l.aggregateid, 'type', l.type,
         'payload', l.payload, 'label', l.label) order by c.seq, l.n), '[]') from ${S}_log l join ${S}_commits c using (label)" >"$1"
}

outbox_cleanup() {
  drop_stream_objects "$S" "$OUTBOX"
  sql "drop table if exists $STATE, ${S}_commits, ${S}_log; drop function if exists ${S}_logf()" >/dev/null 2>&1 || true
}
