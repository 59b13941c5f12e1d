/* hunt.h — who got the bad update, from where, when, and what it did next.
 *
 * ug_hunt_run reads the input twice (sources.h: streamed, bounded memory).
 * Pass 1 indexes: which host had which IP when (DHCP leases, the endpoints'
 * own connections), every delivery of the product's updates (updater
 * processes and their connections/downloads on endpoints; requests to the
 * update hosts in proxy and network logs, mapped from client IP to host),
 * and fleet-wide first-seen/prevalence of destinations. Pass 2 collects,
 * for every delivery, what the host did in the following `after` minutes,
 * attributed by process lineage from the updater (strong) or by time
 * (weak), as behaviour features. The baseline is what normal deliveries do
 * (outside the window, from other servers); evidence is behaviour that
 * window deliveries show and the baseline and the rest of the fleet do not.
 *
 * Memory is bounded by hosts, deliveries and evidence, never by events.
 * Everything the result holds is owned by it (ug_hunt_result_free).
 */
#ifndef UPDGUARD_HUNT_H
#define UPDGUARD_HUNT_H

#include <stdio.h>

#include "updguard/context.h"
#include "updguard/error.h"
#include "updguard/sources.h"
#include "updguard/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the analyst knows about the product: from a profile (profiles/NAME.yml,
 * docs/profiles.md) and/or ad-hoc flags (which add to the profile's lists;
 * --product replaces its name). */
typedef struct ug_hunt_opts {
	const char *profile;            /* name (looked up in the profile dirs) or a path; NULL = none */
	const char *const *profile_dirs;/* where names are looked up, NULL-terminated; NULL = defaults */
	const char *product;
	const char *const *updaters;    /* image names or full paths (case-insensitive), NULL-terminated */
	const char *const *update_hosts;/* host globs ('*' and '?'), NULL-terminated */
	const char *const *install_dirs;/* path prefixes, NULL-terminated */
	ug_time window_start;           /* suspected compromise window; INT64_MIN.. = none */
	ug_time window_end;             /* INT64_MAX = open */
	ug_time after;                  /* attribution after a delivery (default 60 min) */
	ug_time skew;                   /* tolerated clock skew between sources (default 5 min) */
	const char *iocs_file;          /* known IOCs to sweep for (CSV or STIX 2.1 bundle); NULL = none */
	ug_input_opts input;            /* how to read the logs */
	const char *const *rules;       /* Sigma rule files/folders for the second stage, NULL-terminated; NULL = none */
	int rules_min_level;            /* ug_sigma_level: rules below it are not run (default informational) */
} ug_hunt_opts;

/* Defaults: after 60 min, skew 5 min, no window, nothing else. */
void ug_hunt_opts_init(ug_hunt_opts *o);

typedef enum ug_verdict {
	UG_VERDICT_NO_DELIVERY = 0, /* the product was not delivered to this host (in the judged period) */
	UG_VERDICT_CLEAN,           /* delivered; nothing after it that normal updates do not do */
	UG_VERDICT_SUSPICIOUS,      /* delivered; some unexplained behaviour, not enough to conclude */
	UG_VERDICT_COMPROMISED,     /* delivered; behaviour only malicious deliveries show */
} ug_verdict;

const char *ug_verdict_name(ug_verdict v); /* "no-delivery", "clean-delivery", "suspicious", "compromised" */

/* Where a finding comes from: the input file (ug_source id; path in the
 * result's sources) and its line or record number. */
typedef struct ug_prov {
	uint32_t source;
	uint64_t record;
} ug_prov;

#define UG_SEEN_ENDPOINT 1u /* updater activity in endpoint events */
#define UG_SEEN_PROXY 2u    /* HTTP request in a proxy log */
#define UG_SEEN_NETWORK 4u  /* Zeek conn/ssl/http/dns */

typedef struct ug_delivery {
	ug_time time;          /* first sign of the delivery (endpoint clock when seen there) */
	const char *server;    /* update host name, "" when unknown */
	const char *server_ip; /* "" when unknown */
	const char *region;    /* from the profile's server map, "" when unknown */
	const char *url;       /* "" when unknown */
	uint64_t bytes;        /* downloaded bytes, 0 when unknown */
	const char *files;     /* files the updater wrote or ran, '|'-separated, "" when none */
	const char *sha256;    /* hash of the package/updater image when seen, "" */
	unsigned seen;         /* UG_SEEN_* bits: which kinds of source saw it */
	bool in_window;
	ug_prov prov;          /* the first event that showed it */
} ug_delivery;

typedef struct ug_evidence {
	ug_time time;
	const char *kind;      /* "persistence-task", "dropped-executable", "hosts-file", "beacon", ... (docs/hunt.md) */
	const char *technique; /* ATT&CK id, e.g. "T1053.005" */
	const char *summary;   /* one line in plain words */
	const char *value;     /* the thing itself as the log wrote it: path, task name, domain, hash ... */
	const char *pattern;   /* value normalized for fleet counts (lower case, user names '*', digit runs '#') */
	bool lineage;          /* attributed by process lineage from the updater (else by time) */
	uint32_t fleet_hosts;  /* hosts in the fleet showing the same value */
	uint32_t baseline_hosts; /* of which after a baseline (normal) delivery */
	double weight;         /* contribution to the host's score */
	ug_prov prov;
	/* the process that did it and its parent, as logged (for the report's
	 * lineage tree); "" or NULL when unknown (network-only evidence) */
	const char *process;
	const char *parent_process;
} ug_evidence;

typedef struct ug_host_result {
	const char *host;          /* normalized name (or IP when no name is known) */
	const char *ips;           /* IPs it had, ','-separated */
	bool endpoint_logs;        /* some endpoint events were seen for it */
	ug_verdict verdict;
	double score;
	const char *explanation;   /* the verdict in plain words */
	ug_delivery *deliveries;
	size_t ndeliveries;
	ug_evidence *evidence;
	size_t nevidence;
} ug_host_result;

typedef struct ug_ioc {
	const char *type;    /* "sha256", "md5", "file-path", "file-name", "domain", "ipv4", "url", "task-name", "registry", "service-name" */
	const char *value;
	uint32_t hosts;      /* compromised hosts showing it */
	const char *context; /* where it came from, in words */
	ug_prov prov;        /* one place it was seen */
} ug_ioc;

/* Deliveries per server per time bucket, for the summary and the report. */
typedef struct ug_server_stat {
	const char *server;
	const char *region;
	uint64_t deliveries, window_deliveries, compromised_deliveries;
	ug_time first, last;
} ug_server_stat;

typedef struct ug_hunt_result {
	const char *product;
	ug_time window_start, window_end, after;
	bool window_inferred;       /* no --window was given; window_start/end were inferred from the data */
	ug_host_result *hosts;      /* sorted: compromised first, then by name */
	size_t nhosts;
	ug_ioc *iocs;
	size_t niocs;
	ug_server_stat *servers;
	size_t nservers;
	/* the input as read */
	ug_source *sources;
	size_t nsources;
	uint64_t records_read, records_skipped;
	const char *skipped_summary; /* the skip report in words (first skips and counts per reason) */
	void *priv;                  /* memory the result owns */
} ug_hunt_result;

int ug_hunt_run(const ug_hunt_opts *opts, char *const *paths, size_t npaths, const ug_ctx *ctx,
                ug_hunt_result **out, ug_error *err);
void ug_hunt_result_free(ug_hunt_result *r);

/* The one-screen summary (text), or the same as JSON. */
void ug_hunt_print_summary(const ug_hunt_result *r, FILE *out, bool json);
/* hosts.jsonl, deliveries.csv, evidence.csv, iocs.csv into dir (created). */
int ug_hunt_write_outputs(const ug_hunt_result *r, const char *dir, ug_error *err);

#ifdef __cplusplus
}
#endif
#endif
