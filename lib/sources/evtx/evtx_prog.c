/* evtx_prog.c — field programs: what the field sink (evtx_fields.c) adds
 * for a record, recorded once and then run for every record of the same
 * structure, as a loop of "render value k (or take a constant), add the
 * field" with names and canonical ids ready.
 *
 * A record is a template instance whose values may be BinXML fragments
 * holding template instances in turn (Windows puts EventData/UserData in
 * one). The sink calls a record makes depend on its values only through the
 * *structure*: each instance's template and value shape (count, and per
 * value its type and whether it is empty: the invariant of evtx_plan.c),
 * and which values hold the nested instances. What the field sink does with
 * those calls depends on the values only through the texts it adds as
 * values (and TimeCreated's, which sets the record time). So the slow path
 * (walk or plan replay into the sink) records, beside its work, each field
 * added as (name, canonical id, constant or value slot); a later record
 * whose structure is equal runs that list. Whatever a list cannot repeat
 * makes the recording bad and the record stays on the slow path: field
 * values joined from a value and other pieces, element names from values
 * (<Data Name="%1">), arrays repeated per item, template instances not
 * reached through a BinXML value, fragments that are not one instance,
 * values rendered but dropped (elements nested deeper than the sink
 * keeps), too many instances, values or fields.
 *
 * Running a program checks the whole structure first (every instance header
 * and value shape, as evtx_fragment/evtx_instance check them) and adds
 * nothing unless all of it fits; only running out of memory can stop it
 * halfway, as it stops the slow path. Values are rendered by the same
 * evtx_render, so texts and #invalid_utf16 counts are the slow path's.
 * Programs hang on the record's template (evtx_tmpl.progs, a few per
 * template) and live in the batch arena with it.
 */
#include <string.h>

#include "sources/evtx/evtx.h"

/* ---- recording ---- */

void evtx_prog_record(evtx_ctx *c, evtx_fsink *s)
{
	evtx_frec *r = &c->rec;
	r->bad = false;
	r->ninst = r->nslots = r->nfields = 0;
	r->holder = NULL;
	c->frec = r;
	s->rec = r;
}

static int bad(evtx_frec *r)
{
	r->bad = true;
	return -1;
}

int evtx_frec_enter(evtx_ctx *c, evtx_tmpl *t, const evtx_val *vals, uint32_t n)
{
	evtx_frec *r = c->frec;
	const evtx_val *holder = r->holder;
	r->holder = NULL;
	if (r->bad || r->ninst == EVTX_PROG_INSTS || n > EVTX_PROG_SLOTS - r->nslots)
		return bad(r);
	uint16_t parent = 0xffff, index = 0;
	if (r->ninst == 0) { /* the record's own instance, from evtx_fragment */
		/* a template whose records keep failing: try now and then */
		if (holder || c->depth != 1 || (t->prog_bad >= 16 && (++t->prog_retry & 31) != 0))
			return bad(r);
	} else {
		uint32_t i = r->ninst;
		while (i-- > 0) {
			const struct evtx_frec_inst *fi = &r->inst[i];
			if (fi->live && (uintptr_t)holder >= (uintptr_t)fi->vals &&
			    (uintptr_t)holder < (uintptr_t)(fi->vals + fi->pi.nvals))
				break;
		}
		if (!holder || i == UINT32_MAX)
			return bad(r);
		parent = (uint16_t)i;
		index = (uint16_t)(holder - r->inst[i].vals);
	}
	struct evtx_frec_inst *fi = &r->inst[r->ninst];
	fi->pi = (evtx_pinst){t, parent, index, (uint16_t)r->nslots, (uint16_t)n, NULL};
	fi->vals = vals;
	fi->live = true;
	for (uint32_t i = 0; i < n; i++)
		r->shapes[r->nslots + i] = evtx_shape_of(&vals[i]);
	r->nslots += n;
	return (int)r->ninst++;
}

void evtx_frec_leave(evtx_ctx *c, int inst)
{
	c->frec->inst[inst].live = false;
}

uint16_t evtx_frec_slot(evtx_frec *r, const evtx_val *raw)
{
	for (uint32_t i = r->ninst; i-- > 0;) {
		const struct evtx_frec_inst *fi = &r->inst[i];
		if (fi->live && (uintptr_t)raw >= (uintptr_t)fi->vals &&
		    (uintptr_t)raw < (uintptr_t)(fi->vals + fi->pi.nvals))
			return (uint16_t)(fi->pi.base + (raw - fi->vals));
	}
	r->bad = true; /* e.g. an array item */
	return EVTX_NO_SLOT;
}

void evtx_frec_field(evtx_frec *r, ug_sv name, ug_sv value, uint16_t slot, uint16_t canon, bool time)
{
	if (r->bad)
		return;
	if (r->nfields == EVTX_PROG_FIELDS) {
		r->bad = true;
		return;
	}
	r->fields[r->nfields++] =
	    (evtx_pfield){name, slot == EVTX_NO_SLOT ? value : UG_SV_NULL, slot, canon, time};
}

void evtx_prog_keep(evtx_ctx *c, evtx_fsink *s, bool ok)
{
	evtx_frec *r = c->frec;
	c->frec = NULL;
	s->rec = NULL;
	if (!r || !r->ninst)
		return;
	evtx_tmpl *t = r->inst[0].pi.t;
	if (!ok || r->bad) {
		t->prog_bad += t->prog_bad < 255;
		return;
	}
	evtx_prog *p = ug_arena_alloc(c->arena, sizeof(*p));
	evtx_pinst *inst = p ? ug_arena_alloc(c->arena, r->ninst * sizeof(*inst)) : NULL;
	uint16_t *shapes = inst ? ug_arena_alloc(c->arena, r->nslots * sizeof(*shapes)) : NULL;
	evtx_pfield *fields = shapes ? ug_arena_alloc(c->arena, r->nfields * sizeof(*fields)) : NULL;
	if (!fields)
		return;
	memcpy(shapes, r->shapes, r->nslots * sizeof(*shapes));
	for (uint32_t i = 0; i < r->ninst; i++) {
		inst[i] = r->inst[i].pi;
		inst[i].shape = shapes + inst[i].base;
	}
	memcpy(fields, r->fields, r->nfields * sizeof(*fields));
	*p = (evtx_prog){r->ninst, r->nfields, inst, fields};
	/* first in the list; the last one drops out when it is full */
	uint32_t keep = t->nprogs < EVTX_PROGS ? t->nprogs : EVTX_PROGS - 1;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers moves by pointers */
	memmove(t->progs + 1, t->progs, keep * sizeof(t->progs[0]));
	t->progs[0] = p;
	t->nprogs = (uint8_t)(keep + 1);
	t->prog_bad = 0;
	c->stats.recorded++;
}

/* ---- running ---- */

/* The fragment [off, end) is one template instance, as evtx_fragment's
 * common case: its values and their shapes (at most max); its template. */
static evtx_tmpl *instance_of(evtx_ctx *c, uint32_t off, uint32_t end, evtx_val *vals, uint16_t *shapes,
                              uint32_t max, uint32_t *n)
{
	const uint8_t *p = c->chunk;
	evtx_tmpl *t;
	uint32_t after;
	*n = 0;
	if (end > c->len || off >= end || p[off] != 0x0f || off + 4 >= end || p[off + 4] != 0x0c)
		return NULL;
	if (evtx_instance_values(c, off + 4, end, &t, vals, shapes, max, n, &after) != 0) {
		c->error = NULL; /* the slow path finds it again */
		return NULL;
	}
	return after < end && p[after] == 0x00 ? t : NULL;
}

/* An instance of a program fits values of this shape. */
static bool fits(const evtx_pinst *pi, const evtx_tmpl *t, uint32_t n, const uint16_t *shapes)
{
	return t == pi->t && n == pi->nvals && memcmp(pi->shape, shapes, n * sizeof(*shapes)) == 0;
}

/* The first nested instance, parsed once per record however many programs
 * are tried: all have it at slot n0, after the record's values. */
typedef struct first_nested {
	uint32_t holder;     /* its value index in the record's instance; UINT32_MAX: none yet */
	evtx_tmpl *t;        /* NULL: not an instance */
	uint32_t n;
} first_nested;

/* The nested instances of p are the record's: their values into slots. */
static bool nested_fit(evtx_ctx *c, const evtx_prog *p, evtx_val *slots, uint16_t *shapes, uint32_t n0,
                       first_nested *fn)
{
	for (uint32_t k = 1; k < p->ninst; k++) {
		const evtx_pinst *pi = &p->inst[k];
		/* the holder is a non-empty BinXML value: its parent's shape says so */
		const evtx_val *v = &slots[p->inst[pi->parent].base + pi->index];
		uint32_t off = (uint32_t)(v->p - c->chunk), n;
		if (k == 1) {
			if (fn->holder != pi->index) {
				fn->holder = pi->index;
				fn->t = instance_of(c, off, off + v->n, slots + n0, shapes + n0, EVTX_PROG_SLOTS - n0,
				                    &fn->n);
			}
			if (!fits(pi, fn->t, fn->n, shapes + n0))
				return false;
			continue;
		}
		evtx_tmpl *t = instance_of(c, off, off + v->n, slots + pi->base, shapes + pi->base,
		                           EVTX_PROG_SLOTS - pi->base, &n);
		if (!fits(pi, t, n, shapes + pi->base))
			return false;
	}
	return true;
}

static int run(evtx_ctx *c, const evtx_prog *p, const evtx_val *slots, evtx_fsink *s)
{
	for (uint32_t i = 0; i < p->nfields; i++) {
		const evtx_pfield *f = &p->fields[i];
		const evtx_val *raw = f->slot == EVTX_NO_SLOT ? NULL : &slots[f->slot];
		ug_sv v = raw ? evtx_render(c, raw) : f->text;
		if (!v.p) {
			s->oom = true;
			return -1;
		}
		if (ug_event_add(s->ev, f->name, v, (ug_field_id)f->canon) != UG_OK)
			s->oom = true;
		if (f->time) { /* as f_attr sets it */
			if (raw && raw->type == EVTX_T_FILETIME && raw->n == 8)
				s->ts = evtx_filetime_to_time(evtx_u64(raw->p));
			else if (ug_time_parse_iso8601(v, NULL, &s->ts) != UG_OK)
				s->ts = UG_TIME_INVALID;
		}
	}
	return 1;
}

int evtx_prog_run(evtx_ctx *c, uint32_t off, uint32_t end, evtx_fsink *s)
{
	evtx_val slots[EVTX_PROG_SLOTS];
	uint16_t shapes[EVTX_PROG_SLOTS];
	uint32_t n;
	evtx_tmpl *t = instance_of(c, off, end, slots, shapes, EVTX_PROG_SLOTS, &n);
	if (!t || !t->nprogs)
		return 0;
	first_nested fn = {UINT32_MAX, NULL, 0};
	for (uint32_t k = 0; k < t->nprogs; k++) {
		evtx_prog *p = t->progs[k];
		if (!fits(&p->inst[0], t, n, shapes) || !nested_fit(c, p, slots, shapes, n, &fn))
			continue;
		/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers moves by pointers */
		memmove(t->progs + 1, t->progs, k * sizeof(t->progs[0])); /* to the front */
		t->progs[0] = p;
		c->stats.run++;
		return run(c, p, slots, s);
	}
	return 0;
}
