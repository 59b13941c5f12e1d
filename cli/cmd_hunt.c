/* cmd_hunt.c — `updguard hunt`: who got the bad update, from where, when, and
 * what it did next. Parses the options into ug_hunt_opts, runs the hunt
 * (lib/hunt), prints the one-screen summary and writes the report folder.
 * Exit 0 whenever the hunt ran, whatever it found (docs/hunt.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "cli.h"
#include "core/str.h"
#include "updguard/hunt.h"
#include "updguard/sigma.h"
#include "updguard/report.h"

const char ug_cmd_hunt_usage[] =
	"usage: updguard hunt [--profile NAME|FILE] [--product NAME] [--updater IMAGE]...\n"
	"                     [--update-host PATTERN]... [--install-dir PATH]... [--window START/END]\n"
	"                     [--after DURATION] [--skew DURATION] [--iocs FILE]\n"
	"                     [--rules PATH]... [--rules-min-level LEVEL] [--out DIR] [--json]\n"
	"                     LOG...\n"
	"\n"
	"Find the hosts that received a product's update, judge what each did after it\n"
	"against what the product's normal updates do, and say which were compromised,\n"
	"with evidence and the file:line it came from. A one-screen summary goes to\n"
	"stdout; hosts.jsonl, deliveries.csv, evidence.csv, iocs.csv and the report\n"
	"(case.sqlite, report.html, timeline, iocs.stix.json, rules/, egress/) go to --out\n"
	"(docs/outputs.md).\n"
	"Exit 0 when the hunt ran, whatever it found (docs/hunt.md).\n"
	"\n"
	"What you know about the product (a profile and/or ad-hoc flags, which add to it):\n"
	"  --profile NAME|FILE   a product profile: NAME.yml from the installed profiles or\n"
	"                        ./profiles, or a YAML file (docs/profiles.md)\n"
	"  --product NAME        the product's name (replaces the profile's)\n"
	"  --updater IMAGE       updater process image name or path, e.g. GUP.exe (repeatable)\n"
	"  --update-host PATTERN update/CDN host glob, e.g. 'update*.example.com' (repeatable)\n"
	"  --install-dir PATH    the product's install folder (repeatable)\n"
	"\n"
	"What to judge:\n"
	"  --window START/END    suspected compromise window, RFC 3339 (either side may be\n"
	"                        empty); without it every delivery is judged\n"
	"  --after DURATION      how long after a delivery behaviour is attributed to it\n"
	"                        (default 60m)\n"
	"  --skew DURATION       clock skew tolerated between sources (default 5m)\n"
	"  --iocs FILE           known indicators to sweep every log for (CSV or STIX 2.1)\n"
	"  --rules PATH          Sigma rules (file or folder, repeatable) run over what the\n"
	"                        hosts did after their window delivery; the hits of\n"
	"                        compromised and suspicious hosts join their evidence\n"
	"  --rules-min-level L   only rules of level L and above (informational, low,\n"
	"                        medium, high, critical; default all)\n"
	"\n"
	"Output:\n"
	"  --out DIR             report folder (default ./updguard-report; created)\n"
	"  --json                print the summary as JSON instead of text\n"
	"\n"
	"Input:\n"
	UG_CLI_INPUT_HELP;

enum {
	OPT_AFTER = UG_OPT_PRODUCT_END, OPT_SKEW, OPT_IOCS, OPT_RULES, OPT_RULES_LEVEL, OPT_OUT, OPT_JSON,
};

/* A NULL-terminated list of option values (they point into argv). */
typedef struct strlist {
	const char **v;
	size_t n;
} strlist;

typedef struct hunt_job {
	ug_hunt_opts opts;
	ug_cli_input input;
	ug_cli_product product;
	strlist rules;
	const char *out_dir;
	bool json;
} hunt_job;

static bool strlist_add(strlist *l, const char *s)
{
	const char **g = realloc(l->v, (l->n + 2) * sizeof(*g));
	if (!g)
		return false;
	l->v = g;
	g[l->n++] = s;
	g[l->n] = NULL;
	return true;
}

static int parse_duration_opt(ug_cli *cli, const char *opt, const char *arg, ug_time *out)
{
	if (ug_duration_parse(ug_sv_from(arg), out) != UG_OK || *out < 0)
		return ug_cli_usage_error(cli, "%s needs a duration like 90s, 60m or 2h, not '%s'", opt, arg);
	return UG_CLI_CONTINUE;
}

static int add_value(ug_cli *cli, strlist *l, const char *opt, const char *arg)
{
	if (!*arg)
		return ug_cli_usage_error(cli, "%s needs a non-empty value", opt);
	if (!strlist_add(l, arg)) {
		fprintf(stderr, "updguard hunt: out of memory\n");
		return UG_EXIT_FAILURE;
	}
	return UG_CLI_CONTINUE;
}

static int hunt_option(ug_cli *cli, hunt_job *j, int opt, const char *arg, char **argv)
{
	switch (opt) {
	case OPT_AFTER: return parse_duration_opt(cli, "--after", arg, &j->opts.after);
	case OPT_SKEW: return parse_duration_opt(cli, "--skew", arg, &j->opts.skew);
	case OPT_IOCS: j->opts.iocs_file = arg; return UG_CLI_CONTINUE;
	case OPT_RULES: return add_value(cli, &j->rules, "--rules", arg);
	case OPT_RULES_LEVEL: {
		ug_sigma_level l;
		if (!ug_sigma_level_parse(arg, &l))
			return ug_cli_usage_error(cli, "--rules-min-level needs informational, low, medium, high or "
			                               "critical, not '%s'", arg);
		j->opts.rules_min_level = (int)l;
		return UG_CLI_CONTINUE;
	}
	case OPT_OUT: j->out_dir = arg; return UG_CLI_CONTINUE;
	case OPT_JSON: j->json = true; return UG_CLI_CONTINUE;
	default: return ug_cli_common_option(cli, opt, arg, argv);
	}
}

static int parse_options(ug_cli *cli, int argc, char **argv, hunt_job *j)
{
	static const struct option longopts[] = {
		UG_CLI_INPUT_LONG,
		UG_CLI_PRODUCT_LONG,
		UG_CLI_INSTALL_DIR_LONG,
		UG_CLI_WINDOW_LONG,
		{"after", required_argument, NULL, OPT_AFTER},
		{"skew", required_argument, NULL, OPT_SKEW},
		{"iocs", required_argument, NULL, OPT_IOCS},
		{"rules", required_argument, NULL, OPT_RULES},
		{"rules-min-level", required_argument, NULL, OPT_RULES_LEVEL},
		{"out", required_argument, NULL, OPT_OUT},
		{"json", no_argument, NULL, OPT_JSON},
		UG_CLI_COMMON_LONG,
		{NULL, 0, NULL, 0},
	};
	int opt, rc = UG_CLI_CONTINUE;
	while (rc == UG_CLI_CONTINUE &&
	       (opt = getopt_long(argc, argv, ":" UG_CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		if (!ug_cli_input_option(&j->input, opt, optarg) &&
		    !ug_cli_product_option(cli, &j->product, opt, optarg, &rc))
			rc = hunt_option(cli, j, opt, optarg, argv);
	}
	return rc;
}

/* What must hold before reading anything: something to recognise the
 * product by, logs to read, a known --format, a loadable --input-tz. */
static int check_options(ug_cli *cli, hunt_job *j, int nlogs)
{
	int rc = ug_cli_product_check(cli, &j->product);
	if (rc != UG_CLI_CONTINUE)
		return rc;
	if (nlogs <= 0)
		return ug_cli_usage_error(cli, "no input: give log files or directories (or - for stdin)");

	for (size_t i = 0; i < j->rules.n; i++)
		if (access(j->rules.v[i], R_OK) != 0)
			return ug_cli_usage_error(cli, "--rules %s: %s", j->rules.v[i], strerror(errno));
	return ug_cli_input_prepare(cli, &j->input);
}

/* Errors in what the user asked for (no such profile, a bad profile or IOC
 * file) are usage errors; the rest are failures. */
static int run_error(ug_cli *cli, const ug_error *err)
{
	if (err->code == UG_ERR_INVALID || err->code == UG_ERR_NOTFOUND || err->code == UG_ERR_PARSE)
		return ug_cli_usage_error(cli, "%s", err->message);
	ug_log_error(&cli->ctx, "hunt: %s", err->message);
	return UG_EXIT_FAILURE;
}

static int run(ug_cli *cli, hunt_job *j, char **logs, size_t nlogs)
{
	ug_error err;
	ug_error_clear(&err);
	ug_hunt_result *r = NULL;
	j->opts.rules = j->rules.v;
	j->opts.input = j->input.opts;
	if (ug_hunt_run(&j->opts, logs, nlogs, &cli->ctx, &r, &err) != UG_OK)
		return run_error(cli, &err);
	ug_hunt_print_summary(r, stdout, j->json);
	int rc = UG_EXIT_OK;
	ug_case *c = NULL;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (ug_hunt_write_outputs(r, j->out_dir, &err) != UG_OK ||
	    ug_case_from_hunt(r, &j->opts, ug_cli_now(), &c, &err) != UG_OK ||
	    ug_report_write(c, j->out_dir, UG_REPORT_ALL, &err) != UG_OK) {
		ug_log_error(&cli->ctx, "hunt: %s", err.message);
		rc = UG_EXIT_FAILURE;
	} else if (cli->ctx.log_level >= UG_LOG_WARN) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ug_log_info(&cli->ctx, "hunt: outputs written in %.2f s",
		            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		fprintf(stderr, "updguard: report written to %s/ (report.html, case.sqlite, hosts.jsonl, deliveries.csv, "
		                "evidence.csv, iocs.csv, iocs.stix.json, timeline.csv, timeline.jsonl, rules/, egress/)\n",
		        j->out_dir);
	}
	ug_case_free(c);
	ug_hunt_result_free(r);
	return rc;
}

int ug_cmd_hunt(ug_cli *cli, int argc, char **argv)
{
	hunt_job *j = calloc(1, sizeof(*j));
	if (!j)
		return UG_EXIT_FAILURE;
	ug_hunt_opts_init(&j->opts);
	j->product.opts = &j->opts;
	j->out_dir = "updguard-report";
	int rc = parse_options(cli, argc, argv, j);
	if (rc == UG_CLI_CONTINUE)
		rc = check_options(cli, j, argc - optind);
	if (rc == UG_CLI_CONTINUE)
		rc = run(cli, j, argv + optind, (size_t)(argc - optind));
	ug_cli_input_close(&j->input);
	ug_cli_product_free(&j->product);
	free(j->rules.v);
	free(j);
	return rc;
}
