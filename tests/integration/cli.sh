#!/usr/bin/env bash
# cli.sh — the command line contract: help, version, option errors and exit
# codes (docs/updguard.md), and the small `time` and `fields` commands.
. "$(dirname "$0")/lib.sh"

expect_rc 0 "--version" -- "$UG" --version
expect_grep '^updguard [0-9]+\.[0-9]+\.[0-9]+$' "$TMP/out" "--version prints the version"
expect_rc 0 "--help" -- "$UG" --help
expect_grep 'Commands:' "$TMP/out" "--help lists commands"
expect_grep '^  time ' "$TMP/out" "--help names the time command"
expect_rc 0 "help time" -- "$UG" help time
expect_grep '^usage: updguard time' "$TMP/out" "help time shows its usage"
expect_grep '--threads' "$TMP/out" "command help lists common options"
expect_rc 0 "time --help" -- "$UG" time --help
expect_grep '^usage: updguard time' "$TMP/out" "time --help"
expect_rc 2 "no command" -- "$UG"
expect_rc 2 "unknown command" -- "$UG" frobnicate
expect_grep "no command 'frobnicate'" "$TMP/err" "unknown command named"
expect_rc 2 "help for unknown command" -- "$UG" help frobnicate
expect_rc 2 "unknown global option" -- "$UG" --bogus time
expect_rc 2 "unknown command option" -- "$UG" time --bogus
expect_grep "unknown option '--bogus'" "$TMP/err" "unknown option named"
[ "$(wc -l <"$TMP/err")" = 1 ] && pass "usage error is one line" || fail "usage error is one line"
expect_rc 2 "missing option argument" -- "$UG" time --input-tz
expect_grep "needs an argument" "$TMP/err" "missing argument named"
expect_rc 2 "bad --threads" -- "$UG" -j 0 version
expect_rc 2 "bad --threads value" -- "$UG" time --threads=abc 2026-01-01T00:00:00Z
expect_rc 0 "common options accepted" -- "$UG" -q -v --threads 2 time -j 1 --quiet 2026-01-01T00:00:00Z

# time: conversions as logs write them
expect_rc 0 "time converts" -- "$UG" time 2026-01-20T10:00:00+05:30 1768903200.5 "20/Jan/2026:10:00:00 +0000"
expect_grep $'^2026-01-20T10:00:00\\+05:30\t2026-01-20T04:30:00Z$' "$TMP/out" "offset converted to UTC"
expect_grep $'^1768903200.5\t2026-01-20T10:00:00.5' "$TMP/out" "epoch with fraction"
expect_grep $'\t2026-01-20T10:00:00Z$' "$TMP/out" "common log format"
expect_rc 0 "--input-tz fixed offset" -- "$UG" time --input-tz +01:00 "2026-01-01 00:30:00"
expect_grep $'\t2025-12-31T23:30:00Z$' "$TMP/out" "local time before midnight UTC"
if [ -f /usr/share/zoneinfo/America/New_York ]; then
	expect_rc 0 "--input-tz IANA" -- "$UG" time --input-tz America/New_York "2026-07-04 12:00:00" "2026-01-04 12:00:00"
	expect_grep $'\t2026-07-04T16:00:00Z$' "$TMP/out" "EDT in summer"
	expect_grep $'\t2026-01-04T17:00:00Z$' "$TMP/out" "EST in winter"
fi
expect_rc 2 "bad --input-tz" -- "$UG" time --input-tz Not/AZone 2026-01-01T00:00:00Z
expect_rc 0 "--format filetime" -- "$UG" time --format filetime 116444736000000000
expect_grep $'\t1970-01-01T00:00:00Z$' "$TMP/out" "FILETIME epoch"

# stdin: bad lines are reported with their line number, the rest converted
printf '2026-01-20T10:00:00Z\nnot a time\n\n2026-02-30T00:00:00Z\n1768903200\n' >"$TMP/in"
"$UG" time <"$TMP/in" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" = 3 ] && pass "skipped lines give exit 3" || fail "skipped lines give exit 3 (got $rc)"
[ "$(wc -l <"$TMP/out")" = 2 ] && pass "good lines converted" || fail "good lines converted"
expect_grep '^<stdin>:2: cannot parse' "$TMP/err" "bad line 2 reported"
expect_grep '^<stdin>:4: cannot parse' "$TMP/err" "bad line 4 (Feb 30) reported"
expect_grep '2 timestamp\(s\) could not be parsed' "$TMP/err" "skip count summarised"

# fields: the dictionary, as text and as JSON lines
expect_rc 0 "fields" -- "$UG" fields
expect_grep '^  Image +full path' "$TMP/out" "fields lists Image"
expect_grep '^  process_start$' "$TMP/out" "fields lists kinds"
expect_rc 0 "fields json" -- "$UG" fields --format-out json
if command -v jq >/dev/null; then
	n=$(jq -s 'map(select(.type=="field")) | length' "$TMP/out") && [ "$n" -gt 50 ] \
		&& pass "fields json parses ($n fields)" || fail "fields json parses"
fi
expect_rc 2 "fields bad format" -- "$UG" fields --format-out xml

# progress line: never written when stderr is not a terminal
"$UG" -v time 2026-01-20T10:00:00Z 2>"$TMP/err" >/dev/null
grep -q $'\r' "$TMP/err" && fail "no progress line in a file" || pass "no progress line in a file"
finish
