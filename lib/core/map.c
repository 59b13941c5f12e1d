/* map.c — string-keyed open-addressing hash map; see map.h. */
#include <stdlib.h>

#include "core/map.h"
#include "core/str.h"

void ug_map_init(ug_map *m, bool nocase)
{
	m->slots = NULL;
	m->cap = 0;
	m->count = 0;
	m->nocase = nocase;
	ug_arena_init(&m->keys, (size_t)16 * 1024);
}

void ug_map_free(ug_map *m)
{
	free(m->slots);
	ug_arena_free(&m->keys);
	m->slots = NULL;
	m->cap = m->count = 0;
}

static uint64_t map_hash(const ug_map *m, ug_sv key)
{
	return m->nocase ? ug_hash_bytes_nocase(key.p, key.n) : ug_hash_bytes(key.p, key.n);
}

static bool map_key_eq(const ug_map *m, ug_sv a, ug_sv b)
{
	return m->nocase ? ug_sv_eq_nocase(a, b) : ug_sv_eq(a, b);
}

static ug_map_entry *map_probe(const ug_map *m, ug_sv key, uint64_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		ug_map_entry *e = &m->slots[i];
		if (!e->key.p || (e->hash == h && map_key_eq(m, e->key, key)))
			return e;
	}
}

static bool map_grow(ug_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 16;
	ug_map_entry *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return false;
	ug_map old = *m;
	m->slots = slots;
	m->cap = cap;
	for (size_t i = 0; i < old.cap; i++) {
		if (old.slots[i].key.p)
			*map_probe(m, old.slots[i].key, old.slots[i].hash) = old.slots[i];
	}
	free(old.slots);
	return true;
}

ug_map_entry *ug_map_find(const ug_map *m, ug_sv key)
{
	if (!m->count)
		return NULL;
	ug_map_entry *e = map_probe(m, key, map_hash(m, key));
	return e->key.p ? e : NULL;
}

void *ug_map_get(const ug_map *m, ug_sv key)
{
	ug_map_entry *e = ug_map_find(m, key);
	return e ? e->value : NULL;
}

ug_map_entry *ug_map_upsert(ug_map *m, ug_sv key, bool *created)
{
	if ((m->count + 1) * 4 > m->cap * 3 && !map_grow(m))
		return NULL;
	uint64_t h = map_hash(m, key);
	ug_map_entry *e = map_probe(m, key, h);
	if (created)
		*created = !e->key.p;
	if (!e->key.p) {
		ug_sv copy = ug_arena_dup(&m->keys, key);
		if (!copy.p)
			return NULL;
		e->key = copy;
		e->hash = h;
		e->value = NULL;
		m->count++;
	}
	return e;
}

int ug_map_put(ug_map *m, ug_sv key, void *value)
{
	ug_map_entry *e = ug_map_upsert(m, key, NULL);
	if (!e)
		return UG_ERR_NOMEM;
	e->value = value;
	return UG_OK;
}

ug_map_entry *ug_map_next(const ug_map *m, size_t *it)
{
	while (*it < m->cap) {
		ug_map_entry *e = &m->slots[(*it)++];
		if (e->key.p)
			return e;
	}
	return NULL;
}
