/* stix.c — iocs.stix.json: the case's IOCs as a STIX 2.1 bundle.
 *
 * Objects: the tool's identity; the malware (the trojanised update, not a
 * family) and the campaign (the update-channel compromise, first/last seen
 * = the window); one indicator per IOC with a STIX pattern; relationships
 * indicator -indicates-> malware and campaign -uses-> malware.
 *
 * Deterministic: ids are UUIDv5 of what the object stands for (the IOC's
 * type and value, the product and window), and created/modified/valid_from
 * are times from the data (the latest finding), so rerunning a hunt on the
 * same logs gives the same bundle and diffs only show what changed.
 *
 * Patterns (STIX 2.1 part 9): string literals escape '\' and '''. Task and
 * service names become the registry keys Windows creates for them; a file
 * path is the file's name AND its parent directory's path.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

static const unsigned char ns_updguard[16] = {0x6b, 0x1d, 0x3e, 0x52, 0x8f, 0x0a, 0x4c, 0x61,
                                              0x9a, 0x27, 0x5e, 0xc4, 0x13, 0x88, 0x70, 0xd9};

typedef struct sx {
	ug_buf *b;
	const ug_hunt_result *r;
	ug_buf stamp;       /* created/modified of every object */
	ug_buf valid_from;  /* indicators' valid_from */
	char malware[64], campaign[64], identity[64];
	bool first;
	size_t skipped;
} sx;

/* type--UUIDv5(type|name) */
static void make_id(char out[64], const char *type, const char *name)
{
	char u[37], key[600];
	int n = snprintf(key, sizeof(key), "%s|%s", type, name);
	ug_uuid5(ns_updguard, key, n > 0 && (size_t)n < sizeof(key) ? (size_t)n : sizeof(key) - 1, u);
	snprintf(out, 64, "%s--%s", type, u);
}

static void key(ug_buf *b, const char *k, const char *v)
{
	ug_buf_printf(b, ",\"%s\":", k);
	ug_buf_append_json_str(b, ug_sv_from(rp_s(v)));
}

/* Opens an object with the common properties. */
static void open_obj(sx *s, const char *type, const char *id)
{
	ug_buf_puts(s->b, s->first ? "\n  {" : ",\n  {");
	s->first = false;
	ug_buf_printf(s->b, "\"type\":\"%s\",\"spec_version\":\"2.1\",\"id\":\"%s\"", type, id);
	key(s->b, "created", ug_buf_cstr(&s->stamp));
	key(s->b, "modified", ug_buf_cstr(&s->stamp));
	if (strcmp(type, "identity") != 0)
		key(s->b, "created_by_ref", s->identity);
}

/* The latest time in the data (deterministic), else the run's time. */
static ug_time data_stamp(const ug_case *c)
{
	const ug_hunt_result *r = c->res;
	ug_time t = INT64_MIN;
	for (size_t i = 0; i < r->nservers; i++)
		if (rp_time_valid(r->servers[i].last))
			t = UG_MAX(t, r->servers[i].last);
	for (size_t i = 0; i < r->nhosts; i++)
		for (size_t j = 0; j < r->hosts[i].nevidence; j++)
			if (rp_time_valid(r->hosts[i].evidence[j].time))
				t = UG_MAX(t, r->hosts[i].evidence[j].time);
	if (t == INT64_MIN && rp_time_valid(r->window_end))
		t = r->window_end;
	if (t == INT64_MIN)
		t = rp_time_valid(c->run.created) ? c->run.created : 0;
	return t;
}

/* ---- patterns ---- */

static void lit(ug_buf *b, const char *s, size_t n)
{
	ug_buf_putc(b, '\'');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' || s[i] == '\'')
			ug_buf_putc(b, '\\');
		ug_buf_putc(b, s[i]);
	}
	ug_buf_putc(b, '\'');
}

static bool hex_of_len(const char *v, size_t n)
{
	if (strlen(v) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)v[i]))
			return false;
	return true;
}

static void hash_cmp(ug_buf *p, const char *algo, const char *v)
{
	ug_buf_printf(p, "[file:hashes.%s = '", algo);
	for (const char *c = v; *c; c++)
		ug_buf_putc(p, (char)tolower((unsigned char)*c));
	ug_buf_puts(p, "']");
}

/* Registry paths in full hive names (STIX windows-registry-key:key). */
static void registry_key(ug_buf *k, const char *v)
{
	static const struct {
		const char *abbr, *full;
	} hives[] = {
		{"HKLM\\", "HKEY_LOCAL_MACHINE\\"}, {"HKCU\\", "HKEY_CURRENT_USER\\"}, {"HKU\\", "HKEY_USERS\\"},
		{"HKCR\\", "HKEY_CLASSES_ROOT\\"}, {"\\REGISTRY\\MACHINE\\", "HKEY_LOCAL_MACHINE\\"},
		{"\\REGISTRY\\USER\\", "HKEY_USERS\\"},
	};
	for (size_t i = 0; i < UG_ARRAY_LEN(hives); i++) {
		size_t n = strlen(hives[i].abbr);
		if (ug_sv_starts_with_nocase(ug_sv_from(v), ug_sv_make(hives[i].abbr, n))) {
			ug_buf_printf(k, "%s%s", hives[i].full, v + n);
			return;
		}
	}
	ug_buf_puts(k, v);
}

static void key_cmp(ug_buf *p, const char *prefix, const char *v)
{
	ug_buf k = UG_BUF_INIT;
	while (prefix && *v == '\\')
		v++;
	if (prefix)
		ug_buf_printf(&k, "%s%s", prefix, v);
	else
		registry_key(&k, v);
	ug_buf_puts(p, "[windows-registry-key:key = ");
	lit(p, ug_buf_cstr(&k), k.len);
	ug_buf_putc(p, ']');
	ug_buf_free(&k);
}

static void path_cmp(ug_buf *p, const char *v)
{
	ug_sv base = ug_path_basename(ug_sv_from(v));
	size_t dir = (size_t)(base.p - v);
	ug_buf_puts(p, "[file:name = ");
	lit(p, base.p, base.n);
	if (dir > 1) {
		ug_buf_puts(p, " AND file:parent_directory_ref.path = ");
		lit(p, v, dir - 1);
	}
	ug_buf_putc(p, ']');
}

/* The pattern for one IOC; false when its type has none (or the value is unfit). */
static bool pattern(ug_buf *p, const char *type, const char *v)
{
	static const struct {
		const char *type, *obj;
	} simple[] = {
		{"file-name", "file:name"}, {"domain", "domain-name:value"}, {"ipv4", "ipv4-addr:value"},
		{"ipv6", "ipv6-addr:value"}, {"url", "url:value"},
	};
	if (!*v)
		return false;
	if (!strcmp(type, "sha256") || !strcmp(type, "sha1") || !strcmp(type, "md5")) {
		size_t len = type[1] == 'h' ? (type[3] == '2' ? 64 : 40) : 32;
		if (!hex_of_len(v, len))
			return false;
		hash_cmp(p, len == 64 ? "'SHA-256'" : len == 40 ? "'SHA-1'" : "MD5", v);
		return true;
	}
	for (size_t i = 0; i < UG_ARRAY_LEN(simple); i++)
		if (!strcmp(type, simple[i].type)) {
			ug_buf_printf(p, "[%s = ", simple[i].obj);
			lit(p, v, strlen(v));
			ug_buf_putc(p, ']');
			return true;
		}
	if (!strcmp(type, "file-path"))
		path_cmp(p, v);
	else if (!strcmp(type, "registry"))
		key_cmp(p, NULL, v);
	else if (!strcmp(type, "task-name"))
		key_cmp(p, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tree\\", v);
	else if (!strcmp(type, "service-name"))
		key_cmp(p, "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\", v);
	else
		return false;
	return true;
}

/* ---- objects ---- */

static void relationship(sx *s, const char *type, const char *from, const char *to)
{
	char name[200], id[64];
	snprintf(name, sizeof(name), "relationship|%s|%s|%s", type, from, to);
	make_id(id, "relationship", name);
	open_obj(s, "relationship", id);
	key(s->b, "relationship_type", type);
	key(s->b, "source_ref", from);
	key(s->b, "target_ref", to);
	ug_buf_putc(s->b, '}');
}

static void indicator(sx *s, const ug_ioc *c)
{
	ug_buf p = UG_BUF_INIT, name = UG_BUF_INIT;
	if (!c->type || !c->value || !pattern(&p, c->type, c->value)) {
		s->skipped++;
		ug_buf_free(&p);
		return;
	}
	ug_buf_printf(&name, "indicator|%s|%s", c->type, c->value);
	char id[64];
	make_id(id, "indicator", ug_buf_cstr(&name));
	ug_buf_clear(&name);
	ug_buf_printf(&name, "%s %s", c->type, c->value);
	open_obj(s, "indicator", id);
	key(s->b, "name", ug_buf_cstr(&name));
	ug_buf_clear(&name);
	ug_buf_printf(&name, "%s (%u host(s)). Seen at ", rp_s(c->context), c->hosts);
	rp_source(&name, s->r, c->prov);
	key(s->b, "description", ug_buf_cstr(&name));
	ug_buf_puts(s->b, ",\"indicator_types\":[\"malicious-activity\"]");
	key(s->b, "pattern", ug_buf_cstr(&p));
	ug_buf_puts(s->b, ",\"pattern_type\":\"stix\",\"pattern_version\":\"2.1\"");
	key(s->b, "valid_from", ug_buf_cstr(&s->valid_from));
	ug_buf_putc(s->b, '}');
	relationship(s, "indicates", id, s->malware);
	ug_buf_free(&p);
	ug_buf_free(&name);
}

static void head_objects(sx *s, const ug_case *c)
{
	const ug_hunt_result *r = c->res;
	ug_buf name = UG_BUF_INIT;
	open_obj(s, "identity", s->identity);
	ug_buf_puts(s->b, ",\"name\":\"updguard\",\"identity_class\":\"system\"}");
	open_obj(s, "malware", s->malware);
	ug_buf_printf(&name, "Trojanised %s update", rp_s(r->product));
	key(s->b, "name", ug_buf_cstr(&name));
	ug_buf_puts(s->b, ",\"is_family\":false,\"malware_types\":[\"trojan\"]");
	key(s->b, "description", "The update the compromised hosts received in the suspected window, "
	                         "identified by what it did after delivery (updguard hunt).");
	ug_buf_putc(s->b, '}');
	open_obj(s, "campaign", s->campaign);
	ug_buf_clear(&name);
	ug_buf_printf(&name, "%s update-channel compromise", rp_s(r->product));
	key(s->b, "name", ug_buf_cstr(&name));
	if (rp_time_valid(r->window_start) && rp_time_valid(r->window_end) && r->window_end >= r->window_start) {
		ug_buf_clear(&name);
		rp_time_ms(&name, r->window_start);
		key(s->b, "first_seen", ug_buf_cstr(&name));
		ug_buf_clear(&name);
		rp_time_ms(&name, r->window_end);
		key(s->b, "last_seen", ug_buf_cstr(&name));
	}
	ug_buf_putc(s->b, '}');
	relationship(s, "uses", s->campaign, s->malware);
	ug_buf_free(&name);
}

int ug_report_write_stix(const ug_case *c, const char *dir, ug_error *err)
{
	const ug_hunt_result *r = c->res;
	ug_buf b = UG_BUF_INIT, scope = UG_BUF_INIT;
	sx s = {&b, r, UG_BUF_INIT, UG_BUF_INIT, {0}, {0}, {0}, true, 0};
	rp_time_ms(&s.stamp, data_stamp(c));
	rp_time_ms(&s.valid_from, rp_time_valid(r->window_start) ? r->window_start : data_stamp(c));
	ug_buf_printf(&scope, "%s|", rp_s(r->product));
	rp_time(&scope, r->window_start);
	make_id(s.identity, "identity", "identity|updguard");
	make_id(s.malware, "malware", ug_buf_cstr(&scope));
	make_id(s.campaign, "campaign", ug_buf_cstr(&scope));
	char bundle[64];
	make_id(bundle, "bundle", ug_buf_cstr(&scope));
	ug_buf_printf(&b, "{\"type\":\"bundle\",\"id\":\"%s\",\"objects\":[", bundle);
	head_objects(&s, c);
	for (size_t i = 0; i < r->niocs; i++)
		indicator(&s, &r->iocs[i]);
	ug_buf_puts(&b, "\n]}\n");
	int rc = rp_write_file(dir, "iocs.stix.json", &b, err);
	ug_buf_free(&b);
	ug_buf_free(&scope);
	ug_buf_free(&s.stamp);
	ug_buf_free(&s.valid_from);
	return rc;
}
