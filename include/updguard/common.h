/* common.h — types every part of updguard shares: string views and status codes.
 *
 * A ug_sv is a view (pointer + length) into memory someone else owns: the input
 * buffer, an arena, a string literal. It is never NUL-terminated by contract.
 */
#ifndef UPDGUARD_COMMON_H
#define UPDGUARD_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ug_sv {
	const char *p;
	size_t n;
} ug_sv;

#define UG_SV(lit) ((ug_sv){(lit), sizeof(lit) - 1})
#define UG_SV_NULL ((ug_sv){NULL, 0})
/* printf("%.*s", UG_SV_ARG(sv)) */
#define UG_SV_ARG(sv) (int)(sv).n, (sv).p

/* Status codes: 0 is success, errors are negative. */
typedef enum ug_status {
	UG_OK = 0,
	UG_ERR_NOMEM = -1,       /* allocation failed */
	UG_ERR_INVALID = -2,     /* invalid argument or usage */
	UG_ERR_IO = -3,          /* read/write/open failed */
	UG_ERR_PARSE = -4,       /* input could not be parsed */
	UG_ERR_NOTFOUND = -5,    /* named thing does not exist */
	UG_ERR_UNSUPPORTED = -6, /* valid but not supported */
	UG_ERR_RANGE = -7,       /* value out of range */
} ug_status;

#define UG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define UG_MIN(a, b) ((a) < (b) ? (a) : (b))
#define UG_MAX(a, b) ((a) > (b) ? (a) : (b))

#if defined(__GNUC__)
#define UG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define UG_LIKELY(x) __builtin_expect(!!(x), 1)
#define UG_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define UG_PRINTF(f, a)
#define UG_LIKELY(x) (x)
#define UG_UNLIKELY(x) (x)
#endif

#ifdef __cplusplus
}
#endif
#endif
