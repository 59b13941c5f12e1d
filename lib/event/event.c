/* event.c — the normalized event: field storage and lookup; see event.h. */
#include <stdlib.h>

#include "core/arena.h"
#include "core/str.h"
#include "updguard/event.h"

void ug_event_init(ug_event *ev, struct ug_arena *arena)
{
	memset(ev, 0, sizeof(*ev));
	ev->arena = arena;
	ev->ts = UG_TIME_INVALID;
}

void ug_event_reset(ug_event *ev)
{
	ev->ts = UG_TIME_INVALID;
	ev->host = UG_SV_NULL;
	ev->kind = UG_KIND_OTHER;
	ev->source = 0;
	ev->record = 0;
	ev->offset = 0;
	ev->event_id = 0;
	ev->channel = UG_SV_NULL;
	/* the index is UG_F__COUNT bytes: a few vector stores, cheaper than
	 * visiting the fields (Windows events carry 30..60). Copied from a zero
	 * table because GCC turns a memset of this size into `rep stos`, whose
	 * start-up costs more than the loop did. */
	static const uint8_t no_fields[UG_F__COUNT];
	memcpy(ev->canon_idx, no_fields, sizeof(ev->canon_idx));
	ev->nfields = 0;
}

void ug_event_free(ug_event *ev)
{
	free(ev->fields);
	ev->fields = NULL;
	ev->nfields = ev->cap = 0;
}

int ug_event_add(ug_event *ev, ug_sv name, ug_sv value, ug_field_id canon)
{
	if (ev->nfields == ev->cap) {
		uint32_t cap = ev->cap ? ev->cap * 2 : 32;
		ug_field *f = realloc(ev->fields, cap * sizeof(*f));
		if (!f)
			return UG_ERR_NOMEM;
		ev->fields = f;
		ev->cap = cap;
	}
	if ((unsigned)canon >= UG_F__COUNT)
		canon = UG_F_NONE;
	ev->fields[ev->nfields++] = (ug_field){name, value, (uint16_t)canon};
	/* first field wins; the index can only address the first 255 fields */
	if (canon != UG_F_NONE && !ev->canon_idx[canon] && ev->nfields <= 255)
		ev->canon_idx[canon] = (uint8_t)ev->nfields;
	return UG_OK;
}

int ug_event_add_auto(ug_event *ev, ug_sv name, ug_sv value)
{
	return ug_event_add(ev, name, value, ug_field_lookup(name));
}

int ug_event_add_copy(ug_event *ev, ug_sv name, ug_sv value, ug_field_id canon)
{
	if (!ev->arena)
		return UG_ERR_INVALID;
	ug_sv v = ug_arena_dup(ev->arena, value);
	if (!v.p)
		return UG_ERR_NOMEM;
	return ug_event_add(ev, name, v, canon);
}

ug_sv ug_event_get_by_name(const ug_event *ev, ug_sv name)
{
	ug_field_id id = ug_field_lookup(name);
	if (id != UG_F_NONE && ev->canon_idx[id])
		return ug_event_get(ev, id);
	/* One pass for the three name rules (exact, any case, last component
	 * of a dotted name): an exact match returns at once; otherwise the
	 * first match of the better rule wins, as three passes in that order
	 * would find. Most names differ in length, which is checked first. */
	const ug_field *nocase = NULL, *suffix = NULL;
	for (uint32_t i = 0; i < ev->nfields; i++) {
		const ug_field *f = &ev->fields[i];
		ug_sv n = f->name;
		if (n.n == name.n) {
			if (n.n == 0 || memcmp(n.p, name.p, n.n) == 0)
				return f->value;
			if (!nocase && ug_sv_eq_nocase(n, name))
				nocase = f;
		} else if (!suffix && n.n > name.n && n.p[n.n - name.n - 1] == '.' &&
		           memcmp(n.p + n.n - name.n, name.p, name.n) == 0) {
			suffix = f;
		}
	}
	if (nocase)
		return nocase->value;
	return suffix ? suffix->value : UG_SV_NULL;
}

int ug_event_set_host(ug_event *ev, ug_sv raw)
{
	ug_sv span = ug_host_span(raw);
	bool lower = true;
	for (size_t i = 0; i < span.n && lower; i++)
		lower = !(span.p[i] >= 'A' && span.p[i] <= 'Z');
	if (lower) { /* already normal: keep the view into the input */
		ev->host = span;
		return UG_OK;
	}
	if (!ev->arena)
		return UG_ERR_INVALID;
	char *p = ug_arena_alloc(ev->arena, span.n);
	if (!p)
		return UG_ERR_NOMEM;
	ug_sv_lower_into(span, p);
	ev->host = (ug_sv){p, span.n};
	return UG_OK;
}
