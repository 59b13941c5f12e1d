#!/usr/bin/env bash
# bench_hunt.sh BUILD — `updguard hunt` time and memory on a simulated fleet
# (issue 7's benchmark: 20,000 hosts x 7 days). The simulator writes the logs
# into $BENCH_DIR (default /tmp/updguard-bench)/hunt; the hunt then runs with
# the escan profile and a rough window, as an analyst would. Baselines in the
# same run: `cat` of the logs and `updguard events --count` (one read of
# everything, parsing included; the hunt reads the logs twice).
#
# The logs are large: about 0.28 MB per host-day with Winlogbeat ECS endpoint
# logs (39 GB for 20,000 x 7; the background --activity changes little below
# 0.05, where the product's own update traffic dominates) and 0.23 MB with
# NXLog flat JSON (HUNT_FORMATS=flat,squid,zeek,dhcp: 32 GB). The size is
# checked against the free disk first and the fleet shrunk to what fits,
# saying so. Logs larger than the page cache are read from the disk twice (the
# hunt reads them twice): the figures then include the disk.
# HUNT_HOSTS, HUNT_DAYS, HUNT_ACTIVITY and HUNT_FORMATS override the defaults;
# HUNT_LOGS=DIR measures logs simulated before (with the same options) and
# keeps them.
set -u
build=${1:?usage: bench_hunt.sh BUILD}
ug="$build/updguard"
dir=${BENCH_DIR:-/tmp/updguard-bench}/hunt
hosts=${HUNT_HOSTS:-20000}
days=${HUNT_DAYS:-7}
activity=${HUNT_ACTIVITY:-0.01}
formats=${HUNT_FORMATS:-ecs,squid,zeek,dhcp}
case $formats in *flat*) mb_hd=0.24 ;; *) mb_hd=0.29 ;; esac
[ -x "$ug" ] || { echo "bench_hunt: $ug not built" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench_hunt: /usr/bin/time (GNU time) needed" >&2; exit 1; }
mkdir -p "$dir" || exit 1

if [ -z "${HUNT_LOGS:-}" ]; then
	# Fit the fleet to the disk: keep 5 GB free.
	free_mb=$(df -Pm "$dir" | awk 'NR == 2 { print $4 }')
	need_mb=$(awk -v h="$hosts" -v d="$days" -v m="$mb_hd" 'BEGIN { printf "%d", h * d * m }')
	if [ "$need_mb" -gt $((free_mb - 5000)) ]; then
		fit=$(awk -v f="$free_mb" -v d="$days" -v m="$mb_hd" 'BEGIN { printf "%d", (f - 5000) / (d * m) }')
		echo "bench_hunt: $hosts hosts x $days days need about $need_mb MB, $free_mb MB free: running $fit hosts"
		hosts=$fit
	fi
	[ "$hosts" -ge 100 ] || { echo "bench_hunt: not enough disk for a meaningful fleet" >&2; exit 1; }
fi

secs_of() { # GNU time -v file -> wall seconds
	sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'
}
rss_of() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
cpu_of() { # user + system seconds
	awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$1"
}

logs=${HUNT_LOGS:-$dir/logs}
rm -rf "$dir/report"
if [ -z "${HUNT_LOGS:-}" ]; then
	rm -rf "$logs"
	echo "== hunt: simulating $hosts hosts x $days days (escan, seed 1, --activity $activity, $formats)"
	"$ug" -q simulate --hosts "$hosts" --days "$days" --seed 1 --activity "$activity" --formats "$formats" -o "$logs" \
		>"$dir/sim.out" || exit 1
else
	echo "== hunt: the logs in $logs ($hosts hosts x $days days as given)"
fi
# a rough window, as an analyst would guess it: an hour either side of the real one
rough=$(jq -r '.incident.window | [.start, .end] | @tsv' "$logs/truth.json" | {
	read -r a b
	echo "$(date -u -d "$a - 1 hour" +%Y-%m-%dT%H:%M:%SZ)/$(date -u -d "$b + 1 hour" +%Y-%m-%dT%H:%M:%SZ)"
})
bytes=$(du -sb "$logs" | cut -f1)

t0=$(date +%s.%N)
find "$logs" -type f -exec cat {} + >/dev/null
t1=$(date +%s.%N)
cat_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

/usr/bin/time -v "$ug" -q events --count "$logs" >"$dir/events.out" 2>"$dir/events.time"
records=$(awk '$1 == "total" { print $2 }' "$dir/events.out")

/usr/bin/time -v "$ug" -q hunt --profile "$(dirname "$0")/../profiles/escan.yml" --window "$rough" --out "$dir/report" "$logs" \
	>"$dir/hunt.out" 2>"$dir/hunt.time" || { tail -5 "$dir/hunt.time" >&2; exit 1; }
verdicts=$(grep -m1 '^Verdicts' "$dir/hunt.out")

awk -v h="$hosts" -v d="$days" -v b="$bytes" -v r="${records:-0}" -v c="$cat_s" \
	-v es="$(secs_of "$dir/events.time")" -v em="$(rss_of "$dir/events.time")" \
	-v hs="$(secs_of "$dir/hunt.time")" -v hm="$(rss_of "$dir/hunt.time")" \
	-v ec="$(cpu_of "$dir/events.time")" -v hc="$(cpu_of "$dir/hunt.time")" 'BEGIN {
	printf "  %d hosts x %d days: %.1f GB, %d records\n", h, d, b / 1e9, r
	printf "  cat: %.1f s; events --count (one read): %.1f s (%.1f CPU-s), %.0f MB peak\n", c, es, ec, em / 1024
	printf "  hunt: %.1f s (%.1f CPU-s; %.0f records/s, %.0f MB/s), peak %.0f MB; hunt/one-read = %.1fx\n",
		hs, hc, r / hs, b / 1e6 / hs, hm / 1024, hs / es
	printf "  projected to 20,000 x 7 at this rate: %.0f s\n", hs * 140000 / (h * d)
}'
echo "  $verdicts"
[ -n "${HUNT_LOGS:-}" ] || rm -rf "$logs"
