/* prefilter.c — which rules an event can possibly match, found without
 * evaluating them (docs/sigma.md, "Speed").
 *
 * 1. Dispatch: rules are put in buckets by what their logsource needs
 *    (channel + EventID, channel alone, event kind, or anything); an event
 *    looks up only its own buckets. A channel + EventID bucket also holds
 *    its channel's catch-all rules, so a Windows event uses one bucket.
 * 2. Literals: for every rule, a set of literals of which at least one must
 *    occur if the rule matches (computed from the condition: an AND needs
 *    only its most selective side, an OR needs one of each side, a NOT
 *    gives no guarantee, a regular expression the runs relit.c finds). A
 *    literal is a string, the field it must occur in (a slot; any field for
 *    keywords) and where in that field's value (anywhere, at its start, at
 *    its end, or the whole value: contains, startswith, endswith, equality).
 *    Each bucket compiles its rules' field strings into one Vectorscan
 *    database (caseless, so a superset of every case-sensitive need) and its
 *    keyword strings into another; one scan of the values its literal slots
 *    resolve to on the event (and, for keywords, of every value) reports
 *    every occurrence, and an occurrence counts for a rule only when it lies
 *    in the field the rule's name resolves to on this event, at the right
 *    place. Rules without such a set are always evaluated.
 * The candidate list is a superset of the matching rules, so exactness is
 * untouched: sg_rule_eval decides.
 */
#include <hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "sigma/sigma_int.h"

#define MIN_LITERAL 3

/* Where a literal must lie in its field's value (bits). */
enum { A_ANY = 0, A_START = 1, A_END = 2, A_WHOLE = 3 };

typedef struct lit {
	ug_sv s;
	uint32_t slot;   /* the rule's field (before renames); SG_NO_SLOT: any field */
	uint8_t anchor;  /* A_* */
} lit;

typedef struct lits {
	lit *v;
	size_t n, cap;
	bool none; /* no guarantee */
} lits;

/* One (literal, rule) pair of a bucket: where the literal must be found for
 * the rule to become a candidate. slot is after the source's renames. */
typedef struct lpair {
	uint32_t rule;
	uint32_t slot;
	uint8_t anchor;
} lpair;

/* A Vectorscan database and, per literal id, the (rule, slot, anchor)
 * pairs an occurrence of that literal can make candidates (CSR:
 * pairs [lit_off[i], lit_off[i+1])). */
typedef struct litdb {
	hs_database_t *db;     /* owned by sg_prefilter.dbs (shared by equal buckets) */
	uint32_t *lit_off;
	lpair *lit_pairs;
	uint32_t *lit_len;     /* literal id -> its length */
} litdb;

typedef struct bucket {
	uint32_t *always;      /* rules evaluated whenever the bucket applies */
	size_t nalways, acap;
	uint32_t *lrules;      /* rules gated by literals (parallel to their literal sets) */
	lits *lsets;           /* slots already renamed for this bucket's source */
	size_t nl, lcap;
	bool merged;           /* a channel + EventID bucket: holds its channel's catch-all rules */
	uint32_t *fslots;      /* distinct slots of the field literals: the values scanned */
	size_t nfslots, fcap;
	litdb fields;          /* literals confined to a field */
	litdb any;             /* keyword literals: scanned over every value */
} bucket;

struct sg_prefilter {
	ug_map keys;           /* bucket key -> index + 1 */
	bucket *b;
	size_t nb, cap;
	uint32_t nrules;
	ug_map db_keys;        /* a database's strings -> the database */
	hs_database_t **dbs;   /* distinct databases */
	size_t ndbs, dbcap;
};

/* ---- literal sets ---- */

static void lits_free(lits *l) { free(l->v); memset(l, 0, sizeof(*l)); }

static bool lits_add(lits *l, lit s)
{
	lit *v = sg_grow(l->v, &l->cap, l->n + 1, sizeof(*v));
	if (!v)
		return false;
	l->v = v;
	l->v[l->n++] = s;
	return true;
}

static lits lits_none(void) { return (lits){NULL, 0, 0, true}; }

/* Strings nearly every Windows event holds somewhere: a literal inside one
 * of them selects little, however long (an AND then prefers its other
 * side). Lower case; only the choice between AND sides depends on it. */
static const char *const common_strings[] = {
	"nt authority\\system", "nt authority\\local service", "nt authority\\network service",
	"c:\\windows\\system32\\", "c:\\windows\\syswow64\\", "c:\\program files (x86)\\",
	"microsoft corporation", "microsoft\xc2\xae windows\xc2\xae operating system", "\\appdata\\local\\",
};

static bool is_common(ug_sv lit)
{
	for (size_t i = 0; i < UG_ARRAY_LEN(common_strings); i++) {
		ug_sv c = ug_sv_make(common_strings[i], strlen(common_strings[i]));
		for (size_t at = 0; at + lit.n <= c.n; at++)
			if (ug_sv_eq_nocase(ug_sv_make(c.p + at, lit.n), lit))
				return true;
	}
	return false;
}

/* Higher is more selective: the shortest literal counts; digits and
 * common strings select little. */
static int lits_score(const lits *l)
{
	if (l->none || !l->n)
		return -1;
	int worst = 1 << 20;
	for (size_t i = 0; i < l->n; i++) {
		int sc = (int)l->v[i].s.n * 2;
		if (ug_sv_is_digits(l->v[i].s))
			sc /= 3;
		if (is_common(l->v[i].s))
			sc = 1;
		if (sc < worst)
			worst = sc;
	}
	return worst * 16 - (int)(l->n > 15 ? 15 : l->n);
}

/* AND: keep the better side. */
static lits lits_and(lits a, lits b)
{
	if (lits_score(&b) > lits_score(&a)) {
		lits_free(&a);
		return b;
	}
	lits_free(&b);
	return a;
}

/* OR: both sides needed. */
static lits lits_or(lits a, lits b)
{
	if (a.none || b.none) {
		lits_free(&a);
		lits_free(&b);
		return lits_none();
	}
	for (size_t i = 0; i < b.n; i++)
		if (!lits_add(&a, b.v[i])) {
			lits_free(&a);
			lits_free(&b);
			return lits_none();
		}
	lits_free(&b);
	return a;
}

/* The string a value needs in the field's value, and where (*anchor). */
static ug_sv val_literal(const sg_val *v, uint8_t *anchor)
{
	*anchor = A_ANY;
	switch (v->kind) {
	case SG_M_EQ:
		*anchor = A_WHOLE;
		return v->lit;
	case SG_M_PREFIX:
		*anchor = A_START;
		return v->lit;
	case SG_M_SUFFIX:
		*anchor = A_END;
		return v->lit;
	case SG_M_CONTAINS:
		return v->lit;
	case SG_M_GLOB: {
		size_t best = 0, bestn = 0, run = 0;
		for (size_t i = 0; i <= v->lit.n; i++) {
			if (i < v->lit.n && v->gf[i] == SG_G_LIT) {
				run++;
				continue;
			}
			if (run > bestn)
				best = i - run, bestn = run;
			run = 0;
		}
		/* a run at an end of the pattern is at that end of the value */
		*anchor = (uint8_t)((best == 0 ? A_START : 0) | (best + bestn == v->lit.n ? A_END : 0));
		return ug_sv_make(v->lit.p + best, bestn);
	}
	default:
		return UG_SV_NULL;
	}
}

/* Long enough to gate a rule: MIN_LITERAL bytes, or fewer when every byte
 * is rare in logs (non-ASCII: the homoglyph and Unicode-obfuscation lists;
 * the caret and backtick of cmd and PowerShell obfuscation). */
static bool lit_usable(ug_sv s)
{
	if (s.n >= MIN_LITERAL)
		return true;
	for (size_t i = 0; i < s.n; i++)
		if ((unsigned char)s.p[i] < 0x80 && s.p[i] != '^' && s.p[i] != '`')
			return false;
	return s.n > 0;
}

/* What a regular expression needs (relit.c), in field slot. */
static lits re_lits(const sg_renode *n, uint32_t slot)
{
	switch (n->op) {
	case SG_RL_RUN: {
		lits l = {0};
		if (!lit_usable(n->s) || !lits_add(&l, (lit){n->s, slot, A_ANY})) {
			lits_free(&l);
			return lits_none();
		}
		return l;
	}
	case SG_RL_AND:
		return lits_and(re_lits(n->a, slot), re_lits(n->b, slot));
	case SG_RL_OR:
		return lits_or(re_lits(n->a, slot), re_lits(n->b, slot));
	default:
		return lits_none();
	}
}

static lits val_lits(ug_arena *a, const sg_val *v, uint32_t slot)
{
	if (v->kind == SG_M_RE) {
		uint32_t opts = 0;
		pcre2_pattern_info(v->re, PCRE2_INFO_ALLOPTIONS, &opts);
		return re_lits(sg_relit(a, v->lit, (opts & PCRE2_CASELESS) != 0), slot);
	}
	uint8_t anchor;
	ug_sv s = val_literal(v, &anchor);
	lits l = {0};
	if (slot == SG_NO_SLOT) /* keywords: any field, anywhere */
		anchor = A_ANY;
	if (!lit_usable(s) || !lits_add(&l, (lit){s, slot, anchor})) {
		lits_free(&l);
		return lits_none();
	}
	return l;
}

static lits item_lits(ug_arena *a, const sg_item *it)
{
	if (it->neq || !it->nv)
		return lits_none();
	lits acc = val_lits(a, &it->v[0], it->slot);
	for (uint32_t i = 1; i < it->nv; i++)
		acc = it->all ? lits_and(acc, val_lits(a, &it->v[i], it->slot))
		              : lits_or(acc, val_lits(a, &it->v[i], it->slot));
	return acc;
}

static lits map_lits(ug_arena *a, const sg_map *m)
{
	lits acc = lits_none();
	for (uint32_t i = 0; i < m->n; i++)
		acc = lits_and(acc, item_lits(a, &m->items[i]));
	return acc;
}

static lits sel_lits(ug_arena *a, const sg_sel *s)
{
	if (!s->n)
		return lits_none();
	lits acc = map_lits(a, &s->maps[0]);
	for (uint32_t i = 1; i < s->n; i++)
		acc = lits_or(acc, map_lits(a, &s->maps[i]));
	return acc;
}

/* a holds the strings regular expressions need (relit.c). */
static lits cond_lits(ug_arena *a, const sg_rule *r, const sg_cond *c)
{
	switch (c->op) {
	case SG_C_SEL:
		return sel_lits(a, &r->sels[c->sel]);
	case SG_C_AND:
		return lits_and(cond_lits(a, r, c->a), cond_lits(a, r, c->b));
	case SG_C_OR:
		return lits_or(cond_lits(a, r, c->a), cond_lits(a, r, c->b));
	case SG_C_NOT:
		return lits_none();
	default: {
		lits acc = sel_lits(a, &r->sels[c->sels[0]]);
		for (uint32_t i = 1; i < c->nsels; i++)
			acc = c->op == SG_C_ALL ? lits_and(acc, sel_lits(a, &r->sels[c->sels[i]]))
			                        : lits_or(acc, sel_lits(a, &r->sels[c->sels[i]]));
		return acc;
	}
	}
}

/* ---- EventIDs a rule needs ----
 * A rule whose condition holds only when `EventID` equals one of a few
 * numbers (`service: sysmon` + `EventID: 27`) is put in those channel +
 * EventID buckets only, not in the channel's catch-all one. Exact because
 * readers set ev->event_id to the number the canonical EventID field holds,
 * or 0 (the field absent, or not a number; the rule goes to bucket 0 too):
 * a field equal to the digits L holds the number L. */

#define MAX_EIDS 16

typedef struct eidset {
	uint32_t v[MAX_EIDS];
	uint8_t n;
	bool none; /* no guarantee */
} eidset;

static const eidset eid_none = {.none = true};

static eidset eid_union(eidset a, eidset b)
{
	if (a.none || b.none || a.n + b.n > MAX_EIDS)
		return eid_none;
	for (uint8_t i = 0; i < b.n; i++)
		a.v[a.n++] = b.v[i];
	return a;
}

/* AND: either side's set is a guarantee; keep the smaller. */
static eidset eid_and(eidset a, eidset b)
{
	if (a.none)
		return b;
	return b.none || a.n <= b.n ? a : b;
}

static eidset item_eids(const sg_item *it)
{
	if (it->canon != UG_F_EVENT_ID || it->neq || it->all || !it->nv || it->nv > MAX_EIDS)
		return eid_none;
	eidset e = {.n = 0};
	for (uint32_t i = 0; i < it->nv; i++) {
		uint64_t id;
		const sg_val *v = &it->v[i];
		if (v->kind != SG_M_EQ || !ug_sv_to_u64(v->lit, &id) || id == 0 || id > 999999999)
			return eid_none;
		e.v[e.n++] = (uint32_t)id;
	}
	return e;
}

static eidset sel_eids(const sg_sel *sel)
{
	eidset acc = eid_none;
	for (uint32_t m = 0; m < sel->n; m++) {
		eidset map = eid_none;
		for (uint32_t k = 0; k < sel->maps[m].n; k++)
			map = eid_and(map, item_eids(&sel->maps[m].items[k]));
		acc = m == 0 ? map : eid_union(acc, map);
	}
	return acc;
}

static eidset cond_eids(const sg_rule *r, const sg_cond *c)
{
	switch (c->op) {
	case SG_C_SEL: return sel_eids(&r->sels[c->sel]);
	case SG_C_AND: return eid_and(cond_eids(r, c->a), cond_eids(r, c->b));
	case SG_C_OR: return eid_union(cond_eids(r, c->a), cond_eids(r, c->b));
	case SG_C_NOT: return eid_none;
	default: {
		eidset acc = sel_eids(&r->sels[c->sels[0]]);
		for (uint32_t i = 1; i < c->nsels; i++)
			acc = c->op == SG_C_ALL ? eid_and(acc, sel_eids(&r->sels[c->sels[i]]))
			                        : eid_union(acc, sel_eids(&r->sels[c->sels[i]]));
		return acc;
	}
	}
}

/* The EventIDs to place r under for source src (plus 0), or none: only for
 * sources of channels without their own EventIDs that keep EventID's name. */
static eidset src_eids(const sg_rule *r, const sg_src *src)
{
	if (src->kind >= 0 || !src->nchannels || src->neids)
		return eid_none;
	for (uint32_t i = 0; i < src->nrenames; i++)
		if (ug_sv_eq(src->renames[i].from, UG_SV("EventID")))
			return eid_none;
	eidset e = cond_eids(r, r->cond);
	return e.none ? e : eid_union(e, (eidset){.v = {0}, .n = 1});
}

/* ---- buckets ---- */

static bucket *bucket_for(sg_prefilter *pf, ug_sv key)
{
	ug_map_entry *e = ug_map_upsert(&pf->keys, key, &(bool){false});
	if (!e)
		return NULL;
	if (!e->value) {
		bucket *b = sg_grow(pf->b, &pf->cap, pf->nb + 1, sizeof(*b));
		if (!b)
			return NULL;
		pf->b = b;
		memset(&pf->b[pf->nb], 0, sizeof(bucket));
		e->value = (void *)(uintptr_t)(++pf->nb);
	}
	return &pf->b[(uintptr_t)e->value - 1];
}

#define KEY_SEP '\x1f' /* between a channel and its EventID in a bucket key */

static void key_of(ug_buf *k, ug_sv channel, int64_t eid, int kind)
{
	char num[24];
	size_t n = 0;
	ug_buf_clear(k);
	ug_buf_reserve(k, channel.n + 24);
	if (kind >= 0) {
		ug_buf_puts(k, "k:");
		eid = kind;
	} else {
		for (size_t i = 0; i < channel.n; i++)
			ug_buf_putc(k, ug_ascii_lower(channel.p[i]));
		ug_buf_putc(k, KEY_SEP);
	}
	if (eid < 0) {
		ug_buf_putc(k, '*');
		return;
	}
	do /* digits by hand: this runs for every event */
		num[n++] = (char)('0' + eid % 10);
	while ((eid /= 10) > 0);
	while (n)
		ug_buf_putc(k, num[--n]);
}

static int add_always(bucket *b, uint32_t rule)
{
	for (size_t i = 0; i < b->nalways; i++)
		if (b->always[i] == rule)
			return UG_OK;
	uint32_t *v = sg_grow(b->always, &b->acap, b->nalways + 1, sizeof(*v));
	if (!v)
		return UG_ERR_NOMEM;
	b->always = v;
	v[b->nalways++] = rule;
	return UG_OK;
}

/* Gate rule by literal set l, whose slots are renamed through src (NULL:
 * already renamed). */
static int add_gated(bucket *b, uint32_t rule, const lits *l, const sg_src *src)
{
	size_t cap = b->lcap;
	uint32_t *r = sg_grow(b->lrules, &cap, b->nl + 1, sizeof(*r));
	if (!r)
		return UG_ERR_NOMEM;
	b->lrules = r;
	cap = b->lcap;
	lits *s = sg_grow(b->lsets, &cap, b->nl + 1, sizeof(*s));
	if (!s)
		return UG_ERR_NOMEM;
	b->lsets = s;
	b->lcap = cap;
	b->lrules[b->nl] = rule;
	b->lsets[b->nl] = (lits){0};
	for (size_t i = 0; i < l->n; i++) {
		lit x = l->v[i];
		if (x.slot != SG_NO_SLOT && src)
			x.slot = sg_slot_renamed(src, x.slot);
		if (!lits_add(&b->lsets[b->nl], x))
			return UG_ERR_NOMEM;
	}
	b->nl++;
	return UG_OK;
}

static int bucket_add(bucket *b, uint32_t rule, const lits *l, const sg_src *src)
{
	return l->none ? add_always(b, rule) : add_gated(b, rule, l, src);
}

static int place_rule(sg_prefilter *pf, uint32_t idx, const sg_rule *r, const lits *l)
{
	ug_buf k = UG_BUF_INIT;
	int rc = UG_OK;
	for (uint32_t i = 0; i < r->nsrcs && rc == UG_OK; i++) {
		const sg_src *s = &r->srcs[i];
		if (s->kind >= 0 || !s->nchannels) {
			key_of(&k, UG_SV("*"), -1, s->kind);
			bucket *b = bucket_for(pf, ug_buf_sv(&k));
			rc = b ? bucket_add(b, idx, l, s) : UG_ERR_NOMEM;
			continue;
		}
		eidset need = src_eids(r, s);
		const uint32_t *ids = need.none ? s->eids : need.v;
		uint32_t nids = need.none ? s->neids : need.n;
		for (uint32_t c = 0; c < s->nchannels && rc == UG_OK; c++) {
			for (uint32_t e = 0; e < (nids ? nids : 1) && rc == UG_OK; e++) {
				key_of(&k, s->channels[c], nids ? (int64_t)ids[e] : -1, -1);
				bucket *b = bucket_for(pf, ug_buf_sv(&k));
				rc = b ? bucket_add(b, idx, l, s) : UG_ERR_NOMEM;
			}
		}
	}
	ug_buf_free(&k);
	return rc;
}

/* Every channel + EventID bucket takes in the rules of its channel's
 * catch-all bucket (channel, any EventID), so that an event with such a
 * bucket scans once, not twice (find_buckets then skips the catch-all).
 * Rules in both are candidates at most once (add_cand). */
static int merge_catchalls(sg_prefilter *pf)
{
	size_t it = 0;
	ug_map_entry *e;
	ug_buf k = UG_BUF_INIT;
	int rc = UG_OK;
	while (rc == UG_OK && (e = ug_map_next(&pf->keys, &it))) {
		size_t sep = ug_sv_rfind_char(e->key, KEY_SEP);
		if (sep == SIZE_MAX || ug_sv_eq(ug_sv_make(e->key.p + sep + 1, e->key.n - sep - 1), UG_SV("*")))
			continue;
		ug_buf_clear(&k);
		ug_buf_append_sv(&k, ug_sv_make(e->key.p, sep + 1));
		ug_buf_putc(&k, '*');
		bucket *b = &pf->b[(uintptr_t)e->value - 1];
		b->merged = true;
		const void *ci = ug_map_get(&pf->keys, ug_buf_sv(&k));
		if (!ci)
			continue;
		const bucket *all = &pf->b[(uintptr_t)ci - 1];
		for (size_t i = 0; i < all->nalways && rc == UG_OK; i++)
			rc = add_always(b, all->always[i]);
		for (size_t i = 0; i < all->nl && rc == UG_OK; i++)
			rc = add_gated(b, all->lrules[i], &all->lsets[i], NULL);
	}
	if (k.oom)
		rc = UG_ERR_NOMEM;
	ug_buf_free(&k);
	return rc;
}

/* The distinct (renamed) slots of b's field literals: only the values they
 * resolve to on an event are scanned. */
static int bucket_slots(bucket *b)
{
	for (size_t i = 0; i < b->nl; i++)
		for (size_t j = 0; j < b->lsets[i].n; j++) {
			uint32_t slot = b->lsets[i].v[j].slot;
			size_t k = 0;
			while (k < b->nfslots && b->fslots[k] != slot)
				k++;
			if (slot == SG_NO_SLOT || k < b->nfslots)
				continue;
			uint32_t *v = sg_grow(b->fslots, &b->fcap, b->nfslots + 1, sizeof(*v));
			if (!v)
				return UG_ERR_NOMEM;
			b->fslots = v;
			v[b->nfslots++] = slot;
		}
	return UG_OK;
}

/* The distinct strings of one kind of literal of a bucket (field-confined
 * when keywords is false, keyword literals when true) get ids (caseless:
 * Vectorscan matches them so); every (string, rule) pair records its id. */
typedef struct lit_table {
	const char **exprs;
	size_t *lens;
	unsigned *ids;
	uint32_t *pair_lit;  /* per pair of that kind, in lsets order */
	size_t nlit, np;
} lit_table;

static void lit_table_free(lit_table *t)
{
	free(t->exprs);
	free(t->lens);
	free(t->ids);
	free(t->pair_lit);
}

static bool kind_of(const lit *x, bool keywords) { return (x->slot == SG_NO_SLOT) == keywords; }

static int lit_table_fill(const bucket *b, bool keywords, lit_table *t)
{
	size_t total = 0;
	for (size_t i = 0; i < b->nl; i++)
		total += b->lsets[i].n;
	t->exprs = calloc(total + 1, sizeof(char *));
	t->lens = calloc(total + 1, sizeof(size_t));
	t->ids = calloc(total + 1, sizeof(unsigned));
	t->pair_lit = calloc(total + 1, sizeof(uint32_t));
	if (!t->exprs || !t->lens || !t->ids || !t->pair_lit)
		return UG_ERR_NOMEM;
	ug_map ids;
	ug_map_init(&ids, true);
	int rc = UG_OK;
	for (size_t i = 0; i < b->nl && rc == UG_OK; i++) {
		for (size_t j = 0; j < b->lsets[i].n; j++) {
			if (!kind_of(&b->lsets[i].v[j], keywords))
				continue;
			ug_sv str = b->lsets[i].v[j].s;
			bool created = false;
			ug_map_entry *e = ug_map_upsert(&ids, str, &created);
			if (!e) {
				rc = UG_ERR_NOMEM;
				break;
			}
			if (created) {
				e->value = (void *)(uintptr_t)(t->nlit + 1);
				t->exprs[t->nlit] = str.p;
				t->lens[t->nlit] = str.n;
				t->ids[t->nlit] = (unsigned)t->nlit;
				t->nlit++;
			}
			t->pair_lit[t->np++] = (uint32_t)((uintptr_t)e->value - 1);
		}
	}
	ug_map_free(&ids);
	return rc;
}

/* CSR literal id -> pairs, and each literal's length. */
static int litdb_pairs(litdb *d, const bucket *b, bool keywords, const lit_table *t)
{
	d->lit_off = calloc(t->nlit + 2, sizeof(uint32_t));
	d->lit_pairs = calloc(t->np + 1, sizeof(lpair));
	d->lit_len = calloc(t->nlit + 1, sizeof(uint32_t));
	uint32_t *fill = calloc(t->nlit + 1, sizeof(uint32_t));
	if (!d->lit_off || !d->lit_pairs || !d->lit_len || !fill) {
		free(fill);
		return UG_ERR_NOMEM;
	}
	for (size_t i = 0; i < t->nlit; i++)
		d->lit_len[i] = (uint32_t)t->lens[i];
	for (size_t i = 0; i < t->np; i++)
		d->lit_off[t->pair_lit[i] + 1]++;
	for (size_t i = 0; i < t->nlit; i++)
		d->lit_off[i + 1] += d->lit_off[i];
	size_t p = 0;
	for (size_t i = 0; i < b->nl; i++)
		for (size_t j = 0; j < b->lsets[i].n; j++) {
			const lit *x = &b->lsets[i].v[j];
			if (!kind_of(x, keywords))
				continue;
			uint32_t id = t->pair_lit[p++];
			d->lit_pairs[d->lit_off[id] + fill[id]++] = (lpair){b->lrules[i], x->slot, x->anchor};
		}
	free(fill);
	return UG_OK;
}

/* The database of a literal table; buckets with the same strings in the same
 * order (one rule set under Sysmon 1 and Security 4688) share one, compiled
 * once (pf->dbs owns them). Every occurrence is reported (no single-match):
 * an occurrence counts only in the right field, which need not be the first.
 * (Block mode over a copy of the values: vectored mode costs far more per
 * value than the copy.) */
static int litdb_compile(sg_prefilter *pf, litdb *d, const lit_table *t, ug_error *err)
{
	ug_buf key = UG_BUF_INIT;
	for (size_t i = 0; i < t->nlit; i++) {
		uint32_t n = (uint32_t)t->lens[i];
		ug_buf_append(&key, &n, sizeof(n));
		ug_buf_append(&key, t->exprs[i], n);
	}
	if (key.oom) {
		ug_buf_free(&key);
		return UG_ERR_NOMEM;
	}
	ug_map_entry *e = ug_map_upsert(&pf->db_keys, ug_buf_sv(&key), &(bool){false});
	ug_buf_free(&key);
	if (!e)
		return UG_ERR_NOMEM;
	if (e->value) {
		d->db = e->value;
		return UG_OK;
	}
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers grows by a pointer */
	hs_database_t **dbs = sg_grow(pf->dbs, &pf->dbcap, pf->ndbs + 1, sizeof(*dbs));
	unsigned *flags = calloc(t->nlit + 1, sizeof(unsigned));
	if (!dbs || !flags) {
		free(flags);
		return UG_ERR_NOMEM;
	}
	pf->dbs = dbs;
	for (size_t i = 0; i < t->nlit; i++)
		flags[i] = HS_FLAG_CASELESS;
	hs_compile_error_t *ce = NULL;
	int rc = UG_OK;
	if (hs_compile_lit_multi(t->exprs, flags, t->ids, t->lens, (unsigned)t->nlit, HS_MODE_BLOCK, NULL,
	                         &d->db, &ce) != HS_SUCCESS) {
		rc = ug_error_set(err, UG_ERR_INVALID, "Vectorscan: %s", ce ? ce->message : "compile failed");
		hs_free_compile_error(ce);
		d->db = NULL;
	} else {
		pf->dbs[pf->ndbs++] = d->db;
		e->value = d->db;
	}
	free(flags);
	return rc;
}

static int litdb_build(sg_prefilter *pf, litdb *d, const bucket *b, bool keywords, ug_error *err)
{
	lit_table t = {0};
	int rc = lit_table_fill(b, keywords, &t);
	if (rc == UG_OK && t.nlit)
		rc = litdb_pairs(d, b, keywords, &t);
	if (rc == UG_OK && t.nlit)
		rc = litdb_compile(pf, d, &t, err);
	lit_table_free(&t);
	return rc;
}

static void litdb_free(litdb *d)
{
	free(d->lit_off);
	free(d->lit_pairs);
	free(d->lit_len);
}

static int bucket_compile(sg_prefilter *pf, bucket *b, ug_error *err)
{
	if (!b->nl)
		return UG_OK;
	int rc = bucket_slots(b);
	if (rc == UG_OK)
		rc = litdb_build(pf, &b->fields, b, false, err);
	if (rc == UG_OK)
		rc = litdb_build(pf, &b->any, b, true, err);
	return rc;
}

static void debug_buckets(const ug_sigma *s)
{
	const sg_prefilter *pf = s->pf;
	const char *dbg = getenv("UG_SIGMA_DEBUG");
	bool lists = dbg && dbg[0] == '2';
	size_t it = 0;
	ug_map_entry *e;
	while ((e = ug_map_next(&pf->keys, &it))) {
		const bucket *b = &pf->b[(uintptr_t)e->value - 1];
		size_t named = 0;
		for (size_t i = 0; i < b->nfslots; i++)
			named += s->slots[b->fslots[i]].canon == UG_F_NONE;
		fprintf(stderr, "bucket %.*s: %zu always, %zu gated, %zu fields (%zu by name)%s%s\n",
		        UG_SV_ARG(e->key), b->nalways, b->nl, b->nfslots, named, b->any.db ? ", keywords" : "",
		        b->merged ? ", with its channel's catch-all" : "");
		if (lists)
			for (size_t i = 0; i < b->nalways; i++)
				fprintf(stderr, "  always: %s\n", s->rules[b->always[i]]->pub.path);
	}
	fprintf(stderr, "%zu buckets, %zu distinct Vectorscan databases\n", pf->nb, pf->ndbs);
}

int sg_prefilter_build(ug_sigma *s, ug_error *err)
{
	sg_prefilter *pf = calloc(1, sizeof(*pf));
	if (!pf)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	ug_map_init(&pf->keys, false);
	ug_map_init(&pf->db_keys, false);
	pf->nrules = (uint32_t)s->nrules;
	s->pf = pf;
	int rc = UG_OK;
	for (size_t i = 0; i < s->nrules && rc == UG_OK; i++) {
		const sg_rule *r = s->rules[i];
		if (r->kind != SG_R_DETECT || !r->nsrcs)
			continue;
		lits l = cond_lits(&s->arena, r, r->cond);
		rc = place_rule(pf, (uint32_t)i, r, &l);
		lits_free(&l);
	}
	if (rc == UG_OK)
		rc = merge_catchalls(pf);
	for (size_t i = 0; i < pf->nb && rc == UG_OK; i++)
		rc = bucket_compile(pf, &pf->b[i], err);
	s->debug = getenv("UG_SIGMA_DEBUG") != NULL;
	s->check = getenv("UG_SIGMA_CHECK") != NULL;
	if (s->debug && rc == UG_OK)
		debug_buckets(s);
	if (rc == UG_ERR_NOMEM)
		ug_error_set(err, rc, "out of memory");
	return rc;
}

void sg_prefilter_free(sg_prefilter *pf)
{
	if (!pf)
		return;
	for (size_t i = 0; i < pf->nb; i++) {
		bucket *b = &pf->b[i];
		free(b->always);
		free(b->lrules);
		for (size_t j = 0; j < b->nl; j++)
			lits_free(&b->lsets[j]);
		free(b->lsets);
		free(b->fslots);
		litdb_free(&b->fields);
		litdb_free(&b->any);
	}
	for (size_t i = 0; i < pf->ndbs; i++)
		hs_free_database(pf->dbs[i]);
	free(pf->dbs);
	free(pf->b);
	ug_map_free(&pf->keys);
	ug_map_free(&pf->db_keys);
	free(pf);
}

int sg_prefilter_scratch(const sg_prefilter *pf, void **hs_scratch)
{
	hs_scratch_t *sc = NULL;
	for (size_t i = 0; pf && i < pf->ndbs; i++)
		if (hs_alloc_scratch(pf->dbs[i], &sc) != HS_SUCCESS) {
			hs_free_scratch(sc);
			return UG_ERR_NOMEM;
		}
	*hs_scratch = sc;
	return UG_OK;
}

void sg_prefilter_scratch_free(void *hs_scratch) { hs_free_scratch(hs_scratch); }

/* ---- per event ---- */

static void add_cand(ug_sigma_scratch *sc, uint32_t rule)
{
	if (sc->stamp[rule] == sc->cur)
		return;
	sc->stamp[rule] = sc->cur;
	sc->cand[sc->ncand++] = rule; /* ccap >= nrules: each rule at most once */
}

typedef struct scan_ctx {
	ug_sigma_scratch *sc;
	const litdb *d;
} scan_ctx;

/* The value (segment of the scanned text) holding offset at, NULL for a
 * separator. Segments are in text order. */
static const struct sg_seg *seg_at(const ug_sigma_scratch *sc, size_t at)
{
	size_t lo = 0, hi = sc->nsegs;
	while (lo < hi) { /* first segment ending after at */
		size_t mid = (lo + hi) / 2;
		if (sc->segs[mid].end <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sc->nsegs && sc->segs[lo].start <= at ? &sc->segs[lo] : NULL;
}

/* Does an occurrence [start, end) in segment g count for pair p? */
static bool pair_ok(ug_sigma_scratch *sc, const lpair *p, const struct sg_seg *g, size_t start, size_t end)
{
	if ((p->anchor & A_START) && start != g->start)
		return false;
	if ((p->anchor & A_END) && end != g->end)
		return false;
	return p->slot == SG_NO_SLOT || sg_slot_index(&sc->e, p->slot) == g->field + 1;
}

static int on_literal(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
	(void)from;
	(void)flags;
	scan_ctx *c = ctx;
	ug_sigma_scratch *sc = c->sc;
	size_t end = (size_t)to, start = end - c->d->lit_len[id];
	const struct sg_seg *g = seg_at(sc, start);
	sc->st.lit_hits++;
	if (!g || end > g->end)
		return 0; /* across two values: no rule needs that */
	sc->st.pairs += c->d->lit_off[id + 1] - c->d->lit_off[id];
	for (uint32_t i = c->d->lit_off[id]; i < c->d->lit_off[id + 1]; i++) {
		const lpair *p = &c->d->lit_pairs[i];
		if (sc->stamp[p->rule] != sc->cur && pair_ok(sc, p, g, start, end))
			add_cand(sc, p->rule);
	}
	return 0;
}

/* Room for n values in the scratch's segments; false when out of memory. */
static bool seg_room(ug_sigma_scratch *sc, size_t n)
{
	struct sg_seg *segs = sg_grow(sc->segs, &sc->seg_cap, n, sizeof(*segs));
	if (segs)
		sc->segs = segs;
	return segs != NULL;
}

/* memcpy for the short values most fields hold, without a call: overlapping
 * word copies that read and write only [src, src + n), [dst, dst + n). */
static inline void copy_value(char *dst, const char *src, size_t n)
{
	if (n > 16) {
		memcpy(dst, src, n);
	} else if (n >= 8) {
		uint64_t a, b;
		memcpy(&a, src, 8);
		memcpy(&b, src + n - 8, 8);
		memcpy(dst, &a, 8);
		memcpy(dst + n - 8, &b, 8);
	} else if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, src, 4);
		memcpy(&b, src + n - 4, 4);
		memcpy(dst, &a, 4);
		memcpy(dst + n - 4, &b, 4);
	} else {
		for (size_t i = 0; i < n; i++)
			dst[i] = src[i];
	}
}

/* The text: the values of the sc->nsegs fields listed in sc->segs[].field
 * (empty ones already left out), each followed by '\n' so that no
 * occurrence spans two values unnoticed (on_literal drops those); their
 * offsets go into the segments. False when out of memory. */
static bool build_text(ug_sigma_scratch *sc, const ug_event *ev)
{
	size_t total = 0;
	for (size_t i = 0; i < sc->nsegs; i++)
		total += ev->fields[sc->segs[i].field].value.n + 1;
	ug_buf_clear(&sc->text);
	if (!ug_buf_reserve(&sc->text, total + 1))
		return false;
	char *out = sc->text.p;
	uint32_t at = 0;
	for (size_t i = 0; i < sc->nsegs; i++) {
		ug_sv v = ev->fields[sc->segs[i].field].value;
		copy_value(out + at, v.p, v.n);
		sc->segs[i].start = at;
		at += (uint32_t)v.n;
		sc->segs[i].end = at;
		out[at++] = '\n';
	}
	sc->text.len = at;
	return true;
}

static void scan(ug_sigma_scratch *sc, const litdb *d)
{
	sc->st.text_bytes += sc->text.len;
	sc->st.segs += sc->nsegs;
	if (!sc->nsegs)
		return;
	scan_ctx c = {sc, d};
	hs_scan(d->db, sc->text.p, (unsigned)sc->text.len, 0, sc->hs, on_literal, &c);
}

/* Field literals: the values b's literal slots resolve to on this event,
 * each once (several slots may resolve to one field). */
static bool scan_fields(ug_sigma_scratch *sc, const bucket *b, const ug_event *ev)
{
	if (!seg_room(sc, b->nfslots + 1))
		return false;
	if (sc->fmark_cap < ev->nfields) {
		free(sc->fmark);
		sc->fmark = calloc(ev->nfields, sizeof(*sc->fmark));
		sc->fmark_cap = sc->fmark ? ev->nfields : 0;
		sc->fcur = 0;
		if (!sc->fmark)
			return false;
	}
	if (++sc->fcur == 0) { /* wrap-around: forget the marks */
		memset(sc->fmark, 0, sc->fmark_cap * sizeof(*sc->fmark));
		sc->fcur = 1;
	}
	sc->nsegs = 0;
	for (size_t i = 0; i < b->nfslots; i++) {
		uint32_t at = sg_slot_index(&sc->e, b->fslots[i]);
		if (!at || sc->fmark[at - 1] == sc->fcur || !ev->fields[at - 1].value.n)
			continue; /* absent, already listed, or empty (no literal is) */
		sc->fmark[at - 1] = sc->fcur;
		sc->segs[sc->nsegs++].field = at - 1;
	}
	if (!build_text(sc, ev))
		return false;
	scan(sc, &b->fields);
	return true;
}

/* Keyword literals: every value. */
static bool scan_all(ug_sigma_scratch *sc, const bucket *b, const ug_event *ev)
{
	if (!seg_room(sc, ev->nfields + 1))
		return false;
	sc->nsegs = 0;
	for (uint32_t i = 0; i < ev->nfields; i++)
		if (ev->fields[i].value.n)
			sc->segs[sc->nsegs++].field = i;
	if (!build_text(sc, ev))
		return false;
	scan(sc, &b->any);
	return true;
}

static void use_bucket(ug_sigma_scratch *sc, const bucket *b, const ug_event *ev)
{
	for (size_t i = 0; i < b->nalways; i++)
		add_cand(sc, b->always[i]);
	sc->st.buckets++;
	sc->st.always += b->nalways;
	if ((b->fields.db && !scan_fields(sc, b, ev)) || (b->any.db && !scan_all(sc, b, ev)))
		for (size_t i = 0; i < b->nl; i++) /* out of memory: every gated rule is a candidate */
			add_cand(sc, b->lrules[i]);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The buckets that apply to ev: its channel and EventID (which holds the
 * channel's catch-all rules too, merge_catchalls) or else its channel, its
 * kind, and the one for rules of any source. */
static void find_buckets(const sg_prefilter *pf, ug_sigma_scratch *sc, const ug_event *ev, struct sg_bcache *c)
{
	ug_buf *k = &sc->key;
	bool merged = false;
	for (int pass = 0; pass < 4; pass++) {
		if (pass < 2 && !ev->channel.n)
			continue;
		if (pass == 1 && merged)
			continue;
		if (pass == 0)
			key_of(k, ev->channel, ev->event_id, -1);
		else if (pass == 1)
			key_of(k, ev->channel, -1, -1);
		else if (pass == 2)
			key_of(k, UG_SV("*"), -1, (int)ev->kind);
		else
			key_of(k, UG_SV("*"), -1, -1);
		const void *bi = ug_map_get(&pf->keys, ug_buf_sv(k));
		if (!bi)
			continue;
		c->b[c->nb++] = (int32_t)((uintptr_t)bi - 1);
		merged = pass == 0 && pf->b[(uintptr_t)bi - 1].merged;
	}
}

size_t sg_prefilter_candidates(const ug_sigma *s, ug_sigma_scratch *sc, const ug_event *ev,
                               const uint32_t **rules)
{
	const sg_prefilter *pf = s->pf;
	sc->ncand = 0; /* sc->cur is this event's stamp (ug_sigma_match) */
	struct sg_bcache *c = NULL;
	bool cacheable = ev->channel.n <= sizeof(c->ch);
	for (size_t i = 0; cacheable && i < UG_ARRAY_LEN(sc->bcache); i++) {
		struct sg_bcache *e = &sc->bcache[i];
		if (e->used && e->n == ev->channel.n && e->eid == ev->event_id && e->kind == (int)ev->kind &&
		    (!e->n || memcmp(e->ch, ev->channel.p, e->n) == 0)) {
			c = e;
			break;
		}
	}
	if (!c) {
		c = &sc->bcache[sc->bnext++ % UG_ARRAY_LEN(sc->bcache)];
		c->used = false;
		c->nb = 0;
		find_buckets(pf, sc, ev, c);
		if (cacheable) {
			if (ev->channel.n) /* proxy and Zeek events have no channel (NULL view) */
				memcpy(c->ch, ev->channel.p, ev->channel.n);
			c->n = (uint8_t)ev->channel.n;
			c->eid = ev->event_id;
			c->kind = (int)ev->kind;
			c->used = true;
		}
	}
	for (uint8_t i = 0; i < c->nb; i++)
		use_bucket(sc, &pf->b[c->b[i]], ev);
	if (sc->ncand > 64)
		qsort(sc->cand, sc->ncand, sizeof(uint32_t), cmp_u32);
	else /* a few dozen at most, nearly always: insertion sort */
		for (size_t i = 1; i < sc->ncand; i++) {
			uint32_t x = sc->cand[i];
			size_t j = i;
			for (; j > 0 && sc->cand[j - 1] > x; j--)
				sc->cand[j] = sc->cand[j - 1];
			sc->cand[j] = x;
		}
	*rules = sc->cand;
	return sc->ncand;
}
