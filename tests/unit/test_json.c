/* test_json.c — unit tests for the JSON scanner (lib/sources/json.c) and the
 * Windows-event JSON formats (lib/sources/fmt_winjson.c).
 *
 * The scanner is checked against RFC 8259 edge cases written inline in the
 * style of JSONTestSuite (y_ must parse, n_ must fail), deep nesting, huge
 * strings, every escape, surrogates and numbers. The formats are checked on
 * realistic records of each shape (Winlogbeat 8 and 6, OTRF/NXLog, evtx_dump
 * and python-evtx, Splunk) with exact field, time, host and kind
 * assertions, and on the real OTRF datasets and SigmaHQ evtx_dump JSON in
 * ../shared/data (skipped when UG_SHARED_DATA is not set or absent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/str.h"
#include "sources/format.h"
#include "sources/json.h"
#include "updguard/event.h"
#include "updguard/time.h"

extern const ug_format ug_fmt_ecs_json, ug_fmt_flat_json, ug_fmt_evtx_json, ug_fmt_splunk_json;

/* ---- helpers ----------------------------------------------------------- */

static int parse_text(ug_json_doc *doc, const char *s, size_t n)
{
	/* exact-size heap copy so that ASan sees any read past the end */
	char *copy = malloc(n ? n : 1);
	assert_non_null(copy);
	memcpy(copy, s, n);
	int rc = ug_json_parse(doc, (ug_sv){copy, n});
	free(copy);
	return rc;
}

static int parse_cstr(ug_json_doc *doc, const char *s)
{
	return parse_text(doc, s, strlen(s));
}

static void assert_sv_eq(ug_sv got, const char *want)
{
	assert_non_null(got.p);
	if (got.n != strlen(want) || memcmp(got.p, want, got.n) != 0)
		fail_msg("got \"%.*s\", want \"%s\"", UG_SV_ARG(got), want);
}

/* ---- scanner: JSONTestSuite-style cases -------------------------------- */

typedef struct jcase {
	const char *text;
	size_t len; /* 0: strlen */
} jcase;

#define J(s)                     \
	{                        \
		s, sizeof(s) - 1 \
	}

static const jcase y_cases[] = {
    J("[]"),
    J("{}"),
    J("[1]"),
    J("{\"a\":1}"),
    J("[-0]"),
    J("[1e10]"),
    J("[1E+2]"),
    J("[-1.5e-3]"),
    J("[0.5]"),
    J("[1.0e+28]"),
    J("[123456789012345678901234567890]"),
    J("[-123]"),
    J("[0e1]"),
    J("[0E-0]"),
    J("[\"\"]"),
    J(" [1] "),
    J("\n\t\r [ \n1\t] \r\n"),
    J("123"),
    J("\"str\""),
    J("true"),
    J("false"),
    J("null"),
    J("[[[]]]"),
    J("{\"a\":{\"b\":[1,{\"c\":null}]}}"),
    J("[\"\\ud83d\\ude00\"]"),
    J("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]"),
    J("[\"\xc3\xa9\"]"),
    J("[\"\\u00e9\"]"),
    J("{\"\":0}"),
    J("{\"a\":1,\"a\":2}"),
    J("{\"a\" : \"b\" }"),
    J("[\"\xf0\x9d\x84\x9e\"]"),
    J("[\"\\ud800\"]"),
    J("[\"\\udc00\\ud800\"]"),
    J("[\"a\\u0000b\"]"),
    J("[\"\x7f\"]"),
    J("[\"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\"]"),
    J("[true,false,null]"),
    J("[\"\xef\xbf\xbf\"]"),
    J("[\"\xf4\x8f\xbf\xbf\"]"),
    J("{\"a\":[],\"b\":{},\"c\":[{}]}"),
    J("[\"/\"]"),
    J("[\"\\/\"]"),
    J("[1,\n2 ,3]"),
};

static const jcase n_cases[] = {
    J(""),
    J(" "),
    J("["),
    J("]"),
    J("{"),
    J("}"),
    J("[1,]"),
    J("[,1]"),
    J("[,]"),
    J("{\"a\":1,}"),
    J("{,}"),
    J("{\"a\"}"),
    J("{\"a\":}"),
    J("{a:1}"),
    J("{'a':1}"),
    J("['a']"),
    J("[01]"),
    J("[-01]"),
    J("[1.]"),
    J("[.5]"),
    J("[1e]"),
    J("[1e+]"),
    J("[+1]"),
    J("[-]"),
    J("-"),
    J("[NaN]"),
    J("[Infinity]"),
    J("[-Infinity]"),
    J("[tru]"),
    J("[True]"),
    J("[nul]"),
    J("nul"),
    J("[0x1]"),
    J("[\"\\x\"]"),
    J("[\"\\u12\"]"),
    J("[\"\\uzzzz\"]"),
    J("[\"\\U0041\"]"),
    J("[\"\\'\"]"),
    J("[\"a\tb\"]"),
    J("[\"a\nb\"]"),
    J("[\"\x01\"]"),
    J("[\"\x1f\"]"),
    J("[1] x"),
    J("[1][2]"),
    J("{\"a\":1}}"),
    J("/* c */ []"),
    J("[] // c"),
    J("[1 2]"),
    J("{\"a\" 1}"),
    J("{\"a\":1 \"b\":2}"),
    J("[\"\xff\"]"),
    J("[\"\xc0\xaf\"]"),
    J("[\"\xed\xa0\x80\"]"),
    J("[\"\xf4\x90\x80\x80\"]"),
    J("[\"\xe2\x82\"]"),
    J("[\"\x80\"]"),
    J("\xef\xbb\xbf[]"),
    J("[\"unterminated"),
    J("[\"a\\"),
    J("[\x00]"),
    J("\x00"),
    J("[1]\x00"),
    J("{\"a\":1 ,}"),
    J("[1:2]"),
    J("{\"a\",1}"),
    J("{1:1}"),
    J("{null:1}"),
    J("[\"\\u00e\"]"),
    J("[- 1]"),
    J("[1.e1]"),
    J("[1e1.5]"),
    J("[\xc3\xa9]"),
    J("\"a\" \"b\""),
    J("[\"a\"\"b\"]"),
    J("[\xe2\x80\x8b]"),
    J("[1,2,]"),
    J("{\"a\":{\"b\":1}"),
    J("[[[[[[]]]]]"),
    J("\"\\\""),
};

static void test_y_cases(void **state)
{
	(void)state;
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	for (size_t i = 0; i < UG_ARRAY_LEN(y_cases); i++) {
		int rc = parse_text(&doc, y_cases[i].text, y_cases[i].len);
		if (rc != UG_OK)
			fail_msg("y case %zu \"%s\" rejected: %s at %zu", i, y_cases[i].text,
			         doc.err_reason, doc.err_offset);
		assert_true(doc.ntoks >= 1);
		assert_int_equal(doc.toks[0].end, doc.ntoks);
	}
	ug_json_doc_free(&doc);
}

static void test_n_cases(void **state)
{
	(void)state;
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	for (size_t i = 0; i < UG_ARRAY_LEN(n_cases); i++) {
		int rc = parse_text(&doc, n_cases[i].text, n_cases[i].len);
		if (rc != UG_ERR_PARSE)
			fail_msg("n case %zu \"%s\" accepted (rc %d)", i, n_cases[i].text, rc);
		assert_non_null(doc.err_reason);
		assert_true(doc.err_offset <= n_cases[i].len);
	}
	ug_json_doc_free(&doc);
}

static void test_error_reasons(void **state)
{
	(void)state;
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	assert_int_equal(parse_cstr(&doc, "{\"a\":\"x\x01\"}"), UG_ERR_PARSE);
	assert_string_equal(doc.err_reason, "control character in string");
	assert_int_equal(parse_cstr(&doc, "{\"a\":\"x\xff\"}"), UG_ERR_PARSE);
	assert_string_equal(doc.err_reason, "invalid UTF-8 in string");
	assert_int_equal(doc.err_offset, 5); /* the string's opening quote */
	assert_int_equal(parse_cstr(&doc, "[1,]"), UG_ERR_PARSE);
	assert_string_equal(doc.err_reason, "unexpected character");
	assert_int_equal(doc.err_offset, 3);
	assert_int_equal(parse_cstr(&doc, "{\"a\":1} {"), UG_ERR_PARSE);
	assert_string_equal(doc.err_reason, "trailing characters after JSON value");
	assert_int_equal(doc.err_offset, 8);
	assert_int_equal(parse_cstr(&doc, "{\"a\":1"), UG_ERR_PARSE);
	assert_string_equal(doc.err_reason, "unexpected end of input");
	assert_int_equal(parse_cstr(&doc, "[\"\\q\"]"), UG_ERR_PARSE);
	assert_string_equal(doc.err_reason, "invalid escape in string");
	assert_int_equal(parse_cstr(&doc, "{\"a\" 1}"), UG_ERR_PARSE);
	assert_string_equal(doc.err_reason, "expected ':'");
	assert_int_equal(parse_cstr(&doc, "{\"a\":1 2}"), UG_ERR_PARSE);
	assert_string_equal(doc.err_reason, "expected ',' or '}'");
	assert_int_equal(parse_cstr(&doc, "[1}"), UG_ERR_PARSE);
	assert_string_equal(doc.err_reason, "expected ',' or ']'");
	assert_int_equal(parse_cstr(&doc, "{1:2}"), UG_ERR_PARSE);
	assert_string_equal(doc.err_reason, "expected string key");
	assert_int_equal(ug_json_parse(&doc, UG_SV_NULL), UG_ERR_PARSE);
	ug_json_doc_free(&doc);
}

/* ---- scanner: token structure ------------------------------------------ */

static void test_token_layout(void **state)
{
	(void)state;
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	const char *s = " {\"a\":[1,-2.5e3,{\"b\":\"c\\n\"}],\"d\":true,\"e\":{},\"f\":null} ";
	assert_int_equal(ug_json_parse(&doc, ug_sv_from(s)), UG_OK);
	/* 0 {  1 "a"  2 [  3 1  4 -2.5e3  5 {  6 "b"  7 "c\n"  8 "d"  9 true
	 * 10 "e"  11 {}  12 "f"  13 null */
	assert_int_equal(doc.ntoks, 14);
	const ug_json_tok *t = doc.toks;
	assert_int_equal(t[0].type, UG_JSON_OBJECT);
	assert_int_equal(t[0].count, 4);
	assert_int_equal(t[0].end, 14);
	assert_sv_eq(t[0].raw,
	             "{\"a\":[1,-2.5e3,{\"b\":\"c\\n\"}],\"d\":true,\"e\":{},\"f\":null}");
	assert_int_equal(t[1].type, UG_JSON_STRING);
	assert_sv_eq(t[1].raw, "a");
	assert_int_equal(t[2].type, UG_JSON_ARRAY);
	assert_int_equal(t[2].count, 3);
	assert_int_equal(t[2].end, 8);
	assert_sv_eq(t[2].raw, "[1,-2.5e3,{\"b\":\"c\\n\"}]");
	assert_int_equal(t[3].type, UG_JSON_NUMBER);
	assert_sv_eq(t[3].raw, "1");
	assert_sv_eq(t[4].raw, "-2.5e3");
	assert_int_equal(t[5].type, UG_JSON_OBJECT);
	assert_int_equal(t[5].count, 1);
	assert_int_equal(t[5].end, 8);
	assert_true(t[7].escaped);
	assert_false(t[6].escaped);
	assert_sv_eq(t[7].raw, "c\\n");
	assert_int_equal(t[9].type, UG_JSON_TRUE);
	assert_int_equal(t[11].type, UG_JSON_OBJECT);
	assert_int_equal(t[11].count, 0);
	assert_int_equal(t[11].end, 12);
	assert_sv_eq(t[11].raw, "{}");
	assert_int_equal(t[13].type, UG_JSON_NULL);
	/* siblings are walked with end */
	int members = 0;
	for (uint32_t k = 1; k < t[0].end; k = t[k + 1].end)
		members++;
	assert_int_equal(members, 4);
	ug_json_doc_free(&doc);
}

/* A lent token array is used while it suffices, and left (tokens copied to
 * the heap) when the text needs more; the lender's array is never freed. */
static void test_borrowed_tokens(void **state)
{
	(void)state;
	ug_json_tok small[4];
	ug_json_doc doc;
	ug_json_doc_init_buf(&doc, small, 4);
	assert_int_equal(ug_json_parse(&doc, ug_sv_from("[1,2]")), UG_OK);
	assert_ptr_equal(doc.toks, small);
	assert_int_equal(ug_json_parse(&doc, ug_sv_from("{\"a\":[1,2,3,{\"b\":\"c\"}]}")), UG_OK);
	assert_ptr_not_equal(doc.toks, small);
	assert_int_equal(doc.ntoks, 9);
	assert_int_equal(doc.toks[0].end, 9);
	assert_sv_eq(doc.toks[1].raw, "a");
	assert_sv_eq(doc.toks[8].raw, "c");
	ug_json_doc_free(&doc);
	ug_json_doc_init_buf(&doc, NULL, 0); /* nothing lent: an ordinary doc */
	assert_int_equal(ug_json_parse(&doc, ug_sv_from("[true]")), UG_OK);
	ug_json_doc_free(&doc);
}

static void test_numbers(void **state)
{
	(void)state;
	static const char *const ok[] = {"0",
	                                 "-0",
	                                 "1",
	                                 "-1",
	                                 "10",
	                                 "0.0",
	                                 "1.25",
	                                 "-0.5",
	                                 "1e5",
	                                 "1E5",
	                                 "1e+5",
	                                 "1e-5",
	                                 "1.5E-05",
	                                 "9007199254740993",
	                                 "-1234567890.0987654321e-300"};
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	for (size_t i = 0; i < UG_ARRAY_LEN(ok); i++) {
		char buf[64];
		snprintf(buf, sizeof(buf), "[%s]", ok[i]);
		assert_int_equal(parse_cstr(&doc, buf), UG_OK);
		assert_int_equal(doc.toks[1].type, UG_JSON_NUMBER);
		assert_int_equal(doc.toks[1].raw.n, strlen(ok[i]));
		/* the view is into the (freed) copy: compare lengths only above,
		 * and the text on a stable buffer here */
		assert_int_equal(ug_json_parse(&doc, ug_sv_from(buf)), UG_OK);
		assert_sv_eq(ug_json_scalar_text(&doc.toks[1], NULL), ok[i]);
	}
	ug_json_doc_free(&doc);
}

/* ---- scanner: nesting, size, limits ------------------------------------ */

static void test_deep_nesting(void **state)
{
	(void)state;
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	char buf[2 * UG_JSON_MAX_DEPTH + 8];
	memset(buf, '[', UG_JSON_MAX_DEPTH);
	memset(buf + UG_JSON_MAX_DEPTH, ']', UG_JSON_MAX_DEPTH);
	assert_int_equal(parse_text(&doc, buf, 2 * UG_JSON_MAX_DEPTH), UG_OK);
	assert_int_equal(doc.ntoks, UG_JSON_MAX_DEPTH);
	assert_int_equal(doc.toks[UG_JSON_MAX_DEPTH - 1].end, UG_JSON_MAX_DEPTH);
	/* one deeper fails cleanly */
	memset(buf, '[', UG_JSON_MAX_DEPTH + 1);
	memset(buf + UG_JSON_MAX_DEPTH + 1, ']', UG_JSON_MAX_DEPTH + 1);
	assert_int_equal(parse_text(&doc, buf, 2 * UG_JSON_MAX_DEPTH + 2), UG_ERR_PARSE);
	assert_string_equal(doc.err_reason, "nesting too deep");
	assert_int_equal(doc.err_offset, UG_JSON_MAX_DEPTH);
	/* hostile: a million opening brackets, objects mixed in */
	size_t n = 1000000;
	char *big = malloc(n);
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = i % 2 ? '[' : '{';
	big[0] = '[';
	assert_int_equal(ug_json_parse(&doc, (ug_sv){big, n}), UG_ERR_PARSE);
	free(big);
	ug_json_doc_free(&doc);
}

static void test_huge_string(void **state)
{
	(void)state;
	size_t body = 50u << 20; /* 50 MB, like the longest lines */
	char *s = malloc(body + 16);
	assert_non_null(s);
	size_t n = 0;
	memcpy(s + n, "{\"m\":\"", 6);
	n += 6;
	for (size_t i = 0; i < body; i++)
		s[n + i] = (char)('a' + i % 26);
	/* an escape and a multi-byte character near the end */
	memcpy(s + n + body - 10, "\\n\xc3\xa9", 4);
	n += body;
	memcpy(s + n, "\"}", 2);
	n += 2;
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	assert_int_equal(ug_json_parse(&doc, (ug_sv){s, n}), UG_OK);
	assert_int_equal(doc.ntoks, 3);
	assert_int_equal(doc.toks[2].raw.n, body);
	assert_true(doc.toks[2].escaped);
	ug_arena a;
	ug_arena_init(&a, 0);
	ug_sv dec = ug_json_string(&doc.toks[2], &a);
	assert_int_equal(dec.n, body - 1);
	assert_memory_equal(dec.p + body - 10, "\n\xc3\xa9", 3);
	ug_arena_free(&a);
	/* the same string with a raw control character in the middle is refused */
	s[6 + body / 2] = '\x02';
	assert_int_equal(ug_json_parse(&doc, (ug_sv){s, n}), UG_ERR_PARSE);
	assert_string_equal(doc.err_reason, "control character in string");
	free(s);
	ug_json_doc_free(&doc);
}

static void test_token_limit(void **state)
{
	(void)state;
	size_t count = 3u << 20; /* more values than the scanner keeps */
	char *s = malloc(count * 2 + 2);
	assert_non_null(s);
	s[0] = '[';
	for (size_t i = 0; i < count; i++) {
		s[1 + 2 * i] = '0';
		s[2 + 2 * i] = ',';
	}
	s[count * 2] = ']';
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	assert_int_equal(ug_json_parse(&doc, (ug_sv){s, count * 2 + 1}), UG_ERR_PARSE);
	assert_string_equal(doc.err_reason, "too many values");
	/* and the doc is still usable */
	assert_int_equal(parse_cstr(&doc, "[1]"), UG_OK);
	free(s);
	ug_json_doc_free(&doc);
}

/* Every special byte at every position around the 16-byte fast path. */
static void test_string_boundaries(void **state)
{
	(void)state;
	static const struct {
		const char *ins;
		bool ok;
	} specials[] = {
	    {"\"", false},   {"\\\"", true},     {"\\\\", true},         {"\x01", false},
	    {"\x1f", false}, {"\xc3\xa9", true}, {"\xe2\x82\xac", true}, {"\xf0\x9f\x98\x80", true},
	    {"\xc3", false}, {"\x80", false},    {"\\u0041", true},      {" ", true},
	    {"\x7f", true},
	};
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	char buf[128];
	for (size_t k = 0; k < UG_ARRAY_LEN(specials); k++) {
		for (size_t len = 0; len < 40; len++) {
			for (size_t at = 0; at <= len; at++) {
				size_t n = 0;
				buf[n++] = '"';
				memset(buf + n, 'x', at);
				n += at;
				size_t il = strlen(specials[k].ins);
				memcpy(buf + n, specials[k].ins, il);
				n += il;
				memset(buf + n, 'y', len - at);
				n += len - at;
				buf[n++] = '"';
				int rc = parse_text(&doc, buf, n);
				if ((rc == UG_OK) != specials[k].ok)
					fail_msg("special %zu len %zu at %zu: rc %d", k, len, at,
					         rc);
			}
		}
	}
	ug_json_doc_free(&doc);
}

/* ---- decoding ---------------------------------------------------------- */

static ug_sv decode1(ug_json_doc *doc, ug_arena *a, const char *json)
{
	assert_int_equal(ug_json_parse(doc, ug_sv_from(json)), UG_OK);
	assert_int_equal(doc->toks[0].type, UG_JSON_STRING);
	return ug_json_string(&doc->toks[0], a);
}

static void test_escapes(void **state)
{
	(void)state;
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	ug_arena a;
	ug_arena_init(&a, 0);
	ug_sv s = decode1(&doc, &a, "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"");
	assert_int_equal(s.n, 8);
	assert_memory_equal(s.p, "\"\\/\b\f\n\r\t", 8);
	assert_sv_eq(decode1(&doc, &a, "\"\\u0041\\u00e9\\u20AC\""), "A\xc3\xa9\xe2\x82\xac");
	/* surrogate pair -> one 4-byte character */
	assert_sv_eq(decode1(&doc, &a, "\"x\\ud83d\\ude00y\""), "x\xf0\x9f\x98\x80y");
	assert_sv_eq(decode1(&doc, &a, "\"\\uD834\\uDD1E\""), "\xf0\x9d\x84\x9e");
	/* lone surrogates become U+FFFD */
	assert_sv_eq(decode1(&doc, &a, "\"\\ud800\""), "\xef\xbf\xbd");
	assert_sv_eq(decode1(&doc, &a, "\"\\udc00a\""), "\xef\xbf\xbd"
	                                                "a");
	assert_sv_eq(decode1(&doc, &a, "\"\\ud800\\u0041\""), "\xef\xbf\xbd"
	                                                      "A");
	assert_sv_eq(decode1(&doc, &a, "\"\\ud800\\ud800\\udc00\""),
	             "\xef\xbf\xbd\xf0\x90\x80\x80");
	/* NUL is kept as a byte */
	s = decode1(&doc, &a, "\"a\\u0000b\"");
	assert_int_equal(s.n, 3);
	assert_memory_equal(s.p, "a\0b", 3);
	/* no escapes: a view into the input */
	const char *plain = "\"C:\\\\x\"";
	assert_int_equal(ug_json_parse(&doc, ug_sv_from("\"plain \xc3\xa9\"")), UG_OK);
	assert_false(doc.toks[0].escaped);
	ug_sv v = ug_json_string(&doc.toks[0], NULL);
	assert_sv_eq(v, "plain \xc3\xa9");
	/* escaped but no arena: NULL view, never a crash */
	assert_int_equal(ug_json_parse(&doc, ug_sv_from(plain)), UG_OK);
	assert_null(ug_json_string(&doc.toks[0], NULL).p);
	assert_sv_eq(ug_json_string(&doc.toks[0], &a), "C:\\x");
	ug_arena_free(&a);
	ug_json_doc_free(&doc);
}

/* Escapes at every position around the 16-byte blocks the decoder copies:
 * random strings of plain bytes and escapes, decoded against what they were
 * built from. */
static void test_escapes_long(void **state)
{
	(void)state;
	static const struct {
		const char *raw, *dec;
	} pieces[] = {
	    {"a", "a"},   {"Z", "Z"},        {"\\\\", "\\"},         {"\\\"", "\""},
	    {"\\/", "/"}, {"\\n", "\n"},     {"\\t", "\t"},          {"\\u00e9", "\xc3\xa9"},
	    {"\xc3\xa9", "\xc3\xa9"},        {"\\ud83d\\ude00", "\xf0\x9f\x98\x80"},
	};
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	ug_arena a;
	ug_arena_init(&a, 0);
	uint32_t rng = 12345;
	char raw[1024], want[1024];
	for (int iter = 0; iter < 3000; iter++) {
		size_t nr = 0, nw = 0;
		raw[nr++] = '"';
		int npieces = (int)(iter % 70);
		for (int k = 0; k < npieces; k++) {
			rng = rng * 1103515245u + 12345u;
			size_t which = (rng >> 16) % UG_ARRAY_LEN(pieces);
			/* mostly plain bytes, as in paths */
			if ((rng >> 8) % 3)
				which = (rng >> 20) % 2;
			size_t lr = strlen(pieces[which].raw), lw = strlen(pieces[which].dec);
			memcpy(raw + nr, pieces[which].raw, lr);
			memcpy(want + nw, pieces[which].dec, lw);
			nr += lr;
			nw += lw;
		}
		raw[nr++] = '"';
		ug_sv got = decode1(&doc, &a, ug_arena_dup(&a, (ug_sv){raw, nr}).p);
		assert_int_equal(got.n, nw);
		assert_memory_equal(got.p, want, nw);
		ug_arena_reset(&a);
	}
	ug_arena_free(&a);
	ug_json_doc_free(&doc);
}

static void test_scalar_text(void **state)
{
	(void)state;
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	ug_arena a;
	ug_arena_init(&a, 0);
	const char *s = "[null,true,false,-1.5e3,\"a\\tb\",[1,2],{\"k\":1}]";
	assert_int_equal(ug_json_parse(&doc, ug_sv_from(s)), UG_OK);
	ug_sv v = ug_json_scalar_text(&doc.toks[1], &a);
	assert_non_null(v.p);
	assert_int_equal(v.n, 0);
	assert_sv_eq(ug_json_scalar_text(&doc.toks[2], &a), "true");
	assert_sv_eq(ug_json_scalar_text(&doc.toks[3], &a), "false");
	assert_sv_eq(ug_json_scalar_text(&doc.toks[4], &a), "-1.5e3");
	assert_sv_eq(ug_json_scalar_text(&doc.toks[5], &a), "a\tb");
	assert_sv_eq(ug_json_scalar_text(&doc.toks[6], &a), "[1,2]");
	ug_arena_free(&a);
	ug_json_doc_free(&doc);
}

static void test_get_and_path(void **state)
{
	(void)state;
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	const char *s =
	    "{\"winlog\":{\"channel\":\"Security\",\"event_data\":{\"Image\":\"a.exe\"}},"
	    "\"id.orig_h\":\"10.0.0.1\",\"a\":{\"x\":1},\"a.b\":2,\"k\\u0065y\":3,"
	    "\"arr\":[{\"z\":1}],\"winlog.event_id\":4688}";
	assert_int_equal(ug_json_parse(&doc, ug_sv_from(s)), UG_OK);
	uint32_t v = ug_json_get(&doc, 0, UG_SV("winlog"));
	assert_int_equal(doc.toks[v].type, UG_JSON_OBJECT);
	assert_sv_eq(doc.toks[ug_json_get(&doc, v, UG_SV("channel"))].raw, "Security");
	assert_int_equal(ug_json_get(&doc, 0, UG_SV("missing")), 0);
	assert_int_equal(ug_json_get(&doc, 0, UG_SV("winlo")), 0);
	assert_int_equal(ug_json_get(&doc, 3, UG_SV("x")), 0); /* not an object */
	/* escaped key compares decoded */
	assert_sv_eq(doc.toks[ug_json_get(&doc, 0, UG_SV("key"))].raw, "3");
	/* nested path */
	assert_sv_eq(doc.toks[ug_json_get_path(&doc, 0, UG_SV("winlog.event_data.Image"))].raw,
	             "a.exe");
	/* a key with dots in it */
	assert_sv_eq(doc.toks[ug_json_get_path(&doc, 0, UG_SV("id.orig_h"))].raw, "10.0.0.1");
	/* "a" is an object without "b": the flat "a.b" key is found next */
	assert_sv_eq(doc.toks[ug_json_get_path(&doc, 0, UG_SV("a.b"))].raw, "2");
	assert_sv_eq(doc.toks[ug_json_get_path(&doc, 0, UG_SV("a.x"))].raw, "1");
	/* "winlog" is an object without event_id: the flattened key is found */
	assert_sv_eq(doc.toks[ug_json_get_path(&doc, 0, UG_SV("winlog.event_id"))].raw, "4688");
	assert_int_equal(ug_json_get_path(&doc, 0, UG_SV("arr.z")), 0); /* no array walking */
	assert_int_equal(ug_json_get_path(&doc, 0, UG_SV("winlog.nope")), 0);
	assert_int_equal(ug_json_get_path(&doc, 0, UG_SV("")), 0);
	ug_json_doc_free(&doc);
}

/* ---- formats: capturing events ----------------------------------------- */

typedef struct cfield {
	char *name, *value;
	int canon;
} cfield;

typedef struct cevent {
	ug_time ts;
	char *host, *channel;
	ug_event_kind kind;
	uint32_t event_id;
	uint64_t record;
	cfield *fields;
	uint32_t nfields;
} cevent;

typedef struct capture {
	cevent ev[16];
	size_t n;
	uint64_t total;
} capture;

static char *dup_sv(ug_sv s)
{
	char *p = malloc(s.n + 1);
	assert_non_null(p);
	if (s.n)
		memcpy(p, s.p, s.n);
	p[s.n] = 0;
	return p;
}

static int capture_fn(const ug_event *ev, void *user)
{
	capture *c = user;
	c->total++;
	if (c->n == UG_ARRAY_LEN(c->ev))
		return 0;
	cevent *e = &c->ev[c->n++];
	e->ts = ev->ts;
	e->host = dup_sv(ev->host);
	e->channel = dup_sv(ev->channel);
	e->kind = ev->kind;
	e->event_id = ev->event_id;
	e->record = ev->record;
	e->nfields = ev->nfields;
	e->fields = calloc(ev->nfields + 1, sizeof(cfield));
	assert_non_null(e->fields);
	for (uint32_t i = 0; i < ev->nfields; i++) {
		e->fields[i].name = dup_sv(ev->fields[i].name);
		e->fields[i].value = dup_sv(ev->fields[i].value);
		e->fields[i].canon = ev->fields[i].canon;
		/* values are valid UTF-8 */
		assert_true(ug_utf8_valid(ev->fields[i].value));
	}
	/* the canonical index agrees with the fields */
	for (int id = 1; id < UG_F__COUNT; id++) {
		if (!ug_event_has(ev, (ug_field_id)id))
			continue;
		assert_int_equal(ev->fields[ev->canon_idx[id] - 1].canon, id);
	}
	return 0;
}

static void capture_free(capture *c)
{
	for (size_t i = 0; i < c->n; i++) {
		cevent *e = &c->ev[i];
		for (uint32_t k = 0; k < e->nfields; k++) {
			free(e->fields[k].name);
			free(e->fields[k].value);
		}
		free(e->fields);
		free(e->host);
		free(e->channel);
	}
	memset(c, 0, sizeof(*c));
}

static ug_parse_stats run(const ug_format *f, const char *text, const ug_input_opts *opts,
                          capture *c)
{
	ug_parse_stats st = {0};
	ug_error err = {0};
	memset(c, 0, sizeof(*c));
	size_t n = strlen(text);
	char *copy = malloc(n ? n : 1);
	assert_non_null(copy);
	memcpy(copy, text, n);
	assert_int_equal(
	    ug_format_parse_buffer(f, (ug_sv){copy, n}, opts, capture_fn, c, &st, &err), UG_OK);
	free(copy);
	return st;
}

static const cfield *by_name(const cevent *e, const char *name)
{
	for (uint32_t i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].name, name) == 0)
			return &e->fields[i];
	fail_msg("no field %s", name);
	return NULL;
}

static const cfield *by_canon(const cevent *e, ug_field_id id)
{
	for (uint32_t i = 0; i < e->nfields; i++)
		if (e->fields[i].canon == (int)id)
			return &e->fields[i];
	fail_msg("no canonical field %s", ug_field_name(id));
	return NULL;
}

static int canon_count(const cevent *e, ug_field_id id)
{
	int n = 0;
	for (uint32_t i = 0; i < e->nfields; i++)
		n += e->fields[i].canon == (int)id;
	return n;
}

static void assert_field(const cevent *e, const char *name, const char *value, ug_field_id canon)
{
	const cfield *f = by_name(e, name);
	assert_string_equal(f->value, value);
	assert_int_equal(f->canon, canon);
}

static void assert_time(ug_time got, const char *iso)
{
	ug_time want;
	assert_int_equal(ug_time_parse_iso8601(ug_sv_from(iso), NULL, &want), UG_OK);
	if (got != want) {
		char buf[UG_TIME_BUFSZ];
		ug_time_format(got, 9, buf);
		fail_msg("time %s, want %s", buf, iso);
	}
}

/* ---- ecs-json ---------------------------------------------------------- */

/* Winlogbeat 8 Sysmon process creation, after the sysmon module's docs
 * (forwarded: host.name is the collector, winlog.computer_name the endpoint). */
static const char ecs_sysmon1[] =
    "{\"@timestamp\":\"2019-03-18T16:57:38.636Z\",\"agent\":{\"hostname\":\"wec-01\","
    "\"type\":\"winlogbeat\",\"version\":\"8.11.0\"},\"ecs\":{\"version\":\"8.0.0\"},"
    "\"event\":{\"category\":[\"process\"],\"code\":\"1\",\"kind\":\"event\","
    "\"module\":\"sysmon\",\"provider\":\"Microsoft-Windows-Sysmon\",\"type\":[\"start\"]},"
    "\"host\":{\"name\":\"wec-01\"},\"log\":{\"level\":\"information\"},"
    "\"process\":{\"args\":[\"C:\\\\Windows\\\\system32\\\\wevtutil.exe\",\"qe\","
    "\"Microsoft-Windows-Sysmon/Operational\"],\"command_line\":\"\\\"C:\\\\Windows\\\\system32"
    "\\\\wevtutil.exe\\\" qe Microsoft-Windows-Sysmon/Operational\",\"entity_id\":"
    "\"{42f11c3b-ce01-5c8f-0000-0010c73e2a00}\",\"executable\":\"C:\\\\Windows\\\\System32\\\\"
    "wevtutil.exe\",\"name\":\"wevtutil.exe\",\"parent\":{\"executable\":\"C:\\\\Windows\\\\"
    "System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe\",\"pid\":3408},\"pid\":4116,"
    "\"working_directory\":\"C:\\\\Users\\\\vagrant\\\\\"},"
    "\"winlog\":{\"api\":\"wineventlog\",\"channel\":\"Microsoft-Windows-Sysmon/Operational\","
    "\"computer_name\":\"VAGRANT-2016.example.corp\",\"event_data\":{\"Company\":"
    "\"Microsoft Corporation\",\"Description\":\"Eventing Command Line Utility\","
    "\"IntegrityLevel\":\"High\",\"LogonId\":\"0xb0b4d9\",\"Product\":"
    "\"Microsoft\xc2\xae Windows\xc2\xae Operating System\",\"TerminalSessionId\":\"1\","
    "\"Image\":\"C:\\\\Windows\\\\System32\\\\wevtutil.exe\",\"CommandLine\":\"\\\"C:\\\\Windows"
    "\\\\system32\\\\wevtutil.exe\\\" qe Microsoft-Windows-Sysmon/Operational\","
    "\"ParentImage\":\"C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe\","
    "\"User\":\"VAGRANT-2016\\\\vagrant\",\"Hashes\":\"SHA256=C5D0B1F5\","
    "\"UtcTime\":\"2019-03-18 16:57:38.636\"},\"event_id\":1,\"opcode\":\"Info\","
    "\"process\":{\"pid\":4352,\"thread\":{\"id\":3876}},\"provider_name\":"
    "\"Microsoft-Windows-Sysmon\",\"record_id\":1,\"task\":\"Process Create (rule: "
    "ProcessCreate)\",\"user\":{\"domain\":\"NT AUTHORITY\",\"name\":\"SYSTEM\"},\"version\":5}}\n";

static void test_ecs_sysmon(void **state)
{
	(void)state;
	capture c;
	ug_parse_stats st = run(&ug_fmt_ecs_json, ecs_sysmon1, NULL, &c);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.skipped, 0);
	const cevent *e = &c.ev[0];
	assert_time(e->ts, "2019-03-18T16:57:38.636Z");
	assert_string_equal(e->host, "vagrant-2016");
	assert_string_equal(e->channel, "Microsoft-Windows-Sysmon/Operational");
	assert_int_equal(e->event_id, 1);
	assert_int_equal(e->kind, UG_KIND_PROCESS_START);
	assert_int_equal(e->record, 1);
	assert_field(e, "winlog.event_data.Image", "C:\\Windows\\System32\\wevtutil.exe",
	             UG_F_IMAGE);
	assert_field(
	    e, "winlog.event_data.CommandLine",
	    "\"C:\\Windows\\system32\\wevtutil.exe\" qe Microsoft-Windows-Sysmon/Operational",
	    UG_F_COMMAND_LINE);
	assert_field(e, "winlog.event_data.Product",
	             "Microsoft\xc2\xae Windows\xc2\xae Operating System", UG_F_PRODUCT);
	assert_field(e, "winlog.event_data.User", "VAGRANT-2016\\vagrant", UG_F_USER);
	assert_field(e, "winlog.event_data.TerminalSessionId", "1", UG_F_NONE);
	assert_field(e, "winlog.channel", "Microsoft-Windows-Sysmon/Operational", UG_F_CHANNEL);
	assert_field(e, "winlog.event_id", "1", UG_F_EVENT_ID);
	assert_field(e, "winlog.computer_name", "VAGRANT-2016.example.corp", UG_F_COMPUTER);
	assert_field(e, "winlog.record_id", "1", UG_F_EVENT_RECORD_ID);
	assert_field(e, "winlog.provider_name", "Microsoft-Windows-Sysmon", UG_F_PROVIDER_NAME);
	/* ECS duplicates keep their names but not the canonical id */
	assert_field(e, "process.executable", "C:\\Windows\\System32\\wevtutil.exe", UG_F_NONE);
	assert_field(e, "event.code", "1", UG_F_NONE);
	assert_int_equal(canon_count(e, UG_F_IMAGE), 1);
	assert_string_equal(by_canon(e, UG_F_IMAGE)->name, "winlog.event_data.Image");
	assert_string_equal(by_canon(e, UG_F_PARENT_IMAGE)->name, "winlog.event_data.ParentImage");
	/* ECS fields without an event_data twin are mapped */
	assert_field(e, "process.pid", "4116", UG_F_PROCESS_ID);
	assert_field(e, "process.working_directory", "C:\\Users\\vagrant\\",
	             UG_F_CURRENT_DIRECTORY);
	/* arrays of scalars are joined with ',' */
	assert_field(e, "process.args",
	             "C:\\Windows\\system32\\wevtutil.exe,qe,Microsoft-Windows-Sysmon/Operational",
	             UG_F_NONE);
	assert_field(e, "event.category", "process", UG_F_NONE);
	assert_field(e, "winlog.process.thread.id", "3876", UG_F_NONE);
	assert_field(e, "host.name", "wec-01", UG_F_NONE);
	/* every scalar is there (47, counted with Python's json) */
	assert_int_equal(e->nfields, 47);
	capture_free(&c);
}

/* Elastic Defend-like: ECS only, no winlog.event_data. */
static void test_ecs_pure(void **state)
{
	(void)state;
	const char *rec =
	    "{\"@timestamp\":\"2026-01-20T10:05:00.5+01:00\",\"host\":{\"name\":\"WS-IN-0001\"},"
	    "\"event\":{\"code\":\"3\",\"category\":[\"network\"]},\"winlog\":{\"channel\":"
	    "\"Microsoft-Windows-Sysmon/Operational\"},\"process\":{\"executable\":"
	    "\"C:\\\\Program "
	    "Files\\\\eScan\\\\download.exe\"},\"destination\":{\"ip\":\"203.0.113.9\","
	    "\"port\":443,\"domain\":\"update1.escan.example\"},\"source\":{\"ip\":\"10.1.2.3\"},"
	    "\"dns\":{\"question\":{\"name\":\"update1.escan.example\"}},"
	    "\"registry\":{\"data\":{\"strings\":[\"a\",\"b\\\"c\"]}},\"url\":{\"full\":\"http://x/"
	    "y\"},"
	    "\"related\":{\"hosts\":[{\"n\":1},2]},\"empty\":[]}";
	capture c;
	ug_parse_stats st = run(&ug_fmt_ecs_json, rec, NULL, &c);
	assert_int_equal(st.records, 1);
	const cevent *e = &c.ev[0];
	assert_time(e->ts, "2026-01-20T09:05:00.5Z");
	assert_string_equal(e->host, "ws-in-0001");
	assert_int_equal(e->event_id, 3); /* from event.code */
	assert_int_equal(e->kind, UG_KIND_NETWORK_CONNECT);
	assert_field(e, "process.executable", "C:\\Program Files\\eScan\\download.exe", UG_F_IMAGE);
	assert_field(e, "destination.ip", "203.0.113.9", UG_F_DESTINATION_IP);
	assert_field(e, "destination.port", "443", UG_F_DESTINATION_PORT);
	assert_field(e, "destination.domain", "update1.escan.example", UG_F_DESTINATION_HOSTNAME);
	assert_field(e, "source.ip", "10.1.2.3", UG_F_SOURCE_IP);
	assert_field(e, "dns.question.name", "update1.escan.example", UG_F_QUERY_NAME);
	assert_field(e, "registry.data.strings", "a,b\"c", UG_F_DETAILS);
	assert_field(e, "url.full", "http://x/y", UG_F_C_URI);
	assert_field(e, "event.code", "3", UG_F_EVENT_ID);
	/* arrays holding objects keep their JSON text; empty arrays are empty */
	assert_field(e, "related.hosts", "[{\"n\":1},2]", UG_F_NONE);
	assert_field(e, "empty", "", UG_F_NONE);
	capture_free(&c);
}

/* Flattened keys, as Kibana and some Elasticsearch exports write them. */
static void test_ecs_flattened(void **state)
{
	(void)state;
	const char *rec =
	    "{\"@timestamp\":\"2026-01-20T10:00:00Z\",\"winlog.channel\":\"Security\","
	    "\"winlog.event_id\":\"4698\",\"winlog.computer_name\":\"WS-1.corp\","
	    "\"winlog.event_data.TaskName\":\"\\\\eScan\\\\Updater\","
	    "\"process.executable\":\"C:\\\\x.exe\",\"process.command_line\":\"x\","
	    "\"winlog.event_data.CommandLine\":\"y\"}";
	assert_true(ug_fmt_ecs_json.detect(ug_sv_from(rec), "x.json") > 90);
	capture c;
	ug_parse_stats st = run(&ug_fmt_ecs_json, rec, NULL, &c);
	assert_int_equal(st.records, 1);
	const cevent *e = &c.ev[0];
	assert_string_equal(e->host, "ws-1");
	assert_string_equal(e->channel, "Security");
	assert_int_equal(e->kind, UG_KIND_TASK_CREATED);
	assert_field(e, "winlog.event_data.TaskName", "\\eScan\\Updater", UG_F_TASK_NAME);
	assert_field(e, "winlog.event_id", "4698", UG_F_EVENT_ID);
	assert_field(e, "process.executable", "C:\\x.exe", UG_F_IMAGE);
	/* the event data wins even when written after the ECS field */
	assert_field(e, "process.command_line", "x", UG_F_NONE);
	assert_field(e, "winlog.event_data.CommandLine", "y", UG_F_COMMAND_LINE);
	capture_free(&c);
}

/* Winlogbeat 6 layout, as in OTRF's empire_invoke_runas dataset. */
static void test_ecs_winlogbeat6(void **state)
{
	(void)state;
	const char *rec =
	    "{\"@timestamp\":\"2019-05-18T20:42:59.034Z\",\"@metadata\":{\"beat\":\"winlogbeat\","
	    "\"version\":\"6.7.0\"},\"beat\":{\"hostname\":\"WECserver\"},\"host\":{\"name\":"
	    "\"WECserver\"},\"event_id\":4688,\"record_number\":\"101776\",\"computer_name\":"
	    "\"HR001.shire.com\",\"event_data\":{\"NewProcessName\":\"C:\\\\Windows\\\\System32\\\\"
	    "cmd.exe\",\"SubjectUserName\":\"nmartha\"},\"log_name\":\"Security\","
	    "\"source_name\":\"Microsoft-Windows-Security-Auditing\",\"keywords\":[\"Audit "
	    "Success\"],"
	    "\"type\":\"wineventlog\"}";
	capture c;
	ug_parse_stats st = run(&ug_fmt_ecs_json, rec, NULL, &c);
	assert_int_equal(st.records, 1);
	const cevent *e = &c.ev[0];
	assert_time(e->ts, "2019-05-18T20:42:59.034Z");
	assert_string_equal(e->host, "hr001");
	assert_string_equal(e->channel, "Security");
	assert_int_equal(e->event_id, 4688);
	assert_int_equal(e->kind, UG_KIND_PROCESS_START);
	assert_field(e, "event_data.NewProcessName", "C:\\Windows\\System32\\cmd.exe",
	             UG_F_NEW_PROCESS_NAME);
	assert_field(e, "event_data.SubjectUserName", "nmartha", UG_F_SUBJECT_USER_NAME);
	assert_field(e, "record_number", "101776", UG_F_EVENT_RECORD_ID);
	assert_field(e, "source_name", "Microsoft-Windows-Security-Auditing", UG_F_PROVIDER_NAME);
	assert_field(e, "keywords", "Audit Success", UG_F_NONE);
	capture_free(&c);
}

/* ---- flat-json (OTRF / NXLog) ------------------------------------------ */

/* Real records from OTRF empire_schtasks_creation_standard_user (shortened). */
static const char otrf_sysmon12[] =
    "{\"Keywords\":-9223372036854775808,\"SeverityValue\":2,\"TargetObject\":\"HKU\\\\S-1-5-21-"
    "4228717743-1032521047-1810997296-1104\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion"
    "\\\\Internet Settings\\\\Connections\",\"EventTypeOrignal\":\"INFO\",\"EventID\":12,"
    "\"ProviderGuid\":\"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}\",\"ExecutionProcessID\":9848,"
    "\"host\":\"wec.internal.cloudapp.net\",\"Channel\":\"Microsoft-Windows-Sysmon/Operational\","
    "\"EventReceivedTime\":\"2020-09-21 03:15:27\",\"EventTime\":\"2020-09-21 03:15:25\","
    "\"@timestamp\":\"2020-09-21T07:15:27.705Z\",\"RecordNumber\":2503053,\"SourceName\":"
    "\"Microsoft-Windows-Sysmon\",\"Image\":\"C:\\\\windows\\\\System32\\\\WindowsPowerShell\\\\"
    "v1.0\\\\powershell.exe\",\"UtcTime\":\"2020-09-21 07:15:25.082\",\"Hostname\":"
    "\"WORKSTATION5.theshire.local\",\"RuleName\":\"-\",\"tags\":[\"mordorDataset\"]}\n"
    "{\"Keywords\":0,\"EventID\":4103,\"Channel\":\"Microsoft-Windows-PowerShell/Operational\","
    "\"host\":\"wec.internal.cloudapp.net\",\"EventTime\":\"2020-09-21 03:15:25\","
    "\"@timestamp\":\"2020-09-21T07:15:27.706Z\",\"Payload\":\"CommandInvocation(ForEach-Object):"
    " \\\"ForEach-Object\\\"\\r\\n\",\"SourceName\":\"Microsoft-Windows-PowerShell\","
    "\"Hostname\":\"WORKSTATION5.theshire.local\"}\n";

static void test_flat_otrf(void **state)
{
	(void)state;
	capture c;
	ug_parse_stats st = run(&ug_fmt_flat_json, otrf_sysmon12, NULL, &c);
	assert_int_equal(st.records, 2);
	assert_int_equal(st.skipped, 0);
	const cevent *e = &c.ev[0];
	/* UtcTime wins over the local EventTime and the shipper's @timestamp */
	assert_time(e->ts, "2020-09-21T07:15:25.082Z");
	assert_string_equal(e->host, "workstation5");
	assert_string_equal(e->channel, "Microsoft-Windows-Sysmon/Operational");
	assert_int_equal(e->event_id, 12);
	assert_int_equal(e->kind, UG_KIND_REGISTRY_KEY);
	assert_int_equal(e->record, 1);
	assert_field(e, "TargetObject",
	             "HKU\\S-1-5-21-4228717743-1032521047-1810997296-1104\\Software\\Microsoft\\"
	             "Windows\\CurrentVersion\\Internet Settings\\Connections",
	             UG_F_TARGET_OBJECT);
	assert_field(e, "Image", "C:\\windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
	             UG_F_IMAGE);
	assert_field(e, "Hostname", "WORKSTATION5.theshire.local", UG_F_COMPUTER);
	assert_field(e, "RecordNumber", "2503053", UG_F_EVENT_RECORD_ID);
	assert_field(e, "SourceName", "Microsoft-Windows-Sysmon", UG_F_PROVIDER_NAME);
	assert_field(e, "UtcTime", "2020-09-21 07:15:25.082", UG_F_UTC_TIME);
	assert_field(e, "Keywords", "-9223372036854775808", UG_F_NONE);
	assert_field(e, "tags", "mordorDataset", UG_F_NONE);
	/* no UtcTime: EventTime, local time, UTC when no --input-tz */
	e = &c.ev[1];
	assert_time(e->ts, "2020-09-21T03:15:25Z");
	assert_int_equal(e->record, 2);
	assert_int_equal(e->kind, UG_KIND_OTHER);
	assert_field(e, "Payload", "CommandInvocation(ForEach-Object): \"ForEach-Object\"\r\n",
	             UG_F_NONE);
	capture_free(&c);
	/* with --input-tz the local EventTime is converted */
	ug_tz *tz = NULL;
	assert_int_equal(ug_tz_load(&tz, "-04:00", NULL), UG_OK);
	ug_input_opts opts = {.input_tz = tz};
	st = run(&ug_fmt_flat_json, otrf_sysmon12, &opts, &c);
	assert_int_equal(st.records, 2);
	assert_time(c.ev[0].ts, "2020-09-21T07:15:25.082Z"); /* UtcTime is UTC regardless */
	assert_time(c.ev[1].ts, "2020-09-21T07:15:25Z");
	capture_free(&c);
	ug_tz_free(tz);
}

static void test_flat_variants(void **state)
{
	(void)state;
	/* Raccine (OTRF): TimeCreated without offset, lower-case channel key */
	const char *rec = "{\"Source\":\"Raccine\",\"TimeCreated\":\"2020-10-18 03:38:05.959\","
	                  "\"Hostname\":\"WORKSTATION5\",\"channel\":\"Application\",\"Message\":"
	                  "\"Raccine detected malicious activity:\\nvssadmin delete shadows \\n\","
	                  "\"EventID\":2}";
	capture c;
	ug_parse_stats st = run(&ug_fmt_flat_json, rec, NULL, &c);
	assert_int_equal(st.records, 1);
	assert_time(c.ev[0].ts, "2020-10-18T03:38:05.959Z");
	assert_string_equal(c.ev[0].channel, "Application");
	assert_string_equal(c.ev[0].host, "workstation5");
	assert_field(&c.ev[0], "channel", "Application", UG_F_CHANNEL);
	capture_free(&c);
	/* TimeCreated with an offset; a Security 4688 with Message text */
	rec = "{\"EventID\":4688,\"SourceName\":\"Microsoft-Windows-Security-Auditing\","
	      "\"TimeCreated\":\"2020-10-21T08:45:33.684Z\",\"Hostname\":\"WORKSTATION5\","
	      "\"Channel\":\"security\",\"NewProcessName\":\"C:\\\\Windows\\\\System32\\\\sc.exe\","
	      "\"CommandLine\":\"sc  config Fax binPath= \\\"x\\\"\"}";
	ug_tz *tz = NULL;
	assert_int_equal(ug_tz_load(&tz, "+05:30", NULL), UG_OK);
	ug_input_opts opts = {.input_tz = tz};
	st = run(&ug_fmt_flat_json, rec, &opts, &c);
	assert_int_equal(st.records, 1);
	assert_time(c.ev[0].ts, "2020-10-21T08:45:33.684Z"); /* the Z wins over --input-tz */
	assert_int_equal(c.ev[0].kind, UG_KIND_PROCESS_START);
	assert_field(&c.ev[0], "NewProcessName", "C:\\Windows\\System32\\sc.exe",
	             UG_F_NEW_PROCESS_NAME);
	capture_free(&c);
	ug_tz_free(tz);
	/* no host at all: still emitted, host empty */
	st = run(&ug_fmt_flat_json, "{\"EventID\":1,\"UtcTime\":\"2020-01-01 00:00:00.000\"}", NULL,
	         &c);
	assert_int_equal(st.records, 1);
	assert_string_equal(c.ev[0].host, "");
	assert_string_equal(c.ev[0].channel, "");
	capture_free(&c);
}

/* ---- evtx-json --------------------------------------------------------- */

/* evtx_dump output as in SigmaHQ's regression data (pretty-printed,
 * concatenated), the second record with a qualified EventID and UserData. */
static const char evtx_dump_two[] =
    "{\n  \"Event\": {\n    \"#attributes\": {\n      \"xmlns\": "
    "\"http://schemas.microsoft.com/win/2004/08/events/event\"\n    },\n"
    "    \"System\": {\n      \"Provider\": {\n        \"#attributes\": {\n"
    "          \"Name\": \"Microsoft-Windows-Sysmon\",\n"
    "          \"Guid\": \"5770385F-C22A-43E0-BF4C-06F5698FFBD9\"\n        }\n      },\n"
    "      \"EventID\": 17,\n      \"Version\": 1,\n      \"Level\": 4,\n"
    "      \"TimeCreated\": {\n        \"#attributes\": {\n"
    "          \"SystemTime\": \"2026-04-17T05:24:53.088849Z\"\n        }\n      },\n"
    "      \"EventRecordID\": 83237,\n      \"Correlation\": null,\n"
    "      \"Channel\": \"Microsoft-Windows-Sysmon/Operational\",\n"
    "      \"Computer\": \"swachchhanda\",\n      \"Security\": {\n"
    "        \"#attributes\": {\n          \"UserID\": \"S-1-5-18\"\n        }\n      }\n"
    "    },\n    \"EventData\": {\n      \"RuleName\": \"-\",\n"
    "      \"EventType\": \"CreatePipe\",\n      \"UtcTime\": \"2026-04-17 05:24:53.079\",\n"
    "      \"ProcessId\": 15596,\n      \"PipeName\": \"\\\\REDSUN\",\n"
    "      \"Image\": \"C:\\\\Users\\\\xodih\\\\Downloads\\\\RedSun.exe\",\n"
    "      \"User\": \"swachchhanda\\\\xodih\"\n    }\n  }\n}\n"
    "{\n  \"Event\": {\n    \"System\": {\n      \"Provider\": {\"#attributes\": {\"Name\": "
    "\"Service Control Manager\"}},\n      \"EventID\": {\"#attributes\": {\"Qualifiers\": "
    "16384}, \"#text\": 7045},\n      \"TimeCreated\": {\"#attributes\": {\"SystemTime\": "
    "\"2026-01-20T10:07:00Z\"}},\n      \"EventRecordID\": 9,\n      \"Channel\": \"System\",\n"
    "      \"Computer\": \"WS-IN-0002.corp.example\"\n    },\n"
    "    \"UserData\": {\"ServiceInstall\": {\"ServiceName\": \"escanupd\", \"ImagePath\": "
    "\"C:\\\\ProgramData\\\\x.exe\"}}\n  }\n}\n";

static void test_evtx_dump(void **state)
{
	(void)state;
	capture c;
	ug_parse_stats st = run(&ug_fmt_evtx_json, evtx_dump_two, NULL, &c);
	assert_int_equal(st.skipped, 0);
	assert_int_equal(st.records, 2);
	const cevent *e = &c.ev[0];
	assert_time(e->ts, "2026-04-17T05:24:53.088849Z");
	assert_string_equal(e->host, "swachchhanda");
	assert_int_equal(e->event_id, 17);
	assert_string_equal(e->channel, "Microsoft-Windows-Sysmon/Operational");
	assert_int_equal(e->kind, UG_KIND_OTHER);
	assert_int_equal(e->record, 1); /* line of the record's first byte */
	assert_field(e, "Event.EventData.Image", "C:\\Users\\xodih\\Downloads\\RedSun.exe",
	             UG_F_IMAGE);
	assert_field(e, "Event.EventData.PipeName", "\\REDSUN", UG_F_NONE);
	assert_field(e, "Event.EventData.EventType", "CreatePipe", UG_F_EVENT_TYPE);
	assert_field(e, "Event.EventData.ProcessId", "15596", UG_F_PROCESS_ID);
	assert_field(e, "Event.System.Provider.#attributes.Name", "Microsoft-Windows-Sysmon",
	             UG_F_PROVIDER_NAME);
	assert_field(e, "Event.System.EventRecordID", "83237", UG_F_EVENT_RECORD_ID);
	assert_field(e, "Event.System.Correlation", "", UG_F_NONE);
	assert_field(e, "Event.System.Security.#attributes.UserID", "S-1-5-18", UG_F_NONE);
	e = &c.ev[1];
	assert_int_equal(e->record, 42);
	assert_time(e->ts, "2026-01-20T10:07:00Z");
	assert_int_equal(e->event_id, 7045);
	assert_int_equal(e->kind, UG_KIND_SERVICE_INSTALLED);
	assert_string_equal(e->host, "ws-in-0002");
	assert_field(e, "Event.System.EventID.#text", "7045", UG_F_EVENT_ID);
	assert_field(e, "Event.UserData.ServiceInstall.ServiceName", "escanupd", UG_F_SERVICE_NAME);
	assert_field(e, "Event.UserData.ServiceInstall.ImagePath", "C:\\ProgramData\\x.exe",
	             UG_F_IMAGE_PATH);
	capture_free(&c);
	/* the same records in a wrapping array, and as JSON lines */
	const char *arr =
	    "[{\"Event\":{\"System\":{\"EventID\":1,\"Channel\":\"Microsoft-Windows-"
	    "Sysmon/Operational\",\"Computer\":\"a\",\"TimeCreated\":{\"#attributes\":"
	    "{\"SystemTime\":\"2026-01-20T10:00:00Z\"}}}}},\n{\"Event\":{\"System\":"
	    "{\"EventID\":3,\"Channel\":\"Microsoft-Windows-Sysmon/Operational\","
	    "\"TimeCreated\":{\"#attributes\":{\"SystemTime\":\"2026-01-20T10:00:01Z\"}}"
	    "}}}]";
	st = run(&ug_fmt_evtx_json, arr, NULL, &c);
	assert_int_equal(st.records, 2);
	assert_int_equal(st.skipped, 0);
	assert_int_equal(c.ev[0].kind, UG_KIND_PROCESS_START);
	assert_int_equal(c.ev[1].kind, UG_KIND_NETWORK_CONNECT);
	capture_free(&c);
}

/* python-evtx + xmltodict: attributes as "@Name", Data as an array. */
static void test_evtx_python(void **state)
{
	(void)state;
	const char *rec =
	    "{\"Event\": {\"@xmlns\": \"http://schemas.microsoft.com/win/2004/08/events/event\", "
	    "\"System\": {\"Provider\": {\"@Name\": \"Microsoft-Windows-Security-Auditing\", "
	    "\"@Guid\": \"{54849625-5478-4994-a5ba-3e3b0328c30d}\"}, \"EventID\": "
	    "{\"@Qualifiers\": "
	    "\"\", \"#text\": \"4698\"}, \"TimeCreated\": {\"@SystemTime\": "
	    "\"2026-01-20 10:06:12.123456\"}, \"EventRecordID\": \"1234\", \"Channel\": "
	    "\"Security\", "
	    "\"Computer\": \"WS-IN-0001.corp.example\"}, \"EventData\": {\"Data\": ["
	    "{\"@Name\": \"SubjectUserName\", \"#text\": \"WS-IN-0001$\"}, "
	    "{\"@Name\": \"TaskName\", \"#text\": \"\\\\eScan\\\\Updater\"}, "
	    "{\"@Name\": \"TaskContent\"}, \"loose\"]}}}";
	capture c;
	ug_parse_stats st = run(&ug_fmt_evtx_json, rec, NULL, &c);
	assert_int_equal(st.records, 1);
	const cevent *e = &c.ev[0];
	assert_time(e->ts, "2026-01-20T10:06:12.123456Z");
	assert_int_equal(e->event_id, 4698);
	assert_int_equal(e->kind, UG_KIND_TASK_CREATED);
	assert_string_equal(e->host, "ws-in-0001");
	assert_field(e, "Event.System.Provider.@Name", "Microsoft-Windows-Security-Auditing",
	             UG_F_PROVIDER_NAME);
	assert_field(e, "Event.EventData.SubjectUserName", "WS-IN-0001$", UG_F_SUBJECT_USER_NAME);
	assert_field(e, "Event.EventData.TaskName", "\\eScan\\Updater", UG_F_TASK_NAME);
	assert_field(e, "Event.EventData.TaskContent", "", UG_F_TASK_CONTENT);
	assert_field(e, "Event.EventData.Data", "loose", UG_F_NONE);
	capture_free(&c);
}

/* ---- known paths: what the head teaches changes speed, never fields ---- */

/* Each event as one line: header, then name=value#canon per field. */
static int serialize_fn(const ug_event *ev, void *user)
{
	ug_buf *b = user;
	ug_buf_printf(b, "%lld|%.*s|%d|%.*s|%u", (long long)ev->ts, UG_SV_ARG(ev->host),
	              (int)ev->kind, UG_SV_ARG(ev->channel), ev->event_id);
	for (uint32_t i = 0; i < ev->nfields; i++)
		ug_buf_printf(b, "|%.*s=%.*s#%u", UG_SV_ARG(ev->fields[i].name),
		              UG_SV_ARG(ev->fields[i].value), ev->fields[i].canon);
	ug_buf_putc(b, '\n');
	return 0;
}

static char *serialize(const ug_format *f, const char *text)
{
	ug_buf b = UG_BUF_INIT;
	ug_parse_stats st = {0};
	ug_error err = {0};
	size_t n = strlen(text);
	char *copy = malloc(n ? n : 1);
	assert_non_null(copy);
	memcpy(copy, text, n);
	assert_int_equal(
	    ug_format_parse_buffer(f, (ug_sv){copy, n}, NULL, serialize_fn, &b, &st, &err), UG_OK);
	free(copy);
	ug_buf_putc(&b, '\0');
	assert_true(ug_buf_ok(&b));
	char *out = strdup(b.p);
	ug_buf_free(&b);
	return out;
}

/* Every record gives the same event read alone (its own head), after the
 * others (a head of all of them, other key orders), and after 80 KB of
 * records of another shape (outside the head: the general walk). */
static void assert_head_independent(const ug_format *f, const char *const *recs, size_t n,
                                    const char *filler)
{
	ug_buf all = UG_BUF_INIT, alone = UG_BUF_INIT, late = UG_BUF_INIT;
	for (size_t i = n; i-- > 0;) { /* reversed: the head's order differs */
		ug_buf_puts(&all, recs[i]);
		ug_buf_putc(&all, '\n');
	}
	while (late.len < 80 * 1024) {
		ug_buf_puts(&late, filler);
		ug_buf_putc(&late, '\n');
	}
	size_t filler_len = late.len;
	ug_buf_append(&late, all.p, all.len);
	ug_buf_putc(&all, '\0');
	ug_buf_putc(&late, '\0');
	for (size_t i = n; i-- > 0;) {
		char *one = serialize(f, recs[i]);
		ug_buf_puts(&alone, one);
		free(one);
	}
	ug_buf_putc(&alone, '\0');
	assert_true(ug_buf_ok(&all) && ug_buf_ok(&alone) && ug_buf_ok(&late));
	char *together = serialize(f, all.p);
	assert_string_equal(together, alone.p);
	char *after = serialize(f, late.p);
	char *filler_out = serialize(f, ug_buf_sv(&late).p + filler_len);
	assert_string_equal(filler_out, alone.p);
	size_t na = strlen(after), nb = strlen(alone.p);
	assert_true(na >= nb);
	assert_string_equal(after + na - nb, alone.p);
	free(together);
	free(after);
	free(filler_out);
	ug_buf_free(&all);
	ug_buf_free(&alone);
	ug_buf_free(&late);
}

static void test_known_paths(void **state)
{
	(void)state;
	/* keys that differ only between their first and last 8 bytes (the
	 * node compare reads words at both ends): 17..24 bytes, and longer */
	const char *similar =
	    "{\"@timestamp\":\"2026-01-20T10:00:00Z\",\"winlog\":{\"event_data\":{"
	    "\"ParentProcessGuid\":\"a\",\"ParentPrXcessGuid\":\"b\",\"ParentProcXssGuid\":\"c\","
	    "\"SomeVeryLongKeyName_0123456789_End\":\"d\",\"SomeVeryLongKeyXame_0123456789_End\":\"e\","
	    "\"ImageLoade\":\"f\",\"ImageLoaded\":\"g\",\"AAAAAAAAmiddle!!ZZZZZZZZ\":\"h\","
	    "\"AAAAAAAAmiddlx!!ZZZZZZZZ\":\"i\"}}}\n";
	capture c;
	for (int twice = 0; twice < 2; twice++) {
		char text[2048];
		snprintf(text, sizeof(text), "%s%s", similar, twice ? similar : "");
		ug_parse_stats st = run(&ug_fmt_ecs_json, text, NULL, &c);
		assert_int_equal(st.records, 1 + twice);
		const cevent *e = &c.ev[twice];
		assert_field(e, "winlog.event_data.ParentProcessGuid", "a", UG_F_PARENT_PROCESS_GUID);
		assert_field(e, "winlog.event_data.ParentPrXcessGuid", "b", UG_F_NONE);
		assert_field(e, "winlog.event_data.ParentProcXssGuid", "c", UG_F_NONE);
		assert_field(e, "winlog.event_data.SomeVeryLongKeyName_0123456789_End", "d", UG_F_NONE);
		assert_field(e, "winlog.event_data.SomeVeryLongKeyXame_0123456789_End", "e", UG_F_NONE);
		assert_field(e, "winlog.event_data.ImageLoade", "f", UG_F_NONE);
		assert_field(e, "winlog.event_data.ImageLoaded", "g", UG_F_IMAGE_LOADED);
		assert_field(e, "winlog.event_data.AAAAAAAAmiddle!!ZZZZZZZZ", "h", UG_F_NONE);
		assert_field(e, "winlog.event_data.AAAAAAAAmiddlx!!ZZZZZZZZ", "i", UG_F_NONE);
		capture_free(&c);
	}
	static const char *const ecs[] = {
	    /* canonical names in and out of order, a duplicate id, ECS twins */
	    "{\"@timestamp\":\"2026-01-20T10:00:00Z\",\"process\":{\"executable\":\"e.exe\","
	    "\"pid\":4},\"winlog\":{\"channel\":\"Security\",\"event_id\":4688,\"event_data\":"
	    "{\"NewProcessName\":\"n.exe\",\"Image\":\"i.exe\",\"Image\":\"dup.exe\","
	    "\"RuleName\":\"-\"},\"computer_name\":\"WS-1.corp\"}}",
	    "{\"winlog\":{\"event_data\":{\"Image\":\"b.exe\",\"CommandLine\":\"b \\\"x\\\"\"},"
	    "\"channel\":\"Microsoft-Windows-Sysmon/Operational\",\"event_id\":\"1\"},"
	    "\"@timestamp\":\"2026-01-20T10:00:01Z\",\"host\":{\"name\":\"ws-2\"}}",
	    /* escaped and dotted keys, an empty key, a path that is an object in
	     * one record and a scalar in another, Data elements, user_data */
	    "{\"@timestamp\":\"2026-01-20T10:00:02Z\",\"winlog\":{\"event_data\":{\"Im\\u0061ge\":"
	    "\"esc.exe\",\"Data\":[{\"@Name\":\"TaskName\",\"#text\":\"\\\\t\"},\"loose\"],"
	    "\"\":\"empty\",\"a.b\":\"dot\"},\"user_data\":{\"x\":{\"ServiceName\":\"s\"}},"
	    "\"channel\":\"System\",\"event_id\":7045},\"winlog.event_data.ImagePath\":\"p\","
	    "\"process\":\"scalar\",\"event\":{\"code\":[\"1\",2]}}",
	    "{\"@timestamp\":\"2026-01-20T10:00:03Z\",\"winlog\":{\"event_data\":{\"Data\":"
	    "{\"Name\":\"Image\",\"#text\":\"d.exe\"},\"Details\":{\"nested\":\"v\"}}},"
	    "\"process\":{\"executable\":{\"deep\":\"x\"},\"parent\":{\"executable\":\"pp.exe\"}},"
	    "\"event_data\":{\"Image\":\"wlb6.exe\"},\"log_name\":\"Security\"}",
	};
	assert_head_independent(&ug_fmt_ecs_json, ecs, UG_ARRAY_LEN(ecs),
	                        "{\"@timestamp\":\"2026-01-20T09:00:00Z\",\"other\":{\"shape\":1},"
	                        "\"winlog\":{\"event_data\":{\"Zzz\":\"1\"}}}");
	static const char *const flat[] = {
	    "{\"EventTime\":\"2026-01-20 10:00:00\",\"Hostname\":\"WS-3\",\"EventID\":1,"
	    "\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"Image\":\"f.exe\","
	    "\"channel\":\"x\",\"Nested\":{\"Image\":\"n.exe\",\"Data\":[\"a\",\"b\"]}}",
	    "{\"Image\":\"g.exe\",\"EventID\":3,\"UtcTime\":\"2026-01-20 10:00:01.5\","
	    "\"Data\":{\"@Name\":\"User\",\"#text\":\"u\"},\"Hostname\":\"ws-4\"}",
	};
	assert_head_independent(&ug_fmt_flat_json, flat, UG_ARRAY_LEN(flat),
	                        "{\"UtcTime\":\"2026-01-20 09:00:00\",\"Other\":1}");
	static const char *const evtx[] = {
	    "{\"Event\":{\"System\":{\"EventID\":{\"#text\":1},\"Channel\":\"Microsoft-Windows-"
	    "Sysmon/Operational\",\"Provider\":{\"@Name\":\"p\"},\"TimeCreated\":{\"@SystemTime\":"
	    "\"2026-01-20T10:00:00Z\"},\"Computer\":\"c\"},\"EventData\":{\"Data\":[{\"@Name\":"
	    "\"Image\",\"#text\":\"x.exe\"}],\"Image\":\"y.exe\"}}}",
	};
	assert_head_independent(&ug_fmt_evtx_json, evtx, UG_ARRAY_LEN(evtx),
	                        "{\"Event\":{\"System\":{\"TimeCreated\":{\"@SystemTime\":"
	                        "\"2026-01-20T09:00:00Z\"}},\"Other\":{}}}");
	static const char *const splunk[] = {
	    "{\"result\":{\"_time\":\"2026-01-20T10:00:00Z\",\"EventCode\":\"4688\",\"LogName\":"
	    "\"Security\",\"New_Process_Name\":\"s.exe\",\"host\":\"H\"}}",
	    "{\"_time\":\"1768903260.25\",\"source\":\"WinEventLog:Security\",\"EventCode\":4624,"
	    "\"ComputerName\":\"C\"}",
	};
	assert_head_independent(&ug_fmt_splunk_json, splunk, UG_ARRAY_LEN(splunk),
	                        "{\"_time\":\"2026-01-20T09:00:00Z\",\"Other\":1}");
}

/* Time and host come from the first occurrence of their path in document
 * order (ug_json_get_path), also when the walker notes them: a container
 * first hides a later scalar, a later duplicate object is searched,
 * escaped or dotted keys count. */
static void test_header_sources(void **state)
{
	(void)state;
	const char *ecs =
	    "{\"@timestamp\":{\"x\":1},\"@timestamp\":\"2026-01-20T10:00:00Z\",\"winlog\":"
	    "{\"computer_name\":\"H0\"}}\n"
	    "{\"@timestamp\":\"2026-01-20T10:00:01Z\",\"winlog\":{\"computer_name\":{\"a\":1}},"
	    "\"winlog\":{\"computer_name\":\"H2\"},\"host\":{\"name\":\"H3\"}}\n"
	    "{\"@timestamp\":\"2026-01-20T10:00:02Z\",\"winlog\":{\"channel\":\"x\"},\"winlog\":"
	    "{\"computer_name\":\"H4\"}}\n"
	    "{\"@timestamp\":\"2026-01-20T10:00:03Z\",\"winl\\u006fg\":{\"computer_name\":\"H5\"},"
	    "\"winlog\":{\"computer_name\":\"H6\"}}\n"
	    "{\"@timestamp\":\"2026-01-20T10:00:04Z\",\"winlog.computer_name\":\"H7\",\"winlog\":"
	    "{\"computer_name\":\"H8\"}}\n"
	    "{\"host\":{\"name\":\"H9\"},\"@timestamp\":\"2026-01-20T10:00:05Z\",\"host\":{\"name\":"
	    "\"H10\"},\"computer_name\":\"H11\"}\n"
	    "{\"winlog\":{\"event_data\":{\"Data\":[{\"@Name\":\"Image\",\"#text\":\"x\"}]},"
	    "\"computer_name\":\"H12\"},\"@timestamp\":\"2026-01-20T10:00:06Z\"}\n"
	    "{\"@timestamp\":\"bad\",\"winlog\":{\"computer_name\":\"H13\"}}\n"
	    "{\"@timestamp\":\"2026-01-20T10:00:07Z\",\"host\":\"scalar\",\"host\":{\"hostname\":"
	    "\"H14\"}}\n"
	    "{\"@timestamp\":[\"2026-01-20T10:00:08Z\"],\"winlog\":{\"computer_name\":\"H15\"}}\n"
	    "{\"@timestamp\":\"2026-01-20T10:00:09Z\",\"comput\\u0065r_name\":\"H16\"}\n";
	static const char *const hosts[] = {"h3", "h4", "h5", "h7", "h11", "h12", "h14", "h16"};
	capture c;
	ug_parse_stats st = run(&ug_fmt_ecs_json, ecs, NULL, &c);
	assert_int_equal(st.records, UG_ARRAY_LEN(hosts));
	assert_int_equal(st.skipped, 3); /* lines 1 and 10: no time field; 8: unparseable */
	for (size_t i = 0; i < UG_ARRAY_LEN(hosts); i++)
		assert_string_equal(c.ev[i].host, hosts[i]);
	assert_time(c.ev[0].ts, "2026-01-20T10:00:01Z");
	capture_free(&c);
	const char *flat =
	    "{\"UtcTime\":\"bad\",\"EventTime\":\"2026-01-20 10:00:00\",\"Hostname\":\"A\","
	    "\"Hostname\":\"B\",\"EventID\":1,\"Channel\":\"Security\"}\n"
	    "{\"EventID\":1,\"Channel\":\"Security\",\"Hostname\":{\"x\":1},\"hostname\":\"C\","
	    "\"UtcTime\":\"2026-01-20 10:00:01\"}\n"
	    "{\"EventID\":1,\"Channel\":\"Security\",\"Hostn\\u0061me\":\"D\",\"UtcTime\":"
	    "\"2026-01-20 10:00:02\",\"Computer\":\"E\"}\n"
	    "{\"EventID\":1,\"Channel\":\"Security\",\"Computer\":\"G\"}\n";
	st = run(&ug_fmt_flat_json, flat, NULL, &c);
	assert_int_equal(st.records, 3);
	assert_int_equal(st.skipped, 1);
	assert_string_equal(c.ev[0].host, "a");
	assert_time(c.ev[0].ts, "2026-01-20T10:00:00Z");
	assert_string_equal(c.ev[1].host, "c");
	assert_string_equal(c.ev[2].host, "d");
	capture_free(&c);
}

/* ---- splunk-json ------------------------------------------------------- */

static void test_splunk(void **state)
{
	(void)state;
	const char *recs =
	    "{\"_time\":\"2026-01-20T10:00:00.000+00:00\",\"host\":\"ws-in-0003\",\"source\":"
	    "\"WinEventLog:Security\",\"sourcetype\":\"WinEventLog\",\"EventCode\":\"4688\","
	    "\"ComputerName\":\"WS-IN-0003.corp.example\",\"New_Process_Name\":\"C:\\\\ProgramData"
	    "\\\\eScan\\\\x.exe\",\"Creator_Process_Name\":\"C:\\\\Program Files\\\\eScan\\\\"
	    "download.exe\",\"Account_Name\":[\"-\",\"WS-IN-0003$\"]}\n"
	    "{\"preview\":false,\"offset\":1,\"result\":{\"_time\":\"1768903260.250\",\"host\":"
	    "\"WS-IN-0004\",\"source\":\"XmlWinEventLog:Microsoft-Windows-Sysmon/Operational\","
	    "\"EventID\":\"1\",\"Image\":\"C:\\\\Windows\\\\notepad.exe\"}}\n";
	capture c;
	ug_parse_stats st = run(&ug_fmt_splunk_json, recs, NULL, &c);
	assert_int_equal(st.records, 2);
	assert_int_equal(st.skipped, 0);
	const cevent *e = &c.ev[0];
	assert_time(e->ts, "2026-01-20T10:00:00Z");
	assert_string_equal(e->host, "ws-in-0003");
	assert_string_equal(e->channel, "Security"); /* from source */
	assert_int_equal(e->event_id, 4688);
	assert_int_equal(e->kind, UG_KIND_PROCESS_START);
	assert_field(e, "EventCode", "4688", UG_F_EVENT_ID);
	assert_field(e, "ComputerName", "WS-IN-0003.corp.example", UG_F_COMPUTER);
	assert_field(e, "New_Process_Name", "C:\\ProgramData\\eScan\\x.exe", UG_F_NEW_PROCESS_NAME);
	assert_field(e, "Creator_Process_Name", "C:\\Program Files\\eScan\\download.exe",
	             UG_F_PARENT_PROCESS_NAME);
	assert_field(e, "Account_Name", "-,WS-IN-0003$", UG_F_NONE);
	/* REST export wrapper, epoch _time */
	e = &c.ev[1];
	assert_time(e->ts, "2026-01-20T10:01:00.25Z");
	assert_string_equal(e->host, "ws-in-0004");
	assert_string_equal(e->channel, "Microsoft-Windows-Sysmon/Operational");
	assert_int_equal(e->kind, UG_KIND_PROCESS_START);
	assert_field(e, "Image", "C:\\Windows\\notepad.exe", UG_F_IMAGE);
	capture_free(&c);
}

/* ---- skips ------------------------------------------------------------- */

static void expect_skip(const ug_format *f, const char *text, const char *reason)
{
	capture c;
	ug_parse_stats st = run(f, text, NULL, &c);
	if (st.skipped != 1 || st.records != 1)
		fail_msg("%s: \"%s\": %llu skipped, %llu records", f->name, text,
		         (unsigned long long)st.skipped, (unsigned long long)st.records);
	assert_non_null(st.last_reason);
	assert_string_equal(st.last_reason, reason);
	assert_int_equal(st.last_line, 2);
	capture_free(&c);
}

static void test_skips(void **state)
{
	(void)state;
	/* a good line, then a bad one: the bad is counted with its line */
	const char *good =
	    "{\"EventID\":1,\"Channel\":\"x\",\"UtcTime\":\"2020-01-01 00:00:00\"}\n";
	static const struct {
		const char *bad, *reason;
	} cases[] = {
	    {"{\"EventID\":1,", "invalid JSON"},
	    {"{\"EventID\":1}x", "invalid JSON"},
	    {"[1,2]", "JSON record is not an object"},
	    {"\"just a string\"", "JSON record is not an object"},
	    {"{\"EventID\":1,\"Channel\":\"x\"}", "no time field"},
	    {"{\"EventID\":1,\"UtcTime\":\"yesterday\"}", "unparseable time"},
	    {"{\"EventID\":1,\"UtcTime\":\"2020-01-01 00:00:00\",\"x\":\"\xff\xfe\"}",
	     "invalid UTF-8 in JSON string"},
	    {"{\"EventID\":1,\"UtcTime\":\"2020-01-01 00:00:00\",\"x\":\"a\x01\"}",
	     "control character in JSON string"},
	    {"{\"EventID\":1,\"UtcTime\":\"2020-01-01 00:00:00\",\"x\":NaN}", "invalid JSON"},
	};
	for (size_t i = 0; i < UG_ARRAY_LEN(cases); i++) {
		char buf[512];
		snprintf(buf, sizeof(buf), "%s%s\n", good, cases[i].bad);
		expect_skip(&ug_fmt_flat_json, buf, cases[i].reason);
	}
	/* the other shapes skip records without their time */
	expect_skip(&ug_fmt_ecs_json,
	            "{\"@timestamp\":\"2026-01-20T10:00:00Z\"}\n{\"winlog\":{\"event_id\":1}}",
	            "no time field");
	expect_skip(&ug_fmt_evtx_json,
	            "{\"Event\":{\"System\":{\"TimeCreated\":{\"#attributes\":{\"SystemTime\":"
	            "\"2026-01-20T10:00:00Z\"}}}}}\n{\"Event\":{\"System\":{\"EventID\":1}}}",
	            "no time field");
	expect_skip(&ug_fmt_splunk_json,
	            "{\"_time\":\"1768903260\"}\n{\"_time\":\"soon\",\"host\":\"a\"}",
	            "unparseable time");
}

/* ---- detection --------------------------------------------------------- */

static const ug_format *detect4(const char *head)
{
	const ug_format *fmts[] = {&ug_fmt_evtx_json, &ug_fmt_ecs_json, &ug_fmt_splunk_json,
	                           &ug_fmt_flat_json};
	const ug_format *best = NULL;
	int best_score = 0;
	for (size_t i = 0; i < UG_ARRAY_LEN(fmts); i++) {
		int s = fmts[i]->detect(ug_sv_from(head), "x.json");
		if (s > best_score) {
			best = fmts[i];
			best_score = s;
		}
	}
	return best;
}

static void test_detect(void **state)
{
	(void)state;
	assert_ptr_equal(detect4(ecs_sysmon1), &ug_fmt_ecs_json);
	assert_ptr_equal(detect4(otrf_sysmon12), &ug_fmt_flat_json);
	assert_ptr_equal(detect4(evtx_dump_two), &ug_fmt_evtx_json);
	assert_ptr_equal(detect4("{\"_time\":\"1\",\"EventCode\":\"4688\",\"host\":\"a\"}\n"),
	                 &ug_fmt_splunk_json);
	assert_ptr_equal(detect4("{\"result\":{\"_time\":\"1\",\"EventID\":\"1\"}}"),
	                 &ug_fmt_splunk_json);
	assert_ptr_equal(detect4("\xef\xbb\xbf[\n {\"EventID\": 1, \"channel\": \"a\"}\n]"),
	                 &ug_fmt_flat_json);
	/* Winlogbeat 6 */
	assert_ptr_equal(detect4("{\"@timestamp\":\"x\",\"computer_name\":\"a\",\"event_id\":1,"
	                         "\"log_name\":\"Security\"}"),
	                 &ug_fmt_ecs_json);
	/* a first record that does not end within the head: textual guesses */
	assert_ptr_equal(detect4("{\"winlog\": {\"channel\": \"Security\", \"x\": \"abc"),
	                 &ug_fmt_ecs_json);
	assert_ptr_equal(detect4("{\"Event\": {\"System\": {\"EventID\": 1, \"x\": \"abc"),
	                 &ug_fmt_evtx_json);
	/* not Windows JSON at all */
	assert_null(detect4("{\"ts\":1768903200.1,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\"}\n"));
	assert_null(detect4("1768903200.123 45 10.0.0.1 TCP_MISS/200 512 GET http://x/ - "
	                    "HIER_DIRECT/1.2.3.4 text/html\n"));
	assert_null(detect4(""));
}

/* ---- real data --------------------------------------------------------- */

static const char *shared_data(void)
{
	const char *d = getenv("UG_SHARED_DATA");
	struct stat sb;
	if (!d || stat(d, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return NULL;
	return d;
}

/* Output of a shell command, whole, in memory. */
static char *slurp_cmd(const char *cmd, size_t *len)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t got = fread(buf + n, 1, cap - n, p);
		if (!got)
			break;
		n += got;
	}
	pclose(p);
	*len = n;
	return buf;
}

/* Lines holding something other than whitespace: the record count of a
 * JSON-lines file, counted without any JSON parsing. */
static uint64_t count_nonblank_lines(const char *p, size_t n)
{
	uint64_t count = 0;
	bool content = false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n') {
			count += content;
			content = false;
		} else if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') {
			content = true;
		}
	}
	return count + content;
}

typedef struct realstats {
	uint64_t events, with_host, with_channel, with_id, bad_time;
} realstats;

static int real_fn(const ug_event *ev, void *user)
{
	realstats *s = user;
	s->events++;
	s->with_host += ev->host.n > 0;
	s->with_channel += ev->channel.n > 0;
	s->with_id += ev->event_id > 0;
	/* 2015..2027 */
	s->bad_time += ev->ts < INT64_C(1420070400) * UG_NS_PER_SEC ||
	               ev->ts > INT64_C(1830297600) * UG_NS_PER_SEC;
	return 0;
}

static void read_real(const char *label, char *data, size_t n, uint64_t want,
                      const ug_format *want_fmt, uint64_t *files)
{
	int score = 0;
	const ug_format *f = ug_format_detect((ug_sv){data, n < 65536 ? n : 65536}, label, &score);
	if (!f)
		fail_msg("%s: no format detected", label);
	if (want_fmt && f != want_fmt)
		fail_msg("%s: detected %s, want %s", label, f->name, want_fmt->name);
	realstats rs = {0};
	ug_parse_stats st = {0};
	ug_error err = {0};
	assert_int_equal(ug_format_parse_buffer(f, (ug_sv){data, n}, NULL, real_fn, &rs, &st, &err),
	                 UG_OK);
	if (st.skipped || st.records != want)
		fail_msg("%s (%s): %llu records, %llu skipped (last: %s at line %llu), want %llu",
		         label, f->name, (unsigned long long)st.records,
		         (unsigned long long)st.skipped, st.last_reason ? st.last_reason : "-",
		         (unsigned long long)st.last_line, (unsigned long long)want);
	assert_int_equal(rs.events, want);
	assert_int_equal(rs.with_host, want);
	assert_int_equal(rs.with_channel, want);
	assert_int_equal(rs.with_id, want);
	assert_int_equal(rs.bad_time, 0);
	(*files)++;
}

static void otrf_file(const char *path, uint64_t *files, uint64_t *records)
{
	size_t plen = strlen(path);
	bool zip = plen > 4 && strcmp(path + plen - 4, ".zip") == 0;
	bool tgz = plen > 7 && strcmp(path + plen - 7, ".tar.gz") == 0;
	if (!zip && !tgz)
		return;
	char cmd[4096];
	/* JSON members only: the network folders hold packet captures */
	if (zip)
		snprintf(cmd, sizeof(cmd), "unzip -Z1 '%s' | grep '\\.json$'", path);
	else
		snprintf(cmd, sizeof(cmd), "tar -tzf '%s' 2>/dev/null | grep '\\.json$'", path);
	size_t ln;
	char *list = slurp_cmd(cmd, &ln);
	for (char *m = list; m < list + ln;) {
		char *nl = memchr(m, '\n', (size_t)(list + ln - m));
		if (!nl)
			break;
		*nl = 0;
		if (zip)
			snprintf(cmd, sizeof(cmd), "unzip -p '%s' '%s'", path, m);
		else
			snprintf(cmd, sizeof(cmd), "tar -xzOf '%s' '%s' 2>/dev/null", path, m);
		size_t n;
		char *data = slurp_cmd(cmd, &n);
		uint64_t want = count_nonblank_lines(data, n);
		char label[4200];
		snprintf(label, sizeof(label), "%s:%s", path, m);
		read_real(label, data, n, want, NULL, files);
		*records += want;
		free(data);
		m = nl + 1;
	}
	free(list);
}

static void walk_dir(const char *dir, void (*fn)(const char *, uint64_t *, uint64_t *),
                     uint64_t *files, uint64_t *records)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *path = NULL;
		assert_true(asprintf(&path, "%s/%s", dir, e->d_name) > 0);
		struct stat sb;
		if (stat(path, &sb) == 0) {
			if (S_ISDIR(sb.st_mode))
				walk_dir(path, fn, files, records);
			else
				fn(path, files, records);
		}
		free(path);
	}
	closedir(d);
}

static void test_otrf_real(void **state)
{
	(void)state;
	const char *data = shared_data();
	if (!data) {
		print_message("skipped: UG_SHARED_DATA (../shared/data) absent\n");
		skip();
	}
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/otrf", data);
	uint64_t files = 0, records = 0;
	walk_dir(dir, otrf_file, &files, &records);
	print_message("otrf: %llu JSON files, %llu records, 0 skipped\n", (unsigned long long)files,
	              (unsigned long long)records);
	assert_true(files >= 29);
	assert_true(records > 90000);
}

/* SigmaHQ regression data: evtx_dump JSON, pretty-printed and concatenated;
 * every record starts with a "{" line. */
static void sigma_file(const char *path, uint64_t *files, uint64_t *records)
{
	size_t plen = strlen(path);
	if (plen < 5 || strcmp(path + plen - 5, ".json") != 0)
		return;
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "cat '%s'", path);
	size_t n;
	char *data = slurp_cmd(cmd, &n);
	uint64_t want = 0;
	for (size_t i = 0; i + 1 < n; i++)
		if ((i == 0 || data[i - 1] == '\n') && data[i] == '{' &&
		    (data[i + 1] == '\n' || data[i + 1] == '\r'))
			want++;
	read_real(path, data, n, want, &ug_fmt_evtx_json, files);
	*records += want;
	free(data);
}

static void test_sigma_evtx_json_real(void **state)
{
	(void)state;
	const char *data = shared_data();
	if (!data) {
		print_message("skipped: UG_SHARED_DATA (../shared/data) absent\n");
		skip();
	}
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/sigma/regression_data", data);
	uint64_t files = 0, records = 0;
	walk_dir(dir, sigma_file, &files, &records);
	print_message("sigma regression evtx_dump JSON: %llu files, %llu records, 0 skipped\n",
	              (unsigned long long)files, (unsigned long long)records);
	assert_true(files >= 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_y_cases),
	    cmocka_unit_test(test_n_cases),
	    cmocka_unit_test(test_error_reasons),
	    cmocka_unit_test(test_token_layout),
	    cmocka_unit_test(test_borrowed_tokens),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_deep_nesting),
	    cmocka_unit_test(test_huge_string),
	    cmocka_unit_test(test_token_limit),
	    cmocka_unit_test(test_string_boundaries),
	    cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_escapes_long),
	    cmocka_unit_test(test_scalar_text),
	    cmocka_unit_test(test_get_and_path),
	    cmocka_unit_test(test_ecs_sysmon),
	    cmocka_unit_test(test_ecs_pure),
	    cmocka_unit_test(test_ecs_flattened),
	    cmocka_unit_test(test_ecs_winlogbeat6),
	    cmocka_unit_test(test_flat_otrf),
	    cmocka_unit_test(test_flat_variants),
	    cmocka_unit_test(test_evtx_dump),
	    cmocka_unit_test(test_evtx_python),
	    cmocka_unit_test(test_splunk),
	    cmocka_unit_test(test_known_paths),
	    cmocka_unit_test(test_header_sources),
	    cmocka_unit_test(test_skips),
	    cmocka_unit_test(test_detect),
	    cmocka_unit_test(test_otrf_real),
	    cmocka_unit_test(test_sigma_evtx_json_real),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
