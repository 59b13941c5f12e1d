/* sim.h — `updguard simulate`: realistic enterprise telemetry around a
 * software-update-channel compromise, with the ground truth to score any tool.
 *
 * A seeded, deterministic generator: a fleet of Windows endpoints in several
 * regions, their products' normal update behaviour, background activity and IT
 * admin noise, and one incident scenario. It streams the logs (Winlogbeat ECS
 * JSON, NXLog flat JSON, Squid, Zeek TSV/JSON, Windows DHCP audit log) into an
 * output folder in bounded memory, plus truth.json. See docs/simulate.md.
 */
#ifndef UPDGUARD_SIM_H
#define UPDGUARD_SIM_H

#include "updguard/common.h"
#include "updguard/context.h"
#include "updguard/error.h"
#include "updguard/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Incident scenarios (docs/simulate.md). */
typedef enum ug_sim_scenario {
	UG_SIM_SCENARIO_NONE = 0,     /* no incident: normal fleet only */
	UG_SIM_SCENARIO_ESCAN,        /* regional AV update server serves a trojanised updater */
	UG_SIM_SCENARIO_GUP,          /* update manifest hijack: installer from an attacker host */
	UG_SIM_SCENARIO_3CX,          /* trojanised DLL in a signed app's update */
	UG_SIM_SCENARIO_SHADOWHAMMER, /* signed update, payload fires on a few target hosts */
	UG_SIM_SCENARIO__COUNT
} ug_sim_scenario;

/* Output formats, a bit set. */
enum {
	UG_SIM_FMT_ECS = 1u << 0,       /* Winlogbeat 8 ECS JSON lines */
	UG_SIM_FMT_FLAT = 1u << 1,      /* OTRF / NXLog flat JSON lines */
	UG_SIM_FMT_SQUID = 1u << 2,     /* Squid native access.log */
	UG_SIM_FMT_ZEEK = 1u << 3,      /* Zeek conn/dns/http/ssl TSV */
	UG_SIM_FMT_ZEEK_JSON = 1u << 4, /* Zeek conn/dns/http/ssl JSON lines */
	UG_SIM_FMT_DHCP = 1u << 5,      /* Windows DHCP Server audit log */
	UG_SIM_FMT_ALL = (1u << 6) - 1,
};
#define UG_SIM_FMT_DEFAULT (UG_SIM_FMT_ECS | UG_SIM_FMT_SQUID | UG_SIM_FMT_ZEEK | UG_SIM_FMT_DHCP)

/* Technique choices; AUTO takes the scenario's default (drawn per seed where
 * the scenario allows several). */
typedef enum ug_sim_persistence {
	UG_SIM_PERSIST_AUTO = 0,
	UG_SIM_PERSIST_TASK,
	UG_SIM_PERSIST_RUN,
	UG_SIM_PERSIST_SERVICE,
	UG_SIM_PERSIST_WMI,
	UG_SIM_PERSIST_NONE,
} ug_sim_persistence;

typedef enum ug_sim_dropdir {
	UG_SIM_DROP_AUTO = 0,
	UG_SIM_DROP_PROGRAMDATA,
	UG_SIM_DROP_TEMP,
	UG_SIM_DROP_APPDATA,
	UG_SIM_DROP_SYSTEM32,
	UG_SIM_DROP_PRODUCT, /* inside the product's own folder */
} ug_sim_dropdir;

typedef enum ug_sim_c2 {
	UG_SIM_C2_AUTO = 0,
	UG_SIM_C2_HTTPS,
	UG_SIM_C2_HTTP,
	UG_SIM_C2_DNS, /* DNS only: TXT queries to the C2 zone */
} ug_sim_c2;

typedef struct ug_sim_config {
	uint64_t seed;
	uint32_t hosts;          /* endpoints (default 500) */
	uint32_t days;           /* simulated days (default 3) */
	ug_time start;           /* start of day 1, UTC midnight (default 2026-01-19) */
	const char *regions;     /* comma list of region codes (default "IN,DE,US,SG") */
	double endpoint_share;   /* fraction of hosts with endpoint logs (default 0.85) */
	unsigned formats;        /* UG_SIM_FMT_* (default UG_SIM_FMT_DEFAULT) */
	const char *flat_tz;     /* zone of NXLog EventTime; NULL = first region's zone */
	double activity;         /* background volume factor (default 1.0) */

	ug_sim_scenario scenario;
	const char *compromised_region; /* NULL = drawn per seed */
	ug_time window_start;    /* UG_TIME_INVALID = drawn per seed (working hours, day 2) */
	ug_time window_len;      /* default 2h */
	ug_sim_persistence persistence;
	ug_sim_dropdir dropper_dir;
	ug_sim_c2 c2;
	ug_time beacon_period;   /* 0 = scenario default */
	double beacon_jitter;    /* fraction of the period, < 0 = default (0.2) */
	ug_time dormancy;        /* < 0 = scenario default */
	int block_updates;       /* < 0 = scenario default, 0 no, 1 yes */
	ug_time proxy_skew;      /* proxy clock minus endpoint clock (default 0) */
	uint32_t decoys;         /* benign look-alike updates in the window (default 1) */
	uint32_t targets;        /* shadowhammer: hosts the payload fires on (default 3) */
} ug_sim_config;

/* What a run wrote (for the command's summary). */
typedef struct ug_sim_summary {
	uint64_t events;            /* log records written, all formats */
	uint64_t bytes;             /* bytes written, all files */
	uint64_t by_format[6];      /* records per format, in UG_SIM_FMT_* bit order */
	uint32_t hosts, endpoint_hosts;
	uint32_t affected, compromised, clean_in_window;
	double seconds;             /* wall time */
	char region[8];             /* compromised region ("" when none) */
	char window[96];            /* "START/END" RFC 3339, "" when none */
} ug_sim_summary;

void ug_sim_config_default(ug_sim_config *cfg);

/* Generate into out_dir (created when missing). Returns UG_OK or an error
 * code with err filled; the library never exits. */
int ug_sim_run(const ug_sim_config *cfg, const char *out_dir, const ug_ctx *ctx, ug_error *err);
/* The same, also filling *summary (may be NULL). */
int ug_sim_run_summary(const ug_sim_config *cfg, const char *out_dir, const ug_ctx *ctx,
                       ug_sim_summary *summary, ug_error *err);

/* Scenario names: "none", "escan", "gup", "3cx", "shadowhammer". */
const char *ug_sim_scenario_name(ug_sim_scenario s);
const char *ug_sim_scenario_summary(ug_sim_scenario s);
int ug_sim_scenario_parse(const char *name, ug_sim_scenario *out);
/* "ecs,squid,zeek" / "all" -> bit set; UG_ERR_INVALID names the bad item. */
int ug_sim_formats_parse(const char *list, unsigned *out, ug_error *err);
const char *ug_sim_format_name(unsigned bit);
/* Technique names: task|run|service|wmi|none, programdata|temp|appdata|system32|product,
 * https|http|dns ("auto" everywhere). */
int ug_sim_persistence_parse(const char *s, ug_sim_persistence *out);
int ug_sim_dropdir_parse(const char *s, ug_sim_dropdir *out);
int ug_sim_c2_parse(const char *s, ug_sim_c2 *out);
const char *ug_sim_persistence_name(ug_sim_persistence p);
const char *ug_sim_dropdir_name(ug_sim_dropdir d);
const char *ug_sim_c2_name(ug_sim_c2 c);
/* Region codes the simulator knows, comma-separated ("IN,DE,US,SG,GB,JP,BR,AU"). */
const char *ug_sim_known_regions(void);

#ifdef __cplusplus
}
#endif
#endif
