/* cmd_egress.c — `updguard egress --profile NAME LOGS...`: the update hosts
 * and addresses a product's normal updates really use, as a Squid ACL, an
 * nftables set and CSV (DIR/egress/, docs/commands/egress.md). It runs the
 * hunt to tell normal deliveries from compromised ones: a host or address
 * seen only in compromised deliveries is never allowed. Prints the
 * allowlist (allowlist.csv) on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/str.h"
#include "updguard/report.h"

const char ug_cmd_egress_usage[] =
	"usage: updguard egress [--profile NAME|FILE] [--product NAME] [--updater IMAGE]...\n"
	"                       [--update-host PATTERN]... [--window START/END] [--out DIR] LOG...\n"
	"\n"
	"List the update hosts and IP addresses the product's normal updates used in\n"
	"these logs (never those seen only in compromised deliveries), for an egress\n"
	"allowlist: DIR/egress/ gets allowlist.csv, excluded.csv, squid.conf and\n"
	"nftables.nft; allowlist.csv is also printed. The hunt runs to tell normal\n"
	"deliveries from bad ones (docs/hunt.md); its options mean the same here.\n"
	"\n"
	"  --profile NAME|FILE   product profile (docs/profiles.md)\n"
	"  --product NAME        the product's name\n"
	"  --updater IMAGE       updater process image (repeatable)\n"
	"  --update-host PATTERN update/CDN host glob (repeatable)\n"
	"  --window START/END    suspected compromise window (RFC 3339)\n"
	"  --out DIR             where egress/ is written (default ./updguard-egress)\n"
	"\n"
	"Input:\n" UG_CLI_INPUT_HELP;

enum { OPT_OUT = UG_OPT_PRODUCT_END };

typedef struct egress_job {
	ug_hunt_opts opts;
	ug_cli_input input;
	ug_cli_product product;
	const char *out;
} egress_job;

static int option(ug_cli *cli, egress_job *j, int opt, const char *arg, char **argv)
{
	switch (opt) {
	case OPT_OUT: j->out = arg; return UG_CLI_CONTINUE;
	default: return ug_cli_common_option(cli, opt, arg, argv);
	}
}

static int parse(ug_cli *cli, int argc, char **argv, egress_job *j)
{
	static const struct option longopts[] = {
		UG_CLI_INPUT_LONG,
		UG_CLI_PRODUCT_LONG,
		UG_CLI_WINDOW_LONG,
		{"out", required_argument, NULL, OPT_OUT},
		UG_CLI_COMMON_LONG,
		{NULL, 0, NULL, 0},
	};
	int opt, rc = UG_CLI_CONTINUE;
	while (rc == UG_CLI_CONTINUE && (opt = getopt_long(argc, argv, ":" UG_CLI_COMMON_SHORT, longopts, NULL)) != -1)
		if (!ug_cli_input_option(&j->input, opt, optarg) &&
		    !ug_cli_product_option(cli, &j->product, opt, optarg, &rc))
			rc = option(cli, j, opt, optarg, argv);
	if (rc == UG_CLI_CONTINUE)
		rc = ug_cli_product_check(cli, &j->product);
	if (rc != UG_CLI_CONTINUE)
		return rc;
	if (argc - optind <= 0)
		return ug_cli_usage_error(cli, "no input: give log files or directories");
	return ug_cli_input_prepare(cli, &j->input);
}

static void print_allowlist(const char *out)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/egress/allowlist.csv", out);
	FILE *f = fopen(path, "rb");
	char buf[8192];
	size_t n;
	while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	if (f)
		fclose(f);
}

static int run(ug_cli *cli, egress_job *j, char **logs, size_t nlogs)
{
	ug_error err;
	ug_error_clear(&err);
	ug_hunt_result *r = NULL;
	ug_case *c = NULL;
	j->opts.input = j->input.opts;
	if (ug_hunt_run(&j->opts, logs, nlogs, &cli->ctx, &r, &err) != UG_OK) {
		if (err.code == UG_ERR_INVALID || err.code == UG_ERR_NOTFOUND || err.code == UG_ERR_PARSE)
			return ug_cli_usage_error(cli, "%s", err.message);
		ug_log_error(&cli->ctx, "egress: %s", err.message);
		return UG_EXIT_FAILURE;
	}
	int rc = UG_EXIT_OK;
	if (ug_case_from_hunt(r, &j->opts, ug_cli_now(), &c, &err) != UG_OK ||
	    ug_report_write(c, j->out, UG_REPORT_EGRESS, &err) != UG_OK) {
		ug_log_error(&cli->ctx, "egress: %s", err.message);
		rc = UG_EXIT_FAILURE;
	} else {
		print_allowlist(j->out);
		if (cli->ctx.log_level >= UG_LOG_WARN)
			fprintf(stderr, "updguard: egress lists written to %s/egress/ (allowlist.csv, excluded.csv, "
			                "squid.conf, nftables.nft)\n", j->out);
	}
	ug_case_free(c);
	ug_hunt_result_free(r);
	return rc;
}

int ug_cmd_egress(ug_cli *cli, int argc, char **argv)
{
	egress_job *j = calloc(1, sizeof(*j));
	if (!j)
		return UG_EXIT_FAILURE;
	ug_hunt_opts_init(&j->opts);
	j->product.opts = &j->opts;
	j->out = "updguard-egress";
	int rc = parse(cli, argc, argv, j);
	if (rc == UG_CLI_CONTINUE)
		rc = run(cli, j, argv + optind, (size_t)(argc - optind));
	ug_cli_input_close(&j->input);
	ug_cli_product_free(&j->product);
	free(j);
	return rc;
}
