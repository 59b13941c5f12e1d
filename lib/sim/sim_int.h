/* sim_int.h — the simulator's internal model, shared by the files of lib/sim only.
 *
 * Generation works in time slices: every host generates what it does in
 * [t0, t1) as compact events (sim_ev) into the slice buffer; the buffer is
 * sorted by time and each writer formats the events it cares about. Chains
 * (an update, an infection) may run past t1 by at most one slice, so their
 * strings live in one of two alternating slice arenas; strings that live
 * longer (hosts, products, the incident) live in the run arena.
 */
#ifndef UG_SIM_INT_H
#define UG_SIM_INT_H

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "updguard/sim.h"

/* ---- deterministic random numbers (rng.c) ---- */

typedef struct sim_rng {
	uint64_t s[4];
} sim_rng;

uint64_t sim_mix(uint64_t a, uint64_t b);
void sim_rng_seed(sim_rng *r, uint64_t seed, uint64_t stream);
uint64_t sim_rng_next(sim_rng *r);
uint32_t sim_rng_below(sim_rng *r, uint32_t n);
double sim_rng_unit(sim_rng *r);
bool sim_rng_chance(sim_rng *r, double p);
int64_t sim_rng_range(sim_rng *r, int64_t lo, int64_t hi); /* [lo, hi) */
/* Exponential with the given mean (same unit as mean). */
double sim_rng_exp(sim_rng *r, double mean);
/* Zipf-like index in [0, n): small indices much more likely. */
uint32_t sim_rng_zipf(sim_rng *r, uint32_t n);
void sim_rng_bytes(sim_rng *r, uint8_t *out, size_t n);

/* ---- formatting helpers (fmt.c) ---- */

typedef struct sim_civil {
	int year, month, day, hour, min, sec, wday; /* wday 0 = Sunday */
	int32_t nsec;
} sim_civil;

void sim_civil_from_time(ug_time t, sim_civil *c);
ug_time sim_time_from_civil(int y, int mo, int d, int h, int mi, int s);
/* Each returns the number of chars written (no NUL unless said). */
size_t sim_fmt_iso(char *out, ug_time t, int digits); /* 2026-01-20T10:00:00.1234567Z */
size_t sim_fmt_sysmon(char *out, ug_time t);          /* 2026-01-20 10:00:00.123 */
size_t sim_fmt_plain(char *out, ug_time t);           /* 2026-01-20 10:00:00 */
size_t sim_fmt_epoch(char *out, ug_time t, int digits); /* 1768903200.123456 */
size_t sim_fmt_ip4(char *out, uint32_t ip);
size_t sim_fmt_u64(char *out, uint64_t v);
size_t sim_fmt_hex(char *out, const uint8_t *p, size_t n, bool upper);
void sim_put_u64(ug_buf *b, uint64_t v);
/* Append with the capacity check inlined: the writers' hot path. Keeps the
 * ug_buf invariant p[len] == '\0'. */
static inline void sim_put(ug_buf *b, const char *s, size_t n)
{
	if (UG_UNLIKELY(b->len + n + 1 > b->cap) && !ug_buf_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}
static inline void sim_puts(ug_buf *b, const char *s) { sim_put(b, s, strlen(s)); }
/* lit must be a string literal (the "" forces it) */
#define SIM_PUTL(b, lit) sim_put((b), "" lit, sizeof("" lit) - 1)
/* JSON string with quotes; fast path for strings that need no escaping. */
void sim_put_json(ug_buf *b, const char *s);
void sim_put_ip4(ug_buf *b, uint32_t ip);

/* ---- names generated per seed (names.c) ---- */

typedef struct sim_names {
	sim_rng rng;
} sim_names;

/* Each writes a fresh name into the arena. */
const char *sim_name_domain(sim_rng *r, ug_arena *a);      /* "northwind-analytics.com" */
const char *sim_name_exe(sim_rng *r, ug_arena *a);         /* "CONSCTLX.exe", "wmsvcupd.exe" */
const char *sim_name_vendorish(sim_rng *r, ug_arena *a);   /* "Nexora", "SysCore" */
const char *sim_name_task(sim_rng *r, ug_arena *a, bool mimic_windows);
const char *sim_name_service(sim_rng *r, ug_arena *a);
const char *sim_name_person(sim_rng *r, ug_arena *a);      /* "akumar" */
const char *sim_name_path_word(sim_rng *r);                /* static word for URLs */
uint32_t sim_public_ip(sim_rng *r);                        /* plausible public IPv4 */

/* ---- the world ---- */

#define SIM_MAX_REGIONS 8
#define SIM_MAX_PRODUCTS 12
#define SIM_SLICE_NS (10 * UG_NS_PER_MIN)

typedef struct sim_region {
	const char *code;  /* "IN" */
	const char *name;  /* "India" */
	const char *tz;    /* IANA zone */
	const char *site;  /* "in" for host names */
	double weight;
	uint32_t net;      /* 10.X.0.0/16: client range */
	uint32_t pool_size;
	uint8_t *pool_used; /* bitmap of leased offsets (run arena) */
	uint32_t dhcp_ip;   /* DHCP server */
	uint32_t dns_ip;    /* resolver the clients use */
	uint32_t egress_ip; /* public NAT address */
	char dhcp_name[24]; /* "DHCP-IN01" */
	ug_tz *zone;
	int32_t offset_cache_day; /* day index of offset_cache */
	int32_t offset_cache;     /* seconds east of UTC on that day */
} sim_region;

/* A PE image as Sysmon reports it. */
typedef struct sim_pe {
	const char *original_name;
	const char *description;
	const char *product;
	const char *company;
	const char *file_version;
	const char *hashes;     /* "MD5=...,SHA256=...,IMPHASH=..." */
	char sha256[65];
	char md5[33];
	bool is_signed;
	const char *signature;  /* signer or "-" */
} sim_pe;

typedef enum sim_user {
	SIM_USER_SYSTEM = 0,
	SIM_USER_LOCAL_SERVICE,
	SIM_USER_NETWORK_SERVICE,
	SIM_USER_PRIMARY,
} sim_user;

typedef enum sim_integrity {
	SIM_IL_SYSTEM = 0,
	SIM_IL_HIGH,
	SIM_IL_MEDIUM,
	SIM_IL_LOW,
} sim_integrity;

/* A process as its events show it; copied by value into events. */
typedef struct sim_proc {
	const char *image;
	const char *cmdline;
	const char *cwd;
	const sim_pe *pe;
	uint32_t pid;
	uint32_t start_sec; /* process start, Unix seconds (in the GUID) */
	uint16_t ctr;       /* per-host sequence (in the GUID) */
	uint8_t user;       /* sim_user */
	uint8_t integrity;  /* sim_integrity */
} sim_proc;

/* An internet server (vendor update host, CDN, web site, C2). */
typedef struct sim_server {
	const char *name;   /* DNS name clients ask for */
	const char *cname;  /* CNAME target or NULL */
	const char *ptr;    /* reverse name Sysmon shows, or NULL ("-") */
	uint32_t ip;
	uint32_t ip2;       /* second A record or 0 */
	bool http_only;     /* serves plain HTTP */
} sim_server;

typedef enum sim_launch {
	SIM_LAUNCH_SERVICE = 0, /* the product's service starts the updater */
	SIM_LAUNCH_TASK,        /* a scheduled task (svchost Schedule) */
	SIM_LAUNCH_APP,         /* the user's app starts it when opened */
} sim_launch;

/* Static description of a product and its normal update behaviour (products.c).
 * Members go by alignment (pointers and doubles, then 4-byte, then bools) to
 * keep padding low; the table in products.c uses designated initialisers. */
typedef struct sim_product_def {
	const char *key, *name, *vendor, *company, *signer;
	const char *dir;            /* install folder; "%LOCALAPPDATA%..." for per-user */
	const char *app;            /* main app / service image, relative to dir */
	const char *app_args;
	const char *service_name;   /* for SIM_LAUNCH_SERVICE */
	const char *updater;        /* relative to dir, or absolute */
	const char *updater_args;
	const char *update_host;    /* "%s" = region site for regional servers */
	const char *cdn_host;
	const char *check_path;     /* manifest URL path; "%u" = current version */
	const char *package_path;   /* "%u" = new version */
	const char *package_name;   /* file name the download is saved as ("%u") */
	const char *package_dir;    /* where it is saved: "%TEMP%", "%PROGRAMDATA%\\X", dir-relative */
	const char *installer;      /* child that applies the update; "@pkg" = the package */
	const char *installer_args;
	const char *files[6];       /* written into dir by the installer; "%u" = version */
	const char *task_name;      /* own task, refreshed by some updates */
	const char *run_value;      /* own Run value, refreshed by some updates */
	const char *dlls[2];        /* modules the app loads (Sysmon 7), relative to dir */
	const char *ua;             /* HTTP user agent */
	double share;               /* fraction of hosts with the product */
	double refresh_p;           /* chance an update refreshes the task / Run value */
	sim_launch launch;
	uint32_t check_every_min;   /* mean interval between checks */
	uint32_t release_every_h;   /* a new version every N hours */
	uint32_t pkg_min_kb, pkg_max_kb;
	bool plain_http;            /* downloads over HTTP */
	bool regional;              /* one update server per region */
	bool updater_writes;        /* the updater writes the files, then starts the installer */
} sim_product_def;

/* Per-run product state. */
typedef struct sim_product {
	const sim_product_def *def;
	uint32_t idx;
	uint32_t update_srv[SIM_MAX_REGIONS]; /* server index per region */
	uint32_t cdn_srv;
	uint32_t base_version;     /* version at start */
	ug_time first_release;     /* time of version base+1 */
	const sim_pe *app_pe, *updater_pe;
	const sim_pe **ver_pe;     /* per version offset: installer/package PE */
	const sim_pe **ver_file_pe; /* per version offset * 6 + file: PE of executables written */
	uint32_t nver;
	ug_time bump_at;           /* an extra release (decoy) at this time, or 0 */
} sim_product;

/* A delivery the truth records. */
typedef struct sim_delivery {
	uint32_t host;
	ug_time ts;
	uint32_t server;           /* update host the updater asked */
	uint32_t dl_server;        /* host the package came from */
	uint32_t client_ip;
	uint64_t bytes;
	bool malicious;
	bool executed;
} sim_delivery;

enum { SIM_T_AFFECTED = 1, SIM_T_COMPROMISED = 2, SIM_T_CLEAN = 4 };

/* Per host, per product. */
typedef struct sim_hostprod {
	bool installed;
	bool blocked;          /* updates blocked by the incident */
	uint32_t version;
	ug_time next_check;
	ug_time app_next;      /* next time the user opens the app (SIM_LAUNCH_APP) */
	sim_proc svc;          /* the service / app process while it runs */
	const char *svc_img, *svc_cmd; /* cached (run arena) */
	bool svc_running;
} sim_hostprod;

/* Members go by alignment (8-byte, 4, 2, then 1) to keep padding low; the
 * comments mark what each group is for. */
typedef struct sim_host {
	/* identity */
	const char *fqdn;      /* WS-IN-0042.corp.example.com */
	const char *lname;     /* ws-in-0042 */
	const char *user;      /* akumar */
	const char *user_full; /* CORP\\akumar */
	const char *user_sid;
	const char *profile;   /* C:\Users\akumar */
	const char *mac_str;   /* 001A2B3C4D5E */
	const char *agent_id;  /* winlogbeat agent id */
	sim_rng rng;
	/* session */
	ug_time on_from, on_until;
	ug_time next_renew;
	ug_time next_web, next_mail, next_misc, next_wu, next_admin, next_logon3;
	/* pinned processes of the current session */
	sim_proc p_wininit, p_services, p_lsass, p_svc_sched, p_svc_net, p_svc_dcom, p_winlogon,
		p_explorer, p_browser, p_office, p_outlook, p_defender, p_sysmon, p_agent;
	sim_proc p_ccm;
	sim_hostprod prods[SIM_MAX_PRODUCTS];
	/* incident */
	sim_proc p_implant;
	ug_time next_beacon;
	ug_time implant_since;
	ug_time dns_exp[6];    /* DNS cache: expiry per slot (server in dns_srv) */
	/* record numbers */
	uint64_t rec_sysmon, rec_security, rec_system;

	/* 4-byte members */
	uint32_t idx;
	uint32_t machine_id;
	int plan_day;          /* local day index planned */
	uint32_t ip;           /* current address (0 = none) */
	uint32_t last_ip;
	uint32_t logon_id;
	uint32_t next_wave;    /* index of the next deployment wave to consider */
	uint32_t browser_kind; /* 0 chrome, 1 edge */
	uint32_t dns_srv[6];
	uint32_t dns_rr;
	uint32_t sysmon_pid, lsass_tid;

	/* 2-byte members */
	uint16_t region;
	uint16_t region_seq;   /* number within the region */
	uint16_t guid_tail;
	uint16_t guid_ctr;

	/* bytes */
	char name[20];         /* WS-IN-0042 */
	uint8_t mac[6];
	bool endpoint;         /* ships endpoint logs */
	bool always_on;
	bool roaming;          /* gets a new address most days */
	bool target;           /* shadowhammer target list */
	bool online;
	bool browser_up, office_up, outlook_up;
	bool implant;          /* persistent implant installed */
	bool implant_up;
	uint8_t truth;         /* SIM_T_* */
} sim_host;

/* ---- events ---- */

typedef enum sim_evtype {
	SE_PROC_START = 0,  /* Sysmon 1 */
	SE_PROC_END,        /* Sysmon 5 */
	SE_NET_CONNECT,     /* Sysmon 3 */
	SE_IMAGE_LOAD,      /* Sysmon 7 */
	SE_FILE_CREATE,     /* Sysmon 11 */
	SE_REG_KEY,         /* Sysmon 12 */
	SE_REG_SET,         /* Sysmon 13 */
	SE_WMI_FILTER,      /* Sysmon 19 */
	SE_WMI_CONSUMER,    /* Sysmon 20 */
	SE_WMI_BINDING,     /* Sysmon 21 */
	SE_DNS,             /* Sysmon 22 */
	SE_FILE_EXE,        /* Sysmon 29 */
	SE_LOGON,           /* Security 4624 */
	SE_TASK_CREATED,    /* Security 4698 */
	SE_SERVICE_INSTALLED, /* System 7045 */
	SE__ENDPOINT_END,
	SE_ZEEK_DNS = SE__ENDPOINT_END,
	SE_ZEEK_CONN,
	SE_ZEEK_HTTP,
	SE_ZEEK_SSL,
	SE_SQUID,
	SE_DHCP,
	SE__COUNT
} sim_evtype;

typedef struct sim_flow {
	uint64_t uid;
	uint32_t cip, sip;
	uint16_t cport, sport;
	bool https;
	bool denied;          /* proxy denied it */
	uint16_t status;
	const char *host;     /* Host header / SNI */
	const char *path;     /* path and query (HTTP) */
	const char *method;
	const char *mime;     /* response content type or NULL */
	const char *ua;
	const char *ptr;      /* Sysmon DestinationHostname or NULL */
	uint64_t up, down;    /* payload bytes */
	ug_time dur;
	uint8_t tls;          /* 2 = TLS 1.2, 3 = TLS 1.3 */
	bool resumed;
} sim_flow;

typedef struct sim_dnsq {
	uint64_t uid;
	const char *name;
	const char *cname;
	uint32_t ips[2];
	uint8_t nips;
	uint16_t qtype;       /* 1 A, 16 TXT, 28 AAAA */
	uint8_t rcode;        /* 0 NOERROR, 3 NXDOMAIN */
	bool local;           /* answered from the HOSTS file */
	uint32_t cip, resolver;
	uint16_t cport, trans_id;
	uint32_t ttl;
	ug_time rtt;
	const char *txt;      /* TXT answer */
} sim_dnsq;

typedef struct sim_ev {
	ug_time ts;
	uint64_t record;      /* event log record number (endpoint events, set at emit) */
	uint32_t host;
	uint16_t type;        /* sim_evtype */
	uint16_t flags;
	sim_proc proc;        /* acting process (endpoint events) */
	union {
		struct {
			sim_proc parent;
		} start;
		struct {
			const char *path;
			const sim_pe *pe; /* SE_FILE_EXE / SE_IMAGE_LOAD */
		} file;
		struct {
			const char *key;
			const char *details; /* NULL for SE_REG_KEY */
		} reg;
		struct {
			const char *name;    /* filter / consumer name */
			const char *text;    /* query / destination */
		} wmi;
		struct {
			const sim_flow *flow;
		} net;
		struct {
			const sim_dnsq *q;
		} dns;
		struct {
			uint8_t type;        /* logon type */
			uint32_t ip;         /* remote address or 0 */
			const char *target;  /* account */
			const char *domain;
			uint32_t logon_id;
		} logon;
		struct {
			const char *name;
			const char *command;
			const char *args;
			bool system;         /* runs as SYSTEM */
		} task;
		struct {
			const char *name;
			const char *image_path;
			const char *start_type;
		} svc;
		struct {
			uint8_t id;          /* 10 Assign, 11 Renew, 12 Release, 30, 32 */
			uint32_t ip;
			uint32_t txid;
		} dhcp;
	} u;
} sim_ev;

/* ---- incident scenario (scenarios.c) ---- */

typedef struct sim_incident {
	ug_sim_scenario scenario;
	bool active;
	uint32_t product;          /* compromised product index */
	int region;                /* compromised region, -1 = all */
	ug_time win_start, win_end;
	ug_sim_persistence persist;
	ug_sim_dropdir dropdir;
	ug_sim_c2 c2;
	ug_time beacon_period, dormancy;
	double jitter;
	bool block_updates;
	bool edit_hosts;
	bool powershell;
	/* artefacts drawn per seed */
	const sim_pe *mal_pe;      /* the trojanised package / updater / DLL */
	const sim_pe *drop_pe;     /* dropped downloader / implant */
	const char *drop_name;
	const char *drop_dir_tpl;  /* with %PROFILE% etc. not expanded */
	const char *task_name;
	const char *run_value;
	const char *service_name;
	const char *wmi_name;
	const char *config_file;   /* product update config the malware edits */
	uint32_t c2_srv;
	uint32_t stage_srv;        /* attacker download host (gup) / stage-2 (3cx, shadowhammer) */
	const char *c2_path;
	uint32_t mal_size;
	uint32_t mal_version;
	const char *ps_cmd;        /* PowerShell command line */
	/* counters */
	uint32_t affected, compromised;
} sim_incident;

typedef struct sim_decoy {
	uint32_t product;
	ug_time at;                /* release time */
	const char *task_name;
	const char *run_value;
	const char *helper;        /* new helper exe the task/run value points to */
	const sim_pe *helper_pe;
	uint32_t hosts;            /* hosts that got it */
	bool used;
} sim_decoy;

#define SIM_MAX_DECOYS 4

/* ---- writers (emit_*.c) ---- */

typedef struct sim_out {
	FILE *f;
	char *path;
	ug_buf buf;
	uint64_t lines, bytes;
	bool failed;
} sim_out;

struct sim_run;
typedef struct sim_writer {
	unsigned fmt;
	void *state;
	int (*open)(struct sim_writer *w, struct sim_run *r);
	void (*emit)(struct sim_writer *w, struct sim_run *r, const sim_ev *ev);
	int (*close)(struct sim_writer *w, struct sim_run *r);
	uint64_t lines;
	uint64_t bytes;
} sim_writer;

/* emit_win.c: Windows event rendering shared by the ECS and flat writers. */
typedef struct sim_wininfo {
	const char *task;      /* Sysmon rule task / Security category */
	uint16_t event_id;
	uint16_t task_id;
	uint8_t version;
	uint8_t channel;       /* 0 Sysmon, 1 Security, 2 System */
} sim_wininfo;
void sim_win_info(const sim_ev *e, sim_wininfo *wi);
const char *sim_win_channel(int channel);
const char *sim_win_provider(int channel);
const char *sim_win_provider_guid(int channel);
/* "Name":"value",... for the event's EventData (no braces). */
void sim_win_event_data(struct sim_run *r, ug_buf *b, const sim_ev *e, bool upper_guid);
size_t sim_fmt_guid(char *out, const sim_host *h, const sim_proc *p, bool upper);
/* When the event log record was written (a little after the Sysmon UtcTime). */
ug_time sim_win_created(const sim_ev *e);

int sim_out_open(sim_out *o, const char *dir, const char *name, ug_error *err);
void sim_out_flush_if(sim_out *o); /* writes when the buffer is large */
int sim_out_close(sim_out *o, ug_error *err);
/* Close a one-file writer whose state (malloc'd) starts with its sim_out:
 * flush and close the file, record the bytes, free the state. */
int sim_writer_close_single(struct sim_writer *w, struct sim_run *r);
int sim_mkdirs(const char *path, ug_error *err);

void sim_writer_ecs(sim_writer *w);
void sim_writer_flat(sim_writer *w);
void sim_writer_squid(sim_writer *w);
void sim_writer_zeek(sim_writer *w, bool json);
void sim_writer_dhcp(sim_writer *w);

/* Windows images and admin waves (background.c) */
enum {
	SYS_SYSTEM, SYS_SMSS, SYS_WININIT, SYS_SERVICES, SYS_LSASS, SYS_SVCHOST, SYS_WINLOGON,
	SYS_USERINIT, SYS_EXPLORER, SYS_TASKHOSTW, SYS_CONHOST, SYS_CMD, SYS_POWERSHELL,
	SYS_SCHTASKS, SYS_MSIEXEC, SYS_RUNDLL32, SYS_REG, SYS_SC, SYS_WMIPRVSE, SYS_SCRCONS,
	SYS_BGTASKHOST, SYS_RUNTIMEBROKER, SYS_NOTEPAD, SYS_MSMPENG, SYS_MPCMDRUN, SYS_MOUSOCORE,
	SYS_SYSMON, SYS_WINLOGBEAT, SYS_CCMEXEC, SYS_WINWORD, SYS_EXCEL, SYS_OUTLOOK, SYS_ONEDRIVE,
	SYS_PDQRUNNER, SYS_CHROME, SYS_EDGE, SYS_DLLHOST, SYS_SEARCHPROT, SYS_TEAMS, SYS__COUNT
};
const char *sim_sys_image(int id);
const sim_pe *sim_sys(struct sim_run *r, int id);
/* Deployment waves of the software distribution tool (admin noise). */
typedef struct sim_wave {
	ug_time at;
	double share;
	const char *package;     /* "NexoraAgent" */
	const char *dir;         /* C:\Program Files\Nexora\NexoraAgent */
	const char *exe;         /* full path of the installed exe */
	const sim_pe *exe_pe;
	const char *task;        /* task it creates, or NULL */
	const char *service;     /* service it creates, or NULL */
	const char *run_value;   /* Run value, or NULL */
} sim_wave;
#define SIM_MAX_WAVES 16

/* ---- the run ---- */

/* Members go by alignment (8-byte, then 4, then 1) to keep padding low; the
 * comments mark what each group is for. */
typedef struct sim_run {
	const ug_sim_config *cfg;
	const ug_ctx *ctx;
	ug_error *err;
	const char *out_dir;
	ug_arena arena;            /* whole run */
	ug_arena slice_arena[2];
	ug_arena *sa;              /* current slice arena */
	sim_rng rng;
	sim_names names;
	ug_time t_start, t_end, t0, t1;
	/* world */
	sim_region regions[SIM_MAX_REGIONS];
	sim_host *hosts;
	sim_server *servers;
	uint32_t *web_srv;         /* background web sites (server indexes) */
	sim_product products[SIM_MAX_PRODUCTS];
	const sim_pe *pe_sys[64];  /* Windows images (background.c) */
	sim_wave waves[SIM_MAX_WAVES];
	const char *domain;        /* AD DNS domain */
	const char *netbios;       /* AD NetBIOS domain */
	const char *domain_sid;
	const char *flat_tz_name;
	ug_tz *flat_tz;
	/* incident */
	sim_incident inc;
	sim_decoy decoys[SIM_MAX_DECOYS];
	/* truth */
	sim_delivery *deliv;       /* deliveries in the window of the compromised product */
	size_t ndeliv, cap_deliv;
	/* slice buffer */
	sim_ev *ev;
	size_t nev, cap_ev;
	struct sim_key *keys, *keys2;
	size_t cap_keys;
	uint64_t clamped;
	/* output */
	sim_writer writers[6];
	ug_progress progress;
	uint64_t total_lines;

	/* 4-byte members: counts of the arrays above, and addresses */
	uint32_t nregions;
	uint32_t nhosts;
	uint32_t nservers, cap_servers;
	uint32_t nweb;
	uint32_t srv_ms[8];        /* Microsoft / Office / Windows Update / Defender services */
	uint32_t nproducts;
	uint32_t nwaves;
	uint32_t admin_ip, sccm_ip;
	uint32_t proxy_ip;
	uint32_t dc_ip;
	uint32_t ndecoys;
	uint32_t nwriters;

	bool failed;
} sim_run;

/* Push a new event; returns it for the caller to fill (never NULL: on
 * allocation failure a scratch event is returned and r->failed set). */
sim_ev *sim_push(sim_run *r, sim_evtype type, uint32_t host, ug_time ts);
/* Slice-arena helpers. */
char *sim_sprintf(sim_run *r, const char *fmt, ...) UG_PRINTF(2, 3);
char *sim_rsprintf(sim_run *r, const char *fmt, ...) UG_PRINTF(2, 3); /* run arena */
/* Expand %PROFILE%, %LOCALAPPDATA%, %APPDATA%, %TEMP%, %PROGRAMDATA% for a host. */
const char *sim_expand(sim_run *r, const sim_host *h, const char *tpl, bool run_lifetime);

/* fleet.c */
int sim_fleet_init(sim_run *r);
int32_t sim_region_offset(sim_run *r, sim_region *g, ug_time t); /* seconds east of UTC */
void sim_host_dhcp(sim_run *r, sim_host *h, uint8_t id, ug_time t);
uint32_t sim_lease(sim_run *r, sim_host *h);
void sim_release(sim_run *r, sim_host *h, uint32_t ip);

/* products.c */
int sim_products_init(sim_run *r);
const sim_product_def *sim_product_defs(uint32_t *n);
int sim_product_find(sim_run *r, const char *key);
uint32_t sim_product_version_at(const sim_run *r, const sim_product *p, ug_time t);
const char *sim_product_dir(sim_run *r, const sim_host *h, const sim_product *p, bool run_lifetime);
uint32_t sim_product_server(const sim_run *r, const sim_product *p, const sim_host *h);
/* Every "%u" in tpl replaced by v (slice arena, or run arena). */
const char *sim_subst(sim_run *r, const char *tpl, uint32_t v, bool run_lifetime);
const sim_pe *sim_product_file_pe(sim_run *r, const sim_product *p, uint32_t version, int file);
const sim_pe *sim_product_pkg_pe(sim_run *r, const sim_product *p, uint32_t version);

/* pe.c */
const sim_pe *sim_pe_new(sim_run *r, sim_rng *rng, const char *orig, const char *desc,
                         const char *product, const char *company, const char *version,
                         const char *signer);

/* servers (net.c) */
uint32_t sim_server_add(sim_run *r, const char *name, const char *cname, const char *ptr,
                        uint32_t ip, bool http_only);
/* proc.c */
sim_proc sim_proc_new(sim_run *r, sim_host *h, ug_time t, const char *image, const char *cmdline,
                      const sim_pe *pe, uint8_t user, uint8_t integrity);
/* Start a process: emits Sysmon 1; returns the child. */
sim_proc sim_spawn(sim_run *r, sim_host *h, ug_time t, const sim_proc *parent, const char *image,
                   const char *cmdline, const sim_pe *pe, uint8_t user, uint8_t integrity);
void sim_proc_end(sim_run *r, sim_host *h, ug_time t, const sim_proc *p);
void sim_file(sim_run *r, sim_host *h, ug_time t, const sim_proc *p, const char *path,
              const sim_pe *exe_pe);
void sim_reg(sim_run *r, sim_host *h, ug_time t, const sim_proc *p, const char *key,
             const char *details);
void sim_image_load(sim_run *r, sim_host *h, ug_time t, const sim_proc *p, const char *path,
                    const sim_pe *pe);
void sim_task_created(sim_run *r, sim_host *h, ug_time t, const sim_proc *by, const char *name,
                      const char *command, const char *args, bool system);
void sim_service_installed(sim_run *r, sim_host *h, ug_time t, const sim_proc *by,
                           const char *name, const char *image_path, const char *start_type);
const char *sim_user_name(const sim_run *r, const sim_host *h, uint8_t user);
const sim_pe *sim_sys_pe(sim_run *r, const char *image);

/* net.c */
typedef struct sim_req {
	uint32_t srv;           /* server index */
	bool https;
	const char *method;
	const char *path;       /* for HTTP */
	const char *mime;
	const char *ua;
	uint64_t up, down;
	ug_time dur;
	uint16_t status;
	bool no_sysmon;         /* Sysmon config filters this process' connections */
} sim_req;
/* DNS lookup (cached per host) + connection + proxy/zeek records. Returns the
 * time the transfer ends. */
ug_time sim_request(sim_run *r, sim_host *h, ug_time t, const sim_proc *p, const sim_req *q);
void sim_dns_only(sim_run *r, sim_host *h, ug_time t, const sim_proc *p, const char *name,
                  uint16_t qtype, const char *txt, uint32_t ip);
void sim_dns_flush(sim_host *h);

/* background.c */
int sim_background_init(sim_run *r);
void sim_host_slice(sim_run *r, sim_host *h);
sim_proc *sim_host_launcher(sim_run *r, sim_host *h, sim_launch how);

/* updates.c */
void sim_updates_slice(sim_run *r, sim_host *h, ug_time from, ug_time to);
void sim_app_start(sim_run *r, sim_host *h, uint32_t pi, ug_time t);
/* Run one update check of product pi on host h at t (from the given parent). */
ug_time sim_update_check(sim_run *r, sim_host *h, uint32_t pi, ug_time t, const sim_proc *parent);

/* scenarios.c */
int sim_incident_init(sim_run *r);
/* Called by an update check when it would download: returns true when the
 * incident takes over this delivery (and generates the infection). */
bool sim_incident_delivery(sim_run *r, sim_host *h, uint32_t pi, ug_time t, const sim_proc *upd,
                           ug_time *end);
void sim_incident_slice(sim_run *r, sim_host *h, ug_time from, ug_time to);
void sim_incident_boot(sim_run *r, sim_host *h, ug_time t);
void sim_decoy_apply(sim_run *r, sim_host *h, uint32_t pi, ug_time t, const sim_proc *installer,
                     uint32_t old_version, uint32_t new_version);
void sim_delivery_note(sim_run *r, sim_host *h, uint32_t pi, ug_time t, uint32_t srv,
                       uint32_t dl_srv, uint64_t bytes, bool malicious, bool executed);
/* The app of product pi started on h (hook for trojanised modules). */
void sim_incident_app_start(sim_run *r, sim_host *h, uint32_t pi, ug_time t, const sim_proc *app);
const char *sim_run_key(sim_run *r, const sim_host *h, bool per_user, bool wow64, const char *value);
bool sim_product_per_user(const sim_product *p);

/* truth.c */
int sim_truth_write(sim_run *r, ug_sim_summary *sum);

#endif
