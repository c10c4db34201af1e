"""The events of an NDJSON file that a killed `cdcctl` may have written.

cdcctl writes whole lines, but `kill -9` can stop the kernel in the middle of one large write()
to a regular file (Linux ends a write early for a fatal signal), leaving the file's last line cut
short, without its newline. That line never counted as written (the slot was not acknowledged
past it), so a reader replays what precedes it. Only an unterminated final line is forgiven: a
malformed line anywhere else still fails.
"""
import json
import sys


def events(path):
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    tail = lines.pop()  # b"" when the file ends with a newline
    if tail:
        print(f"{path}: left out an unterminated final line of {len(tail)} bytes (a write cut by kill -9)", file=sys.stderr)
    for line in lines:
        yield json.loads(line)
