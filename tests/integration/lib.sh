# lib.sh — helpers for integration tests (sourced). Each test runs the real
# updguard binary ($UG) and checks its outputs; exit 0 pass, 1 fail, 77 skip.
set -u
UG=${1:?usage: $0 PATH-TO-updguard}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ugtest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
FAILS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }
# expect_rc WANT DESCRIPTION -- CMD...: run CMD, compare exit code
expect_rc() {
	local want=$1 what=$2; shift 3
	"$@" >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	if [ "$rc" = "$want" ]; then pass "$what"; else
		fail "$what: exit $rc, wanted $want"; sed 's/^/  | /' "$TMP/err" >&2; fi
}
expect_grep() { # PATTERN FILE DESCRIPTION (pattern may start with -)
	if grep -qE -e "$1" "$2"; then pass "$3"; else fail "$3: /$1/ not in $2"; sed 's/^/  | /' "$2" | head -20 >&2; fi
}
skip() { echo "SKIP: $*"; exit 77; }
finish() { [ "$FAILS" = 0 ] || { echo "$FAILS check(s) failed" >&2; exit 1; }; exit 0; }
