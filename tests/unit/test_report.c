/* test_report.c — unit tests for the report layer (lib/report) on a small
 * case written by hand: a compromised host with hostile-looking values
 * (quotes, '*', markup), a clean host that shares one indicator, a host with
 * no delivery. Checks UUIDv5 against RFC 4122's example, the case database
 * round trip (every field back as written; garbage refused), Sigma rule
 * structure (required keys, modifiers from the specification's list,
 * conditions naming existing search identifiers, escaping, the shared value
 * left out), STIX patterns and determinism, HTML escaping, and the egress
 * lists (a server only bad deliveries used is excluded; a hostile server
 * name never reaches squid.conf). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "updguard/report.h"

static char tmpdir[] = "/tmp/ugreportXXXXXX";

/* ---- the hand-written case ---- */

static ug_source sources[] = {{0, "logs/sysmon.ndjson", "ecs-json", 100, 10, 1, false, NULL},
                              {1, "logs/capture.pcap", "", 0, 0, 0, false, "not a log (pcap)"}};
static ug_delivery d_bad[] = {{0, "bad-mirror.example.com", "198.51.100.7", "EU", "http://bad-mirror.example.com/u.cab",
                               1234, "C:\\Program Files\\Prod\\Updater.exe", "", UG_SEEN_ENDPOINT | UG_SEEN_PROXY, true,
                               {0, 5}}};
static ug_delivery d_clean[] = {
	{0, "upd.example.com", "192.0.2.10", "EU", "http://upd.example.com/u.cab", 99, "", "", UG_SEEN_PROXY, false, {0, 7}},
	{0, "evil.com\nhttp_access allow all", "192.0.2.11;", "", "", 0, "", "", UG_SEEN_PROXY, false, {0, 8}},
};
static ug_evidence e_bad[] = {
	{0, "dropped-executable", "T1105", "Updater.exe wrote C:\\ProgramData\\Evil*\\o'brien.exe <b>",
	 "C:\\ProgramData\\Evil*\\o'brien.exe", "c:\\programdata\\evil*\\o'brien.exe", true, 1, 0, 4, {0, 6},
	 "C:\\Program Files\\Prod\\Updater.exe", "C:\\Windows\\explorer.exe"},
	{0, "updater-child", "T1204.002", "Updater.exe started cmd.exe", "C:\\Windows\\System32\\cmd.exe",
	 "c:\\windows\\system32\\cmd.exe", true, 1, 0, 3, {0, 9}, "C:\\Windows\\System32\\cmd.exe",
	 "C:\\Program Files\\Prod\\Updater.exe"},
	{0, "updater-child", "T1204.002", "cmd.exe started conhost.exe", "C:\\Windows\\System32\\conhost.exe",
	 "c:\\windows\\system32\\conhost.exe", true, 1, 0, 3, {0, 10}, "C:\\Windows\\System32\\conhost.exe",
	 "C:\\Windows\\System32\\cmd.exe"},
	{0, "persistence-task", "T1053.005", "schtasks /create /tn \"\\Evil Task\"", "\\Evil Task", "\\evil task", true, 1,
	 0, 5, {0, 11}, "C:\\Windows\\System32\\schtasks.exe", "C:\\Windows\\System32\\cmd.exe"},
};
static ug_evidence e_clean[] = {{0, "known-ioc", "T1071", "shared.example queried", "shared.example", "shared.example",
                                 false, 2, 0, 0, {0, 12}, "", ""}};
static ug_host_result hosts[] = {
	{"ws-bad-1", "10.0.0.5", true, UG_VERDICT_COMPROMISED, 15, "bad", d_bad, 1, e_bad, 4},
	{"<script>alert(1)</script>", "10.0.0.6", true, UG_VERDICT_SUSPICIOUS, 0, "raised", d_clean, 2, e_clean, 1},
	{"ws-none", "", false, UG_VERDICT_NO_DELIVERY, 0, "none", NULL, 0, NULL, 0},
};
static ug_ioc iocs[] = {
	{"sha256", "AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34", 1, "hash", {0, 6}},
	{"file-path", "C:\\ProgramData\\Evil*\\o'brien.exe", 1, "drop", {0, 6}},
	{"file-name", "o'brien.exe", 1, "drop", {0, 6}},
	{"task-name", "\\Evil Task", 1, "task", {0, 11}},
	{"domain", "c2.evil.example", 1, "c2", {0, 6}},
	{"domain", "shared.example", 2, "on a clean host too", {0, 12}},
	{"ipv4", "203.0.113.9", 1, "c2", {0, 6}},
	{"url", "http://c2.evil.example/p?q=1", 1, "c2", {0, 6}},
	{"registry", "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Evil", 1, "run key", {0, 6}},
	{"service-name", "EvilSvc", 1, "service", {0, 6}},
	{"weird-type", "x", 1, "no pattern for it", {0, 6}},
};
static ug_server_stat servers[] = {{"bad-mirror.example.com", "EU", 1, 1, 1, 0, 0},
                                   {"upd.example.com", "EU", 1, 0, 0, 0, 0}};
static ug_hunt_result result;

static void build_case(void)
{
	ug_time t0;
	ug_time_from_civil(2026, 1, 20, 10, 0, 0, 0, &t0);
	d_bad[0].time = t0 + 60 * UG_NS_PER_SEC;
	d_clean[0].time = t0 - 86400 * UG_NS_PER_SEC;
	d_clean[1].time = t0 - 86000 * UG_NS_PER_SEC;
	for (size_t i = 0; i < UG_ARRAY_LEN(e_bad); i++)
		e_bad[i].time = t0 + (ug_time)(120 + i) * UG_NS_PER_SEC;
	e_clean[0].time = t0 + 300 * UG_NS_PER_SEC;
	servers[0].first = servers[0].last = d_bad[0].time;
	servers[1].first = servers[1].last = d_clean[0].time;
	result = (ug_hunt_result){"Prod <&>", t0 - UG_NS_PER_HOUR, t0 + UG_NS_PER_HOUR, UG_NS_PER_HOUR, false,
	                          hosts, UG_ARRAY_LEN(hosts), iocs, UG_ARRAY_LEN(iocs), servers, UG_ARRAY_LEN(servers),
	                          sources, UG_ARRAY_LEN(sources), 10, 1, "logs/sysmon.ndjson:3: invalid JSON", NULL};
}

static char *slurp(const char *dir, const char *name)
{
	char p[600];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

static ug_case *new_case(void)
{
	ug_case *c = NULL;
	ug_error err;
	assert_int_equal(ug_case_from_hunt(&result, NULL, 1769000000LL * UG_NS_PER_SEC, &c, &err), UG_OK);
	return c;
}

/* ---- tests ---- */

static void test_uuid5(void **state)
{
	(void)state;
	static const unsigned char ns_dns[16] = {0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
	                                         0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
	char out[37];
	ug_uuid5(ns_dns, "python.org", 10, out);
	assert_string_equal(out, "886313e1-3b8a-5372-9b90-0c9aee199e5d");
}

static void same_str(const char *a, const char *b) { assert_string_equal(a ? a : "", b ? b : ""); }

static void test_case_db_roundtrip(void **state)
{
	(void)state;
	ug_case *c = new_case();
	char path[300];
	snprintf(path, sizeof(path), "%s/case.sqlite", tmpdir);
	ug_error err;
	assert_int_equal(ug_case_write_db(c, path, &err), UG_OK);
	ug_case *l = NULL;
	assert_int_equal(ug_case_load(path, &l, &err), UG_OK);
	const ug_hunt_result *r = l->res;
	same_str(r->product, result.product);
	assert_true(r->window_start == result.window_start && r->window_end == result.window_end);
	assert_int_equal(r->nhosts, 3);
	for (size_t i = 0; i < r->nhosts; i++) {
		const ug_host_result *a = &r->hosts[i], *b = &hosts[i];
		same_str(a->host, b->host);
		assert_int_equal(a->verdict, b->verdict);
		assert_int_equal(a->ndeliveries, b->ndeliveries);
		assert_int_equal(a->nevidence, b->nevidence);
		for (size_t j = 0; j < a->ndeliveries; j++) {
			assert_true(a->deliveries[j].time == b->deliveries[j].time);
			same_str(a->deliveries[j].server, b->deliveries[j].server);
			assert_int_equal(a->deliveries[j].seen, b->deliveries[j].seen);
			assert_int_equal(a->deliveries[j].prov.record, b->deliveries[j].prov.record);
		}
		for (size_t j = 0; j < a->nevidence; j++) {
			same_str(a->evidence[j].value, b->evidence[j].value);
			same_str(a->evidence[j].parent_process, b->evidence[j].parent_process);
			assert_int_equal(a->evidence[j].lineage, b->evidence[j].lineage);
			assert_true(a->evidence[j].weight == b->evidence[j].weight);
		}
	}
	assert_int_equal(r->niocs, UG_ARRAY_LEN(iocs));
	same_str(r->iocs[1].value, iocs[1].value);
	assert_int_equal(r->nsources, 2);
	same_str(r->sources[1].ignored, "not a log (pcap)");
	assert_null(r->sources[0].ignored);
	assert_int_equal(r->records_skipped, 1);
	assert_true(l->run.created == c->run.created);
	ug_case_free(l);
	ug_case_free(c);
}

static void test_case_db_refuses_garbage(void **state)
{
	(void)state;
	char path[300];
	snprintf(path, sizeof(path), "%s/garbage.sqlite", tmpdir);
	FILE *f = fopen(path, "wb");
	for (int i = 0; i < 5000; i++)
		fputc((i * 7919) & 0xff, f);
	fclose(f);
	ug_case *l = NULL;
	ug_error err;
	assert_int_equal(ug_case_load(path, &l, &err), UG_ERR_PARSE);
	assert_null(l);
	assert_true(strlen(err.message) > 0);
	snprintf(path, sizeof(path), "%s/none.sqlite", tmpdir);
	assert_int_equal(ug_case_load(path, &l, &err), UG_ERR_IO);
}

/* --- Sigma: a rule's structure per the specification --- */

static const char *const modifiers[] = {"contains", "startswith", "endswith", "all", "base64", "base64offset",
                                        "utf16le", "utf16be", "wide", "utf16", "windash", "re", "i", "m", "s",
                                        "cidr", "expand", "gt", "gte", "lt", "lte", "fieldref", "exists", "cased", "neq"};

static yaml_node_t *get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		if (k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, key))
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

static const char *scalar(yaml_node_t *n) { return n && n->type == YAML_SCALAR_NODE ? (char *)n->data.scalar.value : NULL; }

static bool one_of(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

static void check_field(const char *field)
{
	char buf[200];
	snprintf(buf, sizeof(buf), "%s", field);
	char *save = NULL, *tok = strtok_r(buf, "|", &save);
	assert_non_null(tok);
	while ((tok = strtok_r(NULL, "|", &save)))
		if (!one_of(tok, modifiers, UG_ARRAY_LEN(modifiers)))
			fail_msg("modifier '%s' is not in the Sigma specification", tok);
}

/* Every word of the condition is an operator or names a search identifier
 * (a 'x_*' pattern names at least one). */
static void check_condition(yaml_document_t *d, yaml_node_t *det, const char *cond)
{
	char buf[300];
	snprintf(buf, sizeof(buf), "%s", cond);
	char *save = NULL;
	for (char *w = strtok_r(buf, " ()", &save); w; w = strtok_r(NULL, " ()", &save)) {
		if (!strcmp(w, "and") || !strcmp(w, "or") || !strcmp(w, "not") || !strcmp(w, "of") || !strcmp(w, "1") ||
		    !strcmp(w, "all"))
			continue;
		size_t n = strlen(w);
		bool found = false;
		for (yaml_node_pair_t *p = det->data.mapping.pairs.start; p < det->data.mapping.pairs.top; p++) {
			const char *k = scalar(yaml_document_get_node(d, p->key));
			if (strcmp(k, "condition") && (w[n - 1] == '*' ? !strncmp(k, w, n - 1) : !strcmp(k, w)))
				found = true;
		}
		if (!found)
			fail_msg("condition '%s' names '%s', which is not a search identifier", cond, w);
	}
}

static void check_search(yaml_document_t *d, yaml_node_t *sel)
{
	assert_int_equal(sel->type, YAML_MAPPING_NODE);
	for (yaml_node_pair_t *p = sel->data.mapping.pairs.start; p < sel->data.mapping.pairs.top; p++) {
		check_field(scalar(yaml_document_get_node(d, p->key)));
		yaml_node_t *v = yaml_document_get_node(d, p->value);
		if (v->type == YAML_SEQUENCE_NODE)
			assert_true(v->data.sequence.items.top > v->data.sequence.items.start);
		else
			assert_int_equal(v->type, YAML_SCALAR_NODE);
	}
}

static void check_rule(const char *text, const char *name)
{
	yaml_parser_t p;
	yaml_document_t d;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
	if (!yaml_parser_load(&p, &d))
		fail_msg("%s: not YAML: %s", name, p.problem);
	yaml_node_t *root = yaml_document_get_root_node(&d);
	static const char *const levels[] = {"informational", "low", "medium", "high", "critical"};
	static const char *const statuses[] = {"stable", "test", "experimental", "deprecated", "unsupported"};
	assert_non_null(scalar(get(&d, root, "title")));
	const char *id = scalar(get(&d, root, "id"));
	assert_true(id && strlen(id) == 36 && id[14] == '5');
	assert_true(one_of(scalar(get(&d, root, "status")), statuses, 5));
	assert_true(one_of(scalar(get(&d, root, "level")), levels, 5));
	const char *date = scalar(get(&d, root, "date"));
	assert_true(date && strlen(date) == 10 && date[4] == '-' && date[7] == '-');
	yaml_node_t *ls = get(&d, root, "logsource");
	assert_true(get(&d, ls, "category") || get(&d, ls, "product") || get(&d, ls, "service"));
	yaml_node_t *tags = get(&d, root, "tags");
	for (yaml_node_item_t *i = tags->data.sequence.items.start; i < tags->data.sequence.items.top; i++)
		assert_true(!strncmp(scalar(yaml_document_get_node(&d, *i)), "attack.", 7));
	yaml_node_t *det = get(&d, root, "detection");
	const char *cond = scalar(get(&d, det, "condition"));
	assert_non_null(cond);
	size_t nsel = 0;
	for (yaml_node_pair_t *q = det->data.mapping.pairs.start; q < det->data.mapping.pairs.top; q++) {
		if (!strcmp(scalar(yaml_document_get_node(&d, q->key)), "condition"))
			continue;
		check_search(&d, yaml_document_get_node(&d, q->value));
		nsel++;
	}
	assert_true(nsel >= 1);
	check_condition(&d, det, cond);
	yaml_document_delete(&d);
	yaml_parser_delete(&p);
}

static void test_sigma_rules(void **state)
{
	(void)state;
	ug_case *c = new_case();
	ug_error err;
	assert_int_equal(ug_report_write_sigma(c, tmpdir, &err), UG_OK);
	char dir[300];
	snprintf(dir, sizeof(dir), "%s/rules", tmpdir);
	DIR *dd = opendir(dir);
	assert_non_null(dd);
	struct dirent *de;
	int n = 0;
	bool child = false, drop = false;
	while ((de = readdir(dd))) {
		if (de->d_name[0] == '.')
			continue;
		char *t = slurp(dir, de->d_name);
		check_rule(t, de->d_name);
		assert_null(strstr(t, "shared.example")); /* a clean host shows it */
		assert_null(strstr(t, "conhost.exe"));     /* started by cmd.exe, not by the updater */
		if (strstr(de->d_name, "updater-child")) {
			child = strstr(t, "ParentImage|endswith: '\\Updater.exe'") && strstr(t, "'\\cmd.exe'");
		}
		if (strstr(de->d_name, "dropped-files"))
			drop = strstr(t, "'C:\\ProgramData\\Evil\\*\\o''brien.exe'") != NULL;
		free(t);
		n++;
	}
	closedir(dd);
	assert_true(n >= 8);
	assert_true(child);
	assert_true(drop);
	ug_case_free(c);
}

static void test_stix(void **state)
{
	(void)state;
	ug_case *c = new_case();
	ug_error err;
	assert_int_equal(ug_report_write_stix(c, tmpdir, &err), UG_OK);
	char *a = slurp(tmpdir, "iocs.stix.json");
	assert_int_equal(ug_report_write_stix(c, tmpdir, &err), UG_OK);
	char *b = slurp(tmpdir, "iocs.stix.json");
	assert_string_equal(a, b); /* deterministic */
	size_t n = 0;
	for (const char *p = a; (p = strstr(p, "\"type\":\"indicator\"")); p++)
		n++;
	assert_int_equal(n, UG_ARRAY_LEN(iocs) - 1); /* every type but the unknown one */
	/* JSON of the STIX literal 'o\'brien.exe' and a path with doubled backslashes */
	assert_non_null(strstr(a, "[file:name = 'o\\\\'brien.exe' AND file:parent_directory_ref.path = "
	                          "'C:\\\\\\\\ProgramData\\\\\\\\Evil*']"));
	assert_non_null(strstr(a, "[file:hashes.'SHA-256' = 'ab12cd34"));
	assert_non_null(strstr(a, "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\\\\\Software"));
	assert_non_null(strstr(a, "TaskCache\\\\\\\\Tree\\\\\\\\Evil Task']"));
	assert_non_null(strstr(a, "CurrentControlSet\\\\\\\\Services\\\\\\\\EvilSvc']"));
	assert_non_null(strstr(a, "\"created\":\"2026-01-20T10:05:00.000Z\"")); /* the data's last finding */
	free(a);
	free(b);
	ug_case_free(c);
}

static void test_html_escapes(void **state)
{
	(void)state;
	ug_case *c = new_case();
	ug_error err;
	assert_int_equal(ug_report_write_html(c, tmpdir, &err), UG_OK);
	char *h = slurp(tmpdir, "report.html");
	assert_null(strstr(h, "<script>alert(1)"));
	assert_null(strstr(h, "Prod <&>"));
	assert_non_null(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(h, "\\u003cscript\\u003ealert(1)"));
	assert_non_null(strstr(h, "o&#39;brien.exe &lt;b&gt;"));
	assert_non_null(strstr(h, "logs/sysmon.ndjson:6"));   /* file:line of the evidence */
	assert_non_null(strstr(h, "not a log (pcap)"));       /* skipped input */
	assert_non_null(strstr(h, "class=\"proc\""));          /* the lineage tree */
	free(h);
	ug_case_free(c);
}

static void test_egress(void **state)
{
	(void)state;
	ug_case *c = new_case();
	ug_error err;
	assert_int_equal(ug_report_write_egress(c, tmpdir, &err), UG_OK);
	char dir[300];
	snprintf(dir, sizeof(dir), "%s/egress", tmpdir);
	char *allow = slurp(dir, "allowlist.csv"), *excl = slurp(dir, "excluded.csv"), *sq = slurp(dir, "squid.conf");
	char *nft = slurp(dir, "nftables.nft");
	assert_non_null(strstr(allow, "host,upd.example.com,1,0,"));
	assert_non_null(strstr(allow, "ipv4,192.0.2.10,1,0,"));
	assert_null(strstr(allow, "bad-mirror"));
	assert_non_null(strstr(excl, "host,bad-mirror.example.com,0,1,"));
	assert_null(strstr(sq, "bad-mirror"));
	assert_null(strstr(sq, "allow all"));
	assert_null(strstr(allow, "192.0.2.11"));
	assert_non_null(strstr(sq, "acl updguard_update_hosts dstdomain upd.example.com\n"));
	assert_non_null(strstr(nft, "elements = { 192.0.2.10 }"));
	free(allow);
	free(excl);
	free(sq);
	free(nft);
	ug_case_free(c);
}

static int setup(void **state)
{
	(void)state;
	build_case();
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uuid5),
		cmocka_unit_test(test_case_db_roundtrip),
		cmocka_unit_test(test_case_db_refuses_garbage),
		cmocka_unit_test(test_sigma_rules),
		cmocka_unit_test(test_stix),
		cmocka_unit_test(test_html_escapes),
		cmocka_unit_test(test_egress),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
