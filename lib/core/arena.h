/* arena.h — bump allocator for many small objects freed together.
 *
 * Memory comes from a chain of blocks; ug_arena_alloc never moves earlier
 * allocations, so pointers stay valid until ug_arena_reset/ug_arena_free.
 * Not thread-safe: one arena per thread or per owner.
 */
#ifndef UG_CORE_ARENA_H
#define UG_CORE_ARENA_H

#include "updguard/common.h"

typedef struct ug_arena_block ug_arena_block;

typedef struct ug_arena {
	ug_arena_block *head;  /* current block (newest) */
	size_t block_size;     /* default size of new blocks */
	size_t used_total;     /* bytes handed out since init/reset */
} ug_arena;

/* block_size 0 selects 64 KiB. */
void ug_arena_init(ug_arena *a, size_t block_size);
/* 16-byte aligned; NULL only when out of memory. size 0 returns a valid pointer. */
void *ug_arena_alloc(ug_arena *a, size_t size);
void *ug_arena_calloc(ug_arena *a, size_t count, size_t size);
/* Copy of s with a terminating NUL; the view returned excludes the NUL. */
ug_sv ug_arena_dup(ug_arena *a, ug_sv s);
char *ug_arena_strdup(ug_arena *a, const char *s);
/* Forget all allocations but keep the first block for reuse. */
void ug_arena_reset(ug_arena *a);
void ug_arena_free(ug_arena *a);

#endif
