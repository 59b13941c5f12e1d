#!/usr/bin/env bash
# run-tests.sh BUILD ASAN_BUILD — what `make test` does: build and test twice,
# normally and with ASan+UBSan, then print one closing line
# "N passed, N failed, N skipped" counted over both builds.
set -u
build=$1 asan=$2
cd "$(dirname "$0")/.." || exit 1
status=0

run_build() { # dir, setup-args...
	local dir=$1; shift
	rm -f "$dir/meson-logs/testlog.json"
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; return 1; }
	fi
	ninja -C "$dir" >/dev/null || { ninja -C "$dir"; return 1; }
	local mult=1
	[ "$dir" = "$asan" ] && mult=4
	echo "== tests in $dir"
	meson test -C "$dir" --print-errorlogs --timeout-multiplier "$mult" --num-processes 2 \
		| grep -E '^ *[0-9]+/[0-9]+ |^(Ok|Fail|Skipped|Timeout|Expected Fail|Unexpected Pass):' 
	return "${PIPESTATUS[0]}"
}

run_build "$build" || status=1
run_build "$asan" -Db_sanitize=address,undefined -Db_lundef=false \
	-Dc_args=-fno-sanitize-recover=all -Dbuildtype=debug || status=1

summary=$(python3 - "$build" "$asan" <<'PY'
import json, sys, os
p = f = s = 0
for d in sys.argv[1:]:
    log = os.path.join(d, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        f += 1
        continue
    for line in open(log):
        r = json.loads(line)
        res = r.get("result")
        if res == "OK": p += 1
        elif res == "SKIP": s += 1
        else: f += 1
print(f"{p} passed, {f} failed, {s} skipped")
PY
)
echo "$summary"
case "$summary" in *" 0 failed"*) ;; *) status=1 ;; esac
exit $status
