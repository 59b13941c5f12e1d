/* error.c — error values with a message; see include/updguard/error.h. */
#include <stdarg.h>
#include <stdio.h>

#include "updguard/error.h"

int ug_error_set(ug_error *err, int code, const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

void ug_error_clear(ug_error *err)
{
	if (!err)
		return;
	err->code = UG_OK;
	err->message[0] = '\0';
}

const char *ug_status_name(int code)
{
	switch (code) {
	case UG_OK: return "ok";
	case UG_ERR_NOMEM: return "out of memory";
	case UG_ERR_INVALID: return "invalid";
	case UG_ERR_IO: return "io";
	case UG_ERR_PARSE: return "parse";
	case UG_ERR_NOTFOUND: return "not found";
	case UG_ERR_UNSUPPORTED: return "unsupported";
	case UG_ERR_RANGE: return "out of range";
	default: return "unknown";
	}
}
