/* case.c — the case: one finished hunt with its run parameters, built over a
 * ug_hunt_result or loaded back from case.sqlite (case_db.c), and the one
 * call that writes the selected outputs from it. */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/fs.h"
#include "report/case_int.h"
#include "updguard/updguard.h"

static const char *join(ug_arena *a, const char *const *list)
{
	ug_buf b = UG_BUF_INIT;
	for (size_t i = 0; list && list[i]; i++) {
		if (i)
			ug_buf_putc(&b, '|');
		ug_buf_puts(&b, list[i]);
	}
	char *s = ug_arena_strdup(a, ug_buf_cstr(&b));
	ug_buf_free(&b);
	return s ? s : "";
}

rp_case_priv *rp_case_new(ug_case **out, ug_error *err)
{
	ug_case *c = calloc(1, sizeof(*c));
	rp_case_priv *p = calloc(1, sizeof(*p));
	if (!c || !p) {
		free(c);
		free(p);
		ug_error_set(err, UG_ERR_NOMEM, "out of memory");
		return NULL;
	}
	ug_arena_init(&p->arena, 0);
	c->priv = p;
	c->res = &p->res;
	*out = c;
	return p;
}

int ug_case_from_hunt(const ug_hunt_result *r, const ug_hunt_opts *o, ug_time created, ug_case **out,
                      ug_error *err)
{
	if (!r)
		return ug_error_set(err, UG_ERR_INVALID, "no hunt result");
	rp_case_priv *p = rp_case_new(out, err);
	if (!p)
		return UG_ERR_NOMEM;
	ug_case *c = *out;
	c->res = r;
	ug_case_run *run = &c->run;
	run->tool_version = ug_version();
	run->created = created;
	run->profile = o && o->profile ? ug_arena_strdup(&p->arena, o->profile) : "";
	run->updaters = join(&p->arena, o ? o->updaters : NULL);
	run->update_hosts = join(&p->arena, o ? o->update_hosts : NULL);
	run->install_dirs = join(&p->arena, o ? o->install_dirs : NULL);
	run->iocs_file = o && o->iocs_file ? ug_arena_strdup(&p->arena, o->iocs_file) : "";
	run->skew = o ? o->skew : 0;
	run->window_given = o && (o->window_start != INT64_MIN || o->window_end != INT64_MAX);
	return UG_OK;
}

void ug_case_free(ug_case *c)
{
	if (!c)
		return;
	rp_case_priv *p = c->priv;
	if (p) {
		ug_arena_free(&p->arena);
		free(p);
	}
	free(c);
}

int ug_report_write(const ug_case *c, const char *dir, unsigned what, ug_error *err)
{
	static const struct {
		unsigned bit;
		int (*fn)(const ug_case *, const char *, ug_error *);
	} outs[] = {
		{UG_REPORT_HTML, ug_report_write_html},
		{UG_REPORT_TIMELINE, ug_report_write_timeline},
		{UG_REPORT_STIX, ug_report_write_stix},
		{UG_REPORT_SIGMA, ug_report_write_sigma},
		{UG_REPORT_EGRESS, ug_report_write_egress},
	};
	if (!c || !dir || !*dir)
		return ug_error_set(err, UG_ERR_INVALID, "no output folder");
	int rc = ug_fs_mkdirs(dir, err);
	if (rc == UG_OK && (what & UG_REPORT_DB)) {
		char path[4096];
		if (!rp_path(path, sizeof(path), dir, "case.sqlite"))
			return ug_error_set(err, UG_ERR_INVALID, "%s: path too long", dir);
		rc = ug_case_write_db(c, path, err);
	}
	for (size_t i = 0; rc == UG_OK && i < UG_ARRAY_LEN(outs); i++)
		if (what & outs[i].bit)
			rc = outs[i].fn(c, dir, err);
	return rc;
}
