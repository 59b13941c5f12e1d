/* test_sweep.c — the IOC sweep (lib/hunt/sweep.c): the CSV and STIX 2.1
 * loaders (good input, and bad input named by line / object number) and
 * matching of events against the loaded indicators (hashes, paths and
 * names, domains and subdomains, IPs in QueryResults, URLs, tasks, registry
 * keys under a listed key, services). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "hunt/hunt_int.h"
#include "updguard/event.h"

static int load(hu_iocset *s, const char *text, ug_error *err)
{
	hu_iocset_init(s);
	ug_error_clear(err);
	return hu_iocset_parse(s, "iocs.txt", ug_sv_from(text), err);
}

static void test_csv_good(void **state)
{
	(void)state;
	hu_iocset s;
	ug_error err;
	const char *csv = "# advisory 2026-01-21\n"
	                  "type,value,context\n"
	                  "sha256,6AFF6980B5BF8D2F2F4658063FBF70308EE854F117AE8E64147D6B3589A1B71E,dropper\n"
	                  "md5,090982bb24b5d9c4d993beee07c9d84f,\n"
	                  "\n"
	                  "domain,evil[.]example,\"C2, per vendor\"\r\n"
	                  "file-path,\"C:\\Users\\*\\AppData\\x.exe\",glob\n"
	                  "registry,HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater,run\n"
	                  "url,hxxp://evil.example/a/b.php,\n"
	                  "ipv6,2001:DB8::1,\n"
	                  "sha256,6aff6980b5bf8d2f2f4658063fbf70308ee854f117ae8e64147d6b3589a1b71e,dup\n";
	assert_int_equal(load(&s, csv, &err), UG_OK);
	assert_int_equal(s.n, 7); /* the duplicate hash is listed once */
	assert_string_equal(s.v[0].type, "sha256");
	assert_string_equal(s.v[0].context, "dropper");
	assert_string_equal(s.v[0].origin, "iocs.txt:3");
	assert_string_equal(s.v[2].key, "evil.example");
	assert_string_equal(s.v[2].context, "C2, per vendor");
	assert_string_equal(s.v[2].origin, "iocs.txt:6");
	assert_int_equal(s.nglobs, 1);
	assert_string_equal(s.v[4].key, "hkcu\\software\\microsoft\\windows\\currentversion\\run\\updater");
	assert_string_equal(s.v[5].key, "evil.example/a/b.php");
	assert_string_equal(s.v[6].key, "2001:db8::1");
	hu_iocset_free(&s);
}

static void expect_error(const char *text, const char *want)
{
	hu_iocset s;
	ug_error err;
	assert_int_equal(load(&s, text, &err), UG_ERR_PARSE);
	if (!strstr(err.message, want))
		fail_msg("error '%s' does not name '%s'", err.message, want);
	hu_iocset_free(&s);
}

static void test_csv_bad(void **state)
{
	(void)state;
	expect_error("sha256,abc\n", "iocs.txt:1: expected the header");
	expect_error("type,value\nsha256,abc\n", "iocs.txt:2: not a SHA-256");
	expect_error("type,value\n\n# x\nhash,abc\n", "iocs.txt:4: unknown type");
	expect_error("type,value\ndomain,ok.example\nipv4,300.1.1.1\n", "iocs.txt:3: not an IPv4");
	expect_error("type,value\nfile-name,C:\\x\\y.exe\n", "iocs.txt:2: a file-name has no folder");
	expect_error("type,value\nurl,\"http://a.example/x\n", "iocs.txt:2: unterminated quoted field");
	expect_error("type,value\nsha256\n", "iocs.txt:2: expected type,value");
	expect_error("", "iocs.txt:1: empty IOC file");
}

static const char stix_good[] =
	"{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": [\n"
	"  {\"type\": \"identity\", \"id\": \"identity--1\", \"name\": \"Vendor\"},\n"
	"  {\"type\": \"indicator\", \"id\": \"indicator--1\", \"name\": \"dropper hash\",\n"
	"   \"pattern_type\": \"stix\",\n"
	"   \"pattern\": \"[file:hashes.'SHA-256' = '0AB9B92761CC4C8D5B107E0FD95B8E4CFC8BF8E4B6EF71983E2C754EA88A028E'"
	" OR file:hashes.MD5 = '11EEFD13A6794B8BDC0E00FF6048CB79']\"},\n"
	"  {\"type\": \"indicator\", \"id\": \"indicator--2\", \"description\": \"C2\",\n"
	"   \"pattern\": \"[domain-name:value = 'belbelna.biz'] OR [ipv4-addr:value = '93.184.20.77'] OR "
	"[url:value = 'http://belbelna.biz/gate.php']\"},\n"
	"  {\"type\": \"indicator\", \"id\": \"indicator--3\", \"name\": \"run key\",\n"
	"   \"pattern\": \"[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\\\\\SOFTWARE\\\\\\\\Evil' OR "
	"file:name = 'telemetryupd.exe' OR email-addr:value = 'a@b.example']\"},\n"
	"  {\"type\": \"indicator\", \"id\": \"indicator--4\", \"pattern_type\": \"sigma\", \"pattern\": \"title: x\"}\n,"
	/* AND on one object: a name in a folder is one path; a hash with a name is
	 * the hash; a name with something the sweep cannot test is skipped */
	"  {\"type\": \"indicator\", \"id\": \"indicator--5\", \"pattern\": \"[file:name = 'upd.exe' AND "
	"file:parent_directory_ref.path = 'C:\\\\ProgramData\\\\Qz'] OR [file:hashes.MD5 = "
	"'22EEFD13A6794B8BDC0E00FF6048CB79' AND file:name = 'x.dll'] OR [file:name = 'a.exe' AND file:size = '1']\"}\n"
	"]}\n";

static void test_stix_good(void **state)
{
	(void)state;
	hu_iocset s;
	ug_error err;
	assert_int_equal(load(&s, stix_good, &err), UG_OK);
	assert_int_equal(s.n, 9);
	assert_string_equal(s.v[0].type, "sha256");
	assert_string_equal(s.v[0].context, "dropper hash");
	assert_string_equal(s.v[0].origin, "iocs.txt:3 (object 2)");
	assert_string_equal(s.v[1].type, "md5");
	assert_string_equal(s.v[2].type, "domain");
	assert_string_equal(s.v[2].context, "C2");
	assert_string_equal(s.v[4].type, "url");
	assert_string_equal(s.v[5].type, "registry");
	assert_string_equal(s.v[5].key, "hklm\\software\\evil");
	assert_string_equal(s.v[6].type, "file-name");
	assert_string_equal(s.v[7].type, "file-path");
	assert_string_equal(s.v[7].value, "C:\\ProgramData\\Qz\\upd.exe");
	assert_string_equal(s.v[8].type, "md5");
	/* the e-mail address, the Sigma indicator, the name beside the hash (the
	 * hash says more), the name with a size (an AND the sweep cannot test) */
	assert_int_equal(s.skipped, 4);
	hu_iocset_free(&s);
}

static void test_stix_bad(void **state)
{
	(void)state;
	expect_error("{\"type\": \"bundle\", \"objects\": [\n{\"type\": \"indicator\"}]}", "iocs.txt:2: object 1: indicator without a pattern");
	expect_error("{\"type\": \"bundle\", \"objects\": [{\"type\": \"x\"},\n{\"type\": \"indicator\", "
	             "\"pattern\": \"[file:name = 'a.exe' AND file:size = '1' OR file:name = 'b.exe']\"}]}",
	             "iocs.txt:2: object 2: AND and OR mixed");
	expect_error("{\"type\": \"bundle\", \"objects\": [{\"type\": \"indicator\", "
	             "\"pattern\": \"[file:name = 'a.exe'\"}]}", "object 1: expected AND, OR or ']'");
	expect_error("{\"type\": \"bundle\", \"objects\": [{\"type\": \"indicator\", "
	             "\"pattern\": \"[file:name LIKE 'a%']\"}]}", "object 1: only '=' comparisons");
	expect_error("{\"type\": \"bundle\", \"objects\": [{\"type\": \"indicator\", "
	             "\"pattern\": \"[ipv4-addr:value = '1.2.3']\"}]}", "object 1: not an IPv4 address");
	expect_error("{\"type\": \"bundle\", \"objects\": [{\"type\": \"indicator\", "
	             "\"pattern\": \"[file:name = 'a.exe'] WITHIN 5 SECONDS\"}]}", "qualifiers");
	expect_error("{\"type\": \"bundle\",\n \"objects\": [,]}", "iocs.txt:2: not valid JSON");
	expect_error("{\"type\": \"report\", \"objects\": []}", "not a STIX 2.1 bundle");
}

/* --- matching --- */

typedef struct hits {
	char got[16][160];
	size_t n;
} hits;

static void on_hit(void *user, const hu_known_ioc *ioc, const char *field, ug_sv raw)
{
	(void)raw;
	hits *h = user;
	if (h->n < 16)
		snprintf(h->got[h->n++], sizeof(h->got[0]), "%s=%s@%s", ioc->type, ioc->value, field);
}

static bool has(const hits *h, const char *want)
{
	for (size_t i = 0; i < h->n; i++)
		if (!strcmp(h->got[i], want))
			return true;
	return false;
}

static size_t match(const hu_iocset *s, ug_event_kind kind, hits *h, ...)
{
	ug_event ev;
	memset(&ev, 0, sizeof(ev));
	ug_event_init(&ev, NULL);
	ev.kind = kind;
	va_list ap;
	va_start(ap, h);
	for (;;) {
		int id = va_arg(ap, int);
		if (id == UG_F_NONE)
			break;
		const char *v = va_arg(ap, const char *);
		ug_event_add(&ev, ug_sv_from(ug_field_name((ug_field_id)id)), ug_sv_from(v), (ug_field_id)id);
	}
	va_end(ap);
	memset(h, 0, sizeof(*h));
	size_t n = hu_iocset_match(s, &ev, on_hit, h);
	ug_event_free(&ev);
	return n;
}

static void test_match(void **state)
{
	(void)state;
	hu_iocset s;
	ug_error err;
	const char *csv = "type,value\n"
	                  "sha256,6AFF6980B5BF8D2F2F4658063FBF70308EE854F117AE8E64147D6B3589A1B71E\n"
	                  "file-name,telemetryupd.exe\n"
	                  "file-path,C:\\ProgramData\\Kelmor\\telemetryupd.exe\n"
	                  "file-path,C:\\Users\\*\\AppData\\Roaming\\qz.dll\n"
	                  "domain,belbelna.biz\n"
	                  "ipv4,93.184.20.77\n"
	                  "url,http://belbelna.biz/gate.php\n"
	                  "task-name,\\Microsoft\\Windows\\UpdHelper\n"
	                  "registry,HKLM\\SOFTWARE\\Evil\n"
	                  "registry,HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater\n"
	                  "service-name,EvilSvc\n";
	assert_int_equal(load(&s, csv, &err), UG_OK);
	hits h;

	match(&s, UG_KIND_FILE_CREATE, &h, UG_F_IMAGE, "C:\\Program Files\\eScan\\reload.exe",
	      UG_F_TARGET_FILENAME, "c:\\programdata\\KELMOR\\TelemetryUpd.exe", UG_F_HASHES,
	      "MD5=00,SHA256=6aff6980b5bf8d2f2f4658063fbf70308ee854f117ae8e64147d6b3589a1b71e,IMPHASH=11", UG_F_NONE);
	assert_true(has(&h, "sha256=6AFF6980B5BF8D2F2F4658063FBF70308EE854F117AE8E64147D6B3589A1B71E@Hashes"));
	assert_true(has(&h, "file-path=C:\\ProgramData\\Kelmor\\telemetryupd.exe@TargetFilename"));
	assert_true(has(&h, "file-name=telemetryupd.exe@TargetFilename"));
	assert_int_equal(h.n, 3);

	match(&s, UG_KIND_IMAGE_LOAD, &h, UG_F_IMAGE_LOADED, "C:\\Users\\bob\\AppData\\Roaming\\qz.dll", UG_F_NONE);
	assert_true(has(&h, "file-path=C:\\Users\\*\\AppData\\Roaming\\qz.dll@ImageLoaded"));

	/* subdomains, a trailing dot, and the name only: not "notbelbelna.biz" */
	match(&s, UG_KIND_DNS_QUERY, &h, UG_F_QUERY_NAME, "cdn.Belbelna.biz.", UG_F_QUERY_RESULTS,
	      "type:  5 x.example;::ffff:93.184.20.77;", UG_F_NONE);
	assert_true(has(&h, "domain=belbelna.biz@QueryName"));
	assert_true(has(&h, "ipv4=93.184.20.77@QueryResults"));
	assert_int_equal(match(&s, UG_KIND_DNS_QUERY, &h, UG_F_QUERY_NAME, "notbelbelna.biz", UG_F_NONE), 0);

	/* a proxy request: host and path, with a query string */
	match(&s, UG_KIND_HTTP_REQUEST, &h, UG_F_CS_HOST, "belbelna.biz:80", UG_F_C_URI, "/gate.php?id=7", UG_F_NONE);
	assert_true(has(&h, "url=http://belbelna.biz/gate.php@c-uri"));
	assert_true(has(&h, "domain=belbelna.biz@cs-host"));

	match(&s, UG_KIND_PROCESS_START, &h, UG_F_IMAGE, "C:\\Windows\\System32\\schtasks.exe", UG_F_COMMAND_LINE,
	      "schtasks /create /tn \"\\Microsoft\\Windows\\UpdHelper\" /tr x.exe", UG_F_NONE);
	assert_true(has(&h, "task-name=\\Microsoft\\Windows\\UpdHelper@CommandLine"));
	match(&s, UG_KIND_TASK_CREATED, &h, UG_F_TASK_NAME, "\\microsoft\\windows\\updhelper", UG_F_NONE);
	assert_true(has(&h, "task-name=\\Microsoft\\Windows\\UpdHelper@TaskName"));

	/* a value under a listed key; a user's hive as HKCU */
	match(&s, UG_KIND_REGISTRY_SET, &h, UG_F_TARGET_OBJECT, "\\REGISTRY\\MACHINE\\SOFTWARE\\Evil\\Config\\x", UG_F_NONE);
	assert_true(has(&h, "registry=HKLM\\SOFTWARE\\Evil@TargetObject"));
	match(&s, UG_KIND_REGISTRY_SET, &h, UG_F_TARGET_OBJECT,
	      "HKU\\S-1-5-21-1-2-3-1104\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater", UG_F_NONE);
	assert_true(has(&h, "registry=HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater@TargetObject"));
	assert_int_equal(match(&s, UG_KIND_REGISTRY_SET, &h, UG_F_TARGET_OBJECT, "HKLM\\SOFTWARE\\Evilness", UG_F_NONE), 0);

	match(&s, UG_KIND_SERVICE_INSTALLED, &h, UG_F_SERVICE_NAME, "evilsvc", UG_F_NONE);
	assert_true(has(&h, "service-name=EvilSvc@ServiceName"));

	assert_int_equal(match(&s, UG_KIND_NETWORK_CONNECT, &h, UG_F_DESTINATION_IP, "93.184.20.78", UG_F_NONE), 0);
	hu_iocset_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_good),
		cmocka_unit_test(test_csv_bad),
		cmocka_unit_test(test_stix_good),
		cmocka_unit_test(test_stix_bad),
		cmocka_unit_test(test_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
