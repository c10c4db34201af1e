#!/usr/bin/env bash
# Durability of `cdcctl registry serve`: a restart (SIGTERM) keeps every id and version, and a
# SIGKILL in the middle of concurrent registrations loses nothing that was acknowledged and
# never leaves a data file that fails to load. Concurrent registrations of one schema get one id.
set -euo pipefail
NAME=registry-restart
. "$(dirname "$0")/lib/preamble.sh"
. "$LIB/registry.sh"
PY=${CDCCTL_PYTHON:-python3}
command -v "$PY" >/dev/null || PY=python3

# client.py URL register|call|snapshot|verify ...: a stdlib-only client for the checks below.
cat >"$WORK/client.py" <<'PY'
import json, sys, threading, urllib.request, urllib.error

url, cmd = sys.argv[1], sys.argv[2]
CT = {"Content-Type": "application/vnd.schemaregistry.v1+json"}

def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method, headers=CT)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or "null")

def schema(i):
    return json.dumps({"type": "record", "name": "R%d" % i, "fields": [{"name": "f", "type": "long"}]})

if cmd == "register":          # N subjects x M threads, each schema registered by all threads
    n, threads, out = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    acked, lock = [], threading.Lock()
    def work(t):
        for i in range(n):
            try:
                r = call("POST", "/subjects/s%d/versions" % i, {"schema": schema(i)})
            except Exception:
                return                 # the server went away (SIGKILL): stop
            with lock:
                acked.append((i, r["id"]))
    ts = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    [t.start() for t in ts]; [t.join() for t in ts]
    with open(out, "w") as f: json.dump(acked, f)
elif cmd == "call":            # call METHOD PATH [JSON-BODY]
    print(json.dumps(call(sys.argv[3], sys.argv[4], json.loads(sys.argv[5]) if len(sys.argv) > 5 else None)))
elif cmd == "snapshot":        # every subject's versions and ids, and the global config
    snap = {"config": call("GET", "/config")}
    for s in call("GET", "/subjects"):
        snap[s] = [call("GET", "/subjects/%s/versions/%d" % (s, v)) for v in call("GET", "/subjects/%s/versions" % s)]
    print(json.dumps(snap, sort_keys=True))
elif cmd == "verify":          # every acknowledged registration is there with its id
    acked = json.load(open(sys.argv[3]))
    for i, id_ in sorted(set(map(tuple, acked))):
        got = call("GET", "/subjects/s%d/versions/latest" % i)
        assert got["id"] == id_, (i, id_, got)
        assert json.loads(call("GET", "/schemas/ids/%d" % id_)["schema"]) == json.loads(schema(i))
    ids = {}
    for i, id_ in acked:
        assert ids.setdefault(i, id_) == id_, "schema %d got two ids: %s and %s" % (i, ids[i], id_)
    print("verified %d acknowledged registrations of %d schemas" % (len(acked), len(ids)))
PY

# 1. Concurrent registrations: 8 threads register the same 20 schemas: one id and one version each.
start_registry "$WORK/a"
"$PY" "$WORK/client.py" "$REG_URL" register 20 8 "$WORK/acked-a.json"
"$PY" "$WORK/client.py" "$REG_URL" verify "$WORK/acked-a.json" || fail "concurrent registrations"
"$PY" "$WORK/client.py" "$REG_URL" call PUT /config '{"compatibility": "FULL"}' >/dev/null
"$PY" "$WORK/client.py" "$REG_URL" call DELETE /subjects/s3 >/dev/null
"$PY" "$WORK/client.py" "$REG_URL" snapshot >"$WORK/before.json"
grep -q '"version": 2' "$WORK/before.json" && fail "a schema got a second version: $(cat "$WORK/before.json")"

# 2. SIGTERM and restart on the same data dir: the same subjects, versions, ids and config.
stop_registry TERM
start_registry "$WORK/a"
"$PY" "$WORK/client.py" "$REG_URL" snapshot >"$WORK/after.json"
cmp -s "$WORK/before.json" "$WORK/after.json" || fail "state changed across a restart: $(diff "$WORK/before.json" "$WORK/after.json")"
echo "$NAME: restart kept $(grep -o '"id"' "$WORK/after.json" | wc -l) versions and the config"
stop_registry TERM

# 3. SIGKILL during registrations, three times: nothing acknowledged is lost, the file loads.
for round in 1 2 3; do
  start_registry "$WORK/b"
  "$PY" "$WORK/client.py" "$REG_URL" register 400 4 "$WORK/acked-b$round.json" &
  client=$!
  sleep 0.$((2 + round))
  stop_registry KILL
  wait "$client" || true
  [ -s "$WORK/acked-b$round.json" ] || fail "round $round: nothing was acknowledged before the kill"
  start_registry "$WORK/b"
  "$PY" "$WORK/client.py" "$REG_URL" verify "$WORK/acked-b$round.json" || fail "round $round: acknowledged registrations lost"
  stop_registry TERM
done
ls -A "$WORK/b" | grep -q tmp && fail "temp files left in the data dir: $(ls -A "$WORK/b")"

# 4. A data dir written before schemas were compared by Avro meaning and served compact (as
#    cdcctl's JSONEncoder wrote it, pretty-printed schemas included) loads and keeps its ids.
mkdir -p "$WORK/old"
cat >"$WORK/old/registry.json" <<'JSON'
{
  "compatibility" : "BACKWARD",
  "format" : 1,
  "schemas" : [
    {
      "id" : 1,
      "schema" : "{\n  \"type\" : \"record\",\n  \"name\" : \"R\",\n  \"namespace\" : \"old\",\n  \"fields\" : [ { \"name\" : \"f\", \"type\" : \"long\" } ]\n}"
    },
    {
      "id" : 2,
      "schema" : "{\"type\": \"string\"}"
    },
    {
      "id" : 3,
      "schema" : "\"string\""
    }
  ],
  "subjects" : {
    "old-value" : {
      "versions" : [ { "deleted" : false, "id" : 1, "version" : 1 } ]
    },
    "s" : {
      "versions" : [ { "deleted" : false, "id" : 2, "version" : 1 }, { "deleted" : false, "id" : 3, "version" : 2 } ]
    }
  }
}
JSON
start_registry "$WORK/old"
got=$("$PY" "$WORK/client.py" "$REG_URL" call GET /schemas/ids/1)
[ "$got" = '{"schema": "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"old\",\"fields\":[{\"name\":\"f\",\"type\":\"long\"}]}"}' ] \
  || fail "an old data file's schema 1 is served as $got"
got=$("$PY" "$WORK/client.py" "$REG_URL" call POST /subjects/old-value '{"schema": "{\"type\":\"record\",\"name\":\"old.R\",\"fields\":[{\"name\":\"f\",\"type\":\"long\"}]}"}')
[[ "$got" == *'"id": 1'* && "$got" == *'"version": 1'* ]] || fail "an old schema is not found by meaning: $got"
got=$("$PY" "$WORK/client.py" "$REG_URL" call POST /subjects/new/versions '{"schema": "\"string\""}')
[ "$got" = '{"id": 2}' ] || fail "a schema equal to two old ids should get the first: $got"
got=$("$PY" "$WORK/client.py" "$REG_URL" call GET /subjects/s/versions)
[ "$got" = '[1, 2]' ] || fail "an old subject's versions changed: $got"
stop_registry TERM
echo "$NAME: a data dir from before identities loads and keeps its ids"
echo "$NAME: PASS"
