"""Replays NDJSON change events of a table with columns (id int, v int) and compares the result
with the table's rows, as `psql -At -F ' '` prints `SELECT id, v` (one "id v" line each):
every row must come out of the events (snapshot reads, then changes, in file order).

Usage: replay_check.py TABLE_ROWS EVENTS.ndjson... [--reads-once FILE]
  --reads-once FILE: also require that FILE holds each id's snapshot read (op "r") exactly once
Prints what differs and exits 1, or prints a one-line summary.
"""
import json
import sys

import ndjson_lines
import table_diff

args = sys.argv[1:]
once = None
if "--reads-once" in args:
    i = args.index("--reads-once")
    once = args[i + 1]
    del args[i:i + 2]
table_file, event_files = args[0], args[1:]

expected = {}
with open(table_file) as f:
    for line in f:
        if line.strip():
            k, v = line.split()
            expected[int(k)] = int(v)

state = {}
counts = {}
for path in event_files:
    for e in ndjson_lines.events(path):
        op = e["op"]
        counts[op] = counts.get(op, 0) + 1
        if op in ("r", "c", "u"):
            state[e["after"]["id"]] = e["after"]["v"]
        elif op == "d":
            state.pop(e["before"]["id"], None)

problems = table_diff.differences(expected, state)
if once:
    reads = {}
    with open(once) as f:
        for line in f:
            e = json.loads(line)
            if e["op"] == "r":
                reads[e["after"]["id"]] = reads.get(e["after"]["id"], 0) + 1
    twice = [k for k, n in reads.items() if n != 1]
    if twice:
        problems.append(f"{len(twice)} ids read more than once in {once}")
if problems:
    print("; ".join(problems))
    sys.exit(1)
print(f"{len(expected)} rows replayed from {sum(counts.values())} events {dict(sorted(counts.items()))}")
