#!/usr/bin/env python3
"""sigma_regression.py — SigmaHQ's regression tests: for every info.yml under
$UG_SHARED_DATA/sigma/regression_data, run the rule it names over its EVTX
with `updguard sigma` and compare the number of detections with match_count
(1 where absent). As SigmaHQ's own runner (sigmahq-regression-data.md:
"Minimum number of matches required ... If actual count exceeds this value,
a warning is emitted rather than a failure"), more detections than
match_count are a warning naming the count, not a failure: samples hold
several matching events. Prints `N/M regression tests pass`; exits 1 on any failure,
77 when the data is absent.

Input: the .evtx files, read by updguard's own EVTX reader.
UG_SIGMA_REGRESSION_INPUT=json runs the evtx_dump JSON rendering next to each
.evtx instead (the `evtx-json` format), to compare the two readers.
"""
import glob
import json
import os
import subprocess
import sys

import yaml


def rule_index(data):
    index = {}
    for path in glob.glob(os.path.join(data, "rules*", "**", "*.yml"), recursive=True):
        with open(path, encoding="utf-8") as f:
            for doc in yaml.safe_load_all(f):
                if isinstance(doc, dict) and doc.get("id"):
                    index[doc["id"]] = path
    return index


def reads_evtx(ug, sample):
    r = subprocess.run([ug, "events", "-q", "--count", sample], capture_output=True, text=True)
    return r.returncode == 0 and "not read" not in r.stderr and not r.stdout.strip().endswith(" 0")


def count_hits(ug, rule_path, rule_id, log):
    r = subprocess.run([ug, "sigma", "-q", "--format-out", "jsonl", "--rules", rule_path, log],
                       capture_output=True, text=True)
    if r.returncode not in (0, 3):
        return None, r.stderr.strip()
    rows = [json.loads(line) for line in r.stdout.splitlines() if line]
    recs = [(x["source"], x["record"]) for x in rows if x["id"] == rule_id]
    if len(set(recs)) != len(recs):
        return None, "the same record was reported twice"
    return len(recs), ""


def main():
    ug = sys.argv[1]
    data = os.path.join(os.environ.get("UG_SHARED_DATA", os.path.join(os.path.dirname(__file__), "../../../shared/data")), "sigma")
    infos = sorted(glob.glob(os.path.join(data, "regression_data", "**", "info.yml"), recursive=True))
    if not infos:
        print(f"SKIP: no SigmaHQ regression data under {data} (set UG_SHARED_DATA)")
        return 77
    rules = rule_index(data)
    mode = os.environ.get("UG_SIGMA_REGRESSION_INPUT", "evtx")
    if mode == "evtx":
        sample = glob.glob(os.path.join(data, "regression_data", "**", "*.evtx"), recursive=True)[0]
        if not reads_evtx(ug, sample):
            print(f"FAIL: this build does not read EVTX ({sample})")
            return 1
    else:
        print("note: UG_SIGMA_REGRESSION_INPUT=json: using the evtx_dump JSON next to each .evtx")
    passed = total = 0
    for info_path in infos:
        with open(info_path, encoding="utf-8") as f:
            info = yaml.safe_load(f)
        for meta in info.get("rule_metadata", []):
            for test in info.get("regression_tests_info", []):
                total += 1
                want = test.get("match_count") or 1
                log = os.path.join(data, test["path"])
                if mode == "json":
                    log = log[: -len(".evtx")] + ".json"
                rule_path = rules.get(meta["id"])
                if not rule_path:
                    print(f"FAIL: {info_path}: rule {meta['id']} not found under rules*")
                    continue
                got, err = count_hits(ug, rule_path, meta["id"], log)
                if got is not None and got >= want:
                    passed += 1
                    if got > want:
                        print(f"warning: {meta.get('title')} ({meta['id']}): {got} detections, match_count {want}"
                              f" (the sample holds {got} matching events)")
                else:
                    print(f"FAIL: {meta.get('title')} ({meta['id']}): {got} detection(s), wanted {want}"
                          f" [{os.path.relpath(rule_path, data)} over {os.path.relpath(log, data)}] {err}")
    print(f"{passed}/{total} regression tests pass")
    return 0 if passed == total else 1


if __name__ == "__main__":
    sys.exit(main())
