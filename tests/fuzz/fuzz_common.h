/* fuzz_common.h — shared body of the format fuzz targets (fuzz_squid.c,
 * fuzz_zeek.c, fuzz_csv.c): run each named format over the input through
 * ug_format_parse_buffer, run every detector on it, and abort when an event
 * breaks the event contract (names and values valid UTF-8; no NUL bytes in
 * them for formats whose input is text). */
#ifndef UG_FUZZ_COMMON_H
#define UG_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "sources/format.h"

static bool fuzz_text_ok(ug_sv s, bool nul_ok)
{
	return ug_utf8_valid(s) && (nul_ok || !s.n || !memchr(s.p, '\0', s.n));
}

static int fuzz_check_event(const ug_event *ev, void *user)
{
	bool nul_ok = user != NULL;
	if (!fuzz_text_ok(ev->host, nul_ok))
		abort();
	for (uint32_t i = 0; i < ev->nfields; i++)
		if (!fuzz_text_ok(ev->fields[i].name, nul_ok) ||
		    !fuzz_text_ok(ev->fields[i].value, nul_ok) ||
		    ev->fields[i].canon >= UG_F__COUNT)
			abort();
	return 0;
}

/* JSON formats decode \u0000 as the JSON scanner decides: NUL allowed there. */
static inline void fuzz_formats(const uint8_t *data, size_t size, const char *const *names, size_t n,
                                bool nul_ok)
{
	ug_sv in = ug_sv_make((const char *)data, size);
	const ug_format *const *all = ug_formats();
	for (size_t i = 0; all[i]; i++)
		if (all[i]->detect)
			(void)all[i]->detect(in, "fuzz.log");
	for (size_t i = 0; i < n; i++) {
		const ug_format *f = ug_format_find(names[i]);
		if (!f)
			abort();
		ug_parse_stats stats;
		ug_error err;
		ug_format_parse_buffer(f, in, NULL, fuzz_check_event, nul_ok ? (void *)1 : NULL,
		                       &stats, &err);
	}
}

#endif
