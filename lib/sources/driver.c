/* driver.c — ug_format_parse_buffer: one in-memory file, read sequentially
 * with one format. The same framing code the parallel reader uses per block;
 * this is what unit tests and fuzz targets call. */
#include <string.h>

#include "core/buf.h"
#include "core/str.h"
#include "sources/machinery.h"

static int begin(const ug_format *f, ug_sv data, const ug_input_opts *opts, void **state,
                 ug_error *err)
{
	*state = NULL;
	return f->file_begin ? f->file_begin(ug_frame_head_of(f, data), opts, state, err) : UG_OK;
}

static void end(const ug_format *f, void *state)
{
	if (f->file_end && state)
		f->file_end(state);
}

static int parse_utf8(const ug_format *f, ug_sv data, const ug_input_opts *opts, ug_batch *b,
                      ug_error *err)
{
	void *state;
	int rc = begin(f, data, opts, &state, err);
	if (rc != UG_OK)
		return rc;
	ug_frame fr;
	uint64_t line = 1, offset = 0;
	for (;;) {
		ug_frame_init(&fr, f, state, opts, 0, ug_frame_head_of(f, data));
		size_t used = ug_frame_parse(&fr, data, line, offset, b);
		end(f, state);
		if (used >= data.n || b->stop)
			return UG_OK;
		/* a new header starts at data[used]: restart the format from there */
		line += ug_count_newlines(data.p, used);
		offset += used;
		data = ug_sv_sub(data, used, data.n);
		ug_error sub;
		if (begin(f, data, opts, &state, &sub) != UG_OK) {
			ug_batch_skip(b, 0, line, offset, "bad header", data);
			return UG_OK;
		}
	}
}

int ug_format_parse_buffer(const ug_format *f, ug_sv data, const ug_input_opts *opts,
                           ug_event_fn fn, void *user, ug_parse_stats *stats, ug_error *err)
{
	ug_input_opts defaults = {0};
	if (!opts)
		opts = &defaults;
	size_t bom = 0;
	/* binary chunked formats are read raw */
	ug_encoding enc = f->framing == UG_FRAME_CHUNKS ? UG_ENC_UTF8 : ug_encoding_sniff(data, &bom);
	ug_buf converted = UG_BUF_INIT;
	data = ug_sv_sub(data, bom, data.n);
	if (enc != UG_ENC_UTF8) {
		ug_utf16_dec d;
		ug_utf16_init(&d, enc == UG_ENC_UTF16BE);
		ug_utf16_feed(&d, (const unsigned char *)data.p, data.n, &converted);
		ug_utf16_finish(&d, &converted);
		if (!ug_buf_ok(&converted))
			return ug_error_set(err, UG_ERR_NOMEM, "out of memory converting UTF-16");
		data = ug_buf_sv(&converted);
	}
	ug_batch b;
	ug_batch_init(&b, fn, user);
	int rc = parse_utf8(f, data, opts, &b, err);
	if (stats) {
		stats->records = b.records;
		stats->skipped = b.skipped;
		stats->last_reason = b.ndetails ? b.details[b.ndetails - 1].reason : NULL;
		stats->last_line = b.ndetails ? b.details[b.ndetails - 1].line : 0;
	}
	ug_batch_free(&b);
	ug_buf_free(&converted);
	return rc;
}
