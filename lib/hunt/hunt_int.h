/* hunt_int.h — the hunt's internal state, shared by its files (not installed).
 *
 * One hu_run holds everything a hunt keeps between and after its two passes:
 * hosts (by normalized name), the IP -> host history, update sessions and
 * deliveries per host, the behaviour observations per delivery and the
 * fleet-prevalence table of behaviour features. Strings are copied into the
 * run's arena; memory grows with hosts, sessions, deliveries and distinct
 * features, never with the number of events.
 */
#ifndef UG_HUNT_INT_H
#define UG_HUNT_INT_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/map.h"
#include "hunt/profile.h"
#include "updguard/hunt.h"

/* Grow *p (elements of size el) to hold at least need; false when out of memory. */
bool hu_grow(void **p, size_t *cap, size_t need, size_t el);
#define HU_PUSH(arr, n, cap, item) \
	(hu_grow((void **)&(arr), &(cap), (n) + 1, sizeof(*(arr))) ? ((arr)[(n)++] = (item), true) : false)

/* A set of 64-bit keys with a 32-bit value each (open addressing; key 0 unused). */
typedef struct hu_set {
	uint64_t *keys;
	uint32_t *vals;
	size_t cap, count;
} hu_set;
/* Pointer to the value of key (inserted as 0 when absent; *created then); NULL on OOM. */
uint32_t *hu_set_upsert(hu_set *s, uint64_t key, bool *created);
/* Value of key, 0 when absent. */
uint32_t hu_set_get(const hu_set *s, uint64_t key);
bool hu_set_has(const hu_set *s, uint64_t key);
void hu_set_free(hu_set *s);
/* The 64-bit key of a (host, id) pair for the sets above, without building
 * "host|id" (nocase: id compared case-blind, as paths are). */
uint64_t hu_key2(ug_sv host, ug_sv id, bool nocase);

/* --- IP -> host over time (ipmap.c) --- */
typedef struct hu_ipseg {
	ug_time first, last;
	uint32_t host;
} hu_ipseg;
typedef struct hu_ipent {
	hu_ipseg *segs;
	size_t n, cap;
	bool sorted;
} hu_ipent;

/* --- update sessions and deliveries (deliveries.c) --- */
typedef struct hu_session {
	uint32_t host;        /* host id; UINT32_MAX while only the client IP is known */
	const char *ip;       /* client IP (network sessions) */
	ug_time start, end;
	const char *server, *server_ip, *url, *sha256;
	uint64_t proc_key;    /* updater sessions: hu_key2(host, process guid), else 0 */
	char *files;          /* '|'-separated, grown as files are seen */
	uint64_t max_bytes;
	unsigned seen;
	bool root;            /* started by something other than an updater */
	bool download;        /* a package came down or the updater wrote/ran something */
	ug_prov prov;
} hu_session;

typedef struct hu_rootfiles {
	ug_time start;
	char *files;          /* '|'-separated (malloc) */
} hu_rootfiles;

#define HU_SESS_CHUNK_BITS 15
#define HU_SESS_CHUNK ((size_t)1 << HU_SESS_CHUNK_BITS)

typedef struct hu_deliv {
	ug_delivery d;        /* as in the result (strings in the arena) */
	uint32_t host, id;
	ug_time end;          /* last sign of the session */
	uint64_t *roots;      /* its updater processes (lineage roots): hu_key2(host, guid) */
	size_t nroots, caproots;
	bool silent;          /* the host stopped contacting the update hosts afterwards */
	ug_time silent_gap;   /* normal interval before, when silent */
} hu_deliv;

/* --- behaviour features (behaviour.c, baseline.c) --- */
typedef enum hu_cat {
	HU_DROP = 0,     /* executable/script/DLL written outside the footprint */
	HU_PRODUCT_FILE, /* file written in the product folder (new name) */
	HU_HASH,         /* file hash written by the delivery's processes */
	HU_TASK,
	HU_REGISTRY,
	HU_SERVICE,
	HU_WMI,
	HU_HOSTS_FILE,
	HU_SCRIPT,
	HU_CHILD,        /* process started in the updater's lineage from outside the footprint */
	HU_MODULE,       /* unsigned module loaded by the product or the lineage */
	HU_DEST,         /* new, rare destination contacted after the delivery */
	HU_BEACON,
	HU_SILENCE,
	HU_STARTUP,      /* file written into a Startup folder */
	HU_CAT__COUNT
} hu_cat;

typedef struct hu_feat {
	uint32_t id;
	hu_cat cat;
	const char *value;
	const char *technique; /* ATT&CK id when more precise than the category's (autoruns), else NULL */
	uint32_t n_window, n_baseline, n_other, n_fleet; /* distinct hosts, after finalize */
} hu_feat;

/* One behaviour after one delivery. */
typedef struct hu_obs {
	hu_deliv *dv;
	hu_feat *feat;
	ug_time time;
	bool lineage;
	const char *detail;   /* the fields that matter, in words */
	ug_prov prov;
	hu_feat *beacon;      /* new destinations: the same value as a beacon feature, if any */
	const char *raw;      /* the value as the log wrote it (the feature's is normalized) */
	const char *proc, *parent; /* the acting process's image and its parent's (report lineage) */
} hu_obs;

/* Connection times of one host to one candidate destination (beacons). */
typedef struct hu_series {
	uint32_t host;
	hu_feat *feat;
	ug_time *t;
	size_t n, cap;
	ug_prov prov;
} hu_series;

/* A package-sized transfer seen before the session it belongs to (Zeek's
 * conn.log is read before its ssl.log and dns.log): matched after pass 1. */
typedef struct hu_transfer {
	const char *client;   /* interned client IP */
	ug_time t;
	uint64_t bytes;
	const char *url;      /* interned, NULL when unknown */
	const char *from;     /* interned destination (domain or address) */
} hu_transfer;

/* A package-sized transfer from another host right after a session's
 * manifest fetch: the package, if that host is one the fleet's update
 * sessions fetch from (hu_pkg_src), not a coincidence. */
typedef struct hu_pkg {
	uint32_t sess;
	const char *from, *url;
	uint64_t bytes;
	ug_time t;
} hu_pkg;

/* Package-sized transfers from one destination: all, and those that followed
 * an update session's manifest fetch. */
typedef struct hu_pkg_src {
	uint32_t total, follow;
} hu_pkg_src;

typedef struct hu_host {
	uint32_t id;
	const char *name;
	bool endpoint;
	bool ip_only;           /* known only by its IP literal */
	ug_time last_seen;
	uint64_t *active;       /* bit i: events in hour i after data_first (pass 2), NULL when none */
	char *ips;              /* ','-separated, grown */
	hu_deliv **dv;          /* deliveries, by time */
	size_t ndv, capdv;
	ug_time *dv_span;       /* after pass 1, per delivery: its time, then the end of
	                         * its attribution (end or time, + after); hu_attributing's
	                         * binary search stays in one cache line or two */
	uint64_t dv_hours[4];   /* bit i: some delivery's span (time - skew .. its end)
	                         * touches hour i after data_first (i < 256); most events
	                         * follow no delivery and stop here */
	ug_time *contacts;      /* every contact with an update host, sorted after pass 1 */
	size_t ncontacts, capcontacts;
	uint32_t first_window;  /* index of first in-window delivery, or UINT32_MAX */
} hu_host;

/* Destination stats from pass 1. */
typedef struct hu_dest {
	ug_time first_seen;
	hu_feat *feat;       /* when it is a candidate (new during the data) */
} hu_dest;

#define HU_SCRATCH 8

typedef struct hu_run {
	const ug_hunt_opts *opts;
	const ug_ctx *ctx;
	ug_profile *prof;
	ug_arena arena;
	ug_time wstart, wend, after, skew;
	bool window_given;     /* --window was given */
	bool window_inferred;  /* none was given; inferred from the data (window.c) */
	ug_time data_first, data_last;

	hu_host **hosts;
	size_t nhosts, caphosts;
	ug_map host_by_name;   /* name -> hu_host* */
	hu_host *last_host;    /* cache for consecutive events of one host */

	ug_map ipmap;          /* ip -> hu_ipent* */

	hu_session **sess;     /* pass 1's, in chunks of HU_SESS_CHUNK (hu_sess: they
	                        * never move, and a fleet's millions need no doubling
	                        * copy); freed once they are deliveries */
	size_t nsess, capchunks;
	size_t nsess_seen;     /* how many there were (for -v -v) */
	hu_rootfiles *rootfiles; /* what is kept of them: the files of updater sessions
	                          * something else started (window.c learns the
	                          * product's footprint again from them) */
	size_t nrootfiles;
	hu_transfer *transfers; /* not yet matched to a session (deliveries.c) */
	size_t ntransfers, captransfers;
	hu_pkg *pkgs;          /* package candidates, judged after pass 1 */
	size_t npkgs, cappkgs;
	ug_map pkg_srcs;       /* destination -> hu_pkg_src* */
	/* hash of "host|guid" or of the client IP -> session index + 1. A 64-bit
	 * hash stands for the key: millions of sessions cost 16 bytes each, and
	 * two keys sharing a hash (odds ~ n^2 / 2^65) would only merge sessions. */
	hu_set sess_by_key;
	ug_map interned;       /* value -> its one copy in the arena (hu_intern) */

	hu_deliv **dv;
	size_t ndv, capdv;

	hu_set lineage;        /* hu_key2(host, process guid) -> delivery id + 1 (pass 2) */
	hu_set dropped;        /* hu_key2(host, path, nocase) -> delivery id + 1 (pass 2) */

	ug_map footprint;      /* normalized dir -> (void*)1 exact dir, (void*)2 dir and below */
	char **vendor_dirs;    /* "\\name\\" of the updaters' folders: a vendor's folder anywhere */
	size_t nvendor, capvendor;
	ug_map dests;          /* destination -> hu_dest* */
	ug_map feats;          /* "cat|value" -> hu_feat* */
	hu_feat **featv;
	size_t nfeat, capfeat;
	hu_set feat_hosts;     /* (feat id << 32 | host id) -> class bits */
	ug_map obs_by_key;     /* (delivery id, feat id) -> obs index + 1 */

	hu_obs *obs;
	size_t nobs, capobs;
	hu_series **series;
	size_t nseries, capseries;
	ug_map series_by_key;  /* "host|feat" -> hu_series* */

	ug_buf scratch[HU_SCRATCH]; /* hu_norm_path's results, reused in turn */
	unsigned scratch_next;
	struct sweep *sweep;   /* known-indicator sweep (sweep.c), NULL when none */
	struct hu_rules *rules; /* --rules: Sigma second stage (rules.c), NULL when none */
	bool sweeping;         /* this behaviour pass also feeds the sweep */

	ug_hunt_result *res;
} hu_run;

/* Forget the sessions (not their files). */
void hu_sess_free(hu_run *r);
/* Session i (< r->nsess). */
static inline hu_session *hu_sess(const hu_run *r, size_t i)
{
	return &r->sess[i >> HU_SESS_CHUNK_BITS][i & (HU_SESS_CHUNK - 1)];
}

/* t inside the suspected window widened by the skew. Open ends (INT64_MIN /
 * INT64_MAX) are tested, not offset: arithmetic on them would overflow. */
static inline bool hu_in_window(const hu_run *r, ug_time t)
{
	return (r->wstart == INT64_MIN || t >= r->wstart - r->skew) &&
	       (r->wend == INT64_MAX || t <= r->wend + r->skew);
}

/* Class bits of a feature occurrence. */
#define HU_CLASS_WINDOW 1u
#define HU_CLASS_BASELINE 2u
#define HU_CLASS_OTHER 4u

/* hunt.c */
hu_host *hu_host_get(hu_run *r, ug_sv name, bool create);
const char *hu_strdup(hu_run *r, ug_sv s);
/* One shared copy per distinct value (server names, URLs, images, hashes:
 * the same few values on every update session); NULL on OOM. */
const char *hu_intern(hu_run *r, ug_sv s);
void hu_append_list(hu_run *r, char **list, ug_sv item, char sep);

/* ipmap.c */
int hu_ipmap_note(hu_run *r, ug_sv ip, uint32_t host, ug_time t);
void hu_ipmap_finish(hu_run *r);
/* Host that had ip at time t, or NULL. */
hu_host *hu_ipmap_lookup(const hu_run *r, ug_sv ip, ug_time t);
void hu_ipmap_free(hu_run *r);

/* deliveries.c */
int hu_pass1_event(const ug_event *ev, void *user);
int hu_deliveries_finish(hu_run *r);
/* Delivery of host h attributing time t ([time - skew, time + after]), or NULL. */
hu_deliv *hu_attributing(const hu_run *r, const hu_host *h, ug_time t);
/* True when s is a normal endpoint event (a Windows channel). */
bool hu_is_endpoint(const ug_event *ev);
/* Which kind of source an event comes from: UG_SEEN_ENDPOINT, _PROXY or _NETWORK. */
unsigned hu_seen_by(const ug_event *ev);
/* The destination name of a network event, or an empty view. */
ug_sv hu_event_dest(const ug_event *ev);
/* The product's footprint: install dirs, the updaters' own folders (and
 * below), and the folders the updaters write their packages to. */
void hu_footprint_note(hu_run *r, ug_sv path, bool below);
bool hu_in_footprint(hu_run *r, ug_sv path);
/* The updater processes of every delivery as lineage roots (r->lineage). */
int hu_lineage_roots(hu_run *r);
/* Registered domain of a host name ("a.b.example.co.uk" -> "example.co.uk"). */
ug_sv hu_domain_of(ug_sv name);

/* autoruns.c — auto-start extension points */
typedef struct hu_asep {
	const char *name;      /* "Run key", "COM object hijack", ... */
	const char *technique; /* ATT&CK id */
} hu_asep;
/* The ASEP a registry key (normalized: lower case, SIDs as '*') belongs to, or NULL. */
const hu_asep *hu_asep_of_key(const char *key);
/* A (normalized) path inside a user's or the common Startup folder. */
bool hu_is_startup_folder(const char *path);

/* behaviour.c */
int hu_pass2_event(const ug_event *ev, void *user);
/* hu_pass2_event in two: the host an event counts for (NULL: it does not),
 * read-only, so the reader's workers call it (workers.c); then the judging
 * of it, with the delivery attributing it by time (hu_attributing). */
hu_host *hu_pass2_host(const hu_run *r, const ug_event *ev);
int hu_pass2_judge(hu_run *r, const ug_event *ev, hu_host *h, hu_deliv *time_dv);
void hu_behaviour_finish(hu_run *r);
/* Normalize a Windows path for prevalence: lower case, user names -> '*',
 * digit runs -> '#'. The result lives in the run's scratch ring: valid for
 * HU_SCRATCH - 1 more calls; copy what is kept (hu_feat_get and maps do). */
const char *hu_norm_path(hu_run *r, ug_sv path, bool digits);

/* baseline.c */
hu_feat *hu_feat_get(hu_run *r, hu_cat cat, ug_sv value);
hu_feat *hu_feat_find(hu_run *r, hu_cat cat, ug_sv value); /* NULL when never seen */
void hu_feat_note(hu_run *r, hu_feat *f, uint32_t host, unsigned cls);
void hu_baseline_finish(hu_run *r);
const char *hu_cat_kind(hu_cat c);
const char *hu_cat_technique(hu_cat c);
/* Persistence categories: a task, a service, a registry ASEP, WMI, Startup. */
static inline bool hu_cat_persists(hu_cat c)
{
	return c == HU_TASK || c == HU_REGISTRY || c == HU_SERVICE || c == HU_WMI || c == HU_STARTUP;
}

/* window.c */
/* After a pass 2 with every delivery in the window: infer the window from
 * the deliveries followed by strong, rare, time-bounded lineage behaviour
 * (sets wstart/wend); false when nothing stands out. */
bool hu_window_infer(hu_run *r);
/* Re-judge the deliveries against r's window and reset pass 2's state. */
int hu_window_apply(hu_run *r);

/* verdict.c */
int hu_verdicts(hu_run *r);

/* iocs.c */
int hu_iocs(hu_run *r);

/* sweep.c — known indicators (the profile's and an --iocs file) swept over every event */
typedef enum hu_ioc_class {
	HU_IOC_HASH = 0, /* sha256, md5, sha1: against Hashes (Sysmon, Zeek files) */
	HU_IOC_PATH,     /* file-path: Image, TargetFilename, ImageLoaded, ParentImage (globs allowed) */
	HU_IOC_NAME,     /* file-name: the basename of those */
	HU_IOC_DOMAIN,   /* domain: QueryName, DestinationHostname, cs-host (and subdomains) */
	HU_IOC_IP,       /* ipv4, ipv6: DestinationIp, SourceIp, QueryResults */
	HU_IOC_URL,      /* url: c-uri (with cs-host when the URI is a path) */
	HU_IOC_TASK,     /* task-name: TaskName, schtasks /tn, \System32\Tasks\ files */
	HU_IOC_REG,      /* registry: TargetObject (the key and below) */
	HU_IOC_SVC,      /* service-name: ServiceName */
	HU_IOC__COUNT
} hu_ioc_class;

typedef struct hu_known_ioc {
	const char *type;    /* as in profiles ("sha256", "domain", ...), plus "sha1", "ipv6" */
	const char *value;   /* as listed */
	const char *key;     /* normalized for matching */
	const char *context; /* what the list says about it, "" when nothing */
	const char *origin;  /* where it is listed: "FILE:LINE", "FILE:LINE (object N)", "profile NAME" */
	hu_ioc_class cls;
} hu_known_ioc;

typedef struct hu_iocset {
	ug_arena arena;
	hu_known_ioc *v;
	size_t n, cap;
	ug_map exact[HU_IOC__COUNT]; /* key (case-insensitive) -> index + 1 */
	uint64_t lens[HU_IOC__COUNT][4]; /* bit n: a key n bytes long (255: 255 or more);
	                                  * most values are no key's length and are
	                                  * never hashed */
	size_t *globs;               /* file-path indicators with '*' or '?' */
	size_t nglobs, capglobs;
	size_t skipped;              /* STIX comparisons/indicators not sweepable (other object types, pattern languages) */
} hu_iocset;

void hu_iocset_init(hu_iocset *s);
void hu_iocset_free(hu_iocset *s);
/* Add one indicator; UG_ERR_PARSE with *why (static text) when it is not one. */
int hu_iocset_add(hu_iocset *s, const char *type, ug_sv value, ug_sv context, const char *origin,
                  const char **why);
/* Load CSV (header `type,value[,context]`) or a STIX 2.1 bundle (JSON), told
 * apart by the first character; errors are UG_ERR_PARSE "NAME:LINE: reason"
 * (STIX: "NAME:LINE: object N: reason"). */
int hu_iocset_parse(hu_iocset *s, const char *name, ug_sv text, ug_error *err);
int hu_iocset_load(hu_iocset *s, const char *path, ug_error *err);
/* Call fn for every indicator the event shows; the number of hits. */
typedef void (*hu_ioc_hit_fn)(void *user, const hu_known_ioc *ioc, const char *field, ug_sv raw);
size_t hu_iocset_match(const hu_iocset *s, const ug_event *ev, hu_ioc_hit_fn fn, void *user);
const char *hu_ioc_technique(const hu_known_ioc *ioc);
/* The sweep for known indicators, riding along the behaviour pass:
 * hu_sweep_begin before the first pass (loads the profile's and the --iocs
 * indicators, so a bad file fails the run at once; no sweep when there are
 * none), hu_sweep_event on every event of ONE behaviour pass (it needs pass
 * 1's IP -> host map), hu_sweep_finish after hu_iocs: hits become known-ioc
 * evidence, hosts hit are at least suspicious, the indicators that hit join
 * the result's IOC list. hu_sweep_free forgets it (idempotent). */
int hu_sweep_begin(hu_run *r, ug_error *err);
int hu_sweep_event(hu_run *r, const ug_event *ev);
/* The same split in two (workers.c): hu_sweep_match in a reader worker,
 * read-only, writes at most cap of the event's hits to out and returns how
 * many there are (0 when this pass does not sweep); hu_sweep_take notes them
 * in the consumer (n > cap: it matches the event again itself). raw points
 * into the event. */
typedef struct hu_ioc_found {
	uint32_t ioc;          /* index in the sweep's indicator set */
	const char *field;     /* static */
	ug_sv raw;
} hu_ioc_found;
size_t hu_sweep_match(const hu_run *r, const ug_event *ev, hu_ioc_found *out, size_t cap);
int hu_sweep_take(hu_run *r, const ug_event *ev, const hu_ioc_found *f, size_t n, size_t cap);
int hu_sweep_finish(hu_run *r, ug_error *err);
void hu_sweep_free(hu_run *r);

/* workers.c — the behaviour pass's work in the reader's parse workers (each
 * event's host and delivery, the sweep's and the rules' matching):
 * hu_workers_hook fills *hook and returns it; hu_workers_take is the pass's
 * consumer: it notes an event's hits, judges the event and frees the result. */
struct ug_event_hook;
const struct ug_event_hook *hu_workers_hook(hu_run *r, struct ug_event_hook *hook);
int hu_workers_take(hu_run *r, const ug_event *ev, void *result);

/* rules.c — the Sigma second stage (--rules): hu_rules_begin before the
 * first pass (compiles the rules; nothing when none are given);
 * hu_rules_pass_begin before each behaviour pass; in the reader's workers
 * (workers.c) hu_rules_block_begin/match/block_end, read-only on the run;
 * the consumer hands each match result to hu_rules_event (which frees it);
 * hu_rules_finish after the verdicts adds the hits of compromised and
 * suspicious hosts to their evidence. hu_rules_free is idempotent. */
int hu_rules_begin(hu_run *r, ug_error *err);
void hu_rules_pass_begin(hu_run *r);
void *hu_rules_block_begin(const hu_run *r);
void *hu_rules_match(const hu_run *r, const ug_event *ev, void *state);
void hu_rules_block_end(void *state);
void hu_rules_event(hu_run *r, const ug_event *ev, void *result);
int hu_rules_finish(hu_run *r, ug_error *err);
void hu_rules_free(hu_run *r);

#endif
