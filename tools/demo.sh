#!/usr/bin/env bash
# demo.sh UPDGUARD — what `make demo` runs: the end-to-end path that exists
# today, saying plainly what it does. (The hunt itself is issue 7; until it
# lands this demo shows the generator and the readers, and what the hunt
# will have to find, from the generator's ground truth.)
set -eu
ug=$1
out=${DEMO_OUT:-demo-out}
if [ -t 1 ]; then say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }; else say() { printf '\n== %s\n' "$*"; }; fi

say "1. A sample incident: 300 Windows hosts, 2 days, the eScan-style scenario (updguard simulate)"
rm -rf "$out"
"$ug" simulate --hosts 300 --days 2 --seed 2026 --scenario escan --out "$out"

say "2. Every log read back into normalized events (updguard events --count)"
"$ug" events --count "$out"/*/

truth="$out/truth.json"
if command -v jq >/dev/null; then
	start=$(jq -r '.incident.window.start' "$truth")
	end=$(jq -r '.incident.window.end' "$truth")
	# the first compromised host that ships endpoint logs (some are seen only by the network)
	for host in $(jq -r '.compromised_hosts[]' "$truth"); do
		"$ug" events --count --host "$host" --kind process_start "$out" 2>/dev/null | grep -q '^total *0$' || break
	done
	server=$(jq -r '.incident.compromised_server' "$truth")
	say "3. What the hunt must find: the update server $server served the bad update $start .. $end"
	echo "One compromised host, $host — its process starts, tasks and file writes in that window:"
	"$ug" events --host "$host" --from "$start" --to "$end" \
		--kind process_start --kind task_created --kind file_create --kind registry_set "$out" 2>/dev/null \
		| jq -r '[.time, .kind, (.fields.Image // ""), (.fields.CommandLine // .fields.TargetFilename // .fields.TaskName // .fields.TargetObject // "")] | join("\t")' \
		| head -25 | cut -c1-190
fi
echo
echo "Done: simulated an incident into $out/ (ground truth in $truth) and read every log"
echo "back with 'updguard events'. The hunt that finds such hosts on its own is not built yet."
