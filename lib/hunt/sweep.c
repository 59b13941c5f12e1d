/* sweep.c — known indicators: load them (the profile's published IOCs and an
 * --iocs file, CSV or STIX 2.1 bundle), sweep every event of the input for
 * them as the hunt's behaviour pass streams by (the IP -> host map of the
 * first pass is complete then), and report every hit as `known-ioc`
 * evidence on its host with provenance.
 *
 * Matching is by normalized value in one hash map per class of indicator
 * (hash, file path, file name, domain, IP, URL, task, registry, service), so
 * an event costs a few lookups whatever the number of indicators; only
 * file-path indicators with globs ('*', '?') are tried one by one. Domains
 * match the name and its subdomains; registry keys match the key and
 * everything below it; file names match the basename of a path.
 *
 * Hits are kept per (host, indicator): count, first and last time, the
 * first event's provenance and the value as the log wrote it. Memory grows
 * with hosts x indicators hit, never with events. A host hit by a known
 * indicator is at least `suspicious` (docs/hunt.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/str.h"
#include "hunt/hunt_int.h"
#include "sources/json.h"

#define IOC_FILE_MAX ((size_t)256 << 20)
#define KEY_MAX 2048

/* --- the set --- */

static const struct {
	const char *type;
	hu_ioc_class cls;
	const char *technique;
} ioc_types[] = {
	{"sha256", HU_IOC_HASH, "T1105"},     {"md5", HU_IOC_HASH, "T1105"},
	{"sha1", HU_IOC_HASH, "T1105"},       {"file-path", HU_IOC_PATH, "T1105"},
	{"file-name", HU_IOC_NAME, "T1105"},  {"domain", HU_IOC_DOMAIN, "T1071"},
	{"ipv4", HU_IOC_IP, "T1071"},         {"ipv6", HU_IOC_IP, "T1071"},
	{"url", HU_IOC_URL, "T1071.001"},     {"task-name", HU_IOC_TASK, "T1053.005"},
	{"registry", HU_IOC_REG, "T1547.001"}, {"service-name", HU_IOC_SVC, "T1543.003"},
};

void hu_iocset_init(hu_iocset *s)
{
	memset(s, 0, sizeof(*s));
	ug_arena_init(&s->arena, 64 << 10);
	for (size_t i = 0; i < HU_IOC__COUNT; i++)
		ug_map_init(&s->exact[i], true);
}

void hu_iocset_free(hu_iocset *s)
{
	for (size_t i = 0; i < HU_IOC__COUNT; i++)
		ug_map_free(&s->exact[i]);
	free(s->v);
	free(s->globs);
	ug_arena_free(&s->arena);
	memset(s, 0, sizeof(*s));
}

const char *hu_ioc_technique(const hu_known_ioc *ioc)
{
	for (size_t i = 0; i < UG_ARRAY_LEN(ioc_types); i++)
		if (!strcmp(ioc_types[i].type, ioc->type))
			return ioc_types[i].technique;
	return "";
}

/* --- normalization (the IOC side and the event side agree) --- */

static bool put(char *out, size_t cap, size_t *o, char c)
{
	if (*o + 1 >= cap)
		return false;
	out[(*o)++] = c;
	return true;
}

/* Lower case, '/' as '\' when path, "[.]" as '.' and "hxxp" as "http" when
 * defanged (IOC lists write them so). */
static ug_sv lower_into(ug_sv v, char *out, size_t cap, bool path, bool defang)
{
	size_t o = 0;
	for (size_t i = 0; i < v.n; i++) {
		char c = ug_ascii_lower(v.p[i]);
		if (path && c == '/')
			c = '\\';
		if (defang && c == '[' && i + 2 < v.n && v.p[i + 1] == '.' && v.p[i + 2] == ']') {
			c = '.';
			i += 2;
		}
		if (!put(out, cap, &o, c))
			break;
	}
	out[o] = '\0';
	ug_sv r = ug_sv_make(out, o);
	if (defang && ug_sv_starts_with(r, UG_SV("hxxp"))) {
		out[1] = 't';
		out[2] = 't';
	}
	return r;
}

static ug_sv strip_prefix_nocase(ug_sv v, const char *p)
{
	ug_sv ps = ug_sv_from(p);
	return ug_sv_starts_with_nocase(v, ps) ? ug_sv_sub(v, ps.n, v.n) : v;
}

/* A domain as matched: no trailing dot, no ":port", no leading "*.". */
static ug_sv domain_trim(ug_sv d)
{
	d = ug_sv_trim(d);
	d = strip_prefix_nocase(d, "*.");
	size_t c = ug_sv_find_char(d, ':');
	if (c != SIZE_MAX && ug_sv_find_char(ug_sv_sub(d, c + 1, d.n), ':') == SIZE_MAX)
		d = ug_sv_sub(d, 0, c);
	while (d.n && d.p[d.n - 1] == '.')
		d.n--;
	return d;
}

/* A URL as matched: no scheme, no trailing '/'. */
static ug_sv url_trim(ug_sv u)
{
	u = ug_sv_trim(u);
	u = strip_prefix_nocase(u, "http://");
	u = strip_prefix_nocase(u, "https://");
	while (u.n > 1 && u.p[u.n - 1] == '/')
		u.n--;
	return u;
}

/* A registry path as matched: lower case, short hive names, a user's hive
 * as hkcu, control sets as currentcontrolset, no trailing '\'. */
static ug_sv reg_norm(ug_sv k, char *out, size_t cap)
{
	static const char *const hives[][2] = {
		{"\\registry\\machine\\", "hklm\\"},  {"hkey_local_machine\\", "hklm\\"},
		{"hkey_current_user\\", "hkcu\\"},    {"\\registry\\user\\", "hku\\"},
		{"hkey_users\\", "hku\\"},            {"hkey_classes_root\\", "hklm\\software\\classes\\"},
		{"hkcr\\", "hklm\\software\\classes\\"}, {"hku\\", "hku\\"},
	};
	k = ug_sv_trim(k);
	char tmp[KEY_MAX];
	ug_sv v = lower_into(k, tmp, sizeof(tmp), true, false);
	size_t o = 0;
	for (size_t i = 0; i < UG_ARRAY_LEN(hives); i++) {
		if (ug_sv_starts_with(v, ug_sv_from(hives[i][0]))) {
			for (const char *p = hives[i][1]; *p; p++)
				put(out, cap, &o, *p);
			v = ug_sv_sub(v, strlen(hives[i][0]), v.n);
			break;
		}
	}
	if (o == 4 && !memcmp(out, "hku\\", 4)) {
		/* hku\SID\rest -> hkcu\rest (and SID_Classes -> hkcu\software\classes) */
		if (ug_sv_starts_with(v, UG_SV("s-1-")) || ug_sv_starts_with(v, UG_SV(".default"))) {
			size_t e = ug_sv_find_char(v, '\\');
			ug_sv sid = ug_sv_sub(v, 0, e == SIZE_MAX ? v.n : e);
			o = 0;
			const char *h = ug_sv_ends_with(sid, UG_SV("_classes")) ? "hkcu\\software\\classes\\" : "hkcu\\";
			for (const char *p = h; *p; p++)
				put(out, cap, &o, *p);
			v = e == SIZE_MAX ? UG_SV_NULL : ug_sv_sub(v, e + 1, v.n);
		}
	}
	for (size_t i = 0; i < v.n; i++) {
		if (v.p[i] == '\\' && ug_sv_starts_with(ug_sv_sub(v, i, v.n), UG_SV("\\controlset0"))) {
			size_t j = i + 11;
			while (j < v.n && v.p[j] >= '0' && v.p[j] <= '9')
				j++;
			if (j < v.n && v.p[j] == '\\') {
				for (const char *p = "\\currentcontrolset"; *p; p++)
					put(out, cap, &o, *p);
				i = j - 1;
				continue;
			}
		}
		put(out, cap, &o, v.p[i]);
	}
	while (o > 1 && out[o - 1] == '\\')
		o--;
	out[o] = '\0';
	return ug_sv_make(out, o);
}

static bool all_hex(ug_sv v, size_t n)
{
	if (v.n != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = ug_ascii_lower(v.p[i]);
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

/* The matching key of an indicator in out, or a reason it is not one. */
static const char *ioc_key(const char *type, hu_ioc_class cls, ug_sv v, char *out, size_t cap,
                           ug_sv *key)
{
	char tmp[KEY_MAX];
	if (v.n >= KEY_MAX - 64)
		return "value too long";
	switch (cls) {
	case HU_IOC_HASH: {
		size_t want = !strcmp(type, "sha256") ? 64 : !strcmp(type, "sha1") ? 40 : 32;
		if (!all_hex(v, want))
			return want == 64 ? "not a SHA-256 (64 hex digits)"
			                  : want == 40 ? "not a SHA-1 (40 hex digits)" : "not an MD5 (32 hex digits)";
		*key = lower_into(v, out, cap, false, false);
		return NULL;
	}
	case HU_IOC_PATH:
		if (ug_sv_find_char(v, '\\') == SIZE_MAX && ug_sv_find_char(v, '/') == SIZE_MAX)
			return "a file-path needs a folder (use file-name for a bare name)";
		*key = lower_into(v, out, cap, true, false);
		return NULL;
	case HU_IOC_NAME:
		if (ug_sv_find_char(v, '\\') != SIZE_MAX || ug_sv_find_char(v, '/') != SIZE_MAX)
			return "a file-name has no folder (use file-path)";
		*key = lower_into(v, out, cap, false, false);
		return NULL;
	case HU_IOC_DOMAIN: {
		ug_sv d = domain_trim(lower_into(v, tmp, sizeof(tmp), false, true));
		if (!d.n || ug_sv_find_char(d, '.') == SIZE_MAX || ug_sv_find_char(d, '/') != SIZE_MAX ||
		    ug_sv_find_char(d, ' ') != SIZE_MAX)
			return "not a domain name";
		*key = lower_into(d, out, cap, false, false);
		return NULL;
	}
	case HU_IOC_IP: {
		ug_sv ip = lower_into(v, tmp, sizeof(tmp), false, true);
		if (ug_sv_ends_with(ip, UG_SV("/32")) || ug_sv_ends_with(ip, UG_SV("/128")))
			ip.n = ug_sv_rfind_char(ip, '/');
		tmp[ip.n] = '\0';
		unsigned char bin[16];
		bool v6 = !strcmp(type, "ipv6");
		if (inet_pton(v6 ? AF_INET6 : AF_INET, tmp, bin) != 1)
			return v6 ? "not an IPv6 address" : "not an IPv4 address";
		if (!inet_ntop(v6 ? AF_INET6 : AF_INET, bin, out, (socklen_t)cap))
			return "not an IP address";
		*key = ug_sv_from(out);
		return NULL;
	}
	case HU_IOC_URL: {
		ug_sv u = url_trim(lower_into(v, tmp, sizeof(tmp), false, true));
		if (u.n < 3 || ug_sv_find_char(u, ' ') != SIZE_MAX)
			return "not a URL";
		*key = lower_into(u, out, cap, false, false);
		return NULL;
	}
	case HU_IOC_TASK: {
		ug_sv t = ug_sv_trim(v);
		while (t.n && t.p[0] == '\\')
			t = ug_sv_sub(t, 1, t.n);
		if (!t.n)
			return "empty task name";
		*key = lower_into(t, out, cap, false, false);
		return NULL;
	}
	case HU_IOC_REG:
		*key = reg_norm(v, out, cap);
		return key->n ? NULL : "empty registry path";
	case HU_IOC_SVC:
		*key = lower_into(ug_sv_trim(v), out, cap, false, false);
		return key->n ? NULL : "empty service name";
	case HU_IOC__COUNT: break;
	}
	return "unknown type";
}

int hu_iocset_add(hu_iocset *s, const char *type, ug_sv value, ug_sv context, const char *origin,
                  const char **why)
{
	*why = NULL;
	size_t t = 0;
	while (t < UG_ARRAY_LEN(ioc_types) && !ug_sv_eq_nocase(ug_sv_from(type), ug_sv_from(ioc_types[t].type)))
		t++;
	if (t == UG_ARRAY_LEN(ioc_types)) {
		*why = "unknown type (sha256, md5, sha1, file-path, file-name, domain, ipv4, ipv6, url, "
		       "task-name, registry, service-name)";
		return UG_ERR_PARSE;
	}
	value = ug_sv_trim(value);
	if (!value.n) {
		*why = "empty value";
		return UG_ERR_PARSE;
	}
	hu_ioc_class cls = ioc_types[t].cls;
	char kb[KEY_MAX];
	ug_sv key;
	*why = ioc_key(ioc_types[t].type, cls, value, kb, sizeof(kb), &key);
	if (*why)
		return UG_ERR_PARSE;
	bool created = false;
	ug_map_entry *e = ug_map_upsert(&s->exact[cls], key, &created);
	if (!e) {
		*why = "out of memory";
		return UG_ERR_NOMEM;
	}
	if (!created)
		return UG_OK; /* listed twice: the first listing stands */
	hu_known_ioc ioc = {ioc_types[t].type, ug_arena_dup(&s->arena, value).p,
	                    ug_arena_dup(&s->arena, key).p, ug_arena_dup(&s->arena, ug_sv_trim(context)).p,
	                    ug_arena_strdup(&s->arena, origin), cls};
	if (!ioc.value || !ioc.key || !ioc.context || !ioc.origin || !HU_PUSH(s->v, s->n, s->cap, ioc)) {
		*why = "out of memory";
		return UG_ERR_NOMEM;
	}
	e->value = (void *)(uintptr_t)s->n;
	size_t ln = UG_MIN(key.n, 255);
	s->lens[cls][ln / 64] |= UINT64_C(1) << (ln % 64);
	if (cls == HU_IOC_PATH && (ug_sv_find_char(key, '*') != SIZE_MAX || ug_sv_find_char(key, '?') != SIZE_MAX) &&
	    !HU_PUSH(s->globs, s->nglobs, s->capglobs, s->n - 1)) {
		*why = "out of memory";
		return UG_ERR_NOMEM;
	}
	return UG_OK;
}

/* --- CSV: type,value[,context] with a header --- */

/* The next field of an RFC 4180 line (quotes doubled inside quotes) into buf. */
static bool csv_field(ug_sv *line, ug_buf *buf, const char **why)
{
	buf->len = 0;
	ug_sv l = *line;
	size_t i = 0;
	while (i < l.n && (l.p[i] == ' ' || l.p[i] == '\t'))
		i++;
	if (i < l.n && l.p[i] == '"') {
		for (i++;; i++) {
			if (i >= l.n) {
				*why = "unterminated quoted field";
				return false;
			}
			if (l.p[i] == '"') {
				if (i + 1 < l.n && l.p[i + 1] == '"') {
					ug_buf_putc(buf, '"');
					i++;
					continue;
				}
				i++;
				break;
			}
			ug_buf_putc(buf, l.p[i]);
		}
		while (i < l.n && (l.p[i] == ' ' || l.p[i] == '\t'))
			i++;
		if (i < l.n && l.p[i] != ',') {
			*why = "text after a closing quote";
			return false;
		}
	} else {
		size_t s = i;
		while (i < l.n && l.p[i] != ',')
			i++;
		ug_buf_append(buf, l.p + s, i - s);
	}
	*line = i < l.n ? ug_sv_sub(l, i + 1, l.n) : ug_sv_make(NULL, 0);
	if (i >= l.n)
		line->p = NULL; /* no more fields */
	return true;
}

static int csv_parse(hu_iocset *s, const char *name, ug_sv text, ug_error *err)
{
	int col_type = -1, col_value = -1, col_ctx = -1;
	bool header = false;
	ug_buf f = UG_BUF_INIT, ctx = UG_BUF_INIT, type = UG_BUF_INIT, value = UG_BUF_INIT;
	int rc = UG_OK;
	size_t lineno = 0;
	ug_sv rest = text;
	while (rc == UG_OK && rest.n) {
		ug_sv line = ug_sv_split_next(&rest, '\n');
		lineno++;
		if (line.n && line.p[line.n - 1] == '\r')
			line.n--;
		if (!ug_sv_trim(line).n || ug_sv_trim(line).p[0] == '#')
			continue;
		const char *why = NULL;
		type.len = value.len = ctx.len = 0;
		int col = 0;
		bool have_value = false;
		ug_sv l = line;
		while (l.p && col < 64) {
			if (!csv_field(&l, &f, &why))
				break;
			ug_sv fv = ug_sv_trim(ug_buf_sv(&f));
			if (!header) {
				if (ug_sv_eq_nocase(fv, UG_SV("type")))
					col_type = col;
				else if (ug_sv_eq_nocase(fv, UG_SV("value")) || ug_sv_eq_nocase(fv, UG_SV("indicator")))
					col_value = col;
				else if (ug_sv_eq_nocase(fv, UG_SV("context")) || ug_sv_eq_nocase(fv, UG_SV("source")) ||
				         ug_sv_eq_nocase(fv, UG_SV("description")) || ug_sv_eq_nocase(fv, UG_SV("comment")))
					col_ctx = col_ctx < 0 ? col : col_ctx;
			} else if (col == col_type) {
				ug_buf_append(&type, fv.p, fv.n);
			} else if (col == col_value) {
				ug_buf_append(&value, fv.p, fv.n);
				have_value = true;
			} else if (col == col_ctx) {
				ug_buf_append(&ctx, fv.p, fv.n);
			}
			col++;
		}
		if (!why && !header) {
			header = true;
			if (col_type < 0 || col_value < 0)
				why = "expected the header 'type,value[,context]' first";
		} else if (!why) {
			char origin[600];
			snprintf(origin, sizeof(origin), "%s:%zu", name, lineno);
			if (!have_value)
				why = "expected type,value[,context]";
			else
				rc = hu_iocset_add(s, ug_buf_cstr(&type), ug_buf_sv(&value), ug_buf_sv(&ctx), origin, &why);
		}
		if (why)
			rc = ug_error_set(err, rc == UG_ERR_NOMEM ? UG_ERR_NOMEM : UG_ERR_PARSE, "%s:%zu: %s%s%s%s",
			                  name, lineno, why, type.len ? " ('" : "", ug_buf_cstr(&type),
			                  type.len ? "')" : "");
	}
	if (rc == UG_OK && !header)
		rc = ug_error_set(err, UG_ERR_PARSE, "%s:1: empty IOC file (expected the header 'type,value[,context]')",
		                  name);
	ug_buf_free(&f);
	ug_buf_free(&ctx);
	ug_buf_free(&type);
	ug_buf_free(&value);
	return rc;
}

/* --- STIX 2.1: indicator objects with STIX patterns --- */

typedef struct stix_path {
	const char *path; /* object path, compared ignoring case and quotes */
	const char *type;
} stix_path;

static const stix_path stix_paths[] = {
	{"file:hashes.SHA-256", "sha256"}, {"file:hashes.SHA256", "sha256"},
	{"file:hashes.MD5", "md5"},        {"file:hashes.SHA-1", "sha1"},
	{"file:hashes.SHA1", "sha1"},      {"file:name", "file-name"},
	{"domain-name:value", "domain"},   {"ipv4-addr:value", "ipv4"},
	{"ipv6-addr:value", "ipv6"},       {"url:value", "url"},
	{"windows-registry-key:key", "registry"},
	{"process:name", "file-name"},
	{"file:parent_directory_ref.path", "directory"}, /* only with file:name (AND) */
};

static void skip_ws(ug_sv p, size_t *i)
{
	while (*i < p.n && (p.p[*i] == ' ' || p.p[*i] == '\t' || p.p[*i] == '\n' || p.p[*i] == '\r' ||
	                    p.p[*i] == '(' || p.p[*i] == ')'))
		(*i)++;
}

static bool word_at(ug_sv p, size_t i, const char *w)
{
	ug_sv ws = ug_sv_from(w);
	if (!ug_sv_starts_with_nocase(ug_sv_sub(p, i, p.n), ws))
		return false;
	size_t e = i + ws.n;
	return e >= p.n || p.p[e] == ' ' || p.p[e] == '\t' || p.p[e] == '[' || p.p[e] == '(';
}

/* One comparison "path = 'literal'" at *i: the type of its object path (NULL
 * when the path is valid STIX but not sweepable) and the decoded literal. */
static const char *stix_cmp(ug_sv p, size_t *i, ug_buf *lit, const char **type)
{
	char path[128];
	size_t pn = 0;
	while (*i < p.n && p.p[*i] != ' ' && p.p[*i] != '\t' && p.p[*i] != '=' && p.p[*i] != '!' &&
	       p.p[*i] != '<' && p.p[*i] != '>' && p.p[*i] != ']') {
		char c = p.p[(*i)++];
		if (c != '\'' && pn + 1 < sizeof(path))
			path[pn++] = c; /* hashes.'SHA-256' -> hashes.SHA-256 */
	}
	path[pn] = '\0';
	if (!pn || !strchr(path, ':'))
		return "expected an object path like file:name";
	skip_ws(p, i);
	if (*i >= p.n || p.p[*i] != '=')
		return "only '=' comparisons are supported";
	(*i)++;
	skip_ws(p, i);
	if (*i >= p.n || p.p[*i] != '\'')
		return "expected a quoted string after '='";
	lit->len = 0;
	for ((*i)++;; (*i)++) {
		if (*i >= p.n)
			return "unterminated string";
		char c = p.p[*i];
		if (c == '\\' && *i + 1 < p.n && (p.p[*i + 1] == '\'' || p.p[*i + 1] == '\\')) {
			ug_buf_putc(lit, p.p[++(*i)]);
			continue;
		}
		if (c == '\'') {
			(*i)++;
			break;
		}
		ug_buf_putc(lit, c);
	}
	*type = NULL;
	for (size_t k = 0; k < UG_ARRAY_LEN(stix_paths); k++)
		if (ug_sv_eq_nocase(ug_sv_from(path), ug_sv_from(stix_paths[k].path)))
			*type = stix_paths[k].type;
	return NULL;
}

/* The comparisons of one observation expression, [a = 'x' OR b = 'y'] or
 * [a = 'x' AND b = 'y'] (not both kinds in one). */
#define STIX_GROUP_MAX 16
typedef struct stix_group {
	const char *type[STIX_GROUP_MAX]; /* NULL: a path the sweep cannot match */
	char *value[STIX_GROUP_MAX];
	size_t n;
	bool and, or;
} stix_group;

static void group_free(stix_group *g)
{
	for (size_t k = 0; k < g->n; k++)
		free(g->value[k]);
	g->n = 0;
}

static const char *group_parse(stix_group *g, ug_sv p, size_t *i, ug_buf *lit)
{
	for (;;) {
		skip_ws(p, i);
		const char *type = NULL;
		const char *why = stix_cmp(p, i, lit, &type);
		if (why)
			return why;
		if (g->n == STIX_GROUP_MAX)
			return "more than 16 comparisons in one observation";
		g->type[g->n] = type;
		g->value[g->n] = strndup(ug_buf_cstr(lit), lit->len);
		if (!g->value[g->n])
			return "out of memory";
		g->n++;
		skip_ws(p, i);
		if (*i < p.n && p.p[*i] == ']') {
			(*i)++;
			return g->and && g->or ? "AND and OR mixed inside one observation" : NULL;
		}
		bool and = word_at(p, *i, "AND");
		if (!and && !word_at(p, *i, "OR"))
			return "expected AND, OR or ']'";
		if (and)
			g->and = true;
		else
			g->or = true;
		*i += and ? 3 : 2;
	}
}

static bool is_hash(const char *type)
{
	return type && (!strcmp(type, "sha256") || !strcmp(type, "md5") || !strcmp(type, "sha1"));
}

/* Add what an observation matches. OR: each comparison on its own. AND: the
 * comparisons describe one object, and the sweep matches single values, so
 * only what cannot match more widely than the AND is swept for: file:name
 * with its directory (one file path, nothing else asked), or the hashes (as
 * specific as it gets); an AND with a comparison the sweep cannot test is
 * skipped, never widened. */
static int group_add(hu_iocset *s, const stix_group *g, ug_sv ctx, const char *origin, size_t *added,
                     size_t *skipped, const char **why)
{
	int name = -1, dir = -1;
	bool hash = false;
	for (size_t k = 0; g->and && k < g->n; k++) {
		if (g->type[k] && !strcmp(g->type[k], "file-name"))
			name = (int)k;
		else if (g->type[k] && !strcmp(g->type[k], "directory"))
			dir = (int)k;
		hash |= is_hash(g->type[k]);
	}
	bool path = name >= 0 && dir >= 0 && g->n == 2;
	if (g->and && !hash && !path) {
		(*skipped)++;
		return UG_OK;
	}
	if (g->and && path) {
		ug_buf path = UG_BUF_INIT;
		ug_buf_printf(&path, "%s\\%s", g->value[dir], g->value[name]);
		int rc = hu_iocset_add(s, "file-path", ug_buf_sv(&path), ctx, origin, why);
		ug_buf_free(&path);
		*added += rc == UG_OK;
		return rc;
	}
	for (size_t k = 0; k < g->n; k++) {
		if (!g->type[k] || !strcmp(g->type[k], "directory") || (hash && !is_hash(g->type[k]))) {
			(*skipped)++;
			continue;
		}
		int rc = hu_iocset_add(s, g->type[k], ug_sv_from(g->value[k]), ctx, origin, why);
		if (rc != UG_OK)
			return rc;
		(*added)++;
	}
	return UG_OK;
}

/* A pattern: [a = 'x' OR b = 'y'] OR [c = 'z' AND d = 'w'] ... */
static const char *stix_pattern(hu_iocset *s, ug_sv p, ug_sv ctx, const char *origin, size_t *added,
                                size_t *skipped, int *rc)
{
	ug_buf lit = UG_BUF_INIT;
	const char *why = NULL;
	size_t i = 0;
	skip_ws(p, &i);
	while (!why && i < p.n) {
		if (p.p[i] != '[') {
			why = "expected '[' to open an observation expression";
			break;
		}
		i++;
		stix_group g = {0};
		why = group_parse(&g, p, &i, &lit);
		if (!why)
			*rc = group_add(s, &g, ctx, origin, added, skipped, &why);
		group_free(&g);
		if (why || *rc != UG_OK)
			break;
		skip_ws(p, &i);
		if (i >= p.n)
			break;
		if (word_at(p, i, "OR")) {
			i += 2;
			skip_ws(p, &i);
			continue;
		}
		why = word_at(p, i, "AND") || word_at(p, i, "FOLLOWEDBY")
		          ? "AND/FOLLOWEDBY between observations is not supported (use OR)"
		          : "qualifiers (WITHIN, REPEATS, START/STOP) are not supported";
	}
	ug_buf_free(&lit);
	if (why && *rc == UG_OK)
		*rc = UG_ERR_PARSE;
	return why;
}

static size_t line_of(ug_sv text, const char *at)
{
	size_t line = 1;
	for (const char *p = text.p; p < at && p < text.p + text.n; p++)
		line += *p == '\n';
	return line;
}

static int stix_parse(hu_iocset *s, const char *name, ug_sv text, ug_error *err)
{
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	ug_arena ar;
	ug_arena_init(&ar, 16 << 10);
	int rc = ug_json_parse(&doc, text);
	if (rc != UG_OK) {
		rc = rc == UG_ERR_NOMEM ? rc
		                        : ug_error_set(err, UG_ERR_PARSE, "%s:%zu: not valid JSON: %s", name,
		                                       line_of(text, text.p + UG_MIN(doc.err_offset, text.n)),
		                                       doc.err_reason ? doc.err_reason : "syntax error");
		goto out;
	}
	uint32_t objs = ug_json_get(&doc, 0, UG_SV("objects"));
	ug_sv btype = ug_json_scalar_text(&doc.toks[ug_json_get(&doc, 0, UG_SV("type"))], &ar);
	if (doc.toks[0].type != UG_JSON_OBJECT || !objs || doc.toks[objs].type != UG_JSON_ARRAY ||
	    !ug_sv_eq(btype, UG_SV("bundle"))) {
		rc = ug_error_set(err, UG_ERR_PARSE, "%s:1: not a STIX 2.1 bundle (expected {\"type\": \"bundle\", "
		                  "\"objects\": [...]})", name);
		goto out;
	}
	size_t added = 0, skipped = 0, n = 0;
	for (uint32_t i = objs + 1; rc == UG_OK && i < doc.toks[objs].end; i = doc.toks[i].end) {
		n++;
		if (doc.toks[i].type != UG_JSON_OBJECT)
			continue;
		uint32_t t = ug_json_get(&doc, i, UG_SV("type"));
		if (!t || !ug_sv_eq(ug_json_scalar_text(&doc.toks[t], &ar), UG_SV("indicator")))
			continue;
		uint32_t pt = ug_json_get(&doc, i, UG_SV("pattern_type"));
		if (pt && !ug_sv_eq(ug_json_scalar_text(&doc.toks[pt], &ar), UG_SV("stix"))) {
			skipped++; /* a Sigma/YARA/... pattern: not ours to sweep */
			continue;
		}
		size_t line = line_of(text, doc.toks[i].raw.p);
		uint32_t pat = ug_json_get(&doc, i, UG_SV("pattern"));
		const char *why = NULL;
		if (!pat || doc.toks[pat].type != UG_JSON_STRING) {
			why = "indicator without a pattern";
			rc = UG_ERR_PARSE;
		} else {
			uint32_t nm = ug_json_get(&doc, i, UG_SV("name"));
			if (!nm)
				nm = ug_json_get(&doc, i, UG_SV("description"));
			ug_sv ctx = nm ? ug_json_scalar_text(&doc.toks[nm], &ar) : UG_SV_NULL;
			char origin[600];
			snprintf(origin, sizeof(origin), "%s:%zu (object %zu)", name, line, n);
			why = stix_pattern(s, ug_json_string(&doc.toks[pat], &ar), ctx, origin, &added, &skipped, &rc);
		}
		if (why)
			rc = ug_error_set(err, rc == UG_ERR_NOMEM ? rc : UG_ERR_PARSE, "%s:%zu: object %zu: %s", name, line,
			                  n, why);
	}
	s->skipped += skipped;
out:
	ug_arena_free(&ar);
	ug_json_doc_free(&doc);
	return rc;
}

int hu_iocset_parse(hu_iocset *s, const char *name, ug_sv text, ug_error *err)
{
	size_t i = 0;
	if (text.n >= 3 && !memcmp(text.p, "\xef\xbb\xbf", 3))
		i = 3; /* BOM */
	ug_sv t = ug_sv_sub(text, i, text.n);
	ug_sv lead = ug_sv_trim(t);
	if (lead.n && lead.p[0] == '{')
		return stix_parse(s, name, t, err);
	return csv_parse(s, name, t, err);
}

int hu_iocset_load(hu_iocset *s, const char *path, ug_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ug_error_set(err, errno == ENOENT ? UG_ERR_NOTFOUND : UG_ERR_IO, "--iocs %s: %s", path,
		                    strerror(errno));
	ug_buf b = UG_BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len <= IOC_FILE_MAX)
		ug_buf_append(&b, chunk, n);
	bool bad = ferror(f) != 0;
	fclose(f);
	int rc;
	if (bad)
		rc = ug_error_set(err, UG_ERR_IO, "--iocs %s: read error", path);
	else if (b.len > IOC_FILE_MAX)
		rc = ug_error_set(err, UG_ERR_PARSE, "%s:1: larger than 256 MiB: not an IOC list", path);
	else if (b.oom)
		rc = ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	else
		rc = hu_iocset_parse(s, path, ug_buf_sv(&b), err);
	ug_buf_free(&b);
	return rc;
}

/* --- matching one event --- */

typedef struct matcher {
	const hu_iocset *s;
	const ug_event *ev;
	hu_ioc_hit_fn fn;
	void *user;
	size_t hits;
} matcher;

static void hit(matcher *m, hu_ioc_class cls, ug_sv key, const char *field, ug_sv raw)
{
	size_t ln = UG_MIN(key.n, 255);
	if (!key.n || !(m->s->lens[cls][ln / 64] >> (ln % 64) & 1))
		return;
	size_t idx = (size_t)(uintptr_t)ug_map_get(&m->s->exact[cls], key);
	if (idx) {
		m->fn(m->user, &m->s->v[idx - 1], field, raw);
		m->hits++;
	}
}

static void match_hashes(matcher *m, ug_sv v)
{
	while (v.n) {
		ug_sv part = ug_sv_trim(ug_sv_split_next(&v, ','));
		size_t eq = ug_sv_find_char(part, '=');
		hit(m, HU_IOC_HASH, eq == SIZE_MAX ? part : ug_sv_sub(part, eq + 1, part.n), "Hashes", part);
	}
}

static void match_path(matcher *m, ug_sv v, const char *field)
{
	if (!v.n)
		return;
	hit(m, HU_IOC_PATH, v, field, v);
	hit(m, HU_IOC_NAME, ug_path_basename(v), field, v);
	for (size_t i = 0; i < m->s->nglobs; i++) {
		const hu_known_ioc *ioc = &m->s->v[m->s->globs[i]];
		if (ug_glob_match_nocase(ug_sv_from(ioc->key), v)) {
			m->fn(m->user, ioc, field, v);
			m->hits++;
		}
	}
}

static void match_domain(matcher *m, ug_sv v, const char *field)
{
	ug_sv d = domain_trim(v);
	for (int depth = 0; d.n && depth < 16; depth++) {
		hit(m, HU_IOC_DOMAIN, d, field, v);
		size_t dot = ug_sv_find_char(d, '.');
		if (dot == SIZE_MAX)
			break;
		d = ug_sv_sub(d, dot + 1, d.n);
	}
}

static void match_ip(matcher *m, ug_sv v, const char *field)
{
	v = ug_sv_trim(v);
	v = strip_prefix_nocase(v, "::ffff:");
	hit(m, HU_IOC_IP, v, field, v);
}

/* QueryResults: "type:  5 cname.example;::ffff:198.51.100.7;" and other lists. */
static void match_ip_list(matcher *m, ug_sv v, const char *field)
{
	size_t i = 0;
	while (i < v.n) {
		while (i < v.n && (v.p[i] == ';' || v.p[i] == ',' || v.p[i] == ' ' || v.p[i] == '|'))
			i++;
		size_t s = i;
		while (i < v.n && v.p[i] != ';' && v.p[i] != ',' && v.p[i] != ' ' && v.p[i] != '|')
			i++;
		if (i > s)
			match_ip(m, ug_sv_sub(v, s, i - s), field);
	}
}

static void match_url(matcher *m, ug_sv uri, ug_sv host)
{
	char buf[KEY_MAX];
	ug_sv u = uri;
	if (uri.n && uri.p[0] == '/' && host.n && host.n + uri.n < sizeof(buf)) {
		memcpy(buf, host.p, host.n);
		memcpy(buf + host.n, uri.p, uri.n);
		u = ug_sv_make(buf, host.n + uri.n);
	}
	u = url_trim(u);
	hit(m, HU_IOC_URL, u, "c-uri", uri);
	size_t q = ug_sv_find_char(u, '?');
	if (q != SIZE_MAX) {
		ug_sv noq = ug_sv_sub(u, 0, q);
		while (noq.n > 1 && noq.p[noq.n - 1] == '/')
			noq.n--;
		hit(m, HU_IOC_URL, noq, "c-uri", uri);
	}
}

static void match_task(matcher *m, ug_sv t, const char *field, ug_sv raw)
{
	t = ug_sv_trim(t);
	while (t.n && t.p[0] == '\\')
		t = ug_sv_sub(t, 1, t.n);
	hit(m, HU_IOC_TASK, t, field, raw);
}

/* The value after "/tn" in a schtasks command line ("/TN name" or /TN "a b"). */
static ug_sv tn_value(ug_sv cmd)
{
	size_t i = ug_sv_find_nocase(cmd, UG_SV("/tn "));
	if (i == SIZE_MAX)
		return UG_SV_NULL;
	ug_sv rest = ug_sv_trim(ug_sv_sub(cmd, i + 4, cmd.n));
	if (rest.n && rest.p[0] == '"') {
		rest = ug_sv_sub(rest, 1, rest.n);
		size_t q = ug_sv_find_char(rest, '"');
		return ug_sv_sub(rest, 0, q == SIZE_MAX ? rest.n : q);
	}
	size_t sp = ug_sv_find_char(rest, ' ');
	return ug_sv_sub(rest, 0, sp == SIZE_MAX ? rest.n : sp);
}

static void match_registry(matcher *m, ug_sv key)
{
	char buf[KEY_MAX];
	ug_sv k = reg_norm(key, buf, sizeof(buf));
	/* the key and every key above it (a listed key covers its values and subkeys) */
	for (int depth = 0; k.n > 5 && depth < 32; depth++) {
		hit(m, HU_IOC_REG, k, "TargetObject", key);
		size_t s = ug_sv_rfind_char(k, '\\');
		if (s == SIZE_MAX)
			break;
		k = ug_sv_sub(k, 0, s);
	}
}

size_t hu_iocset_match(const hu_iocset *s, const ug_event *ev, hu_ioc_hit_fn fn, void *user)
{
	matcher m = {s, ev, fn, user, 0};
	if (s->exact[HU_IOC_HASH].count)
		match_hashes(&m, ug_event_get(ev, UG_F_HASHES));
	if (s->exact[HU_IOC_PATH].count || s->exact[HU_IOC_NAME].count || s->nglobs) {
		match_path(&m, ug_event_get(ev, UG_F_IMAGE), "Image");
		match_path(&m, ug_event_get(ev, UG_F_TARGET_FILENAME), "TargetFilename");
		match_path(&m, ug_event_get(ev, UG_F_IMAGE_LOADED), "ImageLoaded");
		match_path(&m, ug_event_get(ev, UG_F_PARENT_IMAGE), "ParentImage");
		match_path(&m, ug_event_get(ev, UG_F_NEW_PROCESS_NAME), "NewProcessName");
		match_path(&m, ug_event_get(ev, UG_F_PARENT_PROCESS_NAME), "ParentProcessName");
	}
	if (s->exact[HU_IOC_DOMAIN].count) {
		match_domain(&m, ug_event_get(ev, UG_F_QUERY_NAME), "QueryName");
		match_domain(&m, ug_event_get(ev, UG_F_DESTINATION_HOSTNAME), "DestinationHostname");
		match_domain(&m, ug_event_get(ev, UG_F_CS_HOST), "cs-host");
	}
	if (s->exact[HU_IOC_IP].count) {
		match_ip(&m, ug_event_get(ev, UG_F_DESTINATION_IP), "DestinationIp");
		match_ip(&m, ug_event_get(ev, UG_F_SOURCE_IP), "SourceIp");
		match_ip_list(&m, ug_event_get(ev, UG_F_QUERY_RESULTS), "QueryResults");
	}
	if (s->exact[HU_IOC_URL].count) {
		ug_sv uri = ug_event_get(ev, UG_F_C_URI);
		if (uri.n)
			match_url(&m, uri, domain_trim(ug_event_get(ev, UG_F_CS_HOST)));
	}
	if (s->exact[HU_IOC_TASK].count) {
		ug_sv tn = ug_event_get(ev, UG_F_TASK_NAME);
		if (tn.n)
			match_task(&m, tn, "TaskName", tn);
		ug_sv img = ug_event_get(ev, UG_F_IMAGE);
		if (!img.n)
			img = ug_event_get(ev, UG_F_NEW_PROCESS_NAME);
		if (ug_sv_eq_nocase(ug_path_basename(img), UG_SV("schtasks.exe"))) {
			ug_sv cmd = ug_event_get(ev, UG_F_COMMAND_LINE);
			match_task(&m, tn_value(cmd), "CommandLine", cmd);
		}
		ug_sv tf = ug_event_get(ev, UG_F_TARGET_FILENAME);
		size_t t = ug_sv_find_nocase(tf, UG_SV("\\system32\\tasks\\"));
		if (t != SIZE_MAX)
			match_task(&m, ug_sv_sub(tf, t + 15, tf.n), "TargetFilename", tf);
	}
	if (s->exact[HU_IOC_REG].count) {
		ug_sv k = ug_event_get(ev, UG_F_TARGET_OBJECT);
		if (k.n)
			match_registry(&m, k);
	}
	if (s->exact[HU_IOC_SVC].count) {
		ug_sv sv = ug_event_get(ev, UG_F_SERVICE_NAME);
		if (sv.n)
			hit(&m, HU_IOC_SVC, ug_sv_trim(sv), "ServiceName", sv);
	}
	return m.hits;
}

/* --- the sweep over the hunt's input --- */

typedef struct sw_hit {
	const char *host;      /* in the run's arena */
	uint32_t ioc;
	uint64_t count;
	ug_time first, last;
	ug_prov prov;          /* the earliest hit */
	const char *field;     /* static */
	const char *raw;       /* the value as the log wrote it (run's arena) */
} sw_hit;

typedef struct sweep {
	hu_run *r;
	hu_iocset set;
	sw_hit *hits;
	size_t nhits, caphits;
	ug_map by_key;         /* host '\0' ioc index -> hit index + 1 */
	const ug_event *ev;
	bool oom;
} sweep;

/* The host an event belongs to: endpoint events name it; network events by
 * their client address at that time (or the address itself). */
static ug_sv sweep_host(hu_run *r, const ug_event *ev)
{
	if (hu_is_endpoint(ev) && ev->host.n)
		return ev->host;
	ug_sv ip = ug_event_get(ev, UG_F_SOURCE_IP);
	if (!ip.n)
		ip = ug_event_get(ev, UG_F_C_IP);
	if (!ip.n)
		return ev->host;
	hu_host *h = hu_ipmap_lookup(r, ip, ev->ts);
	return h ? ug_sv_from(h->name) : ip;
}

static void on_hit(void *user, const hu_known_ioc *ioc, const char *field, ug_sv raw)
{
	sweep *sw = user;
	const ug_event *ev = sw->ev;
	ug_sv host = sweep_host(sw->r, ev);
	if (!host.n)
		return;
	uint32_t idx = (uint32_t)(ioc - sw->set.v);
	char key[600];
	size_t kn = UG_MIN(host.n, sizeof(key) - 8);
	memcpy(key, host.p, kn);
	key[kn++] = '\0';
	memcpy(key + kn, &idx, sizeof(idx));
	kn += sizeof(idx);
	bool created = false;
	ug_map_entry *e = ug_map_upsert(&sw->by_key, ug_sv_make(key, kn), &created);
	if (!e) {
		sw->oom = true;
		return;
	}
	if (created) {
		sw_hit h = {hu_strdup(sw->r, host), idx, 0, ev->ts, ev->ts, {ev->source, ev->record}, field,
		            hu_strdup(sw->r, ug_sv_make(raw.p, UG_MIN(raw.n, 1000)))};
		if (!h.host || !h.raw || !HU_PUSH(sw->hits, sw->nhits, sw->caphits, h)) {
			sw->oom = true;
			return;
		}
		e->value = (void *)(uintptr_t)sw->nhits;
	}
	sw_hit *h = &sw->hits[(size_t)(uintptr_t)e->value - 1];
	h->count++;
	if (ev->ts != UG_TIME_INVALID) {
		if (h->first == UG_TIME_INVALID || ev->ts < h->first) {
			h->first = ev->ts;
			h->prov = (ug_prov){ev->source, ev->record};
			h->field = field;
		}
		if (h->last == UG_TIME_INVALID || ev->ts > h->last)
			h->last = ev->ts;
	}
}

static int sweep_event(const ug_event *ev, void *user)
{
	sweep *sw = user;
	sw->ev = ev;
	hu_iocset_match(&sw->set, ev, on_hit, sw);
	return sw->oom ? 1 : 0;
}

/* --- matching in the reader's workers (workers.c), noting in the consumer --- */

typedef struct collector {
	const hu_iocset *set;
	hu_ioc_found *out;
	size_t cap, n;
} collector;

static void collect(void *user, const hu_known_ioc *ioc, const char *field, ug_sv raw)
{
	collector *c = user;
	if (c->n < c->cap)
		c->out[c->n] = (hu_ioc_found){(uint32_t)(ioc - c->set->v), field, raw};
	c->n++;
}

size_t hu_sweep_match(const hu_run *r, const ug_event *ev, hu_ioc_found *out, size_t cap)
{
	if (!r->sweep || !r->sweeping)
		return 0;
	collector c = {&r->sweep->set, out, cap, 0};
	hu_iocset_match(c.set, ev, collect, &c);
	return c.n;
}

int hu_sweep_take(hu_run *r, const ug_event *ev, const hu_ioc_found *f, size_t n, size_t cap)
{
	sweep *sw = r->sweep;
	if (!sw || !n)
		return 0;
	if (n > cap) /* more than the worker could hand on: match again here */
		return sweep_event(ev, sw);
	sw->ev = ev;
	for (size_t i = 0; i < n; i++)
		on_hit(sw, &sw->set.v[f[i].ioc], f[i].field, f[i].raw);
	return sw->oom ? 1 : 0;
}

static int hit_cmp(const void *a, const void *b)
{
	const sw_hit *x = a, *y = b;
	int c = strcmp(x->host, y->host);
	if (c)
		return c;
	return x->first < y->first ? -1 : x->first > y->first;
}

static int host_cmp(const void *a, const void *b)
{
	const ug_host_result *x = a, *y = b;
	if (x->verdict != y->verdict)
		return x->verdict > y->verdict ? -1 : 1;
	return strcmp(x->host, y->host);
}

static int ioc_cmp(const void *x, const void *y)
{
	const ug_ioc *a = x, *b = y;
	if (a->hosts != b->hosts)
		return a->hosts > b->hosts ? -1 : 1;
	int c = strcmp(a->type, b->type);
	return c ? c : strcmp(a->value, b->value);
}

static const char *summary_of(hu_run *r, const hu_known_ioc *ioc, const sw_hit *h)
{
	ug_buf b = UG_BUF_INIT;
	char t1[UG_TIME_BUFSZ], t2[UG_TIME_BUFSZ];
	ug_buf_printf(&b, "known indicator %s %s", ioc->type, ioc->value);
	if (ioc->context[0])
		ug_buf_printf(&b, " (%s)", ioc->context);
	ug_buf_printf(&b, ", listed in %s; in %s: %llu hit(s)", ioc->origin, h->field,
	              (unsigned long long)h->count);
	if (h->first != UG_TIME_INVALID) {
		ug_time_format(h->first, 0, t1);
		ug_time_format(h->last, 0, t2);
		ug_buf_printf(&b, h->first == h->last ? " at %s" : " from %s to %s", t1, t2);
	}
	const char *s = hu_strdup(r, ug_buf_sv(&b));
	ug_buf_free(&b);
	return s;
}

/* The hosts of the result by name; hosts only the sweep saw are added. */
static ug_host_result *result_host(hu_run *r, ug_map *idx, const char *name, size_t *cap)
{
	ug_hunt_result *res = r->res;
	size_t i = (size_t)(uintptr_t)ug_map_get(idx, ug_sv_from(name));
	if (i)
		return &res->hosts[i - 1];
	if (res->nhosts + 1 >= *cap) {
		size_t nc = (*cap ? *cap : 8) * 2;
		ug_host_result *nh = ug_arena_calloc(&r->arena, nc, sizeof(*nh));
		if (!nh)
			return NULL;
		if (res->nhosts)
			memcpy(nh, res->hosts, res->nhosts * sizeof(*nh));
		res->hosts = nh;
		*cap = nc;
	}
	ug_host_result *hr = &res->hosts[res->nhosts++];
	memset(hr, 0, sizeof(*hr));
	hr->host = name;
	hr->ips = ug_ip_is_literal(ug_sv_from(name)) ? name : "";
	hr->verdict = UG_VERDICT_NO_DELIVERY;
	hr->explanation = "No delivery of the product was seen for this host.";
	hr->deliveries = ug_arena_calloc(&r->arena, 1, sizeof(ug_delivery));
	hr->evidence = ug_arena_calloc(&r->arena, 1, sizeof(ug_evidence));
	if (!hr->deliveries || !hr->evidence || ug_map_put(idx, ug_sv_from(name), (void *)(uintptr_t)res->nhosts) != UG_OK)
		return NULL;
	return hr;
}

/* Evidence for the hits h[0..n) of one host, and its verdict raised. */
static int host_hits(hu_run *r, sweep *sw, ug_host_result *hr, const sw_hit *h, size_t n,
                     const uint32_t *ioc_hosts)
{
	ug_evidence *ev = ug_arena_calloc(&r->arena, hr->nevidence + n + 1, sizeof(*ev));
	if (!ev)
		return UG_ERR_NOMEM;
	if (hr->nevidence)
		memcpy(ev, hr->evidence, hr->nevidence * sizeof(*ev));
	ug_buf b = UG_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const hu_known_ioc *ioc = &sw->set.v[h[i].ioc];
		ug_evidence *e = &ev[hr->nevidence++];
		e->time = h[i].first;
		e->kind = "known-ioc";
		e->technique = hu_ioc_technique(ioc);
		e->summary = summary_of(r, ioc, &h[i]);
		e->value = h[i].raw;
		e->pattern = hu_strdup(r, ug_sv_from(ioc->key));
		e->lineage = false;
		e->fleet_hosts = ioc_hosts[h[i].ioc];
		e->baseline_hosts = 0;
		e->weight = 0;
		e->prov = h[i].prov;
		if (i < 3)
			ug_buf_printf(&b, "%s%s %s (%llu hit(s))", i ? ", " : "", ioc->type, ioc->value,
			              (unsigned long long)h[i].count);
	}
	if (n > 3)
		ug_buf_printf(&b, " and %zu more", n - 3);
	hr->evidence = ev;
	ug_buf e2 = UG_BUF_INIT;
	ug_buf_puts(&e2, hr->explanation ? hr->explanation : "");
	if (hr->verdict == UG_VERDICT_NO_DELIVERY || hr->verdict == UG_VERDICT_CLEAN) {
		hr->verdict = UG_VERDICT_SUSPICIOUS;
		ug_buf_printf(&e2, " Raised to suspicious: known indicator(s) seen on this host: %s.", ug_buf_cstr(&b));
	} else {
		ug_buf_printf(&e2, " Known indicator(s) seen on this host: %s.", ug_buf_cstr(&b));
	}
	hr->explanation = hu_strdup(r, ug_buf_sv(&e2));
	ug_buf_free(&e2);
	ug_buf_free(&b);
	return UG_OK;
}

/* The indicators that hit join the result's list (merged with an extracted
 * one of the same type and value), with the number of hosts they hit. */
static int add_iocs(hu_run *r, sweep *sw, const uint32_t *ioc_hosts, const ug_prov *ioc_prov)
{
	ug_hunt_result *res = r->res;
	size_t extra = 0;
	for (size_t i = 0; i < sw->set.n; i++)
		extra += ioc_hosts[i] > 0;
	if (!extra)
		return UG_OK;
	ug_ioc *v = ug_arena_calloc(&r->arena, res->niocs + extra + 1, sizeof(*v));
	if (!v)
		return UG_ERR_NOMEM;
	if (res->niocs)
		memcpy(v, res->iocs, res->niocs * sizeof(*v));
	size_t n = res->niocs;
	for (size_t i = 0; i < sw->set.n; i++) {
		if (!ioc_hosts[i])
			continue;
		const hu_known_ioc *ioc = &sw->set.v[i];
		ug_buf b = UG_BUF_INIT;
		ug_buf_printf(&b, "known indicator%s%s, listed in %s", ioc->context[0] ? ": " : "", ioc->context,
		              ioc->origin);
		const char *ctx = hu_strdup(r, ug_buf_sv(&b));
		ug_buf_free(&b);
		size_t k = 0;
		while (k < res->niocs && !(!strcmp(v[k].type, ioc->type) &&
		                           ug_sv_eq_nocase(ug_sv_from(v[k].value), ug_sv_from(ioc->value))))
			k++;
		if (k < res->niocs) {
			v[k].hosts = UG_MAX(v[k].hosts, ioc_hosts[i]);
			v[k].context = ctx;
			continue;
		}
		v[n++] = (ug_ioc){ioc->type, hu_strdup(r, ug_sv_from(ioc->value)), ioc_hosts[i], ctx, ioc_prov[i]};
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), ioc_cmp);
	res->iocs = v;
	res->niocs = n;
	return UG_OK;
}

static int report(hu_run *r, sweep *sw)
{
	ug_hunt_result *res = r->res;
	uint32_t *ioc_hosts = calloc(sw->set.n + 1, sizeof(*ioc_hosts));
	ug_prov *ioc_prov = calloc(sw->set.n + 1, sizeof(*ioc_prov));
	ug_time *ioc_first = calloc(sw->set.n + 1, sizeof(*ioc_first));
	ug_map idx;
	ug_map_init(&idx, false);
	int rc = ioc_hosts && ioc_prov && ioc_first ? UG_OK : UG_ERR_NOMEM;
	for (size_t i = 0; rc == UG_OK && i < sw->nhits; i++) {
		const sw_hit *h = &sw->hits[i];
		if (!ioc_hosts[h->ioc]++ || (h->first != UG_TIME_INVALID && h->first < ioc_first[h->ioc])) {
			ioc_first[h->ioc] = h->first;
			ioc_prov[h->ioc] = h->prov;
		}
	}
	if (rc == UG_OK && sw->nhits > 1)
		qsort(sw->hits, sw->nhits, sizeof(*sw->hits), hit_cmp);
	for (size_t i = 0; rc == UG_OK && i < res->nhosts; i++)
		rc = ug_map_put(&idx, ug_sv_from(res->hosts[i].host), (void *)(uintptr_t)(i + 1));
	size_t cap = res->nhosts + 1; /* hu_verdicts allocated nhosts + 1 */
	for (size_t i = 0; rc == UG_OK && i < sw->nhits;) {
		size_t j = i + 1;
		while (j < sw->nhits && !strcmp(sw->hits[j].host, sw->hits[i].host))
			j++;
		ug_host_result *hr = result_host(r, &idx, sw->hits[i].host, &cap);
		rc = hr ? host_hits(r, sw, hr, sw->hits + i, j - i, ioc_hosts) : UG_ERR_NOMEM;
		i = j;
	}
	if (rc == UG_OK && res->nhosts > 1)
		qsort(res->hosts, res->nhosts, sizeof(*res->hosts), host_cmp);
	if (rc == UG_OK)
		rc = add_iocs(r, sw, ioc_hosts, ioc_prov);
	ug_map_free(&idx);
	free(ioc_hosts);
	free(ioc_prov);
	free(ioc_first);
	return rc;
}

/* The profile's published indicators (a malformed one is skipped with a warning). */
static void profile_iocs(hu_run *r, hu_iocset *s)
{
	for (size_t i = 0; i < r->prof->niocs; i++) {
		const ug_profile_ioc *pi = &r->prof->iocs[i];
		char origin[300], ctx[400];
		snprintf(origin, sizeof(origin), "profile %s", r->prof->name && *r->prof->name ? r->prof->name : "(ad hoc)");
		snprintf(ctx, sizeof(ctx), "%s%s", pi->source ? pi->source : "", pi->confirmed ? "" : ", unconfirmed");
		const char *why = NULL;
		if (hu_iocset_add(s, pi->type, ug_sv_from(pi->value), ug_sv_from(ctx), origin, &why) != UG_OK)
			ug_log_warn(r->ctx, "profile IOC %s '%s' is not swept for: %s", pi->type, pi->value, why);
	}
}

/* A file name or path that is one of the product's own updaters (eScan's
 * Reload.exe) cannot tell the trojanised file from the genuine one: every
 * host that updates shows it. Such indicators are not swept for (their
 * hashes are); the rest stand. */
static void drop_updater_names(hu_run *r, hu_iocset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const hu_known_ioc *ioc = &s->v[i];
		if ((ioc->cls != HU_IOC_NAME && ioc->cls != HU_IOC_PATH) ||
		    !ug_profile_is_updater(r->prof, ug_sv_from(ioc->value)))
			continue;
		ug_map_entry *e = ug_map_find(&s->exact[ioc->cls], ug_sv_from(ioc->key));
		if (e)
			e->value = NULL;
		size_t k = 0;
		for (size_t g = 0; g < s->nglobs; g++)
			if (s->globs[g] != i)
				s->globs[k++] = s->globs[g];
		s->nglobs = k;
		ug_log_info(r->ctx, "IOC %s '%s' (%s) is not swept for: it names the product's own updater, "
		            "which every update shows; its hash tells the bad file apart", ioc->type, ioc->value,
		            ioc->origin);
	}
}

static void sweep_free(sweep *sw)
{
	ug_map_free(&sw->by_key);
	free(sw->hits);
	hu_iocset_free(&sw->set);
	free(sw);
}

int hu_sweep_begin(hu_run *r, ug_error *err)
{
	sweep *sw = calloc(1, sizeof(*sw));
	if (!sw)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	sw->r = r;
	hu_iocset_init(&sw->set);
	ug_map_init(&sw->by_key, false);
	int rc = UG_OK;
	profile_iocs(r, &sw->set);
	if (r->opts->iocs_file)
		rc = hu_iocset_load(&sw->set, r->opts->iocs_file, err);
	if (rc == UG_OK && sw->set.skipped)
		ug_log_warn(r->ctx, "--iocs %s: %zu indicator(s) not swept for (object types or pattern "
		            "languages the sweep does not match)", r->opts->iocs_file, sw->set.skipped);
	if (rc == UG_OK)
		drop_updater_names(r, &sw->set);
	if (rc != UG_OK || !sw->set.n) {
		sweep_free(sw);
		return rc;
	}
	r->sweep = sw;
	return UG_OK;
}

int hu_sweep_event(hu_run *r, const ug_event *ev)
{
	return sweep_event(ev, r->sweep);
}

int hu_sweep_finish(hu_run *r, ug_error *err)
{
	sweep *sw = r->sweep;
	if (!sw)
		return UG_OK;
	int rc = UG_OK;
	if (sw->oom)
		rc = ug_error_set(err, UG_ERR_NOMEM, "hunt: IOC sweep: out of memory");
	else if (report(r, sw) != UG_OK)
		rc = ug_error_set(err, UG_ERR_NOMEM, "hunt: out of memory");
	hu_sweep_free(r);
	return rc;
}

void hu_sweep_free(hu_run *r)
{
	if (r->sweep)
		sweep_free(r->sweep);
	r->sweep = NULL;
}
