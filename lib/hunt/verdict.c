/* verdict.c — from observations to a verdict per host, with its evidence.
 *
 * An observation's weight is its category's weight, times its rarity in the
 * fleet (0 when normal deliveries show it too; else the share of the hosts
 * showing it that got a window delivery), times its attribution (full when
 * the updater's process lineage did it, less when it only happened in the
 * time after the delivery). A host's score is the sum over its window
 * deliveries (a feature counts once). Compromised needs a strong, rare
 * piece of evidence and a second kind of behaviour; hosts known only from
 * the network are judged on periodic contacts to a new rare destination and
 * on update silence.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/str.h"
#include "hunt/hunt_int.h"

#define TIME_FACTOR 0.4
#define STRONG 2.5
#define COMPROMISED_SCORE 6.0
#define SUSPICIOUS_SCORE 3.0

static const double cat_weight[HU_CAT__COUNT] = {
	[HU_DROP] = 3,    [HU_PRODUCT_FILE] = 1, [HU_HASH] = 0.5,  [HU_TASK] = 4,
	[HU_REGISTRY] = 4, [HU_SERVICE] = 4,      [HU_WMI] = 4,     [HU_HOSTS_FILE] = 3,
	[HU_SCRIPT] = 2,  [HU_CHILD] = 1.5,       [HU_MODULE] = 4.5,  [HU_DEST] = 1,
	[HU_BEACON] = 4,  [HU_SILENCE] = 1.5,     [HU_STARTUP] = 4,
};

static double rarity(const hu_feat *f)
{
	if (f->cat == HU_SILENCE)
		return 1;
	if (f->n_baseline || !f->n_window)
		return 0;
	return (double)f->n_window / (double)(f->n_window + f->n_other);
}

/* A new destination that beacons from at least two window hosts: contacting
 * it after a window delivery is the same C2 even when too few contacts were
 * seen here to show the period (the host went off, or its address changed). */
static bool beacons_elsewhere(const hu_obs *o)
{
	return o->feat->cat == HU_DEST && o->beacon && o->beacon->n_window >= 2 && !o->beacon->n_baseline;
}

static double obs_weight(const hu_obs *o)
{
	hu_cat c = o->feat->cat;
	if (beacons_elsewhere(o) && !o->lineage)
		return 3 * rarity(o->feat);
	double w = cat_weight[c] * rarity(o->feat);
	if (c == HU_DEST && o->lineage) /* the updater's lineage talks to a new place: C2 when shared */
		w *= o->feat->n_window >= 2 && o->feat->n_window >= 2 * o->feat->n_other ? 4 : 2;
	else if (!o->lineage && c != HU_BEACON && c != HU_SILENCE)
		w *= TIME_FACTOR;
	return w;
}

static int obs_host_cmp(const void *a, const void *b)
{
	const hu_obs *x = a, *y = b;
	if (x->dv->host != y->dv->host)
		return x->dv->host < y->dv->host ? -1 : 1;
	return x->time < y->time ? -1 : x->time > y->time;
}

static const char *summary_of(hu_run *r, const hu_obs *o)
{
	ug_buf b = UG_BUF_INIT;
	const hu_feat *f = o->feat;
	ug_buf_printf(&b, "%s %s", hu_cat_kind(f->cat), o->detail ? o->detail : f->value);
	if (f->cat != HU_SILENCE)
		ug_buf_printf(&b, " (%s; %u host(s) in the fleet, %u after window deliveries, %u after normal deliveries)",
		              o->lineage ? "by the updater's process lineage"
		                         : "in the time after the delivery",
		              f->n_fleet, f->n_window, f->n_baseline);
	const char *s = hu_strdup(r, ug_buf_sv(&b));
	ug_buf_free(&b);
	return s;
}

typedef struct judge {
	double score;
	int strong, cats;
	double max_w;        /* the heaviest single finding */
	bool lineage_strong; /* one lineage-attributed finding that alone is near-conclusive */
	bool beacon, silence, dest, persist;
	double lineage_max;  /* the heaviest finding attributed by lineage */
	bool heavy_lineage;  /* a lineage-attributed drop, persistence, HOSTS edit or module no host without a delivery shows */
} judge;

static void add_evidence(hu_run *r, ug_host_result *hr, const hu_obs *o, double w, judge *j,
                         unsigned *catmask)
{
	ug_evidence *e = &hr->evidence[hr->nevidence++];
	e->time = o->time;
	e->kind = hu_cat_kind(o->feat->cat);
	e->technique = o->feat->technique ? o->feat->technique : hu_cat_technique(o->feat->cat);
	e->summary = summary_of(r, o);
	e->value = o->raw ? o->raw : o->feat->value;
	e->pattern = o->feat->value;
	e->lineage = o->lineage;
	e->fleet_hosts = o->feat->n_fleet;
	e->baseline_hosts = o->feat->n_baseline;
	e->weight = w;
	e->prov = o->prov;
	e->process = o->proc;
	e->parent_process = o->parent;
	j->score += w;
	j->max_w = w > j->max_w ? w : j->max_w;
	if (w >= STRONG)
		j->strong++;
	j->lineage_strong |= o->lineage && w >= 4;
	hu_cat c = o->feat->cat;
	if (w >= 1 && !(*catmask & (1u << c))) {
		*catmask |= 1u << c;
		j->cats++;
	}
	j->beacon |= (c == HU_BEACON || beacons_elsewhere(o)) && w >= STRONG;
	j->silence |= c == HU_SILENCE;
	if (o->lineage && w > j->lineage_max)
		j->lineage_max = w;
	j->heavy_lineage |= o->lineage && w >= STRONG && !o->feat->n_other &&
	                    (c == HU_DROP || hu_cat_persists(c) || c == HU_HOSTS_FILE || c == HU_MODULE);
	j->dest |= c == HU_DEST && w >= 0.3;
	j->persist |= hu_cat_persists(c) && w >= 1;
}

static void explain(hu_run *r, ug_host_result *hr, const judge *j, size_t nwin)
{
	ug_buf b = UG_BUF_INIT;
	switch (hr->verdict) {
	case UG_VERDICT_NO_DELIVERY:
		ug_buf_puts(&b, hr->ndeliveries ? "The product was delivered, but not in the judged window."
		                                : "No delivery of the product was seen for this host.");
		break;
	case UG_VERDICT_CLEAN:
		ug_buf_printf(&b, "%zu delivery(ies) in the window; nothing after them that normal updates "
		              "of the product or the rest of the fleet do not also do.", nwin);
		break;
	case UG_VERDICT_SUSPICIOUS:
		ug_buf_printf(&b, "%zu delivery(ies) in the window followed by unexplained behaviour "
		              "(score %.1f), but not enough to conclude.", nwin, j->score);
		break;
	case UG_VERDICT_COMPROMISED:
		ug_buf_printf(&b, "A window delivery was followed by behaviour that normal deliveries do not "
		              "show (score %.1f, %d strong finding(s), %d kind(s) of behaviour)",
		              j->score, j->strong, j->cats);
		if (j->persist)
			ug_buf_puts(&b, "; new persistence");
		if (j->beacon)
			ug_buf_puts(&b, "; periodic contacts to a new, rare destination");
		if (j->silence)
			ug_buf_puts(&b, "; the host stopped contacting the update servers");
		ug_buf_putc(&b, '.');
		break;
	}
	if (r->window_inferred && hr->ndeliveries)
		ug_buf_puts(&b, " (The window was inferred from the data: no --window was given.)");
	hr->explanation = hu_strdup(r, ug_buf_sv(&b));
	ug_buf_free(&b);
}

static ug_verdict decide(const hu_run *r, const ug_host_result *hr, const judge *j, size_t nwin)
{
	if (!nwin)
		return UG_VERDICT_NO_DELIVERY;
	/* no window, given or inferred: every delivery is judged, and only what
	 * the updater's own lineage did that hosts without it never do concludes */
	if (!r->window_given && !r->window_inferred && !j->heavy_lineage)
		return j->score >= SUSPICIOUS_SCORE && j->lineage_max >= 1.5 ? UG_VERDICT_SUSPICIOUS : UG_VERDICT_CLEAN;
	if (j->score >= COMPROMISED_SCORE && j->strong && (j->cats >= 2 || j->beacon))
		return UG_VERDICT_COMPROMISED;
	if (j->score >= 4.5 && j->lineage_strong)
		return UG_VERDICT_COMPROMISED;
	if (!hr->endpoint_logs && (j->beacon || (j->silence && j->dest)))
		return UG_VERDICT_COMPROMISED;
	if (j->score >= SUSPICIOUS_SCORE && j->max_w >= 1.5)
		return UG_VERDICT_SUSPICIOUS;
	return UG_VERDICT_CLEAN;
}

/* Evidence of one host: its observations obs[0..n), the best of each feature. */
static int judge_host(hu_run *r, hu_host *h, ug_host_result *hr, hu_obs *obs, size_t n)
{
	hr->host = h->name;
	hr->ips = h->ips ? hu_strdup(r, ug_sv_from(h->ips)) : "";
	hr->endpoint_logs = h->endpoint;
	hr->deliveries = ug_arena_calloc(&r->arena, h->ndv + 1, sizeof(ug_delivery));
	hr->evidence = ug_arena_calloc(&r->arena, n + 1, sizeof(ug_evidence));
	if (!hr->deliveries || !hr->evidence)
		return UG_ERR_NOMEM;
	size_t nwin = 0;
	for (size_t i = 0; i < h->ndv; i++) {
		hr->deliveries[hr->ndeliveries++] = h->dv[i]->d;
		nwin += h->dv[i]->d.in_window;
	}
	judge j = {0};
	unsigned catmask = 0;
	for (size_t i = 0; i < n; i++) {
		double w = obs_weight(&obs[i]);
		bool dup = false;
		for (size_t k = 0; k < i && !dup; k++)
			dup = obs[k].feat == obs[i].feat && obs_weight(&obs[k]) >= w;
		if (!dup && w >= 0.05)
			add_evidence(r, hr, &obs[i], w, &j, &catmask);
	}
	hr->score = j.score;
	hr->verdict = decide(r, hr, &j, nwin);
	explain(r, hr, &j, nwin);
	return UG_OK;
}

static int host_cmp(const void *a, const void *b)
{
	const ug_host_result *x = a, *y = b;
	if (x->verdict != y->verdict)
		return x->verdict > y->verdict ? -1 : 1;
	return strcmp(x->host, y->host);
}

static int server_stats(hu_run *r)
{
	ug_hunt_result *res = r->res;
	ug_map by;
	ug_map_init(&by, true);
	res->servers = ug_arena_calloc(&r->arena, r->ndv + 1, sizeof(ug_server_stat));
	if (!res->servers) {
		ug_map_free(&by);
		return UG_ERR_NOMEM;
	}
	for (size_t i = 0; i < res->nhosts; i++) {
		const ug_host_result *hr = &res->hosts[i];
		for (size_t k = 0; k < hr->ndeliveries; k++) {
			const ug_delivery *d = &hr->deliveries[k];
			ug_server_stat *s = ug_map_get(&by, ug_sv_from(d->server));
			if (!s) {
				s = &res->servers[res->nservers++];
				s->server = d->server;
				s->region = d->region;
				s->first = d->time;
				s->last = d->time;
				if (ug_map_put(&by, ug_sv_from(d->server), s) != UG_OK) {
					ug_map_free(&by);
					return UG_ERR_NOMEM;
				}
			}
			s->deliveries++;
			s->window_deliveries += d->in_window;
			s->compromised_deliveries += d->in_window && hr->verdict == UG_VERDICT_COMPROMISED;
			s->first = UG_MIN(s->first, d->time);
			s->last = UG_MAX(s->last, d->time);
		}
	}
	ug_map_free(&by);
	return UG_OK;
}

int hu_verdicts(hu_run *r)
{
	ug_hunt_result *res = r->res;
	for (size_t i = 0; i < r->nobs; i++)
		if (r->obs[i].feat->cat == HU_DEST)
			r->obs[i].beacon = hu_feat_find(r, HU_BEACON, ug_sv_from(r->obs[i].feat->value));
	if (r->nobs > 1)
		qsort(r->obs, r->nobs, sizeof(*r->obs), obs_host_cmp);
	res->hosts = ug_arena_calloc(&r->arena, r->nhosts + 1, sizeof(ug_host_result));
	if (!res->hosts)
		return UG_ERR_NOMEM;
	size_t o = 0;
	for (size_t i = 0; i < r->nhosts; i++) {
		size_t s = o;
		while (o < r->nobs && r->obs[o].dv->host == i)
			o++;
		int rc = judge_host(r, r->hosts[i], &res->hosts[res->nhosts++], r->obs + s, o - s);
		if (rc != UG_OK)
			return rc;
	}
	if (res->nhosts > 1)
		qsort(res->hosts, res->nhosts, sizeof(*res->hosts), host_cmp);
	return server_stats(r);
}
