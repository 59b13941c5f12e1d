/* rules.c — the second stage: Sigma rules (hunt --rules) over what the
 * delivered hosts did after their delivery.
 *
 * A delivery that brought malware is followed by what Sigma rules are written
 * for (credential dumping, discovery, lateral movement, archive and
 * exfiltrate). The rules are compiled once before the first pass, so a bad
 * rule path fails the run at once; they are matched during the behaviour
 * pass, in the reader's parse workers (ug_input_read_hooked), and only on
 * events of hosts with a delivery in the window, from that delivery on. The
 * consumer keeps one hit per (host, rule): count, first time, its record and
 * the matched fields — memory grows with hosts x rules that fired, never with
 * events. After the verdicts, the hits of compromised and suspicious hosts
 * join their evidence as kind `sigma` (weight 0: public rules know nothing
 * of this fleet's baseline, so they explain a verdict but never make one).
 *
 * Correlation rules are not run here (`updguard sigma` runs them).
 *
 * Invariant relied on by the workers: after pass 1 the host table, the
 * deliveries and the IP map are read-only (nothing writes them in pass 2
 * before the consumer sees the event; the consumer never adds a host).
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/str.h"
#include "hunt/hunt_int.h"
#include "updguard/sigma.h"

typedef struct rl_hit {
	uint32_t host, rule;
	uint64_t count;
	ug_time first;
	ug_prov prov;
	const char *fields; /* of the first hit, "Field=value; ..." */
} rl_hit;

typedef struct hu_rules {
	ug_sigma *set;
	rl_hit *hits;
	size_t nhits, caphits;
	hu_set by_key;      /* (host << 32 | rule) -> hit index + 1 */
	bool oom;
} hu_rules;

/* What a worker hands the consumer for an event that matched. */
typedef struct rl_result {
	uint32_t host;
	size_t n;
	ug_sigma_hit hits[];
} rl_result;

int hu_rules_begin(hu_run *r, ug_error *err)
{
	const char *const *paths = r->opts->rules;
	if (!paths || !paths[0])
		return UG_OK;
	hu_rules *rl = calloc(1, sizeof(*rl));
	if (!rl)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	r->rules = rl;
	ug_sigma_opts so = {0};
	so.min_level = (ug_sigma_level)r->opts->rules_min_level;
	int rc = ug_sigma_create(&rl->set, &so, err);
	for (size_t i = 0; rc == UG_OK && paths[i]; i++)
		rc = ug_sigma_load_path(rl->set, paths[i], err);
	if (rc == UG_OK)
		rc = ug_sigma_compile(rl->set, err);
	if (rc != UG_OK)
		return rc;
	size_t nrej = ug_sigma_reject_count(rl->set);
	ug_log_info(r->ctx, "--rules: %zu rule(s) loaded, %zu rejected (updguard sigma --check --show-rejected lists why)",
	            ug_sigma_rule_count(rl->set), nrej);
	if (!ug_sigma_rule_count(rl->set))
		ug_log_warn(r->ctx, "--rules: no rule loaded; the second stage finds nothing");
	return UG_OK;
}

void hu_rules_free(hu_run *r)
{
	hu_rules *rl = r->rules;
	if (!rl)
		return;
	ug_sigma_free(rl->set);
	free(rl->hits);
	hu_set_free(&rl->by_key);
	free(rl);
	r->rules = NULL;
}

/* --- in the workers --- */

/* The host an event belongs to, when that host had a window delivery at or
 * before the event (skew allowed); UINT32_MAX otherwise. Read-only. */
static uint32_t after_window_delivery(const hu_run *r, const ug_event *ev)
{
	const hu_host *h = NULL;
	if (hu_is_endpoint(ev)) {
		h = ev->host.n ? ug_map_get(&r->host_by_name, ev->host) : NULL;
	} else {
		ug_sv ip = ug_event_get(ev, UG_F_SOURCE_IP);
		if (!ip.n)
			ip = ug_event_get(ev, UG_F_C_IP);
		if (ip.n)
			h = hu_ipmap_lookup(r, ip, ev->ts);
	}
	if (!h || h->first_window == UINT32_MAX || ev->ts == UG_TIME_INVALID)
		return UINT32_MAX;
	return ev->ts >= h->dv[h->first_window]->d.time - r->skew ? h->id : UINT32_MAX;
}

void *hu_rules_block_begin(const hu_run *r)
{
	ug_sigma_scratch *sc = NULL;
	return ug_sigma_scratch_new(r->rules->set, &sc) == UG_OK ? sc : NULL;
}

void *hu_rules_match(const hu_run *r, const ug_event *ev, void *state)
{
	if (!state)
		return NULL;
	uint32_t host = after_window_delivery(r, ev);
	if (host == UINT32_MAX)
		return NULL;
	const ug_sigma_hit *hits;
	size_t n = ug_sigma_match(r->rules->set, state, ev, &hits);
	if (!n)
		return NULL;
	rl_result *res = malloc(sizeof(*res) + n * sizeof(res->hits[0]));
	if (!res)
		return NULL;
	res->host = host;
	res->n = n;
	memcpy(res->hits, hits, n * sizeof(res->hits[0]));
	return res;
}

void hu_rules_block_end(void *state)
{
	ug_sigma_scratch_free(state);
}

void hu_rules_pass_begin(hu_run *r)
{
	hu_rules *rl = r->rules;
	if (!rl)
		return;
	/* a new behaviour pass (the window was inferred): judge its hits afresh */
	rl->nhits = 0;
	hu_set_free(&rl->by_key);
}

/* --- in the consumer --- */

void hu_rules_event(hu_run *r, const ug_event *ev, void *result)
{
	rl_result *res = result;
	hu_rules *rl = r->rules;
	if (!res)
		return;
	for (size_t i = 0; i < res->n && rl && !rl->oom; i++) {
		bool created = false;
		uint32_t *slot = hu_set_upsert(&rl->by_key, ((uint64_t)res->host << 32) | res->hits[i].rule, &created);
		if (!slot) {
			rl->oom = true;
			break;
		}
		if (created) {
			ug_buf b = UG_BUF_INIT;
			ug_sigma_hit_fields(rl->set, ev, &res->hits[i], &b);
			rl_hit h = {res->host, res->hits[i].rule, 0, ev->ts, {ev->source, ev->record},
			            hu_strdup(r, ug_sv_make(b.p ? b.p : "", UG_MIN(b.len, 600)))};
			ug_buf_free(&b);
			if (!HU_PUSH(rl->hits, rl->nhits, rl->caphits, h)) {
				rl->oom = true;
				break;
			}
			*slot = (uint32_t)rl->nhits;
		}
		rl_hit *h = &rl->hits[*slot - 1];
		h->count++;
		if (ev->ts < h->first) {
			h->first = ev->ts;
			h->prov = (ug_prov){ev->source, ev->record};
		}
	}
	free(res);
}

/* "attack.t1003.001" -> "T1003.001"; "" when the rule has no technique tag. */
static const char *technique_of(hu_run *r, const char *tags)
{
	ug_sv rest = ug_sv_from(tags);
	while (rest.n) {
		ug_sv t = ug_sv_trim(ug_sv_split_next(&rest, ','));
		if (t.n > 8 && ug_sv_starts_with_nocase(t, UG_SV("attack.t")) && t.p[8] >= '0' && t.p[8] <= '9') {
			char id[32];
			size_t n = UG_MIN(t.n - 7, sizeof(id) - 1);
			for (size_t k = 0; k < n; k++)
				id[k] = (char)(t.p[7 + k] == 't' ? 'T' : t.p[7 + k]);
			return hu_strdup(r, ug_sv_make(id, n));
		}
	}
	return "";
}

static int hit_cmp(const void *a, const void *b)
{
	const rl_hit *x = a, *y = b;
	if (x->host != y->host)
		return x->host < y->host ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Append host h's hits to its result (a compromised or suspicious host). */
static int add_evidence(hu_run *r, ug_host_result *hr, const rl_hit *h, size_t n)
{
	ug_evidence *ev = ug_arena_calloc(&r->arena, hr->nevidence + n + 1, sizeof(*ev));
	if (!ev)
		return UG_ERR_NOMEM;
	if (hr->nevidence)
		memcpy(ev, hr->evidence, hr->nevidence * sizeof(*ev));
	for (size_t i = 0; i < n; i++) {
		const ug_sigma_rule *rule = ug_sigma_rule_at(r->rules->set, h[i].rule);
		ug_buf b = UG_BUF_INIT;
		ug_buf_printf(&b, "Sigma rule \"%s\" (%s, %s): %llu hit(s) after the delivery; %s", rule->title,
		              ug_sigma_level_name(rule->level), rule->id[0] ? rule->id : rule->path,
		              (unsigned long long)h[i].count, h[i].fields);
		ug_evidence *e = &ev[hr->nevidence++];
		*e = (ug_evidence){.time = h[i].first, .kind = "sigma", .technique = technique_of(r, rule->tags),
		                   .summary = hu_strdup(r, ug_buf_sv(&b)),
		                   /* the rule set goes with the run; the result keeps copies */
		                   .value = hu_strdup(r, ug_sv_from(rule->title)),
		                   .pattern = hu_strdup(r, ug_sv_from(rule->id)), .weight = 0, .prov = h[i].prov};
		ug_buf_free(&b);
	}
	hr->evidence = ev;
	return UG_OK;
}

int hu_rules_finish(hu_run *r, ug_error *err)
{
	hu_rules *rl = r->rules;
	if (!rl)
		return UG_OK;
	if (rl->oom)
		return ug_error_set(err, UG_ERR_NOMEM, "hunt: --rules: out of memory");
	if (rl->nhits > 1)
		qsort(rl->hits, rl->nhits, sizeof(*rl->hits), hit_cmp);
	ug_hunt_result *res = r->res;
	ug_map idx;
	ug_map_init(&idx, false);
	int rc = UG_OK;
	for (size_t i = 0; rc == UG_OK && i < res->nhosts; i++)
		rc = ug_map_put(&idx, ug_sv_from(res->hosts[i].host), &res->hosts[i]);
	for (size_t i = 0; rc == UG_OK && i < rl->nhits;) {
		size_t j = i + 1;
		while (j < rl->nhits && rl->hits[j].host == rl->hits[i].host)
			j++;
		ug_host_result *hr = ug_map_get(&idx, ug_sv_from(r->hosts[rl->hits[i].host]->name));
		if (hr && (hr->verdict == UG_VERDICT_COMPROMISED || hr->verdict == UG_VERDICT_SUSPICIOUS))
			rc = add_evidence(r, hr, rl->hits + i, j - i);
		i = j;
	}
	ug_map_free(&idx);
	return rc == UG_OK ? UG_OK : ug_error_set(err, rc, "hunt: out of memory");
}
