/* config.c — ug_sim_config defaults and the names the command line uses for
 * scenarios, formats and techniques. */
#include <string.h>
#include <strings.h>

#include "updguard/error.h"
#include "updguard/sim.h"

void ug_sim_config_default(ug_sim_config *c)
{
	memset(c, 0, sizeof(*c));
	c->seed = 1;
	c->hosts = 500;
	c->days = 3;
	c->start = INT64_C(1768780800) * UG_NS_PER_SEC; /* 2026-01-19T00:00:00Z, a Monday */
	c->regions = "IN,DE,US,SG";
	c->endpoint_share = 0.85;
	c->formats = UG_SIM_FMT_DEFAULT;
	c->activity = 1.0;
	c->scenario = UG_SIM_SCENARIO_ESCAN;
	c->window_start = UG_TIME_INVALID;
	c->window_len = 0;
	c->beacon_jitter = -1;
	c->dormancy = -1;
	c->block_updates = -1;
	c->decoys = 1;
	c->targets = 3;
}

static const struct {
	const char *name, *summary;
} scenarios[UG_SIM_SCENARIO__COUNT] = {
	{"none", "no incident: the fleet's normal updates, admin noise and decoys only"},
	{"escan", "one region's AV update server serves a trojanised Reload.exe for ~2h"},
	{"gup", "update manifest hijacked for one region: installer from an attacker host, service"},
	{"3cx", "vendor build ships a trojanised DLL that the signed app loads (Sysmon 7)"},
	{"shadowhammer", "signed update to the whole fleet, payload fires on a few target hosts"},
};

const char *ug_sim_scenario_name(ug_sim_scenario s)
{
	return (unsigned)s < UG_SIM_SCENARIO__COUNT ? scenarios[s].name : "?";
}

const char *ug_sim_scenario_summary(ug_sim_scenario s)
{
	return (unsigned)s < UG_SIM_SCENARIO__COUNT ? scenarios[s].summary : "";
}

int ug_sim_scenario_parse(const char *name, ug_sim_scenario *out)
{
	for (int i = 0; i < UG_SIM_SCENARIO__COUNT; i++)
		if (!strcasecmp(name, scenarios[i].name)) {
			*out = (ug_sim_scenario)i;
			return UG_OK;
		}
	return UG_ERR_NOTFOUND;
}

static const char *const fmt_names[] = {"ecs", "flat", "squid", "zeek", "zeek-json", "dhcp"};

const char *ug_sim_format_name(unsigned bit)
{
	for (unsigned i = 0; i < 6; i++)
		if (bit == 1u << i)
			return fmt_names[i];
	return "?";
}

int ug_sim_formats_parse(const char *list, unsigned *out, ug_error *err)
{
	unsigned set = 0;
	const char *p = list;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		bool found = false;
		if (n == 3 && !strncasecmp(p, "all", 3)) {
			set |= UG_SIM_FMT_ALL;
			found = true;
		}
		for (unsigned i = 0; i < 6 && !found; i++)
			if (strlen(fmt_names[i]) == n && !strncasecmp(p, fmt_names[i], n)) {
				set |= 1u << i;
				found = true;
			}
		if (!found)
			return ug_error_set(err, UG_ERR_INVALID,
			                    "unknown format '%.*s' (ecs, flat, squid, zeek, zeek-json, dhcp, all)",
			                    (int)n, p);
		if (!e)
			break;
		p = e + 1;
	}
	if (!set)
		return ug_error_set(err, UG_ERR_INVALID, "no formats");
	*out = set;
	return UG_OK;
}

static const char *const persist_names[] = {"auto", "task", "run", "service", "wmi", "none"};
static const char *const drop_names[] = {"auto", "programdata", "temp", "appdata", "system32", "product"};
static const char *const c2_names[] = {"auto", "https", "http", "dns"};

static int parse_in(const char *s, const char *const *names, int n, int *out)
{
	for (int i = 0; i < n; i++)
		if (!strcasecmp(s, names[i])) {
			*out = i;
			return UG_OK;
		}
	return UG_ERR_NOTFOUND;
}

int ug_sim_persistence_parse(const char *s, ug_sim_persistence *out)
{
	int v, rc = parse_in(s, persist_names, 6, &v);
	if (rc == UG_OK)
		*out = (ug_sim_persistence)v;
	return rc;
}

int ug_sim_dropdir_parse(const char *s, ug_sim_dropdir *out)
{
	int v, rc = parse_in(s, drop_names, 6, &v);
	if (rc == UG_OK)
		*out = (ug_sim_dropdir)v;
	return rc;
}

int ug_sim_c2_parse(const char *s, ug_sim_c2 *out)
{
	int v, rc = parse_in(s, c2_names, 4, &v);
	if (rc == UG_OK)
		*out = (ug_sim_c2)v;
	return rc;
}

const char *ug_sim_persistence_name(ug_sim_persistence p)
{
	return (unsigned)p < 6 ? persist_names[p] : "?";
}

const char *ug_sim_dropdir_name(ug_sim_dropdir d)
{
	return (unsigned)d < 6 ? drop_names[d] : "?";
}

const char *ug_sim_c2_name(ug_sim_c2 c)
{
	return (unsigned)c < 4 ? c2_names[c] : "?";
}
