/* format.h — the contract between the reading machinery (reader.c) and one
 * input format (one file each: json.c, squid.c, zeek.c, csv.c, dhcp.c, ...).
 *
 * The machinery finds files, decompresses, detects the format, cuts the data
 * into records according to the format's framing and calls parse() once per
 * record, possibly from several threads at once (parse must only touch the
 * ug_rec it is given and its read-only file state). parse() fills r->ev and
 * calls ug_rec_emit() for each event the record yields (0, 1 or more), or
 * ug_rec_skip() once with a reason when the record is malformed.
 *
 * Lines that are not records (comments, headers, blank lines) are neither
 * emitted nor skipped: they are simply not counted.
 */
#ifndef UG_SOURCES_FORMAT_H
#define UG_SOURCES_FORMAT_H

#include "core/arena.h"
#include "updguard/sources.h"

typedef enum ug_framing {
	/* One record per line. '\n' ends a line; a '\r' before it is removed. */
	UG_FRAME_LINES,
	/* JSON values: JSON lines, one top-level array of objects, or
	 * concatenated (pretty-printed) objects. Each value is one record. */
	UG_FRAME_JSON,
	/* The whole (decompressed) file is one record; parse() sets r->line and
	 * r->offset itself before each emit. For formats that are not line-based
	 * (dhcpd.leases). Files of this framing are held whole in memory. */
	UG_FRAME_WHOLE,
	/* Binary files of fixed-size units behind a file header (EVTX: a 4 KiB
	 * header, then 64 KiB chunks). parse() is called once with the head
	 * (head_size bytes at offset 0, r->chunk == 0), then once per unit
	 * (r->chunk == 1 + its index; the last one may be short when the file is
	 * truncated). Units are independent: blocks of them are parsed in
	 * parallel, in file order. No encoding sniffing, heads are not cut at
	 * newlines, and parse() numbers records itself: it sets r->line (the
	 * record number, e.g. EventRecordID; 0 when unknown) and r->offset (the
	 * record's byte offset in the file) before each emit or skip. */
	UG_FRAME_CHUNKS,
} ug_framing;

struct ug_batch;

typedef struct ug_rec {
	/* set by the machinery before parse() */
	const ug_input_opts *opts;
	const void *file_state;  /* from file_begin, or NULL */
	uint32_t source;
	uint64_t line;           /* 1-based line of the record's first byte */
	uint64_t offset;         /* byte offset of the record in the decompressed file */
	ug_arena *arena;         /* for decoded strings; lives as long as the events */
	ug_event *ev;            /* reset; source, record (= line) and offset preset */
	struct ug_batch *batch;  /* private to the machinery */
	uint32_t chunk;          /* UG_FRAME_CHUNKS: 0 = the file head, else 1 + unit index */
	void *block;             /* UG_FRAME_CHUNKS: the block's state (block_begin), or NULL */
} ug_rec;

/* Hand the filled r->ev to the machinery; r->ev is then reset (with the same
 * provenance) so parse() can emit another event from the same record. */
int ug_rec_emit(ug_rec *r);
/* The record is malformed: count it under reason (a static string) and keep
 * what was seen (truncated) for the report. r->ev is reset. */
void ug_rec_skip(ug_rec *r, const char *reason, ug_sv seen);

typedef struct ug_format {
	const char *name;     /* "ecs-json", "squid", "zeek-tsv", ... (--format) */
	const char *summary;  /* one line for docs and --help */
	ug_framing framing;
	/* How sure (0 = not this, 100 = certain) that a file whose first bytes
	 * (decompressed, at most 64 KiB, cut at a line end when possible) are head
	 * and whose name is path is in this format. */
	int (*detect)(ug_sv head, const char *path);
	/* Optional per-file state from the file's head (Zeek's #fields header,
	 * a CSV header line). The state is read-only while records are parsed. */
	int (*file_begin)(ug_sv head, const ug_input_opts *opts, void **state, ug_error *err);
	void (*file_end)(void *state);
	void (*parse)(ug_rec *r, ug_sv record);
	/* Optional: a line starting with this prefix, after the file's first
	 * record, starts a new header (Zeek: "#separator" when logs are
	 * concatenated). The machinery ends the block there and calls file_begin
	 * again with the data from that line on. */
	const char *rebegin_prefix;
	/* UG_FRAME_CHUNKS only: bytes of the file head and of each unit. */
	uint32_t head_size, unit_size;
	/* UG_FRAME_CHUNKS, optional: mutable state shared by the units of one
	 * block (EVTX: templates compiled once for all its chunks). The
	 * machinery calls block_begin before the block's first unit and
	 * block_end after its last; one thread parses the block's units in
	 * order, each getting the state in r->block; r->arena stays the same
	 * and is not reset from block_begin to block_end, so the state may keep
	 * views into it (block_end must not touch them). NULL from block_begin
	 * is allowed (out of memory: parse() then gets NULL). */
	void *(*block_begin)(void);
	void (*block_end)(void *state);
} ug_format;

/* Read one in-memory file with format f, sequentially: framing, file_begin,
 * parse, fn per event (source id 0). The reader runs the same code per
 * block; unit tests and fuzz targets call this directly. stats may be NULL. */
typedef struct ug_parse_stats {
	uint64_t records;         /* events emitted */
	uint64_t skipped;         /* records skipped */
	const char *last_reason;  /* reason of the last skip */
	uint64_t last_line;       /* line of the last skip */
} ug_parse_stats;
int ug_format_parse_buffer(const ug_format *f, ug_sv data, const ug_input_opts *opts,
                           ug_event_fn fn, void *user, ug_parse_stats *stats, ug_error *err);

/* The formats of this build (registry.c), NULL-terminated, in detection order. */
const ug_format *const *ug_formats(void);
const ug_format *ug_format_find(const char *name);
/* The format whose detect() scores highest on the file's first bytes (at
 * most UG_HEAD_BYTES; each format sees them as ug_frame_head_of frames them)
 * and path (NULL when all say 0). */
const ug_format *ug_format_detect(ug_sv data, const char *path, int *score);

#endif
