/* sigma.h — Sigma rules (SigmaHQ specification 2.x) compiled once and matched
 * against normalized events, in parallel.
 *
 * Life of a rule set:
 *   ug_sigma_create -> ug_sigma_load_path / ug_sigma_load_string (any number)
 *   -> ug_sigma_compile (logsources resolved, filters attached, prefilters
 *   built) -> ug_sigma_match from any number of threads, each with its own
 *   ug_sigma_scratch -> ug_sigma_correlate (the consumer, once per matched
 *   event, in any order) -> ug_sigma_correlate_end -> ug_sigma_free.
 *
 * Loading never drops a rule silently: a rule the engine cannot run exactly
 * is rejected with its file and the reason (ug_sigma_rejected), and the rest
 * load. Matching only reads the event and the compiled set, so one compiled
 * set serves every thread (the scratch holds what a thread writes).
 *
 * docs/sigma.md has the semantics (null and empty values, keywords, field
 * names, logsource mapping, correlations, filters) and the reject reasons.
 */
#ifndef UPDGUARD_SIGMA_H
#define UPDGUARD_SIGMA_H

#include "updguard/common.h"
#include "updguard/error.h"
#include "updguard/event.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ug_sigma_level {
	UG_SIGMA_INFORMATIONAL = 0,
	UG_SIGMA_LOW,
	UG_SIGMA_MEDIUM,
	UG_SIGMA_HIGH,
	UG_SIGMA_CRITICAL,
} ug_sigma_level;

const char *ug_sigma_level_name(ug_sigma_level l);
/* "high" -> UG_SIGMA_HIGH; false for an unknown name. */
bool ug_sigma_level_parse(const char *name, ug_sigma_level *out);

typedef struct ug_sigma_opts {
	const char *mapping_file;      /* logsource mapping (YAML); NULL = the shipped one */
	const char *placeholders_file; /* values for |expand placeholders (YAML map name -> list); NULL = none */
	ug_sigma_level min_level;      /* rules below are not loaded (counted as excluded) */
	const char *const *statuses;   /* only rules with one of these statuses; NULL-terminated; NULL = all */
	const char *const *exclude;    /* rule ids, or substrings of rule file paths, not to load; NULL-terminated */
} ug_sigma_opts;

typedef struct ug_sigma ug_sigma;

/* One loaded rule (detection or correlation). Strings live as long as the set. */
typedef struct ug_sigma_rule {
	const char *id;       /* "" when the rule has none */
	const char *title;
	const char *name;     /* the optional `name` (correlation references); "" when none */
	const char *status;   /* "" when none */
	const char *path;     /* file it came from */
	const char *tags;     /* comma-separated, "" when none */
	ug_sigma_level level;
	bool correlation;     /* a correlation rule (hits come from ug_sigma_correlate) */
	bool generate;        /* a detection rule that reports its own hits (false for rules only correlated) */
	bool mapped;          /* its logsource maps onto events we read (else it can never match) */
} ug_sigma_rule;

/* A rule (or a document of a file) that was not loaded. */
typedef struct ug_sigma_reject {
	const char *path;
	uint32_t document;    /* 1-based YAML document in the file */
	const char *title;    /* "" when unknown */
	const char *reason;
} ug_sigma_reject;

int ug_sigma_create(ug_sigma **out, const ug_sigma_opts *opts, ug_error *err);
/* A .yml/.yaml file, or a directory walked recursively (sorted; hidden
 * entries skipped). Bad rules are rejected, not errors: the return is an
 * error only when the path cannot be read at all. */
int ug_sigma_load_path(ug_sigma *s, const char *path, ug_error *err);
/* Rules from memory; name stands for the file in reports. */
int ug_sigma_load_string(ug_sigma *s, const char *name, ug_sv yaml, ug_error *err);
/* Resolve logsources, correlations and filters, build the prefilters. After
 * this, no more loading. Rules whose references do not resolve are moved to
 * the rejects. */
int ug_sigma_compile(ug_sigma *s, ug_error *err);
void ug_sigma_free(ug_sigma *s);

size_t ug_sigma_rule_count(const ug_sigma *s);
const ug_sigma_rule *ug_sigma_rule_at(const ug_sigma *s, size_t i);
size_t ug_sigma_reject_count(const ug_sigma *s);
const ug_sigma_reject *ug_sigma_reject_at(const ug_sigma *s, size_t i);
/* Rules not loaded because of min_level, statuses or exclude. */
size_t ug_sigma_excluded_count(const ug_sigma *s);

/* Per-thread matching state. */
typedef struct ug_sigma_scratch ug_sigma_scratch;
int ug_sigma_scratch_new(const ug_sigma *s, ug_sigma_scratch **out);
void ug_sigma_scratch_free(ug_sigma_scratch *sc);

/* One detection: rule index (ug_sigma_rule_at) and which search identifiers
 * of it were true (bit i = the rule's i-th identifier; for ug_sigma_hit_fields). */
typedef struct ug_sigma_hit {
	uint32_t rule;
	uint64_t sels;
} ug_sigma_hit;

/* Match ev against every rule. Hits are written to *hits (owned by the
 * scratch, valid until its next match) in rule order; returns their count. */
size_t ug_sigma_match(const ug_sigma *s, ug_sigma_scratch *sc, const ug_event *ev,
                      const ug_sigma_hit **hits);
/* "Field=value" pairs (separated by "; ") of the fields the hit's true
 * identifiers tested, as the event has them; appended to out (a ug_buf *). */
struct ug_buf;
void ug_sigma_hit_fields(const ug_sigma *s, const ug_event *ev, const ug_sigma_hit *hit,
                         struct ug_buf *out);

/* Correlation (ug_sigma_correlate_*): feed every event that had hits, in any
 * order; the events relevant to correlation rules are kept (only what the
 * correlations need: time, host, source, record, group-by and value fields)
 * and evaluated in time order at the end. Memory grows with correlated hits,
 * not with events. */
typedef struct ug_sigma_corr_hit {
	uint32_t rule;        /* the correlation rule */
	ug_time first, last;  /* time span of the events that fired it */
	const char *group;    /* group-by values, "Field=value; ..." */
	uint64_t count;       /* events (or distinct values / rules) in the window */
	uint32_t source;      /* provenance of the event that completed it */
	uint64_t record;
	const char *host;
} ug_sigma_corr_hit;

/* Does any loaded rule correlate? (Callers skip ug_sigma_correlate otherwise.) */
bool ug_sigma_has_correlations(const ug_sigma *s);
int ug_sigma_correlate(ug_sigma *s, const ug_event *ev, const ug_sigma_hit *hits, size_t nhits);
/* Evaluate the correlations over everything fed; fn is called per hit in time order. */
int ug_sigma_correlate_end(ug_sigma *s, void (*fn)(const ug_sigma_corr_hit *h, void *user),
                           void *user);

#ifdef __cplusplus
}
#endif
#endif
