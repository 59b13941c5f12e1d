#!/usr/bin/env bash
# bench_evtx.sh BUILD — EVTX reading throughput: a large file built from the
# real chunks of the shared samples (bench/make_evtx.py; BENCH_EVTX_MB, default
# 1024) read to normalized events by `updguard events --count` with 1 and 2
# threads, beside libevtx's evtxexport on the same file in the same run (warm
# page cache for all); records/s, MB/s, peak memory, and peak memory on a
# quarter of the file (flat in the file size). Targets (issue 5): >= 30x
# evtxexport's records/s and >= 1 M records/s per core. updguard runs are
# repeated (BENCH_RUNS, default 3) and the one with the least CPU time shown:
# on a shared machine CPU time is the steady figure, and the least is the
# least disturbed.
set -u
build=$1
ug="$build/updguard"
data=${UG_SHARED_DATA:-$(cd "$(dirname "$0")/../.." && pwd)/shared/data}
dir=${BENCH_DIR:-/tmp/updguard-bench}/evtx
mb=${BENCH_EVTX_MB:-1024}
runs=${BENCH_RUNS:-3}
[ -d "$data/evtx-attack-samples" ] || { echo "  skipped: $data/evtx-attack-samples not found"; exit 0; }
mkdir -p "$dir"
file="$dir/big-$mb.evtx"
[ -f "$file" ] || python3 "$(dirname "$0")/make_evtx.py" "$file" "$mb" "$data/evtx-attack-samples" \
	"$data/sigma/regression_data" || exit 1
python3 "$(dirname "$0")/make_evtx.py" "$dir/quarter.evtx" $((mb / 4)) "$data/evtx-attack-samples" \
	"$data/sigma/regression_data" >/dev/null || exit 1
bytes=$(stat -c %s "$file")
cat "$file" >/dev/null
"$ug" events --count -j2 "$file" >"$dir/count.txt" 2>"$dir/err.txt"
recs=$(awk '/^total/ {print $2}' "$dir/count.txt")
grep -q ' 0 skipped' "$dir/err.txt" || { echo "  records were skipped:"; tail -3 "$dir/err.txt"; }
echo "reading $((bytes / 1000000)) MB of EVTX ($recs records):"
# wall time, and CPU time (user + sys: on a shared machine the stable figure;
# records per CPU second is the per-core rate)
run() { # label, command... -> seconds, records/s, MB/s, CPU s, records per CPU s, peak RSS
	local label=$1 n=1; shift
	[ "$1" = "$ug" ] && n=$runs
	local secs rss cpu best="" s u y r c
	for _ in $(seq "$n"); do
		/usr/bin/time -f "%e %U %S %M" -o "$dir/time.txt" "$@" >/dev/null 2>&1
		read -r s u y r <"$dir/time.txt"
		c=$(echo "$u + $y" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$c < $best" | bc -l)" = 1 ]; then
			best=$c secs=$s rss=$r
		fi
	done
	cpu=$best
	printf '  %-30s %6.2f s %9.0f rec/s %5.0f MB/s | cpu %6.2f s %9.0f rec/cpu-s | peak %4d MiB\n' \
		"$label" "$secs" "$(echo "$recs / $secs" | bc -l)" "$(echo "$bytes / 1000000 / $secs" | bc -l)" \
		"$cpu" "$(echo "$recs / $cpu" | bc -l)" $((rss / 1024))
	echo "$secs $rss $cpu" >"$dir/last"
}
run "updguard events --count -j1" "$ug" events --count -j1 "$file"; j1=$(cut -d' ' -f1 "$dir/last")
c1=$(cut -d' ' -f3 "$dir/last")
run "updguard events --count -j2" "$ug" events --count -j2 "$file"; j2=$(cut -d' ' -f1 "$dir/last")
peak=$(( $(cut -d' ' -f2 "$dir/last") / 1024 )) # %M of the -j2 run
if command -v evtxexport >/dev/null; then
	run "evtxexport (libevtx, text)" evtxexport "$file"; ex=$(cut -d' ' -f1 "$dir/last")
	cx=$(cut -d' ' -f3 "$dir/last")
	printf '  updguard vs evtxexport: %.0fx (1 thread), %.0fx (2 threads); by CPU time %.0fx\n' \
		"$(echo "$ex / $j1" | bc -l)" "$(echo "$ex / $j2" | bc -l)" "$(echo "$cx / $c1" | bc -l)"
else
	echo "  evtxexport not installed: no baseline"
fi
/usr/bin/time -f "%M" -o "$dir/q.txt" "$ug" events --count -j2 "$dir/quarter.evtx" >/dev/null 2>&1
printf '  peak memory (2 threads): quarter file %d MiB, whole file %d MiB\n' \
	$(( $(cat "$dir/q.txt") / 1024 )) "$peak"
