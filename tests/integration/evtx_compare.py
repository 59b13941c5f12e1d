#!/usr/bin/python3
"""evtx_compare.py — updguard's EVTX reader against an independent one.

Usage: evtx_compare.py UPDGUARD DIR...

Every .evtx under the DIRs is read by updguard (`events --original-names`)
and by Debian's python-evtx (Willi Ballenthin's pure-Python parser; run with
/usr/bin/python3, where the package lives). For every file the record count
must be equal and, record by record in file order: EventRecordID, the
TimeCreated timestamp, EventID, Channel, Computer, and every EventData
name/value (named Data by name, unnamed Data in order, Binary).

Known python-evtx deviations (docs/evtx.md, "Reference bugs") are
normalised before comparing, never hidden:
  - FILETIME (SystemTime and FILETIME values): python-evtx converts through a
    float (1.6 us steps at today's dates) and prints microseconds without
    'T'/'Z'; compared as times to within 3 us.
  - GUID values: python-evtx prints them lower-case (Windows and libevtx
    upper-case); compared case-insensitively when both are {GUID}s.
  - HexInt64 values: python-evtx (and libevtx) zero-pad to 16 digits,
    Windows does not ("0x3e7", as Sigma rules expect); compared as numbers.
  - Booleans: python-evtx prints Python's True/False, Windows true/false.
  - Binary values: python-evtx prints base64, Windows (and libevtx) hex.
  - Array substitutions: python-evtx renders "<string>a</string>..." as escaped
    text in ONE element; Windows (and libevtx) repeat the element per item.
  - Control characters: python-evtx drops those XML 1.0 forbids (U+000F in a
    Security PrivilegeList); Windows and libevtx keep them.
Records that differ from python-evtx are checked again against libevtx's
evtxexport (-f xml) and counted apart when libevtx agrees with us; a record
is a failure only when it matches neither reference.
  - Line ends: python-evtx writes CR LF raw into its XML and the XML parser
    turns it into LF (XML end-of-line rule); our CR LF is compared as LF.
Exit 0 when everything matched, 1 otherwise; 77 when python-evtx is missing.
"""
import base64
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

try:
    from Evtx.Evtx import Evtx
except ImportError:
    print("SKIP: python-evtx (Debian python3-evtx) not installed")
    sys.exit(77)

NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"
GUID = re.compile(r"^\{[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}\}$")
# XML 1.0 forbids most control characters; python-evtx emits them raw
BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def python_evtx_xml(path):
    with Evtx(path) as log:
        for rec in log.records():
            yield rec.xml()


def libevtx_xml(path):
    res = subprocess.run(["evtxexport", "-f", "xml", path], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, check=False)
    text = res.stdout.decode("utf-8", "replace")
    return re.findall(r"<Event xmlns=.*?</Event>", text, re.S)


def ref_records(docs, who):
    """A reference's view of every record: a dict per record."""
    out = []
    for doc in docs:
            try:
                root = ET.fromstring(BAD_XML.sub("\ufffd", doc))
            except Exception as e:  # noqa: BLE001 - report, do not stop
                out.append({"error": "%s: %s" % (who, e)})
                continue
            sysel = root.find(NS + "System")
            def text(tag):
                el = sysel.find(NS + tag) if sysel is not None else None
                return (el.text or "") if el is not None else None
            tc = sysel.find(NS + "TimeCreated") if sysel is not None else None
            data = []
            ed = root.find(NS + "EventData")
            if ed is not None:
                for el in ed:
                    tag = el.tag.replace(NS, "")
                    name = el.get("Name") if tag == "Data" else None
                    data.append((name or tag, el.text or ""))
            out.append({
                "id": text("EventRecordID"),
                "time": tc.get("SystemTime") if tc is not None else None,
                "event_id": text("EventID"),
                "channel": text("Channel"),
                "computer": text("Computer"),
                "data": data,
            })
    return out


def our_records(updguard, files):
    """updguard's events of all files, grouped by source path."""
    res = subprocess.run([updguard, "events", "-q", "--original-names", "--format", "evtx"] + files,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if res.returncode not in (0,):
        sys.stderr.write(res.stderr.decode("utf-8", "replace"))
        print("FAIL: updguard exited %d (skipped records?)" % res.returncode)
        sys.exit(1)
    by_file = {}
    for line in res.stdout.decode("utf-8").splitlines():
        ev = json.loads(line)
        pairs = json.loads(line, object_pairs_hook=list)
        fields = dict(pairs)["fields"]  # (name, value) pairs: names repeat
        f = dict(fields)
        data = []
        for k, v in fields:
            if k.startswith("Event.EventData.") and ".#attributes." not in k:
                data.append((k[len("Event.EventData."):], v))
        by_file.setdefault(ev["source"], []).append({
            "id": f.get("Event.System.EventRecordID"),
            "time": f.get("Event.System.TimeCreated.#attributes.SystemTime"),
            "event_id": f.get("Event.System.EventID", f.get("Event.System.EventID.#text")),
            "channel": f.get("Event.System.Channel"),
            "computer": f.get("Event.System.Computer"),
            "data": data,
            "record": ev["record"],
        })
    return by_file


def parse_time(s):
    """Either side's SystemTime as integer microseconds (7th digit dropped)."""
    if s is None:
        return None
    s = s.rstrip("Z").replace("T", " ")
    base, _, frac = s.partition(".")
    dt = datetime.strptime(base, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
    return int(dt.timestamp()) * 1000000 + int((frac + "000000")[:6])


HEX = re.compile(r"^0x[0-9a-fA-F]+$")
TIME = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?Z?$")


def same_value(a, b):
    if a == b:
        return True
    a, b = (a or "").replace("\r\n", "\n").replace("\r", "\n"), b or ""
    if a == b:
        return True
    try:
        if re.match(r"^[0-9A-F]+$", a) and base64.b64decode(b, validate=True).hex().upper() == a:
            return True
    except ValueError:
        pass
    if GUID.match(a) and GUID.match(b):
        return a.lower() == b.lower()
    if HEX.match(a) and HEX.match(b):
        return int(a, 16) == int(b, 16)
    if a in ("true", "false") and b in ("True", "False"):
        return a == b.lower()
    if TIME.match(a) and TIME.match(b):
        return abs(parse_time(a) - parse_time(b)) <= 3
    return False


def compare(ours, ref, who):
    """First difference between one record of each side, or None."""
    if "error" in ref:
        return ref["error"]
    for k in ("id", "event_id", "channel", "computer"):
        if (ours[k] or "") != (ref[k] or ""):
            return "%s: ours %r, %s %r" % (k, ours[k], who, ref[k])
    t1, t2 = parse_time(ours["time"]), parse_time(ref["time"])
    if t1 is None or t2 is None or abs(t1 - t2) > 3:
        return "time: ours %r, %s %r" % (ours["time"], who, ref["time"])
    if str(ours["record"]) != (ref["id"] or ""):
        return "event record: ours %r, EventRecordID %r" % (ours["record"], ref["id"])
    if len(ours["data"]) != len(ref["data"]):
        return "EventData: ours %d items, %s %d" % (len(ours["data"]), who, len(ref["data"]))
    for (n1, v1), (n2, v2) in zip(ours["data"], ref["data"]):
        v1 = BAD_XML.sub("\ufffd", v1)
        if n1 != n2 or not same_value(v1, v2):
            return "EventData %r=%r, %s %r=%r" % (n1, v1, who, n2, v2)
    return None


def main():
    updguard, dirs = sys.argv[1], sys.argv[2:]
    files = sorted(os.path.join(d, f) for top in dirs for d, _, fs in os.walk(top)
                   for f in fs if f.endswith(".evtx"))
    if not files:
        print("SKIP: no .evtx files under %s" % " ".join(dirs))
        return 77
    ours = our_records(updguard, files)
    nrec = nfiles = nlib = 0
    bad = []
    for path in files:
        ref = ref_records(python_evtx_xml(path), "python-evtx")
        mine = ours.get(path, [])
        if len(mine) != len(ref):
            bad.append("%s: %d records, python-evtx %d" % (path, len(mine), len(ref)))
            continue
        diffs = [(i, compare(m, r, "python-evtx")) for i, (m, r) in enumerate(zip(mine, ref))]
        diffs = [(i, d) for i, d in diffs if d]
        if diffs:  # a second opinion: libevtx
            lib = ref_records(libevtx_xml(path), "evtxexport")
            still = [(i, d) for i, d in diffs
                     if len(lib) != len(mine) or compare(mine[i], lib[i], "evtxexport")]
            if still:
                bad.append("%s: record %d: %s" % (path, still[0][0] + 1, still[0][1]))
                continue
            nlib += len(diffs)
        nfiles += 1
        nrec += len(ref)
    for b in bad[:20]:
        print("DIFF " + b)
    print("evtx_compare: %d of %d files, %d records equal (%d of them differ from python-evtx "
          "where libevtx agrees with us: python-evtx bugs, docs/evtx.md); %d files differ"
          % (nfiles, len(files), nrec, nlib, len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
