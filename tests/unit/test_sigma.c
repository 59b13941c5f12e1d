/* test_sigma.c — the Sigma engine per modifier and condition form, logsource
 * renames, filters and correlations: small rules from strings, events built
 * by hand, and the number of detections they give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/str.h"
#include "updguard/sigma.h"

/* ---- helpers ---- */

static ug_sigma *load_opts(const char *yaml, const ug_sigma_opts *opts)
{
	ug_sigma *s;
	ug_error err;
	if (ug_sigma_create(&s, opts, &err) != UG_OK)
		fail_msg("create: %s", err.message);
	assert_int_equal(ug_sigma_load_string(s, "test.yml", ug_sv_from(yaml), &err), UG_OK);
	if (ug_sigma_compile(s, &err) != UG_OK)
		fail_msg("compile: %s", err.message);
	return s;
}

static ug_sigma *load(const char *yaml) { return load_opts(yaml, NULL); }

/* A Sysmon event: channel, EventID, then name/value pairs, NULL-terminated. */
static void mkev(ug_event *ev, const char *channel, uint32_t eid, ...)
{
	ug_event_init(ev, NULL);
	ev->channel = ug_sv_from(channel);
	ev->event_id = eid;
	ev->ts = 0;
	va_list ap;
	va_start(ap, eid);
	const char *name;
	while ((name = va_arg(ap, const char *))) {
		const char *value = va_arg(ap, const char *);
		ug_event_add_auto(ev, ug_sv_from(name), ug_sv_from(value));
	}
	va_end(ap);
}

#define SYSMON "Microsoft-Windows-Sysmon/Operational"

static size_t hits(const ug_sigma *s, const ug_event *ev)
{
	ug_sigma_scratch *sc;
	assert_int_equal(ug_sigma_scratch_new(s, &sc), UG_OK);
	const ug_sigma_hit *h;
	size_t n = ug_sigma_match(s, sc, ev, &h);
	ug_sigma_scratch_free(sc);
	return n;
}

/* One process_creation rule with the given detection body; does a Sysmon 1
 * event with CommandLine=cmdline match it? */
static bool proc_match(const char *detection, const char *cmdline)
{
	char yaml[4096];
	snprintf(yaml, sizeof(yaml),
	         "title: t\nid: 11111111-1111-1111-1111-111111111111\n"
	         "logsource: {product: windows, category: process_creation}\n"
	         "detection:\n%s", detection);
	ug_sigma *s = load(yaml);
	if (ug_sigma_rule_count(s) != 1) {
		const ug_sigma_reject *r = ug_sigma_reject_at(s, 0);
		fail_msg("rule rejected: %s", r ? r->reason : "?");
	}
	ug_event ev;
	mkev(&ev, SYSMON, 1, "CommandLine", cmdline, "Image", "C:\\Windows\\System32\\cmd.exe",
	     "ParentImage", "C:\\Windows\\System32\\cmd.exe", NULL);
	bool m = hits(s, &ev) == 1;
	ug_event_free(&ev);
	ug_sigma_free(s);
	return m;
}

#define SEL(v) "  sel:\n    CommandLine" v "\n  condition: sel\n"

static const char *reject_reason(const char *yaml)
{
	static char reason[512];
	ug_sigma *s = load(yaml);
	const ug_sigma_reject *r = ug_sigma_reject_at(s, 0);
	snprintf(reason, sizeof(reason), "%s", r ? r->reason : "");
	ug_sigma_free(s);
	return reason;
}

/* ---- values ---- */

static void test_plain_and_wildcards(void **st)
{
	(void)st;
	assert_true(proc_match(SEL(": 'whoami /all'"), "WHOAMI /ALL"));      /* case-insensitive */
	assert_false(proc_match(SEL(": 'whoami'"), "whoami /all"));           /* whole value */
	assert_true(proc_match(SEL(": 'who*all'"), "whoami /all"));
	assert_true(proc_match(SEL(": 'who?mi*'"), "whoami /all"));
	assert_false(proc_match(SEL(": 'who?mi'"), "whomi"));
	assert_true(proc_match(SEL("|cased: 'Abc'"), "Abc"));
	assert_false(proc_match(SEL("|cased: 'Abc'"), "abc"));
	assert_true(proc_match(SEL("|startswith: 'net '"), "NET user"));
	assert_true(proc_match(SEL("|endswith: '.PS1'"), "run x.ps1"));
	assert_false(proc_match(SEL("|endswith: '.ps1'"), "x.ps1 y"));
}

static void test_escapes(void **st)
{
	(void)st;
	/* \* is a literal star */
	assert_true(proc_match(SEL(": 'a\\*b'"), "a*b"));
	assert_false(proc_match(SEL(": 'a\\*b'"), "axxb"));
	/* \\* is a backslash, then a wildcard */
	assert_true(proc_match(SEL(": 'a\\\\*'"), "a\\anything"));
	assert_false(proc_match(SEL(": 'a\\\\*'"), "ab"));
	/* \? is a literal question mark */
	assert_true(proc_match(SEL(": 'what\\?'"), "what?"));
	assert_false(proc_match(SEL(": 'what\\?'"), "whatx"));
	/* a single backslash before a plain character is itself */
	assert_true(proc_match(SEL(": 'C:\\Windows\\x'"), "c:\\windows\\x"));
	/* \\\* is a backslash and a literal star */
	assert_true(proc_match(SEL(": 'a\\\\\\*'"), "a\\*"));
	assert_false(proc_match(SEL(": 'a\\\\\\*'"), "a\\b"));
}

static void test_windash(void **st)
{
	(void)st;
	const char *d = SEL("|windash|contains: ' -enc '");
	assert_true(proc_match(d, "powershell -enc AAA"));
	assert_true(proc_match(d, "powershell /enc AAA"));
	assert_true(proc_match(d, "powershell \xE2\x80\x93" "enc AAA"));  /* en dash */
	assert_true(proc_match(d, "powershell \xE2\x80\x94" "enc AAA"));  /* em dash */
	assert_true(proc_match(d, "powershell \xE2\x80\x95" "enc AAA"));  /* horizontal bar */
	assert_false(proc_match(d, "powershell +enc AAA"));
	/* the order given (contains before windash) is the same */
	assert_true(proc_match(SEL("|contains|windash: '/c '"), "cmd -c dir"));
}

static void test_base64(void **st)
{
	(void)st;
	const char *d = SEL("|base64offset|contains: 'http://evil'");
	/* "http://evil" after 0, 1 and 2 other bytes */
	assert_true(proc_match(d, "x aHR0cDovL2V2aWw= y"));
	assert_true(proc_match(d, "x QWh0dHA6Ly9ldmls y"));
	assert_true(proc_match(d, "x QUJodHRwOi8vZXZpbA== y"));
	assert_true(proc_match(d, "x aHR0cDovL2V2aWx0 y"));  /* the last char depends on what follows */
	assert_false(proc_match(d, "x aHR0cDovL2V2 y"));
	assert_true(proc_match(SEL("|base64: 'http://evil'"), "aHR0cDovL2V2aWw="));
	/* UTF-16LE first, as PowerShell -EncodedCommand holds it */
	assert_true(proc_match(SEL("|wide|base64offset|contains: 'ping'"), "-enc eAB4ACAAcABpAG4AZwA="));
	assert_true(proc_match(SEL("|utf16le|base64: 'ping'"), "cABpAG4AZwA="));
}

static void test_lists_and_all(void **st)
{
	(void)st;
	const char *any = SEL("|contains:\n      - 'mimikatz'\n      - 'sekurlsa'");
	assert_true(proc_match(any, "x sekurlsa::logonpasswords"));
	const char *all = SEL("|contains|all:\n      - 'sekurlsa'\n      - 'logonpasswords'");
	assert_true(proc_match(all, "sekurlsa::logonpasswords"));
	assert_false(proc_match(all, "sekurlsa::tickets"));
	assert_string_equal(reject_reason("title: t\nlogsource: {product: windows}\ndetection:\n"
	                                  "  sel: {CommandLine|contains|all: 'x'}\n  condition: sel\n"),
	                    "|all on a single value (the specification forbids it)");
}

static void test_regex(void **st)
{
	(void)st;
	assert_true(proc_match(SEL("|re: '^who.mi'"), "whoami"));
	assert_false(proc_match(SEL("|re: '^who.mi'"), "WHOAMI"));     /* case-sensitive by default */
	assert_true(proc_match(SEL("|re|i: '^who.mi'"), "WHOAMI"));
	assert_false(proc_match(SEL("|re: 'a.b'"), "a\nb"));
	assert_true(proc_match(SEL("|re|s: 'a.b'"), "a\nb"));
	assert_false(proc_match(SEL("|re: '^b'"), "a\nb"));
	assert_true(proc_match(SEL("|re|m: '^b'"), "a\nb"));
	assert_string_equal(reject_reason("title: t\nlogsource: {product: windows}\ndetection:\n"
	                                  "  sel: {CommandLine|re: '(unclosed'}\n  condition: sel\n"),
	                    "regular expression does not compile (PCRE2)");
}

/* Regexes are prefiltered by the literals they need (relit.c): the
 * literals must never drop a match. */
static void test_regex_literals(void **st)
{
	(void)st;
	assert_true(proc_match(SEL("|re: 'shutdown\\s+/r /f'"), "shutdown   /r /f /t 0"));
	assert_false(proc_match(SEL("|re: 'shutdown\\s+/r /f'"), "shutdown /r"));
	assert_true(proc_match(SEL("|re: '(?:cmd|powershell)\\.exe -c'"), "x powershell.exe -c y"));
	assert_false(proc_match(SEL("|re: '(?:cmd|powershell)\\.exe -c'"), "pwsh.exe -c y"));
	assert_true(proc_match(SEL("|re: 'ab(?:cd)?ef+gh'"), "abeffgh"));
	assert_true(proc_match(SEL("|re: 'abc(?=def)'"), "abcdef"));
	assert_true(proc_match(SEL("|re: '[]x]yz\\$env'"), "]yz$env"));
	/* caseless in UTF mode: the Kelvin sign is a k, the long s an s */
	assert_true(proc_match(SEL("|re|i: 'kiwi'"), "\xE2\x84\xAAiwi"));
	assert_true(proc_match(SEL("|re: '(?i)misc::'"), "mi\xC5\xBF" "c::"));
	assert_true(proc_match(SEL("|re: 'x(?i)kiwi'"), "x\xE2\x84\xAAIWI"));
	assert_false(proc_match(SEL("|re: 'kiwi'"), "\xE2\x84\xAAiwi"));
}

/* Caseless |contains values search a lower-cased copy made once per event:
 * several items and rules on one field. */
static void test_contains_folded(void **st)
{
	(void)st;
	assert_true(proc_match("  a:\n    CommandLine|contains: 'WhoAmI'\n  b:\n    CommandLine|contains|all:\n"
	                       "      - '/ALL'\n      - 'who'\n  condition: a and b\n",
	                       "C:\\WHOAMI.EXE /all"));
	assert_false(proc_match(SEL("|contains|cased: 'WhoAmI'"), "whoami"));
	assert_true(proc_match(SEL("|contains: 'x'"), "X"));
}

static bool net_match(const char *detection, const char *ip)
{
	char yaml[2048];
	snprintf(yaml, sizeof(yaml),
	         "title: t\nlogsource: {product: windows, category: network_connection}\ndetection:\n%s", detection);
	ug_sigma *s = load(yaml);
	assert_int_equal(ug_sigma_rule_count(s), 1);
	ug_event ev;
	mkev(&ev, SYSMON, 3, "DestinationIp", ip, "DestinationPort", "445", "Image", "C:\\a.exe",
	     "SourcePort", "445", NULL);
	bool m = hits(s, &ev) == 1;
	ug_event_free(&ev);
	ug_sigma_free(s);
	return m;
}

static void test_cidr_and_numbers(void **st)
{
	(void)st;
	const char *v4 = "  sel: {DestinationIp|cidr: '10.0.0.0/8'}\n  condition: sel\n";
	assert_true(net_match(v4, "10.20.30.40"));
	assert_false(net_match(v4, "11.0.0.1"));
	assert_false(net_match(v4, "not an ip"));
	const char *v6 = "  sel: {DestinationIp|cidr: '2001:db8::/32'}\n  condition: sel\n";
	assert_true(net_match(v6, "2001:db8:1::5"));
	assert_false(net_match(v6, "2001:db9::1"));
	assert_false(net_match(v6, "10.0.0.1"));
	/* one item with both families: the address is parsed once for all */
	const char *both = "  sel:\n    DestinationIp|cidr:\n      - '10.0.0.0/8'\n      - 'fe80::/10'\n"
	                   "      - '192.168.0.0/16'\n  condition: sel\n";
	assert_true(net_match(both, "fe80::1%eth0"));
	assert_true(net_match(both, "192.168.3.4"));
	assert_false(net_match(both, "172.16.0.1"));
	assert_true(net_match("  sel: {DestinationPort|gte: 400}\n  condition: sel\n", "1.1.1.1"));
	assert_false(net_match("  sel: {DestinationPort|lt: 445}\n  condition: sel\n", "1.1.1.1"));
	assert_true(net_match("  sel: {DestinationPort|lte: 445}\n  condition: sel\n", "1.1.1.1"));
	assert_false(net_match("  sel: {DestinationPort|gt: 445}\n  condition: sel\n", "1.1.1.1"));
	/* fieldref: two fields of the event compared */
	assert_true(net_match("  sel: {DestinationPort|fieldref: SourcePort}\n  condition: sel\n", "1.1.1.1"));
	assert_false(net_match("  sel: {DestinationPort|fieldref: Image}\n  condition: sel\n", "1.1.1.1"));
	/* neq: different from every value */
	assert_true(net_match("  sel: {DestinationPort|neq: 80}\n  condition: sel\n", "1.1.1.1"));
	assert_false(net_match("  sel: {DestinationPort|neq: [80, 445]}\n  condition: sel\n", "1.1.1.1"));
}

static void test_null_empty_exists(void **st)
{
	(void)st;
	/* the event has CommandLine, Image, ParentImage; no OriginalFileName */
	assert_true(proc_match("  sel: {OriginalFileName: null}\n  condition: sel\n", "x"));
	assert_true(proc_match("  sel: {CommandLine: null}\n  condition: sel\n", ""));   /* empty counts as null */
	assert_false(proc_match("  sel: {CommandLine: null}\n  condition: sel\n", "x"));
	assert_true(proc_match("  sel: {CommandLine: ''}\n  condition: sel\n", ""));
	assert_false(proc_match("  sel: {OriginalFileName: ''}\n  condition: sel\n", "x")); /* absent is not '' */
	assert_true(proc_match("  sel: {OriginalFileName|exists: false}\n  condition: sel\n", "x"));
	assert_false(proc_match("  sel: {OriginalFileName|exists: true}\n  condition: sel\n", "x"));
	assert_true(proc_match("  sel: {CommandLine|exists: true}\n  condition: sel\n", ""));
}

static void test_keywords(void **st)
{
	(void)st;
	const char *k = "  keywords:\n    - 'mimikatz'\n    - 'sekurlsa'\n  condition: keywords\n";
	assert_true(proc_match(k, "run MIMIKATZ now"));
	assert_false(proc_match(k, "notepad"));
	const char *all = "  keywords:\n    '|all':\n      - 'sekurlsa'\n      - 'cmd.exe'\n  condition: keywords\n";
	assert_true(proc_match(all, "sekurlsa")); /* cmd.exe is in Image */
	assert_false(proc_match(all, "notepad"));
}

static void test_expand(void **st)
{
	(void)st;
	const char *rule = "title: t\nlogsource: {product: windows, category: process_creation}\n"
	                   "detection:\n  sel: {CommandLine|expand: '%admins%\\x'}\n  condition: sel\n";
	assert_string_equal(reject_reason(rule),
	                    "unresolved placeholder %admins% (|expand needs --placeholders)");
	char path[] = "/tmp/ug_sigma_ph_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("admins: ['alice', 'bo*']\n", f);
	fclose(f);
	ug_sigma_opts o = {0};
	o.placeholders_file = path;
	ug_sigma *s = load_opts(rule, &o);
	assert_int_equal(ug_sigma_rule_count(s), 1);
	ug_event ev;
	mkev(&ev, SYSMON, 1, "CommandLine", "bob\\x", NULL);
	assert_int_equal(hits(s, &ev), 1);
	ug_event_free(&ev);
	mkev(&ev, SYSMON, 1, "CommandLine", "carol\\x", NULL);
	assert_int_equal(hits(s, &ev), 0);
	ug_event_free(&ev);
	ug_sigma_free(s);
	remove(path);
}

/* ---- conditions ---- */

static void test_conditions(void **st)
{
	(void)st;
	const char *sels = "  sel_a: {CommandLine|contains: 'aaa'}\n"
	                   "  sel_b: {CommandLine|contains: 'bbb'}\n"
	                   "  _helper: {CommandLine|contains: 'zzz'}\n";
	char d[1024];
	snprintf(d, sizeof(d), "%s  condition: 1 of sel_*\n", sels);
	assert_true(proc_match(d, "bbb"));
	assert_false(proc_match(d, "zzz"));
	snprintf(d, sizeof(d), "%s  condition: all of sel_*\n", sels);
	assert_true(proc_match(d, "aaa bbb"));
	assert_false(proc_match(d, "aaa"));
	/* them excludes identifiers starting with '_' */
	snprintf(d, sizeof(d), "%s  condition: all of them\n", sels);
	assert_true(proc_match(d, "aaa bbb"));
	snprintf(d, sizeof(d), "%s  condition: 1 of them\n", sels);
	assert_false(proc_match(d, "zzz"));
	/* precedence: not a and b or c == ((not a) and b) or c */
	snprintf(d, sizeof(d), "%s  condition: not sel_a and sel_b or _helper\n", sels);
	assert_true(proc_match(d, "bbb"));
	assert_false(proc_match(d, "aaa bbb"));
	assert_true(proc_match(d, "aaa zzz"));
	assert_false(proc_match(d, "aaa"));
	snprintf(d, sizeof(d), "%s  condition: not (sel_a or sel_b)\n", sels);
	assert_true(proc_match(d, "zzz"));
	assert_false(proc_match(d, "bbb"));
	/* a list of conditions is ORed */
	snprintf(d, sizeof(d), "%s  condition:\n    - sel_a\n    - sel_b\n", sels);
	assert_true(proc_match(d, "bbb"));
	/* a list of maps is ORed, a map is ANDed */
	assert_true(proc_match("  sel:\n    - CommandLine: 'x'\n    - Image|endswith: '\\cmd.exe'\n  condition: sel\n", "y"));
	assert_false(proc_match("  sel:\n    CommandLine: 'x'\n    Image|endswith: '\\cmd.exe'\n  condition: sel\n", "y"));
	assert_string_equal(reject_reason("title: t\nlogsource: {product: windows}\ndetection:\n"
	                                  "  sel: {a: b}\n  condition: sel | count() > 5\n"),
	                    "aggregation in the condition ('| count() ...') is Sigma 1; Sigma 2 uses correlation rules");
	assert_string_equal(reject_reason("title: t\nlogsource: {product: windows}\ndetection:\n"
	                                  "  sel: {a: b}\n  condition: 1 of x*\n"),
	                    "'of x*' matches no search identifier");
}

/* ---- logsources, filters, correlations ---- */

static void test_security_4688(void **st)
{
	(void)st;
	ug_sigma *s = load("title: t\nlogsource: {product: windows, category: process_creation}\n"
	                   "detection:\n  sel: {Image|endswith: '\\evil.exe'}\n  condition: sel\n");
	ug_event ev;
	mkev(&ev, "Security", 4688, "NewProcessName", "C:\\x\\evil.exe", NULL);
	assert_int_equal(hits(s, &ev), 1);
	ug_event_free(&ev);
	mkev(&ev, "Security", 4624, "NewProcessName", "C:\\x\\evil.exe", NULL);
	assert_int_equal(hits(s, &ev), 0); /* not process creation */
	ug_event_free(&ev);
	mkev(&ev, SYSMON, 3, "Image", "C:\\x\\evil.exe", NULL);
	assert_int_equal(hits(s, &ev), 0); /* network connection, not process creation */
	ug_event_free(&ev);
	ug_sigma_free(s);
}

static void test_filter(void **st)
{
	(void)st;
	ug_sigma *s = load("title: rar\nid: 6f3e2987-db24-4c78-a860-b4f4095a7095\n"
	                   "logsource: {product: windows, category: process_creation}\n"
	                   "detection:\n  sel: {Image|endswith: '\\rar.exe'}\n  condition: sel\n"
	                   "---\n"
	                   "title: Filter admins\nlogsource: {product: windows, category: process_creation}\n"
	                   "filter:\n  rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]\n"
	                   "  selection: {User|startswith: 'adm_'}\n  condition: selection\n");
	assert_int_equal(ug_sigma_rule_count(s), 1);
	ug_event ev;
	mkev(&ev, SYSMON, 1, "Image", "C:\\rar.exe", "User", "CORP\\bob", NULL);
	assert_int_equal(hits(s, &ev), 1);
	ug_event_free(&ev);
	mkev(&ev, SYSMON, 1, "Image", "C:\\rar.exe", "User", "adm_bob", NULL);
	assert_int_equal(hits(s, &ev), 0); /* suppressed by the filter */
	ug_event_free(&ev);
	ug_sigma_free(s);
}

typedef struct corr_seen {
	int n;
	uint64_t count;
	char group[128];
} corr_seen;

static void on_corr(const ug_sigma_corr_hit *h, void *user)
{
	corr_seen *c = user;
	c->n++;
	c->count = h->count;
	snprintf(c->group, sizeof(c->group), "%s", h->group);
}

static const char *corr_rules =
	"title: failed\nname: failed_logon\nlogsource: {product: windows, service: security}\n"
	"detection:\n  sel: {EventID: 4625}\n  condition: sel\n"
	"---\n"
	"title: ok\nname: ok_logon\nlogsource: {product: windows, service: security}\n"
	"detection:\n  sel: {EventID: 4624}\n  condition: sel\n"
	"---\n";

/* Feed Security events (eid, user, seconds) to the set and run correlations. */
static corr_seen run_corr(const char *corr, const int (*evs)[2], const char *const *users, size_t n)
{
	char yaml[4096];
	snprintf(yaml, sizeof(yaml), "%s%s", corr_rules, corr);
	ug_sigma *s = load(yaml);
	assert_int_equal(ug_sigma_reject_count(s), 0);
	ug_sigma_scratch *sc;
	assert_int_equal(ug_sigma_scratch_new(s, &sc), UG_OK);
	for (size_t i = 0; i < n; i++) {
		ug_event ev;
		char eid[16];
		snprintf(eid, sizeof(eid), "%d", evs[i][0]);
		mkev(&ev, "Security", (uint32_t)evs[i][0], "EventID", eid, "TargetUserName", users[i], NULL);
		ev.ts = (ug_time)evs[i][1] * 1000000000;
		const ug_sigma_hit *h;
		size_t k = ug_sigma_match(s, sc, &ev, &h);
		assert_int_equal(ug_sigma_correlate(s, &ev, h, k), UG_OK);
		ug_event_free(&ev);
	}
	corr_seen seen = {0};
	assert_int_equal(ug_sigma_correlate_end(s, on_corr, &seen), UG_OK);
	ug_sigma_scratch_free(sc);
	ug_sigma_free(s);
	return seen;
}

static void test_correlation_event_count(void **st)
{
	(void)st;
	const char *c = "title: brute\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n"
	                "  group-by: [TargetUserName]\n  timespan: 1m\n  condition: {gte: 3}\n";
	/* three failures for alice within a minute; bob's are spread out */
	static const int evs[][2] = {{4625, 0}, {4625, 10}, {4625, 20}, {4625, 30}, {4625, 40}, {4625, 200}};
	static const char *const users[] = {"alice", "bob", "alice", "alice", "bob", "bob"};
	corr_seen seen = run_corr(c, evs, users, 6);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.count, 3);
	assert_string_equal(seen.group, "TargetUserName=alice");
}

static void test_correlation_temporal_ordered(void **st)
{
	(void)st;
	const char *c = "title: fail then ok\ncorrelation:\n  type: temporal_ordered\n"
	                "  rules: [failed_logon, ok_logon]\n  group-by: [TargetUserName]\n  timespan: 5m\n";
	/* carol: ok before failed (wrong order); dave: failed then ok */
	static const int evs[][2] = {{4624, 0}, {4625, 5}, {4625, 10}, {4624, 20}};
	static const char *const users[] = {"carol", "carol", "dave", "dave"};
	corr_seen seen = run_corr(c, evs, users, 4);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.group, "TargetUserName=dave");
	const char *vc = "title: many users\ncorrelation:\n  type: value_count\n  rules: [failed_logon]\n"
	                 "  group-by: [EventID]\n  timespan: 1h\n  condition: {field: TargetUserName, gte: 3}\n";
	static const int evs2[][2] = {{4625, 0}, {4625, 1}, {4625, 2}, {4625, 3}};
	static const char *const users2[] = {"a", "a", "b", "c"};
	seen = run_corr(vc, evs2, users2, 4);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.count, 4);
}

static void test_correlation_unresolved(void **st)
{
	(void)st;
	ug_sigma *s = load("title: c\ncorrelation:\n  type: event_count\n  rules: [nope]\n"
	                   "  timespan: 1m\n  condition: {gte: 1}\n");
	assert_int_equal(ug_sigma_rule_count(s), 0);
	assert_int_equal(ug_sigma_reject_count(s), 1);
	assert_string_equal(ug_sigma_reject_at(s, 0)->reason,
	                    "correlation refers to a rule that is not loaded (by id or name)");
	ug_sigma_free(s);
}

static void test_hit_fields(void **st)
{
	(void)st;
	ug_sigma *s = load("title: t\nlogsource: {product: windows, category: process_creation}\n"
	                   "detection:\n  sel: {CommandLine|contains: 'x', Image|endswith: 'cmd.exe'}\n"
	                   "  other: {User: nobody}\n  condition: sel or other\n");
	ug_event ev;
	mkev(&ev, SYSMON, 1, "CommandLine", "x y", "Image", "C:\\cmd.exe", "User", "u", NULL);
	ug_sigma_scratch *sc;
	assert_int_equal(ug_sigma_scratch_new(s, &sc), UG_OK);
	const ug_sigma_hit *h;
	assert_int_equal(ug_sigma_match(s, sc, &ev, &h), 1);
	ug_buf b = UG_BUF_INIT;
	ug_sigma_hit_fields(s, &ev, &h[0], &b);
	assert_string_equal(ug_buf_cstr(&b), "CommandLine=x y; Image=C:\\cmd.exe");
	ug_buf_free(&b);
	ug_sigma_scratch_free(sc);
	ug_event_free(&ev);
	ug_sigma_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_wildcards),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_windash),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_lists_and_all),
		cmocka_unit_test(test_regex),
		cmocka_unit_test(test_regex_literals),
		cmocka_unit_test(test_contains_folded),
		cmocka_unit_test(test_cidr_and_numbers),
		cmocka_unit_test(test_null_empty_exists),
		cmocka_unit_test(test_keywords),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_security_4688),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_correlation_event_count),
		cmocka_unit_test(test_correlation_temporal_ordered),
		cmocka_unit_test(test_correlation_unresolved),
		cmocka_unit_test(test_hit_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
