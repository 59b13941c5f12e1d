/* products.c — the product catalogue and how each one normally updates:
 * updater image and how it is started, update and CDN hosts (per region for
 * vendors with regional servers), package sizes, the installer child, the
 * files an update writes, and the task / Run value some updates refresh.
 * Host names and paths follow the vendors' public layout where known; the
 * eScan regional server names are simulated. */
#include <string.h>
#include <strings.h>

#include "sim/sim_int.h"

static const sim_product_def defs[] = {
	{
		.key = "escan", .name = "eScan Internet Security Suite", .vendor = "MicroWorld",
		.company = "MicroWorld Technologies Inc.", .signer = "MicroWorld Technologies Inc.",
		.dir = "C:\\Program Files (x86)\\eScan", .app = "ESERV.EXE", .service_name = "ESERV",
		.launch = SIM_LAUNCH_SERVICE, .updater = "download.exe", .updater_args = "/AUTO /SILENT",
		.update_host = "update-%s.escanav.com", .check_path = "/escan/upd/v%u/update.lst",
		.package_path = "/escan/upd/pkg/upd%u.cab", .package_name = "upd%u.cab",
		.package_dir = "%DIR%\\Update", .plain_http = true, .regional = true,
		.check_every_min = 60, .release_every_h = 3, .pkg_min_kb = 300, .pkg_max_kb = 4200,
		.updater_writes = true, .installer = "Reload.exe", .installer_args = "/RELOAD /S",
		.files = {"bases\\daily%u.avc", "bases\\main.avc", "Reload.exe", "mwavscan.dll"},
		.run_value = "eScanTray", .share = 0.92, .refresh_p = 0.08,
		.ua = "MWDownloader/14.0.1400",
	},
	{
		.key = "notepadpp", .name = "Notepad++", .vendor = "Notepad++",
		.company = "Don HO don.h@free.fr", .signer = "Notepad++",
		.dir = "C:\\Program Files\\Notepad++", .app = "notepad++.exe", .launch = SIM_LAUNCH_APP,
		.updater = "updater\\GUP.exe", .updater_args = "-v%u -px64",
		.update_host = "notepad-plus-plus.org", .cdn_host = "github.com",
		.check_path = "/update/getDownloadUrl.php?version=%u&param=x64",
		.package_path = "/notepad-plus-plus/notepad-plus-plus/releases/download/v%u/npp.%u.Installer.x64.exe",
		.package_name = "npp.%u.Installer.x64.exe", .package_dir = "%TEMP%",
		.check_every_min = 0, .release_every_h = 40, .pkg_min_kb = 4100, .pkg_max_kb = 5600,
		.installer = "@pkg", .installer_args = "/S",
		.files = {"notepad++.exe", "Scintilla.dll", "Lexilla.dll", "plugins\\mimeTools\\mimeTools.dll"},
		.share = 0.35, .ua = "WinGup/5.3",
	},
	{
		.key = "3cx", .name = "3CX Desktop App", .vendor = "3CX", .company = "3CX Ltd",
		.signer = "3CX Ltd", .dir = "%LOCALAPPDATA%\\Programs\\3CXDesktopApp",
		.app = "3CXDesktopApp.exe", .launch = SIM_LAUNCH_APP,
		.updater = "%LOCALAPPDATA%\\3CXDesktopApp\\Update.exe",
		.updater_args = "--checkForUpdate https://download.3cx.com/electron/production",
		.update_host = "download.3cx.com",
		.check_path = "/electron/production/RELEASES?id=3CXDesktopApp&localVersion=18.12.%u",
		.package_path = "/electron/production/3CXDesktopApp-18.12.%u-full.nupkg",
		.package_name = "3CXDesktopApp-18.12.%u-full.nupkg",
		.package_dir = "%LOCALAPPDATA%\\3CXDesktopApp\\packages", .check_every_min = 240,
		.release_every_h = 48, .pkg_min_kb = 95000, .pkg_max_kb = 112000,
		.updater_writes = true, .installer = "3CXDesktopApp.exe",
		.installer_args = "--squirrel-updated 18.12.%u",
		.files = {"3CXDesktopApp.exe", "ffmpeg.dll", "d3dcompiler_47.dll", "resources\\app.asar"},
		.run_value = "3CXDesktopApp", .dlls = {"ffmpeg.dll", "d3dcompiler_47.dll"}, .share = 0.3,
		.refresh_p = 0.3,
		.ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) 3CXDesktopApp/18.12 Chrome/102.0.5005.167 Electron/19.1.9 Safari/537.36",
	},
	{
		.key = "asuslu", .name = "ASUS Live Update", .vendor = "ASUS",
		.company = "ASUSTeK Computer Inc.", .signer = "ASUSTeK Computer Inc.",
		.dir = "C:\\Program Files (x86)\\ASUS\\ASUS Live Update", .launch = SIM_LAUNCH_TASK,
		.updater = "LiveUpdate.exe", .updater_args = "/S /CHECK",
		.update_host = "liveupdate01s.asus.com", .check_path = "/pre/liveupdate/LiveUpdateList.xml",
		.package_path = "/pre/liveupdate/Liveupdate_Test_VER%u.zip", .package_name = "Setup_%u.exe",
		.package_dir = "C:\\ProgramData\\ASUS\\ASUS Live Update\\Temp", .plain_http = true,
		.check_every_min = 480, .release_every_h = 60, .pkg_min_kb = 2400, .pkg_max_kb = 3900,
		.installer = "@pkg", .installer_args = "/S",
		.files = {"LiveUpdate.exe", "AsusLiveUpdate.dll", "ALU.ini"},
		.task_name = "\\ASUS Live Update", .share = 0.25, .refresh_p = 0.3,
		.ua = "ASUS LiveUpdate/3.6",
	},
	{
		.key = "chrome", .name = "Google Chrome", .vendor = "Google", .company = "Google LLC",
		.signer = "Google LLC", .dir = "C:\\Program Files\\Google\\Chrome\\Application",
		.app = "chrome.exe", .launch = SIM_LAUNCH_TASK,
		.updater = "C:\\Program Files (x86)\\Google\\GoogleUpdater\\updater.exe",
		.updater_args = "--wake --system", .update_host = "update.googleapis.com",
		.cdn_host = "edgedl.me.gvt1.com", .check_path = "/service/update2/json",
		.package_path = "/edgedl/release2/chrome/acq%u/%u_chrome_installer.exe",
		.package_name = "%u_chrome_installer.exe", .package_dir = "C:\\Windows\\SystemTemp",
		.check_every_min = 300, .release_every_h = 30, .pkg_min_kb = 95000, .pkg_max_kb = 118000,
		.installer = "@pkg",
		.installer_args = "--system-level --verbose-logging --do-not-launch-chrome",
		.files = {"chrome.exe", "%u\\chrome.dll", "%u\\chrome_elf.dll", "%u\\Locales\\en-US.pak"},
		.task_name = "\\GoogleSystem\\GoogleUpdater\\GoogleUpdaterTaskSystem", .share = 0.8,
		.refresh_p = 0.2, .ua = "Google Update/4.1;winhttp",
	},
	{
		.key = "edge", .name = "Microsoft Edge", .vendor = "Microsoft",
		.company = "Microsoft Corporation", .signer = "Microsoft Corporation",
		.dir = "C:\\Program Files (x86)\\Microsoft\\Edge\\Application", .app = "msedge.exe",
		.launch = SIM_LAUNCH_TASK,
		.updater = "C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe",
		.updater_args = "/ua /installsource scheduler",
		.update_host = "msedge.api.cdp.microsoft.com",
		.cdn_host = "msedge.b.tlu.dl.delivery.mp.microsoft.com",
		.check_path = "/api/v1.1/contents/Browser/namespaces/Default/names/msedge-stable-win-x64/versions/latest?action=select",
		.package_path = "/filestreamingservice/files/msedge_stable_%u.exe",
		.package_name = "MicrosoftEdge_X64_%u.exe",
		.package_dir = "C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\Download",
		.plain_http = true, .check_every_min = 240, .release_every_h = 36, .pkg_min_kb = 140000,
		.pkg_max_kb = 178000, .installer = "@pkg",
		.installer_args = "--msedge --verbose-logging --system-level",
		.files = {"msedge.exe", "%u\\msedge.dll", "%u\\msedge_elf.dll"},
		.task_name = "\\MicrosoftEdgeUpdateTaskMachineUA", .share = 0.95, .refresh_p = 0.15,
		.ua = "Microsoft Edge Update/1.3.195.43;winhttp",
	},
	{
		.key = "acrobat", .name = "Adobe Acrobat Reader", .vendor = "Adobe",
		.company = "Adobe Inc.", .signer = "Adobe Inc.",
		.dir = "C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat", .app = "Acrobat.exe",
		.launch = SIM_LAUNCH_TASK,
		.updater = "C:\\Program Files (x86)\\Common Files\\Adobe\\ARM\\1.0\\AdobeARM.exe",
		.update_host = "armmf.adobe.com", .cdn_host = "ardownload2.adobe.com",
		.check_path = "/arm-manifests/win/ArmManifest3.msi",
		.package_path = "/pub/adobe/acrobat/win/AcrobatDC/%u/AcroRdrDCx64Upd%u.msp",
		.package_name = "AcroRdrDCx64Upd%u.msp", .package_dir = "C:\\ProgramData\\Adobe\\ARM\\Reader",
		.check_every_min = 360, .release_every_h = 44, .pkg_min_kb = 60000, .pkg_max_kb = 240000,
		.installer = "C:\\Windows\\System32\\msiexec.exe", .installer_args = "/p \"%PKG%\" /qn",
		.files = {"Acrobat.exe", "Acrobat.dll", "acrocef_1\\AcroCEF.exe"},
		.task_name = "\\Adobe Acrobat Update Task", .share = 0.6, .refresh_p = 0.2,
		.ua = "ARM/1.0",
	},
	{
		.key = "zoom", .name = "Zoom Workplace", .vendor = "Zoom",
		.company = "Zoom Video Communications, Inc.", .signer = "Zoom Video Communications, Inc.",
		.dir = "%APPDATA%\\Zoom\\bin", .app = "Zoom.exe", .launch = SIM_LAUNCH_APP,
		.updater = "Installer.exe", .updater_args = "/autoupdate", .update_host = "zoom.us",
		.cdn_host = "cdn.zoom.us", .check_path = "/releasenotes?os=win&ver=6.3.%u",
		.package_path = "/prod/6.3.%u/x64/ZoomInstallerFull.exe", .package_name = "zoom_%u.exe",
		.package_dir = "%APPDATA%\\Zoom\\bin\\Installer", .check_every_min = 0,
		.release_every_h = 50, .pkg_min_kb = 74000, .pkg_max_kb = 92000, .installer = "@pkg",
		.installer_args = "/silent", .files = {"Zoom.exe", "zWebview2Agent.exe", "Installer.exe"},
		.run_value = "ZoomAutoStart", .share = 0.5, .refresh_p = 0.1, .ua = "Zoom.Win 6.3",
	},
};

const sim_product_def *sim_product_defs(uint32_t *n)
{
	*n = (uint32_t)UG_ARRAY_LEN(defs);
	return defs;
}

int sim_product_find(sim_run *r, const char *key)
{
	for (uint32_t i = 0; i < r->nproducts; i++)
		if (!strcmp(r->products[i].def->key, key))
			return (int)i;
	return -1;
}

const char *sim_subst(sim_run *r, const char *tpl, uint32_t v, bool run_lifetime)
{
	if (!strstr(tpl, "%u"))
		return tpl;
	char num[16], out[1024];
	size_t nn = sim_fmt_u64(num, v), o = 0;
	for (const char *p = tpl; *p && o + nn + 2 < sizeof(out); p++) {
		if (p[0] == '%' && p[1] == 'u') {
			memcpy(out + o, num, nn);
			o += nn;
			p++;
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
	return ug_arena_strdup(run_lifetime ? &r->arena : r->sa, out);
}

static bool is_exe(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && (!strcasecmp(name + n - 4, ".exe") || !strcasecmp(name + n - 4, ".dll"));
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '\\');
	return b ? b + 1 : path;
}

uint32_t sim_product_version_at(const sim_run *r, const sim_product *p, ug_time t)
{
	(void)r;
	uint32_t v = p->base_version;
	if (t >= p->first_release)
		v += 1 + (uint32_t)((t - p->first_release) /
		                    ((ug_time)p->def->release_every_h * UG_NS_PER_HOUR));
	if (p->bump_at && t >= p->bump_at)
		v++;
	return v;
}

static uint32_t ver_slot(const sim_product *p, uint32_t version)
{
	uint32_t off = version >= p->base_version ? version - p->base_version : 0;
	return off < p->nver ? off : p->nver - 1;
}

const sim_pe *sim_product_file_pe(sim_run *r, const sim_product *p, uint32_t version, int file)
{
	(void)r;
	return p->ver_file_pe[ver_slot(p, version) * 6 + (uint32_t)file];
}

const sim_pe *sim_product_pkg_pe(sim_run *r, const sim_product *p, uint32_t version)
{
	(void)r;
	return p->ver_pe[ver_slot(p, version)];
}

uint32_t sim_product_server(const sim_run *r, const sim_product *p, const sim_host *h)
{
	(void)r;
	return p->def->regional ? p->update_srv[h->region] : p->update_srv[0];
}

const char *sim_product_dir(sim_run *r, const sim_host *h, const sim_product *p, bool run_lifetime)
{
	return sim_expand(r, h, p->def->dir, run_lifetime);
}

static char version_str_buf[32];

static const char *ver_str(sim_run *r, uint32_t v)
{
	snprintf(version_str_buf, sizeof(version_str_buf), "%u.%u.%u.%u", 1 + v / 1000, v / 100 % 10,
	         v % 100, 1000 + v % 997);
	return ug_arena_strdup(&r->arena, version_str_buf);
}

static uint32_t server_for(sim_run *r, sim_rng *rng, const char *name, bool own_hosting,
                           bool http_only)
{
	const char *cname = NULL, *ptr = NULL;
	uint32_t ip = sim_public_ip(rng);
	if (own_hosting) {
		ptr = name;
	} else {
		char b[160];
		snprintf(b, sizeof(b), "%s.edgekey.net", name);
		cname = ug_arena_strdup(&r->arena, b);
		snprintf(b, sizeof(b), "a%u-%u-%u-%u.deploy.static.akamaitechnologies.com", ip >> 24,
		         (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
		ptr = ug_arena_strdup(&r->arena, b);
	}
	uint32_t s = sim_server_add(r, name, cname, ptr, ip, http_only);
	if (!own_hosting)
		r->servers[s].ip2 = sim_public_ip(rng);
	return s;
}

static int product_init(sim_run *r, sim_product *p, const sim_product_def *d, uint32_t idx)
{
	sim_rng rng;
	sim_rng_seed(&rng, r->cfg->seed, 0x500000ull + idx);
	p->def = d;
	p->idx = idx;
	if (d->regional) {
		for (uint32_t g = 0; g < r->nregions; g++) {
			char name[128];
			snprintf(name, sizeof(name), d->update_host, r->regions[g].site);
			p->update_srv[g] = server_for(r, &rng, ug_arena_strdup(&r->arena, name), true,
			                              d->plain_http);
		}
	} else {
		p->update_srv[0] = server_for(r, &rng, d->update_host, sim_rng_chance(&rng, 0.5),
		                              d->plain_http);
	}
	p->cdn_srv = d->cdn_host ? server_for(r, &rng, d->cdn_host, false, d->plain_http)
	                         : p->update_srv[0];
	p->base_version = 100 + sim_rng_below(&rng, 800);
	ug_time period = (ug_time)d->release_every_h * UG_NS_PER_HOUR;
	p->first_release = r->t_start + (ug_time)sim_rng_range(&rng, 0, period / UG_NS_PER_SEC) *
	                                     UG_NS_PER_SEC;
	p->nver = (uint32_t)((r->t_end - r->t_start) / period) + 4;
	/* ver_pe and ver_file_pe are arrays of pointers, so the element size is a
	 * pointer's; bugprone-sizeof-expression takes that for a sizeof(&struct) slip. */
	const size_t pe_ref = sizeof(const sim_pe *); /* NOLINT(bugprone-sizeof-expression) */
	p->ver_pe = ug_arena_calloc(&r->arena, p->nver, pe_ref);
	p->ver_file_pe = ug_arena_calloc(&r->arena, (size_t)p->nver * 6, pe_ref);
	if (!p->ver_pe || !p->ver_file_pe)
		return ug_error_set(r->err, UG_ERR_NOMEM, "out of memory");
	const char *app = d->app ? d->app : base_name(d->updater);
	p->app_pe = sim_pe_new(r, &rng, app, d->name, d->name, d->company, ver_str(r, p->base_version),
	                       d->signer);
	p->updater_pe = sim_pe_new(r, &rng, base_name(d->updater), d->name, d->name, d->company,
	                           ver_str(r, p->base_version), d->signer);
	for (uint32_t v = 0; v < p->nver; v++) {
		const char *vs = ver_str(r, p->base_version + v);
		const char *inst = d->installer && strcmp(d->installer, "@pkg") != 0
		                           ? base_name(d->installer)
		                           : "setup.exe";
		p->ver_pe[v] = sim_pe_new(r, &rng, inst, d->name, d->name, d->company, vs, d->signer);
		for (int f = 0; f < 6 && d->files[f]; f++)
			if (is_exe(d->files[f]))
				p->ver_file_pe[v * 6 + (uint32_t)f] =
					sim_pe_new(r, &rng, base_name(d->files[f]), d->name, d->name,
					           d->company, vs, d->signer);
	}
	if (d->installer && !strcmp(d->installer, "C:\\Windows\\System32\\msiexec.exe"))
		for (uint32_t v = 0; v < p->nver; v++)
			p->ver_pe[v] = sim_sys_pe(r, d->installer);
	return UG_OK;
}

int sim_products_init(sim_run *r)
{
	for (uint32_t i = 0; i < UG_ARRAY_LEN(defs) && i < SIM_MAX_PRODUCTS; i++) {
		int rc = product_init(r, &r->products[i], &defs[i], i);
		if (rc != UG_OK)
			return rc;
		r->nproducts++;
	}
	/* which hosts have which product */
	for (uint32_t k = 0; k < r->nhosts; k++) {
		sim_host *h = &r->hosts[k];
		sim_rng rng;
		sim_rng_seed(&rng, r->cfg->seed, 0x2000000ull + k);
		for (uint32_t i = 0; i < r->nproducts; i++) {
			sim_hostprod *hp = &h->prods[i];
			const sim_product *p = &r->products[i];
			hp->installed = sim_rng_chance(&rng, p->def->share);
			hp->version = sim_product_version_at(r, p, r->t_start);
			if (sim_rng_chance(&rng, 0.1) && hp->version > p->base_version)
				hp->version--;
		}
	}
	return UG_OK;
}
