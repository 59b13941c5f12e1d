/* value.c — one `field|mod|mod: values` entry of a detection, compiled into
 * sg_val matchers (docs/sigma.md, "Values and modifiers").
 *
 * A string value is first read as a Sigma string: `*` and `?` are wildcards,
 * `\` escapes `*`, `?` and `\` (a backslash before anything else is itself),
 * and with `expand`, unescaped `%name%` are placeholders. It is kept as bytes
 * plus a flag per byte (literal, '*', '?', windash class), then the
 * modifiers transform it left to right (expand, utf16*, base64*, windash,
 * contains/startswith/endswith), and finally it becomes the cheapest matcher
 * that is exact for it (equality, prefix, suffix, substring, or a glob).
 * Type modifiers (re, cidr, lt..gte, time parts, fieldref, exists) take the
 * raw scalar instead. A construct the specification does not define is a
 * reason to reject the rule, returned as text.
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "sigma/sigma_int.h"

/* A Sigma string under construction: bytes and per-byte SG_G_* flags. */
typedef struct sstr {
	uint8_t *b, *f;
	size_t n, cap;
} sstr;

typedef struct slist {
	sstr *v;
	size_t n, cap;
} slist;

static void ss_free(sstr *s) { free(s->b); free(s->f); memset(s, 0, sizeof(*s)); }

static void sl_free(slist *l)
{
	for (size_t i = 0; i < l->n; i++)
		ss_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static bool ss_put(sstr *s, uint8_t b, uint8_t f)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		uint8_t *nb = realloc(s->b, cap), *nf;
		if (!nb)
			return false;
		s->b = nb;
		if (!(nf = realloc(s->f, cap)))
			return false;
		s->f = nf;
		s->cap = cap;
	}
	s->b[s->n] = b;
	s->f[s->n++] = f;
	return true;
}

static bool ss_copy(sstr *dst, const sstr *src)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < src->n; i++)
		if (!ss_put(dst, src->b[i], src->f[i]))
			return false;
	return true;
}

static bool sl_push(slist *l, sstr *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		sstr *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return false;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *s;
	memset(s, 0, sizeof(*s));
	return true;
}

static bool ss_has_wild(const sstr *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->f[i] != SG_G_LIT)
			return true;
	return false;
}

/* ---- reading Sigma strings ---- */

/* Append raw[from..to) read as a Sigma string (wildcards and escapes). */
static bool read_plain(sstr *out, ug_sv raw)
{
	for (size_t i = 0; i < raw.n; i++) {
		char c = raw.p[i];
		if (c == '\\' && i + 1 < raw.n && (raw.p[i + 1] == '*' || raw.p[i + 1] == '?' ||
		                                   raw.p[i + 1] == '\\' || raw.p[i + 1] == '%')) {
			/* `\%` only escapes under expand; read_expand handles that before */
			if (raw.p[i + 1] == '%') {
				if (!ss_put(out, '\\', SG_G_LIT))
					return false;
				continue;
			}
			if (!ss_put(out, (uint8_t)raw.p[++i], SG_G_LIT))
				return false;
			continue;
		}
		uint8_t f = c == '*' ? SG_G_STAR : c == '?' ? SG_G_ONE : SG_G_LIT;
		if (!ss_put(out, (uint8_t)c, f))
			return false;
	}
	return true;
}

/* Cartesian product: every string of *acc followed by every one of add. */
static bool sl_product(slist *acc, const slist *add)
{
	slist next = {0};
	for (size_t i = 0; i < acc->n; i++) {
		for (size_t j = 0; j < add->n; j++) {
			sstr s;
			if (!ss_copy(&s, &acc->v[i]))
				goto fail;
			for (size_t k = 0; k < add->v[j].n; k++)
				if (!ss_put(&s, add->v[j].b[k], add->v[j].f[k])) {
					ss_free(&s);
					goto fail;
				}
			if (!sl_push(&next, &s)) {
				ss_free(&s);
				goto fail;
			}
		}
	}
	sl_free(acc);
	*acc = next;
	return true;
fail:
	sl_free(&next);
	return false;
}

static bool sl_single(slist *l, ug_sv raw)
{
	sstr s = {0};
	if (!read_plain(&s, raw) || !sl_push(l, &s)) {
		ss_free(&s);
		return false;
	}
	return true;
}

#define MAX_EXPANSION 4096

/* With expand: split at unescaped %name% and substitute the placeholder's
 * values (each itself a Sigma string). *why set when a placeholder is
 * unknown. */
static bool read_expand(ug_sigma *s, ug_sv raw, slist *out, const char **why)
{
	slist acc = {0};
	sstr empty = {0};
	if (!sl_push(&acc, &empty))
		return false;
	size_t i = 0;
	while (i < raw.n) {
		size_t j = i;
		ug_buf lit = UG_BUF_INIT;
		while (j < raw.n && raw.p[j] != '%') {
			if (raw.p[j] == '\\' && j + 1 < raw.n && raw.p[j + 1] == '%') {
				ug_buf_puts(&lit, "%");
				j += 2;
				continue;
			}
			ug_buf_putc(&lit, raw.p[j++]);
		}
		slist part = {0};
		bool ok = sl_single(&part, ug_buf_sv(&lit)) && sl_product(&acc, &part);
		ug_buf_free(&lit);
		sl_free(&part);
		if (!ok)
			goto fail;
		if (j >= raw.n)
			break;
		size_t end = j + 1;
		while (end < raw.n && raw.p[end] != '%')
			end++;
		if (end >= raw.n) { /* a lone '%' is a plain character */
			slist pct = {0};
			ok = sl_single(&pct, ug_sv_make(raw.p + j, raw.n - j)) && sl_product(&acc, &pct);
			sl_free(&pct);
			if (!ok)
				goto fail;
			break;
		}
		ug_sv name = ug_sv_make(raw.p + j + 1, end - j - 1);
		const sg_strlist *vals = ug_map_get(&s->placeholders, name);
		if (!vals) {
			char *msg = ug_arena_alloc(&s->arena, name.n + 96);
			if (msg)
				snprintf(msg, name.n + 96, "unresolved placeholder %%%.*s%% (|expand needs --placeholders)",
				         UG_SV_ARG(name));
			*why = msg ? msg : "unresolved placeholder";
			sl_free(&acc);
			return true;
		}
		slist alt = {0};
		for (size_t k = 0; k < vals->n; k++)
			if (!sl_single(&alt, vals->v[k])) {
				sl_free(&alt);
				goto fail;
			}
		ok = sl_product(&acc, &alt);
		sl_free(&alt);
		if (!ok || acc.n > MAX_EXPANSION)
			goto fail;
		i = end + 1;
	}
	for (size_t k = 0; k < acc.n; k++)
		if (!sl_push(out, &acc.v[k]))
			goto fail;
	free(acc.v);
	return true;
fail:
	sl_free(&acc);
	return false;
}

/* ---- transformations ---- */

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_encode(const uint8_t *p, size_t n, ug_buf *out)
{
	size_t i = 0;
	for (; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		char q[4] = {b64chars[v >> 18], b64chars[(v >> 12) & 63], b64chars[(v >> 6) & 63], b64chars[v & 63]};
		ug_buf_append(out, q, 4);
	}
	if (i + 1 == n) {
		uint32_t v = (uint32_t)p[i] << 16;
		char q[4] = {b64chars[v >> 18], b64chars[(v >> 12) & 63], '=', '='};
		ug_buf_append(out, q, 4);
	} else if (i + 2 == n) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		char q[4] = {b64chars[v >> 18], b64chars[(v >> 12) & 63], b64chars[(v >> 6) & 63], '='};
		ug_buf_append(out, q, 4);
	}
}

static bool ss_from_bytes(sstr *s, const char *p, size_t n)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < n; i++)
		if (!ss_put(s, (uint8_t)p[i], SG_G_LIT))
			return false;
	return true;
}

/* base64: the whole value encoded (with padding). base64offset: the three
 * encodings of the value shifted by 0, 1 and 2 bytes, cut to the characters
 * that do not depend on the unknown neighbours. */
static bool t_base64(slist *l, bool offset)
{
	slist out = {0};
	for (size_t i = 0; i < l->n; i++) {
		const sstr *v = &l->v[i];
		for (size_t sh = 0; sh < (offset ? 3u : 1u); sh++) {
			uint8_t *tmp = malloc(v->n + 2);
			if (!tmp)
				goto fail;
			memset(tmp, ' ', sh);
			if (v->n)
				memcpy(tmp + sh, v->b, v->n);
			ug_buf enc = UG_BUF_INIT;
			b64_encode(tmp, v->n + sh, &enc);
			free(tmp);
			size_t from = 0, to = enc.len;
			if (offset) {
				static const size_t start[3] = {0, 2, 3};
				static const size_t cut_end[3] = {0, 3, 2}; /* by (len + shift) % 3 */
				from = start[sh];
				to = enc.len - cut_end[(v->n + sh) % 3];
				if (to < from)
					to = from;
			}
			sstr s = {0};
			bool ok = ug_buf_ok(&enc) && ss_from_bytes(&s, enc.p + from, to - from);
			ug_buf_free(&enc);
			if (!ok || !sl_push(&out, &s)) {
				ss_free(&s); /* a partial string, or one the list could not take */
				goto fail;
			}
		}
	}
	sl_free(l);
	*l = out;
	return true;
fail:
	sl_free(&out);
	return false;
}

/* UTF-8 -> UTF-16 (le/be), optionally with a BOM. */
static bool t_utf16(slist *l, bool be, bool bom)
{
	for (size_t i = 0; i < l->n; i++) {
		sstr *v = &l->v[i], s = {0};
		bool ok = true;
		if (bom)
			ok = be ? ss_put(&s, 0xFE, 0) && ss_put(&s, 0xFF, 0) : ss_put(&s, 0xFF, 0) && ss_put(&s, 0xFE, 0);
		for (size_t k = 0; ok && k < v->n;) {
			size_t len = ug_utf8_valid_prefix(v->b + k, v->n - k);
			uint32_t cp = v->b[k];
			if (len == 0)
				len = 1, cp = 0xFFFD;
			else if (len == 2)
				cp = (uint32_t)(v->b[k] & 0x1F) << 6 | (v->b[k + 1] & 0x3F);
			else if (len == 3)
				cp = (uint32_t)(v->b[k] & 0x0F) << 12 | (uint32_t)(v->b[k + 1] & 0x3F) << 6 | (v->b[k + 2] & 0x3F);
			else if (len == 4)
				cp = (uint32_t)(v->b[k] & 0x07) << 18 | (uint32_t)(v->b[k + 1] & 0x3F) << 12 |
				     (uint32_t)(v->b[k + 2] & 0x3F) << 6 | (v->b[k + 3] & 0x3F);
			k += len;
			uint16_t units[2];
			int nu = 1;
			if (cp >= 0x10000) {
				cp -= 0x10000;
				units[0] = (uint16_t)(0xD800 | (cp >> 10));
				units[1] = (uint16_t)(0xDC00 | (cp & 0x3FF));
				nu = 2;
			} else {
				units[0] = (uint16_t)cp;
			}
			for (int u = 0; ok && u < nu; u++) {
				uint8_t hi = (uint8_t)(units[u] >> 8), lo = (uint8_t)units[u];
				ok = be ? ss_put(&s, hi, 0) && ss_put(&s, lo, 0) : ss_put(&s, lo, 0) && ss_put(&s, hi, 0);
			}
		}
		if (!ok) {
			ss_free(&s);
			return false;
		}
		ss_free(v);
		*v = s;
	}
	return true;
}

/* windash: every '-', '/', U+2013, U+2014, U+2015 becomes a position that
 * matches any of them (the specification's "all permutations", without
 * enumerating them). */
static bool t_windash(slist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		sstr *v = &l->v[i], s = {0};
		for (size_t k = 0; k < v->n; k++) {
			bool dash = v->f[k] == SG_G_LIT && (v->b[k] == '-' || v->b[k] == '/');
			size_t skip = 0;
			if (v->f[k] == SG_G_LIT && k + 2 < v->n && v->b[k] == 0xE2 && v->b[k + 1] == 0x80 &&
			    v->b[k + 2] >= 0x93 && v->b[k + 2] <= 0x95)
				dash = true, skip = 2;
			if (!ss_put(&s, dash ? '-' : v->b[k], dash ? SG_G_DASH : v->f[k])) {
				ss_free(&s);
				return false;
			}
			k += skip;
		}
		ss_free(v);
		*v = s;
	}
	return true;
}

static bool t_wrap(slist *l, bool head, bool tail)
{
	for (size_t i = 0; i < l->n; i++) {
		sstr *v = &l->v[i];
		if (tail && !(v->n && v->f[v->n - 1] == SG_G_STAR) && !ss_put(v, '*', SG_G_STAR))
			return false;
		if (head && !(v->n && v->f[0] == SG_G_STAR)) {
			if (!ss_put(v, 0, 0))
				return false;
			memmove(v->b + 1, v->b, v->n - 1);
			memmove(v->f + 1, v->f, v->n - 1);
			v->b[0] = '*';
			v->f[0] = SG_G_STAR;
		}
	}
	return true;
}

/* ---- finishing string matchers ---- */

static void finish_str(ug_arena *a, const sstr *v, bool cased, sg_val *out)
{
	memset(out, 0, sizeof(*out));
	out->cased = cased;
	bool lead = v->n && v->f[0] == SG_G_STAR, trail = v->n > 1 && v->f[v->n - 1] == SG_G_STAR;
	if (v->n == 1 && lead) /* "*" alone: any value (present) */
		trail = false;
	bool inner_wild = false;
	for (size_t i = lead; i < v->n - (size_t)trail; i++)
		if (v->f[i] != SG_G_LIT)
			inner_wild = true;
	char *b = ug_arena_alloc(a, v->n + 1);
	uint8_t *f = ug_arena_alloc(a, v->n + 1);
	if (!b || !f) {
		out->kind = SG_M_EQ;
		return;
	}
	for (size_t i = 0; i < v->n; i++) {
		b[i] = cased ? (char)v->b[i] : ug_ascii_lower((char)v->b[i]);
		f[i] = v->f[i];
	}
	if (inner_wild || (v->n == 1 && lead)) {
		out->kind = SG_M_GLOB;
		out->lit = ug_sv_make(b, v->n);
		out->gf = f;
		return;
	}
	size_t from = lead, to = v->n - (size_t)trail;
	out->lit = ug_sv_make(b + from, to - from);
	out->kind = lead && trail ? SG_M_CONTAINS : lead ? SG_M_SUFFIX : trail ? SG_M_PREFIX : SG_M_EQ;
}

/* ---- modifiers ---- */

enum {
	MD_CONTAINS = 1u << 0, MD_STARTS = 1u << 1, MD_ENDS = 1u << 2, MD_ALL = 1u << 3,
	MD_EXISTS = 1u << 4, MD_CASED = 1u << 5, MD_NEQ = 1u << 6, MD_RE = 1u << 7,
	MD_CIDR = 1u << 8, MD_FIELDREF = 1u << 9, MD_EXPAND = 1u << 10, MD_NUM = 1u << 11,
	MD_ENC = 1u << 12, MD_RE_I = 1u << 13, MD_RE_M = 1u << 14, MD_RE_S = 1u << 15,
	MD_WINDASH = 1u << 16, MD_TIME = 1u << 17,
};

typedef struct mods {
	uint32_t set;
	uint8_t cmp, tpart;
	char order[16];  /* transforms in order: 'w' windash, 'b' base64, 'o' base64offset,
	                    'l' utf16le, 'e' utf16be, 'u' utf16, 'c' contains, 's' startswith, 'n' endswith */
	size_t norder;
} mods;

static const char *parse_mods(ug_sv list, mods *m, ug_arena *a)
{
	memset(m, 0, sizeof(*m));
	while (list.n) {
		ug_sv mod = ug_sv_split_next(&list, '|');
		char t = 0;
		if (ug_sv_eq_cstr(mod, "contains")) m->set |= MD_CONTAINS, t = 'c';
		else if (ug_sv_eq_cstr(mod, "startswith")) m->set |= MD_STARTS, t = 's';
		else if (ug_sv_eq_cstr(mod, "endswith")) m->set |= MD_ENDS, t = 'n';
		else if (ug_sv_eq_cstr(mod, "all")) m->set |= MD_ALL;
		else if (ug_sv_eq_cstr(mod, "exists")) m->set |= MD_EXISTS;
		else if (ug_sv_eq_cstr(mod, "cased")) m->set |= MD_CASED;
		else if (ug_sv_eq_cstr(mod, "neq")) m->set |= MD_NEQ;
		else if (ug_sv_eq_cstr(mod, "windash")) m->set |= MD_WINDASH, t = 'w';
		else if (ug_sv_eq_cstr(mod, "re")) m->set |= MD_RE;
		else if (ug_sv_eq_cstr(mod, "i") && (m->set & MD_RE)) m->set |= MD_RE_I;
		else if (ug_sv_eq_cstr(mod, "m") && (m->set & MD_RE)) m->set |= MD_RE_M;
		else if (ug_sv_eq_cstr(mod, "s") && (m->set & MD_RE)) m->set |= MD_RE_S;
		else if (ug_sv_eq_cstr(mod, "base64")) m->set |= MD_ENC, t = 'b';
		else if (ug_sv_eq_cstr(mod, "base64offset")) m->set |= MD_ENC, t = 'o';
		else if (ug_sv_eq_cstr(mod, "utf16le") || ug_sv_eq_cstr(mod, "wide")) m->set |= MD_ENC, t = 'l';
		else if (ug_sv_eq_cstr(mod, "utf16be")) m->set |= MD_ENC, t = 'e';
		else if (ug_sv_eq_cstr(mod, "utf16")) m->set |= MD_ENC, t = 'u';
		else if (ug_sv_eq_cstr(mod, "lt")) m->set |= MD_NUM, m->cmp = SG_CMP_LT;
		else if (ug_sv_eq_cstr(mod, "lte")) m->set |= MD_NUM, m->cmp = SG_CMP_LTE;
		else if (ug_sv_eq_cstr(mod, "gt")) m->set |= MD_NUM, m->cmp = SG_CMP_GT;
		else if (ug_sv_eq_cstr(mod, "gte")) m->set |= MD_NUM, m->cmp = SG_CMP_GTE;
		else if (ug_sv_eq_cstr(mod, "minute")) m->set |= MD_TIME, m->tpart = SG_T_MINUTE;
		else if (ug_sv_eq_cstr(mod, "hour")) m->set |= MD_TIME, m->tpart = SG_T_HOUR;
		else if (ug_sv_eq_cstr(mod, "day")) m->set |= MD_TIME, m->tpart = SG_T_DAY;
		else if (ug_sv_eq_cstr(mod, "week")) m->set |= MD_TIME, m->tpart = SG_T_WEEK;
		else if (ug_sv_eq_cstr(mod, "month")) m->set |= MD_TIME, m->tpart = SG_T_MONTH;
		else if (ug_sv_eq_cstr(mod, "year")) m->set |= MD_TIME, m->tpart = SG_T_YEAR;
		else if (ug_sv_eq_cstr(mod, "cidr")) m->set |= MD_CIDR;
		else if (ug_sv_eq_cstr(mod, "fieldref")) m->set |= MD_FIELDREF;
		else if (ug_sv_eq_cstr(mod, "expand")) m->set |= MD_EXPAND;
		else {
			char *msg = ug_arena_alloc(a, mod.n + 40);
			if (msg)
				snprintf(msg, mod.n + 40, "unknown modifier '%.*s'", UG_SV_ARG(mod));
			return msg ? msg : "unknown modifier";
		}
		if (t) {
			if (m->norder == sizeof(m->order))
				return "too many modifiers";
			m->order[m->norder++] = t;
		}
	}
	int pos = !!(m->set & MD_CONTAINS) + !!(m->set & MD_STARTS) + !!(m->set & MD_ENDS);
	if (pos > 1)
		return "contradicting modifiers (more than one of contains, startswith, endswith)";
	if ((m->set & MD_RE) && (m->set & (MD_ENC | MD_WINDASH | MD_CIDR | MD_NUM | MD_CONTAINS | MD_STARTS | MD_ENDS)))
		return "|re combined with a modifier it cannot take";
	if ((m->set & MD_CIDR) && (m->set & ~(MD_CIDR | MD_ALL | MD_NEQ)))
		return "|cidr combined with a modifier it cannot take";
	return NULL;
}

static const char *apply_transforms(const mods *m, slist *l)
{
	for (size_t i = 0; i < m->norder; i++) {
		char t = m->order[i];
		if (strchr("bolue", t))
			for (size_t k = 0; k < l->n; k++)
				if (ss_has_wild(&l->v[k]))
					return "wildcard in a value the rule encodes (base64/utf16 of a pattern is undefined)";
		bool ok = true;
		switch (t) {
		case 'w': ok = t_windash(l); break;
		case 'b': ok = t_base64(l, false); break;
		case 'o': ok = t_base64(l, true); break;
		case 'l': ok = t_utf16(l, false, false); break;
		case 'e': ok = t_utf16(l, true, false); break;
		case 'u': ok = t_utf16(l, false, true); break;
		case 'c': ok = t_wrap(l, true, true); break;
		case 's': ok = t_wrap(l, false, true); break;
		case 'n': ok = t_wrap(l, true, false); break;
		default: break;
		}
		if (!ok)
			return "out of memory";
	}
	return NULL;
}

/* ---- type modifiers ---- */

static const char *compile_re(ug_arena *a, const mods *m, ug_sv raw, sg_val *v)
{
	uint32_t flags = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	if (m->set & MD_RE_I)
		flags |= PCRE2_CASELESS;
	if (m->set & MD_RE_M)
		flags |= PCRE2_MULTILINE;
	if (m->set & MD_RE_S)
		flags |= PCRE2_DOTALL;
	int ec;
	PCRE2_SIZE off;
	v->kind = SG_M_RE;
	v->re = pcre2_compile((PCRE2_SPTR)raw.p, raw.n, flags, &ec, &off, NULL);
	if (!v->re)
		return "regular expression does not compile (PCRE2)";
	pcre2_jit_compile(v->re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter if JIT fails */
	v->lit = ug_arena_dup(a, raw); /* the pattern, for the prefilter's literals (relit.c) */
	return v->lit.p || !raw.n ? NULL : "out of memory";
}

static const char *compile_cidr(ug_sv raw, sg_val *v)
{
	char buf[64];
	size_t slash = ug_sv_find_char(raw, '/');
	ug_sv addr = slash == SIZE_MAX ? raw : ug_sv_make(raw.p, slash);
	if (addr.n >= sizeof(buf))
		return "bad CIDR";
	memcpy(buf, addr.p, addr.n);
	buf[addr.n] = '\0';
	v->kind = SG_M_CIDR;
	if (inet_pton(AF_INET, buf, v->ip) == 1)
		v->fam = 4;
	else if (inet_pton(AF_INET6, buf, v->ip) == 1)
		v->fam = 6;
	else
		return "bad CIDR address";
	uint64_t bits = v->fam == 4 ? 32 : 128;
	if (slash != SIZE_MAX && (!ug_sv_to_u64(ug_sv_make(raw.p + slash + 1, raw.n - slash - 1), &bits) ||
	                          bits > (v->fam == 4 ? 32u : 128u)))
		return "bad CIDR prefix length";
	v->bits = (uint8_t)bits;
	return NULL;
}

static bool parse_double(ug_sv s, double *out)
{
	char buf[64];
	if (s.n == 0 || s.n >= sizeof(buf))
		return false;
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	char *end;
	*out = strtod(buf, &end);
	return *end == '\0' && isfinite(*out);
}

/* One value of an item (it may expand into several sg_val). */
static const char *compile_value(ug_sigma *s, const mods *m, const sg_raw *raw, bool keyword,
                                 sg_val **vals, uint32_t *nv, size_t *cap)
{
	sg_val v;
	memset(&v, 0, sizeof(v));
	v.cased = (m->set & MD_CASED) != 0;
	if (m->set & MD_EXISTS)
		return "|exists takes true or false";
	if (raw->null) {
		v.kind = SG_M_NULL;
	} else if (m->set & MD_RE) {
		const char *why = compile_re(&s->arena, m, raw->s, &v);
		if (why)
			return why;
	} else if (m->set & MD_CIDR) {
		const char *why = compile_cidr(raw->s, &v);
		if (why)
			return why;
	} else if (m->set & (MD_NUM | MD_TIME)) {
		v.kind = SG_M_NUM;
		v.cmp = (m->set & MD_NUM) ? m->cmp : SG_CMP_EQ;
		v.tpart = m->tpart;
		if (!parse_double(raw->s, &v.num))
			return "numeric modifier on a value that is not a number";
	} else if (m->set & MD_FIELDREF) {
		v.kind = SG_M_FIELDREF;
		v.refpos = (m->set & MD_CONTAINS) ? SG_M_CONTAINS : (m->set & MD_STARTS) ? SG_M_PREFIX
		           : (m->set & MD_ENDS) ? SG_M_SUFFIX : SG_M_EQ;
		char *name = sg_strdup(&s->arena, raw->s);
		v.lit = ug_sv_make(name, raw->s.n);
		v.refcanon = (uint16_t)ug_field_lookup(raw->s);
	} else {
		slist l = {0};
		const char *why = NULL;
		bool ok = (m->set & MD_EXPAND) ? read_expand(s, raw->s, &l, &why) : sl_single(&l, raw->s);
		if (ok && !why)
			why = apply_transforms(m, &l);
		if (ok && !why && keyword && !(m->set & (MD_CONTAINS | MD_STARTS | MD_ENDS)))
			ok = t_wrap(&l, true, true);
		for (size_t i = 0; ok && !why && i < l.n; i++) {
			sg_val *arr = sg_grow(*vals, cap, *nv + 1, sizeof(sg_val));
			if (!arr) {
				ok = false;
				break;
			}
			*vals = arr;
			finish_str(&s->arena, &l.v[i], v.cased, &arr[(*nv)++]);
		}
		sl_free(&l);
		return !ok ? "out of memory" : why;
	}
	sg_val *arr = sg_grow(*vals, cap, *nv + 1, sizeof(sg_val));
	if (!arr)
		return "out of memory";
	*vals = arr;
	arr[(*nv)++] = v;
	return NULL;
}

static const char *compile_exists(const sg_raw *vals, size_t nvals, sg_item *it, ug_arena *a)
{
	if (nvals != 1 || vals[0].null)
		return "|exists takes one value, true or false";
	bool t = ug_sv_eq_nocase(vals[0].s, UG_SV("true")), f = ug_sv_eq_nocase(vals[0].s, UG_SV("false"));
	if (!t && !f)
		return "|exists takes true or false";
	it->v = ug_arena_calloc(a, 1, sizeof(sg_val));
	if (!it->v)
		return "out of memory";
	it->v->kind = SG_M_EXISTS;
	it->v->exists = t;
	it->nv = 1;
	return NULL;
}

const char *sg_item_compile(ug_sigma *s, sg_item *it, ug_sv field, ug_sv modlist, const sg_raw *vals,
                            size_t nvals, bool keyword)
{
	memset(it, 0, sizeof(*it));
	mods m;
	const char *why = parse_mods(modlist, &m, &s->arena);
	if (why)
		return why;
	it->field = field;
	it->canon = (uint16_t)ug_field_lookup(field);
	it->all = (m.set & MD_ALL) != 0;
	it->neq = (m.set & MD_NEQ) != 0;
	if (it->all && nvals < 2 && !keyword)
		return "|all on a single value (the specification forbids it)";
	if (nvals == 0)
		return "a field with an empty list of values";
	if (m.set & MD_EXISTS)
		return compile_exists(vals, nvals, it, &s->arena);
	sg_val *tmp = NULL;
	uint32_t nv = 0;
	size_t cap = 0;
	for (size_t i = 0; i < nvals && !why; i++)
		why = compile_value(s, &m, &vals[i], keyword, &tmp, &nv, &cap);
	if (!why && it->all && (m.set & MD_EXPAND) && nv != nvals)
		why = "|all with a placeholder that expands to several values";
	if (!why) {
		it->v = ug_arena_alloc(&s->arena, nv * sizeof(sg_val));
		if (!it->v && nv)
			why = "out of memory";
		else if (nv)
			memcpy(it->v, tmp, nv * sizeof(sg_val));
		it->nv = nv;
		for (uint32_t i = 0; i < nv; i++)
			it->folds += tmp[i].kind == SG_M_CONTAINS && !tmp[i].cased;
	}
	if (why)
		for (uint32_t i = 0; i < nv; i++)
			pcre2_code_free(tmp[i].re);
	free(tmp);
	return why;
}

/* ---- glob matching ---- */

/* Bytes of the UTF-8 character at s[i] (1 for invalid bytes). */
static size_t char_len(ug_sv s, size_t i)
{
	size_t n = ug_utf8_valid_prefix((const unsigned char *)s.p + i, s.n - i);
	return n ? n : 1;
}

/* Length of the windash character at s[i], or 0. */
static size_t dash_len(ug_sv s, size_t i)
{
	if (s.p[i] == '-' || s.p[i] == '/')
		return 1;
	if (i + 2 < s.n && (uint8_t)s.p[i] == 0xE2 && (uint8_t)s.p[i + 1] == 0x80 &&
	    (uint8_t)s.p[i + 2] >= 0x93 && (uint8_t)s.p[i + 2] <= 0x95)
		return 3;
	return 0;
}

/* Classic wildcard matching with one backtrack point (the last '*'):
 * linear in practice, worst case O(n*m). */
bool sg_glob_match(const sg_val *v, ug_sv s)
{
	const char *p = v->lit.p;
	const uint8_t *f = v->gf;
	size_t pn = v->lit.n, pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0;
	while (si < s.n) {
		if (pi < pn && f[pi] == SG_G_STAR) {
			star_p = ++pi;
			star_s = si;
			continue;
		}
		if (pi < pn) {
			size_t adv = 0;
			if (f[pi] == SG_G_ONE)
				adv = char_len(s, si);
			else if (f[pi] == SG_G_DASH)
				adv = dash_len(s, si);
			else if ((v->cased ? s.p[si] : ug_ascii_lower(s.p[si])) == p[pi])
				adv = 1;
			if (adv) {
				pi++;
				si += adv;
				continue;
			}
		}
		if (star_p == SIZE_MAX)
			return false;
		pi = star_p;
		si = ++star_s;
	}
	while (pi < pn && f[pi] == SG_G_STAR)
		pi++;
	return pi == pn;
}
