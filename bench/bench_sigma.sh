#!/usr/bin/env bash
# bench_sigma.sh BUILD — `updguard sigma` throughput: 100, 1,000 and all the
# Windows rules of $UG_SHARED_DATA/sigma/rules* (files with `product: windows`)
# over an ECS JSON-lines file from the simulator (~10 M events, ~15 GB; set
# SIGMA_BENCH_HOSTS / SIGMA_BENCH_DAYS for a smaller one), with 2 threads;
# beside `updguard events --count` on the same file (the cost of reading
# alone). Prints events/s (wall), CPU seconds (user + sys: on a shared
# machine the steadier figure), peak RSS, the CPU cost per event each rule
# count adds, and peak RSS on a quarter of the file (memory must not follow
# input size). SIGMA_BENCH_THREADS sets the thread count (default 2);
# SIGMA_BENCH_BASE=DIR also runs DIR/updguard (another build, e.g. the
# previous commit) with all rules on the same file, for before/after.
# The generated file is deleted at the end.
set -u
build=$1
ug="$build/updguard"
data=$(cd "${UG_SHARED_DATA:-$(dirname "$0")/../../shared/data}/sigma" 2>/dev/null && pwd -P)
[ -n "$data" ] && [ -d "$data/rules" ] || { echo "  skipped: no Sigma rules (set UG_SHARED_DATA)"; exit 0; }
hosts=${SIGMA_BENCH_HOSTS:-2000}
days=${SIGMA_BENCH_DAYS:-12}
dir=${BENCH_DIR:-/tmp/updguard-bench}/sigma
file="$dir/winlogbeat/winlogbeat.ndjson"
mkdir -p "$dir"
trap 'rm -rf "$dir/winlogbeat" "$dir/quarter.ndjson" "$dir"/rules_*' EXIT
need_gb=$(( hosts * days * 15 / 24000 + 1 ))
avail_gb=$(df -Pk "$dir" | awk 'NR == 2 {print int($4 / 1048576)}')
[ "$avail_gb" -gt $(( need_gb * 5 / 4 )) ] || { echo "  skipped: needs ~${need_gb} GB free in $dir, has ${avail_gb}"; exit 0; }
"$ug" simulate -q --hosts "$hosts" --days "$days" --formats ecs --seed 11 --out "$dir" >/dev/null || exit 1
events=$(wc -l <"$file")
cat "$file" >/dev/null

# rule sets: the first N Windows rule files in sorted order, and all of them
grep -rlE '^ +product: windows' "$data"/rules* | sort >"$dir/windows.txt"
for n in 100 1000; do
	rm -rf "$dir/rules_$n"; mkdir -p "$dir/rules_$n"
	head -n "$n" "$dir/windows.txt" | while read -r f; do ln -s "$f" "$dir/rules_$n/$(echo "$f" | md5sum | cut -c1-12).yml"; done
done
rm -rf "$dir/rules_all"; mkdir -p "$dir/rules_all"
while read -r f; do ln -s "$f" "$dir/rules_all/$(echo "$f" | md5sum | cut -c1-12).yml"; done <"$dir/windows.txt"
total_rules=$(wc -l <"$dir/windows.txt")

threads=${SIGMA_BENCH_THREADS:-2}
run() { # label, command... -> wall seconds, CPU seconds and peak RSS; $dir/last: CPU seconds
	local label=$1; shift
	/usr/bin/time -f "%e %M %U %S" -o "$dir/time.txt" "$@" >"$dir/out.txt" 2>"$dir/err.txt"
	read -r secs rss usr sys <"$dir/time.txt"
	local cpu; cpu=$(echo "$usr + $sys" | bc -l)
	printf '  %-30s %7.2f s  %9.0f events/s  %7.2f CPU-s  peak %5d MiB\n' "$label" "$secs" \
		"$(echo "$events / $secs" | bc -l)" "$cpu" $((rss / 1024))
	echo "$cpu" >"$dir/last"
}
echo "$events ECS events ($(( $(stat -c %s "$file") / 1000000 )) MB), $threads thread(s):"
run "events --count (reading only)" "$ug" events --count -j"$threads" "$file"; base=$(cat "$dir/last")
for n in 100 1000 all; do
	label="sigma, $n rules"; [ "$n" = all ] && label="sigma, all $total_rules rules"
	run "$label" "$ug" sigma -j"$threads" --count --rules "$dir/rules_$n" "$file"
	eval "t_$n=\$(cat \"\$dir/last\")"
	[ "$n" = all ] && rss_all=$(cut -d' ' -f2 "$dir/time.txt")
	grep -m1 'loaded' "$dir/err.txt" | sed 's/^/    /'
	grep -q ', 0 loaded' "$dir/err.txt" && { echo "  no rule loaded: benchmark invalid"; exit 1; }
	tail -1 "$dir/out.txt" | sed 's/^ */    detections: /'
done
if [ -n "${SIGMA_BENCH_BASE:-}" ]; then
	run "before ($SIGMA_BENCH_BASE), all rules" "$SIGMA_BENCH_BASE/updguard" sigma -j"$threads" --count --rules "$dir/rules_all" "$file"
	t_before=$(cat "$dir/last")
	tail -1 "$dir/out.txt" | sed 's/^ */    detections: /'
fi
per() { echo "($1 - $base) * 1000000000 / $events" | bc -l; }
printf '  matching CPU per event beyond reading: %.0f ns (100 rules), %.0f ns (1,000), %.0f ns (all %d)\n' \
	"$(per "$t_100")" "$(per "$t_1000")" "$(per "$t_all")" "$total_rules"
[ -n "${SIGMA_BENCH_BASE:-}" ] && printf '  before: %.0f ns (all rules)\n' "$(per "$t_before")"
printf '  projection with all rules on %d idle cores: %.0f events/s (events / CPU-s x cores)\n' "$threads" \
	"$(echo "$events / $t_all * $threads" | bc -l)"
head -c $(( $(stat -c %s "$file") / 4 )) "$file" | sed '$d' >"$dir/quarter.ndjson"
/usr/bin/time -f "%M" -o "$dir/q.txt" "$ug" sigma -j"$threads" --count --rules "$dir/rules_all" "$dir/quarter.ndjson" >/dev/null 2>&1
printf '  peak memory, all rules: quarter file %d MiB, whole file %d MiB\n' $(( $(cat "$dir/q.txt") / 1024 )) \
	$(( rss_all / 1024 ))
