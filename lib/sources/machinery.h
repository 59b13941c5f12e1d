/* machinery.h — internals shared by the reading machinery: batches of parsed
 * events, framing (cutting data into records), encodings. Formats see only
 * format.h; this is for batch.c, frame.c, driver.c, stream.c and reader.c. */
#ifndef UG_SOURCES_MACHINERY_H
#define UG_SOURCES_MACHINERY_H

#include "core/arena.h"
#include "sources/format.h"

/* Longest record accepted (a line, a JSON value); longer ones are skipped. */
#define UG_MAX_RECORD ((size_t)256 << 20)
/* How much of a file's start detection and file_begin see. */
#define UG_HEAD_BYTES ((size_t)64 << 10)

typedef struct ug_skip_reason {
	const char *reason;
	uint64_t count;
} ug_skip_reason;

#define UG_BATCH_MAX_REASONS 32

/* Where parsed events go: straight to a callback (direct mode, fn != NULL),
 * or stored to be handed on later in input order (reader mode). */
typedef struct ug_batch {
	ug_event_fn fn;
	void *user;
	int stop;               /* non-zero once fn asked to stop */
	ug_event *events;       /* stored mode: fields live in arena */
	size_t nevents, cap;
	ug_arena arena;
	uint64_t records, skipped;
	ug_skip details[UG_SKIP_DETAIL_MAX]; /* the first skips, in full */
	size_t ndetails;
	ug_skip_reason reasons[UG_BATCH_MAX_REASONS];
	size_t nreasons;
	bool oom;
	uint64_t newlines;      /* in the data ug_frame_parse was given, when known */
	bool newlines_known;
	/* Stored mode, optional: post runs on each event as it is stored, while
	 * the event is still in this core's cache (a reader hook's per-event
	 * work); its result goes to results[i] (NULL when there was no room).
	 * The event's record number is not rebased yet. */
	void *(*post)(const ug_event *ev, void *state, void *user);
	void *post_state, *post_user;
	void **results;         /* results[i] for i < nresults (<= nevents) */
	size_t nresults, results_cap;
	void *block;            /* the format's block state while a block is parsed (format.h) */
} ug_batch;

void ug_batch_init(ug_batch *b, ug_event_fn fn, void *user);
/* Forget events and skips, keep memory. */
void ug_batch_reset(ug_batch *b);
void ug_batch_free(ug_batch *b);
/* Record a skip that is not tied to a ug_rec (machinery-level). */
void ug_batch_skip(ug_batch *b, uint32_t source, uint64_t line, uint64_t offset,
                   const char *reason, ug_sv seen);

/* Per-file framing state, decided from the file's head. */
typedef struct ug_frame {
	const ug_format *fmt;
	const void *fstate;      /* format's file state */
	const ug_input_opts *opts;
	uint32_t source;
	bool json_split;         /* JSON framing: values are not one per line */
} ug_frame;

/* The head a format sees (detect, file_begin): at most UG_HEAD_BYTES of
 * data, cut after the last newline in them when there is one. */
ug_sv ug_frame_head(ug_sv data);
/* The head format fmt sees: ug_frame_head(data), or for UG_FRAME_CHUNKS the
 * first UG_HEAD_BYTES uncut (binary: newlines mean nothing). */
ug_sv ug_frame_head_of(const ug_format *fmt, ug_sv data);
/* Framings whose records are numbered by line (the machinery rebases them). */
static inline bool ug_framing_has_lines(ug_framing f)
{
	return f == UG_FRAME_LINES || f == UG_FRAME_JSON;
}
/* Decide the JSON layout from the head (lines vs split). */
void ug_frame_init(ug_frame *fr, const ug_format *fmt, const void *fstate,
                   const ug_input_opts *opts, uint32_t source, ug_sv head);
/* Parse the whole records in data (which starts at file line first_line and
 * byte first_offset) into b. Stops early before a line that starts the
 * format's rebegin_prefix (other than data's first line) and returns the
 * bytes consumed; otherwise returns data.n. */
size_t ug_frame_parse(const ug_frame *fr, ug_sv data, uint64_t first_line, uint64_t first_offset,
                      ug_batch *b);
/* Length of the longest prefix of data that holds only whole records and is
 * at least min bytes (or all of data when at_eof). 0 when no cut is possible
 * yet (need more data). at_file_start: data begins the file. */
size_t ug_frame_cut(const ug_frame *fr, ug_sv data, size_t min, bool at_file_start, bool at_eof);
/* Offset in data of a line starting with the format's rebegin prefix (not
 * counting a match at offset 0), or SIZE_MAX. */
size_t ug_frame_find_rebegin(const ug_frame *fr, ug_sv data);
/* Newlines in p[0..n). */
uint64_t ug_count_newlines(const char *p, size_t n);

/* Encodings. Text inputs are UTF-8; a UTF-8 BOM is dropped. UTF-16 (BOM
 * FF FE / FE FF, or LE text without BOM: ASCII bytes interleaved with zeros)
 * is converted to UTF-8 as it streams; invalid units become U+FFFD and are
 * counted. */
typedef enum ug_encoding { UG_ENC_UTF8, UG_ENC_UTF16LE, UG_ENC_UTF16BE } ug_encoding;
/* Encoding of a file from its first bytes; *bom_len gets the BOM's length. */
ug_encoding ug_encoding_sniff(ug_sv head, size_t *bom_len);
typedef struct ug_utf16_dec {
	bool be;
	unsigned char carry;   /* odd byte left from the previous chunk */
	bool has_carry;
	uint16_t high;         /* pending high surrogate, 0 when none */
	uint64_t errors;       /* invalid units replaced */
} ug_utf16_dec;
struct ug_buf;
void ug_utf16_init(ug_utf16_dec *d, bool big_endian);
/* Append the UTF-8 form of the next chunk of UTF-16 bytes to out. */
void ug_utf16_feed(ug_utf16_dec *d, const unsigned char *p, size_t n, struct ug_buf *out);
/* End of input: flush a dangling byte or surrogate (as U+FFFD). */
void ug_utf16_finish(ug_utf16_dec *d, struct ug_buf *out);

#endif
