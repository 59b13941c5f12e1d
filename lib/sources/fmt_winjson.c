/* fmt_winjson.c — Windows event logs exported as JSON, in the four shapes
 * found in the field, each its own ug_format so that --format can force one
 * and the source table says which read a file:
 *
 *   ecs-json     Winlogbeat / Elastic Agent (winlog.*, @timestamp, ECS fields),
 *                and the Winlogbeat 6 layout (event_data, log_name, computer_name)
 *   flat-json    OTRF / NXLog: EventData members at the top level
 *   evtx-json    evtx_dump-style Event.System / Event.EventData (python-evtx
 *                Data arrays of {"@Name", "#text"} too)
 *   splunk-json  Splunk exports: raw Windows fields top level, _time, host
 *
 * All four share one walker: every scalar of the record becomes a field named
 * by its dotted path ("winlog.event_data.Image"); arrays of scalars are
 * joined with ','; arrays holding objects or arrays keep their JSON text.
 * Inside "data sections" (event_data, EventData, UserData, or the whole top
 * level for the flat shapes) a member's own name gives its canonical id
 * (Image -> UG_F_IMAGE); elsewhere a per-format table of full paths does
 * (winlog.channel, process.executable, ...). A canonical id is given to the
 * first field that maps to it only, and data sections are walked first, so a
 * raw Windows field always beats an ECS field with the same meaning.
 * docs/formats.md has the tables, the time rules and what is skipped.
 *
 * Speed (docs/architecture.md): per file, the paths the walker will meet
 * are worked out once as nodes (full name, canonical id, data flag, order
 * hints), from the spec and from the file's head; the walker matches each
 * record's members to them level by level and takes the general way only
 * for members without a node. The nodes change no field, only the speed.
 */
#include <stdlib.h>
#include <string.h>

#include "core/map.h"
#include "core/str.h"
#include "sources/format.h"
#include "sources/json.h"

/* ---- per-format description -------------------------------------------- */

typedef struct wj_map_ent {
	const char *name;
	ug_field_id id;
} wj_map_ent;

typedef struct wj_time_src {
	const char *path;
	bool local; /* no offset written means opts->input_tz (else UTC) */
	bool any;   /* epoch seconds accepted too */
} wj_time_src;

typedef struct wj_spec {
	const wj_map_ent *paths;     /* full dotted path -> canonical (outside data) */
	const wj_map_ent *aliases;   /* raw name -> canonical in data, beside the dictionary */
	const char *const *sections; /* dotted names of data sections */
	const char *const *first;    /* top-level members walked first */
	const wj_time_src *times;    /* first present and parseable wins */
	const char *const *hosts;    /* first non-empty wins */
	bool data_root;              /* top-level members are data (flat shapes) */
	bool channel_from_source;    /* "WinEventLog:Security" -> Security (Splunk) */
	bool unwrap_result;          /* Splunk REST export: {"result": {...}} */
} wj_spec;

/* A cheap pre-check before hashing a name: one bit per (length, first
 * byte) of the names a map holds. Most record fields are not canonical and
 * are turned away here (names of 64 bytes and more always go to the map). */
#define WJ_FILTER_LEN 64
typedef struct wj_filter {
	uint8_t bits[WJ_FILTER_LEN][16];
} wj_filter;

/* A key as two words that, with its length, tell it apart from every other
 * key of up to 16 bytes (longer keys are compared in full besides): the
 * first and last 8 bytes (overlapping), or 4 and 4, or 3 single bytes. */
typedef struct wj_words {
	uint64_t a, b;
} wj_words;

/* A member path known before parsing starts: the spec's paths, the data
 * sections' canonical names, and every path of the records in the file's
 * head. Its full dotted name is built once and what the walker works out
 * for a member (data or not, canonical id, walk order) is stored, so that a
 * record's members are matched to nodes level by level as the walker
 * descends, without joining or hashing names. Only paths of plain keys
 * (non-empty, no escapes, no dots) get nodes: the rest take the general
 * walk (walk_member), which gives the same fields. */
typedef struct wj_node {
	ug_sv key;         /* the member's name (a view into name) */
	ug_sv name;        /* full dotted name, in the state's arena */
	uint32_t parent;   /* node of the enclosing object; node 0 is the record root */
	uint32_t first;    /* hint: node of the first member of an object here (0: none) */
	uint32_t next;     /* hint: node of the member that followed this one (0: none) */
	uint32_t next2;    /* hint: another member seen following it (records of other kinds) */
	wj_words w;        /* key_words(key) */
	uint16_t canon;    /* canonical id of a value here, before the first-wins rule */
	bool in_data;      /* the member is data (walk_member's in_data) */
	bool child_data;   /* the members of an object here are data */
	bool data_elems;   /* "Data" in a data section: containers take the general walk */
	bool first_pass;   /* a top-level member of spec->first */
	uint16_t hdr;      /* bit i: header source i (wj_state.hdr_node) has this path */
} wj_node;

/* Bounds on what the head can add: a hostile head costs at most this. */
#define WJ_MAX_NODES 8192
#define WJ_MAX_HEAD_RECORDS 256
/* Header sources: the spec's time paths, then its host paths. */
#define WJ_MAX_HDR 16

/* Per-file state: the spec, its name maps and the node table; read-only
 * while parsing (several threads share it). Field names of events may point
 * into `names`: the machinery keeps the state until the file's events are
 * consumed (format.h, reader.c member_put). */
typedef struct wj_state {
	const wj_spec *spec;
	ug_map leaf; /* dictionary names + aliases */
	ug_map path; /* spec->paths */
	wj_filter leaf_filter, path_filter;
	wj_node *nodes; /* nodes[0] is the root */
	uint32_t nnodes, capnodes;
	uint32_t *slots; /* open addressing on (parent, key): node index, 0 = empty */
	uint32_t slot_mask;
	ug_arena names;
	uint32_t hdr_node[WJ_MAX_HDR]; /* node of header source i; 0: looked up by path */
	uint32_t ntimes;               /* header sources 0..ntimes-1 are spec->times */
} wj_state;

static void filter_add(wj_filter *f, ug_sv name)
{
	if (name.n && name.n < WJ_FILTER_LEN) {
		unsigned c = (unsigned char)name.p[0] & 0x7f;
		f->bits[name.n][c >> 3] |= (uint8_t)(1u << (c & 7));
	}
}

static bool filter_maybe(const wj_filter *f, ug_sv name)
{
	if (!name.n || name.n >= WJ_FILTER_LEN)
		return name.n != 0;
	unsigned c = (unsigned char)name.p[0] & 0x7f;
	return f->bits[name.n][c >> 3] & (1u << (c & 7));
}

/* ---- known paths: lookup ------------------------------------------------ */

static inline uint64_t load64(const char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline uint32_t load32(const char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static inline wj_words key_words(ug_sv key)
{
	const unsigned char *u = (const unsigned char *)key.p;
	if (key.n >= 8)
		return (wj_words){load64(key.p), load64(key.p + key.n - 8)};
	if (key.n >= 4)
		return (wj_words){load32(key.p) | (uint64_t)load32(key.p + key.n - 4) << 32, 0};
	if (key.n)
		return (wj_words){u[0] | (uint32_t)u[key.n / 2] << 8 | (uint32_t)u[key.n - 1] << 16, 0};
	return (wj_words){0, 0};
}

/* Hash of (parent node, key words, key length). */
static inline uint32_t node_hash(uint32_t parent, size_t n, wj_words w)
{
	uint64_t h = (w.a ^ (uint64_t)parent << 40 ^ n) * UINT64_C(0x9E3779B97F4A7C15);
	h ^= w.b * UINT64_C(0xC2B2AE3D27D4EB4F);
	return (uint32_t)(h ^ h >> 29);
}

static inline bool node_is(const wj_node *n, uint32_t parent, ug_sv key, wj_words w)
{
	if (n->w.a != w.a || n->w.b != w.b || n->key.n != key.n || n->parent != parent)
		return false;
	if (key.n <= 16)
		return true;
	if (key.n <= 24) /* the words cover [0,8) and [n-8,n): one more word */
		return load64(n->key.p + 8) == load64(key.p + 8);
	return memcmp(n->key.p + 8, key.p + 8, key.n - 16) == 0;
}

/* find_node past the hint: the (parent, key) hash. */
static uint32_t find_node_hashed(const wj_state *st, uint32_t parent, ug_sv key, wj_words w)
{
	uint32_t i = node_hash(parent, key.n, w) & st->slot_mask;
	for (;; i = (i + 1) & st->slot_mask) {
		uint32_t nd = st->slots[i];
		if (!nd || node_is(&st->nodes[nd], parent, key, w))
			return nd;
	}
}

/* The node of member key `k` of an object at node `parent`, or 0. `prev`
 * is the node of the previous member (0: none, or the first member): its
 * successors seen before are tried first, which is one compare when records
 * keep their members in the same order. */
static inline uint32_t find_node(const wj_state *st, uint32_t parent, const ug_json_tok *k,
                                 uint32_t prev)
{
	ug_sv key = k->raw;
	if (k->escaped || !key.n)
		return 0;
	wj_words w = key_words(key);
	const wj_node *p = &st->nodes[prev];
	uint32_t hint = prev ? p->next : st->nodes[parent].first;
	if (hint && node_is(&st->nodes[hint], parent, key, w))
		return hint;
	if (prev && p->next2 && node_is(&st->nodes[p->next2], parent, key, w))
		return p->next2;
	return find_node_hashed(st, parent, key, w);
}

/* ---- the walker -------------------------------------------------------- */

typedef struct wj {
	ug_rec *r;
	ug_event *ev;
	const ug_json_doc *doc;
	const wj_state *st;
	bool oom;
	/* A member took the general walk (or memory ran out): header sources
	 * are then looked up by path. Else hdr_tok[i] is the value of header
	 * source i's first occurrence (0: none), noted by the walker: the same
	 * as ug_json_get_path finds, as members of one top-level name are
	 * walked in document order. */
	bool general;
	uint32_t hdr_tok[WJ_MAX_HDR];
} wj;

/* The maps' values point into this table: field_ids[id] == id. */
#define WJ_ID(id, name, doc) UG_F_##id,
static const ug_field_id field_ids[UG_F__COUNT] = {UG_F_NONE, UG_FIELD_LIST(WJ_ID)};
#undef WJ_ID

static ug_field_id map_id(const ug_map *m, const wj_filter *f, ug_sv name)
{
	const ug_field_id *id = filter_maybe(f, name) ? ug_map_get(m, name) : NULL;
	return id ? *id : UG_F_NONE;
}

static void add(wj *w, ug_sv name, ug_sv leaf, ug_sv value, bool in_data)
{
	if (!value.p || !name.p) {
		w->oom = true;
		return;
	}
	const wj_state *st = w->st;
	ug_field_id id = in_data ? map_id(&st->leaf, &st->leaf_filter, leaf)
	                         : map_id(&st->path, &st->path_filter, name);
	if (id != UG_F_NONE && ug_event_has(w->ev, id))
		id = UG_F_NONE; /* one field per canonical id: the first */
	if (ug_event_add(w->ev, name, value, id) != UG_OK)
		w->oom = true;
}

static ug_sv join_name(wj *w, ug_sv prefix, ug_sv leaf)
{
	if (!prefix.n)
		return leaf;
	char *p = ug_arena_alloc(w->r->arena, prefix.n + 1 + leaf.n);
	if (!p || !leaf.p)
		return UG_SV_NULL;
	memcpy(p, prefix.p, prefix.n);
	p[prefix.n] = '.';
	memcpy(p + prefix.n + 1, leaf.p, leaf.n);
	return (ug_sv){p, prefix.n + 1 + leaf.n};
}

static bool is_container(const ug_json_tok *t)
{
	return t->type == UG_JSON_ARRAY || t->type == UG_JSON_OBJECT;
}

/* An array as one value: its scalars joined with ',' (a one-element array of
 * an unescaped string stays a view); its JSON text when it holds containers. */
static ug_sv array_text(wj *w, uint32_t arr)
{
	const ug_json_tok *t = w->doc->toks;
	size_t total = 0;
	for (uint32_t i = arr + 1; i < t[arr].end; i = t[i].end) {
		if (is_container(&t[i]))
			return t[arr].raw;
		total += t[i].raw.n + 1;
	}
	if (t[arr].count == 0)
		return (ug_sv){t[arr].raw.p, 0};
	if (t[arr].count == 1)
		return ug_json_scalar_text(&t[arr + 1], w->r->arena);
	char *out = ug_arena_alloc(w->r->arena, total);
	if (!out)
		return UG_SV_NULL;
	size_t n = 0;
	for (uint32_t i = arr + 1; i < t[arr].end; i = t[i].end) {
		ug_sv s = ug_json_scalar_text(&t[i], w->r->arena);
		if (!s.p)
			return UG_SV_NULL;
		if (n)
			out[n++] = ',';
		memcpy(out + n, s.p, s.n);
		n += s.n;
	}
	return (ug_sv){out, n};
}

static ug_sv value_text_slow(wj *w, uint32_t v)
{
	const ug_json_tok *t = &w->doc->toks[v];
	if (t->type == UG_JSON_ARRAY)
		return array_text(w, v);
	return ug_json_scalar_text(t, w->r->arena);
}

static inline ug_sv value_text(wj *w, uint32_t v)
{
	const ug_json_tok *t = &w->doc->toks[v];
	/* strings without escapes, numbers and literals are as written */
	if ((t->type == UG_JSON_STRING && !t->escaped) || t->type == UG_JSON_NUMBER ||
	    t->type == UG_JSON_TRUE || t->type == UG_JSON_FALSE)
		return t->raw;
	return value_text_slow(w, v);
}

static bool in_list(const char *const *list, ug_sv s)
{
	for (size_t i = 0; list && list[i]; i++)
		if (ug_sv_eq_cstr(s, list[i]))
			return true;
	return false;
}

/* python-evtx / xmltodict: {"@Name": "Image", "#text": "C:\\x.exe"} */
static bool add_named_data(wj *w, ug_sv section, uint32_t obj)
{
	const ug_json_doc *d = w->doc;
	if (d->toks[obj].type != UG_JSON_OBJECT)
		return false;
	uint32_t nm = ug_json_get(d, obj, UG_SV("@Name"));
	if (!nm)
		nm = ug_json_get(d, obj, UG_SV("Name"));
	if (!nm || d->toks[nm].type != UG_JSON_STRING)
		return false;
	ug_sv leaf = ug_json_string(&d->toks[nm], w->r->arena);
	uint32_t tx = ug_json_get(d, obj, UG_SV("#text"));
	ug_sv value = tx ? value_text(w, tx) : (ug_sv){d->toks[nm].raw.p, 0};
	add(w, join_name(w, section, leaf), leaf, value, true);
	return true;
}

/* "Data": [ {"@Name":..,"#text":..}, ... ] or one such object, in a data section */
static bool add_data_elements(wj *w, ug_sv section, ug_sv name, uint32_t v)
{
	const ug_json_tok *t = w->doc->toks;
	if (t[v].type == UG_JSON_OBJECT)
		return add_named_data(w, section, v);
	if (t[v].type != UG_JSON_ARRAY)
		return false;
	for (uint32_t i = v + 1; i < t[v].end; i = t[i].end) {
		if (add_named_data(w, section, i))
			continue;
		uint32_t tx =
		    t[i].type == UG_JSON_OBJECT ? ug_json_get(w->doc, i, UG_SV("#text")) : 0;
		add(w, name, UG_SV("Data"), value_text(w, tx ? tx : i), true);
	}
	return true;
}

/* A key that holds dots itself ("winlog.event_data.Image", as flattened
 * exports write them) may name a member of a data section: then it is data,
 * and its last component is the member's own name. */
static bool dotted_data(const wj_spec *s, ug_sv name, ug_sv *leaf)
{
	for (size_t i = 0; s->sections && s->sections[i]; i++) {
		ug_sv sec = ug_sv_from(s->sections[i]);
		if (name.n > sec.n + 1 && name.p[sec.n] == '.' && ug_sv_starts_with(name, sec)) {
			*leaf = ug_sv_sub(name, ug_sv_rfind_char(name, '.') + 1, name.n);
			return true;
		}
	}
	return false;
}

static void walk_object(wj *w, uint32_t obj, ug_sv prefix, bool in_data);

static void walk_member(wj *w, ug_sv prefix, uint32_t k, bool in_data)
{
	const ug_json_tok *t = w->doc->toks;
	ug_sv leaf = ug_json_string(&t[k], w->r->arena);
	ug_sv name = join_name(w, prefix, leaf);
	uint32_t v = k + 1;
	if (!name.p) {
		w->oom = true;
		return;
	}
	if (!in_data && memchr(leaf.p, '.', leaf.n))
		in_data = dotted_data(w->st->spec, name, &leaf);
	if (in_data && is_container(&t[v]) && ug_sv_eq_cstr(leaf, "Data") &&
	    add_data_elements(w, prefix, name, v))
		return;
	if (t[v].type == UG_JSON_OBJECT) {
		const wj_spec *s = w->st->spec;
		bool child = in_list(s->sections, name) || (in_data && !s->data_root);
		walk_object(w, v, name, child);
		return;
	}
	add(w, name, leaf, value_text(w, v), in_data);
}

static void walk_object(wj *w, uint32_t obj, ug_sv prefix, bool in_data)
{
	const ug_json_tok *t = w->doc->toks;
	for (uint32_t k = obj + 1; k < t[obj].end && !w->oom; k = t[k + 1].end)
		walk_member(w, prefix, k, in_data);
}

/* A top-level key of the `first` list, nested ("winlog") or flattened
 * ("winlog.event_data.Image"). */
static bool first_member(const char *const *list, ug_sv key)
{
	for (size_t i = 0; list[i]; i++) {
		ug_sv f = ug_sv_from(list[i]);
		if (ug_sv_starts_with(key, f) && (key.n == f.n || key.p[f.n] == '.'))
			return true;
	}
	return false;
}

/* ---- the walker over known paths ---- */

static void walk_known(wj *w, uint32_t obj, uint32_t parent);

/* Value token v is the first occurrence of the header sources in bits
 * that have none yet. */
static void note_header(wj *w, uint16_t bits, uint32_t v)
{
	for (int i = 0; bits; i++, bits >>= 1)
		if ((bits & 1) && !w->hdr_tok[i])
			w->hdr_tok[i] = v;
}

/* Member key k (value k + 1) whose path is node nd: what walk_member does,
 * with the name, data flag and canonical id read from the node. */
static void member_known(wj *w, uint32_t k, uint32_t nd)
{
	const wj_node *n = &w->st->nodes[nd];
	const ug_json_tok *v = &w->doc->toks[k + 1];
	if (UG_UNLIKELY(n->hdr))
		note_header(w, n->hdr, k + 1);
	if (n->data_elems && is_container(v)) {
		const wj_node *up = &w->st->nodes[n->parent];
		w->general = true;
		walk_member(w, up->name, k, up->child_data);
		return;
	}
	if (v->type == UG_JSON_OBJECT) {
		walk_known(w, k + 1, nd);
		return;
	}
	ug_sv value = value_text(w, k + 1);
	ug_field_id id = (ug_field_id)n->canon;
	if (!value.p) {
		w->oom = true;
		return;
	}
	if (id != UG_F_NONE && ug_event_has(w->ev, id))
		id = UG_F_NONE; /* one field per canonical id: the first */
	if (ug_event_push(w->ev, n->name, value, id) != UG_OK)
		w->oom = true;
}

/* Member k of the object at node `parent`: known (nd) or not (0). */
static void member_any(wj *w, uint32_t k, uint32_t parent, uint32_t nd)
{
	if (nd) {
		member_known(w, k, nd);
	} else {
		const wj_node *up = &w->st->nodes[parent];
		w->general = true;
		walk_member(w, up->name, k, up->child_data);
	}
}

static void walk_known(wj *w, uint32_t obj, uint32_t parent)
{
	const ug_json_tok *t = w->doc->toks;
	const wj_state *st = w->st;
	uint32_t prev = 0;
	for (uint32_t k = obj + 1; k < t[obj].end && !w->oom; k = t[k + 1].end) {
		uint32_t nd = find_node(st, parent, &t[k], prev);
		prev = nd;
		member_any(w, k, parent, nd);
	}
}

#define WJ_ROOT_MEMO 64

/* Top level: the spec's `first` members, then the rest, in document order.
 * The nodes of the first WJ_ROOT_MEMO members are found once for both passes. */
static void walk_root(wj *w, uint32_t root)
{
	const ug_json_tok *t = w->doc->toks;
	const wj_state *st = w->st;
	const wj_spec *s = st->spec;
	if (!s->first) {
		walk_known(w, root, 0);
		return;
	}
	uint32_t memo[WJ_ROOT_MEMO];
	uint32_t prev = 0, i = 0, nmemo = 0;
	for (uint32_t k = root + 1; k < t[root].end && !w->oom; k = t[k + 1].end, i++) {
		uint32_t nd = find_node(st, 0, &t[k], prev);
		prev = nd;
		if (i < WJ_ROOT_MEMO)
			memo[nmemo++] = nd;
		bool first = nd ? st->nodes[nd].first_pass : first_member(s->first, t[k].raw);
		if (first)
			member_any(w, k, 0, nd);
	}
	i = 0;
	for (uint32_t k = root + 1; k < t[root].end && !w->oom; k = t[k + 1].end, i++) {
		uint32_t nd = i < nmemo ? memo[i] : find_node(st, 0, &t[k], 0);
		bool first = nd ? st->nodes[nd].first_pass : first_member(s->first, t[k].raw);
		if (!first)
			member_any(w, k, 0, nd);
	}
}

/* ---- record header: time, host, channel, event id ---------------------- */

/* The scalar at path as text (NULL view when absent or a container). hdr is
 * the path's header source (-1: none): its occurrence noted by the walker
 * when the walk allows, else a lookup. */
static ug_sv text_at(wj *w, uint32_t root, const char *path, int hdr)
{
	uint32_t v;
	if (hdr >= 0 && !w->general && w->st->hdr_node[hdr])
		v = w->hdr_tok[hdr];
	else
		v = ug_json_get_path(w->doc, root, ug_sv_from(path));
	if (!v || is_container(&w->doc->toks[v]))
		return UG_SV_NULL;
	return ug_json_scalar_text(&w->doc->toks[v], w->r->arena);
}

/* The first time source present and parseable; NULL, or why not. */
static const char *find_time(wj *w, uint32_t root, ug_time *ts, ug_sv *seen)
{
	const ug_tz *local = w->r->opts ? w->r->opts->input_tz : NULL;
	*seen = UG_SV_NULL;
	int i = 0;
	for (const wj_time_src *src = w->st->spec->times; src->path; src++, i++) {
		ug_sv s = text_at(w, root, src->path, i < WJ_MAX_HDR ? i : -1);
		if (!s.n)
			continue;
		if (!seen->p)
			*seen = s;
		const ug_tz *tz = src->local ? local : NULL;
		int rc = src->any ? ug_time_parse_any(s, tz, ts) : ug_time_parse_iso8601(s, tz, ts);
		if (rc == UG_OK)
			return NULL;
	}
	return seen->p ? "unparseable time" : "no time field";
}

static ug_sv find_host(wj *w, uint32_t root)
{
	int i = (int)w->st->ntimes;
	for (const char *const *h = w->st->spec->hosts; *h; h++, i++) {
		ug_sv s = text_at(w, root, *h, i < WJ_MAX_HDR ? i : -1);
		if (s.n)
			return s;
	}
	return UG_SV_NULL;
}

static ug_sv find_channel(wj *w, uint32_t root)
{
	ug_sv c = ug_event_get(w->ev, UG_F_CHANNEL);
	if (c.n || !w->st->spec->channel_from_source)
		return c;
	/* Splunk: source = "WinEventLog:Security", "XmlWinEventLog:Microsoft-...":
	 * the channel follows the first ':' */
	ug_sv src = text_at(w, root, "source", -1);
	if (ug_sv_find(src, UG_SV("WinEventLog:")) == SIZE_MAX)
		return UG_SV_NULL;
	return ug_sv_sub(src, ug_sv_find_char(src, ':') + 1, src.n);
}

static uint32_t event_id_of(ug_sv s)
{
	uint64_t v;
	return ug_sv_to_u64(ug_sv_trim(s), &v) && v <= UINT32_MAX ? (uint32_t)v : 0;
}

/* ---- parse ------------------------------------------------------------- */

/* A skip reason for a scanner error: invalid UTF-8 and control characters
 * are counted apart, the rest is "invalid JSON". */
static const char *json_reason(const char *why)
{
	if (!why)
		return "invalid JSON";
	if (strstr(why, "UTF-8"))
		return "invalid UTF-8 in JSON string";
	if (strstr(why, "control character"))
		return "control character in JSON string";
	if (strstr(why, "too many") || strstr(why, "too deep"))
		return "JSON record too complex";
	return "invalid JSON";
}

static uint32_t record_root(const wj_spec *s, const ug_json_doc *d)
{
	if (!s->unwrap_result)
		return 0;
	uint32_t res = ug_json_get(d, 0, UG_SV("result"));
	return res && d->toks[res].type == UG_JSON_OBJECT ? res : 0;
}

static void fill_header(wj *w, uint32_t root, ug_time ts)
{
	ug_event *ev = w->ev;
	ev->ts = ts;
	ug_sv host = find_host(w, root);
	if (host.n && ug_event_set_host(ev, host) != UG_OK)
		w->oom = true;
	ev->channel = find_channel(w, root);
	ev->event_id = event_id_of(ug_event_get(ev, UG_F_EVENT_ID));
	ev->kind = ug_event_kind_from_windows(ev->channel, ev->event_id);
}

static void map_record(ug_rec *r, ug_sv record, const ug_json_doc *doc, const wj_state *st)
{
	if (doc->toks[0].type != UG_JSON_OBJECT) {
		ug_rec_skip(r, "JSON record is not an object", record);
		return;
	}
	wj w = {.r = r, .ev = r->ev, .doc = doc, .st = st};
	uint32_t root = record_root(st->spec, doc);
	/* walked before the time is known (the walker notes the header fields):
	 * a record skipped for its time drops the fields */
	walk_root(&w, root);
	if (w.oom)
		w.general = true; /* the walk stopped early */
	ug_time ts;
	ug_sv seen;
	const char *why = find_time(&w, root, &ts, &seen);
	if (why) {
		ug_rec_skip(r, why, seen.p ? seen : record);
		return;
	}
	if (!w.oom)
		fill_header(&w, root, ts);
	if (w.oom) {
		ug_rec_skip(r, "out of memory", record);
		return;
	}
	ug_rec_emit(r);
}

#define WJ_STACK_TOKENS 512

static void wj_parse(ug_rec *r, ug_sv record, const wj_spec *spec)
{
	const wj_state *st = r->file_state;
	if (!st || st->spec != spec) {
		ug_rec_skip(r, "format state missing", record);
		return;
	}
	ug_json_tok toks[WJ_STACK_TOKENS]; /* most records fit: no allocation per record */
	ug_json_doc doc;
	ug_json_doc_init_buf(&doc, toks, WJ_STACK_TOKENS);
	int rc = ug_json_parse(&doc, record);
	if (rc != UG_OK) {
		size_t at = doc.err_offset > 24 ? doc.err_offset - 24 : 0;
		ug_rec_skip(r, rc == UG_ERR_NOMEM ? "out of memory" : json_reason(doc.err_reason),
		            ug_sv_sub(record, at, record.n));
	} else {
		map_record(r, record, &doc, st);
	}
	ug_json_doc_free(&doc);
}

/* ---- per-file state ---------------------------------------------------- */

static int put(ug_map *m, wj_filter *f, const char *name, ug_field_id id)
{
	filter_add(f, ug_sv_from(name));
	return ug_map_put(m, ug_sv_from(name), (void *)&field_ids[id]);
}

static int put_all(ug_map *m, wj_filter *f, const wj_map_ent *e)
{
	for (; e && e->name; e++)
		if (put(m, f, e->name, e->id) != UG_OK)
			return UG_ERR_NOMEM;
	return UG_OK;
}

/* ---- per-file state: the known paths ---- */

/* Windows event-data names that are not canonical but common (Sysmon,
 * Security): known beside the dictionary so that records of kinds the head
 * did not show still take the fast walk. A hint only: any name works. */
static const char *const common_data_names[] = {
    "RuleName", "LogonGuid", "TerminalSessionId", "ParentUser", "SourceIsIpv6",
    "SourcePortName", "DestinationIsIpv6", "DestinationPortName", "SourceProcessGUID",
    "SourceProcessGuid", "SourceProcessId", "SourceThreadId", "SourceImage", "TargetProcessGUID",
    "TargetProcessGuid", "TargetProcessId", "TargetImage", "GrantedAccess", "CallTrace",
    "SourceUser", "TargetUser", "StartAddress", "StartModule", "StartFunction", "NewThreadId",
    "PipeName", "Archived", "IsExecutable", "PreviousCreationUtcTime", "Device", "State",
    "Version", "SchemaVersion", "Configuration", "ConfigurationFileHash", "SubjectUserSid",
    "SubjectDomainName", "SubjectLogonId", "TargetUserSid", "TargetLogonId", "LogonProcessName",
    "AuthenticationPackageName", "TransmittedServices", "LmPackageName", "KeyLength",
    "ProcessName", "IpPort", "ImpersonationLevel", "RestrictedAdminMode",
    "TargetOutboundUserName", "TargetOutboundDomainName", "VirtualAccount",
    "TargetLinkedLogonId", "ElevatedToken", "NewProcessId", "TokenElevationType",
    "MandatoryLabel", "ClientProcessId", "ClientProcessStartKey", "TaskContentNew",
    "ServiceFileName", "param1", "param2", "param3", "param4", NULL,
};

/* The order Sysmon and the Security log write event data in, for the
 * common event kinds (Sysmon 1, 3, 5, 7, 11, 12-14, 22, 23; Security 4624):
 * order hints for records of kinds the head did not show. Hints only. */
static const char *const data_orders[] = {
    "RuleName UtcTime ProcessGuid ProcessId Image FileVersion Description Product Company "
    "OriginalFileName CommandLine CurrentDirectory User LogonGuid LogonId TerminalSessionId "
    "IntegrityLevel Hashes ParentProcessGuid ParentProcessId ParentImage ParentCommandLine "
    "ParentUser",
    "ProcessId Image User Protocol Initiated SourceIsIpv6 SourceIp SourceHostname SourcePort "
    "SourcePortName DestinationIsIpv6 DestinationIp DestinationHostname DestinationPort "
    "DestinationPortName",
    "ProcessId QueryName QueryStatus QueryResults Image User",
    "Image TargetFilename CreationUtcTime User",
    "Image ImageLoaded FileVersion Description Product Company OriginalFileName Hashes Signed "
    "Signature SignatureStatus User",
    "RuleName EventType UtcTime ProcessGuid ProcessId Image TargetObject Details User",
    "ProcessId User Image TargetFilename Hashes IsExecutable Archived",
    "SubjectUserSid SubjectUserName SubjectDomainName SubjectLogonId TargetUserSid "
    "TargetUserName TargetDomainName TargetLogonId LogonType LogonProcessName "
    "AuthenticationPackageName WorkstationName LogonGuid TransmittedServices LmPackageName "
    "KeyLength ProcessId ProcessName IpAddress IpPort ImpersonationLevel RestrictedAdminMode "
    "TargetOutboundUserName TargetOutboundDomainName VirtualAccount TargetLinkedLogonId "
    "ElevatedToken",
    NULL,
};

static bool plain_key(ug_sv key)
{
	return key.n && !memchr(key.p, '.', key.n);
}

static bool slots_grow(wj_state *st)
{
	uint32_t cap = st->slots ? (st->slot_mask + 1) * 2 : 1024;
	uint32_t *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return false;
	for (uint32_t nd = 1; nd < st->nnodes; nd++) {
		const wj_node *n = &st->nodes[nd];
		/* NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage): nodes[1..nnodes) are all set (node_add) */
		uint32_t i = node_hash(n->parent, n->key.n, n->w) & (cap - 1);
		while (slots[i])
			i = (i + 1) & (cap - 1);
		slots[i] = nd;
	}
	free(st->slots);
	st->slots = slots;
	st->slot_mask = cap - 1;
	return true;
}

/* What walk_member would work out for the member n->key of an object at
 * node n->parent (whose own properties are derived already). */
static void node_derive(const wj_state *st, wj_node *n)
{
	const wj_spec *s = st->spec;
	const wj_node *up = &st->nodes[n->parent];
	n->in_data = up->child_data;
	n->child_data = in_list(s->sections, n->name) || (n->in_data && !s->data_root);
	n->canon = (uint16_t)(n->in_data ? map_id(&st->leaf, &st->leaf_filter, n->key)
	                                 : map_id(&st->path, &st->path_filter, n->name));
	n->data_elems = n->in_data && ug_sv_eq_cstr(n->key, "Data");
	n->first_pass = n->parent == 0 && s->first && in_list(s->first, n->key);
}

/* The node of plain member `key` under parent, added when new. 0 when the
 * table is full or memory ran out (the walker then takes the general way). */
static uint32_t node_add(wj_state *st, uint32_t parent, ug_sv key)
{
	if (!plain_key(key))
		return 0;
	wj_words w = key_words(key);
	uint32_t i = node_hash(parent, key.n, w) & st->slot_mask;
	for (; st->slots[i]; i = (i + 1) & st->slot_mask)
		if (node_is(&st->nodes[st->slots[i]], parent, key, w))
			return st->slots[i];
	if (st->nnodes >= WJ_MAX_NODES)
		return 0;
	if ((st->nnodes + 1) * 2 > st->slot_mask + 1) { /* keep the load at most 1/2 */
		if (!slots_grow(st))
			return 0;
		for (i = node_hash(parent, key.n, w) & st->slot_mask; st->slots[i];)
			i = (i + 1) & st->slot_mask;
	}
	if (st->nnodes == st->capnodes) {
		uint32_t cap = st->capnodes * 2;
		wj_node *nodes = realloc(st->nodes, cap * sizeof(*nodes));
		if (!nodes)
			return 0;
		st->nodes = nodes;
		st->capnodes = cap;
	}
	ug_sv up = st->nodes[parent].name;
	size_t len = up.n ? up.n + 1 + key.n : key.n;
	char *p = ug_arena_alloc(&st->names, len);
	if (!p)
		return 0;
	if (up.n) {
		memcpy(p, up.p, up.n);
		p[up.n] = '.';
	}
	memcpy(p + len - key.n, key.p, key.n);
	uint32_t nd = st->nnodes++;
	wj_node *n = &st->nodes[nd];
	*n = (wj_node){.key = {p + len - key.n, key.n}, .name = {p, len}, .parent = parent, .w = w};
	node_derive(st, n);
	st->slots[i] = nd;
	return nd;
}

/* The node of a dotted path of plain keys ("process.parent.executable"). */
static uint32_t node_add_path(wj_state *st, ug_sv path)
{
	uint32_t nd = 0;
	for (;;) {
		size_t dot = ug_sv_find_char(path, '.');
		if (dot == SIZE_MAX)
			return node_add(st, nd, path);
		nd = node_add(st, nd, ug_sv_sub(path, 0, dot));
		if (!nd)
			return 0;
		path = ug_sv_sub(path, dot + 1, path.n);
	}
}

/* Note that node nd followed node n: the first two successors are kept. */
static void node_follows(wj_node *n, uint32_t nd)
{
	if (!n->next)
		n->next = nd;
	else if (n->next != nd && !n->next2)
		n->next2 = nd;
}

/* Learn the member paths of object obj (at node parent) from a head record,
 * with the order hints: each member's node points at the next member's. */
static void learn_object(wj_state *st, const ug_json_doc *d, uint32_t obj, uint32_t parent)
{
	const ug_json_tok *t = d->toks;
	uint32_t prev = 0;
	for (uint32_t k = obj + 1; k < t[obj].end; k = t[k + 1].end) {
		uint32_t nd = t[k].escaped ? 0 : node_add(st, parent, t[k].raw);
		if (nd && k == obj + 1 && !st->nodes[parent].first)
			st->nodes[parent].first = nd;
		if (nd && prev)
			node_follows(&st->nodes[prev], nd);
		if (nd && t[k + 1].type == UG_JSON_OBJECT)
			learn_object(st, d, k + 1, nd);
		prev = nd;
	}
}

/* The records of the head (JSON lines, an array, concatenated values),
 * as far as they are whole and valid. */
static void learn_head(wj_state *st, ug_sv head)
{
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	size_t i = head.n >= 3 && memcmp(head.p, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	for (int nrec = 0; nrec < WJ_MAX_HEAD_RECORDS; nrec++) {
		while (i < head.n && strchr(" \t\r\n[],", head.p[i]))
			i++;
		if (i >= head.n || head.p[i] != '{')
			break;
		ug_sv rest = ug_sv_sub(head, i, head.n);
		if (ug_json_parse(&doc, rest) != UG_OK) {
			if (!doc.err_reason ||
			    strcmp(doc.err_reason, "trailing characters after JSON value") != 0)
				break;
			rest.n = doc.err_offset;
			if (ug_json_parse(&doc, rest) != UG_OK)
				break;
		}
		uint32_t root = record_root(st->spec, &doc);
		if (doc.toks[root].type == UG_JSON_OBJECT)
			learn_object(st, &doc, root, 0);
		i += rest.n;
	}
	ug_json_doc_free(&doc);
}

/* Order hints from a space-separated list of member names under sec. */
static void learn_order(wj_state *st, uint32_t sec, ug_sv names)
{
	uint32_t prev = 0;
	while (names.n) {
		size_t sp = ug_sv_find_char(names, ' ');
		size_t len = sp == SIZE_MAX ? names.n : sp;
		uint32_t nd = node_add(st, sec, ug_sv_sub(names, 0, len));
		if (nd && prev)
			node_follows(&st->nodes[prev], nd);
		prev = nd;
		names = ug_sv_sub(names, sp == SIZE_MAX ? names.n : sp + 1, names.n);
	}
}

/* Under each data section (the root for the flat shapes): the dictionary,
 * the aliases and the common names. */
static void learn_data_names(wj_state *st)
{
	const wj_spec *s = st->spec;
	size_t nsec = 0;
	while (s->sections && s->sections[nsec])
		nsec++;
	for (size_t j = 0; j < nsec + (s->data_root ? 1 : 0); j++) {
		uint32_t sec = j < nsec ? node_add_path(st, ug_sv_from(s->sections[j])) : 0;
		if (j < nsec && !sec)
			continue;
		for (int id = 1; id < UG_F__COUNT; id++)
			node_add(st, sec, ug_sv_from(ug_field_name((ug_field_id)id)));
		for (const wj_map_ent *e = s->aliases; e && e->name; e++)
			node_add(st, sec, ug_sv_from(e->name));
		for (const char *const *c = common_data_names; *c; c++)
			node_add(st, sec, ug_sv_from(*c));
		for (const char *const *o = data_orders; *o; o++)
			learn_order(st, sec, ug_sv_from(*o));
	}
}

/* The nodes of the header sources (time paths, then host paths), marked so
 * that the walker notes where they occur. A source without a node is
 * looked up by path. */
static void learn_headers(wj_state *st)
{
	const wj_spec *s = st->spec;
	uint32_t i = 0;
	for (const wj_time_src *t = s->times; t->path && i < WJ_MAX_HDR; t++, i++)
		st->hdr_node[i] = node_add_path(st, ug_sv_from(t->path));
	st->ntimes = i;
	for (const char *const *h = s->hosts; *h && i < WJ_MAX_HDR; h++, i++)
		st->hdr_node[i] = node_add_path(st, ug_sv_from(*h));
	for (uint32_t j = 0; j < i; j++)
		if (st->hdr_node[j])
			st->nodes[st->hdr_node[j]].hdr |= (uint16_t)(1u << j);
}

/* The node table: the root, the head's paths first (their order gives the
 * hints), then the spec's paths and the data names. Best effort: what does
 * not fit is walked the general way. */
static int nodes_build(wj_state *st, ug_sv head)
{
	st->capnodes = 256;
	st->nodes = malloc(st->capnodes * sizeof(*st->nodes));
	if (!st->nodes || !slots_grow(st))
		return UG_ERR_NOMEM;
	st->nodes[0] = (wj_node){.child_data = st->spec->data_root};
	st->nnodes = 1;
	learn_head(st, head);
	for (const wj_map_ent *e = st->spec->paths; e && e->name; e++)
		node_add_path(st, ug_sv_from(e->name));
	learn_data_names(st);
	learn_headers(st);
	return UG_OK;
}

static void wj_end(void *state)
{
	wj_state *st = state;
	if (!st)
		return;
	ug_map_free(&st->leaf);
	ug_map_free(&st->path);
	free(st->nodes);
	free(st->slots);
	ug_arena_free(&st->names);
	free(st);
}

static int wj_begin(const wj_spec *spec, ug_sv head, void **state, ug_error *err)
{
	wj_state *st = calloc(1, sizeof(*st));
	if (!st)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	st->spec = spec;
	ug_map_init(&st->leaf, false);
	ug_map_init(&st->path, false);
	ug_arena_init(&st->names, (size_t)16 * 1024);
	int rc = UG_OK;
	for (int id = 1; id < UG_F__COUNT && rc == UG_OK; id++)
		rc = put(&st->leaf, &st->leaf_filter, ug_field_name((ug_field_id)id),
		         (ug_field_id)id);
	if (rc == UG_OK)
		rc = put_all(&st->leaf, &st->leaf_filter, spec->aliases);
	if (rc == UG_OK)
		rc = put_all(&st->path, &st->path_filter, spec->paths);
	if (rc == UG_OK)
		rc = nodes_build(st, head);
	if (rc != UG_OK) {
		wj_end(st);
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	}
	*state = st;
	return UG_OK;
}

/* ---- detection --------------------------------------------------------- */

/* The first record of the head as a parsed object (JSON lines, a wrapping
 * array, or pretty-printed values). False when it does not end in the head. */
static bool head_record(ug_sv head, ug_json_doc *doc)
{
	size_t i = head.n >= 3 && memcmp(head.p, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	while (i < head.n && strchr(" \t\r\n[", head.p[i]))
		i++;
	ug_sv rest = ug_sv_sub(head, i, head.n);
	if (!rest.n || rest.p[0] != '{')
		return false;
	if (ug_json_parse(doc, rest) != UG_OK) {
		/* more follows the first value: parse just that value */
		if (!doc->err_reason ||
		    strcmp(doc->err_reason, "trailing characters after JSON value") != 0)
			return false;
		rest.n = doc->err_offset;
		if (ug_json_parse(doc, rest) != UG_OK)
			return false;
	}
	return doc->toks[0].type == UG_JSON_OBJECT;
}

static bool has(const ug_json_doc *d, uint32_t obj, const char *key)
{
	return ug_json_get(d, obj, ug_sv_from(key)) != 0;
}

static bool has_object(const ug_json_doc *d, uint32_t obj, const char *key)
{
	uint32_t v = ug_json_get(d, obj, ug_sv_from(key));
	return v && d->toks[v].type == UG_JSON_OBJECT;
}

/* A top-level member whose name is `key` in any ASCII case. */
static bool has_nocase(const ug_json_doc *d, uint32_t obj, const char *key)
{
	const ug_json_tok *t = d->toks;
	for (uint32_t k = obj + 1; k < t[obj].end; k = t[k + 1].end)
		if (ug_sv_eq_nocase(t[k].raw, ug_sv_from(key)))
			return true;
	return false;
}

static bool head_contains(ug_sv head, const char *needle)
{
	return ug_sv_find(head, ug_sv_from(needle)) != SIZE_MAX;
}

typedef int (*score_fn)(const ug_json_doc *d);

/* Score the parsed first record, or the raw head (lower scores) when the
 * first record does not end within it. */
static int detect_with(ug_sv head, score_fn parsed, int (*textual)(ug_sv head))
{
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	int score = head_record(head, &doc) ? parsed(&doc) : textual(head);
	ug_json_doc_free(&doc);
	return score;
}

static int ecs_score(const ug_json_doc *d)
{
	/* nested, or flattened ("winlog.channel": ...) as Kibana exports write it */
	if (has_object(d, 0, "winlog") || ug_json_get_path(d, 0, UG_SV("winlog.channel")) ||
	    ug_json_get_path(d, 0, UG_SV("winlog.event_id")))
		return 95;
	/* Winlogbeat 6: event_data / log_name / computer_name at the top level */
	if ((has(d, 0, "log_name") || has_object(d, 0, "event_data")) &&
	    (has(d, 0, "computer_name") || has(d, 0, "event_id")))
		return 90;
	return 0;
}

static int ecs_text(ug_sv head)
{
	return head_contains(head, "\"winlog\":") ? 60 : 0;
}

static int flat_score(const ug_json_doc *d)
{
	if (has(d, 0, "winlog") || has(d, 0, "Event") || has(d, 0, "_time") || has(d, 0, "result"))
		return 0;
	bool id = has(d, 0, "EventID");
	bool chan = has_nocase(d, 0, "channel");
	if (id && chan)
		return 90;
	return id || chan ? 40 : 0;
}

static int flat_text(ug_sv head)
{
	return head_contains(head, "\"EventID\":") && !head_contains(head, "\"_time\":") &&
	               !head_contains(head, "\"winlog\":")
	           ? 55
	           : 0;
}

static int evtx_score(const ug_json_doc *d)
{
	uint32_t ev = ug_json_get(d, 0, UG_SV("Event"));
	if (!ev || d->toks[ev].type != UG_JSON_OBJECT)
		return 0;
	return has_object(d, ev, "System") ? 95 : 50;
}

static int evtx_text(ug_sv head)
{
	return head_contains(head, "\"Event\"") && head_contains(head, "\"System\"") ? 60 : 0;
}

static int splunk_score(const ug_json_doc *d)
{
	uint32_t root = 0;
	uint32_t res = ug_json_get(d, 0, UG_SV("result"));
	if (res && d->toks[res].type == UG_JSON_OBJECT)
		root = res;
	if (!has(d, root, "_time") && !has(d, root, "_raw") && !has(d, root, "sourcetype"))
		return 0;
	if (has(d, root, "EventCode") || has(d, root, "LogName") || has(d, root, "ComputerName") ||
	    has(d, root, "EventID"))
		return 95;
	return 40;
}

static int splunk_text(ug_sv head)
{
	return head_contains(head, "\"_time\":") && (head_contains(head, "\"EventCode\":") ||
	                                             head_contains(head, "\"LogName\":"))
	           ? 60
	           : 0;
}

/* ---- the four formats -------------------------------------------------- */

static const wj_map_ent ecs_paths[] = {
    {"winlog.channel", UG_F_CHANNEL},
    {"log_name", UG_F_CHANNEL},
    {"winlog.event_id", UG_F_EVENT_ID},
    {"event_id", UG_F_EVENT_ID},
    {"event.code", UG_F_EVENT_ID},
    {"winlog.provider_name", UG_F_PROVIDER_NAME},
    {"source_name", UG_F_PROVIDER_NAME},
    {"winlog.computer_name", UG_F_COMPUTER},
    {"computer_name", UG_F_COMPUTER},
    {"winlog.record_id", UG_F_EVENT_RECORD_ID},
    {"record_number", UG_F_EVENT_RECORD_ID},
    {"process.executable", UG_F_IMAGE},
    {"process.command_line", UG_F_COMMAND_LINE},
    {"process.pid", UG_F_PROCESS_ID},
    {"process.entity_id", UG_F_PROCESS_GUID},
    {"process.working_directory", UG_F_CURRENT_DIRECTORY},
    {"process.parent.executable", UG_F_PARENT_IMAGE},
    {"process.parent.command_line", UG_F_PARENT_COMMAND_LINE},
    {"process.parent.pid", UG_F_PARENT_PROCESS_ID},
    {"process.parent.entity_id", UG_F_PARENT_PROCESS_GUID},
    {"process.pe.original_file_name", UG_F_ORIGINAL_FILE_NAME},
    {"process.pe.company", UG_F_COMPANY},
    {"process.pe.product", UG_F_PRODUCT},
    {"process.pe.description", UG_F_DESCRIPTION},
    {"process.pe.file_version", UG_F_FILE_VERSION},
    {"file.path", UG_F_TARGET_FILENAME},
    {"dll.path", UG_F_IMAGE_LOADED},
    {"registry.path", UG_F_TARGET_OBJECT},
    {"registry.data.strings", UG_F_DETAILS},
    {"dns.question.name", UG_F_QUERY_NAME},
    {"destination.ip", UG_F_DESTINATION_IP},
    {"destination.port", UG_F_DESTINATION_PORT},
    {"destination.domain", UG_F_DESTINATION_HOSTNAME},
    {"source.ip", UG_F_SOURCE_IP},
    {"source.port", UG_F_SOURCE_PORT},
    {"source.domain", UG_F_SOURCE_HOSTNAME},
    {"network.transport", UG_F_PROTOCOL},
    {"url.full", UG_F_C_URI},
    {"user_agent.original", UG_F_C_USERAGENT},
    {NULL, UG_F_NONE},
};
static const char *const ecs_sections[] = {"winlog.event_data", "winlog.user_data", "event_data",
                                           "user_data", NULL};
static const char *const ecs_first[] = {"winlog", "event_data", "user_data", NULL};
static const wj_time_src ecs_times[] = {{"@timestamp", false, false}, {NULL, false, false}};
/* the computer that logged the event; host.name is the shipper, which for
 * forwarded events (WEF) is the collector */
static const char *const ecs_hosts[] = {"winlog.computer_name", "computer_name", "host.name",
                                        "host.hostname", NULL};
static const wj_spec ecs_spec = {
    .paths = ecs_paths,
    .sections = ecs_sections,
    .first = ecs_first,
    .times = ecs_times,
    .hosts = ecs_hosts,
};

static const wj_map_ent flat_aliases[] = {
    {"channel", UG_F_CHANNEL},
    {"Hostname", UG_F_COMPUTER},
    {"SourceName", UG_F_PROVIDER_NAME},
    {"ProviderName", UG_F_PROVIDER_NAME},
    {"RecordNumber", UG_F_EVENT_RECORD_ID},
    {NULL, UG_F_NONE},
};
/* Sysmon's UtcTime is UTC by definition; NXLog's EventTime and exported
 * TimeCreated are local unless they carry an offset; @timestamp (the
 * shipper's, usually seconds later) only as the last resort. */
static const wj_time_src flat_times[] = {
    {"UtcTime", false, false},    {"EventTime", true, false}, {"TimeCreated", true, false},
    {"@timestamp", false, false}, {NULL, false, false},
};
static const char *const flat_hosts[] = {"Hostname",     "hostname", "Computer",
                                         "ComputerName", "host",     NULL};
static const wj_spec flat_spec = {
    .aliases = flat_aliases,
    .times = flat_times,
    .hosts = flat_hosts,
    .data_root = true,
};

static const wj_map_ent evtx_paths[] = {
    {"Event.System.Channel", UG_F_CHANNEL},
    {"Event.System.EventID", UG_F_EVENT_ID},
    {"Event.System.EventID.#text", UG_F_EVENT_ID},
    {"Event.System.Computer", UG_F_COMPUTER},
    {"Event.System.EventRecordID", UG_F_EVENT_RECORD_ID},
    {"Event.System.Provider.#attributes.Name", UG_F_PROVIDER_NAME},
    {"Event.System.Provider_attributes.Name", UG_F_PROVIDER_NAME},
    {"Event.System.Provider.@Name", UG_F_PROVIDER_NAME},
    {NULL, UG_F_NONE},
};
static const char *const evtx_sections[] = {"Event.EventData", "Event.UserData", NULL};
static const wj_time_src evtx_times[] = {
    {"Event.System.TimeCreated.#attributes.SystemTime", false, false},
    {"Event.System.TimeCreated_attributes.SystemTime", false, false},
    {"Event.System.TimeCreated.@SystemTime", false, false},
    {NULL, false, false},
};
static const char *const evtx_hosts[] = {"Event.System.Computer", NULL};
static const wj_spec evtx_spec = {
    .paths = evtx_paths,
    .sections = evtx_sections,
    .times = evtx_times,
    .hosts = evtx_hosts,
};

static const wj_map_ent splunk_aliases[] = {
    {"EventCode", UG_F_EVENT_ID},
    {"ComputerName", UG_F_COMPUTER},
    {"LogName", UG_F_CHANNEL},
    {"SourceName", UG_F_PROVIDER_NAME},
    {"RecordNumber", UG_F_EVENT_RECORD_ID},
    /* Splunk's classic WinEventLog extractions */
    {"New_Process_Name", UG_F_NEW_PROCESS_NAME},
    {"Creator_Process_Name", UG_F_PARENT_PROCESS_NAME},
    {"Process_Command_Line", UG_F_COMMAND_LINE},
    {"Service_Name", UG_F_SERVICE_NAME},
    {"Service_File_Name", UG_F_IMAGE_PATH},
    {"Task_Name", UG_F_TASK_NAME},
    {NULL, UG_F_NONE},
};
static const wj_time_src splunk_times[] = {
    {"_time", true, true},        {"UtcTime", false, false}, {"TimeCreated", true, false},
    {"@timestamp", false, false}, {NULL, false, false},
};
static const char *const splunk_hosts[] = {"ComputerName", "Computer", "host", NULL};
static const wj_spec splunk_spec = {
    .aliases = splunk_aliases,
    .times = splunk_times,
    .hosts = splunk_hosts,
    .data_root = true,
    .channel_from_source = true,
    .unwrap_result = true,
};

#define WJ_FORMAT(sym, fname, spec, score, text, what)                                             \
	static int sym##_detect(ug_sv head, const char *path)                                      \
	{                                                                                          \
		(void)path;                                                                        \
		return detect_with(head, (score), (text));                                         \
	}                                                                                          \
	static int sym##_begin(ug_sv head, const ug_input_opts *opts, void **state, ug_error *err) \
	{                                                                                          \
		(void)opts;                                                                        \
		return wj_begin(&(spec), head, state, err);                                        \
	}                                                                                          \
	static void sym##_parse(ug_rec *r, ug_sv record)                                           \
	{                                                                                          \
		wj_parse(r, record, &(spec));                                                      \
	}                                                                                          \
	const ug_format ug_fmt_##sym = {                                                           \
	    .name = (fname),                                                                       \
	    .summary = (what),                                                                     \
	    .framing = UG_FRAME_JSON,                                                              \
	    .detect = sym##_detect,                                                                \
	    .file_begin = sym##_begin,                                                             \
	    .file_end = wj_end,                                                                    \
	    .parse = sym##_parse,                                                                  \
	};

WJ_FORMAT(ecs_json, "ecs-json", ecs_spec, ecs_score, ecs_text,
          "Winlogbeat / Elastic Agent Windows events (ECS JSON; Winlogbeat 6 layout too)")
WJ_FORMAT(flat_json, "flat-json", flat_spec, flat_score, flat_text,
          "flat Windows event JSON (OTRF / NXLog): event data at the top level")
WJ_FORMAT(evtx_json, "evtx-json", evtx_spec, evtx_score, evtx_text,
          "EVTX rendered as JSON (evtx_dump, python-evtx): Event.System / Event.EventData")
WJ_FORMAT(splunk_json, "splunk-json", splunk_spec, splunk_score, splunk_text,
          "Splunk Windows event export (JSON): _time, host, EventCode, raw fields")
