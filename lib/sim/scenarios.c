/* scenarios.c — the incidents: which product and update server go bad, when,
 * and what the bad update does on each host; the beacons that follow; and the
 * benign decoy updates in the same window. Artefact names (dropper, task,
 * service, C2 domain) and hashes are drawn per seed from the same generators
 * as benign software, so a hunt must work from behaviour and fleet baselines.
 *
 *   escan        a regional AV update server serves a trojanised Reload.exe:
 *                it drops a downloader, adds persistence, runs PowerShell,
 *                edits HOSTS and the update configuration (updates stop), and
 *                beacons over HTTPS.
 *   gup          the update manifest is hijacked for one region: GUP fetches
 *                an installer from an attacker host, which installs a service.
 *   3cx          the vendor's build ships a trojanised DLL; the signed app
 *                loads it (Sysmon 7) and, after a dormancy, fetches an icon
 *                file from GitHub and then beacons.
 *   shadowhammer a signed update reaches the whole fleet; its payload fires
 *                only on a few target MAC addresses.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/sim_int.h"

static ug_time ms(sim_host *h, int lo, int hi)
{
	return (ug_time)sim_rng_range(&h->rng, lo, hi) * UG_NS_PER_SEC / 1000;
}

static const char *scenario_product(ug_sim_scenario s)
{
	switch (s) {
	case UG_SIM_SCENARIO_GUP: return "notepadpp";
	case UG_SIM_SCENARIO_3CX: return "3cx";
	case UG_SIM_SCENARIO_SHADOWHAMMER: return "asuslu";
	default: return "escan";
	}
}

static const char *b64_blob(sim_run *r, sim_rng *rng, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *s = ug_arena_alloc(&r->arena, n + 3);
	if (!s)
		return "";
	for (size_t i = 0; i < n; i++)
		s[i] = a[sim_rng_below(rng, 64)];
	/* UTF-16LE PowerShell blobs have a recognisable rhythm: every other char 'A' */
	for (size_t i = 1; i < n; i += 4)
		s[i] = 'A';
	strcpy(s + n, "==");
	return s;
}

static void pick_techniques(sim_run *r, sim_rng *rng)
{
	sim_incident *inc = &r->inc;
	const ug_sim_config *c = r->cfg;
	ug_sim_scenario s = inc->scenario;
	inc->persist = c->persistence;
	if (inc->persist == UG_SIM_PERSIST_AUTO) {
		static const ug_sim_persistence sh[] = {UG_SIM_PERSIST_TASK, UG_SIM_PERSIST_SERVICE,
		                                        UG_SIM_PERSIST_WMI, UG_SIM_PERSIST_RUN};
		inc->persist = s == UG_SIM_SCENARIO_ESCAN ? UG_SIM_PERSIST_TASK
		               : s == UG_SIM_SCENARIO_GUP ? UG_SIM_PERSIST_SERVICE
		               : s == UG_SIM_SCENARIO_3CX ? UG_SIM_PERSIST_NONE
		                                          : sh[sim_rng_below(rng, 4)];
	}
	inc->dropdir = c->dropper_dir;
	if (inc->dropdir == UG_SIM_DROP_AUTO) {
		static const ug_sim_dropdir dd[] = {UG_SIM_DROP_PROGRAMDATA, UG_SIM_DROP_APPDATA,
		                                    UG_SIM_DROP_TEMP};
		inc->dropdir = s == UG_SIM_SCENARIO_ESCAN ? UG_SIM_DROP_PROGRAMDATA
		               : s == UG_SIM_SCENARIO_GUP ? UG_SIM_DROP_APPDATA
		               : s == UG_SIM_SCENARIO_3CX ? UG_SIM_DROP_PRODUCT
		                                          : dd[sim_rng_below(rng, 3)];
	}
	inc->c2 = c->c2 == UG_SIM_C2_AUTO ? UG_SIM_C2_HTTPS : c->c2;
	ug_time period = s == UG_SIM_SCENARIO_ESCAN ? 300 : s == UG_SIM_SCENARIO_GUP ? 600
	                 : s == UG_SIM_SCENARIO_3CX ? 1800 : 900;
	inc->beacon_period = c->beacon_period > 0 ? c->beacon_period : period * UG_NS_PER_SEC;
	inc->jitter = c->beacon_jitter >= 0 ? c->beacon_jitter : 0.2;
	if (c->dormancy >= 0)
		inc->dormancy = c->dormancy;
	else if (s == UG_SIM_SCENARIO_3CX)
		inc->dormancy = (ug_time)sim_rng_range(rng, 20, 45) * UG_NS_PER_MIN;
	else
		inc->dormancy = (ug_time)sim_rng_range(rng, 30, 300) * UG_NS_PER_SEC;
	inc->block_updates = c->block_updates >= 0 ? c->block_updates == 1 : s == UG_SIM_SCENARIO_ESCAN;
	inc->edit_hosts = inc->block_updates;
	inc->powershell = s == UG_SIM_SCENARIO_ESCAN || s == UG_SIM_SCENARIO_GUP;
}

static const char *drop_dir_tpl(sim_run *r, sim_rng *rng, const sim_product *p)
{
	switch (r->inc.dropdir) {
	case UG_SIM_DROP_TEMP: return "%TEMP%";
	case UG_SIM_DROP_APPDATA:
		return sim_rsprintf(r, "%%APPDATA%%\\%s", sim_name_vendorish(rng, &r->arena));
	case UG_SIM_DROP_SYSTEM32: return "C:\\Windows\\System32";
	case UG_SIM_DROP_PRODUCT: return p->def->dir;
	default: return sim_rsprintf(r, "C:\\ProgramData\\%s", sim_name_vendorish(rng, &r->arena));
	}
}

static void draw_artefacts(sim_run *r, sim_rng *rng)
{
	sim_incident *inc = &r->inc;
	const sim_product *p = &r->products[inc->product];
	const sim_product_def *d = p->def;
	const char *mal_orig = inc->scenario == UG_SIM_SCENARIO_ESCAN ? "Reload.exe"
	                       : inc->scenario == UG_SIM_SCENARIO_3CX ? "ffmpeg.dll"
	                                                              : "setup.exe";
	inc->mal_pe = sim_pe_new(r, rng, mal_orig, d->name, d->name, d->company, "-",
	                         inc->scenario == UG_SIM_SCENARIO_SHADOWHAMMER ? d->signer : NULL);
	inc->drop_name = sim_name_exe(rng, &r->arena);
	const char *vend = sim_name_vendorish(rng, &r->arena);
	inc->drop_pe = sim_pe_new(r, rng, inc->drop_name, sim_rng_chance(rng, 0.5) ? vend : NULL,
	                          sim_rng_chance(rng, 0.5) ? vend : NULL, NULL, "1.0.0.1", NULL);
	inc->drop_dir_tpl = drop_dir_tpl(r, rng, p);
	inc->task_name = sim_name_task(rng, &r->arena, sim_rng_chance(rng, 0.5));
	inc->run_value = sim_rsprintf(r, "%s%s", sim_name_vendorish(rng, &r->arena),
	                              sim_rng_chance(rng, 0.5) ? "Update" : "Tray");
	inc->service_name = sim_name_service(rng, &r->arena);
	inc->wmi_name = sim_rsprintf(r, "%sFilter", sim_name_vendorish(rng, &r->arena));
	static const char *const cfgs[] = {"download.ini", "update.cfg", "mwupdate.ini", "servers.lst"};
	inc->config_file = sim_rsprintf(r, "%%DIR%%\\%s", cfgs[sim_rng_below(rng, 4)]);
	const char *c2 = sim_name_domain(rng, &r->arena);
	inc->c2_srv = sim_server_add(r, c2, NULL, NULL, sim_public_ip(rng), false);
	inc->c2_path = sim_rsprintf(r, "/%s/%s.php", sim_name_path_word(rng), sim_name_path_word(rng));
	if (inc->scenario == UG_SIM_SCENARIO_GUP)
		inc->stage_srv = sim_server_add(r, sim_name_domain(rng, &r->arena), NULL, NULL,
		                                sim_public_ip(rng), false);
	else if (inc->scenario == UG_SIM_SCENARIO_3CX)
		inc->stage_srv = sim_server_add(r, "raw.githubusercontent.com", NULL, NULL,
		                                sim_public_ip(rng), false);
	else
		inc->stage_srv = inc->c2_srv;
	inc->mal_size = 1024u * (d->pkg_min_kb + sim_rng_below(rng, d->pkg_max_kb - d->pkg_min_kb + 1));
	inc->mal_version = p->base_version + p->nver - 1;
	if (sim_rng_chance(rng, 0.5))
		inc->ps_cmd = sim_rsprintf(r, "powershell.exe -NoP -NonI -W Hidden -Enc %s",
		                           b64_blob(r, rng, 180 + sim_rng_below(rng, 200)));
	else
		inc->ps_cmd = sim_rsprintf(r, "powershell.exe -ExecutionPolicy Bypass -WindowStyle Hidden -Command \"Add-MpPreference -ExclusionPath '%s'\"",
		                           inc->drop_dir_tpl);
}

static void pick_window(sim_run *r, sim_rng *rng)
{
	sim_incident *inc = &r->inc;
	const ug_sim_config *c = r->cfg;
	ug_time len = c->window_len > 0 ? c->window_len
	              : inc->scenario == UG_SIM_SCENARIO_SHADOWHAMMER ? 12 * UG_NS_PER_HOUR
	                                                              : 2 * UG_NS_PER_HOUR;
	if (c->window_start != UG_TIME_INVALID) {
		inc->win_start = c->window_start;
	} else {
		uint32_t day = r->cfg->days >= 2 ? 1 : 0;
		sim_region *g = &r->regions[inc->region >= 0 ? inc->region : 0];
		ug_time day0 = r->t_start + (ug_time)day * UG_NS_PER_DAY;
		int32_t off = sim_region_offset(r, g, day0);
		ug_time local10 = day0 - (ug_time)off * UG_NS_PER_SEC + 10 * UG_NS_PER_HOUR;
		inc->win_start =
		    local10 + (ug_time)sim_rng_range(rng, 0, 4 * INT64_C(60)) * UG_NS_PER_MIN;
		if (inc->win_start < r->t_start)
			inc->win_start += UG_NS_PER_DAY;
	}
	inc->win_end = inc->win_start + len;
}

static void pick_targets(sim_run *r, sim_rng *rng)
{
	uint32_t want = r->cfg->targets ? r->cfg->targets : 3, got = 0;
	for (uint32_t tries = 0; got < want && tries < 100000 && r->nhosts; tries++) {
		sim_host *h = &r->hosts[sim_rng_below(rng, r->nhosts)];
		if (!h->target && h->prods[r->inc.product].installed && !h->always_on) {
			h->target = true;
			got++;
		}
	}
}

static int decoys_init(sim_run *r, sim_rng *rng)
{
	static const char *const cands[] = {"chrome", "edge", "acrobat", "zoom"};
	uint32_t want = r->cfg->decoys < SIM_MAX_DECOYS ? r->cfg->decoys : SIM_MAX_DECOYS;
	uint32_t start = sim_rng_below(rng, 4);
	for (uint32_t k = 0; k < want && k < 4; k++) {
		int pi = sim_product_find(r, cands[(start + k) % 4]);
		if (pi < 0 || (uint32_t)pi == r->inc.product)
			continue;
		sim_decoy *dc = &r->decoys[r->ndecoys++];
		sim_product *p = &r->products[pi];
		dc->product = (uint32_t)pi;
		dc->at = r->inc.win_start - (ug_time)sim_rng_range(rng, 20, 90) * UG_NS_PER_MIN;
		p->bump_at = dc->at;
		const char *v = p->def->vendor;
		dc->helper = sim_name_exe(rng, &r->arena);
		dc->helper_pe = sim_pe_new(r, rng, dc->helper, p->def->name, p->def->name,
		                           p->def->company, "1.0.0.0", p->def->signer);
		dc->task_name = sim_rsprintf(r, "\\%s\\%s", v, sim_name_task(rng, &r->arena, false) + 1);
		dc->run_value = sim_rsprintf(r, "%s%s", v, sim_rng_chance(rng, 0.5) ? "Helper" : "Assistant");
	}
	return UG_OK;
}

int sim_incident_init(sim_run *r)
{
	sim_incident *inc = &r->inc;
	const ug_sim_config *c = r->cfg;
	sim_rng rng;
	sim_rng_seed(&rng, c->seed, 0x900000ull);
	inc->scenario = c->scenario;
	inc->active = c->scenario != UG_SIM_SCENARIO_NONE;
	int pi = sim_product_find(r, scenario_product(c->scenario));
	if (pi < 0)
		return ug_error_set(r->err, UG_ERR_INVALID, "scenario product missing");
	inc->product = (uint32_t)pi;
	/* region: regional vendors and manifest hijacks hit one region; others all */
	inc->region = -1;
	bool regional = c->scenario == UG_SIM_SCENARIO_ESCAN || c->scenario == UG_SIM_SCENARIO_GUP ||
	                c->scenario == UG_SIM_SCENARIO_NONE;
	if (c->compromised_region) {
		for (uint32_t g = 0; g < r->nregions; g++)
			if (!strcasecmp(r->regions[g].code, c->compromised_region))
				inc->region = (int)g;
		if (inc->region < 0 && strcasecmp(c->compromised_region, "all") != 0)
			return ug_error_set(r->err, UG_ERR_INVALID,
			                    "compromised region '%s' is not among the simulated regions",
			                    c->compromised_region);
	} else if (regional) {
		inc->region = (int)sim_rng_below(&rng, r->nregions);
	}
	pick_techniques(r, &rng);
	pick_window(r, &rng);
	draw_artefacts(r, &rng);
	if (c->scenario == UG_SIM_SCENARIO_SHADOWHAMMER)
		pick_targets(r, &rng);
	return decoys_init(r, &rng);
}

/* ---- truth bookkeeping ---- */

static bool in_window(const sim_run *r, ug_time t)
{
	return t >= r->inc.win_start && t < r->inc.win_end;
}

void sim_delivery_note(sim_run *r, sim_host *h, uint32_t pi, ug_time t, uint32_t srv,
                       uint32_t dl_srv, uint64_t bytes, bool malicious, bool executed)
{
	if (pi != r->inc.product || !in_window(r, t))
		return;
	if (r->ndeliv == r->cap_deliv) {
		size_t cap = r->cap_deliv ? r->cap_deliv * 2 : 256;
		sim_delivery *d = realloc(r->deliv, cap * sizeof(*d));
		if (!d) {
			r->failed = true;
			return;
		}
		r->deliv = d;
		r->cap_deliv = cap;
	}
	r->deliv[r->ndeliv++] = (sim_delivery){h->idx, t, srv, dl_srv, h->ip, bytes, malicious, executed};
	if (malicious) {
		if (!(h->truth & SIM_T_AFFECTED))
			r->inc.affected++;
		h->truth |= SIM_T_AFFECTED;
		if (executed && !(h->truth & SIM_T_COMPROMISED)) {
			h->truth |= SIM_T_COMPROMISED;
			r->inc.compromised++;
		}
	} else {
		h->truth |= SIM_T_CLEAN;
	}
}

/* ---- what the bad code does ---- */

static const char *drop_path(sim_run *r, sim_host *h)
{
	const char *dir = r->inc.drop_dir_tpl;
	if (!strcmp(dir, r->products[r->inc.product].def->dir))
		dir = sim_product_dir(r, h, &r->products[r->inc.product], false);
	else
		dir = sim_expand(r, h, dir, false);
	return sim_sprintf(r, "%s\\%s", dir, r->inc.drop_name);
}

static void start_implant(sim_run *r, sim_host *h, ug_time t, const sim_proc *parent,
                          const char *path, bool first)
{
	const char *img = ug_arena_strdup(&r->arena, path);
	h->p_implant = sim_spawn(r, h, t, parent, img, sim_rsprintf(r, "\"%s\"", img), r->inc.drop_pe,
	                         parent->user, parent->integrity);
	h->implant_up = true;
	h->implant_since = t;
	ug_time wait = first ? r->inc.dormancy : ms(h, 5000, 60000);
	h->next_beacon = t + wait + ms(h, 0, 5000);
}

static void persist(sim_run *r, sim_host *h, ug_time t, const sim_proc *m, const char *path)
{
	sim_incident *inc = &r->inc;
	switch (inc->persist) {
	case UG_SIM_PERSIST_TASK: {
		sim_proc st = sim_spawn(r, h, t, m, sim_sys_image(SYS_SCHTASKS),
		                        sim_sprintf(r, "schtasks.exe /Create /F /SC ONLOGON /RL HIGHEST /TN \"%s\" /TR \"\\\"%s\\\"\"",
		                                    inc->task_name, path),
		                        sim_sys(r, SYS_SCHTASKS), m->user, m->integrity);
		sim_spawn(r, h, t + ms(h, 3, 30), &st, sim_sys_image(SYS_CONHOST),
		          "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1", sim_sys(r, SYS_CONHOST),
		          m->user, m->integrity);
		sim_task_created(r, h, t + ms(h, 60, 300), &st, inc->task_name, path, "", true);
		break;
	}
	case UG_SIM_PERSIST_RUN:
		sim_reg(r, h, t, m, sim_run_key(r, h, false, false, inc->run_value),
		        sim_sprintf(r, "\"%s\"", path));
		break;
	case UG_SIM_PERSIST_SERVICE:
		sim_service_installed(r, h, t, m, inc->service_name, sim_sprintf(r, "\"%s\"", path),
		                      "auto start");
		break;
	case UG_SIM_PERSIST_WMI:
		if (h->endpoint) {
			sim_ev *e = sim_push(r, SE_WMI_FILTER, h->idx, t);
			e->proc = *m;
			e->u.wmi.name = inc->wmi_name;
			e->u.wmi.text = "SELECT * FROM __InstanceModificationEvent WITHIN 60 WHERE TargetInstance ISA 'Win32_PerfFormattedData_PerfOS_System' AND TargetInstance.SystemUpTime >= 240 AND TargetInstance.SystemUpTime < 325";
			e = sim_push(r, SE_WMI_CONSUMER, h->idx, t + ms(h, 5, 50));
			e->proc = *m;
			e->u.wmi.name = inc->wmi_name;
			e->u.wmi.text = sim_sprintf(r, "\"%s\"", path);
			e = sim_push(r, SE_WMI_BINDING, h->idx, t + ms(h, 60, 120));
			e->proc = *m;
			e->u.wmi.name = inc->wmi_name;
			e->u.wmi.text = inc->wmi_name;
		}
		break;
	default:
		break;
	}
}

/* Drop, prepare, persist, start: the common second half of every chain. */
static void implant_chain(sim_run *r, sim_host *h, ug_time t, const sim_proc *m)
{
	sim_incident *inc = &r->inc;
	sim_hostprod *hp = &h->prods[inc->product];
	const char *path = drop_path(r, h);
	sim_file(r, h, t, m, path, inc->drop_pe);
	t += ms(h, 300, 2500);
	if (inc->powershell) {
		const char *cmd = inc->ps_cmd;
		if (strstr(cmd, "%"))
			cmd = sim_expand(r, h, cmd, false);
		sim_proc ps = sim_spawn(r, h, t, m, sim_sys_image(SYS_POWERSHELL), cmd,
		                        sim_sys(r, SYS_POWERSHELL), m->user, m->integrity);
		sim_spawn(r, h, t + ms(h, 3, 30), &ps, sim_sys_image(SYS_CONHOST),
		          "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1", sim_sys(r, SYS_CONHOST),
		          m->user, m->integrity);
		t += ms(h, 1500, 6000);
	}
	if (inc->edit_hosts) {
		sim_file(r, h, t, m, "C:\\Windows\\System32\\drivers\\etc\\hosts", NULL);
		t += ms(h, 50, 500);
	}
	if (inc->block_updates) {
		const char *dir = sim_product_dir(r, h, &r->products[inc->product], false);
		sim_file(r, h, t, m, sim_sprintf(r, "%s%s", dir, inc->config_file + 5), NULL);
		hp->blocked = true;
		t += ms(h, 50, 500);
	}
	persist(r, h, t, m, path);
	t += ms(h, 500, 3000);
	h->implant = inc->persist != UG_SIM_PERSIST_NONE;
	if (inc->persist == UG_SIM_PERSIST_SERVICE)
		start_implant(r, h, t, &h->p_services, path, true);
	else
		start_implant(r, h, t, m, path, true);
}

static ug_time download(sim_run *r, sim_host *h, ug_time t, const sim_proc *upd, uint32_t srv,
                        bool https, const char *path)
{
	uint64_t size = r->inc.mal_size;
	ug_time dur = (ug_time)((double)size / (3e6 + 10e6 * sim_rng_unit(&h->rng)) * 1e9);
	if (dur > 3 * UG_NS_PER_MIN)
		dur = 3 * UG_NS_PER_MIN;
	sim_req q = {.srv = srv, .https = https, .path = path, .mime = "application/octet-stream",
	             .ua = r->products[r->inc.product].def->ua, .up = 500, .down = size, .dur = dur};
	return sim_request(r, h, t + ms(h, 20, 300), upd, &q) + ms(h, 20, 300);
}

static ug_time chain_escan(sim_run *r, sim_host *h, uint32_t pi, ug_time t, const sim_proc *upd)
{
	sim_incident *inc = &r->inc;
	const sim_product *p = &r->products[pi];
	const sim_product_def *d = p->def;
	const char *dir = sim_product_dir(r, h, p, false);
	uint32_t srv = sim_product_server(r, p, h);
	t = download(r, h, t, upd, srv, !d->plain_http, sim_subst(r, d->package_path, inc->mal_version, false));
	sim_file(r, h, t, upd, sim_sprintf(r, "%s\\Update\\%s", dir, sim_subst(r, d->package_name, inc->mal_version, false)), NULL);
	sim_delivery_note(r, h, pi, t, srv, srv, inc->mal_size, true, true);
	const char *reload = sim_sprintf(r, "%s\\Reload.exe", dir);
	sim_file(r, h, t + ms(h, 50, 600), upd, reload, inc->mal_pe);
	sim_file(r, h, t + ms(h, 50, 600), upd,
	         sim_sprintf(r, "%s\\bases\\daily%u.avc", dir, inc->mal_version), NULL);
	t += ms(h, 1000, 3000);
	sim_proc m = sim_spawn(r, h, t, upd, reload, sim_sprintf(r, "\"%s\" /RELOAD /S", reload),
	                       inc->mal_pe, SIM_USER_SYSTEM, SIM_IL_SYSTEM);
	implant_chain(r, h, t + ms(h, 500, 3000), &m);
	h->prods[pi].version = inc->mal_version;
	return t + ms(h, 5000, 20000);
}

static ug_time chain_gup(sim_run *r, sim_host *h, uint32_t pi, ug_time t, const sim_proc *upd)
{
	sim_incident *inc = &r->inc;
	const sim_product *p = &r->products[pi];
	const char *name = sim_subst(r, p->def->package_name, inc->mal_version, false);
	t = download(r, h, t, upd, inc->stage_srv, true, sim_sprintf(r, "/download/%s", name));
	const char *pkg = sim_sprintf(r, "%s\\%s", sim_expand(r, h, "%TEMP%", false), name);
	sim_file(r, h, t, upd, pkg, inc->mal_pe);
	sim_delivery_note(r, h, pi, t, sim_product_server(r, p, h), inc->stage_srv, inc->mal_size, true, true);
	t += ms(h, 500, 2000);
	sim_proc m = sim_spawn(r, h, t, upd, pkg, sim_sprintf(r, "\"%s\" /S", pkg), inc->mal_pe,
	                       SIM_USER_SYSTEM, SIM_IL_HIGH);
	const char *dir = sim_product_dir(r, h, p, false);
	sim_file(r, h, t + ms(h, 500, 3000), &m, sim_sprintf(r, "%s\\notepad++.exe", dir),
	         sim_product_file_pe(r, p, h->prods[pi].version, 0));
	implant_chain(r, h, t + ms(h, 3000, 8000), &m);
	return t + ms(h, 5000, 20000);
}

static ug_time chain_3cx(sim_run *r, sim_host *h, uint32_t pi, ug_time t, const sim_proc *upd)
{
	sim_incident *inc = &r->inc;
	const sim_product *p = &r->products[pi];
	const sim_product_def *d = p->def;
	const char *dir = sim_product_dir(r, h, p, false);
	uint32_t srv = sim_product_server(r, p, h);
	t = download(r, h, t, upd, srv, true, sim_subst(r, d->package_path, inc->mal_version, false));
	sim_file(r, h, t, upd, sim_sprintf(r, "%s\\%s", sim_expand(r, h, d->package_dir, false),
	                                   sim_subst(r, d->package_name, inc->mal_version, false)), NULL);
	/* the app and d3dcompiler are the vendor's; only ffmpeg.dll is trojanised */
	uint32_t v = h->prods[pi].version;
	sim_file(r, h, t + ms(h, 50, 500), upd, sim_sprintf(r, "%s\\3CXDesktopApp.exe", dir),
	         sim_product_file_pe(r, p, v, 0));
	sim_file(r, h, t + ms(h, 50, 500), upd, sim_sprintf(r, "%s\\ffmpeg.dll", dir), inc->mal_pe);
	sim_file(r, h, t + ms(h, 50, 500), upd, sim_sprintf(r, "%s\\d3dcompiler_47.dll", dir),
	         sim_product_file_pe(r, p, v, 2));
	t += ms(h, 1500, 4000);
	const char *app = sim_rsprintf(r, "%s\\3CXDesktopApp.exe", sim_product_dir(r, h, p, true));
	sim_proc a = sim_spawn(r, h, t, upd, app, sim_rsprintf(r, "\"%s\" --squirrel-updated 18.12.%u", app, inc->mal_version),
	                       sim_product_file_pe(r, p, v, 0), SIM_USER_PRIMARY, SIM_IL_MEDIUM);
	h->implant = true; /* the trojanised DLL stays in the product folder */
	sim_delivery_note(r, h, pi, t, srv, srv, inc->mal_size, true, true);
	sim_incident_app_start(r, h, pi, t + ms(h, 300, 900), &a);
	h->prods[pi].svc = a;
	h->prods[pi].svc_running = true;
	return t + ms(h, 2000, 6000);
}

static ug_time chain_shadowhammer(sim_run *r, sim_host *h, uint32_t pi, ug_time t, const sim_proc *upd)
{
	sim_incident *inc = &r->inc;
	const sim_product *p = &r->products[pi];
	const sim_product_def *d = p->def;
	const char *dir = sim_product_dir(r, h, p, false);
	uint32_t srv = sim_product_server(r, p, h);
	t = download(r, h, t, upd, p->cdn_srv, !d->plain_http, sim_subst(r, d->package_path, inc->mal_version, false));
	const char *pkg = sim_sprintf(r, "%s\\%s", d->package_dir, sim_subst(r, d->package_name, inc->mal_version, false));
	sim_file(r, h, t, upd, pkg, inc->mal_pe);
	t += ms(h, 500, 2000);
	sim_proc m = sim_spawn(r, h, t, upd, pkg, sim_sprintf(r, "\"%s\" /S", pkg), inc->mal_pe,
	                       SIM_USER_SYSTEM, SIM_IL_SYSTEM);
	uint32_t v = sim_product_version_at(r, p, t);
	for (int f = 0; f < 6 && d->files[f]; f++) {
		const sim_pe *fpe = sim_product_file_pe(r, p, v, f);
		sim_file(r, h, t + ms(h, 300, 3000), &m, sim_sprintf(r, "%s\\%s", dir, d->files[f]),
		         strstr(d->files[f], ".ini") ? NULL : fpe);
	}
	h->prods[pi].version = v;
	sim_delivery_note(r, h, pi, t, srv, p->cdn_srv, inc->mal_size, true, h->target);
	if (h->target) {
		/* the MAC matched: fetch the second stage and install it */
		sim_req q = {.srv = inc->c2_srv, .https = inc->c2 != UG_SIM_C2_HTTP, .path = inc->c2_path,
		             .mime = "application/octet-stream", .up = 700, .down = 180000 + sim_rng_below(&h->rng, 200000)};
		ug_time e = sim_request(r, h, t + ms(h, 4000, 20000), &m, &q);
		implant_chain(r, h, e + ms(h, 200, 2000), &m);
	}
	return t + ms(h, 5000, 20000);
}

bool sim_incident_delivery(sim_run *r, sim_host *h, uint32_t pi, ug_time t, const sim_proc *upd,
                           ug_time *end)
{
	sim_incident *inc = &r->inc;
	if (!inc->active || pi != inc->product || !in_window(r, t))
		return false;
	if (inc->region >= 0 && h->region != (uint32_t)inc->region)
		return false;
	if (h->truth & SIM_T_AFFECTED)
		return false; /* already served; the bad server reports no newer version */
	switch (inc->scenario) {
	case UG_SIM_SCENARIO_ESCAN: *end = chain_escan(r, h, pi, t, upd); break;
	case UG_SIM_SCENARIO_GUP: *end = chain_gup(r, h, pi, t, upd); break;
	case UG_SIM_SCENARIO_3CX: *end = chain_3cx(r, h, pi, t, upd); break;
	case UG_SIM_SCENARIO_SHADOWHAMMER: *end = chain_shadowhammer(r, h, pi, t, upd); break;
	default: return false;
	}
	return true;
}

void sim_incident_app_start(sim_run *r, sim_host *h, uint32_t pi, ug_time t, const sim_proc *app)
{
	sim_incident *inc = &r->inc;
	if (!h->implant || inc->scenario != UG_SIM_SCENARIO_3CX || pi != inc->product)
		return;
	const char *dir = sim_product_dir(r, h, &r->products[pi], false);
	sim_image_load(r, h, t, app, sim_sprintf(r, "%s\\ffmpeg.dll", dir), inc->mal_pe);
	bool first = !(h->truth & SIM_T_COMPROMISED) || h->implant_since == 0;
	h->p_implant = *app;
	h->implant_up = true;
	h->next_beacon = t + (first ? inc->dormancy : ms(h, 60000, 600000));
	h->implant_since = t;
}

/* After a reboot the persistence starts the implant again. */
void sim_incident_boot(sim_run *r, sim_host *h, ug_time t)
{
	sim_incident *inc = &r->inc;
	if (!h->implant || inc->scenario == UG_SIM_SCENARIO_3CX)
		return;
	const char *path = drop_path(r, h);
	ug_time at = t + ms(h, 20000, 120000);
	switch (inc->persist) {
	case UG_SIM_PERSIST_TASK: start_implant(r, h, at, &h->p_svc_sched, path, false); break;
	case UG_SIM_PERSIST_RUN: start_implant(r, h, at, &h->p_explorer, path, false); break;
	case UG_SIM_PERSIST_SERVICE: start_implant(r, h, t + ms(h, 2000, 8000), &h->p_services, path, false); break;
	case UG_SIM_PERSIST_WMI: {
		sim_proc w = sim_spawn(r, h, at, &h->p_svc_dcom, sim_sys_image(SYS_WMIPRVSE),
		                       "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding",
		                       sim_sys(r, SYS_WMIPRVSE), SIM_USER_SYSTEM, SIM_IL_SYSTEM);
		start_implant(r, h, at + ms(h, 200, 900), &w, path, false);
		break;
	}
	default: break;
	}
}

static const char *b32_label(sim_run *r, sim_host *h)
{
	char s[40];
	static const char a[] = "abcdefghijklmnopqrstuvwxyz234567";
	int n = 20 + (int)sim_rng_below(&h->rng, 16);
	for (int i = 0; i < n; i++)
		s[i] = a[sim_rng_below(&h->rng, 32)];
	s[n] = '\0';
	return sim_sprintf(r, "%s.%s", s, r->servers[r->inc.c2_srv].name);
}

static void beacon(sim_run *r, sim_host *h, ug_time t)
{
	sim_incident *inc = &r->inc;
	if (inc->scenario == UG_SIM_SCENARIO_3CX && t - h->implant_since < inc->dormancy + 10 * UG_NS_PER_MIN) {
		sim_req ic = {.srv = inc->stage_srv, .https = true, .up = 400, .down = 9000 + sim_rng_below(&h->rng, 4000),
		              .mime = "image/vnd.microsoft.icon"};
		t = sim_request(r, h, t, &h->p_implant, &ic) + ms(h, 200, 3000);
	}
	switch (inc->c2) {
	case UG_SIM_C2_DNS:
		sim_dns_only(r, h, t, &h->p_implant, b32_label(r, h), 16,
		             sim_sprintf(r, "v=%08x", (unsigned)sim_rng_next(&h->rng)), 0);
		break;
	case UG_SIM_C2_HTTP: {
		sim_req q = {.srv = inc->c2_srv, .https = false, .method = "POST", .path = inc->c2_path,
		             .mime = "text/html", .ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
		             .up = 200 + sim_rng_below(&h->rng, 900), .down = 100 + sim_rng_below(&h->rng, 2000)};
		sim_request(r, h, t, &h->p_implant, &q);
		break;
	}
	default: {
		sim_req q = {.srv = inc->c2_srv, .https = true, .up = 300 + sim_rng_below(&h->rng, 1500),
		             .down = 200 + sim_rng_below(&h->rng, 4000), .dur = ms(h, 100, 1500)};
		sim_request(r, h, t, &h->p_implant, &q);
	}
	}
	/* now and then the operator runs a command */
	if (sim_rng_chance(&h->rng, 0.04)) {
		static const char *const cmds[] = {"cmd.exe /c whoami /all", "cmd.exe /c systeminfo",
		                                   "cmd.exe /c ipconfig /all", "cmd.exe /c net group \"domain admins\" /domain"};
		sim_proc c = sim_spawn(r, h, t + ms(h, 500, 5000), &h->p_implant, sim_sys_image(SYS_CMD),
		                       cmds[sim_rng_below(&h->rng, 4)], sim_sys(r, SYS_CMD),
		                       h->p_implant.user, h->p_implant.integrity);
		(void)c;
	}
}

void sim_incident_slice(sim_run *r, sim_host *h, ug_time from, ug_time to)
{
	sim_incident *inc = &r->inc;
	while (h->implant_up && h->next_beacon < to) {
		ug_time t = h->next_beacon;
		double j = inc->jitter * (2.0 * sim_rng_unit(&h->rng) - 1.0);
		h->next_beacon = t + (ug_time)((double)inc->beacon_period * (1.0 + j));
		if (t >= from)
			beacon(r, h, t);
	}
}

void sim_decoy_apply(sim_run *r, sim_host *h, uint32_t pi, ug_time t, const sim_proc *installer,
                     uint32_t old_version, uint32_t new_version)
{
	for (uint32_t k = 0; k < r->ndecoys; k++) {
		sim_decoy *dc = &r->decoys[k];
		if (dc->product != pi)
			continue;
		const sim_product *p = &r->products[pi];
		uint32_t dv = sim_product_version_at(r, p, dc->at);
		if (!(old_version < dv && dv <= new_version))
			continue;
		const char *dir = sim_product_dir(r, h, p, false);
		const char *helper = sim_sprintf(r, "%s\\%s", dir, dc->helper);
		sim_file(r, h, t, installer, helper, dc->helper_pe);
		sim_task_created(r, h, t + ms(h, 100, 800), installer, dc->task_name, helper, "/background", true);
		sim_reg(r, h, t + ms(h, 200, 900), installer,
		        sim_run_key(r, h, sim_product_per_user(p), strstr(dir, "(x86)") != NULL, dc->run_value),
		        sim_sprintf(r, "\"%s\" /startup", helper));
		dc->hosts++;
		dc->used = true;
	}
}
