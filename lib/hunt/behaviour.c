/* behaviour.c — pass 2: what each host did around its deliveries.
 *
 * Every event that can matter (executables and scripts written, scheduled
 * tasks, autostart registry values, services, WMI subscriptions, the HOSTS
 * file, script hosts with encoded or download commands, unsigned modules,
 * processes started by the updater's lineage, destinations new to the fleet)
 * becomes a behaviour feature with a normalized value. Every occurrence is
 * counted in the fleet table (baseline.c) as after a window delivery, after a
 * baseline delivery, or on a host with no delivery then; occurrences inside a
 * window delivery's [time - skew, time + after] — or anywhere in its process
 * lineage — are also kept as observations of that delivery. Destinations new
 * to the fleet keep their contact times per host, for beacons. Update
 * silence is judged at the end from each host's update contacts.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/str.h"
#include "hunt/hunt_int.h"

#define DEST_WARMUP (6 * UG_NS_PER_HOUR) /* a destination seen this early is not new */
#define SERIES_SPAN (24 * UG_NS_PER_HOUR) /* beacons are looked for this long after delivery */
#define SERIES_MAX 512

/* --- normalization --- */

/* A scratch buffer of the run's small ring (valid for HU_SCRATCH more calls). */
static char *scratch(hu_run *r, size_t n)
{
	ug_buf *b = &r->scratch[r->scratch_next++ % HU_SCRATCH];
	b->len = 0;
	if (!ug_buf_reserve(b, n + 1))
		return NULL;
	return b->p;
}

const char *hu_norm_path(hu_run *r, ug_sv path, bool digits)
{
	char *out = scratch(r, path.n);
	if (!out)
		return "";
	size_t o = 0;
	for (size_t i = 0; i < path.n; i++) {
		char c = ug_ascii_lower(path.p[i]);
		if (c == '/')
			c = '\\';
		if (c == '\\' && o >= 8 && !memcmp(out + o - 6, "\\users", 6)) {
			/* \users\NAME\ -> \users\*\ */
			size_t j = i + 1;
			while (j < path.n && path.p[j] != '\\' && path.p[j] != '/')
				j++;
			out[o++] = '\\';
			if (j > i + 1 && j < path.n) {
				out[o++] = '*';
				i = j - 1;
			}
			continue;
		}
		if (digits && c >= '0' && c <= '9') {
			if (!o || out[o - 1] != '#')
				out[o++] = '#';
			continue;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return out;
}

static const char *norm_reg(hu_run *r, ug_sv key)
{
	const char *p = hu_norm_path(r, key, false);
	/* HKU\S-1-5-21-...\ and \REGISTRY\USER\S-...\ -> hku\*\ */
	const char *s = strstr(p, "\\s-1-5-");
	if (!s)
		return p;
	const char *e = strchr(s + 1, '\\');
	size_t head = (size_t)(s - p), tail = e ? strlen(e) : 0;
	char *res = scratch(r, head + 2 + tail);
	if (!res)
		return "";
	memcpy(res, p, head);
	memcpy(res + head, "\\*", 2);
	memcpy(res + head + 2, e ? e : "", tail);
	res[head + 2 + tail] = '\0';
	return res;
}

static bool has_ext(ug_sv path, const char *const *exts)
{
	for (size_t i = 0; exts[i]; i++)
		if (ug_sv_ends_with_nocase(path, ug_sv_from(exts[i])))
			return true;
	return false;
}

static const char *const exec_exts[] = {".exe", ".dll", ".sys", ".scr", ".ps1", ".psm1", ".bat", ".cmd",
                                        ".vbs", ".vbe", ".js", ".jse", ".wsf", ".hta", ".msi",
                                        ".cpl", ".ocx", NULL};

/* --- the product's footprint --- */

static ug_sv dir_of(ug_sv path)
{
	size_t i = path.n;
	while (i > 0 && path.p[i - 1] != '\\' && path.p[i - 1] != '/')
		i--;
	return ug_sv_sub(path, 0, i);
}

static const char *const generic_dirs[] = {"update", "updater", "updates", "bin", "x64", "x86",
                                           "program files", "program files (x86)", "programdata",
                                           "appdata", "local", "roaming", "temp", "programs",
                                           "windows", "system32", "syswow64", "users", NULL};

/* The nearest non-generic folder name of an updater's folder ("\\asus live update\\"). */
static void vendor_note(hu_run *r, ug_sv ndir)
{
	while (ndir.n > 1) {
		ug_sv d = ug_sv_sub(ndir, 0, ndir.n - 1);
		size_t s = ug_sv_rfind_char(d, '\\');
		if (s == SIZE_MAX)
			return;
		ug_sv name = ug_sv_sub(d, s + 1, d.n);
		bool generic = name.n < 3 || ug_sv_find_char(name, ':') != SIZE_MAX || name.p[0] == '*';
		for (size_t i = 0; generic_dirs[i] && !generic; i++)
			generic = ug_sv_eq(name, ug_sv_from(generic_dirs[i]));
		if (!generic) {
			ug_sv v = ug_sv_sub(ndir, s, d.n + 1); /* "\\name\\" */
			for (size_t i = 0; i < r->nvendor; i++)
				if (ug_sv_eq(ug_sv_from(r->vendor_dirs[i]), v))
					return;
			char *c = (char *)hu_strdup(r, v);
			HU_PUSH(r->vendor_dirs, r->nvendor, r->capvendor, c);
			return;
		}
		ndir = ug_sv_sub(d, 0, s + 1);
	}
}

void hu_footprint_note(hu_run *r, ug_sv path, bool below)
{
	ug_sv dir = dir_of(path);
	if (dir.n < 4)
		return;
	ug_sv key = ug_sv_from(hu_norm_path(r, dir, false));
	if (below && !ug_map_get(&r->footprint, key))
		vendor_note(r, key);
	void *v = ug_map_get(&r->footprint, key);
	if ((uintptr_t)v < (below ? 2u : 1u))
		ug_map_put(&r->footprint, key, (void *)(uintptr_t)(below ? 2 : 1));
}

bool hu_in_footprint(hu_run *r, ug_sv path)
{
	if (ug_profile_in_install_dir(r->prof, path))
		return true;
	ug_sv dir = dir_of(path);
	if (dir.n < 4 || dir.n > 700)
		return false;
	char buf[720];
	size_t o = 0;
	for (size_t i = 0; i < dir.n; i++)
		buf[o++] = ug_ascii_lower(dir.p[i] == '/' ? '\\' : dir.p[i]);
	/* users\NAME\ -> users\*\ as hu_norm_path does */
	char norm[720];
	size_t n = 0;
	for (size_t i = 0; i < o; i++) {
		norm[n++] = buf[i];
		if (n >= 7 && !memcmp(norm + n - 7, "\\users\\", 7)) {
			size_t j = i + 1;
			while (j < o && buf[j] != '\\')
				j++;
			if (j < o) {
				norm[n++] = '*';
				i = j - 1;
			}
		}
	}
	if ((uintptr_t)ug_map_get(&r->footprint, ug_sv_make(norm, n)) >= 1)
		return true;
	for (size_t i = 0; i < r->nvendor; i++)
		if (ug_sv_find(ug_sv_make(norm, n), ug_sv_from(r->vendor_dirs[i])) != SIZE_MAX)
			return true;
	for (size_t i = n; i-- > 3;) /* an updater's folder covers what is below it */
		if (norm[i - 1] == '\\' && (uintptr_t)ug_map_get(&r->footprint, ug_sv_make(norm, i)) == 2)
			return true;
	return false;
}

/* --- observations --- */

static const char *detail_of(hu_run *r, const ug_event *ev, ug_sv what);

/* Note f after dv. The detail is a ready string, or (detail NULL) made from
 * what when the observation is new: most features seen are never observed
 * (not after a window delivery, or already noted), so words are built only
 * for those that are, and memory grows with findings, not events. */
static void observe(hu_run *r, hu_deliv *dv, hu_feat *f, const ug_event *ev, bool lineage,
                    ug_sv raw, const char *detail, ug_sv what)
{
	if (!dv || !dv->d.in_window || !f)
		return;
	uint64_t key[2] = {dv->id, f->id};
	bool created = false;
	ug_map_entry *e = ug_map_upsert(&r->obs_by_key, ug_sv_make((const char *)key, sizeof(key)), &created);
	if (!e)
		return;
	if (!created) {
		hu_obs *o = &r->obs[(size_t)(uintptr_t)e->value - 1];
		if (lineage && !o->lineage) {
			o->lineage = true;
			o->time = ev->ts;
			o->prov = (ug_prov){ev->source, ev->record};
			o->proc = hu_strdup(r, ug_event_get(ev, UG_F_IMAGE));
			o->parent = hu_strdup(r, ug_event_get(ev, UG_F_PARENT_IMAGE));
		}
		return;
	}
	if (!detail)
		detail = detail_of(r, ev, what);
	hu_obs o = {dv, f, ev->ts, lineage, detail, {ev->source, ev->record}, NULL,
	            raw.n ? hu_strdup(r, ug_sv_make(raw.p, UG_MIN(raw.n, 1000))) : f->value,
	            hu_strdup(r, ug_event_get(ev, UG_F_IMAGE)), hu_strdup(r, ug_event_get(ev, UG_F_PARENT_IMAGE))};
	if (HU_PUSH(r->obs, r->nobs, r->capobs, o))
		e->value = (void *)(uintptr_t)r->nobs;
}

typedef struct ctx2 {
	hu_run *r;
	hu_host *h;
	const ug_event *ev;
	hu_deliv *time_dv;    /* delivery attributing the event by time */
	hu_deliv *lin_dv;     /* delivery whose lineage the event's process belongs to */
	unsigned cls;
} ctx2;

/* what: the part of the event the finding's words quote (detail_of). */
static hu_feat *feature(ctx2 *c, hu_cat cat, ug_sv value, ug_sv raw, ug_sv what)
{
	if (!value.n)
		return NULL;
	hu_feat *f = hu_feat_get(c->r, cat, value);
	if (!f)
		return NULL;
	/* lineage from a window delivery first, then the time after one */
	bool lin = c->lin_dv && (c->lin_dv->d.in_window || !c->time_dv);
	hu_deliv *dv = lin ? c->lin_dv : c->time_dv;
	unsigned cls = dv ? (dv->d.in_window ? HU_CLASS_WINDOW : HU_CLASS_BASELINE) : HU_CLASS_OTHER;
	hu_feat_note(c->r, f, c->h->id, cls);
	observe(c->r, dv, f, c->ev, lin, raw, NULL, what);
	return f;
}

static const char *detail_of(hu_run *r, const ug_event *ev, ug_sv what)
{
	ug_buf b = UG_BUF_INIT;
	ug_sv img = ug_path_basename(ug_event_get(ev, UG_F_IMAGE));
	if (img.n)
		ug_buf_printf(&b, "%.*s: ", UG_SV_ARG(img));
	ug_buf_append(&b, what.p, UG_MIN(what.n, 300));
	const char *s = hu_strdup(r, ug_buf_sv(&b));
	ug_buf_free(&b);
	return s;
}

/* --- lineage --- */

/* The delivery set s holds for (host, id); NULL when none or id is empty. */
static hu_deliv *dv_of(const hu_run *r, const hu_set *s, ug_sv host, ug_sv id, bool nocase)
{
	uint32_t v = id.n ? hu_set_get(s, hu_key2(host, id, nocase)) : 0;
	return v ? r->dv[v - 1] : NULL;
}

static void dv_put(hu_set *s, ug_sv host, ug_sv id, bool nocase, const hu_deliv *d)
{
	bool created;
	uint32_t *v = id.n ? hu_set_upsert(s, hu_key2(host, id, nocase), &created) : NULL;
	if (v)
		*v = d->id + 1;
}

static ug_sv proc_id(const ug_event *ev, bool parent)
{
	ug_sv g = ug_event_get(ev, parent ? UG_F_PARENT_PROCESS_GUID : UG_F_PROCESS_GUID);
	if (!g.n)
		g = ug_event_get(ev, parent ? UG_F_PARENT_PROCESS_ID : UG_F_PROCESS_ID);
	return g;
}

/* The lineage delivery of the event's process; a started process joins its
 * parent's lineage, or the lineage that dropped its image. */
static hu_deliv *lineage_of(hu_run *r, const ug_event *ev)
{
	ug_sv id = proc_id(ev, false);
	hu_deliv *d = dv_of(r, &r->lineage, ev->host, id, false);
	if (d && ev->ts > UG_MAX(d->end, d->d.time) + SERIES_SPAN)
		d = NULL; /* a long-lived process: its delivery is long past */
	if (d || ev->kind != UG_KIND_PROCESS_START)
		return d;
	d = dv_of(r, &r->lineage, ev->host, proc_id(ev, true), false);
	if (!d)
		d = dv_of(r, &r->dropped, ev->host, ug_event_get(ev, UG_F_IMAGE), true);
	if (d && ev->ts > UG_MAX(d->end, d->d.time) + SERIES_SPAN)
		d = NULL;
	if (d)
		dv_put(&r->lineage, ev->host, id, false, d);
	return d;
}

/* --- per kind --- */

static void on_file(ctx2 *c)
{
	hu_run *r = c->r;
	ug_sv path = ug_event_get(c->ev, UG_F_TARGET_FILENAME);
	if (!path.n)
		return;
	if (ug_sv_ends_with_nocase(path, UG_SV("\\drivers\\etc\\hosts"))) {
		feature(c, HU_HOSTS_FILE, UG_SV("hosts"), path, path);
		return;
	}
	size_t t = ug_sv_find_nocase(path, UG_SV("\\system32\\tasks\\"));
	if (t != SIZE_MAX) {
		const char *name = hu_norm_path(r, ug_sv_sub(path, t + 15, path.n), false);
		feature(c, HU_TASK, ug_sv_from(name), ug_sv_sub(path, t + 15, path.n), path);
		return;
	}
	bool exec = has_ext(path, exec_exts);
	bool inside = hu_in_footprint(r, path);
	const char *norm = hu_norm_path(r, path, true);
	bool startup = hu_is_startup_folder(norm);
	if ((exec && !inside) || startup) {
		/* anything in a Startup folder runs at logon, a shortcut too */
		feature(c, startup ? HU_STARTUP : HU_DROP, ug_sv_from(norm), path, path);
		if (c->lin_dv)
			dv_put(&r->dropped, c->ev->host, path, true, c->lin_dv);
	} else if (inside && (c->lin_dv || !exec)) {
		feature(c, HU_PRODUCT_FILE, ug_sv_from(norm), path, path);
	}
	ug_sv hashes = ug_event_get(c->ev, UG_F_HASHES);
	size_t i = ug_sv_find_nocase(hashes, UG_SV("SHA256="));
	if (exec && i != SIZE_MAX) {
		ug_sv rest = ug_sv_sub(hashes, i + 7, hashes.n);
		ug_sv sha = ug_sv_split_next(&rest, ',');
		char up[80];
		size_t n = UG_MIN(sha.n, sizeof(up) - 1);
		for (size_t k = 0; k < n; k++)
			up[k] = (char)(sha.p[k] >= 'a' && sha.p[k] <= 'f' ? sha.p[k] - 32 : sha.p[k]);
		up[n] = '\0';
		feature(c, HU_HASH, ug_sv_make(up, n), ug_sv_make(up, n), path);
	}
}

/* The value after a command-line switch ("/TN name" or /TN "a b"). */
static ug_sv switch_value(ug_sv cmd, ug_sv sw)
{
	size_t i = ug_sv_find_nocase(cmd, sw);
	if (i == SIZE_MAX)
		return UG_SV_NULL;
	ug_sv rest = ug_sv_trim(ug_sv_sub(cmd, i + sw.n, cmd.n));
	if (rest.n && rest.p[0] == '"') {
		rest = ug_sv_sub(rest, 1, rest.n);
		size_t q = ug_sv_find_char(rest, '"');
		return ug_sv_sub(rest, 0, q == SIZE_MAX ? rest.n : q);
	}
	size_t sp = ug_sv_find_char(rest, ' ');
	return ug_sv_sub(rest, 0, sp == SIZE_MAX ? rest.n : sp);
}

static const char *const script_hosts[] = {"powershell.exe", "pwsh.exe", "wscript.exe", "cscript.exe",
                                           "mshta.exe", "certutil.exe", "bitsadmin.exe", "regsvr32.exe",
                                           "rundll32.exe", NULL};
static const char *const script_flags[][2] = {
	{" -enc", "encoded"}, {" -e ", "encoded"}, {"frombase64string", "encoded"},
	{"downloadstring", "download"}, {"downloadfile", "download"}, {"invoke-webrequest", "download"},
	{"net.webclient", "download"}, {"start-bitstransfer", "download"}, {"-urlcache", "download"},
	{"/transfer", "download"}, {"http://", "url"}, {"https://", "url"}, {"iex", "invoke"},
	{"invoke-expression", "invoke"}, {"mppreference", "defender-settings"},
	{"hidden", "hidden"}, {NULL, NULL}};

static void on_script(ctx2 *c, ug_sv img, ug_sv cmd)
{
	ug_sv base = ug_path_basename(img);
	bool host = false;
	for (size_t i = 0; script_hosts[i]; i++)
		host |= ug_sv_eq_nocase(base, ug_sv_from(script_hosts[i]));
	if (!host)
		return;
	ug_buf b = UG_BUF_INIT;
	ug_buf_printf(&b, "%s>", hu_norm_path(c->r, ug_path_basename(ug_event_get(c->ev, UG_F_PARENT_IMAGE)), true));
	ug_buf_puts(&b, hu_norm_path(c->r, base, false));
	const char *last = NULL;
	for (size_t i = 0; script_flags[i][0]; i++) {
		if (!ug_sv_contains_nocase(cmd, ug_sv_from(script_flags[i][0])))
			continue;
		if (last != script_flags[i][1] && (!b.len || !strstr(b.p, script_flags[i][1])))
			ug_buf_printf(&b, ":%s", script_flags[i][1]);
		last = script_flags[i][1];
	}
	if (last)
		feature(c, HU_SCRIPT, ug_buf_sv(&b), ug_buf_sv(&b), cmd);
	ug_buf_free(&b);
}

static void on_process(ctx2 *c)
{
	hu_run *r = c->r;
	ug_sv img = ug_event_get(c->ev, UG_F_IMAGE);
	ug_sv cmd = ug_event_get(c->ev, UG_F_COMMAND_LINE);
	ug_sv base = ug_path_basename(img);
	if (ug_sv_eq_nocase(base, UG_SV("schtasks.exe")) && ug_sv_contains_nocase(cmd, UG_SV("/create"))) {
		ug_sv tn = switch_value(cmd, UG_SV("/tn"));
		if (tn.n)
			feature(c, HU_TASK, ug_sv_from(hu_norm_path(r, tn, false)), tn, cmd);
	}
	if (ug_sv_eq_nocase(base, UG_SV("sc.exe")) && ug_sv_contains_nocase(cmd, UG_SV(" create "))) {
		ug_sv rest = ug_sv_sub(cmd, ug_sv_find_nocase(cmd, UG_SV(" create ")) + 8, cmd.n);
		ug_sv name = ug_sv_split_next(&rest, ' ');
		feature(c, HU_SERVICE, ug_sv_from(hu_norm_path(r, name, false)), name, cmd);
	}
	on_script(c, img, cmd);
	if (c->lin_dv && !ug_profile_is_updater(r->prof, img) && !hu_in_footprint(r, img))
		feature(c, HU_CHILD, ug_sv_from(hu_norm_path(r, img, true)), img, cmd);
}

static void on_registry(ctx2 *c)
{
	hu_run *r = c->r;
	ug_sv key = ug_event_get(c->ev, UG_F_TARGET_OBJECT);
	if (!key.n)
		return;
	const char *k = norm_reg(r, key);
	const char *svc = strstr(k, "\\controlset");
	svc = svc ? strstr(svc, "\\services\\") : NULL;
	ug_sv details = ug_event_get(c->ev, UG_F_DETAILS);
	if (svc && (strstr(svc, "\\imagepath") || strstr(svc, "\\servicedll"))) {
		ug_sv rest = ug_sv_from(svc + 10);
		ug_sv name = ug_sv_split_next(&rest, '\\');
		feature(c, HU_SERVICE, name, name, details);
		return;
	}
	const hu_asep *asep = hu_asep_of_key(k);
	hu_feat *f = asep ? feature(c, HU_REGISTRY, ug_sv_from(k), key, details) : NULL;
	if (f && !f->technique)
		f->technique = asep->technique;
}

static void on_task(ctx2 *c)
{
	ug_sv tn = ug_event_get(c->ev, UG_F_TASK_NAME);
	if (tn.n)
		feature(c, HU_TASK, ug_sv_from(hu_norm_path(c->r, tn, false)), tn, tn);
}

static void on_service(ctx2 *c)
{
	ug_sv name = ug_event_get(c->ev, UG_F_SERVICE_NAME);
	ug_sv path = ug_event_get(c->ev, UG_F_IMAGE_PATH);
	if (name.n)
		feature(c, HU_SERVICE, ug_sv_from(hu_norm_path(c->r, name, false)), name,
		        path);
}

static void on_wmi(ctx2 *c)
{
	ug_sv v = ug_event_get(c->ev, UG_F_DESTINATION);
	if (!v.n)
		v = ug_event_get_by_name(c->ev, UG_SV("Name"));
	if (!v.n)
		v = ug_event_get(c->ev, UG_F_CONSUMER);
	if (v.n)
		feature(c, HU_WMI, ug_sv_from(hu_norm_path(c->r, v, false)), v, v);
}

static void on_module(ctx2 *c)
{
	ug_sv signed_ = ug_event_get(c->ev, UG_F_SIGNED);
	if (!ug_sv_eq_nocase(signed_, UG_SV("false")))
		return;
	ug_sv img = ug_event_get(c->ev, UG_F_IMAGE);
	ug_sv mod = ug_event_get(c->ev, UG_F_IMAGE_LOADED);
	if (!c->lin_dv && !hu_in_footprint(c->r, img) && !hu_in_footprint(c->r, mod))
		return;
	feature(c, HU_MODULE, ug_sv_from(hu_norm_path(c->r, mod, false)), mod, mod);
}

/* A contact with a destination first seen in the fleet after the warm-up. */
static void on_dest(ctx2 *c)
{
	hu_run *r = c->r;
	ug_sv d = hu_event_dest(c->ev);
	if (!d.n)
		return;
	d = hu_domain_of(d);
	hu_dest *x = ug_map_get(&r->dests, d);
	if (!x || x->first_seen < r->data_first + DEST_WARMUP || ug_profile_is_update_host(r->prof, d))
		return;
	if (!x->feat)
		x->feat = hu_feat_get(r, HU_DEST, d);
	if (!x->feat)
		return;
	/* one series per kind of source: the proxy's clock may be minutes off the
	 * endpoint's, and the same contacts seen twice, skewed, break the rhythm */
	char key[16];
	uint32_t ids[3] = {c->h->id, x->feat->id, hu_seen_by(c->ev)};
	memcpy(key, ids, sizeof(ids));
	bool created = false;
	ug_map_entry *e = ug_map_upsert(&r->series_by_key, ug_sv_make(key, sizeof(ids)), &created);
	if (!e)
		return;
	if (created) {
		hu_series *s = ug_arena_calloc(&r->arena, 1, sizeof(*s));
		/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers grows by a pointer */
		if (!s || !HU_PUSH(r->series, r->nseries, r->capseries, s))
			return;
		s->host = c->h->id;
		s->feat = x->feat;
		s->prov = (ug_prov){c->ev->source, c->ev->record};
		e->value = s;
	}
	hu_series *s = e->value;
	if (s->n < SERIES_MAX)
		HU_PUSH(s->t, s->n, s->cap, c->ev->ts);
	else if (c->ev->ts < s->t[0])
		s->t[0] = c->ev->ts;
	if (c->lin_dv && c->lin_dv->d.in_window)
		observe(r, c->lin_dv, x->feat, c->ev, true, d, NULL, d);
}

/* The hours a host shows any activity: a host that is switched off is not
 * "silent" towards its update servers. */
static size_t hour_of(const hu_run *r, ug_time t)
{
	return t <= r->data_first ? 0 : (size_t)((t - r->data_first) / UG_NS_PER_HOUR);
}

static void note_active(hu_run *r, hu_host *h, ug_time t)
{
	size_t nh = hour_of(r, r->data_last) + 1, i = hour_of(r, t);
	if (i >= nh)
		return;
	if (!h->active && !(h->active = calloc((nh + 63) / 64, sizeof(uint64_t))))
		return;
	h->active[i / 64] |= (uint64_t)1 << (i % 64);
}

static size_t active_hours(const hu_run *r, const hu_host *h, ug_time from, ug_time to)
{
	size_t n = 0, last = hour_of(r, to);
	for (size_t i = hour_of(r, from); h->active && i <= last; i++)
		n += (h->active[i / 64] >> (i % 64)) & 1;
	return n;
}

hu_host *hu_pass2_host(const hu_run *r, const ug_event *ev)
{
	if (ev->ts == UG_TIME_INVALID || ev->kind == UG_KIND_OTHER || ev->kind == UG_KIND_DHCP_LEASE)
		return NULL;
	if (hu_is_endpoint(ev))
		return ug_map_get(&r->host_by_name, ev->host);
	if (ev->kind != UG_KIND_HTTP_REQUEST && ev->kind != UG_KIND_NETWORK_CONNECT &&
	    ev->kind != UG_KIND_DNS_QUERY)
		return NULL;
	ug_sv ip = ug_event_get(ev, UG_F_SOURCE_IP);
	if (!ip.n)
		ip = ug_event_get(ev, UG_F_C_IP);
	if (!ip.n)
		return NULL;
	hu_host *h = hu_ipmap_lookup(r, ip, ev->ts);
	return h ? h : ug_map_get(&r->host_by_name, ip);
}

int hu_pass2_judge(hu_run *r, const ug_event *ev, hu_host *h, hu_deliv *time_dv)
{
	bool endpoint = hu_is_endpoint(ev);
	if (ev->ts > h->last_seen)
		h->last_seen = ev->ts;
	note_active(r, h, ev->ts);
	ctx2 c = {r, h, ev, time_dv, NULL, HU_CLASS_OTHER};
	if (c.time_dv)
		c.cls = c.time_dv->d.in_window ? HU_CLASS_WINDOW : HU_CLASS_BASELINE;
	if (endpoint && h->ndv)
		c.lin_dv = lineage_of(r, ev);
	switch (ev->kind) {
	case UG_KIND_FILE_CREATE: if (endpoint) on_file(&c); break;
	case UG_KIND_PROCESS_START: if (endpoint) on_process(&c); break;
	case UG_KIND_REGISTRY_SET: case UG_KIND_REGISTRY_KEY: if (endpoint) on_registry(&c); break;
	case UG_KIND_TASK_CREATED: on_task(&c); break;
	case UG_KIND_SERVICE_INSTALLED: on_service(&c); break;
	case UG_KIND_WMI_SUBSCRIPTION: on_wmi(&c); break;
	case UG_KIND_IMAGE_LOAD: on_module(&c); break;
	case UG_KIND_DNS_QUERY: case UG_KIND_NETWORK_CONNECT: case UG_KIND_HTTP_REQUEST: on_dest(&c); break;
	default: break;
	}
	return 0;
}

int hu_pass2_event(const ug_event *ev, void *user)
{
	hu_run *r = user;
	hu_host *h = hu_pass2_host(r, ev);
	return h ? hu_pass2_judge(r, ev, h, hu_attributing(r, h, ev->ts)) : 0;
}

/* --- after pass 2: destinations, beacons, silence --- */

static int t_cmp(const void *a, const void *b)
{
	ug_time x = *(const ug_time *)a, y = *(const ug_time *)b;
	return x < y ? -1 : x > y;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* A beacon keeps calling home: its regular contacts cover at least this long
 * (a burst of requests, a download in pieces, is not one), and a gap counts
 * as regular when it is a whole number of periods, up to this many (missed
 * beats); a longer silence is not part of the rhythm. */
#define BEACON_MIN_SPAN (30 * UG_NS_PER_MIN)
#define BEACON_MAX_MISSED 4

/* Periodic contacts: most gaps within 35% of a whole number of median gaps,
 * the regular ones covering BEACON_MIN_SPAN. t is sorted. */
static bool beacon(const ug_time *t, size_t n, double *period, double *jitter)
{
	double g[SERIES_MAX];
	size_t ng = 0;
	ug_time prev = INT64_MIN;
	for (size_t i = 0; i < n; i++) {
		if (prev != INT64_MIN && t[i] - prev < 20 * UG_NS_PER_SEC)
			continue; /* the same contact seen by several sources */
		if (prev != INT64_MIN)
			g[ng++] = (double)(t[i] - prev) / 1e9;
		prev = t[i];
	}
	if (ng < 3)
		return false;
	double s[SERIES_MAX];
	memcpy(s, g, ng * sizeof(double));
	qsort(s, ng, sizeof(double), dbl_cmp);
	double med = s[ng / 2], dev = 0, covered = 0;
	size_t ok = 0;
	for (size_t i = 0; i < ng; i++) {
		double ratio = g[i] / med;
		double k = ratio < 1.5 ? 1 : (double)(long)(ratio + 0.5); /* missed beats */
		double off = ratio / k - 1;
		off = off < 0 ? -off : off;
		if (off <= 0.35 && k <= BEACON_MAX_MISSED + 1) {
			ok++;
			dev += off;
			covered += g[i];
		}
	}
	*period = med;
	*jitter = ok ? dev / (double)ok : 1;
	return med >= 10 && ok * 10 >= ng * 7 && covered * 1e9 >= (double)BEACON_MIN_SPAN;
}

static void series_finish(hu_run *r, hu_series *s)
{
	qsort(s->t, s->n, sizeof(ug_time), t_cmp);
	hu_host *h = r->hosts[s->host];
	hu_deliv *d = s->n ? hu_attributing(r, h, s->t[0]) : NULL;
	unsigned cls = d ? (d->d.in_window ? HU_CLASS_WINDOW : HU_CLASS_BASELINE) : HU_CLASS_OTHER;
	hu_feat_note(r, s->feat, s->host, cls);
	if (!d || !d->d.in_window)
		return;
	ug_event fake = {.ts = s->t[0], .source = s->prov.source, .record = s->prov.record};
	observe(r, d, s->feat, &fake, false, UG_SV_NULL, s->feat->value, UG_SV_NULL);
	size_t n = 0;
	while (n < s->n && s->t[n] <= s->t[0] + SERIES_SPAN)
		n++;
	double period, jitter;
	if (!beacon(s->t, n, &period, &jitter))
		return;
	ug_buf b = UG_BUF_INIT;
	ug_buf_printf(&b, "%s every %.0fs (jitter %.0f%%, %zu contacts)", s->feat->value, period,
	              jitter * 100, n);
	hu_feat *bf = hu_feat_get(r, HU_BEACON, ug_sv_from(s->feat->value));
	if (bf) {
		hu_feat_note(r, bf, s->host, cls);
		observe(r, d, bf, &fake, false, UG_SV_NULL, hu_strdup(r, ug_buf_sv(&b)), UG_SV_NULL);
	}
	ug_buf_free(&b);
}

/* A host that contacted the update hosts regularly and stopped after d while
 * it stayed active. */
static void silence(hu_run *r, hu_host *h, hu_deliv *d)
{
	ug_time t0 = d->d.time, end = UG_MAX(d->end, t0) + r->skew;
	size_t before = 0, after = 0;
	ug_time first = INT64_MAX;
	for (size_t i = 0; i < h->ncontacts; i++) {
		ug_time t = h->contacts[i];
		if (t < t0 && t >= t0 - 2 * UG_NS_PER_DAY) {
			before++;
			first = UG_MIN(first, t);
		} else if (t > end) {
			after++;
		}
	}
	if (before < 3 || after)
		return;
	ug_time gap = (t0 - first) / (ug_time)before;
	ug_time need = UG_MAX(4 * gap, 3 * UG_NS_PER_HOUR);
	if (h->last_seen < t0 + need || r->data_last < t0 + need)
		return;
	/* active (any event) in as many hours as it would have updated in */
	size_t hours = active_hours(r, h, end + UG_NS_PER_HOUR, h->last_seen);
	if (hours < (size_t)((need + UG_NS_PER_HOUR - 1) / UG_NS_PER_HOUR))
		return;
	d->silent = true;
	d->silent_gap = gap;
	hu_feat *f = hu_feat_get(r, HU_SILENCE, UG_SV("update-silence"));
	if (!f)
		return;
	ug_buf b = UG_BUF_INIT;
	ug_buf_printf(&b, "contacted the update hosts about every %.0f min before; none after, while active in %zu "
	              "of the %.0f hours since", (double)gap / 6e10, hours, (double)(h->last_seen - t0) / 3.6e12);
	ug_event fake = {.ts = t0, .source = d->d.prov.source, .record = d->d.prov.record};
	observe(r, d, f, &fake, false, UG_SV_NULL, hu_strdup(r, ug_buf_sv(&b)), UG_SV_NULL);
	ug_buf_free(&b);
}

void hu_behaviour_finish(hu_run *r)
{
	for (size_t i = 0; i < r->nseries; i++)
		series_finish(r, r->series[i]);
	for (size_t i = 0; i < r->ndv; i++)
		if (r->dv[i]->d.in_window)
			silence(r, r->hosts[r->dv[i]->host], r->dv[i]);
}
