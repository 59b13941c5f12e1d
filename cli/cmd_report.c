/* cmd_report.c — `updguard report CASE.sqlite [--out DIR]`: load a hunt's
 * case database and render every output again (report.html, timeline,
 * STIX, Sigma rules, egress lists, the hunt's own CSV/JSONL files and the
 * case database itself) without reading any log. A file that is not a case
 * database is a usage error naming what is wrong (docs/commands/report.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "updguard/report.h"

const char ug_cmd_report_usage[] =
	"usage: updguard report CASE.sqlite [--out DIR]\n"
	"\n"
	"Render a finished hunt's outputs again from its case database: report.html,\n"
	"case.sqlite, hosts.jsonl, deliveries.csv, evidence.csv, iocs.csv, iocs.stix.json,\n"
	"timeline.csv, timeline.jsonl, rules/ and egress/ (docs/outputs.md). No logs are read.\n"
	"\n"
	"  --out DIR    where to write (created; default: the folder holding CASE.sqlite)\n";

enum { OPT_OUT = UG_OPT_FIRST_FREE };

static int parse(ug_cli *cli, int argc, char **argv, const char **out)
{
	static const struct option longopts[] = {
		{"out", required_argument, NULL, OPT_OUT},
		UG_CLI_COMMON_LONG,
		{NULL, 0, NULL, 0},
	};
	int opt, rc = UG_CLI_CONTINUE;
	while (rc == UG_CLI_CONTINUE && (opt = getopt_long(argc, argv, ":" UG_CLI_COMMON_SHORT, longopts, NULL)) != -1)
		rc = opt == OPT_OUT ? (*out = optarg, UG_CLI_CONTINUE) : ug_cli_common_option(cli, opt, optarg, argv);
	if (rc == UG_CLI_CONTINUE && argc - optind != 1)
		return ug_cli_usage_error(cli, "expects one case database (case.sqlite), got %d argument(s)", argc - optind);
	return rc;
}

/* The folder holding path ("." when none), into buf. */
static const char *dir_of(const char *path, char *buf, size_t cap)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return ".";
	snprintf(buf, cap, "%.*s", (int)(slash - path) > 0 ? (int)(slash - path) : 1, path);
	return buf;
}

int ug_cmd_report(ug_cli *cli, int argc, char **argv)
{
	const char *out = NULL;
	int rc = parse(cli, argc, argv, &out);
	if (rc != UG_CLI_CONTINUE)
		return rc;
	const char *path = argv[optind];
	char dirbuf[4096];
	if (!out)
		out = dir_of(path, dirbuf, sizeof(dirbuf));
	ug_error err;
	ug_error_clear(&err);
	ug_case *c = NULL;
	if (ug_case_load(path, &c, &err) != UG_OK) {
		if (err.code == UG_ERR_PARSE)
			return ug_cli_usage_error(cli, "%s", err.message);
		ug_log_error(&cli->ctx, "report: %s", err.message);
		return UG_EXIT_FAILURE;
	}
	rc = UG_EXIT_OK;
	if (ug_report_write(c, out, UG_REPORT_ALL, &err) != UG_OK || ug_hunt_write_outputs(c->res, out, &err) != UG_OK) {
		ug_log_error(&cli->ctx, "report: %s", err.message);
		rc = UG_EXIT_FAILURE;
	} else if (cli->ctx.log_level >= UG_LOG_WARN) {
		fprintf(stderr, "updguard: %zu host(s) from %s rendered to %s/\n", c->res->nhosts, path, out);
	}
	ug_case_free(c);
	return rc;
}
