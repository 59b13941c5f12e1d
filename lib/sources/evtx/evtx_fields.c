/* evtx_fields.c — the normalized-event sink: a record walked into fields
 * named like evtx_dump's JSON paths, so that an event read from an .evtx and
 * from its evtx_dump rendering (the evtx-json format) carry the same names
 * and canonical ids:
 *
 *   element text              Event.System.Channel
 *   attribute                 Event.System.Provider.#attributes.Name
 *   text beside attributes    Event.System.EventID.#text
 *   empty element             Event.System.Correlation = ""
 *   <Data Name="X">v</Data>   Event.EventData.X   (the Name attribute is no field)
 *   unnamed <Data>            Event.EventData.Data (once per element, in order)
 *   UserData                  Event.UserData.<Element>.<Child>...
 *
 * Canonical ids follow fmt_winjson.c's evtx-json rules: under
 * Event.EventData / Event.UserData a field's own (last) name is looked up in
 * the dictionary; elsewhere a short table of full paths.
 *
 * Speed: names are built once per template op and parent path and cached on
 * the op (ops live as long as the chunk's batch), so a record costs no name
 * building and no dictionary lookups — only the cache-key compares. And the
 * sink runs only for the first record of a structure: what it adds is
 * recorded as a field program (evtx_prog.c) that later records run.
 */
#include <string.h>

#include "core/str.h"
#include "sources/evtx/evtx.h"

enum { ROLE_NONE, ROLE_TIME, ROLE_DATA_NAME };

typedef struct evtx_fcache {
	const char *key;        /* parent path (OPEN) / element path (ATTR) this is for */
	ug_sv name;
	uint16_t canon;         /* of name; OPEN: only once canon_done */
	uint8_t role;
	bool canon_done;
	ug_sv text_name;        /* OPEN: "<path>.#text", made when first needed */
	uint16_t text_canon;
	const char *dkey;       /* OPEN <Data Name=...>: parent path, name, field name */
	ug_sv dval, dname;
	uint16_t dcanon;
} evtx_fcache;

static const struct {
	const char *path;
	ug_field_id id;
} system_paths[] = {
    {"Event.System.Channel", UG_F_CHANNEL},
    {"Event.System.EventID", UG_F_EVENT_ID},
    {"Event.System.EventID.#text", UG_F_EVENT_ID},
    {"Event.System.Computer", UG_F_COMPUTER},
    {"Event.System.EventRecordID", UG_F_EVENT_RECORD_ID},
    {"Event.System.Provider.#attributes.Name", UG_F_PROVIDER_NAME},
};

static bool in_data(ug_sv name)
{
	return ug_sv_starts_with(name, UG_SV("Event.EventData.")) ||
	       ug_sv_starts_with(name, UG_SV("Event.UserData."));
}

static uint16_t canon_of(ug_sv name, ug_sv leaf)
{
	if (in_data(name))
		return (uint16_t)ug_field_lookup(leaf);
	for (size_t i = 0; i < UG_ARRAY_LEN(system_paths); i++)
		if (ug_sv_eq_cstr(name, system_paths[i].path))
			return (uint16_t)system_paths[i].id;
	return UG_F_NONE;
}

/* a + sep + b in the arena (sep may be empty); a empty gives b. */
static ug_sv join(evtx_fsink *s, ug_sv a, const char *sep, ug_sv b)
{
	size_t ns = strlen(sep);
	if (!a.n)
		return b;
	char *p = ug_arena_alloc(s->arena, a.n + ns + b.n + 1);
	if (!p) {
		s->oom = true;
		return UG_SV("");
	}
	memcpy(p, a.p, a.n);
	memcpy(p + a.n, sep, ns);
	memcpy(p + a.n + ns, b.p, b.n);
	p[a.n + ns + b.n] = '\0';
	return (ug_sv){p, a.n + ns + b.n};
}

static evtx_fcache *cache_of(evtx_fsink *s, evtx_op *op)
{
	if (!op->fc) {
		op->fc = ug_arena_calloc(s->arena, 1, sizeof(evtx_fcache));
		if (!op->fc)
			s->oom = true;
	}
	return op->fc;
}

/* A field; when recording a program (evtx_prog.c), also into it: its value
 * is value slot `slot` rendered, or (EVTX_NO_SLOT) the constant value. */
static void add(evtx_fsink *s, ug_sv name, ug_sv value, uint16_t canon, uint16_t slot, bool time)
{
	if (ug_event_add(s->ev, name, value, (ug_field_id)canon) != UG_OK)
		s->oom = true;
	if (s->rec)
		evtx_frec_field(s->rec, name, value, slot, canon, time);
}

/* Recording: a value rendered for nothing (the slow path would count its
 * invalid UTF-16; a program would not render it). */
static void dropped(evtx_fsink *s, const evtx_val *raw)
{
	if (s->rec && raw)
		s->rec->bad = true;
}

static ug_sv parent_path(const evtx_fsink *s)
{
	return s->depth > 0 && s->depth <= (int)UG_ARRAY_LEN(s->st) ? s->st[s->depth - 1].path : UG_SV("");
}

static struct evtx_frame *top(evtx_fsink *s)
{
	return s->depth > 0 && s->depth <= (int)UG_ARRAY_LEN(s->st) ? &s->st[s->depth - 1] : NULL;
}

static void f_open(evtx_sink *base, evtx_op *op)
{
	evtx_fsink *s = (evtx_fsink *)base;
	struct evtx_frame *parent = top(s);
	if (parent)
		parent->has_child = true;
	ug_sv pp = parent_path(s);
	s->depth++;
	struct evtx_frame *f = top(s);
	if (!f)
		return; /* deeper than we keep: ignored */
	f->op = NULL;
	evtx_fcache *fc = cache_of(s, op);
	if (!fc)
		return;
	if (fc->key != pp.p || !fc->name.p) {
		fc->key = pp.p;
		fc->name = join(s, pp, ".", op->text);
		fc->canon_done = false; /* canon and text_name: made at close, when used */
		fc->text_name = UG_SV_NULL;
	}
	*f = (struct evtx_frame){op, fc->name, UG_SV_NULL, UG_SV_NULL, 0, 0, EVTX_NO_SLOT, false};
}

static void f_attr(evtx_sink *base, evtx_op *op, ug_sv value, const evtx_val *raw)
{
	evtx_fsink *s = (evtx_fsink *)base;
	struct evtx_frame *f = top(s);
	if (!f || !f->op) {
		dropped(s, raw);
		return;
	}
	evtx_fcache *fc = cache_of(s, op);
	if (!fc)
		return;
	if (fc->key != f->path.p || !fc->name.p) {
		fc->key = f->path.p;
		fc->name = UG_SV("");
		fc->canon = UG_F_NONE;
		fc->role = ROLE_DATA_NAME;
		if (!ug_sv_eq_cstr(op->text, "Name") || !ug_sv_eq_cstr(f->op->text, "Data")) {
			fc->name = join(s, join(s, f->path, ".", UG_SV("#attributes")), ".", op->text);
			fc->canon = canon_of(fc->name, op->text);
			fc->role = ug_sv_eq_cstr(fc->name, "Event.System.TimeCreated.#attributes.SystemTime")
			               ? ROLE_TIME
			               : ROLE_NONE;
		}
	}
	if (fc->role == ROLE_DATA_NAME) {
		dropped(s, raw); /* a field name from a value: no program */
		f->data_name = value;
		return;
	}
	f->nattrs++;
	add(s, fc->name, value, fc->canon, s->rec && raw ? evtx_frec_slot(s->rec, raw) : EVTX_NO_SLOT,
	    fc->role == ROLE_TIME);
	if (fc->role == ROLE_TIME) {
		if (raw && raw->type == EVTX_T_FILETIME && raw->n == 8)
			s->ts = evtx_filetime_to_time(evtx_u64(raw->p));
		else if (ug_time_parse_iso8601(value, NULL, &s->ts) != UG_OK)
			s->ts = UG_TIME_INVALID;
	}
}

static void f_text(evtx_sink *base, evtx_piece kind, ug_sv text, ug_sv extra, const evtx_val *raw)
{
	(void)extra;
	evtx_fsink *s = (evtx_fsink *)base;
	struct evtx_frame *f = top(s);
	if (!f || kind == EVTX_PIECE_PI) {
		dropped(s, raw);
		return;
	}
	if (f->pieces++ == 0) {
		f->text = text;
		if (s->rec && raw)
			f->slot = evtx_frec_slot(s->rec, raw);
		return;
	}
	if (s->rec && (raw || f->slot != EVTX_NO_SLOT))
		s->rec->bad = true; /* a value joined with other pieces */
	f->text = join(s, f->text, "", text);
}

/* The field name of a <Data Name="..."> element, cached on its op. */
static ug_sv data_field(evtx_fsink *s, struct evtx_frame *f, uint16_t *canon)
{
	evtx_fcache *fc = cache_of(s, f->op);
	ug_sv pp = parent_path(s);
	if (!fc)
		return UG_SV("");
	bool same = fc->dval.p == f->data_name.p && fc->dval.n == f->data_name.n; /* literal Name */
	if (fc->dkey != pp.p || !fc->dname.p || !(same || ug_sv_eq(fc->dval, f->data_name))) {
		fc->dkey = pp.p;
		fc->dval = f->data_name;
		fc->dname = join(s, pp, ".", f->data_name);
		fc->dcanon = canon_of(fc->dname, f->data_name);
	}
	*canon = fc->dcanon;
	return fc->dname;
}

static void f_close(evtx_sink *base)
{
	evtx_fsink *s = (evtx_fsink *)base;
	struct evtx_frame *f = top(s);
	s->depth--;
	if (!f || !f->op || !f->op->fc)
		return;
	ug_sv value = f->text.p ? f->text : UG_SV("");
	evtx_fcache *fc = f->op->fc;
	if (f->data_name.p) {
		uint16_t canon; /* depth is back at the parent's: parent_path() is its path */
		ug_sv name = data_field(s, f, &canon);
		add(s, name, value, canon, f->slot, false);
	} else if (!f->has_child && f->nattrs == 0) {
		if (!fc->canon_done) {
			fc->canon = canon_of(fc->name, f->op->text);
			fc->canon_done = true;
		}
		add(s, fc->name, value, fc->canon, f->slot, false);
	} else if (f->pieces) {
		if (!fc->text_name.p) {
			fc->text_name = join(s, fc->name, ".", UG_SV("#text"));
			fc->text_canon = canon_of(fc->text_name, UG_SV("#text"));
		}
		add(s, fc->text_name, value, fc->text_canon, f->slot, false);
	}
}

void evtx_fsink_init(evtx_fsink *s, ug_event *ev, ug_arena *arena)
{
	s->base = (evtx_sink){f_open, f_attr, f_text, f_close};
	s->ev = ev;
	s->arena = arena;
	s->ts = UG_TIME_INVALID;
	s->oom = false;
	s->depth = 0;
	s->rec = NULL;
}
