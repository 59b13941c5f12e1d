/* buf.h — growable byte buffer for building output and scratch strings.
 *
 * Invariant: when p is non-NULL, p[len] == '\0' (always room for it), so
 * ug_buf_cstr is free. Allocation failure is sticky: once `oom` is set,
 * appends are ignored and the caller checks ug_buf_ok() once at the end.
 */
#ifndef UG_CORE_BUF_H
#define UG_CORE_BUF_H

#include <stdarg.h>

#include "updguard/common.h"

typedef struct ug_buf {
	char *p;
	size_t len;
	size_t cap;
	bool oom;
} ug_buf;

#define UG_BUF_INIT {NULL, 0, 0, false}

void ug_buf_init(ug_buf *b);
void ug_buf_free(ug_buf *b);
bool ug_buf_reserve(ug_buf *b, size_t extra);
void ug_buf_append(ug_buf *b, const void *data, size_t n);
void ug_buf_append_sv(ug_buf *b, ug_sv s);
void ug_buf_puts(ug_buf *b, const char *s);
void ug_buf_putc(ug_buf *b, char c);
void ug_buf_printf(ug_buf *b, const char *fmt, ...) UG_PRINTF(2, 3);
void ug_buf_vprintf(ug_buf *b, const char *fmt, va_list ap);
void ug_buf_append_u64(ug_buf *b, uint64_t v);
void ug_buf_append_i64(ug_buf *b, int64_t v);
/* s as a JSON string literal, quotes included; control characters escaped,
 * invalid UTF-8 bytes replaced by U+FFFD. */
void ug_buf_append_json_str(ug_buf *b, ug_sv s);
/* s as one CSV field (RFC 4180): quoted only when it holds , " CR or LF. */
void ug_buf_append_csv_field(ug_buf *b, ug_sv s);
void ug_buf_clear(ug_buf *b);
static inline bool ug_buf_ok(const ug_buf *b) { return !b->oom; }
static inline const char *ug_buf_cstr(const ug_buf *b) { return b->p ? b->p : ""; }
static inline ug_sv ug_buf_sv(const ug_buf *b) { return (ug_sv){ug_buf_cstr(b), b->len}; }

#endif
