/* error.h — errors as return codes with a message (libgit2 style).
 *
 * Library functions return a ug_status and, when given a non-NULL ug_error,
 * fill it with a human-readable message. The library never exits the process.
 */
#ifndef UPDGUARD_ERROR_H
#define UPDGUARD_ERROR_H

#include "updguard/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ug_error {
	int code;          /* a ug_status, UG_OK when no error */
	char message[512]; /* formatted message, truncated if longer */
} ug_error;

/* Record an error in err (which may be NULL) and return code, so that
 * callers can write `return ug_error_set(err, UG_ERR_IO, "open %s: %s", ...)`. */
int ug_error_set(ug_error *err, int code, const char *fmt, ...) UG_PRINTF(3, 4);
void ug_error_clear(ug_error *err);
/* Short stable name of a status code ("io", "parse", ...). */
const char *ug_status_name(int code);

#ifdef __cplusplus
}
#endif
#endif
