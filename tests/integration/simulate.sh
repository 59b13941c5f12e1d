#!/usr/bin/env bash
# simulate.sh — `updguard simulate`: every output parses with standard tools
# and matches its real-world shape (jq for JSON, Zeek headers, the Squid
# native format, the DHCP audit log), the truth agrees with the events, the
# scenario `none` has no malicious artefacts, and runs are deterministic.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip "jq not installed"
# has FILTER FILE: some record of FILE passes the jq FILTER
has() { jq -c "$1" "$2" 2>/dev/null | grep -q .; }

S="$TMP/s"
expect_rc 0 "simulate escan, all formats" -- "$UG" -q simulate -n 40 -d 2 --seed 7 --formats all --proxy-skew 90s -o "$S"
expect_grep 'affected [1-9][0-9]* host' "$TMP/out" "summary names affected hosts"
for f in winlogbeat/winlogbeat.ndjson nxlog/sysmon-security.json squid/access.log zeek/conn.log zeek/dns.log \
	zeek/http.log zeek/ssl.log zeek-json/conn.log zeek-json/dns.log zeek-json/http.log zeek-json/ssl.log truth.json; do
	[ -s "$S/$f" ] && pass "$f written" || fail "$f missing or empty"
done

# --- JSON parses, with the fields the formats have ---
for f in winlogbeat/winlogbeat.ndjson nxlog/sysmon-security.json zeek-json/conn.log zeek-json/dns.log \
	zeek-json/http.log zeek-json/ssl.log truth.json; do
	jq -e . "$S/$f" >/dev/null 2>"$TMP/jqerr" && pass "jq parses $f" || { fail "jq parses $f"; head -3 "$TMP/jqerr" >&2; }
done
n=$(jq -r 'select((."@timestamp"|type)!="string" or (.host.name|type)!="string" or (.winlog.channel|type)!="string"
	or (.winlog.event_id|type)!="string" or (.winlog.record_id|type)!="number" or (.winlog.computer_name|type)!="string"
	or (.winlog.provider_name|type)!="string" or (.event.code|type)!="string" or (.winlog.event_data|type)!="object") | 1' \
	"$S/winlogbeat/winlogbeat.ndjson" | wc -l)
[ "$n" = 0 ] && pass "ECS: every record has the Winlogbeat fields" || fail "ECS: $n records lack Winlogbeat fields"
n=$(jq -r 'select(.winlog.event_id=="1") | .winlog.event_data
	| select((.UtcTime|test("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}$")|not)
	or (.ProcessGuid|test("^\\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\\}$")|not)
	or (.Hashes|test("^MD5=[0-9A-F]{32},SHA256=[0-9A-F]{64},IMPHASH=[0-9A-F]{32}$")|not)
	or (.ParentImage|type)!="string" or (.CommandLine|type)!="string") | 1' "$S/winlogbeat/winlogbeat.ndjson" | wc -l)
[ "$n" = 0 ] && pass "Sysmon 1: UtcTime, GUID and Hashes in Sysmon's formats" || fail "Sysmon 1: $n malformed"
for id in 1 3 11 13 22 29; do
	has "select(.winlog.event_id==\"$id\")" "$S/winlogbeat/winlogbeat.ndjson" \
		&& pass "ECS has Sysmon $id" || fail "ECS has no Sysmon $id"
done
for id in 4624 4698; do
	has "select(.winlog.channel==\"Security\" and .winlog.event_id==\"$id\")" "$S/winlogbeat/winlogbeat.ndjson" \
		&& pass "ECS has Security $id" || fail "ECS has no Security $id"
done
has 'select(.winlog.channel=="System" and .winlog.event_id=="7045")' "$S/winlogbeat/winlogbeat.ndjson" \
	&& pass "ECS has System 7045" || fail "ECS has no System 7045"
n=$(jq -r 'select((.EventTime|test("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$")|not)
	or (.Hostname|type)!="string" or (.EventID|type)!="number" or (.Channel|type)!="string") | 1' \
	"$S/nxlog/sysmon-security.json" | wc -l)
[ "$n" = 0 ] && pass "flat: Hostname, EventID, Channel, local EventTime" || fail "flat: $n malformed"
[ "$(wc -l <"$S/nxlog/sysmon-security.json")" = "$(wc -l <"$S/winlogbeat/winlogbeat.ndjson")" ] \
	&& pass "flat and ECS carry the same events" || fail "flat and ECS differ in count"
jq -e '.files.flat_event_time_zone|type=="string"' "$S/truth.json" >/dev/null && pass "truth names the flat zone" \
	|| fail "truth names the flat zone"

# --- Zeek TSV: header block, #fields count == columns on every line ---
for p in conn dns http ssl; do
	f="$S/zeek/$p.log"
	head -5 "$f" | tr '\t' ' ' >"$TMP/h"
	printf '#separator \\x09\n#set_separator ,\n#empty_field (empty)\n#unset_field -\n#path %s\n' "$p" >"$TMP/want"
	cmp -s "$TMP/h" "$TMP/want" && pass "zeek $p.log header" || fail "zeek $p.log header"
	bad=$(awk -F'\t' '/^#fields/ {n=NF-1; next} /^#types/ {if (NF-1!=n) print "types"; next} /^#/ {next}
		NF!=n {c++} END {print c+0}' "$f")
	[ "$bad" = 0 ] && pass "zeek $p.log: #fields count equals columns" || fail "zeek $p.log: $bad lines with wrong column count"
	grep -q '^#open	[0-9-]*$' "$f" && tail -1 "$f" | grep -q '^#close	[0-9-]*$' && pass "zeek $p.log #open/#close" \
		|| fail "zeek $p.log #open/#close"
	n=$(jq -r "select(._path!=\"$p\" or (.ts|type)!=\"string\" or (.uid|type)!=\"string\") | 1" "$S/zeek-json/$p.log" | wc -l)
	[ "$n" = 0 ] && pass "zeek-json $p.log: _path, ts, uid" || fail "zeek-json $p.log: $n malformed"
	[ "$(grep -vc '^#' "$f")" = "$(wc -l <"$S/zeek-json/$p.log")" ] && pass "zeek $p: TSV and JSON agree" \
		|| fail "zeek $p: TSV and JSON differ"
done

# --- Squid native format ---
re='^[0-9]{10}\.[0-9]{3} +[0-9]+ [0-9]{1,3}(\.[0-9]{1,3}){3} [A-Z_]+/[0-9]{3} [0-9]+ (GET|POST|CONNECT|HEAD) [^ ]+ [^ ]+ [A-Z_]+/[0-9.]+ [^ ]+$'
bad=$(grep -Evc "$re" "$S/squid/access.log")
[ "$bad" = 0 ] && pass "squid: every line matches the native format" || { fail "squid: $bad lines do not match"; grep -Ev "$re" "$S/squid/access.log" | head -3 >&2; }
grep -q ' CONNECT [a-z0-9.-]*:443 ' "$S/squid/access.log" && pass "squid: CONNECT host:443 for HTTPS" || fail "squid CONNECT lines"
awk '{print $1}' "$S/squid/access.log" | sort -c -n 2>/dev/null && pass "squid: time ordered" || fail "squid: not time ordered"

# --- DHCP audit log ---
dh=$(find "$S/dhcp" -name 'DhcpSrvLog-*.log' | head -1)
[ -n "$dh" ] && pass "DHCP logs written" || fail "DHCP logs written"
for f in $(find "$S/dhcp" -name 'DhcpSrvLog-*.log'); do
	grep -q 'Microsoft DHCP Service Activity Log' "$f" || fail "$f lacks the header"
	bad=$(tr -d '\r' <"$f" | awk -F, '/^[0-9][0-9],[0-9][0-9]\/[0-9][0-9]\/[0-9][0-9],/ {if (NF!=19) c++} END {print c+0}')
	[ "$bad" = 0 ] || fail "$f: $bad lines without 19 fields"
done
pass "DHCP: header and 19-field CSV lines"
grep -q '^ID,Date,Time,Description,IP Address,Host Name,MAC Address' "$dh" && pass "DHCP column header" || fail "DHCP column header"

# --- truth agrees with the events ---
jq -r '.affected_hosts[] | [.host, .client_ip, .server, .time] | @tsv' "$S/truth.json" >"$TMP/aff"
naff=$(wc -l <"$TMP/aff")
[ "$naff" -gt 0 ] && pass "truth lists $naff affected hosts" || fail "truth lists no affected host"
ws=$(jq -r '.incident.window.start' "$S/truth.json"); we=$(jq -r '.incident.window.end' "$S/truth.json")
wss=$(date -u -d "$ws" +%s); wes=$(date -u -d "$we" +%s)
skew=90
missing=0
while IFS=$'\t' read -r host ip server time; do
	# the proxy logs when a request ends, on its own (skewed) clock
	awk -v ip="$ip" -v srv="$server" -v lo=$((wss + skew)) -v hi=$((wes + skew + 600)) \
		'$3==ip && index($7, srv) && $1>=lo && $1<=hi {f=1} END {exit !f}' "$S/squid/access.log" || {
		missing=$((missing + 1)); echo "  no proxy download for $host ($ip) from $server" >&2; }
done <"$TMP/aff"
[ "$missing" = 0 ] && pass "every affected host downloads from the compromised server in the window (proxy log)" \
	|| fail "$missing affected hosts without a proxy download"
sha=$(jq -r '.incident.malicious_package.sha256' "$S/truth.json")
jq -r --arg s "$sha" 'select(.winlog.event_data.Hashes? // "" | contains($s)) | .host.name' \
	"$S/winlogbeat/winlogbeat.ndjson" | sort -u >"$TMP/seen"
jq -r '.affected_hosts[].host' "$S/truth.json" | sort -u >"$TMP/affn"
[ -s "$TMP/seen" ] && pass "the malicious hash is in the endpoint logs" || fail "malicious hash never logged"
comm -23 "$TMP/seen" "$TMP/affn" >"$TMP/extra"
[ ! -s "$TMP/extra" ] && pass "no unaffected host shows the malicious hash" || fail "unaffected hosts show the hash: $(cat "$TMP/extra")"
c2=$(jq -r '.iocs.domains[0] // empty' "$S/truth.json")
[ -n "$c2" ] && grep -q "CONNECT $c2:443" "$S/squid/access.log" && pass "C2 beacons reach the proxy" || fail "no C2 traffic for '$c2'"
jq -r '.decoys[] | select(.hosts > 0) | .task_name' "$S/truth.json" >"$TMP/decoys"
[ -s "$TMP/decoys" ] && pass "decoys applied" || fail "no decoy applied"
while read -r t; do
	jq -c --arg t "$t" 'select(.winlog.event_data.TaskName? == $t)' "$S/winlogbeat/winlogbeat.ndjson" | grep -q . \
		&& pass "decoy task '$t' logged" || fail "decoy task '$t' not in the logs"
done <"$TMP/decoys"
jq -e '.clean_delivery_hosts | length > 0' "$S/truth.json" >/dev/null && pass "clean deliveries in the window" \
	|| fail "no clean delivery in the window"

# --- lineage: every parent and every acting process was started earlier on that host ---
if command -v python3 >/dev/null; then
	python3 - "$S/winlogbeat/winlogbeat.ndjson" >"$TMP/lin" <<'PY'
import json, sys
seen, bad, n = {}, 0, 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    d, h = e["winlog"]["event_data"], e["host"]["name"]
    s = seen.setdefault(h, set())
    if e["winlog"]["event_id"] == "1":
        n += 1
        if d["ParentProcessId"] != "4" and d["ParentProcessGuid"] not in s:
            bad += 1
        s.add(d["ProcessGuid"])
    elif "ProcessGuid" in d and d["ProcessGuid"] not in s:
        bad += 1
print(n, bad)
PY
	read -r n bad <"$TMP/lin"
	[ "$bad" = 0 ] && pass "lineage consistent over $n process starts" || fail "lineage: $bad events name unknown processes"
fi

# --- scenario none: nothing malicious ---
N="$TMP/none"
expect_rc 0 "simulate none" -- "$UG" -q simulate -n 40 -d 2 --seed 7 --scenario none -o "$N"
jq -e '.incident.active == false and (.affected_hosts|length) == 0 and (.compromised_hosts|length) == 0
	and (.iocs.sha256|length) == 0 and (.iocs.domains|length) == 0' "$N/truth.json" >/dev/null \
	&& pass "none: no affected hosts, no IOCs" || fail "none: truth has malicious content"
grep -q "$sha" "$N/winlogbeat/winlogbeat.ndjson" && fail "none: malicious hash present" || pass "none: no malicious hash"
[ -n "$c2" ] && grep -q "$c2" "$N/squid/access.log" && fail "none: C2 domain present" || pass "none: no C2 traffic"

# --- determinism ---
expect_rc 0 "same seed again" -- "$UG" -q simulate -n 40 -d 2 --seed 7 --formats all --proxy-skew 90s -o "$TMP/s2"
(cd "$S" && find . -type f | sort | xargs sha256sum) >"$TMP/a"
(cd "$TMP/s2" && find . -type f | sort | xargs sha256sum) >"$TMP/b"
cmp -s "$TMP/a" "$TMP/b" && pass "same seed, same bytes" || fail "same seed gives different output"
expect_rc 0 "another seed" -- "$UG" -q simulate -n 40 -d 2 --seed 8 -o "$TMP/s3"
cmp -s "$S/winlogbeat/winlogbeat.ndjson" "$TMP/s3/winlogbeat/winlogbeat.ndjson" && fail "seed changes nothing" \
	|| pass "another seed, other data"
[ "$(jq -r '.iocs.domains[0]' "$TMP/s3/truth.json")" != "$c2" ] && pass "C2 domain drawn per seed" || fail "C2 domain fixed"

# --- the other scenarios run and deliver ---
for sc in gup 3cx shadowhammer; do
	expect_rc 0 "simulate $sc" -- "$UG" -q simulate -n 120 -d 2 --seed 3 --scenario "$sc" --formats ecs,squid -o "$TMP/$sc"
	jq -e '(.affected_hosts|length) > 0 and (.compromised_hosts|length) > 0' "$TMP/$sc/truth.json" >/dev/null \
		&& pass "$sc: hosts affected and compromised" || fail "$sc: nobody affected"
done
jq -e '(.affected_hosts|length) > (.compromised_hosts|length)' "$TMP/shadowhammer/truth.json" >/dev/null \
	&& pass "shadowhammer: fires on targets only" || fail "shadowhammer: fires everywhere"
has 'select(.winlog.event_id=="7" and (.winlog.event_data.ImageLoaded|endswith("ffmpeg.dll")))' \
	"$TMP/3cx/winlogbeat/winlogbeat.ndjson" && pass "3cx: signed app loads ffmpeg.dll (Sysmon 7)" || fail "3cx: no image load"

# --- options ---
expect_rc 2 "missing --out" -- "$UG" simulate -n 5
expect_rc 2 "bad scenario" -- "$UG" simulate --scenario nope -o "$TMP/x"
expect_rc 2 "bad region" -- "$UG" simulate --regions IN,XX -o "$TMP/x"
expect_rc 2 "bad formats" -- "$UG" simulate --formats ecs,xml -o "$TMP/x"
expect_rc 0 "list scenarios" -- "$UG" simulate --list-scenarios
expect_grep '^  shadowhammer ' "$TMP/out" "scenarios listed"
expect_rc 0 "techniques: wmi, dns C2, temp" -- "$UG" -q simulate -n 40 -d 2 --persistence wmi --c2 dns --dropper-dir temp \
	--region IN --formats ecs,zeek -o "$TMP/t"
has 'select(.winlog.event_id=="20")' "$TMP/t/winlogbeat/winlogbeat.ndjson" && pass "wmi persistence logged (Sysmon 20)" \
	|| fail "no WMI consumer event"
dom=$(jq -r '.iocs.domains[0]' "$TMP/t/truth.json")
grep -q "TXT	.*$dom" "$TMP/t/zeek/dns.log" 2>/dev/null || grep -q "$dom	1	C_INTERNET	16	TXT" "$TMP/t/zeek/dns.log" \
	&& pass "DNS C2 as TXT queries" || fail "no DNS C2 queries for $dom"
finish
