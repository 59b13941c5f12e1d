/* fmt.c — hand-rolled formatting for the writers' hot path: timestamps in the
 * shapes the logs use, IPv4, decimal and hex, JSON strings. No printf per
 * field: the simulator must write over a million records a second. */
#include <string.h>

#include "sim/sim_int.h"

/* days since 1970-01-01 -> civil date (H. Hinnant's algorithm) */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void sim_civil_from_time(ug_time t, sim_civil *c)
{
	int64_t secs = t / UG_NS_PER_SEC;
	int64_t ns = t % UG_NS_PER_SEC;
	if (ns < 0) {
		ns += UG_NS_PER_SEC;
		secs--;
	}
	int64_t days = secs / 86400;
	int64_t rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &c->year, &c->month, &c->day);
	c->hour = (int)(rem / 3600);
	c->min = (int)(rem / 60 % 60);
	c->sec = (int)(rem % 60);
	c->nsec = (int32_t)ns;
	c->wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
}

ug_time sim_time_from_civil(int y, int mo, int d, int h, int mi, int s)
{
	return (days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + s) *
	       UG_NS_PER_SEC;
}

static inline char *put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

static char *put_date(char *p, const sim_civil *c, char sep)
{
	int y = c->year;
	p[0] = (char)('0' + y / 1000 % 10);
	p[1] = (char)('0' + y / 100 % 10);
	p[2] = (char)('0' + y / 10 % 10);
	p[3] = (char)('0' + y % 10);
	p[4] = '-';
	p = put2(p + 5, c->month);
	*p++ = '-';
	p = put2(p, c->day);
	*p++ = sep;
	p = put2(p, c->hour);
	*p++ = ':';
	p = put2(p, c->min);
	*p++ = ':';
	return put2(p, c->sec);
}

static char *put_frac(char *p, int32_t ns, int digits)
{
	if (digits <= 0)
		return p;
	*p++ = '.';
	int32_t div = 100000000;
	for (int i = 0; i < digits; i++, div /= 10)
		*p++ = (char)('0' + ns / div % 10);
	return p;
}

size_t sim_fmt_iso(char *out, ug_time t, int digits)
{
	sim_civil c;
	sim_civil_from_time(t, &c);
	char *p = put_date(out, &c, 'T');
	p = put_frac(p, c.nsec, digits);
	*p++ = 'Z';
	return (size_t)(p - out);
}

size_t sim_fmt_sysmon(char *out, ug_time t)
{
	sim_civil c;
	sim_civil_from_time(t, &c);
	char *p = put_date(out, &c, ' ');
	return (size_t)(put_frac(p, c.nsec, 3) - out);
}

size_t sim_fmt_plain(char *out, ug_time t)
{
	sim_civil c;
	sim_civil_from_time(t, &c);
	return (size_t)(put_date(out, &c, ' ') - out);
}

size_t sim_fmt_epoch(char *out, ug_time t, int digits)
{
	int64_t secs = t / UG_NS_PER_SEC;
	int32_t ns = (int32_t)(t % UG_NS_PER_SEC);
	size_t n = sim_fmt_u64(out, (uint64_t)secs);
	return (size_t)(put_frac(out + n, ns, digits) - out);
}

static const char digits2[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                              "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                              "8081828384858687888990919293949596979899";

size_t sim_fmt_u64(char *out, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;
		v /= 100;
		tmp[--i] = digits2[d + 1];
		tmp[--i] = digits2[d];
	}
	if (v >= 10) {
		tmp[--i] = digits2[v * 2 + 1];
		tmp[--i] = digits2[v * 2];
	} else {
		tmp[--i] = (char)('0' + v);
	}
	memcpy(out, tmp + i, sizeof(tmp) - i);
	return sizeof(tmp) - i;
}

size_t sim_fmt_ip4(char *out, uint32_t ip)
{
	char *p = out;
	for (int i = 3; i >= 0; i--) {
		unsigned o = (ip >> (i * 8)) & 255;
		if (o >= 100)
			*p++ = (char)('0' + o / 100);
		if (o >= 10)
			*p++ = (char)('0' + o / 10 % 10);
		*p++ = (char)('0' + o % 10);
		if (i)
			*p++ = '.';
	}
	return (size_t)(p - out);
}

size_t sim_fmt_hex(char *out, const uint8_t *p, size_t n, bool upper)
{
	const char *d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	return 2 * n;
}

void sim_put_u64(ug_buf *b, uint64_t v)
{
	char tmp[24];
	ug_buf_append(b, tmp, sim_fmt_u64(tmp, v));
}

void sim_put_ip4(ug_buf *b, uint32_t ip)
{
	char tmp[16];
	ug_buf_append(b, tmp, sim_fmt_ip4(tmp, ip));
}

/* Windows paths are full of backslashes: escape them inline rather than going
 * through the general UTF-8-validating escaper, which only the rare string
 * with control or non-ASCII bytes needs. */
static const uint8_t json_class[256] = {
	/* 0: copy, 1: backslash-escape, 2: slow path */
	[0 ... 31] = 2, ['"'] = 1, ['\\'] = 1, [127 ... 255] = 2,
};

void sim_put_json(ug_buf *b, const char *s)
{
	size_t n = strlen(s);
	if (UG_UNLIKELY(b->len + 2 * n + 3 > b->cap) && !ug_buf_reserve(b, 2 * n + 2))
		return;
	char *p = b->p + b->len;
	*p++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		uint8_t k = json_class[c];
		if (UG_LIKELY(k == 0)) {
			*p++ = (char)c;
		} else if (k == 1) {
			*p++ = '\\';
			*p++ = (char)c;
		} else {
			/* rare: the full escaper for the whole string */
			b->p[b->len] = '\0';
			ug_buf_append_json_str(b, (ug_sv){s, n});
			return;
		}
	}
	*p++ = '"';
	b->len = (size_t)(p - b->p);
	b->p[b->len] = '\0';
}
