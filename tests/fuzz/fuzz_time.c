/* fuzz_time.c — libFuzzer target for the timestamp parsers of time.h: the
 * input, as a view, goes to every parser (ISO 8601 as UTC, with a fixed-offset
 * zone and with America/New_York when installed; epoch; FILETIME; CLF; US
 * date+time split at the first space; any; duration; interval). Beyond "no
 * crash, no read past the view", it checks that what parses is consistent:
 * format-then-parse gives the same instant, a zone moves a local time by its
 * offset only, `any` agrees with the parser that accepted, and so on. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "updguard/time.h"

#define CHECK(cond)                                                                           \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "fuzz_time: check failed at line %d: %s\n", __LINE__, \
			        #cond);                                                       \
			abort();                                                              \
		}                                                                             \
	} while (0)

/* A parsed instant survives formatting (at 9 and shortest digits) and
 * parsing again, and the civil split. */
static void check_instant(ug_time t)
{
	static const int digits[] = {9, -1};
	CHECK(t != UG_TIME_INVALID);
	for (size_t i = 0; i < sizeof(digits) / sizeof(digits[0]); i++) {
		char buf[UG_TIME_BUFSZ];
		size_t n = ug_time_format(t, digits[i], buf);
		CHECK(n == strlen(buf) && n < UG_TIME_BUFSZ && buf[n - 1] == 'Z');
		ug_time back;
		CHECK(ug_time_parse_iso8601((ug_sv){buf, n}, NULL, &back) == UG_OK);
		CHECK(back == t);
	}
	int y, mo, d, h, mi, s;
	int32_t ns;
	ug_time back;
	ug_time_to_civil(t, &y, &mo, &d, &h, &mi, &s, &ns);
	CHECK(ug_time_from_civil(y, mo, d, h, mi, s, ns, &back) == UG_OK && back == t);
}

static bool is_status(int rc)
{
	return rc == UG_OK || rc == UG_ERR_PARSE || rc == UG_ERR_RANGE;
}

/* tz moves a time without an offset by the zone's offset, in [lo, hi] seconds
 * west (UTC minus local), or not at all when the text carries an offset. */
static void check_zone(ug_sv s, const ug_tz *tz, int rc_utc, ug_time t_utc, int64_t lo, int64_t hi)
{
	ug_time t;
	int rc = ug_time_parse_iso8601(s, tz, &t);
	CHECK(is_status(rc));
	if (rc != UG_OK)
		return;
	check_instant(t);
	if (rc_utc != UG_OK)
		return;
	int64_t diff = t - t_utc;
	CHECK(diff == 0 || (diff >= lo * UG_NS_PER_SEC && diff <= hi * UG_NS_PER_SEC));
}

static void check_iso(ug_sv s)
{
	ug_time t_utc;
	int rc = ug_time_parse_iso8601(s, NULL, &t_utc);
	CHECK(is_status(rc));
	if (rc == UG_OK)
		check_instant(t_utc);
	ug_tz *fixed = NULL;
	CHECK(ug_tz_load(&fixed, "+05:30", NULL) == UG_OK);
	check_zone(s, fixed, rc, t_utc, -19800, -19800);
	ug_tz_free(fixed);
	ug_tz *ny = NULL; /* -04:00 .. -05:00 (LMT -4:56:02), when installed */
	if (ug_tz_load(&ny, "America/New_York", NULL) == UG_OK) {
		check_zone(s, ny, rc, t_utc, 14400, 18000);
		ug_tz_free(ny);
	}
}

static void check_others(ug_sv s)
{
	ug_time t, t2;
	int rc;
	if ((rc = ug_time_parse_epoch(s, &t)) == UG_OK)
		check_instant(t);
	CHECK(is_status(rc));
	if ((rc = ug_time_parse_filetime(s, &t)) == UG_OK) {
		check_instant(t);
		CHECK(t % 100 == 0);
		uint64_t ft = (uint64_t)(t / 100) + UINT64_C(116444736000000000);
		CHECK(ug_time_from_filetime(ft, &t2) == UG_OK && t2 == t);
	}
	CHECK(is_status(rc));
	if ((rc = ug_time_parse_clf(s, &t)) == UG_OK)
		check_instant(t);
	CHECK(is_status(rc));
	const char *sp = s.n ? memchr(s.p, ' ', s.n) : NULL;
	if (sp) {
		size_t dn = (size_t)(sp - s.p);
		ug_sv date = {s.p, dn}, time = {sp + 1, s.n - dn - 1};
		if ((rc = ug_time_parse_us_date_time(date, time, NULL, &t)) == UG_OK)
			check_instant(t);
		CHECK(is_status(rc));
	}
}

/* `any` accepts exactly what one of ISO 8601, epoch, CLF accepts, with the
 * first one's value. */
static void check_any(ug_sv s)
{
	ug_time a, b;
	int rc = ug_time_parse_any(s, NULL, &a);
	CHECK(is_status(rc));
	int (*one[])(ug_sv, ug_time *) = {ug_time_parse_epoch, ug_time_parse_clf};
	int want = ug_time_parse_iso8601(s, NULL, &b);
	for (size_t i = 0; want != UG_OK && i < 2; i++)
		want = one[i](s, &b) == UG_OK ? UG_OK : want;
	CHECK((rc == UG_OK) == (want == UG_OK));
	if (rc == UG_OK)
		CHECK(a == b);
}

static void check_spans(ug_sv s)
{
	ug_time d, start, end;
	int rc = ug_duration_parse(s, &d);
	CHECK(is_status(rc));
	if (rc == UG_OK)
		CHECK(d >= 0);
	rc = ug_interval_parse(s, &start, &end);
	CHECK(is_status(rc));
	if (rc == UG_OK)
		CHECK(start < end);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ug_sv s = {(const char *)data, size};
	check_iso(s);
	check_others(s);
	check_any(s);
	check_spans(s);
	return 0;
}
