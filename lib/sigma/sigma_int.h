/* sigma_int.h — the Sigma engine's internal types, shared by the files of
 * lib/sigma/ (see include/updguard/sigma.h for the life of a rule set):
 *
 *   load.c       YAML documents -> rules (metadata, detection, correlation, filter)
 *   value.c      one value with its modifiers -> sg_val matchers
 *   cond.c       condition strings -> expression trees
 *   logsource.c  the logsource mapping file -> sources (channel, EventIDs, renames)
 *   match.c      evaluating a rule on an event
 *   prefilter.c  dispatch by channel/EventID and Vectorscan literal prefilter
 *   slots.c      field names interned once; per-event field resolution, cached
 *   correlate.c  correlation rules over kept hits, in time order
 *   sigma.c      the public API
 *
 * Invariant: after ug_sigma_compile, nothing in a ug_sigma changes while
 * ug_sigma_match runs (threads share it read-only; scratch is per thread).
 */
#ifndef UG_SIGMA_INT_H
#define UG_SIGMA_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/map.h"
#include "updguard/sigma.h"

/* ---- compiled values ---- */

typedef enum sg_kind {
	SG_M_EQ,        /* whole value equals lit */
	SG_M_PREFIX,
	SG_M_SUFFIX,
	SG_M_CONTAINS,
	SG_M_GLOB,      /* pattern with '*', '?' or windash positions */
	SG_M_RE,
	SG_M_CIDR,
	SG_M_NUM,       /* numeric comparison (cmp) */
	SG_M_NULL,      /* field absent or empty */
	SG_M_EXISTS,    /* field present (exists true) or absent (false) */
	SG_M_FIELDREF,  /* compare with another field of the event (pos: EQ/PREFIX/SUFFIX/CONTAINS) */
} sg_kind;

typedef enum sg_cmp { SG_CMP_EQ, SG_CMP_LT, SG_CMP_LTE, SG_CMP_GT, SG_CMP_GTE } sg_cmp;
typedef enum sg_tpart { SG_T_NONE, SG_T_MINUTE, SG_T_HOUR, SG_T_DAY, SG_T_WEEK, SG_T_MONTH, SG_T_YEAR } sg_tpart;

/* Glob pattern positions: a literal byte, or one of these. */
enum { SG_G_LIT = 0, SG_G_STAR = 1, SG_G_ONE = 2, SG_G_DASH = 3 };

typedef struct sg_val {
	uint8_t kind;      /* sg_kind */
	uint8_t cmp;       /* SG_M_NUM */
	uint8_t tpart;     /* SG_M_NUM on a date's part */
	uint8_t refpos;    /* SG_M_FIELDREF: SG_M_EQ/PREFIX/SUFFIX/CONTAINS */
	bool cased;
	bool exists;       /* SG_M_EXISTS */
	uint8_t fam;       /* SG_M_CIDR: 4 or 6 */
	uint8_t bits;
	ug_sv lit;         /* literal bytes (lower-cased unless cased); glob bytes; fieldref name; regex pattern */
	const uint8_t *gf; /* SG_M_GLOB: per byte of lit, SG_G_* */
	uint16_t refcanon; /* SG_M_FIELDREF */
	uint32_t refslot;  /* SG_M_FIELDREF: slot of the referenced name (slots.c) */
	double num;
	uint8_t ip[16];
	pcre2_code *re;
} sg_val;

/* field|modifiers: values */
typedef struct sg_item {
	ug_sv field;       /* empty: keyword (any field's value) */
	uint16_t canon;    /* canonical id of field, UG_F_NONE when not canonical */
	uint32_t slot;     /* slot of field (slots.c); SG_NO_SLOT for keywords */
	bool all;          /* values ANDed (else ORed) */
	bool neq;          /* true when no value matches (values ORed inside) */
	uint32_t folds;    /* values searched case-insensitively (|contains): the field's value is
	                    * lower-cased once per event for them (sg_eval.low) */
	sg_val *v;
	uint32_t nv;
} sg_item;

typedef struct sg_map {
	sg_item *items;    /* ANDed */
	uint32_t n;
} sg_map;

/* A search identifier: maps ORed (a plain map is one map; keywords are one
 * map with one keyword item). */
typedef struct sg_sel {
	ug_sv name;
	sg_map *maps;
	uint32_t n;
} sg_sel;

typedef enum sg_op { SG_C_SEL, SG_C_AND, SG_C_OR, SG_C_NOT, SG_C_ANY, SG_C_ALL } sg_op;

typedef struct sg_cond {
	uint8_t op;
	uint32_t sel;            /* SG_C_SEL */
	struct sg_cond *a, *b;   /* AND/OR: a b; NOT: a */
	uint32_t *sels;          /* ANY/ALL: the identifiers */
	uint32_t nsels;
} sg_cond;

/* ---- logsources ---- */

typedef struct sg_rename {
	ug_sv from, to;          /* Sigma field name -> the event's field name */
	uint32_t from_slot, to_slot; /* their slots, set by sg_slots_build */
} sg_rename;

/* One concrete source: events on one of channels (any when none) with one
 * of eids (any when none) or of an event kind, and extra field conditions. */
typedef struct sg_src {
	ug_sv *channels;
	uint32_t nchannels;
	uint32_t *eids;
	uint32_t neids;
	int kind;                /* ug_event_kind, -1 when not by kind */
	ug_sv *cond_fields, *cond_values; /* e.g. EventType = CreateKey */
	uint32_t nconds;
	sg_rename *renames;
	uint32_t nrenames;
} sg_src;

typedef struct sg_mapping {
	ug_arena arena;
	/* product/category/service triples -> sources; filled by logsource.c */
	struct sg_lsentry *entries;
	size_t n, cap;
} sg_mapping;

int sg_mapping_load(sg_mapping *m, const char *path, ug_error *err);
void sg_mapping_free(sg_mapping *m);
/* Sources for a rule's logsource (arena-allocated array); *n = 0 when unmapped. */
int sg_mapping_resolve(const sg_mapping *m, ug_arena *a, ug_sv product, ug_sv category,
                       ug_sv service, sg_src **out, uint32_t *n);
/* The mapping file's path: opts->mapping_file or the shipped one. */
const char *sg_mapping_default_path(char *buf, size_t cap);

/* ---- rules ---- */

typedef struct sg_corr sg_corr;

typedef enum sg_rkind { SG_R_DETECT, SG_R_CORR, SG_R_FILTER } sg_rkind;

typedef struct sg_rule {
	ug_sigma_rule pub;
	uint8_t kind;            /* sg_rkind */
	uint32_t doc;
	ug_sv product, category, service;
	sg_sel *sels;
	uint32_t nsels;
	sg_cond *cond;
	sg_src *srcs;            /* resolved logsource alternatives */
	uint32_t nsrcs;
	uint32_t *filters;       /* indices into the set's filters, ORed: suppress when true */
	uint32_t nfilters;
	ug_sv *filter_rules;     /* SG_R_FILTER: rule ids/names it applies to (empty + any_rule: all) */
	uint32_t nfilter_rules;
	bool filter_any;
	sg_corr *corr;           /* SG_R_CORR */
	bool referenced;         /* a correlation uses it */
} sg_rule;

/* ---- the set ---- */

typedef struct sg_reject_list {
	ug_sigma_reject *v;
	size_t n, cap;
} sg_reject_list;

typedef struct sg_prefilter sg_prefilter;
typedef struct sg_corr_state sg_corr_state;

struct ug_sigma {
	ug_sigma_opts opts;
	ug_arena arena;          /* everything the rules hold */
	sg_rule **rules;         /* detection and correlation rules (public order) */
	size_t nrules, cap;
	sg_rule **filters;
	size_t nfilters, fcap;
	sg_reject_list rejects;
	size_t excluded;
	ug_map placeholders;     /* name -> sg_strlist * */
	bool placeholders_loaded;
	sg_mapping mapping;
	bool compiled;
	sg_prefilter *pf;
	sg_corr_state *cs;
	bool debug;              /* UG_SIGMA_DEBUG set: scratches print their counters when freed */
	bool check;              /* UG_SIGMA_CHECK set: every rule is evaluated too; a match the prefilter
	                          * missed is reported on stderr (a test of exactness, slow) */
	size_t max_sels;
	struct sg_slot *slots;   /* interned field names (slots.c) */
	uint32_t nslots;
	size_t slot_cap;
	ug_map slot_ids;         /* name -> slot + 1 */
};

/* A list of strings (placeholder values). */
typedef struct sg_strlist {
	ug_sv *v;
	size_t n;
} sg_strlist;

/* load.c */
int sg_load_yaml(ug_sigma *s, const char *path, ug_sv text);
void sg_reject(ug_sigma *s, const char *path, uint32_t doc, const char *title, const char *fmt, ...)
	UG_PRINTF(5, 6);
int sg_placeholders_load(ug_sigma *s, const char *path, ug_error *err);

/* value.c: compile item values. Returns NULL on success or a reason (static
 * or arena text) for rejecting the rule. mods is the "|a|b" list. */
typedef struct sg_raw {
	ug_sv s;                 /* the scalar as written */
	bool null;               /* YAML null (plain null, ~ or nothing) */
	bool plain;              /* unquoted scalar */
} sg_raw;
const char *sg_item_compile(ug_sigma *s, sg_item *it, ug_sv field, ug_sv mods, const sg_raw *vals,
                            size_t nvals, bool keyword);
bool sg_glob_match(const sg_val *v, ug_sv s);

/* relit.c: what a regular expression needs, as a tree: RUN (this string
 * occurs in the subject), AND, OR, NONE (no guarantee). Nodes and strings
 * live in a; never NULL (NONE when out of memory). */
enum { SG_RL_NONE, SG_RL_RUN, SG_RL_AND, SG_RL_OR };
typedef struct sg_renode {
	uint8_t op;
	ug_sv s;                 /* SG_RL_RUN */
	const struct sg_renode *a, *b;
} sg_renode;
const sg_renode *sg_relit(ug_arena *a, ug_sv pattern, bool caseless);

/* cond.c */
const char *sg_cond_parse(ug_arena *a, ug_sv text, const sg_sel *sels, uint32_t nsels, sg_cond **out);

/* match.c */
typedef struct sg_eval {
	const ug_event *ev;
	const sg_src *src;       /* the source the event came through (renames) */
	const struct sg_slot *slots; /* the set's slots */
	uint32_t *slot_stamp;    /* per slot: stamp of the event it was resolved on; NULL: no cache */
	uint32_t *slot_at;       /* per slot: index + 1 of the event's field, 0 when absent */
	uint32_t stamp;          /* the current event's stamp (never 0 while cached) */
	pcre2_match_data *md;
	struct sg_lowcache *low; /* lower-cased field values of the current event; NULL: none */
	uint64_t selmask;        /* identifiers evaluated true (for hit fields) */
} sg_eval;
/* Per event field: its value lower-cased (ASCII), made once per event when
 * first needed; valid for a field when stamp[field] equals sg_eval.stamp. */
typedef struct sg_lowcache {
	uint32_t *stamp, *off;   /* per field: event stamp, offset in buf */
	size_t nfields;
	char *buf;
	size_t len, cap;
} sg_lowcache;
void sg_lowcache_free(sg_lowcache *lc);
/* Which of r's sources ev belongs to; NULL when none. */
const sg_src *sg_src_of(const sg_rule *r, const ug_event *ev);
bool sg_src_accepts(const sg_src *src, const ug_event *ev);
bool sg_rule_eval(const ug_sigma *s, const sg_rule *r, sg_eval *e);
ug_sv sg_field_get(const sg_eval *e, ug_sv field, uint16_t canon, bool *present);
/* The event's field a rule's name resolves to (canonical id, exact name,
 * case-insensitive name, dotted suffix, name without spaces); NULL when none. */
const ug_field *sg_find_field(const ug_event *ev, ug_sv name, uint16_t canon);

/* slots.c: every field name rules read is interned once (item fields,
 * |fieldref names, logsource renames). Invariant: slots never change after
 * ug_sigma_compile, so the per-event cache (sg_eval.slot_*) is indexed by
 * them. */
#define SG_NO_SLOT UINT32_MAX
typedef struct sg_slot {
	ug_sv name;
	uint16_t canon;
} sg_slot;
int sg_slots_build(ug_sigma *s);
void sg_slots_free(ug_sigma *s);
/* slot as the source src renames it (src may be NULL). */
uint32_t sg_slot_renamed(const sg_src *src, uint32_t slot);
/* Index + 1 of the event field slot (already renamed) resolves to, 0 when
 * absent; cached per event when e has a cache. */
uint32_t sg_slot_index(const sg_eval *e, uint32_t slot);
/* The value of a rule's field slot on e's event, through e->src's renames. */
ug_sv sg_slot_get(const sg_eval *e, uint32_t slot, bool *present);

/* prefilter.c */
int sg_prefilter_build(ug_sigma *s, ug_error *err);
void sg_prefilter_free(sg_prefilter *pf);
struct ug_sigma_scratch;
size_t sg_prefilter_candidates(const ug_sigma *s, struct ug_sigma_scratch *sc, const ug_event *ev,
                               const uint32_t **rules);
int sg_prefilter_scratch(const sg_prefilter *pf, void **hs_scratch);
void sg_prefilter_scratch_free(void *hs_scratch);

/* correlate.c */
struct sg_corr {
	uint8_t type;            /* sg_ctype */
	ug_sv *rules;            /* referenced ids or names */
	uint32_t nrules;
	uint32_t *rule_idx;      /* resolved */
	ug_sv *group;            /* group-by names */
	uint32_t ngroup;
	ug_time span;
	ug_sv field;             /* value_* correlations */
	bool has[5];             /* condition operators present: gt gte lt lte eq */
	double bound[5];
	double pct;              /* value_percentile: which percentile (default 50)... unused */
	ug_sv *alias_names;      /* aliases: alias_names[i] for rule alias_rules[i] is alias_fields[i] */
	ug_sv *alias_rules, *alias_fields;
	uint32_t naliases;
};
enum sg_ctype { SG_CT_EVENT_COUNT, SG_CT_VALUE_COUNT, SG_CT_TEMPORAL, SG_CT_TEMPORAL_ORDERED,
	        SG_CT_VALUE_SUM, SG_CT_VALUE_AVG, SG_CT_VALUE_PERCENTILE };
enum { SG_CB_GT, SG_CB_GTE, SG_CB_LT, SG_CB_LTE, SG_CB_EQ };
const char *sg_corr_resolve(ug_sigma *s);
void sg_corr_state_free(sg_corr_state *cs);

/* small helpers (sigma.c) */
char *sg_strdup(ug_arena *a, ug_sv s);
void *sg_grow(void *p, size_t *cap, size_t n, size_t elem);

struct ug_sigma_scratch {
	const ug_sigma *s;
	void *hs;                /* hs_scratch_t * */
	sg_eval e;
	sg_lowcache low;
	ug_sigma_hit *hits;
	size_t nhits, hcap;
	uint32_t *cand;          /* candidate rules of the current event */
	size_t ncand, ccap;
	uint32_t *stamp;         /* per rule: event stamp when already a candidate */
	uint32_t cur;
	uint8_t *lit_hit;        /* per literal of the bucket: seen in this event */
	size_t lit_cap;
	ug_buf text;             /* the event's values scanned by Vectorscan, each followed by '\n' */
	struct sg_seg {          /* where each value lies in text: [start, end), fields[field] */
		uint32_t start, end, field;
	} *segs;
	size_t nsegs, seg_cap;
	uint32_t *fmark;         /* per event field: fcur when already among the values */
	size_t fmark_cap;
	uint32_t fcur;
	ug_buf key;              /* bucket key being looked up */
	struct sg_bcache {       /* recent (channel, EventID, kind) -> buckets: events come in runs */
		char ch[64];
		uint8_t n, nb;
		bool used;
		uint32_t eid;
		int kind;
		int32_t b[4];
	} bcache[8];
	unsigned bnext;
	struct sg_stats {        /* UG_SIGMA_DEBUG: what the prefilter and matcher did */
		uint64_t events, buckets, text_bytes, segs, lit_hits, pairs, cands, always, hits, ns;
	} st;
	uint64_t *rule_evals, *rule_ns; /* UG_SIGMA_DEBUG=2: per rule */
};

#endif
