/* test_time.c — unit tests for lib/core/time.c and lib/core/tz.c: the calendar,
 * every timestamp parser (accepted forms, validation, every truncation), the
 * formatter, durations, intervals, and time zones (fixed, IANA with DST gaps
 * and overlaps, footer rules far in the future, crafted and corrupt TZif files).
 * Inputs are exact-size heap copies without a terminator, so ASan catches any
 * read past the view. Zone tests skip when /usr/share/zoneinfo lacks the zone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "updguard/time.h"

#define SEC UG_NS_PER_SEC

/* ---- helpers ------------------------------------------------------------- */

typedef int (*parse_fn)(ug_sv s, const ug_tz *tz, ug_time *out);

static int p_iso(ug_sv s, const ug_tz *tz, ug_time *out)
{
	return ug_time_parse_iso8601(s, tz, out);
}
static int p_epoch(ug_sv s, const ug_tz *tz, ug_time *out)
{
	(void)tz;
	return ug_time_parse_epoch(s, out);
}
static int p_filetime(ug_sv s, const ug_tz *tz, ug_time *out)
{
	(void)tz;
	return ug_time_parse_filetime(s, out);
}
static int p_clf(ug_sv s, const ug_tz *tz, ug_time *out)
{
	(void)tz;
	return ug_time_parse_clf(s, out);
}
static int p_any(ug_sv s, const ug_tz *tz, ug_time *out)
{
	return ug_time_parse_any(s, tz, out);
}
static int p_duration(ug_sv s, const ug_tz *tz, ug_time *out)
{
	(void)tz;
	return ug_duration_parse(s, out);
}

/* Parse n bytes of str from an exact-size heap copy (no terminator). On
 * failure, checks that *out was left alone. */
static int run_n(parse_fn fn, const char *str, size_t n, const ug_tz *tz, ug_time *out)
{
	char *copy = malloc(n ? n : 1);
	assert_non_null(copy);
	memcpy(copy, str, n);
	ug_time t = 12345;
	int rc = fn((ug_sv){copy, n}, tz, &t);
	free(copy);
	if (rc != UG_OK)
		assert_int_equal(t, 12345);
	*out = t;
	return rc;
}

static int run(parse_fn fn, const char *str, const ug_tz *tz, ug_time *out)
{
	return run_n(fn, str, strlen(str), tz, out);
}

static const char *fmt(ug_time t, int digits, char *buf)
{
	size_t n = ug_time_format(t, digits, buf);
	assert_int_equal(n, strlen(buf));
	assert_true(n < UG_TIME_BUFSZ);
	return buf;
}

/* fn(in) succeeds and formats (shortest) as want. */
static void expect_fmt(parse_fn fn, const char *in, const ug_tz *tz, const char *want)
{
	ug_time t;
	char buf[UG_TIME_BUFSZ];
	int rc = run(fn, in, tz, &t);
	if (rc != UG_OK)
		fail_msg("'%s' failed with %d, want %s", in, rc, want);
	if (strcmp(fmt(t, -1, buf), want) != 0)
		fail_msg("'%s' -> %s, want %s", in, buf, want);
}

static void expect_rc(parse_fn fn, const char *in, const ug_tz *tz, int want)
{
	ug_time t;
	int rc = run(fn, in, tz, &t);
	if (rc != want)
		fail_msg("'%s' returned %d, want %d", in, rc, want);
}

static ug_time civil(int y, int mo, int d, int h, int mi, int s, int32_t ns)
{
	ug_time t;
	assert_int_equal(ug_time_from_civil(y, mo, d, h, mi, s, ns, &t), UG_OK);
	return t;
}

static ug_time at(const char *rfc3339)
{
	ug_time t;
	assert_int_equal(run(p_iso, rfc3339, NULL, &t), UG_OK);
	return t;
}

static int64_t at_s(const char *rfc3339)
{
	return at(rfc3339) / SEC;
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static bool is_leap_ref(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Where ug_tz_load looks for IANA zones: $TZDIR or /usr/share/zoneinfo. */
static bool have_zone_file(const char *name, char *path, size_t size)
{
	const char *dir = getenv("TZDIR");
	snprintf(path, size, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	return access(path, R_OK) == 0;
}

/* Load an IANA zone, or skip the test when the system lacks it. */
static ug_tz *zone_or_skip(const char *name)
{
	char path[1024];
	if (!have_zone_file(name, path, sizeof(path))) {
		print_message("skipping: %s not installed (tzdata missing?)\n", path);
		return NULL;
	}
	ug_tz *tz = NULL;
	ug_error err = {0};
	if (ug_tz_load(&tz, name, &err) != UG_OK)
		fail_msg("loading %s: %s", name, err.message);
	return tz;
}

#define ZONE(var, name)                  \
	ug_tz *var = zone_or_skip(name); \
	if (!var) {                      \
		skip();                  \
		return;                  \
	}

/* ---- calendar ------------------------------------------------------------ */

static void test_civil_known_values(void **state)
{
	(void)state;
	assert_int_equal(civil(1970, 1, 1, 0, 0, 0, 0), 0);
	assert_int_equal(civil(2026, 1, 20, 10, 0, 0, 0), INT64_C(1768903200) * SEC);
	assert_int_equal(civil(2000, 3, 1, 0, 0, 0, 0), INT64_C(951868800) * SEC);
	assert_int_equal(civil(1900, 1, 1, 0, 0, 0, 0), INT64_C(-2208988800) * SEC);
	assert_int_equal(civil(1969, 12, 31, 23, 59, 59, 999999999), -1);
	assert_int_equal(civil(2038, 1, 19, 3, 14, 8, 0), INT64_C(2147483648) * SEC);
	assert_int_equal(civil(1678, 1, 1, 0, 0, 0, 0), INT64_C(-9214560000) * SEC);
	assert_int_equal(civil(2261, 12, 31, 23, 59, 59, 0), INT64_C(9214646399) * SEC);
	/* the extremes of int64 nanoseconds; INT64_MIN itself is UG_TIME_INVALID */
	assert_int_equal(civil(2262, 4, 11, 23, 47, 16, 854775807), INT64_MAX);
	assert_int_equal(civil(1677, 9, 21, 0, 12, 43, 145224193), INT64_MIN + 1);
	ug_time t = 7;
	assert_int_equal(ug_time_from_civil(2262, 4, 11, 23, 47, 16, 854775808, &t), UG_ERR_RANGE);
	assert_int_equal(ug_time_from_civil(1677, 9, 21, 0, 12, 43, 145224192, &t), UG_ERR_RANGE);
	assert_int_equal(ug_time_from_civil(1600, 1, 1, 0, 0, 0, 0, &t), UG_ERR_RANGE);
	assert_int_equal(ug_time_from_civil(2300, 1, 1, 0, 0, 0, 0, &t), UG_ERR_RANGE);
	assert_int_equal(ug_time_from_civil(-2000000000, 1, 1, 0, 0, 0, 0, &t), UG_ERR_RANGE);
	assert_int_equal(ug_time_from_civil(2000000000, 12, 31, 0, 0, 0, 0, &t), UG_ERR_RANGE);
	assert_int_equal(t, 7);
	/* second 60 folds into the next second */
	assert_int_equal(civil(2016, 12, 31, 23, 59, 60, 0), civil(2017, 1, 1, 0, 0, 0, 0));
}

static void test_civil_rejects_bad_fields(void **state)
{
	(void)state;
	static const int bad[][7] = {
	    {2026, 0, 1, 0, 0, 0, 0},  {2026, 13, 1, 0, 0, 0, 0},         {2026, 1, 0, 0, 0, 0, 0},
	    {2026, 1, 32, 0, 0, 0, 0}, {2026, 4, 31, 0, 0, 0, 0},         {2026, 2, 29, 0, 0, 0, 0},
	    {2026, 1, 1, 24, 0, 0, 0}, {2026, 1, 1, -1, 0, 0, 0},         {2026, 1, 1, 0, 60, 0, 0},
	    {2026, 1, 1, 0, -1, 0, 0}, {2026, 1, 1, 0, 0, 61, 0},         {2026, 1, 1, 0, 0, -1, 0},
	    {2026, 1, 1, 0, 0, 0, -1}, {2026, 1, 1, 0, 0, 0, 1000000000},
	};
	for (size_t i = 0; i < UG_ARRAY_LEN(bad); i++) {
		ug_time t;
		const int *b = bad[i];
		assert_int_equal(ug_time_from_civil(b[0], b[1], b[2], b[3], b[4], b[5], b[6], &t),
		                 UG_ERR_PARSE);
	}
}

static void test_leap_years(void **state)
{
	(void)state;
	ug_time t;
	assert_int_equal(ug_time_from_civil(2024, 2, 29, 0, 0, 0, 0, &t), UG_OK);
	assert_int_equal(ug_time_from_civil(2000, 2, 29, 0, 0, 0, 0, &t), UG_OK);
	assert_int_equal(ug_time_from_civil(2023, 2, 29, 0, 0, 0, 0, &t), UG_ERR_PARSE);
	assert_int_equal(ug_time_from_civil(1900, 2, 29, 0, 0, 0, 0, &t), UG_ERR_PARSE);
	assert_int_equal(ug_time_from_civil(2100, 2, 29, 0, 0, 0, 0, &t), UG_ERR_PARSE);
	assert_int_equal(ug_time_from_civil(1700, 2, 29, 0, 0, 0, 0, &t), UG_ERR_PARSE);
	/* every day of 1678..2261: valid days are consecutive, day N+1 invalid */
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	ug_time prev = civil(1677, 12, 31, 0, 0, 0, 0);
	for (int y = 1678; y <= 2261; y++) {
		for (int m = 1; m <= 12; m++) {
			int dim = mdays[m - 1] + (m == 2 && is_leap_ref(y));
			for (int d = 1; d <= dim; d++) {
				t = civil(y, m, d, 0, 0, 0, 0);
				assert_int_equal(t - prev, UG_NS_PER_DAY);
				prev = t;
			}
			assert_int_equal(ug_time_from_civil(y, m, dim + 1, 0, 0, 0, 0, &t),
			                 UG_ERR_PARSE);
		}
	}
}

static void test_civil_matches_gmtime(void **state)
{
	(void)state;
	uint64_t x = 0x9E3779B97F4A7C15u;
	for (int i = 0; i < 200000; i++) {
		/* any ug_time except INT64_MIN */
		ug_time t = (ug_time)xorshift(&x);
		if (t == UG_TIME_INVALID)
			continue;
		int y, mo, d, h, mi, s;
		int32_t ns;
		ug_time_to_civil(t, &y, &mo, &d, &h, &mi, &s, &ns);
		assert_int_equal(civil(y, mo, d, h, mi, s, ns), t);
		time_t secs = (time_t)(t / SEC - (t % SEC < 0));
		struct tm tm;
		assert_non_null(gmtime_r(&secs, &tm));
		assert_int_equal(tm.tm_year + 1900, y);
		assert_int_equal(tm.tm_mon + 1, mo);
		assert_int_equal(tm.tm_mday, d);
		assert_int_equal(tm.tm_hour, h);
		assert_int_equal(tm.tm_min, mi);
		assert_int_equal(tm.tm_sec, s);
		assert_true(ns >= 0 && ns < SEC);
	}
	/* NULL outputs are allowed */
	int y;
	ug_time_to_civil(0, &y, NULL, NULL, NULL, NULL, NULL, NULL);
	assert_int_equal(y, 1970);
}

/* ---- ISO 8601 ------------------------------------------------------------ */

static void test_iso_accepted_forms(void **state)
{
	(void)state;
	static const char *cases[][2] = {
	    {"2026-01-20T10:00:00Z", "2026-01-20T10:00:00Z"},
	    {"2026-01-20t10:00:00z", "2026-01-20T10:00:00Z"},
	    {"2026-01-20 10:00:00", "2026-01-20T10:00:00Z"},
	    {"2026-01-20T10:00:00", "2026-01-20T10:00:00Z"},
	    {"2026-01-20T10:00Z", "2026-01-20T10:00:00Z"},
	    {"2026-01-20T10:00", "2026-01-20T10:00:00Z"},
	    {"2026/01/20 10:00:00", "2026-01-20T10:00:00Z"},
	    {"2026/01/20T10:00:00.5Z", "2026-01-20T10:00:00.500Z"},
	    {"2026-01-20 10:00:00,123", "2026-01-20T10:00:00.123Z"},
	    {"2026-01-20T10:00:00.123456789+05:30", "2026-01-20T04:30:00.123456789Z"},
	    {"2026-01-20T10:00:00+0530", "2026-01-20T04:30:00Z"},
	    {"2026-01-20T10:00:00+05", "2026-01-20T05:00:00Z"},
	    {"2026-01-20T10:00+05:30", "2026-01-20T04:30:00Z"},
	    {"2026-01-20T10:00:00-08:00", "2026-01-20T18:00:00Z"},
	    {"2026-01-20T10:00:00-0800", "2026-01-20T18:00:00Z"},
	    {"2026-01-20T10:00:00-08", "2026-01-20T18:00:00Z"},
	    {"2026-01-20T10:00:00+00:00", "2026-01-20T10:00:00Z"},
	    {"2026-01-20T10:00:00-00:00", "2026-01-20T10:00:00Z"},
	    {"2026-01-20T10:00:00+23:59", "2026-01-19T10:01:00Z"},
	    {"2026-01-20T10:00:00-23:59", "2026-01-21T09:59:00Z"},
	    /* offsets crossing midnight, month, year and leap day */
	    {"2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00Z"},
	    {"2025-12-31T23:30:00-01:00", "2026-01-01T00:30:00Z"},
	    {"2024-02-28T23:00:00-02:00", "2024-02-29T01:00:00Z"},
	    {"2023-02-28T23:00:00-02:00", "2023-03-01T01:00:00Z"},
	    {"2024-03-01T01:00:00+02:00", "2024-02-29T23:00:00Z"},
	    {"2000-02-29T12:00:00Z", "2000-02-29T12:00:00Z"},
	    /* leap second folds forward; 24:00 is the next midnight */
	    {"2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z"},
	    {"2016-12-31T23:59:60.5Z", "2017-01-01T00:00:00.500Z"},
	    {"2026-01-20T24:00:00Z", "2026-01-21T00:00:00Z"},
	    {"2026-12-31T24:00Z", "2027-01-01T00:00:00Z"},
	    {"2026-01-20T24:00:00.000Z", "2026-01-21T00:00:00Z"},
	    /* before the epoch */
	    {"1969-12-31T23:59:59.999999999Z", "1969-12-31T23:59:59.999999999Z"},
	    {"1900-01-01T00:00:00Z", "1900-01-01T00:00:00Z"},
	    {"1678-01-01T00:00:00.000001Z", "1678-01-01T00:00:00.000001Z"},
	    /* range edges */
	    {"1677-09-21T00:12:43.145224193Z", "1677-09-21T00:12:43.145224193Z"},
	    {"2262-04-11T23:47:16.854775807Z", "2262-04-11T23:47:16.854775807Z"},
	    {"2262-04-12T01:47:16.854775807+02:00", "2262-04-11T23:47:16.854775807Z"},
	    /* more than nine fraction digits are truncated */
	    {"2026-01-20T10:00:00.1234567899999Z", "2026-01-20T10:00:00.123456789Z"},
	};
	for (size_t i = 0; i < UG_ARRAY_LEN(cases); i++)
		expect_fmt(p_iso, cases[i][0], NULL, cases[i][1]);
}

static void test_iso_fraction_lengths(void **state)
{
	(void)state;
	const char digits[] = "987654321987";
	for (size_t k = 1; k <= 12; k++) {
		char in[64];
		snprintf(in, sizeof(in), "2026-01-20T10:00:00.%.*sZ", (int)k, digits);
		int32_t want = 0;
		for (size_t j = 0; j < 9; j++)
			want = want * 10 + (j < k ? digits[j] - '0' : 0);
		ug_time t;
		assert_int_equal(run(p_iso, in, NULL, &t), UG_OK);
		assert_int_equal(t, INT64_C(1768903200) * SEC + want);
		/* the same with a comma and an offset */
		snprintf(in, sizeof(in), "2026-01-20 11:00:00,%.*s+01:00", (int)k, digits);
		assert_int_equal(run(p_iso, in, NULL, &t), UG_OK);
		assert_int_equal(t, INT64_C(1768903200) * SEC + want);
	}
}

static void test_iso_rejects(void **state)
{
	(void)state;
	static const char *parse_errors[] = {
	    "",
	    " ",
	    "Z",
	    "T",
	    "2026",
	    "2026-01",
	    "2026-01-20",
	    "2026/01/20",
	    "2026-13-01T00:00:00Z",
	    "2026-00-10T00:00:00Z",
	    "2026-01-32T00:00:00Z",
	    "2026-01-00T00:00:00Z",
	    "2026-02-29T00:00:00Z",
	    "1900-02-29T00:00:00Z",
	    "2026-04-31T00:00:00Z",
	    "2026-01-20T25:00:00Z",
	    "2026-01-20T24:00:01Z",
	    "2026-01-20T24:01:00Z",
	    "2026-01-20T24:00:00.000000000001Z",
	    "2026-01-20T24:00:00.1Z",
	    "2026-01-20T10:60:00Z",
	    "2026-01-20T10:00:61Z",
	    "2026-01-20T10:00:00+24:00",
	    "2026-01-20T10:00:00-24:00",
	    "2026-01-20T10:00:00+23:60",
	    "2026-01-20T10:00:00+5:30",
	    "2026-01-20T10:00:00+05:3",
	    "2026-01-20T10:00:00+05:300",
	    "2026-01-20T10:00:00+053",
	    "2026-01-20T10:00:00++05",
	    "2026-01-20T10:00:00+",
	    "2026-01-20T10:00:00.Z",
	    "2026-01-20T10:00:00.",
	    "2026-01-20T10:00:00,",
	    "2026-01-20T10:00.5Z",
	    "2026-01-20T10:00:00Zjunk",
	    "2026-01-20T10:00:00Z ",
	    " 2026-01-20T10:00:00Z",
	    "2026-01-20T10:00:00 Z",
	    "2026-01-20T10:00:00 +05:00",
	    "2026-1-20T10:00:00Z",
	    "2026-01-2T10:00:00Z",
	    "026-01-20T10:00:00Z",
	    "20260120T100000Z",
	    "2026-01/20T10:00:00Z",
	    "2026/01-20T10:00:00Z",
	    "2026-01-20X10:00:00Z",
	    "2026-01-20T10",
	    "2026-01-20T10:0",
	    "2026-01-20T1:00:00",
	    "2026-01-20T10:00:0",
	    "2026-01-20T10:00:000",
	    "2026-01-20T10:00:00ZZ",
	    "2026-01-20T10:00:00Z+01:00",
	    "2026-01-20T10:00:00.-1Z",
	    "2026-01-20  10:00:00",
	    "abcd-ef-ghTij:kl:mnZ",
	    "2026-01-20T10:00:00\xef\xbc\x9a",
	    "25:00",
	    "10:00:00",
	    "1768903200",
	    "20/Jan/2026:10:00:00 +0000",
	    "-2026-01-20T10:00:00Z",
	    "+2026-01-20T10:00:00Z",
	    "12026-01-20T10:00:00Z",
	};
	for (size_t i = 0; i < UG_ARRAY_LEN(parse_errors); i++)
		expect_rc(p_iso, parse_errors[i], NULL, UG_ERR_PARSE);
	/* embedded NULs anywhere */
	static const char with_nul[] = "2026-01-20T10:00:00.5Z";
	for (size_t i = 0; i < sizeof(with_nul) - 1; i++) {
		char buf[sizeof(with_nul)];
		memcpy(buf, with_nul, sizeof(buf));
		buf[i] = '\0';
		ug_time t;
		assert_int_equal(run_n(p_iso, buf, sizeof(with_nul) - 1, NULL, &t), UG_ERR_PARSE);
	}
	ug_time t;
	assert_int_equal(run_n(p_iso, "2026-01-20T10:00:00Z\0", 21, NULL, &t), UG_ERR_PARSE);
	/* well-formed but not representable */
	static const char *range_errors[] = {
	    "0000-01-01T00:00:00Z",           "9999-12-31T23:59:59Z",
	    "1677-09-21T00:12:43.145224192Z", "2262-04-11T23:47:16.854775808Z",
	    "1600-02-29T00:00:00Z",           "2262-04-11T23:47:16.854775807-00:01",
	};
	for (size_t i = 0; i < UG_ARRAY_LEN(range_errors); i++)
		expect_rc(p_iso, range_errors[i], NULL, UG_ERR_RANGE);
	/* NULL view and NULL out */
	assert_int_equal(ug_time_parse_iso8601(UG_SV_NULL, NULL, &t), UG_ERR_PARSE);
	assert_int_equal(ug_time_parse_iso8601(UG_SV("2026-01-20T10:00:00Z"), NULL, NULL),
	                 UG_ERR_INVALID);
}

/* Every prefix of a full timestamp parses or fails cleanly; exactly the
 * prefixes that are complete forms parse. */
static void test_iso_every_prefix(void **state)
{
	(void)state;
	static const char full[] = "2026-01-20T10:00:00.123456789+05:30";
	/* complete: hh:mm, hh:mm:ss, each fraction length, +hh, +hh:mm */
	static const size_t ok_len[] = {16, 19, 21, 22, 23, 24, 25, 26, 27, 28, 29, 32, 35};
	for (size_t n = 0; n <= sizeof(full) - 1; n++) {
		bool want_ok = false;
		for (size_t k = 0; k < UG_ARRAY_LEN(ok_len); k++)
			want_ok = want_ok || ok_len[k] == n;
		ug_time t;
		int rc = run_n(p_iso, full, n, NULL, &t);
		if (want_ok != (rc == UG_OK))
			fail_msg("prefix of length %zu ('%.*s') returned %d", n, (int)n, full, rc);
		if (!want_ok)
			assert_int_equal(rc, UG_ERR_PARSE);
	}
	/* and the same for the other parsers, which must never crash */
	static const char *fulls[] = {"[20/Jan/2026:10:00:00 +0000]", "1768903200.123456789",
	                              "0x1DC89F8E5A54000", "1h30m15s500ms",
	                              "2026-01-20T10:00:00Z/2026-01-20T12:00:00Z"};
	static const parse_fn fns[] = {p_clf, p_epoch, p_filetime, p_duration, p_any};
	for (size_t f = 0; f < UG_ARRAY_LEN(fulls); f++) {
		size_t len = strlen(fulls[f]);
		for (size_t n = 0; n <= len; n++) {
			ug_time t;
			int rc = run_n(fns[f], fulls[f], n, NULL, &t);
			assert_true(rc == UG_OK || rc == UG_ERR_PARSE || rc == UG_ERR_RANGE);
			if (f == 0) /* bracketed CLF: only the whole string */
				assert_int_equal(rc == UG_OK, n == len);
		}
	}
}

static void test_iso_reads_only_the_view(void **state)
{
	(void)state;
	/* bytes after n look like more timestamp; they must not be read */
	static const char buf[] = "2026-01-20T10:00:00Z99:99";
	ug_time t;
	assert_int_equal(ug_time_parse_iso8601((ug_sv){buf, 20}, NULL, &t), UG_OK);
	assert_int_equal(t, INT64_C(1768903200) * SEC);
	assert_int_equal(ug_time_parse_iso8601((ug_sv){buf, 19}, NULL, &t), UG_OK);
	assert_int_equal(ug_time_parse_iso8601((ug_sv){"2026-01-20T10:00:00.1234", 21}, NULL, &t),
	                 UG_OK);
	assert_int_equal(t, INT64_C(1768903200) * SEC + 100000000);
	assert_int_equal(ug_time_parse_epoch((ug_sv){"17689032005", 10}, &t), UG_OK);
	assert_int_equal(t, INT64_C(1768903200) * SEC);
	assert_int_equal(ug_duration_parse((ug_sv){"90s5", 3}, &t), UG_OK);
	assert_int_equal(t, 90 * SEC);
}

static void test_iso_local_time_in_tz(void **state)
{
	(void)state;
	ug_tz *ist = NULL, *pst = NULL;
	assert_int_equal(ug_tz_load(&ist, "+05:30", NULL), UG_OK);
	assert_int_equal(ug_tz_load(&pst, "UTC-8", NULL), UG_OK);
	expect_fmt(p_iso, "2026-01-20 10:00:00", ist, "2026-01-20T04:30:00Z");
	expect_fmt(p_iso, "2026-01-01 03:00:00.25", ist, "2025-12-31T21:30:00.250Z");
	expect_fmt(p_iso, "2026-01-20 10:00:00", pst, "2026-01-20T18:00:00Z");
	expect_fmt(p_iso, "2025-12-31 20:00", pst, "2026-01-01T04:00:00Z");
	/* an explicit offset wins over the zone */
	expect_fmt(p_iso, "2026-01-20T10:00:00Z", ist, "2026-01-20T10:00:00Z");
	expect_fmt(p_iso, "2026-01-20T10:00:00+01:00", pst, "2026-01-20T09:00:00Z");
	/* a local time the zone pushes out of range */
	expect_rc(p_iso, "2262-04-11 23:47:16", pst, UG_ERR_RANGE);
	expect_rc(p_iso, "1677-09-21 00:12:44", ist, UG_ERR_RANGE);
	ug_tz_free(ist);
	ug_tz_free(pst);
}

/* ---- epoch, FILETIME, CLF, US dates, any --------------------------------- */

static void test_epoch(void **state)
{
	(void)state;
	expect_fmt(p_epoch, "1768903200", NULL, "2026-01-20T10:00:00Z");
	expect_fmt(p_epoch, "1768903200.123", NULL, "2026-01-20T10:00:00.123Z");
	expect_fmt(p_epoch, "1768903200.5", NULL, "2026-01-20T10:00:00.500Z");
	expect_fmt(p_epoch, "1768903200.000001", NULL, "2026-01-20T10:00:00.000001Z");
	expect_fmt(p_epoch, "1768903200.1234567891", NULL, "2026-01-20T10:00:00.123456789Z");
	expect_fmt(p_epoch, "0", NULL, "1970-01-01T00:00:00Z");
	expect_fmt(p_epoch, "00001", NULL, "1970-01-01T00:00:01Z");
	expect_fmt(p_epoch, "-1.5", NULL, "1969-12-31T23:59:58.500Z");
	expect_fmt(p_epoch, "-0", NULL, "1970-01-01T00:00:00Z");
	expect_fmt(p_epoch, "9223372036.854775807", NULL, "2262-04-11T23:47:16.854775807Z");
	expect_fmt(p_epoch, "-9223372036.854775807", NULL, "1677-09-21T00:12:43.145224193Z");
	expect_rc(p_epoch, "9223372036.854775808", NULL, UG_ERR_RANGE);
	expect_rc(p_epoch, "-9223372036.854775808", NULL, UG_ERR_RANGE);
	expect_rc(p_epoch, "9223372037", NULL, UG_ERR_RANGE);
	expect_rc(p_epoch, "18446744073709551616", NULL, UG_ERR_RANGE);
	expect_rc(p_epoch, "999999999999999999999999999999.5", NULL, UG_ERR_RANGE);
	static const char *bad[] = {"",   "-",    ".5",    "1.",  "1e9", "+1", " 1",
	                            "1 ", "0x10", "1.2.3", "1,5", "--1", "1-", "1768903200.123Z",
	                            "１"};
	for (size_t i = 0; i < UG_ARRAY_LEN(bad); i++)
		expect_rc(p_epoch, bad[i], NULL, UG_ERR_PARSE);
	ug_time t;
	assert_int_equal(run_n(p_epoch,
	                       "17\0"
	                       "5",
	                       4, NULL, &t),
	                 UG_ERR_PARSE);
}

static void test_filetime(void **state)
{
	(void)state;
	ug_time t;
	assert_int_equal(ug_time_from_filetime(UINT64_C(116444736000000000), &t), UG_OK);
	assert_int_equal(t, 0);
	assert_int_equal(ug_time_from_filetime(UINT64_C(116444736000000001), &t), UG_OK);
	assert_int_equal(t, 100);
	assert_int_equal(ug_time_from_filetime(UINT64_C(116444735999999999), &t), UG_OK);
	assert_int_equal(t, -100);
	/* 133000000000000000: (133e15 - 116444736e9) / 1e7 = 1655526400 s */
	assert_int_equal(ug_time_from_filetime(UINT64_C(133000000000000000), &t), UG_OK);
	assert_int_equal(t, INT64_C(1655526400) * SEC);
	expect_fmt(p_filetime, "133000000000000000", NULL, "2022-06-18T04:26:40Z");
	expect_fmt(p_filetime, "133500000000000000", NULL, "2024-01-17T21:20:00Z");
	expect_fmt(p_filetime, "134133768000000000", NULL, "2026-01-20T10:00:00Z");
	expect_fmt(p_filetime, "0x19DB1DED53E8000", NULL, "1970-01-01T00:00:00Z");
	expect_fmt(p_filetime, "0X19db1ded53e8000", NULL, "1970-01-01T00:00:00Z");
	expect_fmt(p_filetime, "116444736000000000", NULL, "1970-01-01T00:00:00Z");
	expect_fmt(p_filetime, "0116444736000000000", NULL, "1970-01-01T00:00:00Z");
	/* 1601 is before ug_time can go; the far end of uint64 after it */
	assert_int_equal(ug_time_from_filetime(0, &t), UG_ERR_RANGE);
	assert_int_equal(ug_time_from_filetime(UINT64_MAX, &t), UG_ERR_RANGE);
	uint64_t max = UINT64_C(116444736000000000) + (uint64_t)INT64_MAX / 100;
	assert_int_equal(ug_time_from_filetime(max, &t), UG_OK);
	assert_int_equal(t, INT64_MAX / 100 * 100);
	assert_int_equal(ug_time_from_filetime(max + 1, &t), UG_ERR_RANGE);
	uint64_t min = UINT64_C(116444736000000000) - (uint64_t)INT64_MAX / 100;
	assert_int_equal(ug_time_from_filetime(min, &t), UG_OK);
	assert_int_equal(t, -(INT64_MAX / 100 * 100));
	assert_int_equal(ug_time_from_filetime(min - 1, &t), UG_ERR_RANGE);
	expect_rc(p_filetime, "18446744073709551615", NULL, UG_ERR_RANGE);
	expect_rc(p_filetime, "18446744073709551616", NULL, UG_ERR_RANGE);
	expect_rc(p_filetime, "0x10000000000000000", NULL, UG_ERR_RANGE);
	expect_rc(p_filetime, "0", NULL, UG_ERR_RANGE);
	static const char *bad[] = {"",   "0x", "0X",  "12a",  "-1", "0x1g", "x10",
	                            " 1", "1 ", "1.5", "0x-1", "+1", "0b101"};
	for (size_t i = 0; i < UG_ARRAY_LEN(bad); i++)
		expect_rc(p_filetime, bad[i], NULL, UG_ERR_PARSE);
}

static void test_clf(void **state)
{
	(void)state;
	static const char *ok[][2] = {
	    {"20/Jan/2026:10:00:00 +0000", "2026-01-20T10:00:00Z"},
	    {"[20/Jan/2026:10:00:00 +0000]", "2026-01-20T10:00:00Z"},
	    {"20/Jan/2026:10:00:00 -0800", "2026-01-20T18:00:00Z"},
	    {"20/Jan/2026:10:00:00 +0530", "2026-01-20T04:30:00Z"},
	    {"01/Jan/2026:00:30:00 +0100", "2025-12-31T23:30:00Z"},
	    {"[31/Dec/2025:23:30:00 -0100]", "2026-01-01T00:30:00Z"},
	    {"29/Feb/2024:12:00:00 +0000", "2024-02-29T12:00:00Z"},
	    {"20/JAN/2026:10:00:00 +0000", "2026-01-20T10:00:00Z"},
	    {"05/dec/1999:23:59:59 +2359", "1999-12-05T00:00:59Z"},
	};
	for (size_t i = 0; i < UG_ARRAY_LEN(ok); i++)
		expect_fmt(p_clf, ok[i][0], NULL, ok[i][1]);
	static const char *month[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	for (int m = 0; m < 12; m++) {
		char in[64], want[64];
		snprintf(in, sizeof(in), "10/%s/2026:10:00:00 +0000", month[m]);
		snprintf(want, sizeof(want), "2026-%02d-10T10:00:00Z", m + 1);
		expect_fmt(p_clf, in, NULL, want);
	}
	static const char *bad[] = {
	    "",
	    "[20/Jan/2026:10:00:00 +0000",
	    "20/Jan/2026:10:00:00 +0000]",
	    "20/Jan/2026:10:00:00",
	    "20/Jan/2026:10:00:00 ",
	    "20/Foo/2026:10:00:00 +0000",
	    "32/Jan/2026:10:00:00 +0000",
	    "29/Feb/2023:10:00:00 +0000",
	    "20/Jan/2026 10:00:00 +0000",
	    "20/Jan/2026:10:00:00 +2400",
	    "20/Jan/2026:10:00:00 +0060",
	    "20/Jan/2026:10:00:00  +0000",
	    "20/Jan/2026:10:00:00 +00:00",
	    "20/Jan/2026:10:00:00 0000",
	    "2/Jan/2026:10:00:00 +0000",
	    "20/Jan/26:10:00:00 +0000",
	    "20/Jan/2026:24:00:00 +0000",
	    "20/Jan/2026:10:00:00 +0000 ",
	    "[[20/Jan/2026:10:00:00 +0000]]",
	    "20/Ja/2026:10:00:00 +0000",
	    "20/J\x80n/2026:10:00:00 +0000",
	    "20-Jan-2026:10:00:00 +0000",
	    "20/Jan/2026:10:00:00.5 +0000",
	};
	for (size_t i = 0; i < UG_ARRAY_LEN(bad); i++)
		expect_rc(p_clf, bad[i], NULL, UG_ERR_PARSE);
	expect_rc(p_clf, "20/Jan/1500:10:00:00 +0000", NULL, UG_ERR_RANGE);
}

static int us(const char *date, const char *time, const ug_tz *tz, ug_time *out)
{
	size_t dn = strlen(date), tn = strlen(time);
	char *d = malloc(dn ? dn : 1), *t = malloc(tn ? tn : 1);
	assert_true(d && t);
	memcpy(d, date, dn);
	memcpy(t, time, tn);
	int rc = ug_time_parse_us_date_time((ug_sv){d, dn}, (ug_sv){t, tn}, tz, out);
	free(d);
	free(t);
	return rc;
}

static void expect_us(const char *date, const char *time, const ug_tz *tz, const char *want)
{
	ug_time t;
	char buf[UG_TIME_BUFSZ];
	int rc = us(date, time, tz, &t);
	if (rc != UG_OK)
		fail_msg("'%s' '%s' failed with %d", date, time, rc);
	if (strcmp(fmt(t, -1, buf), want) != 0)
		fail_msg("'%s' '%s' -> %s, want %s", date, time, buf, want);
}

static void test_us_date_time(void **state)
{
	(void)state;
	expect_us("01/20/26", "10:00:00", NULL, "2026-01-20T10:00:00Z");
	expect_us("01/20/2026", "10:00:00", NULL, "2026-01-20T10:00:00Z");
	expect_us("1/2/26", "9:05:07", NULL, "2026-01-02T09:05:07Z");
	expect_us("02/29/24", "23:59:59", NULL, "2024-02-29T23:59:59Z");
	expect_us("12/31/1999", "23:59:60", NULL, "2000-01-01T00:00:00Z");
	/* two-digit years pivot like POSIX %y: 00..68 -> 20xx, 69..99 -> 19xx */
	expect_us("01/01/00", "00:00:00", NULL, "2000-01-01T00:00:00Z");
	expect_us("12/31/68", "00:00:00", NULL, "2068-12-31T00:00:00Z");
	expect_us("01/01/69", "00:00:00", NULL, "1969-01-01T00:00:00Z");
	expect_us("01/01/99", "00:00:00", NULL, "1999-01-01T00:00:00Z");
	ug_tz *tz = NULL;
	assert_int_equal(ug_tz_load(&tz, "-0500", NULL), UG_OK);
	expect_us("12/31/25", "22:00:00", tz, "2026-01-01T03:00:00Z");
	ug_tz_free(tz);
	static const char *bad[][2] = {
	    {"13/01/26", "10:00:00"},   {"00/01/26", "10:00:00"},  {"02/29/23", "10:00:00"},
	    {"01/32/26", "10:00:00"},   {"01/20/226", "10:00:00"}, {"01/20/20266", "10:00:00"},
	    {"01/20/26 ", "10:00:00"},  {"01/20", "10:00:00"},     {"01-20-26", "10:00:00"},
	    {"001/20/26", "10:00:00"},  {"01/20/2", "10:00:00"},   {"", "10:00:00"},
	    {"01/20/26", "24:00:00"},   {"01/20/26", "10:00"},     {"01/20/26", "10:60:00"},
	    {"01/20/26", "10:00:00.5"}, {"01/20/26", "10:0:00"},   {"01/20/26", ""},
	    {"01/20/26", "100:00:00"},  {"01/20/26", " 10:00:00"}, {"01/20/26", "10:00:00 PM"},
	};
	for (size_t i = 0; i < UG_ARRAY_LEN(bad); i++) {
		ug_time t;
		if (us(bad[i][0], bad[i][1], NULL, &t) != UG_ERR_PARSE)
			fail_msg("'%s' '%s' should not parse", bad[i][0], bad[i][1]);
	}
}

static void test_parse_any(void **state)
{
	(void)state;
	expect_fmt(p_any, "2026-01-20T10:00:00+05:30", NULL, "2026-01-20T04:30:00Z");
	expect_fmt(p_any, "1768903200.5", NULL, "2026-01-20T10:00:00.500Z");
	expect_fmt(p_any, "20/Jan/2026:10:00:00 +0000", NULL, "2026-01-20T10:00:00Z");
	expect_fmt(p_any, "[20/Jan/2026:10:00:00 -0100]", NULL, "2026-01-20T11:00:00Z");
	ug_tz *tz = NULL;
	assert_int_equal(ug_tz_load(&tz, "+01:00", NULL), UG_OK);
	expect_fmt(p_any, "2026-01-20 10:00:00", tz, "2026-01-20T09:00:00Z");
	expect_fmt(p_any, "1768903200", tz, "2026-01-20T10:00:00Z"); /* epochs are UTC */
	ug_tz_free(tz);
	expect_rc(p_any, "", NULL, UG_ERR_PARSE);
	expect_rc(p_any, "yesterday", NULL, UG_ERR_PARSE);
	expect_rc(p_any, "2026-13-01T00:00:00Z", NULL, UG_ERR_PARSE);
	expect_rc(p_any, "99999999999999999999", NULL, UG_ERR_RANGE);
	expect_rc(p_any, "1500-01-01T00:00:00Z", NULL, UG_ERR_RANGE);
}

/* ---- formatting and round trips ------------------------------------------- */

static void test_format(void **state)
{
	(void)state;
	char buf[UG_TIME_BUFSZ];
	ug_time t = INT64_C(1768903200) * SEC + 123456789;
	assert_string_equal(fmt(t, 0, buf), "2026-01-20T10:00:00Z");
	assert_string_equal(fmt(t, 3, buf), "2026-01-20T10:00:00.123Z");
	assert_string_equal(fmt(t, 6, buf), "2026-01-20T10:00:00.123456Z");
	assert_string_equal(fmt(t, 9, buf), "2026-01-20T10:00:00.123456789Z");
	assert_string_equal(fmt(t, -1, buf), "2026-01-20T10:00:00.123456789Z");
	assert_string_equal(fmt(t - 123456789, -1, buf), "2026-01-20T10:00:00Z");
	assert_string_equal(fmt(t - 456789, -1, buf), "2026-01-20T10:00:00.123Z");
	assert_string_equal(fmt(t - 789, -1, buf), "2026-01-20T10:00:00.123456Z");
	assert_string_equal(fmt(t - 123456789 + 1000000, -1, buf), "2026-01-20T10:00:00.001Z");
	assert_string_equal(fmt(t - 123456789 + 1, -1, buf), "2026-01-20T10:00:00.000000001Z");
	assert_string_equal(fmt(t - 123456789, 9, buf), "2026-01-20T10:00:00.000000000Z");
	/* before 1970: fields are floored, never negative */
	assert_string_equal(fmt(-1, -1, buf), "1969-12-31T23:59:59.999999999Z");
	assert_string_equal(fmt(-1, 0, buf), "1969-12-31T23:59:59Z");
	assert_string_equal(fmt(-1, 3, buf), "1969-12-31T23:59:59.999Z");
	assert_string_equal(fmt(-SEC, -1, buf), "1969-12-31T23:59:59Z");
	assert_string_equal(fmt(-1000000, -1, buf), "1969-12-31T23:59:59.999Z");
	assert_string_equal(fmt(INT64_C(-2208988800) * SEC, -1, buf), "1900-01-01T00:00:00Z");
	assert_string_equal(fmt(-UG_NS_PER_DAY - 1, -1, buf), "1969-12-30T23:59:59.999999999Z");
	assert_string_equal(fmt(INT64_MAX, -1, buf), "2262-04-11T23:47:16.854775807Z");
	assert_string_equal(fmt(INT64_MIN + 1, -1, buf), "1677-09-21T00:12:43.145224193Z");
	assert_string_equal(fmt(INT64_MIN, 0, buf), "1677-09-21T00:12:43Z");
	assert_string_equal(fmt(0, -1, buf), "1970-01-01T00:00:00Z");
}

static void test_roundtrip_strings(void **state)
{
	(void)state;
	static const char *canon[] = {
	    "1970-01-01T00:00:00Z",           "2026-01-20T10:00:00Z",
	    "2026-01-20T10:00:00.500Z",       "2026-01-20T10:00:00.000001Z",
	    "2026-01-20T10:00:00.000000001Z", "1969-07-20T20:17:40Z",
	    "1900-02-28T23:59:59.999Z",       "2000-02-29T00:00:00Z",
	    "2024-02-29T12:34:56.789012Z",    "2100-03-01T00:00:00Z",
	    "1678-01-01T00:00:00Z",           "2261-12-31T23:59:59.999999999Z",
	    "1999-12-31T23:59:59Z",           "2038-01-19T03:14:08Z",
	    "1601-01-01T00:00:00Z",
	};
	for (size_t i = 0; i < UG_ARRAY_LEN(canon); i++) {
		ug_time t;
		if (run(p_iso, canon[i], NULL, &t) == UG_ERR_RANGE) {
			assert_string_equal(canon[i], "1601-01-01T00:00:00Z");
			continue;
		}
		expect_fmt(p_iso, canon[i], NULL, canon[i]);
	}
}

static void test_roundtrip_random(void **state)
{
	(void)state;
	uint64_t x = 42;
	for (int i = 0; i < 300000; i++) {
		ug_time t = (ug_time)xorshift(&x), back;
		if (i % 3 == 1)
			t -= t % SEC; /* whole seconds too, for the short forms */
		if (i % 3 == 2)
			t -= t % 1000000;
		if (t == UG_TIME_INVALID)
			continue;
		char buf[UG_TIME_BUFSZ];
		static const int digits[] = {-1, 9};
		for (size_t k = 0; k < UG_ARRAY_LEN(digits); k++) {
			size_t n = ug_time_format(t, digits[k], buf);
			assert_int_equal(run_n(p_iso, buf, n, NULL, &back), UG_OK);
			assert_int_equal(back, t);
		}
		/* 3 digits truncates towards the past */
		size_t n = ug_time_format(t, 3, buf);
		if (run_n(p_iso, buf, n, NULL, &back) == UG_OK) {
			assert_true(back <= t && t - back < 1000000);
		} else { /* only the one millisecond that floors below the range */
			assert_true(t < INT64_MIN + 1000000);
		}
		/* epoch text round trip */
		char ep[48];
		ug_time s = t / SEC - (t % SEC < 0), ns = t - s * SEC;
		if (s >= 0) {
			snprintf(ep, sizeof(ep), "%lld.%09lld", (long long)s, (long long)ns);
			assert_int_equal(run(p_epoch, ep, NULL, &back), UG_OK);
			assert_int_equal(back, t);
		}
	}
}

/* ---- durations and intervals --------------------------------------------- */

static void test_duration(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int64_t ns;
	} ok[] = {
	    {"90s", 90 * SEC},
	    {"60m", 3600 * SEC},
	    {"2h", 7200 * SEC},
	    {"1d", 86400 * SEC},
	    {"1w", 7 * UG_NS_PER_DAY},
	    {"1h30m", 5400 * SEC},
	    {"500ms", 500000000},
	    {"1m30s", 90 * SEC},
	    {"1h1ms", 3600 * SEC + 1000000},
	    {"30s1h", 3630 * SEC},
	    {"1d2h3m4s5ms", ((26 * 60 + 3) * 60 + 4) * SEC + 5000000},
	    {"30", 30 * SEC},
	    {"0", 0},
	    {"0s", 0},
	    {"007m", 420 * SEC},
	    {"1.5h", 5400 * SEC},
	    {"0.5s", SEC / 2},
	    {"1.5", SEC + SEC / 2},
	    {"0.000000001s", 1},
	    {"0.0000000019s", 1},
	    {"1.5ms", 1500000},
	    {"0.001ms", 1000},
	    {"0.1w", 60480 * SEC},
	    {"106751d", 106751 * UG_NS_PER_DAY},
	    {"106751d23h47m16.854775807s", INT64_MAX},
	};
	for (size_t i = 0; i < UG_ARRAY_LEN(ok); i++) {
		ug_time t;
		int rc = run(p_duration, ok[i].in, NULL, &t);
		if (rc != UG_OK || t != ok[i].ns)
			fail_msg("'%s' -> rc %d, %lld ns; want %lld", ok[i].in, rc, (long long)t,
			         (long long)ok[i].ns);
	}
	static const char *range[] = {"106752d",
	                              "9223372036854775807ms",
	                              "99999999999999999999s",
	                              "106751d23h47m16.854775808s",
	                              "15251w",
	                              "9223372037",
	                              "5000000000000000h1s",
	                              "106751d106751d"};
	for (size_t i = 0; i < UG_ARRAY_LEN(range); i++)
		expect_rc(p_duration, range[i], NULL, UG_ERR_RANGE);
	static const char *bad[] = {"",       "s",    "h1",
	                            "-5s",    "+5s",  "1x",
	                            "1 h",    " 1h",  "1h ",
	                            "1h 30m", "1h30", "1.h",
	                            ".5s",    "1ns",  "1us",
	                            "5M",     "1H",   "1hh",
	                            "1m-5s",  "1,5s", "1..5s",
	                            "1.5.5s", "s1",   "1sec",
	                            "1min",   "PT1H", "99999999999999999999x"};
	for (size_t i = 0; i < UG_ARRAY_LEN(bad); i++)
		expect_rc(p_duration, bad[i], NULL, UG_ERR_PARSE);
	ug_time t;
	assert_int_equal(run_n(p_duration, "1h\0", 3, NULL, &t), UG_ERR_PARSE);
	assert_int_equal(ug_duration_parse(UG_SV_NULL, &t), UG_ERR_PARSE);
}

static int interval(const char *in, ug_time *a, ug_time *b)
{
	size_t n = strlen(in);
	char *copy = malloc(n ? n : 1);
	assert_non_null(copy);
	memcpy(copy, in, n);
	*a = *b = 777;
	int rc = ug_interval_parse((ug_sv){copy, n}, a, b);
	free(copy);
	if (rc != UG_OK)
		assert_true(*a == 777 && *b == 777);
	return rc;
}

static void test_interval(void **state)
{
	(void)state;
	ug_time a, b;
	assert_int_equal(interval("2026-01-20T10:00Z/2026-01-20T12:00Z", &a, &b), UG_OK);
	assert_int_equal(a, at("2026-01-20T10:00:00Z"));
	assert_int_equal(b, at("2026-01-20T12:00:00Z"));
	assert_int_equal(interval("2026-01-20T10:00:00.5+05:30/2026-01-20T10:00:00Z", &a, &b),
	                 UG_OK);
	assert_int_equal(a, at("2026-01-20T04:30:00.5Z"));
	assert_int_equal(interval("/2026-01-20T12:00:00Z", &a, &b), UG_OK);
	assert_int_equal(a, INT64_MIN);
	assert_int_equal(b, at("2026-01-20T12:00:00Z"));
	assert_int_equal(interval("2026-01-20T10:00:00Z/", &a, &b), UG_OK);
	assert_int_equal(a, at("2026-01-20T10:00:00Z"));
	assert_int_equal(b, INT64_MAX);
	assert_int_equal(interval("/", &a, &b), UG_OK);
	assert_true(a == INT64_MIN && b == INT64_MAX);
	/* bare dates: midnight UTC */
	assert_int_equal(interval("2026-01-20/2026-01-21", &a, &b), UG_OK);
	assert_int_equal(a, at("2026-01-20T00:00:00Z"));
	assert_int_equal(b, at("2026-01-21T00:00:00Z"));
	assert_int_equal(interval("2026/01/20/2026/01/21", &a, &b), UG_OK);
	assert_int_equal(a, at("2026-01-20T00:00:00Z"));
	assert_int_equal(b, at("2026-01-21T00:00:00Z"));
	assert_int_equal(interval("2026/01/20 10:00:00/2026/01/20 12:00:00", &a, &b), UG_OK);
	assert_int_equal(b - a, 2 * UG_NS_PER_HOUR);
	assert_int_equal(interval("2026-01-20/2026-01-20T00:00:00.000000001Z", &a, &b), UG_OK);
	assert_int_equal(b - a, 1);
	assert_int_equal(interval("/2026/01/20", &a, &b), UG_OK);
	assert_int_equal(interval("2026/01/20/", &a, &b), UG_OK);
	assert_int_equal(b, INT64_MAX);
	/* END must be after START */
	assert_int_equal(interval("2026-01-20T10:00Z/2026-01-20T10:00Z", &a, &b), UG_ERR_RANGE);
	assert_int_equal(interval("2026-01-20T12:00Z/2026-01-20T10:00Z", &a, &b), UG_ERR_RANGE);
	assert_int_equal(interval("2026-01-20/2026-01-20", &a, &b), UG_ERR_RANGE);
	assert_int_equal(interval("1500-01-01T00:00:00Z/", &a, &b), UG_ERR_RANGE);
	assert_int_equal(interval("/3000-01-01", &a, &b), UG_ERR_RANGE);
	static const char *bad[] = {
	    "",
	    "2026-01-20T10:00Z",
	    "x/y",
	    "2026-01-20T10:00Z//2026-01-20T12:00Z",
	    "2026-01-20T10:00Z/x",
	    "x/2026-01-20T10:00Z",
	    "//",
	    "2026-01-20T10:00Z /2026-01-21",
	    "2026-01-20T10:00Z/2026-01-21 ",
	    "2026-02-30/2026-03-01",
	    "2026-01-20T10:00Z/2h",
	    "2026/01/20/2026/01/21/",
	    "2026-01-20/2026-01-21/2026-01-22",
	    "1768903200/1768906800",
	};
	for (size_t i = 0; i < UG_ARRAY_LEN(bad); i++)
		if (interval(bad[i], &a, &b) != UG_ERR_PARSE)
			fail_msg("interval '%s' should not parse", bad[i]);
	assert_int_equal(ug_interval_parse(UG_SV_NULL, &a, &b), UG_ERR_PARSE);
	assert_int_equal(ug_interval_parse((ug_sv){"2026-01-20/2026-01-21\0", 22}, &a, &b),
	                 UG_ERR_PARSE);
	/* many slashes: still linear, still an error */
	size_t n = 100000;
	char *slashes = malloc(n);
	assert_non_null(slashes);
	memset(slashes, '/', n);
	assert_int_equal(ug_interval_parse((ug_sv){slashes, n}, &a, &b), UG_ERR_PARSE);
	free(slashes);
}

/* ---- time zones: specs ----------------------------------------------------- */

static void expect_tz(const char *spec, int32_t off, const char *name)
{
	ug_tz *tz = NULL;
	ug_error err = {0};
	if (ug_tz_load(&tz, spec, &err) != UG_OK)
		fail_msg("'%s': %s", spec, err.message);
	assert_int_equal(ug_tz_offset_at_utc(tz, 0), off);
	assert_int_equal(ug_tz_offset_at_utc(tz, INT64_C(4102444800)), off);
	assert_int_equal(ug_tz_offset_at_utc(tz, INT64_MIN), off);
	assert_int_equal(ug_tz_local_to_utc(tz, 1000000), 1000000 - off);
	assert_string_equal(ug_tz_name(tz), name);
	ug_tz_free(tz);
}

static void expect_tz_error(const char *spec, int code)
{
	ug_tz *tz = (ug_tz *)&tz; /* must come back NULL */
	ug_error err = {0};
	int rc = ug_tz_load(&tz, spec, &err);
	if (rc != code)
		fail_msg("'%s' returned %d (%s), want %d", spec ? spec : "(null)", rc, err.message,
		         code);
	assert_null(tz);
	assert_int_equal(err.code, code);
	assert_true(strlen(err.message) > 0);
}

static void test_tz_fixed(void **state)
{
	(void)state;
	expect_tz("UTC", 0, "UTC");
	expect_tz("utc", 0, "UTC");
	expect_tz("Z", 0, "UTC");
	expect_tz("GMT", 0, "UTC");
	expect_tz("+05:30", 19800, "+05:30");
	expect_tz("+0530", 19800, "+05:30");
	expect_tz("-0800", -28800, "-08:00");
	expect_tz("-08:00", -28800, "-08:00");
	expect_tz("+05", 18000, "+05:00");
	expect_tz("+5", 18000, "+05:00");
	expect_tz("-00:00", 0, "+00:00");
	expect_tz("+23:59", 86340, "+23:59");
	expect_tz("-23:59", -86340, "-23:59");
	/* UTC+N is N hours east (ISO sign), unlike POSIX TZ and Etc/GMT+N */
	expect_tz("UTC+2", 7200, "+02:00");
	expect_tz("UTC-03:30", -12600, "-03:30");
	expect_tz("utc+0530", 19800, "+05:30");
	expect_tz("UTC-3:30", -12600, "-03:30");
	/* NULL tz is UTC everywhere */
	assert_string_equal(ug_tz_name(NULL), "UTC");
	assert_int_equal(ug_tz_offset_at_utc(NULL, 12345), 0);
	assert_int_equal(ug_tz_local_to_utc(NULL, 12345), 12345);
	ug_tz_free(NULL);
}

static void test_tz_bad_specs(void **state)
{
	(void)state;
	static const char *parse[] = {"+24:00",  "-24",  "+05:60", "+05:3",   "+0530x", "+",
	                              "-",       "UTC+", "UTC+24", "UTC+5:3", "+005",   "+05:30:00",
	                              "+05::30", "++05", "+053",   "+05 30",  "UTC+-1", "UTC+ 2"};
	for (size_t i = 0; i < UG_ARRAY_LEN(parse); i++)
		expect_tz_error(parse[i], UG_ERR_PARSE);
	expect_tz_error("", UG_ERR_INVALID);
	expect_tz_error(NULL, UG_ERR_INVALID);
	expect_tz_error("GMT+2", UG_ERR_INVALID); /* ambiguous sign: refused with advice */
	expect_tz_error("gmt-05:00", UG_ERR_INVALID);
	expect_tz_error("../../etc/passwd", UG_ERR_INVALID);
	expect_tz_error("America/../../../etc/passwd", UG_ERR_INVALID);
	expect_tz_error("/usr/share/zoneinfo/../zoneinfo/UTC", UG_ERR_INVALID);
	expect_tz_error("Not/AZone", UG_ERR_NOTFOUND);
	expect_tz_error("New York", UG_ERR_NOTFOUND);
	expect_tz_error("America\\New_York", UG_ERR_NOTFOUND);
	expect_tz_error("/nonexistent/zone/file", UG_ERR_NOTFOUND);
	expect_tz_error("/", UG_ERR_NOTFOUND);
	expect_tz_error("/dev/null", UG_ERR_NOTFOUND);
	char longname[2000];
	memset(longname, 'A', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	expect_tz_error(longname, UG_ERR_INVALID);
	ug_tz *tz = NULL;
	assert_int_equal(ug_tz_load(&tz, "UTC", NULL), UG_OK); /* err may be NULL */
	ug_tz_free(tz);
	assert_int_equal(ug_tz_load(&tz, "+99", NULL), UG_ERR_PARSE);
	assert_int_equal(ug_tz_load(NULL, "UTC", NULL), UG_ERR_INVALID);
	char path[1024];
	if (have_zone_file("America", path, sizeof(path)))
		expect_tz_error("America", UG_ERR_NOTFOUND); /* a directory */
	if (have_zone_file("zone.tab", path, sizeof(path)))
		expect_tz_error("zone.tab", UG_ERR_PARSE); /* a file, but not TZif */
	if (have_zone_file("right/UTC", path, sizeof(path)))
		expect_tz_error("right/UTC", UG_ERR_UNSUPPORTED);
}

/* ---- time zones: IANA ------------------------------------------------------ */

static void expect_offset(const ug_tz *tz, const char *utc, int32_t off)
{
	int32_t got = ug_tz_offset_at_utc(tz, at_s(utc));
	if (got != off)
		fail_msg("%s at %s: offset %d, want %d", ug_tz_name(tz), utc, got, off);
}

static void expect_local(const ug_tz *tz, const char *local, const char *want)
{
	expect_fmt(p_iso, local, tz, want);
}

static void test_tz_new_york(void **state)
{
	(void)state;
	ZONE(tz, "America/New_York");
	assert_string_equal(ug_tz_name(tz), "America/New_York");
	expect_offset(tz, "2026-01-20T15:00:00Z", -18000);
	expect_offset(tz, "2026-07-04T16:00:00Z", -14400);
	expect_offset(tz, "2026-03-08T06:59:59Z", -18000);
	expect_offset(tz, "2026-03-08T07:00:00Z", -14400);
	expect_offset(tz, "2026-11-01T05:59:59Z", -14400);
	expect_offset(tz, "2026-11-01T06:00:00Z", -18000);
	expect_offset(tz, "1850-01-01T04:56:02Z", -17762); /* LMT */
	expect_offset(tz, "1945-08-14T23:00:00Z", -14400); /* EPT */
	expect_local(tz, "2026-07-04 12:00:00", "2026-07-04T16:00:00Z");
	expect_local(tz, "2026-01-20 10:00:00.25", "2026-01-20T15:00:00.250Z");
	/* spring-forward gap: 02:30 does not exist, becomes 03:30 EDT */
	expect_local(tz, "2026-03-08 02:30:00", "2026-03-08T07:30:00Z");
	expect_local(tz, "2026-03-08 02:00:00", "2026-03-08T07:00:00Z");
	expect_local(tz, "2026-03-08 01:59:59", "2026-03-08T06:59:59Z");
	expect_local(tz, "2026-03-08 03:00:00", "2026-03-08T07:00:00Z");
	/* fall-back overlap: 01:30 happens twice, the earlier (EDT) is taken */
	expect_local(tz, "2026-11-01 01:30:00", "2026-11-01T05:30:00Z");
	expect_local(tz, "2026-11-01 00:59:59", "2026-11-01T04:59:59Z");
	expect_local(tz, "2026-11-01 02:00:00", "2026-11-01T07:00:00Z");
	expect_local(tz, "2026-11-01T01:30:00-05:00", "2026-11-01T06:30:00Z");
	/* 2100 is past the transitions in any TZif file: the footer rule decides */
	expect_offset(tz, "2100-03-14T06:59:59Z", -18000);
	expect_offset(tz, "2100-03-14T07:00:00Z", -14400);
	expect_offset(tz, "2100-11-07T05:59:59Z", -14400);
	expect_offset(tz, "2100-11-07T06:00:00Z", -18000);
	expect_local(tz, "2100-03-14 02:30:00", "2100-03-14T07:30:00Z");
	expect_local(tz, "2100-11-07 01:30:00", "2100-11-07T05:30:00Z");
	expect_local(tz, "2261-07-01 00:00:00", "2261-07-01T04:00:00Z");
	/* DHCP logs carry local US dates */
	expect_us("03/08/26", "02:30:00", tz, "2026-03-08T07:30:00Z");
	expect_us("07/04/2026", "12:00:00", tz, "2026-07-04T16:00:00Z");
	/* extreme instants do not overflow */
	(void)ug_tz_offset_at_utc(tz, INT64_MAX);
	(void)ug_tz_offset_at_utc(tz, INT64_MIN);
	(void)ug_tz_local_to_utc(tz, INT64_MAX);
	(void)ug_tz_local_to_utc(tz, INT64_MIN);
	ug_tz_free(tz);
}

static void test_tz_london(void **state)
{
	(void)state;
	ZONE(tz, "Europe/London");
	expect_offset(tz, "2026-01-20T12:00:00Z", 0);
	expect_offset(tz, "2026-03-29T00:59:59Z", 0);
	expect_offset(tz, "2026-03-29T01:00:00Z", 3600);
	expect_offset(tz, "2026-10-25T00:59:59Z", 3600);
	expect_offset(tz, "2026-10-25T01:00:00Z", 0);
	expect_local(tz, "2026-03-29 01:30:00", "2026-03-29T01:30:00Z"); /* gap -> 02:30 BST */
	expect_local(tz, "2026-10-25 01:30:00", "2026-10-25T00:30:00Z"); /* overlap: BST */
	expect_local(tz, "2026-07-01 12:00:00", "2026-07-01T11:00:00Z");
	expect_offset(tz, "2100-03-28T01:00:00Z", 3600);
	expect_offset(tz, "2100-03-28T00:59:59Z", 0);
	expect_offset(tz, "1970-06-01T00:00:00Z", 3600); /* British Standard Time, 1968-71 */
	ug_tz_free(tz);
}

static void test_tz_kolkata(void **state)
{
	(void)state;
	ZONE(tz, "Asia/Kolkata");
	expect_offset(tz, "2026-01-20T10:00:00Z", 19800);
	expect_offset(tz, "2100-06-01T06:30:00Z", 19800);
	expect_offset(tz, "1943-06-01T05:30:00Z", 23400); /* +0630 war time */
	expect_local(tz, "2026-01-20 10:00:00", "2026-01-20T04:30:00Z");
	expect_local(tz, "2026-01-01 05:00:00", "2025-12-31T23:30:00Z");
	expect_local(tz, "1900-01-01 12:00:00", "1900-01-01T06:38:50Z"); /* +05:21:10 */
	ug_tz_free(tz);
}

static void test_tz_lord_howe(void **state)
{
	(void)state;
	ZONE(tz, "Australia/Lord_Howe");
	/* +10:30 standard, +11 daylight: a 30-minute shift */
	expect_offset(tz, "2026-06-01T00:00:00Z", 37800);
	expect_offset(tz, "2026-01-01T00:00:00Z", 39600);
	expect_offset(tz, "2026-04-04T14:59:59Z", 39600);
	expect_offset(tz, "2026-04-04T15:00:00Z", 37800);
	expect_offset(tz, "2026-10-03T15:29:59Z", 37800);
	expect_offset(tz, "2026-10-03T15:30:00Z", 39600);
	expect_local(tz, "2026-10-04 02:15:00", "2026-10-03T15:45:00Z"); /* gap -> 02:45 */
	expect_local(tz, "2026-04-05 01:45:00", "2026-04-04T14:45:00Z"); /* overlap: +11 */
	expect_local(tz, "2026-04-05 02:00:00", "2026-04-04T15:30:00Z");
	expect_offset(tz, "2100-04-03T14:00:00Z", 39600);
	expect_offset(tz, "2100-10-02T16:00:00Z", 39600);
	expect_offset(tz, "2100-07-01T00:00:00Z", 37800);
	ug_tz_free(tz);
}

static void test_tz_negative_dst_and_v3_rules(void **state)
{
	(void)state;
	ug_tz *dublin = zone_or_skip("Europe/Dublin"), *nuuk = zone_or_skip("America/Nuuk");
	if (!dublin || !nuuk) {
		ug_tz_free(dublin);
		ug_tz_free(nuuk);
		skip();
		return;
	}
	/* Dublin: "IST-1GMT0,M10.5.0,M3.5.0/1", winter is the "DST" */
	expect_offset(dublin, "2026-01-15T12:00:00Z", 0);
	expect_offset(dublin, "2026-07-15T11:00:00Z", 3600);
	expect_offset(dublin, "2100-01-15T12:00:00Z", 0);
	expect_offset(dublin, "2100-07-15T11:00:00Z", 3600);
	/* Nuuk: "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", negative transition time */
	expect_offset(nuuk, "2100-03-28T00:00:00Z", -7200);
	expect_offset(nuuk, "2100-10-31T00:30:00Z", -3600);
	expect_offset(nuuk, "2100-07-01T13:00:00Z", -3600);
	ug_tz_free(dublin);
	ug_tz_free(nuuk);
}

/* Every instant's local time converts back to it (or to the earlier of two
 * instants with the same local time). */
static void test_tz_local_roundtrip(void **state)
{
	(void)state;
	static const char *zones[] = {"America/New_York", "Europe/London",    "Australia/Lord_Howe",
	                              "Asia/Kolkata",     "Pacific/Apia",     "America/Sao_Paulo",
	                              "Pacific/Chatham",  "Africa/Casablanca"};
	int loaded = 0;
	for (size_t z = 0; z < UG_ARRAY_LEN(zones); z++) {
		ug_tz *tz = zone_or_skip(zones[z]);
		if (!tz)
			continue;
		loaded++;
		uint64_t x = 7 + z;
		for (int i = 0; i < 20000; i++) {
			int64_t t =
			    -2208988800 + (int64_t)(xorshift(&x) % (INT64_C(300) * 31556952));
			int64_t local = t + ug_tz_offset_at_utc(tz, t);
			int64_t u = ug_tz_local_to_utc(tz, local);
			if (u != t && !(u < t && u + ug_tz_offset_at_utc(tz, u) == local))
				fail_msg("%s: %lld -> local %lld -> %lld", zones[z], (long long)t,
				         (long long)local, (long long)u);
		}
		ug_tz_free(tz);
	}
	if (!loaded)
		skip();
}

/* ---- time zones: crafted and corrupt TZif files --------------------------- */

typedef struct tzbuf {
	unsigned char b[4096];
	size_t n;
} tzbuf;

static void put(tzbuf *t, const void *p, size_t n)
{
	assert_true(t->n + n <= sizeof(t->b));
	if (n == 0)
		return;
	memcpy(t->b + t->n, p, n);
	t->n += n;
}

static void put_be(tzbuf *t, int64_t v, int bytes)
{
	for (int k = bytes - 1; k >= 0; k--) {
		unsigned char c = (unsigned char)((uint64_t)v >> (8 * k));
		put(t, &c, 1);
	}
}

typedef struct tzspec {
	char version; /* 0, '2', '3' */
	int ntrans;
	const int64_t *trans;
	const unsigned char *idx;
	int ntypes;
	const int32_t *offs;
	const char *footer; /* NULL: v1 */
} tzspec;

static void put_header(tzbuf *t, char version, int ntrans, int ntypes)
{
	put(t, "TZif", 4);
	put(t, &version, 1);
	static const unsigned char zero[15];
	put(t, zero, 15);
	/* isut, isstd, leap, time, type, char */
	put_be(t, ntypes, 4);
	put_be(t, ntypes, 4);
	put_be(t, 0, 4);
	put_be(t, ntrans, 4);
	put_be(t, ntypes, 4);
	put_be(t, 4, 4);
}

static void put_block(tzbuf *t, const tzspec *s, int tsize)
{
	for (int i = 0; i < s->ntrans; i++)
		put_be(t, s->trans[i], tsize);
	put(t, s->idx, (size_t)s->ntrans);
	for (int i = 0; i < s->ntypes; i++) {
		put_be(t, s->offs[i], 4);
		unsigned char dst = i > 0, desig = 0;
		put(t, &dst, 1);
		put(t, &desig, 1);
	}
	put(t, "XYZ", 4); /* designations, NUL included */
	for (int i = 0; i < 2 * s->ntypes; i++)
		put(t, "\0", 1); /* isstd, isut */
}

static void build(tzbuf *t, const tzspec *s)
{
	t->n = 0;
	put_header(t, s->version, s->ntrans, s->ntypes);
	put_block(t, s, 4);
	if (!s->version)
		return;
	put_header(t, s->version, s->ntrans, s->ntypes);
	put_block(t, s, 8);
	put(t, "\n", 1);
	put(t, s->footer, strlen(s->footer));
	put(t, "\n", 1);
}

static char *write_temp(const void *p, size_t n)
{
	const char *dir = getenv("TMPDIR");
	char *path = malloc(512);
	assert_non_null(path);
	snprintf(path, 512, "%s/ug_test_tzif_XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
	return path;
}

static int load_bytes(const void *p, size_t n, ug_tz **tz, ug_error *err)
{
	char *path = write_temp(p, n);
	*tz = NULL;
	int rc = ug_tz_load(tz, path, err);
	unlink(path);
	free(path);
	return rc;
}

static ug_tz *load_ok(const tzbuf *t)
{
	ug_tz *tz;
	ug_error err = {0};
	if (load_bytes(t->b, t->n, &tz, &err) != UG_OK)
		fail_msg("crafted TZif: %s", err.message);
	return tz;
}

static const int64_t T1 = 1000000000, T2 = 1500000000;
static const unsigned char IDX2[] = {1, 2};
static const int32_t OFFS3[] = {-3600, 7200, 10800};

static void test_tzif_crafted(void **state)
{
	(void)state;
	tzbuf t;
	/* version 1: two transitions, the last type persists after them */
	tzspec v1 = {0, 2, (int64_t[]){T1, T2}, IDX2, 3, OFFS3, NULL};
	build(&t, &v1);
	ug_tz *tz = load_ok(&t);
	assert_int_equal(ug_tz_offset_at_utc(tz, T1 - 1), -3600);
	assert_int_equal(ug_tz_offset_at_utc(tz, T1), 7200);
	assert_int_equal(ug_tz_offset_at_utc(tz, T2 - 1), 7200);
	assert_int_equal(ug_tz_offset_at_utc(tz, T2), 10800);
	assert_int_equal(ug_tz_offset_at_utc(tz, INT64_C(5000000000)), 10800);
	assert_int_equal(ug_tz_local_to_utc(tz, T1 + 7200 + 5), T1 + 5);
	ug_tz_free(tz);
	/* version 2 and 3 with footers */
	static const struct {
		const char *footer;
		const char *utc;
		int32_t off;
		char version;
	} rules[] = {
	    {"EST5EDT,M3.2.0,M11.1.0", "2030-03-10T06:59:59Z", -18000, '2'},
	    {"EST5EDT,M3.2.0,M11.1.0", "2030-03-10T07:00:00Z", -14400, '2'},
	    {"EST5EDT", "2030-07-01T00:00:00Z", -14400, '2'}, /* default US rules */
	    {"EST5EDT", "2030-12-01T00:00:00Z", -18000, '2'},
	    {"<+0530>-5:30", "2030-07-01T00:00:00Z", 19800, '2'},
	    {"<-03>3", "2030-07-01T00:00:00Z", -10800, '2'},
	    {"UTC0", "2030-07-01T00:00:00Z", 0, '2'},
	    {"AAA-10:30BBB-11,M10.1.0,M4.1.0", "2030-01-01T00:00:00Z", 39600, '2'},
	    {"AAA-10:30BBB-11,M10.1.0,M4.1.0", "2030-07-01T00:00:00Z", 37800, '2'},
	    /* J60 is 1 March in every year; 59 (zero-based) is 29 Feb in leap years */
	    {"AAA0BBB,J60/0,J300/0", "2028-02-29T23:59:59Z", 0, '2'},
	    {"AAA0BBB,J60/0,J300/0", "2028-03-01T00:00:00Z", 3600, '2'},
	    {"AAA0BBB,59/0,299/0", "2028-02-28T23:59:59Z", 0, '2'},
	    {"AAA0BBB,59/0,299/0", "2028-02-29T00:00:00Z", 3600, '2'},
	    {"AAA0BBB,59/0,299/0", "2029-03-01T00:00:00Z", 3600, '2'},
	    {"AAA0BBB,59/0,299/0", "2029-02-28T23:59:59Z", 0, '2'},
	    /* M3.5.0: last Sunday; v3 times beyond 24h and negative */
	    {"AAA0BBB,M3.5.0/-1,M10.5.0/26", "2030-03-30T22:59:59Z", 0, '3'},
	    {"AAA0BBB,M3.5.0/-1,M10.5.0/26", "2030-03-30T23:00:00Z", 3600, '3'},
	    {"AAA0BBB,M3.5.0/-1,M10.5.0/26", "2030-10-28T00:59:59Z", 3600, '3'},
	    {"AAA0BBB,M3.5.0/-1,M10.5.0/26", "2030-10-28T01:00:00Z", 0, '3'},
	    {"AAA0BBB,M3.5.0/167:59:59,M10.5.0", "2030-04-06T23:59:58Z", 0, '3'},
	    {"AAA0BBB,M3.5.0/167:59:59,M10.5.0", "2030-04-06T23:59:59Z", 3600, '3'},
	    /* all-year DST */
	    {"EST5EDT,0/0,J365/25", "2030-07-01T00:00:00Z", -14400, '3'},
	    {"EST5EDT,0/0,J365/25", "2030-01-01T12:00:00Z", -14400, '3'},
	    /* empty footer: the last transition's type persists */
	    {"", "2030-07-01T00:00:00Z", 10800, '2'},
	};
	for (size_t i = 0; i < UG_ARRAY_LEN(rules); i++) {
		tzspec s = {rules[i].version, 2, (int64_t[]){T1, T2}, IDX2, 3, OFFS3,
		            rules[i].footer};
		build(&t, &s);
		tz = load_ok(&t);
		assert_int_equal(ug_tz_offset_at_utc(tz, T2 - 1), 7200); /* table still used */
		int32_t got = ug_tz_offset_at_utc(tz, at_s(rules[i].utc));
		if (got != rules[i].off)
			fail_msg("footer '%s' at %s: %d, want %d", rules[i].footer, rules[i].utc,
			         got, rules[i].off);
		ug_tz_free(tz);
	}
	/* no transitions at all: the footer rules everything */
	tzspec none = {'2', 0, NULL, NULL, 1, OFFS3, "EST5EDT,M3.2.0,M11.1.0"};
	build(&t, &none);
	tz = load_ok(&t);
	assert_int_equal(ug_tz_offset_at_utc(tz, at_s("1900-07-01T00:00:00Z")), -14400);
	assert_int_equal(ug_tz_offset_at_utc(tz, at_s("1900-01-01T00:00:00Z")), -18000);
	ug_tz_free(tz);
	/* no transitions, empty footer: type 0 */
	none.footer = "";
	build(&t, &none);
	tz = load_ok(&t);
	assert_int_equal(ug_tz_offset_at_utc(tz, 0), -3600);
	ug_tz_free(tz);
}

static void test_tzif_tzdir(void **state)
{
	(void)state;
	tzbuf t;
	tzspec s = {'2', 2, (int64_t[]){T1, T2}, IDX2, 3, OFFS3, "<+03>-3"};
	build(&t, &s);
	char dir[] = "/tmp/ug_test_tzdir_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char sub[600], file[700];
	snprintf(sub, sizeof(sub), "%s/Test", dir);
	snprintf(file, sizeof(file), "%s/Zone", sub);
	assert_int_equal(mkdir(sub, 0700), 0);
	FILE *f = fopen(file, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(t.b, 1, t.n, f), t.n);
	fclose(f);
	const char *old = getenv("TZDIR");
	char *saved = old ? strdup(old) : NULL;
	setenv("TZDIR", dir, 1);
	ug_tz *tz = NULL;
	ug_error err = {0};
	int rc = ug_tz_load(&tz, "Test/Zone", &err);
	int rc2 = ug_tz_load(&(ug_tz *){NULL}, "Test/Missing", &err);
	if (saved)
		setenv("TZDIR", saved, 1);
	else
		unsetenv("TZDIR");
	free(saved);
	unlink(file);
	rmdir(sub);
	rmdir(dir);
	assert_int_equal(rc, UG_OK);
	assert_int_equal(rc2, UG_ERR_NOTFOUND);
	assert_string_equal(ug_tz_name(tz), "Test/Zone");
	assert_int_equal(ug_tz_offset_at_utc(tz, T1), 7200);
	assert_int_equal(ug_tz_offset_at_utc(tz, at_s("2040-01-01T00:00:00Z")), 10800);
	ug_tz_free(tz);
}

static void expect_bad_tzif(const void *p, size_t n, int code, const char *what)
{
	ug_tz *tz;
	ug_error err = {0};
	int rc = load_bytes(p, n, &tz, &err);
	if (rc != code)
		fail_msg("%s: returned %d (%s), want %d", what, rc, err.message, code);
	assert_null(tz);
	assert_non_null(strstr(err.message, "time zone file"));
}

static void test_tzif_corrupt(void **state)
{
	(void)state;
	tzbuf good, t;
	tzspec s = {'2', 2, (int64_t[]){T1, T2}, IDX2, 3, OFFS3, "EST5EDT,M3.2.0,M11.1.0"};
	build(&good, &s);
	/* every truncation fails, and so does one byte more */
	for (size_t n = 0; n < good.n; n++) {
		char what[64];
		snprintf(what, sizeof(what), "prefix of %zu bytes", n);
		ug_tz *tz;
		ug_error err = {0};
		int rc = load_bytes(good.b, n, &tz, &err);
		if (rc != UG_ERR_PARSE)
			fail_msg("%s: returned %d (%s)", what, rc, err.message);
	}
	t = good;
	t.b[t.n++] = 'x';
	expect_bad_tzif(t.b, t.n, UG_ERR_PARSE, "trailing byte");
	/* offsets into the second (64-bit) header and its block */
	size_t v1 = 44 + 2 * 5 + 3 * 6 + 4 + 6, h2 = v1, d2 = h2 + 44;
	const struct {
		size_t off;
		unsigned char byte;
		const char *what;
	} pokes[] = {
	    {0, 'X', "bad magic"},
	    {4, '9', "bad version"},
	    {4, '1', "version '1'"},
	    {h2 + 4, '3', "header versions differ"},
	    {h2 + 32, 0xff, "huge transition count"},
	    {h2 + 36 + 3, 0, "zero types"},
	    {h2 + 40 + 3, 0, "zero designation bytes"},
	    {h2 + 20 + 3, 2, "isut count differs"},
	    {d2 + 12, 0, "transitions not ascending"},
	    {d2 + 16, 3, "type index out of range"},
	    {d2 + 18 + 6 + 4, 2, "isdst not 0/1"},
	    {d2 + 18 + 6 + 5, 4, "designation index past the end"},
	    {d2 + 18, 0x7f, "UT offset out of range"},
	    {d2 + 18 + 18 + 3, 'Z', "designation not NUL-terminated"},
	    {d2 + 18 + 18 + 4, 2, "isstd not 0/1"},
	    {d2 + 18 + 18 + 4 + 5, 7, "isut not 0/1"},
	    {d2 + 18 + 18 + 4 + 6, 'x', "no newline before footer"},
	    {d2 + 18 + 18 + 4 + 7, '!', "bad footer name"},
	    {good.n - 1, 'x', "unterminated footer"},
	};
	for (size_t i = 0; i < UG_ARRAY_LEN(pokes); i++) {
		t = good;
		assert_true(pokes[i].off < t.n);
		t.b[pokes[i].off] = pokes[i].byte;
		expect_bad_tzif(t.b, t.n, UG_ERR_PARSE, pokes[i].what);
	}
	/* leap-second records are refused, not misread */
	t = good;
	t.b[h2 + 28 + 3] = 1; /* one 12-byte record between designations and isstd */
	memmove(t.b + d2 + 52, t.b + d2 + 40, t.n - (d2 + 40));
	memset(t.b + d2 + 40, 0, 12);
	t.n += 12;
	expect_bad_tzif(t.b, t.n, UG_ERR_UNSUPPORTED, "leap seconds");
	/* bad footers */
	static const char *footers[] = {
	    "EST5EDT,M13.1.0,M11.1.0",
	    "EST5EDT,M3.6.0,M11.1.0",
	    "EST5EDT,M3.2.7,M11.1.0",
	    "EST5EDT,M3.2.0",
	    "EST5EDT,M3.2.0,",
	    "EST5EDT,J0,J100",
	    "EST5EDT,J366,J100",
	    "EST5EDT,366,100",
	    "EST25",
	    "ES5",
	    "<+05",
	    "<+0 5>-5",
	    "EST5EDT,M3.2.0/168,M11.1.0",
	    "EST5EDT,M3.2.0,M11.1.0x",
	    "EST5:60",
	    "EST",
	    "EST5EDT4,M3.2.0/2:60,M11.1.0",
	    "5EST",
	    "EST5EDT,M3.2.0,M11.1.0,",
	    "EST5\x01",
	};
	for (size_t i = 0; i < UG_ARRAY_LEN(footers); i++) {
		s.footer = footers[i];
		build(&t, &s);
		expect_bad_tzif(t.b, t.n, UG_ERR_PARSE, footers[i]);
	}
	s.footer = "EST5EDT,M3.2.0,M11.1.0";
	/* a real file, truncated at every length */
	char path[1024];
	FILE *f = have_zone_file("America/New_York", path, sizeof(path)) ? fopen(path, "rb") : NULL;
	if (!f) {
		print_message("skipping real-file truncation: no %s\n", path);
		return;
	}
	static unsigned char real[65536];
	size_t n = fread(real, 1, sizeof(real), f);
	fclose(f);
	ug_tz *tz;
	assert_int_equal(load_bytes(real, n, &tz, NULL), UG_OK);
	ug_tz_free(tz);
	for (size_t k = 0; k < n; k += 1 + k / 512) {
		int rc = load_bytes(real, k, &tz, NULL);
		if (rc != UG_ERR_PARSE)
			fail_msg("New_York truncated to %zu bytes returned %d", k, rc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_civil_known_values),
	    cmocka_unit_test(test_civil_rejects_bad_fields),
	    cmocka_unit_test(test_leap_years),
	    cmocka_unit_test(test_civil_matches_gmtime),
	    cmocka_unit_test(test_iso_accepted_forms),
	    cmocka_unit_test(test_iso_fraction_lengths),
	    cmocka_unit_test(test_iso_rejects),
	    cmocka_unit_test(test_iso_every_prefix),
	    cmocka_unit_test(test_iso_reads_only_the_view),
	    cmocka_unit_test(test_iso_local_time_in_tz),
	    cmocka_unit_test(test_epoch),
	    cmocka_unit_test(test_filetime),
	    cmocka_unit_test(test_clf),
	    cmocka_unit_test(test_us_date_time),
	    cmocka_unit_test(test_parse_any),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_roundtrip_strings),
	    cmocka_unit_test(test_roundtrip_random),
	    cmocka_unit_test(test_duration),
	    cmocka_unit_test(test_interval),
	    cmocka_unit_test(test_tz_fixed),
	    cmocka_unit_test(test_tz_bad_specs),
	    cmocka_unit_test(test_tz_new_york),
	    cmocka_unit_test(test_tz_london),
	    cmocka_unit_test(test_tz_kolkata),
	    cmocka_unit_test(test_tz_lord_howe),
	    cmocka_unit_test(test_tz_negative_dst_and_v3_rules),
	    cmocka_unit_test(test_tz_local_roundtrip),
	    cmocka_unit_test(test_tzif_crafted),
	    cmocka_unit_test(test_tzif_tzdir),
	    cmocka_unit_test(test_tzif_corrupt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
