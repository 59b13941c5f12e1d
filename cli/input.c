/* input.c — what every command that reads logs shares: the input options
 * (--format, --input-tz, --csv-mapping, --carve), opening the input, and the report of
 * what was read and skipped that ends every such run (on stderr). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int ug_cli_input_option(ug_cli_input *ci, int opt, const char *arg)
{
	switch (opt) {
	case UG_OPT_FORMAT: ci->opts.format = arg; return 1;
	case UG_OPT_INPUT_TZ:
		if (!strchr(arg, '=')) {
			ci->tz_spec = arg;
		} else if (ci->ntz_rules < UG_CLI_TZ_MAX) {
			ci->tz_rule_specs[ci->ntz_rules++] = arg;
		} else {
			ci->ntz_rules = UG_CLI_TZ_MAX + 1; /* reported by ug_cli_input_prepare */
		}
		return 1;
	case UG_OPT_CSV_MAPPING: ci->opts.csv_mapping = arg; return 1;
	case UG_OPT_CARVE: ci->opts.carve = true; return 1;
	default: return 0;
	}
}

/* "GLOB=ZONE": the zone after the last '=' (globs may hold '='; zones do not). */
static int load_rule(ug_cli *cli, ug_cli_input *ci, size_t i)
{
	const char *spec = ci->tz_rule_specs[i];
	const char *eq = strrchr(spec, '=');
	ug_error err;
	if (eq == spec || !eq[1])
		return ug_cli_usage_error(cli, "--input-tz %s: needs GLOB=ZONE", spec);
	if (ug_tz_load(&ci->rule_tz[i], eq + 1, &err) != UG_OK)
		return ug_cli_usage_error(cli, "--input-tz %s: %s", spec, err.message);
	ci->rule_glob[i] = strndup(spec, (size_t)(eq - spec));
	if (!ci->rule_glob[i]) {
		fprintf(stderr, "updguard: out of memory\n");
		return UG_EXIT_FAILURE;
	}
	ci->tz_rules[i] = (ug_tz_rule){ci->rule_glob[i], ci->rule_tz[i]};
	return UG_CLI_CONTINUE;
}

int ug_cli_input_prepare(ug_cli *cli, ug_cli_input *ci)
{
	ug_error err;
	if (ci->opts.format && !ug_format_find_name(ci->opts.format))
		return ug_cli_usage_error(cli, "unknown --format '%s' (see 'updguard help %s')",
		                          ci->opts.format, cli->cmd->name);
	if (ci->tz_spec && !ci->tz) {
		if (ug_tz_load(&ci->tz, ci->tz_spec, &err) != UG_OK)
			return ug_cli_usage_error(cli, "--input-tz: %s", err.message);
		ci->opts.input_tz = ci->tz;
	}
	if (ci->ntz_rules > UG_CLI_TZ_MAX)
		return ug_cli_usage_error(cli, "--input-tz GLOB=ZONE: at most %d", UG_CLI_TZ_MAX);
	for (size_t i = 0; i < ci->ntz_rules && !ci->rule_tz[i]; i++) {
		int rc = load_rule(cli, ci, i);
		if (rc != UG_CLI_CONTINUE)
			return rc;
	}
	ci->opts.tz_rules = ci->tz_rules;
	ci->opts.ntz_rules = ci->ntz_rules;
	return UG_CLI_CONTINUE;
}

int ug_cli_input_open(ug_cli *cli, ug_cli_input *ci, char *const *paths, size_t npaths)
{
	ug_error err;
	if (npaths == 0)
		return ug_cli_usage_error(cli, "no input: give log files or directories (or - for stdin)");
	int rc = ug_cli_input_prepare(cli, ci);
	if (rc != UG_CLI_CONTINUE)
		return rc;
	if (ug_input_open(&ci->in, paths, npaths, &ci->opts, &cli->ctx, &err) != UG_OK) {
		ug_log_error(&cli->ctx, "%s", err.message);
		return UG_EXIT_FAILURE;
	}
	return UG_CLI_CONTINUE;
}

bool ug_format_find_name(const char *name)
{
	for (size_t i = 0; ug_format_name(i); i++)
		if (strcmp(ug_format_name(i), name) == 0)
			return true;
	return false;
}

void ug_cli_input_report(const ug_cli *cli, const ug_cli_input *ci)
{
	size_t n, nskips;
	const ug_source *src = ug_input_sources(ci->in, &n);
	const ug_skip *skips = ug_input_skips(ci->in, &nskips);
	uint64_t skipped = ug_input_skipped_total(ci->in);
	if (cli->ctx.log_level < UG_LOG_WARN)
		return;
	FILE *out = stderr;
	uint64_t records = 0;
	for (size_t i = 0; i < n; i++)
		records += src[i].records;
	uint64_t ignored = ug_input_ignored_total(ci->in);
	bool all = cli->ctx.log_level >= UG_LOG_INFO || skipped;
	for (size_t i = 0; i < n; i++) {
		if (src[i].ignored)
			fprintf(out, "  %-12s %s: not read: %s\n", "-", src[i].path, src[i].ignored);
		else if (all)
			fprintf(out, "  %-12s %10llu read %8llu skipped  %s%s\n", src[i].format,
			        (unsigned long long)src[i].records, (unsigned long long)src[i].skipped,
			        src[i].path, src[i].failed ? "  (failed)" : "");
	}
	for (size_t i = 0; i < nskips; i++) {
		const ug_source *s = ug_input_source(ci->in, skips[i].source);
		fprintf(out, "%s:", s ? s->path : "?");
		if (skips[i].chunk) /* EVTX: chunk N (from 0), then record number or offset */
			fprintf(out, "chunk %u:", skips[i].chunk - 1);
		if (skips[i].chunk && skips[i].line)
			fprintf(out, "record %llu:", (unsigned long long)skips[i].line);
		else if (skips[i].line)
			fprintf(out, "%llu:", (unsigned long long)skips[i].line);
		else if (skips[i].offset)
			fprintf(out, "offset %llu:", (unsigned long long)skips[i].offset);
		fprintf(out, " %s%s%s%s\n", skips[i].reason, skips[i].detail[0] ? " (" : "",
		        skips[i].detail, skips[i].detail[0] ? ")" : "");
	}
	if (skipped > nskips) {
		fprintf(out, "... %llu more skipped; by reason:\n", (unsigned long long)(skipped - nskips));
		const char *reason;
		uint64_t count;
		for (size_t i = 0; ug_input_skip_reason(ci->in, i, &reason, &count); i++)
			fprintf(out, "  %10llu  %s\n", (unsigned long long)count, reason);
	}
	fprintf(out, "updguard: %zu file(s) (%llu not logs, not read), %llu record(s) read, %llu skipped\n",
	        n, (unsigned long long)ignored, (unsigned long long)records, (unsigned long long)skipped);
}

void ug_cli_input_close(ug_cli_input *ci)
{
	ug_input_free(ci->in);
	ug_tz_free(ci->tz);
	for (size_t i = 0; i < UG_CLI_TZ_MAX; i++) {
		ug_tz_free(ci->rule_tz[i]);
		free(ci->rule_glob[i]);
		ci->rule_tz[i] = NULL;
		ci->rule_glob[i] = NULL;
	}
	ci->in = NULL;
	ci->tz = NULL;
}
