/* updates.c — the products' normal update behaviour on each host: the
 * updater is started by the product's service, a scheduled task or the app;
 * it asks its update host, and when a newer version is out downloads the
 * package from the CDN, writes files into the product folder, starts the
 * installer child and sometimes re-registers its own task or Run value. This
 * is the baseline that a hunt has to learn from the fleet. */
#include <string.h>
#include <strings.h>

#include "sim/sim_int.h"

static ug_time ms(sim_host *h, int lo, int hi)
{
	return (ug_time)sim_rng_range(&h->rng, lo, hi) * UG_NS_PER_SEC / 1000;
}

bool sim_product_per_user(const sim_product *p)
{
	return p->def->dir[0] == '%';
}

const char *sim_run_key(sim_run *r, const sim_host *h, bool per_user, bool wow64, const char *value)
{
	if (per_user)
		return sim_sprintf(r, "HKU\\%s\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\%s",
		                   h->user_sid, value);
	return sim_sprintf(r, "HKLM\\SOFTWARE\\%sMicrosoft\\Windows\\CurrentVersion\\Run\\%s",
	                   wow64 ? "WOW6432Node\\" : "", value);
}

static const char *in_dir(sim_run *r, const sim_host *h, const char *dir, const char *rel)
{
	if (rel[0] == '%')
		return sim_expand(r, h, rel, false);
	if (rel[0] && rel[1] == ':')
		return rel;
	return sim_sprintf(r, "%s\\%s", dir, rel);
}

/* "%DIR%\\Update" and friends */
static const char *expand_dir(sim_run *r, const sim_host *h, const char *tpl, const char *dir)
{
	if (!strncmp(tpl, "%DIR%", 5))
		return sim_sprintf(r, "%s%s", dir, tpl + 5);
	return sim_expand(r, h, tpl, false);
}

static bool is_exe(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && (!strcasecmp(name + n - 4, ".exe") || !strcasecmp(name + n - 4, ".dll"));
}

static void refresh_own_entries(sim_run *r, sim_host *h, const sim_product *p, const char *dir,
                                const char *upd_img, ug_time t, const sim_proc *by)
{
	const sim_product_def *d = p->def;
	if (d->task_name && sim_rng_chance(&h->rng, d->refresh_p))
		sim_task_created(r, h, t, by, d->task_name, upd_img, d->updater_args ? "/c" : "", true);
	if (d->run_value && d->app && sim_rng_chance(&h->rng, d->refresh_p)) {
		bool wow = strstr(dir, "(x86)") != NULL;
		sim_reg(r, h, t + ms(h, 50, 400), by,
		        sim_run_key(r, h, sim_product_per_user(p), wow, d->run_value),
		        sim_sprintf(r, "\"%s\\%s\" --autostart", dir, d->app));
	}
}

ug_time sim_update_check(sim_run *r, sim_host *h, uint32_t pi, ug_time t, const sim_proc *parent)
{
	sim_product *p = &r->products[pi];
	const sim_product_def *d = p->def;
	sim_hostprod *hp = &h->prods[pi];
	bool per_user = sim_product_per_user(p);
	uint8_t user = per_user ? SIM_USER_PRIMARY : SIM_USER_SYSTEM;
	uint8_t il = per_user ? SIM_IL_MEDIUM : SIM_IL_SYSTEM;
	const char *dir = sim_product_dir(r, h, p, false);
	const char *img = in_dir(r, h, dir, d->updater);
	const char *args = d->updater_args ? sim_subst(r, d->updater_args, hp->version, false) : "";
	sim_proc upd = sim_spawn(r, h, t, parent, img, sim_sprintf(r, "\"%s\" %s", img, args),
	                         p->updater_pe, user, il);
	t += ms(h, 300, 2500);
	uint32_t srv = sim_product_server(r, p, h);
	if (hp->blocked) {
		/* the HOSTS file now sends the update host to localhost: no traffic */
		sim_dns_only(r, h, t, &upd, r->servers[srv].name, 1, NULL, 0x7F000001u);
		sim_proc_end(r, h, t + ms(h, 2000, 21000), &upd);
		return t;
	}
	sim_req mq = {.srv = srv, .https = !d->plain_http, .path = sim_subst(r, d->check_path, hp->version, false),
	              .mime = d->plain_http ? "text/plain" : NULL, .ua = d->ua,
	              .up = 300 + sim_rng_below(&h->rng, 600), .down = 900 + sim_rng_below(&h->rng, 30000)};
	t = sim_request(r, h, t, &upd, &mq);
	ug_time end;
	if (sim_incident_delivery(r, h, pi, t, &upd, &end)) {
		sim_proc_end(r, h, end + ms(h, 100, 2000), &upd);
		return end;
	}
	uint32_t latest = sim_product_version_at(r, p, t);
	if (latest <= hp->version) {
		sim_proc_end(r, h, t + ms(h, 50, 1500), &upd);
		return t;
	}
	/* download */
	uint64_t size = 1024ull * (d->pkg_min_kb + sim_rng_below(&h->rng, d->pkg_max_kb - d->pkg_min_kb + 1));
	double rate = 2e6 + 18e6 * sim_rng_unit(&h->rng);
	ug_time dur = (ug_time)((double)size / rate * 1e9) + ms(h, 100, 800);
	if (dur > 4 * UG_NS_PER_MIN)
		dur = 4 * UG_NS_PER_MIN;
	sim_req dq = {.srv = p->cdn_srv, .https = !d->plain_http,
	              .path = sim_subst(r, d->package_path, latest, false),
	              .mime = "application/octet-stream", .ua = d->ua, .up = 400 + sim_rng_below(&h->rng, 500),
	              .down = size, .dur = dur};
	t = sim_request(r, h, t + ms(h, 20, 300), &upd, &dq) + ms(h, 20, 300);
	const char *pkg = sim_sprintf(r, "%s\\%s", expand_dir(r, h, d->package_dir, dir),
	                              sim_subst(r, d->package_name, latest, false));
	const sim_pe *pkg_pe = is_exe(pkg) ? sim_product_pkg_pe(r, p, latest) : NULL;
	sim_file(r, h, t, &upd, pkg, pkg_pe);
	sim_delivery_note(r, h, pi, t, srv, p->cdn_srv, size, false, false);
	t += ms(h, 200, 3000);
	/* apply */
	sim_proc inst;
	const sim_proc *writer = &upd;
	const char *inst_img;
	const sim_pe *inst_pe;
	if (!strcmp(d->installer, "@pkg")) {
		inst_img = pkg;
		inst_pe = pkg_pe;
	} else {
		inst_img = in_dir(r, h, dir, d->installer);
		inst_pe = sim_sys_pe(r, inst_img);
		if (!inst_pe)
			inst_pe = d->updater_writes ? NULL : sim_product_pkg_pe(r, p, latest);
	}
	if (d->updater_writes) {
		for (int f = 0; f < 6 && d->files[f]; f++) {
			const char *path = sim_sprintf(r, "%s\\%s", dir, sim_subst(r, d->files[f], latest, false));
			const sim_pe *fpe = is_exe(path) ? sim_product_file_pe(r, p, latest, f) : NULL;
			sim_file(r, h, t + ms(h, 10, 900), writer, path, fpe);
			if (fpe && !strcasecmp(strrchr(path, '\\') + 1, strrchr(inst_img, '\\') + 1))
				inst_pe = fpe;
		}
		t += ms(h, 1000, 3000);
	}
	const char *iargs = d->installer_args ? d->installer_args : "";
	if (strstr(iargs, "%PKG%")) {
		const char *pos = strstr(iargs, "%PKG%");
		iargs = sim_sprintf(r, "%.*s%s%s", (int)(pos - iargs), iargs, pkg, pos + 5);
	}
	iargs = sim_subst(r, iargs, latest, false);
	inst = sim_spawn(r, h, t, &upd, inst_img, sim_sprintf(r, "\"%s\" %s", inst_img, iargs),
	                 inst_pe ? inst_pe : p->app_pe, user, il);
	t += ms(h, 500, 4000);
	if (!d->updater_writes) {
		for (int f = 0; f < 6 && d->files[f]; f++) {
			const char *path = sim_sprintf(r, "%s\\%s", dir, sim_subst(r, d->files[f], latest, false));
			const sim_pe *fpe = is_exe(path) ? sim_product_file_pe(r, p, latest, f) : NULL;
			sim_file(r, h, t + ms(h, 10, 900), &inst, path, fpe);
		}
		t += ms(h, 1000, 3000);
	}
	refresh_own_entries(r, h, p, dir, img, t, &inst);
	sim_decoy_apply(r, h, pi, t + ms(h, 500, 2000), &inst, hp->version, latest);
	hp->version = latest;
	t += ms(h, 2000, 8000);
	sim_proc_end(r, h, t, &inst);
	sim_proc_end(r, h, t + ms(h, 100, 1500), &upd);
	return t;
}

/* The user (or the Run key at logon) opens the app; it loads its modules and
 * checks for updates right away. */
static void app_open(sim_run *r, sim_host *h, uint32_t pi, ug_time t)
{
	sim_product *p = &r->products[pi];
	sim_hostprod *hp = &h->prods[pi];
	const char *dir = sim_product_dir(r, h, p, false);
	if (!hp->svc_img) {
		hp->svc_img = sim_rsprintf(r, "%s\\%s", sim_product_dir(r, h, p, true), p->def->app);
		hp->svc_cmd = sim_rsprintf(r, "\"%s\"", hp->svc_img);
	}
	if (!hp->svc_running) {
		hp->svc = sim_spawn(r, h, t, &h->p_explorer, hp->svc_img, hp->svc_cmd, p->app_pe,
		                    SIM_USER_PRIMARY, SIM_IL_MEDIUM);
		hp->svc_running = p->def->check_every_min > 0;
		for (int i = 0; i < 2 && p->def->dlls[i]; i++) {
			int f = 0;
			while (f < 6 && p->def->files[f] &&
			       strcmp(p->def->files[f], p->def->dlls[i]) != 0)
				f++;
			sim_image_load(r, h, t + ms(h, 30, 400), &hp->svc,
			               sim_sprintf(r, "%s\\%s", dir, p->def->dlls[i]),
			               f < 6 ? sim_product_file_pe(r, p, hp->version, f) : p->app_pe);
		}
		sim_incident_app_start(r, h, pi, t + ms(h, 400, 900), &hp->svc);
	}
	ug_time check = t + ms(h, 2000, 15000);
	sim_update_check(r, h, pi, check, &hp->svc);
	if (hp->svc_running)
		hp->next_check = check + (ug_time)p->def->check_every_min * UG_NS_PER_MIN;
}

void sim_app_start(sim_run *r, sim_host *h, uint32_t pi, ug_time t)
{
	sim_hostprod *hp = &h->prods[pi];
	const sim_product_def *d = r->products[pi].def;
	if (d->run_value) /* started by its Run value at logon */
		hp->app_next = t + ms(h, 20000, 90000);
	else if (sim_rng_chance(&h->rng, 0.8))
		hp->app_next =
		    t + (ug_time)sim_rng_range(&h->rng, 300, 4 * INT64_C(3600)) * UG_NS_PER_SEC;
	else
		hp->app_next = INT64_MAX;
	hp->next_check = INT64_MAX;
}

void sim_updates_slice(sim_run *r, sim_host *h, ug_time from, ug_time to)
{
	for (uint32_t i = 0; i < r->nproducts; i++) {
		sim_hostprod *hp = &h->prods[i];
		if (!hp->installed)
			continue;
		const sim_product_def *d = r->products[i].def;
		while (hp->app_next < to) {
			ug_time t = hp->app_next;
			/* apps without a Run value are opened again a few times a day */
			hp->app_next =
			    d->run_value
			        ? INT64_MAX
			        : t + (ug_time)sim_rng_range(&h->rng, 1800, 6 * INT64_C(3600)) *
			                  UG_NS_PER_SEC;
			if (t >= from)
				app_open(r, h, i, t);
			if (!d->run_value)
				hp->svc_running = false;
		}
		while (hp->next_check < to) {
			ug_time t = hp->next_check;
			ug_time every = (ug_time)(d->check_every_min ? d->check_every_min : 240) * UG_NS_PER_MIN;
			hp->next_check = t + every * 4 / 5 +
			                 (ug_time)sim_rng_range(&h->rng, 0, (every * 2 / 5) / UG_NS_PER_SEC) * UG_NS_PER_SEC;
			if (t < from)
				continue;
			/* the running service or app (both kept in hp->svc) checks,
			 * else the scheduled task does */
			bool own = d->launch == SIM_LAUNCH_SERVICE || d->launch == SIM_LAUNCH_APP;
			const sim_proc *parent =
			    own && hp->svc_running ? &hp->svc : &h->p_svc_sched;
			sim_update_check(r, h, i, t, parent);
		}
	}
}
