/* reader.c — ug_input: every file of the input, read in parallel blocks and
 * delivered in input order (sources.h).
 *
 * The calling thread produces and consumes: it walks the files, opens each
 * (stream.c), detects its format, cuts its data into blocks of whole records
 * (frame.c) and submits them to the thread pool; workers parse blocks into
 * batches; the calling thread hands the oldest finished batch's events to the
 * callback. At most `window` blocks are in flight, so memory is bounded by
 * window × block size whatever the input size.
 *
 * Line numbers: a worker numbers lines from 1 within its block and counts the
 * block's newlines; the consumer, which sees blocks in order, adds the
 * running base. Invariant: blocks are delivered in submission order.
 * Binary chunked files (EVTX, UG_FRAME_CHUNKS) are read the same way, raw:
 * blocks hold whole units and the format numbers records itself.
 */
#include <assert.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/pool.h"
#include "core/str.h"
#include "sources/machinery.h"
#include "sources/stream.h"
#include "sources/walk.h"

/* 1 MiB: a block's events stay in the worker's cache while the hook works
 * on them, and the blocks in flight hold ~60 MB, not ~250 (4 MiB blocks of
 * Squid lines: many small events each); measured on the hunt: -10% CPU. */
#define DEFAULT_BLOCK ((size_t)1 << 20)

/* One member (file) being read; blocks in flight hold a reference. */
typedef struct member {
	int refs;
	const ug_format *fmt;
	void **states;          /* format file states (more than one after a rebegin) */
	size_t nstates;
	uint32_t source;
	uint64_t line_base;     /* line number of the next block to deliver */
	ug_input_opts opts;     /* the input's, with this file's zone (tz_rules) */
} member;

typedef struct block {
	ug_frame frame;
	ug_sv data;
	char *owned;            /* data's buffer (malloc'd; freed once delivered) */
	uint64_t offset;
	uint64_t newlines;
	member *m;
	ug_batch batch;
	bool done;
	struct ug_input *in;
} block;

struct ug_input {
	const ug_ctx *ctx;
	ug_input_opts opts;
	ug_walk walk;
	ug_pool *pool;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	block *ring;
	size_t window, head, count;
	ug_event_fn fn;
	void *user;
	const ug_event_hook *hook; /* optional work in the workers (sources.h) */
	ug_event_result_fn rfn;
	int stop;
	ug_source *sources;
	size_t nsources, sources_cap;
	ug_arena names;         /* source paths */
	ug_skip skips[UG_SKIP_DETAIL_MAX];
	size_t nskips;
	ug_skip_reason reasons[UG_BATCH_MAX_REASONS];
	size_t nreasons;
	uint64_t skipped_total;
	uint64_t ignored_total;
	ug_progress progress;
	uint64_t progress_base; /* bytes of files finished */
};

/* ---- sources and skips ---- */

static ug_source *add_source(ug_input *in, const char *path, const char *member_name)
{
	if (in->nsources == in->sources_cap) {
		size_t cap = in->sources_cap ? in->sources_cap * 2 : 32;
		ug_source *s = realloc(in->sources, cap * sizeof(*s));
		if (!s)
			return NULL;
		in->sources = s;
		in->sources_cap = cap;
	}
	ug_buf name = UG_BUF_INIT;
	ug_buf_puts(&name, path);
	if (member_name) {
		ug_buf_putc(&name, ':');
		ug_buf_puts(&name, member_name);
	}
	const char *copy = ug_arena_dup(&in->names, ug_buf_sv(&name)).p;
	ug_buf_free(&name);
	if (!copy)
		return NULL;
	ug_source *s = &in->sources[in->nsources];
	*s = (ug_source){(uint32_t)in->nsources, copy, "", 0, 0, 0, false, NULL};
	in->nsources++;
	return s;
}

static void note_reason(ug_input *in, const char *reason, uint64_t count)
{
	for (size_t i = 0; i < in->nreasons; i++) {
		if (strcmp(in->reasons[i].reason, reason) == 0) {
			in->reasons[i].count += count;
			return;
		}
	}
	if (in->nreasons < UG_BATCH_MAX_REASONS)
		in->reasons[in->nreasons++] = (ug_skip_reason){reason, count};
	else /* more distinct reasons than slots: lumped into the last one */
		in->reasons[UG_BATCH_MAX_REASONS - 1].count += count;
}

static void note_skip(ug_input *in, const ug_skip *sk)
{
	if (in->nskips < UG_SKIP_DETAIL_MAX)
		in->skips[in->nskips++] = *sk;
	const ug_source *src = &in->sources[sk->source];
	if (in->ctx)
		ug_log_info(in->ctx, "%s:%llu: skipped: %s", src->path, (unsigned long long)sk->line,
		            sk->reason);
}

static void set_detail(ug_skip *sk, const char *text)
{
	size_t n = text ? strnlen(text, sizeof(sk->detail) - 1) : 0;
	memcpy(sk->detail, text ? text : "", n);
	sk->detail[n] = '\0';
}

/* A whole file that could not be read: counted and reported like a record. */
static void fail_source(ug_input *in, ug_source *src, const char *reason, const char *detail)
{
	src->failed = true;
	src->skipped++;
	in->skipped_total++;
	note_reason(in, reason, 1);
	ug_skip sk = {src->id, 0, 0, reason, {0}, 0};
	set_detail(&sk, detail);
	note_skip(in, &sk);
	ug_log_warn(in->ctx, "%s: %s%s%s", src->path, reason, detail && *detail ? ": " : "",
	            detail ? detail : "");
}

/* A file that is not a log: listed with the reason, not counted as skipped. */
static void ignore_source(ug_input *in, ug_source *src, const char *why)
{
	src->ignored = why;
	in->ignored_total++;
	ug_log_info(in->ctx, "%s: not read: %s", src->path, why);
}

/* Files that turn up in evidence folders but are not logs (or not yet read). */
static const char *not_a_log(ug_sv head)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *why;
	} kinds[] = {
		{"\xd4\xc3\xb2\xa1", 4, "packet capture (pcap), not a log"},
		{"\xa1\xb2\xc3\xd4", 4, "packet capture (pcap), not a log"},
		{"\x4d\x3c\xb2\xa1", 4, "packet capture (pcap), not a log"},
		{"\xa1\xb2\x3c\x4d", 4, "packet capture (pcap), not a log"},
		{"\x0a\x0d\x0d\x0a", 4, "packet capture (pcapng), not a log"},
		{"\x7f" "ELF", 4, "executable, not a log"},
		{"MZ", 2, "Windows executable, not a log"},
		{"%PDF", 4, "PDF document, not a log"},
		{"\x89PNG", 4, "image, not a log"},
	};
	for (size_t i = 0; i < UG_ARRAY_LEN(kinds); i++)
		if (head.n >= kinds[i].len && memcmp(head.p, kinds[i].magic, kinds[i].len) == 0)
			return kinds[i].why;
	return NULL;
}

/* ---- members ---- */

static void member_put(member *m)
{
	if (--m->refs > 0)
		return;
	for (size_t i = 0; i < m->nstates; i++)
		if (m->fmt->file_end && m->states[i])
			m->fmt->file_end(m->states[i]);
	free(m->states);
	free(m);
}

static int member_begin(member *m, ug_sv head, const ug_input_opts *opts, ug_error *err)
{
	void *state = NULL;
	if (m->fmt->file_begin) {
		int rc = m->fmt->file_begin(head, opts, &state, err);
		if (rc != UG_OK)
			return rc;
	}
	void **s = realloc(m->states, (m->nstates + 1) * sizeof(*s));
	if (!s) {
		if (state && m->fmt->file_end)
			m->fmt->file_end(state);
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	}
	m->states = s;
	m->states[m->nstates++] = state;
	return UG_OK;
}

/* ---- the pipeline ---- */

/* Parse the block; with a hook, its per-event work runs as each event is
 * stored (ug_batch.post), while the event is still in this core's cache. */
static void parse_task(void *arg)
{
	block *b = arg;
	const ug_event_hook *h = b->in->hook;
	void *state = h && h->block_begin ? h->block_begin(h->user) : NULL;
	if (h) {
		b->batch.post = h->event;
		b->batch.post_state = state;
		b->batch.post_user = h->user;
	}
	ug_frame_parse(&b->frame, b->data, 1, b->offset, &b->batch);
	if (h && h->block_end)
		h->block_end(state, h->user);
	if (!ug_framing_has_lines(b->frame.fmt->framing))
		b->newlines = 0;
	else if (b->batch.newlines_known)
		b->newlines = b->batch.newlines; /* counted while parsing */
	else
		b->newlines = ug_count_newlines(b->data.p, b->data.n);
	ug_input *in = b->in;
	pthread_mutex_lock(&in->mu);
	b->done = true;
	pthread_cond_broadcast(&in->cv);
	pthread_mutex_unlock(&in->mu);
}

/* The consumer reads events another core parsed: fetch the next ones' header
 * and fields while it works on this one. */
#define PREFETCH_AHEAD 3

static void prefetch_event(const ug_event *ev)
{
	const char *p = (const char *)ev;
	for (size_t o = 0; o < sizeof(*ev); o += 64)
		__builtin_prefetch(p + o);
	const char *f = (const char *)ev->fields;
	for (size_t o = 0; o < (size_t)ev->nfields * sizeof(ug_field); o += 64)
		__builtin_prefetch(f + o);
}

/* ... and, one event later, the start of each value (the fields' header
 * lines are in cache by then). */
static void prefetch_values(const ug_event *ev)
{
	for (uint32_t i = 0; i < ev->nfields; i++)
		__builtin_prefetch(ev->fields[i].value.p);
}

static void deliver(ug_input *in, block *b)
{
	member *m = b->m;
	ug_source *src = &in->sources[m->source];
	uint64_t base = m->line_base - 1;
	bool lines = ug_framing_has_lines(b->frame.fmt->framing);
	for (size_t i = 0; i < b->batch.nevents && !in->stop; i++) {
		ug_event *ev = &b->batch.events[i];
		if (i + PREFETCH_AHEAD < b->batch.nevents)
			prefetch_event(&b->batch.events[i + PREFETCH_AHEAD]);
		if (i + PREFETCH_AHEAD - 1 < b->batch.nevents)
			prefetch_values(&b->batch.events[i + PREFETCH_AHEAD - 1]);
		if (lines)
			ev->record += base;
		if (in->rfn) {
			void *res = i < b->batch.nresults ? b->batch.results[i] : NULL;
			if (res)
				b->batch.results[i] = NULL;
			in->stop = in->rfn(ev, res, in->user);
		} else {
			in->stop = in->fn(ev, in->user);
		}
	}
	for (size_t i = 0; i < b->batch.nresults; i++) /* undelivered after a stop */
		if (b->batch.results[i] && in->hook->result_free) {
			in->hook->result_free(b->batch.results[i], in->hook->user);
			b->batch.results[i] = NULL;
		}
	src->records += b->batch.records;
	src->skipped += b->batch.skipped;
	in->skipped_total += b->batch.skipped;
	for (size_t i = 0; i < b->batch.nreasons; i++)
		note_reason(in, b->batch.reasons[i].reason, b->batch.reasons[i].count);
	for (size_t i = 0; i < b->batch.ndetails; i++) {
		ug_skip sk = b->batch.details[i];
		if (lines && sk.line)
			sk.line += base;
		note_skip(in, &sk);
	}
	if (b->batch.oom)
		fail_source(in, src, "out of memory while parsing", NULL);
	m->line_base += b->newlines;
}

/* Wait for the oldest block, hand its events on, recycle its slot. */
static void retire_oldest(ug_input *in)
{
	block *b = &in->ring[in->head];
	pthread_mutex_lock(&in->mu);
	while (!b->done)
		pthread_cond_wait(&in->cv, &in->mu);
	pthread_mutex_unlock(&in->mu);
	deliver(in, b);
	free(b->owned);
	b->owned = NULL;
	member_put(b->m);
	b->m = NULL;
	in->head = (in->head + 1) % in->window;
	in->count--;
}

/* Submit buf[0..n) (malloc'd, whole records; the block frees it once
 * delivered) for parsing. */
static void dispatch(ug_input *in, member *m, const ug_frame *fr, char *buf, size_t n,
                     uint64_t offset)
{
	if (in->count == in->window)
		retire_oldest(in);
	block *b = &in->ring[(in->head + in->count) % in->window];
	in->count++;
	ug_batch_reset(&b->batch);
	b->frame = *fr;
	b->data = ug_sv_make(buf, n);
	b->owned = buf;
	b->offset = offset;
	b->m = m;
	b->done = false;
	b->in = in;
	m->refs++;
	ug_pool_submit(in->pool, parse_task, b);
	ug_progress_add(&in->progress, n);
}

static void drain(ug_input *in)
{
	while (in->count)
		retire_oldest(in);
}

/* ---- producing blocks from one member ---- */

/* Pick the member's format from its first bytes (or the forced one) and
 * begin it with the head it frames (ug_frame_head_of). */
static member *member_open(ug_input *in, ug_source *src, ug_sv data)
{
	ug_sv raw = ug_sv_make(data.p, UG_MIN(data.n, UG_HEAD_BYTES));
	const ug_format *fmt = ug_format_find(in->opts.format ? in->opts.format : "");
	const char *why = NULL;
	if (!fmt && !(why = not_a_log(raw)))
		fmt = ug_format_detect(raw, src->path, NULL);
	if (!fmt) {
		ignore_source(in, src, why ? why : "format not recognised");
		return NULL;
	}
	src->format = fmt->name;
	member *m = calloc(1, sizeof(*m));
	if (!m) {
		fail_source(in, src, "out of memory", NULL);
		return NULL;
	}
	m->refs = 1;
	m->fmt = fmt;
	m->source = src->id;
	m->line_base = 1;
	m->opts = in->opts;
	for (size_t i = 0; i < in->opts.ntz_rules; i++)
		if (fnmatch(in->opts.tz_rules[i].glob, src->path, 0) == 0) {
			m->opts.input_tz = in->opts.tz_rules[i].tz;
			break;
		}
	ug_error err;
	if (member_begin(m, ug_frame_head_of(fmt, data), &m->opts, &err) != UG_OK) {
		fail_source(in, src, "unreadable header", err.message);
		member_put(m);
		return NULL;
	}
	return m;
}

static void frame_for(member *m, ug_frame *fr, ug_sv data)
{
	assert(m->nstates > 0); /* member_open began the member */
	ug_frame_init(fr, m->fmt, m->states[m->nstates - 1], &m->opts, m->source,
	              ug_frame_head_of(m->fmt, data));
}

/* Cut data[pos..] into a block: whole records, at most up to a rebegin line. */
static size_t next_cut(const ug_frame *fr, ug_sv rest, size_t block_size, bool at_start, bool eof)
{
	size_t cut = ug_frame_cut(fr, rest, UG_MIN(block_size, rest.n), at_start, eof);
	if (!cut)
		return 0;
	size_t rb = ug_frame_find_rebegin(fr, ug_sv_make(rest.p, cut));
	return rb != SIZE_MAX ? rb : cut;
}

/* After a block that ended at a rebegin line: restart the format there. */
static bool rebegin_if_needed(ug_input *in, member *m, ug_frame *fr, ug_sv rest, uint64_t offset)
{
	const char *prefix = m->fmt->rebegin_prefix;
	if (!prefix || rest.n < strlen(prefix) || memcmp(rest.p, prefix, strlen(prefix)) != 0)
		return true;
	ug_error err;
	if (member_begin(m, ug_frame_head(rest), &m->opts, &err) != UG_OK) {
		ug_source *src = &in->sources[m->source];
		ug_skip sk = {src->id, 0, offset, "bad header", {0}, 0};
		set_detail(&sk, err.message);
		src->skipped++;
		in->skipped_total++;
		note_reason(in, sk.reason, 1);
		note_skip(in, &sk);
		return false;
	}
	frame_for(m, fr, rest);
	return true;
}

/* Fill buf from the stream (UTF-16 converted) until it holds want bytes or
 * the member ends. Returns false at end of member. */
typedef struct feeder {
	ug_stream *stream;
	ug_encoding enc;
	ug_utf16_dec dec;
	bool sniffed, eof, failed;
	size_t bom;
	char raw[1 << 16];
	ug_error err;
} feeder;

/* UTF-8 input is read straight into buf; UTF-16 goes through raw and the
 * decoder. The first chunk decides which (and drops a BOM). */
static void feed(feeder *f, ug_buf *buf, size_t want)
{
	while (!f->eof && buf->len < want) {
		bool direct = f->sniffed && f->enc == UG_ENC_UTF8;
		size_t room = UG_MAX(want - buf->len, sizeof(f->raw));
		if (direct && !ug_buf_reserve(buf, room))
			break; /* buf->oom is set: the caller reports it */
		char *dst = direct ? buf->p + buf->len : f->raw;
		ssize_t r = ug_stream_read(f->stream, dst, direct ? room : sizeof(f->raw), &f->err);
		if (r <= 0) {
			f->failed = r < 0;
			f->eof = true;
			if (f->sniffed && f->enc != UG_ENC_UTF8)
				ug_utf16_finish(&f->dec, buf);
			break;
		}
		if (direct) {
			buf->len += (size_t)r;
			buf->p[buf->len] = '\0';
			continue;
		}
		size_t skip = 0;
		if (!f->sniffed) {
			f->sniffed = true;
			f->enc = ug_encoding_sniff(ug_sv_make(f->raw, (size_t)r), &f->bom);
			skip = f->bom;
			ug_utf16_init(&f->dec, f->enc == UG_ENC_UTF16BE);
		}
		if (f->enc == UG_ENC_UTF8)
			ug_buf_append(buf, f->raw + skip, (size_t)r - skip);
		else
			ug_utf16_feed(&f->dec, (const unsigned char *)f->raw + skip, (size_t)r - skip, buf);
	}
}

/* Take ownership of buf's first cut bytes as a block; buf keeps the rest. */
static char *split_buffer(ug_buf *buf, size_t cut, size_t block_size)
{
	char *owned = buf->p;
	ug_buf next = UG_BUF_INIT;
	ug_buf_reserve(&next, block_size + (buf->len - cut));
	ug_buf_append(&next, buf->p + cut, buf->len - cut);
	*buf = next;
	return owned;
}

/* A record longer than UG_MAX_RECORD: report it and drop bytes up to the next
 * newline without keeping them. buf starts at the record (byte offset).
 * Returns the bytes dropped. Drains first so the line number is exact. */
static uint64_t skip_giant_record(ug_input *in, member *m, feeder *f, ug_buf *buf,
                                  uint64_t offset)
{
	drain(in);
	ug_source *src = &in->sources[m->source];
	ug_skip sk = {src->id, m->line_base, offset, "record longer than 256 MiB", {0}, 0};
	src->skipped++;
	in->skipped_total++;
	note_reason(in, sk.reason, 1);
	note_skip(in, &sk);
	uint64_t dropped = 0;
	for (;;) {
		const char *nl = memchr(buf->p, '\n', buf->len);
		if (nl) {
			size_t used = (size_t)(nl + 1 - buf->p);
			memmove(buf->p, nl + 1, buf->len - used);
			buf->len -= used;
			m->line_base++;
			return dropped + used;
		}
		dropped += buf->len;
		ug_buf_clear(buf);
		if (f->eof)
			return dropped;
		feed(f, buf, 1 << 20);
	}
}

/* One member: read it into blocks of whole records and dispatch them. */
static void produce(ug_input *in, ug_source *src, ug_stream *stream)
{
	size_t bs = in->opts.block_size;
	feeder *f = calloc(1, sizeof(*f));
	ug_buf buf = UG_BUF_INIT;
	if (!f) {
		fail_source(in, src, "out of memory", NULL);
		goto out;
	}
	f->stream = stream;
	feed(f, &buf, UG_MAX(bs, UG_HEAD_BYTES));
	if (f->failed && buf.len == 0) {
		fail_source(in, src, "cannot read", f->err.message);
		goto out;
	}
	member *m = member_open(in, src, ug_buf_sv(&buf));
	if (!m)
		goto out;
	if (m->fmt->framing == UG_FRAME_CHUNKS && (f->enc != UG_ENC_UTF8 || f->bom)) {
		/* binary: must be read raw (cannot happen with a real EVTX signature) */
		fail_source(in, src, "binary file looks like UTF-16 or has a BOM", NULL);
		member_put(m);
		goto out;
	}
	ug_frame fr;
	frame_for(m, &fr, ug_buf_sv(&buf));
	uint64_t offset = 0;
	size_t want = bs;
	while (!in->stop && !(buf.len == 0 && f->eof)) {
		feed(f, &buf, want);
		if (!ug_buf_ok(&buf)) {
			fail_source(in, src, "out of memory", NULL);
			break;
		}
		size_t cut = next_cut(&fr, ug_buf_sv(&buf), bs, offset == 0, f->eof);
		if (!cut) {
			if (buf.len >= UG_MAX_RECORD) {
				offset += skip_giant_record(in, m, f, &buf, offset);
				want = bs;
				continue;
			}
			want = buf.len * 2; /* a record longer than the block: read on */
			continue;
		}
		want = bs;
		src->bytes += cut;
		char *owned = split_buffer(&buf, cut, bs);
		dispatch(in, m, &fr, owned, cut, offset);
		offset += cut;
		if (buf.len && !rebegin_if_needed(in, m, &fr, ug_buf_sv(&buf), offset))
			break;
	}
	if (f->failed)
		fail_source(in, src, "read error, file truncated", f->err.message);
	member_put(m);
out:
	ug_buf_free(&buf);
	free(f);
}

/* ---- the input ---- */

static void read_path(ug_input *in, const ug_walk_entry *e)
{
	if (e->error) {
		ug_source *src = add_source(in, e->path, NULL);
		if (src)
			fail_source(in, src, "cannot open", strerror(e->error));
		return;
	}
	ug_stream *stream;
	ug_error err;
	if (ug_stream_open(&stream, e->path, &err) != UG_OK) {
		ug_source *src = add_source(in, e->path, NULL);
		if (src)
			fail_source(in, src, "cannot open", err.message);
		return;
	}
	/* each member in turn (one for a plain or lone compressed file); blocks
	 * own their bytes, so the stream may close while they are in flight */
	const char *name;
	int r = 0;
	while (!in->stop && (r = ug_stream_next(stream, &name, &err)) == 1) {
		ug_source *src = add_source(in, e->path, name);
		if (!src)
			break;
		produce(in, src, stream);
	}
	if (!in->stop && r < 0) {
		ug_source *src = add_source(in, e->path, NULL);
		if (src)
			fail_source(in, src, "cannot read archive", err.message);
	}
	ug_stream_close(stream);
}

int ug_input_open(ug_input **out, char *const *paths, size_t npaths, const ug_input_opts *opts,
                  const ug_ctx *ctx, ug_error *err)
{
	*out = NULL;
	ug_input *in = calloc(1, sizeof(*in));
	if (!in)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	in->ctx = ctx;
	if (opts)
		in->opts = *opts;
	if (!in->opts.block_size)
		in->opts.block_size = DEFAULT_BLOCK;
	if (in->opts.format && !ug_format_find(in->opts.format)) {
		free(in);
		return ug_error_set(err, UG_ERR_INVALID, "unknown format '%s'", opts->format);
	}
	ug_arena_init(&in->names, 0);
	pthread_mutex_init(&in->mu, NULL);
	pthread_cond_init(&in->cv, NULL);
	int threads = ctx ? ctx->threads : 1;
	in->window = (size_t)UG_MAX(2, threads * 2);
	in->ring = calloc(in->window, sizeof(*in->ring));
	int rc = in->ring ? ug_pool_create(&in->pool, threads, in->window) : UG_ERR_NOMEM;
	if (rc == UG_OK)
		rc = ug_walk_paths(&in->walk, paths, npaths);
	if (rc != UG_OK) {
		ug_input_free(in);
		return ug_error_set(err, rc, "out of memory");
	}
	for (size_t i = 0; i < in->window; i++)
		ug_batch_init(&in->ring[i].batch, NULL, NULL);
	*out = in;
	return UG_OK;
}

int ug_input_read_hooked(ug_input *in, const ug_event_hook *hook, ug_event_result_fn fn, void *user,
                         ug_error *err)
{
	in->hook = hook;
	in->rfn = fn;
	return ug_input_read(in, NULL, user, err);
}

int ug_input_read(ug_input *in, ug_event_fn fn, void *user, ug_error *err)
{
	(void)err;
	in->fn = fn;
	in->user = user;
	uint64_t total = 0;
	for (size_t i = 0; i < in->walk.n; i++)
		total += in->walk.entries[i].size;
	ug_progress_start(&in->progress, in->ctx, "reading", "B", total);
	for (size_t i = 0; i < in->walk.n && !in->stop; i++)
		read_path(in, &in->walk.entries[i]);
	drain(in);
	ug_progress_end(&in->progress);
	return in->stop;
}

const ug_source *ug_input_sources(const ug_input *in, size_t *count)
{
	*count = in->nsources;
	return in->sources;
}

const ug_source *ug_input_source(const ug_input *in, uint32_t id)
{
	return id < in->nsources ? &in->sources[id] : NULL;
}

const ug_skip *ug_input_skips(const ug_input *in, size_t *count)
{
	*count = in->nskips;
	return in->skips;
}

uint64_t ug_input_skipped_total(const ug_input *in)
{
	return in->skipped_total;
}

uint64_t ug_input_ignored_total(const ug_input *in)
{
	return in->ignored_total;
}

bool ug_input_skip_reason(const ug_input *in, size_t i, const char **reason, uint64_t *count)
{
	if (i >= in->nreasons)
		return false;
	*reason = in->reasons[i].reason;
	*count = in->reasons[i].count;
	return true;
}

void ug_input_free(ug_input *in)
{
	if (!in)
		return;
	if (in->ring) {
		drain(in);
		for (size_t i = 0; i < in->window; i++)
			ug_batch_free(&in->ring[i].batch);
	}
	ug_pool_destroy(in->pool);
	free(in->ring);
	ug_walk_free(&in->walk);
	free(in->sources);
	ug_arena_free(&in->names);
	pthread_mutex_destroy(&in->mu);
	pthread_cond_destroy(&in->cv);
	free(in);
}
