#!/usr/bin/env bash
# bench_sources.sh BUILD — reading throughput of `updguard events` on a ~1 GB
# ECS JSON-lines file from the simulator, beside `cat > /dev/null` and
# `wc -l` on the same file in the same run (warm page cache for all), with 1
# and 2 threads; and peak memory on the file and on its first quarter, to
# show memory does not grow with input size.
set -u
build=$1
ug="$build/updguard"
dir=${BENCH_DIR:-/tmp/updguard-bench}/sources
file="$dir/winlogbeat/winlogbeat.ndjson"
if [ ! -f "$file" ]; then
	"$ug" simulate -q --hosts 400 --days 4 --formats ecs --seed 7 --out "$dir" >/dev/null || exit 1
fi
head -c $(( $(stat -c %s "$file") / 4 )) "$file" | sed '$d' >"$dir/quarter.ndjson"
mb=$(( $(stat -c %s "$file") / 1000000 ))
cat "$file" >/dev/null # warm the cache

run() { # label, command... -> prints seconds and peak RSS (KiB)
	local label=$1; shift
	/usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" >/dev/null 2>"$dir/err.txt"
	read -r secs rss <"$dir/time.txt"
	printf '  %-34s %6.2f s  %7.0f MB/s  peak %6d MiB\n' "$label" "$secs" \
		"$(echo "$mb / $secs" | bc -l)" $((rss / 1024))
	echo "$secs" >"$dir/last"
}
echo "reading $mb MB of ECS JSON lines ($(wc -l <"$file") records):"
run "cat > /dev/null" cat "$file"; cat_s=$(cat "$dir/last")
run "wc -l" wc -l "$file"; wc_s=$(cat "$dir/last")
run "updguard events --count -j1" "$ug" events --count -j1 "$file"; j1=$(cat "$dir/last")
run "updguard events --count -j2" "$ug" events --count -j2 "$file"; j2=$(cat "$dir/last")
printf '  ratios (2 threads): %.1fx the time of cat, %.1fx the time of wc -l; 2 vs 1 thread: %.2fx faster\n' \
	"$(echo "$j2 / $cat_s" | bc -l)" "$(echo "$j2 / $wc_s" | bc -l)" "$(echo "$j1 / $j2" | bc -l)"
grep -q ' 0 skipped' "$dir/err.txt" || { echo "  records were skipped:"; tail -3 "$dir/err.txt"; }
/usr/bin/time -f "%M" -o "$dir/q.txt" "$ug" events --count -j2 "$dir/quarter.ndjson" >/dev/null 2>&1
printf '  peak memory: quarter file %d MiB, whole file %d MiB (bounded by blocks, not input)\n' \
	$(( $(cat "$dir/q.txt") / 1024 )) $(( $(cut -d' ' -f2 "$dir/time.txt") / 1024 ))
