/* test_sim.c — the simulator's public API: defaults, the name parsers, input
 * validation, and that a tiny run writes the same bytes twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "updguard/updguard.h"

static void test_defaults(void **state)
{
	(void)state;
	ug_sim_config c;
	ug_sim_config_default(&c);
	assert_int_equal(c.hosts, 500);
	assert_int_equal(c.days, 3);
	assert_int_equal(c.scenario, UG_SIM_SCENARIO_ESCAN);
	assert_int_equal(c.formats, UG_SIM_FMT_DEFAULT);
	assert_true(c.window_start == UG_TIME_INVALID);
	char buf[UG_TIME_BUFSZ];
	ug_time_format(c.start, 0, buf);
	assert_string_equal(buf, "2026-01-19T00:00:00Z");
}

static void test_names(void **state)
{
	(void)state;
	ug_sim_scenario s;
	for (int i = 0; i < UG_SIM_SCENARIO__COUNT; i++) {
		assert_int_equal(ug_sim_scenario_parse(ug_sim_scenario_name((ug_sim_scenario)i), &s), UG_OK);
		assert_int_equal(s, i);
	}
	assert_int_not_equal(ug_sim_scenario_parse("solarwinds", &s), UG_OK);
	unsigned f;
	ug_error err;
	assert_int_equal(ug_sim_formats_parse("ecs,zeek-json", &f, &err), UG_OK);
	assert_int_equal(f, UG_SIM_FMT_ECS | UG_SIM_FMT_ZEEK_JSON);
	assert_int_equal(ug_sim_formats_parse("all", &f, &err), UG_OK);
	assert_int_equal(f, UG_SIM_FMT_ALL);
	assert_int_equal(ug_sim_formats_parse("ecs,evtx", &f, &err), UG_ERR_INVALID);
	assert_non_null(strstr(err.message, "evtx"));
	ug_sim_persistence p;
	assert_int_equal(ug_sim_persistence_parse("wmi", &p), UG_OK);
	assert_int_equal(p, UG_SIM_PERSIST_WMI);
	ug_sim_c2 c2;
	assert_int_equal(ug_sim_c2_parse("dns", &c2), UG_OK);
	assert_string_equal(ug_sim_c2_name(c2), "dns");
	ug_sim_dropdir d;
	assert_int_not_equal(ug_sim_dropdir_parse("desktop", &d), UG_OK);
}

static void test_validation(void **state)
{
	(void)state;
	ug_sim_config c;
	ug_error err;
	ug_sim_config_default(&c);
	c.hosts = 0;
	assert_int_equal(ug_sim_run(&c, "/nonexistent/never", NULL, &err), UG_ERR_RANGE);
	ug_sim_config_default(&c);
	c.regions = "IN,XX";
	c.hosts = 3;
	c.days = 1;
	assert_int_equal(ug_sim_run(&c, "/nonexistent/never", NULL, &err), UG_ERR_INVALID);
	assert_non_null(strstr(err.message, "XX"));
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)len + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return p;
}

static void run_tiny(const char *dir, ug_sim_summary *sum)
{
	ug_sim_config c;
	ug_error err;
	ug_sim_config_default(&c);
	c.hosts = 12;
	c.days = 1;
	c.seed = 42;
	c.formats = UG_SIM_FMT_ECS | UG_SIM_FMT_SQUID;
	assert_int_equal(ug_sim_run_summary(&c, dir, NULL, sum, &err), UG_OK);
}

static void test_deterministic(void **state)
{
	(void)state;
	char a[] = "/tmp/ugsimXXXXXX", b[] = "/tmp/ugsimXXXXXX";
	assert_non_null(mkdtemp(a));
	assert_non_null(mkdtemp(b));
	ug_sim_summary sa, sb;
	run_tiny(a, &sa);
	run_tiny(b, &sb);
	assert_true(sa.events > 1000);
	assert_int_equal(sa.events, sb.events);
	assert_int_equal(sa.hosts, 12);
	const char *files[] = {"winlogbeat/winlogbeat.ndjson", "squid/access.log", "truth.json"};
	for (size_t i = 0; i < 3; i++) {
		char pa[256], pb[256];
		snprintf(pa, sizeof(pa), "%s/%s", a, files[i]);
		snprintf(pb, sizeof(pb), "%s/%s", b, files[i]);
		size_t na, nb;
		char *x = slurp(pa, &na), *y = slurp(pb, &nb);
		assert_int_equal(na, nb);
		assert_memory_equal(x, y, na);
		free(x);
		free(y);
		unlink(pa);
		unlink(pb);
	}
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", a, b);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
