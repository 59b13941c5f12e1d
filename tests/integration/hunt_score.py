#!/usr/bin/env python3
"""hunt_score.py TRUTH HOSTS_JSONL LABEL — score `updguard hunt` against the
simulator's ground truth. Prints one line of figures for the run and exits
1 unless: every compromised host is `compromised`, no other host is, every
host that updated cleanly in the window is `clean-delivery`, and (scenario
`none`) nobody is compromised. Host names compare as the simulator writes
them (short, lower case)."""
import json
import sys


def host_name(item):
    return (item.get("host", "") if isinstance(item, dict) else str(item)).lower()


def load_verdicts(path):
    verdicts = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as e:
                sys.exit(f"{path}:{n}: not JSON: {e}")
            for key in ("host", "verdict", "score", "deliveries", "evidence"):
                if key not in obj:
                    sys.exit(f"{path}:{n}: no '{key}' (docs/hunt.md)")
            verdicts[obj["host"].lower()] = obj["verdict"]
    return verdicts


def ratio(a, b):
    return f"{a}/{b} ({a / b:.2f})" if b else f"{a}/0 (-)"


def main():
    truth_path, hosts_path, label = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(truth_path, encoding="utf-8") as f:
        truth = json.load(f)
    verdicts = load_verdicts(hosts_path)
    bad = {host_name(h) for h in truth.get("compromised_hosts", [])}
    clean = {host_name(h) for h in truth.get("clean_delivery_hosts", [])} - bad
    said_bad = {h for h, v in verdicts.items() if v == "compromised"}
    hit = bad & said_bad
    false_pos = sorted(said_bad - bad)
    missed = sorted(bad - said_bad)
    clean_ok = {h for h in clean if verdicts.get(h) == "clean-delivery"}
    clean_wrong = sorted((h, verdicts.get(h, "(absent)")) for h in clean - clean_ok)

    ok = not missed and not false_pos and not clean_wrong
    if truth.get("scenario") == "none" and said_bad:
        ok = False
    print(f"{label}: compromised recall {ratio(len(hit), len(bad))}, "
          f"precision {ratio(len(hit), len(said_bad))}; "
          f"clean-delivery {ratio(len(clean_ok), len(clean))}; "
          f"{len(verdicts)} hosts judged -> {'PASS' if ok else 'FAIL'}")
    for h in missed[:10]:
        print(f"  missed: {h} is {verdicts.get(h, '(absent)')}")
    for h in false_pos[:10]:
        print(f"  false positive: {h}")
    for h, v in clean_wrong[:10]:
        print(f"  clean delivery judged {v}: {h}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
