/* test_core.c — unit tests for lib/core: arena, buffers, string views, UTF-8,
 * the hash map, the thread pool, errors and the progress line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/map.h"
#include "core/pool.h"
#include "core/str.h"
#include "updguard/context.h"
#include "updguard/error.h"

static void test_arena_alignment_and_growth(void **state)
{
	(void)state;
	ug_arena a;
	ug_arena_init(&a, 128);
	void *ptrs[1000];
	for (int i = 0; i < 1000; i++) {
		size_t sz = (size_t)(i % 37) + 1;
		ptrs[i] = ug_arena_alloc(&a, sz);
		assert_non_null(ptrs[i]);
		assert_int_equal((uintptr_t)ptrs[i] % 16, 0);
		memset(ptrs[i], i & 0xff, sz); /* ASan: each allocation is writable */
	}
	/* earlier allocations are untouched by later ones */
	for (int i = 0; i < 1000; i++)
		assert_int_equal(((unsigned char *)ptrs[i])[0], i & 0xff);
	/* a block bigger than block_size */
	char *big = ug_arena_alloc(&a, 10000);
	assert_non_null(big);
	memset(big, 1, 10000);
	ug_arena_reset(&a);
	assert_int_equal(a.used_total, 0);
	assert_non_null(ug_arena_alloc(&a, 8));
	ug_arena_free(&a);
}

static void test_arena_dup(void **state)
{
	(void)state;
	ug_arena a;
	ug_arena_init(&a, 0);
	ug_sv s = ug_arena_dup(&a, UG_SV("hello"));
	assert_int_equal(s.n, 5);
	assert_string_equal(s.p, "hello");
	ug_sv e = ug_arena_dup(&a, UG_SV_NULL);
	assert_non_null(e.p);
	assert_int_equal(e.n, 0);
	assert_string_equal(ug_arena_strdup(&a, "x y"), "x y");
	int *z = ug_arena_calloc(&a, 100, sizeof(int));
	for (int i = 0; i < 100; i++)
		assert_int_equal(z[i], 0);
	assert_null(ug_arena_calloc(&a, SIZE_MAX / 2, 4)); /* overflow */
	ug_arena_free(&a);
}

static void test_buf_basic(void **state)
{
	(void)state;
	ug_buf b = UG_BUF_INIT;
	assert_string_equal(ug_buf_cstr(&b), "");
	ug_buf_puts(&b, "abc");
	ug_buf_putc(&b, '-');
	ug_buf_append_u64(&b, 0);
	ug_buf_putc(&b, ' ');
	ug_buf_append_u64(&b, UINT64_MAX);
	ug_buf_putc(&b, ' ');
	ug_buf_append_i64(&b, INT64_MIN);
	assert_string_equal(ug_buf_cstr(&b), "abc-0 18446744073709551615 -9223372036854775808");
	ug_buf_clear(&b);
	/* printf larger than the internal small buffer */
	char big[1000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ug_buf_printf(&b, "<%s>%d", big, 42);
	assert_int_equal(b.len, 1003);
	assert_int_equal(b.p[b.len], '\0');
	assert_true(ug_buf_ok(&b));
	ug_buf_free(&b);
}

static void test_buf_json_escape(void **state)
{
	(void)state;
	ug_buf b = UG_BUF_INIT;
	ug_buf_append_json_str(&b, UG_SV("C:\\Windows\\x \"q\"\n\t\x01"));
	assert_string_equal(ug_buf_cstr(&b), "\"C:\\\\Windows\\\\x \\\"q\\\"\\n\\t\\u0001\"");
	ug_buf_clear(&b);
	/* valid multi-byte UTF-8 passes, invalid bytes become U+FFFD */
	ug_buf_append_json_str(&b, UG_SV("\xc3\xa9\xff\xf0\x9f\x98\x80\xed\xa0\x80"));
	assert_string_equal(ug_buf_cstr(&b),
	                    "\"\xc3\xa9\xef\xbf\xbd\xf0\x9f\x98\x80\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	ug_buf_free(&b);
}

static void test_buf_csv(void **state)
{
	(void)state;
	ug_buf b = UG_BUF_INIT;
	ug_buf_append_csv_field(&b, UG_SV("plain"));
	ug_buf_putc(&b, ',');
	ug_buf_append_csv_field(&b, UG_SV("a,b \"c\"\nd"));
	assert_string_equal(ug_buf_cstr(&b), "plain,\"a,b \"\"c\"\"\nd\"");
	ug_buf_free(&b);
}

static void test_sv_compare_and_search(void **state)
{
	(void)state;
	ug_sv s = UG_SV("C:\\Program Files\\eScan\\Reload.exe");
	assert_true(ug_sv_ends_with_nocase(s, UG_SV("\\RELOAD.EXE")));
	assert_false(ug_sv_ends_with(s, UG_SV("\\RELOAD.EXE")));
	assert_true(ug_sv_starts_with_nocase(s, UG_SV("c:\\program files")));
	assert_int_equal(ug_sv_find_nocase(s, UG_SV("escan")), 17);
	assert_int_equal(ug_sv_find(s, UG_SV("escan")), SIZE_MAX);
	assert_int_equal(ug_sv_find(s, UG_SV("eScan")), 17);
	assert_int_equal(ug_sv_find_char(s, '\\'), 2);
	assert_int_equal(ug_sv_rfind_char(s, '\\'), 22);
	assert_true(ug_sv_eq(ug_path_basename(s), UG_SV("Reload.exe")));
	assert_true(ug_sv_eq(ug_path_basename(UG_SV("/usr/bin/x")), UG_SV("x")));
	assert_true(ug_sv_eq(ug_path_basename(UG_SV("noslash")), UG_SV("noslash")));
	assert_int_equal(ug_sv_find(UG_SV("ab"), UG_SV("abc")), SIZE_MAX);
	assert_int_equal(ug_sv_find_nocase(UG_SV_NULL, UG_SV("a")), SIZE_MAX);
	assert_true(ug_sv_cmp(UG_SV("a"), UG_SV("ab")) < 0);
	assert_true(ug_sv_cmp(UG_SV("b"), UG_SV("ab")) > 0);
	assert_int_equal(ug_sv_cmp(UG_SV(""), UG_SV_NULL), 0);
	assert_true(ug_sv_eq(ug_sv_trim(UG_SV(" \t x y \r\n")), UG_SV("x y")));
	assert_true(ug_sv_eq(ug_sv_sub(UG_SV("abcdef"), 2, 100), UG_SV("cdef")));
	assert_int_equal(ug_sv_sub(UG_SV("abc"), 5, 1).n, 0);
}

static void test_sv_split(void **state)
{
	(void)state;
	ug_sv s = UG_SV("a,,b,");
	assert_true(ug_sv_eq(ug_sv_split_next(&s, ','), UG_SV("a")));
	assert_true(ug_sv_eq(ug_sv_split_next(&s, ','), UG_SV("")));
	assert_true(ug_sv_eq(ug_sv_split_next(&s, ','), UG_SV("b")));
	assert_true(ug_sv_eq(s, UG_SV("")));
	assert_true(ug_sv_eq(ug_sv_split_next(&s, ','), UG_SV("")));
}

static void test_sv_numbers(void **state)
{
	(void)state;
	uint64_t u;
	int64_t i;
	assert_true(ug_sv_to_u64(UG_SV("18446744073709551615"), &u));
	assert_true(u == UINT64_MAX);
	assert_false(ug_sv_to_u64(UG_SV("18446744073709551616"), &u));
	assert_false(ug_sv_to_u64(UG_SV(""), &u));
	assert_false(ug_sv_to_u64(UG_SV(" 1"), &u));
	assert_false(ug_sv_to_u64(UG_SV("1a"), &u));
	assert_false(ug_sv_to_u64(UG_SV("-1"), &u));
	assert_true(ug_sv_to_i64(UG_SV("-9223372036854775808"), &i));
	assert_true(i == INT64_MIN);
	assert_false(ug_sv_to_i64(UG_SV("9223372036854775808"), &i));
	assert_false(ug_sv_to_i64(UG_SV("-"), &i));
	assert_true(ug_sv_to_i64(UG_SV("4688"), &i));
	assert_int_equal(i, 4688);
	assert_true(ug_sv_hex_to_u64(UG_SV("0x8000000000000000"), &u));
	assert_true(u == UINT64_C(0x8000000000000000));
	assert_true(ug_sv_hex_to_u64(UG_SV("fF"), &u));
	assert_int_equal(u, 255);
	assert_false(ug_sv_hex_to_u64(UG_SV("0x"), &u));
	assert_false(ug_sv_hex_to_u64(UG_SV("0x1g"), &u));
	assert_false(ug_sv_hex_to_u64(UG_SV("0x10000000000000000"), &u));
}

static void test_utf8(void **state)
{
	(void)state;
	assert_true(ug_utf8_valid(UG_SV("plain ascii")));
	assert_true(ug_utf8_valid(UG_SV("\xe2\x82\xac \xf4\x8f\xbf\xbf")));
	assert_false(ug_utf8_valid(UG_SV("\xc0\xaf")));         /* overlong '/' */
	assert_false(ug_utf8_valid(UG_SV("\xe0\x80\xaf")));     /* overlong */
	assert_false(ug_utf8_valid(UG_SV("\xed\xa0\x80")));     /* surrogate */
	assert_false(ug_utf8_valid(UG_SV("\xf4\x90\x80\x80"))); /* > U+10FFFF */
	assert_false(ug_utf8_valid(UG_SV("\xe2\x82")));         /* truncated */
	assert_false(ug_utf8_valid(UG_SV("\x80")));
	char out[4];
	uint32_t cps[] = {0x41, 0xe9, 0x20ac, 0x1f600, 0x10ffff};
	for (size_t k = 0; k < 5; k++) {
		size_t n = ug_utf8_encode(cps[k], out);
		assert_int_equal(ug_utf8_valid_prefix((unsigned char *)out, n), n);
	}
}

/* The word-at-a-time hash: every length's tail counts, the case-blind
 * variant equals the hash of the lowercased bytes (and only ASCII letters
 * fold), and distinct short keys do not collide. */
static void test_hash(void **state)
{
	(void)state;
	const char *mixed = "C:\\Program Files\\Vendor\\UPDATE.EXE \xc3\x84\xc3\xa4 @[`{";
	char lower[128];
	size_t n = strlen(mixed);
	for (size_t i = 0; i <= n; i++)
		lower[i] = (char)(mixed[i] >= 'A' && mixed[i] <= 'Z' ? mixed[i] + 32 : mixed[i]);
	for (size_t len = 0; len <= n; len++) {
		assert_true(ug_hash_bytes_nocase(mixed, len) == ug_hash_bytes(lower, len));
		if (len)
			assert_true(ug_hash_bytes(lower, len) != ug_hash_bytes(lower, len - 1));
	}
	/* '@' '[' '`' '{' sit next to the letters and must not fold */
	assert_true(ug_hash_bytes_nocase("@[", 2) != ug_hash_bytes_nocase("`{", 2));
	assert_true(ug_hash_bytes("a\0", 2) != ug_hash_bytes("a", 1)); /* zero bytes vs length */
	/* every one- and two-byte key, and 20,000 host-like names: no collision */
	ug_map seen;
	ug_map_init(&seen, false);
	char key[32];
	size_t keys = 0;
	for (int a = 0; a < 256; a++)
		for (int b = -1; b < 256; b++) {
			key[0] = (char)a;
			key[1] = (char)b;
			uint64_t h = ug_hash_bytes(key, b < 0 ? 1 : 2);
			bool created = false;
			ug_map_entry *e = ug_map_upsert(&seen, ug_sv_make((const char *)&h, sizeof(h)), &created);
			assert_non_null(e);
			assert_true(created);
			keys++;
		}
	for (int i = 0; i < 20000; i++) {
		int kn = snprintf(key, sizeof(key), "WS-%s-%04d.corp.example", i % 2 ? "DE" : "IN", i);
		uint64_t h = ug_hash_bytes(key, (size_t)kn);
		bool created = false;
		assert_non_null(ug_map_upsert(&seen, ug_sv_make((const char *)&h, sizeof(h)), &created));
		assert_true(created);
		keys++;
	}
	assert_int_equal(seen.count, keys);
	ug_map_free(&seen);
}

static void test_map_basic(void **state)
{
	(void)state;
	ug_map m;
	ug_map_init(&m, false);
	assert_null(ug_map_get(&m, UG_SV("x")));
	char key[32];
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(key, sizeof(key), "host-%d", i);
		assert_int_equal(ug_map_put(&m, ug_sv_make(key, (size_t)n), (void *)(intptr_t)(i + 1)), UG_OK);
	}
	assert_int_equal(m.count, 5000);
	/* keys were copied: the caller's buffer is reused above */
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(key, sizeof(key), "host-%d", i);
		assert_int_equal((intptr_t)ug_map_get(&m, ug_sv_make(key, (size_t)n)), i + 1);
	}
	assert_null(ug_map_get(&m, UG_SV("host-5000")));
	assert_null(ug_map_get(&m, UG_SV("HOST-1")));
	bool created;
	ug_map_entry *e = ug_map_upsert(&m, UG_SV("host-7"), &created);
	assert_false(created);
	assert_int_equal((intptr_t)e->value, 8);
	e = ug_map_upsert(&m, UG_SV(""), &created);
	assert_true(created);
	assert_null(e->value);
	size_t it = 0, seen = 0;
	while (ug_map_next(&m, &it))
		seen++;
	assert_int_equal(seen, 5001);
	ug_map_free(&m);
}

static void test_map_nocase(void **state)
{
	(void)state;
	ug_map m;
	ug_map_init(&m, true);
	ug_map_put(&m, UG_SV("WS-IN-0001"), (void *)1);
	assert_int_equal((intptr_t)ug_map_get(&m, UG_SV("ws-in-0001")), 1);
	ug_map_put(&m, UG_SV("ws-IN-0001"), (void *)2);
	assert_int_equal(m.count, 1);
	assert_int_equal((intptr_t)ug_map_get(&m, UG_SV("WS-in-0001")), 2);
	ug_map_free(&m);
}

typedef struct {
	atomic_long sum;
	atomic_int calls;
} pool_state;

static void add_task(void *arg)
{
	pool_state *st = arg;
	atomic_fetch_add(&st->sum, 1);
	atomic_fetch_add(&st->calls, 1);
}

static void for_body(size_t i, void *arg)
{
	pool_state *st = arg;
	atomic_fetch_add(&st->sum, (long)i);
	atomic_fetch_add(&st->calls, 1);
}

static void test_pool(void **state)
{
	(void)state;
	for (int threads = 0; threads <= 4; threads++) {
		ug_pool *p;
		assert_int_equal(ug_pool_create(&p, threads, 3), UG_OK);
		assert_true(ug_pool_threads(p) >= 1);
		pool_state st = {0, 0};
		for (int i = 0; i < 1000; i++)
			ug_pool_submit(p, add_task, &st);
		ug_pool_wait(p);
		assert_int_equal(atomic_load(&st.sum), 1000);
		pool_state fs = {0, 0};
		ug_pool_for(p, 10001, for_body, &fs);
		assert_int_equal(atomic_load(&fs.calls), 10001);
		assert_int_equal(atomic_load(&fs.sum), 10000L * 10001L / 2);
		pool_state zs = {0, 0};
		ug_pool_for(p, 0, for_body, &zs);
		assert_int_equal(atomic_load(&zs.calls), 0);
		ug_pool_destroy(p);
	}
	ug_pool_destroy(NULL);
}

static void test_error(void **state)
{
	(void)state;
	ug_error err;
	ug_error_clear(&err);
	assert_int_equal(err.code, UG_OK);
	assert_int_equal(ug_error_set(&err, UG_ERR_IO, "open %s: %s", "x.log", "No such file"), UG_ERR_IO);
	assert_string_equal(err.message, "open x.log: No such file");
	assert_int_equal(ug_error_set(NULL, UG_ERR_PARSE, "ignored"), UG_ERR_PARSE);
	char longmsg[2000];
	memset(longmsg, 'a', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = 0;
	ug_error_set(&err, UG_ERR_PARSE, "%s", longmsg);
	assert_int_equal(strlen(err.message), sizeof(err.message) - 1);
	assert_string_equal(ug_status_name(UG_ERR_PARSE), "parse");
}

static void test_log_and_progress_not_tty(void **state)
{
	(void)state;
	FILE *f = tmpfile();
	assert_non_null(f);
	ug_ctx ctx;
	ug_ctx_init(&ctx);
	ctx.log_stream = f;
	ctx.progress = false; /* a file is never a TTY */
	ug_log_info(&ctx, "dropped at level warn");
	ug_log_warn(&ctx, "kept %d", 1);
	ug_progress pr;
	ug_progress_start(&pr, &ctx, "reading", "events", 100);
	for (int i = 0; i < 1000; i++)
		ug_progress_add(&pr, 1);
	ug_progress_end(&pr);
	assert_int_equal(atomic_load(&pr.done), 1000);
	rewind(f);
	char buf[256] = {0};
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	assert_string_equal(buf, "updguard: warning: kept 1\n");
	assert_int_equal(n, strlen("updguard: warning: kept 1\n"));
}

static void test_progress_draws_when_enabled(void **state)
{
	(void)state;
	FILE *f = tmpfile();
	ug_ctx ctx;
	ug_ctx_init(&ctx);
	ctx.log_stream = f;
	ctx.progress = true; /* as on a terminal */
	ug_progress pr;
	ug_progress_start(&pr, &ctx, "reading", "events", 0);
	atomic_store(&pr.last_draw_ns, 0); /* force the next add to draw */
	ug_progress_add(&pr, 5);
	ug_progress_end(&pr);
	rewind(f);
	char buf[256] = {0};
	assert_true(fread(buf, 1, sizeof(buf) - 1, f) > 0);
	fclose(f);
	assert_non_null(strstr(buf, "reading: 5 events"));
	assert_non_null(strstr(buf, "\r\033[K")); /* erased at the end */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_alignment_and_growth),
		cmocka_unit_test(test_arena_dup),
		cmocka_unit_test(test_buf_basic),
		cmocka_unit_test(test_buf_json_escape),
		cmocka_unit_test(test_buf_csv),
		cmocka_unit_test(test_sv_compare_and_search),
		cmocka_unit_test(test_sv_split),
		cmocka_unit_test(test_sv_numbers),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_map_basic),
		cmocka_unit_test(test_map_nocase),
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_log_and_progress_not_tty),
		cmocka_unit_test(test_progress_draws_when_enabled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
