#!/usr/bin/env bash
# sigma_check.sh — every public rule under $UG_SHARED_DATA/sigma/rules* loads
# (`updguard sigma --check`), and the rejects are exactly the documented,
# specification-rejectable set (docs/sigma.md): rules whose |expand
# placeholders have no value. With a placeholder file giving them values,
# nothing is rejected. Also: a broken rule file is reported, not fatal.
. "$(dirname "$0")/lib.sh"
DATA=${UG_SHARED_DATA:-$(dirname "$0")/../../../shared/data}/sigma
[ -d "$DATA/rules" ] || skip "no Sigma rules in $DATA (set UG_SHARED_DATA)"

expect_rc 0 "--check loads the public rules" -- "$UG" sigma --check --show-rejected "$DATA"/rules*
cp "$TMP/err" "$TMP/check.err"
loaded=$(sed -n 's/.*: \([0-9]*\) loaded, \([0-9]*\) rejected.*/\1/p' "$TMP/check.err")
rejected=$(sed -n 's/.*: \([0-9]*\) loaded, \([0-9]*\) rejected.*/\2/p' "$TMP/check.err")
files=$(find "$DATA"/rules* -name '*.yml' | wc -l)
[ "$((loaded + rejected))" = "$files" ] && pass "every rule file accounted for ($loaded loaded + $rejected rejected = $files)" \
	|| fail "loaded $loaded + rejected $rejected != $files rule files"
other=$(grep '^rejected:' "$TMP/check.err" | grep -vc 'unresolved placeholder %[^%]*% (|expand needs --placeholders)')
[ "$other" = 0 ] && pass "every reject is an unresolved |expand placeholder" \
	|| { fail "$other reject(s) for another reason"; grep '^rejected:' "$TMP/check.err" | grep -v 'unresolved placeholder' | head >&2; }
expand_files=$(grep -rlE '\|expand' "$DATA"/rules* | wc -l)
[ "$rejected" = "$expand_files" ] && pass "rejects = the $expand_files rule files using |expand" \
	|| fail "$rejected rejects, but $expand_files files use |expand"

# placeholders given a value: every rule loads
grep -rhoE '%[A-Za-z0-9_-]+%' $(grep -rlE '\|expand' "$DATA"/rules*) | sort -u | tr -d % |
	awk '{print $0 ": [\"value-for-" $0 "\"]"}' >"$TMP/ph.yml"
expect_rc 0 "--placeholders resolves them" -- "$UG" sigma --check --placeholders "$TMP/ph.yml" "$DATA"/rules*
expect_grep ", 0 rejected" "$TMP/err" "no rule rejected with placeholders given"

# a broken file is reported with its reason, the rest loads
printf 'title: broken\nlogsource: {product: windows}\ndetection:\n  sel: {Image|bogus: x}\n  condition: sel\n' >"$TMP/bad.yml"
printf 'title: fine\nlogsource: {product: windows}\ndetection:\n  sel: {Image: x}\n  condition: sel\n---\ntitle: second doc\nlogsource: {product: windows}\ndetection:\n  condition: nothing\n' >"$TMP/multi.yml"
expect_rc 0 "--check with broken rules" -- "$UG" sigma --check --show-rejected "$TMP/bad.yml" "$TMP/multi.yml"
expect_grep "bad.yml: broken: unknown modifier 'bogus'" "$TMP/err" "bad modifier reported with file and reason"
expect_grep "multi.yml \(document 2\): second doc: condition names unknown search identifier 'nothing'" "$TMP/err" "second document of a multi-document file reported"
expect_grep "1 loaded, 2 rejected" "$TMP/err" "summary counts"
finish
