/* workers.c — the behaviour pass's per-event work that can run in the
 * reader's parse workers (ug_input_read_hooked) instead of the one consumer
 * thread: which host an event counts for and which delivery it follows by
 * time (hu_pass2_host, hu_attributing), the known-indicator sweep's matching
 * and the Sigma rules of --rules. The consumer gets each event with its
 * result, in input order, so the run is the same whatever the thread count,
 * and only judges (hu_pass2_judge) and notes hits.
 *
 * A result is one of:
 *   NULL          nothing was worked out (no room for results): the consumer
 *                 does it all itself;
 *   tagged word   (low bit 1) host id + 1 in the high 32 bits (0: the event
 *                 counts for no host), delivery id + 1 in bits 1..31 (0: none);
 *                 nothing matched;
 *   wres*         the same, with the indicators hit and the rules' result;
 *   &redo         hits but no memory to hand them on: the consumer sweeps.
 *
 * Invariant relied on: during the behaviour pass the host table, the
 * deliveries and their spans, the IP map, the indicator set and the rule set
 * are read-only (pass 2 creates no host and changes no delivery; the sweep and
 * the rules record their hits in the consumer).
 */
#include <stdint.h>
#include <stdlib.h>

#include "hunt/hunt_int.h"
#include "updguard/sources.h"

/* Indicators one event can hand on; more (never seen in practice) and the
 * consumer matches that event again itself. */
#define WRES_IOC 8
/* Delivery ids that fit the tagged word. */
#define TAG_DV_MAX (UINT32_C(1) << 30)

typedef struct wres {
	void *rules;           /* hu_rules_match's result, NULL when none */
	uint32_t host1, dv1;   /* as in the tagged word */
	size_t nioc;           /* indicators hit (may exceed WRES_IOC) */
	hu_ioc_found ioc[WRES_IOC];
} wres;

static wres redo;

static bool is_tag(const void *p)
{
	return ((uintptr_t)p & 1) != 0;
}

static void *w_block_begin(void *user)
{
	const hu_run *r = user;
	return r->rules ? hu_rules_block_begin(r) : NULL;
}

static void *w_event(const ug_event *ev, void *state, void *user)
{
	const hu_run *r = user;
	const hu_host *h = hu_pass2_host(r, ev);
	const hu_deliv *d = h ? hu_attributing(r, h, ev->ts) : NULL;
	uint32_t host1 = h ? h->id + 1 : 0, dv1 = d ? d->id + 1 : 0;
	if (dv1 >= TAG_DV_MAX || sizeof(uintptr_t) < sizeof(uint64_t))
		return NULL; /* the consumer works it out */
	hu_ioc_found found[WRES_IOC];
	size_t n = hu_sweep_match(r, ev, found, WRES_IOC);
	void *rules = r->rules ? hu_rules_match(r, ev, state) : NULL;
	if (!n && !rules)
		return (void *)(uintptr_t)((uint64_t)host1 << 32 | (uint64_t)dv1 << 1 | 1);
	wres *w = malloc(sizeof(*w));
	if (!w) {
		free(rules);
		return n ? &redo : NULL;
	}
	*w = (wres){rules, host1, dv1, n, {{0}}};
	for (size_t i = 0; i < n && i < WRES_IOC; i++)
		w->ioc[i] = found[i];
	return w;
}

static void w_block_end(void *state, void *user)
{
	const hu_run *r = user;
	if (r->rules)
		hu_rules_block_end(state);
}

static void w_result_free(void *result, void *user)
{
	(void)user;
	wres *w = result;
	if (!w || is_tag(w) || w == &redo)
		return;
	free(w->rules);
	free(w);
}

const ug_event_hook *hu_workers_hook(hu_run *r, ug_event_hook *hook)
{
	*hook = (ug_event_hook){w_block_begin, w_event, w_block_end, w_result_free, r};
	return hook;
}

/* Judge the event with what the worker found (host1 == 0: it counts for no
 * host). */
static int judge(hu_run *r, const ug_event *ev, uint32_t host1, uint32_t dv1)
{
	if (!host1)
		return 0;
	return hu_pass2_judge(r, ev, r->hosts[host1 - 1], dv1 ? r->dv[dv1 - 1] : NULL);
}

int hu_workers_take(hu_run *r, const ug_event *ev, void *result)
{
	if (is_tag(result)) {
		uint64_t t = (uintptr_t)result;
		return judge(r, ev, (uint32_t)(t >> 32), (uint32_t)(t & 0xffffffffu) >> 1);
	}
	wres *w = result;
	if (!w || w == &redo) {
		if (r->sweeping && hu_sweep_event(r, ev))
			return 1;
		return hu_pass2_event(ev, r);
	}
	if (w->rules)
		hu_rules_event(r, ev, w->rules); /* frees it */
	int stop = hu_sweep_take(r, ev, w->ioc, w->nioc, WRES_IOC);
	uint32_t host1 = w->host1, dv1 = w->dv1;
	free(w);
	return stop ? stop : judge(r, ev, host1, dv1);
}
