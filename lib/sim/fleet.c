/* fleet.c — the enterprise: regions (time zone, client address range, DHCP
 * and DNS servers), hosts with stable identities (name, MAC, user, Sysmon
 * machine id), which of them ship endpoint logs, and DHCP leases that move
 * roaming laptops to new addresses over the days. */
#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "sim/sim_int.h"

static const struct {
	const char *code, *name, *tz, *site;
	double weight;
} region_table[] = {
	{"IN", "India", "Asia/Kolkata", "in", 0.35},
	{"DE", "Germany", "Europe/Berlin", "de", 0.25},
	{"US", "United States", "America/New_York", "us", 0.25},
	{"SG", "Singapore", "Asia/Singapore", "sg", 0.15},
	{"GB", "United Kingdom", "Europe/London", "gb", 0.2},
	{"JP", "Japan", "Asia/Tokyo", "jp", 0.15},
	{"BR", "Brazil", "America/Sao_Paulo", "br", 0.15},
	{"AU", "Australia", "Australia/Sydney", "au", 0.15},
};

const char *ug_sim_known_regions(void)
{
	return "IN,DE,US,SG,GB,JP,BR,AU";
}

static int region_lookup(const char *code, size_t n)
{
	for (size_t i = 0; i < UG_ARRAY_LEN(region_table); i++)
		if (strlen(region_table[i].code) == n && strncasecmp(region_table[i].code, code, n) == 0)
			return (int)i;
	return -1;
}

static int regions_init(sim_run *r)
{
	const char *list = r->cfg->regions ? r->cfg->regions : "IN,DE,US,SG";
	const char *p = list;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		int i = region_lookup(p, n);
		if (i < 0)
			return ug_error_set(r->err, UG_ERR_INVALID, "unknown region '%.*s' (known: %s)",
			                    (int)n, p, ug_sim_known_regions());
		for (uint32_t k = 0; k < r->nregions; k++)
			if (!strcmp(r->regions[k].code, region_table[i].code))
				return ug_error_set(r->err, UG_ERR_INVALID, "region '%s' listed twice",
				                    region_table[i].code);
		if (r->nregions == SIM_MAX_REGIONS)
			return ug_error_set(r->err, UG_ERR_INVALID, "at most %d regions", SIM_MAX_REGIONS);
		sim_region *g = &r->regions[r->nregions];
		uint32_t k = r->nregions++;
		g->code = region_table[i].code;
		g->name = region_table[i].name;
		g->tz = region_table[i].tz;
		g->site = region_table[i].site;
		g->weight = region_table[i].weight;
		g->net = (10u << 24) | ((32u + 16u * k) << 16);
		g->pool_size = 16384;
		g->dhcp_ip = g->net | (0u << 8) | 5;
		g->dns_ip = g->net | (0u << 8) | 10;
		g->egress_ip = sim_public_ip(&r->rng);
		snprintf(g->dhcp_name, sizeof(g->dhcp_name), "DHCP-%s01", g->code);
		g->offset_cache_day = -1;
		g->pool_used = ug_arena_calloc(&r->arena, g->pool_size / 8, 1);
		if (!g->pool_used)
			return ug_error_set(r->err, UG_ERR_NOMEM, "out of memory");
		if (ug_tz_load(&g->zone, g->tz, r->err) != UG_OK)
			return r->err ? r->err->code : UG_ERR_NOTFOUND;
		if (!e)
			break;
		p = e + 1;
	}
	if (!r->nregions)
		return ug_error_set(r->err, UG_ERR_INVALID, "no regions");
	return UG_OK;
}

int32_t sim_region_offset(sim_run *r, sim_region *g, ug_time t)
{
	int32_t day = (int32_t)((t - r->t_start) / UG_NS_PER_DAY);
	if (g->offset_cache_day != day) {
		g->offset_cache_day = day;
		g->offset_cache = ug_tz_offset_at_utc(g->zone, (t / UG_NS_PER_SEC));
	}
	return g->offset_cache;
}

static const char *const ouis[] = {"F8BC12", "3C5282", "54EE75", "D4BED9", "A4BB6D", "98FA9B",
                                   "E4B97A", "C8D9D2", "70B5E8", "48210B"};

static void host_identity(sim_run *r, sim_host *h, const sim_region *g)
{
	char buf[160];
	if (h->region_seq < 10000)
		snprintf(h->name, sizeof(h->name), "WS-%s-%04u", g->code, h->region_seq);
	else
		snprintf(h->name, sizeof(h->name), "WS-%s-%05u", g->code, h->region_seq);
	snprintf(buf, sizeof(buf), "%s.%s", h->name, r->domain);
	h->fqdn = ug_arena_strdup(&r->arena, buf);
	for (char *c = buf; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	*strchr(buf, '.') = '\0';
	h->lname = ug_arena_strdup(&r->arena, buf);
	h->user = sim_name_person(&h->rng, &r->arena);
	snprintf(buf, sizeof(buf), "%s\\%s", r->netbios, h->user);
	h->user_full = ug_arena_strdup(&r->arena, buf);
	snprintf(buf, sizeof(buf), "%s-%u", r->domain_sid, 1104 + h->idx);
	h->user_sid = ug_arena_strdup(&r->arena, buf);
	snprintf(buf, sizeof(buf), "C:\\Users\\%s", h->user);
	h->profile = ug_arena_strdup(&r->arena, buf);
	const char *oui = ouis[sim_rng_below(&h->rng, (uint32_t)UG_ARRAY_LEN(ouis))];
	char *oui_end;
	unsigned long oui_v = strtoul(oui, &oui_end, 16);
	assert(oui_end == oui + 6 && !*oui_end); /* ouis[] holds six hex digits each */
	h->mac[0] = (uint8_t)(oui_v >> 16);
	h->mac[1] = (uint8_t)(oui_v >> 8);
	h->mac[2] = (uint8_t)oui_v;
	sim_rng_bytes(&h->rng, h->mac + 3, 3);
	sim_fmt_hex(buf, h->mac, 6, true);
	buf[12] = '\0';
	h->mac_str = ug_arena_strdup(&r->arena, buf);
	uint8_t id[16];
	sim_rng_bytes(&h->rng, id, 16);
	char hex[33];
	sim_fmt_hex(hex, id, 16, false);
	snprintf(buf, sizeof(buf), "%.8s-%.4s-4%.3s-a%.3s-%.12s", hex, hex + 8, hex + 12, hex + 16,
	         hex + 20);
	h->agent_id = ug_arena_strdup(&r->arena, buf);
	h->machine_id = (uint32_t)sim_rng_next(&h->rng);
	h->guid_tail = (uint16_t)(0x100 * (3 + sim_rng_below(&h->rng, 8)));
	h->guid_ctr = (uint16_t)sim_rng_below(&h->rng, 60000);
}

int sim_fleet_init(sim_run *r)
{
	int rc = regions_init(r);
	if (rc != UG_OK)
		return rc;
	uint32_t n = r->cfg->hosts;
	r->hosts = ug_arena_calloc(&r->arena, n, sizeof(sim_host));
	if (!r->hosts)
		return ug_error_set(r->err, UG_ERR_NOMEM, "out of memory for %u hosts", n);
	r->nhosts = n;
	/* hosts per region by weight, remainder to the first regions */
	const uint32_t ng = r->nregions;
	assert(ng >= 1 && ng <= SIM_MAX_REGIONS); /* regions_init fails on an empty list */
	double wsum = 0;
	for (uint32_t g = 0; g < ng; g++)
		wsum += r->regions[g].weight;
	uint32_t count[SIM_MAX_REGIONS] = {0}, given = 0;
	for (uint32_t g = 0; g < ng; g++) {
		count[g] = (uint32_t)((double)n * r->regions[g].weight / wsum);
		given += count[g];
	}
	for (uint32_t g = 0; given < n; g = (g + 1) % ng, given++)
		count[g]++;
	uint32_t idx = 0;
	for (uint32_t g = 0; g < ng; g++) {
		for (uint32_t k = 0; k < count[g]; k++, idx++) {
			sim_host *h = &r->hosts[idx];
			h->idx = idx;
			h->region = (uint16_t)g;
			h->region_seq = (uint16_t)(k + 1);
			sim_rng_seed(&h->rng, r->cfg->seed, 0x1000000ull + idx);
			host_identity(r, h, &r->regions[g]);
			h->endpoint = sim_rng_chance(&h->rng, r->cfg->endpoint_share);
			h->always_on = sim_rng_chance(&h->rng, 0.15);
			h->roaming = sim_rng_chance(&h->rng, 0.4);
			h->plan_day = -1;
			h->rec_sysmon = 10000 + sim_rng_below(&h->rng, 900000);
			h->rec_security = 50000 + sim_rng_below(&h->rng, 2000000);
			h->rec_system = 2000 + sim_rng_below(&h->rng, 60000);
			h->sysmon_pid = 4u * (200 + sim_rng_below(&h->rng, 1500));
			h->lsass_tid = 4u * (100 + sim_rng_below(&h->rng, 2000));
		}
	}
	return UG_OK;
}

static bool pool_test(const sim_region *g, uint32_t off)
{
	return g->pool_used[off >> 3] & (1u << (off & 7));
}

static void pool_set(sim_region *g, uint32_t off, bool used)
{
	if (used)
		g->pool_used[off >> 3] |= (uint8_t)(1u << (off & 7));
	else
		g->pool_used[off >> 3] &= (uint8_t)~(1u << (off & 7));
}

void sim_release(sim_run *r, sim_host *h, uint32_t ip)
{
	sim_region *g = &r->regions[h->region];
	if (ip && (ip & 0xFFFFC000u) == g->net)
		pool_set(g, ip - g->net, false);
}

/* An address for today's session: fixed hosts keep theirs, roaming ones
 * usually get a new one from the pool. */
uint32_t sim_lease(sim_run *r, sim_host *h)
{
	sim_region *g = &r->regions[h->region];
	if (h->last_ip && (!h->roaming || sim_rng_chance(&h->rng, 0.3)))
		return h->last_ip;
	sim_release(r, h, h->last_ip);
	for (int tries = 0; tries < 100000; tries++) {
		uint32_t off = 256 + sim_rng_below(&h->rng, g->pool_size - 256);
		uint32_t last = off & 255;
		if (last == 0 || last == 255 || pool_test(g, off))
			continue;
		pool_set(g, off, true);
		return g->net + off;
	}
	return h->last_ip ? h->last_ip : g->net + 256 + h->region_seq;
}

void sim_host_dhcp(sim_run *r, sim_host *h, uint8_t id, ug_time t)
{
	sim_ev *e = sim_push(r, SE_DHCP, h->idx, t);
	e->u.dhcp.id = id;
	e->u.dhcp.ip = h->ip ? h->ip : h->last_ip;
	e->u.dhcp.txid = (uint32_t)sim_rng_next(&h->rng);
}
