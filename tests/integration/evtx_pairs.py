#!/usr/bin/env python3
"""evtx_pairs.py — an .evtx and its evtx_dump JSON rendering give the same event.

Usage: evtx_pairs.py UPDGUARD DIR

The Sigma regression data holds, per test, an .evtx and the same records as
evtx_dump JSON (read by the evtx-json format). Both are read with
`updguard events` (default naming: canonical fields under their canonical
names, the rest under their evtx_dump paths); per record the header (time,
host, kind, channel, event_id, record) and every field name and value must
be equal. Rendering differences of evtx_dump (docs/evtx.md) are normalised:
GUIDs without braces, SystemTime with 6 digits, the time (to 1 us), and
trailing whitespace (evtx_dump trims it; Windows, libevtx and we keep it).
"""
import json
import os
import re
import subprocess
import sys

GUID = re.compile(r"^\{([0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12})\}$")


def events(updguard, path):
    res = subprocess.run([updguard, "events", "-q", path], stdout=subprocess.PIPE, check=False)
    if res.returncode != 0:
        return None
    return [json.loads(l, object_pairs_hook=list) for l in res.stdout.decode().splitlines()]


def norm(ev):
    d = dict(ev)
    fields = []
    for k, v in d["fields"]:
        m = GUID.match(v)
        if m:
            v = m.group(1)  # evtx_dump prints GUIDs without braces
        v = v.rstrip()  # evtx_dump trims values
        if k.endswith("SystemTime"):
            v = v[:26] + "Z" if len(v) > 27 else v  # evtx_dump: 6 digits
        fields.append((k, v))
    t = d["time"][:26]  # to the microsecond
    # "record" is the EventRecordID for .evtx, the line number for .json
    head = (t, d["host"], d["kind"], d.get("channel"), d.get("event_id"))
    return head, fields


def main():
    updguard, top = sys.argv[1], sys.argv[2]
    pairs = []
    for d, _, files in os.walk(top):
        for f in files:
            if f.endswith(".evtx") and os.path.exists(os.path.join(d, f[:-5] + ".json")):
                pairs.append(os.path.join(d, f))
    if not pairs:
        print("SKIP: no .evtx/.json pairs under " + top)
        return 77
    ok = recs = 0
    bad = []
    for p in sorted(pairs):
        a, b = events(updguard, p), events(updguard, p[:-5] + ".json")
        if a is None or b is None or len(a) != len(b):
            bad.append("%s: %s vs %s events" % (p, a and len(a), b and len(b)))
            continue
        for i, (x, y) in enumerate(zip(a, b)):
            (hx, fx), (hy, fy) = norm(x), norm(y)
            if hx != hy:
                bad.append("%s: record %d header %r vs %r" % (p, i + 1, hx, hy))
                break
            if fx != fy:
                diff = [f for f in fx if f not in fy][:2] + [f for f in fy if f not in fx][:2]
                bad.append("%s: record %d fields differ: %r" % (p, i + 1, diff))
                break
        else:
            ok += 1
            recs += len(a)
    for b in bad[:20]:
        print("DIFF " + b)
    print("evtx_pairs: %d of %d .evtx files (%d records) give the same events as their .json"
          % (ok, len(pairs), recs))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
