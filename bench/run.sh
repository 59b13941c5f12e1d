#!/usr/bin/env bash
# run.sh BUILD — run every benchmark and print its figures. Benchmarks that
# need generated data make it under $BENCH_DIR (default /tmp/updguard-bench).
set -u
build=$1
cd "$(dirname "$0")/.." || exit 1
ninja -C "$build" bench/bench_time bench/bench_json >/dev/null || exit 1
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
status=0
"$build/bench/bench_time" || status=1
"$build/bench/bench_json" || status=1
for script in bench/bench_*.sh; do
	[ -f "$script" ] || continue
	echo "== $script"
	bash "$script" "$build" || status=1
done
exit $status
