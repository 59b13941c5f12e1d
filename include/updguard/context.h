/* context.h — the explicit run context: logging, threads, progress display.
 *
 * There is no global mutable state in libupdguard: whatever a run configures
 * (verbosity, worker threads, whether a progress line may be drawn) lives in a
 * ug_ctx the caller owns and passes down.
 */
#ifndef UPDGUARD_CONTEXT_H
#define UPDGUARD_CONTEXT_H

#include <stdio.h>

#include "updguard/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ug_log_level {
	UG_LOG_ERROR = 0,
	UG_LOG_WARN = 1,
	UG_LOG_INFO = 2,
	UG_LOG_DEBUG = 3,
} ug_log_level;

typedef struct ug_ctx {
	ug_log_level log_level; /* messages above this level are dropped */
	FILE *log_stream;       /* where log lines go; stderr by default */
	int threads;            /* worker threads, >= 1 */
	bool progress;          /* a progress line may be drawn on log_stream */
} ug_ctx;

/* Defaults: level WARN, stderr, threads = online CPUs (capped at 16),
 * progress on when stderr is a terminal. */
void ug_ctx_init(ug_ctx *ctx);

void ug_log(const ug_ctx *ctx, ug_log_level level, const char *fmt, ...) UG_PRINTF(3, 4);
#define ug_log_error(ctx, ...) ug_log((ctx), UG_LOG_ERROR, __VA_ARGS__)
#define ug_log_warn(ctx, ...) ug_log((ctx), UG_LOG_WARN, __VA_ARGS__)
#define ug_log_info(ctx, ...) ug_log((ctx), UG_LOG_INFO, __VA_ARGS__)
#define ug_log_debug(ctx, ...) ug_log((ctx), UG_LOG_DEBUG, __VA_ARGS__)

/* A single progress line on a terminal, redrawn at most ~8 times a second.
 * Silent when ctx->progress is false (not a TTY, --quiet, or a file).
 * ug_progress_add may be called from several threads. */
typedef struct ug_progress {
	const ug_ctx *ctx;
	const char *label;
	const char *unit;       /* "events", "bytes", ... */
	uint64_t total;         /* 0 when unknown */
	_Atomic uint64_t done;  /* updated by several threads */
	int64_t started_ns;     /* monotonic */
	_Atomic int64_t last_draw_ns; /* monotonic; the CAS winner draws */
	bool drawn;
} ug_progress;

void ug_progress_start(ug_progress *p, const ug_ctx *ctx, const char *label,
                       const char *unit, uint64_t total);
void ug_progress_add(ug_progress *p, uint64_t n);
/* Erase the line (if drawn). */
void ug_progress_end(ug_progress *p);

#ifdef __cplusplus
}
#endif
#endif
