#!/usr/bin/env bash
# sources.sh — `updguard events` on real public data and on every packaging:
# OTRF (zips, tar.gz) and Zeek (gz) read with zero skipped records and as many
# events as the inputs have records (counted here independently); compressed
# and archived copies read the same events; stdin works; runs are
# deterministic across thread counts.
. "$(dirname "$0")/lib.sh"
data=${UG_SHARED_DATA:-}
jqok=$(command -v jq >/dev/null && echo 1)

# events FILE... -> number of events; stderr kept in $TMP/err
count_events() { "$UG" events "$@" 2>"$TMP/err" | wc -l; }

if [ -n "$data" ] && [ -d "$data/otrf" ]; then
	want=0
	for f in $(find "$data/otrf" -name '*.zip' | sort); do
		n=$(unzip -p "$f" '*.json' 2>/dev/null | grep -c .) ; want=$((want + n)); done
	for f in $(find "$data/otrf" -name '*.tar.gz' | sort); do
		n=$(tar -xzOf "$f" --wildcards '*.json' 2>/dev/null | grep -c .); want=$((want + n)); done
	got=$(count_events "$data/otrf")
	[ "$got" = "$want" ] && pass "OTRF: $got events = $want JSON records" \
		|| fail "OTRF: $got events, $want JSON records in the archives"
	expect_grep ' 0 skipped$' "$TMP/err" "OTRF: zero skipped records"
	expect_grep 'packet capture \(pcap\), not a log' "$TMP/err" "OTRF: pcaps named as not logs"
else
	echo "SKIP part: ../shared/data/otrf absent"
fi

if [ -n "$data" ] && [ -d "$data/zeek" ]; then
	for f in "$data"/zeek/zeek-default/*.log.gz; do
		want=$(zcat "$f" 2>/dev/null | grep -vc '^#')
		got=$(count_events "$f")
		if gzip -t "$f" 2>/dev/null; then
			[ "$got" = "$want" ] && pass "zeek TSV $(basename "$f"): $got events" \
				|| fail "zeek TSV $(basename "$f"): $got events, $want records"
			expect_grep ' 0 skipped$' "$TMP/err" "zeek TSV $(basename "$f"): zero skipped"
		else # damaged on disk (gzip -t fails): the damage is reported, every whole line read
			whole=$(( $(zcat "$f" 2>/dev/null | tr -dc '\n' | wc -c) - $(zcat "$f" 2>/dev/null | grep -c '^#') ))
			expect_grep 'file truncated' "$TMP/err" "zeek TSV $(basename "$f"): truncation reported"
			[ "$got" = "$whole" ] && pass "zeek TSV $(basename "$f") (truncated): all $got whole records" \
				|| fail "zeek TSV $(basename "$f") (truncated): $got events, $whole whole records"
		fi
	done
	for f in "$data"/zeek/zeek-json/*.json.gz; do
		want=$(zcat "$f" | grep -c .)
		got=$(count_events "$f")
		[ "$got" = "$want" ] && pass "zeek JSON $(basename "$f"): $got events" \
			|| fail "zeek JSON $(basename "$f"): $got events, $want records"
	done
else
	echo "SKIP part: ../shared/data/zeek absent"
fi

# --- packagings: the same Squid log plain, compressed, archived, on stdin ---
mkdir -p "$TMP/pack"
for i in $(seq 1 3000); do
	printf '%d.%03d %5d 10.1.%d.%d TCP_MISS/200 %d GET http://upd%d.example.com/pkg/file%d.bin - HIER_DIRECT/203.0.113.%d application/octet-stream\n' \
		$((1768903200 + i)) $((i % 1000)) $((i % 900)) $((i % 4)) $((i % 250 + 1)) $((i * 37)) $((i % 3)) "$i" $((i % 200 + 1))
done >"$TMP/pack/access.log"
plain=$(count_events "$TMP/pack/access.log")
[ "$plain" = 3000 ] && pass "squid plain: 3000 events" || fail "squid plain: $plain events, wanted 3000"
"$UG" events "$TMP/pack/access.log" 2>/dev/null | jq -c 'del(.source)' >"$TMP/ref.jsonl" 2>/dev/null || true
( cd "$TMP/pack" && gzip -kc access.log >a.log.gz && bzip2 -kc access.log >a.log.bz2 \
	&& xz -kc access.log >a.log.xz && zstd -qc access.log >a.log.zst \
	&& zip -q a.zip access.log && tar -czf a.tar.gz access.log && cp a.log.gz noext )
for p in a.log.gz a.log.bz2 a.log.xz a.log.zst a.zip a.tar.gz noext; do
	if [ -n "$jqok" ]; then
		"$UG" events "$TMP/pack/$p" 2>"$TMP/err" | jq -c 'del(.source)' >"$TMP/got.jsonl"
		cmp -s "$TMP/ref.jsonl" "$TMP/got.jsonl" && pass "$p: same events as plain" \
			|| fail "$p: events differ from the plain file"
	fi
done
got=$("$UG" events - <"$TMP/pack/a.log.gz" 2>/dev/null | wc -l)
[ "$got" = 3000 ] && pass "stdin (gzip): 3000 events" || fail "stdin (gzip): $got events"
got=$(cat "$TMP/pack/access.log" | "$UG" events - 2>/dev/null | wc -l)
[ "$got" = 3000 ] && pass "stdin (pipe): 3000 events" || fail "stdin (pipe): $got events"
"$UG" events -j1 "$TMP/pack" >"$TMP/j1" 2>/dev/null
"$UG" events -j4 "$TMP/pack" >"$TMP/j4" 2>/dev/null
cmp -s "$TMP/j1" "$TMP/j4" && pass "same output with 1 and 4 threads" || fail "output depends on threads"
[ "$(wc -l <"$TMP/j1")" = $((3000 * 8)) ] && pass "directory of 8 packagings: 24000 events" \
	|| fail "directory of 8 packagings: $(wc -l <"$TMP/j1") events"

# --- filters ---
n=$("$UG" events --from 2026-01-20T10:10:00Z --to 2026-01-20T10:20:00Z "$TMP/pack/access.log" 2>/dev/null | wc -l)
[ "$n" = 600 ] && pass "--from/--to: 600 events in 10 minutes" || fail "--from/--to: $n events"
n=$("$UG" events --host 10.1.2.7 "$TMP/pack/access.log" 2>/dev/null | wc -l)
[ "$n" -gt 0 ] && pass "--host filter ($n)" || fail "--host filter found nothing"
n=$("$UG" events --kind dns_query "$TMP/pack/access.log" 2>/dev/null | wc -l)
[ "$n" = 0 ] && pass "--kind filter" || fail "--kind dns_query on a proxy log gave $n"
"$UG" events --format-out csv "$TMP/pack/access.log" 2>/dev/null >"$TMP/csv"
[ "$(wc -l <"$TMP/csv")" = 3001 ] && pass "csv: header + 3000 rows" || fail "csv rows"
expect_grep '^time,host,kind,source,record,channel,event_id,Channel,EventID' "$TMP/csv" "csv header"
"$UG" events --count "$TMP/pack/access.log" >"$TMP/count" 2>/dev/null
expect_grep '^http_request +3000$' "$TMP/count" "--count per kind"
expect_grep '^total +3000$' "$TMP/count" "--count total"
# --- per-file zones: two DHCP servers log the same local time in their own zones ---
mkdir -p "$TMP/tz/DHCP-DE01" "$TMP/tz/DHCP-US01"
line='10,01/19/26,07:17:10,Assign,10.48.21.62,WS-DE-0032.corp.example,70B5E8DC92C2,,475046714,0,,,,,,,,,0'
for d in DHCP-DE01 DHCP-US01; do
	printf 'ID,Date,Time,Description,IP Address,Host Name,MAC Address,User Name,TransactionID,QResult,Probationtime,CorrelationID,Dhcid,VendorClass(Hex),VendorClass(ASCII),UserClass(Hex),UserClass(ASCII),RelayAgentInformation,DnsRegError\n%s\n' \
		"$line" >"$TMP/tz/$d/DhcpSrvLog-Mon.log"
done
"$UG" events --input-tz '*DHCP-DE*=Europe/Berlin' --input-tz '*DHCP-US*=America/New_York' --input-tz +05:30 \
	"$TMP/tz" 2>/dev/null | jq -r '.time' >"$TMP/tz.out"
[ "$(cat "$TMP/tz.out" | tr '\n' ' ')" = "2026-01-19T06:17:10Z 2026-01-19T12:17:10Z " ] \
	&& pass "--input-tz GLOB=ZONE: each DHCP server's own zone" \
	|| fail "--input-tz GLOB=ZONE gave: $(tr '\n' ' ' <"$TMP/tz.out")"
"$UG" events --input-tz '*DHCP-DE*=Europe/Berlin' --input-tz +05:30 "$TMP/tz" 2>/dev/null | jq -r '.time' >"$TMP/tz.out"
[ "$(tail -1 "$TMP/tz.out")" = "2026-01-19T01:47:10Z" ] && pass "--input-tz ZONE for the files no rule matches" \
	|| fail "--input-tz default zone: $(tail -1 "$TMP/tz.out")"
expect_rc 2 "--input-tz GLOB= without a zone" -- "$UG" events --input-tz '*x*=' "$TMP/tz"
expect_rc 2 "--input-tz GLOB=bad zone" -- "$UG" events --input-tz '*x*=Not/AZone' "$TMP/tz"
expect_rc 2 "unknown --format" -- "$UG" events --format nope "$TMP/pack/access.log"
expect_rc 2 "no input" -- "$UG" events
expect_rc 3 "missing file is reported" -- "$UG" events "$TMP/does-not-exist"
expect_grep 'does-not-exist.*cannot open' "$TMP/err" "missing file named"
finish
