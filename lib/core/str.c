/* str.c — string-view helpers; see str.h. */
#include "core/str.h"

bool ug_sv_eq(ug_sv a, ug_sv b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

bool ug_sv_eq_nocase(ug_sv a, ug_sv b)
{
	if (a.n != b.n)
		return false;
	for (size_t i = 0; i < a.n; i++)
		if (ug_ascii_lower(a.p[i]) != ug_ascii_lower(b.p[i]))
			return false;
	return true;
}

bool ug_sv_eq_cstr(ug_sv a, const char *b)
{
	return ug_sv_eq(a, ug_sv_from(b));
}

int ug_sv_cmp(ug_sv a, ug_sv b)
{
	size_t n = UG_MIN(a.n, b.n);
	int c = n ? memcmp(a.p, b.p, n) : 0;
	if (c)
		return c;
	return a.n < b.n ? -1 : a.n > b.n;
}

bool ug_sv_starts_with(ug_sv s, ug_sv prefix)
{
	return s.n >= prefix.n && ug_sv_eq(ug_sv_make(s.p, prefix.n), prefix);
}

bool ug_sv_ends_with(ug_sv s, ug_sv suffix)
{
	return s.n >= suffix.n && ug_sv_eq(ug_sv_make(s.p + s.n - suffix.n, suffix.n), suffix);
}

bool ug_sv_starts_with_nocase(ug_sv s, ug_sv prefix)
{
	return s.n >= prefix.n && ug_sv_eq_nocase(ug_sv_make(s.p, prefix.n), prefix);
}

bool ug_sv_ends_with_nocase(ug_sv s, ug_sv suffix)
{
	return s.n >= suffix.n &&
	       ug_sv_eq_nocase(ug_sv_make(s.p + s.n - suffix.n, suffix.n), suffix);
}

size_t ug_sv_find(ug_sv s, ug_sv needle)
{
	if (needle.n == 0)
		return 0;
	if (needle.n > s.n)
		return SIZE_MAX;
	const char *hit = memmem(s.p, s.n, needle.p, needle.n);
	return hit ? (size_t)(hit - s.p) : SIZE_MAX;
}

size_t ug_sv_find_nocase(ug_sv s, ug_sv needle)
{
	if (needle.n == 0)
		return 0;
	if (needle.n > s.n)
		return SIZE_MAX;
	char first = ug_ascii_lower(needle.p[0]);
	for (size_t i = 0; i + needle.n <= s.n; i++) {
		if (ug_ascii_lower(s.p[i]) == first &&
		    ug_sv_eq_nocase(ug_sv_make(s.p + i, needle.n), needle))
			return i;
	}
	return SIZE_MAX;
}

size_t ug_sv_find_char(ug_sv s, char c)
{
	const char *hit = s.n ? memchr(s.p, c, s.n) : NULL;
	return hit ? (size_t)(hit - s.p) : SIZE_MAX;
}

size_t ug_sv_rfind_char(ug_sv s, char c)
{
	const char *hit = s.n ? memrchr(s.p, c, s.n) : NULL;
	return hit ? (size_t)(hit - s.p) : SIZE_MAX;
}

ug_sv ug_sv_sub(ug_sv s, size_t from, size_t len)
{
	if (from >= s.n)
		return ug_sv_make(s.p ? s.p + s.n : NULL, 0);
	if (len > s.n - from)
		len = s.n - from;
	return ug_sv_make(s.p + from, len);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

ug_sv ug_sv_trim(ug_sv s)
{
	while (s.n && is_space(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_space(s.p[s.n - 1]))
		s.n--;
	return s;
}

ug_sv ug_sv_split_next(ug_sv *s, char sep)
{
	size_t i = ug_sv_find_char(*s, sep);
	ug_sv head;
	if (i == SIZE_MAX) {
		head = *s;
		*s = ug_sv_make(s->p ? s->p + s->n : NULL, 0);
	} else {
		head = ug_sv_make(s->p, i);
		*s = ug_sv_make(s->p + i + 1, s->n - i - 1);
	}
	return head;
}

void ug_sv_lower_into(ug_sv s, char *out)
{
	for (size_t i = 0; i < s.n; i++)
		out[i] = ug_ascii_lower(s.p[i]);
}

ug_sv ug_path_basename(ug_sv path)
{
	size_t i = path.n;
	while (i > 0 && path.p[i - 1] != '\\' && path.p[i - 1] != '/')
		i--;
	return ug_sv_make(path.p + i, path.n - i);
}

bool ug_sv_to_u64(ug_sv s, uint64_t *out)
{
	if (s.n == 0 || s.n > 20)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < s.n; i++) {
		unsigned d = (unsigned char)s.p[i] - '0';
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool ug_sv_to_i64(ug_sv s, int64_t *out)
{
	bool neg = s.n && s.p[0] == '-';
	uint64_t v;
	if (!ug_sv_to_u64(neg ? ug_sv_sub(s, 1, s.n) : s, &v))
		return false;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return false;
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > (uint64_t)INT64_MAX)
			return false;
		*out = (int64_t)v;
	}
	return true;
}

bool ug_sv_is_digits(ug_sv s)
{
	if (s.n == 0)
		return false;
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
	return true;
}

bool ug_sv_hex_to_u64(ug_sv s, uint64_t *out)
{
	if (s.n >= 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X'))
		s = ug_sv_sub(s, 2, s.n);
	if (s.n == 0 || s.n > 16)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < s.n; i++) {
		char c = ug_ascii_lower(s.p[i]);
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

size_t ug_utf8_valid_prefix(const unsigned char *p, size_t n)
{
	if (n == 0)
		return 0;
	unsigned char c = p[0];
	if (c < 0x80)
		return 1;
	size_t len;
	uint32_t cp, min;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, cp = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, cp = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, cp = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

bool ug_utf8_valid(ug_sv s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0;
	while (i < s.n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t len = ug_utf8_valid_prefix(p + i, s.n - i);
		if (!len)
			return false;
		i += len;
	}
	return true;
}

size_t ug_utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Hashing for open addressing: eight bytes at a time, each word folded into
 * the state by a 64x64->128-bit multiply whose halves are xored (one multiply
 * per word instead of one per byte), then a splitmix64 finaliser. Not for
 * cryptographic use. Both variants load the same words, so
 * ug_hash_bytes_nocase(s) == ug_hash_bytes(lowercase(s)) on any host.
 * W_MIX has the high bit set in every byte: no ASCII word cancels it. */
#define W_MIX UINT64_C(0xe7037ed1a0b428db)
#define S_MIX UINT64_C(0xa0761d6478bd642f)
#define ONES UINT64_C(0x0101010101010101)

static uint64_t hash_finish(uint64_t h)
{
	h ^= h >> 30;
	h *= UINT64_C(0xbf58476d1ce4e5b9);
	h ^= h >> 27;
	h *= UINT64_C(0x94d049bb133111eb);
	return h ^ (h >> 31);
}

static inline uint64_t fold(uint64_t h, uint64_t w)
{
	unsigned __int128 m = (unsigned __int128)(w ^ W_MIX) * (h ^ S_MIX);
	return (uint64_t)m ^ (uint64_t)(m >> 64);
}

/* The bytes 'A'..'Z' of w lowered, the rest (UTF-8 included) untouched. */
static inline uint64_t lower8(uint64_t w)
{
	uint64_t low7 = w & (ONES * 0x7f);
	uint64_t ge_a = low7 + ONES * (0x80 - 'A');     /* bit 7: byte >= 'A' */
	uint64_t gt_z = low7 + ONES * (0x80 - 'Z' - 1); /* bit 7: byte > 'Z' */
	uint64_t upper = ge_a & ~gt_z & ~w & (ONES * 0x80);
	return w | (upper >> 2);
}

static inline uint64_t hash_words(const unsigned char *s, size_t n, bool nocase)
{
	uint64_t h = n;
	uint64_t w;
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = fold(h, nocase ? lower8(w) : w);
	}
	if (n) {
		w = 0;
		memcpy(&w, s, n);
		h = fold(h, nocase ? lower8(w) : w);
	}
	return hash_finish(h);
}

uint64_t ug_hash_bytes(const void *p, size_t n)
{
	return hash_words(p, n, false);
}

uint64_t ug_hash_bytes_nocase(const void *p, size_t n)
{
	return hash_words(p, n, true);
}
