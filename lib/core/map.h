/* map.h — hash map from string views to pointers (open addressing, linear probing).
 *
 * Keys are copied into the map's own arena, so callers may pass views into
 * buffers that go away. Optional ASCII case-insensitive keys. Insertion order
 * is not kept; iterate with ug_map_next. No removal: maps here grow with hosts,
 * fields and findings and are freed whole.
 * Invariant: count < cap * 3/4, cap a power of two, empty slot <=> key.p == NULL.
 */
#ifndef UG_CORE_MAP_H
#define UG_CORE_MAP_H

#include "core/arena.h"
#include "updguard/common.h"

typedef struct ug_map_entry {
	ug_sv key;
	uint64_t hash;
	void *value;
} ug_map_entry;

typedef struct ug_map {
	ug_map_entry *slots;
	size_t cap;
	size_t count;
	bool nocase;
	ug_arena keys;
} ug_map;

void ug_map_init(ug_map *m, bool nocase);
void ug_map_free(ug_map *m);
/* Value for key, or NULL when absent (store non-NULL values to tell them apart). */
void *ug_map_get(const ug_map *m, ug_sv key);
ug_map_entry *ug_map_find(const ug_map *m, ug_sv key);
/* Entry for key, inserted with value NULL when absent (*created set then).
 * NULL only on allocation failure. The pointer is valid until the next insert. */
ug_map_entry *ug_map_upsert(ug_map *m, ug_sv key, bool *created);
/* Insert or replace; UG_OK or UG_ERR_NOMEM. */
int ug_map_put(ug_map *m, ug_sv key, void *value);
/* Iterate: start with *it = 0; returns NULL at the end. */
ug_map_entry *ug_map_next(const ug_map *m, size_t *it);

#endif
