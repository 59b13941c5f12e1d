/* test_hunt.c — unit tests for the hunt (lib/hunt): a small fleet written by
 * hand as Winlogbeat ECS lines and a Squid log, hunted with ad-hoc flags for
 * a made-up product. Checks deliveries (endpoint and proxy merged, in and
 * out of the window), lineage attribution of a dropped executable and a
 * scheduled task, baseline suppression (a task IT software distribution
 * puts on every host is not evidence), a network-only host judged on its
 * beacon, and the verdicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "updguard/hunt.h"

static char tmpdir[] = "/tmp/ughuntXXXXXX";
static ug_time day1, day2; /* 2026-01-19 and -20, 00:00 UTC */

#define MIN (60 * UG_NS_PER_SEC)
#define SEC UG_NS_PER_SEC

/* One Sysmon record as Winlogbeat writes it (event_data given as JSON members). */
static void ecs(FILE *f, ug_time t, const char *host, int id, const char *data)
{
	char ts[UG_TIME_BUFSZ];
	ug_time_format(t, 3, ts);
	fprintf(f, "{\"@timestamp\":\"%s\",\"host\":{\"name\":\"%s\"},\"winlog\":{\"channel\":"
	           "\"Microsoft-Windows-Sysmon/Operational\",\"event_id\":%d,\"computer_name\":\"%s\","
	           "\"event_data\":{%s}}}\n", ts, host, id, host, data);
}

static void squid(FILE *f, ug_time t, const char *ip, const char *status, unsigned long bytes,
                  const char *method, const char *url, const char *mime)
{
	fprintf(f, "%lld.000    120 %s %s %lu %s %s - HIER_DIRECT/198.51.100.7 %s\n",
	        (long long)(t / UG_NS_PER_SEC), ip, status, bytes, method, url, mime);
}

#define UPD "C:\\\\Program Files\\\\Foo\\\\fooupd.exe"

/* The updater runs as guid G; `bad` adds what a trojanised update does. */
static void update(FILE *f, ug_time t, const char *host, const char *g, bool bad)
{
	char d[1024];
	snprintf(d, sizeof(d), "\"ProcessGuid\":\"{%s}\",\"ProcessId\":\"100\",\"Image\":\"%s\","
	         "\"ParentProcessGuid\":\"{SVC}\",\"ParentImage\":\"C:\\\\Windows\\\\System32\\\\svchost.exe\","
	         "\"CommandLine\":\"fooupd.exe /auto\"", g, UPD);
	ecs(f, t, host, 1, d);
	snprintf(d, sizeof(d), "\"ProcessGuid\":\"{%s}\",\"Image\":\"%s\","
	         "\"TargetFilename\":\"C:\\\\Program Files\\\\Foo\\\\defs\\\\foo%lld.dat\"", g, UPD,
	         (long long)(t / UG_NS_PER_HOUR));
	ecs(f, t + 2 * SEC, host, 11, d);
	if (!bad)
		return;
	snprintf(d, sizeof(d), "\"ProcessGuid\":\"{%s}\",\"Image\":\"%s\","
	         "\"TargetFilename\":\"C:\\\\ProgramData\\\\Qz\\\\qzsvc.exe\"", g, UPD);
	ecs(f, t + 3 * SEC, host, 11, d);
	snprintf(d, sizeof(d), "\"ProcessGuid\":\"{%s-T}\",\"ProcessId\":\"101\","
	         "\"Image\":\"C:\\\\Windows\\\\System32\\\\schtasks.exe\",\"ParentProcessGuid\":\"{%s}\","
	         "\"ParentImage\":\"%s\",\"CommandLine\":\"schtasks /create /sc onlogon /tn \\\"\\\\Qz\\\\Sync\\\" "
	         "/tr C:\\\\ProgramData\\\\Qz\\\\qzsvc.exe\"", g, g, UPD);
	ecs(f, t + 4 * SEC, host, 1, d);
	snprintf(d, sizeof(d), "\"ProcessGuid\":\"{%s-Q}\",\"ProcessId\":\"102\","
	         "\"Image\":\"C:\\\\ProgramData\\\\Qz\\\\qzsvc.exe\",\"ParentProcessGuid\":\"{%s}\","
	         "\"ParentImage\":\"%s\",\"CommandLine\":\"qzsvc.exe\"", g, g, UPD);
	ecs(f, t + 5 * SEC, host, 1, d);
}

/* ws-7: a window delivery whose child persists without a task: a COM
 * hijack in the user's hive and a shortcut in the Startup folder. */
static void other_persistence(FILE *f, ug_time t)
{
	update(f, t, "ws-7", "W7", false);
	ecs(f, t + 3 * SEC, "ws-7", 1, "\"ProcessGuid\":\"{W7-C}\",\"ProcessId\":\"700\","
	    "\"Image\":\"C:\\\\Users\\\\ann\\\\AppData\\\\Local\\\\Temp\\\\fx.exe\","
	    "\"ParentProcessGuid\":\"{W7}\",\"ParentImage\":\"" UPD "\",\"CommandLine\":\"fx.exe\"");
	ecs(f, t + 4 * SEC, "ws-7", 13, "\"ProcessGuid\":\"{W7-C}\",\"EventType\":\"SetValue\","
	    "\"Image\":\"C:\\\\Users\\\\ann\\\\AppData\\\\Local\\\\Temp\\\\fx.exe\","
	    "\"TargetObject\":\"HKU\\\\S-1-5-21-1-2-3-1001\\\\Software\\\\Classes\\\\CLSID\\\\"
	    "{0A29FF9E-7F9C-4437-8B11-F424491E3931}\\\\InprocServer32\\\\(Default)\","
	    "\"Details\":\"C:\\\\Users\\\\ann\\\\AppData\\\\Local\\\\fx.dll\"");
	ecs(f, t + 5 * SEC, "ws-7", 11, "\"ProcessGuid\":\"{W7-C}\","
	    "\"Image\":\"C:\\\\Users\\\\ann\\\\AppData\\\\Local\\\\Temp\\\\fx.exe\","
	    "\"TargetFilename\":\"C:\\\\Users\\\\ann\\\\AppData\\\\Roaming\\\\Microsoft\\\\Windows\\\\"
	    "Start Menu\\\\Programs\\\\Startup\\\\fx.lnk\"");
}

/* IT software distribution: the same new task on a host, by its own agent. */
static void it_task(FILE *f, ug_time t, const char *host)
{
	ecs(f, t, host, 1, "\"ProcessGuid\":\"{IT}\",\"ProcessId\":\"300\","
	    "\"Image\":\"C:\\\\Windows\\\\System32\\\\schtasks.exe\",\"ParentProcessGuid\":\"{PDQ}\","
	    "\"ParentImage\":\"C:\\\\Windows\\\\PDQ\\\\runner.exe\","
	    "\"CommandLine\":\"schtasks /create /tn \\\"\\\\IT\\\\Inventory\\\" /tr inv.exe\"");
}

static void write_logs(void)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/winlogbeat.ndjson", tmpdir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	char host[16], g[16];
	/* ws-1's address, from its own connection */
	ecs(f, day1 + 8 * UG_NS_PER_HOUR, "ws-1", 3,
	    "\"ProcessGuid\":\"{X}\",\"Image\":\"C:\\\\Windows\\\\explorer.exe\",\"Initiated\":\"true\","
	    "\"SourceIp\":\"10.0.0.1\",\"DestinationIp\":\"203.0.113.5\",\"DestinationPort\":\"443\"");
	for (int h = 1; h <= 6; h++) { /* baseline: everybody updates on day 1 */
		snprintf(host, sizeof(host), "ws-%d", h);
		snprintf(g, sizeof(g), "B%d", h);
		update(f, day1 + 9 * UG_NS_PER_HOUR + h * MIN, host, g, false);
	}
	update(f, day1 + 9 * UG_NS_PER_HOUR + 7 * MIN, "ws-7", "B7", false);
	other_persistence(f, day2 + 10 * UG_NS_PER_HOUR + 7 * MIN);
	for (int h = 1; h <= 3; h++) { /* the window: ws-1 and ws-2 get the bad one */
		snprintf(host, sizeof(host), "ws-%d", h);
		snprintf(g, sizeof(g), "W%d", h);
		update(f, day2 + 10 * UG_NS_PER_HOUR + h * MIN, host, g, h <= 2);
	}
	for (int h = 1; h <= 6; h++) {
		snprintf(host, sizeof(host), "ws-%d", h);
		it_task(f, day2 + 10 * UG_NS_PER_HOUR + 20 * MIN, host);
	}
	fclose(f);

	snprintf(path, sizeof(path), "%s/access.log", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	squid(f, day1 + 8 * UG_NS_PER_HOUR, "10.0.0.7", "TCP_MISS/200", 900, "GET",
	      "http://www.example.org/", "text/html");
	/* ws-1's window delivery, seen by the proxy too (its clock 30 s off) */
	squid(f, day2 + 10 * UG_NS_PER_HOUR + 1 * MIN + 30 * SEC, "10.0.0.1", "TCP_MISS/200", 900000,
	      "GET", "http://update.foo.example/pkg/foo.cab", "application/octet-stream");
	/* a host known only to the proxy: delivery, then a beacon every 5 min */
	squid(f, day2 + 10 * UG_NS_PER_HOUR + 10 * MIN, "10.0.0.7", "TCP_MISS/200", 900000, "GET",
	      "http://update.foo.example/pkg/foo.cab", "application/octet-stream");
	for (int i = 0; i < 20; i++)
		squid(f, day2 + 10 * UG_NS_PER_HOUR + 12 * MIN + i * 5 * MIN + (i % 3) * 7 * SEC, "10.0.0.7",
		      "TCP_TUNNEL/200", 1200, "CONNECT", "cdn.qzsync.example:443", "-");
	/* two proxy-only hosts that checked for updates every 45 min, then got
	 * the window delivery: .21 stays busy all day and never checks again
	 * (update silence); .22 is switched off until late evening */
	for (int k = 0; k < 2; k++) {
		const char *ip = k ? "10.0.0.22" : "10.0.0.21";
		for (int i = 0; i < 13; i++)
			squid(f, day2 + i * 45 * MIN + k * MIN, ip, "TCP_MISS/200", 900, "GET",
			      "http://update.foo.example/pkg/manifest.xml", "text/xml");
		squid(f, day2 + 10 * UG_NS_PER_HOUR + 20 * MIN + k * MIN, ip, "TCP_MISS/200", 900000, "GET",
		      "http://update.foo.example/pkg/foo.cab", "application/octet-stream");
		for (int i = 0; i < 36; i++) {
			ug_time t = day2 + 11 * UG_NS_PER_HOUR + i * 20 * MIN;
			if (!k || t >= day2 + 22 * UG_NS_PER_HOUR + 30 * MIN)
				squid(f, t, ip, "TCP_MISS/200", 5000, "GET", "http://www.example.org/", "text/html");
		}
	}
	/* another proxy-only host: delivery, then two bursts of fetches 3 h apart
	 * (a download in pieces, regular within each burst): not a beacon */
	squid(f, day2 + 10 * UG_NS_PER_HOUR + 15 * MIN, "10.0.0.8", "TCP_MISS/200", 900000, "GET",
	      "http://update.foo.example/pkg/foo.cab", "application/octet-stream");
	for (int i = 0; i < 12; i++)
		squid(f, day2 + 10 * UG_NS_PER_HOUR + 20 * MIN + (i / 6) * 3 * UG_NS_PER_HOUR + (i % 6) * 25 * SEC,
		      "10.0.0.8", "TCP_TUNNEL/200", 1200, "CONNECT", "dl.burst.example:443", "-");
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	ug_time_from_civil(2026, 1, 19, 0, 0, 0, 0, &day1);
	ug_time_from_civil(2026, 1, 20, 0, 0, 0, 0, &day2);
	write_logs();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static ug_hunt_result *hunt(void)
{
	static const char *const updaters[] = {"fooupd.exe", NULL};
	static const char *const hosts[] = {"update.foo.example", NULL};
	ug_hunt_opts o;
	ug_hunt_opts_init(&o);
	o.product = "Foo";
	o.updaters = updaters;
	o.update_hosts = hosts;
	o.window_start = day2 + 9 * UG_NS_PER_HOUR;
	o.window_end = day2 + 12 * UG_NS_PER_HOUR;
	ug_ctx ctx;
	ug_ctx_init(&ctx);
	ctx.threads = 1;
	ctx.progress = false;
	ctx.log_level = UG_LOG_ERROR;
	char *paths[] = {tmpdir};
	ug_hunt_result *r = NULL;
	ug_error err = {0};
	int rc = ug_hunt_run(&o, paths, 1, &ctx, &r, &err);
	if (rc != UG_OK)
		fail_msg("hunt failed: %s", err.message);
	return r;
}

static const ug_host_result *host(const ug_hunt_result *r, const char *name)
{
	for (size_t i = 0; i < r->nhosts; i++)
		if (!strcmp(r->hosts[i].host, name))
			return &r->hosts[i];
	fail_msg("host %s not in the result", name);
	return NULL;
}

static const ug_evidence *evidence(const ug_host_result *h, const char *kind, const char *value)
{
	for (size_t i = 0; i < h->nevidence; i++)
		if (!strcmp(h->evidence[i].kind, kind) && (!value || strstr(h->evidence[i].value, value)))
			return &h->evidence[i];
	return NULL;
}

static void test_deliveries(void **state)
{
	(void)state;
	ug_hunt_result *r = hunt();
	const ug_host_result *h = host(r, "ws-1");
	assert_int_equal(h->ndeliveries, 2);
	assert_false(h->deliveries[0].in_window);
	const ug_delivery *d = &h->deliveries[1];
	assert_true(d->in_window);
	assert_true(d->seen & UG_SEEN_ENDPOINT);
	assert_true(d->seen & UG_SEEN_PROXY); /* merged with the proxy's record despite the skew */
	assert_string_equal(d->server, "update.foo.example");
	assert_string_equal(d->url, "http://update.foo.example/pkg/foo.cab");
	assert_int_equal(d->bytes, 900000);
	assert_non_null(strstr(d->files, "qzsvc.exe"));
	assert_int_equal(host(r, "ws-4")->ndeliveries, 1);
	assert_false(host(r, "ws-4")->deliveries[0].in_window);
	ug_hunt_result_free(r);
}

static void test_lineage_and_verdicts(void **state)
{
	(void)state;
	ug_hunt_result *r = hunt();
	for (int i = 1; i <= 2; i++) {
		char name[8];
		snprintf(name, sizeof(name), "ws-%d", i);
		const ug_host_result *h = host(r, name);
		assert_int_equal(h->verdict, UG_VERDICT_COMPROMISED);
		const ug_evidence *task = evidence(h, "persistence-task", "\\Qz\\Sync");
		assert_non_null(task); /* the value as the log wrote it ... */
		assert_string_equal(task->pattern, "\\qz\\sync"); /* ... and normalized for counting */
		assert_true(task->lineage);
		assert_string_equal(task->technique, "T1053.005");
		assert_int_equal(task->baseline_hosts, 0);
		const ug_evidence *drop = evidence(h, "dropped-executable", "qzsvc.exe");
		assert_non_null(drop);
		assert_true(drop->lineage);
		assert_true(drop->prov.record > 0);
	}
	assert_int_equal(host(r, "ws-3")->verdict, UG_VERDICT_CLEAN);
	assert_int_equal(host(r, "ws-4")->verdict, UG_VERDICT_NO_DELIVERY);
	assert_int_equal(r->hosts[0].verdict, UG_VERDICT_COMPROMISED); /* sorted: compromised first */
	ug_hunt_result_free(r);
}

static void test_baseline_suppression(void **state)
{
	(void)state;
	ug_hunt_result *r = hunt();
	/* every host got the IT task: on a window host it is weak at most */
	for (int i = 1; i <= 3; i++) {
		char name[8];
		snprintf(name, sizeof(name), "ws-%d", i);
		const ug_evidence *e = evidence(host(r, name), "persistence-task", "\\it\\inventory");
		if (e) {
			assert_true(e->weight < 1.0);
			assert_int_equal(e->fleet_hosts, 6);
		}
	}
	/* the product's own files (normal updates write them) are no evidence */
	assert_null(evidence(host(r, "ws-3"), "product-file", NULL));
	ug_hunt_result_free(r);
}

static void test_other_persistence(void **state)
{
	(void)state;
	ug_hunt_result *r = hunt();
	const ug_host_result *h = host(r, "ws-7");
	const ug_evidence *com = evidence(h, "persistence-registry", "InprocServer32");
	assert_non_null(com);
	assert_string_equal(com->technique, "T1546.015");
	assert_true(com->lineage);
	const ug_evidence *lnk = evidence(h, "persistence-startup", "fx.lnk");
	assert_non_null(lnk);
	assert_string_equal(lnk->technique, "T1547.001");
	assert_int_equal(h->verdict, UG_VERDICT_COMPROMISED);
	ug_hunt_result_free(r);
}

static void test_update_silence(void **state)
{
	(void)state;
	ug_hunt_result *r = hunt();
	const ug_evidence *busy = evidence(host(r, "10.0.0.21"), "update-silence", NULL);
	assert_non_null(busy);
	assert_non_null(strstr(busy->summary, "none after"));
	assert_null(evidence(host(r, "10.0.0.22"), "update-silence", NULL));
	ug_hunt_result_free(r);
}

static void test_network_only_and_iocs(void **state)
{
	(void)state;
	ug_hunt_result *r = hunt();
	const ug_host_result *h = host(r, "10.0.0.7");
	assert_false(h->endpoint_logs);
	assert_int_equal(h->ndeliveries, 1);
	assert_true(h->deliveries[0].seen & UG_SEEN_PROXY);
	const ug_evidence *b = evidence(h, "beacon", "qzsync.example");
	assert_non_null(b);
	assert_int_equal(h->verdict, UG_VERDICT_COMPROMISED);
	bool task = false, path = false;
	for (size_t i = 0; i < r->niocs; i++) {
		task |= !strcmp(r->iocs[i].type, "task-name") && strstr(r->iocs[i].value, "\\Qz\\Sync");
		path |= !strcmp(r->iocs[i].type, "file-name") && !strcmp(r->iocs[i].value, "qzsvc.exe");
		assert_null(strstr(r->iocs[i].value, "inventory")); /* the IT task is no IOC */
	}
	assert_true(task);
	assert_true(path);
	assert_string_equal(ug_verdict_name(UG_VERDICT_CLEAN), "clean-delivery");
	const ug_host_result *h8 = host(r, "10.0.0.8");
	assert_int_equal(h8->ndeliveries, 1);
	assert_null(evidence(h8, "beacon", "burst.example"));
	ug_hunt_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deliveries),
		cmocka_unit_test(test_lineage_and_verdicts),
		cmocka_unit_test(test_baseline_suppression),
		cmocka_unit_test(test_network_only_and_iocs),
		cmocka_unit_test(test_other_persistence),
		cmocka_unit_test(test_update_silence),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
