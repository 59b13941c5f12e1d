/* profile.c — product update profiles (docs/profiles.md): YAML files read
 * with libyaml's document loader (so every node keeps its line for error
 * messages), the analyst's ad-hoc additions, and the name matching the hunt
 * does with them (updater images, update-host globs, install-dir prefixes).
 * Every string a profile holds is its own heap copy; ug_profile_free frees
 * them all. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "core/str.h"
#include "hunt/profile.h"
#include "ug_config.h"

#define PROFILE_MAX_BYTES (4u << 20) /* a profile is a few KB; refuse anything huge */

/* ---- small allocation helpers ---- */

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static char *dup_s(const char *s) { return dup_n(s, strlen(s)); }

/* Append a copy of s to a string list unless it is there already (case-insensitive). */
static int list_add(char ***list, size_t *n, const char *s, size_t len)
{
	for (size_t i = 0; i < *n; i++)
		if (ug_sv_eq_nocase(ug_sv_from((*list)[i]), ug_sv_make(s, len)))
			return UG_OK;
	char **grown = realloc(*list, (*n + 1) * sizeof(**list));
	if (!grown)
		return UG_ERR_NOMEM;
	*list = grown;
	if (!(grown[*n] = dup_n(s, len)))
		return UG_ERR_NOMEM;
	(*n)++;
	return UG_OK;
}

static void list_free(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

int ug_profile_new(ug_profile **out, ug_error *err)
{
	ug_profile *p = calloc(1, sizeof(*p));
	if (p) {
		p->name = dup_s("");
		p->product = dup_s("");
		p->vendor = dup_s("");
	}
	if (!p || !p->name || !p->product || !p->vendor) {
		ug_profile_free(p);
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	}
	*out = p;
	return UG_OK;
}

void ug_profile_free(ug_profile *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->product);
	free(p->vendor);
	list_free(p->updaters, p->nupdaters);
	list_free(p->install_dirs, p->ninstall_dirs);
	list_free(p->update_hosts, p->nupdate_hosts);
	list_free(p->expected_children, p->nexpected_children);
	for (size_t i = 0; i < p->nservers; i++) {
		free(p->servers[i].host);
		free(p->servers[i].region);
	}
	free(p->servers);
	for (size_t i = 0; i < p->niocs; i++) {
		free(p->iocs[i].type);
		free(p->iocs[i].value);
		free(p->iocs[i].source);
	}
	free(p->iocs);
	free(p);
}

/* ---- YAML ---- */

typedef struct yctx {
	yaml_document_t *doc;
	const char *file;
	ug_profile *p;
	ug_error *err;
} yctx;

static int yerr(const yctx *y, const yaml_node_t *at, const char *fmt, ...) UG_PRINTF(3, 4);
static int yerr(const yctx *y, const yaml_node_t *at, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ug_error_set(y->err, UG_ERR_PARSE, "%s:%zu: %s", y->file,
	                    at ? at->start_mark.line + 1 : 1, msg);
}

static const char *node_str(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool is_scalar(const yaml_node_t *n) { return n && n->type == YAML_SCALAR_NODE; }

static int want_scalar(const yctx *y, const yaml_node_t *n, const char *what)
{
	if (!is_scalar(n))
		return yerr(y, n, "'%s' must be a single value (text), not a list or mapping", what);
	return UG_OK;
}

/* Booleans as YAML 1.1 writes them. */
static int parse_bool(const yctx *y, const yaml_node_t *n, const char *what, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "y"};
	static const char *const no[] = {"false", "no", "off", "n"};
	if (want_scalar(y, n, what) != UG_OK)
		return UG_ERR_PARSE;
	ug_sv v = ug_sv_from(node_str(n));
	for (size_t i = 0; i < UG_ARRAY_LEN(yes); i++) {
		if (ug_sv_eq_nocase(v, ug_sv_from(yes[i]))) {
			*out = true;
			return UG_OK;
		}
		if (ug_sv_eq_nocase(v, ug_sv_from(no[i]))) {
			*out = false;
			return UG_OK;
		}
	}
	return yerr(y, n, "'%s' must be true or false", what);
}

static int set_str(const yctx *y, const yaml_node_t *n, const char *what, char **dst)
{
	if (want_scalar(y, n, what) != UG_OK)
		return UG_ERR_PARSE;
	char *s = dup_s(node_str(n));
	if (!s)
		return ug_error_set(y->err, UG_ERR_NOMEM, "out of memory");
	free(*dst);
	*dst = s;
	return UG_OK;
}

/* Look a key up in a mapping node; NULL when absent. */
static yaml_node_t *map_get(const yctx *y, yaml_node_t *map, const char *key)
{
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pr->key);
		if (is_scalar(k) && strcmp(node_str(k), key) == 0)
			return yaml_document_get_node(y->doc, pr->value);
	}
	return NULL;
}

/* Every key of map must be one of allowed (NULL-terminated). */
static int check_keys(const yctx *y, yaml_node_t *map, const char *const *allowed, const char *what)
{
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pr->key);
		if (!is_scalar(k))
			return yerr(y, k, "%s: keys must be plain names", what);
		bool ok = false;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = strcmp(*a, node_str(k)) == 0;
		if (!ok) {
			char msg[200];
			snprintf(msg, sizeof(msg), "%s: unknown key '%.80s' (docs/profiles.md)", what, node_str(k));
			return yerr(y, k, "%s", msg);
		}
	}
	return UG_OK;
}

/* A list item of updaters/install_dirs/update_hosts/expected_children: a
 * plain value, or {value, source, unconfirmed} to record where it is from. */
static int item_value(const yctx *y, yaml_node_t *it, const char *what, const char **out)
{
	static const char *const keys[] = {"value", "source", "unconfirmed", "note", NULL};
	if (is_scalar(it)) {
		*out = node_str(it);
		return UG_OK;
	}
	if (!it || it->type != YAML_MAPPING_NODE)
		return yerr(y, it, "'%s': each item is a value or {value, source, unconfirmed}", what);
	if (check_keys(y, it, keys, what) != UG_OK)
		return UG_ERR_PARSE;
	yaml_node_t *v = map_get(y, it, "value");
	if (!v)
		return yerr(y, it, "'%s': item without 'value'", what);
	yaml_node_t *u = map_get(y, it, "unconfirmed");
	bool b;
	if (u && parse_bool(y, u, "unconfirmed", &b) != UG_OK)
		return UG_ERR_PARSE;
	if (want_scalar(y, v, "value") != UG_OK)
		return UG_ERR_PARSE;
	*out = node_str(v);
	return UG_OK;
}

static int parse_str_list(const yctx *y, yaml_node_t *n, const char *what, char ***list, size_t *count)
{
	if (!n || n->type != YAML_SEQUENCE_NODE)
		return yerr(y, n, "'%s' must be a list ('- item' lines)", what);
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		yaml_node_t *it = yaml_document_get_node(y->doc, *i);
		const char *v = NULL;
		if (item_value(y, it, what, &v) != UG_OK)
			return UG_ERR_PARSE;
		if (!v || !*v)
			return yerr(y, it, "'%s': empty value", what);
		if (list_add(list, count, v, strlen(v)) != UG_OK)
			return ug_error_set(y->err, UG_ERR_NOMEM, "out of memory");
	}
	return UG_OK;
}

static int parse_server(const yctx *y, yaml_node_t *it)
{
	static const char *const keys[] = {"host", "region", "source", "unconfirmed", "note", NULL};
	if (!it || it->type != YAML_MAPPING_NODE)
		return yerr(y, it, "'servers': each item is {host, region}");
	if (check_keys(y, it, keys, "servers") != UG_OK)
		return UG_ERR_PARSE;
	yaml_node_t *h = map_get(y, it, "host"), *r = map_get(y, it, "region"), *u = map_get(y, it, "unconfirmed");
	bool b;
	if (!h || !r)
		return yerr(y, it, "'servers': each item needs 'host' and 'region'");
	if (want_scalar(y, h, "host") || want_scalar(y, r, "region") || (u && parse_bool(y, u, "unconfirmed", &b)))
		return UG_ERR_PARSE;
	ug_profile *p = y->p;
	ug_profile_server *g = realloc(p->servers, (p->nservers + 1) * sizeof(*g));
	if (!g)
		return ug_error_set(y->err, UG_ERR_NOMEM, "out of memory");
	p->servers = g;
	g[p->nservers] = (ug_profile_server){dup_s(node_str(h)), dup_s(node_str(r))};
	p->nservers++;
	if (!g[p->nservers - 1].host || !g[p->nservers - 1].region)
		return ug_error_set(y->err, UG_ERR_NOMEM, "out of memory");
	return UG_OK;
}

static const char *const ioc_types[] = {"sha256", "md5", "file-path", "file-name", "domain", "ipv4",
                                        "url", "task-name", "registry", "service-name", NULL};

static int check_ioc_type(const yctx *y, yaml_node_t *t)
{
	for (const char *const *k = ioc_types; *k; k++)
		if (strcmp(*k, node_str(t)) == 0)
			return UG_OK;
	return yerr(y, t, "'iocs': unknown type '%.60s' (sha256, md5, file-path, file-name, domain, ipv4, "
	                  "url, task-name, registry, service-name)", node_str(t));
}

/* confirmed: explicit 'confirmed', else the negation of 'unconfirmed', else true. */
static int ioc_confirmed(const yctx *y, yaml_node_t *it, bool *out)
{
	yaml_node_t *c = map_get(y, it, "confirmed"), *u = map_get(y, it, "unconfirmed");
	bool unc = false;
	*out = true;
	if (c && parse_bool(y, c, "confirmed", out) != UG_OK)
		return UG_ERR_PARSE;
	if (u && parse_bool(y, u, "unconfirmed", &unc) != UG_OK)
		return UG_ERR_PARSE;
	if (!c && u)
		*out = !unc;
	return UG_OK;
}

static int parse_ioc(const yctx *y, yaml_node_t *it)
{
	static const char *const keys[] = {"type", "value", "source", "confirmed", "unconfirmed", "note", NULL};
	if (!it || it->type != YAML_MAPPING_NODE)
		return yerr(y, it, "'iocs': each item is {type, value, source, confirmed}");
	if (check_keys(y, it, keys, "iocs") != UG_OK)
		return UG_ERR_PARSE;
	yaml_node_t *t = map_get(y, it, "type"), *v = map_get(y, it, "value"), *s = map_get(y, it, "source");
	bool confirmed;
	if (!t || !v || !s)
		return yerr(y, it, "'iocs': each item needs 'type', 'value' and 'source'");
	if (want_scalar(y, t, "type") || want_scalar(y, v, "value") || want_scalar(y, s, "source") ||
	    check_ioc_type(y, t) || ioc_confirmed(y, it, &confirmed))
		return UG_ERR_PARSE;
	ug_profile *p = y->p;
	ug_profile_ioc *g = realloc(p->iocs, (p->niocs + 1) * sizeof(*g));
	if (!g)
		return ug_error_set(y->err, UG_ERR_NOMEM, "out of memory");
	p->iocs = g;
	ug_profile_ioc *n = &g[p->niocs++];
	*n = (ug_profile_ioc){dup_s(node_str(t)), dup_s(node_str(v)), dup_s(node_str(s)), confirmed};
	if (!n->type || !n->value || !n->source)
		return ug_error_set(y->err, UG_ERR_NOMEM, "out of memory");
	return UG_OK;
}

static int parse_items(const yctx *y, yaml_node_t *n, const char *what, int (*fn)(const yctx *, yaml_node_t *))
{
	if (!n || n->type != YAML_SEQUENCE_NODE)
		return yerr(y, n, "'%s' must be a list ('- item' lines)", what);
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		int rc = fn(y, yaml_document_get_node(y->doc, *i));
		if (rc != UG_OK)
			return rc;
	}
	return UG_OK;
}

/* 'sources' and 'notes' are for people: any shape, only checked to exist. */
static int parse_key(const yctx *y, const char *key, yaml_node_t *v)
{
	ug_profile *p = y->p;
	if (!strcmp(key, "name"))
		return set_str(y, v, key, &p->name);
	if (!strcmp(key, "product"))
		return set_str(y, v, key, &p->product);
	if (!strcmp(key, "vendor"))
		return set_str(y, v, key, &p->vendor);
	if (!strcmp(key, "updaters"))
		return parse_str_list(y, v, key, &p->updaters, &p->nupdaters);
	if (!strcmp(key, "install_dirs"))
		return parse_str_list(y, v, key, &p->install_dirs, &p->ninstall_dirs);
	if (!strcmp(key, "update_hosts"))
		return parse_str_list(y, v, key, &p->update_hosts, &p->nupdate_hosts);
	if (!strcmp(key, "expected_children"))
		return parse_str_list(y, v, key, &p->expected_children, &p->nexpected_children);
	if (!strcmp(key, "servers"))
		return parse_items(y, v, key, parse_server);
	if (!strcmp(key, "iocs"))
		return parse_items(y, v, key, parse_ioc);
	return UG_OK; /* notes, sources */
}

static int parse_root(const yctx *y, yaml_node_t *root)
{
	static const char *const keys[] = {"name", "product", "vendor", "updaters", "install_dirs",
	                                   "update_hosts", "servers", "expected_children", "iocs",
	                                   "notes", "sources", NULL};
	if (!root)
		return ug_error_set(y->err, UG_ERR_PARSE, "%s:1: empty profile", y->file);
	if (root->type != YAML_MAPPING_NODE)
		return yerr(y, root, "a profile is a mapping of keys (name:, product:, updaters:, ...)");
	if (check_keys(y, root, keys, "profile") != UG_OK)
		return UG_ERR_PARSE;
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pr->key);
		int rc = parse_key(y, node_str(k), yaml_document_get_node(y->doc, pr->value));
		if (rc != UG_OK)
			return rc;
	}
	return UG_OK;
}

static int parse_text(ug_profile *p, const char *file, const unsigned char *text, size_t n, ug_error *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	if (!yaml_parser_initialize(&parser))
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	yaml_parser_set_input_string(&parser, text, n);
	int rc;
	if (!yaml_parser_load(&parser, &doc)) {
		rc = ug_error_set(err, UG_ERR_PARSE, "%s:%zu: %s%s%s", file, parser.problem_mark.line + 1,
		                  parser.problem ? parser.problem : "invalid YAML",
		                  parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return rc;
	}
	yctx y = {&doc, file, p, err};
	rc = parse_root(&y, yaml_document_get_root_node(&doc));
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

static int read_file(const char *path, unsigned char **out, size_t *n, ug_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ug_error_set(err, errno == ENOENT ? UG_ERR_NOTFOUND : UG_ERR_IO, "%s: %s", path,
		                    strerror(errno));
	unsigned char *buf = malloc(PROFILE_MAX_BYTES + 1);
	size_t got = buf ? fread(buf, 1, PROFILE_MAX_BYTES + 1, f) : 0;
	bool bad = ferror(f);
	fclose(f);
	if (!buf)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	if (bad || got > PROFILE_MAX_BYTES) {
		free(buf);
		return ug_error_set(err, bad ? UG_ERR_IO : UG_ERR_PARSE, "%s: %s", path,
		                    bad ? "read error" : "too large for a profile (over 4 MiB)");
	}
	*out = buf;
	*n = got;
	return UG_OK;
}

static int load_path(ug_profile **out, const char *path, ug_error *err)
{
	unsigned char *text = NULL;
	size_t n = 0;
	int rc = read_file(path, &text, &n, err);
	if (rc != UG_OK)
		return rc;
	ug_profile *p = NULL;
	rc = ug_profile_new(&p, err);
	if (rc == UG_OK)
		rc = parse_text(p, path, text, n, err);
	free(text);
	if (rc != UG_OK) {
		ug_profile_free(p);
		return rc;
	}
	*out = p;
	return UG_OK;
}

/* ---- lookup by name ---- */

static bool is_regular_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A bare name ("escan") is looked up; anything path-like is opened as given. */
static bool looks_like_path(const char *s)
{
	ug_sv v = ug_sv_from(s);
	return strchr(s, '/') || ug_sv_ends_with_nocase(v, UG_SV(".yml")) ||
	       ug_sv_ends_with_nocase(v, UG_SV(".yaml")) || is_regular_file(s);
}

static bool try_dir(const char *dir, const char *name, char *path, size_t cap)
{
	static const char *const exts[] = {".yml", ".yaml"};
	for (size_t i = 0; i < UG_ARRAY_LEN(exts); i++) {
		int n = snprintf(path, cap, "%s/%s%s", dir, name, exts[i]);
		if (n > 0 && (size_t)n < cap && is_regular_file(path))
			return true;
	}
	return false;
}

int ug_profile_load(ug_profile **out, const char *name_or_path, const char *const *dirs, ug_error *err)
{
	if (!name_or_path || !*name_or_path)
		return ug_error_set(err, UG_ERR_INVALID, "no profile name given");
	if (looks_like_path(name_or_path))
		return load_path(out, name_or_path, err);
	char path[4096];
	for (size_t i = 0; dirs && dirs[i]; i++)
		if (try_dir(dirs[i], name_or_path, path, sizeof(path)))
			return load_path(out, path, err);
	if (try_dir(UG_DATADIR "/profiles", name_or_path, path, sizeof(path)) ||
	    try_dir("profiles", name_or_path, path, sizeof(path)))
		return load_path(out, path, err);
	return ug_error_set(err, UG_ERR_NOTFOUND,
	                    "no profile '%s' (looked for %s.yml in the given folders, %s/profiles and ./profiles)",
	                    name_or_path, name_or_path, UG_DATADIR);
}

/* ---- ad-hoc merge and check ---- */

static int add_all(char ***list, size_t *n, const char *const *vals)
{
	for (size_t i = 0; vals && vals[i]; i++)
		if (*vals[i] && list_add(list, n, vals[i], strlen(vals[i])) != UG_OK)
			return UG_ERR_NOMEM;
	return UG_OK;
}

int ug_profile_add(ug_profile *p, const char *product, const char *const *updaters,
                   const char *const *update_hosts, const char *const *install_dirs, ug_error *err)
{
	if (product) {
		char *s = dup_s(product);
		if (!s)
			return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
		free(p->product);
		p->product = s;
	}
	if (add_all(&p->updaters, &p->nupdaters, updaters) != UG_OK ||
	    add_all(&p->update_hosts, &p->nupdate_hosts, update_hosts) != UG_OK ||
	    add_all(&p->install_dirs, &p->ninstall_dirs, install_dirs) != UG_OK)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	return UG_OK;
}

int ug_profile_check(const ug_profile *p, ug_error *err)
{
	if (!p || (!p->nupdaters && !p->nupdate_hosts))
		return ug_error_set(err, UG_ERR_INVALID,
		                    "nothing to recognise the product's updates by: give a profile, or "
		                    "--updater IMAGE and/or --update-host PATTERN");
	return UG_OK;
}

/* ---- matching ---- */

static bool is_sep(char c) { return c == '\\' || c == '/'; }

/* Characters equal for matching: ASCII case folded, '\' and '/' the same. */
static bool ch_eq(char a, char b)
{
	return ug_ascii_lower(a) == ug_ascii_lower(b) || (is_sep(a) && is_sep(b));
}

/* Iterative glob with one backtrack point per '*': linear in practice, never
 * exponential. */
bool ug_glob_match_nocase(ug_sv pat, ug_sv text)
{
	size_t p = 0, t = 0, star = SIZE_MAX, mark = 0;
	while (t < text.n) {
		if (p < pat.n && pat.p[p] == '*') {
			star = p++;
			mark = t;
		} else if (p < pat.n && (pat.p[p] == '?' || ch_eq(pat.p[p], text.p[t]))) {
			p++;
			t++;
		} else if (star != SIZE_MAX) {
			p = star + 1;
			t = ++mark;
		} else {
			return false;
		}
	}
	while (p < pat.n && pat.p[p] == '*')
		p++;
	return p == pat.n;
}

static bool has_sep(ug_sv s)
{
	for (size_t i = 0; i < s.n; i++)
		if (is_sep(s.p[i]))
			return true;
	return false;
}

bool ug_profile_is_updater(const ug_profile *p, ug_sv image)
{
	if (!p || !image.n)
		return false;
	ug_sv base = ug_path_basename(image);
	for (size_t i = 0; i < p->nupdaters; i++) {
		ug_sv pat = ug_sv_from(p->updaters[i]);
		if (ug_glob_match_nocase(pat, has_sep(pat) ? image : base))
			return true;
	}
	return false;
}

/* "host.example.", "host.example:443" -> "host.example" (IPv6 literals untouched). */
static ug_sv host_only(ug_sv h)
{
	size_t colon = ug_sv_find_char(h, ':');
	if (colon != SIZE_MAX && ug_sv_find_char(ug_sv_sub(h, colon + 1, SIZE_MAX), ':') == SIZE_MAX)
		h.n = colon;
	while (h.n && h.p[h.n - 1] == '.')
		h.n--;
	return h;
}

bool ug_profile_is_update_host(const ug_profile *p, ug_sv host)
{
	if (!p || !host.n)
		return false;
	host = host_only(host);
	for (size_t i = 0; i < p->nupdate_hosts; i++)
		if (ug_glob_match_nocase(ug_sv_from(p->update_hosts[i]), host))
			return true;
	return false;
}

/* dir matches path when it matches the whole path or the path up to one of
 * its separators; a trailing separator in dir is optional. */
static bool dir_prefix_match(ug_sv dir, ug_sv path)
{
	while (dir.n && is_sep(dir.p[dir.n - 1]))
		dir.n--;
	if (!dir.n)
		return false;
	for (size_t i = 1; i <= path.n; i++)
		if ((i == path.n || is_sep(path.p[i])) && ug_glob_match_nocase(dir, ug_sv_make(path.p, i)))
			return true;
	return false;
}

bool ug_profile_in_install_dir(const ug_profile *p, ug_sv path)
{
	if (!p || !path.n)
		return false;
	for (size_t i = 0; i < p->ninstall_dirs; i++)
		if (dir_prefix_match(ug_sv_from(p->install_dirs[i]), path))
			return true;
	return false;
}

const char *ug_profile_region(const ug_profile *p, ug_sv host)
{
	if (!p || !host.n)
		return NULL;
	host = host_only(host);
	for (size_t i = 0; i < p->nservers; i++)
		if (ug_glob_match_nocase(ug_sv_from(p->servers[i].host), host))
			return p->servers[i].region;
	return NULL;
}
