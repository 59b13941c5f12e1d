/* sigma.c — the public API of the Sigma engine (include/updguard/sigma.h):
 * creating a set, compiling it (logsources, filters, correlations,
 * prefilters), per-thread scratch, matching one event, describing a hit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/str.h"
#include "sigma/sigma_int.h"

static const char *const level_names[] = {"informational", "low", "medium", "high", "critical"};

const char *ug_sigma_level_name(ug_sigma_level l)
{
	return (unsigned)l < UG_ARRAY_LEN(level_names) ? level_names[l] : "unknown";
}

bool ug_sigma_level_parse(const char *name, ug_sigma_level *out)
{
	for (size_t i = 0; i < UG_ARRAY_LEN(level_names); i++)
		if (strcmp(name, level_names[i]) == 0) {
			*out = (ug_sigma_level)i;
			return true;
		}
	return false;
}

char *sg_strdup(ug_arena *a, ug_sv s) { return (char *)ug_arena_dup(a, s).p; }

void *sg_grow(void *p, size_t *cap, size_t n, size_t elem)
{
	if (n <= *cap)
		return p;
	size_t c = *cap ? *cap : 8;
	while (c < n)
		c *= 2;
	void *q = realloc(p, c * elem);
	if (q)
		*cap = c;
	return q;
}

int ug_sigma_create(ug_sigma **out, const ug_sigma_opts *opts, ug_error *err)
{
	*out = NULL;
	ug_sigma *s = calloc(1, sizeof(*s));
	if (!s)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	if (opts)
		s->opts = *opts;
	ug_arena_init(&s->arena, 0);
	ug_map_init(&s->placeholders, false);
	char buf[4096];
	const char *mp = s->opts.mapping_file ? s->opts.mapping_file : sg_mapping_default_path(buf, sizeof(buf));
	int rc = sg_mapping_load(&s->mapping, mp, err);
	if (rc == UG_OK && s->opts.placeholders_file)
		rc = sg_placeholders_load(s, s->opts.placeholders_file, err);
	if (rc != UG_OK) {
		ug_sigma_free(s);
		return rc;
	}
	*out = s;
	return UG_OK;
}

int ug_sigma_load_string(ug_sigma *s, const char *name, ug_sv yaml, ug_error *err)
{
	if (s->compiled)
		return ug_error_set(err, UG_ERR_INVALID, "rules loaded after ug_sigma_compile");
	return sg_load_yaml(s, name, yaml);
}

static void free_regexes(sg_rule *r)
{
	for (uint32_t i = 0; i < r->nsels; i++)
		for (uint32_t m = 0; m < r->sels[i].n; m++)
			for (uint32_t k = 0; k < r->sels[i].maps[m].n; k++)
				for (uint32_t v = 0; v < r->sels[i].maps[m].items[k].nv; v++)
					pcre2_code_free(r->sels[i].maps[m].items[k].v[v].re);
}

void ug_sigma_free(ug_sigma *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nrules; i++)
		free_regexes(s->rules[i]);
	for (size_t i = 0; i < s->nfilters; i++)
		free_regexes(s->filters[i]);
	free(s->rules);
	free(s->filters);
	free(s->rejects.v);
	sg_prefilter_free(s->pf);
	sg_slots_free(s);
	sg_corr_state_free(s->cs);
	sg_mapping_free(&s->mapping);
	ug_map_free(&s->placeholders);
	ug_arena_free(&s->arena);
	free(s);
}

/* ---- compile ---- */

static bool same_logsource(const sg_rule *a, const sg_rule *b)
{
	return ug_sv_eq(a->product, b->product) && ug_sv_eq(a->category, b->category) &&
	       ug_sv_eq(a->service, b->service);
}

static bool filter_applies(const sg_rule *f, const sg_rule *r)
{
	if (f->filter_any)
		return same_logsource(f, r);
	for (uint32_t i = 0; i < f->nfilter_rules; i++)
		if ((*r->pub.id && ug_sv_eq_cstr(f->filter_rules[i], r->pub.id)) ||
		    (*r->pub.name && ug_sv_eq_cstr(f->filter_rules[i], r->pub.name)))
			return true;
	return false;
}

static int attach_filters(ug_sigma *s)
{
	for (size_t i = 0; i < s->nrules; i++) {
		sg_rule *r = s->rules[i];
		if (r->kind != SG_R_DETECT)
			continue;
		uint32_t n = 0;
		for (size_t f = 0; f < s->nfilters; f++)
			n += filter_applies(s->filters[f], r);
		if (!n)
			continue;
		r->filters = ug_arena_alloc(&s->arena, n * sizeof(uint32_t));
		if (!r->filters)
			return UG_ERR_NOMEM;
		for (size_t f = 0; f < s->nfilters; f++)
			if (filter_applies(s->filters[f], r))
				r->filters[r->nfilters++] = (uint32_t)f;
	}
	return UG_OK;
}

static int resolve_sources(ug_sigma *s, sg_rule *r)
{
	int rc = sg_mapping_resolve(&s->mapping, &s->arena, r->product, r->category, r->service, &r->srcs,
	                            &r->nsrcs);
	r->pub.mapped = r->nsrcs > 0;
	return rc;
}

int ug_sigma_compile(ug_sigma *s, ug_error *err)
{
	if (s->compiled)
		return UG_OK;
	int rc = UG_OK;
	for (size_t i = 0; i < s->nrules && rc == UG_OK; i++)
		if (s->rules[i]->kind == SG_R_DETECT)
			rc = resolve_sources(s, s->rules[i]);
	for (size_t i = 0; i < s->nfilters && rc == UG_OK; i++)
		rc = resolve_sources(s, s->filters[i]);
	if (rc == UG_OK)
		rc = attach_filters(s);
	if (rc != UG_OK)
		return ug_error_set(err, rc, "out of memory");
	const char *why = sg_corr_resolve(s);
	if (why)
		return ug_error_set(err, UG_ERR_NOMEM, "%s", why);
	if (sg_slots_build(s) != UG_OK)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	rc = sg_prefilter_build(s, err);
	if (rc == UG_OK)
		s->compiled = true;
	return rc;
}

size_t ug_sigma_rule_count(const ug_sigma *s) { return s->nrules; }
const ug_sigma_rule *ug_sigma_rule_at(const ug_sigma *s, size_t i) { return i < s->nrules ? &s->rules[i]->pub : NULL; }
size_t ug_sigma_reject_count(const ug_sigma *s) { return s->rejects.n; }
const ug_sigma_reject *ug_sigma_reject_at(const ug_sigma *s, size_t i) { return i < s->rejects.n ? &s->rejects.v[i] : NULL; }
size_t ug_sigma_excluded_count(const ug_sigma *s) { return s->excluded; }

/* ---- scratch and matching ---- */

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}


int ug_sigma_scratch_new(const ug_sigma *s, ug_sigma_scratch **out)
{
	*out = NULL;
	if (!s->compiled)
		return UG_ERR_INVALID;
	ug_sigma_scratch *sc = calloc(1, sizeof(*sc));
	if (!sc)
		return UG_ERR_NOMEM;
	sc->s = s;
	size_t n = s->nrules ? s->nrules : 1;
	sc->stamp = calloc(n, sizeof(uint32_t));
	sc->cand = calloc(n, sizeof(uint32_t));
	sc->ccap = n;
	sc->e.md = pcre2_match_data_create(1, NULL);
	sc->e.slots = s->slots;
	sc->e.low = &sc->low;
	sc->e.slot_stamp = calloc(s->nslots + 1, sizeof(uint32_t));
	sc->e.slot_at = calloc(s->nslots + 1, sizeof(uint32_t));
	if (!sc->stamp || !sc->cand || !sc->e.md || !sc->e.slot_stamp || !sc->e.slot_at ||
	    sg_prefilter_scratch(s->pf, &sc->hs) != UG_OK) {
		ug_sigma_scratch_free(sc);
		return UG_ERR_NOMEM;
	}
	const char *dbg = s->debug ? getenv("UG_SIGMA_DEBUG") : NULL;
	if (dbg && dbg[0] == '2') {
		sc->rule_ns = calloc(n, sizeof(uint64_t));
		sc->rule_evals = calloc(n, sizeof(uint64_t));
	}
	*out = sc;
	return UG_OK;
}

static size_t s_rules(const ug_sigma_scratch *sc) { return sc->s->nrules; }

void ug_sigma_scratch_free(ug_sigma_scratch *sc)
{
	if (!sc)
		return;
	if (sc->s->debug && sc->st.events) {
		const struct sg_stats *t = &sc->st;
		double n = (double)t->events;
		fprintf(stderr,
		        "sigma scratch: %llu events; per event: %.2f buckets, %.0f bytes scanned in %.1f values, "
		        "%.1f literal hits, %.1f pairs, %.1f candidates (%.1f always), %.3f hits, %.0f ns\n",
		        (unsigned long long)t->events, (double)t->buckets / n, (double)t->text_bytes / n,
		        (double)t->segs / n, (double)t->lit_hits / n, (double)t->pairs / n, (double)t->cands / n,
		        (double)t->always / n, (double)t->hits / n, (double)t->ns / n);
	}
	if (sc->rule_ns) {
		for (int k = 0; k < 25; k++) { /* the 25 costliest rules */
			size_t best = SIZE_MAX;
			for (size_t i = 0; i < s_rules(sc); i++)
				if (sc->rule_ns[i] && (best == SIZE_MAX || sc->rule_ns[i] > sc->rule_ns[best]))
					best = i;
			if (best == SIZE_MAX)
				break;
			fprintf(stderr, "  %8.0f ns/event %6.2f evals/event  %s\n", (double)sc->rule_ns[best] / (double)sc->st.events,
			        (double)sc->rule_evals[best] / (double)sc->st.events, sc->s->rules[best]->pub.path);
			sc->rule_ns[best] = 0;
		}
	}
	free(sc->rule_ns);
	free(sc->rule_evals);
	sg_prefilter_scratch_free(sc->hs);
	pcre2_match_data_free(sc->e.md);
	sg_lowcache_free(&sc->low);
	free(sc->e.slot_stamp);
	free(sc->e.slot_at);
	free(sc->stamp);
	free(sc->cand);
	free(sc->hits);
	ug_buf_free(&sc->text);
	free(sc->segs);
	free(sc->fmark);
	ug_buf_free(&sc->key);
	free(sc);
}

/* UG_SIGMA_CHECK: the rules that match ev without being candidates (the
 * prefilter must never drop one). */
static void check_missed(const ug_sigma *s, ug_sigma_scratch *sc, const ug_event *ev)
{
	for (size_t i = 0; i < s->nrules; i++) {
		const sg_rule *r = s->rules[i];
		if (r->kind != SG_R_DETECT || sc->stamp[i] == sc->cur)
			continue;
		sc->e.src = sg_src_of(r, ev);
		if (sc->e.src && sg_rule_eval(s, r, &sc->e))
			fprintf(stderr, "UG_SIGMA_CHECK: prefilter missed %s (%s) on record %llu\n", r->pub.path,
			        r->pub.title, (unsigned long long)ev->record);
	}
}

size_t ug_sigma_match(const ug_sigma *s, ug_sigma_scratch *sc, const ug_event *ev,
                      const ug_sigma_hit **hits)
{
	uint64_t t0 = s->debug ? now_ns() : 0;
	const uint32_t *cand;
	if (++sc->cur == 0) { /* stamp wrap-around: forget all stamps */
		memset(sc->stamp, 0, s->nrules * sizeof(uint32_t));
		memset(sc->e.slot_stamp, 0, s->nslots * sizeof(uint32_t));
		if (sc->low.stamp)
			memset(sc->low.stamp, 0, sc->low.nfields * sizeof(uint32_t));
		sc->cur = 1;
	}
	sc->e.ev = ev;
	sc->e.src = NULL;
	sc->low.len = 0; /* lower-cased values: per event */
	sc->e.stamp = sc->cur;
	size_t nc = sg_prefilter_candidates(s, sc, ev, &cand);
	sc->st.events++;
	sc->st.cands += nc;
	sc->nhits = 0;
	for (size_t i = 0; i < nc; i++) {
		const sg_rule *r = s->rules[cand[i]];
		uint64_t r0 = sc->rule_ns ? now_ns() : 0;
		sc->e.src = sg_src_of(r, ev);
		bool m = sc->e.src && sg_rule_eval(s, r, &sc->e);
		if (sc->rule_ns) {
			sc->rule_ns[cand[i]] += now_ns() - r0;
			sc->rule_evals[cand[i]]++;
		}
		if (!m)
			continue;
		ug_sigma_hit *h = sg_grow(sc->hits, &sc->hcap, sc->nhits + 1, sizeof(*h));
		if (!h)
			break; /* out of memory: the hits so far are reported */
		sc->hits = h;
		h[sc->nhits++] = (ug_sigma_hit){cand[i], sc->e.selmask};
	}
	sc->st.hits += sc->nhits;
	if (s->debug)
		sc->st.ns += now_ns() - t0;
	if (s->check)
		check_missed(s, sc, ev);
	*hits = sc->hits;
	return sc->nhits;
}

/* ---- describing a hit ---- */

static bool listed(ug_sv *seen, size_t n, ug_sv name)
{
	for (size_t i = 0; i < n; i++)
		if (ug_sv_eq(seen[i], name))
			return true;
	return false;
}

void ug_sigma_hit_fields(const ug_sigma *s, const ug_event *ev, const ug_sigma_hit *hit, ug_buf *out)
{
	const sg_rule *r = s->rules[hit->rule];
	sg_eval e = {0};
	e.ev = ev;
	e.src = sg_src_of(r, ev);
	ug_sv seen[64];
	size_t nseen = 0;
	for (uint32_t i = 0; i < r->nsels && i < 64; i++) {
		if (!(hit->sels >> i & 1))
			continue;
		for (uint32_t m = 0; m < r->sels[i].n; m++) {
			for (uint32_t k = 0; k < r->sels[i].maps[m].n; k++) {
				const sg_item *it = &r->sels[i].maps[m].items[k];
				if (!it->field.n || listed(seen, nseen, it->field) || nseen == UG_ARRAY_LEN(seen))
					continue;
				bool present;
				ug_sv v = sg_field_get(&e, it->field, it->canon, &present);
				if (!present)
					continue;
				seen[nseen++] = it->field;
				if (out->len)
					ug_buf_puts(out, "; ");
				ug_buf_append_sv(out, it->field);
				ug_buf_putc(out, '=');
				ug_buf_append_sv(out, v);
			}
		}
	}
}
