/* test_event.c — unit tests for lib/event: field storage and lookup, the
 * canonical dictionary, event kinds, host normalization. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/str.h"
#include "updguard/event.h"

static void assert_sv(ug_sv got, const char *want)
{
	if (!want) {
		assert_null(got.p);
		return;
	}
	assert_non_null(got.p);
	assert_int_equal(got.n, strlen(want));
	assert_memory_equal(got.p, want, got.n);
}

static void test_dictionary_roundtrip(void **state)
{
	(void)state;
	for (int id = 1; id < UG_F__COUNT; id++) {
		const char *name = ug_field_name((ug_field_id)id);
		assert_true(strlen(name) > 0);
		assert_true(strlen(ug_field_doc((ug_field_id)id)) > 0);
		assert_int_equal(ug_field_lookup(ug_sv_from(name)), id);
		/* names are unique */
		for (int other = id + 1; other < UG_F__COUNT; other++)
			assert_string_not_equal(name, ug_field_name((ug_field_id)other));
	}
	assert_int_equal(ug_field_lookup(UG_SV("Image")), UG_F_IMAGE);
	assert_int_equal(ug_field_lookup(UG_SV("image")), UG_F_NONE); /* exact case */
	assert_int_equal(ug_field_lookup(UG_SV("Imag")), UG_F_NONE);
	assert_int_equal(ug_field_lookup(UG_SV("")), UG_F_NONE);
	assert_int_equal(ug_field_lookup(UG_SV("c-uri")), UG_F_C_URI);
	/* near misses of the hash: same length, same ends, prefixes, long names */
	assert_int_equal(ug_field_lookup(UG_SV("c-ip")), UG_F_C_IP);
	assert_int_equal(ug_field_lookup(UG_SV("c-iq")), UG_F_NONE);
	assert_int_equal(ug_field_lookup(UG_SV("Ima")), UG_F_NONE);
	assert_int_equal(ug_field_lookup(UG_SV("Imagee")), UG_F_NONE);
	assert_int_equal(ug_field_lookup(UG_SV("ImageX")), UG_F_NONE);
	assert_int_equal(ug_field_lookup(UG_SV("DestinationIpX")), UG_F_NONE);
	assert_int_equal(ug_field_lookup(UG_SV("winlog.event_data.Image")), UG_F_NONE);
	char longname[300];
	memset(longname, 'I', sizeof(longname));
	assert_int_equal(ug_field_lookup(ug_sv_make(longname, sizeof(longname))), UG_F_NONE);
	assert_string_equal(ug_field_name(UG_F__COUNT), "");
}

static void test_kinds(void **state)
{
	(void)state;
	for (int k = 0; k < UG_KIND__COUNT; k++) {
		ug_event_kind got;
		assert_true(ug_event_kind_parse(ug_sv_from(ug_event_kind_name((ug_event_kind)k)), &got));
		assert_int_equal(got, k);
	}
	ug_event_kind got;
	assert_true(ug_event_kind_parse(UG_SV("PROCESS_START"), &got));
	assert_int_equal(got, UG_KIND_PROCESS_START);
	assert_false(ug_event_kind_parse(UG_SV("process"), &got));
}

static void test_kind_from_windows(void **state)
{
	(void)state;
	const ug_sv sysmon = UG_SV("Microsoft-Windows-Sysmon/Operational");
	const struct {
		ug_sv channel;
		uint32_t id;
		ug_event_kind want;
	} cases[] = {
		{sysmon, 1, UG_KIND_PROCESS_START},
		{sysmon, 3, UG_KIND_NETWORK_CONNECT},
		{sysmon, 5, UG_KIND_PROCESS_END},
		{sysmon, 7, UG_KIND_IMAGE_LOAD},
		{sysmon, 11, UG_KIND_FILE_CREATE},
		{sysmon, 12, UG_KIND_REGISTRY_KEY},
		{sysmon, 13, UG_KIND_REGISTRY_SET},
		{sysmon, 19, UG_KIND_WMI_SUBSCRIPTION},
		{sysmon, 21, UG_KIND_WMI_SUBSCRIPTION},
		{sysmon, 22, UG_KIND_DNS_QUERY},
		{sysmon, 23, UG_KIND_FILE_DELETE},
		{sysmon, 4, UG_KIND_OTHER},
		{UG_SV("microsoft-windows-sysmon/operational"), 1, UG_KIND_PROCESS_START},
		{UG_SV("Security"), 4688, UG_KIND_PROCESS_START},
		{UG_SV("security"), 4698, UG_KIND_TASK_CREATED},
		{UG_SV("Security"), 4697, UG_KIND_SERVICE_INSTALLED},
		{UG_SV("Security"), 4624, UG_KIND_LOGON},
		{UG_SV("Security"), 1, UG_KIND_OTHER},
		{UG_SV("System"), 7045, UG_KIND_SERVICE_INSTALLED},
		{UG_SV("System"), 7036, UG_KIND_OTHER},
		{UG_SV("Microsoft-Windows-TaskScheduler/Operational"), 106, UG_KIND_TASK_CREATED},
		{UG_SV("Microsoft-Windows-WMI-Activity/Operational"), 5861, UG_KIND_WMI_SUBSCRIPTION},
		{UG_SV("Application"), 1, UG_KIND_OTHER},
		{UG_SV(""), 1, UG_KIND_OTHER},
	};
	for (size_t i = 0; i < UG_ARRAY_LEN(cases); i++)
		assert_int_equal(ug_event_kind_from_windows(cases[i].channel, cases[i].id), cases[i].want);
}

static void test_event_fields(void **state)
{
	(void)state;
	ug_arena a;
	ug_arena_init(&a, 0);
	ug_event ev;
	ug_event_init(&ev, &a);
	assert_true(ev.ts == UG_TIME_INVALID);
	assert_false(ug_event_has(&ev, UG_F_IMAGE));
	assert_sv(ug_event_get(&ev, UG_F_IMAGE), NULL);

	const char *input = "{\"process.executable\":\"C:\\\\x.exe\"}"; /* a buffer a reader holds */
	ug_sv original = ug_sv_make(input + 2, 18);
	assert_int_equal(ug_event_add(&ev, original, UG_SV("C:\\x.exe"), UG_F_IMAGE), UG_OK);
	assert_int_equal(ug_event_add_auto(&ev, UG_SV("CommandLine"), UG_SV("x.exe /s")), UG_OK);
	assert_int_equal(ug_event_add_auto(&ev, UG_SV("uid"), UG_SV("C1a2")), UG_OK);
	/* a second Image: the first one stays the canonical value */
	assert_int_equal(ug_event_add(&ev, UG_SV("Image"), UG_SV("C:\\other.exe"), UG_F_IMAGE), UG_OK);
	char scratch[16];
	strcpy(scratch, "temp");
	assert_int_equal(ug_event_add_copy(&ev, UG_SV("User"), ug_sv_from(scratch), UG_F_USER), UG_OK);
	strcpy(scratch, "XXXX"); /* the event kept its own copy */

	assert_sv(ug_event_get(&ev, UG_F_IMAGE), "C:\\x.exe");
	assert_sv(ug_event_get(&ev, UG_F_COMMAND_LINE), "x.exe /s");
	assert_sv(ug_event_get(&ev, UG_F_USER), "temp");
	assert_sv(ug_event_get_by_name(&ev, UG_SV("Image")), "C:\\x.exe");
	assert_sv(ug_event_get_by_name(&ev, UG_SV("process.executable")), "C:\\x.exe");
	assert_sv(ug_event_get_by_name(&ev, UG_SV("UID")), "C1a2"); /* case-insensitive fallback */
	assert_sv(ug_event_get_by_name(&ev, UG_SV("nothere")), NULL);
	assert_sv(ug_event_get_by_name(&ev, UG_SV("executable")), "C:\\x.exe"); /* last component */
	assert_sv(ug_event_get_by_name(&ev, UG_SV("cutable")), NULL); /* whole components only */
	assert_int_equal(ev.nfields, 5);

	/* reset clears the index but keeps capacity */
	uint32_t cap = ev.cap;
	ug_event_reset(&ev);
	assert_int_equal(ev.nfields, 0);
	assert_int_equal(ev.cap, cap);
	for (int id = 0; id < UG_F__COUNT; id++)
		assert_int_equal(ev.canon_idx[id], 0);
	assert_false(ug_event_has(&ev, UG_F_IMAGE));
	ug_event_free(&ev);
	ug_arena_free(&a);
}

static void test_event_many_fields(void **state)
{
	(void)state;
	ug_event ev;
	ug_event_init(&ev, NULL);
	char names[300][8];
	for (int i = 0; i < 300; i++) {
		snprintf(names[i], sizeof(names[i]), "f%d", i);
		assert_int_equal(ug_event_add(&ev, ug_sv_from(names[i]), UG_SV("v"), UG_F_NONE), UG_OK);
	}
	/* past the 255 indexable fields, canonical ones stay reachable by name */
	assert_int_equal(ug_event_add(&ev, UG_SV("Image"), UG_SV("late.exe"), UG_F_IMAGE), UG_OK);
	assert_false(ug_event_has(&ev, UG_F_IMAGE));
	assert_sv(ug_event_get_by_name(&ev, UG_SV("Image")), "late.exe");
	assert_sv(ug_event_get_by_name(&ev, UG_SV("f299")), "v");
	ug_event_free(&ev);
}

/* The name rules in order: exact beats any-case beats last component,
 * whatever the field order; within a rule the first field wins. */
static void test_event_get_by_name_order(void **state)
{
	(void)state;
	ug_event ev;
	ug_event_init(&ev, NULL);
	ug_event_add(&ev, UG_SV("winlog.event_data.RuleName"), UG_SV("suffix"), UG_F_NONE);
	ug_event_add(&ev, UG_SV("rulename"), UG_SV("nocase1"), UG_F_NONE);
	ug_event_add(&ev, UG_SV("RULENAME"), UG_SV("nocase2"), UG_F_NONE);
	assert_sv(ug_event_get_by_name(&ev, UG_SV("RuleName")), "nocase1");
	ug_event_add(&ev, UG_SV("RuleName"), UG_SV("exact"), UG_F_NONE);
	assert_sv(ug_event_get_by_name(&ev, UG_SV("RuleName")), "exact");
	ug_event_add(&ev, UG_SV("a.b.Tail"), UG_SV("t1"), UG_F_NONE);
	ug_event_add(&ev, UG_SV("x.Tail"), UG_SV("t2"), UG_F_NONE);
	assert_sv(ug_event_get_by_name(&ev, UG_SV("Tail")), "t1");
	assert_sv(ug_event_get_by_name(&ev, UG_SV("b.Tail")), "t1");
	assert_sv(ug_event_get_by_name(&ev, UG_SV("ail")), NULL);
	assert_sv(ug_event_get_by_name(&ev, UG_SV("tail")), NULL); /* suffix is exact case */
	ug_event_free(&ev);
}

static void test_host_normalize(void **state)
{
	(void)state;
	const struct {
		const char *raw, *want;
	} cases[] = {
		{"WS-IN-0001.corp.example", "ws-in-0001"},
		{"ws-in-0001", "ws-in-0001"},
		{"  WS-IN-0001  ", "ws-in-0001"},
		{"WS-IN-0001.", "ws-in-0001"},
		{"\\\\FILESRV01", "filesrv01"},
		{"10.20.30.40", "10.20.30.40"},
		{"FE80::1", "fe80::1"},
		{"2001:db8::a.corp", "2001:db8::a"}, /* not an IP literal: a name */
		{"", ""},
		{"   ", ""},
		{".corp.example", ""},
		{"MSEDGEWIN10", "msedgewin10"},
	};
	char out[64];
	for (size_t i = 0; i < UG_ARRAY_LEN(cases); i++) {
		size_t n = ug_host_normalize(ug_sv_from(cases[i].raw), out);
		assert_int_equal(n, strlen(cases[i].want));
		assert_memory_equal(out, cases[i].want, n);
	}
	assert_true(ug_ip_is_literal(UG_SV("192.168.0.1")));
	assert_true(ug_ip_is_literal(UG_SV("::1")));
	assert_false(ug_ip_is_literal(UG_SV("192.168.0.256")));
	assert_false(ug_ip_is_literal(UG_SV("host")));
	assert_false(ug_ip_is_literal(ug_sv_make("1.2.3.4\0", 8)));
}

static void test_event_set_host(void **state)
{
	(void)state;
	ug_arena a;
	ug_arena_init(&a, 0);
	ug_event ev;
	ug_event_init(&ev, &a);
	const char *already = "ws-eu-0042.corp.example";
	assert_int_equal(ug_event_set_host(&ev, ug_sv_from(already)), UG_OK);
	assert_sv(ev.host, "ws-eu-0042");
	assert_ptr_equal(ev.host.p, already); /* zero-copy when already lower case */
	assert_int_equal(ug_event_set_host(&ev, UG_SV("WS-EU-0042.CORP.EXAMPLE")), UG_OK);
	assert_sv(ev.host, "ws-eu-0042");
	/* longer than any stack buffer */
	size_t n = 5000;
	char *big = malloc(n);
	memset(big, 'A', n);
	assert_int_equal(ug_event_set_host(&ev, ug_sv_make(big, n)), UG_OK);
	assert_int_equal(ev.host.n, n);
	assert_int_equal(ev.host.p[n - 1], 'a');
	free(big);
	ug_event_free(&ev);
	ug_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dictionary_roundtrip),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_kind_from_windows),
		cmocka_unit_test(test_event_fields),
		cmocka_unit_test(test_event_many_fields),
		cmocka_unit_test(test_event_get_by_name_order),
		cmocka_unit_test(test_host_normalize),
		cmocka_unit_test(test_event_set_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
