#!/usr/bin/env bash
# hunt_otrf.sh — the hunt's persistence evidence kinds on REAL data: the OTRF
# (Mordor) persistence datasets in $UG_SHARED_DATA/otrf/persistence/host/,
# NXLog JSON from lab hosts attacked with Empire. Each dataset is hunted with
# the attacker's launching process given as the "updater" (so that what it
# did is what a trojanised update would do), and the evidence kind, the
# value the dataset creates and its provenance are checked.
#
# Why these "updaters" (from the data's process lineage):
#  - run_keys_*: the Empire agent is powershell.exe (PID 9076 on
#    workstation5 in the elevated set): it beacons to 10.10.10.5:80 (Sysmon 3)
#    and itself writes the Run value "Updater" (Sysmon 13).
#  - schtasks_creation: the Empire agent powershell.exe (ProcessGuid
#    {b34bc01c-5253-...}) starts schtasks.exe /Create /TN MordorSchtask
#    (Sysmon 1, Security 4688); the task is registered (4698, TaskScheduler 106).
# Not covered: covenant_persistwmi shows the WMI subscription (Sysmon 19-21)
# on it001 but no process of the attacker there to take as the updater, and
# no dataset here installs a service of the attacker's (the 4697s in the
# standard-user set are Windows' per-user services at logon).
#
# NXLog's EventTime is the hosts' local time (US Eastern), Sysmon's UtcTime
# is UTC: --input-tz America/New_York puts both on one clock.
#
# These launchers write no file and download nothing: the hunt counts a
# delivery here because the "updater" itself sets a Run value, or starts a
# process (schtasks) — what a trojanised updater that only persists does.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip "jq not installed"
DATA=${UG_SHARED_DATA:-$(dirname "$0")/../../../shared/data}/otrf/persistence/host
[ -d "$DATA" ] || skip "no OTRF data in $DATA (set UG_SHARED_DATA to the shared data folder)"

# check FILE HOST KIND VALUE-REGEX UPDATER...
check() {
	local file=$1 host=$2 kind=$3 value=$4; shift 4
	local name; name=$(basename "$file")
	[ -f "$DATA/$file" ] || { echo "SKIP: $name not in $DATA"; return; }
	local out="$TMP/$name.report" args=() u
	for u in "$@"; do args+=(--updater "$u"); done
	if ! "$UG" -q hunt "${args[@]}" --input-tz America/New_York --out "$out" "$DATA/$file" >"$TMP/sum" 2>"$TMP/err"; then
		fail "$name: hunt failed"; sed 's/^/  | /' "$TMP/err" | head -5 >&2; return
	fi
	local nd
	nd=$(jq -r --arg h "$host" 'select(.host == $h) | .deliveries | length' "$out/hosts.jsonl")
	if [ "${nd:-0}" = 0 ]; then
		fail "$name: no delivery found on $host: $kind not judged"
		return
	fi
	local ev
	ev=$(jq -c --arg h "$host" --arg k "$kind" --arg v "$value" 'select(.host == $h) | .evidence[]
		| select(.kind == $k and (.value | test($v; "i")))' "$out/hosts.jsonl" | head -1)
	if [ -z "$ev" ]; then
		fail "$name: no $kind evidence matching /$value/ on $host"
		jq -c --arg h "$host" 'select(.host == $h) | .evidence[] | {kind, value}' "$out/hosts.jsonl" | head -10 | sed 's/^/  | /' >&2
		return
	fi
	pass "$name: $kind $(jq -r .value <<<"$ev") on $host"
	jq -e '.source | test("^.+:.+:[0-9]+$")' <<<"$ev" >/dev/null \
		&& pass "$name: $kind has provenance $(jq -r .source <<<"$ev")" \
		|| fail "$name: $kind without archive:member:record provenance: $ev"
}

check empire_persistence_registry_modification_run_keys_elevated_user.zip workstation5 persistence-registry \
	'^HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater$' powershell.exe
check empire_persistence_registry_modification_run_keys_standard_user.zip workstation5 persistence-registry \
	'^HKU\\S-1-5-21-[0-9-]+\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater$' powershell.exe
check empire_schtasks_creation_standard_user.zip workstation5 persistence-task '^\\?MordorSchtask$' powershell.exe
finish
