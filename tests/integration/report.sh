#!/usr/bin/env bash
# report.sh — the hunt's outputs for people and tools (docs/outputs.md): a
# simulated eScan-style incident is hunted with --out, then every output is
# checked against what the hunt wrote independently: case.sqlite answers the
# documented queries (docs/case-db.md) as hosts.jsonl does; `updguard report`
# re-renders every file byte for byte from the database alone; a second hunt
# gives the same STIX ids and rules; the STIX bundle validates (schema +
# patterns); the timeline has one row per delivery and evidence; the egress
# lists hold the update servers and never the C2; damaged or foreign case
# files are refused with a message; and a hunt killed with SIGKILL while it
# writes leaves the previous case.sqlite or none, never a broken one.
. "$(dirname "$0")/lib.sh"
for t in python3 jq sqlite3; do command -v $t >/dev/null || skip "$t not installed"; done
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=${UG_SOURCE_ROOT:-$HERE/../..}
NODE_OK=1
{ command -v node >/dev/null && [ -d "$ROOT/tests/browser/node_modules/ajv" ]; } || NODE_OK=0

rough_window() { # TRUTH: truth's window widened by an hour each side
	local s e
	s=$(date -u -d "$(jq -r '.incident.window.start' "$1") - 1 hour" +%Y-%m-%dT%H:%M:%SZ)
	e=$(date -u -d "$(jq -r '.incident.window.end' "$1") + 1 hour" +%Y-%m-%dT%H:%M:%SZ)
	echo "$s/$e"
}

d=$TMP/case
"$UG" -q simulate -n 150 -d 2 --seed 21 --scenario escan --decoys 1 -o "$d/logs" >/dev/null 2>"$TMP/sim.err" \
	|| { cat "$TMP/sim.err"; fail "simulate"; finish; }
printf 'this line is not a squid record\n' >>"$d/logs/squid/access.log"
W=$(rough_window "$d/logs/truth.json")
expect_rc 0 "hunt --out writes the report" -- "$UG" -q hunt --profile "$ROOT/profiles/escan.yml" --window "$W" \
	--json --out "$d/out" "$d/logs"
cp "$TMP/out" "$d/summary.json"
for f in case.sqlite report.html timeline.csv timeline.jsonl iocs.stix.json iocs.csv hosts.jsonl \
	egress/allowlist.csv egress/excluded.csv egress/squid.conf egress/nftables.nft; do
	[ -s "$d/out/$f" ] || fail "$f not written"
done
ls "$d/out/rules/"updguard-*.yml >/dev/null 2>&1 && pass "Sigma rules written" || fail "no Sigma rules written"
ls "$d/out/" | grep -q 'tmp-' && fail "temporary files left behind: $(ls "$d/out")"

# --- the case database
[ "$(sqlite3 "$d/out/case.sqlite" 'pragma integrity_check')" = ok ] && pass "case.sqlite integrity ok" \
	|| fail "case.sqlite integrity"
[ ! -e "$d/out/case.sqlite-wal" ] && pass "no -wal left beside case.sqlite" || fail "case.sqlite-wal left"
if python3 "$HERE/case_queries.py" "$ROOT/docs/case-db.md" "$d/out/case.sqlite" "$d/out" "$d/summary.json" \
	>"$TMP/q" 2>&1; then pass "documented queries agree with hosts.jsonl: $(tr '\n' ';' <"$TMP/q")"
else fail "documented queries"; sed 's/^/  | /' "$TMP/q" >&2; fi
n=$(sqlite3 "$d/out/case.sqlite" "select count(*) from skipped_input where path like '%access.log'")
[ "$n" = 1 ] && pass "the malformed squid line is in skipped_input" || fail "skipped_input: $n rows for access.log"

# --- re-render from the database alone: every file as the hunt wrote it
expect_rc 0 "report CASE.sqlite re-renders" -- "$UG" -q report "$d/out/case.sqlite" --out "$d/re"
same=0
for f in hosts.jsonl deliveries.csv evidence.csv iocs.csv report.html timeline.csv timeline.jsonl iocs.stix.json \
	egress/allowlist.csv egress/excluded.csv egress/squid.conf egress/nftables.nft $(cd "$d/out" && ls rules/*.yml); do
	cmp -s "$d/out/$f" "$d/re/$f" && same=$((same + 1)) || fail "re-rendered $f differs from the hunt's"
done
pass "$same files re-rendered byte for byte from case.sqlite"

# --- determinism: a second hunt gives the same ids
"$UG" -q hunt --profile "$ROOT/profiles/escan.yml" --window "$W" --out "$d/out2" "$d/logs" >/dev/null 2>&1
cmp -s "$d/out/iocs.stix.json" "$d/out2/iocs.stix.json" && diff -r -q "$d/out/rules" "$d/out2/rules" >/dev/null \
	&& pass "a rerun writes the same STIX bundle and rules" || fail "rerun changed the STIX bundle or rules"

# --- STIX
if [ "$NODE_OK" = 1 ]; then
	if node "$ROOT/tests/browser/validate_stix.js" "$d/out/iocs.stix.json" "$ROOT/tests/stix/stix21-bundle.schema.json" \
		>"$TMP/v" 2>&1; then pass "STIX bundle valid: $(cat "$TMP/v")"; else fail "STIX"; cat "$TMP/v" >&2; fi
else
	fail "STIX validation needs node and tests/browser/node_modules (make deps)"
fi
ni=$(jq '[.objects[] | select(.type == "indicator")] | length' "$d/out/iocs.stix.json")
nc=$(($(wc -l <"$d/out/iocs.csv") - 1))
[ "$ni" = "$nc" ] && pass "one indicator per IOC ($ni)" || fail "$ni indicators for $nc IOCs"
# the bundle goes back into a hunt as --iocs: every indicator is swept for
"$UG" -q hunt --product eScan --updater Reload.exe --update-host '*.escanav.com' --window "$W" \
	--iocs "$d/out/iocs.stix.json" --out "$d/swept" "$d/logs" >/dev/null 2>"$TMP/swept.err"
rc=$?
nh=$(jq -c 'select(.verdict=="compromised" and any(.evidence[]; .kind=="known-ioc"))' "$d/swept/hosts.jsonl" 2>/dev/null | wc -l)
nk=$(jq -c 'select(.verdict=="compromised")' "$d/swept/hosts.jsonl" 2>/dev/null | wc -l)
[ "$rc" = 0 ] && [ "$nk" -gt 0 ] && [ "$nh" = "$nk" ] && ! grep -q 'not swept' "$TMP/swept.err" \
	&& pass "iocs.stix.json swept back by hunt --iocs: hits on $nh/$nk compromised hosts" \
	|| fail "hunt --iocs iocs.stix.json: rc $rc, hits on $nh/$nk compromised hosts; $(head -2 "$TMP/swept.err")"

# --- timeline: one row per delivery and evidence item
want=$(jq -s '[.[] | (.deliveries | length) + (.evidence | length)] | add' "$d/out/hosts.jsonl")
got=$(wc -l <"$d/out/timeline.jsonl")
[ "$want" = "$got" ] && pass "timeline has $got rows" || fail "timeline has $got rows, hosts.jsonl $want items"
head -1 "$d/out/timeline.csv" | grep -q '^message,datetime,timestamp,timestamp_desc,' && pass "timeline.csv header" \
	|| fail "timeline.csv header: $(head -1 "$d/out/timeline.csv")"
jq -e -s 'all(.[]; (.message | length > 0) and (.datetime | test("^[0-9]{4}-.*Z$")) and (.timestamp_desc | length > 0))' \
	"$d/out/timeline.jsonl" >/dev/null && pass "timeline.jsonl rows have message, datetime, timestamp_desc" \
	|| fail "timeline.jsonl rows"

# --- egress: the update servers, never a C2
for s in $(jq -r '.servers[].server' "$d/summary.json"); do
	grep -q ",$s," "$d/out/egress/allowlist.csv" || fail "update server $s not in the allowlist"
done
for v in $(awk -F, 'NR > 1 && ($1 == "domain" || $1 == "ipv4") {print $2}' "$d/out/iocs.csv"); do
	grep -q ",$v," "$d/out/egress/allowlist.csv" && fail "IOC $v is in the allowlist"
	grep -q " $v\$" "$d/out/egress/squid.conf" && fail "IOC $v is in squid.conf"
done
grep -vE '^(#|acl updguard_update_(hosts dstdomain|ips dst) [A-Za-z0-9.:-]+$|http_access allow updguard_update_(hosts|ips)$)' \
	"$d/out/egress/squid.conf" >"$TMP/sq" && { fail "unexpected squid.conf lines"; cat "$TMP/sq" >&2; } \
	|| pass "squid.conf holds only acl/http_access lines"
# egress reads its input as every command does (--format, --input-tz ZONE and GLOB=ZONE)
expect_rc 2 "egress: a bad --input-tz GLOB=ZONE is a usage error" -- \
	"$UG" egress --profile "$ROOT/profiles/escan.yml" --input-tz '*dhcp*=Not/AZone' "$d/logs"
"$UG" -q egress --profile "$ROOT/profiles/escan.yml" --window "$W" --out "$d/eg" "$d/logs" >"$TMP/eg" 2>"$TMP/eg.err"
cmp -s "$TMP/eg" "$d/out/egress/allowlist.csv" && pass "updguard egress prints the same allowlist" \
	|| { fail "updguard egress output differs"; head -5 "$TMP/eg" "$TMP/eg.err" >&2; }

# --- bad case files: refused with a message, never a crash
head -c 4096 /dev/urandom >"$TMP/random.sqlite"
sqlite3 "$TMP/foreign.sqlite" 'create table t(a); insert into t values (1);'
head -c 40000 "$d/out/case.sqlite" >"$TMP/truncated.sqlite"
cp "$d/out/case.sqlite" "$TMP/dangling.sqlite"
sqlite3 "$TMP/dangling.sqlite" 'update deliveries set host_id = 999999 where id = (select max(id) from deliveries)'
for f in random foreign truncated dangling; do
	"$UG" -q report "$TMP/$f.sqlite" --out "$TMP/r-$f" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -ge 1 ] && [ "$rc" -le 2 ] && [ -s "$TMP/err" ]; then pass "$f case file refused (exit $rc): $(head -c 150 "$TMP/err")"
	else fail "$f case file: exit $rc, stderr: $(head -c 200 "$TMP/err")"; fi
done
"$UG" -q report "$TMP/foreign.sqlite" 2>&1 | grep -q "not an updguard case" && pass "a foreign SQLite file is named as such" \
	|| fail "foreign SQLite file not recognised as foreign"
expect_rc 1 "a missing case file" -- "$UG" -q report "$TMP/nope.sqlite"

# --- SIGKILL while writing: the previous case.sqlite or none
k=$TMP/kill
"$UG" -q simulate -n 400 -d 1 --seed 5 --scenario escan -o "$k/logs" >/dev/null 2>&1
"$UG" -q hunt --profile "$ROOT/profiles/escan.yml" --out "$k/out" "$k/logs" >/dev/null 2>&1
before=$(md5sum <"$k/out/case.sqlite")
kill_mid_write() { # OUTDIR DELAY: start a hunt, SIGKILL it DELAY s after its case temp file appears
	"$UG" -q hunt --profile "$ROOT/profiles/escan.yml" --out "$1" "$k/logs" >/dev/null 2>&1 &
	local pid=$! i=0
	while ! compgen -G "$1/case.sqlite.tmp-*" >/dev/null && kill -0 "$pid" 2>/dev/null && [ $i -lt 20000 ]; do
		i=$((i + 1))
		sleep 0.005
	done
	sleep "$2"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}
killed=0
for delay in 0 0.02 0.1; do
	kill_mid_write "$k/out" "$delay"
	killed=$((killed + 1))
	if [ ! -e "$k/out/case.sqlite" ]; then fail "kill after ${delay}s: the previous case.sqlite is gone"; continue; fi
	[ "$(sqlite3 "$k/out/case.sqlite" 'pragma integrity_check')" = ok ] || fail "kill after ${delay}s: integrity"
	now=$(md5sum <"$k/out/case.sqlite")
	if [ "$now" = "$before" ]; then pass "kill after ${delay}s: the previous case.sqlite is intact"
	elif "$UG" -q report "$k/out/case.sqlite" --out "$TMP/kr" >/dev/null 2>&1; then
		pass "kill after ${delay}s: the new case.sqlite was complete (renamed before the kill)"
	else fail "kill after ${delay}s: case.sqlite changed and does not load"; fi
done
rm -rf "$k/fresh"
kill_mid_write "$k/fresh" 0
if [ ! -e "$k/fresh/case.sqlite" ]; then pass "kill of a first hunt: no case.sqlite"
elif [ "$(sqlite3 "$k/fresh/case.sqlite" 'pragma integrity_check')" = ok ]; then pass "kill of a first hunt: complete case"
else fail "kill of a first hunt left a broken case.sqlite"; fi
finish
