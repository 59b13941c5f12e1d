/* fuzz_evtx.c — libFuzzer target: the EVTX chunk parser (BinXML tokens,
 * templates by offset, substitution values, arrays, nested BinXML, record
 * walking and resync, carving, XML rendering) on arbitrary chunk bytes put
 * behind a valid file header. Aborts when an event breaks the event
 * contract (names and values valid UTF-8; see fuzz_common.h), and when the
 * fast path differs from the reference path: the input's chunk twice in one
 * block (the copy with one byte changed, chosen by the input's last bytes),
 * so that templates compiled and field programs recorded in the first chunk
 * serve the second (evtx_share.c, evtx_prog.c), read as the reader reads a
 * block, must give exactly the events and skips that UG_EVTX_SLOW (every
 * record walked, every chunk's templates its own) gives. The corpus holds
 * real chunks cut from the shared samples, whole and truncated. */
#include "fuzz_common.h"
#include "sources/machinery.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct digest {
	uint64_t h;
} digest;

static void mix(digest *d, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		d->h = (d->h ^ b[i]) * UINT64_C(0x100000001b3);
	d->h ^= n;
	d->h *= UINT64_C(0x100000001b3);
}

static void mix_sv(digest *d, ug_sv s)
{
	mix(d, s.p ? s.p : "", s.n);
}

static int digest_event(const ug_event *ev, void *user)
{
	digest *d = user;
	if (fuzz_check_event(ev, (void *)1))
		return 1;
	mix(d, &ev->ts, sizeof(ev->ts));
	mix(d, &ev->kind, sizeof(ev->kind));
	mix(d, &ev->record, sizeof(ev->record));
	mix(d, &ev->offset, sizeof(ev->offset));
	mix(d, &ev->event_id, sizeof(ev->event_id));
	mix_sv(d, ev->host);
	mix_sv(d, ev->channel);
	for (uint32_t i = 0; i < ev->nfields; i++) {
		mix_sv(d, ev->fields[i].name);
		mix_sv(d, ev->fields[i].value);
		mix(d, &ev->fields[i].canon, sizeof(ev->fields[i].canon));
	}
	return 0;
}

/* The file's head and chunks as one block, as frame.c parses a block in
 * the reader (the arena kept from the first chunk to the last). */
static uint64_t read_block(const ug_format *f, const uint8_t *file, size_t n, const ug_input_opts *opts)
{
	digest d = {UINT64_C(0xcbf29ce484222325)};
	ug_batch b;
	ug_batch_init(&b, digest_event, &d);
	ug_event ev;
	ug_event_init(&ev, &b.arena);
	void *block = f->block_begin ? f->block_begin() : NULL;
	for (size_t at = 0, chunk = 0; at < n; chunk++) {
		size_t len = chunk ? UG_MIN((size_t)f->unit_size, n - at) : f->head_size;
		ug_rec r = {opts, NULL, 0, 0, at, &b.arena, &ev, &b, (uint32_t)chunk, block};
		ug_event_reset(&ev);
		ev.offset = at;
		f->parse(&r, ug_sv_make((const char *)file + at, len));
		at += len;
	}
	if (f->block_end && block)
		f->block_end(block);
	mix(&d, &b.records, sizeof(b.records));
	mix(&d, &b.skipped, sizeof(b.skipped));
	for (size_t i = 0; i < b.nreasons; i++) {
		mix(&d, b.reasons[i].reason, strlen(b.reasons[i].reason));
		mix(&d, &b.reasons[i].count, sizeof(b.reasons[i].count));
	}
	ug_event_free(&ev);
	ug_batch_free(&b);
	return d.h;
}

/* Fast path and reference path on the same file: the same digest. */
static void differential(const ug_format *f, const uint8_t *file, size_t n, const ug_input_opts *opts)
{
	uint64_t fast = read_block(f, file, n, opts);
	setenv("UG_EVTX_SLOW", "1", 1);
	uint64_t slow = read_block(f, file, n, opts);
	unsetenv("UG_EVTX_SLOW");
	if (fast != slow)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t file[4096 + 2 * 65536];
	size_t n = size < 2 * 65536 ? size : 2 * 65536;
	memset(file, 0, 4096);
	memcpy(file, "ElfFile", 8);
	memcpy(file + 4096, data, n);
	ug_sv in = ug_sv_make((const char *)file, 4096 + n);
	const ug_format *f = ug_format_find("evtx");
	if (!f)
		abort();
	(void)f->detect(in, "fuzz.evtx");
	ug_input_opts plain = {0}, all = {0};
	all.carve = all.evtx_xml = true;
	ug_parse_stats stats;
	ug_error err;
	ug_format_parse_buffer(f, in, &plain, fuzz_check_event, (void *)1, &stats, &err);
	ug_format_parse_buffer(f, in, &all, fuzz_check_event, (void *)1, &stats, &err);

	/* one chunk twice in a block, the copy with one byte changed */
	if (size > 65536)
		differential(f, file, 4096 + n, &plain);
	else if (size >= 4) {
		memset(file + 4096 + size, 0, 65536 - size);
		memcpy(file + 4096 + 65536, data, size);
		uint32_t at = (uint32_t)(data[size - 1] | data[size - 2] << 8) % (uint32_t)size;
		file[4096 + 65536 + at] ^= data[size - 3] | 1;
		differential(f, file, 4096 + 65536 + size, &plain);
		differential(f, file, 4096 + 65536 + size, &all);
	}
	return 0;
}
