#!/usr/bin/env bash
# report_sigma.sh — the Sigma rules a hunt writes (rules/) detect what they
# were made from: run with updguard's own Sigma engine over the same logs,
# they fire on every compromised host that has endpoint logs and on no host
# judged otherwise (hits on a bare address must be an address a compromised
# host had). Uses `updguard sigma` (issue 6).
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=${UG_SOURCE_ROOT:-$HERE/../..}
SIGMA_UG=${UG_SIGMA:-$UG}
for t in jq python3; do command -v $t >/dev/null || skip "$t not installed"; done

# scenario seed hunt-flags: the shipped eScan profile, then only the public
# facts an analyst has for other products (as tests/integration/hunt.sh).
cases=(
	"escan 31 --profile $ROOT/profiles/escan.yml"
	"escan 32 --profile $ROOT/profiles/escan.yml"
	"gup 33 --product Notepad++ --updater GUP.exe --update-host notepad-plus-plus.org"
	"3cx 34 --product 3CX --updater Update.exe --updater 3CXDesktopApp.exe --update-host *.3cx.com"
	"shadowhammer 35 --product ASUS-Live-Update --updater LiveUpdate.exe --update-host liveupdate*.asus.com"
)
# under the sanitizers (UG_SANITIZED) the first and the 3CX case: the same paths
[ -n "${UG_SANITIZED:-}" ] && cases=("${cases[0]}" "${cases[3]}")
for c in "${cases[@]}"; do
	read -r scenario seed flags <<<"$c"
	d=$TMP/s$seed
	"$UG" -q simulate -n 150 -d 2 --seed "$seed" --scenario "$scenario" --decoys 1 -o "$d/logs" >/dev/null 2>&1 \
		|| { fail "simulate $scenario seed $seed"; continue; }
	s=$(date -u -d "$(jq -r '.incident.window.start' "$d/logs/truth.json") - 1 hour" +%Y-%m-%dT%H:%M:%SZ)
	e=$(date -u -d "$(jq -r '.incident.window.end' "$d/logs/truth.json") + 1 hour" +%Y-%m-%dT%H:%M:%SZ)
	set -f # flags are words, '*.3cx.com' is no file glob
	# shellcheck disable=SC2086
	"$UG" -q hunt $flags --window "$s/$e" --out "$d/out" "$d/logs" >/dev/null 2>&1; rc=$?
	set +f
	[ "$rc" = 0 ] || { fail "hunt $scenario seed $seed"; continue; }
	if ! "$SIGMA_UG" -q sigma --rules "$d/out/rules" --format-out jsonl "$d/logs" >"$d/hits.jsonl" 2>"$d/sigma.err"; then
		fail "seed $seed: updguard sigma failed"; sed 's/^/  | /' "$d/sigma.err" >&2; continue
	fi
	if python3 - "$d/out/hosts.jsonl" "$d/hits.jsonl" >"$d/verdict" 2>&1 <<'PY'
import json, sys
hosts = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
hits = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
verdict = {h["host"]: h["verdict"] for h in hosts}
bad_ips = {ip for h in hosts if h["verdict"] == "compromised" for ip in h["ips"]}
fired = {str(x.get("host", "")).lower() for x in hits}
missed = [h["host"] for h in hosts if h["verdict"] == "compromised" and h["endpoint_logs"] and h["host"] not in fired]
wrong = sorted({f for f in fired if f in verdict and verdict[f] != "compromised"} |
               {f for f in fired if f not in verdict and f not in bad_ips})
print(f"{len(hits)} hits on {len(fired)} hosts; compromised with endpoint logs missed: {len(missed)} {missed[:5]}; "
      f"fired on others: {len(wrong)} {wrong[:5]}")
sys.exit(1 if missed or wrong else 0)
PY
	then pass "$scenario seed $seed: $(cat "$d/verdict")"; else fail "$scenario seed $seed: $(cat "$d/verdict")"; fi
done
finish
