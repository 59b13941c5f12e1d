/* test_formats.c — the proxy, Zeek, CSV and DHCP formats, each read through
 * ug_format_parse_buffer from realistic in-test data: exact time, host, kind
 * and canonical fields; header variants; bad records skipped with their
 * reason while the rest is read; CRLF; very long lines. Last, every Zeek log
 * in ../shared/data/zeek is read with zero skipped records and one event per
 * data line (counted here independently). */
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
#include <zlib.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/str.h"
#include "sources/format.h"

/* ---- collecting events ------------------------------------------------ */

typedef struct got_field {
	char *name, *value;
	ug_field_id canon;
} got_field;

typedef struct got_event {
	ug_time ts;
	char *host;
	ug_event_kind kind;
	uint64_t record, offset;
	got_field *fields;
	uint32_t nfields;
} got_event;

typedef struct got {
	ug_arena mem;
	got_event *ev;
	size_t n, cap;
	ug_parse_stats stats;
	int rc;
	ug_error err;
	size_t keep; /* keep at most this many events (0 = all) */
} got;

static char *copy(ug_arena *a, ug_sv s)
{
	ug_sv d = ug_arena_dup(a, s);
	assert_non_null(d.p);
	return (char *)d.p;
}

static int collect(const ug_event *ev, void *user)
{
	got *g = user;
	/* every value a reader hands on is valid UTF-8 */
	for (uint32_t i = 0; i < ev->nfields; i++)
		assert_true(ug_utf8_valid(ev->fields[i].value));
	if (g->keep && g->n >= g->keep) {
		g->n++;
		return 0;
	}
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->ev = realloc(g->ev, g->cap * sizeof(*g->ev));
		assert_non_null(g->ev);
	}
	got_event *e = &g->ev[g->n++];
	e->ts = ev->ts;
	e->host = copy(&g->mem, ev->host);
	e->kind = ev->kind;
	e->record = ev->record;
	e->offset = ev->offset;
	e->nfields = ev->nfields;
	e->fields = ug_arena_alloc(&g->mem, sizeof(got_field) * (ev->nfields + 1));
	for (uint32_t i = 0; i < ev->nfields; i++) {
		e->fields[i].name = copy(&g->mem, ev->fields[i].name);
		e->fields[i].value = copy(&g->mem, ev->fields[i].value);
		e->fields[i].canon = (ug_field_id)ev->fields[i].canon;
	}
	return 0;
}

static void got_free(got *g)
{
	free(g->ev);
	ug_arena_free(&g->mem);
	free(g);
}

static got *parse_opts(const char *format, const char *text, size_t len, const ug_input_opts *opts)
{
	const ug_format *f = ug_format_find(format);
	assert_non_null(f);
	got *g = calloc(1, sizeof(*g));
	assert_non_null(g);
	ug_arena_init(&g->mem, 0);
	/* an exact-size heap copy: ASan sees any read past the data */
	char *buf = malloc(len ? len : 1);
	assert_non_null(buf);
	memcpy(buf, text, len);
	g->rc =
	    ug_format_parse_buffer(f, ug_sv_make(buf, len), opts, collect, g, &g->stats, &g->err);
	free(buf);
	return g;
}

static got *parse(const char *format, const char *text)
{
	return parse_opts(format, text, strlen(text), NULL);
}

/* Value of a field by canonical name (first with that id), else by original
 * name; NULL when absent. */
static const char *field(const got_event *e, const char *name)
{
	ug_field_id id = ug_field_lookup(ug_sv_from(name));
	for (uint32_t i = 0; id != UG_F_NONE && i < e->nfields; i++)
		if (e->fields[i].canon == id)
			return e->fields[i].value;
	for (uint32_t i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].name, name) == 0)
			return e->fields[i].value;
	return NULL;
}

#define assert_field(e, name, want) \
	assert_string_equal(field((e), (name)) ? field((e), (name)) : "(absent)", (want))
#define assert_no_field(e, name) assert_null(field((e), (name)))

static ug_time utc(int y, int mo, int d, int h, int mi, int s, int32_t ns)
{
	ug_time t;
	assert_int_equal(ug_time_from_civil(y, mo, d, h, mi, s, ns, &t), UG_OK);
	return t;
}

static const ug_format *best_format(const char *head, const char *path)
{
	const ug_format *const *all = ug_formats();
	const ug_format *best = NULL;
	int best_score = 0;
	for (size_t i = 0; all[i]; i++) {
		int s = all[i]->detect ? all[i]->detect(ug_sv_from(head), path) : 0;
		if (s > best_score) {
			best = all[i];
			best_score = s;
		}
	}
	return best;
}

static void assert_detected(const char *head, const char *path, const char *want)
{
	const ug_format *f = best_format(head, path);
	assert_non_null(f);
	assert_string_equal(f->name, want);
}

/* ---- Squid ---------------------------------------------------------- */

static const char squid_log[] =
    "1768903200.123    145 10.0.0.5 TCP_MISS/200 5120 GET "
    "http://update.escan.example/x/upd/pkg.exe?v=2&r=in#frag - HIER_DIRECT/203.0.113.7 "
    "application/octet-stream\n"
    "1768903201.000  30000 10.0.0.6 TCP_TUNNEL/200 3456 CONNECT update2.escan.example:443 "
    "alice HIER_DIRECT/203.0.113.8 -\n"
    "1768903202.5 12 10.0.0.7 TCP_MISS/304 310 GET http://user:pw@[2001:db8::1]:8080/a/b "
    "- FIRSTUP_PARENT/192.0.2.1 text/html\n"
    "1768903203.999      0 10.0.0.8 TCP_DENIED/403 3900 NONE error:invalid-request - "
    "HIER_NONE/- text/html extra words\n";

static void test_squid_fields(void **state)
{
	(void)state;
	got *g = parse("squid", squid_log);
	assert_int_equal(g->rc, UG_OK);
	assert_int_equal(g->stats.skipped, 0);
	assert_int_equal(g->n, 4);

	got_event *e = &g->ev[0];
	assert_int_equal(e->ts, utc(2026, 1, 20, 10, 0, 0, 123000000));
	assert_int_equal(e->kind, UG_KIND_HTTP_REQUEST);
	assert_string_equal(e->host, "10.0.0.5");
	assert_int_equal(e->record, 1);
	assert_field(e, "c-ip", "10.0.0.5");
	assert_field(e, "SourceIp", "10.0.0.5");
	assert_field(e, "sc-status", "200");
	assert_field(e, "action", "TCP_MISS");
	assert_field(e, "sc-bytes", "5120");
	assert_field(e, "cs-method", "GET");
	assert_field(e, "c-uri", "http://update.escan.example/x/upd/pkg.exe?v=2&r=in#frag");
	assert_field(e, "cs-host", "update.escan.example");
	assert_field(e, "DestinationHostname", "update.escan.example");
	assert_field(e, "DestinationPort", "80");
	assert_field(e, "c-uri-stem", "/x/upd/pkg.exe");
	assert_field(e, "c-uri-query", "v=2&r=in");
	assert_field(e, "c-uri-extension", "exe");
	assert_field(e, "DestinationIp", "203.0.113.7");
	assert_field(e, "cs-mime", "application/octet-stream");
	assert_field(e, "elapsed", "145");
	assert_no_field(e, "ident");

	e = &g->ev[1];
	assert_int_equal(e->ts, utc(2026, 1, 20, 10, 0, 1, 0));
	assert_field(e, "cs-method", "CONNECT");
	assert_field(e, "c-uri", "update2.escan.example:443");
	assert_field(e, "cs-host", "update2.escan.example");
	assert_field(e, "DestinationHostname", "update2.escan.example");
	assert_field(e, "DestinationPort", "443");
	assert_field(e, "DestinationIp", "203.0.113.8");
	assert_field(e, "ident", "alice");
	assert_no_field(e, "cs-mime");
	assert_no_field(e, "c-uri-stem");

	e = &g->ev[2]; /* IPv6 literal with port and userinfo; parent: no DestinationIp */
	assert_int_equal(e->ts, utc(2026, 1, 20, 10, 0, 2, 500000000));
	assert_field(e, "cs-host", "2001:db8::1");
	assert_field(e, "DestinationIp", "2001:db8::1");
	assert_no_field(e, "DestinationHostname");
	assert_field(e, "DestinationPort", "8080");
	assert_field(e, "c-uri-stem", "/a/b");
	assert_no_field(e, "c-uri-extension");
	assert_field(e, "peer", "192.0.2.1");
	assert_field(e, "hierarchy", "FIRSTUP_PARENT");

	e = &g->ev[3]; /* no URL to split; trailing columns kept */
	assert_field(e, "c-uri", "error:invalid-request");
	assert_no_field(e, "cs-host");
	assert_no_field(e, "peer");
	assert_field(e, "sc-status", "403");
	assert_field(e, "extra", "extra words");
	got_free(g);
}

static void test_squid_bad_lines_crlf(void **state)
{
	(void)state;
	const char *text =
	    "# a comment line\r\n"
	    "1768903200.000 1 10.0.0.5 TCP_MISS/200 10 GET http://a.example/ - HIER_DIRECT/1.2.3.4 "
	    "-\r\n"
	    "1768903200.000 1 10.0.0.5 TCP_MISS/200 10 GET\r\n"
	    "\r\n"
	    "yesterday 1 10.0.0.5 TCP_MISS/200 10 GET http://a.example/ - HIER_DIRECT/1.2.3.4 -\r\n"
	    "1768903200.000 1 10.0.0.5 TCP_MISS 10 GET http://a.example/ - HIER_DIRECT/1.2.3.4 "
	    "-\r\n"
	    "1768903200.000 1 10.0.0.5 TCP_MISS/200 ten GET http://a.example/ - "
	    "HIER_DIRECT/1.2.3.4 -\r\n"
	    "1768903201.000 1 ws-1.corp.example TCP_HIT/200 10 GET http://b.example/ - NONE/- "
	    "-\r\n";
	got *g = parse("squid", text);
	assert_int_equal(g->rc, UG_OK);
	assert_int_equal(g->n, 2);
	assert_int_equal(g->stats.records, 2);
	assert_int_equal(g->stats.skipped, 4);
	assert_string_equal(g->stats.last_reason, "squid: bad elapsed, status or size column");
	assert_int_equal(g->stats.last_line, 7);
	assert_int_equal(g->ev[0].record, 2);
	assert_no_field(&g->ev[0], "cs-mime");
	/* no CR left on the last column */
	assert_field(&g->ev[0], "hierarchy", "HIER_DIRECT");
	assert_int_equal(g->ev[1].record, 8);
	/* a client logged by name: the host is the normalized name */
	assert_string_equal(g->ev[1].host, "ws-1");
	assert_field(&g->ev[1], "SourceHostname", "ws-1.corp.example");
	assert_no_field(&g->ev[1], "c-ip");
	got_free(g);

	g = parse("squid", "1768903200.000 1 10.0.0.5 TCP_MISS/200 10 GET\n");
	assert_int_equal(g->stats.skipped, 1);
	assert_string_equal(g->stats.last_reason, "squid: fewer than 10 columns");
	got_free(g);
	g = parse("squid", "1768903200.x 1 10.0.0.5 TCP_MISS/200 10 GET http://a/ - NONE/- -\n");
	assert_string_equal(g->stats.last_reason, "squid: bad timestamp");
	got_free(g);
}

static void test_squid_long_line(void **state)
{
	(void)state;
	size_t pathlen = 4u << 20; /* a 4 MiB URL */
	ug_buf b = UG_BUF_INIT;
	ug_buf_puts(&b, "1768903200.000 1 10.0.0.5 TCP_MISS/200 10 GET http://long.example/");
	for (size_t i = 0; i < pathlen; i++)
		ug_buf_putc(&b, 'a');
	ug_buf_puts(&b, ".zip - HIER_DIRECT/1.2.3.4 -\n");
	ug_buf_puts(&b, "1768903201.000 1 10.0.0.6 TCP_MISS/200 10 GET http://short.example/ - "
	                "HIER_DIRECT/1.2.3.4 -\n");
	assert_true(ug_buf_ok(&b));
	got *g = parse_opts("squid", b.p, b.len, NULL);
	assert_int_equal(g->n, 2);
	assert_int_equal(strlen(field(&g->ev[0], "c-uri-stem")), pathlen + 5);
	assert_field(&g->ev[0], "c-uri-extension", "zip");
	assert_field(&g->ev[1], "cs-host", "short.example");
	assert_int_equal(g->ev[1].record, 2);
	got_free(g);
	ug_buf_free(&b);
}

/* ---- Apache / NCSA --------------------------------------------------- */

static void test_apache(void **state)
{
	(void)state;
	const char *text =
	    "10.0.0.5 - bob [20/Jan/2026:10:00:00 +0000] \"GET "
	    "http://update.escan.example/a/p.cab?x=1 "
	    "HTTP/1.1\" 200 2326 \"http://ref.example/\" \"Mozilla/5.0 (\\\"quoted\\\" \\\\ x)\"\n"
	    "10.0.0.6 - - [20/Jan/2026:15:30:00 +0530] \"CONNECT update.escan.example:443 "
	    "HTTP/1.1\" "
	    "200 - \"-\" \"-\"\n"
	    "10.0.0.7 - - [20/Jan/2026:10:00:02 +0000] \"-\" 408 0 \"-\" \"-\"\n"
	    "10.0.0.8 - - [20/Jan/2026:10:00:03 +0000] \"GET /index.html HTTP/1.0\" 404 12\n"
	    "10.0.0.9 - - [20/Jan/2026:10:00:04 +0000] \"GET /x HTTP/1.0 200 12\n"
	    "10.0.0.9 - - [40/Jan/2026:10:00:04 +0000] \"GET /x HTTP/1.0\" 200 12\n"
	    "10.0.0.9 - - [20/Jan/2026:10:00:04 +0000] \"GET /x HTTP/1.0\" OK 12\n";
	got *g = parse("apache-combined", text);
	assert_int_equal(g->n, 4);
	assert_int_equal(g->stats.skipped, 3);
	assert_string_equal(g->stats.last_reason, "apache: bad status or size");

	got_event *e = &g->ev[0];
	assert_int_equal(e->ts, utc(2026, 1, 20, 10, 0, 0, 0));
	assert_int_equal(e->kind, UG_KIND_HTTP_REQUEST);
	assert_string_equal(e->host, "10.0.0.5");
	assert_field(e, "c-ip", "10.0.0.5");
	assert_field(e, "user", "bob");
	assert_field(e, "cs-method", "GET");
	assert_field(e, "c-uri", "http://update.escan.example/a/p.cab?x=1");
	assert_field(e, "cs-host", "update.escan.example");
	assert_field(e, "c-uri-extension", "cab");
	assert_field(e, "c-uri-query", "x=1");
	assert_field(e, "cs-version", "HTTP/1.1");
	assert_field(e, "sc-status", "200");
	assert_field(e, "sc-bytes", "2326");
	assert_field(e, "cs-referrer", "http://ref.example/");
	assert_field(e, "c-useragent", "Mozilla/5.0 (\"quoted\" \\ x)");

	e = &g->ev[1];
	assert_int_equal(e->ts, utc(2026, 1, 20, 10, 0, 0, 0));
	assert_field(e, "cs-host", "update.escan.example");
	assert_field(e, "DestinationPort", "443");
	assert_field(e, "sc-bytes", "0");
	assert_no_field(e, "cs-referrer");
	assert_no_field(e, "c-useragent");

	e = &g->ev[2]; /* no request line: kept, without method or URL */
	assert_field(e, "request", "-");
	assert_no_field(e, "cs-method");
	assert_field(e, "sc-status", "408");

	e = &g->ev[3]; /* common format line in a combined file; origin-form URL */
	assert_field(e, "c-uri", "/index.html");
	assert_field(e, "c-uri-extension", "html");
	assert_no_field(e, "cs-host");
	got_free(g);

	g = parse("apache-clf",
	          "10.0.0.5 - - [20/Jan/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1\n");
	assert_int_equal(g->n, 1);
	assert_field(&g->ev[0], "c-uri-stem", "/");
	got_free(g);
}

/* ---- Zeek TSV -------------------------------------------------------- */

#define ZHDR(path, fields, types)                                                       \
	"#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n" \
	"#path\t" path "\n#open\t2026-01-20-10-00-00\n#fields\t" fields "\n#types\t" types "\n"

static const char zeek_dns[] = ZHDR(
    "dns",
    "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\trcode\tanswers\tTTLs\tnew_"
    "col",
    "time\tstring\taddr\tport\taddr\tport\tenum\tstring\tcount\tvector[string]\tvector[interval]"
    "\tstring") "1768903200.250000\tC1\t10.0.0.5\t51000\t10.0.0.1\t53\tudp\tupdate.escan."
                "example\t0\t"
                "cdn.escan.example,203.0.113.7\t60.0,60.0\tvalue\\x09with\\x5ctab\n"
                "1768903201.000000\tC2\t10.0.0.6\t51001\t10.0.0.1\t53\tudp\t-\t-\t(empty)\t-\tsnow "
                "\\xe2\\x98\\x83 \\xff\n"
                "1768903202.000000\tC3\t10.0.0.6\t51001\t10.0.0.1\t53\tudp\tshort.example\n"
                "bad\tC4\t10.0.0.6\t51001\t10.0.0.1\t53\tudp\tq\t0\t-\t-\t-\n"
                "1768903203.000000\tC5\t10.0.0.6\t51001\t10.0.0.1\t53\tudp\tq\t0\t-\t-\t-\textra\n"
                "#close\t2026-01-20-11-00-00\n";

static void test_zeek_dns(void **state)
{
	(void)state;
	got *g = parse("zeek-tsv", zeek_dns);
	assert_int_equal(g->rc, UG_OK);
	assert_int_equal(g->n, 2);
	assert_int_equal(g->stats.skipped, 3);
	assert_string_equal(g->stats.last_reason, "zeek: more columns than #fields");
	assert_int_equal(g->stats.last_line, 13);

	got_event *e = &g->ev[0];
	assert_int_equal(e->record, 9);
	assert_int_equal(e->ts, utc(2026, 1, 20, 10, 0, 0, 250000000));
	assert_int_equal(e->kind, UG_KIND_DNS_QUERY);
	assert_string_equal(e->host, "10.0.0.5");
	assert_field(e, "SourceIp", "10.0.0.5");
	assert_field(e, "SourcePort", "51000");
	assert_field(e, "DestinationIp", "10.0.0.1");
	assert_field(e, "DestinationPort", "53");
	assert_field(e, "Protocol", "udp");
	assert_field(e, "QueryName", "update.escan.example");
	assert_field(e, "QueryStatus", "0");
	assert_field(e, "QueryResults", "cdn.escan.example,203.0.113.7");
	assert_field(e, "TTLs", "60.0,60.0");
	assert_field(e, "uid", "C1");
	assert_field(e, "new_col", "value\twith\\tab");
	/* the original Zeek names stay */
	assert_field(e, "id.orig_h", "10.0.0.5");
	assert_field(e, "query", "update.escan.example");

	e = &g->ev[1]; /* unset fields absent, empty set "", UTF-8 decoded, \xff kept escaped */
	assert_no_field(e, "QueryName");
	assert_no_field(e, "QueryStatus");
	assert_field(e, "QueryResults", "");
	assert_field(e, "new_col", "snow \xe2\x98\x83 \\xff");
	got_free(g);
}

static void test_zeek_http_ssl_conn_dhcp_files(void **state)
{
	(void)state;
	/* concatenated logs: each "#separator" restarts the header */
	const char *text =
	    ZHDR("http",
	         "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tmethod\thost\turi\tuser_"
	         "agent\tstatus_code\trequest_body_len\tresponse_body_len\tresp_mime_types",
	         "time\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\tcount\tcoun"
	         "t\tcount\tvector[string]") "1768903200.000000\tH1\t10.0.0.5\t50000\t203.0.113."
	                                     "7\t80\tGET\tupdate.escan.example\t/upd/"
	                                     "pkg.exe?v=1\tescanupd/"
	                                     "1.0\t200\t0\t524288\tapplication/x-dosexec\n"
	                                     "1768903201.000000\tH2\t10.0.0.5\t50001\t203.0.113."
	                                     "7\t3128\tCONNECT\t-\tupdate.escan.example:443\t-"
	                                     "\t200\t0\t0\t-\n" ZHDR(
	                                         "ssl",
	                                         "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid."
	                                         "resp_p\tversion\tserver_name",
	                                         "time\tstring\taddr\tport\taddr\tport\tstring\tstr"
	                                         "ing") "1768903202.000000\tS1\t10.0.0."
	                                                "6\t50002\t203.0.113."
	                                                "8\t443\tTLSv13\tupdate2.escan."
	                                                "example\n" ZHDR("conn",
	                                                                 "uid\tts\tid.orig_h\tid."
	                                                                 "orig_p\tid.resp_h\tid."
	                                                                 "resp_p\tproto\tconn_"
	                                                                 "state",
	                                                                 "string\ttime\taddr\tport"
	                                                                 "\taddr\tport\tenum\tstrin"
	                                                                 "g") "K1\t1768903203."
	                                                                      "000000\t10.0.0."
	                                                                      "7\t50003\t198.51."
	                                                                      "100."
	                                                                      "9\t8443\ttcp\tSF"
	                                                                      "\n" ZHDR("dhcp",
	                                                                                "ts\tuids\t"
	                                                                                "client_"
	                                                                                "addr\tserv"
	                                                                                "er_"
	                                                                                "addr\tmac"
	                                                                                "\thost_"
	                                                                                "name\tclie"
	                                                                                "nt_"
	                                                                                "fqdn\tassi"
	                                                                                "gned_"
	                                                                                "addr\tleas"
	                                                                                "e_time",
	                                                                                "time\tset["
	                                                                                "string]"
	                                                                                "\taddr\tad"
	                                                                                "dr\tstring"
	                                                                                "\tstring\t"
	                                                                                "string\tad"
	                                                                                "dr\tinterv"
	                                                                                "al") "1768"
	                                                                                      "9032"
	                                                                                      "04."
	                                                                                      "0000"
	                                                                                      "00\t"
	                                                                                      "D1,"
	                                                                                      "D2\t"
	                                                                                      "-\t1"
	                                                                                      "0.0."
	                                                                                      "0."
	                                                                                      "1\t0"
	                                                                                      "0:"
	                                                                                      "11:"
	                                                                                      "22:"
	                                                                                      "33:"
	                                                                                      "44:"
	                                                                                      "55\t"
	                                                                                      "WS-"
	                                                                                      "IN-"
	                                                                                      "0001"
	                                                                                      "\tWS"
	                                                                                      "-IN-"
	                                                                                      "0001"
	                                                                                      ".cor"
	                                                                                      "p."
	                                                                                      "exam"
	                                                                                      "ple"
	                                                                                      "\t10"
	                                                                                      ".0."
	                                                                                      "0."
	                                                                                      "42\t"
	                                                                                      "8640"
	                                                                                      "0."
	                                                                                      "0"
	                                                                                      "\n" ZHDR("files",
	                                                                                                "ts\tfuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tmime_type\tmd5\tsha1\tsha256",
	                                                                                                "time\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring") "1768903205.000000\tF1\t10.0.0.5\t50000\t203.0.113.7\t80\tapplication/x-dosexec\taa\t-\tcc\n" ZHDR("weird",
	                                                                                                                                                                                                                                                                           "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tname",
	                                                                                                                                                                                                                                                                           "time\tstring\taddr\tport\taddr\tport\tstring") "1768903206.000000\tW1\t10.0.0.9\t1\t10.0.0.10\t2\tbad_TCP_checksum\n";
	got *g = parse("zeek-tsv", text);
	assert_int_equal(g->rc, UG_OK);
	assert_int_equal(g->stats.skipped, 0);
	assert_int_equal(g->n, 7);

	got_event *e = &g->ev[0];
	assert_int_equal(e->kind, UG_KIND_HTTP_REQUEST);
	assert_string_equal(e->host, "10.0.0.5");
	assert_field(e, "c-ip", "10.0.0.5");
	assert_field(e, "c-uri", "http://update.escan.example/upd/pkg.exe?v=1");
	assert_field(e, "cs-host", "update.escan.example");
	assert_field(e, "DestinationHostname", "update.escan.example");
	assert_field(e, "DestinationPort", "80");
	assert_field(e, "c-uri-stem", "/upd/pkg.exe");
	assert_field(e, "c-uri-query", "v=1");
	assert_field(e, "c-uri-extension", "exe");
	assert_field(e, "cs-method", "GET");
	assert_field(e, "sc-status", "200");
	assert_field(e, "c-useragent", "escanupd/1.0");
	assert_field(e, "sc-bytes", "524288");
	assert_field(e, "cs-bytes", "0");
	assert_field(e, "cs-mime", "application/x-dosexec");

	e = &g->ev[1];
	assert_field(e, "c-uri", "update.escan.example:443");
	assert_field(e, "cs-host", "update.escan.example");
	assert_field(e, "DestinationPort", "3128");

	e = &g->ev[2];
	assert_int_equal(e->kind, UG_KIND_NETWORK_CONNECT);
	assert_int_equal(e->record, 19);
	assert_int_equal(e->ts, utc(2026, 1, 20, 10, 0, 2, 0));
	assert_field(e, "DestinationHostname", "update2.escan.example");
	assert_field(e, "DestinationIp", "203.0.113.8");

	e = &g->ev[3]; /* ts need not be the first column */
	assert_int_equal(e->kind, UG_KIND_NETWORK_CONNECT);
	assert_int_equal(e->ts, utc(2026, 1, 20, 10, 0, 3, 0));
	assert_string_equal(e->host, "10.0.0.7");
	assert_field(e, "DestinationPort", "8443");

	e = &g->ev[4];
	assert_int_equal(e->kind, UG_KIND_DHCP_LEASE);
	assert_string_equal(e->host, "ws-in-0001");
	assert_field(e, "IpAddress", "10.0.0.42");
	assert_field(e, "HostName", "WS-IN-0001");
	assert_field(e, "MacAddress", "00:11:22:33:44:55");
	assert_field(e, "uids", "D1,D2");

	e = &g->ev[5];
	assert_int_equal(e->kind, UG_KIND_OTHER);
	assert_field(e, "Hashes", "MD5=aa,SHA256=cc");

	e = &g->ev[6];
	assert_int_equal(e->kind, UG_KIND_OTHER);
	assert_field(e, "name", "bad_TCP_checksum");
	got_free(g);
}

static void test_zeek_header_variants(void **state)
{
	(void)state;
	/* another separator, unset and empty markers, CRLF line ends */
	const char *text =
	    "#separator \\x7c\r\n#set_separator|;\r\n#empty_field|EMPTY\r\n"
	    "#unset_field|NONE\r\n#path|dns\r\n#fields|ts|id.orig_h|query|answers\r\n"
	    "#types|time|addr|string|vector[string]\r\n"
	    "1768903200.000000|10.0.0.5|a.example|x;y\r\n"
	    "1768903200.000000|10.0.0.5|NONE|EMPTY\r\n";
	got *g = parse("zeek-tsv", text);
	assert_int_equal(g->n, 2);
	assert_int_equal(g->stats.skipped, 0);
	assert_field(&g->ev[0], "QueryResults", "x;y");
	assert_no_field(&g->ev[1], "QueryName");
	assert_field(&g->ev[1], "QueryResults", "");
	got_free(g);

	/* no #fields: the file cannot be read, and says so */
	g = parse("zeek-tsv", "#separator \\x09\n#path\tdns\n1\t2\n");
	assert_int_not_equal(g->rc, UG_OK);
	assert_non_null(strstr(g->err.message, "#fields"));
	got_free(g);
}

static void test_zeek_long_line(void **state)
{
	(void)state;
	size_t len = 2u << 20; /* a 2 MiB query name, escapes throughout */
	ug_buf b = UG_BUF_INIT;
	ug_buf_puts(&b, ZHDR("dns", "ts\tid.orig_h\tquery", "time\taddr\tstring"));
	ug_buf_puts(&b, "1768903200.000000\t10.0.0.5\t");
	for (size_t i = 0; i < len / 8; i++)
		ug_buf_puts(&b, "ab\\x2ecd");
	ug_buf_puts(&b, "\n1768903201.000000\t10.0.0.6\tshort.example\n");
	assert_true(ug_buf_ok(&b));
	got *g = parse_opts("zeek-tsv", b.p, b.len, NULL);
	assert_int_equal(g->n, 2);
	assert_int_equal(g->stats.skipped, 0);
	const char *q = field(&g->ev[0], "QueryName");
	assert_int_equal(strlen(q), len / 8 * 5);
	assert_memory_equal(q, "ab.cdab.cd", 10);
	assert_field(&g->ev[1], "QueryName", "short.example");
	assert_int_equal(g->ev[1].record, 10);
	got_free(g);
	ug_buf_free(&b);
}

/* ---- Zeek JSON ------------------------------------------------------- */

static void test_zeek_json(void **state)
{
	(void)state;
	const char *text =
	    "{\"_path\":\"dns\",\"ts\":\"2026-01-20T10:00:00.250Z\",\"uid\":\"C1\",\"id.orig_h\":"
	    "\"10.0.0.5\","
	    "\"id.orig_p\":51000,\"id.resp_h\":\"10.0.0.1\",\"id.resp_p\":53,\"proto\":\"udp\","
	    "\"query\":\"update.escan.example\",\"rcode\":0,\"answers\":[\"cdn.escan.example\","
	    "\"203.0.113.7\"],"
	    "\"TTLs\":[60.0,60.0],\"rejected\":false,\"note\":\"a\\u00e9\\\"b\"}\n"
	    "{\"ts\":1768903201.5,\"uid\":\"S1\",\"id_orig_h\":\"10.0.0.6\",\"id_orig_p\":50002,"
	    "\"id_resp_h\":\"203.0.113.8\",\"id_resp_p\":443,\"version\":\"TLSv13\","
	    "\"server_name\":\"update2.escan.example\",\"cert_chain_fps\":[]}\n"
	    "{\"ts\":1768903202.0,\"uid\":\"H1\",\"id\":{\"orig_h\":\"10.0.0.7\",\"resp_h\":\"203."
	    "0.113.7\"},"
	    "\"method\":\"GET\",\"host\":\"update.escan.example\",\"uri\":\"/"
	    "p.exe\",\"status_code\":200,"
	    "\"user_agent\":null}\n"
	    "{\"ts\":1768903203.0, \"uid\": \"broken\"\n"
	    "[1,2]\n"
	    "{\"uid\":\"no time\",\"id.orig_h\":\"10.0.0.5\"}\n";
	got *g = parse("zeek-json", text);
	assert_int_equal(g->n, 3);
	assert_int_equal(g->stats.skipped, 3);
	assert_string_equal(g->stats.last_reason, "zeek-json: missing or bad ts");

	got_event *e = &g->ev[0];
	assert_int_equal(e->ts, utc(2026, 1, 20, 10, 0, 0, 250000000));
	assert_int_equal(e->kind, UG_KIND_DNS_QUERY);
	assert_string_equal(e->host, "10.0.0.5");
	assert_field(e, "SourceIp", "10.0.0.5");
	assert_field(e, "SourcePort", "51000");
	assert_field(e, "QueryName", "update.escan.example");
	assert_field(e, "QueryStatus", "0");
	assert_field(e, "QueryResults", "cdn.escan.example,203.0.113.7");
	assert_field(e, "TTLs", "60.0,60.0");
	assert_field(e, "rejected", "false");
	assert_field(e, "note", "a\xc3\xa9\"b");

	e = &g->ev[1]; /* underscore spelling, no _path: ssl from its fields */
	assert_int_equal(e->ts, utc(2026, 1, 20, 10, 0, 1, 500000000));
	assert_int_equal(e->kind, UG_KIND_NETWORK_CONNECT);
	assert_string_equal(e->host, "10.0.0.6");
	assert_field(e, "SourceIp", "10.0.0.6");
	assert_field(e, "id_orig_h", "10.0.0.6");
	assert_field(e, "DestinationPort", "443");
	assert_field(e, "DestinationHostname", "update2.escan.example");
	assert_field(e, "cert_chain_fps", "");

	e = &g->ev[2]; /* nested id object flattened; http inferred; null left out */
	assert_int_equal(e->kind, UG_KIND_HTTP_REQUEST);
	assert_string_equal(e->host, "10.0.0.7");
	assert_field(e, "id.orig_h", "10.0.0.7");
	assert_field(e, "c-ip", "10.0.0.7");
	assert_field(e, "c-uri", "http://update.escan.example/p.exe");
	assert_field(e, "sc-status", "200");
	assert_no_field(e, "c-useragent");
	got_free(g);
}

/* ---- CSV ------------------------------------------------------------- */

static void test_csv_auto(void **state)
{
	(void)state;
	const char *text = "Timestamp,Computer,Image,CommandLine,DestinationIp,note\r\n"
	                   "2026-01-20T10:00:00Z,WS-1.corp.example,C:\\x\\a.exe,\"a.exe "
	                   "\"\"quoted\"\", b\",10.0.0.9,plain\r\n"
	                   "2026-01-20T10:00:01Z,WS-2,C:\\x\\b.exe,b.exe,,\r\n"
	                   "2026-01-20T10:00:02Z,WS-3,C:\\x\\c.exe,\"open quote,10.0.0.9,x\r\n"
	                   "continued\",10.0.0.9,x\r\n"
	                   "2026-01-20T10:00:03Z,WS-3,C:\\x\\c.exe,c.exe,10.0.0.9\r\n"
	                   "not a time,WS-3,C:\\x\\c.exe,c.exe,10.0.0.9,x\r\n";
	got *g = parse("csv", text);
	assert_int_equal(g->rc, UG_OK);
	assert_int_equal(g->n, 2);
	assert_int_equal(g->stats.skipped, 4);
	assert_string_equal(g->stats.last_reason, "csv: bad or empty time");

	got_event *e = &g->ev[0];
	assert_int_equal(e->record, 2);
	assert_int_equal(e->ts, utc(2026, 1, 20, 10, 0, 0, 0));
	assert_string_equal(e->host, "ws-1");
	assert_int_equal(e->kind, UG_KIND_PROCESS_START);
	assert_field(e, "Image", "C:\\x\\a.exe");
	assert_field(e, "CommandLine", "a.exe \"quoted\", b");
	assert_field(e, "DestinationIp", "10.0.0.9");
	assert_field(e, "note", "plain");
	assert_field(e, "Computer", "WS-1.corp.example");

	e = &g->ev[1]; /* empty values are absent */
	assert_no_field(e, "DestinationIp");
	assert_no_field(e, "note");
	got_free(g);

	/* the reasons, one by one */
	g = parse("csv", "a,b\n\"x,1\n");
	assert_string_equal(
	    g->stats.last_reason,
	    "csv: unterminated quoted field (quoted line breaks are not supported)");
	got_free(g);
	g = parse("csv", "a,b\n\"x\"y,1\n");
	assert_string_equal(g->stats.last_reason, "csv: text after a closing quote");
	got_free(g);
	g = parse("csv", "a,b\n1,2,3\n1\n");
	assert_int_equal(g->stats.skipped, 2);
	assert_string_equal(g->stats.last_reason, "csv: fewer columns than the header");
	got_free(g);
}

static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/ug_test_mapping_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_csv_mapping(void **state)
{
	(void)state;
	char *map = write_temp("# firewall export\n"
	                       "src = SourceIp\n"
	                       "dst = DestinationIp\n"
	                       "dst port = DestinationPort\n"
	                       "@time = when epoch_ms\n"
	                       "@host = device\n"
	                       "@kind = network_connect\n");
	const char *text = "when,device,src,dst,dst port,action\n"
	                   "1768903200123,FW-1,10.0.0.5,203.0.113.7,443,allow\n";
	ug_input_opts opts = {.csv_mapping = map};
	got *g = parse_opts("csv", text, strlen(text), &opts);
	assert_int_equal(g->rc, UG_OK);
	assert_int_equal(g->n, 1);
	got_event *e = &g->ev[0];
	assert_int_equal(e->ts, utc(2026, 1, 20, 10, 0, 0, 123000000));
	assert_string_equal(e->host, "fw-1");
	assert_int_equal(e->kind, UG_KIND_NETWORK_CONNECT);
	assert_field(e, "SourceIp", "10.0.0.5");
	assert_field(e, "DestinationIp", "203.0.113.7");
	assert_field(e, "DestinationPort", "443");
	assert_field(e, "src", "10.0.0.5");
	assert_field(e, "action", "allow");
	got_free(g);
	unlink(map);
	free(map);

	/* a mapping naming no canonical field is an error that names the line */
	map = write_temp("src = SourceIP\n");
	opts.csv_mapping = map;
	g = parse_opts("csv", text, strlen(text), &opts);
	assert_int_not_equal(g->rc, UG_OK);
	assert_non_null(strstr(g->err.message, ":1: not a canonical field name 'SourceIP'"));
	got_free(g);
	unlink(map);
	free(map);
}

/* ---- DHCP ------------------------------------------------------------ */

static const char dhcp_win[] =
    "\t\tMicrosoft DHCP Service Activity Log\r\n\r\n\r\n"
    "Event ID  Meaning\r\n"
    "00\tThe log was started.\r\n"
    "10\tA new IP address was leased to a client.\r\n"
    "\r\n"
    "ID,Date,Time,Description,IP Address,Host Name,MAC Address,User Name, TransactionID, "
    "QResult,Probationtime, CorrelationID,Dhcid,VendorClass(Hex),VendorClass(ASCII),"
    "UserClass(Hex),UserClass(ASCII),RelayAgentInformation,DnsRegError.\r\n"
    "00,01/20/26,00:00:03,Log Started,,,,,0,6,,,,,,,,,0\r\n"
    "10,01/20/26,15:30:01,Assign,10.0.0.42,WS-IN-0001.corp.example,0A1B2C3D4E5F,,123,0,,,,"
    "0x4D53465420352E30,MSFT 5.0,,,,0\r\n"
    "11,01/20/26,15:31:00,Renew,10.0.0.43,,0A1B2C3D4E60,,124,0,,,,,,,,,0\r\n"
    "12,01/20/"
    "26,15:32:00,Release,10.0.0.42,WS-IN-0001.corp.example,0A1B2C3D4E5F,,125,0,,,,,,,,,0\r\n"
    "11,13/40/26,15:31:00,Renew,10.0.0.43,,0A1B2C3D4E60,,124,0,,,,,,,,,0\r\n"
    "xx,01/20/26,15:31:00,Renew,10.0.0.43,,0A1B2C3D4E60,,124,0,,,,,,,,,0\r\n"
    "11,01/20/26,15:31:00\r\n";

static void test_dhcp_windows(void **state)
{
	(void)state;
	assert_detected(dhcp_win, "DhcpSrvLog-Tue.log", "dhcp-windows");
	ug_tz *tz;
	assert_int_equal(ug_tz_load(&tz, "+05:30", NULL), UG_OK);
	ug_input_opts opts = {.input_tz = tz};
	got *g = parse_opts("dhcp-windows", dhcp_win, strlen(dhcp_win), &opts);
	assert_int_equal(g->rc, UG_OK);
	assert_int_equal(g->n, 4);
	assert_int_equal(g->stats.skipped, 3);
	assert_string_equal(g->stats.last_reason, "dhcp: fewer than 7 columns");

	got_event *e = &g->ev[0];
	assert_int_equal(e->kind, UG_KIND_OTHER);
	assert_field(e, "ID", "00");
	assert_field(e, "Description", "Log Started");
	assert_string_equal(e->host, "");

	e = &g->ev[1];
	assert_int_equal(e->record, 10);
	assert_int_equal(e->kind, UG_KIND_DHCP_LEASE);
	assert_int_equal(e->ts, utc(2026, 1, 20, 10, 0, 1, 0)); /* 15:30:01 at +05:30 */
	assert_string_equal(e->host, "ws-in-0001");
	assert_field(e, "IpAddress", "10.0.0.42");
	assert_field(e, "HostName", "WS-IN-0001.corp.example");
	assert_field(e, "MacAddress", "0A1B2C3D4E5F");
	assert_field(e, "ID", "10");
	assert_field(e, "TransactionID", "123");
	assert_field(e, "VendorClass(ASCII)", "MSFT 5.0");

	e = &g->ev[2]; /* renewal without a host name: host is the IP */
	assert_int_equal(e->kind, UG_KIND_DHCP_LEASE);
	assert_string_equal(e->host, "10.0.0.43");

	e = &g->ev[3]; /* release: kept, not a lease */
	assert_int_equal(e->kind, UG_KIND_OTHER);
	assert_field(e, "Description", "Release");
	got_free(g);
	ug_tz_free(tz);
}

static const char leases[] =
    "# The format of this file is documented in the dhcpd.leases(5) manual page.\n"
    "# This lease file was written by isc-dhcp-4.4.3\n"
    "\n"
    "authoring-byte-order little-endian;\n"
    "server-duid \"\\000\\001\\000\\001;{}\";\n"
    "\n"
    "lease 10.0.0.5 {\n"
    "  starts 2 2026/01/20 10:00:00;\n"
    "  ends 2 2026/01/20 22:00:00;\n"
    "  cltt 2 2026/01/20 10:00:00;\n"
    "  binding state active;\n"
    "  next binding state free;\n"
    "  hardware ethernet 00:11:22:33:44:55;\n"
    "  uid \"\\001\\000\\021\\\"3DU\";\n"
    "  set vendor-class-identifier = \"MSFT 5.0\";\n"
    "  client-hostname \"WS-IN-0001\";\n"
    "  on expiry { set x = \"y\"; }\n"
    "}\n"
    "host static-1 { hardware ethernet 00:aa:bb:cc:dd:ee; fixed-address 10.0.0.200; }\n"
    "lease 10.0.0.6 { starts epoch 1768903260; # Tue Jan 20 10:01:00 2026\n"
    "  hardware ethernet 00:11:22:33:44:66; }\n"
    "lease 10.0.0.7 {\n  ends 2 2026/01/20 22:00:00;\n}\n"
    "lease6 ... { }\n"
    "lease 10.0.0.8 {\n  starts 2 2026/01/20 10:02:00;\n";

static void test_dhcpd_leases(void **state)
{
	(void)state;
	assert_detected(leases, "/var/lib/dhcp/dhcpd.leases", "dhcpd-leases");
	got *g = parse("dhcpd-leases", leases);
	assert_int_equal(g->rc, UG_OK);
	assert_int_equal(g->n, 2);
	assert_int_equal(g->stats.skipped, 3);
	assert_string_equal(g->stats.last_reason, "dhcpd.leases: lease block not closed");
	assert_int_equal(g->stats.last_line, 26);

	got_event *e = &g->ev[0];
	assert_int_equal(e->record, 7);
	assert_int_equal(e->offset, (uint64_t)(strstr(leases, "lease 10.0.0.5") - leases));
	assert_int_equal(e->kind, UG_KIND_DHCP_LEASE);
	assert_int_equal(e->ts, utc(2026, 1, 20, 10, 0, 0, 0));
	assert_string_equal(e->host, "ws-in-0001");
	assert_field(e, "IpAddress", "10.0.0.5");
	assert_field(e, "HostName", "WS-IN-0001");
	assert_field(e, "MacAddress", "00:11:22:33:44:55");
	assert_field(e, "ends", "2 2026/01/20 22:00:00");
	assert_field(e, "binding state", "active");
	assert_field(e, "next binding state", "free");
	assert_field(e, "vendor-class-identifier", "MSFT 5.0");

	e = &g->ev[1];
	assert_int_equal(e->record, 20);
	assert_int_equal(e->ts, utc(2026, 1, 20, 10, 1, 0, 0));
	assert_string_equal(e->host, "10.0.0.6");
	assert_field(e, "MacAddress", "00:11:22:33:44:66");
	got_free(g);
}

/* ---- detection ------------------------------------------------------- */

static void test_detect(void **state)
{
	(void)state;
	assert_detected(squid_log, "access.log", "squid");
	assert_detected(
	    "10.0.0.5 - - [20/Jan/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"ua\"\n",
	    "access.log", "apache-combined");
	assert_detected("10.0.0.5 - - [20/Jan/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1\n",
	                "access.log", "apache-clf");
	assert_detected(zeek_dns, "dns.log", "zeek-tsv");
	assert_detected("{\"_path\":\"dns\",\"ts\":1.0,\"id.orig_h\":\"10.0.0.5\"}\n", "dns.json",
	                "zeek-json");
	assert_detected("{\"ts\":1.0,\"uid\":\"C1\",\"id_orig_h\":\"10.0.0.5\"}\n", "x.json",
	                "zeek-json");
	assert_detected("time,src,dst\n2026-01-20T10:00:00Z,a,b\n", "fw.csv", "csv");
	assert_null(best_format("hello world\nthis is prose\n", "notes.txt"));
}

/* ---- the shared Zeek data -------------------------------------------- */

typedef struct blob {
	char *p;
	size_t n;
	bool truncated; /* the gzip stream ended early */
} blob;

static bool gunzip(const char *path, blob *b)
{
	gzFile f = gzopen(path, "rb");
	if (!f)
		return false;
	size_t cap = 1 << 20;
	b->p = malloc(cap);
	b->n = 0;
	b->truncated = false;
	for (;;) {
		if (b->n == cap) {
			cap *= 2;
			b->p = realloc(b->p, cap);
			assert_non_null(b->p);
		}
		int got = gzread(f, b->p + b->n, (unsigned)(cap - b->n));
		if (got <= 0) {
			int zerr = Z_OK;
			gzerror(f, &zerr);
			b->truncated = got < 0 || zerr != Z_OK;
			break;
		}
		b->n += (size_t)got;
	}
	gzclose(f);
	return true;
}

/* Records the test expects: lines not starting with '#', counted here with
 * no help from the library. A truncated last line (no '\n') is counted apart. */
static void count_lines(const blob *b, uint64_t *whole, uint64_t *partial)
{
	*whole = *partial = 0;
	size_t i = 0;
	while (i < b->n) {
		size_t j = i;
		while (j < b->n && b->p[j] != '\n')
			j++;
		bool data = b->p[i] != '#' && j > i;
		if (data && j < b->n)
			(*whole)++;
		else if (data)
			(*partial)++;
		i = j + 1;
	}
}

static int read_dir(const char *dir, const char *format, const char *suffix)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int files = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len <= strlen(suffix) || strcmp(de->d_name + len - strlen(suffix), suffix) != 0)
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		blob b = {0};
		assert_true(gunzip(path, &b));
		uint64_t whole, partial;
		count_lines(&b, &whole, &partial);
		/* detect on a head, as the reader does */
		char *head = strndup(b.p, b.n < 65536 ? b.n : 65536);
		const ug_format *f = best_format(head, path);
		free(head);
		assert_non_null(f);
		assert_string_equal(f->name, format);
		got *g = calloc(1, sizeof(*g));
		ug_arena_init(&g->mem, 0);
		g->keep = 1;
		int rc = ug_format_parse_buffer(f, ug_sv_make(b.p, b.n), NULL, collect, g,
		                                &g->stats, &g->err);
		printf("# %s: %zu bytes%s, %llu data lines, %llu events, %llu skipped\n",
		       de->d_name, b.n, b.truncated ? " (gzip truncated)" : "",
		       (unsigned long long)(whole + partial), (unsigned long long)g->stats.records,
		       (unsigned long long)g->stats.skipped);
		assert_int_equal(rc, UG_OK);
		assert_int_equal(g->stats.records, whole);
		assert_int_equal(g->n, whole);
		/* a file cut short mid-line: that last piece, and only it, is skipped */
		assert_int_equal(g->stats.skipped, partial);
		if (partial)
			assert_true(b.truncated);
		assert_int_equal(g->ev[0].record > 0, 1);
		assert_true(g->ev[0].ts != UG_TIME_INVALID);
		got_free(g);
		free(b.p);
		files++;
	}
	closedir(d);
	return files;
}

static void test_shared_zeek(void **state)
{
	(void)state;
	const char *root = getenv("UG_SHARED_DATA");
	char tsv[4096], json[4096];
	snprintf(tsv, sizeof(tsv), "%s/zeek/zeek-default", root ? root : "../shared/data");
	snprintf(json, sizeof(json), "%s/zeek/zeek-json", root ? root : "../shared/data");
	DIR *probe = opendir(tsv);
	if (!probe) {
		printf("# SKIP: %s not found (set UG_SHARED_DATA to ../shared/data)\n", tsv);
		skip();
	}
	closedir(probe);
	assert_true(read_dir(tsv, "zeek-tsv", ".log.gz") >= 1);
	assert_true(read_dir(json, "zeek-json", ".json.gz") >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_squid_fields),
	    cmocka_unit_test(test_squid_bad_lines_crlf),
	    cmocka_unit_test(test_squid_long_line),
	    cmocka_unit_test(test_apache),
	    cmocka_unit_test(test_zeek_dns),
	    cmocka_unit_test(test_zeek_http_ssl_conn_dhcp_files),
	    cmocka_unit_test(test_zeek_header_variants),
	    cmocka_unit_test(test_zeek_long_line),
	    cmocka_unit_test(test_zeek_json),
	    cmocka_unit_test(test_csv_auto),
	    cmocka_unit_test(test_csv_mapping),
	    cmocka_unit_test(test_dhcp_windows),
	    cmocka_unit_test(test_dhcpd_leases),
	    cmocka_unit_test(test_detect),
	    cmocka_unit_test(test_shared_zeek),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
