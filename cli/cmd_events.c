/* cmd_events.c — `updguard events`: read logs and print the normalized
 * events, to pivot by hand and to check what a reader made of an input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/buf.h"
#include "core/str.h"

const char ug_cmd_events_usage[] =
	"usage: updguard events [OPTIONS] LOG...\n"
	"\n"
	"Read logs (files, directories, archives, compressed files, - for stdin) and\n"
	"print the normalized events in input order, one per line. Skipped records\n"
	"are reported on stderr as FILE:LINE: reason; the exit code is then 3.\n"
	"\n"
	"Options:\n"
	UG_CLI_INPUT_HELP
	"  --format-out F      jsonl (default), csv, or xml (EVTX records as Windows\n"
	"                      event XML; events of other formats are left out)\n"
	"  --host NAME         only this host (normalized; repeatable)\n"
	"  --kind KIND         only this kind (repeatable; see 'updguard fields')\n"
	"  --from TIME         only events at or after TIME (RFC 3339)\n"
	"  --to TIME           only events before TIME\n"
	"  --original-names    JSON: key fields by their input names, not canonical ones\n"
	"  --count             print only how many events of each kind were read\n";

enum { OPT_FORMAT_OUT = UG_OPT_FIRST_FREE, OPT_HOST, OPT_KIND, OPT_FROM, OPT_TO, OPT_ORIGINAL, OPT_COUNT };

#define MAX_FILTERS 64

typedef struct events_job {
	ug_cli_input input;
	bool csv, xml, original_names, count_only;
	uint64_t per_kind[UG_KIND__COUNT];
	const char *hosts[MAX_FILTERS];
	size_t nhosts;
	bool kinds[UG_KIND__COUNT];
	bool any_kind_filter;
	ug_time from, to;
	ug_buf out;
	uint64_t printed;
} events_job;

static bool host_wanted(const events_job *j, ug_sv host)
{
	if (!j->nhosts)
		return true;
	for (size_t i = 0; i < j->nhosts; i++) {
		char norm[256];
		ug_sv want = ug_sv_from(j->hosts[i]);
		if (want.n > sizeof(norm))
			continue;
		size_t n = ug_host_normalize(want, norm);
		if (ug_sv_eq(host, ug_sv_make(norm, n)))
			return true;
	}
	return false;
}

static void put_time(ug_buf *b, ug_time t)
{
	char ts[UG_TIME_BUFSZ];
	if (t == UG_TIME_INVALID)
		ug_buf_append(b, "null", 4);
	else {
		ug_buf_putc(b, '"');
		ug_buf_append(b, ts, ug_time_format(t, -1, ts));
		ug_buf_putc(b, '"');
	}
}

static void write_json(events_job *j, const ug_event *ev, const ug_source *src)
{
	ug_buf *b = &j->out;
	ug_buf_puts(b, "{\"time\":");
	put_time(b, ev->ts);
	ug_buf_puts(b, ",\"host\":");
	ug_buf_append_json_str(b, ev->host);
	ug_buf_printf(b, ",\"kind\":\"%s\",\"source\":", ug_event_kind_name(ev->kind));
	ug_buf_append_json_str(b, ug_sv_from(src ? src->path : ""));
	ug_buf_puts(b, ",\"record\":");
	ug_buf_append_u64(b, ev->record);
	ug_buf_puts(b, ",\"offset\":");
	ug_buf_append_u64(b, ev->offset);
	if (ev->channel.n) {
		ug_buf_puts(b, ",\"channel\":");
		ug_buf_append_json_str(b, ev->channel);
	}
	if (ev->event_id) {
		ug_buf_puts(b, ",\"event_id\":");
		ug_buf_append_u64(b, ev->event_id);
	}
	ug_buf_puts(b, ",\"fields\":{");
	for (uint32_t i = 0; i < ev->nfields; i++) {
		const ug_field *f = &ev->fields[i];
		bool canonical = !j->original_names && f->canon &&
		                 ev->canon_idx[f->canon] == i + 1; /* the canonical value */
		if (i)
			ug_buf_putc(b, ',');
		ug_buf_append_json_str(b, canonical ? ug_sv_from(ug_field_name(f->canon)) : f->name);
		ug_buf_putc(b, ':');
		ug_buf_append_json_str(b, f->value);
	}
	ug_buf_puts(b, "}}\n");
}

static void write_csv_header(ug_buf *b)
{
	ug_buf_puts(b, "time,host,kind,source,record,channel,event_id");
	for (int id = 1; id < UG_F__COUNT; id++) {
		ug_buf_putc(b, ',');
		ug_buf_puts(b, ug_field_name((ug_field_id)id));
	}
	ug_buf_putc(b, '\n');
}

static void write_csv(events_job *j, const ug_event *ev, const ug_source *src)
{
	ug_buf *b = &j->out;
	char ts[UG_TIME_BUFSZ];
	if (ev->ts != UG_TIME_INVALID)
		ug_buf_append(b, ts, ug_time_format(ev->ts, -1, ts));
	ug_buf_putc(b, ',');
	ug_buf_append_csv_field(b, ev->host);
	ug_buf_printf(b, ",%s,", ug_event_kind_name(ev->kind));
	ug_buf_append_csv_field(b, ug_sv_from(src ? src->path : ""));
	ug_buf_putc(b, ',');
	ug_buf_append_u64(b, ev->record);
	ug_buf_putc(b, ',');
	ug_buf_append_csv_field(b, ev->channel);
	ug_buf_putc(b, ',');
	if (ev->event_id)
		ug_buf_append_u64(b, ev->event_id);
	for (int id = 1; id < UG_F__COUNT; id++) {
		ug_buf_putc(b, ',');
		ug_buf_append_csv_field(b, ug_event_get(ev, (ug_field_id)id));
	}
	ug_buf_putc(b, '\n');
}

/* The record's XML (the EVTX reader adds it as the last field "#xml" when
 * asked to: ug_input_opts.evtx_xml). */
static void write_xml(events_job *j, const ug_event *ev)
{
	for (uint32_t i = ev->nfields; i-- > 0;) {
		if (ug_sv_eq_cstr(ev->fields[i].name, "#xml")) {
			ug_buf_append_sv(&j->out, ev->fields[i].value);
			ug_buf_putc(&j->out, '\n');
			return;
		}
	}
}

static int on_event(const ug_event *ev, void *user)
{
	events_job *j = user;
	if (j->any_kind_filter && !j->kinds[ev->kind])
		return 0;
	if ((j->from != INT64_MIN || j->to != INT64_MAX) &&
	    (ev->ts == UG_TIME_INVALID || ev->ts < j->from || ev->ts >= j->to))
		return 0;
	if (!host_wanted(j, ev->host))
		return 0;
	j->printed++;
	if (j->count_only) {
		j->per_kind[ev->kind]++;
		return 0;
	}
	const ug_source *src = ug_input_source(j->input.in, ev->source);
	if (j->xml)
		write_xml(j, ev);
	else if (j->csv)
		write_csv(j, ev, src);
	else
		write_json(j, ev, src);
	if (j->out.len >= (1 << 16)) {
		if (fwrite(j->out.p, 1, j->out.len, stdout) != j->out.len)
			return 1; /* stdout closed (e.g. | head): stop reading */
		ug_buf_clear(&j->out);
	}
	return 0;
}

static int parse_time_opt(ug_cli *cli, const char *opt, const char *arg, ug_time *out)
{
	if (ug_time_parse_iso8601(ug_sv_from(arg), NULL, out) != UG_OK)
		return ug_cli_usage_error(cli, "%s needs an RFC 3339 time, not '%s'", opt, arg);
	return UG_CLI_CONTINUE;
}

static int parse_options(ug_cli *cli, int argc, char **argv, events_job *j)
{
	static const struct option longopts[] = {
		UG_CLI_INPUT_LONG,
		{"format-out", required_argument, NULL, OPT_FORMAT_OUT},
		{"host", required_argument, NULL, OPT_HOST},
		{"kind", required_argument, NULL, OPT_KIND},
		{"from", required_argument, NULL, OPT_FROM},
		{"to", required_argument, NULL, OPT_TO},
		{"original-names", no_argument, NULL, OPT_ORIGINAL},
		{"count", no_argument, NULL, OPT_COUNT},
		UG_CLI_COMMON_LONG,
		{NULL, 0, NULL, 0},
	};
	int opt, rc = UG_CLI_CONTINUE;
	ug_event_kind kind;
	while (rc == UG_CLI_CONTINUE &&
	       (opt = getopt_long(argc, argv, ":" UG_CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		if (ug_cli_input_option(&j->input, opt, optarg))
			continue;
		switch (opt) {
		case OPT_FORMAT_OUT:
			if (strcmp(optarg, "jsonl") != 0 && strcmp(optarg, "csv") != 0 &&
			    strcmp(optarg, "xml") != 0)
				return ug_cli_usage_error(cli, "--format-out is jsonl, csv or xml, not '%s'",
				                          optarg);
			j->csv = strcmp(optarg, "csv") == 0;
			j->xml = strcmp(optarg, "xml") == 0;
			j->input.opts.evtx_xml = j->xml;
			break;
		case OPT_HOST:
			if (j->nhosts == MAX_FILTERS)
				return ug_cli_usage_error(cli, "at most %d --host filters", MAX_FILTERS);
			j->hosts[j->nhosts++] = optarg;
			break;
		case OPT_KIND:
			if (!ug_event_kind_parse(ug_sv_from(optarg), &kind))
				return ug_cli_usage_error(cli, "unknown --kind '%s' (see 'updguard fields')", optarg);
			j->kinds[kind] = j->any_kind_filter = true;
			break;
		case OPT_FROM: rc = parse_time_opt(cli, "--from", optarg, &j->from); break;
		case OPT_TO: rc = parse_time_opt(cli, "--to", optarg, &j->to); break;
		case OPT_ORIGINAL: j->original_names = true; break;
		case OPT_COUNT: j->count_only = true; break;
		default: rc = ug_cli_common_option(cli, opt, optarg, argv);
		}
	}
	return rc;
}

int ug_cmd_events(ug_cli *cli, int argc, char **argv)
{
	events_job *j = calloc(1, sizeof(*j));
	if (!j)
		return UG_EXIT_FAILURE;
	j->from = INT64_MIN;
	j->to = INT64_MAX;
	int rc = parse_options(cli, argc, argv, j);
	if (rc == UG_CLI_CONTINUE)
		rc = ug_cli_input_open(cli, &j->input, argv + optind, (size_t)(argc - optind));
	if (rc == UG_CLI_CONTINUE) {
		if (j->csv && !j->count_only)
			write_csv_header(&j->out);
		ug_error err;
		ug_input_read(j->input.in, on_event, j, &err);
		for (int k = 0; j->count_only && k < UG_KIND__COUNT; k++)
			if (j->per_kind[k])
				printf("%-18s %llu\n", ug_event_kind_name((ug_event_kind)k),
				       (unsigned long long)j->per_kind[k]);
		if (j->count_only)
			printf("%-18s %llu\n", "total", (unsigned long long)j->printed);
		if (j->out.len)
			fwrite(j->out.p, 1, j->out.len, stdout);
		fflush(stdout);
		ug_cli_input_report(cli, &j->input);
		rc = ug_input_skipped_total(j->input.in) ? UG_EXIT_SKIPPED : UG_EXIT_OK;
	}
	ug_cli_input_close(&j->input);
	ug_buf_free(&j->out);
	free(j);
	return rc;
}
