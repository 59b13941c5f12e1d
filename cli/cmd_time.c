/* cmd_time.c — `updguard time`: convert timestamps as logs write them into
 * RFC 3339 UTC, the way updguard reads them. Also a quick check of what
 * --input-tz does to local times. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/str.h"

const char ug_cmd_time_usage[] =
	"usage: updguard time [--input-tz ZONE] [--format F] [--digits N] [TIMESTAMP...]\n"
	"\n"
	"Print each TIMESTAMP (or each line of standard input when none is given) as\n"
	"RFC 3339 UTC, tab-separated after the input. Lines that do not parse are\n"
	"reported on stderr as '<stdin>:LINE: reason' and skipped (exit code 3).\n"
	"\n"
	"Options:\n"
	"  --input-tz ZONE   zone of timestamps without an offset: UTC (default), +05:30,\n"
	"                    or an IANA name such as America/New_York\n"
	"  --format F        any (default: ISO 8601, then epoch, then common log format),\n"
	"                    iso8601, epoch, filetime, clf\n"
	"  --digits N        fractional digits: 0, 3, 6, 9, or -1 for shortest exact (default)\n";

typedef int (*parse_fn)(ug_sv s, const ug_tz *tz, ug_time *out);

static int p_any(ug_sv s, const ug_tz *tz, ug_time *out) { return ug_time_parse_any(s, tz, out); }
static int p_iso(ug_sv s, const ug_tz *tz, ug_time *out) { return ug_time_parse_iso8601(s, tz, out); }
static int p_epoch(ug_sv s, const ug_tz *tz, ug_time *out) { (void)tz; return ug_time_parse_epoch(s, out); }
static int p_filetime(ug_sv s, const ug_tz *tz, ug_time *out) { (void)tz; return ug_time_parse_filetime(s, out); }
static int p_clf(ug_sv s, const ug_tz *tz, ug_time *out) { (void)tz; return ug_time_parse_clf(s, out); }

static const struct {
	const char *name;
	parse_fn fn;
} formats[] = {
	{"any", p_any}, {"iso8601", p_iso}, {"epoch", p_epoch}, {"filetime", p_filetime}, {"clf", p_clf},
};

typedef struct time_job {
	parse_fn parse;
	const ug_tz *tz;
	int digits;
	unsigned long skipped;
} time_job;

static void convert(time_job *job, ug_sv in, const char *where, unsigned long line)
{
	ug_time t;
	char out[UG_TIME_BUFSZ];
	ug_sv s = ug_sv_trim(in);
	if (job->parse(s, job->tz, &t) != UG_OK) {
		fprintf(stderr, "%s:%lu: cannot parse timestamp '%.*s'\n", where, line,
		        (int)UG_MIN(s.n, 80), s.p);
		job->skipped++;
		return;
	}
	ug_time_format(t, job->digits, out);
	printf("%.*s\t%s\n", UG_SV_ARG(s), out);
}

static void convert_stdin(time_job *job)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		lineno++;
		ug_sv s = ug_sv_trim(ug_sv_make(line, (size_t)n));
		if (s.n)
			convert(job, s, "<stdin>", lineno);
	}
	free(line);
}

static int parse_options(ug_cli *cli, int argc, char **argv, time_job *job, const char **tzspec)
{
	static const struct option longopts[] = {
		{"input-tz", required_argument, NULL, 'z'},
		{"format", required_argument, NULL, 'f'},
		{"digits", required_argument, NULL, 'd'},
		UG_CLI_COMMON_LONG,
		{NULL, 0, NULL, 0},
	};
	int opt, rc;
	long n;
	while ((opt = getopt_long(argc, argv, ":" UG_CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		switch (opt) {
		case 'z': *tzspec = optarg; break;
		case 'd':
			if (!ug_cli_parse_int(optarg, -1, 9, &n) || (n > 0 && n % 3))
				return ug_cli_usage_error(cli, "--digits is 0, 3, 6, 9 or -1, not '%s'", optarg);
			job->digits = (int)n;
			break;
		case 'f':
			job->parse = NULL;
			for (size_t i = 0; i < UG_ARRAY_LEN(formats); i++)
				if (strcmp(optarg, formats[i].name) == 0)
					job->parse = formats[i].fn;
			if (!job->parse)
				return ug_cli_usage_error(cli, "unknown --format '%s'", optarg);
			break;
		default:
			if ((rc = ug_cli_common_option(cli, opt, optarg, argv)) != UG_CLI_CONTINUE)
				return rc;
		}
	}
	return UG_CLI_CONTINUE;
}

int ug_cmd_time(ug_cli *cli, int argc, char **argv)
{
	time_job job = {p_any, NULL, -1, 0};
	const char *tzspec = "UTC";
	int rc = parse_options(cli, argc, argv, &job, &tzspec);
	if (rc != UG_CLI_CONTINUE)
		return rc;
	ug_tz *tz = NULL;
	ug_error err;
	if (ug_tz_load(&tz, tzspec, &err) != UG_OK)
		return ug_cli_usage_error(cli, "--input-tz: %s", err.message);
	job.tz = tz;
	if (optind >= argc || (optind == argc - 1 && strcmp(argv[optind], "-") == 0))
		convert_stdin(&job);
	for (int i = optind; i < argc; i++)
		if (strcmp(argv[i], "-") != 0)
			convert(&job, ug_sv_from(argv[i]), "argument", (unsigned long)i - (unsigned long)optind + 1);
	ug_tz_free(tz);
	if (job.skipped)
		ug_log_warn(&cli->ctx, "%lu timestamp(s) could not be parsed", job.skipped);
	return job.skipped ? UG_EXIT_SKIPPED : UG_EXIT_OK;
}
