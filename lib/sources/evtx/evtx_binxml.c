/* evtx_binxml.c — Binary XML inside one EVTX chunk: names, template
 * definitions compiled once per chunk into ops, template instances (their
 * substitution values), and the walk that instantiates a record into a sink.
 *
 * Token layouts (libyal's "Windows XML Event Log (EVTX)" format document):
 *   0x0f fragment header     major(1) minor(1) flags(1)
 *   0x01/0x41 open element   dependency id(2) size(4) name offset(4) [inline name]
 *                            [attribute list size(4) when 0x41]
 *   0x02 close start tag, 0x03 close empty element, 0x04 end element, 0x00 EOF
 *   0x05/0x45 value          type(1) — only strings: chars(2) UTF-16
 *   0x06/0x46 attribute      name offset(4) [inline name]; its value follows
 *   0x07/0x47 CDATA          chars(2) UTF-16
 *   0x08/0x48 char reference value(2)
 *   0x09/0x49 entity ref     name offset(4) [inline name]
 *   0x0a PI target           name offset(4) [inline name];  0x0b PI data chars(2) UTF-16
 *   0x0c template instance   unknown(1) id(4) definition offset(4)
 *                            [inline definition: next(4) guid(16) size(4) fragment]
 *                            count(4) count x {size(2) type(1) 0(1)} values
 *   0x0d/0x0e substitution   index(2) type(1)  (0x0e: omitted when the value is null)
 * A name at offset o: next(4) hash(2) chars(2) UTF-16 NUL(2). A name or
 * definition is "inline" when its offset is where it would be read next.
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/str.h"
#include "sources/evtx/evtx.h"

void evtx_ctx_reset(evtx_ctx *c, const uint8_t *chunk, uint32_t len, ug_arena *arena)
{
	c->chunk = chunk;
	c->len = len;
	c->arena = arena;
	c->depth = 0;
	c->error = NULL;
	c->frec = NULL;
	if (++c->gen == 0) { /* wrapped: slots of old generations could look current */
		memset(c->names, 0, sizeof(c->names));
		memset(c->tmpls, 0, sizeof(c->tmpls));
		c->gen = 1;
	}
}

static int fail(evtx_ctx *c, const char *why)
{
	if (!c->error)
		c->error = why;
	return -1;
}

/* ---- UTF-16 ---- */

/* The same, one unit at a time. */
static size_t ascii_prefix_tail(const uint8_t *p, size_t units, char *out)
{
	size_t i = 0;
	for (; i < units && p[2 * i + 1] == 0 && p[2 * i] < 0x80; i++)
		out[i] = (char)p[2 * i];
	return i;
}

/* The longest ASCII prefix of p (units), packed to bytes into out. */
static size_t ascii_prefix(const uint8_t *p, size_t units, char *out)
{
	size_t i = 0;
#ifdef __SSE2__
	const __m128i hi = _mm_set1_epi16((short)0xff80);
	for (; i + 8 <= units; i += 8) {
		__m128i w = _mm_loadu_si128((const __m128i *)(p + 2 * i));
		if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(w, hi), _mm_setzero_si128())) != 0xffff)
			return i + ascii_prefix_tail(p + 2 * i, 8, out + i);
		_mm_storel_epi64((__m128i *)(out + i), _mm_packus_epi16(w, w));
	}
	if (i < units && units >= 8) { /* the last 8 units, overlapping those done */
		__m128i w = _mm_loadu_si128((const __m128i *)(p + 2 * (units - 8)));
		if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(w, hi), _mm_setzero_si128())) == 0xffff) {
			_mm_storel_epi64((__m128i *)(out + units - 8), _mm_packus_epi16(w, w));
			return units;
		}
	}
#endif
	return i + ascii_prefix_tail(p + 2 * i, units - i, out + i);
}

ug_sv evtx_utf16(ug_arena *a, const uint8_t *p, size_t units, uint64_t *bad)
{
	while (units && p[2 * units - 2] == 0 && p[2 * units - 1] == 0)
		units--;
	/* the common case: all ASCII, packed 8 units at a time (each 8-byte
	 * store within the prefix) into units + 1 bytes */
	char *out = ug_arena_alloc(a, units + 1);
	if (!out)
		return UG_SV_NULL;
	size_t i = ascii_prefix(p, units, out);
	if (i < units) { /* not ASCII: room for 3 bytes per unit */
		char *big = ug_arena_alloc(a, units * 3 + 1);
		if (!big)
			return UG_SV_NULL;
		memcpy(big, out, i);
		out = big;
	}
	size_t n = i;
	for (; i < units; i++) {
		uint32_t u = evtx_u16(p + 2 * i);
		if (u >= 0xd800 && u <= 0xdbff && i + 1 < units) {
			uint32_t lo = evtx_u16(p + 2 * i + 2);
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				n += ug_utf8_encode(0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00), out + n);
				i++;
				continue;
			}
		}
		if (u >= 0xd800 && u <= 0xdfff) {
			u = 0xfffd;
			(*bad)++;
		}
		n += ug_utf8_encode(u, out + n);
	}
	out[n] = '\0';
	return (ug_sv){out, n};
}

/* ---- names ---- */

/* The name stored at chunk offset off; *size gets its length in bytes. */
static ug_sv name_at(evtx_ctx *c, uint32_t off, uint32_t *size)
{
	if (off < EVTX_RECORDS_START || (uint64_t)off + 8 > c->len)
		return (fail(c, "name offset outside the chunk"), UG_SV_NULL);
	uint32_t chars = evtx_u16(c->chunk + off + 6);
	*size = 8 + 2 * chars + 2;
	if ((uint64_t)off + *size > c->len)
		return (fail(c, "name runs past the chunk"), UG_SV_NULL);
	uint32_t h = (off * 2654435761u) >> 22;
	for (uint32_t k = 0; k < EVTX_NAME_SLOTS; k++) {
		evtx_name_slot *s = &c->names[(h + k) & (EVTX_NAME_SLOTS - 1)];
		if (s->gen == c->gen && s->off == off)
			return s->name;
		if (s->gen != c->gen) {
			ug_sv n = evtx_utf16(c->arena, c->chunk + off + 8, chars, &c->bad_utf16);
			if (!n.p)
				return (fail(c, "out of memory"), UG_SV_NULL);
			*s = (evtx_name_slot){c->gen, off, n};
			return n;
		}
	}
	ug_sv n = evtx_utf16(c->arena, c->chunk + off + 8, chars, &c->bad_utf16);
	return n.p ? n : (fail(c, "out of memory"), UG_SV_NULL);
}

/* Read a name offset at *pos and the name; step over an inline name. */
static ug_sv read_name(evtx_ctx *c, uint32_t *pos, uint32_t end)
{
	if (*pos + 4 > end)
		return (fail(c, "truncated name reference"), UG_SV_NULL);
	uint32_t off = evtx_u32(c->chunk + *pos);
	*pos += 4;
	uint32_t size = 0;
	ug_sv n = name_at(c, off, &size);
	if (n.p && off == *pos) {
		if (*pos + size > end)
			return (fail(c, "inline name runs past its fragment"), UG_SV_NULL);
		*pos += size;
	}
	return n;
}

/* ---- compiling a token stream into ops ---- */

typedef struct opvec {
	evtx_op *v;
	uint32_t n, cap;
} opvec;

static evtx_op *push(evtx_ctx *c, opvec *o, evtx_opk kind)
{
	if (o->n == o->cap) {
		uint32_t cap = o->cap ? o->cap * 2 : 64;
		evtx_op *v = ug_arena_alloc(c->arena, (size_t)cap * sizeof(*v));
		if (!v)
			return (fail(c, "out of memory"), NULL);
		if (o->n)
			memcpy(v, o->v, (size_t)o->n * sizeof(*v));
		o->v = v;
		o->cap = cap;
	}
	evtx_op *op = &o->v[o->n++];
	memset(op, 0, sizeof(*op));
	op->kind = (uint8_t)kind;
	return op;
}

static int instance_end(evtx_ctx *c, uint32_t at, uint32_t end, uint32_t *after);

/* A UTF-16 string of chars(2) + units at *pos. */
static ug_sv read_sized_text(evtx_ctx *c, uint32_t *pos, uint32_t end)
{
	if (*pos + 2 > end)
		return (fail(c, "truncated text"), UG_SV_NULL);
	uint32_t chars = evtx_u16(c->chunk + *pos);
	if (*pos + 2 + 2 * chars > end)
		return (fail(c, "text runs past its fragment"), UG_SV_NULL);
	ug_sv s = evtx_utf16(c->arena, c->chunk + *pos + 2, chars, &c->bad_utf16);
	*pos += 2 + 2 * chars;
	return s.p ? s : (fail(c, "out of memory"), UG_SV_NULL);
}

/* One token at *pos into o. Returns 1 at EOF, 0 to go on, -1 on error. */
static int compile_token(evtx_ctx *c, opvec *o, uint32_t *pos, uint32_t end)
{
	const uint8_t *p = c->chunk;
	uint8_t tok = p[*pos];
	uint32_t at = (*pos)++;
	evtx_op *op;
	switch (tok & 0xbf) {
	case 0x00:
		return 1;
	case 0x01: {
		/* dependency id(2) size(4), then the name; 0x41: attribute list size(4) */
		if (*pos + 6 > end)
			return fail(c, "truncated element");
		*pos += 6;
		ug_sv name = read_name(c, pos, end);
		if (!name.p)
			return -1;
		if (tok & 0x40) {
			if (*pos + 4 > end)
				return fail(c, "truncated element");
			*pos += 4;
		}
		if (!(op = push(c, o, EVTX_OP_OPEN)))
			return -1;
		op->text = name;
		return 0;
	}
	case 0x02:
		return push(c, o, EVTX_OP_STARTED) ? 0 : -1;
	case 0x03:
	case 0x04:
		return push(c, o, EVTX_OP_CLOSE) ? 0 : -1;
	case 0x05: {
		if (*pos + 1 > end)
			return fail(c, "truncated value");
		uint8_t type = p[(*pos)++];
		if (type != EVTX_T_STRING)
			return fail(c, "unsupported value token type");
		ug_sv s = read_sized_text(c, pos, end);
		if (!s.p || !(op = push(c, o, EVTX_OP_TEXT)))
			return -1;
		op->text = s;
		return 0;
	}
	case 0x06: {
		ug_sv name = read_name(c, pos, end);
		if (!name.p || !(op = push(c, o, EVTX_OP_ATTR)))
			return -1;
		op->text = name;
		return 0;
	}
	case 0x07: {
		ug_sv s = read_sized_text(c, pos, end);
		if (!s.p || !(op = push(c, o, EVTX_OP_CDATA)))
			return -1;
		op->text = s;
		return 0;
	}
	case 0x08:
		if (*pos + 2 > end)
			return fail(c, "truncated character reference");
		if (!(op = push(c, o, EVTX_OP_CHARREF)))
			return -1;
		op->index = evtx_u16(p + *pos);
		*pos += 2;
		return 0;
	case 0x09: {
		ug_sv name = read_name(c, pos, end);
		if (!name.p || !(op = push(c, o, EVTX_OP_ENTREF)))
			return -1;
		op->text = name;
		return 0;
	}
	case 0x0a: {
		ug_sv name = read_name(c, pos, end);
		if (!name.p || !(op = push(c, o, EVTX_OP_PI)))
			return -1;
		op->text = name;
		return 0;
	}
	case 0x0b: {
		ug_sv s = read_sized_text(c, pos, end);
		if (!s.p)
			return -1;
		/* PI data belongs to the PI target just before it: "target data" */
		if (!o->n || o->v[o->n - 1].kind != EVTX_OP_PI)
			return fail(c, "PI data without target");
		ug_sv t = o->v[o->n - 1].text;
		char *buf = ug_arena_alloc(c->arena, t.n + 1 + s.n);
		if (!buf)
			return fail(c, "out of memory");
		memcpy(buf, t.p, t.n);
		buf[t.n] = ' ';
		memcpy(buf + t.n + 1, s.p, s.n);
		o->v[o->n - 1].text = (ug_sv){buf, t.n + 1 + s.n};
		return 0;
	}
	case 0x0c: {
		uint32_t after = 0;
		if (instance_end(c, at, end, &after) != 0)
			return -1;
		if (!(op = push(c, o, EVTX_OP_TEMPLATE)))
			return -1;
		op->at = at;
		*pos = after;
		return 0;
	}
	case 0x0d:
	case 0x0e:
		if (tok & 0x40)
			break;
		if (*pos + 3 > end)
			return fail(c, "truncated substitution");
		if (!(op = push(c, o, EVTX_OP_SUBST)))
			return -1;
		op->index = evtx_u16(p + *pos);
		op->optional = tok == 0x0e;
		*pos += 3;
		return 0;
	case 0x0f:
		if (tok & 0x40)
			break;
		if (*pos + 3 > end)
			return fail(c, "truncated fragment header");
		*pos += 3;
		return 0;
	default:
		break;
	}
	return fail(c, "unknown BinXML token");
}

/* Link each OPEN to its CLOSE (op->at) and mark elements whose own content
 * holds an optional substitution (op->optional): MS-EVEN6 says an element
 * containing a null optional substitution is not rendered at all (so an
 * empty <Binary> of classic events disappears, as libevtx shows it). */
static int link(evtx_ctx *c, opvec *o)
{
	uint32_t stack[EVTX_MAX_DEPTH * 4];
	bool started[EVTX_MAX_DEPTH * 4];
	int depth = 0;
	for (uint32_t i = 0; i < o->n; i++) {
		evtx_op *op = &o->v[i];
		if (op->kind == EVTX_OP_OPEN) {
			if (depth == (int)UG_ARRAY_LEN(stack))
				return fail(c, "elements nested too deep");
			started[depth] = false;
			stack[depth++] = i;
		} else if (op->kind == EVTX_OP_STARTED && depth) {
			started[depth - 1] = true;
		} else if (op->kind == EVTX_OP_CLOSE && depth) {
			uint32_t open = stack[--depth];
			o->v[open].at = i;
			if (i >= 2 && o->v[i - 1].kind == EVTX_OP_SUBST && o->v[i - 2].kind == EVTX_OP_STARTED)
				o->v[open].optional |= EVTX_OPEN_ONE_SUBST;
		} else if (op->kind == EVTX_OP_SUBST && op->optional && depth && started[depth - 1]) {
			o->v[stack[depth - 1]].optional |= EVTX_OPEN_OPTIONAL;
		}
	}
	return 0;
}

/* Compile [pos, end) up to and including its EOF token. */
static int compile(evtx_ctx *c, uint32_t pos, uint32_t end, opvec *o, uint32_t *after)
{
	if (end > c->len)
		return fail(c, "fragment runs past the chunk");
	while (pos < end) {
		int r = compile_token(c, o, &pos, end);
		if (r < 0)
			return -1;
		if (r == 1) {
			if (after)
				*after = pos;
			return link(c, o);
		}
	}
	return fail(c, "fragment without end token");
}

/* ---- templates ---- */

/* The compiled template whose definition starts at chunk offset def: the
 * chunk's, else the block's with the same content (evtx_share.c), else
 * compiled now. */
evtx_tmpl *evtx_template_at(evtx_ctx *c, uint32_t def)
{
	if (def < EVTX_RECORDS_START || (uint64_t)def + 24 > c->len)
		return (fail(c, "template definition outside the chunk"), NULL);
	uint32_t h = (def * 2654435761u) >> 24;
	evtx_tmpl_slot *slot = NULL;
	for (uint32_t k = 0; k < EVTX_TMPL_SLOTS; k++) {
		evtx_tmpl_slot *sl = &c->tmpls[(h + k) & (EVTX_TMPL_SLOTS - 1)];
		if (sl->gen == c->gen && sl->def_off == def)
			return sl->t;
		if (sl->gen != c->gen) {
			slot = sl;
			break;
		}
	}
	uint32_t size = evtx_u32(c->chunk + def + 20);
	if ((uint64_t)def + 24 + size > c->len)
		return (fail(c, "template definition runs past the chunk"), NULL);
	uint32_t klen = 0;
	evtx_tmpl *t = evtx_share_find(c, def, size, &klen);
	if (t) {
		c->stats.shared++;
	} else {
		c->stats.compiled++;
		opvec o = {0};
		if (compile(c, def + 24, def + 24 + size, &o, NULL) != 0)
			return NULL;
		t = ug_arena_calloc(c->arena, 1, sizeof(*t));
		if (!t)
			return (fail(c, "out of memory"), NULL);
		t->nops = o.n;
		t->ops = o.v;
		if (klen)
			evtx_share_add(c, t, def, klen);
	}
	/* chunk map full (never in practice: ~32 templates per chunk): looked up
	 * again next time */
	if (slot)
		*slot = (evtx_tmpl_slot){c->gen, def, t};
	return t;
}

/* Instance header at `at`: definition offset, where the value count is. */
static int instance_head(evtx_ctx *c, uint32_t at, uint32_t end, uint32_t *def, uint32_t *pos)
{
	if (at + 10 > end)
		return fail(c, "truncated template instance");
	*def = evtx_u32(c->chunk + at + 6);
	*pos = at + 10;
	if (*def == *pos) { /* inline definition: step over it */
		if (*pos + 24 > end)
			return fail(c, "truncated template definition");
		uint32_t size = evtx_u32(c->chunk + *pos + 20);
		if ((uint64_t)*pos + 24 + size > end)
			return fail(c, "template definition runs past the record");
		*pos += 24 + size;
	}
	return 0;
}

static int instance_end(evtx_ctx *c, uint32_t at, uint32_t end, uint32_t *after)
{
	uint32_t def, pos;
	if (instance_head(c, at, end, &def, &pos) != 0)
		return -1;
	if (pos + 4 > end)
		return fail(c, "truncated value count");
	uint32_t count = evtx_u32(c->chunk + pos);
	if (count > EVTX_MAX_VALUES || (uint64_t)pos + 4 + 4ull * count > end)
		return fail(c, "bad substitution value count");
	uint64_t total = 0;
	for (uint32_t i = 0; i < count; i++)
		total += evtx_u16(c->chunk + pos + 4 + 4 * (size_t)i);
	if (pos + 4 + 4ull * count + total > end)
		return fail(c, "substitution values run past the record");
	*after = (uint32_t)(pos + 4 + 4ull * count + total);
	return 0;
}

static int walk(evtx_ctx *c, evtx_op *ops, uint32_t nops, const evtx_val *vals, uint32_t nvals,
                evtx_sink *s, evtx_rec *rec);

int evtx_instance_values(evtx_ctx *c, uint32_t at, uint32_t end, evtx_tmpl **t, evtx_val *vals,
                         uint16_t *shapes, uint32_t max, uint32_t *count, uint32_t *after)
{
	uint32_t def = 0, pos = 0;
	if (instance_head(c, at, end, &def, &pos) != 0)
		return -1;
	/* instance_end()'s checks, with the values read on the way */
	if (pos + 4 > end)
		return fail(c, "truncated value count");
	uint32_t n = evtx_u32(c->chunk + pos);
	if (n > EVTX_MAX_VALUES || (uint64_t)pos + 4 + 4ull * n > end)
		return fail(c, "bad substitution value count");
	if (n > max)
		return fail(c, "too many substitution values");
	const uint8_t *d = c->chunk + pos + 4;
	uint32_t from = pos + 4 + 4 * n, total = 0; /* total <= 1024 * 65535 */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t size = evtx_u16(d + 4 * (size_t)i);
		uint8_t type = d[4 * (size_t)i + 2];
		vals[i] = (evtx_val){type, size, c->chunk + from + total};
		if (shapes)
			shapes[i] = (uint16_t)(type | (type == EVTX_T_NULL || size == 0) << 8);
		total += size;
	}
	if ((uint64_t)from + total > end)
		return fail(c, "substitution values run past the record");
	*after = from + total;
	if (!(*t = evtx_template_at(c, def)))
		return -1;
	*count = n;
	return 0;
}

/* Instantiate the template instance at `at` into s: its plan replayed when
 * the values fit it, else its ops walked (and recorded as its plan). */
int evtx_instance(evtx_ctx *c, uint32_t at, uint32_t end, evtx_sink *s, uint32_t *after)
{
	evtx_tmpl *t;
	uint32_t count;
	evtx_val vals[EVTX_MAX_VALUES];
	if (evtx_instance_values(c, at, end, &t, vals, NULL, EVTX_MAX_VALUES, &count, after) != 0)
		return -1;
	int inst = c->frec ? evtx_frec_enter(c, t, vals, count) : -1;
	int rc;
	if (t->plan && evtx_plan_fits(t->plan, vals, count)) {
		rc = evtx_plan_replay(c, t->plan, vals, s);
	} else {
		evtx_rec rec = {NULL, 0, 0, false};
		rc = walk(c, t->ops, t->nops, vals, count, s, &rec);
		if (rc == 0)
			evtx_rec_keep(c, &rec, t, vals, count);
	}
	if (inst >= 0)
		evtx_frec_leave(c, inst);
	return rc;
}

int evtx_fragment(evtx_ctx *c, uint32_t off, uint32_t end, evtx_sink *s)
{
	if (end > c->len || off >= end)
		return fail(c, "fragment outside the chunk");
	if (++c->depth > EVTX_MAX_DEPTH) {
		c->depth--;
		return fail(c, "BinXML nested too deep");
	}
	int rc;
	const uint8_t *p = c->chunk;
	uint32_t pos = off;
	if (p[pos] == 0x0f && pos + 4 < end && p[pos + 4] == 0x0c) {
		/* the common shape: fragment header, template instance, EOF */
		uint32_t after;
		rc = evtx_instance(c, pos + 4, end, s, &after);
		if (rc == 0 && (after >= end || p[after] != 0x00))
			rc = fail(c, "no end token after the template instance");
	} else {
		evtx_frec_bad(c); /* programs hold template instances only */
		opvec o = {0};
		rc = compile(c, pos, end, &o, NULL);
		if (rc == 0)
			rc = walk(c, o.v, o.n, NULL, 0, s, NULL);
	}
	c->depth--;
	return rc;
}

/* ---- instantiation ---- */

static bool is_content(const evtx_op *op)
{
	return op->kind == EVTX_OP_TEXT || op->kind == EVTX_OP_SUBST || op->kind == EVTX_OP_CHARREF ||
	       op->kind == EVTX_OP_ENTREF || op->kind == EVTX_OP_CDATA;
}

static bool omitted(const evtx_op *op, const evtx_val *vals, uint32_t nvals)
{
	if (op->kind != EVTX_OP_SUBST)
		return false;
	if (op->index >= nvals)
		return true;
	return op->optional && (vals[op->index].type == EVTX_T_NULL || vals[op->index].n == 0);
}

static const char *entity_char(ug_sv name)
{
	static const char *const map[][2] = {{"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
	for (size_t i = 0; i < UG_ARRAY_LEN(map); i++)
		if (ug_sv_eq_cstr(name, map[i][0]))
			return map[i][1];
	return NULL;
}

/* The text of one content op (attribute values: entities resolved). */
static ug_sv piece_text(evtx_ctx *c, const evtx_op *op, const evtx_val *vals)
{
	char tmp[4];
	switch (op->kind) {
	case EVTX_OP_SUBST: return evtx_render(c, &vals[op->index]);
	case EVTX_OP_CHARREF: {
		size_t n = ug_utf8_encode(op->index >= 0xd800 && op->index <= 0xdfff ? 0xfffd : op->index, tmp);
		ug_sv s = ug_arena_dup(c->arena, ug_sv_make(tmp, n));
		return s;
	}
	case EVTX_OP_ENTREF: {
		const char *e = entity_char(op->text);
		return e ? ug_sv_from(e) : op->text;
	}
	default: return op->text;
	}
}

/* An attribute at ops[i]: its value pieces joined; omitted when every piece
 * is an omitted optional substitution. Returns the index of its last piece. */
static uint32_t walk_attr(evtx_ctx *c, evtx_op *ops, uint32_t i, uint32_t nops, const evtx_val *vals,
                          uint32_t nvals, evtx_sink *s, evtx_rec *rec)
{
	uint32_t j = i + 1, kept = 0, from_vals = 0;
	const evtx_val *raw = NULL;
	size_t total = 0;
	ug_sv one = UG_SV("");
	for (; j < nops && is_content(&ops[j]); j++) {
		if (omitted(&ops[j], vals, nvals))
			continue;
		if (ops[j].kind == EVTX_OP_SUBST && (vals[ops[j].index].type & 0x7f) == EVTX_T_BINXML)
			continue; /* BinXML cannot be an attribute value */
		ug_sv t = piece_text(c, &ops[j], vals);
		raw = ops[j].kind == EVTX_OP_SUBST ? &vals[ops[j].index] : NULL;
		from_vals += raw != NULL;
		if (kept++ == 0) {
			one = t;
		} else { /* rare: several pieces, joined */
			char *buf = ug_arena_alloc(c->arena, total + t.n + 1);
			if (!buf)
				break;
			memcpy(buf, one.p, one.n);
			memcpy(buf + one.n, t.p, t.n);
			one = (ug_sv){buf, one.n + t.n};
			raw = NULL;
		}
		total = one.n;
	}
	bool any = j > i + 1;
	if (!any || kept) {
		s->attr(s, &ops[i], one, kept == 1 ? raw : NULL);
		if (from_vals > (kept == 1 ? 1u : 0u)) { /* a value joined with other pieces */
			if (rec)
				rec->bad = true;
			evtx_frec_bad(c);
		}
		bool fv = kept == 1 && raw;
		evtx_rec_step(c, rec, (evtx_step){.kind = EVTX_ST_ATTR, .from_val = fv, .op = &ops[i],
		                                  .index = fv ? (uint16_t)(raw - vals) : 0, .text = one});
	}
	return j - 1;
}

/* Size of one element of an array of fixed-size t; 0 when variable. */
static uint32_t fixed_size(uint8_t t)
{
	switch (t) {
	case EVTX_T_I8: case EVTX_T_U8: return 1;
	case EVTX_T_I16: case EVTX_T_U16: return 2;
	case EVTX_T_I32: case EVTX_T_U32: case EVTX_T_F32: case EVTX_T_BOOL: case EVTX_T_HEX32: return 4;
	case EVTX_T_I64: case EVTX_T_U64: case EVTX_T_F64: case EVTX_T_FILETIME: case EVTX_T_HEX64:
	case EVTX_T_SIZET: return 8;
	case EVTX_T_GUID: case EVTX_T_SYSTIME: return 16;
	default: return 0;
	}
}

/* The next item of array v from *pos: NUL-terminated UTF-16 strings, or
 * fixed-size elements. false when there are no more. */
static bool array_item(const evtx_val *v, uint32_t *pos, evtx_val *item)
{
	uint8_t t = v->type & 0x7f;
	if (*pos >= v->n)
		return false;
	if (t == EVTX_T_STRING) {
		uint32_t i = *pos;
		while (i + 1 < v->n && evtx_u16(v->p + i) != 0)
			i += 2;
		*item = (evtx_val){EVTX_T_STRING, i - *pos, v->p + *pos};
		*pos = i + 2;
		return true;
	}
	uint32_t es = fixed_size(t);
	if (!es || *pos + es > v->n)
		return false;
	*item = (evtx_val){t, es, v->p + *pos};
	*pos += es;
	return true;
}

/* An element whose whole content is one array substitution is repeated once
 * per item, as Windows renders it (<Data>%1</Data> with a string array gives
 * one <Data> per string). Returns the index of its CLOSE op, or 0 when the
 * element at ops[i] is not such an element. */
static uint32_t array_element(const evtx_op *ops, uint32_t i, uint32_t nops, const evtx_val *vals,
                              uint32_t nvals)
{
	uint32_t j = i + 1;
	while (j < nops && (ops[j].kind == EVTX_OP_ATTR || is_content(&ops[j])))
		j++;
	if (j + 2 >= nops || ops[j].kind != EVTX_OP_STARTED || ops[j + 1].kind != EVTX_OP_SUBST ||
	    ops[j + 2].kind != EVTX_OP_CLOSE || ops[j + 1].index >= nvals)
		return 0;
	const evtx_val *v = &vals[ops[j + 1].index];
	uint8_t t = v->type & 0x7f;
	if (!(v->type & EVTX_T_ARRAY) || (t != EVTX_T_STRING && !fixed_size(t)))
		return 0;
	return j + 2;
}

static void walk_attrs(evtx_ctx *c, evtx_op *ops, uint32_t from, uint32_t to, const evtx_val *vals,
                       uint32_t nvals, evtx_sink *s)
{
	for (uint32_t k = from; k < to; k++)
		if (ops[k].kind == EVTX_OP_ATTR)
			k = walk_attr(c, ops, k, to, vals, nvals, s, NULL);
}

static int expand_array(evtx_ctx *c, evtx_op *ops, uint32_t i, uint32_t close, const evtx_val *vals,
                        uint32_t nvals, evtx_sink *s)
{
	const evtx_val *v = &vals[ops[close - 1].index];
	evtx_val item;
	uint32_t pos = 0, n = 0;
	while (array_item(v, &pos, &item) || n == 0) {
		s->open(s, &ops[i]);
		walk_attrs(c, ops, i + 1, close - 2, vals, nvals, s);
		if (n++ == 0 && pos == 0) { /* empty array: the element once, empty */
			s->close(s);
			break;
		}
		ug_sv text = evtx_render(c, &item);
		if (!text.p)
			return fail(c, "out of memory");
		s->text(s, EVTX_PIECE_TEXT, text, UG_SV_NULL, &item);
		s->close(s);
	}
	return 0;
}

/* The element at ops[i] (op->optional set) holds a null optional
 * substitution directly in its content: it is not rendered. */
static bool dropped(const evtx_op *ops, uint32_t i, uint32_t nops, const evtx_val *vals,
                    uint32_t nvals)
{
	uint32_t close = ops[i].at;
	if (close <= i || close >= nops)
		return false;
	int depth = 0;
	bool started = false;
	for (uint32_t j = i + 1; j < close; j++) {
		if (ops[j].kind == EVTX_OP_OPEN)
			depth++;
		else if (ops[j].kind == EVTX_OP_CLOSE)
			depth--;
		else if (ops[j].kind == EVTX_OP_STARTED && depth == 0)
			started = true;
		else if (depth == 0 && started && ops[j].kind == EVTX_OP_SUBST && ops[j].optional &&
		         omitted(&ops[j], vals, nvals))
			return true;
	}
	return false;
}

/* A text piece to s, recorded as a step: constant, or value `v`. */
static void put_text(evtx_ctx *c, evtx_sink *s, evtx_rec *rec, evtx_piece kind, ug_sv text,
                     const evtx_op *ent, const evtx_val *vals, const evtx_val *v)
{
	s->text(s, kind, text, ent ? ent->text : UG_SV_NULL, v);
	evtx_rec_step(c, rec, (evtx_step){.kind = EVTX_ST_TEXT, .piece = (uint8_t)kind, .from_val = v != NULL,
	                                  .index = v ? (uint16_t)(v - vals) : 0, .op = (evtx_op *)ent,
	                                  .text = text});
}

/* A substitution in element content: nested BinXML walked in place, other
 * values rendered as text. */
static int walk_subst(evtx_ctx *c, const evtx_op *op, const evtx_val *vals, evtx_sink *s, evtx_rec *rec)
{
	const evtx_val *v = &vals[op->index];
	uint8_t t = v->type & 0x7f;
	if ((t == EVTX_T_BINXML || t == EVTX_T_EVTXML) && !(v->type & EVTX_T_ARRAY)) {
		uint32_t off = (uint32_t)(v->p - c->chunk);
		if (v->n && c->frec)
			c->frec->holder = v;
		if (v->n && evtx_fragment(c, off, off + v->n, s) != 0)
			return -1;
		if (v->n)
			evtx_rec_step(c, rec, (evtx_step){.kind = EVTX_ST_NESTED, .index = op->index});
		return 0;
	}
	ug_sv text = evtx_render(c, v);
	if (!text.p)
		return fail(c, "out of memory");
	put_text(c, s, rec, EVTX_PIECE_TEXT, text, NULL, vals, v);
	return 0;
}

/* Walk ops with values vals into s; when rec is not NULL, the sink calls are
 * recorded in it as a plan (evtx_plan.c). */
static int walk(evtx_ctx *c, evtx_op *ops, uint32_t nops, const evtx_val *vals, uint32_t nvals,
                evtx_sink *s, evtx_rec *rec)
{
	int open = 0;
	for (uint32_t i = 0; i < nops; i++) {
		evtx_op *op = &ops[i];
		switch ((evtx_opk)op->kind) {
		case EVTX_OP_OPEN: {
			if ((op->optional & EVTX_OPEN_OPTIONAL) && dropped(ops, i, nops, vals, nvals)) {
				i = op->at;
				break;
			}
			uint32_t close = (op->optional & EVTX_OPEN_ONE_SUBST)
			                     ? array_element(ops, i, nops, vals, nvals)
			                     : 0;
			if (close) {
				if (rec)
					rec->bad = true; /* calls depend on the item count */
				evtx_frec_bad(c);
				if (expand_array(c, ops, i, close, vals, nvals, s) != 0)
					return -1;
				i = close;
				break;
			}
			if (++open > EVTX_MAX_DEPTH * 2)
				return fail(c, "elements nested too deep");
			s->open(s, op);
			evtx_rec_step(c, rec, (evtx_step){.kind = EVTX_ST_OPEN, .op = op});
			break;
		}
		case EVTX_OP_ATTR:
			i = walk_attr(c, ops, i, nops, vals, nvals, s, rec);
			break;
		case EVTX_OP_STARTED:
			break;
		case EVTX_OP_CLOSE:
			if (open-- <= 0)
				return fail(c, "end tag without element");
			s->close(s);
			evtx_rec_step(c, rec, (evtx_step){.kind = EVTX_ST_CLOSE});
			break;
		case EVTX_OP_TEXT: put_text(c, s, rec, EVTX_PIECE_TEXT, op->text, NULL, vals, NULL); break;
		case EVTX_OP_CDATA: put_text(c, s, rec, EVTX_PIECE_CDATA, op->text, NULL, vals, NULL); break;
		case EVTX_OP_PI: put_text(c, s, rec, EVTX_PIECE_PI, op->text, NULL, vals, NULL); break;
		case EVTX_OP_CHARREF:
			put_text(c, s, rec, EVTX_PIECE_CHARREF, piece_text(c, op, vals), NULL, vals, NULL);
			break;
		case EVTX_OP_ENTREF: {
			const char *e = entity_char(op->text);
			put_text(c, s, rec, EVTX_PIECE_ENTREF, e ? ug_sv_from(e) : op->text, op, vals, NULL);
			break;
		}
		case EVTX_OP_SUBST:
			if (!omitted(op, vals, nvals) && walk_subst(c, op, vals, s, rec) != 0)
				return -1;
			break;
		case EVTX_OP_TEMPLATE: {
			uint32_t after;
			evtx_frec_bad(c);
			if (evtx_instance(c, op->at, c->len, s, &after) != 0)
				return -1;
			evtx_rec_step(c, rec, (evtx_step){.kind = EVTX_ST_INSTANCE, .at = op->at});
			break;
		}
		}
	}
	if (open != 0)
		return fail(c, "element not closed");
	return 0;
}
