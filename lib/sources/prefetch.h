/* prefetch.h — read(2) a regular file on a thread of its own, ahead of the
 * reader (prefetch.c). */
#ifndef UG_SOURCES_PREFETCH_H
#define UG_SOURCES_PREFETCH_H

#include <stddef.h>
#include <sys/types.h>

typedef struct ug_prefetch ug_prefetch;

/* Start reading fd from its current offset; 0, or -1 when no thread or
 * memory could be had (then read fd directly). */
int ug_prefetch_start(ug_prefetch **out, int fd);
/* As read(2): bytes copied (> 0), 0 at the end, -1 with errno after the bytes
 * before a failed read. Not thread-safe: one consumer. */
ssize_t ug_prefetch_read(ug_prefetch *p, void *buf, size_t n);
/* Stop the thread and free everything (at any point). */
void ug_prefetch_stop(ug_prefetch *p);

#endif
