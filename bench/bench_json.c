/* bench_json.c — the measurement behind the JSON parser choice: throughput
 * of ug_json_parse (our scanner) against jansson's json_loadb on the same
 * generated buffer of ECS-shaped Winlogbeat Sysmon records (JSON lines,
 * ~200 MB; BENCH_JSON_MB overrides), one record at a time as the readers do.
 *
 * Prints MB/s for: the line split alone (memchr, the floor), the scanner,
 * the scanner plus decoding every string (what jansson always does), jansson,
 * and the whole ecs-json format (scan + map into events) through
 * ug_format_parse_buffer, single-threaded; then the scanner/jansson ratio.
 * Exit status 1 when the parsers disagree on the record count.
 *
 * `bench_json FILE [REPEAT]` instead reads FILE (JSON lines, e.g. the
 * simulator's winlogbeat.ndjson or nxlog JSON) and times, in CPU seconds
 * (best of REPEAT, default 5), the scanner alone and the detected format
 * into events through ug_format_parse_buffer: the JSON readers' own cost,
 * without file reading, block handling and thread hand-off. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef UG_HAVE_JANSSON
#include <jansson.h>
#endif

#include "core/arena.h"
#include "core/buf.h"
#include "sources/format.h"
#include "sources/json.h"

extern const ug_format ug_fmt_ecs_json;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static const char *const images[] = {
    "C:\\\\Program Files\\\\eScan\\\\download.exe",
    "C:\\\\Windows\\\\System32\\\\svchost.exe",
    "C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe",
    "C:\\\\ProgramData\\\\eScan\\\\updater\\\\reload.exe",
    "C:\\\\Users\\\\analyst\\\\AppData\\\\Local\\\\Temp\\\\setup_4f2a.exe",
};

/* One Winlogbeat 8 Sysmon record (about 1.3 KB), varied by i. */
static void gen_record(ug_buf *b, uint64_t i)
{
	static const int ids[] = {1, 3, 11, 13, 22};
	int id = ids[rnd(5)];
	const char *img = images[rnd(UG_ARRAY_LEN(images))];
	uint32_t host = rnd(5000), pid = 1000 + rnd(60000);
	unsigned sec = (unsigned)(i % 7200);
	ug_buf_printf(
	    b,
	    "{\"@timestamp\":\"2026-01-20T%02u:%02u:%02u.%03uZ\",\"agent\":{\"type\":"
	    "\"winlogbeat\",\"version\":\"8.11.0\",\"hostname\":\"WS-IN-%04u\"},"
	    "\"ecs\":{\"version\":\"8.0.0\"},\"event\":{\"code\":\"%d\",\"kind\":\"event\","
	    "\"module\":\"sysmon\",\"category\":[\"process\"],\"type\":[\"start\"]},"
	    "\"host\":{\"name\":\"WS-IN-%04u\",\"os\":{\"family\":\"windows\",\"version\":"
	    "\"10.0\"}},\"log\":{\"level\":\"information\"},\"process\":{\"executable\":"
	    "\"%s\",\"pid\":%u,\"entity_id\":\"{7b3c1e2a-%04x-65ab-%04x-000000000a00}\"},",
	    10 + sec / 3600, sec / 60 % 60, sec % 60, (unsigned)(i % 1000), host, id, host, img,
	    pid, rnd(65536), rnd(65536));
	ug_buf_printf(
	    b,
	    "\"winlog\":{\"api\":\"wineventlog\",\"channel\":\"Microsoft-Windows-Sysmon/"
	    "Operational\",\"computer_name\":\"WS-IN-%04u.corp.example\",\"event_id\":%d,"
	    "\"provider_name\":\"Microsoft-Windows-Sysmon\",\"record_id\":%llu,"
	    "\"task\":\"Process Create (rule: ProcessCreate)\",\"user\":{\"domain\":"
	    "\"NT AUTHORITY\",\"name\":\"SYSTEM\",\"identifier\":\"S-1-5-18\"},"
	    "\"event_data\":{\"RuleName\":\"-\",\"UtcTime\":\"2026-01-20 %02u:%02u:%02u.%03u\","
	    "\"ProcessGuid\":\"{7b3c1e2a-%04x-65ab-%04x-000000000a00}\",\"ProcessId\":\"%u\","
	    "\"Image\":\"%s\",\"FileVersion\":\"12.0.%u\",\"Description\":\"eScan updater\","
	    "\"Product\":\"eScan\xc2\xae Anti-Virus\",\"Company\":\"MicroWorld Technologies\","
	    "\"CommandLine\":\"\\\"%s\\\" /update /silent /server:update%u.escan.example\","
	    "\"CurrentDirectory\":\"C:\\\\Windows\\\\system32\\\\\",\"User\":"
	    "\"NT AUTHORITY\\\\SYSTEM\",\"LogonId\":\"0x3e7\",\"IntegrityLevel\":\"System\","
	    "\"Hashes\":\"SHA256=%08X%08X%08X%08X,IMPHASH=%08X%08X\",\"ParentImage\":"
	    "\"C:\\\\Windows\\\\System32\\\\services.exe\",\"ParentCommandLine\":"
	    "\"C:\\\\Windows\\\\system32\\\\services.exe\"}}}\n",
	    host, id, (unsigned long long)i, 10 + sec / 3600, sec / 60 % 60, sec % 60,
	    (unsigned)(i % 1000), rnd(65536), rnd(65536), pid, img, rnd(100), img, rnd(4),
	    rnd(UINT32_MAX), rnd(UINT32_MAX), rnd(UINT32_MAX), rnd(UINT32_MAX), rnd(UINT32_MAX),
	    rnd(UINT32_MAX));
}

typedef struct lines {
	const char *p, *end;
} lines;

static bool next_line(lines *l, ug_sv *out)
{
	if (l->p >= l->end)
		return false;
	const char *nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	const char *e = nl ? nl : l->end;
	*out = (ug_sv){l->p, (size_t)(e - l->p)};
	l->p = nl ? nl + 1 : l->end;
	return true;
}

static int count_event(const ug_event *ev, void *user)
{
	(void)ev;
	(*(uint64_t *)user)++;
	return 0;
}

static void report(const char *what, double secs, size_t bytes, uint64_t recs)
{
	printf("  %-44s %8.0f MB/s  (%llu records, %.2f s)\n", what, (double)bytes / secs / 1e6,
	       (unsigned long long)recs, secs);
}

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bench_file(const char *path, int repeat)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 1;
	}
	ug_buf b = UG_BUF_INIT;
	char chunk[1 << 16];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ug_buf_append(&b, chunk, got);
	fclose(f);
	if (!ug_buf_ok(&b))
		return 1;
	ug_sv data = {b.p, b.len};
	int score = 0;
	const ug_format *fmt = ug_format_detect(data, path, &score);
	if (!fmt) {
		fprintf(stderr, "%s: no format\n", path);
		ug_buf_free(&b);
		return 1;
	}
	printf("%s: %.0f MB, format %s, CPU seconds best of %d\n", path, (double)b.len / 1e6,
	       fmt->name, repeat);
	double scan_best = 1e9, fmt_best = 1e9;
	uint64_t recs = 0, events = 0;
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	for (int r = 0; r < repeat; r++) {
		double t0 = cpu_s();
		lines l = {b.p, b.p + b.len};
		ug_sv rec;
		recs = 0;
		while (next_line(&l, &rec))
			recs += rec.n && ug_json_parse(&doc, rec) == UG_OK;
		double t = cpu_s() - t0;
		scan_best = t < scan_best ? t : scan_best;
		t0 = cpu_s();
		events = 0;
		ug_parse_stats st = {0};
		ug_error err = {0};
		ug_format_parse_buffer(fmt, data, NULL, count_event, &events, &st, &err);
		t = cpu_s() - t0;
		fmt_best = t < fmt_best ? t : fmt_best;
	}
	ug_json_doc_free(&doc);
	printf("  scanner alone          %6.3f s  %8.0f MB/s  %8.0f k records/s\n", scan_best,
	       (double)b.len / scan_best / 1e6, (double)recs / scan_best / 1e3);
	printf("  %-22s %6.3f s  %8.0f MB/s  %8.0f k records/s  (%llu events)\n", fmt->name,
	       fmt_best, (double)b.len / fmt_best / 1e6, (double)events / fmt_best / 1e3,
	       (unsigned long long)events);
	ug_buf_free(&b);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return bench_file(argv[1], argc > 2 ? atoi(argv[2]) : 5);
	const char *env = getenv("BENCH_JSON_MB");
	size_t target = (size_t)(env ? atol(env) : 200) << 20;
	ug_buf b = UG_BUF_INIT;
	for (uint64_t i = 1; b.len < target; i++)
		gen_record(&b, i);
	if (!ug_buf_ok(&b))
		return 1;
	size_t n = b.len;
	printf("json-parse: %.0f MB of ECS JSON lines (Winlogbeat Sysmon)\n", (double)n / 1e6);

	/* floor: the line split alone */
	double t0 = now_s();
	uint64_t nlines = 0;
	lines l = {b.p, b.p + n};
	ug_sv rec;
	while (next_line(&l, &rec))
		nlines++;
	report("line split (memchr)", now_s() - t0, n, nlines);

	/* the scanner, doc reused */
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	uint64_t ok = 0, toks = 0;
	t0 = now_s();
	l = (lines){b.p, b.p + n};
	while (next_line(&l, &rec))
		if (ug_json_parse(&doc, rec) == UG_OK) {
			ok++;
			toks += doc.ntoks;
		}
	double scan_s = now_s() - t0;
	report("updguard ug_json_parse", scan_s, n, ok);

	/* the scanner and every string decoded */
	ug_arena a;
	ug_arena_init(&a, 1 << 20);
	uint64_t ok2 = 0, sum = 0;
	t0 = now_s();
	l = (lines){b.p, b.p + n};
	while (next_line(&l, &rec)) {
		if (ug_json_parse(&doc, rec) != UG_OK)
			continue;
		ok2++;
		for (uint32_t i = 0; i < doc.ntoks; i++)
			if (doc.toks[i].type == UG_JSON_STRING)
				sum += ug_json_string(&doc.toks[i], &a).n;
		ug_arena_reset(&a);
	}
	double dec_s = now_s() - t0;
	report("updguard ug_json_parse + decode all strings", dec_s, n, ok2);
	ug_arena_free(&a);
	ug_json_doc_free(&doc);

	/* jansson */
	double jan_s = 0;
	uint64_t jok = ok;
#ifdef UG_HAVE_JANSSON
	jok = 0;
	t0 = now_s();
	l = (lines){b.p, b.p + n};
	while (next_line(&l, &rec)) {
		json_error_t jerr;
		json_t *j = json_loadb(rec.p, rec.n, 0, &jerr);
		if (j) {
			jok++;
			json_decref(j);
		}
	}
	jan_s = now_s() - t0;
	report("jansson json_loadb + json_decref", jan_s, n, jok);
#else
	printf("  jansson: not built (install libjansson-dev)\n");
#endif

	/* end to end: ecs-json into events, one thread */
	uint64_t events = 0;
	ug_parse_stats st = {0};
	ug_error err = {0};
	t0 = now_s();
	ug_format_parse_buffer(&ug_fmt_ecs_json, (ug_sv){b.p, n}, NULL, count_event, &events, &st,
	                       &err);
	report("updguard ecs-json format -> events (1 thread)", now_s() - t0, n, events);

	printf("  tokens per record: %.1f, bytes per record: %.0f\n", (double)toks / (double)ok,
	       (double)n / (double)ok);
	if (jan_s > 0)
		printf("  ratio: scanner %.1fx jansson, scanner+decode %.1fx jansson\n",
		       jan_s / scan_s, jan_s / dec_s);
	ug_buf_free(&b);
	bool agree = ok == nlines && ok2 == nlines && jok == nlines && events == nlines &&
	             st.skipped == 0 && sum > 0;
	if (!agree)
		printf(
		    "  DISAGREE: lines %llu scanner %llu jansson %llu events %llu skipped %llu\n",
		    (unsigned long long)nlines, (unsigned long long)ok, (unsigned long long)jok,
		    (unsigned long long)events, (unsigned long long)st.skipped);
	return agree ? 0 : 1;
}
