#!/usr/bin/env bash
# demo.sh UPDGUARD — what `make demo` runs: the end-to-end path that exists
# today, saying plainly what it does.
set -eu
ug=$1
if [ -t 1 ]; then say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }; else say() { printf '\n== %s\n' "$*"; }; fi

say "updguard $("$ug" --version | cut -d' ' -f2): what exists so far"
echo "The foundation is in place (library, command, event model, time handling)."
echo "The hunt (who got the bad update, what it did next) is not built yet: this demo"
echo "shows the parts that are, on timestamps as the eScan-case logs would carry them."

say "Timestamps as different logs write them, converted to UTC (updguard time)"
cat <<'TS' | "$ug" time
2026-01-20T10:04:31.250Z
2026-01-20T15:34:31.250+05:30
1768903471.250
20/Jan/2026:10:04:31 +0000
TS

say "A local-time log (NXLog EventTime, written in India) read with --input-tz Asia/Kolkata"
"$ug" time --input-tz Asia/Kolkata "2026-01-20 15:34:31"

say "A Windows FILETIME from an EVTX record header"
"$ug" time --format filetime 134133770712500000

say "The canonical fields every log format is mapped onto (first 12 of $("$ug" fields --format-out json | grep -c '"field"'))"
"$ug" fields | sed -n '2,13p'
echo
echo "Done: ran 'updguard time' and 'updguard fields'; no incident was analysed."
