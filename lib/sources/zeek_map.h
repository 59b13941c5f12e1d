/* zeek_map.h — what Zeek's field names mean, shared by the Zeek TSV and Zeek
 * JSON readers: per log path (conn, dns, http, ...) the event kind and, per
 * field, its canonical id and the role it plays in finishing the event (time,
 * host, the URL of an http request, ...). Both spellings of nested names are
 * accepted ("id.orig_h" and "id_orig_h"). */
#ifndef UG_SOURCES_ZEEK_MAP_H
#define UG_SOURCES_ZEEK_MAP_H

#include "core/arena.h"
#include "updguard/event.h"

typedef enum ug_zeek_log {
	UG_ZEEK_OTHER,
	UG_ZEEK_CONN,
	UG_ZEEK_DNS,
	UG_ZEEK_HTTP,
	UG_ZEEK_SSL,
	UG_ZEEK_FILES,
	UG_ZEEK_X509,
	UG_ZEEK_WEIRD,
	UG_ZEEK_DHCP,
	UG_ZEEK__COUNT
} ug_zeek_log;

/* Values the finishing step needs, by role. */
typedef enum ug_zeek_role {
	UG_ZR_NONE,
	UG_ZR_TS,
	UG_ZR_ORIG_H,
	UG_ZR_RX_HOSTS,
	UG_ZR_HTTP_HOST,
	UG_ZR_HTTP_URI,
	UG_ZR_HTTP_METHOD,
	UG_ZR_DHCP_HOST,
	UG_ZR_DHCP_FQDN,
	UG_ZR_DHCP_ASSIGNED,
	UG_ZR_DHCP_CLIENT,
	UG_ZR_MD5,
	UG_ZR_SHA1,
	UG_ZR_SHA256,
	UG_ZR__COUNT
} ug_zeek_role;

typedef struct ug_zeek_col {
	uint16_t canon; /* canonical id of the field, UG_F_NONE when none */
	uint16_t alias; /* a second canonical id, added as a field named after it */
	uint8_t role;   /* ug_zeek_role */
} ug_zeek_col;

typedef struct ug_zeek_vals {
	ug_sv v[UG_ZR__COUNT];
} ug_zeek_vals;

/* "dns" -> UG_ZEEK_DNS; unknown paths are UG_ZEEK_OTHER. */
ug_zeek_log ug_zeek_log_from_path(ug_sv path);
const char *ug_zeek_log_name(ug_zeek_log log);
ug_event_kind ug_zeek_kind(ug_zeek_log log);
/* The meaning of field name in a log of that path. */
ug_zeek_col ug_zeek_map(ug_zeek_log log, ug_sv name);

/* Add a field as the map says: the field itself (original name, canonical id),
 * its alias, and remember its value for the role. UG_OK or UG_ERR_NOMEM. */
int ug_zeek_add(ug_event *ev, ug_zeek_vals *vals, ug_zeek_col col, ug_sv name, ug_sv value);

/* Zeek's "ts": epoch seconds ("1521911720.865716", TSV and default JSON) or
 * ISO 8601 (JSON with json_timestamps ISO8601). */
int ug_zeek_parse_ts(ug_sv s, ug_time *out);

/* After all fields: kind, host (originator IP; DHCP: the client's host name,
 * else its address), and the derived fields (http: c-uri from host + uri and
 * its parts; files: Hashes). UG_OK or UG_ERR_NOMEM. */
int ug_zeek_finish(ug_event *ev, ug_zeek_log log, const ug_zeek_vals *vals, ug_arena *arena);

/* Zeek TSV escapes ("\x09", "\\") decoded into arena; bytes that would make
 * invalid UTF-8 keep their escaped form. Returns s itself when it has no
 * backslash; a NULL view when out of memory. */
ug_sv ug_zeek_unescape(ug_arena *arena, ug_sv s);

#endif
