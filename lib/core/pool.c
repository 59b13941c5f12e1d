/* pool.c — fixed thread pool with a bounded ring of tasks; see pool.h.
 * Invariant (under mu): 0 <= queued <= cap; pending = queued + running. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "core/pool.h"

typedef struct pool_task {
	ug_task_fn fn;
	void *arg;
} pool_task;

struct ug_pool {
	pthread_mutex_t mu;
	pthread_cond_t not_empty; /* workers wait for tasks */
	pthread_cond_t not_full;  /* producers wait for room */
	pthread_cond_t idle;      /* ug_pool_wait waits for pending == 0 */
	pool_task *ring;
	size_t cap, head, queued, pending;
	bool stopping;
	int nthreads;
	pthread_t *threads;
};

static void *pool_worker(void *arg)
{
	ug_pool *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->queued && !p->stopping)
			pthread_cond_wait(&p->not_empty, &p->mu);
		if (!p->queued && p->stopping)
			break;
		pool_task t = p->ring[p->head];
		p->head = (p->head + 1) % p->cap;
		p->queued--;
		pthread_cond_signal(&p->not_full);
		pthread_mutex_unlock(&p->mu);
		t.fn(t.arg);
		pthread_mutex_lock(&p->mu);
		if (--p->pending == 0)
			pthread_cond_broadcast(&p->idle);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int ug_pool_create(ug_pool **out, int nthreads, size_t max_queued)
{
	*out = NULL;
	ug_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return UG_ERR_NOMEM;
	p->nthreads = nthreads < 0 ? 0 : nthreads > 64 ? 64 : nthreads;
	if (p->nthreads <= 1) {
		p->nthreads = 0; /* inline mode */
		*out = p;
		return UG_OK;
	}
	p->cap = max_queued ? max_queued : (size_t)p->nthreads * 4;
	p->ring = calloc(p->cap, sizeof(*p->ring));
	p->threads = calloc((size_t)p->nthreads, sizeof(*p->threads));
	if (!p->ring || !p->threads) {
		free(p->ring);
		free(p->threads);
		free(p);
		return UG_ERR_NOMEM;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->not_empty, NULL);
	pthread_cond_init(&p->not_full, NULL);
	pthread_cond_init(&p->idle, NULL);
	for (int i = 0; i < p->nthreads; i++) {
		if (pthread_create(&p->threads[i], NULL, pool_worker, p) != 0) {
			p->nthreads = i; /* keep the ones that started */
			break;
		}
	}
	*out = p;
	return UG_OK;
}

int ug_pool_threads(const ug_pool *p)
{
	return p->nthreads ? p->nthreads : 1;
}

int ug_pool_submit(ug_pool *p, ug_task_fn fn, void *arg)
{
	if (!p->nthreads) {
		fn(arg);
		return UG_OK;
	}
	pthread_mutex_lock(&p->mu);
	while (p->queued == p->cap)
		pthread_cond_wait(&p->not_full, &p->mu);
	p->ring[(p->head + p->queued) % p->cap] = (pool_task){fn, arg};
	p->queued++;
	p->pending++;
	pthread_cond_signal(&p->not_empty);
	pthread_mutex_unlock(&p->mu);
	return UG_OK;
}

void ug_pool_wait(ug_pool *p)
{
	if (!p->nthreads)
		return;
	pthread_mutex_lock(&p->mu);
	while (p->pending)
		pthread_cond_wait(&p->idle, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

void ug_pool_destroy(ug_pool *p)
{
	if (!p)
		return;
	if (p->nthreads) {
		ug_pool_wait(p);
		pthread_mutex_lock(&p->mu);
		p->stopping = true;
		pthread_cond_broadcast(&p->not_empty);
		pthread_mutex_unlock(&p->mu);
		for (int i = 0; i < p->nthreads; i++)
			pthread_join(p->threads[i], NULL);
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->not_empty);
		pthread_cond_destroy(&p->not_full);
		pthread_cond_destroy(&p->idle);
	}
	free(p->ring);
	free(p->threads);
	free(p);
}

typedef struct pool_for_job {
	void (*fn)(size_t i, void *arg);
	void *arg;
	size_t n;
	atomic_size_t next;
} pool_for_job;

static void pool_for_worker(void *arg)
{
	pool_for_job *job = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&job->next, 1);
		if (i >= job->n)
			return;
		job->fn(i, job->arg);
	}
}

void ug_pool_for(ug_pool *p, size_t n, void (*fn)(size_t i, void *arg), void *arg)
{
	pool_for_job job = {fn, arg, n, 0};
	if (!p || !p->nthreads || n <= 1) {
		pool_for_worker(&job);
		return;
	}
	int workers = p->nthreads < (int)UG_MIN(n, 64) ? p->nthreads : (int)n;
	for (int w = 0; w < workers; w++)
		ug_pool_submit(p, pool_for_worker, &job);
	ug_pool_wait(p);
}
