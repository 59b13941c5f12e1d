/* sigma_gen.c — rules/: Sigma rules generated from a case's findings, for the
 * SOC's SIEM/EDR: the dropped files (paths, names, hashes), the persistence
 * created (scheduled tasks, Run keys, services), the C2 destinations (DNS,
 * connections, proxy), and the updater starting what normal updates never
 * start.
 *
 * Values come from the IOCs (what the compromised hosts share and the
 * baseline lacks) and the compromised hosts' lineage evidence; a value that
 * any host not judged compromised also shows is left out, so the rules flag
 * the compromised hosts of this data and none of the others.
 *
 * Output follows the Sigma specification (v2): title, id (UUIDv5 of the
 * rule's product, window and slug: reruns give the same ids), status,
 * description, author, date, tags (attack.*), logsource, detection (search
 * identifiers + condition), falsepositives, level. Values are YAML
 * single-quoted strings with Sigma's wildcard escaping ('*', '?' and a '\'
 * before them or at the end are escaped); values holding control characters
 * are dropped (they cannot be matched reliably and would break YAML).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fs.h"
#include "core/map.h"
#include "report/report_int.h"

static const unsigned char ns_sigma[16] = {0x2f, 0x7c, 0x91, 0x0e, 0x45, 0xb3, 0x4a, 0x08,
                                           0xb1, 0x6d, 0x3c, 0x55, 0xe2, 0x19, 0xa4, 0x77};

/* A value list: YAML lines "      - '...'\n", deduplicated ignoring case. */
typedef struct vals {
	ug_buf yaml;
	ug_map seen;
	size_t n;
} vals;

enum { V_PATH, V_NAME, V_HASH, V_TASK, V_REG, V_SERVICE, V_DOMAIN, V_SUBDOMAIN, V_IP, V_URL, V__N };

typedef struct gen {
	const ug_case *c;
	rp_outside outside;   /* values hosts not judged compromised show */
	ug_map comp_count;    /* evidence pattern -> compromised hosts showing it */
	vals v[V__N];
	ug_buf rule;
	ug_buf date;
	const char *dir;
	size_t written;
	int rc;
	ug_error *err;
} gen;

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* Sigma string escaping, then YAML single quoting. */
static void sigma_quote(ug_buf *b, const char *prefix, const char *s)
{
	ug_buf raw = UG_BUF_INIT;
	ug_buf_puts(&raw, prefix);
	ug_buf_puts(&raw, s);
	const char *p = ug_buf_cstr(&raw);
	ug_buf_putc(b, '\'');
	for (size_t i = 0; i < raw.len; i++) {
		char c = p[i], next = i + 1 < raw.len ? p[i + 1] : '\0';
		if (c == '*' || c == '?' || (c == '\\' && (next == '*' || next == '?' || next == '\\' || !next)))
			ug_buf_putc(b, '\\');
		if (c == '\'')
			ug_buf_putc(b, '\'');
		ug_buf_putc(b, c);
	}
	ug_buf_putc(b, '\'');
	ug_buf_free(&raw);
}

static void add(gen *g, int k, const char *prefix, const char *value)
{
	if (!value || !*value || !printable(value) || rp_outside_has(&g->outside, value))
		return;
	ug_buf key = UG_BUF_INIT;
	ug_buf_printf(&key, "%s%s", prefix, value);
	bool created = false;
	ug_map_entry *e = ug_map_upsert(&g->v[k].seen, ug_buf_sv(&key), &created);
	if (e && created) {
		e->value = (void *)1;
		ug_buf_puts(&g->v[k].yaml, "      - ");
		sigma_quote(&g->v[k].yaml, prefix, value);
		ug_buf_putc(&g->v[k].yaml, '\n');
		g->v[k].n++;
	}
	ug_buf_free(&key);
}

/* ---- what the rules are made of ---- */

static void from_iocs(gen *g)
{
	const ug_hunt_result *r = g->c->res;
	for (size_t i = 0; i < r->niocs; i++) {
		const char *t = rp_s(r->iocs[i].type), *v = r->iocs[i].value;
		if (!strcmp(t, "file-path"))
			add(g, V_PATH, "", v);
		else if (!strcmp(t, "file-name"))
			add(g, V_NAME, "\\", v);
		else if (!strcmp(t, "sha256") || !strcmp(t, "sha1") || !strcmp(t, "md5"))
			add(g, V_HASH, "", v);
		else if (!strcmp(t, "task-name"))
			add(g, V_TASK, "", v[0] == '\\' ? v + 1 : v);
		else if (!strcmp(t, "registry"))
			add(g, V_REG, "", v);
		else if (!strcmp(t, "service-name"))
			add(g, V_SERVICE, "", v);
		else if (!strcmp(t, "domain")) {
			add(g, V_DOMAIN, "", v);
			add(g, V_SUBDOMAIN, ".", v);
		} else if (!strcmp(t, "ipv4") || !strcmp(t, "ipv6"))
			add(g, V_IP, "", v);
		else if (!strcmp(t, "url"))
			add(g, V_URL, "", v);
	}
}

/* The updater's children: pairs (the lineage root that started it, the
 * child) from compromised hosts' lineage evidence that no normal update
 * shows (baseline_hosts 0) and no host outside the compromised ones shows
 * (fleet_hosts no more than the compromised hosts with it). The root is a
 * parent that the lineage did not itself start (no updater-child evidence
 * names it): the updater, not some descendant (powershell starting conhost
 * is everywhere). */
#define MAX_PARENTS 8

typedef struct pairs {
	char parent[MAX_PARENTS][260];
	vals child[MAX_PARENTS];
	size_t n;
} pairs;

/* base was itself started in the lineage (an updater-child), so not a root. */
static bool started_in_lineage(const ug_host_result *h, ug_sv base)
{
	for (size_t j = 0; j < h->nevidence; j++) {
		const ug_evidence *e = &h->evidence[j];
		if (e->lineage && !strcmp(rp_s(e->kind), "updater-child") &&
		    ug_sv_eq_nocase(ug_path_basename(ug_sv_from(rp_s(e->process))), base))
			return true;
	}
	return false;
}

/* Pattern -> number of compromised hosts whose evidence shows it. */
static void count_compromised(gen *g)
{
	const ug_hunt_result *r = g->c->res;
	ug_map seen_here;
	for (size_t i = 0; i < r->nhosts; i++) {
		const ug_host_result *h = &r->hosts[i];
		if (h->verdict != UG_VERDICT_COMPROMISED)
			continue;
		ug_map_init(&seen_here, false);
		for (size_t j = 0; j < h->nevidence; j++) {
			ug_sv p = ug_sv_from(rp_s(h->evidence[j].pattern));
			bool created = false;
			ug_map_entry *e = ug_map_upsert(&seen_here, p, &created);
			if (!e || !created)
				continue;
			e->value = (void *)1;
			ug_map_entry *c = ug_map_upsert(&g->comp_count, p, &created);
			if (c)
				c->value = (void *)((uintptr_t)c->value + 1);
		}
		ug_map_free(&seen_here);
	}
}

static uint32_t compromised_with(const gen *g, const char *pattern)
{
	return (uint32_t)(uintptr_t)ug_map_get(&g->comp_count, ug_sv_from(rp_s(pattern)));
}

static vals *pair_slot(gen *g, pairs *ps, ug_sv parent)
{
	for (size_t i = 0; i < ps->n; i++)
		if (ug_sv_eq_nocase(ug_sv_from(ps->parent[i]), parent))
			return &ps->child[i];
	if (ps->n == MAX_PARENTS || parent.n >= sizeof(ps->parent[0]))
		return NULL;
	(void)g;
	snprintf(ps->parent[ps->n], sizeof(ps->parent[0]), "%.*s", UG_SV_ARG(parent));
	ug_map_init(&ps->child[ps->n].seen, true);
	return &ps->child[ps->n++];
}

static void from_lineage(gen *g, pairs *ps)
{
	const ug_hunt_result *r = g->c->res;
	for (size_t i = 0; i < r->nhosts; i++) {
		const ug_host_result *h = &r->hosts[i];
		for (size_t j = 0; h->verdict == UG_VERDICT_COMPROMISED && j < h->nevidence; j++) {
			const ug_evidence *e = &h->evidence[j];
			if (!e->lineage || strcmp(rp_s(e->kind), "updater-child") != 0 || e->baseline_hosts ||
			    !*rp_s(e->parent_process) || !*rp_s(e->process))
				continue;
			ug_sv parent = ug_path_basename(ug_sv_from(e->parent_process));
			if (started_in_lineage(h, parent) || e->fleet_hosts > compromised_with(g, e->pattern) ||
			    rp_outside_has(&g->outside, e->value))
				continue;
			vals *v = pair_slot(g, ps, parent);
			char child[300];
			snprintf(child, sizeof(child), "%.*s", UG_SV_ARG(ug_path_basename(ug_sv_from(e->process))));
			if (!v || !printable(child))
				continue;
			bool created = false;
			ug_map_entry *me = ug_map_upsert(&v->seen, ug_sv_from(child), &created);
			if (me && created) {
				me->value = (void *)1;
				ug_buf_puts(&v->yaml, "      - ");
				sigma_quote(&v->yaml, "\\", child);
				ug_buf_putc(&v->yaml, '\n');
				v->n++;
			}
		}
	}
}

/* ---- one rule ---- */

typedef struct sel {
	const char *name, *field;
	int k;           /* value list, or -1 for a fixed value */
	const char *fixed;
} sel;

typedef struct rule {
	const char *slug, *title, *description, *tags, *logsource, *condition, *falsepositive;
	sel sels[4];
} rule;

static bool sel_ready(const gen *g, const sel *s) { return s->name && (s->k < 0 || g->v[s->k].n); }

static void rule_head(gen *g, const rule *ru)
{
	const ug_hunt_result *r = g->c->res;
	ug_buf *b = &g->rule;
	ug_buf idname = UG_BUF_INIT;
	ug_buf_printf(&idname, "%s|", rp_s(r->product));
	rp_time(&idname, r->window_start);
	ug_buf_printf(&idname, "|%s", ru->slug);
	char id[37];
	ug_uuid5(ns_sigma, ug_buf_cstr(&idname), idname.len, id);
	ug_buf_free(&idname);
	ug_buf_puts(b, "title: ");
	ug_buf_append_json_str(b, ug_sv_from(ru->title)); /* JSON strings are YAML double-quoted strings */
	ug_buf_putc(b, '\n');
	ug_buf_printf(b, "id: %s\nstatus: experimental\ndescription: ", id);
	ug_buf printed = UG_BUF_INIT;
	ug_buf_printf(&printed, "%s Generated by updguard from the hunt of %s", ru->description, rp_s(r->product));
	ug_buf_append_json_str(b, ug_buf_sv(&printed));
	ug_buf_free(&printed);
	ug_buf_printf(b, "\nauthor: updguard\ndate: %s\ntags:\n%slogsource:\n%s", ug_buf_cstr(&g->date), ru->tags,
	              ru->logsource);
}

static void emit(gen *g, const rule *ru)
{
	bool any = false;
	for (size_t i = 0; i < UG_ARRAY_LEN(ru->sels); i++)
		any |= ru->sels[i].name && ru->sels[i].k >= 0 && g->v[ru->sels[i].k].n;
	for (size_t i = 0; i < UG_ARRAY_LEN(ru->sels); i++)
		if (ru->sels[i].name && !sel_ready(g, &ru->sels[i]) && !strstr(ru->condition, "1 of"))
			any = false; /* an 'and' of selections needs every one */
	if (!any || g->rc != UG_OK)
		return;
	ug_buf_clear(&g->rule);
	rule_head(g, ru);
	ug_buf *b = &g->rule;
	ug_buf_puts(b, "detection:\n");
	const char *last = NULL;
	for (size_t i = 0; i < UG_ARRAY_LEN(ru->sels); i++) {
		const sel *s = &ru->sels[i];
		if (!sel_ready(g, s))
			continue;
		if (!last || strcmp(last, s->name) != 0)
			ug_buf_printf(b, "  %s:\n", s->name);
		last = s->name;
		if (s->k < 0)
			ug_buf_printf(b, "    %s: %s\n", s->field, s->fixed);
		else
			ug_buf_printf(b, "    %s:\n%s", s->field, ug_buf_cstr(&g->v[s->k].yaml));
	}
	ug_buf_printf(b, "  condition: %s\nfalsepositives:\n  - %s\nlevel: high\n", ru->condition, ru->falsepositive);
	char name[200];
	snprintf(name, sizeof(name), "updguard-%s.yml", ru->slug);
	g->rc = rp_write_file(g->dir, name, b, g->err);
	g->written++;
}

#define WIN_CAT(c) "  product: windows\n  category: " c "\n"
#define FP_NONE "none known: the values were seen only on the compromised hosts of this case"

static const rule rules[] = {
	{"dropped-files", "Files dropped by the trojanised update", "Creation of the files the trojanised update dropped.",
	 "  - attack.execution\n  - attack.t1105\n", WIN_CAT("file_event"), "1 of selection_*", FP_NONE,
	 {{"selection_path", "TargetFilename", V_PATH, NULL}, {"selection_name", "TargetFilename|endswith", V_NAME, NULL}}},
	{"dropped-process", "Process started from a file the trojanised update dropped",
	 "A process whose image or hash is one the trojanised update dropped.",
	 "  - attack.execution\n  - attack.t1204.002\n", WIN_CAT("process_creation"), "1 of selection_*", FP_NONE,
	 {{"selection_path", "Image", V_PATH, NULL}, {"selection_name", "Image|endswith", V_NAME, NULL},
	  {"selection_hash", "Hashes|contains", V_HASH, NULL}}},
	{"task-created", "Scheduled task created by the trojanised update",
	 "schtasks creating the task the trojanised update created for persistence.",
	 "  - attack.persistence\n  - attack.t1053.005\n", WIN_CAT("process_creation"), "selection", FP_NONE,
	 {{"selection", "Image|endswith", -1, "'\\schtasks.exe'"}, {"selection", "CommandLine|contains", V_TASK, NULL}}},
	{"task-registered", "Scheduled task registered by the trojanised update",
	 "Security event 4698: the task the trojanised update created was registered.",
	 "  - attack.persistence\n  - attack.t1053.005\n", "  product: windows\n  service: security\n", "selection",
	 FP_NONE, {{"selection", "EventID", -1, "4698"}, {"selection", "TaskName|endswith", V_TASK, NULL}}},
	{"registry", "Registry value set by the trojanised update", "The Run key or other value the update set.",
	 "  - attack.persistence\n  - attack.t1547.001\n", WIN_CAT("registry_set"), "selection", FP_NONE,
	 {{"selection", "TargetObject|endswith", V_REG, NULL}}},
	{"service", "Service installed by the trojanised update", "System event 7045 for the service the update installed.",
	 "  - attack.persistence\n  - attack.t1543.003\n", "  product: windows\n  service: system\n", "selection", FP_NONE,
	 {{"selection", "EventID", -1, "7045"}, {"selection", "ServiceName", V_SERVICE, NULL}}},
	{"c2-dns", "DNS query for the trojanised update's C2", "A DNS query for a C2 domain of the trojanised update.",
	 "  - attack.command-and-control\n  - attack.t1071.004\n", WIN_CAT("dns_query"), "1 of selection_*", FP_NONE,
	 {{"selection_domain", "QueryName", V_DOMAIN, NULL}, {"selection_sub", "QueryName|endswith", V_SUBDOMAIN, NULL}}},
	{"c2-connection", "Connection to the trojanised update's C2", "A network connection to a C2 of the update.",
	 "  - attack.command-and-control\n  - attack.t1071\n", WIN_CAT("network_connection"), "1 of selection_*",
	 FP_NONE,
	 {{"selection_ip", "DestinationIp", V_IP, NULL}, {"selection_host", "DestinationHostname", V_DOMAIN, NULL},
	  {"selection_sub", "DestinationHostname|endswith", V_SUBDOMAIN, NULL}}},
	{"c2-proxy", "Proxy request to the trojanised update's C2", "A web request to a C2 host or URL of the update.",
	 "  - attack.command-and-control\n  - attack.t1071.001\n", "  category: proxy\n", "1 of selection_*", FP_NONE,
	 {{"selection_host", "cs-host", V_DOMAIN, NULL}, {"selection_sub", "cs-host|endswith", V_SUBDOMAIN, NULL},
	  {"selection_url", "c-uri", V_URL, NULL}}},
};

static const rule child_rule = {
	"updater-child", "Updater starting a process normal updates never start",
	"The product's updater started a process that no normal update of the fleet started.",
	"  - attack.execution\n  - attack.t1195.002\n", WIN_CAT("process_creation"), "1 of selection_*", FP_NONE, {{0}}};

/* One selection per updater: its image and the children only bad updates start. */
static void emit_children(gen *g, const pairs *ps)
{
	if (!ps->n || g->rc != UG_OK)
		return;
	ug_buf_clear(&g->rule);
	rule_head(g, &child_rule);
	ug_buf *b = &g->rule;
	ug_buf_puts(b, "detection:\n");
	for (size_t i = 0; i < ps->n; i++) {
		ug_buf_printf(b, "  selection_%zu:\n    ParentImage|endswith: ", i + 1);
		sigma_quote(b, "\\", ps->parent[i]);
		ug_buf_printf(b, "\n    Image|endswith:\n%s", ug_buf_cstr(&ps->child[i].yaml));
	}
	ug_buf_printf(b, "  condition: %s\nfalsepositives:\n  - %s\nlevel: high\n", child_rule.condition,
	              child_rule.falsepositive);
	g->rc = rp_write_file(g->dir, "updguard-updater-child.yml", b, g->err);
	g->written++;
}

/* Rules of an earlier run in the same folder go: the set is rewritten whole. */
static void remove_old(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char p[4400];
		if (!strncmp(de->d_name, "updguard-", 9) && n > 4 && !strcmp(de->d_name + n - 4, ".yml") &&
		    rp_path(p, sizeof(p), dir, de->d_name))
			unlink(p);
	}
	if (d)
		closedir(d);
}

static ug_time rule_date(const ug_case *c)
{
	const ug_hunt_result *r = c->res;
	if (rp_time_valid(r->window_end))
		return r->window_end;
	ug_time t = INT64_MIN;
	for (size_t i = 0; i < r->nservers; i++)
		t = rp_time_valid(r->servers[i].last) ? UG_MAX(t, r->servers[i].last) : t;
	return t != INT64_MIN ? t : (rp_time_valid(c->run.created) ? c->run.created : 0);
}

int ug_report_write_sigma(const ug_case *c, const char *dir, ug_error *err)
{
	char sub[4096];
	if (!rp_path(sub, sizeof(sub), dir, "rules"))
		return ug_error_set(err, UG_ERR_INVALID, "%s: path too long", dir);
	int rc = ug_fs_mkdirs(sub, err);
	if (rc != UG_OK)
		return rc;
	remove_old(sub);
	gen g = {.c = c, .dir = sub, .rc = UG_OK, .err = err};
	for (int k = 0; k < V__N; k++)
		ug_map_init(&g.v[k].seen, true);
	rp_outside_build(&g.outside, c->res);
	ug_map_init(&g.comp_count, false);
	count_compromised(&g);
	rp_time(&g.date, rule_date(c));
	if (g.date.len > 10)
		g.date.len = 10, g.date.p[10] = '\0'; /* YYYY-MM-DD */
	pairs *ps = calloc(1, sizeof(*ps));
	if (!ps)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	from_iocs(&g);
	from_lineage(&g, ps);
	for (size_t i = 0; i < UG_ARRAY_LEN(rules); i++)
		emit(&g, &rules[i]);
	emit_children(&g, ps);
	for (size_t i = 0; i < ps->n; i++) {
		ug_buf_free(&ps->child[i].yaml);
		ug_map_free(&ps->child[i].seen);
	}
	free(ps);
	for (int k = 0; k < V__N; k++) {
		ug_buf_free(&g.v[k].yaml);
		ug_map_free(&g.v[k].seen);
	}
	ug_buf_free(&g.rule);
	ug_buf_free(&g.date);
	rp_outside_free(&g.outside);
	ug_map_free(&g.comp_count);
	return g.rc;
}
