#!/usr/bin/env bash
# examples/notifications/run.sh — a notifications table streamed to Kafka as flat Avro records
# (Debezium's ExtractNewRecordState: the row alone, plus __op and __source_ts_ms), the recipient
# address left out and the body cut to 40 characters; a consumer group reads them back through
# the schema registry and "delivers" each one. One command on the local stack:
#
#   scripts/stack up && examples/notifications/run.sh
#
# Prints one JSON line per record the consumer read: the delivery of a new or changed
# notification, or {"id": …, "deleted": true} for a tombstone. Rerunnable (fresh topics, slot
# and group each run). CDCCTL_BIN picks the binary (default: the release build).
set -euo pipefail
cd "$(dirname "$0")/../.."
envs=$(scripts/stack env)
eval "$envs"
cdcctl=${CDCCTL_BIN:-.build/release/cdcctl}
name=${NOTIFY_NAME:-notify$(date +%s)$$}   # fresh slot, publication, topics and consumer group
sql() { psql -qX -v ON_ERROR_STOP=1 "$CDCCTL_PG_URL" "$@"; }
stream=(stream -t notify.notifications --slot "$name" --publication "$name" -q
        --kafka --format avro --topic-prefix "$name"
        --envelope flat --add-fields op,source.ts_ms
        --exclude-columns notify.notifications:recipient --truncate notify.notifications.body=40)

sql -f examples/notifications/notifications.sql >/dev/null 2>&1
# 1. The slot and the snapshot of what is there (two notifications).
$cdcctl "${stream[@]}" --snapshot initial-only
# 2. The app writes: a new notification, one read, one withdrawn.
sql -c "insert into notify.notifications (id, user_id, channel, title, body, recipient)
        values (3, 10, 'sms', 'Your code is 4711', 'Use it within 10 minutes to sign in, or ask for a new one.', '+44 20 7946 0000')" \
    -c "update notify.notifications set read_at = now() where id = 1" \
    -c "delete from notify.notifications where id = 2"
# 3. Deliver them: the slot only moves once the broker has every record.
$cdcctl "${stream[@]}" --endpos "$(psql -XAtq "$CDCCTL_PG_URL" -c 'select pg_current_wal_lsn()')" --drop-slot-on-exit
sql -c "drop publication $name"
# 4. The notifier: a consumer group reads the topic from its start, decoded through the registry.
$cdcctl consume -G "$name" -o beginning -X session.timeout.ms=6000 "$name.notify.notifications" -e -q -f '%k\t%s\n' \
  | jq -Rc 'split("\t") | (.[0] | fromjson) as $k | if .[1] == "" then {id: $k.id, deleted: true}
            else (.[1] | fromjson) | {id, user_id, channel, title, body, read: (.read_at != null), op: .__op} end'
