/* workers.c — the behaviour pass's per-event work that runs in the reader's
 * parse workers (ug_input_read_hooked) instead of the one consumer thread:
 * matching every event against the known indicators (the sweep) and against
 * the Sigma rules of --rules. Most events match nothing and cost the
 * consumer nothing; an event that matched carries one small result (the
 * indicators it hit, the rules' result) that the consumer notes in input
 * order, so the run is the same whatever the thread count.
 *
 * Invariant relied on: during the behaviour pass the host table, the
 * deliveries, the IP map, the indicator set and the rule set are read-only
 * (pass 2 creates no host and changes no delivery; the sweep and rules only
 * record their hits in the consumer).
 */
#include <stdlib.h>

#include "hunt/hunt_int.h"
#include "updguard/sources.h"

/* Indicators one event can hand on; more (never seen in practice) and the
 * consumer matches that event again itself. */
#define WRES_IOC 8

typedef struct wres {
	void *rules;           /* hu_rules_match's result, NULL when none */
	size_t nioc;           /* indicators hit (may exceed WRES_IOC) */
	hu_ioc_found ioc[WRES_IOC];
} wres;

/* Handed on when a result could not be allocated: the consumer sweeps the
 * event itself (the rules' hits of that event are lost, as they would be in
 * the worker without memory). Never freed. */
static wres redo;

static void *w_block_begin(void *user)
{
	const hu_run *r = user;
	return r->rules ? hu_rules_block_begin(r) : NULL;
}

static void *w_event(const ug_event *ev, void *state, void *user)
{
	const hu_run *r = user;
	hu_ioc_found found[WRES_IOC];
	size_t n = hu_sweep_match(r, ev, found, WRES_IOC);
	void *rules = r->rules ? hu_rules_match(r, ev, state) : NULL;
	if (!n && !rules)
		return NULL;
	wres *w = malloc(sizeof(*w));
	if (!w) {
		free(rules);
		return n ? &redo : NULL;
	}
	w->rules = rules;
	w->nioc = n;
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
	if (!w || w == &redo)
		return;
	free(w->rules);
	free(w);
}

const ug_event_hook *hu_workers_hook(hu_run *r, ug_event_hook *hook)
{
	if (!r->rules && !(r->sweep && r->sweeping))
		return NULL;
	*hook = (ug_event_hook){w_block_begin, w_event, w_block_end, w_result_free, r};
	return hook;
}

int hu_workers_take(hu_run *r, const ug_event *ev, void *result)
{
	wres *w = result;
	if (!w)
		return 0;
	if (w == &redo)
		return hu_sweep_event(r, ev);
	if (w->rules)
		hu_rules_event(r, ev, w->rules); /* frees it */
	int stop = hu_sweep_take(r, ev, w->ioc, w->nioc, WRES_IOC);
	free(w);
	return stop;
}
