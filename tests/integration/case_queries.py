#!/usr/bin/env python3
"""case_queries.py DOC CASE.sqlite REPORT_DIR SUMMARY.json

Runs the example queries of docs/case-db.md (read from the doc itself, so
the documented SQL is what is tested) on a hunt's case.sqlite and checks
each answer against what the hunt wrote independently: hosts.jsonl,
iocs.csv and the --json summary. Prints one line per query; exit 1 on any
disagreement."""
import csv
import json
import re
import sqlite3
import sys
from collections import Counter


def queries(doc):
    text = open(doc, encoding="utf-8").read()
    found = {}
    for m in re.finditer(r"^(Q\d+) — .*?```sql\n(.*?)```", text, re.S | re.M):
        found[m.group(1)] = m.group(2)
    return found


def main():
    doc, db, rep, summary = sys.argv[1:5]
    hosts = [json.loads(l) for l in open(f"{rep}/hosts.jsonl", encoding="utf-8") if l.strip()]
    summ = json.load(open(summary, encoding="utf-8"))
    q = queries(doc)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    bad = []

    def check(name, got, want):
        ok = got == want
        print(f"{name}: {'ok' if ok else 'MISMATCH'} ({len(want) if hasattr(want, '__len__') else want} expected)")
        if not ok:
            bad.append(name)
            print(f"  got  {sorted(got)[:5] if isinstance(got, (set, dict)) else got}\n  want {sorted(want)[:5] if isinstance(want, (set, dict)) else want}")

    if len(q) < 7:
        print(f"docs/case-db.md has {len(q)} example queries, expected 7")
        return 1
    check("Q1 verdict counts", dict(con.execute(q["Q1"]).fetchall()), dict(Counter(h["verdict"] for h in hosts)))

    want = set()
    for h in hosts:
        if h["verdict"] != "compromised":
            continue
        win = [d for d in h["deliveries"] if d["in_window"]]
        if win:
            first = min(win, key=lambda d: d["time"].rstrip("Z").ljust(29, "0"))
            want.add((h["host"], first["time"]))
    got = {(n, t) for n, s, t in con.execute(q["Q2"]).fetchall()}
    check("Q2 compromised hosts, first window delivery", got, want)

    got = {r[0] for r in con.execute(q["Q3"]).fetchall()}
    check("Q3 hosts with a scheduled task", got,
          {h["host"] for h in hosts if any(e["kind"] == "persistence-task" for e in h["evidence"])})

    want = Counter(d["server"] for h in hosts if h["verdict"] == "compromised" for d in h["deliveries"] if d["in_window"])
    check("Q4 window deliveries to compromised hosts per server", dict(con.execute(q["Q4"]).fetchall()), dict(want))

    target = next((h for h in hosts if h["evidence"]), None)
    if target:
        got = [tuple(r) for r in con.execute(q["Q5"], {"host": target["host"]}).fetchall()]
        want = [(e["time"], e["kind"], e["technique"], e["summary"], e["source"]) for e in target["evidence"]]
        check(f"Q5 evidence of {target['host']}", got, want)

    rows = list(csv.DictReader(open(f"{rep}/iocs.csv", encoding="utf-8", newline="")))
    got = [(t, v, n) for t, v, n, _ in con.execute(q["Q6"]).fetchall()]
    check("Q6 indicators", set(got), {(r["type"], r["value"], int(r["hosts"])) for r in rows})
    if got != sorted(got, key=lambda r: (-r[2], r[0], r[1])):
        bad.append("Q6 order")

    rows = con.execute(q["Q7"]).fetchall()
    skipped = sum(r[1] for r in rows)
    check("Q7 skipped records", skipped, summ["input"]["records_skipped"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
