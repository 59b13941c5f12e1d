/* json.c — the strict, zero-copy JSON scanner of json.h.
 *
 * Why our own: log records are read at disk speed and mostly thrown away
 * field by field, so a DOM with allocated strings (jansson, cJSON) spends its
 * time in malloc. This scanner makes one pass, writes a flat token array
 * that is reused across records, leaves strings in the input and decodes
 * escapes only on demand (bench/bench_json.c measures it against jansson).
 *
 * Speed comes from the string bodies: they are skipped 16 bytes at a time
 * (SSE2 on x86-64, a table-driven loop elsewhere), stopping only at '"', '\\',
 * control characters and non-ASCII bytes; non-ASCII runs are validated as
 * UTF-8 there. Everything else is a small iterative state machine with an
 * explicit stack (UG_JSON_MAX_DEPTH), so hostile nesting cannot overflow the
 * C stack.
 *
 * Limit: a text of more than JSON_MAX_TOKENS values is rejected ("too many
 * values") so that one hostile 50 MB line of `[0,0,0,...]` cannot make a
 * worker hold gigabytes of tokens. Log records have hundreds at most.
 */
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/str.h"
#include "sources/json.h"

#define JSON_MAX_TOKENS        (UINT32_C(1) << 21)
#define JSON_FIRST_CAP         64
#define JSON_FIRST_RESERVE_MAX 4096

void ug_json_doc_init(ug_json_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
}

void ug_json_doc_init_buf(ug_json_doc *doc, ug_json_tok *toks, uint32_t cap)
{
	memset(doc, 0, sizeof(*doc));
	if (!toks || !cap)
		return; /* nothing lent: an ordinary doc */
	doc->toks = toks;
	doc->cap = cap;
	doc->borrowed = true;
}

void ug_json_doc_free(ug_json_doc *doc)
{
	if (!doc->borrowed)
		free(doc->toks);
	memset(doc, 0, sizeof(*doc));
}

/* ---- scanning helpers -------------------------------------------------- */

/* True for bytes that end a fast run inside a string: '"', '\\', control
 * characters and every non-ASCII byte (0x20..0x7f minus the two, wrapped). */
static inline bool str_special(unsigned char c)
{
	return (unsigned char)(c - 0x20) >= 0x60 || c == '"' || c == '\\';
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

#if defined(__SSE2__)
/* One bit per byte of p[0..16) that ends a plain run: '"', '\\', control
 * characters and non-ASCII bytes. */
static inline unsigned special_mask16(const char *p)
{
	const __m128i quote = _mm_set1_epi8('"');
	const __m128i bslash = _mm_set1_epi8('\\');
	/* signed compare: true for 0x00..0x1f and for 0x80..0xff */
	const __m128i space = _mm_set1_epi8(0x20);
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
	                         _mm_cmplt_epi8(v, space));
	return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* Advance over plain string bytes; stops at the first special byte or end. */
static inline const char *skip_plain(const char *p, const char *end)
{
#if defined(__SSE2__)
	while (end - p >= 16) {
		unsigned bits = special_mask16(p);
		if (bits)
			return p + __builtin_ctz(bits);
		p += 16;
	}
#endif
	while (p < end && !str_special((unsigned char)*p))
		p++;
	return p;
}

/* Length of a valid escape at p ('\\' first), or 0. */
static inline size_t escape_len(const char *p, const char *end)
{
	if (end - p < 2)
		return 0;
	switch (p[1]) {
	case '"':
	case '\\':
	case '/':
	case 'b':
	case 'f':
	case 'n':
	case 'r':
	case 't': return 2;
	case 'u':
		if (end - p < 6)
			return 0;
		for (int i = 2; i < 6; i++)
			if (hex_val(p[i]) < 0)
				return 0;
		return 6;
	default: return 0;
	}
}

/* Scan a string body from just after its opening quote. Returns the closing
 * quote, or NULL with *why set. */
static const char *scan_string(const char *p, const char *end, bool *escaped, const char **why)
{
	for (;;) {
		p = skip_plain(p, end);
		if (UG_UNLIKELY(p >= end)) {
			*why = "unterminated string";
			return NULL;
		}
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			return p;
		if (c == '\\') {
			size_t n = escape_len(p, end);
			if (!n) {
				*why = "invalid escape in string";
				return NULL;
			}
			*escaped = true;
			p += n;
		} else if (c < 0x20) {
			*why = "control character in string";
			return NULL;
		} else {
			/* a run of non-ASCII characters */
			do {
				size_t n = ug_utf8_valid_prefix((const unsigned char *)p,
				                                (size_t)(end - p));
				if (!n) {
					*why = "invalid UTF-8 in string";
					return NULL;
				}
				p += n;
			} while (p < end && (unsigned char)*p >= 0x80);
		}
	}
}

/* scan_string for the common case inline: a plain string (a key, a short
 * value) whose closing quote is among its first 16 bytes. */
static inline const char *scan_string_fast(const char *p, const char *end, bool *escaped,
                                           const char **why)
{
#if defined(__SSE2__)
	if (UG_LIKELY(end - p >= 16)) {
		unsigned bits = special_mask16(p);
		if (!bits)
			return scan_string(p + 16, end, escaped, why);
		const char *q = p + __builtin_ctz(bits);
		return *q == '"' ? q : scan_string(q, end, escaped, why);
	}
#endif
	return scan_string(p, end, escaped, why);
}

/* End of the number starting at p, or NULL when it is not valid JSON. */
static const char *scan_number(const char *p, const char *end)
{
	if (p < end && *p == '-')
		p++;
	if (p >= end)
		return NULL;
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (p < end && is_digit(*p))
			p++;
	} else {
		return NULL;
	}
	if (p < end && *p == '.') {
		p++;
		if (p >= end || !is_digit(*p))
			return NULL;
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !is_digit(*p))
			return NULL;
		while (p < end && is_digit(*p))
			p++;
	}
	return p;
}

/* ---- the token array --------------------------------------------------- */

/* Room for the tokens of a text of n bytes, guessed (log records hold about
 * one token per 8..16 bytes), so that a fresh doc allocates once. */
static void reserve_for(ug_json_doc *doc, size_t n)
{
	size_t want = n / 8 + JSON_FIRST_CAP;
	if (want > JSON_FIRST_RESERVE_MAX)
		want = JSON_FIRST_RESERVE_MAX;
	if (doc->cap >= want)
		return;
	ug_json_tok *t = realloc(doc->toks, want * sizeof(*t));
	if (t) { /* on failure grow() reports it when the room is needed */
		doc->toks = t;
		doc->cap = (uint32_t)want;
	}
}

static int grow(ug_json_doc *doc)
{
	uint32_t cap = doc->cap ? doc->cap * 2 : JSON_FIRST_CAP;
	if (cap > JSON_MAX_TOKENS)
		cap = JSON_MAX_TOKENS;
	if (cap <= doc->cap)
		return UG_ERR_RANGE;
	ug_json_tok *t = realloc(doc->borrowed ? NULL : doc->toks, (size_t)cap * sizeof(*t));
	if (!t)
		return UG_ERR_NOMEM;
	if (doc->borrowed && doc->ntoks)
		memcpy(t, doc->toks, (size_t)doc->ntoks * sizeof(*t));
	doc->borrowed = false;
	doc->toks = t;
	doc->cap = cap;
	return UG_OK;
}

/* ---- the parser -------------------------------------------------------- */

typedef struct parser {
	ug_json_doc *doc;
	const char *start, *end;
	uint32_t stack[UG_JSON_MAX_DEPTH];
	int depth;
} parser;

static int fail(parser *ps, const char *at, const char *why)
{
	ps->doc->err_offset = (size_t)(at - ps->start);
	ps->doc->err_reason = why;
	return UG_ERR_PARSE;
}

/* Append a token; returns its index, or -1 (doc error set) when full. */
static inline int64_t push(parser *ps, const char *at, ug_json_type type, const char *p, size_t n,
                           bool escaped, int *rc)
{
	ug_json_doc *doc = ps->doc;
	if (UG_UNLIKELY(doc->ntoks == doc->cap)) {
		*rc = grow(doc);
		if (*rc != UG_OK) {
			if (*rc == UG_ERR_RANGE)
				*rc = fail(ps, at, "too many values");
			else
				fail(ps, at, "out of memory");
			return -1;
		}
	}
	uint32_t i = doc->ntoks++;
	doc->toks[i] = (ug_json_tok){type, i + 1, 0, escaped, {p, n}};
	return i;
}

/* Invariant: called with depth > 0, and stack[0..depth) set by the pushes
 * (the stack is not cleared between records). */
static inline ug_json_tok *top(parser *ps)
{
	/* NOLINTNEXTLINE(clang-analyzer-core.uninitialized.ArraySubscript): see the invariant */
	return &ps->doc->toks[ps->stack[ps->depth - 1]];
}

/* Parse one scalar or open a container at p. Returns the position after it
 * (for a container: after its opening bracket), or NULL on error (*rc set). */
static const char *parse_value(parser *ps, const char *p, int *rc)
{
	const char *end = ps->end;
	const char *why = NULL;
	const char *q;
	ug_json_type type;
	bool escaped = false;
	switch (*p) {
	case '{':
	case '[':
		if (ps->depth == UG_JSON_MAX_DEPTH) {
			*rc = fail(ps, p, "nesting too deep");
			return NULL;
		}
		type = *p == '{' ? UG_JSON_OBJECT : UG_JSON_ARRAY;
		q = p + 1;
		break;
	case '"':
		q = scan_string_fast(p + 1, end, &escaped, &why);
		if (!q) {
			*rc = fail(ps, p, why);
			return NULL;
		}
		if (push(ps, p, UG_JSON_STRING, p + 1, (size_t)(q - p - 1), escaped, rc) < 0)
			return NULL;
		return q + 1;
	case 't':
		type = UG_JSON_TRUE;
		q = end - p >= 4 && memcmp(p, "true", 4) == 0 ? p + 4 : NULL;
		break;
	case 'f':
		type = UG_JSON_FALSE;
		q = end - p >= 5 && memcmp(p, "false", 5) == 0 ? p + 5 : NULL;
		break;
	case 'n':
		type = UG_JSON_NULL;
		q = end - p >= 4 && memcmp(p, "null", 4) == 0 ? p + 4 : NULL;
		break;
	default:
		type = UG_JSON_NUMBER;
		q = scan_number(p, end);
		break;
	}
	if (!q) {
		*rc = fail(ps, p,
		           type == UG_JSON_NUMBER ? "unexpected character" : "invalid literal");
		return NULL;
	}
	int64_t i = push(ps, p, type, p, (size_t)(q - p), false, rc);
	if (i < 0)
		return NULL;
	if (type == UG_JSON_OBJECT || type == UG_JSON_ARRAY)
		ps->stack[ps->depth++] = (uint32_t)i;
	return q;
}

/* An object key and its colon at p. Returns the position after the colon. */
static const char *parse_key(parser *ps, const char *p, int *rc)
{
	const char *end = ps->end;
	if (p >= end || *p != '"') {
		*rc = fail(ps, p, p >= end ? "unexpected end of input" : "expected string key");
		return NULL;
	}
	const char *why = NULL;
	bool escaped = false;
	const char *q = scan_string_fast(p + 1, end, &escaped, &why);
	if (!q) {
		*rc = fail(ps, p, why);
		return NULL;
	}
	if (push(ps, p, UG_JSON_STRING, p + 1, (size_t)(q - p - 1), escaped, rc) < 0)
		return NULL;
	p = skip_ws(q + 1, end);
	if (p >= end || *p != ':') {
		*rc = fail(ps, p, p >= end ? "unexpected end of input" : "expected ':'");
		return NULL;
	}
	return p + 1;
}

/* Close the innermost container at p (its closing bracket). */
static void close_container(parser *ps, const char *p)
{
	ug_json_tok *t = top(ps);
	t->end = ps->doc->ntoks;
	t->raw.n = (size_t)(p + 1 - t->raw.p);
	ps->depth--;
}

int ug_json_parse(ug_json_doc *doc, ug_sv text)
{
	doc->ntoks = 0;
	doc->err_offset = 0;
	doc->err_reason = NULL;
	if (!text.p) {
		doc->err_reason = "empty input";
		return UG_ERR_PARSE;
	}
	if (doc->cap == 0)
		reserve_for(doc, text.n);
	parser ps; /* the stack is written before it is read: not zeroed per record */
	ps.doc = doc;
	ps.start = text.p;
	ps.end = text.p + text.n;
	ps.depth = 0;
	const char *end = ps.end;
	const char *p = text.p;
	int rc = UG_ERR_PARSE;

value: /* a value is expected at p (after whitespace) */
	p = skip_ws(p, end);
	if (p >= end)
		return fail(&ps, p, "unexpected end of input");
	if (ps.depth && top(&ps)->type == UG_JSON_ARRAY)
		top(&ps)->count++;
	p = parse_value(&ps, p, &rc);
	if (!p)
		return rc;
	if (doc->toks[doc->ntoks - 1].type >= UG_JSON_ARRAY) {
		/* just opened: empty, or first member/element */
		ug_json_tok *t = &doc->toks[doc->ntoks - 1];
		p = skip_ws(p, end);
		if (p < end && *p == (t->type == UG_JSON_OBJECT ? '}' : ']'))
			goto close;
		if (t->type == UG_JSON_ARRAY)
			goto value;
		goto key;
	}

after: /* a value ended at p */
	if (ps.depth == 0) {
		p = skip_ws(p, end);
		if (p != end)
			return fail(&ps, p, "trailing characters after JSON value");
		return UG_OK;
	}
	p = skip_ws(p, end);
	if (p >= end)
		return fail(&ps, p, "unexpected end of input");
	if (*p == ',') {
		p++;
		if (top(&ps)->type == UG_JSON_ARRAY)
			goto value;
		p = skip_ws(p, end);
		goto key;
	}
	if (*p == (top(&ps)->type == UG_JSON_OBJECT ? '}' : ']'))
		goto close;
	return fail(&ps, p,
	            top(&ps)->type == UG_JSON_OBJECT ? "expected ',' or '}'"
	                                             : "expected ',' or ']'");

close: /* p is at the closing bracket of the innermost container */
	close_container(&ps, p);
	p++;
	goto after;

key: /* an object member is expected at p */
	top(&ps)->count++;
	p = parse_key(&ps, p, &rc);
	if (!p)
		return rc;
	goto value;
}

/* ---- decoding ---------------------------------------------------------- */

/* Four hex digits, already validated. */
static uint32_t hex4(const char *p)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v = v << 4 | (uint32_t)(hex_val(p[i]) & 0xf);
	return v;
}

static bool is_hex4(const char *p, size_t avail)
{
	if (avail < 4)
		return false;
	for (int i = 0; i < 4; i++)
		if (hex_val(p[i]) < 0)
			return false;
	return true;
}

/* Decode the escape at s[*i] ('\\'), writing its UTF-8 bytes to out[4] and
 * advancing *i. Malformed escapes (impossible after ug_json_parse) decode as
 * the backslash itself. Returns the bytes written. */
static size_t decode_escape(const char *s, size_t n, size_t *i, char out[4])
{
	size_t at = *i;
	char c = at + 1 < n ? s[at + 1] : 0;
	char simple = 0;
	switch (c) {
	case '"':
	case '\\':
	case '/': simple = c; break;
	case 'b': simple = '\b'; break;
	case 'f': simple = '\f'; break;
	case 'n': simple = '\n'; break;
	case 'r': simple = '\r'; break;
	case 't': simple = '\t'; break;
	default: break;
	}
	if (simple) {
		*i = at + 2;
		out[0] = simple;
		return 1;
	}
	if (c != 'u' || !is_hex4(s + at + 2, n - at - 2)) {
		*i = at + 1;
		out[0] = '\\';
		return 1;
	}
	uint32_t cp = hex4(s + at + 2);
	*i = at + 6;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		size_t j = at + 6;
		if (j + 6 <= n && s[j] == '\\' && s[j + 1] == 'u' &&
		    is_hex4(s + j + 2, n - j - 2)) {
			uint32_t lo = hex4(s + j + 2);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				*i = j + 6;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				return ug_utf8_encode(cp, out);
			}
		}
		cp = 0xFFFD;
	} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
		cp = 0xFFFD;
	}
	return ug_utf8_encode(cp, out);
}

/* decode_escape, with the escapes of Windows paths and of quoted command
 * lines (backslash, double quote) inline. */
static inline size_t decode_one(const char *s, size_t n, size_t *i, char out[4])
{
	if (*i + 1 < n && (s[*i + 1] == '\\' || s[*i + 1] == '"')) {
		out[0] = s[*i + 1];
		*i += 2;
		return 1;
	}
	return decode_escape(s, n, i, out);
}

/* Decode raw (a string body) into out, which holds at least raw.n bytes:
 * no escape decodes to more bytes than it is written with, so the output
 * never overtakes the input (o <= i), which lets the SSE2 loop store whole
 * 16-byte blocks ahead of what it keeps. Runs between escapes are short in
 * Windows paths, so no library calls per run. */
static size_t decode_into(ug_sv raw, char *out)
{
	const char *s = raw.p;
	size_t n = raw.n, o = 0, i = 0;
#if defined(__SSE2__)
	const __m128i bslash = _mm_set1_epi8('\\');
	while (i + 16 <= n) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		_mm_storeu_si128((__m128i *)(void *)(out + o), v);
		unsigned bits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, bslash));
		if (!bits) {
			i += 16;
			o += 16;
			continue;
		}
		unsigned z = (unsigned)__builtin_ctz(bits);
		i += z;
		o += z;
		o += decode_one(s, n, &i, out + o);
	}
#endif
	while (i < n) {
		if (s[i] != '\\')
			out[o++] = s[i++];
		else
			o += decode_one(s, n, &i, out + o);
	}
	return o;
}

ug_sv ug_json_string(const ug_json_tok *tok, ug_arena *arena)
{
	if (!tok->escaped)
		return tok->raw;
	if (!arena)
		return UG_SV_NULL;
	char *out = ug_arena_alloc(arena, tok->raw.n ? tok->raw.n : 1);
	if (!out)
		return UG_SV_NULL;
	return (ug_sv){out, decode_into(tok->raw, out)};
}

ug_sv ug_json_scalar_text(const ug_json_tok *tok, ug_arena *arena)
{
	switch (tok->type) {
	case UG_JSON_STRING: return ug_json_string(tok, arena);
	case UG_JSON_NULL: return (ug_sv){tok->raw.p, 0};
	default: /* numbers and literals as written; containers as their JSON text */
		return tok->raw;
	}
}

/* ---- lookup ------------------------------------------------------------ */

/* How much of s the key's decoded text matches as a prefix: the key's
 * decoded length when the key is a prefix of s, else SIZE_MAX. */
static size_t key_prefix_of(const ug_json_tok *key, ug_sv s)
{
	if (!key->escaped) {
		/* the first byte turns most keys away without a memcmp call */
		if (key->raw.n > s.n || (key->raw.n && key->raw.p[0] != s.p[0]) ||
		    memcmp(key->raw.p, s.p, key->raw.n) != 0)
			return SIZE_MAX;
		return key->raw.n;
	}
	size_t i = 0, o = 0;
	const char *r = key->raw.p;
	size_t n = key->raw.n;
	while (i < n) {
		char buf[4];
		size_t k;
		if (r[i] == '\\') {
			k = decode_escape(r, n, &i, buf);
		} else {
			buf[0] = r[i++];
			k = 1;
		}
		if (o + k > s.n || memcmp(s.p + o, buf, k) != 0)
			return SIZE_MAX;
		o += k;
	}
	return o;
}

uint32_t ug_json_get(const ug_json_doc *doc, uint32_t obj, ug_sv key)
{
	if (obj >= doc->ntoks || doc->toks[obj].type != UG_JSON_OBJECT)
		return 0;
	const ug_json_tok *t = doc->toks;
	for (uint32_t i = obj + 1; i < t[obj].end; i = t[i + 1].end)
		if (key_prefix_of(&t[i], key) == key.n)
			return i + 1;
	return 0;
}

uint32_t ug_json_get_path(const ug_json_doc *doc, uint32_t obj, ug_sv dotted)
{
	if (obj >= doc->ntoks || doc->toks[obj].type != UG_JSON_OBJECT)
		return 0;
	const ug_json_tok *t = doc->toks;
	/* a key may hold dots itself ("id.orig_h"): at each level try the member
	 * that is the whole rest of the path, or a prefix of it that names an
	 * object to descend into; first match in document order wins */
	for (uint32_t i = obj + 1; i < t[obj].end; i = t[i + 1].end) {
		size_t m = key_prefix_of(&t[i], dotted);
		if (m == dotted.n)
			return i + 1;
		if (m == SIZE_MAX || dotted.p[m] != '.' || t[i + 1].type != UG_JSON_OBJECT)
			continue;
		uint32_t v = ug_json_get_path(doc, i + 1, ug_sv_sub(dotted, m + 1, dotted.n));
		if (v)
			return v;
	}
	return 0;
}
