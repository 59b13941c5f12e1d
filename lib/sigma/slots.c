/* slots.c — field names interned once, resolved once per event.
 *
 * Why: a rule set reads a few hundred distinct field names, each from many
 * rules, and a name the event lacks costs a scan of all its fields. Every
 * name a rule can read (item fields, |fieldref names, the logsource
 * mapping's renames, both sides) becomes a slot at compile time; items and
 * renames then carry slot numbers, and the matcher resolves a slot to the
 * event's field at most once per event (sg_eval.slot_stamp/slot_at, in the
 * thread's scratch).
 *
 * Invariants: slots are added only while compiling (ug_sigma_compile) and
 * never change afterwards; the cache entry of a slot is valid only when its
 * stamp equals the current event's stamp (sg_eval.stamp, never 0).
 */
#include <stdlib.h>
#include <string.h>

#include "sigma/sigma_int.h"

/* The slot of name, created on first use; SG_NO_SLOT when out of memory. */
static uint32_t intern(ug_sigma *s, ug_sv name)
{
	bool created = false;
	ug_map_entry *e = ug_map_upsert(&s->slot_ids, name, &created);
	if (!e)
		return SG_NO_SLOT;
	if (!created)
		return (uint32_t)((uintptr_t)e->value - 1);
	sg_slot *v = sg_grow(s->slots, &s->slot_cap, s->nslots + 1, sizeof(*v));
	if (!v)
		return SG_NO_SLOT;
	s->slots = v;
	v[s->nslots] = (sg_slot){e->key, (uint16_t)ug_field_lookup(name)};
	e->value = (void *)(uintptr_t)(s->nslots + 1);
	return s->nslots++;
}

static bool intern_item(ug_sigma *s, sg_item *it)
{
	it->slot = SG_NO_SLOT;
	if (it->field.n && (it->slot = intern(s, it->field)) == SG_NO_SLOT)
		return false;
	for (uint32_t i = 0; i < it->nv; i++) {
		sg_val *v = &it->v[i];
		if (v->kind == SG_M_FIELDREF && (v->refslot = intern(s, v->lit)) == SG_NO_SLOT)
			return false;
	}
	return true;
}

static bool intern_rule(ug_sigma *s, sg_rule *r)
{
	for (uint32_t i = 0; i < r->nsels; i++)
		for (uint32_t m = 0; m < r->sels[i].n; m++)
			for (uint32_t k = 0; k < r->sels[i].maps[m].n; k++)
				if (!intern_item(s, &r->sels[i].maps[m].items[k]))
					return false;
	for (uint32_t i = 0; i < r->nsrcs; i++) /* renames are shared by rules: idempotent */
		for (uint32_t k = 0; k < r->srcs[i].nrenames; k++) {
			sg_rename *rn = &r->srcs[i].renames[k];
			rn->from_slot = intern(s, rn->from);
			rn->to_slot = intern(s, rn->to);
			if (rn->from_slot == SG_NO_SLOT || rn->to_slot == SG_NO_SLOT)
				return false;
		}
	return true;
}

int sg_slots_build(ug_sigma *s)
{
	ug_map_init(&s->slot_ids, false);
	for (size_t i = 0; i < s->nrules; i++)
		if (!intern_rule(s, s->rules[i]))
			return UG_ERR_NOMEM;
	for (size_t i = 0; i < s->nfilters; i++)
		if (!intern_rule(s, s->filters[i]))
			return UG_ERR_NOMEM;
	return UG_OK;
}

void sg_slots_free(ug_sigma *s)
{
	free(s->slots);
	ug_map_free(&s->slot_ids); /* safe on a map never initialised (zeroed) */
}

uint32_t sg_slot_renamed(const sg_src *src, uint32_t slot)
{
	for (uint32_t i = 0; src && i < src->nrenames; i++)
		if (src->renames[i].from_slot == slot)
			return src->renames[i].to_slot;
	return slot;
}

uint32_t sg_slot_index(const sg_eval *e, uint32_t slot)
{
	if (e->slot_stamp && e->slot_stamp[slot] == e->stamp)
		return e->slot_at[slot];
	const sg_slot *sl = &e->slots[slot];
	const ug_field *f = sg_find_field(e->ev, sl->name, sl->canon);
	uint32_t at = f ? (uint32_t)(f - e->ev->fields) + 1 : 0;
	if (e->slot_stamp) {
		e->slot_stamp[slot] = e->stamp;
		e->slot_at[slot] = at;
	}
	return at;
}

ug_sv sg_slot_get(const sg_eval *e, uint32_t slot, bool *present)
{
	uint32_t at = sg_slot_index(e, sg_slot_renamed(e->src, slot));
	*present = at != 0;
	if (!at)
		return UG_SV_NULL;
	ug_sv v = e->ev->fields[at - 1].value;
	return (ug_sv){v.p ? v.p : "", v.n};
}
