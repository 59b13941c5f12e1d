#!/usr/bin/env bash
# bench_simulate.sh BUILD — `updguard simulate` throughput and memory: a run of
# about 10 million records (default formats) and an ECS-only run, each into
# $BENCH_DIR (default /tmp/updguard-bench), timed with /usr/bin/time -v; as the
# baseline, the time `cat` takes to read the same files to /dev/null.
set -u
build=${1:?usage: bench_simulate.sh BUILD}
ug="$build/updguard"
dir=${BENCH_DIR:-/tmp/updguard-bench}/simulate
hosts=${SIM_HOSTS:-1900}
days=${SIM_DAYS:-3}
[ -x "$ug" ] || { echo "bench_simulate: $ug not built" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench_simulate: /usr/bin/time (GNU time) needed" >&2; exit 1; }

run() { # NAME FORMATS
	local name=$1 formats=$2 out="$dir/$1"
	rm -rf "$out"
	/usr/bin/time -v "$ug" -q simulate --hosts "$hosts" --days "$days" --seed 1 --formats "$formats" \
		-o "$out" >"$dir/$name.out" 2>"$dir/$name.time" || { cat "$dir/$name.time" >&2; return 1; }
	local recs secs rss user sys bytes
	recs=$(sed -n 's/.*wrote \([0-9]*\) records.*/\1/p' "$dir/$name.out")
	secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/$name.time" |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/$name.time")
	user=$(sed -n 's/.*User time (seconds): //p' "$dir/$name.time")
	sys=$(sed -n 's/.*System time (seconds): //p' "$dir/$name.time")
	bytes=$(du -sb "$out" | cut -f1)
	local t0 t1 cat_s
	t0=$(date +%s.%N)
	find "$out" -type f -exec cat {} + >/dev/null
	t1=$(date +%s.%N)
	cat_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
	awk -v n="$name" -v r="$recs" -v s="$secs" -v u="$user" -v y="$sys" -v m="$rss" -v b="$bytes" -v c="$cat_s" 'BEGIN {
		printf "simulate %-8s %d records, %.1f GB in %.2f s wall (user %.2f s, sys %.2f s)\n", n, r, b / 1e9, s, u, y
		printf "  %.0f records/s wall, %.0f records/s per CPU-second of user time, %.0f MB/s written\n", r / s, r / u, b / 1e6 / s
		printf "  peak RSS %.1f MB; baseline cat > /dev/null of the output: %.2f s (%.0f MB/s), simulate/cat = %.1fx\n",
			m / 1024, c, b / 1e6 / c, s / c
	}'
	rm -rf "$out"
}

mkdir -p "$dir"
echo "== simulate: $hosts hosts x $days days (seed 1) into $dir"
run default ecs,squid,zeek,dhcp || exit 1
run ecs ecs || exit 1
