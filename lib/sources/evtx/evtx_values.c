/* evtx_values.c — substitution values as text, the way Windows renders them
 * in event XML (docs/evtx.md has the table): integers in decimal, HexInt32/64
 * and size_t as 0x..., GUIDs as {UPPER-CASE}, SIDs as S-1-..., FILETIME as
 * ISO 8601 UTC with 7 fractional digits, binary as upper-case hex, arrays
 * joined with ','. Text goes into the chunk's arena; never longer than its
 * bound computed up front, so one allocation per value. The common scalar
 * types (the System values of every record) are written straight into
 * their allocation, with two digits per table lookup; integers under 100 are
 * views of a static table, no allocation at all. */
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "sources/evtx/evtx.h"

static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                           "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                           "8081828384858687888990919293949596979899";

/* v < 100 as two digits. */
static void put2(char *out, unsigned v)
{
	memcpy(out, pairs + 2 * (size_t)v, 2);
}


/* Days since 1970-01-01 to civil date (proleptic Gregorian). */
static void civil(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	unsigned doe = (unsigned)(days - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

#define FT_UNIX_EPOCH UINT64_C(116444736000000000) /* 1970 in 100 ns since 1601 */

size_t evtx_filetime_text(uint64_t ft, char *out)
{
	int64_t secs = (int64_t)(ft / 10000000) - (int64_t)(FT_UNIX_EPOCH / 10000000);
	unsigned frac = (unsigned)(ft % 10000000);
	int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	int64_t sod = secs - days * 86400;
	int64_t y;
	unsigned m, d;
	civil(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		return 0;
	/* YYYY-MM-DDTHH:MM:SS.fffffffZ */
	put2(out, (unsigned)(y / 100));
	put2(out + 2, (unsigned)(y % 100));
	out[4] = '-';
	put2(out + 5, m);
	out[7] = '-';
	put2(out + 8, d);
	out[10] = 'T';
	put2(out + 11, (unsigned)(sod / 3600));
	out[13] = ':';
	put2(out + 14, (unsigned)(sod / 60 % 60));
	out[16] = ':';
	put2(out + 17, (unsigned)(sod % 60));
	out[19] = '.';
	out[20] = (char)('0' + frac / 1000000);
	put2(out + 21, frac / 10000 % 100);
	put2(out + 23, frac / 100 % 100);
	put2(out + 25, frac % 100);
	out[27] = 'Z';
	out[28] = '\0';
	return 28;
}

ug_time evtx_filetime_to_time(uint64_t ft)
{
	/* ug_time is int64 ns (1677..2262): keep to about 1682..2234 */
	if (ft < UINT64_C(25620000000000000) || ft > UINT64_C(200000000000000000))
		return UG_TIME_INVALID;
	return ((int64_t)ft - (int64_t)FT_UNIX_EPOCH) * 100;
}

static size_t put_u64(char *out, uint64_t v)
{
	char tmp[24];
	size_t n = sizeof(tmp);
	for (; v >= 100; v /= 100) { /* two digits a step, from the right */
		n -= 2;
		memcpy(tmp + n, pairs + 2 * (v % 100), 2);
	}
	if (v >= 10) {
		n -= 2;
		memcpy(tmp + n, pairs + 2 * v, 2);
	} else {
		tmp[--n] = (char)('0' + v);
	}
	memcpy(out, tmp + n, sizeof(tmp) - n);
	return sizeof(tmp) - n;
}

static size_t put_i64(char *out, int64_t v)
{
	if (v >= 0)
		return put_u64(out, (uint64_t)v);
	out[0] = '-';
	return 1 + put_u64(out + 1, (uint64_t)0 - (uint64_t)v);
}

static size_t put_hex(char *out, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[16];
	size_t n = 0;
	do {
		tmp[n++] = hex[v & 15];
		v >>= 4;
	} while (v);
	out[0] = '0';
	out[1] = 'x';
	for (size_t i = 0; i < n; i++)
		out[2 + i] = tmp[n - 1 - i];
	return n + 2;
}

/* v as exactly `digits` upper-case hex digits. */
static void hex_fixed(char *out, uint64_t v, int digits)
{
	static const char hex[] = "0123456789ABCDEF";
	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		out[i] = hex[v & 15];
}

static size_t put_guid(char *out, const uint8_t *g)
{
	out[0] = '{';
	hex_fixed(out + 1, evtx_u32(g), 8);
	out[9] = '-';
	hex_fixed(out + 10, evtx_u16(g + 4), 4);
	out[14] = '-';
	hex_fixed(out + 15, evtx_u16(g + 6), 4);
	out[19] = '-';
	hex_fixed(out + 20, (uint64_t)g[8] << 8 | g[9], 4);
	out[24] = '-';
	for (int i = 0; i < 6; i++)
		hex_fixed(out + 25 + 2 * (ptrdiff_t)i, g[10 + i], 2);
	out[37] = '}';
	return 38;
}


/* S-rev-authority-sub...; n bytes available. 0 when malformed. */
static size_t put_sid(char *out, const uint8_t *p, uint32_t n)
{
	if (n < 8 || (uint32_t)8 + 4u * p[1] > n)
		return 0;
	uint64_t auth = 0;
	for (int i = 2; i < 8; i++)
		auth = auth << 8 | p[i];
	size_t k = 0;
	out[k++] = 'S';
	out[k++] = '-';
	k += put_u64(out + k, p[0]);
	out[k++] = '-';
	if (auth >> 32)
		k += put_hex(out + k, auth);
	else
		k += put_u64(out + k, auth);
	for (unsigned i = 0; i < p[1]; i++) {
		out[k++] = '-';
		k += put_u64(out + k, evtx_u32(p + 8 + 4 * (size_t)i));
	}
	return k;
}

static size_t put_systime(char *out, const uint8_t *p)
{
	int n = snprintf(out, 40, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ", evtx_u16(p), evtx_u16(p + 2),
	                 evtx_u16(p + 6), evtx_u16(p + 8), evtx_u16(p + 10), evtx_u16(p + 12),
	                 evtx_u16(p + 14));
	return n > 0 && n < 40 ? (size_t)n : 0;
}

/* Fixed element size of a scalar type; 0 for variable-sized ones. */
static uint32_t elem_size(uint8_t t, uint32_t n)
{
	switch (t) {
	case EVTX_T_I8: case EVTX_T_U8: return 1;
	case EVTX_T_I16: case EVTX_T_U16: return 2;
	case EVTX_T_I32: case EVTX_T_U32: case EVTX_T_F32: case EVTX_T_BOOL: case EVTX_T_HEX32: return 4;
	case EVTX_T_I64: case EVTX_T_U64: case EVTX_T_F64: case EVTX_T_FILETIME: case EVTX_T_HEX64: return 8;
	case EVTX_T_GUID: case EVTX_T_SYSTIME: return 16;
	case EVTX_T_SIZET: return n == 4 ? 4 : 8;
	default: return 0;
	}
}

/* One fixed-size scalar at p into out (room for 48 bytes); its length. */
static size_t scalar(uint8_t t, const uint8_t *p, uint32_t size, char *out)
{
	switch (t) {
	case EVTX_T_I8: return put_i64(out, (int8_t)p[0]);
	case EVTX_T_U8: return put_u64(out, p[0]);
	case EVTX_T_I16: return put_i64(out, (int16_t)evtx_u16(p));
	case EVTX_T_U16: return put_u64(out, evtx_u16(p));
	case EVTX_T_I32: return put_i64(out, (int32_t)evtx_u32(p));
	case EVTX_T_U32: return put_u64(out, evtx_u32(p));
	case EVTX_T_I64: return put_i64(out, (int64_t)evtx_u64(p));
	case EVTX_T_U64: return put_u64(out, evtx_u64(p));
	case EVTX_T_HEX32: return put_hex(out, evtx_u32(p));
	case EVTX_T_HEX64: return put_hex(out, evtx_u64(p));
	case EVTX_T_SIZET: return put_hex(out, size == 4 ? evtx_u32(p) : evtx_u64(p));
	case EVTX_T_BOOL:
		memcpy(out, evtx_u32(p) ? "true" : "false", evtx_u32(p) ? 4 : 5);
		return evtx_u32(p) ? 4 : 5;
	case EVTX_T_F32: {
		float f;
		uint32_t u = evtx_u32(p);
		memcpy(&f, &u, 4);
		int n = snprintf(out, 48, "%.9g", (double)f);
		return n > 0 && n < 48 ? (size_t)n : 0;
	}
	case EVTX_T_F64: {
		double f;
		uint64_t u = evtx_u64(p);
		memcpy(&f, &u, 8);
		int n = snprintf(out, 48, "%.17g", f);
		return n > 0 && n < 48 ? (size_t)n : 0;
	}
	case EVTX_T_GUID: return put_guid(out, p);
	case EVTX_T_FILETIME: return evtx_filetime_text(evtx_u64(p), out);
	case EVTX_T_SYSTIME: return put_systime(out, p);
	default: return 0;
	}
}

static ug_sv oom(void)
{
	return UG_SV_NULL;
}

/* Code page 1252 is what Windows writes ANSI strings in; bytes 0x80-0x9f
 * that differ from Latin-1 are mapped, the rest taken as Latin-1. */
static uint32_t cp1252(uint8_t b)
{
	static const uint16_t hi[32] = {
	    0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
	    0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd, 0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
	    0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178};
	return b >= 0x80 && b < 0xa0 ? hi[b - 0x80] : b;
}

static ug_sv ansi(ug_arena *a, const uint8_t *p, uint32_t n)
{
	while (n && p[n - 1] == 0)
		n--;
	char *out = ug_arena_alloc(a, (size_t)n * 3 + 1);
	if (!out)
		return oom();
	size_t k = 0;
	for (uint32_t i = 0; i < n; i++)
		k += ug_utf8_encode(p[i] ? cp1252(p[i]) : 0xfffd, out + k);
	return (ug_sv){out, k};
}

static ug_sv hex_bytes(ug_arena *a, const uint8_t *p, uint32_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = ug_arena_alloc(a, (size_t)n * 2 + 1);
	if (!out)
		return oom();
	for (uint32_t i = 0; i < n; i++) {
		out[2 * (size_t)i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	return (ug_sv){out, (size_t)n * 2};
}

/* Array of NUL-terminated UTF-16 strings: joined with ','. */
static ug_sv string_array(evtx_ctx *c, const uint8_t *p, uint32_t n)
{
	char *out = ug_arena_alloc(c->arena, (size_t)n / 2 * 3 + 1);
	if (!out)
		return oom();
	size_t k = 0;
	uint32_t units = n / 2, start = 0;
	for (uint32_t i = 0; i <= units; i++) {
		if (i < units && evtx_u16(p + 2 * (size_t)i) != 0)
			continue;
		if (i == units && start == units)
			break;
		ug_sv s = evtx_utf16(c->arena, p + 2 * (size_t)start, i - start, &c->bad_utf16);
		if (!s.p)
			return oom();
		if (k)
			out[k++] = ',';
		memcpy(out + k, s.p, s.n);
		k += s.n;
		start = i + 1;
	}
	return (ug_sv){out, k};
}

static ug_sv fixed_array(evtx_ctx *c, uint8_t t, const uint8_t *p, uint32_t n)
{
	uint32_t es = elem_size(t, t == EVTX_T_SIZET ? 8 : 0);
	uint32_t count = es ? n / es : 0;
	char *out = ug_arena_alloc(c->arena, (size_t)count * 49 + 1);
	if (!out)
		return oom();
	size_t k = 0;
	for (uint32_t i = 0; i < count; i++) {
		if (i)
			out[k++] = ',';
		k += scalar(t, p + (size_t)i * es, es, out + k);
	}
	return (ug_sv){out, k};
}

/* Any value, the general way. */
static ug_sv render_any(evtx_ctx *c, const evtx_val *v)
{
	uint8_t t = v->type & 0x7f;
	if (v->type & EVTX_T_ARRAY) {
		if (t == EVTX_T_STRING)
			return string_array(c, v->p, v->n);
		if (t == EVTX_T_ANSI)
			return ansi(c->arena, v->p, v->n); /* NULs become U+FFFD separators */
		if (elem_size(t, 8))
			return fixed_array(c, t, v->p, v->n);
		return hex_bytes(c->arena, v->p, v->n);
	}
	switch (t) {
	case EVTX_T_NULL: return UG_SV("");
	case EVTX_T_STRING: return evtx_utf16(c->arena, v->p, v->n / 2, &c->bad_utf16);
	case EVTX_T_ANSI: return ansi(c->arena, v->p, v->n);
	case EVTX_T_BINARY:
	case EVTX_T_HANDLE:
	case EVTX_T_BINXML: /* in an array or attribute: shown as bytes */
	case EVTX_T_EVTXML: return hex_bytes(c->arena, v->p, v->n);
	case EVTX_T_SID: {
		char *out = ug_arena_alloc(c->arena, 16 + (size_t)v->n * 3);
		if (!out)
			return oom();
		size_t k = put_sid(out, v->p, v->n);
		return k ? (ug_sv){out, k} : hex_bytes(c->arena, v->p, v->n);
	}
	default: break;
	}
	uint32_t es = elem_size(t, v->n);
	if (!es || v->n < es) /* unknown type or too short for it: the bytes */
		return hex_bytes(c->arena, v->p, v->n);
	char tmp[48]; /* rendered here, then only its length taken from the arena */
	size_t k = scalar(t, v->p, es, tmp);
	if (!k) /* e.g. year > 9999 */
		return hex_bytes(c->arena, v->p, v->n);
	char *out = ug_arena_alloc(c->arena, k);
	if (!out)
		return oom();
	memcpy(out, tmp, k);
	return (ug_sv){out, k};
}

/* ---- the common scalars, straight into the arena ---- */

/* Decimal digits of v. */
static unsigned dec_len(uint64_t v)
{
	unsigned n = 1;
	for (; v >= 10000; v /= 10000)
		n += 4;
	return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

static ug_sv dec_text(evtx_ctx *c, uint64_t v)
{
	if (v < 100) /* a view of the table: "7" is the second half of "07" */
		return v < 10 ? (ug_sv){pairs + 2 * v + 1, 1} : (ug_sv){pairs + 2 * v, 2};
	unsigned n = dec_len(v);
	char *out = ug_arena_alloc(c->arena, n);
	if (!out)
		return UG_SV_NULL;
	char *e = out + n;
	for (; v >= 100; v /= 100) {
		e -= 2;
		put2(e, (unsigned)(v % 100));
	}
	if (v >= 10)
		put2(e - 2, (unsigned)v);
	else
		e[-1] = (char)('0' + v);
	return (ug_sv){out, n};
}

/* 0x..., lower case, not padded (put_hex). */
static ug_sv hex_text(evtx_ctx *c, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	unsigned digits = v ? (unsigned)(64 - __builtin_clzll(v) + 3) / 4 : 1;
	char *out = ug_arena_alloc(c->arena, 2 + digits);
	if (!out)
		return UG_SV_NULL;
	out[0] = '0';
	out[1] = 'x';
	for (unsigned i = digits; i > 0; i--, v >>= 4)
		out[1 + i] = hex[v & 15];
	return (ug_sv){out, 2 + digits};
}

/* Byte b as two upper-case hex digits. */
static void hex2(char *out, uint8_t b)
{
	static const char tab[] = /* "00" "01" ... "FF" */
	    "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
	    "202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F"
	    "404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F"
	    "606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F"
	    "808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9F"
	    "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF"
	    "C0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"
	    "E0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF";
	memcpy(out, tab + 2 * (size_t)b, 2);
}

static ug_sv guid_text(evtx_ctx *c, const uint8_t *g)
{
	char *out = ug_arena_alloc(c->arena, 38);
	if (!out)
		return UG_SV_NULL;
	/* {Data1-Data2-Data3-Data4[0..1]-Data4[2..7]}, Data1-3 little-endian */
	out[0] = '{';
	hex2(out + 1, g[3]), hex2(out + 3, g[2]), hex2(out + 5, g[1]), hex2(out + 7, g[0]);
	out[9] = '-';
	hex2(out + 10, g[5]), hex2(out + 12, g[4]);
	out[14] = '-';
	hex2(out + 15, g[7]), hex2(out + 17, g[6]);
	out[19] = '-';
	hex2(out + 20, g[8]), hex2(out + 22, g[9]);
	out[24] = '-';
	for (int i = 0; i < 6; i++)
		hex2(out + 25 + 2 * (ptrdiff_t)i, g[10 + i]);
	out[37] = '}';
	return (ug_sv){out, 38};
}

ug_sv evtx_render(evtx_ctx *c, const evtx_val *v)
{
	const uint8_t *p = v->p;
	/* each case as render_any renders it when the value is long enough for
	 * its type (else render_any shows the bytes) */
	switch (v->type) {
	case EVTX_T_STRING: return evtx_utf16(c->arena, p, v->n / 2, &c->bad_utf16);
	case EVTX_T_U8: if (v->n >= 1) return dec_text(c, p[0]); break;
	case EVTX_T_U16: if (v->n >= 2) return dec_text(c, evtx_u16(p)); break;
	case EVTX_T_U32: if (v->n >= 4) return dec_text(c, evtx_u32(p)); break;
	case EVTX_T_U64: if (v->n >= 8) return dec_text(c, evtx_u64(p)); break;
	case EVTX_T_HEX32: if (v->n >= 4) return hex_text(c, evtx_u32(p)); break;
	case EVTX_T_HEX64: if (v->n >= 8) return hex_text(c, evtx_u64(p)); break;
	case EVTX_T_GUID: if (v->n >= 16) return guid_text(c, p); break;
	case EVTX_T_FILETIME:
		if (v->n >= 8) {
			char tmp[32];
			size_t k = evtx_filetime_text(evtx_u64(p), tmp);
			char *out = k ? ug_arena_alloc(c->arena, k) : NULL;
			if (out) {
				memcpy(out, tmp, 28); /* k is 28 */
				return (ug_sv){out, k};
			}
		}
		break;
	default: break;
	}
	return render_any(c, v);
}
