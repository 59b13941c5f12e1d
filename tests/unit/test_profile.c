/* test_profile.c — unit tests for lib/hunt/profile.c: YAML profiles (valid,
 * and invalid with the line of the fault), lookup by name, the ad-hoc merge,
 * and the name matching the hunt relies on (globs, basenames, path prefixes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/str.h"
#include "hunt/profile.h"

static char tmpdir[] = "/tmp/ugprofXXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write text to tmpdir/name and return the path (static buffer). */
static const char *write_tmp(const char *name, const char *text)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static const char good[] =
	"# a test profile\n"
	"name: acme\n"
	"product: Acme Agent\n"
	"vendor: Acme Ltd\n"
	"updaters:\n"
	"  - acmeupd.exe\n"
	"  - value: 'C:\\Program Files\\Acme\\helper*.exe'\n"
	"    source: https://example.com/docs\n"
	"install_dirs: ['C:\\Program Files\\Acme', 'C:\\Users\\*\\AppData\\Local\\Acme\\']\n"
	"update_hosts:\n"
	"  - 'update*.acme.example'\n"
	"  - value: cdn.acme.example\n"
	"    unconfirmed: true\n"
	"servers:\n"
	"  - {host: update-eu.acme.example, region: EU}\n"
	"  - {host: 'update-*.acme.example', region: other, unconfirmed: yes}\n"
	"expected_children: [acmesetup.exe]\n"
	"iocs:\n"
	"  - {type: sha256, value: 'aa', source: 'vendor advisory'}\n"
	"  - {type: domain, value: evil.example, source: blog, confirmed: false}\n"
	"  - {type: file-name, value: x.exe, source: blog, unconfirmed: true}\n"
	"notes: |\n"
	"  free text\n"
	"sources:\n"
	"  - https://example.com/a\n";

static void test_parse_good(void **state)
{
	(void)state;
	ug_profile *p = NULL;
	ug_error err;
	int rc = ug_profile_load(&p, write_tmp("acme.yml", good), NULL, &err);
	if (rc != UG_OK)
		fail_msg("%s", err.message);
	assert_string_equal(p->name, "acme");
	assert_string_equal(p->product, "Acme Agent");
	assert_string_equal(p->vendor, "Acme Ltd");
	assert_int_equal(p->nupdaters, 2);
	assert_string_equal(p->updaters[1], "C:\\Program Files\\Acme\\helper*.exe");
	assert_int_equal(p->ninstall_dirs, 2);
	assert_int_equal(p->nupdate_hosts, 2);
	assert_int_equal(p->nservers, 2);
	assert_string_equal(p->servers[0].region, "EU");
	assert_int_equal(p->nexpected_children, 1);
	assert_int_equal(p->niocs, 3);
	assert_true(p->iocs[0].confirmed);
	assert_false(p->iocs[1].confirmed);
	assert_false(p->iocs[2].confirmed);
	assert_string_equal(p->iocs[1].source, "blog");
	assert_int_equal(ug_profile_check(p, &err), UG_OK);
	ug_profile_free(p);
}

/* Each bad profile must fail with "file:LINE: ..." naming the right line. */
static void expect_error(const char *text, int line, const char *needle)
{
	ug_profile *p = NULL;
	ug_error err;
	const char *path = write_tmp("bad.yml", text);
	assert_int_equal(ug_profile_load(&p, path, NULL, &err), UG_ERR_PARSE);
	assert_null(p);
	char want[600];
	snprintf(want, sizeof(want), "%s:%d: ", path, line);
	if (strncmp(err.message, want, strlen(want)) != 0 || !strstr(err.message, needle))
		fail_msg("got '%s', wanted '%s...%s'", err.message, want, needle);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_error("name: x\nupdaters: [a.exe\n", 3, "");                       /* unterminated flow list */
	expect_error("name: x\nproduct: [a, b]\n", 2, "single value");
	expect_error("name: x\nupdaters: a.exe\n", 2, "must be a list");
	expect_error("name: x\nbogus: 1\n", 2, "unknown key 'bogus'");
	expect_error("name: x\nservers:\n  - {host: a}\n", 3, "'host' and 'region'");
	expect_error("name: x\niocs:\n  - {type: sha256, value: a}\n", 3, "'source'");
	expect_error("name: x\niocs:\n\n  - {type: hash, value: a, source: s}\n", 4, "unknown type 'hash'");
	expect_error("name: x\niocs:\n  - {type: md5, value: a, source: s, confirmed: maybe}\n", 3, "true or false");
	expect_error("- a\n- b\n", 1, "mapping");
	expect_error("", 1, "empty profile");
	expect_error("updaters:\n  - {source: s}\n", 2, "without 'value'");
	expect_error("name: x\n\tproduct: y\n", 2, "");                             /* tab indentation */
}

static void test_lookup_by_name(void **state)
{
	(void)state;
	char dir[600];
	snprintf(dir, sizeof(dir), "%s/profdir", tmpdir);
	assert_int_equal(mkdir(dir, 0777), 0);
	char path[700];
	snprintf(path, sizeof(path), "%s/widget.yml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("name: widget\nproduct: Widget\nupdate_hosts: ['*.widget.example']\n", f);
	fclose(f);
	const char *dirs[] = {"/nonexistent-dir", dir, NULL};
	ug_profile *p = NULL;
	ug_error err;
	assert_int_equal(ug_profile_load(&p, "widget", dirs, &err), UG_OK);
	assert_string_equal(p->product, "Widget");
	ug_profile_free(p);
	assert_int_equal(ug_profile_load(&p, "no-such-profile-xyz", dirs, &err), UG_ERR_NOTFOUND);
	assert_non_null(strstr(err.message, "no-such-profile-xyz"));
	assert_int_equal(ug_profile_load(&p, "/nonexistent/x.yml", NULL, &err), UG_ERR_NOTFOUND);
}

static void test_adhoc_merge(void **state)
{
	(void)state;
	ug_profile *p = NULL;
	ug_error err;
	assert_int_equal(ug_profile_new(&p, &err), UG_OK);
	assert_int_equal(ug_profile_check(p, &err), UG_ERR_INVALID);
	const char *upd[] = {"GUP.exe", "gup.EXE", "", NULL}; /* duplicate (case) and empty dropped */
	const char *hosts[] = {"notepad-plus-plus.org", NULL};
	assert_int_equal(ug_profile_add(p, "Notepad++", upd, hosts, NULL, &err), UG_OK);
	assert_int_equal(ug_profile_add(p, NULL, upd, NULL, NULL, &err), UG_OK);
	assert_string_equal(p->product, "Notepad++");
	assert_int_equal(p->nupdaters, 1);
	assert_int_equal(p->nupdate_hosts, 1);
	assert_int_equal(ug_profile_check(p, &err), UG_OK);
	ug_profile_free(p);

	/* flags add to a loaded profile; --product replaces its product */
	assert_int_equal(ug_profile_load(&p, write_tmp("acme2.yml", good), NULL, &err), UG_OK);
	const char *more[] = {"other.exe", "ACMEUPD.EXE", NULL};
	assert_int_equal(ug_profile_add(p, "Renamed", more, NULL, NULL, &err), UG_OK);
	assert_string_equal(p->product, "Renamed");
	assert_int_equal(p->nupdaters, 3);
	ug_profile_free(p);
}

#define SV(s) ug_sv_from(s)

static void test_glob(void **state)
{
	(void)state;
	assert_true(ug_glob_match_nocase(SV("*"), SV("")));
	assert_true(ug_glob_match_nocase(SV(""), SV("")));
	assert_false(ug_glob_match_nocase(SV(""), SV("a")));
	assert_true(ug_glob_match_nocase(SV("update*.ESCANAV.com"), SV("update-in.escanav.COM")));
	assert_true(ug_glob_match_nocase(SV("update*.escanav.com"), SV("update.escanav.com")));
	assert_false(ug_glob_match_nocase(SV("update*.escanav.com"), SV("update-in.escanav.com.evil.example")));
	assert_false(ug_glob_match_nocase(SV("*.escanav.com"), SV("escanav.com")));
	assert_true(ug_glob_match_nocase(SV("a?c"), SV("abc")));
	assert_false(ug_glob_match_nocase(SV("a?c"), SV("ac")));
	assert_true(ug_glob_match_nocase(SV("*a*b*c*"), SV("xxaxxbxxcxx")));
	assert_false(ug_glob_match_nocase(SV("*a*b*c*"), SV("xxaxxcxxbxx")));
	assert_true(ug_glob_match_nocase(SV("**x"), SV("abx")));
	/* a long pathological input stays fast (no exponential backtracking) */
	char text[4001];
	memset(text, 'a', 4000);
	text[4000] = '\0';
	assert_false(ug_glob_match_nocase(SV("*a*a*a*a*a*a*a*b"), SV(text)));
	/* separators: '\' and '/' are the same character for matching */
	assert_true(ug_glob_match_nocase(SV("C:/Program Files/*"), SV("c:\\program files\\x")));
}

static void test_matching(void **state)
{
	(void)state;
	ug_profile *p = NULL;
	ug_error err;
	assert_int_equal(ug_profile_load(&p, write_tmp("acme3.yml", good), NULL, &err), UG_OK);
	/* image names compare with the basename; patterns with '\' with the whole path */
	assert_true(ug_profile_is_updater(p, SV("C:\\Program Files\\Acme\\AcmeUpd.exe")));
	assert_true(ug_profile_is_updater(p, SV("acmeupd.exe")));
	assert_false(ug_profile_is_updater(p, SV("C:\\Temp\\acmeupd.exe.bak")));
	assert_true(ug_profile_is_updater(p, SV("c:\\program files\\acme\\Helper64.exe")));
	assert_false(ug_profile_is_updater(p, SV("C:\\Temp\\helper64.exe")));
	assert_false(ug_profile_is_updater(p, SV("")));
	/* hosts: globs, port and trailing dot ignored */
	assert_true(ug_profile_is_update_host(p, SV("UPDATE-eu.acme.example")));
	assert_true(ug_profile_is_update_host(p, SV("update-eu.acme.example:443")));
	assert_true(ug_profile_is_update_host(p, SV("cdn.acme.example.")));
	assert_false(ug_profile_is_update_host(p, SV("acme.example")));
	assert_false(ug_profile_is_update_host(p, SV("cdn.acme.example.evil.example")));
	/* install dirs: prefixes ending at a path separator */
	assert_true(ug_profile_in_install_dir(p, SV("C:\\Program Files\\Acme\\bin\\a.dll")));
	assert_true(ug_profile_in_install_dir(p, SV("c:\\program files\\acme")));
	assert_false(ug_profile_in_install_dir(p, SV("C:\\Program Files\\AcmeEvil\\a.exe")));
	assert_true(ug_profile_in_install_dir(p, SV("C:\\Users\\bob\\AppData\\Local\\Acme\\x.exe")));
	assert_false(ug_profile_in_install_dir(p, SV("C:\\Users\\bob\\AppData\\Local\\Acmex\\x.exe")));
	/* regions: first server pattern that matches */
	assert_string_equal(ug_profile_region(p, SV("update-eu.acme.example")), "EU");
	assert_string_equal(ug_profile_region(p, SV("update-us.acme.example:80")), "other");
	assert_null(ug_profile_region(p, SV("cdn.acme.example")));
	ug_profile_free(p);
}

/* Every shipped profile parses and can drive a hunt. */
static void test_shipped_profiles(void **state)
{
	(void)state;
	const char *root = getenv("UG_SOURCE_ROOT");
	if (!root)
		skip();
	static const char *const names[] = {"escan", "notepadpp", "3cx", "chrome"};
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/profiles", root);
	const char *dirs[] = {dir, NULL};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ug_profile *p = NULL;
		ug_error err;
		if (ug_profile_load(&p, names[i], dirs, &err) != UG_OK)
			fail_msg("%s: %s", names[i], err.message);
		assert_string_equal(p->name, names[i]);
		assert_int_equal(ug_profile_check(p, &err), UG_OK);
		assert_true(p->niocs > 0 || !strcmp(names[i], "chrome"));
		ug_profile_free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_lookup_by_name),
		cmocka_unit_test(test_adhoc_merge),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_matching),
		cmocka_unit_test(test_shipped_profiles),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
