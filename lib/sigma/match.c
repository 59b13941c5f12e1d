/* match.c — evaluating one compiled rule on one event (docs/sigma.md,
 * "Matching"): field lookup through the logsource's renames, each value's
 * matcher, items (AND/OR/neq over values), identifiers (OR of maps, each an
 * AND of items), the condition tree, and the rule's filters.
 *
 * Case-insensitive means ASCII case folding (rule literals are lower-cased
 * once when compiled; event bytes are folded as they are compared).
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "sigma/sigma_int.h"

/* ---- fields ---- */

/* The last dotted component of an event's field name, spaces dropped, equals
 * the Sigma name (ASCII case-insensitive). Only names with a space qualify. */
static bool eq_without_spaces(ug_sv evname, ug_sv name)
{
	if (evname.n <= name.n) /* at least one space more than name */
		return false;
	/* the last non-space byte is name's last: tested first, since this runs
	 * for every longer field name when a name is absent */
	char c = evname.p[evname.n - 1];
	if (name.n && c != ' ' && ug_ascii_lower(c) != ug_ascii_lower(name.p[name.n - 1]))
		return false;
	size_t dot = ug_sv_rfind_char(evname, '.');
	ug_sv last = dot == SIZE_MAX ? evname : ug_sv_make(evname.p + dot + 1, evname.n - dot - 1);
	if (ug_sv_find_char(last, ' ') == SIZE_MAX)
		return false;
	size_t j = 0;
	for (size_t i = 0; i < last.n; i++) {
		if (last.p[i] == ' ')
			continue;
		if (j >= name.n || ug_ascii_lower(last.p[i]) != ug_ascii_lower(name.p[j]))
			return false;
		j++;
	}
	return j == name.n;
}

/* One pass over the fields: an exact name ends it; otherwise the first of
 * each weaker kind is remembered and the strongest found wins (the same
 * result as one scan per kind, in this order). */
const ug_field *sg_find_field(const ug_event *ev, ug_sv name, uint16_t canon)
{
	if (canon != UG_F_NONE && ev->canon_idx[canon])
		return &ev->fields[ev->canon_idx[canon] - 1];
	uint32_t nocase = UINT32_MAX, dotted = UINT32_MAX, spaces = UINT32_MAX;
	for (uint32_t i = 0; i < ev->nfields; i++) {
		ug_sv n = ev->fields[i].name;
		if (n.n == name.n) {
			if (!n.n || memcmp(n.p, name.p, n.n) == 0)
				return &ev->fields[i];
			if (nocase == UINT32_MAX && ug_sv_eq_nocase(n, name))
				nocase = i;
		} else if (nocase == UINT32_MAX && n.n > name.n) {
			if (dotted == UINT32_MAX && n.p[n.n - name.n - 1] == '.' && ug_sv_ends_with(n, name))
				dotted = i; /* "winlog.event_data.Name" */
			else if (dotted == UINT32_MAX && spaces == UINT32_MAX && eq_without_spaces(n, name))
				spaces = i; /* "Threat Name" is ThreatName (spec: spaces stripped) */
		}
	}
	uint32_t i = nocase != UINT32_MAX ? nocase : dotted != UINT32_MAX ? dotted : spaces;
	return i != UINT32_MAX ? &ev->fields[i] : NULL;
}

ug_sv sg_field_get(const sg_eval *e, ug_sv field, uint16_t canon, bool *present)
{
	if (e->src) {
		for (uint32_t i = 0; i < e->src->nrenames; i++) {
			if (ug_sv_eq(e->src->renames[i].from, field)) {
				field = e->src->renames[i].to;
				canon = (uint16_t)ug_field_lookup(field);
				break;
			}
		}
	}
	const ug_field *f = sg_find_field(e->ev, field, canon);
	*present = f != NULL;
	return f ? (ug_sv){f->value.p ? f->value.p : "", f->value.n} : UG_SV_NULL;
}

/* ---- values ---- */

static bool eq_ci(const char *a, const char *lower, size_t n, bool cased)
{
	if (cased)
		return memcmp(a, lower, n) == 0;
	for (size_t i = 0; i < n; i++)
		if (ug_ascii_lower(a[i]) != lower[i])
			return false;
	return true;
}

/* ---- lower-cased values, once per event ---- */

void sg_lowcache_free(sg_lowcache *lc)
{
	free(lc->stamp);
	free(lc->off);
	free(lc->buf);
	memset(lc, 0, sizeof(*lc));
}

/* Field f's value s lower-cased, from e's cache; NULL when there is no
 * cache or no memory (the caller folds as it compares then). The buffer
 * starts over with every event (ug_sigma_match sets len to 0). */
static const char *lowered(const sg_eval *e, uint32_t f, ug_sv s)
{
	sg_lowcache *lc = e->low;
	if (!lc || !e->slot_stamp)
		return NULL;
	if (lc->nfields < e->ev->nfields) {
		size_t n = e->ev->nfields;
		uint32_t *st = calloc(n, sizeof(*st)), *off = calloc(n, sizeof(*off));
		if (!st || !off) {
			free(st);
			free(off);
			return NULL;
		}
		free(lc->stamp);
		free(lc->off);
		lc->stamp = st;
		lc->off = off;
		lc->nfields = n;
	}
	if (lc->stamp[f] == e->stamp)
		return lc->buf + lc->off[f];
	if (lc->cap - lc->len < s.n) {
		size_t cap = lc->cap ? lc->cap : 4096;
		while (cap - lc->len < s.n)
			cap *= 2;
		char *b = realloc(lc->buf, cap);
		if (!b)
			return NULL;
		lc->buf = b;
		lc->cap = cap;
	}
	ug_sv_lower_into(s, lc->buf + lc->len);
	lc->stamp[f] = e->stamp;
	lc->off[f] = (uint32_t)lc->len;
	lc->len += s.n;
	return lc->buf + lc->off[f];
}

static bool find_ci(ug_sv hay, ug_sv needle, bool cased)
{
	if (needle.n == 0)
		return true;
	if (hay.n < needle.n)
		return false;
	char c0 = needle.p[0];
	char c1 = cased ? c0 : (c0 >= 'a' && c0 <= 'z' ? (char)(c0 - 32) : c0);
	size_t last = hay.n - needle.n;
	for (size_t i = 0; i <= last; i++) {
		const char *p = memchr(hay.p + i, c0, last - i + 1);
		const char *q = c1 != c0 ? memchr(hay.p + i, c1, last - i + 1) : NULL;
		if (q && (!p || q < p))
			p = q;
		if (!p)
			return false;
		i = (size_t)(p - hay.p);
		if (eq_ci(p + 1, needle.p + 1, needle.n - 1, cased))
			return true;
	}
	return false;
}

/* needle in a lower-cased haystack (both folded): memchr for its first
 * byte, then its second, then the rest (glibc's memmem sets up a table per
 * call, too much for the short values and many needles here). */
static bool find_lowered(ug_sv hay, ug_sv needle)
{
	if (needle.n == 0)
		return true;
	if (hay.n < needle.n)
		return false;
	const char *p = hay.p, *last = hay.p + (hay.n - needle.n);
	char c0 = needle.p[0];
	while (p <= last) {
		p = memchr(p, c0, (size_t)(last - p) + 1);
		if (!p)
			return false;
		if (needle.n == 1 || (p[1] == needle.p[1] && memcmp(p + 2, needle.p + 2, needle.n - 2) == 0))
			return true;
		p++;
	}
	return false;
}

static bool str_match(uint8_t kind, ug_sv lit, bool cased, ug_sv s)
{
	switch (kind) {
	case SG_M_EQ:
		return s.n == lit.n && eq_ci(s.p, lit.p, lit.n, cased);
	case SG_M_PREFIX:
		return s.n >= lit.n && eq_ci(s.p, lit.p, lit.n, cased);
	case SG_M_SUFFIX:
		return s.n >= lit.n && eq_ci(s.p + s.n - lit.n, lit.p, lit.n, cased);
	case SG_M_CONTAINS:
		return find_ci(s, lit, cased);
	default:
		return false;
	}
}

/* An event's address, parsed once for all the CIDR values of an item. */
typedef struct ipaddr {
	int8_t fam;              /* 0: not parsed yet, 4 or 6, -1: not an address */
	uint8_t ip[16];
} ipaddr;

/* inet_pton of one family only succeeds on its own syntax (IPv6 needs a
 * ':', IPv4 has none), so the family follows from the text. */
static void ip_parse(ug_sv s, ipaddr *a)
{
	char buf[64];
	a->fam = -1;
	if (s.n == 0 || s.n >= sizeof(buf))
		return;
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	char *pct = strchr(buf, '%'); /* IPv6 zone */
	if (pct)
		*pct = '\0';
	int fam = memchr(buf, ':', strlen(buf)) ? 6 : 4;
	if (inet_pton(fam == 4 ? AF_INET : AF_INET6, buf, a->ip) == 1)
		a->fam = (int8_t)fam;
}

static bool cidr_match(const sg_val *v, ug_sv s, ipaddr *a)
{
	if (!a->fam)
		ip_parse(s, a);
	if (a->fam != (int)v->fam) /* -1 (not an address) never equals 4 or 6 */
		return false;
	size_t full = v->bits / 8, rest = v->bits % 8;
	if (memcmp(a->ip, v->ip, full) != 0)
		return false;
	if (!rest)
		return true;
	uint8_t mask = (uint8_t)(0xFF << (8 - rest));
	return (a->ip[full] & mask) == (v->ip[full] & mask);
}

static bool to_number(ug_sv s, uint8_t tpart, double *out)
{
	if (tpart != SG_T_NONE) {
		ug_time t;
		if (ug_time_parse_any(s, NULL, &t) != UG_OK)
			return false;
		int y, mo, d, h, mi, sec;
		ug_time_to_civil(t, &y, &mo, &d, &h, &mi, &sec, NULL);
		switch (tpart) {
		case SG_T_MINUTE: *out = mi; break;
		case SG_T_HOUR: *out = h; break;
		case SG_T_DAY: *out = d; break;
		case SG_T_MONTH: *out = mo; break;
		case SG_T_YEAR: *out = y; break;
		default: { /* ISO week number */
			int64_t days = t / ((int64_t)86400 * 1000000000);
			int wday = (int)(((days % 7) + 7 + 3) % 7); /* Monday = 0; 1970-01-01 was a Thursday */
			ug_time jan1;
			ug_time_from_civil(y, 1, 1, 0, 0, 0, 0, &jan1);
			int yday = (int)(days - jan1 / ((int64_t)86400 * 1000000000));
			int wk = (yday - wday + 10) / 7;
			*out = wk < 1 ? 52 : wk > 52 ? 52 : wk;
		}
		}
		return true;
	}
	char buf[64];
	s = ug_sv_trim(s);
	if (s.n == 0 || s.n >= sizeof(buf))
		return false;
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	char *end;
	*out = (s.n > 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) ? (double)strtoull(buf, &end, 16)
	                                                                      : strtod(buf, &end);
	return *end == '\0' && isfinite(*out);
}

static bool num_match(const sg_val *v, ug_sv s)
{
	double x;
	if (!to_number(s, v->tpart, &x))
		return false;
	switch (v->cmp) {
	case SG_CMP_LT: return x < v->num;
	case SG_CMP_LTE: return x <= v->num;
	case SG_CMP_GT: return x > v->num;
	case SG_CMP_GTE: return x >= v->num;
	default: return x == v->num;
	}
}

static bool fieldref_match(const sg_val *v, const sg_eval *e, ug_sv s)
{
	bool present;
	ug_sv other = sg_slot_get(e, v->refslot, &present);
	if (!present)
		return false;
	if (v->cased)
		return str_match(v->refpos, other, true, s);
	/* fold the reference once: literals are expected in lower case */
	char stackbuf[256];
	char *low = other.n <= sizeof(stackbuf) ? stackbuf : malloc(other.n);
	if (!low)
		return false;
	ug_sv_lower_into(other, low);
	bool r = str_match(v->refpos, ug_sv_make(low, other.n), false, s);
	if (low != stackbuf)
		free(low);
	return r;
}

/* What the values of an item are matched against: the field's value, its
 * lower-cased copy when made (low), its address once parsed (CIDR values). */
typedef struct subject {
	bool present;
	ug_sv s;
	const char *low;
	ipaddr ip;
} subject;

static bool val_match(const sg_val *v, const sg_eval *e, subject *x)
{
	bool present = x->present;
	ug_sv s = x->s;
	switch (v->kind) {
	case SG_M_NULL:
		return !present || s.n == 0;
	case SG_M_EXISTS:
		return present == v->exists;
	default:
		break;
	}
	if (!present)
		return false;
	switch (v->kind) {
	case SG_M_GLOB:
		return sg_glob_match(v, s);
	case SG_M_RE:
		return pcre2_match(v->re, (PCRE2_SPTR)s.p, s.n, 0, 0, e->md, NULL) >= 0;
	case SG_M_CIDR:
		return cidr_match(v, s, &x->ip);
	case SG_M_NUM:
		return num_match(v, s);
	case SG_M_FIELDREF:
		return fieldref_match(v, e, s);
	case SG_M_CONTAINS:
		if (x->low && !v->cased) /* s.n > 0 */
			return find_lowered(ug_sv_make(x->low, s.n), v->lit);
		return str_match(v->kind, v->lit, v->cased, s);
	default:
		return str_match(v->kind, v->lit, v->cased, s);
	}
}

/* ---- items, identifiers, conditions ---- */

static bool any_value(const sg_item *it, const sg_eval *e, subject *x)
{
	for (uint32_t i = 0; i < it->nv; i++)
		if (val_match(&it->v[i], e, x))
			return true;
	return false;
}

/* Keyword: a value matches when some field's value matches it. */
static bool keyword_value(const sg_val *v, const sg_eval *e)
{
	for (uint32_t f = 0; f < e->ev->nfields; f++)
		if (val_match(v, e, &(subject){true, e->ev->fields[f].value, NULL, {0, {0}}}))
			return true;
	return false;
}

static bool item_match(const sg_item *it, const sg_eval *e)
{
	if (!it->field.n) {
		bool any = false;
		for (uint32_t i = 0; i < it->nv; i++) {
			bool m = keyword_value(&it->v[i], e);
			if (it->all && !m)
				return false;
			any |= m;
			if (m && !it->all)
				break;
		}
		return it->neq ? !any : any;
	}
	uint32_t at = sg_slot_index(e, sg_slot_renamed(e->src, it->slot));
	subject x = {at != 0, UG_SV_NULL, NULL, {0, {0}}};
	if (at) {
		ug_sv v = e->ev->fields[at - 1].value;
		x.s = (ug_sv){v.p ? v.p : "", v.n};
		if (it->folds && v.n)
			x.low = lowered(e, at - 1, x.s);
	}
	if (it->neq)
		return !any_value(it, e, &x);
	if (!it->all)
		return any_value(it, e, &x);
	for (uint32_t i = 0; i < it->nv; i++)
		if (!val_match(&it->v[i], e, &x))
			return false;
	return true;
}

static bool sel_match(const sg_sel *sel, const sg_eval *e)
{
	for (uint32_t m = 0; m < sel->n; m++) {
		uint32_t i = 0;
		while (i < sel->maps[m].n && item_match(&sel->maps[m].items[i], e))
			i++;
		if (i == sel->maps[m].n)
			return true;
	}
	return false;
}

static bool sel_eval(const sg_rule *r, uint32_t i, sg_eval *e)
{
	bool m = sel_match(&r->sels[i], e);
	if (m && i < 64)
		e->selmask |= (uint64_t)1 << i;
	return m;
}

static bool cond_eval(const sg_rule *r, const sg_cond *c, sg_eval *e)
{
	switch (c->op) {
	case SG_C_SEL:
		return sel_eval(r, c->sel, e);
	case SG_C_AND:
		return cond_eval(r, c->a, e) && cond_eval(r, c->b, e);
	case SG_C_OR:
		return cond_eval(r, c->a, e) || cond_eval(r, c->b, e);
	case SG_C_NOT:
		return !cond_eval(r, c->a, e);
	case SG_C_ANY:
		for (uint32_t i = 0; i < c->nsels; i++)
			if (sel_eval(r, c->sels[i], e))
				return true;
		return false;
	default:
		for (uint32_t i = 0; i < c->nsels; i++)
			if (!sel_eval(r, c->sels[i], e))
				return false;
		return true;
	}
}

/* ---- logsources ---- */

/* Channel names compare case-insensitively; they are almost always written
 * as the mapping writes them, so an exact compare decides first. */
static bool channel_eq(ug_sv a, ug_sv b)
{
	return a.n == b.n && (!a.n || memcmp(a.p, b.p, a.n) == 0 || ug_sv_eq_nocase(a, b));
}

/* Cheapest tests first: kind, EventID, then the channel's name. */
bool sg_src_accepts(const sg_src *src, const ug_event *ev)
{
	if (src->kind >= 0 && (int)ev->kind != src->kind)
		return false;
	if (src->neids) {
		uint32_t i = 0;
		while (i < src->neids && src->eids[i] != ev->event_id)
			i++;
		if (i == src->neids)
			return false;
	}
	if (src->nchannels) {
		uint32_t i = 0;
		while (i < src->nchannels && !channel_eq(src->channels[i], ev->channel))
			i++;
		if (i == src->nchannels)
			return false;
	}
	for (uint32_t i = 0; i < src->nconds; i++) {
		ug_sv v = ug_event_get_by_name(ev, src->cond_fields[i]);
		if (!ug_sv_eq_nocase(v, src->cond_values[i]))
			return false;
	}
	return true;
}

const sg_src *sg_src_of(const sg_rule *r, const ug_event *ev)
{
	for (uint32_t i = 0; i < r->nsrcs; i++)
		if (sg_src_accepts(&r->srcs[i], ev))
			return &r->srcs[i];
	return NULL;
}

static bool filtered(const ug_sigma *s, const sg_rule *r, sg_eval *e)
{
	uint64_t mask = e->selmask;
	const sg_src *src = e->src;
	bool hit = false;
	for (uint32_t i = 0; i < r->nfilters && !hit; i++) {
		const sg_rule *f = s->filters[r->filters[i]];
		e->src = f->nsrcs ? sg_src_of(f, e->ev) : src;
		if (f->nsrcs && !e->src)
			continue; /* the filter's logsource does not cover this event */
		hit = cond_eval(f, f->cond, e);
	}
	e->selmask = mask;
	e->src = src;
	return hit;
}

bool sg_rule_eval(const ug_sigma *s, const sg_rule *r, sg_eval *e)
{
	e->selmask = 0;
	if (!cond_eval(r, r->cond, e))
		return false;
	return !r->nfilters || !filtered(s, r, e);
}
