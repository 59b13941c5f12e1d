/* cmd_sigma.c — `updguard sigma`: load Sigma rules (or only check them with
 * --check) and run them over logs, one row per detection. Matching runs in
 * the reader's parse workers (ug_input_read_hooked), each with its own
 * scratch; rows are written by the consumer in input order; correlation
 * rules are evaluated at the end, in time order. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/buf.h"
#include "core/str.h"
#include "updguard/sigma.h"

const char ug_cmd_sigma_usage[] =
	"usage: updguard sigma --rules PATH [--rules PATH...] [OPTIONS] LOG...\n"
	"       updguard sigma --check [--show-rejected] RULES...\n"
	"\n"
	"Run Sigma rules (files or directories of .yml) over logs and print one row\n"
	"per detection: time, host, rule title and id, level, ATT&CK tags, the fields\n"
	"that matched, source file and record. Rules that cannot be run exactly are\n"
	"rejected with their reason; the summary on stderr says how many.\n"
	"\n"
	"Options:\n"
	"  --rules PATH          rule file or directory (repeatable)\n"
	"  --check               only load and validate the rules (RULES are the arguments)\n"
	"  --show-rejected       list every rejected rule with file and reason\n"
	"  --min-level LEVEL     informational, low, medium, high or critical\n"
	"  --status S[,S...]     only rules with these statuses (stable, test, experimental, ...)\n"
	"  --exclude-rules X     skip the rule with id X, or rule files whose path contains X (repeatable)\n"
	"  --placeholders FILE   values for |expand placeholders (YAML: name: [values])\n"
	"  --mapping FILE        logsource mapping (default: the shipped sigma/logsources.yml)\n"
	"  --from TIME           only events at or after TIME (RFC 3339)\n"
	"  --to TIME             only events before TIME\n"
	"  --format-out F        table (default on a terminal), csv or jsonl (default otherwise)\n"
	"  --count               print only the number of detections per rule\n"
	UG_CLI_INPUT_HELP;

enum {
	OPT_RULES = UG_OPT_FIRST_FREE, OPT_CHECK, OPT_SHOW_REJECTED, OPT_MIN_LEVEL, OPT_STATUS, OPT_EXCLUDE,
	OPT_PLACEHOLDERS, OPT_MAPPING, OPT_FROM, OPT_TO, OPT_FORMAT_OUT, OPT_COUNT,
};

#define MAX_LIST 256

typedef enum { OUT_TABLE, OUT_CSV, OUT_JSONL } out_kind;

typedef struct sigma_job {
	ug_cli_input input;
	ug_sigma_opts opts;
	const char *rules[MAX_LIST];
	size_t nrules;
	const char *statuses[MAX_LIST + 1];
	size_t nstatuses;
	const char *exclude[MAX_LIST + 1];
	size_t nexclude;
	bool check, show_rejected, count_only;
	out_kind out_kind;
	ug_time from, to;
	ug_sigma *s;
	/* scratch pool for the workers */
	pthread_mutex_t mu;
	ug_sigma_scratch **free_sc;
	size_t nfree, cap_sc;
	uint64_t *per_rule;
	uint64_t detections, corr_detections;
	bool corr;
	ug_buf out;
	ug_buf tmp;
	bool write_failed;
} sigma_job;

/* What the worker hands the consumer for an event with hits. */
typedef struct hitlist {
	size_t n;
	ug_sigma_hit h[];
} hitlist;

/* ---- worker hook ---- */

static void *hook_begin(void *user)
{
	sigma_job *j = user;
	ug_sigma_scratch *sc = NULL;
	pthread_mutex_lock(&j->mu);
	if (j->nfree)
		sc = j->free_sc[--j->nfree];
	pthread_mutex_unlock(&j->mu);
	if (!sc && ug_sigma_scratch_new(j->s, &sc) != UG_OK)
		return NULL;
	return sc;
}

static void hook_end(void *state, void *user)
{
	sigma_job *j = user;
	if (!state)
		return;
	pthread_mutex_lock(&j->mu);
	if (j->nfree == j->cap_sc) {
		size_t cap = j->cap_sc ? j->cap_sc * 2 : 8;
		/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers grows by a pointer */
		ug_sigma_scratch **v = realloc(j->free_sc, cap * sizeof(*v));
		if (v) {
			j->free_sc = v;
			j->cap_sc = cap;
		}
	}
	if (j->nfree < j->cap_sc)
		j->free_sc[j->nfree++] = state;
	else
		ug_sigma_scratch_free(state);
	pthread_mutex_unlock(&j->mu);
}

static void *hook_event(const ug_event *ev, void *state, void *user)
{
	sigma_job *j = user;
	if (!state)
		return NULL;
	if ((j->from != INT64_MIN || j->to != INT64_MAX) &&
	    (ev->ts == UG_TIME_INVALID || ev->ts < j->from || ev->ts >= j->to))
		return NULL;
	const ug_sigma_hit *hits;
	size_t n = ug_sigma_match(j->s, state, ev, &hits);
	if (!n)
		return NULL;
	hitlist *l = malloc(sizeof(*l) + n * sizeof(ug_sigma_hit));
	if (!l)
		return NULL;
	l->n = n;
	memcpy(l->h, hits, n * sizeof(ug_sigma_hit));
	return l;
}

static void hook_free(void *result, void *user)
{
	(void)user;
	free(result);
}

/* ---- output ---- */

static void flush_out(sigma_job *j, bool force)
{
	if (j->write_failed || (!force && j->out.len < (1 << 16)))
		return;
	if (j->out.len && fwrite(j->out.p, 1, j->out.len, stdout) != j->out.len)
		j->write_failed = true;
	ug_buf_clear(&j->out);
}

static void put_time(ug_buf *b, ug_time t)
{
	char ts[UG_TIME_BUFSZ];
	if (t != UG_TIME_INVALID)
		ug_buf_append(b, ts, ug_time_format(t, -1, ts));
}

typedef struct row {
	ug_time time;
	ug_sv host;
	const ug_sigma_rule *rule;
	ug_sv fields;
	const char *source;
	uint64_t record;
} row;

static void write_row(sigma_job *j, const row *r)
{
	ug_buf *b = &j->out;
	const char *level = ug_sigma_level_name(r->rule->level);
	if (j->out_kind == OUT_JSONL) {
		ug_buf_puts(b, "{\"time\":");
		if (r->time == UG_TIME_INVALID)
			ug_buf_puts(b, "null");
		else {
			ug_buf_putc(b, '"');
			put_time(b, r->time);
			ug_buf_putc(b, '"');
		}
		ug_buf_puts(b, ",\"host\":");
		ug_buf_append_json_str(b, r->host);
		ug_buf_puts(b, ",\"rule\":");
		ug_buf_append_json_str(b, ug_sv_from(r->rule->title));
		ug_buf_puts(b, ",\"id\":");
		ug_buf_append_json_str(b, ug_sv_from(r->rule->id));
		ug_buf_printf(b, ",\"level\":\"%s\",\"tags\":", level);
		ug_buf_append_json_str(b, ug_sv_from(r->rule->tags));
		ug_buf_puts(b, ",\"fields\":");
		ug_buf_append_json_str(b, r->fields);
		ug_buf_puts(b, ",\"source\":");
		ug_buf_append_json_str(b, ug_sv_from(r->source));
		ug_buf_printf(b, ",\"record\":%llu}\n", (unsigned long long)r->record);
	} else if (j->out_kind == OUT_CSV) {
		put_time(b, r->time);
		ug_buf_putc(b, ',');
		ug_buf_append_csv_field(b, r->host);
		ug_buf_putc(b, ',');
		ug_buf_append_csv_field(b, ug_sv_from(r->rule->title));
		ug_buf_printf(b, ",%s,%s,", r->rule->id, level);
		ug_buf_append_csv_field(b, ug_sv_from(r->rule->tags));
		ug_buf_putc(b, ',');
		ug_buf_append_csv_field(b, r->fields);
		ug_buf_putc(b, ',');
		ug_buf_append_csv_field(b, ug_sv_from(r->source));
		ug_buf_printf(b, ",%llu\n", (unsigned long long)r->record);
	} else {
		put_time(b, r->time);
		ug_buf_printf(b, "  %-8s %-16.*s %s (%s)", level, UG_SV_ARG(r->host), r->rule->title, r->rule->id);
		if (*r->rule->tags)
			ug_buf_printf(b, " [%s]", r->rule->tags);
		ug_buf_printf(b, "\n    %s:%llu  ", r->source, (unsigned long long)r->record);
		ug_buf_append_sv(b, r->fields.n > 400 ? ug_sv_make(r->fields.p, 400) : r->fields);
		ug_buf_puts(b, r->fields.n > 400 ? "...\n" : "\n");
	}
	flush_out(j, false);
}

static int on_event(const ug_event *ev, void *result, void *user)
{
	sigma_job *j = user;
	hitlist *l = result;
	if (!l)
		return 0;
	if (j->corr)
		ug_sigma_correlate(j->s, ev, l->h, l->n);
	const ug_source *src = ug_input_source(j->input.in, ev->source);
	for (size_t i = 0; i < l->n; i++) {
		const ug_sigma_rule *rule = ug_sigma_rule_at(j->s, l->h[i].rule);
		if (!rule->generate)
			continue;
		j->per_rule[l->h[i].rule]++;
		j->detections++;
		if (j->count_only)
			continue;
		ug_buf_clear(&j->tmp);
		ug_sigma_hit_fields(j->s, ev, &l->h[i], &j->tmp);
		row r = {ev->ts, ev->host, rule, ug_buf_sv(&j->tmp), src ? src->path : "", ev->record};
		write_row(j, &r);
	}
	free(l);
	return j->write_failed; /* stdout closed: stop reading */
}

static void on_corr(const ug_sigma_corr_hit *h, void *user)
{
	sigma_job *j = user;
	const ug_sigma_rule *rule = ug_sigma_rule_at(j->s, h->rule);
	j->per_rule[h->rule]++;
	j->corr_detections++;
	if (j->count_only)
		return;
	const ug_source *src = ug_input_source(j->input.in, h->source);
	ug_buf_clear(&j->tmp);
	ug_buf_printf(&j->tmp, "%s%scount=%llu; first=", h->group, *h->group ? "; " : "", (unsigned long long)h->count);
	put_time(&j->tmp, h->first);
	row r = {h->last, ug_sv_from(h->host), rule, ug_buf_sv(&j->tmp), src ? src->path : "", h->record};
	write_row(j, &r);
}

/* ---- rules ---- */

static int load_rules(ug_cli *cli, sigma_job *j, char *const *paths, size_t n)
{
	ug_error err;
	if (ug_sigma_create(&j->s, &j->opts, &err) != UG_OK) {
		fprintf(stderr, "updguard sigma: %s\n", err.message);
		return UG_EXIT_FAILURE;
	}
	for (size_t i = 0; i < n; i++) {
		if (ug_sigma_load_path(j->s, paths[i], &err) != UG_OK) {
			fprintf(stderr, "updguard sigma: %s\n", err.message);
			return UG_EXIT_FAILURE;
		}
	}
	if (ug_sigma_compile(j->s, &err) != UG_OK) {
		fprintf(stderr, "updguard sigma: %s\n", err.message);
		return UG_EXIT_FAILURE;
	}
	size_t nr = ug_sigma_rule_count(j->s), unmapped = 0;
	for (size_t i = 0; i < nr; i++)
		unmapped += !ug_sigma_rule_at(j->s, i)->mapped;
	if (j->show_rejected)
		for (size_t i = 0; i < ug_sigma_reject_count(j->s); i++) {
			const ug_sigma_reject *r = ug_sigma_reject_at(j->s, i);
			fprintf(stderr, "rejected: %s", r->path);
			if (r->document > 1)
				fprintf(stderr, " (document %u)", r->document);
			fprintf(stderr, ": %s%s%s\n", *r->title ? r->title : "", *r->title ? ": " : "", r->reason);
		}
	if (cli->ctx.log_level >= UG_LOG_WARN || j->check)
		fprintf(stderr, "updguard sigma: %zu loaded, %zu rejected, %zu excluded by options; %zu with a logsource we do not read\n",
		        nr, ug_sigma_reject_count(j->s), ug_sigma_excluded_count(j->s), unmapped);
	j->per_rule = calloc(nr ? nr : 1, sizeof(uint64_t));
	j->corr = ug_sigma_has_correlations(j->s);
	return j->per_rule ? UG_CLI_CONTINUE : UG_EXIT_FAILURE;
}

static void write_counts(sigma_job *j)
{
	for (size_t i = 0; i < ug_sigma_rule_count(j->s); i++)
		if (j->per_rule[i]) {
			const ug_sigma_rule *r = ug_sigma_rule_at(j->s, i);
			ug_buf_printf(&j->out, "%8llu  %s (%s)\n", (unsigned long long)j->per_rule[i], r->title, r->id);
		}
	ug_buf_printf(&j->out, "%8llu  total\n", ((unsigned long long)j->detections + j->corr_detections));
}

#define SIGMA_BLOCK ((size_t)512 << 10)

static int run(ug_cli *cli, sigma_job *j, char *const *logs, size_t nlogs)
{
	/* Small blocks: measured ~15 % less CPU with all rules than 4 MiB when the
	 * matcher ran after a whole block was parsed; it now runs as each event
	 * is stored (ug_batch.post), and 512 KiB still holds memory down. */
	if (!j->input.opts.block_size)
		j->input.opts.block_size = SIGMA_BLOCK;
	int rc = ug_cli_input_open(cli, &j->input, logs, nlogs);
	if (rc != UG_CLI_CONTINUE)
		return rc;
	if (j->out_kind == OUT_CSV && !j->count_only)
		ug_buf_puts(&j->out, "time,host,rule,id,level,tags,fields,source,record\n");
	ug_event_hook hook = {hook_begin, hook_event, hook_end, hook_free, j};
	ug_error err;
	ug_input_read_hooked(j->input.in, &hook, on_event, j, &err);
	if (j->corr)
		ug_sigma_correlate_end(j->s, on_corr, j);
	if (j->count_only)
		write_counts(j);
	flush_out(j, true);
	fflush(stdout);
	ug_cli_input_report(cli, &j->input);
	if (cli->ctx.log_level >= UG_LOG_WARN)
		fprintf(stderr, "updguard sigma: %llu detection(s)%s\n",
		        ((unsigned long long)j->detections + j->corr_detections), j->corr ? " (correlations included)" : "");
	return ug_input_skipped_total(j->input.in) ? UG_EXIT_SKIPPED : UG_EXIT_OK;
}

/* ---- options ---- */

static int add_list(ug_cli *cli, const char **list, size_t *n, char *arg, const char *opt)
{
	for (char *save = NULL, *tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == MAX_LIST)
			return ug_cli_usage_error(cli, "at most %d values for %s", MAX_LIST, opt);
		list[(*n)++] = tok;
	}
	return UG_CLI_CONTINUE;
}

static int parse_time_opt(ug_cli *cli, const char *opt, const char *arg, ug_time *out)
{
	if (ug_time_parse_iso8601(ug_sv_from(arg), NULL, out) != UG_OK)
		return ug_cli_usage_error(cli, "%s needs an RFC 3339 time, not '%s'", opt, arg);
	return UG_CLI_CONTINUE;
}

static int parse_options(ug_cli *cli, int argc, char **argv, sigma_job *j)
{
	static const struct option longopts[] = {
		UG_CLI_INPUT_LONG,
		{"rules", required_argument, NULL, OPT_RULES},
		{"check", no_argument, NULL, OPT_CHECK},
		{"show-rejected", no_argument, NULL, OPT_SHOW_REJECTED},
		{"min-level", required_argument, NULL, OPT_MIN_LEVEL},
		{"status", required_argument, NULL, OPT_STATUS},
		{"exclude-rules", required_argument, NULL, OPT_EXCLUDE},
		{"placeholders", required_argument, NULL, OPT_PLACEHOLDERS},
		{"mapping", required_argument, NULL, OPT_MAPPING},
		{"from", required_argument, NULL, OPT_FROM},
		{"to", required_argument, NULL, OPT_TO},
		{"format-out", required_argument, NULL, OPT_FORMAT_OUT},
		{"count", no_argument, NULL, OPT_COUNT},
		UG_CLI_COMMON_LONG,
		{NULL, 0, NULL, 0},
	};
	int opt, rc = UG_CLI_CONTINUE;
	while (rc == UG_CLI_CONTINUE &&
	       (opt = getopt_long(argc, argv, ":" UG_CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		if (ug_cli_input_option(&j->input, opt, optarg))
			continue;
		switch (opt) {
		case OPT_RULES:
			if (j->nrules == MAX_LIST)
				return ug_cli_usage_error(cli, "at most %d --rules", MAX_LIST);
			j->rules[j->nrules++] = optarg;
			break;
		case OPT_CHECK: j->check = true; break;
		case OPT_SHOW_REJECTED: j->show_rejected = true; break;
		case OPT_COUNT: j->count_only = true; break;
		case OPT_MIN_LEVEL:
			if (!ug_sigma_level_parse(optarg, &j->opts.min_level))
				return ug_cli_usage_error(cli, "--min-level is informational, low, medium, high or critical");
			break;
		case OPT_STATUS: rc = add_list(cli, j->statuses, &j->nstatuses, optarg, "--status"); break;
		case OPT_EXCLUDE: rc = add_list(cli, j->exclude, &j->nexclude, optarg, "--exclude-rules"); break;
		case OPT_PLACEHOLDERS: j->opts.placeholders_file = optarg; break;
		case OPT_MAPPING: j->opts.mapping_file = optarg; break;
		case OPT_FROM: rc = parse_time_opt(cli, "--from", optarg, &j->from); break;
		case OPT_TO: rc = parse_time_opt(cli, "--to", optarg, &j->to); break;
		case OPT_FORMAT_OUT:
			if (strcmp(optarg, "table") == 0)
				j->out_kind = OUT_TABLE;
			else if (strcmp(optarg, "csv") == 0)
				j->out_kind = OUT_CSV;
			else if (strcmp(optarg, "jsonl") == 0)
				j->out_kind = OUT_JSONL;
			else
				return ug_cli_usage_error(cli, "--format-out is table, csv or jsonl, not '%s'", optarg);
			break;
		default: rc = ug_cli_common_option(cli, opt, optarg, argv);
		}
	}
	return rc;
}

int ug_cmd_sigma(ug_cli *cli, int argc, char **argv)
{
	sigma_job *j = calloc(1, sizeof(*j));
	if (!j)
		return UG_EXIT_FAILURE;
	pthread_mutex_init(&j->mu, NULL);
	j->from = INT64_MIN;
	j->to = INT64_MAX;
	j->out_kind = isatty(STDOUT_FILENO) ? OUT_TABLE : OUT_JSONL;
	int rc = parse_options(cli, argc, argv, j);
	char **args = argv + optind;
	size_t nargs = (size_t)(argc - optind);
	if (rc == UG_CLI_CONTINUE) {
		j->opts.statuses = j->nstatuses ? j->statuses : NULL;
		j->opts.exclude = j->nexclude ? j->exclude : NULL;
		if (j->check && !nargs && !j->nrules)
			rc = ug_cli_usage_error(cli, "--check needs rule files or directories");
		else if (!j->check && !j->nrules)
			rc = ug_cli_usage_error(cli, "no --rules given");
		else if (!j->check && !nargs)
			rc = ug_cli_usage_error(cli, "no logs given");
	}
	if (rc == UG_CLI_CONTINUE && j->check) { /* --check: the arguments are rules too */
		for (size_t i = 0; i < nargs && j->nrules < MAX_LIST; i++)
			j->rules[j->nrules++] = args[i];
	}
	if (rc == UG_CLI_CONTINUE)
		rc = load_rules(cli, j, (char *const *)j->rules, j->nrules);
	if (rc == UG_CLI_CONTINUE)
		rc = j->check ? UG_EXIT_OK : run(cli, j, args, nargs);
	ug_cli_input_close(&j->input);
	for (size_t i = 0; i < j->nfree; i++)
		ug_sigma_scratch_free(j->free_sc[i]);
	free(j->free_sc);
	free(j->per_rule);
	ug_sigma_free(j->s);
	ug_buf_free(&j->out);
	ug_buf_free(&j->tmp);
	pthread_mutex_destroy(&j->mu);
	free(j);
	return rc;
}
