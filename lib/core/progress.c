/* progress.c — one self-erasing progress line on a terminal; see context.h.
 * Several threads may call ug_progress_add; the one that wins the
 * compare-and-swap on last_draw_ns draws, the others return at once. */
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "updguard/context.h"

#define DRAW_INTERVAL_NS 125000000LL

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void ug_progress_start(ug_progress *p, const ug_ctx *ctx, const char *label,
                       const char *unit, uint64_t total)
{
	p->ctx = ctx;
	p->label = label;
	p->unit = unit;
	p->total = total;
	p->started_ns = mono_ns();
	atomic_init(&p->done, 0);
	atomic_init(&p->last_draw_ns, p->started_ns);
	p->drawn = false;
}

static void human(double v, char *out, size_t n)
{
	const char *suffix[] = {"", "k", "M", "G", "T"};
	int i = 0;
	while (v >= 1000.0 && i < 4) {
		v /= 1000.0;
		i++;
	}
	snprintf(out, n, i ? "%.1f%s" : "%.0f%s", v, suffix[i]);
}

static void progress_draw(ug_progress *p, uint64_t done, int64_t now)
{
	FILE *out = p->ctx->log_stream ? p->ctx->log_stream : stderr;
	double secs = (double)(now - p->started_ns) / 1e9;
	char d[32], r[32];
	human((double)done, d, sizeof(d));
	human(secs > 0 ? (double)done / secs : 0, r, sizeof(r));
	if (p->total) {
		double pct = 100.0 * (double)done / (double)p->total;
		fprintf(out, "\r\033[K%s: %s %s (%.0f%%), %s %s/s", p->label, d, p->unit,
		        pct > 100 ? 100 : pct, r, p->unit);
	} else {
		fprintf(out, "\r\033[K%s: %s %s, %s %s/s", p->label, d, p->unit, r, p->unit);
	}
	fflush(out);
	p->drawn = true;
}

void ug_progress_add(ug_progress *p, uint64_t n)
{
	uint64_t done = atomic_fetch_add(&p->done, n) + n;
	if (!p->ctx || !p->ctx->progress)
		return;
	int64_t last = atomic_load(&p->last_draw_ns);
	int64_t now = mono_ns();
	if (now - last < DRAW_INTERVAL_NS)
		return;
	if (atomic_compare_exchange_strong(&p->last_draw_ns, &last, now))
		progress_draw(p, done, now);
}

void ug_progress_end(ug_progress *p)
{
	if (p->drawn && p->ctx) {
		FILE *out = p->ctx->log_stream ? p->ctx->log_stream : stderr;
		fputs("\r\033[K", out);
		fflush(out);
		p->drawn = false;
	}
}
