/* report.h — what a finished hunt hands to people and tools (docs/outputs.md).
 *
 * A case is one finished hunt: the run's parameters plus the hunt result
 * (hosts, deliveries, evidence, IOCs, server stats, the input as read). It is
 * built from a ug_hunt_result right after a hunt, or loaded back from the
 * case database (case.sqlite), and every output renders from it alone, so
 * `updguard report CASE.sqlite --out DIR` re-renders everything without the
 * logs:
 *
 *   case.sqlite            the whole case as tables (docs/case-db.md)
 *   report.html            one self-contained page for people
 *   timeline.csv/.jsonl    every delivery and evidence item, for Timesketch
 *   iocs.stix.json         STIX 2.1 bundle of the IOCs (deterministic ids)
 *   rules/updguard-NAME.yml Sigma rules generated from the findings
 *   egress/                the update hosts and addresses normal updates used
 *
 * Outputs never depend on the wall clock except the case's `created` stamp
 * (shown, never used for ids), so rerunning on the same data gives the same
 * files. Log data is hostile: every output escapes for its own syntax.
 */
#ifndef UPDGUARD_REPORT_H
#define UPDGUARD_REPORT_H

#include "updguard/error.h"
#include "updguard/hunt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How the hunt was run, as the case records it. Lists are '|'-separated. */
typedef struct ug_case_run {
	const char *tool_version;
	ug_time created;          /* when the hunt ran (wall clock) */
	const char *profile;      /* as given, "" when none */
	const char *updaters;     /* ad-hoc --updater values */
	const char *update_hosts; /* ad-hoc --update-host values */
	const char *install_dirs;
	const char *iocs_file;
	ug_time skew;
	bool window_given;        /* --window was given (else inferred or none) */
} ug_case_run;

typedef struct ug_case {
	ug_case_run run;
	const ug_hunt_result *res; /* owned by the case when loaded, borrowed when built */
	void *priv;
} ug_case;

/* A case over a finished hunt (r stays the caller's and must outlive the
 * case); opts may be NULL. */
int ug_case_from_hunt(const ug_hunt_result *r, const ug_hunt_opts *opts, ug_time created, ug_case **out,
                      ug_error *err);
/* Load a case database. A file that is not one (or is damaged) is an
 * UG_ERR_PARSE with a message saying what is wrong; never a crash. */
int ug_case_load(const char *path, ug_case **out, ug_error *err);
void ug_case_free(ug_case *c);

/* case.sqlite: written under a temporary name in one transaction (WAL) and
 * renamed over path, so a killed run leaves the previous file or none. */
int ug_case_write_db(const ug_case *c, const char *path, ug_error *err);

/* The outputs, each into dir (which must exist). */
int ug_report_write_html(const ug_case *c, const char *dir, ug_error *err);
int ug_report_write_timeline(const ug_case *c, const char *dir, ug_error *err);
int ug_report_write_stix(const ug_case *c, const char *dir, ug_error *err);
int ug_report_write_sigma(const ug_case *c, const char *dir, ug_error *err);   /* dir/rules/ */
int ug_report_write_egress(const ug_case *c, const char *dir, ug_error *err);  /* dir/egress/ */

#define UG_REPORT_DB 1u
#define UG_REPORT_HTML 2u
#define UG_REPORT_TIMELINE 4u
#define UG_REPORT_STIX 8u
#define UG_REPORT_SIGMA 16u
#define UG_REPORT_EGRESS 32u
#define UG_REPORT_ALL 63u

/* The outputs selected by `what` into dir (created). Stops at the first error. */
int ug_report_write(const ug_case *c, const char *dir, unsigned what, ug_error *err);

/* Deterministic UUIDv5 (RFC 4122, SHA-1) of name in namespace ns (16 bytes),
 * as 36 characters + NUL into out. */
void ug_uuid5(const unsigned char ns[16], const char *name, size_t n, char out[37]);

#ifdef __cplusplus
}
#endif
#endif
