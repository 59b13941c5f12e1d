/* arena.c — bump allocator; see arena.h.
 * Invariant: head->used <= head->cap; older blocks are full or abandoned. */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

struct ug_arena_block {
	ug_arena_block *next; /* older block */
	size_t cap;
	size_t used;
	_Alignas(16) unsigned char data[];
};

#define ARENA_ALIGN 16u
#define ARENA_DEFAULT_BLOCK ((size_t)64 * 1024)

void ug_arena_init(ug_arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : ARENA_DEFAULT_BLOCK;
	a->used_total = 0;
}

static ug_arena_block *arena_new_block(ug_arena *a, size_t need)
{
	size_t cap = need > a->block_size ? need : a->block_size;
	if (cap > SIZE_MAX - sizeof(ug_arena_block))
		return NULL;
	ug_arena_block *b = malloc(sizeof(*b) + cap);
	if (!b)
		return NULL;
	b->cap = cap;
	b->used = 0;
	b->next = a->head;
	a->head = b;
	return b;
}

void *ug_arena_alloc(ug_arena *a, size_t size)
{
	if (size > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	ug_arena_block *b = a->head;
	if (!b || b->cap - b->used < rounded) {
		b = arena_new_block(a, rounded);
		if (!b)
			return NULL;
	}
	void *p = b->data + b->used;
	b->used += rounded;
	a->used_total += rounded;
	return p;
}

void *ug_arena_calloc(ug_arena *a, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	void *p = ug_arena_alloc(a, count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

ug_sv ug_arena_dup(ug_arena *a, ug_sv s)
{
	char *p = ug_arena_alloc(a, s.n + 1);
	if (!p)
		return UG_SV_NULL;
	if (s.n)
		memcpy(p, s.p, s.n);
	p[s.n] = '\0';
	return (ug_sv){p, s.n};
}

char *ug_arena_strdup(ug_arena *a, const char *s)
{
	return (char *)ug_arena_dup(a, (ug_sv){s, strlen(s)}).p;
}

void ug_arena_reset(ug_arena *a)
{
	ug_arena_block *b = a->head;
	if (!b)
		return;
	/* keep the oldest block (normally the one of block_size) */
	while (b->next) {
		ug_arena_block *next = b->next;
		free(b);
		b = next;
	}
	b->used = 0;
	a->head = b;
	a->used_total = 0;
}

void ug_arena_free(ug_arena *a)
{
	ug_arena_block *b = a->head;
	while (b) {
		ug_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->used_total = 0;
}
