#!/usr/bin/env bash
# report_browser.sh — report.html as a reader sees it: a simulated hunt's
# report opened in Debian's headless Chromium, driven by playwright-core
# (tests/browser/report_page.js): the chart, the host table (all hosts,
# filtered by verdict to exactly the hosts.jsonl count), a compromised and a
# clean host's timeline, no console errors, no network. Then the same with
# markup planted in the case (a host name and an evidence summary holding
# <script> and an onerror image): it must show as text and never run.
# Screenshots are kept in the build folder (tests/report-browser/).
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=${UG_SOURCE_ROOT:-$HERE/../..}
[ -x /usr/bin/chromium ] || skip "Debian chromium not installed (make deps)"
command -v node >/dev/null || skip "node not installed (make deps)"
[ -d "$ROOT/tests/browser/node_modules/playwright-core" ] || skip "tests/browser/node_modules missing (make deps)"
for t in jq sqlite3; do command -v $t >/dev/null || skip "$t not installed"; done
SHOTS=${UG_TEST_OUT:-$PWD/report-browser}
mkdir -p "$SHOTS"

d=$TMP/case
"$UG" -q simulate -n 250 -d 2 --seed 8 --scenario escan --decoys 1 -o "$d/logs" >/dev/null 2>&1 || { fail simulate; finish; }
s=$(date -u -d "$(jq -r '.incident.window.start' "$d/logs/truth.json") - 1 hour" +%Y-%m-%dT%H:%M:%SZ)
e=$(date -u -d "$(jq -r '.incident.window.end' "$d/logs/truth.json") + 1 hour" +%Y-%m-%dT%H:%M:%SZ)
expect_rc 0 "hunt" -- "$UG" -q hunt --profile "$ROOT/profiles/escan.yml" --window "$s/$e" --out "$d/out" "$d/logs"
if timeout 180 node "$ROOT/tests/browser/report_page.js" "$d/out/report.html" "$d/out/hosts.jsonl" "$SHOTS" \
	>"$TMP/b" 2>&1; then pass "$(tail -1 "$TMP/b")"; else fail "report.html in Chromium"; cat "$TMP/b" >&2; fi

# hostile data in the case, re-rendered by `updguard report`
cp "$d/out/case.sqlite" "$TMP/hostile.sqlite"
sqlite3 "$TMP/hostile.sqlite" "update hosts set name = '<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">' where id = 0;
update evidence set summary = '</script><script>window.__pwned=3</script>' where host_id = 0;
update deliveries set url = 'javascript:window.__pwned=4' where host_id = 0;"
expect_rc 0 "report re-renders the hostile case" -- "$UG" -q report "$TMP/hostile.sqlite" --out "$d/hostile"
grep -q '<script>window.__pwned' "$d/hostile/report.html" && fail "raw hostile markup in report.html" \
	|| pass "hostile markup escaped in report.html"
if timeout 180 node "$ROOT/tests/browser/report_page.js" "$d/hostile/report.html" "$d/hostile/hosts.jsonl" "$SHOTS" \
	--hostile >"$TMP/b" 2>&1; then pass "hostile case: $(tail -1 "$TMP/b")"; else fail "hostile case in Chromium"; cat "$TMP/b" >&2; fi
finish
