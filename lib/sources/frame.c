/* frame.c — cutting decompressed data into records (the framings of
 * format.h) and handing each to its format's parse(); and where a stream may
 * be cut into blocks that hold only whole records, so that blocks can be
 * parsed in parallel. Chunk framing (binary EVTX) cuts at unit boundaries:
 * the file head, then whole units.
 *
 * JSON framing has two layouts, decided per file from its head: "split" (a
 * wrapping array, or pretty-printed values whose first line is a lone "{":
 * values are found by matching brackets outside strings) and "lines" (all
 * else: JSON lines, the common case, cut at newlines like text). */
#include <string.h>

#include "core/str.h"
#include "sources/machinery.h"

uint64_t ug_count_newlines(const char *p, size_t n)
{
	uint64_t count = 0;
	const char *end = p + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		count++;
		p = nl + 1;
	}
	return count;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* End (exclusive) of the JSON value starting at p[0], or 0 when the data ends
 * before it does. A scalar ends at whitespace or a separator. */
static size_t json_value_end(const char *p, size_t n)
{
	size_t i = 0;
	if (p[0] != '{' && p[0] != '[' && p[0] != '"') {
		while (i < n && !is_ws(p[i]) && p[i] != ',' && p[i] != ']' && p[i] != '}')
			i++;
		return i < n ? UG_MAX(i, 1) : 0;
	}
	int depth = 0;
	while (i < n) {
		char c = p[i];
		if (c == '"') {
			for (i++; i < n && p[i] != '"'; i++)
				if (p[i] == '\\')
					i++;
			if (i >= n)
				return 0;
			if (depth == 0)
				return i + 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && --depth == 0) {
			return i + 1;
		}
		i++;
	}
	return 0;
}

/* Skip whitespace, commas and closing brackets between top-level values, and
 * the opening bracket of a wrapping array at the very start of the file. */
static size_t json_skip_separators(const char *p, size_t n, size_t i, bool at_file_start)
{
	for (; i < n; i++) {
		char c = p[i];
		if (c == '[' && at_file_start) {
			at_file_start = false;
			continue;
		}
		if (!is_ws(c) && c != ',' && c != ']')
			break;
		if (!is_ws(c))
			at_file_start = false;
	}
	return i;
}

static size_t skip_bom_ws(ug_sv s)
{
	size_t i = s.n >= 3 && memcmp(s.p, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	while (i < s.n && is_ws(s.p[i]))
		i++;
	return i;
}

ug_sv ug_frame_head(ug_sv data)
{
	if (data.n <= UG_HEAD_BYTES)
		return data;
	ug_sv h = ug_sv_make(data.p, UG_HEAD_BYTES);
	size_t nl = ug_sv_rfind_char(h, '\n');
	if (nl != SIZE_MAX)
		h.n = nl + 1;
	return h;
}

ug_sv ug_frame_head_of(const ug_format *fmt, ug_sv data)
{
	if (fmt && fmt->framing == UG_FRAME_CHUNKS)
		return ug_sv_make(data.p, UG_MIN(data.n, UG_HEAD_BYTES));
	return ug_frame_head(data);
}

void ug_frame_init(ug_frame *fr, const ug_format *fmt, const void *fstate,
                   const ug_input_opts *opts, uint32_t source, ug_sv head)
{
	fr->fmt = fmt;
	fr->fstate = fstate;
	fr->opts = opts;
	fr->source = source;
	fr->json_split = false;
	if (fmt->framing != UG_FRAME_JSON)
		return;
	size_t i = skip_bom_ws(head);
	if (i >= head.n)
		return;
	if (head.p[i] == '[') {
		fr->json_split = true;
		return;
	}
	/* Pretty-printers (jq, json.dumps(indent=...), Go's MarshalIndent) put the
	 * opening brace alone on the first line. Anything else is read as JSON
	 * lines, so that a damaged first line cannot swallow the file. */
	ug_sv first = ug_sv_sub(head, i, head.n);
	size_t nl = ug_sv_find_char(first, '\n');
	fr->json_split = nl != SIZE_MAX && ug_sv_eq(ug_sv_trim(ug_sv_sub(first, 0, nl)), UG_SV("{"));
}

size_t ug_frame_find_rebegin(const ug_frame *fr, ug_sv data)
{
	const char *prefix = fr->fmt->rebegin_prefix;
	if (!prefix)
		return SIZE_MAX;
	size_t plen = strlen(prefix);
	for (size_t from = 0; from < data.n;) {
		const char *nl = memchr(data.p + from, '\n', data.n - from);
		if (!nl)
			return SIZE_MAX;
		size_t at = (size_t)(nl - data.p) + 1;
		if (data.n - at >= plen && memcmp(data.p + at, prefix, plen) == 0)
			return at;
		from = at;
	}
	return SIZE_MAX;
}

/* Chunk framing: the shortest prefix of the head (at the file start) and
 * whole units that is at least min bytes; 0 when data does not hold it. */
static size_t chunks_cut(const ug_format *f, ug_sv data, size_t min, bool at_file_start)
{
	size_t head = at_file_start ? f->head_size : 0, unit = f->unit_size;
	size_t units = min > head ? (min - head + unit - 1) / unit : 0;
	size_t cut = head + units * unit;
	return cut && cut <= data.n ? cut : 0;
}

size_t ug_frame_cut(const ug_frame *fr, ug_sv data, size_t min, bool at_file_start, bool at_eof)
{
	if (at_eof)
		return data.n;
	if (fr->fmt->framing == UG_FRAME_WHOLE)
		return 0;
	if (fr->fmt->framing == UG_FRAME_CHUNKS)
		return chunks_cut(fr->fmt, data, min, at_file_start);
	if (min > data.n)
		return 0;
	if (fr->fmt->framing == UG_FRAME_LINES || !fr->json_split) {
		size_t from = min ? min - 1 : 0;
		const char *nl = memchr(data.p + from, '\n', data.n - from);
		return nl ? (size_t)(nl - data.p) + 1 : 0;
	}
	size_t i = json_skip_separators(data.p, data.n, 0, at_file_start);
	while (i < data.n) {
		size_t end = json_value_end(data.p + i, data.n - i);
		if (!end)
			return 0;
		i += end;
		if (i >= min)
			return i;
		i = json_skip_separators(data.p, data.n, i, false);
	}
	return 0;
}

/* Text records must be NUL-free UTF-8; returns the reason when not. */
static const char *text_problem(ug_sv s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0;
	/* fast path: 8 bytes at a time while all are ASCII and non-zero */
	for (; i + 8 <= s.n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		uint64_t zero = (w - UINT64_C(0x0101010101010101)) & ~w & UINT64_C(0x8080808080808080);
		if ((w & UINT64_C(0x8080808080808080)) || zero)
			break;
	}
	if (memchr(p + i, '\0', s.n - i))
		return "NUL byte in record";
	return ug_utf8_valid(ug_sv_sub(s, i, s.n)) ? NULL : "invalid UTF-8";
}

static void parse_one(const ug_frame *fr, ug_batch *b, ug_event *ev, ug_sv rec, uint64_t line,
                      uint64_t offset, uint32_t chunk)
{
	if (rec.n > UG_MAX_RECORD) {
		ug_batch_skip(b, fr->source, line, offset, "record longer than 256 MiB", rec);
		return;
	}
	if (fr->fmt->framing == UG_FRAME_LINES) {
		const char *problem = text_problem(rec);
		if (problem) {
			ug_batch_skip(b, fr->source, line, offset, problem, rec);
			return;
		}
	}
	ug_rec r = {fr->opts, fr->fstate, fr->source, line, offset, &b->arena, ev, b, chunk, b->block};
	ug_event_reset(ev);
	ev->source = fr->source;
	ev->record = line;
	ev->offset = offset;
	fr->fmt->parse(&r, rec);
	if (b->fn) /* direct mode: the event was consumed; recycle decoded strings */
		ug_arena_reset(&b->arena);
}

/* Sets b->newlines when it parsed all of data (the newlines it passed are
 * then all there are). */
static size_t parse_lines(const ug_frame *fr, ug_sv data, uint64_t line, uint64_t offset,
                          ug_batch *b, ug_event *ev)
{
	const char *prefix = fr->fmt->rebegin_prefix;
	size_t plen = prefix ? strlen(prefix) : 0;
	size_t pos = 0;
	uint64_t newlines = 0;
	while (pos < data.n && !b->stop) {
		const char *nl = memchr(data.p + pos, '\n', data.n - pos);
		size_t end = nl ? (size_t)(nl - data.p) : data.n;
		ug_sv rec = ug_sv_make(data.p + pos, end - pos);
		if (rec.n && rec.p[rec.n - 1] == '\r')
			rec.n--;
		if (plen && pos > 0 && rec.n >= plen && memcmp(rec.p, prefix, plen) == 0)
			return pos;
		if (fr->fmt->framing == UG_FRAME_JSON)
			rec = ug_sv_trim(rec);
		if (rec.n)
			parse_one(fr, b, ev, rec, line, offset + pos, 0);
		line++;
		newlines += nl != NULL;
		pos = nl ? end + 1 : data.n;
	}
	if (pos >= data.n) {
		b->newlines = newlines;
		b->newlines_known = true;
	}
	return data.n;
}

static void parse_json_split(const ug_frame *fr, ug_sv data, uint64_t line, uint64_t offset,
                             ug_batch *b, ug_event *ev)
{
	size_t counted = 0; /* newlines counted up to here */
	size_t i = json_skip_separators(data.p, data.n, 0, offset == 0);
	while (i < data.n && !b->stop) {
		line += ug_count_newlines(data.p + counted, i - counted);
		counted = i;
		size_t end = json_value_end(data.p + i, data.n - i);
		if (!end) {
			ug_batch_skip(b, fr->source, line, offset + i, "truncated JSON value",
			              ug_sv_sub(data, i, data.n));
			return;
		}
		parse_one(fr, b, ev, ug_sv_make(data.p + i, end), line, offset + i, 0);
		i = json_skip_separators(data.p, data.n, i + end, false);
	}
}

/* The format's block state (format.h: block_begin) lives as long as the
 * arena's contents: the whole block, or one unit in direct mode (parse_one
 * then resets the arena after each). */
static void block_begin(const ug_format *f, ug_batch *b)
{
	if (f->block_begin)
		b->block = f->block_begin();
}

static void block_end(const ug_format *f, ug_batch *b)
{
	if (f->block_end && b->block)
		f->block_end(b->block);
	b->block = NULL;
}

static void parse_unit(const ug_frame *fr, ug_batch *b, ug_event *ev, ug_sv unit, uint64_t at,
                       uint32_t chunk)
{
	if (b->fn)
		block_begin(fr->fmt, b);
	parse_one(fr, b, ev, unit, 0, at, chunk);
	if (b->fn)
		block_end(fr->fmt, b);
}

/* The head (when data starts the file) and each unit, in order. Invariant:
 * data starts at the file start or on a unit boundary (ug_frame_cut). */
static void parse_chunks(const ug_frame *fr, ug_sv data, uint64_t offset, ug_batch *b, ug_event *ev)
{
	const ug_format *f = fr->fmt;
	size_t pos = 0;
	if (!b->fn)
		block_begin(f, b);
	if (offset == 0) {
		pos = UG_MIN(data.n, (size_t)f->head_size);
		parse_unit(fr, b, ev, ug_sv_make(data.p, pos), 0, 0);
	}
	while (pos < data.n && !b->stop) {
		size_t n = UG_MIN((size_t)f->unit_size, data.n - pos);
		uint64_t at = offset + pos;
		uint32_t chunk = (uint32_t)((at - f->head_size) / f->unit_size + 1);
		parse_unit(fr, b, ev, ug_sv_make(data.p + pos, n), at, chunk);
		pos += n;
	}
	if (!b->fn)
		block_end(f, b);
}

size_t ug_frame_parse(const ug_frame *fr, ug_sv data, uint64_t first_line, uint64_t first_offset,
                      ug_batch *b)
{
	ug_event ev;
	ug_event_init(&ev, &b->arena);
	size_t used = data.n;
	if (fr->fmt->framing == UG_FRAME_CHUNKS) {
		parse_chunks(fr, data, first_offset, b, &ev);
	} else if (fr->fmt->framing == UG_FRAME_WHOLE) {
		if (data.n)
			parse_one(fr, b, &ev, data, first_line, first_offset, 0);
	} else if (fr->fmt->framing == UG_FRAME_JSON && fr->json_split) {
		parse_json_split(fr, data, first_line, first_offset, b, &ev);
	} else {
		used = parse_lines(fr, data, first_line, first_offset, b, &ev);
	}
	ug_event_free(&ev);
	return used;
}
