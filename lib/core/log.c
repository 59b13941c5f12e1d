/* log.c — the run context and leveled logging to stderr; see context.h. */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "updguard/context.h"

void ug_ctx_init(ug_ctx *ctx)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	ctx->log_level = UG_LOG_WARN;
	ctx->log_stream = stderr;
	ctx->threads = cpus < 1 ? 1 : cpus > 16 ? 16 : (int)cpus;
	ctx->progress = isatty(STDERR_FILENO) == 1;
}

static const char *level_name(ug_log_level level)
{
	switch (level) {
	case UG_LOG_ERROR: return "error";
	case UG_LOG_WARN: return "warning";
	case UG_LOG_INFO: return "info";
	default: return "debug";
	}
}

void ug_log(const ug_ctx *ctx, ug_log_level level, const char *fmt, ...)
{
	FILE *out = ctx && ctx->log_stream ? ctx->log_stream : stderr;
	ug_log_level max = ctx ? ctx->log_level : UG_LOG_WARN;
	if (level > max)
		return;
	/* one fprintf per line keeps lines from different threads whole */
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	fprintf(out, "updguard: %s: %s\n", level_name(level), line);
}
