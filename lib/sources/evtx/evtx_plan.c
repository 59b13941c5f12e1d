/* evtx_plan.c — recorded template instantiations ("plans"), so that a
 * record does not walk its template's ops again.
 *
 * Walking ops (evtx_binxml.c) decides per op whether an element is dropped
 * (null optional substitution), repeated (array), nested (BinXML value) and
 * how attribute values are joined. Those decisions depend on the values only
 * through their shape: their count and, per value, its type and whether it
 * is empty (evtx_shape_of). So the first instantiation of a template in a
 * chunk records the sink calls it makes; a later record whose values have
 * the same shape replays them, rendering only the substitution values.
 * Nested BinXML values and template instances inside templates are replayed
 * as themselves (walked or replayed in turn). Walks that repeat elements per
 * array item are not recorded (their calls depend on the item count).
 *
 * Plans live in the batch arena with the compiled templates (one per
 * template: a different shape records anew, and replaces it).
 */
#include <string.h>

#include "sources/evtx/evtx.h"

void evtx_rec_step(evtx_ctx *c, evtx_rec *r, evtx_step st)
{
	if (!r || r->bad)
		return;
	if (r->n == r->cap) {
		uint32_t cap = r->cap ? r->cap * 2 : 64;
		evtx_step *v = ug_arena_alloc(c->arena, (size_t)cap * sizeof(*v));
		if (!v) {
			r->bad = true;
			return;
		}
		if (r->n)
			memcpy(v, r->v, (size_t)r->n * sizeof(*v));
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = st;
}

void evtx_rec_keep(evtx_ctx *c, evtx_rec *r, evtx_tmpl *t, const evtx_val *vals, uint32_t n)
{
	if (r->bad)
		return;
	/* a new plan, never the old one changed: a replay of it may be running
	 * (the template nested in its own instance) */
	evtx_plan *p = ug_arena_alloc(c->arena, sizeof(*p));
	uint16_t *shape = p ? ug_arena_alloc(c->arena, (size_t)n * sizeof(*shape) + 1) : NULL;
	if (!shape)
		return;
	p->shape = shape;
	for (uint32_t i = 0; i < n; i++)
		p->shape[i] = evtx_shape_of(&vals[i]);
	p->nvals = n;
	p->steps = r->v;
	p->nsteps = r->n;
	t->plan = p;
}

bool evtx_plan_fits(const evtx_plan *p, const evtx_val *vals, uint32_t n)
{
	if (p->nvals != n)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (p->shape[i] != evtx_shape_of(&vals[i]))
			return false;
	return true;
}

static int oom(evtx_ctx *c)
{
	if (!c->error)
		c->error = "out of memory";
	return -1;
}

/* The text of an ATTR or TEXT step; NULL view when out of memory. */
static ug_sv step_text(evtx_ctx *c, const evtx_step *st, const evtx_val *vals, const evtx_val **raw)
{
	if (!st->from_val) {
		*raw = NULL;
		return st->text;
	}
	*raw = &vals[st->index];
	return evtx_render(c, *raw);
}

int evtx_plan_replay(evtx_ctx *c, const evtx_plan *p, const evtx_val *vals, evtx_sink *s)
{
	const evtx_val *raw;
	for (uint32_t i = 0; i < p->nsteps; i++) {
		const evtx_step *st = &p->steps[i];
		switch ((evtx_stepk)st->kind) {
		case EVTX_ST_OPEN: s->open(s, st->op); break;
		case EVTX_ST_CLOSE: s->close(s); break;
		case EVTX_ST_ATTR: {
			ug_sv t = step_text(c, st, vals, &raw);
			if (!t.p)
				return oom(c);
			s->attr(s, st->op, t, raw);
			break;
		}
		case EVTX_ST_TEXT: {
			ug_sv t = step_text(c, st, vals, &raw);
			if (!t.p)
				return oom(c);
			s->text(s, (evtx_piece)st->piece, t, st->op ? st->op->text : UG_SV_NULL, raw);
			break;
		}
		case EVTX_ST_NESTED: {
			const evtx_val *v = &vals[st->index];
			uint32_t off = (uint32_t)(v->p - c->chunk);
			if (c->frec)
				c->frec->holder = v;
			if (evtx_fragment(c, off, off + v->n, s) != 0)
				return -1;
			break;
		}
		case EVTX_ST_INSTANCE: {
			uint32_t after;
			evtx_frec_bad(c);
			if (evtx_instance(c, st->at, c->len, s, &after) != 0)
				return -1;
			break;
		}
		}
	}
	return 0;
}
