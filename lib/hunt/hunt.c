/* hunt.c — the hunt driver: options -> profile, two passes over the logs
 * (the known-indicator sweep rides along the second; the second is read again
 * only when the window is inferred),
 * then baseline, verdicts and IOCs into one ug_hunt_result that owns its
 * memory. The analysis itself lives in the other files of this folder
 * (deliveries, behaviour, baseline, verdict, iocs); this file only wires them
 * and holds the small shared helpers (growable arrays, a 64-bit key set,
 * hosts by name).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/str.h"
#include "hunt/hunt_int.h"

void ug_hunt_opts_init(ug_hunt_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->window_start = INT64_MIN;
	o->window_end = INT64_MAX;
	o->after = 60 * UG_NS_PER_MIN;
	o->skew = 5 * UG_NS_PER_MIN;
}

const char *ug_verdict_name(ug_verdict v)
{
	switch (v) {
	case UG_VERDICT_NO_DELIVERY: return "no-delivery";
	case UG_VERDICT_CLEAN: return "clean-delivery";
	case UG_VERDICT_SUSPICIOUS: return "suspicious";
	case UG_VERDICT_COMPROMISED: return "compromised";
	}
	return "unknown";
}

bool hu_grow(void **p, size_t *cap, size_t need, size_t el)
{
	if (need <= *cap)
		return true;
	size_t nc = *cap ? *cap * 2 : 8;
	while (nc < need)
		nc *= 2;
	void *q = realloc(*p, nc * el);
	if (!q)
		return false;
	*p = q;
	*cap = nc;
	return true;
}

/* --- hu_set: open addressing on 64-bit keys (0 is the empty slot) --- */

static uint64_t mix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	return k ^ (k >> 33);
}

static bool set_rehash(hu_set *s, size_t ncap)
{
	uint64_t *keys = calloc(ncap, sizeof(*keys));
	uint32_t *vals = calloc(ncap, sizeof(*vals));
	if (!keys || !vals) {
		free(keys);
		free(vals);
		return false;
	}
	for (size_t i = 0; i < s->cap; i++) {
		if (!s->keys[i])
			continue;
		size_t j = mix64(s->keys[i]) & (ncap - 1);
		while (keys[j])
			j = (j + 1) & (ncap - 1);
		keys[j] = s->keys[i];
		vals[j] = s->vals[i];
	}
	free(s->keys);
	free(s->vals);
	s->keys = keys;
	s->vals = vals;
	s->cap = ncap;
	return true;
}

static size_t set_slot(const hu_set *s, uint64_t key)
{
	size_t j = mix64(key) & (s->cap - 1);
	while (s->keys[j] && s->keys[j] != key)
		j = (j + 1) & (s->cap - 1);
	return j;
}

uint32_t *hu_set_upsert(hu_set *s, uint64_t key, bool *created)
{
	key = key ? key : 1;
	if ((s->count + 1) * 4 >= s->cap * 3 && !set_rehash(s, s->cap ? s->cap * 2 : 1024))
		return NULL;
	size_t j = set_slot(s, key);
	*created = !s->keys[j];
	if (*created) {
		s->keys[j] = key;
		s->count++;
	}
	return &s->vals[j];
}

bool hu_set_has(const hu_set *s, uint64_t key)
{
	key = key ? key : 1;
	return s->cap && s->keys[set_slot(s, key)] == key;
}

uint32_t hu_set_get(const hu_set *s, uint64_t key)
{
	key = key ? key : 1;
	if (!s->cap)
		return 0;
	size_t j = set_slot(s, key);
	return s->keys[j] == key ? s->vals[j] : 0;
}

uint64_t hu_key2(ug_sv host, ug_sv id, bool nocase)
{
	uint64_t a = ug_hash_bytes(host.p, host.n);
	uint64_t b = nocase ? ug_hash_bytes_nocase(id.p, id.n) : ug_hash_bytes(id.p, id.n);
	return mix64(a * 0x9e3779b97f4a7c15ULL ^ b);
}

void hu_sess_free(hu_run *r)
{
	for (size_t c = 0; c * HU_SESS_CHUNK < r->nsess; c++)
		free(r->sess[c]);
	free(r->sess);
	r->sess = NULL;
	r->nsess = r->capchunks = 0;
}

void hu_set_free(hu_set *s)
{
	free(s->keys);
	free(s->vals);
	memset(s, 0, sizeof(*s));
}

/* --- hosts and strings --- */

const char *hu_strdup(hu_run *r, ug_sv s)
{
	return ug_arena_dup(&r->arena, s).p;
}

const char *hu_intern(hu_run *r, ug_sv s)
{
	bool created = false;
	ug_map_entry *e = ug_map_upsert(&r->interned, s, &created);
	if (!e)
		return NULL;
	if (created)
		e->value = (void *)hu_strdup(r, s);
	return e->value;
}

/* Append item to a sep-separated malloc'd list unless it is already there. */
void hu_append_list(hu_run *r, char **list, ug_sv item, char sep)
{
	(void)r;
	if (!item.n)
		return;
	size_t old = *list ? strlen(*list) : 0;
	ug_sv rest = ug_sv_make(*list ? *list : "", old);
	while (rest.n) {
		if (ug_sv_eq_nocase(ug_sv_split_next(&rest, sep), item))
			return;
	}
	if (old > 4096)
		return; /* bounded: a pathological session does not grow without end */
	char *n = realloc(*list, old + item.n + 2);
	if (!n)
		return;
	if (old)
		n[old++] = sep;
	memcpy(n + old, item.p, item.n);
	n[old + item.n] = '\0';
	*list = n;
}

hu_host *hu_host_get(hu_run *r, ug_sv name, bool create)
{
	if (r->last_host && ug_sv_eq(ug_sv_from(r->last_host->name), name))
		return r->last_host;
	hu_host *h = ug_map_get(&r->host_by_name, name);
	if (!h && create) {
		h = ug_arena_calloc(&r->arena, 1, sizeof(*h));
		/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers grows by a pointer */
		if (!h || !HU_PUSH(r->hosts, r->nhosts, r->caphosts, h))
			return NULL;
		h->id = (uint32_t)(r->nhosts - 1);
		h->name = hu_strdup(r, name);
		h->ip_only = ug_ip_is_literal(name);
		h->first_window = UINT32_MAX;
		if (ug_map_put(&r->host_by_name, name, h) != UG_OK)
			return NULL;
	}
	if (h)
		r->last_host = h;
	return h;
}

/* --- the run --- */

static int load_profile(hu_run *r, ug_error *err)
{
	const ug_hunt_opts *o = r->opts;
	int rc = o->profile ? ug_profile_load(&r->prof, o->profile, o->profile_dirs, err)
	                    : ug_profile_new(&r->prof, err);
	if (rc == UG_OK)
		rc = ug_profile_add(r->prof, o->product, o->updaters, o->update_hosts, o->install_dirs, err);
	if (rc == UG_OK)
		rc = ug_profile_check(r->prof, err);
	return rc;
}

static void run_init(hu_run *r, const ug_hunt_opts *o, const ug_ctx *ctx)
{
	memset(r, 0, sizeof(*r));
	r->opts = o;
	r->ctx = ctx;
	ug_arena_init(&r->arena, 1 << 20);
	r->wstart = o->window_start;
	r->wend = o->window_end;
	r->window_given = r->wstart != INT64_MIN || r->wend != INT64_MAX;
	r->after = o->after > 0 ? o->after : 60 * UG_NS_PER_MIN;
	r->skew = o->skew >= 0 ? o->skew : 5 * UG_NS_PER_MIN;
	r->data_first = INT64_MAX;
	r->data_last = INT64_MIN;
	ug_map_init(&r->host_by_name, false);
	ug_map_init(&r->ipmap, false);
	ug_map_init(&r->interned, false);
	ug_map_init(&r->pkg_srcs, true);
	ug_map_init(&r->dests, true);
	ug_map_init(&r->footprint, false);
	ug_map_init(&r->feats, false);
	ug_map_init(&r->series_by_key, false);
	ug_map_init(&r->obs_by_key, false);
}

/* Free everything but what the result keeps (the arena and the profile go
 * to the result's priv). */
static void run_free_work(hu_run *r)
{
	for (size_t i = 0; i < r->nsess; i++)
		free(hu_sess(r, i)->files);
	hu_sess_free(r);
	for (size_t i = 0; i < r->nrootfiles; i++)
		free(r->rootfiles[i].files);
	free(r->rootfiles);
	free(r->transfers);
	free(r->pkgs);
	ug_map_free(&r->pkg_srcs);
	for (size_t i = 0; i < r->nhosts; i++) {
		free(r->hosts[i]->ips);
		free(r->hosts[i]->dv);
		free(r->hosts[i]->dv_span);
		free(r->hosts[i]->contacts);
		free(r->hosts[i]->active);
	}
	free(r->hosts);
	for (size_t i = 0; i < r->ndv; i++)
		free(r->dv[i]->roots);
	free(r->dv);
	for (size_t i = 0; i < r->nseries; i++)
		free(r->series[i]->t);
	free(r->series);
	free(r->featv);
	free(r->vendor_dirs);
	free(r->obs);
	hu_ipmap_free(r);
	ug_map_free(&r->host_by_name);
	ug_map_free(&r->ipmap);
	hu_set_free(&r->sess_by_key);
	ug_map_free(&r->interned);
	for (size_t i = 0; i < HU_SCRATCH; i++)
		ug_buf_free(&r->scratch[i]);
	hu_set_free(&r->lineage);
	hu_set_free(&r->dropped);
	ug_map_free(&r->dests);
	ug_map_free(&r->footprint);
	ug_map_free(&r->feats);
	ug_map_free(&r->series_by_key);
	hu_set_free(&r->feat_hosts);
	ug_map_free(&r->obs_by_key);
}

typedef struct hu_priv {
	ug_arena arena;
	ug_profile *prof;
} hu_priv;

/* One read of every log: fn per event, or (with a hook) rfn per event and
 * its worker result. keep: the input is handed back instead of freed. */
static int read_pass(hu_run *r, char *const *paths, size_t npaths, ug_event_fn fn,
                     const ug_event_hook *hook, ug_event_result_fn rfn, ug_input **keep, ug_error *err)
{
	ug_input *in = NULL;
	int rc = ug_input_open(&in, paths, npaths, &r->opts->input, r->ctx, err);
	if (rc != UG_OK)
		return rc;
	rc = hook ? ug_input_read_hooked(in, hook, rfn, r, err) : ug_input_read(in, fn, r, err);
	if (rc != UG_OK && (!err || err->code == UG_OK))
		ug_error_set(err, rc < 0 ? rc : UG_ERR_NOMEM, "hunt: reading the logs failed");
	if (keep && rc == UG_OK)
		*keep = in;
	else
		ug_input_free(in);
	return rc < 0 ? rc : (rc ? UG_ERR_NOMEM : UG_OK);
}

/* Copy the input's sources and skip report into the result. */
static void take_sources(hu_run *r, ug_input *in)
{
	ug_hunt_result *res = r->res;
	size_t n;
	const ug_source *src = ug_input_sources(in, &n);
	res->sources = ug_arena_calloc(&r->arena, n ? n : 1, sizeof(*res->sources));
	if (!res->sources)
		return;
	res->nsources = n;
	for (size_t i = 0; i < n; i++) {
		res->sources[i] = src[i];
		res->sources[i].path = ug_arena_strdup(&r->arena, src[i].path);
		res->sources[i].format = src[i].format ? ug_arena_strdup(&r->arena, src[i].format) : NULL;
		res->sources[i].ignored = src[i].ignored ? ug_arena_strdup(&r->arena, src[i].ignored) : NULL;
		res->records_read += src[i].records;
	}
	res->records_skipped = ug_input_skipped_total(in);
	ug_buf b = UG_BUF_INIT;
	const char *reason;
	uint64_t count;
	for (size_t i = 0; ug_input_skip_reason(in, i, &reason, &count); i++)
		ug_buf_printf(&b, "%s%" PRIu64 " %s", i ? ", " : "", count, reason);
	size_t nk;
	const ug_skip *sk = ug_input_skips(in, &nk);
	for (size_t i = 0; i < nk && i < 5; i++)
		ug_buf_printf(&b, "%s%s:%" PRIu64 ": %s", b.len ? "; " : "",
		              sk[i].source < n ? src[sk[i].source].path : "?", sk[i].line, sk[i].reason);
	res->skipped_summary = ug_arena_strdup(&r->arena, ug_buf_cstr(&b));
	ug_buf_free(&b);
}

static int pass2_result(const ug_event *ev, void *result, void *user)
{
	return hu_workers_take(user, ev, result);
}

/* The behaviour pass, feeding the known-indicator sweep too the first time,
 * and the Sigma second stage (workers.c: what can be is worked out in the
 * reader's workers). */
static int behaviour_pass(hu_run *r, char *const *paths, size_t npaths, ug_error *err)
{
	r->sweeping = r->sweep != NULL;
	hu_rules_pass_begin(r);
	ug_event_hook hook;
	int rc = read_pass(r, paths, npaths, hu_pass2_event, hu_workers_hook(r, &hook), pass2_result, NULL, err);
	r->sweeping = false; /* swept once: a later pass only judges again */
	return rc;
}

/* Read the behaviour and judge it against the fleet's baseline. */
static int judge(hu_run *r, char *const *paths, size_t npaths, ug_error *err)
{
	int rc = behaviour_pass(r, paths, npaths, err);
	if (rc != UG_OK)
		return rc;
	hu_behaviour_finish(r);
	hu_baseline_finish(r);
	return UG_OK;
}

/* What the run holds after the reading (-vv): memory grows with these. */
static void log_sizes(const hu_run *r)
{
	if (!r->ctx || r->ctx->log_level < UG_LOG_DEBUG)
		return;
	size_t times = 0;
	for (size_t i = 0; i < r->nseries; i++)
		times += r->series[i]->cap;
	ug_log_debug(r->ctx,
	             "sizes: %zu hosts, %zu sessions, %zu deliveries, %zu features on %zu (feature, host) pairs, "
	             "%zu destinations, %zu series (%zu times), %zu observations, %zu interned strings, "
	             "%zu lineage and %zu dropped keys, %zu addresses; arena %zu MB",
	             r->nhosts, r->nsess_seen, r->ndv, r->nfeat, r->feat_hosts.count, r->dests.count, r->nseries,
	             times, r->nobs, r->interned.count, r->lineage.count, r->dropped.count, r->ipmap.count,
	             r->arena.used_total >> 20);
}

static int analyse(hu_run *r, char *const *paths, size_t npaths, ug_error *err)
{
	ug_input *in1 = NULL;
	int rc = hu_sweep_begin(r, err);
	if (rc == UG_OK)
		rc = hu_rules_begin(r, err);
	if (rc == UG_OK)
		rc = read_pass(r, paths, npaths, hu_pass1_event, NULL, NULL, &in1, err);
	if (rc != UG_OK)
		return rc;
	take_sources(r, in1);
	ug_input_free(in1);
	rc = hu_deliveries_finish(r);
	if (rc == UG_OK)
		rc = judge(r, paths, npaths, err);
	if (rc != UG_OK)
		return rc;
	if (!r->window_given && hu_window_infer(r)) {
		ug_log_info(r->ctx, "no --window: inferred one from the data (docs/hunt.md)");
		/* judge again with the inferred window: the deliveries outside it
		 * are the baseline now */
		r->window_inferred = true;
		rc = hu_window_apply(r);
		if (rc == UG_OK)
			rc = judge(r, paths, npaths, err);
		if (rc != UG_OK)
			return rc;
	}
	log_sizes(r);
	rc = hu_verdicts(r);
	if (rc == UG_OK)
		rc = hu_iocs(r);
	if (rc != UG_OK)
		return ug_error_set(err, rc, "hunt: out of memory");
	rc = hu_sweep_finish(r, err);
	return rc == UG_OK ? hu_rules_finish(r, err) : rc;
}

int ug_hunt_run(const ug_hunt_opts *opts, char *const *paths, size_t npaths, const ug_ctx *ctx,
                ug_hunt_result **out, ug_error *err)
{
	*out = NULL;
	hu_run *r = calloc(1, sizeof(*r));
	hu_priv *priv = calloc(1, sizeof(*priv));
	ug_hunt_result *res = calloc(1, sizeof(*res));
	if (!r || !priv || !res) {
		free(r);
		free(priv);
		free(res);
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	}
	run_init(r, opts, ctx);
	r->res = res;
	int rc = load_profile(r, err);
	if (rc == UG_OK)
		rc = analyse(r, paths, npaths, err);
	res->window_start = r->wstart;
	res->window_end = r->wend;
	res->window_inferred = r->window_inferred;
	res->after = r->after;
	res->product = r->prof && r->prof->product ? ug_arena_strdup(&r->arena, r->prof->product) : "";
	hu_sweep_free(r);
	hu_rules_free(r);
	run_free_work(r);
	priv->arena = r->arena;
	priv->prof = r->prof;
	res->priv = priv;
	free(r);
	if (rc != UG_OK) {
		ug_hunt_result_free(res);
		return rc;
	}
	*out = res;
	return UG_OK;
}

void ug_hunt_result_free(ug_hunt_result *r)
{
	if (!r)
		return;
	hu_priv *p = r->priv;
	if (p) {
		ug_profile_free(p->prof);
		ug_arena_free(&p->arena);
		free(p);
	}
	free(r);
}
