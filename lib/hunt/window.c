/* window.c — the suspected window, inferred from the data when none is given.
 *
 * Without --window every delivery is a window delivery and nothing is left
 * to learn what normal updates do. After a first pass 2 with everything in
 * the window, this looks for the deliveries that were followed, in the
 * updater's own process lineage, by strong behaviour (persistence, drops
 * outside the footprint, HOSTS edits, unsigned modules, script hosts, new
 * destinations) that hosts without a delivery around never show, and that
 * is bounded in time: a behaviour the product's updates show across the
 * whole data (a product refreshing its own Run value, a new CDN address)
 * is normal, a compromise is a bounded period. Those deliveries are
 * clustered by time; the densest cluster's span, padded, is the inferred
 * window, and pass 2 is run again so that the deliveries outside it become
 * the baseline (hu_window_apply). When nothing stands out there is no
 * window, and the verdict asks for stronger evidence (verdict.c).
 */
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "hunt/hunt_int.h"

#define CLUSTER_GAP (6 * UG_NS_PER_HOUR) /* candidate deliveries this close are one period */
#define RECURRENT_SHARE 0.5              /* a behaviour over half the deliveries' span is the product's own */

static bool strong_cat(hu_cat c)
{
	switch (c) {
	case HU_DROP: case HU_TASK: case HU_REGISTRY: case HU_SERVICE: case HU_WMI: case HU_STARTUP:
	case HU_HOSTS_FILE: case HU_MODULE: case HU_SCRIPT: case HU_DEST:
		return true;
	default:
		return false;
	}
}

/* Per feature: the span of the deliveries that showed it by lineage. */
typedef struct fspan {
	ug_time first, last; /* first delivery per host */
	uint32_t n;
	ug_time afirst, alast; /* every delivery */
} fspan;

typedef struct cand {
	ug_time time;
	uint32_t host;
	unsigned cats;
	hu_deliv *dv;
} cand;

static int cand_cmp(const void *a, const void *b)
{
	const cand *x = a, *y = b;
	return x->time < y->time ? -1 : x->time > y->time;
}

static int popcount(unsigned v)
{
	int n = 0;
	for (; v; v &= v - 1)
		n++;
	return n;
}

static int obs_fh_cmp(const void *a, const void *b)
{
	const hu_obs *x = *(const hu_obs *const *)a, *y = *(const hu_obs *const *)b;
	if (x->feat->id != y->feat->id)
		return x->feat->id < y->feat->id ? -1 : 1;
	if (x->dv->host != y->dv->host)
		return x->dv->host < y->dv->host ? -1 : 1;
	return x->dv->d.time < y->dv->d.time ? -1 : x->dv->d.time > y->dv->d.time;
}

/* Per feature, the span of the first deliveries (per host) that showed it
 * by lineage: later deliveries of a compromised host re-show what persisted
 * (an app that loads its trojanised module at every start). */
static int feat_spans(hu_run *r, fspan *sp)
{
	for (size_t i = 0; i < r->nfeat; i++)
		sp[i] = (fspan){INT64_MAX, INT64_MIN, 0, INT64_MAX, INT64_MIN};
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	hu_obs **v = malloc((r->nobs + 1) * sizeof(*v));
	if (!v)
		return UG_ERR_NOMEM;
	size_t n = 0;
	for (size_t i = 0; i < r->nobs; i++)
		if (r->obs[i].lineage)
			v[n++] = &r->obs[i];
	if (n > 1)
		/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
		qsort(v, n, sizeof(*v), obs_fh_cmp);
	for (size_t i = 0; i < n; i++) {
		fspan *s = &sp[v[i]->feat->id];
		s->afirst = UG_MIN(s->afirst, v[i]->dv->d.time);
		s->alast = UG_MAX(s->alast, v[i]->dv->d.time);
		if (i && v[i - 1]->feat == v[i]->feat && v[i - 1]->dv->host == v[i]->dv->host)
			continue;
		s->first = UG_MIN(s->first, v[i]->dv->d.time);
		s->last = UG_MAX(s->last, v[i]->dv->d.time);
		s->n++;
	}
	free(v);
	return UG_OK;
}

/* No window stands out: what the updater's lineage does across the whole
 * data (after deliveries to several hosts over more than half of it) is
 * what the product's updates normally do, and counts as baseline. */
static void recurrent_is_normal(hu_run *r, const fspan *sp, ug_time span)
{
	for (size_t i = 0; i < r->nfeat; i++) {
		hu_feat *f = r->featv[i];
		const fspan *s = &sp[i];
		if (s->n < 2 || (double)(s->alast - s->afirst) <= RECURRENT_SHARE * (double)span)
			continue;
		f->n_baseline = f->n_window;
		if (f->cat == HU_DEST) {
			hu_feat *b = hu_feat_find(r, HU_BEACON, ug_sv_from(f->value));
			if (b)
				b->n_baseline = b->n_window;
		}
	}
}


/* Same update server (by name, else by address). */
static bool same_server(const hu_deliv *a, const hu_deliv *b)
{
	return a->d.server[0] ? !strcmp(a->d.server, b->d.server) : !strcmp(a->d.server_ip, b->d.server_ip);
}

bool hu_window_infer(hu_run *r)
{
	if (!r->ndv || !r->nobs)
		return false;
	ug_time dfirst = INT64_MAX, dlast = INT64_MIN;
	for (size_t i = 0; i < r->ndv; i++) {
		dfirst = UG_MIN(dfirst, r->dv[i]->d.time);
		dlast = UG_MAX(dlast, r->dv[i]->d.time);
	}
	fspan *sp = calloc(r->nfeat + 1, sizeof(*sp));
	unsigned *dcats = calloc(r->ndv + 1, sizeof(*dcats));
	cand *cv = calloc(r->ndv + 1, sizeof(*cv));
	uint8_t *fsig = calloc(r->nfeat + 1, 1);      /* 1 rare and bounded, 2 the cluster's signature */
	hu_deliv **member = calloc(r->nhosts + 1, sizeof(hu_deliv *)); /* one delivery per host */
	bool found = false;
	if (!sp || !dcats || !cv || !fsig || !member)
		goto out;
	for (size_t i = 0; i < r->nfeat; i++)
		sp[i] = (fspan){INT64_MAX, INT64_MIN, 0, INT64_MAX, INT64_MIN};
	if (feat_spans(r, sp) != UG_OK)
		goto out;
	ug_time span = dlast - dfirst;
	for (size_t i = 0; i < r->nfeat; i++) {
		const hu_feat *f = r->featv[i];
		const fspan *s = &sp[i];
		if (!s->n || !strong_cat(f->cat))
			continue;
		bool rare = f->n_other * 5 <= f->n_window;
		bool bounded = (double)(s->last - s->first) <= RECURRENT_SHARE * (double)span;
		fsig[i] = rare && bounded;
		ug_log_debug(r->ctx, "infer: %s %s hosts=%u other=%u deliveries=%u over %.1f h%s",
		             hu_cat_kind(f->cat), f->value, f->n_window, f->n_other, s->n,
		             (double)(s->last - s->first) / 3.6e12, fsig[i] ? "" : " (not rare or not bounded)");
	}
	for (size_t i = 0; i < r->nobs; i++) {
		const hu_obs *o = &r->obs[i];
		if (o->lineage && fsig[o->feat->id])
			dcats[o->dv->id] |= 1u << o->feat->cat;
	}
	/* candidates: per host, its first delivery followed by two strong kinds,
	 * one of them a heavy one (later deliveries re-show what persisted) */
	const unsigned heavy = (1u << HU_DROP) | (1u << HU_TASK) | (1u << HU_REGISTRY) | (1u << HU_SERVICE) |
	                       (1u << HU_WMI) | (1u << HU_STARTUP) | (1u << HU_HOSTS_FILE) | (1u << HU_MODULE);
	size_t nc = 0;
	for (size_t h = 0; h < r->nhosts; h++) {
		const hu_host *hh = r->hosts[h];
		for (size_t k = 0; k < hh->ndv; k++) {
			unsigned c = dcats[hh->dv[k]->id];
			if ((c & heavy) && popcount(c) >= 2) {
				cv[nc++] = (cand){hh->dv[k]->d.time, (uint32_t)h, c, hh->dv[k]};
				break;
			}
		}
	}
	ug_log_debug(r->ctx, "infer: %zu candidate deliveries", nc);
	if (!nc) {
		recurrent_is_normal(r, sp, span);
		goto out;
	}
	qsort(cv, nc, sizeof(*cv), cand_cmp);
	size_t best = 0, bestn = 0;
	for (size_t i = 0; i < nc;) {
		size_t j = i + 1;
		while (j < nc && cv[j].time - cv[j - 1].time <= CLUSTER_GAP)
			j++;
		if (j - i > bestn) {
			best = i;
			bestn = j - i;
		}
		i = j;
	}
	ug_time a = cv[best].time, b = cv[best + bestn - 1].time;
	/* the cluster's signature: what its deliveries did by lineage, and
	 * mostly they and only in its period (a new CDN address the updater
	 * contacts everywhere since some time is no signature) */
	uint32_t *incl = calloc(r->nfeat + 1, sizeof(*incl));
	if (!incl)
		goto out;
	for (size_t i = 0; i < r->nobs; i++) {
		const hu_obs *o = &r->obs[i];
		if (!o->lineage || fsig[o->feat->id] != 1 || !dcats[o->dv->id] || o->dv->d.time < a ||
		    o->dv->d.time > b)
			continue;
		for (size_t k = best; k < best + bestn; k++)
			if (cv[k].dv == o->dv)
				incl[o->feat->id]++;
	}
	for (size_t i = 0; i < r->nfeat; i++)
		if (fsig[i] == 1 && incl[i] && 2 * incl[i] >= sp[i].n && sp[i].first >= a - r->skew &&
		    sp[i].last <= b + r->skew) {
			fsig[i] = 2;
			ug_log_debug(r->ctx, "infer: signature %s %s", hu_cat_kind(r->featv[i]->cat), r->featv[i]->value);
		}
	free(incl);
	/* members: the cluster's candidates, and per host the first delivery
	 * near the cluster followed by a signature behaviour, by lineage or by
	 * time (hosts known only from the network contact the same new
	 * destinations) */
	for (size_t k = best; k < best + bestn; k++)
		member[cv[k].host] = cv[k].dv;
	for (size_t i = 0; i < r->nobs; i++) {
		hu_deliv *d = r->obs[i].dv;
		if (fsig[r->obs[i].feat->id] != 2 || d->d.time < a - CLUSTER_GAP || d->d.time > b + CLUSTER_GAP)
			continue;
		if (!member[d->host] || d->d.time < member[d->host]->d.time)
			member[d->host] = d;
	}
	ug_time lo = INT64_MAX, hi = INT64_MIN;
	size_t nmem = 0;
	for (size_t h = 0; h < r->nhosts; h++)
		if (member[h]) {
			lo = UG_MIN(lo, member[h]->d.time);
			hi = UG_MAX(hi, member[h]->d.time);
			nmem++;
		}
	/* the edges: up to the nearest delivery from the same servers that is
	 * not a member (it came before or after the bad period), at most the
	 * cluster's length or an hour */
	ug_time cap = UG_MAX(hi - lo, UG_NS_PER_HOUR);
	ug_time before = lo - cap, after = hi + cap;
	for (size_t i = 0; i < r->ndv; i++) {
		const hu_deliv *d = r->dv[i];
		if (member[d->host] == d)
			continue;
		bool same = false;
		for (size_t h = 0; h < r->nhosts && !same; h++)
			same = member[h] && same_server(member[h], d);
		if (!same)
			continue;
		if (d->d.time < lo && d->d.time > before)
			before = d->d.time;
		if (d->d.time > hi && d->d.time < after)
			after = d->d.time;
	}
	r->wstart = UG_MIN(lo - r->skew, before + r->skew);
	r->wend = UG_MAX(hi + r->skew, after - r->skew);
	ug_log_debug(r->ctx, "infer: %zu of %zu candidates clustered, %zu hosts show their behaviour", bestn, nc, nmem);
	found = true;
out:
	free(sp);
	free(dcats);
	free(cv);
	free(fsig);
	free(member);
	return found;
}

/* Forget what pass 2 learned, judge the deliveries against the (inferred)
 * window, and note where the updater puts its packages outside it, as
 * pass 1 does with a given window. Pass 2 can then be read again. */
int hu_window_apply(hu_run *r)
{
	for (size_t i = 0; i < r->ndv; i++) {
		hu_deliv *d = r->dv[i];
		d->d.in_window = hu_in_window(r, d->d.time);
		d->silent = false;
		d->silent_gap = 0;
	}
	for (size_t i = 0; i < r->nhosts; i++) {
		hu_host *h = r->hosts[i];
		h->first_window = UINT32_MAX;
		for (size_t k = 0; k < h->ndv && h->first_window == UINT32_MAX; k++)
			if (h->dv[k]->d.in_window)
				h->first_window = (uint32_t)k;
	}
	for (size_t i = 0; i < r->nrootfiles; i++) {
		const hu_rootfiles *s = &r->rootfiles[i];
		if (hu_in_window(r, s->start))
			continue;
		ug_sv rest = ug_sv_from(s->files);
		while (rest.n)
			hu_footprint_note(r, ug_sv_split_next(&rest, '|'), false);
	}
	size_t it = 0;
	for (ug_map_entry *e; (e = ug_map_next(&r->dests, &it));)
		((hu_dest *)e->value)->feat = NULL;
	for (size_t i = 0; i < r->nseries; i++)
		free(r->series[i]->t);
	r->nseries = 0;
	r->nfeat = 0;
	r->nobs = 0;
	hu_set_free(&r->feat_hosts);
	ug_map_free(&r->feats);
	ug_map_free(&r->obs_by_key);
	ug_map_free(&r->series_by_key);
	hu_set_free(&r->lineage);
	hu_set_free(&r->dropped);
	ug_map_init(&r->feats, false);
	ug_map_init(&r->obs_by_key, false);
	ug_map_init(&r->series_by_key, false);
	return hu_lineage_roots(r);
}
