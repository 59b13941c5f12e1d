/* main.c — the updguard command: global options, then one subcommand from the
 * table below. Parsing and wiring only; the work is in libupdguard. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static int cmd_help(ug_cli *cli, int argc, char **argv);
static int cmd_version(ug_cli *cli, int argc, char **argv);

static const char help_usage[] =
	"usage: updguard help [COMMAND]\n"
	"\n"
	"Show the list of commands, or the full help of one command.\n";

static const char version_usage[] =
	"usage: updguard version\n"
	"\n"
	"Print the version of updguard.\n";

static const ug_cmd commands[] = {
	{"events", "read logs and print the normalized events", ug_cmd_events_usage, ug_cmd_events},
	{"fields", "list the canonical event fields and event kinds", ug_cmd_fields_usage, ug_cmd_fields},
	{"hunt", "find the hosts that got a bad update, what they did next, what to block", ug_cmd_hunt_usage, ug_cmd_hunt},
	{"sigma", "run Sigma rules over logs (or check them with --check)", ug_cmd_sigma_usage, ug_cmd_sigma},
	{"report", "re-render a hunt's outputs from its case database (no logs needed)", ug_cmd_report_usage, ug_cmd_report},
	{"egress", "the update hosts and addresses a product's normal updates use, as allowlists", ug_cmd_egress_usage, ug_cmd_egress},
	{"simulate", "write realistic telemetry of an update-channel compromise, with truth", ug_cmd_simulate_usage, ug_cmd_simulate},
	{"time", "convert timestamps from logs to RFC 3339 UTC", ug_cmd_time_usage, ug_cmd_time},
	{"help", "show help for a command", help_usage, cmd_help},
	{"version", "print the version", version_usage, cmd_version},
};

ug_time ug_cli_now(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	long v;
	if (sde && ug_cli_parse_int(sde, 0, LONG_MAX, &v))
		return (ug_time)v * UG_NS_PER_SEC;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (ug_time)ts.tv_sec * UG_NS_PER_SEC + ts.tv_nsec;
}

static const ug_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < UG_ARRAY_LEN(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void print_main_help(FILE *out)
{
	fprintf(out,
	        "usage: updguard [-q|-v] [-j N] COMMAND [OPTIONS] [ARGS]\n"
	        "\n"
	        "Find the machines that received a compromised software update, what they did\n"
	        "next, and what to block: from endpoint (Sysmon/Windows), proxy and network logs.\n"
	        "\n"
	        "Commands:\n");
	for (size_t i = 0; i < UG_ARRAY_LEN(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nOptions (before or after the command):\n" UG_CLI_COMMON_HELP
	             "  --version         print the version\n"
	             "\n'updguard help COMMAND' shows a command's options; 'man updguard' has it all.\n");
}

int ug_cli_usage_error(const ug_cli *cli, const char *fmt, ...)
{
	const char *name = cli->cmd ? cli->cmd->name : NULL;
	fprintf(stderr, "updguard%s%s: ", name ? " " : "", name ? name : "");
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'updguard help%s%s')\n", name ? " " : "", name ? name : "");
	return UG_EXIT_USAGE;
}

static int bad_option(const ug_cli *cli, int opt, char **argv)
{
	const char *arg = argv[optind - 1];
	if (opt == ':')
		return ug_cli_usage_error(cli, "option '%s' needs an argument", arg);
	if (optopt)
		return ug_cli_usage_error(cli, "unknown option '-%c'", optopt);
	return ug_cli_usage_error(cli, "unknown option '%s'", arg);
}

bool ug_cli_parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	if (!s || !*s)
		return false;
	long v = strtol(s, &end, 10);
	if (*end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

int ug_cli_common_option(ug_cli *cli, int opt, const char *arg, char **argv)
{
	long n;
	switch (opt) {
	case 'h':
		if (cli->cmd) {
			fputs(cli->cmd->usage, stdout);
			fputs("\nCommon options:\n" UG_CLI_COMMON_HELP, stdout);
		} else {
			print_main_help(stdout);
		}
		return UG_EXIT_OK;
	case 'q':
		cli->ctx.log_level = UG_LOG_ERROR;
		cli->ctx.progress = false;
		return UG_CLI_CONTINUE;
	case 'v':
		if (cli->ctx.log_level < UG_LOG_DEBUG)
			cli->ctx.log_level++;
		return UG_CLI_CONTINUE;
	case 'j':
		if (!ug_cli_parse_int(arg, 1, 256, &n))
			return ug_cli_usage_error(cli, "--threads needs a number from 1 to 256, not '%s'", arg);
		cli->ctx.threads = (int)n;
		return UG_CLI_CONTINUE;
	default:
		return bad_option(cli, opt, argv);
	}
}

static int cmd_help(ug_cli *cli, int argc, char **argv)
{
	if (argc > 2)
		return ug_cli_usage_error(cli, "expects at most one command name");
	if (argc < 2) {
		print_main_help(stdout);
		return UG_EXIT_OK;
	}
	const ug_cmd *c = find_command(argv[1]);
	if (!c)
		return ug_cli_usage_error(cli, "no command '%s'", argv[1]);
	fputs(c->usage, stdout);
	fputs("\nCommon options:\n" UG_CLI_COMMON_HELP, stdout);
	return UG_EXIT_OK;
}

static int cmd_version(ug_cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return ug_cli_usage_error(cli, "takes no arguments");
	printf("updguard %s\n", ug_version());
	return UG_EXIT_OK;
}

/* Global options before the command name. Returns the index of the command
 * name in argv, or -1 - exit_code when we must stop. */
static int parse_global(ug_cli *cli, int argc, char **argv)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		int opt;
		if (!strcmp(a, "--version"))
			return -1 - cmd_version(cli, 1, argv);
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			opt = 'h';
		else if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
			opt = 'q';
		else if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
			opt = 'v';
		else if (!strcmp(a, "-j") || !strcmp(a, "--threads")) {
			if (i + 1 >= argc)
				return -1 - ug_cli_usage_error(cli, "option '%s' needs an argument", a);
			opt = 'j';
			val = argv[++i];
		} else if (!strncmp(a, "--threads=", 10) || !strncmp(a, "-j", 2)) {
			opt = 'j';
			val = a[1] == 'j' ? a + 2 : a + 10;
		} else {
			return -1 - ug_cli_usage_error(cli, "unknown option '%s'", a);
		}
		int rc = ug_cli_common_option(cli, opt, val, argv);
		if (rc != UG_CLI_CONTINUE)
			return -1 - rc;
	}
	return i;
}

int main(int argc, char **argv)
{
	ug_cli cli = {0};
	ug_ctx_init(&cli.ctx);
	int at = parse_global(&cli, argc, argv);
	if (at < 0)
		return -1 - at;
	if (at >= argc) {
		print_main_help(stderr);
		return UG_EXIT_USAGE;
	}
	cli.cmd = find_command(argv[at]);
	if (!cli.cmd) {
		fprintf(stderr, "updguard: no command '%s' (see 'updguard --help')\n", argv[at]);
		return UG_EXIT_USAGE;
	}
	optind = 0; /* glibc: full getopt re-initialisation for the command */
	opterr = 0; /* we print our own one-line errors */
	int rc = cli.cmd->run(&cli, argc - at, argv + at);
	return rc;
}
