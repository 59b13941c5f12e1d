/* test_sources.c — unit tests for the reading machinery (lib/sources): the
 * framings (lines, JSON lines, JSON arrays and pretty-printed values, whole
 * file), skips with line and offset, header restarts, encodings, and the
 * parallel reader's ordering, through small formats defined here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/str.h"
#include "sources/machinery.h"
#include "sources/prefetch.h"

/* --- a "kv" test format: each record "k=v k=v"; "bad" lines are skipped;
 * a "#hdr NAME" line (restart prefix) names the file state. --- */

typedef struct kv_state {
	char name[32];
} kv_state;

static int kv_begin(ug_sv head, const ug_input_opts *opts, void **state, ug_error *err)
{
	(void)opts;
	(void)err;
	kv_state *s = calloc(1, sizeof(*s));
	if (!s)
		return UG_ERR_NOMEM;
	if (ug_sv_starts_with(head, UG_SV("#hdr "))) {
		ug_sv rest = ug_sv_sub(head, 5, head.n);
		ug_sv name = ug_sv_split_next(&rest, '\n');
		if (ug_sv_eq(name, UG_SV("broken"))) {
			free(s);
			return UG_ERR_PARSE;
		}
		memcpy(s->name, name.p, UG_MIN(name.n, sizeof(s->name) - 1));
	}
	*state = s;
	return UG_OK;
}

static void kv_end(void *state)
{
	free(state);
}

static void kv_parse(ug_rec *r, ug_sv rec)
{
	if (rec.p[0] == '#')
		return; /* header: not a record */
	if (ug_sv_eq(rec, UG_SV("bad"))) {
		ug_rec_skip(r, "bad record", rec);
		return;
	}
	const kv_state *st = r->file_state;
	ug_event_add(r->ev, UG_SV("state"), ug_sv_from(st ? st->name : ""), UG_F_NONE);
	ug_event_add(r->ev, UG_SV("raw"), rec, UG_F_NONE);
	r->ev->ts = (ug_time)rec.n;
	ug_rec_emit(r);
}

static const ug_format kv_format = {"kv", "test", UG_FRAME_LINES, NULL, kv_begin, kv_end,
                                    kv_parse, "#hdr ", 0, 0, NULL, NULL};

/* JSON-framed test format: emits the raw value. */
static void raw_parse(ug_rec *r, ug_sv rec)
{
	if (rec.p[0] != '{') {
		ug_rec_skip(r, "not an object", rec);
		return;
	}
	ug_event_add(r->ev, UG_SV("raw"), rec, UG_F_NONE);
	ug_rec_emit(r);
}

static const ug_format json_format = {"rawjson", "test", UG_FRAME_JSON, NULL, NULL, NULL,
                                      raw_parse, NULL, 0, 0, NULL, NULL};

typedef struct seen {
	ug_buf text; /* "line:offset:raw|state\n" per event */
	int n;
} seen;

static int collect(const ug_event *ev, void *user)
{
	seen *s = user;
	ug_buf_printf(&s->text, "%llu:%llu:%.*s|%.*s\n", (unsigned long long)ev->record,
	              (unsigned long long)ev->offset, UG_SV_ARG(ug_event_get_by_name(ev, UG_SV("raw"))),
	              UG_SV_ARG(ug_event_get_by_name(ev, UG_SV("state"))));
	s->n++;
	return 0;
}

static ug_parse_stats run(const ug_format *f, const char *data, size_t n, seen *s)
{
	ug_parse_stats st;
	ug_error err;
	/* exact-size heap copy: ASan catches any read past the data */
	char *copy = malloc(n ? n : 1);
	memcpy(copy, data, n);
	ug_buf_init(&s->text);
	s->n = 0;
	assert_int_equal(ug_format_parse_buffer(f, ug_sv_make(copy, n), NULL, collect, s, &st, &err),
	                 UG_OK);
	free(copy);
	return st;
}

#define RUN(f, lit, s) run((f), (lit), sizeof(lit) - 1, (s))

static void test_lines_framing(void **state)
{
	(void)state;
	seen s;
	ug_parse_stats st = RUN(&kv_format, "a=1\r\n\nbad\nb=2\nlast", &s);
	assert_int_equal(st.records, 3);
	assert_int_equal(st.skipped, 1);
	assert_string_equal(st.last_reason, "bad record");
	assert_int_equal(st.last_line, 3);
	assert_string_equal(ug_buf_cstr(&s.text), "1:0:a=1|\n4:10:b=2|\n5:14:last|\n");
	ug_buf_free(&s.text);
}

static void test_lines_nul_and_utf8(void **state)
{
	(void)state;
	seen s;
	static const char data[] = "ok=1\nnul\0here\nbad\xff utf8\nalso=\xc3\xa9\n";
	ug_parse_stats st = run(&kv_format, data, sizeof(data) - 1, &s);
	assert_int_equal(st.records, 2);
	assert_int_equal(st.skipped, 2);
	assert_string_equal(st.last_reason, "invalid UTF-8");
	assert_int_equal(st.last_line, 3);
	ug_buf_free(&s.text);
}

static void test_rebegin(void **state)
{
	(void)state;
	seen s;
	ug_parse_stats st = RUN(&kv_format, "#hdr one\nx=1\n#hdr two\ny=2\n#hdr broken\nz=3\n", &s);
	assert_int_equal(st.records, 2);
	assert_int_equal(st.skipped, 1);
	assert_string_equal(st.last_reason, "bad header");
	assert_int_equal(st.last_line, 5);
	assert_string_equal(ug_buf_cstr(&s.text), "2:9:x=1|one\n4:22:y=2|two\n");
	ug_buf_free(&s.text);
}

static void test_json_lines(void **state)
{
	(void)state;
	seen s;
	ug_parse_stats st = RUN(&json_format, "{\"a\":1}\n\n  {\"b\":\"}\"}  \r\n[1]\n{\"c\":", &s);
	assert_int_equal(st.records, 3); /* the truncated last line is the format's to judge */
	assert_int_equal(st.skipped, 1);
	assert_string_equal(ug_buf_cstr(&s.text), "1:0:{\"a\":1}|\n3:9:{\"b\":\"}\"}|\n5:28:{\"c\":|\n");
	ug_buf_free(&s.text);
}

static void test_json_array_and_pretty(void **state)
{
	(void)state;
	seen s;
	ug_parse_stats st = RUN(&json_format, "[\n {\"a\":\"x]\\\"\"},\n {\"b\":\n  [1,2]}\n]\n", &s);
	assert_int_equal(st.records, 2);
	assert_int_equal(st.skipped, 0);
	assert_string_equal(ug_buf_cstr(&s.text), "2:3:{\"a\":\"x]\\\"\"}|\n3:18:{\"b\":\n  [1,2]}|\n");
	ug_buf_free(&s.text);
	st = RUN(&json_format, "{\n \"a\": 1\n}\n{\n \"b\": 2\n}\n{\"trunc\": [", &s);
	assert_int_equal(st.records, 2);
	assert_int_equal(st.skipped, 1);
	assert_string_equal(st.last_reason, "truncated JSON value");
	assert_int_equal(st.last_line, 7);
	ug_buf_free(&s.text);
}

static void test_json_damaged_first_line(void **state)
{
	(void)state;
	seen s;
	/* a broken first line must not make the whole file one "value" */
	ug_parse_stats st = RUN(&json_format, "{\"a\": \"trunc\n{\"b\":1}\n{\"c\":2}\n", &s);
	assert_int_equal(st.records, 3); /* the broken line is the format's to reject */
	assert_string_equal(ug_buf_cstr(&s.text), "1:0:{\"a\": \"trunc|\n2:13:{\"b\":1}|\n3:21:{\"c\":2}|\n");
	ug_buf_free(&s.text);
}

static void test_utf16(void **state)
{
	(void)state;
	seen s;
	/* "a=1\nb=\u00e9\n" in UTF-16LE with BOM */
	static const char le[] = "\xff\xfe" "a\0=\0" "1\0\n\0" "b\0=\0\xe9\0\n\0";
	ug_parse_stats st = run(&kv_format, le, sizeof(le) - 1, &s);
	assert_int_equal(st.records, 2);
	assert_string_equal(ug_buf_cstr(&s.text), "1:0:a=1|\n2:4:b=\xc3\xa9|\n");
	ug_buf_free(&s.text);
	/* big-endian with a surrogate pair (U+1F600) and a lone surrogate */
	static const char be[] = "\xfe\xff" "\0x\0=\xd8\x3d\xde\x00\0\n" "\0y\0=\xdc\x00\0\n";
	st = run(&kv_format, be, sizeof(be) - 1, &s);
	assert_int_equal(st.records, 2);
	assert_string_equal(ug_buf_cstr(&s.text), "1:0:x=\xf0\x9f\x98\x80|\n2:7:y=\xef\xbf\xbd|\n");
	ug_buf_free(&s.text);
	/* UTF-8 BOM dropped */
	st = RUN(&kv_format, "\xef\xbb\xbfq=1\n", &s);
	assert_string_equal(ug_buf_cstr(&s.text), "1:0:q=1|\n");
	ug_buf_free(&s.text);
}

static void test_utf16_streaming_split(void **state)
{
	(void)state;
	/* feeding byte by byte gives the same as all at once */
	static const char be[] = "\0a\xd8\x3d\xde\x00\0b";
	ug_utf16_dec d;
	ug_buf all = UG_BUF_INIT, bytes = UG_BUF_INIT;
	ug_utf16_init(&d, true);
	ug_utf16_feed(&d, (const unsigned char *)be, sizeof(be) - 1, &all);
	ug_utf16_finish(&d, &all);
	ug_utf16_init(&d, true);
	for (size_t i = 0; i < sizeof(be) - 1; i++)
		ug_utf16_feed(&d, (const unsigned char *)be + i, 1, &bytes);
	ug_utf16_finish(&d, &bytes);
	assert_string_equal(ug_buf_cstr(&all), "a\xf0\x9f\x98\x80" "b");
	assert_string_equal(ug_buf_cstr(&bytes), ug_buf_cstr(&all));
	assert_int_equal(d.errors, 0);
	ug_buf_free(&all);
	ug_buf_free(&bytes);
}

static void test_frame_cut(void **state)
{
	(void)state;
	ug_frame fr;
	ug_frame_init(&fr, &kv_format, NULL, NULL, 0, UG_SV("a\nb\n"));
	ug_sv d = UG_SV("aaaa\nbbbb\ncc");
	assert_int_equal(ug_frame_cut(&fr, d, 3, true, false), 5);
	assert_int_equal(ug_frame_cut(&fr, d, 6, true, false), 10);
	assert_int_equal(ug_frame_cut(&fr, d, 11, true, false), 0); /* need more data */
	assert_int_equal(ug_frame_cut(&fr, d, 11, true, true), d.n);
	ug_frame_init(&fr, &json_format, NULL, NULL, 0, UG_SV("[{\"a\":\n1}"));
	assert_true(fr.json_split);
	ug_sv j = UG_SV("[{\"a\":\"}\"},{\"b\":2},{\"c\":");
	assert_int_equal(ug_frame_cut(&fr, j, 1, true, false), 10);
	assert_int_equal(ug_frame_cut(&fr, j, 11, true, false), 18);
	assert_int_equal(ug_frame_cut(&fr, j, 19, true, false), 0);
	ug_frame_init(&fr, &json_format, NULL, NULL, 0, UG_SV("{\"a\":1}\n{\"b\":2}\n"));
	assert_false(fr.json_split);
	ug_frame_init(&fr, &json_format, NULL, NULL, 0, UG_SV("\xef\xbb\xbf {\r\n  \"a\": 1\n}\n"));
	assert_true(fr.json_split);
	ug_frame_init(&fr, &json_format, NULL, NULL, 0, UG_SV("{\"a\": [1,\n2]}\n"));
	assert_false(fr.json_split);
}

/* The prefetch thread hands on every byte in order whatever the read sizes,
 * across its slots and at the end; and stops cleanly mid-file. */
static void test_prefetch(void **state)
{
	(void)state;
	char path[] = "/tmp/ug-prefetch-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n = (size_t)17 << 20 | 12345; /* more than the ring's 4 x 4 MiB, odd tail */
	unsigned char *data = malloc(n), *got = malloc(n + 100);
	assert_non_null(data);
	assert_non_null(got);
	for (size_t i = 0; i < n; i++)
		data[i] = (unsigned char)(i * 2654435761u >> 13);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	for (int round = 0; round < 4; round++) {
		/* rounds 2 and 3: O_DIRECT (from an aligned offset), or buffered where
		 * the file system refuses it */
		if (round == 2)
			setenv("UG_DIRECT_IO_MIN", "0", 1);
		off_t at = round >= 2 ? 65536 : 100;
		assert_int_equal(lseek(fd, at, SEEK_SET), at); /* starts where fd is */
		ug_prefetch *p;
		assert_int_equal(ug_prefetch_start(&p, fd), 0);
		size_t have = 0, ask = 1;
		ssize_t r;
		while ((r = ug_prefetch_read(p, got + have, ask)) > 0) {
			have += (size_t)r;
			ask = ask * 7 % 300007 + 1; /* odd sizes, some larger than a slot */
			if (round % 2 && have > ((size_t)9 << 20))
				break; /* stop mid-file */
		}
		if (round % 2 == 0) {
			assert_int_equal(r, 0);
			assert_int_equal(have, n - (size_t)at);
			assert_int_equal(ug_prefetch_read(p, got, 10), 0); /* stays at the end */
		}
		assert_memory_equal(got, data + at, have);
		ug_prefetch_stop(p);
	}
	unsetenv("UG_DIRECT_IO_MIN");
	close(fd);
	unlink(path);
	free(data);
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_framing),
		cmocka_unit_test(test_lines_nul_and_utf8),
		cmocka_unit_test(test_rebegin),
		cmocka_unit_test(test_json_lines),
		cmocka_unit_test(test_json_array_and_pretty),
		cmocka_unit_test(test_json_damaged_first_line),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_utf16_streaming_split),
		cmocka_unit_test(test_frame_cut),
		cmocka_unit_test(test_prefetch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
