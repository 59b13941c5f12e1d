/* evtx.h — internals of the EVTX reader (lib/sources/evtx/): the layout
 * constants, Binary XML (BinXML) parsing and instantiation, and the two
 * "sinks" an instantiated record is walked into: normalized event fields
 * (evtx_fields.c) and Windows-style XML text (evtx_xml.c, only when asked
 * for). docs/evtx.md describes the format and the design.
 *
 * Everything here works inside ONE chunk (64 KiB): BinXML refers to names
 * and template definitions by their offset in the chunk, so every position
 * is a chunk offset and every read is checked against the chunk's length.
 * Decoded names and the chunk's map of template offsets are per chunk;
 * compiled templates are shared by the chunks of a block when their
 * definitions are equal (evtx_share.c), and field programs (evtx_prog.c)
 * turn a record into a loop of render + add. The state (evtx_ctx) is the
 * block's (format.h: block_begin); what it builds lives in the batch arena,
 * as long as the events built from it.
 */
#ifndef UG_SOURCES_EVTX_H
#define UG_SOURCES_EVTX_H

#include "core/arena.h"
#include "updguard/event.h"

#define EVTX_HEADER_SIZE 4096u
#define EVTX_CHUNK_SIZE 65536u
#define EVTX_RECORDS_START 512u  /* first record in a chunk */
#define EVTX_RECORD_HEADER 24u   /* magic, size, id, written time */
#define EVTX_MAX_VALUES 1024u    /* substitution values per template instance */
#define EVTX_MAX_DEPTH 8         /* nested BinXML / element depth guard */

/* BinXML value types (the low 7 bits; EVTX_T_ARRAY marks an array of them). */
enum {
	EVTX_T_NULL = 0x00, EVTX_T_STRING = 0x01, EVTX_T_ANSI = 0x02,
	EVTX_T_I8 = 0x03, EVTX_T_U8 = 0x04, EVTX_T_I16 = 0x05, EVTX_T_U16 = 0x06,
	EVTX_T_I32 = 0x07, EVTX_T_U32 = 0x08, EVTX_T_I64 = 0x09, EVTX_T_U64 = 0x0a,
	EVTX_T_F32 = 0x0b, EVTX_T_F64 = 0x0c, EVTX_T_BOOL = 0x0d, EVTX_T_BINARY = 0x0e,
	EVTX_T_GUID = 0x0f, EVTX_T_SIZET = 0x10, EVTX_T_FILETIME = 0x11,
	EVTX_T_SYSTIME = 0x12, EVTX_T_SID = 0x13, EVTX_T_HEX32 = 0x14, EVTX_T_HEX64 = 0x15,
	EVTX_T_HANDLE = 0x20, EVTX_T_BINXML = 0x21, EVTX_T_EVTXML = 0x23,
	EVTX_T_ARRAY = 0x80,
};

/* One substitution value: its type and bytes (inside the chunk). */
typedef struct evtx_val {
	uint8_t type;
	uint32_t n;
	const uint8_t *p;
} evtx_val;

/* Compiled BinXML: one op per token that matters for rendering. */
typedef enum evtx_opk {
	EVTX_OP_OPEN,     /* element start; text = name */
	EVTX_OP_ATTR,     /* attribute; its value is the content ops that follow */
	EVTX_OP_STARTED,  /* start tag closed: content follows (ends an attribute value) */
	EVTX_OP_CLOSE,    /* element end (end tag or empty-element close) */
	EVTX_OP_TEXT,     /* literal text (UTF-8) */
	EVTX_OP_SUBST,    /* substitution value index (optional: omitted when null) */
	EVTX_OP_CHARREF,  /* &#N; index = code point (BMP) */
	EVTX_OP_ENTREF,   /* &name; text = name */
	EVTX_OP_CDATA,    /* text = CDATA content */
	EVTX_OP_PI,       /* processing instruction: text = target, pi = data */
	EVTX_OP_TEMPLATE, /* template instance at chunk offset `at` (raw fragments) */
} evtx_opk;

struct evtx_fcache;

#define EVTX_OPEN_OPTIONAL 1
#define EVTX_OPEN_ONE_SUBST 2

typedef struct evtx_op {
	uint8_t kind;        /* evtx_opk */
	uint8_t optional;    /* SUBST: optional substitution (0x0e); OPEN: flags
	                      * EVTX_OPEN_OPTIONAL (its content holds one: the element
	                      * is dropped when it is null) and EVTX_OPEN_ONE_SUBST
	                      * (its content is one substitution: arrays repeat it) */
	uint16_t index;      /* SUBST: value index; CHARREF: code unit */
	uint32_t at;         /* TEMPLATE: chunk offset of the instance token;
	                      * OPEN: index of its CLOSE op */
	ug_sv text;
	struct evtx_fcache *fc; /* evtx_fields.c's naming cache, lazily made */
} evtx_op;

/* A template instantiation recorded as the sink calls it made (evtx_plan.c):
 * later records of the chunk whose values have the same shape (count, and
 * per value its type and whether it is empty) make exactly the same calls,
 * so the plan is replayed instead of walking the ops again. Texts are either
 * constant (literal, made once) or substitution value `index`, rendered per
 * record. Invariant: the walk's control flow depends on the values only
 * through that shape (null optional substitutions, arrays, BinXML types);
 * instantiations that repeat elements per array item are not recorded. */
typedef enum evtx_stepk {
	EVTX_ST_OPEN,     /* s->open(op) */
	EVTX_ST_ATTR,     /* s->attr(op, text or value) */
	EVTX_ST_TEXT,     /* s->text(piece, text or value) */
	EVTX_ST_CLOSE,    /* s->close() */
	EVTX_ST_NESTED,   /* value `index` is BinXML: its fragment walked in place */
	EVTX_ST_INSTANCE, /* template instance token at chunk offset `at` */
} evtx_stepk;

typedef struct evtx_step {
	uint8_t kind;        /* evtx_stepk */
	uint8_t piece;       /* TEXT: evtx_piece */
	uint8_t from_val;    /* ATTR, TEXT: the text is value `index`, rendered */
	uint16_t index;
	uint32_t at;         /* INSTANCE */
	evtx_op *op;         /* OPEN, ATTR; TEXT of an entity reference (its name) */
	ug_sv text;          /* ATTR, TEXT: the constant text */
} evtx_step;

typedef struct evtx_plan {
	uint32_t nsteps, nvals;
	evtx_step *steps;
	uint16_t *shape;     /* per value: type | empty << 8 */
} evtx_plan;

/* What a walk tells its consumer. Text pieces of element content arrive one
 * by one; an attribute arrives whole (its value pieces joined). raw is the
 * substitution value a piece came from (NULL for literal text). */
typedef enum evtx_piece { EVTX_PIECE_TEXT, EVTX_PIECE_CDATA, EVTX_PIECE_ENTREF, EVTX_PIECE_CHARREF, EVTX_PIECE_PI } evtx_piece;

typedef struct evtx_sink evtx_sink;
struct evtx_sink {
	void (*open)(evtx_sink *s, evtx_op *op);
	void (*attr)(evtx_sink *s, evtx_op *op, ug_sv value, const evtx_val *raw);
	void (*text)(evtx_sink *s, evtx_piece kind, ug_sv text, ug_sv extra, const evtx_val *raw);
	void (*close)(evtx_sink *s);
};

/* A plan being recorded (evtx_plan.c); bad once the walk did something a
 * plan cannot repeat (or ran out of memory). */
typedef struct evtx_rec {
	evtx_step *v;
	uint32_t n, cap;
	bool bad;
} evtx_rec;

struct evtx_prog;
#define EVTX_PROGS 32u       /* field programs kept per template */

/* A compiled template. Its ops depend only on the definition's content (no
 * chunk offsets: definitions holding a template instance are never
 * shared), so one compiled template may serve every chunk of a block. */
typedef struct evtx_tmpl {
	uint32_t nops;
	evtx_op *ops;
	evtx_plan *plan;     /* the last recorded instantiation, or NULL */
	struct evtx_prog *progs[EVTX_PROGS]; /* field programs rooted here, the
	                                      * last used first */
	uint8_t nprogs;
	uint8_t prog_bad;    /* recordings that failed in a row (saturating) */
	uint8_t prog_retry;  /* after many: record again only now and then */
} evtx_tmpl;

#define EVTX_NAME_SLOTS 1024u
#define EVTX_TMPL_SLOTS 256u
#define EVTX_SHARE_SLOTS 1024u
#define EVTX_KEY_MAX 16384u  /* longest template key shared (evtx_share.c) */

/* Per-chunk caches. A slot is in use only when its gen is the context's:
 * starting a chunk is one increment, not a memset of the tables. */
typedef struct evtx_name_slot {
	uint32_t gen, off;
	ug_sv name;
} evtx_name_slot;

typedef struct evtx_tmpl_slot {
	uint32_t gen, def_off;
	evtx_tmpl *t;
} evtx_tmpl_slot;

/* Compiled templates of the block: found by template GUID, matched by the
 * key of their definition (evtx_share.c). */
typedef struct evtx_share_slot {
	uint64_t hash;       /* of the template GUID */
	uint8_t guid[16];
	uint32_t klen;
	const uint8_t *key;  /* klen bytes, in the arena; NULL: free slot */
	evtx_tmpl *t;
} evtx_share_slot;

/* ---- field programs (evtx_prog.c) ----
 * What the field sink adds for a record, recorded once per template
 * instance structure: the instances (the record's template, and the nested
 * BinXML values instantiated inside it, each with its template and value
 * shape) and the fields added, each a constant or one value "slot"
 * rendered. A later record of the same structure runs the program: no walk,
 * no sink, no names built. */
#define EVTX_PROG_INSTS 8u
#define EVTX_PROG_SLOTS 256u  /* values of all instances of a program */
#define EVTX_PROG_FIELDS 512u
#define EVTX_NO_SLOT 0xffffu

typedef struct evtx_pinst {
	evtx_tmpl *t;
	uint16_t parent;     /* instance whose value holds this one (0xffff: the record's) */
	uint16_t index;      /* that value's index */
	uint16_t base;       /* slot of this instance's first value */
	uint16_t nvals;
	const uint16_t *shape; /* per value: evtx_shape_of */
} evtx_pinst;

typedef struct evtx_pfield {
	ug_sv name;
	ug_sv text;          /* the value when slot is EVTX_NO_SLOT */
	uint16_t slot;       /* else the value slot rendered */
	uint16_t canon;
	bool time;           /* TimeCreated SystemTime: also the record's time */
} evtx_pfield;

typedef struct evtx_prog {
	uint32_t ninst, nfields;
	evtx_pinst *inst;    /* [0]: the record's template instance */
	evtx_pfield *fields;
} evtx_prog;

/* A program being recorded while the slow path walks a record: bad once
 * something happened that a program cannot repeat. */
typedef struct evtx_frec {
	bool bad;
	uint32_t ninst, nslots, nfields;
	const evtx_val *holder; /* the BinXML value whose fragment is walked next */
	struct evtx_frec_inst {
		evtx_pinst pi;
		const evtx_val *vals;  /* while live: the walk's values */
		bool live;
	} inst[EVTX_PROG_INSTS];
	uint16_t shapes[EVTX_PROG_SLOTS];
	evtx_pfield fields[EVTX_PROG_FIELDS];
} evtx_frec;

/* The reader's state for one block of chunks (fmt_evtx.c: block_begin;
 * about 115 KiB): the chunk being read, its caches, the block's shared
 * templates, a program being recorded. */
typedef struct evtx_ctx {
	const uint8_t *chunk;  /* the chunk's first byte */
	uint32_t len;          /* bytes of it present (< 64 KiB when truncated) */
	ug_arena *arena;       /* decoded text, compiled templates: the batch's */
	uint64_t bad_utf16;    /* invalid UTF-16 units replaced by U+FFFD */
	int depth;
	const char *error;     /* why the last walk failed (static text) */
	uint32_t gen;          /* of the chunk's slots */
	bool slow;             /* UG_EVTX_SLOW set: no programs, nothing shared */
	evtx_frec *frec;       /* the program being recorded, or NULL */
	uint32_t nshared;      /* templates in shared[] */
	struct {               /* what the block did (tests, tuning) */
		uint32_t compiled, shared; /* template definitions compiled / found compiled */
		uint32_t recorded, run;    /* programs recorded / records done by one */
	} stats;
	/* the last record's Computer and channel, and what they gave (views in
	 * the block's arena) */
	struct {
		bool set;
		ug_sv raw, host;
	} host;
	struct {
		bool set;
		uint32_t event_id;
		ug_sv channel;
		ug_event_kind kind;
	} kind;
	evtx_name_slot names[EVTX_NAME_SLOTS];
	evtx_tmpl_slot tmpls[EVTX_TMPL_SLOTS];
	evtx_share_slot shared[EVTX_SHARE_SLOTS];
	uint8_t key[EVTX_KEY_MAX];
	evtx_frec rec;
} evtx_ctx;

/* Point ctx at a new chunk and forget the chunk's caches (evtx_binxml.c). */
void evtx_ctx_reset(evtx_ctx *c, const uint8_t *chunk, uint32_t len, ug_arena *arena);
/* Sharing (evtx_share.c). The block's compiled template whose definition
 * has the content of the one at def (24-byte header, size bytes of BinXML),
 * or NULL; then *key_len is the definition's key length (0: not shareable)
 * and c->key the key. */
evtx_tmpl *evtx_share_find(evtx_ctx *c, uint32_t def, uint32_t size, uint32_t *key_len);
/* Offer t, compiled from the definition at def whose key c->key[0..key_len)
 * is (evtx_share_find made it). */
void evtx_share_add(evtx_ctx *c, evtx_tmpl *t, uint32_t def, uint32_t key_len);
/* The template compiled from the definition at chunk offset def. */
evtx_tmpl *evtx_template_at(evtx_ctx *c, uint32_t def);
/* The template instance at `at` (token 0x0c) within end: its template, its
 * values (at most max; more is an error) and their shapes (evtx_shape_of;
 * when shapes is not NULL), and where it ends. 0, or -1 with c->error set. */
int evtx_instance_values(evtx_ctx *c, uint32_t at, uint32_t end, evtx_tmpl **t, evtx_val *vals,
                         uint16_t *shapes, uint32_t max, uint32_t *count, uint32_t *after);
/* Parse the BinXML fragment at chunk offset [off, end) and walk it into sink.
 * 0 on success; -1 with c->error set when the BinXML is malformed (the sink
 * may then have seen part of the record). */
int evtx_fragment(evtx_ctx *c, uint32_t off, uint32_t end, evtx_sink *sink);
/* Plans (evtx_plan.c). The shape of values vals[0..n). */
static inline uint16_t evtx_shape_of(const evtx_val *v)
{
	return (uint16_t)(v->type | (v->type == EVTX_T_NULL || v->n == 0) << 8);
}
/* Append a step to r (nothing when r is NULL or already bad). */
void evtx_rec_step(evtx_ctx *c, evtx_rec *r, evtx_step st);
/* Keep the recording r of values vals[0..n) as t's plan (when not bad). */
void evtx_rec_keep(evtx_ctx *c, evtx_rec *r, evtx_tmpl *t, const evtx_val *vals, uint32_t n);
/* t's plan fits these values. */
bool evtx_plan_fits(const evtx_plan *p, const evtx_val *vals, uint32_t n);
/* Replay plan p with values vals into s; 0, or -1 with c->error set. */
int evtx_plan_replay(evtx_ctx *c, const evtx_plan *p, const evtx_val *vals, evtx_sink *s);
/* Template instance at `at` into s (evtx_binxml.c); *after = past its values. */
int evtx_instance(evtx_ctx *c, uint32_t at, uint32_t end, evtx_sink *s, uint32_t *after);
/* Programs (evtx_prog.c). Run the program for the record fragment at
 * [off, end) into the field sink s: 1 when done, 0 when none fits (nothing
 * added; the slow path then walks it), -1 out of memory. */
struct evtx_fsink;
int evtx_prog_run(evtx_ctx *c, uint32_t off, uint32_t end, struct evtx_fsink *s);
/* Recording, while the slow path walks a record into s. */
void evtx_prog_record(evtx_ctx *c, struct evtx_fsink *s);
void evtx_prog_keep(evtx_ctx *c, struct evtx_fsink *s, bool ok);
/* The walk did what a program cannot repeat (when recording one). */
static inline void evtx_frec_bad(evtx_ctx *c)
{
	if (c->frec)
		c->frec->bad = true;
}
/* An instance's values are being walked (its index), and no longer. */
int evtx_frec_enter(evtx_ctx *c, evtx_tmpl *t, const evtx_val *vals, uint32_t n);
void evtx_frec_leave(evtx_ctx *c, int inst);
/* The value slot of raw (a value of a live instance), or EVTX_NO_SLOT (then
 * the recording is bad). */
uint16_t evtx_frec_slot(evtx_frec *r, const evtx_val *raw);
/* A field added: its value is value slot `slot` rendered, or (EVTX_NO_SLOT)
 * the constant value. */
void evtx_frec_field(evtx_frec *r, ug_sv name, ug_sv value, uint16_t slot, uint16_t canon, bool time);
/* A value as text (UTF-8, in the arena or static): how Windows renders it.
 * Arrays are joined with ','. NULL view when out of memory. */
ug_sv evtx_render(evtx_ctx *c, const evtx_val *v);
/* UTF-16LE (n units) to UTF-8 in the arena; invalid units become U+FFFD and
 * are counted in *bad. Trailing NUL units are dropped. */
ug_sv evtx_utf16(ug_arena *a, const uint8_t *p, size_t units, uint64_t *bad);
/* zlib's crc32(seed, p, n), folded with PCLMULQDQ when the CPU has it. */
uint32_t evtx_crc32(uint32_t seed, const uint8_t *p, size_t n);
/* FILETIME (100 ns since 1601) as "YYYY-MM-DDTHH:MM:SS.fffffffZ" into out[32]. */
size_t evtx_filetime_text(uint64_t ft, char *out);
/* FILETIME to ug_time (UG_TIME_INVALID when out of range). */
ug_time evtx_filetime_to_time(uint64_t ft);

static inline uint16_t evtx_u16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t evtx_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t evtx_u64(const uint8_t *p) { return evtx_u32(p) | (uint64_t)evtx_u32(p + 4) << 32; }

/* ---- sinks ---- */

/* Normalized fields (evtx_fields.c): names as evtx_dump's JSON paths
 * ("Event.System.Channel", "Event.EventData.Image"), canonical ids as the
 * evtx-json format gives them. */
typedef struct evtx_fsink {
	evtx_sink base;
	ug_event *ev;
	ug_arena *arena;
	ug_time ts;            /* from TimeCreated SystemTime */
	bool oom;
	int depth;
	evtx_frec *rec;        /* recording a program (evtx_prog.c), or NULL */
	struct evtx_frame {
		evtx_op *op;
		ug_sv path;          /* this element's field name */
		ug_sv text;          /* joined content text */
		ug_sv data_name;     /* <Data Name="..."> */
		uint16_t nattrs;
		uint16_t pieces;
		uint16_t slot;       /* recording: the value slot of the first piece */
		bool has_child;
	} st[EVTX_MAX_DEPTH * 4];
} evtx_fsink;
void evtx_fsink_init(evtx_fsink *s, ug_event *ev, ug_arena *arena);

/* XML text (evtx_xml.c) into out: indented, double-quoted, like evtxexport
 * and Event Viewer's XML view. */
struct ug_buf;
typedef struct evtx_xsink {
	evtx_sink base;
	struct ug_buf *out;
	int depth;
	bool start_open[EVTX_MAX_DEPTH * 4]; /* start tag not yet closed with '>' */
	bool had_child[EVTX_MAX_DEPTH * 4];
	evtx_op *ops[EVTX_MAX_DEPTH * 4];
} evtx_xsink;
void evtx_xsink_init(evtx_xsink *s, struct ug_buf *out);

#endif
