/* registry.c — the formats this build reads, and format detection.
 * Detection order matters only for ties: more specific formats first. */
#include <string.h>

#include "sources/machinery.h"

/* Each format file defines one `const ug_format ug_fmt_<name>`; list it here
 * as X(ug_fmt_<name>). */
#define UG_FORMATS(X) \
	X(ug_fmt_evtx) \
	X(ug_fmt_evtx_json) \
	X(ug_fmt_ecs_json) \
	X(ug_fmt_splunk_json) \
	X(ug_fmt_flat_json) \
	X(ug_fmt_zeek_tsv) \
	X(ug_fmt_zeek_json) \
	X(ug_fmt_squid) \
	X(ug_fmt_apache_combined) \
	X(ug_fmt_apache_clf) \
	X(ug_fmt_dhcp_windows) \
	X(ug_fmt_dhcpd_leases) \
	X(ug_fmt_csv)

#define DECLARE(sym) extern const ug_format sym; /* NOLINT(bugprone-macro-parentheses) */
UG_FORMATS(DECLARE)
#undef DECLARE

#define ENTRY(sym) &sym, /* NOLINT(bugprone-macro-parentheses) */
static const ug_format *const formats[] = {UG_FORMATS(ENTRY) NULL};
#undef ENTRY

const ug_format *const *ug_formats(void)
{
	return formats;
}

const ug_format *ug_format_find(const char *name)
{
	for (size_t i = 0; formats[i]; i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

const char *ug_format_name(size_t i)
{
	for (size_t k = 0; formats[k]; k++)
		if (k == i)
			return formats[k]->name;
	return NULL;
}

const ug_format *ug_format_detect(ug_sv data, const char *path, int *score)
{
	const ug_format *best = NULL;
	int best_score = 0;
	ug_sv text_head = ug_frame_head(data);
	for (size_t i = 0; formats[i]; i++) {
		ug_sv head = formats[i]->framing == UG_FRAME_CHUNKS ? ug_frame_head_of(formats[i], data) : text_head;
		int s = formats[i]->detect ? formats[i]->detect(head, path) : 0;
		if (s > best_score) {
			best = formats[i];
			best_score = s;
		}
	}
	if (score)
		*score = best_score;
	return best;
}
