/* fields.c — the canonical field dictionary and event kinds (names, lookup). */
#include "core/str.h"
#include "updguard/event.h"

static const char *const field_names[UG_F__COUNT] = {
	[UG_F_NONE] = "",
#define NAME(id, name, doc) [UG_F_##id] = name, /* NOLINT(bugprone-macro-parentheses) */
	UG_FIELD_LIST(NAME)
#undef NAME
};

static const char *const field_docs[UG_F__COUNT] = {
	[UG_F_NONE] = "",
#define DOC(id, name, doc) [UG_F_##id] = doc, /* NOLINT(bugprone-macro-parentheses) */
	UG_FIELD_LIST(DOC)
#undef DOC
};

static const char *const kind_names[UG_KIND__COUNT] = {
#define KIND(id, name) [UG_KIND_##id] = name, /* NOLINT(bugprone-macro-parentheses) */
	UG_EVENT_KIND_LIST(KIND)
#undef KIND
};

const char *ug_field_name(ug_field_id id)
{
	return (unsigned)id < UG_F__COUNT ? field_names[id] : "";
}

const char *ug_field_doc(ug_field_id id)
{
	return (unsigned)id < UG_F__COUNT ? field_docs[id] : "";
}

ug_field_id ug_field_lookup(ug_sv name)
{
	/* ~80 names; a linear scan with a length+first-byte check is a few dozen
	 * compares and needs no mutable index. Readers call this once per field
	 * name (not per value), and they cache per-format mappings. */
	if (name.n == 0)
		return UG_F_NONE;
	for (int id = 1; id < UG_F__COUNT; id++) {
		const char *s = field_names[id];
		if (s[0] == name.p[0] && strlen(s) == name.n && memcmp(s, name.p, name.n) == 0)
			return (ug_field_id)id;
	}
	return UG_F_NONE;
}

const char *ug_event_kind_name(ug_event_kind kind)
{
	return (unsigned)kind < UG_KIND__COUNT ? kind_names[kind] : "other";
}

bool ug_event_kind_parse(ug_sv name, ug_event_kind *out)
{
	for (int k = 0; k < UG_KIND__COUNT; k++) {
		if (ug_sv_eq_nocase(name, ug_sv_from(kind_names[k]))) {
			*out = (ug_event_kind)k;
			return true;
		}
	}
	return false;
}

static ug_event_kind sysmon_kind(uint32_t id)
{
	switch (id) {
	case 1: return UG_KIND_PROCESS_START;
	case 3: return UG_KIND_NETWORK_CONNECT;
	case 5: return UG_KIND_PROCESS_END;
	case 6: /* driver loaded */
	case 7: return UG_KIND_IMAGE_LOAD;
	case 11: /* FileCreate */
	case 15: /* FileCreateStreamHash */
	case 29: return UG_KIND_FILE_CREATE; /* FileExecutableDetected */
	case 12: /* key/value create or delete */
	case 14: return UG_KIND_REGISTRY_KEY; /* rename */
	case 13: return UG_KIND_REGISTRY_SET;
	case 19:
	case 20:
	case 21: return UG_KIND_WMI_SUBSCRIPTION;
	case 22: return UG_KIND_DNS_QUERY;
	case 23:
	case 26: return UG_KIND_FILE_DELETE;
	default: return UG_KIND_OTHER;
	}
}

static ug_event_kind security_kind(uint32_t id)
{
	switch (id) {
	case 4688: return UG_KIND_PROCESS_START;
	case 4689: return UG_KIND_PROCESS_END;
	case 4698: return UG_KIND_TASK_CREATED;
	case 4697: return UG_KIND_SERVICE_INSTALLED;
	case 4624:
	case 4625: return UG_KIND_LOGON;
	case 5156: return UG_KIND_NETWORK_CONNECT;
	case 4657: return UG_KIND_REGISTRY_SET;
	default: return UG_KIND_OTHER;
	}
}

ug_event_kind ug_event_kind_from_windows(ug_sv channel, uint32_t event_id)
{
	if (ug_sv_eq_nocase(channel, UG_SV("Microsoft-Windows-Sysmon/Operational")))
		return sysmon_kind(event_id);
	if (ug_sv_eq_nocase(channel, UG_SV("Security")))
		return security_kind(event_id);
	if (ug_sv_eq_nocase(channel, UG_SV("System")))
		return event_id == 7045 ? UG_KIND_SERVICE_INSTALLED : UG_KIND_OTHER;
	if (ug_sv_eq_nocase(channel, UG_SV("Microsoft-Windows-TaskScheduler/Operational")))
		return event_id == 106 || event_id == 140 ? UG_KIND_TASK_CREATED : UG_KIND_OTHER;
	if (ug_sv_eq_nocase(channel, UG_SV("Microsoft-Windows-WMI-Activity/Operational")))
		return event_id == 5861 ? UG_KIND_WMI_SUBSCRIPTION : UG_KIND_OTHER;
	if (ug_sv_eq_nocase(channel, UG_SV("Microsoft-Windows-DNS-Client/Operational")))
		return event_id == 3008 ? UG_KIND_DNS_QUERY : UG_KIND_OTHER;
	return UG_KIND_OTHER;
}
