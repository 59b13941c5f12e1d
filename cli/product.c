/* product.c — the options that say what a product's updates look like
 * (--profile, --product, --updater, --update-host, --install-dir, --window),
 * shared by `hunt` and `egress`, which both run the hunt: parsed, checked and
 * handed to ug_hunt_opts in one place, so the two commands mean the same by
 * them (docs/commands/hunt.md). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "core/str.h"

/* Append a non-empty value to a NULL-terminated list (values point into argv). */
static int add(ug_cli *cli, const char ***list, size_t *n, const char *opt, const char *arg)
{
	if (!*arg)
		return ug_cli_usage_error(cli, "%s needs a non-empty value", opt);
	const char **g = realloc(*list, (*n + 2) * sizeof(*g));
	if (!g) {
		fprintf(stderr, "updguard: out of memory\n");
		return UG_EXIT_FAILURE;
	}
	g[(*n)++] = arg;
	g[*n] = NULL;
	*list = g;
	return UG_CLI_CONTINUE;
}

bool ug_cli_product_option(ug_cli *cli, ug_cli_product *p, int opt, const char *arg, int *rc)
{
	*rc = UG_CLI_CONTINUE;
	switch (opt) {
	case UG_OPT_PROFILE: p->opts->profile = arg; return true;
	case UG_OPT_PRODUCT: p->opts->product = arg; return true;
	case UG_OPT_UPDATER: *rc = add(cli, &p->updaters, &p->nupdaters, "--updater", arg); return true;
	case UG_OPT_UPDATE_HOST: *rc = add(cli, &p->hosts, &p->nhosts, "--update-host", arg); return true;
	case UG_OPT_INSTALL_DIR: *rc = add(cli, &p->dirs, &p->ndirs, "--install-dir", arg); return true;
	case UG_OPT_WINDOW:
		if (ug_interval_parse(ug_sv_from(arg), &p->opts->window_start, &p->opts->window_end) != UG_OK)
			*rc = ug_cli_usage_error(cli, "--window needs START/END in RFC 3339, e.g. "
			                              "2026-01-20T10:00Z/2026-01-20T12:00Z, not '%s'", arg);
		return true;
	default: return false;
	}
}

int ug_cli_product_check(ug_cli *cli, ug_cli_product *p)
{
	if (!p->opts->profile && !p->nupdaters && !p->nhosts)
		return ug_cli_usage_error(cli, "say what the product's updates look like: --profile NAME, "
		                               "or --updater IMAGE and/or --update-host PATTERN");
	p->opts->updaters = p->updaters;
	p->opts->update_hosts = p->hosts;
	p->opts->install_dirs = p->dirs;
	return UG_CLI_CONTINUE;
}

void ug_cli_product_free(ug_cli_product *p)
{
	free(p->updaters);
	free(p->hosts);
	free(p->dirs);
	p->updaters = p->hosts = p->dirs = NULL;
	p->nupdaters = p->nhosts = p->ndirs = 0;
}
