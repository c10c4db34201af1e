#!/usr/bin/env bash
# e2e/notifications-example.sh — examples/notifications/run.sh works on the stack (issue #9):
# what its consumer group read back (flat Avro decoded through the registry) replays to exactly
# the notifications PostgreSQL holds, with the body cut to 40 characters; the records are Avro in
# Confluent's wire format (magic byte 0), flat (no envelope), and the recipient column appears in
# neither a record nor the registered value schema.
# Uses the stack ($CDCCTL_PG_URL, $CDCCTL_KAFKA_BROKERS, $CDCCTL_REGISTRY_URL).
set -euo pipefail

NAME=notifications-example
. "$(dirname "$0")/lib/preamble.sh"
echo "$NAME: the notifications example streams flat Avro that a consumer group reads back"
require_bin
require_env CDCCTL_PG_URL CDCCTL_KAFKA_BROKERS CDCCTL_REGISTRY_URL
require_cmd jq psql

N=notifye2e$$$RANDOM
TMP=$(mktemp -d /tmp/cdcctl-notifications.XXXXXX)
sql() { psql "$CDCCTL_PG_URL" -XqAt -v ON_ERROR_STOP=1 -c "$1"; }
cleanup() {
  sql "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '$N'" >/dev/null 2>&1 || true
  sql "drop publication if exists $N; drop schema if exists notify cascade" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

CDCCTL_BIN=$BIN NOTIFY_NAME=$N "$REPO/examples/notifications/run.sh" >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err"; fail "run.sh failed"; }
cat "$TMP/out"

# Replay by id: a delivery sets the notification, a tombstone removes it.
replayed=$(jq -sc 'reduce .[] as $r ({}; if $r.deleted then del(.[($r.id | tostring)])
                   else .[($r.id | tostring)] = ($r | {id, user_id, channel, title, body, read}) end) | [.[]] | sort_by(.id)' "$TMP/out")
expected=$(sql "select coalesce(json_agg(json_build_object('id', id, 'user_id', user_id, 'channel', channel, 'title', title,
                'body', left(body, 40), 'read', read_at is not null) order by id), '[]') from notify.notifications" | jq -c .)
check "the consumer's records replay to PostgreSQL's notifications ($expected)" [ "$replayed" = "$expected" ]
check "the records come as the snapshot's r, then c, u and a tombstone" \
  [ "$(jq -r '.op // "tombstone"' "$TMP/out" | paste -sd ' ')" = "r r c u tombstone" ]

topic=$N.notify.notifications
"$BIN" consume -t "$topic" -c 1 -q --raw -f '%s' >"$TMP/raw"
check "the records are Avro in Confluent's wire format (magic byte 0)" [ "$(od -An -tx1 -N1 "$TMP/raw" | tr -d ' ')" = 00 ]
"$BIN" consume -t "$topic" -e -q -f '%s\n' >"$TMP/decoded"
check "the records are flat rows (no before/after/source), with __op and __source_ts_ms" \
  [ "$(grep -v '^$' "$TMP/decoded" | jq -c 'select(has("after") or has("source") or (has("__op") and has("__source_ts_ms") | not))' | wc -l)" = 0 ]
schema=$(curl -sf "$CDCCTL_REGISTRY_URL/subjects/$topic-value/versions/latest" | jq -r .schema)
no_recipient() { [ -n "$schema" ] && ! grep -q recipient "$TMP/decoded" && ! grep -q recipient <<<"$schema" && ! grep -q -e example.com -e device-7f3a "$TMP/decoded"; }
check "neither the records nor the value schema mention the recipient" no_recipient
check "the value schema is the row's record $topic.Value" [ "$(jq -r '."connect.name"' <<<"$schema")" = "$topic.Value" ]
[ "$ok" -eq 1 ] || exit 1
