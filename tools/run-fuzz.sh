#!/usr/bin/env bash
# run-fuzz.sh FUZZ_BUILD SECONDS — run every libFuzzer target for SECONDS,
# seeded from tests/fuzz/corpus/<target>/ (new inputs go to the build folder,
# never into the repository). A crash fails the run; the crashing input is
# left in FUZZ_BUILD/artifacts/<target>/ — add it to the corpus once fixed.
set -u
build=$1 secs=$2
cd "$(dirname "$0")/.." || exit 1
status=0
for exe in "$build"/tests/fuzz_*; do
	[ -f "$exe" ] && [ -x "$exe" ] || continue
	case "$exe" in *replay*) continue ;; esac
	name=${exe##*/fuzz_}
	work="$build/corpus/$name" art="$build/artifacts/$name"
	mkdir -p "$work" "$art"
	echo "== fuzz $name for ${secs}s"
	if ! "$exe" -max_total_time="$secs" -max_len=65536 -artifact_prefix="$art/" \
		-print_final_stats=1 "$work" "tests/fuzz/corpus/$name" 2>"$build/fuzz-$name.log"; then
		status=1
		tail -30 "$build/fuzz-$name.log"
	else
		grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$build/fuzz-$name.log"
	fi
done
[ $status = 0 ] && echo "fuzz: no crashes" || echo "fuzz: crashes found (see above)"
exit $status
