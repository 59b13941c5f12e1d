#!/usr/bin/env bash
# hunt.sh — `updguard hunt` judged against the simulator's ground truth. For
# every scenario (none, escan, gup, 3cx, shadowhammer), two seeds, decoys on:
# simulate ~120 hosts x 2 days, hunt with ONLY what an analyst knows from
# public facts (product name, updater image names, update host pattern, and
# a rough window: truth's widened by an hour each side) — never a name the
# simulator drew per seed — and score hosts.jsonl with hunt_score.py. Once
# more with --profile escan, and once per scenario (seed 13, HUNT_NOWIN_SEEDS)
# WITHOUT --window: the window is inferred. Also checks the output contract (files, CSV
# headers, summary) and the exit codes.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v python3 >/dev/null || skip "python3 not installed"
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=${UG_SOURCE_ROOT:-$HERE/../..}
# under the sanitizers one seed per scenario (UG_SANITIZED, tests/meson.build)
if [ -n "${UG_SANITIZED:-}" ]; then SEEDS=${HUNT_SEEDS:-11}; else SEEDS=${HUNT_SEEDS:-"11 12"}; fi

# Public facts per product (docs/simulate.md's product table is the
# simulator's model of the real products; these are the names any analyst
# would know from the vendor or from the public reports).
flags_for() { # PRODUCT-KEY
	case $1 in
	escan) echo "--product eScan --updater download.exe --updater Reload.exe --update-host *.escanav.com" ;;
	notepadpp) echo "--product Notepad++ --updater GUP.exe --update-host notepad-plus-plus.org" ;;
	3cx) echo "--product 3CX --updater Update.exe --updater 3CXDesktopApp.exe --update-host *.3cx.com" ;;
	asus*) echo "--product ASUS-Live-Update --updater LiveUpdate.exe --update-host liveupdate*.asus.com" ;;
	*) return 1 ;;
	esac
}

# truth's window widened by an hour each side, as START/END
rough_window() { # TRUTH
	local s e
	s=$(date -u -d "$(jq -r '.incident.window.start' "$1") - 1 hour" +%Y-%m-%dT%H:%M:%SZ)
	e=$(date -u -d "$(jq -r '.incident.window.end' "$1") + 1 hour" +%Y-%m-%dT%H:%M:%SZ)
	echo "$s/$e"
}

# hunt DIR LABEL ARGS...: run the hunt into DIR/report and score it
hunt_and_score() {
	local d=$1 label=$2; shift 2
	local rc=0
	"$UG" -q hunt "$@" --out "$d/report" "$d/logs" >"$d/summary.txt" 2>"$d/hunt.err" || rc=$?
	if [ "$rc" != 0 ]; then
		fail "$label: hunt exited $rc"; sed 's/^/  | /' "$d/hunt.err" | head -20 >&2; return
	fi
	for f in hosts.jsonl deliveries.csv evidence.csv iocs.csv; do
		[ -f "$d/report/$f" ] || fail "$label: $f not written"
	done
	python3 "$HERE/hunt_score.py" "$d/logs/truth.json" "$d/report/hosts.jsonl" "$label" >"$d/score" 2>&1 \
		&& pass "$(head -1 "$d/score")" || { fail "$(head -1 "$d/score")"; tail -n +2 "$d/score" >&2; }
}

for scenario in none escan gup 3cx shadowhammer; do
	for seed in $SEEDS; do
		d="$TMP/$scenario-$seed"
		mkdir -p "$d"
		if ! "$UG" -q simulate -n 120 -d 2 --seed "$seed" --scenario "$scenario" --decoys 1 \
			-o "$d/logs" >/dev/null 2>"$d/sim.err"; then
			fail "simulate $scenario seed $seed"; continue
		fi
		key=$(jq -r '.product.key // "escan"' "$d/logs/truth.json")
		flags=$(flags_for "$key") || { fail "$scenario: no public facts for product '$key'"; continue; }
		# shellcheck disable=SC2086 # flags are words; globs stay quoted by set -f
		set -f
		hunt_and_score "$d" "$scenario seed $seed" $flags --window "$(rough_window "$d/logs/truth.json")"
		set +f
	done
done

# --- harder sources: a network-only host seen by Zeek alone (its package
# comes over TLS from another host, conn.log before ssl.log), and a proxy
# whose clock is minutes off the endpoints' (the same beacon seen twice) ---
while read -r scenario seed extra; do
	d="$TMP/var-$scenario-$seed"
	mkdir -p "$d"
	# shellcheck disable=SC2086 # extra options are words
	if ! "$UG" -q simulate -n 150 -d 2 --seed "$seed" --scenario "$scenario" --decoys 1 $extra \
		-o "$d/logs" >/dev/null 2>"$d/sim.err"; then
		fail "simulate $scenario seed $seed $extra"; continue
	fi
	key=$(jq -r '.product.key // "escan"' "$d/logs/truth.json")
	flags=$(flags_for "$key") || { fail "$scenario: no public facts for product '$key'"; continue; }
	set -f
	# shellcheck disable=SC2086 # flags are words; globs stay quoted by set -f
	hunt_and_score "$d" "$scenario seed $seed $extra" $flags --window "$(rough_window "$d/logs/truth.json")"
	set +f
done <<'VARIANTS'
gup 23 --persistence service --formats ecs,zeek,dhcp
3cx 22 --dropper-dir programdata --proxy-skew 2m
VARIANTS

# --- no --window: the window is inferred from the data (docs/hunt.md) ---
NOWIN_SCENARIOS="none escan gup 3cx shadowhammer"
[ -n "${UG_SANITIZED:-}" ] && NOWIN_SCENARIOS="none escan 3cx"
for scenario in $NOWIN_SCENARIOS; do
	for seed in ${HUNT_NOWIN_SEEDS:-13}; do
		d="$TMP/nowin-$scenario-$seed"
		mkdir -p "$d"
		if ! "$UG" -q simulate -n 120 -d 2 --seed "$seed" --scenario "$scenario" --decoys 1 \
			-o "$d/logs" >/dev/null 2>"$d/sim.err"; then
			fail "simulate $scenario seed $seed"; continue
		fi
		key=$(jq -r '.product.key // "escan"' "$d/logs/truth.json")
		flags=$(flags_for "$key") || { fail "$scenario: no public facts for product '$key'"; continue; }
		set -f
		# shellcheck disable=SC2086 # flags are words; globs stay quoted by set -f
		hunt_and_score "$d" "$scenario seed $seed without --window" $flags
		set +f
		if [ "$scenario" != none ] && [ -f "$d/summary.txt" ]; then
			expect_grep 'inferred from the data' "$d/summary.txt" "$scenario seed $seed: the summary says the window was inferred"
		fi
	done
done

# --- the shipped profile alone (looked up by name from the source tree) ---
d="$TMP/escan-$(echo "$SEEDS" | cut -d' ' -f1)"
if [ -f "$d/logs/truth.json" ]; then
	rm -rf "$d/report"
	pushd "$ROOT" >/dev/null || fail "cd $ROOT"
	hunt_and_score "$d" "escan --profile escan" --profile escan --window "$(rough_window "$d/logs/truth.json")"
	popd >/dev/null || true
fi

# --- the output contract ---
if [ -f "$d/report/hosts.jsonl" ]; then
	expect_grep '^host,verdict,time,server,server_ip,region,url,bytes,files,sha256,seen,in_window,source$' \
		<(head -1 "$d/report/deliveries.csv") "deliveries.csv header"
	expect_grep '^host,verdict,time,kind,technique,summary,value,lineage,fleet_hosts,baseline_hosts,weight,source$' \
		<(head -1 "$d/report/evidence.csv") "evidence.csv header"
	expect_grep '^type,value,hosts,context,source$' <(head -1 "$d/report/iocs.csv") "iocs.csv header"
	n=$(jq -c 'select((.host|type)!="string" or (.verdict|IN("compromised","suspicious","clean-delivery","no-delivery")|not)
		or (.score|type)!="number" or (.deliveries|type)!="array" or (.evidence|type)!="array")' \
		"$d/report/hosts.jsonl" | wc -l)
	[ "$n" = 0 ] && pass "hosts.jsonl: host, verdict, score, deliveries, evidence on every line" \
		|| fail "hosts.jsonl: $n malformed lines"
	n=$(jq -c '.evidence[] | select((.source|test("^.+:[0-9]+$")|not) or (.kind|type)!="string"
		or (.technique|type)!="string")' "$d/report/hosts.jsonl" | wc -l)
	[ "$n" = 0 ] && pass "every piece of evidence has kind, technique and file:line" \
		|| fail "$n evidence items without kind/technique/file:line"
	expect_grep '^Verdicts over [0-9]+ host' "$d/summary.txt" "text summary has the verdict counts"
	"$UG" -q hunt --profile "$ROOT/profiles/escan.yml" --json --out "$TMP/json-report" "$d/logs" >"$TMP/sum.json" 2>"$TMP/err" \
		&& jq -e '.verdicts.compromised >= 0 and (.servers|type)=="array"' "$TMP/sum.json" >/dev/null \
		&& pass "--json summary parses" || fail "--json summary"
fi

# --- --rules: Sigma as the second stage. Hits join the evidence of
# compromised (and suspicious) hosts only, with the rule's ATT&CK id ---
d="$TMP/escan-$(echo "$SEEDS" | cut -d' ' -f1)"
if [ -f "$d/logs/truth.json" ]; then
	mkdir -p "$TMP/rules"
	cat >"$TMP/rules/encoded_ps.yml" <<'RULE'
title: PowerShell With An Encoded Command
id: 5b1f6a3e-1c2d-4e5f-9a8b-7c6d5e4f3a2b
status: test
level: high
tags:
    - attack.execution
    - attack.t1059.001
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\powershell.exe'
        CommandLine|contains|windash: ' -enc'
    condition: selection
RULE
	rules_args=(--rules "$TMP/rules")
	[ -d "${UG_SHARED_DATA:-}/sigma/rules/windows/process_creation" ] &&
		rules_args+=(--rules "$UG_SHARED_DATA/sigma/rules/windows/process_creation")
	set -f
	# shellcheck disable=SC2046 # the escan facts are words
	"$UG" -q hunt $(flags_for escan) --window "$(rough_window "$d/logs/truth.json")" "${rules_args[@]}" \
		--out "$d/rules-report" "$d/logs" >"$d/rules-summary.txt" 2>"$d/rules.err"
	rc=$?
	set +f
	[ "$rc" = 0 ] && pass "hunt --rules ran" || { fail "hunt --rules exited $rc"; head -5 "$d/rules.err" >&2; }
	comp=$(jq -c 'select(.verdict=="compromised")' "$d/rules-report/hosts.jsonl" | wc -l)
	hit=$(jq -c 'select(.verdict=="compromised" and any(.evidence[]; .kind=="sigma"
		and .technique=="T1059.001" and (.summary|test("Encoded Command"))))' "$d/rules-report/hosts.jsonl" | wc -l)
	clean=$(jq -c 'select((.verdict=="clean-delivery" or .verdict=="no-delivery") and any(.evidence[]; .kind=="sigma"))' \
		"$d/rules-report/hosts.jsonl" | wc -l)
	# the simulated escan payload runs an encoded PowerShell command on most victims
	[ "$comp" -gt 0 ] && [ "$hit" -gt $((comp / 2)) ] && pass "Sigma hits on $hit/$comp compromised hosts" \
		|| fail "Sigma hits on $hit/$comp compromised hosts"
	[ "$clean" = 0 ] && pass "no Sigma evidence on clean or undelivered hosts" || fail "$clean clean hosts with Sigma evidence"
	python3 "$HERE/hunt_score.py" "$d/logs/truth.json" "$d/rules-report/hosts.jsonl" "escan with --rules" >/dev/null 2>&1 \
		&& pass "--rules leaves the verdicts as they were" || fail "--rules changed the verdicts"
	expect_rc 2 "--rules on a missing path is a usage error" -- "$UG" hunt --updater a.exe --rules "$TMP/no-rules" "$d/logs"
fi

# --- exit codes: only 'could not run' is non-zero ---
expect_rc 2 "no product facts is a usage error" -- "$UG" hunt "$TMP"
expect_rc 2 "unknown profile is a usage error" -- "$UG" hunt --profile no-such-product "$TMP"
expect_rc 2 "bad window is a usage error" -- "$UG" hunt --updater a.exe --window yesterday "$TMP"
expect_rc 2 "no logs is a usage error" -- "$UG" hunt --updater a.exe
printf 'name: x\nupdaters: [a.exe\n' >"$TMP/bad.yml"
expect_rc 2 "broken profile is a usage error" -- "$UG" hunt --profile "$TMP/bad.yml" "$TMP"
expect_grep 'bad.yml:3:' "$TMP/err" "broken profile names file:line"
mkdir -p "$TMP/empty"
expect_rc 0 "a hunt over logs without the product still runs (exit 0)" -- \
	"$UG" -q hunt --updater nothing.exe --out "$TMP/empty-report" "$TMP/empty"
# --- --iocs: the truth's indicators (what a vendor advisory publishes) swept
# over every log, as CSV and as a STIX 2.1 bundle: every compromised host with
# endpoint logs shows known-ioc evidence, no host outside affected_hosts does ---
d="$TMP/iocs"
mkdir -p "$d"
if "$UG" -q simulate -n 60 -d 2 --seed 21 --scenario escan --decoys 1 -o "$d/logs" >/dev/null 2>"$d/sim.err"; then
	t="$d/logs/truth.json"
	# type in truth.json's iocs -> the IOC list's type and the STIX object path
	map='{"sha256":["sha256","file:hashes.'"'"'SHA-256'"'"'"],"md5":["md5","file:hashes.MD5"],
		"file_names":["file-name","file:name"],"file_paths":["file-path",null],
		"task_names":["task-name",null],"registry":["registry","windows-registry-key:key"],
		"services":["service-name",null],"domains":["domain","domain-name:value"],
		"ips":["ipv4","ipv4-addr:value"],"urls":["url","url:value"]}'
	{ echo "type,value,context"
	  jq -r --argjson m "$map" '.iocs | to_entries[] | select($m[.key]) | .key as $k | .value[]
		| [$m[$k][0], ., "vendor advisory"] | @csv' "$t"; } >"$d/iocs.csv"
	jq --argjson m "$map" '{type: "bundle", id: "bundle--00000000-0000-4000-8000-000000000001",
		objects: [.iocs | to_entries[] | select($m[.key][1]) | .key as $k | .value[]
		| {type: "indicator", spec_version: "2.1", pattern_type: "stix", name: "vendor advisory",
		   pattern: "[\($m[$k][1]) = '"'"'\(gsub("\\\\"; "\\\\") | gsub("'"'"'"; "\\'"'"'"))'"'"']"}]}' \
		"$t" >"$d/iocs.stix.json"
	jq -r '.compromised_hosts[] | if type == "object" then .host else . end' "$t" | sort >"$d/compromised"
	jq -r '.affected_hosts[] | select(.endpoint_logs) | .host' "$t" | sort >"$d/endpoint"
	jq -r '.affected_hosts[].host' "$t" | sort >"$d/affected"
	comm -12 "$d/compromised" "$d/endpoint" >"$d/want"
	for f in iocs.csv iocs.stix.json; do
		rm -rf "$d/report"
		set -f
		# shellcheck disable=SC2046 # flags are words
		if "$UG" -q hunt $(flags_for escan) --iocs "$d/$f" --out "$d/report" "$d/logs" >"$d/summary.txt" 2>"$d/hunt.err"; then
			set +f
			jq -r 'select(any(.evidence[]; .kind == "known-ioc")) | .host' "$d/report/hosts.jsonl" | sort >"$d/hit"
			missing=$(comm -23 "$d/want" "$d/hit" | tr '\n' ' ')
			outside=$(comm -13 "$d/affected" "$d/hit" | tr '\n' ' ')
			[ -s "$d/want" ] && [ -z "$missing" ] && pass "--iocs $f: all $(wc -l <"$d/want") compromised hosts with endpoint logs have known-ioc evidence" \
				|| fail "--iocs $f: compromised hosts without known-ioc evidence: ${missing:-none wanted}"
			[ -z "$outside" ] && pass "--iocs $f: no host outside affected_hosts is hit" \
				|| fail "--iocs $f: hosts outside affected_hosts hit: $outside"
			n=$(jq -c '.evidence[] | select(.kind == "known-ioc") | select(((.source | test("^.+:[0-9]+$")) and (.technique | test("^T[0-9]{4}"))
				and (.summary | test("listed in .*iocs"))) | not)' \
				"$d/report/hosts.jsonl" | wc -l)
			[ "$n" = 0 ] && pass "--iocs $f: every hit has a technique, file:line and names its list entry" \
				|| fail "--iocs $f: $n known-ioc hits without technique/provenance/list entry"
			n=$(jq -c 'select(any(.evidence[]; .kind == "known-ioc")) | select(.verdict == "clean-delivery" or .verdict == "no-delivery")' \
				"$d/report/hosts.jsonl" | wc -l)
			[ "$n" = 0 ] && pass "--iocs $f: hosts hit are at least suspicious" || fail "--iocs $f: $n hosts hit judged clean"
			expect_grep 'known indicator' "$d/report/iocs.csv" "--iocs $f: the indicators that hit are in iocs.csv"
		else
			set +f
			fail "--iocs $f: hunt failed"; sed 's/^/  | /' "$d/hunt.err" | head -5 >&2
		fi
	done
	printf 'type,value\nsha256,not-a-hash\n' >"$d/bad.csv"
	set -f
	# shellcheck disable=SC2046
	expect_rc 2 "a bad IOC file is a usage error" -- "$UG" -q hunt $(flags_for escan) --iocs "$d/bad.csv" --out "$d/r2" "$d/logs"
	set +f
	expect_grep 'bad.csv:2: not a SHA-256' "$TMP/err" "a bad IOC file names file:line and the reason"
else
	fail "simulate escan for --iocs"
fi
finish
