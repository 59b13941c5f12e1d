/* evtx_share.c — compiled templates shared by the chunks of a block.
 *
 * Every chunk defines again the templates its records use, at its own
 * offsets, and names elements by chunk offsets; but a compiled template
 * (evtx_binxml.c: its ops) depends only on the definition's tokens, names
 * and texts. A definition's *key* is that content with each name offset
 * replaced by the name it points at; definitions with equal keys compile to
 * equal ops, so the first compilation in a block serves its later chunks
 * (and the field programs recorded on it with it, evtx_prog.c).
 *
 * The key walk makes exactly compile()'s checks: a definition whose key is
 * made would compile. Not shared (compiled per chunk as before): definitions
 * holding a template instance (their ops keep a chunk offset), names or
 * texts with a UTF-16 surrogate unit (decoding counts invalid ones against
 * the record that compiles them: #invalid_utf16), keys over EVTX_KEY_MAX.
 *
 * The table is the block's (evtx_ctx, from format.h's block_begin: the
 * machinery keeps the batch arena, where the compiled templates live, from
 * the block's first chunk to its last and as long as its events).
 */
#include <string.h>

#include "sources/evtx/evtx.h"

/* ---- keys ---- */

typedef struct keyw {
	evtx_ctx *c;
	uint32_t pos, end, n;
} keyw;

static inline bool put(keyw *k, const uint8_t *p, size_t n)
{
	if (n > EVTX_KEY_MAX - k->n)
		return false;
	memcpy(k->c->key + k->n, p, n);
	k->n += (uint32_t)n;
	return true;
}

static inline bool put1(keyw *k, uint8_t b)
{
	if (k->n == EVTX_KEY_MAX)
		return false;
	k->c->key[k->n++] = b;
	return true;
}

/* chars UTF-16 units at p, with their count; none may be a surrogate. */
static bool put_units(keyw *k, const uint8_t *p, uint32_t chars)
{
	uint32_t i = 0;
	for (; i + 4 <= chars; i += 4) { /* units under 0x8000: no surrogate */
		uint64_t w;
		memcpy(&w, p + 2 * (size_t)i, 8);
		if (w & UINT64_C(0x8000800080008000))
			break;
	}
	for (; i < chars; i++)
		if ((p[2 * i + 1] & 0xf8) == 0xd8)
			return false;
	uint8_t n[2] = {(uint8_t)chars, (uint8_t)(chars >> 8)};
	return put(k, n, 2) && put(k, p, 2 * (size_t)chars);
}

/* A name reference at pos, checked as read_name/name_at check it. */
static bool key_name(keyw *k)
{
	const evtx_ctx *c = k->c;
	if (k->pos + 4 > k->end)
		return false;
	uint32_t off = evtx_u32(c->chunk + k->pos);
	k->pos += 4;
	if (off < EVTX_RECORDS_START || (uint64_t)off + 8 > c->len)
		return false;
	uint32_t chars = evtx_u16(c->chunk + off + 6);
	uint32_t size = 8 + 2 * chars + 2;
	if ((uint64_t)off + size > c->len)
		return false;
	if (off == k->pos) { /* inline */
		if (k->pos + size > k->end)
			return false;
		k->pos += size;
	}
	return put_units(k, c->chunk + off + 8, chars);
}

/* chars(2) + UTF-16 at pos, checked as read_sized_text checks it. */
static bool key_text(keyw *k)
{
	if (k->pos + 2 > k->end)
		return false;
	uint32_t chars = evtx_u16(k->c->chunk + k->pos);
	if (k->pos + 2 + 2 * chars > k->end)
		return false;
	bool ok = put_units(k, k->c->chunk + k->pos + 2, chars);
	k->pos += 2 + 2 * chars;
	return ok;
}

/* The key of the tokens [pos, end) into c->key; its length, 0 when not
 * shareable (or not compilable). Mirrors compile_token() and link(). */
static uint32_t key_of(evtx_ctx *c, uint32_t pos, uint32_t end)
{
	if (end > c->len)
		return 0;
	keyw k = {c, pos, end, 0};
	const uint8_t *p = c->chunk;
	int depth = 0;    /* link(): open elements, at most EVTX_MAX_DEPTH * 4 */
	bool pi = false;  /* the last op is a PI target (PI data joins it) */
	while (k.pos < k.end) {
		uint8_t tok = p[k.pos++];
		if (!put1(&k, tok))
			return 0;
		bool ok = true, was_pi = pi;
		pi = false;
		switch (tok & 0xbf) {
		case 0x00:
			return k.n;
		case 0x01:
			if (k.pos + 6 > k.end)
				return 0;
			k.pos += 6;
			ok = key_name(&k);
			if (ok && (tok & 0x40)) {
				if (k.pos + 4 > k.end)
					return 0;
				k.pos += 4;
			}
			if (depth == EVTX_MAX_DEPTH * 4)
				return 0;
			depth++;
			break;
		case 0x02:
			break;
		case 0x03:
		case 0x04:
			depth -= depth > 0;
			break;
		case 0x05:
			if (k.pos + 1 > k.end || p[k.pos] != EVTX_T_STRING)
				return 0;
			k.pos++;
			ok = key_text(&k);
			break;
		case 0x06:
		case 0x09:
			ok = key_name(&k);
			break;
		case 0x0a:
			ok = key_name(&k);
			pi = true;
			break;
		case 0x07:
			ok = key_text(&k);
			break;
		case 0x0b:
			ok = key_text(&k) && was_pi;
			pi = true;
			break;
		case 0x08:
			if (k.pos + 2 > k.end)
				return 0;
			ok = put(&k, p + k.pos, 2);
			k.pos += 2;
			break;
		case 0x0d:
		case 0x0e:
			if ((tok & 0x40) || k.pos + 3 > k.end)
				return 0;
			ok = put(&k, p + k.pos, 3);
			k.pos += 3;
			break;
		case 0x0f: /* fragment header: no op */
			if ((tok & 0x40) || k.pos + 3 > k.end)
				return 0;
			k.pos += 3;
			pi = was_pi;
			break;
		default: /* 0x0c template instance (chunk offsets), unknown tokens */
			return 0;
		}
		if (!ok)
			return 0;
	}
	return 0; /* no end token */
}

/* ---- the table ----
 * Slots are found by the definition's template GUID, which Windows gives
 * equal templates (no hash of the whole key); a slot matches only when its
 * whole key equals the definition's. */

static uint64_t guid_hash(const uint8_t *g)
{
	uint64_t a, b;
	memcpy(&a, g, 8);
	memcpy(&b, g + 8, 8);
	uint64_t h = (a ^ (b * UINT64_C(0x9e3779b97f4a7c15))) * UINT64_C(0xff51afd7ed558ccd);
	return h ^ h >> 32;
}

evtx_tmpl *evtx_share_find(evtx_ctx *c, uint32_t def, uint32_t size, uint32_t *key_len)
{
	uint32_t n = c->slow ? 0 : key_of(c, def + 24, def + 24 + size);
	*key_len = n;
	if (!n)
		return NULL;
	const uint8_t *guid = c->chunk + def + 4;
	uint64_t h = guid_hash(guid);
	for (uint32_t k = 0; k < EVTX_SHARE_SLOTS; k++) {
		const evtx_share_slot *s = &c->shared[(h + k) & (EVTX_SHARE_SLOTS - 1)];
		if (!s->key)
			return NULL;
		if (s->hash == h && s->klen == n && memcmp(s->guid, guid, 16) == 0 &&
		    memcmp(s->key, c->key, n) == 0)
			return s->t;
	}
	return NULL;
}

void evtx_share_add(evtx_ctx *c, evtx_tmpl *t, uint32_t def, uint32_t key_len)
{
	if (c->nshared >= EVTX_SHARE_SLOTS / 4 * 3) /* full enough: later ones unshared */
		return;
	uint8_t *key = ug_arena_alloc(c->arena, key_len);
	if (!key)
		return;
	memcpy(key, c->key, key_len);
	const uint8_t *guid = c->chunk + def + 4;
	uint64_t h = guid_hash(guid);
	for (uint32_t k = 0; k < EVTX_SHARE_SLOTS; k++) {
		evtx_share_slot *s = &c->shared[(h + k) & (EVTX_SHARE_SLOTS - 1)];
		if (!s->key) {
			*s = (evtx_share_slot){.hash = h, .klen = key_len, .key = key, .t = t};
			memcpy(s->guid, guid, 16);
			c->nshared++;
			return;
		}
	}
}
