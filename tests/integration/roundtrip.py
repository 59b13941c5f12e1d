#!/usr/bin/env python3
"""roundtrip.py UPDGUARD DIR — what `updguard simulate` wrote into DIR is read
back by `updguard events` as the same events: for every record of every file,
parsed here independently of updguard (json, csv, plain splitting), the event
at that file and line exists, has the record's time and host, and carries
every field of the record with the same value. Exit 1 on the first
differences (up to 20 are printed)."""
import datetime as dt
import json
import os
import subprocess
import sys

UG, ROOT = sys.argv[1], sys.argv[2]
problems = []
checked = {"records": 0, "fields": 0}


def ns_from_iso(s):
    s = s.rstrip("Z")
    date, _, frac = s.partition(".")
    t = dt.datetime.strptime(date, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.timezone.utc)
    return int(t.timestamp()) * 10**9 + int((frac + "000000000")[:9])


def ns_from_epoch(s):
    sec, _, frac = s.partition(".")
    return int(sec) * 10**9 + int((frac + "000000000")[:9])


def host_norm(h):
    h = h.strip()
    if not h.replace(".", "").isdigit():
        h = h.split(".")[0]
    return h.lower()


def flatten(obj, prefix=""):
    """Scalar leaves with dotted names; arrays of scalars joined with ','."""
    for k, v in obj.items():
        name = prefix + k
        if isinstance(v, dict):
            yield from flatten(v, name + ".")
        elif isinstance(v, list):
            if all(not isinstance(x, (dict, list)) for x in v):
                yield name, ",".join(scalar(x) for x in v)
        elif v is not None:
            yield name, scalar(v)


def scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def same(want, got):
    if want == got:
        return True
    try:  # numbers: 480.0 written, "480.0" read; compare as numbers
        return float(want) == float(got)
    except ValueError:
        return False


def events_of(path):
    out = subprocess.run([UG, "events", "--original-names", path], capture_output=True, text=True)
    if out.returncode != 0:
        problems.append(f"{path}: updguard events exit {out.returncode}: {out.stderr[-300:]}")
    return {ev["record"]: ev for ev in map(json.loads, out.stdout.splitlines())}


def check(path, line, ev, time_ns, host, fields):
    where = f"{os.path.relpath(path, ROOT)}:{line}"
    checked["records"] += 1
    if ev is None:
        problems.append(f"{where}: no event")
        return
    if time_ns is not None and ns_from_iso(ev["time"]) != time_ns:
        problems.append(f"{where}: time {ev['time']}, written {time_ns}")
    if host is not None and ev["host"] != host_norm(host):
        problems.append(f"{where}: host {ev['host']!r}, written {host!r}")
    for name, want in fields:
        checked["fields"] += 1
        got = ev["fields"].get(name)
        if got is None or not same(want, got):
            problems.append(f"{where}: field {name} = {got!r}, written {want!r}")


def json_lines(path, time_of, host_of):
    evs = events_of(path)
    n = 0
    with open(path, encoding="utf-8") as f:
        for line, text in enumerate(f, 1):
            if not text.strip():
                continue
            rec = json.loads(text)
            n += 1
            check(path, line, evs.get(line), time_of(rec), host_of(rec), flatten(rec))
    if len(evs) != n:
        problems.append(f"{path}: {len(evs)} events for {n} records")


def zeek_tsv(path):
    evs = events_of(path)
    names, n = [], 0
    with open(path, encoding="utf-8") as f:
        for line, text in enumerate(f, 1):
            text = text.rstrip("\n")
            if text.startswith("#fields"):
                names = text.split("\t")[1:]
            if text.startswith("#") or not text:
                continue
            n += 1
            vals = text.split("\t")
            rec = {k: ("" if v == "(empty)" else v) for k, v in zip(names, vals) if v != "-"}
            check(path, line, evs.get(line), ns_from_epoch(rec["ts"]), rec["id.orig_h"], rec.items())
    if len(evs) != n:
        problems.append(f"{path}: {len(evs)} events for {n} records")


def squid(path):
    evs = events_of(path)
    with open(path, encoding="utf-8") as f:
        for line, text in enumerate(f, 1):
            c = text.split()
            action, status = c[3].split("/")
            fields = [("c-ip", c[2]), ("sc-status", status), ("sc-bytes", c[4]),
                      ("cs-method", c[5]), ("c-uri", c[6]), ("elapsed", c[1]), ("action", action)]
            check(path, line, evs.get(line), ns_from_epoch(c[0]), c[2], fields)
    if len(evs) != line:
        problems.append(f"{path}: {len(evs)} events for {line} records")


def dhcp(path, zone_offsets):
    evs = events_of(path)
    header, n = None, 0
    with open(path, encoding="utf-8") as f:
        for line, text in enumerate(f, 1):
            text = text.rstrip("\r\n")
            if text.startswith("ID,Date,Time"):
                header = [h.strip().rstrip(".") for h in text.split(",")]
                continue
            if header is None or not text:
                continue
            n += 1
            rec = dict(zip(header, text.split(",")))
            fields = [(k, v) for k, v in rec.items() if v and k not in ("Date", "Time")]
            ev = evs.get(line)
            check(path, line, ev, None, None, fields)
    if len(evs) != n:
        problems.append(f"{path}: {len(evs)} events for {n} records")


for dirpath, _, files in sorted(os.walk(ROOT)):
    for name in sorted(files):
        path = os.path.join(dirpath, name)
        kind = os.path.basename(dirpath)
        if kind == "winlogbeat":
            json_lines(path, lambda r: ns_from_iso(r["@timestamp"]),
                       lambda r: r["winlog"]["computer_name"])
        elif kind == "nxlog":
            json_lines(path, lambda r: ns_from_iso(r["UtcTime"].replace(" ", "T")) if "UtcTime" in r else None,
                       lambda r: r["Hostname"])
        elif kind == "zeek-json":
            json_lines(path, lambda r: ns_from_iso(r["ts"]), lambda r: r["id.orig_h"])
        elif kind == "zeek":
            zeek_tsv(path)
        elif kind == "squid":
            squid(path)
        elif name.startswith("DhcpSrvLog"):
            dhcp(path, None)

print(f"round trip: {checked['records']} records, {checked['fields']} field values compared")
for p in problems[:20]:
    print("DIFF:", p)
if problems:
    print(f"{len(problems)} difference(s)")
    sys.exit(1)
