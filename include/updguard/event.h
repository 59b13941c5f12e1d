/* event.h — the normalized event every reader produces and every analysis reads.
 *
 * One event = time (ns UTC), host (normalized), kind, provenance (source id +
 * line/record + byte offset) and the original fields as name/value views.
 * Values are views into the input buffer when the input holds them verbatim,
 * or into the event's arena when they had to be decoded (JSON escapes,
 * UTF-16, ...). Either way they are valid UTF-8 without NUL termination and
 * live as long as the reader keeps the batch: consumers copy what they keep.
 * Names are views too: into the input, the arena, static tables, or a
 * format's per-file state (the JSON readers' known dotted paths), which the
 * reader keeps until the events of the file's last block are consumed.
 *
 * Invariant: canon_idx[id] == 0 when no field has canonical id `id`, else
 * fields[canon_idx[id] - 1] is the FIRST field added with that id.
 */
#ifndef UPDGUARD_EVENT_H
#define UPDGUARD_EVENT_H

#include "updguard/common.h"
#include "updguard/fields.h"
#include "updguard/time.h"

#ifdef __cplusplus
extern "C" {
#endif

#define UG_EVENT_KIND_LIST(X)                                        \
	X(OTHER, "other")                                            \
	X(PROCESS_START, "process_start")                            \
	X(PROCESS_END, "process_end")                                \
	X(IMAGE_LOAD, "image_load")                                  \
	X(NETWORK_CONNECT, "network_connect")                        \
	X(DNS_QUERY, "dns_query")                                    \
	X(HTTP_REQUEST, "http_request")                              \
	X(FILE_CREATE, "file_create")                                \
	X(FILE_DELETE, "file_delete")                                \
	X(REGISTRY_SET, "registry_set")                              \
	X(REGISTRY_KEY, "registry_key")                              \
	X(TASK_CREATED, "task_created")                              \
	X(SERVICE_INSTALLED, "service_installed")                    \
	X(WMI_SUBSCRIPTION, "wmi_subscription")                      \
	X(LOGON, "logon")                                            \
	X(DHCP_LEASE, "dhcp_lease")

typedef enum ug_event_kind {
#define UG_KIND_ENUM(id, name) UG_KIND_##id,
	UG_EVENT_KIND_LIST(UG_KIND_ENUM)
#undef UG_KIND_ENUM
	UG_KIND__COUNT
} ug_event_kind;

typedef struct ug_field {
	ug_sv name;     /* as in the input: "Image", "winlog.event_data.Image", "id.orig_h" */
	ug_sv value;    /* decoded UTF-8 */
	uint16_t canon; /* ug_field_id; UG_F_NONE when the name has no canonical meaning */
} ug_field;

struct ug_arena;

typedef struct ug_event {
	ug_time ts;           /* UTC nanoseconds; UG_TIME_INVALID when unknown */
	ug_sv host;           /* normalized: lower case, no domain suffix */
	ug_event_kind kind;
	uint32_t source;      /* id of the input file in the run's source table */
	uint64_t record;      /* 1-based line number, or EVTX EventRecordID */
	uint64_t offset;      /* byte offset of the record in the (decompressed) input */
	uint32_t event_id;    /* Windows EventID, 0 when none */
	ug_sv channel;        /* Windows channel as written; empty when none */
	ug_field *fields;     /* nfields used, cap allocated (malloc; reused across resets) */
	uint32_t nfields, cap;
	uint8_t canon_idx[UG_F__COUNT];
	struct ug_arena *arena; /* where decoded strings go; owned by the reader */
} ug_event;

/* arena may be NULL for events whose values are all views into stable memory. */
void ug_event_init(ug_event *ev, struct ug_arena *arena);
/* Forget fields and header, keep the field array's memory. */
void ug_event_reset(ug_event *ev);
void ug_event_free(ug_event *ev);
/* Append a field. canon UG_F_NONE leaves it reachable by name only.
 * UG_OK or UG_ERR_NOMEM (the event then lacks the field). */
int ug_event_add(ug_event *ev, ug_sv name, ug_sv value, ug_field_id canon);
/* ug_event_add for readers' inner loops: inline while the field array has
 * room and canon is a valid id (or UG_F_NONE). */
static inline int ug_event_push(ug_event *ev, ug_sv name, ug_sv value, ug_field_id canon)
{
	if (ev->nfields == ev->cap || (unsigned)canon >= UG_F__COUNT)
		return ug_event_add(ev, name, value, canon);
	ev->fields[ev->nfields++] = (ug_field){name, value, (uint16_t)canon};
	/* first field wins; the index can only address the first 255 fields */
	if (canon != UG_F_NONE && !ev->canon_idx[canon] && ev->nfields <= 255)
		ev->canon_idx[canon] = (uint8_t)ev->nfields;
	return UG_OK;
}
/* Append with the canonical id looked up from the name (exact canonical name). */
int ug_event_add_auto(ug_event *ev, ug_sv name, ug_sv value);
/* Copy value into the event's arena first (for values built in scratch space). */
int ug_event_add_copy(ug_event *ev, ug_sv name, ug_sv value, ug_field_id canon);

static inline bool ug_event_has(const ug_event *ev, ug_field_id id)
{
	return ev->canon_idx[id] != 0;
}
/* Value of the canonical field, or a NULL view when absent. */
static inline ug_sv ug_event_get(const ug_event *ev, ug_field_id id)
{
	uint8_t i = ev->canon_idx[id];
	return i ? ev->fields[i - 1].value : (ug_sv){NULL, 0};
}
/* Lookup by name: a canonical name first, then the original names
 * (exact, then ASCII case-insensitive), then the last component of a dotted
 * original name ("SourceImage" finds "winlog.event_data.SourceImage").
 * NULL view when absent. */
ug_sv ug_event_get_by_name(const ug_event *ev, ug_sv name);
/* Set ev->host from a raw host name (normalized into the arena, or in place
 * when already normal). UG_ERR_NOMEM possible. */
int ug_event_set_host(ug_event *ev, ug_sv raw);

/* Canonical dictionary. */
const char *ug_field_name(ug_field_id id);
const char *ug_field_doc(ug_field_id id);
/* Exact, case-sensitive canonical name -> id; UG_F_NONE when not canonical. */
ug_field_id ug_field_lookup(ug_sv name);

const char *ug_event_kind_name(ug_event_kind kind);
/* "process_start" -> kind; returns false for unknown names. */
bool ug_event_kind_parse(ug_sv name, ug_event_kind *out);
/* Kind of a Windows event from its channel (any case) and EventID: Sysmon,
 * Security, System, TaskScheduler and WMI-Activity channels. */
ug_event_kind ug_event_kind_from_windows(ug_sv channel, uint32_t event_id);

/* Host normalization: trim, ASCII lower case, strip the DNS domain suffix
 * ("WS-IN-0001.corp.example" -> "ws-in-0001"). IP literals are kept whole
 * (lower-cased for IPv6). Writes at most raw.n bytes to out; returns the length. */
size_t ug_host_normalize(ug_sv raw, char *out);
/* The part of raw that names the host (before lower-casing): trimmed, leading
 * backslashes and the domain suffix removed. */
ug_sv ug_host_span(ug_sv raw);
/* True when s is a literal IPv4 or IPv6 address. */
bool ug_ip_is_literal(ug_sv s);

#ifdef __cplusplus
}
#endif
#endif
