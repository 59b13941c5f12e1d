/* background.c — what every host does besides updating its products: boot
 * and logon with a consistent process tree, web browsing, mail, Office,
 * Windows/Defender updates, and IT administration (a configuration agent that
 * runs PowerShell, and software-distribution waves that install services,
 * scheduled tasks and Run values on many hosts at once). This is the noise a
 * hunt must see through: naive rules fire on it. */
#include <string.h>
#include <strings.h>

#include "sim/sim_int.h"

#define MS "Microsoft Corporation"
#define MSOS "Microsoft\xC2\xAE Windows\xC2\xAE Operating System"
#define WINVER "10.0.19041.4355 (WinBuild.160101.0800)"
#define DEFENDER "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0"

static const struct {
	const char *path, *orig, *desc, *product, *company, *version;
} sys_table[SYS__COUNT] = {
	[SYS_SYSTEM] = {"System", "-", "-", "-", "-", "-"},
	[SYS_SMSS] = {"C:\\Windows\\System32\\smss.exe", "smss.exe", "Windows Session Manager", MSOS, MS, WINVER},
	[SYS_WININIT] = {"C:\\Windows\\System32\\wininit.exe", "wininit.exe", "Windows Start-Up Application", MSOS, MS, WINVER},
	[SYS_SERVICES] = {"C:\\Windows\\System32\\services.exe", "services.exe", "Services and Controller app", MSOS, MS, WINVER},
	[SYS_LSASS] = {"C:\\Windows\\System32\\lsass.exe", "lsass.exe", "Local Security Authority Process", MSOS, MS, WINVER},
	[SYS_SVCHOST] = {"C:\\Windows\\System32\\svchost.exe", "svchost.exe", "Host Process for Windows Services", MSOS, MS, WINVER},
	[SYS_WINLOGON] = {"C:\\Windows\\System32\\winlogon.exe", "WINLOGON.EXE", "Windows Logon Application", MSOS, MS, WINVER},
	[SYS_USERINIT] = {"C:\\Windows\\System32\\userinit.exe", "USERINIT.EXE", "Userinit Logon Application", MSOS, MS, WINVER},
	[SYS_EXPLORER] = {"C:\\Windows\\explorer.exe", "EXPLORER.EXE", "Windows Explorer", MSOS, MS, WINVER},
	[SYS_TASKHOSTW] = {"C:\\Windows\\System32\\taskhostw.exe", "taskhostw.exe", "Host Process for Windows Tasks", MSOS, MS, WINVER},
	[SYS_CONHOST] = {"C:\\Windows\\System32\\conhost.exe", "CONHOST.EXE", "Console Window Host", MSOS, MS, WINVER},
	[SYS_CMD] = {"C:\\Windows\\System32\\cmd.exe", "Cmd.Exe", "Windows Command Processor", MSOS, MS, WINVER},
	[SYS_POWERSHELL] = {"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "PowerShell.EXE", "Windows PowerShell", MSOS, MS, "10.0.19041.3996 (WinBuild.160101.0800)"},
	[SYS_SCHTASKS] = {"C:\\Windows\\System32\\schtasks.exe", "schtasks.exe", "Task Scheduler Configuration Tool", MSOS, MS, WINVER},
	[SYS_MSIEXEC] = {"C:\\Windows\\System32\\msiexec.exe", "msiexec.exe", "Windows\xC2\xAE installer", "Windows Installer - Unicode", MS, "5.0.19041.3636 (WinBuild.160101.0800)"},
	[SYS_RUNDLL32] = {"C:\\Windows\\System32\\rundll32.exe", "RUNDLL32.EXE", "Windows host process (Rundll32)", MSOS, MS, WINVER},
	[SYS_REG] = {"C:\\Windows\\System32\\reg.exe", "reg.exe", "Registry Console Tool", MSOS, MS, WINVER},
	[SYS_SC] = {"C:\\Windows\\System32\\sc.exe", "sc.exe", "Service Control Manager Configuration Tool", MSOS, MS, WINVER},
	[SYS_WMIPRVSE] = {"C:\\Windows\\System32\\wbem\\WmiPrvSE.exe", "Wmiprvse.exe", "WMI Provider Host", MSOS, MS, WINVER},
	[SYS_SCRCONS] = {"C:\\Windows\\System32\\wbem\\scrcons.exe", "SCRCONS.EXE", "WMI Standard Event Consumer - scripting", MSOS, MS, WINVER},
	[SYS_BGTASKHOST] = {"C:\\Windows\\System32\\backgroundTaskHost.exe", "backgroundTaskHost.exe", "Background Task Host", MSOS, MS, WINVER},
	[SYS_RUNTIMEBROKER] = {"C:\\Windows\\System32\\RuntimeBroker.exe", "RuntimeBroker.exe", "Runtime Broker", MSOS, MS, WINVER},
	[SYS_NOTEPAD] = {"C:\\Windows\\System32\\notepad.exe", "NOTEPAD.EXE", "Notepad", MSOS, MS, WINVER},
	[SYS_MSMPENG] = {DEFENDER "\\MsMpEng.exe", "MsMpEng.exe", "Antimalware Service Executable", MSOS, MS, "4.18.24090.11 (WinBuild.160101.0800)"},
	[SYS_MPCMDRUN] = {DEFENDER "\\MpCmdRun.exe", "MpCmdRun.exe", "Microsoft Malware Protection Command Line Utility", MSOS, MS, "4.18.24090.11 (WinBuild.160101.0800)"},
	[SYS_MOUSOCORE] = {"C:\\Windows\\System32\\MoUsoCoreWorker.exe", "MoUsoCoreWorker.exe", "MoUSO Core Worker Process", MSOS, MS, WINVER},
	[SYS_SYSMON] = {"C:\\Windows\\Sysmon64.exe", "Sysmon.exe", "System activity monitor", "Sysinternals Sysmon", "Sysinternals - www.sysinternals.com", "15.15"},
	[SYS_WINLOGBEAT] = {"C:\\Program Files\\Winlogbeat\\winlogbeat.exe", "winlogbeat.exe", "Winlogbeat ships Windows event logs to Elasticsearch or Logstash.", "Winlogbeat", "Elastic", "8.12.2"},
	[SYS_CCMEXEC] = {"C:\\Windows\\CCM\\CcmExec.exe", "CcmExec.exe", "Host Process for Microsoft Configuration Manager", "Microsoft Configuration Manager", MS, "5.0.9122.1000"},
	[SYS_WINWORD] = {"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE", "WinWord.exe", "Microsoft Word", "Microsoft Office", MS, "16.0.17928.20156"},
	[SYS_EXCEL] = {"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE", "Excel.exe", "Microsoft Excel", "Microsoft Office", MS, "16.0.17928.20156"},
	[SYS_OUTLOOK] = {"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE", "Outlook.exe", "Microsoft Outlook", "Microsoft Outlook", MS, "16.0.17928.20156"},
	[SYS_ONEDRIVE] = {"C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe", "OneDrive.exe", "Microsoft OneDrive", "Microsoft OneDrive", MS, "24.201.1006.0005"},
	[SYS_PDQRUNNER] = {"C:\\Windows\\AdminArsenal\\PDQDeployRunner\\service-1\\PDQDeployRunner-1.exe", "PDQDeployRunner.exe", "PDQ Deploy Runner", "PDQ Deploy", "PDQ.com Corporation", "19.4.56.0"},
	[SYS_CHROME] = {"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "chrome.exe", "Google Chrome", "Google Chrome", "Google LLC", "131.0.6778.86"},
	[SYS_EDGE] = {"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", "msedge.exe", "Microsoft Edge", "Microsoft Edge", MS, "131.0.2903.70"},
	[SYS_DLLHOST] = {"C:\\Windows\\System32\\dllhost.exe", "dllhost.exe", "COM Surrogate", MSOS, MS, WINVER},
	[SYS_SEARCHPROT] = {"C:\\Windows\\System32\\SearchProtocolHost.exe", "SearchProtocolHost.exe", "Microsoft Windows Search Protocol Host", MSOS, MS, WINVER},
	[SYS_TEAMS] = {"C:\\Program Files\\WindowsApps\\MSTeams_24335.206.3315.1878_x64__8wekyb3d8bbwe\\ms-teams.exe", "ms-teams.exe", "Microsoft Teams", "Microsoft Teams", MS, "24335.206.3315.1878"},
};

const char *sim_sys_image(int id)
{
	return sys_table[id].path;
}

const sim_pe *sim_sys(sim_run *r, int id)
{
	return r->pe_sys[id];
}

const sim_pe *sim_sys_pe(sim_run *r, const char *image)
{
	for (int i = 0; i < SYS__COUNT; i++)
		if (!strcasecmp(sys_table[i].path, image))
			return r->pe_sys[i];
	return NULL;
}

/* well-known services everyone talks to */
enum { MS_O365, MS_WU, MS_WU2, MS_DEFENDER, MS_LOGIN, MS_ONEDRIVE, MS_TEAMS, MS_CRL };

static const char *const popular[] = {
	"www.google.com", "www.bing.com", "www.youtube.com", "www.linkedin.com", "www.wikipedia.org",
	"github.com", "stackoverflow.com", "www.amazon.com", "www.reddit.com", "news.ycombinator.com",
	"www.bbc.co.uk", "www.nytimes.com", "www.reuters.com", "docs.python.org", "www.salesforce.com",
	"app.slack.com", "zoom.us", "www.dropbox.com", "www.atlassian.com", "confluence.atlassian.com",
	"fonts.googleapis.com", "fonts.gstatic.com", "www.googletagmanager.com", "cdn.jsdelivr.net",
	"ajax.googleapis.com", "static.xx.fbcdn.net", "www.office.com", "www.timesofindia.com",
	"www.spiegel.de", "www.straitstimes.com",
};

static int web_init(sim_run *r)
{
	sim_rng rng;
	sim_rng_seed(&rng, r->cfg->seed, 0x700000ull);
	uint32_t extra = 400 + r->nhosts / 4;
	if (extra > 4000)
		extra = 4000;
	r->nweb = (uint32_t)UG_ARRAY_LEN(popular) + extra;
	r->web_srv = ug_arena_alloc(&r->arena, r->nweb * sizeof(uint32_t));
	if (!r->web_srv)
		return ug_error_set(r->err, UG_ERR_NOMEM, "out of memory");
	for (uint32_t i = 0; i < r->nweb; i++) {
		const char *name = i < UG_ARRAY_LEN(popular) ? popular[i] : sim_name_domain(&rng, &r->arena);
		if (i >= UG_ARRAY_LEN(popular) && sim_rng_chance(&rng, 0.5))
			name = sim_rsprintf(r, "www.%s", name);
		bool http_only = i >= UG_ARRAY_LEN(popular) && sim_rng_chance(&rng, 0.04);
		r->web_srv[i] = sim_server_add(r, name, NULL, NULL, sim_public_ip(&rng), http_only);
	}
	static const char *const ms[] = {
		"outlook.office365.com", "fe2cr.update.microsoft.com", "slscr.update.microsoft.com",
		"definitionupdates.microsoft.com", "login.microsoftonline.com", "g.live.com",
		"teams.microsoft.com", "crl.microsoft.com",
	};
	for (uint32_t i = 0; i < UG_ARRAY_LEN(ms); i++) {
		r->srv_ms[i] = sim_server_add(r, ms[i], NULL, NULL, sim_public_ip(&rng), i == MS_CRL);
		r->servers[r->srv_ms[i]].ip2 = sim_public_ip(&rng);
	}
	return UG_OK;
}

static int waves_init(sim_run *r)
{
	sim_rng rng;
	sim_rng_seed(&rng, r->cfg->seed, 0x710000ull);
	uint32_t days = r->cfg->days;
	r->nwaves = days + 1 < SIM_MAX_WAVES ? days + 1 : SIM_MAX_WAVES;
	for (uint32_t i = 0; i < r->nwaves; i++) {
		sim_wave *w = &r->waves[i];
		uint32_t day = i % days;
		w->at = r->t_start + (ug_time)day * UG_NS_PER_DAY +
		        (ug_time)sim_rng_range(&rng, 5 * INT64_C(3600), 14 * INT64_C(3600)) *
		            UG_NS_PER_SEC;
		w->share = 0.2 + 0.5 * sim_rng_unit(&rng);
		const char *vendor = sim_name_vendorish(&rng, &r->arena);
		w->package = sim_rsprintf(r, "%s%s", vendor,
		                          sim_rng_chance(&rng, 0.5) ? "Agent" : "Client");
		w->dir = sim_rsprintf(r, "C:\\Program Files\\%s\\%s", vendor, w->package);
		w->exe = sim_rsprintf(r, "%s\\%s.exe", w->dir, w->package);
		w->exe_pe = sim_pe_new(r, &rng, strrchr(w->exe, '\\') + 1, w->package, w->package,
		                       sim_rsprintf(r, "%s Inc.", vendor), "3.2.1.0",
		                       sim_rsprintf(r, "%s Inc.", vendor));
		if (sim_rng_chance(&rng, 0.7))
			w->task = sim_rsprintf(r, "\\%s\\%s Update", vendor, w->package);
		if (sim_rng_chance(&rng, 0.5))
			w->service = sim_rsprintf(r, "%sSvc", w->package);
		if (sim_rng_chance(&rng, 0.4))
			w->run_value = w->package;
	}
	return UG_OK;
}

int sim_background_init(sim_run *r)
{
	sim_rng rng;
	sim_rng_seed(&rng, r->cfg->seed, 0x720000ull);
	for (int i = 0; i < SYS__COUNT; i++) {
		const char *signer = sys_table[i].company[0] != '-' ? sys_table[i].company : NULL;
		r->pe_sys[i] = sim_pe_new(r, &rng, sys_table[i].orig, sys_table[i].desc,
		                          sys_table[i].product, sys_table[i].company,
		                          sys_table[i].version, signer);
	}
	r->admin_ip = (10u << 24) | (1u << 8) | 25;
	r->sccm_ip = (10u << 24) | (1u << 8) | 30;
	r->dc_ip = (10u << 24) | (1u << 8) | 10;
	int rc = web_init(r);
	return rc == UG_OK ? waves_init(r) : rc;
}

/* ---- time of day ---- */

static double intensity(sim_run *r, sim_host *h, ug_time t)
{
	int32_t off = sim_region_offset(r, &r->regions[h->region], t);
	int64_t local = t / UG_NS_PER_SEC + off;
	int hour = (int)((local % 86400 + 86400) % 86400 / 3600);
	int64_t days = local / 86400;
	int wday = (int)((days % 7 + 11) % 7);
	double f = (hour >= 9 && hour < 12) || (hour >= 13 && hour < 18) ? 1.0
	           : (hour == 8 || hour == 12 || hour == 18)             ? 0.6
	                                                                 : 0.08;
	if (wday == 0 || wday == 6)
		f *= 0.25;
	return f * r->cfg->activity;
}

static ug_time next_gap(sim_run *r, sim_host *h, ug_time t, double mean_min)
{
	double k = intensity(r, h, t);
	if (k < 0.01)
		k = 0.01;
	double m = sim_rng_exp(&h->rng, mean_min / k);
	if (m > 240)
		m = 240;
	return t + (ug_time)(m * 60.0 * 1e9) + UG_NS_PER_SEC;
}

static ug_time ms(sim_host *h, int lo, int hi)
{
	return (ug_time)sim_rng_range(&h->rng, lo, hi) * UG_NS_PER_SEC / 1000;
}

/* ---- sessions ---- */

static void plan_session(sim_run *r, sim_host *h)
{
	for (;;) {
		int d = ++h->plan_day;
		if (d > (int)r->cfg->days) {
			h->on_from = h->on_until = INT64_MAX;
			return;
		}
		ug_time day0 = r->t_start + (ug_time)d * UG_NS_PER_DAY;
		int32_t off = sim_region_offset(r, &r->regions[h->region], day0);
		ug_time local_midnight = day0 - (ug_time)off * UG_NS_PER_SEC;
		sim_civil c;
		sim_civil_from_time(day0, &c);
		bool weekend = c.wday == 0 || c.wday == 6;
		if (weekend && !h->always_on && !sim_rng_chance(&h->rng, 0.06))
			continue;
		ug_time boot = local_midnight + (ug_time)sim_rng_range(&h->rng, 435, 585) * UG_NS_PER_MIN +
		               (ug_time)sim_rng_below(&h->rng, 60) * UG_NS_PER_SEC;
		ug_time off_t = local_midnight + (ug_time)sim_rng_range(&h->rng, 1005, 1200) * UG_NS_PER_MIN;
		if (h->always_on)
			off_t = r->t_end + UG_NS_PER_DAY;
		if (off_t <= r->t0)
			continue;
		if (boot < r->t0)
			boot = r->t0 + (ug_time)sim_rng_below(&h->rng, 300) * UG_NS_PER_SEC;
		h->on_from = boot;
		h->on_until = off_t;
		return;
	}
}

static sim_proc sys_spawn(sim_run *r, sim_host *h, ug_time t, const sim_proc *parent, int id,
                          const char *cmd, uint8_t user, uint8_t il)
{
	return sim_spawn(r, h, t, parent, sys_table[id].path, cmd, r->pe_sys[id], user, il);
}

static void logon_event(sim_run *r, sim_host *h, ug_time t, uint8_t type, uint32_t ip,
                        const char *account, const char *domain, uint32_t logon_id)
{
	if (!h->endpoint)
		return;
	sim_ev *e = sim_push(r, SE_LOGON, h->idx, t);
	e->proc = h->p_lsass;
	e->u.logon.type = type;
	e->u.logon.ip = ip;
	e->u.logon.target = account;
	e->u.logon.domain = domain;
	e->u.logon.logon_id = logon_id;
}

static void user_logon(sim_run *r, sim_host *h, ug_time t)
{
	h->logon_id = 0x100000u + (uint32_t)sim_rng_below(&h->rng, 0x3000000);
	logon_event(r, h, t, 2, 0x7F000001u, h->user, r->netbios, h->logon_id);
	t += ms(h, 300, 900);
	sim_proc ui = sys_spawn(r, h, t, &h->p_winlogon, SYS_USERINIT, "C:\\Windows\\system32\\userinit.exe",
	                        SIM_USER_PRIMARY, SIM_IL_MEDIUM);
	ui.cwd = "C:\\Windows\\system32\\";
	t += ms(h, 200, 700);
	h->p_explorer = sys_spawn(r, h, t, &ui, SYS_EXPLORER, "C:\\Windows\\Explorer.EXE",
	                          SIM_USER_PRIMARY, SIM_IL_MEDIUM);
	h->p_explorer.cwd = "C:\\Windows\\system32\\";
	t += ms(h, 2000, 9000);
	sys_spawn(r, h, t, &h->p_explorer, SYS_ONEDRIVE,
	          "\"C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe\" /background",
	          SIM_USER_PRIMARY, SIM_IL_MEDIUM);
	t += ms(h, 500, 4000);
	sys_spawn(r, h, t, &h->p_explorer, SYS_TEAMS,
	          "\"C:\\Program Files\\WindowsApps\\MSTeams_24335.206.3315.1878_x64__8wekyb3d8bbwe\\ms-teams.exe\" msteams:system-initiated",
	          SIM_USER_PRIMARY, SIM_IL_MEDIUM);
	h->browser_up = h->office_up = h->outlook_up = false;
}

static void boot(sim_run *r, sim_host *h, ug_time t)
{
	h->online = true;
	uint32_t ip = sim_lease(r, h);
	bool same = ip == h->last_ip;
	h->ip = ip;
	h->last_ip = ip;
	sim_host_dhcp(r, h, same ? 11 : 10, t);
	sim_host_dhcp(r, h, 30, t + ms(h, 10, 400));
	sim_host_dhcp(r, h, 32, t + ms(h, 500, 1500));
	h->next_renew = t + 12 * UG_NS_PER_HOUR;
	sim_dns_flush(h);
	sim_proc system = {.image = "System", .cmdline = "", .pid = 4,
	                   .start_sec = (uint32_t)(t / UG_NS_PER_SEC) - 8, .ctr = ++h->guid_ctr};
	t += ms(h, 1500, 4000);
	sim_proc smss = sys_spawn(r, h, t, &system, SYS_SMSS, "\\SystemRoot\\System32\\smss.exe",
	                          SIM_USER_SYSTEM, SIM_IL_SYSTEM);
	t += ms(h, 200, 800);
	h->p_wininit = sys_spawn(r, h, t, &smss, SYS_WININIT, "wininit.exe", SIM_USER_SYSTEM, SIM_IL_SYSTEM);
	h->p_winlogon = sys_spawn(r, h, t + ms(h, 5, 60), &smss, SYS_WINLOGON, "winlogon.exe",
	                          SIM_USER_SYSTEM, SIM_IL_SYSTEM);
	t += ms(h, 100, 500);
	h->p_services = sys_spawn(r, h, t, &h->p_wininit, SYS_SERVICES,
	                          "C:\\Windows\\system32\\services.exe", SIM_USER_SYSTEM, SIM_IL_SYSTEM);
	h->p_lsass = sys_spawn(r, h, t + ms(h, 5, 40), &h->p_wininit, SYS_LSASS,
	                       "C:\\Windows\\system32\\lsass.exe", SIM_USER_SYSTEM, SIM_IL_SYSTEM);
	t += ms(h, 100, 600);
	h->p_svc_dcom = sys_spawn(r, h, t, &h->p_services, SYS_SVCHOST,
	                          "C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p", SIM_USER_SYSTEM,
	                          SIM_IL_SYSTEM);
	h->p_svc_sched = sys_spawn(r, h, t + ms(h, 50, 400), &h->p_services, SYS_SVCHOST,
	                           "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule",
	                           SIM_USER_SYSTEM, SIM_IL_SYSTEM);
	h->p_svc_net = sys_spawn(r, h, t + ms(h, 50, 400), &h->p_services, SYS_SVCHOST,
	                         "C:\\Windows\\system32\\svchost.exe -k NetworkService -p -s Dnscache",
	                         SIM_USER_NETWORK_SERVICE, SIM_IL_SYSTEM);
	t += ms(h, 500, 2500);
	h->p_sysmon = sys_spawn(r, h, t, &h->p_services, SYS_SYSMON, "C:\\Windows\\Sysmon64.exe",
	                        SIM_USER_SYSTEM, SIM_IL_SYSTEM);
	h->p_defender = sys_spawn(r, h, t + ms(h, 10, 300), &h->p_services, SYS_MSMPENG,
	                          "\"" DEFENDER "\\MsMpEng.exe\"", SIM_USER_SYSTEM, SIM_IL_SYSTEM);
	h->p_agent = sys_spawn(r, h, t + ms(h, 100, 900), &h->p_services, SYS_WINLOGBEAT,
	                       "\"C:\\Program Files\\Winlogbeat\\winlogbeat.exe\" --environment=windows_service -c \"C:\\Program Files\\Winlogbeat\\winlogbeat.yml\" --path.home \"C:\\Program Files\\Winlogbeat\" --path.data \"C:\\ProgramData\\winlogbeat\"",
	                       SIM_USER_SYSTEM, SIM_IL_SYSTEM);
	h->p_ccm = sys_spawn(r, h, t + ms(h, 100, 900), &h->p_services, SYS_CCMEXEC,
	                     "C:\\Windows\\CCM\\CcmExec.exe", SIM_USER_SYSTEM, SIM_IL_SYSTEM);
	for (uint32_t i = 0; i < r->nproducts; i++) {
		sim_hostprod *hp = &h->prods[i];
		const sim_product *p = &r->products[i];
		hp->svc_running = false;
		if (!hp->installed)
			continue;
		if (p->def->launch == SIM_LAUNCH_SERVICE) {
			if (!hp->svc_img) {
				const char *dir = sim_product_dir(r, h, p, true);
				hp->svc_img = sim_rsprintf(r, "%s\\%s", dir, p->def->app);
				hp->svc_cmd = sim_rsprintf(r, "\"%s\"", hp->svc_img);
			}
			hp->svc = sim_spawn(r, h, t + ms(h, 200, 3000), &h->p_services, hp->svc_img,
			                    hp->svc_cmd, p->app_pe, SIM_USER_SYSTEM, SIM_IL_SYSTEM);
			hp->svc_running = true;
		}
		ug_time every = (ug_time)(p->def->check_every_min ? p->def->check_every_min : 240) *
		                UG_NS_PER_MIN;
		if (p->def->launch != SIM_LAUNCH_APP)
			hp->next_check = t + UG_NS_PER_MIN * 2 +
			                 (ug_time)sim_rng_range(&h->rng, 0, every / UG_NS_PER_SEC) * UG_NS_PER_SEC;
		hp->app_next = INT64_MAX;
	}
	t += ms(h, 20000, 90000);
	user_logon(r, h, t);
	h->next_web = next_gap(r, h, t, 3);
	h->next_mail = t + ms(h, 30000, 600000);
	h->next_misc = next_gap(r, h, t, 20);
	h->next_wu = t + (ug_time)sim_rng_range(&h->rng, 600, 7200) * UG_NS_PER_SEC;
	h->next_admin = t + (ug_time)sim_rng_range(&h->rng, 900, 6 * INT64_C(3600)) * UG_NS_PER_SEC;
	h->next_logon3 = next_gap(r, h, t, 180);
	for (uint32_t i = 0; i < r->nproducts; i++)
		if (h->prods[i].installed && r->products[i].def->launch == SIM_LAUNCH_APP)
			sim_app_start(r, h, i, t);
	sim_incident_boot(r, h, t);
}

static void shutdown(sim_run *r, sim_host *h, ug_time t)
{
	h->online = false;
	h->implant_up = false;
	if (h->roaming && sim_rng_chance(&h->rng, 0.3)) {
		sim_host_dhcp(r, h, 12, t);
		sim_release(r, h, h->ip);
		h->last_ip = 0;
	}
	h->ip = 0;
}

/* ---- activities ---- */

static void browse(sim_run *r, sim_host *h, ug_time t)
{
	if (!h->browser_up) {
		bool edge = h->browser_kind == 1;
		h->p_browser = sys_spawn(r, h, t, &h->p_explorer, edge ? SYS_EDGE : SYS_CHROME,
		                         edge ? "\"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe\" --single-argument"
		                              : "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\"",
		                         SIM_USER_PRIMARY, SIM_IL_MEDIUM);
		h->browser_up = true;
		t += ms(h, 300, 1500);
	}
	static const char *const ua_chrome =
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
	uint32_t site = r->web_srv[sim_rng_zipf(&h->rng, r->nweb)];
	const sim_server *s = &r->servers[site];
	sim_req q = {.srv = site, .https = !s->http_only, .ua = ua_chrome, .no_sysmon = true,
	             .up = 600 + sim_rng_below(&h->rng, 3000),
	             .down = 8000 + sim_rng_below(&h->rng, 600000),
	             .dur = ms(h, 80, 4000)};
	if (s->http_only) {
		q.path = sim_sprintf(r, "/%s/%s.html", sim_name_path_word(&h->rng),
		                     sim_name_path_word(&h->rng));
		q.mime = "text/html";
	}
	t = sim_request(r, h, t, &h->p_browser, &q);
	uint32_t extra = sim_rng_below(&h->rng, 3);
	for (uint32_t i = 0; i < extra; i++) {
		uint32_t sub = r->web_srv[sim_rng_zipf(&h->rng, 40)];
		sim_req q2 = {.srv = sub, .https = !r->servers[sub].http_only, .ua = ua_chrome,
		              .no_sysmon = true, .up = 400 + sim_rng_below(&h->rng, 1500),
		              .down = 2000 + sim_rng_below(&h->rng, 200000), .dur = ms(h, 40, 900),
		              .path = "/", .mime = "text/html"};
		sim_request(r, h, t + ms(h, 20, 400), &h->p_browser, &q2);
	}
	if (sim_rng_chance(&h->rng, 0.03)) {
		static const char *const ext[] = {"pdf", "xlsx", "docx", "zip", "png", "csv"};
		const char *name = sim_sprintf(r, "%s\\Downloads\\%s_%s.%s", h->profile,
		                               sim_name_path_word(&h->rng), sim_name_path_word(&h->rng),
		                               ext[sim_rng_below(&h->rng, 6)]);
		sim_file(r, h, t + ms(h, 100, 2000), &h->p_browser, name, NULL);
	}
}

static void mail(sim_run *r, sim_host *h, ug_time t)
{
	if (!h->outlook_up) {
		h->p_outlook = sys_spawn(r, h, t, &h->p_explorer, SYS_OUTLOOK,
		                         "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE\"",
		                         SIM_USER_PRIMARY, SIM_IL_MEDIUM);
		h->outlook_up = true;
		t += ms(h, 500, 3000);
		sim_req lq = {.srv = r->srv_ms[MS_LOGIN], .https = true, .up = 4000, .down = 9000};
		t = sim_request(r, h, t, &h->p_outlook, &lq);
	}
	sim_req q = {.srv = r->srv_ms[MS_O365], .https = true,
	             .up = 1500 + sim_rng_below(&h->rng, 20000),
	             .down = 3000 + sim_rng_below(&h->rng, 400000), .dur = ms(h, 200, 30000)};
	sim_request(r, h, t, &h->p_outlook, &q);
}

static void office_doc(sim_run *r, sim_host *h, ug_time t)
{
	bool word = sim_rng_chance(&h->rng, 0.6);
	const char *doc = sim_sprintf(r, "%s\\Documents\\%s %s.%s", h->profile,
	                              sim_name_path_word(&h->rng), sim_name_path_word(&h->rng),
	                              word ? "docx" : "xlsx");
	sim_proc p = sys_spawn(r, h, t, &h->p_explorer, word ? SYS_WINWORD : SYS_EXCEL,
	                       sim_sprintf(r, "\"%s\" /n \"%s\"", sim_sys_image(word ? SYS_WINWORD : SYS_EXCEL), doc),
	                       SIM_USER_PRIMARY, SIM_IL_MEDIUM);
	sim_file(r, h, t + ms(h, 2000, 60000), &p,
	         sim_sprintf(r, "%s\\AppData\\Roaming\\Microsoft\\Office\\Recent\\%s.LNK", h->profile,
	                     strrchr(doc, '\\') + 1),
	         NULL);
}

static void misc(sim_run *r, sim_host *h, ug_time t)
{
	switch (sim_rng_below(&h->rng, 9)) {
	case 0:
	case 1:
		sys_spawn(r, h, t, &h->p_svc_sched, SYS_TASKHOSTW, "taskhostw.exe", SIM_USER_SYSTEM,
		          SIM_IL_SYSTEM);
		break;
	case 2:
		sys_spawn(r, h, t, &h->p_svc_dcom, SYS_RUNTIMEBROKER,
		          "C:\\Windows\\System32\\RuntimeBroker.exe -Embedding", SIM_USER_PRIMARY, SIM_IL_MEDIUM);
		break;
	case 3:
		sys_spawn(r, h, t, &h->p_svc_dcom, SYS_BGTASKHOST,
		          "\"C:\\Windows\\system32\\backgroundTaskHost.exe\" -ServerName:BackgroundTaskHost.WebAccountProvider",
		          SIM_USER_PRIMARY, SIM_IL_MEDIUM);
		break;
	case 4:
		office_doc(r, h, t);
		break;
	case 5: {
		sim_proc c = sys_spawn(r, h, t, &h->p_explorer, SYS_CMD,
		                       "\"C:\\Windows\\system32\\cmd.exe\" ", SIM_USER_PRIMARY, SIM_IL_MEDIUM);
		sys_spawn(r, h, t + ms(h, 5, 40), &c, SYS_CONHOST,
		          "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1", SIM_USER_PRIMARY,
		          SIM_IL_MEDIUM);
		break;
	}
	case 6:
		sys_spawn(r, h, t, &h->p_explorer, SYS_NOTEPAD,
		          sim_sprintf(r, "\"C:\\Windows\\system32\\NOTEPAD.EXE\" %s\\Desktop\\notes.txt", h->profile),
		          SIM_USER_PRIMARY, SIM_IL_MEDIUM);
		break;
	case 7:
		sim_reg(r, h, t, &h->p_explorer,
		        sim_sprintf(r, "HKU\\%s\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\RecentDocs\\MRUListEx", h->user_sid),
		        "Binary Data");
		break;
	default:
		sys_spawn(r, h, t, &h->p_svc_dcom, SYS_DLLHOST,
		          "C:\\Windows\\system32\\DllHost.exe /Processid:{AB8902B4-09CA-4BB6-B78D-A8F59079A8D5}",
		          SIM_USER_PRIMARY, SIM_IL_MEDIUM);
	}
}

/* Defender signature update (a task runs MpCmdRun, which downloads and writes
 * definition files) and a Windows Update scan. */
static void windows_update(sim_run *r, sim_host *h, ug_time t)
{
	sim_proc mp = sys_spawn(r, h, t, &h->p_svc_sched, SYS_MPCMDRUN,
	                        "\"" DEFENDER "\\MpCmdRun.exe\" -SignatureUpdate -ScheduleJob -RestrictPrivileges",
	                        SIM_USER_SYSTEM, SIM_IL_SYSTEM);
	sim_req q = {.srv = r->srv_ms[MS_DEFENDER], .https = true, .up = 2000,
	             .down = 200000 + sim_rng_below(&h->rng, 9000000), .dur = ms(h, 800, 20000)};
	ug_time e = sim_request(r, h, t + ms(h, 300, 2000), &mp, &q);
	uint8_t g[16];
	sim_rng_bytes(&h->rng, g, 16);
	char hex[33];
	sim_fmt_hex(hex, g, 16, true);
	sim_file(r, h, e + ms(h, 50, 900), &h->p_defender,
	         sim_sprintf(r, "C:\\ProgramData\\Microsoft\\Windows Defender\\Definition Updates\\{%.8s-%.4s-%.4s-%.4s-%.12s}\\mpavdlta.vdm",
	                     hex, hex + 8, hex + 12, hex + 16, hex + 20),
	         NULL);
	if (sim_rng_chance(&h->rng, 0.5)) {
		ug_time tw = t + ms(h, 60000, 300000);
		sim_proc wu = sys_spawn(r, h, tw, &h->p_svc_dcom, SYS_MOUSOCORE,
		                        "C:\\Windows\\System32\\mousocoreworker.exe -Embedding",
		                        SIM_USER_SYSTEM, SIM_IL_SYSTEM);
		sim_req w = {.srv = r->srv_ms[sim_rng_chance(&h->rng, 0.5) ? MS_WU : MS_WU2], .https = true,
		             .up = 9000, .down = 40000 + sim_rng_below(&h->rng, 300000)};
		sim_request(r, h, tw + ms(h, 500, 3000), &wu, &w);
	}
}

/* The configuration agent's daily compliance scripts. */
static void admin_agent(sim_run *r, sim_host *h, ug_time t)
{
	uint8_t g[16];
	sim_rng_bytes(&h->rng, g, 16);
	char hex[33];
	sim_fmt_hex(hex, g, 16, false);
	sim_proc ps = sys_spawn(r, h, t, &h->p_ccm, SYS_POWERSHELL,
	                        sim_sprintf(r, "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" -NoLogo -Noninteractive -NoProfile -ExecutionPolicy Bypass \"& 'C:\\WINDOWS\\CCM\\SystemTemp\\%.8s-%.4s-%.4s-%.4s-%.12s.ps1'\"",
	                                    hex, hex + 8, hex + 12, hex + 16, hex + 20),
	                        SIM_USER_SYSTEM, SIM_IL_SYSTEM);
	sys_spawn(r, h, t + ms(h, 5, 50), &ps, SYS_CONHOST,
	          "\\??\\C:\\WINDOWS\\system32\\conhost.exe 0xffffffff -ForceV1", SIM_USER_SYSTEM,
	          SIM_IL_SYSTEM);
}

/* A software-distribution wave: the admin server logs on over the network,
 * installs its runner service, which runs msiexec; the package installs files
 * and, depending on the package, a task, a service and a Run value. */
static void deploy(sim_run *r, sim_host *h, const sim_wave *w, ug_time t)
{
	logon_event(r, h, t, 3, r->admin_ip, "svc_deploy", r->netbios, 0x200000u + sim_rng_below(&h->rng, 0x100000));
	t += ms(h, 500, 3000);
	sim_file(r, h, t, &h->p_services, sim_sys_image(SYS_PDQRUNNER), sim_sys(r, SYS_PDQRUNNER));
	sim_service_installed(r, h, t + ms(h, 100, 600), &h->p_services, "PDQDeployRunner-1",
	                      sim_sys_image(SYS_PDQRUNNER), "demand start");
	t += ms(h, 800, 2500);
	sim_proc run = sys_spawn(r, h, t, &h->p_services, SYS_PDQRUNNER, sim_sys_image(SYS_PDQRUNNER),
	                         SIM_USER_SYSTEM, SIM_IL_SYSTEM);
	t += ms(h, 500, 4000);
	sim_proc msi = sys_spawn(r, h, t, &run, SYS_MSIEXEC,
	                         sim_sprintf(r, "msiexec.exe /i \"C:\\Windows\\AdminArsenal\\PDQDeployRunner\\service-1\\exec\\%s.msi\" /qn /norestart",
	                                     w->package),
	                         SIM_USER_SYSTEM, SIM_IL_SYSTEM);
	t += ms(h, 3000, 20000);
	sim_file(r, h, t, &msi, w->exe, w->exe_pe);
	sim_file(r, h, t + ms(h, 50, 500), &msi, sim_sprintf(r, "%s\\config.xml", w->dir), NULL);
	t += ms(h, 1000, 5000);
	if (w->service)
		sim_service_installed(r, h, t, &msi, w->service, sim_sprintf(r, "\"%s\" -service", w->exe),
		                      "auto start");
	if (w->task)
		sim_task_created(r, h, t + ms(h, 200, 900), &msi, w->task, w->exe, "/update", true);
	if (w->run_value)
		sim_reg(r, h, t + ms(h, 300, 1200), &msi,
		        sim_sprintf(r, "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\%s", w->run_value),
		        sim_sprintf(r, "\"%s\" /tray", w->exe));
}

static void waves(sim_run *r, sim_host *h, ug_time from, ug_time to)
{
	while (h->next_wave < r->nwaves) {
		const sim_wave *w = &r->waves[h->next_wave];
		/* each host runs it within 40 minutes of the wave start, if chosen */
		uint64_t pick = sim_mix(r->cfg->seed ^ 0xabcdefu, ((uint64_t)h->idx << 8) | h->next_wave);
		ug_time at = w->at + (ug_time)(pick % 2400) * UG_NS_PER_SEC;
		if (at >= to)
			return;
		h->next_wave++;
		if (at < from || (double)(pick >> 40) / (double)(1ull << 24) >= w->share)
			continue;
		deploy(r, h, w, at);
	}
}

sim_proc *sim_host_launcher(sim_run *r, sim_host *h, sim_launch how)
{
	(void)r;
	return how == SIM_LAUNCH_TASK ? &h->p_svc_sched : &h->p_explorer;
}

static void activities(sim_run *r, sim_host *h, ug_time from, ug_time to)
{
	while (h->next_web < to) {
		if (h->next_web >= from)
			browse(r, h, h->next_web);
		h->next_web = next_gap(r, h, h->next_web, 5);
	}
	while (h->next_mail < to) {
		if (h->next_mail >= from)
			mail(r, h, h->next_mail);
		h->next_mail = next_gap(r, h, h->next_mail, 15);
	}
	while (h->next_misc < to) {
		if (h->next_misc >= from)
			misc(r, h, h->next_misc);
		h->next_misc = next_gap(r, h, h->next_misc, 25);
	}
	while (h->next_wu < to) {
		if (h->next_wu >= from)
			windows_update(r, h, h->next_wu);
		h->next_wu +=
		    (ug_time)sim_rng_range(&h->rng, 4 * INT64_C(3600), 8 * INT64_C(3600)) *
		    UG_NS_PER_SEC;
	}
	while (h->next_admin < to) {
		if (h->next_admin >= from)
			admin_agent(r, h, h->next_admin);
		h->next_admin +=
		    (ug_time)sim_rng_range(&h->rng, 20 * INT64_C(3600), 26 * INT64_C(3600)) *
		    UG_NS_PER_SEC;
	}
	while (h->next_logon3 < to) {
		if (h->next_logon3 >= from)
			logon_event(r, h, h->next_logon3, 3, r->sccm_ip, "svc_sccm", r->netbios,
			            0x300000u + sim_rng_below(&h->rng, 0x100000));
		h->next_logon3 = next_gap(r, h, h->next_logon3, 240);
	}
	while (h->next_renew < to) {
		if (h->next_renew >= from)
			sim_host_dhcp(r, h, 11, h->next_renew);
		h->next_renew += 12 * UG_NS_PER_HOUR;
	}
	waves(r, h, from, to);
}

void sim_host_slice(sim_run *r, sim_host *h)
{
	if (h->plan_day < 0) {
		h->browser_kind = sim_rng_chance(&h->rng, 0.6) ? 0 : 1;
		plan_session(r, h);
	}
	for (;;) {
		if (!h->online) {
			if (h->on_from >= r->t1)
				return;
			boot(r, h, h->on_from);
		}
		ug_time from = h->on_from > r->t0 ? h->on_from : r->t0;
		ug_time to = h->on_until < r->t1 ? h->on_until : r->t1;
		activities(r, h, from, to);
		sim_updates_slice(r, h, from, to);
		sim_incident_slice(r, h, from, to);
		if (h->on_until >= r->t1)
			return;
		shutdown(r, h, h->on_until);
		plan_session(r, h);
	}
}
