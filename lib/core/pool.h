/* pool.h — a small fixed thread pool with a bounded task queue.
 *
 * Bounded so that a producer reading a huge input blocks instead of queueing
 * the whole file in memory. With 1 thread (or 0), tasks run inline in
 * ug_pool_submit: single-threaded runs are plain and easy to debug.
 */
#ifndef UG_CORE_POOL_H
#define UG_CORE_POOL_H

#include "updguard/common.h"

typedef struct ug_pool ug_pool;
typedef void (*ug_task_fn)(void *arg);

/* nthreads workers (clamped to 0..64; <= 1 means inline), at most max_queued
 * waiting tasks (0 selects 4 per worker). */
int ug_pool_create(ug_pool **out, int nthreads, size_t max_queued);
/* Queue fn(arg); blocks while the queue is full. */
int ug_pool_submit(ug_pool *p, ug_task_fn fn, void *arg);
/* Block until every submitted task has finished. */
void ug_pool_wait(ug_pool *p);
/* Waits for outstanding tasks, stops the workers, frees. NULL is fine. */
void ug_pool_destroy(ug_pool *p);
int ug_pool_threads(const ug_pool *p);
/* Run fn(i, arg) for every i in [0, n), spread over the workers, and wait.
 * Indices are claimed dynamically, so uneven work balances out. */
void ug_pool_for(ug_pool *p, size_t n, void (*fn)(size_t i, void *arg), void *arg);

#endif
