#!/usr/bin/env bash
# demo.sh UPDGUARD — what `make demo` runs: make a realistic sample incident
# with the built-in generator, hunt it with what an analyst would know, print
# the summary and write the report; then say how the hunt did against the
# generator's ground truth.
set -eu
ug=$1
out=${DEMO_OUT:-demo-out}
if [ -t 1 ]; then say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }; else say() { printf '\n== %s\n' "$*"; }; fi

say "1. A sample incident: 300 Windows hosts, 2 days, an eScan-style update-channel compromise"
rm -rf "$out"
"$ug" simulate --hosts 300 --days 2 --seed 2026 --scenario escan --out "$out/logs"

# What the analyst knows: the product (the shipped eScan profile: updater names,
# update hosts, published IOCs) and roughly when the vendor says it happened —
# here the generator's window widened by an hour either side.
truth="$out/logs/truth.json"
window=$(python3 - "$truth" <<'PY'
import json, sys, datetime as dt
w = json.load(open(sys.argv[1]))["incident"]["window"]
f = lambda s, h: (dt.datetime.fromisoformat(s.replace("Z", "+00:00")) + dt.timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ")
print(f(w["start"], -1) + "/" + f(w["end"], 1))
PY
)
say "2. The hunt: updguard hunt --profile escan --window $window"
"$ug" hunt --profile profiles/escan.yml --window "$window" --out "$out/report" "$out/logs"

say "3. Scored against the generator's ground truth ($truth)"
python3 tests/integration/hunt_score.py "$truth" "$out/report/hosts.jsonl" "demo" | head -1
echo
echo "Report: $out/report/report.html (open it in a browser); the case database $out/report/case.sqlite"
echo "(docs/case-db.md); hosts.jsonl, timeline.csv, iocs.stix.json, Sigma rules in rules/, egress/ allowlists."
