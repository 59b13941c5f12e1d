/* tz.c — time zones for inputs that log local time: UTC, fixed offsets, and
 * IANA zones read from TZif files (RFC 8536, versions 1 to 4), with the POSIX
 * TZ rule of the file's footer for instants after its last transition (slim
 * TZif files stop at the last rule change). A TZif file is untrusted input:
 * every count is checked against the bytes read, every index against its
 * table. A loaded ug_tz is immutable, so threads may share it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "updguard/time.h"

#define SECS_PER_DAY   INT64_C(86400)
#define TZIF_MAX_BYTES (1 << 20) /* real files are a few KB */
#define TZIF_HEADER    44
#define TZ_SPEC_MAX    1024
/* Rule arithmetic is done on instants clamped to about +-31,000 years. */
#define RULE_CLAMP INT64_C(1000000000000)

/* A POSIX TZ rule date: Jn (1..365, no Feb 29), n (0..365), Mm.w.d. */
typedef struct tz_date {
	char kind; /* 'J', 'N' or 'M' */
	int a, b, c;
	int32_t secs; /* local time of day of the change, may be < 0 or > 24h */
} tz_date;

typedef struct tz_rule {
	int32_t std_off, dst_off; /* seconds east of UTC */
	bool has_dst;
	tz_date start, end;
} tz_rule;

struct ug_tz {
	char *name;
	size_t ntrans;
	int64_t *trans;     /* transition instants, strictly ascending */
	int32_t *trans_off; /* offset in force from trans[i] on */
	int32_t first_off;  /* before the first transition (time type 0) */
	bool has_rule;      /* rule applies after the last transition */
	tz_rule rule;
};

/* ---- calendar (the same algorithms as time.c, on plain day numbers) ---- */

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int64_t year_of_days(int64_t z)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	return yoe + era * 400 + (mp >= 10);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

static int64_t sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

/* ---- POSIX TZ rules ----------------------------------------------------- */

/* Local seconds (as if UTC) of a rule date in year y. */
static int64_t rule_local(const tz_date *d, int64_t y)
{
	int64_t day;
	if (d->kind == 'J') {
		day = days_from_civil(y, 1, 1) + d->a - 1 + (is_leap(y) && d->a >= 60);
	} else if (d->kind == 'N') {
		day = days_from_civil(y, 1, 1) + d->a;
	} else {
		int64_t first = days_from_civil(y, d->a, 1);
		int wd1 = (int)((first % 7 + 11) % 7); /* 1970-01-01 was a Thursday (4) */
		int dd = (d->c - wd1 + 7) % 7 + (d->b - 1) * 7;
		if (dd >= days_in_month(y, d->a))
			dd -= 7;
		day = first + dd;
	}
	return day * SECS_PER_DAY + d->secs;
}

static int32_t rule_offset(const tz_rule *r, int64_t t)
{
	if (!r->has_dst)
		return r->std_off;
	t = t < -RULE_CLAMP ? -RULE_CLAMP : t > RULE_CLAMP ? RULE_CLAMP : t;
	int64_t y = year_of_days(floor_div(t + r->std_off, SECS_PER_DAY));
	int64_t start = rule_local(&r->start, y) - r->std_off; /* given in standard time */
	int64_t end = rule_local(&r->end, y) - r->dst_off;     /* given in daylight time */
	bool dst = start < end ? t >= start && t < end : !(t >= end && t < start);
	return dst ? r->dst_off : r->std_off;
}

typedef struct scan {
	const char *p;
	size_t n, i;
} scan;

static int sc_peek(const scan *s)
{
	return s->i < s->n ? (unsigned char)s->p[s->i] : -1;
}

static bool sc_eat(scan *s, char ch)
{
	if (sc_peek(s) != (unsigned char)ch)
		return false;
	s->i++;
	return true;
}

static bool sc_num(scan *s, int maxdigits, int *out)
{
	int v = 0, k = 0;
	while (k < maxdigits && sc_peek(s) >= '0' && sc_peek(s) <= '9') {
		v = v * 10 + (sc_peek(s) - '0');
		s->i++;
		k++;
	}
	*out = v;
	return k > 0;
}

static bool is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* Zone abbreviation: 3+ letters, or <...> of letters, digits, '+' and '-'. */
static bool rule_name(scan *s)
{
	size_t start = s->i;
	if (sc_eat(s, '<')) {
		int ch;
		while ((ch = sc_peek(s)) >= 0 && ch != '>') {
			if (!is_alpha(ch) && !(ch >= '0' && ch <= '9') && ch != '+' && ch != '-')
				return false;
			s->i++;
		}
		return s->i - start >= 2 && sc_eat(s, '>');
	}
	while (is_alpha(sc_peek(s)))
		s->i++;
	return s->i - start >= 3;
}

/* [+-]hh[:mm[:ss]] with hh <= maxh, as seconds. */
static bool rule_hms(scan *s, int maxh, int32_t *out)
{
	int sign = 1, h, m = 0, sec = 0;
	if (sc_eat(s, '-'))
		sign = -1;
	else
		sc_eat(s, '+');
	if (!sc_num(s, 3, &h) || h > maxh)
		return false;
	if (sc_eat(s, ':')) {
		if (!sc_num(s, 2, &m) || m > 59)
			return false;
		if (sc_eat(s, ':') && (!sc_num(s, 2, &sec) || sec > 59))
			return false;
	}
	*out = sign * (h * 3600 + m * 60 + sec);
	return true;
}

static bool rule_date(scan *s, tz_date *d)
{
	d->secs = 2 * 3600;
	if (sc_eat(s, 'J')) {
		d->kind = 'J';
		if (!sc_num(s, 3, &d->a) || d->a < 1 || d->a > 365)
			return false;
	} else if (sc_eat(s, 'M')) {
		d->kind = 'M';
		if (!sc_num(s, 2, &d->a) || d->a < 1 || d->a > 12 || !sc_eat(s, '.') ||
		    !sc_num(s, 1, &d->b) || d->b < 1 || d->b > 5 || !sc_eat(s, '.') ||
		    !sc_num(s, 1, &d->c) || d->c > 6)
			return false;
	} else {
		d->kind = 'N';
		if (!sc_num(s, 3, &d->a) || d->a > 365)
			return false;
	}
	/* v3 extension: hours up to 167 and negative times */
	return !sc_eat(s, '/') || rule_hms(s, 167, &d->secs);
}

/* "EST5EDT,M3.2.0,M11.1.0", "<+0530>-5:30", "IST-1GMT0,M10.5.0,M3.5.0/1". */
static bool rule_parse(const char *p, size_t n, tz_rule *r)
{
	scan s = {p, n, 0};
	int32_t v;
	memset(r, 0, sizeof(*r));
	if (!rule_name(&s) || !rule_hms(&s, 24, &v))
		return false;
	r->std_off = -v; /* POSIX offsets count west */
	if (s.i == s.n)
		return true;
	if (!rule_name(&s))
		return false;
	r->has_dst = true;
	r->dst_off = r->std_off + 3600;
	int ch = sc_peek(&s);
	if (ch == '+' || ch == '-' || (ch >= '0' && ch <= '9')) {
		if (!rule_hms(&s, 24, &v))
			return false;
		r->dst_off = -v;
	}
	if (s.i == s.n) { /* no dates: the US rules, as glibc assumes */
		r->start = (tz_date){'M', 3, 2, 0, 7200};
		r->end = (tz_date){'M', 11, 1, 0, 7200};
		return true;
	}
	return sc_eat(&s, ',') && rule_date(&s, &r->start) && sc_eat(&s, ',') &&
	       rule_date(&s, &r->end) && s.i == s.n;
}

/* ---- TZif files --------------------------------------------------------- */

typedef struct tzif_counts {
	uint32_t isut, isstd, leap, time, type, chars;
} tzif_counts;

typedef struct tzif {
	const unsigned char *p;
	size_t n;
	const char *path;
	ug_error *err;
} tzif;

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be_signed(const unsigned char *p, unsigned size)
{
	uint64_t u = 0;
	for (unsigned k = 0; k < size; k++)
		u = u << 8 | p[k];
	uint64_t sign = UINT64_C(1) << (8 * size - 1);
	/* two's complement without implementation-defined conversions */
	return u & sign ? -(int64_t)(~u & (sign - 1)) - 1 : (int64_t)u;
}

static int bad(const tzif *f, const char *why)
{
	return ug_error_set(f->err, UG_ERR_PARSE, "time zone file %s: %s", f->path, why);
}

static int tzif_header(const tzif *f, size_t off, int *version, tzif_counts *c)
{
	if (f->n - off < TZIF_HEADER)
		return bad(f, "truncated header");
	const unsigned char *h = f->p + off;
	if (memcmp(h, "TZif", 4) != 0)
		return bad(f, "not a TZif file (bad magic)");
	if (h[4] != 0 && (h[4] < '2' || h[4] > '4'))
		return bad(f, "unknown TZif version");
	*version = h[4] ? h[4] - '0' : 1;
	*c = (tzif_counts){be32(h + 20), be32(h + 24), be32(h + 28),
	                   be32(h + 32), be32(h + 36), be32(h + 40)};
	return UG_OK;
}

/* Size of a data block; counts are 32-bit, so this cannot overflow. */
static uint64_t block_bytes(const tzif_counts *c, unsigned tsize)
{
	return (uint64_t)c->time * (tsize + 1) + (uint64_t)c->type * 6 + c->chars +
	       (uint64_t)c->leap * (tsize + 4) + c->isstd + c->isut;
}

static int check_counts(const tzif *f, const tzif_counts *c)
{
	if (c->type == 0)
		return bad(f, "no local time types");
	if (c->chars == 0)
		return bad(f, "no time zone designations");
	if ((c->isstd && c->isstd != c->type) || (c->isut && c->isut != c->type))
		return bad(f, "standard/UT indicator count differs from type count");
	if (c->leap)
		return ug_error_set(
		    f->err, UG_ERR_UNSUPPORTED,
		    "time zone file %s: leap-second (right/) zones are not supported", f->path);
	return UG_OK;
}

static int check_types(const tzif *f, const unsigned char *types, const tzif_counts *c)
{
	const unsigned char *chars = types + (size_t)c->type * 6;
	const unsigned char *flags = chars + c->chars; /* isstd then isut, no leap records */
	for (uint32_t k = 0; k < c->type; k++) {
		const unsigned char *t = types + (size_t)k * 6;
		int64_t utoff = be_signed(t, 4);
		if (utoff < -89999 || utoff > 93599)
			return bad(f, "UT offset out of range");
		if (t[4] > 1)
			return bad(f, "bad isdst flag");
		if (t[5] >= c->chars)
			return bad(f, "designation index out of range");
		if (!memchr(chars + t[5], 0, c->chars - t[5]))
			return bad(f, "designation not NUL-terminated");
	}
	for (uint64_t k = 0; k < (uint64_t)c->isstd + c->isut; k++)
		if (flags[k] > 1)
			return bad(f, "bad standard/UT indicator");
	return UG_OK;
}

/* The data block at off (already known to fit) into tz. */
static int tzif_data(const tzif *f, size_t off, const tzif_counts *c, unsigned tsize, ug_tz *tz)
{
	int rc = check_counts(f, c);
	if (rc != UG_OK)
		return rc;
	const unsigned char *times = f->p + off, *idx = times + (size_t)c->time * tsize;
	const unsigned char *types = idx + c->time;
	if ((rc = check_types(f, types, c)) != UG_OK)
		return rc;
	tz->first_off = (int32_t)be_signed(types, 4);
	if (c->time == 0)
		return UG_OK;
	tz->trans = malloc(sizeof(*tz->trans) * c->time);
	tz->trans_off = malloc(sizeof(*tz->trans_off) * c->time);
	if (!tz->trans || !tz->trans_off)
		return ug_error_set(f->err, UG_ERR_NOMEM, "time zone file %s: out of memory",
		                    f->path);
	for (uint32_t k = 0; k < c->time; k++) {
		int64_t t = be_signed(times + (size_t)k * tsize, tsize);
		if (k > 0 && t <= tz->trans[k - 1])
			return bad(f, "transition times not ascending");
		if (idx[k] >= c->type)
			return bad(f, "transition type index out of range");
		tz->trans[k] = t;
		tz->trans_off[k] = (int32_t)be_signed(types + (size_t)idx[k] * 6, 4);
	}
	tz->ntrans = c->time;
	return UG_OK;
}

/* "\n<POSIX TZ rule>\n" ending the file; an empty rule means none. */
static int tzif_footer(const tzif *f, size_t off, ug_tz *tz)
{
	if (off >= f->n || f->p[off] != '\n')
		return bad(f, "missing footer");
	const unsigned char *start = f->p + off + 1;
	const unsigned char *nl = memchr(start, '\n', f->n - off - 1);
	if (!nl)
		return bad(f, "unterminated footer");
	if (nl + 1 != f->p + f->n)
		return bad(f, "trailing bytes after footer");
	size_t len = (size_t)(nl - start);
	if (len == 0)
		return UG_OK;
	if (!rule_parse((const char *)start, len, &tz->rule))
		return bad(f, "invalid TZ rule in footer");
	tz->has_rule = true;
	return UG_OK;
}

static int tzif_parse(const tzif *f, ug_tz *tz)
{
	int v1, v2, rc;
	tzif_counts c1, c2;
	if ((rc = tzif_header(f, 0, &v1, &c1)) != UG_OK)
		return rc;
	uint64_t b1 = block_bytes(&c1, 4);
	if (b1 > f->n - TZIF_HEADER)
		return bad(f, "counts exceed file size");
	if (v1 == 1) { /* only 32-bit data, no footer */
		if (TZIF_HEADER + b1 != f->n)
			return bad(f, "size does not match counts");
		return tzif_data(f, TZIF_HEADER, &c1, 4, tz);
	}
	size_t off2 = TZIF_HEADER + (size_t)b1; /* the v1 block is skipped */
	if ((rc = tzif_header(f, off2, &v2, &c2)) != UG_OK)
		return rc;
	if (v2 != v1)
		return bad(f, "second header has a different version");
	uint64_t b2 = block_bytes(&c2, 8);
	if (b2 > f->n - off2 - TZIF_HEADER)
		return bad(f, "counts exceed file size");
	if ((rc = tzif_data(f, off2 + TZIF_HEADER, &c2, 8, tz)) != UG_OK)
		return rc;
	return tzif_footer(f, off2 + TZIF_HEADER + (size_t)b2, tz);
}

/* ---- loading ------------------------------------------------------------- */

static int read_file(const char *path, const char *spec, unsigned char **buf, size_t *len,
                     ug_error *err)
{
	/* O_NONBLOCK: a FIFO named as a zone must not hang us; no effect on files */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return ug_error_set(err, UG_ERR_NOTFOUND,
			                    "unknown time zone '%s' (no file %s)", spec, path);
		return ug_error_set(err, UG_ERR_IO, "time zone '%s': open %s: %s", spec, path,
		                    strerror(errno));
	}
	struct stat st;
	int rc = UG_OK;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		rc = ug_error_set(err, UG_ERR_NOTFOUND, "time zone '%s': %s is not a zone file",
		                  spec, path);
	else if (st.st_size > TZIF_MAX_BYTES)
		rc = ug_error_set(err, UG_ERR_PARSE, "time zone file %s: too large", path);
	else if (!(*buf = malloc((size_t)st.st_size + 1)))
		rc = ug_error_set(err, UG_ERR_NOMEM, "time zone file %s: out of memory", path);
	size_t n = 0, cap = rc == UG_OK ? (size_t)st.st_size : 0;
	while (rc == UG_OK && n < cap) {
		ssize_t r = read(fd, *buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			rc = ug_error_set(err, UG_ERR_IO, "time zone file %s: read: %s", path,
			                  strerror(errno));
		else if (r == 0)
			break;
		else
			n += (size_t)r;
	}
	close(fd);
	*len = n;
	return rc;
}

static int load_file(ug_tz *tz, const char *path, const char *spec, ug_error *err)
{
	unsigned char *buf = NULL;
	size_t n = 0;
	int rc = read_file(path, spec, &buf, &n, err);
	if (rc == UG_OK) {
		tzif f = {buf, n, path, err};
		rc = tzif_parse(&f, tz);
	}
	free(buf);
	return rc;
}

static bool zone_name_ok(const char *s)
{
	for (; *s; s++) {
		char ch = *s;
		if (!is_alpha(ch) && !(ch >= '0' && ch <= '9') && !strchr("/_+-.", ch))
			return false;
	}
	return true;
}

static int load_zone(ug_tz *tz, const char *spec, ug_error *err)
{
	if (strstr(spec, ".."))
		return ug_error_set(err, UG_ERR_INVALID, "time zone '%s': '..' is not allowed",
		                    spec);
	if (spec[0] == '/')
		return load_file(tz, spec, spec, err);
	if (!zone_name_ok(spec))
		return ug_error_set(err, UG_ERR_NOTFOUND,
		                    "unknown time zone '%s' (not a UTC offset or IANA name)", spec);
	const char *dir = getenv("TZDIR");
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	size_t len = strlen(dir) + strlen(spec) + 2;
	char *path = malloc(len);
	if (!path)
		return ug_error_set(err, UG_ERR_NOMEM, "time zone '%s': out of memory", spec);
	snprintf(path, len, "%s/%s", dir, spec);
	int rc = load_file(tz, path, spec, err);
	free(path);
	return rc;
}

static bool ieq_prefix(const char *s, const char *word)
{
	for (; *word; s++, word++)
		if ((*s | 0x20) != *word)
			return false;
	return true;
}

/* "+05:30", "-0800", "+05", "+5", "-3:30": at most 23:59. Seconds east. */
static bool fixed_offset(const char *s, int32_t *off)
{
	scan sc = {s, strlen(s), 0};
	int sign = sc_eat(&sc, '+') ? 1 : sc_eat(&sc, '-') ? -1 : 0;
	int h, m = 0;
	if (!sign || !sc_num(&sc, 2, &h))
		return false;
	size_t hour_digits = sc.i - 1;
	if (sc_eat(&sc, ':') || (hour_digits == 2 && sc.i < sc.n)) {
		size_t start = sc.i;
		if (!sc_num(&sc, 2, &m) || sc.i - start != 2)
			return false;
	}
	if (sc.i != sc.n || h > 23 || m > 59)
		return false;
	*off = sign * (h * 3600 + m * 60);
	return true;
}

static int make_fixed(ug_tz *tz, int32_t off, const char *name)
{
	char buf[8];
	if (!name) {
		int a = off < 0 ? -off : off;
		snprintf(buf, sizeof(buf), "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600 % 100,
		         a / 60 % 60);
		name = buf;
	}
	tz->first_off = off;
	tz->name = strdup(name);
	return tz->name ? UG_OK : UG_ERR_NOMEM;
}

static int load_spec(ug_tz *tz, const char *spec, ug_error *err)
{
	int32_t off;
	const char *o = spec;
	if (!strcasecmp(spec, "UTC") || !strcasecmp(spec, "Z") || !strcasecmp(spec, "GMT"))
		return make_fixed(tz, 0, "UTC");
	if (ieq_prefix(spec, "gmt") && (spec[3] == '+' || spec[3] == '-'))
		return ug_error_set(
		    err, UG_ERR_INVALID,
		    "time zone '%s' is ambiguous (in POSIX and IANA Etc/GMT%c%s the "
		    "sign counts west): write UTC%c%s for east of UTC, UTC%c%s for west",
		    spec, spec[3], spec + 4, '+', spec + 4, '-', spec + 4);
	if (ieq_prefix(spec, "utc") && (spec[3] == '+' || spec[3] == '-'))
		o = spec + 3;
	if (o[0] != '+' && o[0] != '-') {
		int rc = load_zone(tz, spec, err);
		if (rc == UG_OK && !(tz->name = strdup(spec)))
			rc = UG_ERR_NOMEM;
		return rc;
	}
	if (!fixed_offset(o, &off))
		return ug_error_set(
		    err, UG_ERR_PARSE,
		    "bad UTC offset '%s' (expected +HH:MM, +HHMM or +HH, at most 23:59)", spec);
	return make_fixed(tz, off, NULL);
}

int ug_tz_load(ug_tz **out, const char *spec, ug_error *err)
{
	if (!out)
		return ug_error_set(err, UG_ERR_INVALID, "time zone: no output");
	*out = NULL;
	if (!spec || !*spec)
		return ug_error_set(err, UG_ERR_INVALID, "time zone: empty name");
	if (strlen(spec) > TZ_SPEC_MAX)
		return ug_error_set(err, UG_ERR_INVALID, "time zone: name too long");
	ug_tz *tz = calloc(1, sizeof(*tz));
	if (!tz)
		return ug_error_set(err, UG_ERR_NOMEM, "time zone: out of memory");
	int rc = load_spec(tz, spec, err);
	if (rc == UG_ERR_NOMEM)
		ug_error_set(err, rc, "time zone '%s': out of memory", spec);
	if (rc != UG_OK) {
		ug_tz_free(tz);
		return rc;
	}
	*out = tz;
	return UG_OK;
}

void ug_tz_free(ug_tz *tz)
{
	if (!tz)
		return;
	free(tz->name);
	free(tz->trans);
	free(tz->trans_off);
	free(tz);
}

const char *ug_tz_name(const ug_tz *tz)
{
	return tz ? tz->name : "UTC";
}

/* ---- queries ------------------------------------------------------------- */

int32_t ug_tz_offset_at_utc(const ug_tz *tz, int64_t t)
{
	if (!tz)
		return 0;
	size_t n = tz->ntrans;
	if (n == 0)
		return tz->has_rule ? rule_offset(&tz->rule, t) : tz->first_off;
	if (t < tz->trans[0])
		return tz->first_off;
	if (tz->has_rule && t >= tz->trans[n - 1])
		return rule_offset(&tz->rule, t);
	size_t lo = 0, hi = n; /* trans[lo] <= t < trans[hi] */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (tz->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz->trans_off[lo];
}

/* Candidates are the offsets in force a day before and a day after; a local
 * time is valid under an offset if that offset is in force at local - offset. */
int64_t ug_tz_local_to_utc(const ug_tz *tz, int64_t local)
{
	if (!tz)
		return local;
	int32_t before = ug_tz_offset_at_utc(tz, sat_add(local, -SECS_PER_DAY));
	int32_t after = ug_tz_offset_at_utc(tz, sat_add(local, SECS_PER_DAY));
	int64_t u1 = sat_add(local, -(int64_t)before), u2 = sat_add(local, -(int64_t)after);
	bool ok1 = ug_tz_offset_at_utc(tz, u1) == before;
	bool ok2 = ug_tz_offset_at_utc(tz, u2) == after;
	if (ok1 && ok2)
		return u1 < u2 ? u1 : u2; /* ambiguous: the earlier instant */
	if (ok2)
		return u2;
	return u1; /* valid, or in a gap: read with the offset before it, i.e. moved forward */
}
