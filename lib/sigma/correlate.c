/* correlate.c — Sigma correlation rules (correlation specification 2.x:
 * event_count, value_count, temporal, temporal_ordered, and value_sum,
 * value_avg, value_percentile) over the hits of the rules they reference.
 *
 * The consumer feeds every event with hits (any order: several files are
 * not one timeline); for each hit of a referenced rule we keep a small
 * record (time, which correlation and which of its rules, the group-by
 * values, the value field, provenance). At the end the records are sorted by
 * time and run through a sliding window of `timespan` per correlation and
 * group. A correlation that fires emits a hit and feeds the correlations that
 * reference it (chains), with its group. After firing, the group's window
 * starts over. Memory grows with kept hits, never with events.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "sigma/sigma_int.h"

typedef struct crec {
	ug_time t;
	uint32_t corr;      /* index of the correlation rule in s->rules */
	uint32_t k;         /* which of its rules */
	ug_sv group, value;
	uint32_t source;
	uint64_t record;
	const char *host;
	uint64_t seq;       /* input order, for a stable sort */
} crec;

typedef struct went {
	ug_time t;
	uint32_t k;
	ug_sv value;
} went;

typedef struct gstate {
	went *v;
	size_t head, n, cap;
} gstate;

struct sg_corr_state {
	crec *recs;
	size_t n, cap;
	ug_arena arena;
	ug_map groups;       /* "corr\x1fgroup" -> gstate * */
	uint64_t seq;
};

void sg_corr_state_free(sg_corr_state *cs)
{
	if (!cs)
		return;
	size_t it = 0;
	ug_map_entry *e;
	while ((e = ug_map_next(&cs->groups, &it)))
		if (e->value) {
			free(((gstate *)e->value)->v);
			free(e->value);
		}
	ug_map_free(&cs->groups);
	ug_arena_free(&cs->arena);
	free(cs->recs);
	free(cs);
}

/* ---- resolving references ---- */

static int find_rule(const ug_sigma *s, ug_sv ref)
{
	for (size_t i = 0; i < s->nrules; i++) {
		const sg_rule *r = s->rules[i];
		if ((*r->pub.id && ug_sv_eq_cstr(ref, r->pub.id)) || (*r->pub.name && ug_sv_eq_cstr(ref, r->pub.name)))
			return (int)i;
	}
	return -1;
}

/* Depth of correlation chains; -1 on a cycle. */
static int chain_depth(const ug_sigma *s, const sg_rule *r, int depth)
{
	if (depth > 16)
		return -1;
	if (r->kind != SG_R_CORR)
		return 0;
	int worst = 0;
	for (uint32_t i = 0; i < r->corr->nrules; i++) {
		int j = find_rule(s, r->corr->rules[i]);
		if (j < 0)
			continue;
		int d = chain_depth(s, s->rules[j], depth + 1);
		if (d < 0)
			return -1;
		worst = d + 1 > worst ? d + 1 : worst;
	}
	return worst;
}

static const char *unresolved(const ug_sigma *s, const sg_rule *r)
{
	for (uint32_t i = 0; i < r->corr->nrules; i++)
		if (find_rule(s, r->corr->rules[i]) < 0)
			return "correlation refers to a rule that is not loaded (by id or name)";
	if (chain_depth(s, r, 0) < 0)
		return "correlation rules refer to each other in a cycle";
	return NULL;
}

const char *sg_corr_resolve(ug_sigma *s)
{
	/* drop correlations whose references do not resolve (repeat: dropping one may break another) */
	for (bool changed = true; changed;) {
		changed = false;
		for (size_t i = 0; i < s->nrules; i++) {
			sg_rule *r = s->rules[i];
			const char *why = r->kind == SG_R_CORR ? unresolved(s, r) : NULL;
			if (!why)
				continue;
			sg_reject(s, r->pub.path, r->doc, r->pub.title, "%s", why);
			memmove(&s->rules[i], &s->rules[i + 1], (s->nrules - i - 1) * sizeof(sg_rule *));
			s->nrules--;
			changed = true;
			break;
		}
	}
	for (size_t i = 0; i < s->nrules; i++) {
		sg_rule *r = s->rules[i];
		if (r->kind != SG_R_CORR)
			continue;
		r->corr->rule_idx = ug_arena_alloc(&s->arena, r->corr->nrules * sizeof(uint32_t));
		if (!r->corr->rule_idx)
			return "out of memory";
		for (uint32_t k = 0; k < r->corr->nrules; k++) {
			int j = find_rule(s, r->corr->rules[k]);
			r->corr->rule_idx[k] = (uint32_t)j;
			s->rules[j]->referenced = true;
			if (!r->pub.generate)
				s->rules[j]->pub.generate = false;
		}
		r->pub.generate = true; /* the correlation itself always reports */
		r->pub.mapped = true;
	}
	return NULL;
}

bool ug_sigma_has_correlations(const ug_sigma *s)
{
	for (size_t i = 0; i < s->nrules; i++)
		if (s->rules[i]->kind == SG_R_CORR)
			return true;
	return false;
}

/* ---- keeping records ---- */

/* Field name for group-by name g in events of rule `rule` (aliases). */
static ug_sv alias_field(const ug_sigma *s, const sg_corr *c, ug_sv g, uint32_t rule)
{
	const sg_rule *r = s->rules[rule];
	for (uint32_t i = 0; i < c->naliases; i++)
		if (ug_sv_eq(c->alias_names[i], g) &&
		    ((*r->pub.name && ug_sv_eq_cstr(c->alias_rules[i], r->pub.name)) ||
		     (*r->pub.id && ug_sv_eq_cstr(c->alias_rules[i], r->pub.id))))
			return c->alias_fields[i];
	return g;
}

static ug_sv event_value(const ug_sigma *s, uint32_t rule, const ug_event *ev, ug_sv field)
{
	sg_eval e = {0};
	e.ev = ev;
	e.src = sg_src_of(s->rules[rule], ev);
	bool present;
	ug_sv v = sg_field_get(&e, field, (uint16_t)ug_field_lookup(field), &present);
	return present ? v : UG_SV_NULL;
}

static int keep_rec(sg_corr_state *cs, const crec *r)
{
	crec *v = sg_grow(cs->recs, &cs->cap, cs->n + 1, sizeof(*v));
	if (!v)
		return UG_ERR_NOMEM;
	cs->recs = v;
	v[cs->n] = *r;
	v[cs->n++].seq = cs->seq++;
	return UG_OK;
}

static int keep_hit(ug_sigma *s, const ug_event *ev, uint32_t rule, uint32_t ci, uint32_t k)
{
	sg_corr_state *cs = s->cs;
	const sg_corr *c = s->rules[ci]->corr;
	ug_buf g = UG_BUF_INIT;
	for (uint32_t i = 0; i < c->ngroup; i++) {
		if (i)
			ug_buf_puts(&g, "; ");
		ug_buf_append_sv(&g, c->group[i]);
		ug_buf_putc(&g, '=');
		ug_buf_append_sv(&g, event_value(s, rule, ev, alias_field(s, c, c->group[i], rule)));
	}
	crec r = {ev->ts, ci, k, ug_arena_dup(&cs->arena, ug_buf_sv(&g)),
	          c->field.n ? ug_arena_dup(&cs->arena, event_value(s, rule, ev, c->field)) : UG_SV_NULL,
	          ev->source, ev->record, ug_arena_dup(&cs->arena, ev->host).p, 0};
	ug_buf_free(&g);
	if (!r.group.p || !r.host)
		return UG_ERR_NOMEM;
	return keep_rec(cs, &r);
}

int ug_sigma_correlate(ug_sigma *s, const ug_event *ev, const ug_sigma_hit *hits, size_t nhits)
{
	if (!s->cs) {
		if (!(s->cs = calloc(1, sizeof(*s->cs))))
			return UG_ERR_NOMEM;
		ug_arena_init(&s->cs->arena, 0);
		ug_map_init(&s->cs->groups, false);
	}
	if (ev->ts == UG_TIME_INVALID)
		return UG_OK; /* no time, no window */
	for (size_t h = 0; h < nhits; h++) {
		if (!s->rules[hits[h].rule]->referenced)
			continue;
		for (size_t ci = 0; ci < s->nrules; ci++) {
			const sg_rule *c = s->rules[ci];
			if (c->kind != SG_R_CORR)
				continue;
			for (uint32_t k = 0; k < c->corr->nrules; k++)
				if (c->corr->rule_idx[k] == hits[h].rule) {
					int rc = keep_hit(s, ev, hits[h].rule, (uint32_t)ci, k);
					if (rc != UG_OK)
						return rc;
				}
		}
	}
	return UG_OK;
}

/* ---- evaluating ---- */

static bool cond_holds(const sg_corr *c, double x, double dflt_eq)
{
	bool any = false;
	for (int i = 0; i < 5; i++)
		any |= c->has[i];
	if (!any)
		return x == dflt_eq;
	if (c->has[SG_CB_GT] && !(x > c->bound[SG_CB_GT]))
		return false;
	if (c->has[SG_CB_GTE] && !(x >= c->bound[SG_CB_GTE]))
		return false;
	if (c->has[SG_CB_LT] && !(x < c->bound[SG_CB_LT]))
		return false;
	if (c->has[SG_CB_LTE] && !(x <= c->bound[SG_CB_LTE]))
		return false;
	if (c->has[SG_CB_EQ] && !(x == c->bound[SG_CB_EQ]))
		return false;
	return true;
}

static double to_num(ug_sv v)
{
	char buf[64];
	if (!v.n || v.n >= sizeof(buf))
		return NAN;
	memcpy(buf, v.p, v.n);
	buf[v.n] = '\0';
	char *end;
	double d = strtod(buf, &end);
	return *end ? NAN : d;
}

/* The measure the correlation's condition is about, over the window. */
static double measure(const sg_corr *c, const gstate *g)
{
	const went *w = g->v + g->head;
	size_t n = g->n - g->head;
	switch (c->type) {
	case SG_CT_EVENT_COUNT:
		return (double)n;
	case SG_CT_VALUE_COUNT: {
		size_t distinct = 0;
		for (size_t i = 0; i < n; i++) {
			size_t j = 0;
			while (j < i && !ug_sv_eq(w[j].value, w[i].value))
				j++;
			distinct += j == i && w[i].value.p;
		}
		return (double)distinct;
	}
	case SG_CT_VALUE_SUM:
	case SG_CT_VALUE_AVG: {
		double sum = 0;
		size_t cnt = 0;
		for (size_t i = 0; i < n; i++) {
			double x = to_num(w[i].value);
			if (!isnan(x))
				sum += x, cnt++;
		}
		return c->type == SG_CT_VALUE_SUM ? sum : cnt ? sum / (double)cnt : NAN;
	}
	case SG_CT_VALUE_PERCENTILE: { /* share (%) of the window holding the newest event's value */
		size_t same = 0;
		for (size_t i = 0; i < n; i++)
			same += ug_sv_eq(w[i].value, w[n - 1].value);
		return n ? 100.0 * (double)same / (double)n : NAN;
	}
	case SG_CT_TEMPORAL: {
		size_t distinct = 0;
		for (uint32_t k = 0; k < c->nrules; k++) {
			size_t i = 0;
			while (i < n && w[i].k != k)
				i++;
			distinct += i < n;
		}
		return (double)distinct;
	}
	default: { /* temporal_ordered: the rules in order, greedily */
		uint32_t want = 0;
		for (size_t i = 0; i < n && want < c->nrules; i++)
			if (w[i].k == want)
				want++;
		return (double)want;
	}
	}
}

typedef struct emit_ctx {
	ug_sigma *s;
	void (*fn)(const ug_sigma_corr_hit *h, void *user);
	void *user;
	ug_buf key;
} emit_ctx;

static gstate *group_of(emit_ctx *x, uint32_t corr, ug_sv group)
{
	ug_buf_clear(&x->key);
	ug_buf_printf(&x->key, "%u\x1f", corr);
	ug_buf_append_sv(&x->key, group);
	bool created = false;
	ug_map_entry *e = ug_map_upsert(&x->s->cs->groups, ug_buf_sv(&x->key), &created);
	if (!e)
		return NULL;
	if (!e->value)
		e->value = calloc(1, sizeof(gstate));
	return e->value;
}

static int process(emit_ctx *x, const crec *r, int depth);

static int fire(emit_ctx *x, const crec *r, gstate *g, int depth)
{
	ug_sigma *s = x->s;
	ug_sigma_corr_hit h = {r->corr, g->v[g->head].t, r->t, r->group.p ? r->group.p : "",
	                       (uint64_t)(g->n - g->head), r->source, r->record, r->host};
	x->fn(&h, x->user);
	g->head = g->n = 0; /* the window starts over */
	for (size_t ci = 0; ci < s->nrules; ci++) {
		const sg_rule *p = s->rules[ci];
		if (p->kind != SG_R_CORR)
			continue;
		for (uint32_t k = 0; k < p->corr->nrules; k++) {
			if (p->corr->rule_idx[k] != r->corr)
				continue;
			crec up = *r;
			up.corr = (uint32_t)ci;
			up.k = k;
			up.value = r->group;
			int rc = process(x, &up, depth + 1);
			if (rc != UG_OK)
				return rc;
		}
	}
	return UG_OK;
}

static int process(emit_ctx *x, const crec *r, int depth)
{
	if (depth > 16)
		return UG_OK;
	const sg_corr *c = x->s->rules[r->corr]->corr;
	gstate *g = group_of(x, r->corr, r->group);
	if (!g)
		return UG_ERR_NOMEM;
	while (g->head < g->n && g->v[g->head].t < r->t - c->span)
		g->head++;
	if (g->head > 1024 && g->head * 2 > g->n) { /* compact */
		memmove(g->v, g->v + g->head, (g->n - g->head) * sizeof(went));
		g->n -= g->head;
		g->head = 0;
	}
	went *v = sg_grow(g->v, &g->cap, g->n + 1, sizeof(*v));
	if (!v)
		return UG_ERR_NOMEM;
	g->v = v;
	v[g->n++] = (went){r->t, r->k, r->value};
	double m = measure(c, g);
	bool temporal = c->type == SG_CT_TEMPORAL || c->type == SG_CT_TEMPORAL_ORDERED;
	if (!isnan(m) && cond_holds(c, m, temporal ? (double)c->nrules : NAN))
		return fire(x, r, g, depth);
	return UG_OK;
}

static int cmp_rec(const void *a, const void *b)
{
	const crec *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int ug_sigma_correlate_end(ug_sigma *s, void (*fn)(const ug_sigma_corr_hit *h, void *user), void *user)
{
	if (!s->cs)
		return UG_OK;
	qsort(s->cs->recs, s->cs->n, sizeof(crec), cmp_rec);
	emit_ctx x = {s, fn, user, UG_BUF_INIT};
	int rc = UG_OK;
	for (size_t i = 0; i < s->cs->n && rc == UG_OK; i++)
		rc = process(&x, &s->cs->recs[i], 0);
	ug_buf_free(&x.key);
	return rc;
}
