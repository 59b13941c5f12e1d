/* truth.c — truth.json: what really happened, so that any tool can be
 * scored: the scenario and its parameters, the product and its update hosts,
 * the compromised region, server and window, the affected hosts (received
 * the bad update), the compromised ones (ran it), the hosts that updated
 * cleanly in the window, the decoys, the admin noise and the IOCs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_int.h"
#include "ug_config.h"

typedef struct jw {
	ug_buf *b;
	bool first;
} jw;

static void jkey(jw *j, const char *k)
{
	if (!j->first)
		SIM_PUTL(j->b, ",");
	j->first = false;
	SIM_PUTL(j->b, "\n\"");
	ug_buf_puts(j->b, k);
	SIM_PUTL(j->b, "\":");
}

static void jstr(ug_buf *b, const char *s)
{
	if (!s)
		SIM_PUTL(b, "null");
	else
		ug_buf_append_json_str(b, (ug_sv){s, strlen(s)});
}

static void jtime(ug_buf *b, ug_time t)
{
	char tmp[40];
	SIM_PUTL(b, "\"");
	sim_put(b, tmp, sim_fmt_iso(tmp, t, t % UG_NS_PER_SEC ? 3 : 0));
	SIM_PUTL(b, "\"");
}

static void jip(ug_buf *b, uint32_t ip)
{
	SIM_PUTL(b, "\"");
	sim_put_ip4(b, ip);
	SIM_PUTL(b, "\"");
}

/* A JSON array of distinct strings. */
typedef struct strset {
	const char **v;
	size_t n, cap;
} strset;

static void set_add(strset *s, const char *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], v))
			return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		const char **nv = realloc(s->v, cap * sizeof(*nv));
		if (!nv)
			return;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
}

static void set_write(ug_buf *b, strset *s)
{
	SIM_PUTL(b, "[");
	for (size_t i = 0; i < s->n; i++) {
		if (i)
			SIM_PUTL(b, ",");
		jstr(b, s->v[i]);
	}
	SIM_PUTL(b, "]");
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void regions(sim_run *r, ug_buf *b)
{
	SIM_PUTL(b, "[");
	for (uint32_t g = 0; g < r->nregions; g++) {
		const sim_region *rg = &r->regions[g];
		uint32_t n = 0;
		for (uint32_t i = 0; i < r->nhosts; i++)
			n += r->hosts[i].region == g;
		if (g)
			SIM_PUTL(b, ",");
		ug_buf_printf(b, "\n {\"code\":\"%s\",\"name\":\"%s\",\"time_zone\":\"%s\",\"hosts\":%u,"
		                 "\"client_range\":\"%u.%u.0.0/18\",\"dhcp_server\":\"%s\",\"dhcp_server_ip\":",
		              rg->code, rg->name, rg->tz, n, rg->net >> 24, (rg->net >> 16) & 255, rg->dhcp_name);
		jip(b, rg->dhcp_ip);
		SIM_PUTL(b, ",\"dns_server_ip\":");
		jip(b, rg->dns_ip);
		SIM_PUTL(b, "}");
	}
	SIM_PUTL(b, "]");
}

static void files(sim_run *r, ug_buf *b)
{
	unsigned f = r->cfg->formats;
	SIM_PUTL(b, "{");
	bool first = true;
#define SEP() (first ? (void)(first = false) : (void)SIM_PUTL(b, ","))
	if (f & UG_SIM_FMT_ECS) {
		SEP();
		SIM_PUTL(b, "\"ecs\":\"winlogbeat/winlogbeat.ndjson\"");
	}
	if (f & UG_SIM_FMT_FLAT) {
		SEP();
		SIM_PUTL(b, "\"flat\":\"nxlog/sysmon-security.json\",\"flat_event_time_zone\":");
		jstr(b, r->flat_tz_name);
	}
	if (f & UG_SIM_FMT_SQUID) {
		SEP();
		ug_buf_printf(b, "\"squid\":\"squid/access.log\",\"proxy_clock_skew_seconds\":%.3f",
		              (double)r->cfg->proxy_skew / 1e9);
	}
	if (f & UG_SIM_FMT_ZEEK) {
		SEP();
		SIM_PUTL(b, "\"zeek\":[\"zeek/conn.log\",\"zeek/dns.log\",\"zeek/http.log\",\"zeek/ssl.log\"]");
	}
	if (f & UG_SIM_FMT_ZEEK_JSON) {
		SEP();
		SIM_PUTL(b, "\"zeek_json\":[\"zeek-json/conn.log\",\"zeek-json/dns.log\",\"zeek-json/http.log\",\"zeek-json/ssl.log\"]");
	}
	if (f & UG_SIM_FMT_DHCP) {
		SEP();
		SIM_PUTL(b, "\"dhcp\":{");
		for (uint32_t g = 0; g < r->nregions; g++)
			ug_buf_printf(b, "%s\"dhcp/%s\":\"%s\"", g ? "," : "", r->regions[g].dhcp_name, r->regions[g].tz);
		SIM_PUTL(b, "}");
	}
	SIM_PUTL(b, "}");
#undef SEP
}

static void product(sim_run *r, ug_buf *b)
{
	const sim_product *p = &r->products[r->inc.product];
	const sim_product_def *d = p->def;
	strset upd = {0}, cdn = {0}, imgs = {0};
	for (uint32_t g = 0; g < (d->regional ? r->nregions : 1); g++)
		set_add(&upd, r->servers[p->update_srv[g]].name);
	set_add(&cdn, r->servers[p->cdn_srv].name);
	const char *up = d->updater[0] == '%' || d->updater[1] == ':' ? d->updater
	                                                              : sim_sprintf(r, "%s\\%s", d->dir, d->updater);
	set_add(&imgs, up);
	SIM_PUTL(b, "{\"key\":");
	jstr(b, d->key);
	SIM_PUTL(b, ",\"name\":");
	jstr(b, d->name);
	SIM_PUTL(b, ",\"vendor\":");
	jstr(b, d->vendor);
	SIM_PUTL(b, ",\"install_dir\":");
	jstr(b, d->dir);
	SIM_PUTL(b, ",\"updater_images\":");
	set_write(b, &imgs);
	SIM_PUTL(b, ",\"installer\":");
	jstr(b, d->installer && strcmp(d->installer, "@pkg") != 0 ? d->installer
	                                                          : "(the downloaded package)");
	SIM_PUTL(b, ",\"update_hosts\":");
	set_write(b, &upd);
	SIM_PUTL(b, ",\"cdn_hosts\":");
	set_write(b, &cdn);
	SIM_PUTL(b, ",\"update_host_pattern\":");
	if (d->regional) {
		const char *pos = strstr(d->update_host, "%s");
		jstr(b, sim_sprintf(r, "%.*s*%s", (int)(pos - d->update_host), d->update_host, pos + 2));
	} else {
		jstr(b, d->update_host);
	}
	ug_buf_printf(b, ",\"regional_servers\":%s,\"plain_http\":%s,\"check_interval_minutes\":%u,"
	                 "\"release_every_hours\":%u,\"package_kb\":[%u,%u],\"hosts_with_product\":",
	              d->regional ? "true" : "false", d->plain_http ? "true" : "false", d->check_every_min,
	              d->release_every_h, d->pkg_min_kb, d->pkg_max_kb);
	uint32_t n = 0;
	for (uint32_t i = 0; i < r->nhosts; i++)
		n += r->hosts[i].prods[r->inc.product].installed;
	sim_put_u64(b, n);
	SIM_PUTL(b, "}");
}

static void incident(sim_run *r, ug_buf *b)
{
	const sim_incident *inc = &r->inc;
	const sim_product *p = &r->products[inc->product];
	SIM_PUTL(b, "{\"active\":");
	SIM_PUTL(b, "");
	ug_buf_puts(b, inc->active ? "true" : "false");
	SIM_PUTL(b, ",\"compromised_region\":");
	jstr(b, inc->region >= 0 ? r->regions[inc->region].code : "all");
	uint32_t srv = p->def->regional && inc->region >= 0 ? p->update_srv[inc->region] : p->update_srv[0];
	if (inc->scenario == UG_SIM_SCENARIO_SHADOWHAMMER)
		srv = p->cdn_srv;
	SIM_PUTL(b, ",\"compromised_server\":");
	jstr(b, r->servers[srv].name);
	SIM_PUTL(b, ",\"compromised_server_ip\":");
	jip(b, r->servers[srv].ip);
	SIM_PUTL(b, ",\"payload_server\":");
	uint32_t dl = inc->scenario == UG_SIM_SCENARIO_GUP ? inc->stage_srv : srv;
	jstr(b, r->servers[dl].name);
	SIM_PUTL(b, ",\"window\":{\"start\":");
	jtime(b, inc->win_start);
	SIM_PUTL(b, ",\"end\":");
	jtime(b, inc->win_end);
	SIM_PUTL(b, "},\"techniques\":{\"persistence\":");
	jstr(b, ug_sim_persistence_name(inc->persist));
	SIM_PUTL(b, ",\"dropper_dir\":");
	jstr(b, ug_sim_dropdir_name(inc->dropdir));
	SIM_PUTL(b, ",\"c2\":");
	jstr(b, ug_sim_c2_name(inc->c2));
	ug_buf_printf(b, ",\"beacon_period_seconds\":%.0f,\"beacon_jitter\":%.2f,\"dormancy_seconds\":%.0f,"
	                 "\"updates_blocked\":%s,\"hosts_file_edited\":%s,\"powershell\":%s}",
	              (double)inc->beacon_period / 1e9, inc->jitter, (double)inc->dormancy / 1e9,
	              inc->block_updates ? "true" : "false", inc->edit_hosts ? "true" : "false",
	              inc->powershell ? "true" : "false");
	SIM_PUTL(b, ",\"malicious_package\":{\"sha256\":");
	jstr(b, inc->mal_pe->sha256);
	SIM_PUTL(b, ",\"md5\":");
	jstr(b, inc->mal_pe->md5);
	SIM_PUTL(b, ",\"original_name\":");
	jstr(b, inc->mal_pe->original_name);
	ug_buf_printf(b, ",\"bytes\":%u}", inc->mal_size);
	if (inc->scenario == UG_SIM_SCENARIO_SHADOWHAMMER) {
		SIM_PUTL(b, ",\"targets\":[");
		bool first = true;
		for (uint32_t i = 0; i < r->nhosts; i++)
			if (r->hosts[i].target) {
				ug_buf_printf(b, "%s{\"host\":\"%s\",\"mac\":\"%s\"}", first ? "" : ",",
				              r->hosts[i].lname, r->hosts[i].mac_str);
				first = false;
			}
		SIM_PUTL(b, "]");
	}
	SIM_PUTL(b, "}");
}

static void host_ref(sim_run *r, ug_buf *b, const sim_host *h)
{
	SIM_PUTL(b, "{\"host\":");
	jstr(b, h->lname);
	SIM_PUTL(b, ",\"fqdn\":");
	jstr(b, h->fqdn);
	SIM_PUTL(b, ",\"region\":");
	jstr(b, r->regions[h->region].code);
	SIM_PUTL(b, ",\"endpoint_logs\":");
	ug_buf_puts(b, h->endpoint ? "true" : "false");
	SIM_PUTL(b, ",\"mac\":");
	jstr(b, h->mac_str);
}

static void affected(sim_run *r, ug_buf *b)
{
	SIM_PUTL(b, "[");
	bool first = true;
	for (uint32_t i = 0; i < r->nhosts; i++) {
		const sim_host *h = &r->hosts[i];
		if (!(h->truth & SIM_T_AFFECTED))
			continue;
		const sim_delivery *d = NULL;
		for (size_t k = 0; k < r->ndeliv && !d; k++)
			if (r->deliv[k].host == i && r->deliv[k].malicious)
				d = &r->deliv[k];
		ug_buf_puts(b, first ? "\n " : ",\n ");
		first = false;
		host_ref(r, b, h);
		if (d) {
			SIM_PUTL(b, ",\"time\":");
			jtime(b, d->ts);
			SIM_PUTL(b, ",\"client_ip\":");
			jip(b, d->client_ip);
			SIM_PUTL(b, ",\"server\":");
			jstr(b, r->servers[d->server].name);
			SIM_PUTL(b, ",\"server_ip\":");
			jip(b, r->servers[d->server].ip);
			SIM_PUTL(b, ",\"download_server\":");
			jstr(b, r->servers[d->dl_server].name);
			ug_buf_printf(b, ",\"bytes\":%llu", (unsigned long long)d->bytes);
		}
		SIM_PUTL(b, ",\"executed\":");
		ug_buf_puts(b, h->truth & SIM_T_COMPROMISED ? "true" : "false");
		SIM_PUTL(b, "}");
	}
	SIM_PUTL(b, "]");
}

static void host_list(sim_run *r, ug_buf *b, uint8_t need, uint8_t exclude)
{
	SIM_PUTL(b, "[");
	bool first = true;
	for (uint32_t i = 0; i < r->nhosts; i++) {
		const sim_host *h = &r->hosts[i];
		if ((h->truth & need) != need || (h->truth & exclude))
			continue;
		if (!first)
			SIM_PUTL(b, ",");
		first = false;
		jstr(b, h->lname);
	}
	SIM_PUTL(b, "]");
}

static void decoys(sim_run *r, ug_buf *b)
{
	SIM_PUTL(b, "[");
	for (uint32_t k = 0; k < r->ndecoys; k++) {
		const sim_decoy *d = &r->decoys[k];
		const sim_product *p = &r->products[d->product];
		if (k)
			SIM_PUTL(b, ",");
		SIM_PUTL(b, "\n {\"product\":");
		jstr(b, p->def->key);
		SIM_PUTL(b, ",\"release_time\":");
		jtime(b, d->at);
		ug_buf_printf(b, ",\"hosts\":%u,\"task_name\":", d->hosts);
		jstr(b, d->task_name);
		SIM_PUTL(b, ",\"run_value\":");
		jstr(b, d->run_value);
		SIM_PUTL(b, ",\"helper\":");
		jstr(b, sim_sprintf(r, "%s\\%s", p->def->dir, d->helper));
		SIM_PUTL(b, ",\"helper_sha256\":");
		jstr(b, d->helper_pe->sha256);
		SIM_PUTL(b, "}");
	}
	SIM_PUTL(b, "]");
}

static void waves(sim_run *r, ug_buf *b)
{
	SIM_PUTL(b, "[");
	for (uint32_t k = 0; k < r->nwaves; k++) {
		const sim_wave *w = &r->waves[k];
		if (k)
			SIM_PUTL(b, ",");
		SIM_PUTL(b, "\n {\"time\":");
		jtime(b, w->at);
		SIM_PUTL(b, ",\"package\":");
		jstr(b, w->package);
		SIM_PUTL(b, ",\"service\":");
		jstr(b, w->service);
		SIM_PUTL(b, ",\"task_name\":");
		jstr(b, w->task);
		SIM_PUTL(b, ",\"run_value\":");
		jstr(b, w->run_value);
		SIM_PUTL(b, "}");
	}
	SIM_PUTL(b, "]");
}

static void iocs(sim_run *r, ug_buf *b)
{
	const sim_incident *inc = &r->inc;
	strset sha = {0}, md5 = {0}, names = {0}, paths = {0}, tasks = {0}, reg = {0}, svcs = {0},
	       doms = {0}, ips = {0}, urls = {0}, modified = {0};
	if (inc->active && inc->affected) {
		const sim_product *p = &r->products[inc->product];
		set_add(&sha, inc->mal_pe->sha256);
		set_add(&md5, inc->mal_pe->md5);
		if (inc->scenario == UG_SIM_SCENARIO_GUP)
			set_add(&doms, r->servers[inc->stage_srv].name);
		if (inc->scenario == UG_SIM_SCENARIO_GUP)
			set_add(&ips, sim_sprintf(r, "%u.%u.%u.%u", r->servers[inc->stage_srv].ip >> 24,
			                          (r->servers[inc->stage_srv].ip >> 16) & 255,
			                          (r->servers[inc->stage_srv].ip >> 8) & 255,
			                          r->servers[inc->stage_srv].ip & 255));
		if (inc->compromised) {
			bool drops = inc->scenario != UG_SIM_SCENARIO_3CX || inc->persist != UG_SIM_PERSIST_NONE;
			if (drops && inc->scenario != UG_SIM_SCENARIO_3CX) {
				set_add(&sha, inc->drop_pe->sha256);
				set_add(&md5, inc->drop_pe->md5);
				set_add(&names, inc->drop_name);
			}
			const sim_server *c2 = &r->servers[inc->c2_srv];
			set_add(&doms, c2->name);
			uint32_t ip = c2->ip;
			set_add(&ips, sim_sprintf(r, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255));
			if (inc->c2 == UG_SIM_C2_HTTP)
				set_add(&urls, sim_sprintf(r, "http://%s%s", c2->name, inc->c2_path));
			for (uint32_t i = 0; i < r->nhosts && paths.n < 100; i++) {
				sim_host *h = &r->hosts[i];
				if (!(h->truth & SIM_T_COMPROMISED) || inc->scenario == UG_SIM_SCENARIO_3CX)
					continue;
				const char *dir = inc->drop_dir_tpl;
				if (!strcmp(dir, p->def->dir))
					dir = sim_product_dir(r, h, p, false);
				else
					dir = sim_expand(r, h, dir, false);
				set_add(&paths, sim_sprintf(r, "%s\\%s", dir, inc->drop_name));
			}
			if (inc->scenario == UG_SIM_SCENARIO_3CX)
				set_add(&names, "ffmpeg.dll");
			switch (inc->persist) {
			case UG_SIM_PERSIST_TASK: set_add(&tasks, inc->task_name); break;
			case UG_SIM_PERSIST_RUN:
				set_add(&reg, sim_sprintf(r, "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\%s", inc->run_value));
				break;
			case UG_SIM_PERSIST_SERVICE:
				set_add(&svcs, inc->service_name);
				set_add(&reg, sim_sprintf(r, "HKLM\\System\\CurrentControlSet\\Services\\%s", inc->service_name));
				break;
			case UG_SIM_PERSIST_WMI:
				set_add(&reg, sim_sprintf(r, "WMI: __EventFilter.Name=\"%s\"", inc->wmi_name));
				break;
			default: break;
			}
			if (inc->edit_hosts)
				set_add(&modified, "C:\\Windows\\System32\\drivers\\etc\\hosts");
			if (inc->block_updates)
				set_add(&modified, sim_sprintf(r, "%s%s", p->def->dir, inc->config_file + 5));
		}
	}
	SIM_PUTL(b, "{\"sha256\":");
	set_write(b, &sha);
	SIM_PUTL(b, ",\"md5\":");
	set_write(b, &md5);
	SIM_PUTL(b, ",\"file_names\":");
	set_write(b, &names);
	SIM_PUTL(b, ",\"file_paths\":");
	set_write(b, &paths);
	SIM_PUTL(b, ",\"modified_files\":");
	set_write(b, &modified);
	SIM_PUTL(b, ",\"task_names\":");
	set_write(b, &tasks);
	SIM_PUTL(b, ",\"registry\":");
	set_write(b, &reg);
	SIM_PUTL(b, ",\"services\":");
	set_write(b, &svcs);
	SIM_PUTL(b, ",\"domains\":");
	set_write(b, &doms);
	SIM_PUTL(b, ",\"ips\":");
	set_write(b, &ips);
	SIM_PUTL(b, ",\"urls\":");
	set_write(b, &urls);
	SIM_PUTL(b, "}");
}

int sim_truth_write(sim_run *r, ug_sim_summary *sum)
{
	ug_buf b = UG_BUF_INIT;
	jw j = {&b, true};
	uint32_t endpoint = 0, clean = 0;
	for (uint32_t i = 0; i < r->nhosts; i++) {
		endpoint += r->hosts[i].endpoint;
		clean += (r->hosts[i].truth & SIM_T_CLEAN) && !(r->hosts[i].truth & SIM_T_AFFECTED);
	}
	SIM_PUTL(&b, "{");
	jkey(&j, "generator");
	jstr(&b, "updguard simulate " UG_VERSION);
	jkey(&j, "seed");
	sim_put_u64(&b, r->cfg->seed);
	jkey(&j, "scenario");
	jstr(&b, ug_sim_scenario_name(r->inc.scenario));
	jkey(&j, "scenario_summary");
	jstr(&b, ug_sim_scenario_summary(r->inc.scenario));
	jkey(&j, "start");
	jtime(&b, r->t_start);
	jkey(&j, "end");
	jtime(&b, r->t_end);
	jkey(&j, "days");
	sim_put_u64(&b, r->cfg->days);
	jkey(&j, "hosts");
	ug_buf_printf(&b, "{\"total\":%u,\"endpoint_logs\":%u,\"network_only\":%u}", r->nhosts, endpoint,
	              r->nhosts - endpoint);
	jkey(&j, "organisation");
	ug_buf_printf(&b, "{\"dns_domain\":\"%s\",\"netbios_domain\":\"%s\",\"host_name_pattern\":\"WS-<REGION>-<NNNN>\"}",
	              r->domain, r->netbios);
	jkey(&j, "regions");
	regions(r, &b);
	jkey(&j, "files");
	files(r, &b);
	jkey(&j, "product");
	product(r, &b);
	jkey(&j, "incident");
	incident(r, &b);
	jkey(&j, "affected_hosts");
	affected(r, &b);
	jkey(&j, "compromised_hosts");
	host_list(r, &b, SIM_T_COMPROMISED, 0);
	jkey(&j, "clean_delivery_hosts");
	host_list(r, &b, SIM_T_CLEAN, SIM_T_AFFECTED);
	jkey(&j, "deliveries_in_window");
	sim_put_u64(&b, r->ndeliv);
	jkey(&j, "decoys");
	decoys(r, &b);
	jkey(&j, "admin_waves");
	waves(r, &b);
	jkey(&j, "iocs");
	iocs(r, &b);
	SIM_PUTL(&b, "\n}\n");
	int rc = UG_OK;
	char *path = sim_sprintf(r, "%s/truth.json", r->out_dir);
	FILE *f = fopen(path, "wb");
	if (!f || !ug_buf_ok(&b) || fwrite(b.p, 1, b.len, f) != b.len)
		rc = ug_error_set(r->err, UG_ERR_IO, "cannot write %s: %s", path, strerror(errno));
	if (f && fclose(f) != 0 && rc == UG_OK)
		rc = ug_error_set(r->err, UG_ERR_IO, "cannot write %s", path);
	sum->bytes += b.len;
	ug_buf_free(&b);
	sum->hosts = r->nhosts;
	sum->endpoint_hosts = endpoint;
	sum->affected = r->inc.affected;
	sum->compromised = r->inc.compromised;
	sum->clean_in_window = clean;
	if (r->inc.active) {
		snprintf(sum->region, sizeof(sum->region), "%s", r->inc.region >= 0 ? r->regions[r->inc.region].code : "all");
		char a[40], e[40];
		a[sim_fmt_iso(a, r->inc.win_start, 0)] = '\0';
		e[sim_fmt_iso(e, r->inc.win_end, 0)] = '\0';
		snprintf(sum->window, sizeof(sum->window), "%s/%s", a, e);
	}
	return rc;
}
