/* fmt_evtx.c — the "evtx" format: Windows XML Event Log files read directly.
 *
 * Framing UG_FRAME_CHUNKS (format.h): the machinery hands parse() the 4 KiB
 * file header once (r->chunk == 0) and then every 64 KiB chunk (r->chunk ==
 * 1 + its index), in file order, blocks of chunks in parallel. Each chunk is
 * read on its own (BinXML names and templates are chunk-relative), but the
 * chunks of a block share a state (block_begin): templates whose
 * definitions are equal are compiled once (evtx_share.c) and the field
 * programs recorded on them (evtx_prog.c) serve the whole block.
 *
 * Per record: a field program when one fits the record's structure, else
 * the walk into the field sink (evtx_fields.c), which records one.
 *
 * Damage (what Windows and libevtx do, and a bit more):
 *   - file header: bad signature or checksum is reported; chunks are read anyway
 *     (the header's chunk count and dirty flag are never trusted: every unit
 *     of the file is looked at, all-zero ones are unused and skipped quietly);
 *   - chunk header checksum or signature bad: reported, records still read one
 *     by one, each validated;
 *   - records checksum bad: reported, records read one by one (a flipped bit
 *     inside a value cannot be pinned on one record);
 *   - a record that fails validation (magic, size, trailing size copy) or
 *     whose BinXML is malformed is skipped and reported as
 *     FILE:chunk N:record M (or offset) with the reason; the walk resyncs on
 *     the next valid record signature.
 * With --carve (opts->carve), records are also recovered from chunk slack
 * (after the free-space offset) and from units that are not chunks; they
 * carry the field "#carved".
 *
 * Events: ev->record = EventRecordID, ev->offset = the record's byte offset in
 * the file; fields from evtx_fields.c; ts from TimeCreated SystemTime (the
 * record's written time when absent).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define EVTX_CLMUL 1
#endif

#include "core/buf.h"
#include "core/str.h"
#include "sources/evtx/evtx.h"
#include "sources/format.h"

static const char file_magic[8] = "ElfFile";
static const char chunk_magic[8] = "ElfChnk";

/* ---- CRC32 (zlib's polynomial) ----
 * Every chunk's records are checksummed (about 64 KiB each), which with
 * zlib's table-driven crc32 was ~8 % of reading. With PCLMULQDQ the data is
 * folded 64 bytes at a time (Intel's "Fast CRC Computation for Generic
 * Polynomials Using PCLMULQDQ", the constants of the bit-reflected CRC-32;
 * as in Chromium's zlib crc32_simd.c); the tail under 16 bytes and CPUs
 * without PCLMUL go to zlib. The result equals zlib's crc32 (unit-tested). */
#ifdef EVTX_CLMUL
__attribute__((target("pclmul,sse4.1"))) static __m128i fold(__m128i x, __m128i k, __m128i data)
{
	__m128i lo = _mm_clmulepi64_si128(x, k, 0x00);
	__m128i hi = _mm_clmulepi64_si128(x, k, 0x11);
	return _mm_xor_si128(_mm_xor_si128(hi, lo), data);
}

/* ~crc of n bytes (n >= 64, a multiple of 16) given ~seed. */
__attribute__((target("pclmul,sse4.1"))) static uint32_t crc_clmul(const uint8_t *p, size_t n, uint32_t crc)
{
	const __m128i k1k2 = _mm_set_epi64x(0x01c6e41596, 0x0154442bd4);
	const __m128i k3k4 = _mm_set_epi64x(0x00ccaa009e, 0x01751997d0);
	const __m128i k5k0 = _mm_set_epi64x(0, 0x0163cd6124);
	const __m128i poly = _mm_set_epi64x(0x01f7011641, 0x01db710641);
	const __m128i mask32 = _mm_setr_epi32(~0, 0, ~0, 0);
	__m128i x1 = _mm_loadu_si128((const __m128i *)p), x2 = _mm_loadu_si128((const __m128i *)(p + 16));
	__m128i x3 = _mm_loadu_si128((const __m128i *)(p + 32)), x4 = _mm_loadu_si128((const __m128i *)(p + 48));
	x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int)crc));
	for (p += 64, n -= 64; n >= 64; p += 64, n -= 64) {
		x1 = fold(x1, k1k2, _mm_loadu_si128((const __m128i *)p));
		x2 = fold(x2, k1k2, _mm_loadu_si128((const __m128i *)(p + 16)));
		x3 = fold(x3, k1k2, _mm_loadu_si128((const __m128i *)(p + 32)));
		x4 = fold(x4, k1k2, _mm_loadu_si128((const __m128i *)(p + 48)));
	}
	x1 = fold(fold(fold(x1, k3k4, x2), k3k4, x3), k3k4, x4);
	for (; n >= 16; p += 16, n -= 16)
		x1 = fold(x1, k3k4, _mm_loadu_si128((const __m128i *)p));
	/* 128 bits to 64, then Barrett reduction to 32 */
	x2 = _mm_clmulepi64_si128(x1, k3k4, 0x10);
	x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), x2);
	x2 = _mm_srli_si128(x1, 4);
	x1 = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x1, mask32), k5k0, 0x00), x2);
	x2 = _mm_clmulepi64_si128(_mm_and_si128(x1, mask32), poly, 0x10);
	x2 = _mm_clmulepi64_si128(_mm_and_si128(x2, mask32), poly, 0x00);
	return (uint32_t)_mm_extract_epi32(_mm_xor_si128(x1, x2), 1);
}
#endif

uint32_t evtx_crc32(uint32_t seed, const uint8_t *p, size_t n)
{
#ifdef EVTX_CLMUL
	if (n >= 64 && __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1")) {
		size_t head = n & ~(size_t)15;
		seed = ~crc_clmul(p, head, ~seed);
		p += head;
		n -= head;
	}
#endif
	return (uint32_t)crc32(seed, p, (uInt)n);
}

static uint32_t crc(const uint8_t *p, size_t n, uint32_t seed)
{
	return evtx_crc32(seed, p, n);
}

static int evtx_detect(ug_sv head, const char *path)
{
	(void)path;
	if (head.n >= 8 && memcmp(head.p, file_magic, 8) == 0)
		return 100;
	/* a damaged or zeroed file header before a real first chunk */
	if (head.n >= EVTX_HEADER_SIZE + 8 && memcmp(head.p + EVTX_HEADER_SIZE, chunk_magic, 8) == 0)
		return 90;
	return 0;
}

/* ---- file header ---- */

static void parse_file_header(ug_rec *r, ug_sv unit)
{
	const uint8_t *p = (const uint8_t *)unit.p;
	if (unit.n < 128 || memcmp(p, file_magic, 8) != 0) {
		ug_rec_skip(r, "file header: bad signature (chunks read anyway)", unit);
		return;
	}
	if (unit.n < EVTX_HEADER_SIZE)
		ug_rec_skip(r, "file header: file ends inside it", unit);
	else if (crc(p, 120, 0) != evtx_u32(p + 124))
		ug_rec_skip(r, "file header: checksum mismatch (chunks read anyway)", unit);
	else if (evtx_u16(p + 38) != 3)
		ug_rec_skip(r, "file header: unknown major version (chunks read anyway)", unit);
}

/* ---- records ---- */

typedef struct chunk_job {
	ug_rec *r;
	evtx_ctx *c;
	const uint8_t *p;
	uint32_t len;
	uint64_t file_off;  /* of the chunk */
	ug_buf xml;         /* XML mode only */
} chunk_job;

/* The record at `at` is whole and consistent within [at, limit): its size. */
static uint32_t record_size(const chunk_job *j, uint32_t at, uint32_t limit)
{
	const uint8_t *p = j->p + at;
	if ((uint64_t)at + EVTX_RECORD_HEADER + 4 > limit || evtx_u32(p) != 0x00002a2a)
		return 0;
	uint32_t size = evtx_u32(p + 4);
	if (size < EVTX_RECORD_HEADER + 4 + 4 || (uint64_t)at + size > limit ||
	    evtx_u32(p + size - 4) != size)
		return 0;
	return size;
}

static void set_pos(chunk_job *j, uint32_t at, uint64_t id)
{
	j->r->line = id;
	j->r->offset = j->file_off + at;
}

static void skip_at(chunk_job *j, uint32_t at, uint64_t id, const char *why)
{
	set_pos(j, at, id);
	uint32_t n = UG_MIN(j->len - UG_MIN(at, j->len), 64u);
	ug_rec_skip(j->r, why, ug_sv_make((const char *)j->p + at, n));
}

static void add_xml(chunk_job *j, uint32_t at, uint32_t size)
{
	evtx_xsink xs;
	ug_buf_clear(&j->xml);
	evtx_xsink_init(&xs, &j->xml);
	j->c->error = NULL;
	if (evtx_fragment(j->c, at + EVTX_RECORD_HEADER, at + size - 4, &xs.base) == 0 &&
	    ug_buf_ok(&j->xml))
		ug_event_add_copy(j->r->ev, UG_SV("#xml"), ug_buf_sv(&j->xml), UG_F_NONE);
}

/* ev->record: the System EventRecordID (exports renumber the record
 * header's), else the header's. */
static uint64_t record_number(const ug_event *ev, uint64_t header_id)
{
	uint64_t id;
	return ug_sv_to_u64(ug_event_get(ev, UG_F_EVENT_RECORD_ID), &id) ? id : header_id;
}

static bool same_text(ug_sv a, ug_sv b)
{
	return a.n == b.n && (a.n == 0 || a.p == b.p || memcmp(a.p, b.p, a.n) == 0);
}

/* ev->host from Computer: the last record's when the text is the same
 * (records of a log mostly are from one computer). */
static void set_host(evtx_ctx *c, ug_event *ev, ug_sv raw)
{
	if (c->host.set && same_text(c->host.raw, raw)) {
		ev->host = c->host.host;
		return;
	}
	if (ug_event_set_host(ev, raw) == UG_OK)
		c->host.set = true, c->host.raw = raw, c->host.host = ev->host;
}

static void fill_header(evtx_ctx *c, ug_event *ev, ug_time ts, uint64_t written)
{
	ev->ts = ts != UG_TIME_INVALID ? ts : evtx_filetime_to_time(written);
	ev->channel = ug_event_get(ev, UG_F_CHANNEL);
	uint64_t id;
	ug_sv eid = ug_event_get(ev, UG_F_EVENT_ID);
	ev->event_id = ug_sv_to_u64(eid, &id) && id <= UINT32_MAX ? (uint32_t)id : 0;
	ug_sv host = ug_event_get(ev, UG_F_COMPUTER);
	if (host.n)
		set_host(c, ev, host);
	/* the kind, as the last record's when channel and EventID are the same */
	if (!c->kind.set || c->kind.event_id != ev->event_id || !same_text(c->kind.channel, ev->channel)) {
		c->kind.kind = ug_event_kind_from_windows(ev->channel, ev->event_id);
		c->kind.set = true, c->kind.event_id = ev->event_id, c->kind.channel = ev->channel;
	}
	ev->kind = c->kind.kind;
}

/* Parse and emit the record at `at` (validated, size bytes). false when its
 * BinXML is malformed (then nothing is emitted; quiet when carving). */
static bool emit_record(chunk_job *j, uint32_t at, uint32_t size, const char *carved)
{
	const uint8_t *p = j->p + at;
	uint64_t id = evtx_u64(p + 8);
	set_pos(j, at, id);
	evtx_fsink fs;
	evtx_fsink_init(&fs, j->r->ev, j->r->arena);
	uint64_t bad = j->c->bad_utf16;
	j->c->error = NULL;
	uint32_t from = at + EVTX_RECORD_HEADER, to = at + size - 4;
	/* a field program when one fits the record, else the walk (recording one) */
	int rc = j->c->slow ? 0 : evtx_prog_run(j->c, from, to, &fs);
	if (rc == 0) {
		j->c->error = NULL;
		if (!j->c->slow)
			evtx_prog_record(j->c, &fs);
		rc = evtx_fragment(j->c, from, to, &fs.base) == 0 ? 1 : -1;
		evtx_prog_keep(j->c, &fs, rc == 1 && !fs.oom);
	}
	if (rc < 0 || fs.oom) {
		if (!carved)
			skip_at(j, at, id, fs.oom ? "out of memory" : j->c->error);
		else
			ug_event_reset(j->r->ev);
		return false;
	}
	ug_event *ev = j->r->ev;
	if (j->c->bad_utf16 > bad) {
		char n[24];
		int k = snprintf(n, sizeof(n), "%llu", (unsigned long long)(j->c->bad_utf16 - bad));
		ug_event_add_copy(ev, UG_SV("#invalid_utf16"), ug_sv_make(n, (size_t)k), UG_F_NONE);
	}
	if (carved)
		ug_event_add(ev, UG_SV("#carved"), ug_sv_from(carved), UG_F_NONE);
	if (j->r->opts && j->r->opts->evtx_xml)
		add_xml(j, at, size);
	fill_header(j->c, ev, fs.ts, evtx_u64(p + 16));
	set_pos(j, at, record_number(ev, id));
	ug_rec_emit(j->r);
	return true;
}

/* Next offset >= from where a valid record starts within limit, or 0. */
static uint32_t resync(const chunk_job *j, uint32_t from, uint32_t limit)
{
	for (uint32_t at = from; at + EVTX_RECORD_HEADER + 4 <= limit; at++) {
		const void *m = memchr(j->p + at, 0x2a, limit - at);
		if (!m)
			return 0;
		at = (uint32_t)((const uint8_t *)m - j->p);
		if (record_size(j, at, limit))
			return at;
	}
	return 0;
}

/* The allocated records in [EVTX_RECORDS_START, limit). claimed: the chunk
 * header says records go up to limit (so a bad tail is damage, not slack). */
static void walk_records(chunk_job *j, uint32_t limit, bool claimed)
{
	uint32_t at = EVTX_RECORDS_START;
	while (at + EVTX_RECORD_HEADER + 4 <= limit) {
		uint32_t size = record_size(j, at, limit);
		if (size) {
			emit_record(j, at, size, NULL);
			at += size;
			continue;
		}
		uint32_t next = resync(j, at + 1, limit);
		bool sig = evtx_u32(j->p + at) == 0x00002a2a;
		if (next || claimed || sig)
			skip_at(j, at, sig ? evtx_u64(j->p + at + 8) : 0,
			        sig ? "record size or size copy inconsistent" : "no record signature");
		if (!next)
			return;
		at = next;
	}
}

/* --carve: records in [from, len) that validate and parse. */
static void carve(chunk_job *j, uint32_t from, const char *where)
{
	uint32_t at = from;
	while ((at = resync(j, at, j->len)) != 0) {
		uint32_t size = record_size(j, at, j->len);
		at += emit_record(j, at, size, where) ? size : 1;
	}
}

static bool all_zero(const uint8_t *p, size_t n)
{
	static const uint8_t zero[4096];
	for (size_t i = 0; i < n; i += sizeof(zero))
		if (memcmp(p + i, zero, UG_MIN(sizeof(zero), n - i)) != 0)
			return false;
	return true;
}

/* The block's state (format.h): templates compiled and programs recorded
 * in one chunk serve the block's later ones (evtx_share.c, evtx_prog.c). */
static void *evtx_block_begin(void)
{
	evtx_ctx *c = calloc(1, sizeof(*c));
	if (c) {
		const char *slow = getenv("UG_EVTX_SLOW"); /* tests: the reference path */
		c->slow = slow && *slow;
	}
	return c;
}

static void evtx_block_end(void *state)
{
	free(state);
}

static void parse_chunk(ug_rec *r, ug_sv unit, evtx_ctx *c)
{
	const uint8_t *p = (const uint8_t *)unit.p;
	uint32_t len = (uint32_t)UG_MIN(unit.n, EVTX_CHUNK_SIZE);
	if (all_zero(p, len))
		return; /* unused (preallocated) chunk */
	evtx_ctx_reset(c, p, len, r->arena);
	c->bad_utf16 = 0;
	chunk_job j = {r, c, p, len, r->offset, UG_BUF_INIT};
	bool carving = r->opts && r->opts->carve;
	bool sig = len >= 8 && memcmp(p, chunk_magic, 8) == 0;
	if (len < EVTX_RECORDS_START) {
		skip_at(&j, 0, 0, "truncated chunk header");
		if (carving)
			carve(&j, 0, "unallocated");
		return;
	}
	bool hdr_ok = sig && crc(p + 128, 384, crc(p, 120, 0)) == evtx_u32(p + 124);
	uint32_t fso = evtx_u32(p + 48);
	bool fso_ok = fso >= EVTX_RECORDS_START && fso <= len;
	if (!sig)
		skip_at(&j, 0, 0, "chunk: bad signature (records read one by one)");
	else if (!hdr_ok)
		skip_at(&j, 0, 0, "chunk: header checksum mismatch (records read one by one)");
	if (len < EVTX_CHUNK_SIZE)
		skip_at(&j, len, 0, "truncated chunk (file ends inside it)");
	else if (fso_ok && crc(p + EVTX_RECORDS_START, fso - EVTX_RECORDS_START, 0) != evtx_u32(p + 52))
		skip_at(&j, 0, 0, "chunk: records checksum mismatch (records read one by one)");
	uint32_t limit = fso_ok ? fso : len;
	walk_records(&j, limit, hdr_ok && fso_ok);
	if (carving)
		carve(&j, sig ? limit : 0, sig ? "chunk slack" : "unallocated");
	ug_buf_free(&j.xml);
}

static void evtx_parse(ug_rec *r, ug_sv unit)
{
	if (r->chunk == 0) {
		parse_file_header(r, unit);
		return;
	}
	evtx_ctx *c = r->block;
	if (!c && !(c = evtx_block_begin())) { /* no block state: this chunk's own */
		ug_rec_skip(r, "out of memory", ug_sv_make(unit.p, UG_MIN(unit.n, 64u)));
		return;
	}
	parse_chunk(r, unit, c);
	if (c != r->block)
		evtx_block_end(c);
}

const ug_format ug_fmt_evtx = {
    .name = "evtx",
    .summary = "Windows XML Event Log files (.evtx), read directly: chunks in parallel, damage-tolerant",
    .framing = UG_FRAME_CHUNKS,
    .detect = evtx_detect,
    .parse = evtx_parse,
    .head_size = EVTX_HEADER_SIZE,
    .unit_size = EVTX_CHUNK_SIZE,
    .block_begin = evtx_block_begin,
    .block_end = evtx_block_end,
};
