/* prefetch.c — read(2) on a thread of its own, ahead of the one that parses.
 *
 * The reader's consumer thread hands blocks to the parse workers and events
 * to the caller in order; it is the pipeline's one serial stage. Reading the
 * file there costs it the kernel's copy out of the page cache and, for logs
 * larger than the cache, the page cache's own upkeep (evicting, LRU): a third
 * of that thread's time on 27 GB of logs. Here one thread per open regular
 * file reads into a ring of slots, asks the kernel to fetch further ahead
 * (POSIX_FADV_WILLNEED), and the consumer only copies the bytes out.
 *
 * A file larger than half the machine's memory cannot stay in the page cache
 * between the hunt's two reads; keeping it there only costs the kernel's
 * copy and its eviction work (34 CPU-s of 207 on 41 GB of logs). Such a file
 * is read with O_DIRECT (the disk straight into the slots) where the file
 * system allows it, and buffered otherwise.
 *
 * Invariant: slot i is the thread's while !full[i], the consumer's while
 * full[i]; the consumer takes slots in ring order, as the thread fills them.
 */
#include "sources/prefetch.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SLOTS 4
#define SLOT_BYTES ((size_t)4 << 20)
#define ALIGN 4096 /* O_DIRECT: buffers, offsets and sizes */
/* The kernel is asked to fetch this far ahead of the thread's reads. */
#define AHEAD ((uint64_t)32 << 20)

struct ug_prefetch {
	int fd;
	bool direct;             /* O_DIRECT is on */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *buf[SLOTS];
	size_t len[SLOTS];
	int err[SLOTS];          /* errno of a failed read; the slot ends the input */
	bool full[SLOTS];
	bool eof[SLOTS];         /* nothing after this slot */
	bool stop;
	size_t take, pos;        /* consumer: current slot and offset in it */
	bool done;               /* consumer: reached the end */
	int failed;              /* consumer: a read error to report next */
};

/* Fill one slot: read until it is full, at the end, or on an error. */
static void fill(ug_prefetch *p, size_t i, uint64_t *at, uint64_t *ahead)
{
	size_t n = 0;
	p->err[i] = 0;
	p->eof[i] = false;
	while (n < SLOT_BYTES) {
		ssize_t r = read(p->fd, p->buf[i] + n, SLOT_BYTES - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EINVAL && p->direct) { /* not for this read: buffered from here */
			p->direct = false;
			fcntl(p->fd, F_SETFL, fcntl(p->fd, F_GETFL) & ~O_DIRECT);
			continue;
		}
		if (r < 0)
			p->err[i] = errno;
		if (r <= 0) {
			p->eof[i] = true;
			break;
		}
		n += (size_t)r;
	}
	p->len[i] = n;
	*at += n;
	if (!p->direct && *at + AHEAD / 2 > *ahead) {
		uint64_t from = *at > *ahead ? *at : *ahead;
		*ahead = *at + AHEAD;
		posix_fadvise(p->fd, (off_t)from, (off_t)(*ahead - from), POSIX_FADV_WILLNEED);
	}
}

static void *run(void *arg)
{
	ug_prefetch *p = arg;
	uint64_t at = (uint64_t)lseek(p->fd, 0, SEEK_CUR), ahead = 0;
	for (size_t i = 0;; i = (i + 1) % SLOTS) {
		pthread_mutex_lock(&p->mu);
		while (p->full[i] && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		bool stop = p->stop;
		pthread_mutex_unlock(&p->mu);
		if (stop)
			return NULL;
		fill(p, i, &at, &ahead);
		pthread_mutex_lock(&p->mu);
		p->full[i] = true;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (p->eof[i])
			return NULL;
	}
}

/* O_DIRECT for a file the page cache cannot keep, read from an aligned
 * offset (the reader's first look is 64 KiB). */
static void try_direct(ug_prefetch *p)
{
	struct stat st;
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	off_t at = lseek(p->fd, 0, SEEK_CUR);
	/* UG_DIRECT_IO_MIN (bytes) replaces half the memory: tests reach this path */
	const char *min = getenv("UG_DIRECT_IO_MIN");
	double least = min ? strtod(min, NULL) : (double)pages * (double)page / 2;
	if (fstat(p->fd, &st) != 0 || pages <= 0 || page <= 0 || at < 0 || at % ALIGN ||
	    (double)st.st_size < least)
		return;
	int fl = fcntl(p->fd, F_GETFL);
	p->direct = fl >= 0 && fcntl(p->fd, F_SETFL, fl | O_DIRECT) == 0;
}

int ug_prefetch_start(ug_prefetch **out, int fd)
{
	*out = NULL;
	ug_prefetch *p = calloc(1, sizeof(*p));
	if (!p)
		return -1;
	p->fd = fd;
	for (size_t i = 0; i < SLOTS; i++) {
		void *b = NULL;
		if (posix_memalign(&b, ALIGN, SLOT_BYTES) != 0)
			b = NULL;
		if (!(p->buf[i] = b)) {
			for (size_t k = 0; k < i; k++)
				free(p->buf[k]);
			free(p);
			return -1;
		}
	}
	try_direct(p);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&p->thread, NULL, run, p) != 0) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->cv);
		for (size_t i = 0; i < SLOTS; i++)
			free(p->buf[i]);
		free(p);
		return -1;
	}
	*out = p;
	return 0;
}

ssize_t ug_prefetch_read(ug_prefetch *p, void *buf, size_t n)
{
	for (;;) {
		if (p->failed) { /* after the bytes read before the error */
			errno = p->failed;
			p->failed = 0;
			p->done = true;
			return -1;
		}
		if (p->done || !n)
			return 0;
		size_t i = p->take;
		pthread_mutex_lock(&p->mu);
		while (!p->full[i])
			pthread_cond_wait(&p->cv, &p->mu);
		pthread_mutex_unlock(&p->mu);
		size_t got = p->len[i] - p->pos < n ? p->len[i] - p->pos : n;
		memcpy(buf, p->buf[i] + p->pos, got);
		p->pos += got;
		if (p->pos == p->len[i]) { /* drained: the end, or hand it back */
			p->failed = p->err[i];
			p->done = p->eof[i] && !p->failed;
			pthread_mutex_lock(&p->mu);
			p->full[i] = false;
			pthread_cond_broadcast(&p->cv);
			pthread_mutex_unlock(&p->mu);
			p->take = (i + 1) % SLOTS;
			p->pos = 0;
		}
		if (got)
			return (ssize_t)got;
	}
}

void ug_prefetch_stop(ug_prefetch *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	for (size_t i = 0; i < SLOTS; i++)
		free(p->buf[i]);
	free(p);
}
