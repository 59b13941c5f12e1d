/* url.h — splitting a requested URL into the Sigma proxy taxonomy fields
 * (c-uri, c-uri-stem, c-uri-query, c-uri-extension, cs-host, ...), shared by
 * the proxy formats (Squid, Apache/NCSA) and Zeek http. All parts are views
 * into the URL: nothing is copied or decoded. */
#ifndef UG_SOURCES_URL_H
#define UG_SOURCES_URL_H

#include "updguard/event.h"

typedef struct ug_url {
	ug_sv scheme; /* "http"; empty for CONNECT targets and origin-form paths */
	ug_sv host;   /* without userinfo, port and IPv6 brackets */
	ug_sv port;   /* as written, or the scheme's default ("80"), or empty */
	ug_sv stem;   /* path without query and fragment; empty when none */
	ug_sv query;  /* after '?', without it; empty when none */
	ug_sv ext;    /* extension of the last path segment, without the dot */
} ug_url;

/* Split url. authority_only: url is a CONNECT target ("host:443"). Returns
 * false when nothing but the whole text can be had (e.g. "error:invalid-request"). */
bool ug_url_split(ug_sv url, bool authority_only, ug_url *out);

/* Add c-uri (the whole url) and what ug_url_split finds: cs-host,
 * DestinationHostname (or DestinationIp when the host is an IP literal),
 * DestinationPort, c-uri-stem, c-uri-query, c-uri-extension. UG_OK or
 * UG_ERR_NOMEM. */
int ug_url_add_fields(ug_event *ev, ug_sv url, bool authority_only);

/* Add a field whose name is its canonical name ("c-uri"): for values that
 * have no name of their own in the input (Squid columns, derived parts). */
static inline int ug_src_add_canon(ug_event *ev, ug_field_id id, ug_sv value)
{
	const char *name = ug_field_name(id);
	return ug_event_add(ev, (ug_sv){name, __builtin_strlen(name)}, value, id);
}

#endif
