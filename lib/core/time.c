/* time.c — timestamps as updguard reads them: civil-date arithmetic, the
 * parsers of include/updguard/time.h and the RFC 3339 formatter, all on int64
 * nanoseconds UTC. No libc time functions: timegm/mktime/strptime depend on the
 * process-wide TZ and locale, and strtod on the locale's decimal point, so the
 * calendar (Hinnant's days-from-civil) and every digit are done here. Inputs
 * are views: nothing reads past s.n, and nothing is written to *out on error. */
#include <string.h>

#include "updguard/time.h"

#define NS           UG_NS_PER_SEC
#define SECS_PER_DAY INT64_C(86400)
/* FILETIME of 1970-01-01T00:00:00Z: 100-ns ticks since 1601-01-01. */
#define FILETIME_UNIX_EPOCH UINT64_C(116444736000000000)

/* ---- calendar ---------------------------------------------------------- */

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1..12, d 1..31). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* secs * NS + nsec (0 <= nsec < NS) without overflow; UG_TIME_INVALID is not a
 * time, so the one instant that would produce it is out of range too. */
static int make_time(int64_t secs, int64_t nsec, ug_time *out)
{
	if (secs >= 0) {
		if (secs > (INT64_MAX - nsec) / NS)
			return UG_ERR_RANGE;
		*out = secs * NS + nsec;
		return UG_OK;
	}
	/* (secs + 1) * NS - (NS - nsec) >= INT64_MIN; C division rounds up here */
	if (secs + 1 < (INT64_MIN + (NS - nsec)) / NS)
		return UG_ERR_RANGE;
	int64_t t = (secs + 1) * NS - (NS - nsec);
	if (t == UG_TIME_INVALID)
		return UG_ERR_RANGE;
	*out = t;
	return UG_OK;
}

typedef struct civil {
	int year, month, day, hour, min, sec;
	int32_t nsec;
	bool frac_nonzero; /* any fractional digit, even past the 9th, is not 0 */
} civil;

/* hour 24 is allowed only when allow_24 and the time is exactly 24:00:00. */
static bool civil_valid(const civil *c, bool allow_24)
{
	if (c->month < 1 || c->month > 12 || c->day < 1 ||
	    c->day > days_in_month(c->year, c->month))
		return false;
	if (c->min < 0 || c->min > 59 || c->sec < 0 || c->sec > 60 || c->nsec < 0 || c->nsec >= NS)
		return false;
	if (c->hour == 24)
		return allow_24 && c->min == 0 && c->sec == 0 && !c->frac_nonzero;
	return c->hour >= 0 && c->hour <= 23;
}

/* Seconds since the epoch of the civil time read as UTC (second 60 and hour
 * 24 roll over naturally). */
static int64_t civil_seconds(const civil *c)
{
	return days_from_civil(c->year, c->month, c->day) * SECS_PER_DAY + (int64_t)c->hour * 3600 +
	       (int64_t)c->min * 60 + c->sec;
}

int ug_time_from_civil(int year, int month, int day, int hour, int min, int sec, int32_t nsec,
                       ug_time *out)
{
	civil c = {year, month, day, hour, min, sec, nsec, nsec != 0};
	if (!out)
		return UG_ERR_INVALID;
	if (!civil_valid(&c, false))
		return UG_ERR_PARSE;
	return make_time(civil_seconds(&c), nsec, out);
}

void ug_time_to_civil(ug_time t, int *year, int *month, int *day, int *hour, int *min, int *sec,
                      int32_t *nsec)
{
	int64_t secs = t / NS, ns = t % NS;
	if (ns < 0) {
		secs--;
		ns += NS;
	}
	int64_t days = secs / SECS_PER_DAY, sod = secs % SECS_PER_DAY;
	if (sod < 0) {
		days--;
		sod += SECS_PER_DAY;
	}
	int64_t y;
	int m, d;
	civil_from_days(days, &y, &m, &d);
	if (year)
		*year = (int)y;
	if (month)
		*month = m;
	if (day)
		*day = d;
	if (hour)
		*hour = (int)(sod / 3600);
	if (min)
		*min = (int)(sod / 60 % 60);
	if (sec)
		*sec = (int)(sod % 60);
	if (nsec)
		*nsec = (int32_t)ns;
}

/* ---- scanning ---------------------------------------------------------- */

typedef struct cursor {
	const char *p;
	size_t n, i; /* invariant: i <= n */
} cursor;

static cursor cursor_of(ug_sv s)
{
	return (cursor){s.p, s.p ? s.n : 0, 0};
}

static bool at_end(const cursor *c)
{
	return c->i >= c->n;
}

static int peek(const cursor *c)
{
	return c->i < c->n ? (unsigned char)c->p[c->i] : -1;
}

static bool is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static bool eat(cursor *c, char ch)
{
	if (peek(c) != (unsigned char)ch)
		return false;
	c->i++;
	return true;
}

/* Between min and max decimal digits (max <= 9) into *out. */
static bool digits(cursor *c, int min, int max, int *out)
{
	int v = 0, k = 0;
	while (k < max && is_digit(peek(c))) {
		v = v * 10 + (peek(c) - '0');
		c->i++;
		k++;
	}
	*out = v;
	return k >= min;
}

/* A run of one or more digits as uint64; *overflow is set (and the run still
 * consumed) when it does not fit, so callers report range after syntax. */
static bool u64_digits(cursor *c, uint64_t *out, bool *overflow)
{
	uint64_t v = 0;
	size_t start = c->i;
	*overflow = false;
	while (is_digit(peek(c))) {
		unsigned d = (unsigned)(peek(c) - '0');
		if (v > (UINT64_MAX - d) / 10)
			*overflow = true;
		else
			v = v * 10 + d;
		c->i++;
	}
	*out = v;
	return c->i > start;
}

/* One or more fraction digits (after '.' or ','): the first nine give ns, the
 * rest are checked and dropped (truncation, never rounding). */
static bool fraction(cursor *c, int32_t *ns, bool *nonzero)
{
	int32_t v = 0;
	size_t k = 0;
	bool nz = false;
	while (is_digit(peek(c))) {
		int d = peek(c) - '0';
		if (k < 9)
			v = v * 10 + d;
		nz = nz || d != 0;
		k++;
		c->i++;
	}
	for (size_t j = k; j < 9; j++)
		v *= 10;
	*ns = v;
	*nonzero = nz;
	return k > 0;
}

/* ISO 8601 offset: Z, z, or +/-HH[[:]MM], at most 23:59. Seconds east. */
static bool iso_offset(cursor *c, int32_t *off)
{
	if (eat(c, 'Z') || eat(c, 'z')) {
		*off = 0;
		return true;
	}
	int sign = eat(c, '+') ? 1 : eat(c, '-') ? -1 : 0;
	int hh, mm = 0;
	if (!sign || !digits(c, 2, 2, &hh))
		return false;
	if (eat(c, ':')) {
		if (!digits(c, 2, 2, &mm))
			return false;
	} else if (is_digit(peek(c)) && !digits(c, 2, 2, &mm)) {
		return false;
	}
	if (hh > 23 || mm > 59)
		return false;
	*off = sign * (hh * 3600 + mm * 60);
	return true;
}

/* ---- ISO 8601 / RFC 3339 ----------------------------------------------- */

/* YYYY-MM-DD or YYYY/MM/DD (the same separator twice). */
static bool iso_date(cursor *c, civil *cv)
{
	if (!digits(c, 4, 4, &cv->year))
		return false;
	int sep = peek(c);
	if (sep != '-' && sep != '/')
		return false;
	c->i++;
	return digits(c, 2, 2, &cv->month) && eat(c, (char)sep) && digits(c, 2, 2, &cv->day);
}

/* HH:MM[:SS[(.|,)F+]] */
static bool iso_clock(cursor *c, civil *cv)
{
	if (!digits(c, 2, 2, &cv->hour) || !eat(c, ':') || !digits(c, 2, 2, &cv->min))
		return false;
	if (!eat(c, ':'))
		return true;
	if (!digits(c, 2, 2, &cv->sec))
		return false;
	if (eat(c, '.') || eat(c, ','))
		return fraction(c, &cv->nsec, &cv->frac_nonzero);
	return true;
}

/* UTC seconds of a local civil time: with an explicit offset, else in tz. */
static int64_t to_utc(const civil *cv, bool has_off, int32_t off, const ug_tz *tz)
{
	int64_t local = civil_seconds(cv);
	if (has_off)
		return local - off;
	return tz ? ug_tz_local_to_utc(tz, local) : local;
}

static int iso_parse(ug_sv s, const ug_tz *tz, bool date_only_ok, ug_time *out)
{
	cursor c = cursor_of(s);
	civil cv = {0};
	if (!iso_date(&c, &cv))
		return UG_ERR_PARSE;
	if (at_end(&c)) {
		if (!date_only_ok || !civil_valid(&cv, false))
			return UG_ERR_PARSE;
		return make_time(civil_seconds(&cv), 0, out);
	}
	int sep = peek(&c);
	if (sep != 'T' && sep != 't' && sep != ' ')
		return UG_ERR_PARSE;
	c.i++;
	if (!iso_clock(&c, &cv))
		return UG_ERR_PARSE;
	int32_t off = 0;
	bool has_off = !at_end(&c);
	if (has_off && !iso_offset(&c, &off))
		return UG_ERR_PARSE;
	if (!at_end(&c) || !civil_valid(&cv, true))
		return UG_ERR_PARSE;
	return make_time(to_utc(&cv, has_off, off, tz), cv.nsec, out);
}

int ug_time_parse_iso8601(ug_sv s, const ug_tz *tz, ug_time *out)
{
	if (!out)
		return UG_ERR_INVALID;
	return iso_parse(s, tz, false, out);
}

/* ---- epoch, FILETIME --------------------------------------------------- */

int ug_time_parse_epoch(ug_sv s, ug_time *out)
{
	cursor c = cursor_of(s);
	uint64_t secs;
	int32_t ns = 0;
	bool overflow, nz;
	if (!out)
		return UG_ERR_INVALID;
	bool neg = eat(&c, '-');
	if (!u64_digits(&c, &secs, &overflow))
		return UG_ERR_PARSE;
	if (eat(&c, '.') && !fraction(&c, &ns, &nz))
		return UG_ERR_PARSE;
	if (!at_end(&c))
		return UG_ERR_PARSE;
	if (overflow || secs > (uint64_t)(INT64_MAX - ns) / NS)
		return UG_ERR_RANGE;
	int64_t mag = (int64_t)secs * NS + ns; /* <= INT64_MAX, so -mag is fine */
	*out = neg ? -mag : mag;
	return UG_OK;
}

int ug_time_from_filetime(uint64_t filetime, ug_time *out)
{
	if (!out)
		return UG_ERR_INVALID;
	if (filetime >= FILETIME_UNIX_EPOCH) {
		uint64_t ticks = filetime - FILETIME_UNIX_EPOCH;
		if (ticks > (uint64_t)INT64_MAX / 100)
			return UG_ERR_RANGE;
		*out = (int64_t)ticks * 100;
		return UG_OK;
	}
	uint64_t ticks = FILETIME_UNIX_EPOCH - filetime;
	if (ticks > (uint64_t)INT64_MAX / 100) /* 1601 .. 1677: before ug_time */
		return UG_ERR_RANGE;
	*out = -(int64_t)ticks * 100;
	return UG_OK;
}

static int hex_value(int ch)
{
	if (is_digit(ch))
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static bool u64_hex(cursor *c, uint64_t *out, bool *overflow)
{
	uint64_t v = 0;
	size_t start = c->i;
	int h;
	*overflow = false;
	while ((h = hex_value(peek(c))) >= 0) {
		if (v >> 60)
			*overflow = true;
		else
			v = v << 4 | (uint64_t)h;
		c->i++;
	}
	*out = v;
	return c->i > start;
}

int ug_time_parse_filetime(ug_sv s, ug_time *out)
{
	cursor c = cursor_of(s);
	uint64_t ft;
	bool overflow, ok;
	if (!out)
		return UG_ERR_INVALID;
	if (c.n >= 2 && c.p[0] == '0' && (c.p[1] == 'x' || c.p[1] == 'X')) {
		c.i = 2;
		ok = u64_hex(&c, &ft, &overflow);
	} else {
		ok = u64_digits(&c, &ft, &overflow);
	}
	if (!ok || !at_end(&c))
		return UG_ERR_PARSE;
	if (overflow)
		return UG_ERR_RANGE;
	return ug_time_from_filetime(ft, out);
}

/* ---- common log format, US dates --------------------------------------- */

static bool month_name(cursor *c, int *month)
{
	static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	if (c->n - c->i < 3)
		return false;
	char lc[3];
	for (int k = 0; k < 3; k++)
		lc[k] = (char)(c->p[c->i + k] | 0x20); /* ASCII letters only match below */
	for (size_t m = 0; m < 12; m++) {
		if (memcmp(lc, names + 3 * m, 3) == 0) {
			*month = (int)m + 1;
			c->i += 3;
			return true;
		}
	}
	return false;
}

/* "20/Jan/2026:10:00:00 +0000", optionally in brackets. */
int ug_time_parse_clf(ug_sv s, ug_time *out)
{
	cursor c = cursor_of(s);
	civil cv = {0};
	int hh, mm;
	if (!out)
		return UG_ERR_INVALID;
	bool bracket = eat(&c, '[');
	if (!digits(&c, 2, 2, &cv.day) || !eat(&c, '/') || !month_name(&c, &cv.month) ||
	    !eat(&c, '/') || !digits(&c, 4, 4, &cv.year) || !eat(&c, ':') ||
	    !digits(&c, 2, 2, &cv.hour) || !eat(&c, ':') || !digits(&c, 2, 2, &cv.min) ||
	    !eat(&c, ':') || !digits(&c, 2, 2, &cv.sec) || !eat(&c, ' '))
		return UG_ERR_PARSE;
	int sign = eat(&c, '+') ? 1 : eat(&c, '-') ? -1 : 0;
	if (!sign || !digits(&c, 2, 2, &hh) || !digits(&c, 2, 2, &mm) || hh > 23 || mm > 59)
		return UG_ERR_PARSE;
	if ((bracket && !eat(&c, ']')) || !at_end(&c) || !civil_valid(&cv, false))
		return UG_ERR_PARSE;
	return make_time(to_utc(&cv, true, sign * (hh * 3600 + mm * 60), NULL), 0, out);
}

/* Two-digit years pivot like POSIX strptime %y: 00-68 -> 20xx, 69-99 -> 19xx. */
static int pivot_year(int yy)
{
	return yy <= 68 ? 2000 + yy : 1900 + yy;
}

/* date "M/D/YY" or "M/D/YYYY" (1-2 digit month and day), time "H:MM:SS". */
int ug_time_parse_us_date_time(ug_sv date, ug_sv time, const ug_tz *tz, ug_time *out)
{
	cursor d = cursor_of(date), t = cursor_of(time);
	civil cv = {0};
	if (!out)
		return UG_ERR_INVALID;
	if (!digits(&d, 1, 2, &cv.month) || !eat(&d, '/') || !digits(&d, 1, 2, &cv.day) ||
	    !eat(&d, '/'))
		return UG_ERR_PARSE;
	size_t ystart = d.i;
	if (!digits(&d, 2, 4, &cv.year) || !at_end(&d) || d.i - ystart == 3)
		return UG_ERR_PARSE;
	if (d.i - ystart == 2)
		cv.year = pivot_year(cv.year);
	if (!digits(&t, 1, 2, &cv.hour) || !eat(&t, ':') || !digits(&t, 2, 2, &cv.min) ||
	    !eat(&t, ':') || !digits(&t, 2, 2, &cv.sec) || !at_end(&t))
		return UG_ERR_PARSE;
	if (!civil_valid(&cv, false))
		return UG_ERR_PARSE;
	return make_time(to_utc(&cv, false, 0, tz), 0, out);
}

int ug_time_parse_any(ug_sv s, const ug_tz *tz, ug_time *out)
{
	if (!out)
		return UG_ERR_INVALID;
	int a = ug_time_parse_iso8601(s, tz, out);
	if (a == UG_OK)
		return a;
	int b = ug_time_parse_epoch(s, out);
	if (b == UG_OK)
		return b;
	int c = ug_time_parse_clf(s, out);
	if (c == UG_OK)
		return c;
	return a == UG_ERR_RANGE || b == UG_ERR_RANGE || c == UG_ERR_RANGE ? UG_ERR_RANGE
	                                                                   : UG_ERR_PARSE;
}

/* ---- durations and intervals ------------------------------------------- */

/* Unit after a number: ms s m h d w. 0 when absent or unknown. */
static int64_t duration_unit(cursor *c)
{
	if (eat(c, 's'))
		return NS;
	if (eat(c, 'm'))
		return eat(c, 's') ? NS / 1000 : UG_NS_PER_MIN;
	if (eat(c, 'h'))
		return UG_NS_PER_HOUR;
	if (eat(c, 'd'))
		return UG_NS_PER_DAY;
	if (eat(c, 'w'))
		return 7 * UG_NS_PER_DAY;
	return 0;
}

/* n + frac/1e9 units in ns, or false on overflow. */
static bool scale(uint64_t n, int32_t frac, int64_t unit, int64_t *out)
{
	if (n > (uint64_t)(INT64_MAX / unit))
		return false;
	int64_t whole = (int64_t)n * unit;
	int64_t part = frac * (unit / NS) + frac * (unit % NS) / NS; /* exact, no overflow */
	if (whole > INT64_MAX - part)
		return false;
	*out = whole + part;
	return true;
}

/* One "N[.F]unit" component; a bare number is seconds, but only as the whole
 * string. Returns UG_OK, UG_ERR_PARSE, or UG_ERR_RANGE (syntax checked first). */
static int duration_component(cursor *c, int64_t *out)
{
	uint64_t n;
	int32_t frac = 0;
	bool overflow, nz;
	bool first = c->i == 0;
	if (!u64_digits(c, &n, &overflow))
		return UG_ERR_PARSE;
	if (eat(c, '.') && !fraction(c, &frac, &nz))
		return UG_ERR_PARSE;
	int64_t unit = duration_unit(c);
	if (!unit) {
		if (!first || !at_end(c))
			return UG_ERR_PARSE;
		unit = NS;
	}
	if (overflow || !scale(n, frac, unit, out))
		return UG_ERR_RANGE;
	return UG_OK;
}

int ug_duration_parse(ug_sv s, ug_time *out)
{
	cursor c = cursor_of(s);
	int64_t total = 0;
	bool range = false;
	if (!out)
		return UG_ERR_INVALID;
	if (at_end(&c))
		return UG_ERR_PARSE;
	while (!at_end(&c)) {
		int64_t v = 0;
		int rc = duration_component(&c, &v);
		if (rc == UG_ERR_PARSE)
			return rc;
		if (rc != UG_OK || total > INT64_MAX - v)
			range = true;
		else
			total += v;
	}
	if (range)
		return UG_ERR_RANGE;
	*out = total;
	return UG_OK;
}

/* One interval bound: RFC 3339 (no offset = UTC) or a bare date (midnight UTC). */
static int interval_bound(ug_sv s, int64_t open, ug_time *out)
{
	if (s.n == 0) {
		*out = open;
		return UG_OK;
	}
	return iso_parse(s, NULL, true, out);
}

/* The '/' between the bounds is one of the first three: a bound holds at most
 * two (as date separators), which keeps "2026/01/20/2026/01/21" unambiguous
 * and the work linear. */
int ug_interval_parse(ug_sv s, ug_time *start, ug_time *end)
{
	cursor c = cursor_of(s);
	int seen = 0;
	if (!start || !end)
		return UG_ERR_INVALID;
	for (size_t i = 0; i < c.n && seen < 3; i++) {
		if (c.p[i] != '/')
			continue;
		seen++;
		ug_time a, b;
		int ra = interval_bound((ug_sv){c.p, i}, INT64_MIN, &a);
		int rb = interval_bound((ug_sv){c.p + i + 1, c.n - i - 1}, INT64_MAX, &b);
		if (ra == UG_ERR_PARSE || rb == UG_ERR_PARSE)
			continue;
		if (ra != UG_OK || rb != UG_OK || b <= a)
			return UG_ERR_RANGE;
		*start = a;
		*end = b;
		return UG_OK;
	}
	return UG_ERR_PARSE;
}

/* ---- formatting -------------------------------------------------------- */

static char *put_digits(char *p, int64_t v, int width)
{
	for (int k = width - 1; k >= 0; k--) {
		p[k] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

size_t ug_time_format(ug_time t, int digits, char *buf)
{
	int y, mo, d, h, mi, s;
	int32_t ns;
	ug_time_to_civil(t, &y, &mo, &d, &h, &mi, &s, &ns);
	if (digits < 0)
		digits = ns == 0 ? 0 : ns % 1000000 == 0 ? 3 : ns % 1000 == 0 ? 6 : 9;
	if (digits > 9)
		digits = 9;
	char *p = put_digits(buf, y, 4); /* ug_time spans years 1677..2262 */
	*p++ = '-';
	p = put_digits(p, mo, 2);
	*p++ = '-';
	p = put_digits(p, d, 2);
	*p++ = 'T';
	p = put_digits(p, h, 2);
	*p++ = ':';
	p = put_digits(p, mi, 2);
	*p++ = ':';
	p = put_digits(p, s, 2);
	if (digits > 0) {
		char frac[9];
		put_digits(frac, ns, 9);
		*p++ = '.';
		memcpy(p, frac, (size_t)digits);
		p += digits;
	}
	*p++ = 'Z';
	*p = '\0';
	return (size_t)(p - buf);
}
