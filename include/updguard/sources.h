/* sources.h — reading every log an analyst hands us into normalized events.
 *
 * A ug_input is a set of inputs (files, directories walked recursively,
 * archives and compressed files, "-" for stdin). ug_input_read streams them:
 * each file is detected (or told) a format, cut into blocks, the blocks parsed
 * in parallel, and the events handed to the caller's callback IN INPUT ORDER
 * (file by file in the order given / walked (sorted), record by record), from
 * one thread at a time. Memory is bounded by a few blocks per worker, never by
 * the size of the input.
 *
 * Bad records never stop a read: each one is counted per file and per reason,
 * and the first few are kept in full (file, line, offset, reason) for the run
 * summary.
 */
#ifndef UPDGUARD_SOURCES_H
#define UPDGUARD_SOURCES_H

#include "updguard/context.h"
#include "updguard/error.h"
#include "updguard/event.h"
#include "updguard/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One input file (an archive member is a file of its own: "a.zip:member.json"). */
typedef struct ug_source {
	uint32_t id;          /* index in the input's source table; ug_event.source */
	const char *path;     /* as given/walked; archive members as "archive:member" */
	const char *format;   /* format name that read it ("ecs-json", "squid", ...) */
	uint64_t bytes;       /* decompressed bytes read */
	uint64_t records;     /* records (events) read */
	uint64_t skipped;     /* malformed records skipped */
	bool failed;          /* the file could not be read at all (see the skip list) */
	const char *ignored;  /* not read because it is not a log: why (else NULL) */
} ug_source;

/* One reported problem (the first UG_SKIP_DETAIL_MAX per run are kept). */
typedef struct ug_skip {
	uint32_t source;
	uint64_t line;        /* 0 when not line-based */
	uint64_t offset;      /* byte offset in the decompressed file */
	const char *reason;   /* static text, e.g. "invalid JSON" */
	char detail[96];      /* what was seen, truncated */
	uint32_t chunk;       /* chunked formats (EVTX): 1 + chunk index; 0 otherwise.
	                       * line is then the record number (0 when unknown) */
} ug_skip;

#define UG_SKIP_DETAIL_MAX 50

/* A zone for the files whose path matches a glob (fnmatch, '*' crossing
 * '/'): DHCP servers and NXLog collectors each log in their own local time. */
typedef struct ug_tz_rule {
	const char *glob;
	const ug_tz *tz;
} ug_tz_rule;

typedef struct ug_input_opts {
	const char *format;        /* force a format by name; NULL = detect per file */
	const ug_tz *input_tz;     /* zone of local timestamps (NXLog EventTime, DHCP); NULL = UTC */
	const ug_tz_rule *tz_rules;/* per-file zones, first match wins over input_tz */
	size_t ntz_rules;
	const char *csv_mapping;   /* mapping file for headered CSV (docs/formats.md) */
	size_t block_size;         /* bytes per parse block; 0 = 1 MiB */
	bool carve;                /* EVTX: also recover records from chunk slack (docs/evtx.md) */
	bool evtx_xml;             /* EVTX: add each record's XML as the field "#xml" */
} ug_input_opts;

typedef struct ug_input ug_input;

/* Return 0 to go on, non-zero to stop reading (ug_input_read then returns it). */
typedef int (*ug_event_fn)(const ug_event *ev, void *user);

int ug_input_open(ug_input **out, char *const *paths, size_t npaths, const ug_input_opts *opts,
                  const ug_ctx *ctx, ug_error *err);
/* Read everything, calling fn for each event in input order. UG_OK when the
 * whole input was read (even if records were skipped: see the counts). */
int ug_input_read(ug_input *in, ug_event_fn fn, void *user, ug_error *err);
/* Work done on each event in the parsing workers, in parallel, right after
 * its block is parsed (Sigma matching, say); the per-event result travels
 * with the event to the ordered consumer. Per block, in the worker:
 * state = block_begin(user); result_i = event(ev_i, state, user) for each
 * event; block_end(state, user). The consumer then gets fn(ev_i, result_i)
 * in input order and owns result_i (NULL is a fine result). Results of
 * events never delivered (the consumer stopped) go to result_free. Every
 * member but event may be NULL. */
typedef struct ug_event_hook {
	void *(*block_begin)(void *user);
	void *(*event)(const ug_event *ev, void *state, void *user);
	void (*block_end)(void *state, void *user);
	void (*result_free)(void *result, void *user);
	void *user;
} ug_event_hook;
typedef int (*ug_event_result_fn)(const ug_event *ev, void *result, void *user);
/* ug_input_read with a hook run in the workers (see ug_event_hook). */
int ug_input_read_hooked(ug_input *in, const ug_event_hook *hook, ug_event_result_fn fn, void *user,
                         ug_error *err);
/* Sources seen so far (valid until ug_input_free). */
const ug_source *ug_input_sources(const ug_input *in, size_t *count);
const ug_source *ug_input_source(const ug_input *in, uint32_t id);
/* Kept skip details (at most UG_SKIP_DETAIL_MAX), and counts per reason. */
const ug_skip *ug_input_skips(const ug_input *in, size_t *count);
uint64_t ug_input_skipped_total(const ug_input *in);
/* Files not read because they are not logs in a format we know (listed in
 * the sources with their reason; not counted as skipped records). */
uint64_t ug_input_ignored_total(const ug_input *in);
/* Per-reason totals: call with i = 0, 1, ... until it returns false. */
bool ug_input_skip_reason(const ug_input *in, size_t i, const char **reason, uint64_t *count);
void ug_input_free(ug_input *in);

/* Name of the i-th format this build reads; NULL past the last one. */
const char *ug_format_name(size_t i);

#ifdef __cplusplus
}
#endif
#endif
