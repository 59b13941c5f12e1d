#!/usr/bin/env bash
# lint.sh BUILD — clang-tidy and cppcheck over the library, the tool and the
# tests, using the build's compile_commands.json. Fails on any finding.
set -u
build=$1
cd "$(dirname "$0")/.." || exit 1
files=$(git ls-files 'lib/*.c' 'cli/*.c' 2>/dev/null || find lib cli -name '*.c')
status=0
echo "== clang-tidy"
clang-tidy -p "$build" --quiet $files 2>/dev/null || status=1
echo "== cppcheck"
cppcheck --project="$build/compile_commands.json" --quiet --error-exitcode=1 \
	--enable=warning,performance,portability --inline-suppr \
	--suppress=missingIncludeSystem -i tests -i bench || status=1
[ $status = 0 ] && echo "lint: clean" || echo "lint: findings above"
exit $status
