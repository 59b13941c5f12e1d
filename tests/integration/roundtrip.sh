#!/usr/bin/env bash
# roundtrip.sh — everything `updguard simulate` writes reads back as the same
# events (tests/integration/roundtrip.py compares record by record, field by
# field), for two scenarios and seeds with every output format.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 needed for the independent parser"
for args in "--scenario escan --seed 3" "--scenario 3cx --seed 11 --persistence wmi"; do
	rm -rf "$TMP/sim"
	"$UG" simulate -q --hosts 25 --days 1 --formats all $args --out "$TMP/sim" >/dev/null \
		|| { fail "simulate $args"; continue; }
	if python3 "$(dirname "$0")/roundtrip.py" "$UG" "$TMP/sim" >"$TMP/rt" 2>&1; then
		pass "$args: $(head -1 "$TMP/rt")"
	else
		fail "$args: events differ from what was written"; head -25 "$TMP/rt" >&2
	fi
done
finish
