/* cmd_simulate.c — `updguard simulate`: write realistic enterprise telemetry
 * around a software-update-channel compromise, plus truth.json. Parses the
 * options into a ug_sim_config and calls ug_sim_run; the generator is in
 * lib/sim. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/str.h"

const char ug_cmd_simulate_usage[] =
	"usage: updguard simulate [OPTIONS] --out DIR\n"
	"\n"
	"Write the logs an enterprise would have on the day a vendor's update channel goes\n"
	"bad (Sysmon/Windows events as Winlogbeat ECS or NXLog JSON, Squid, Zeek, Windows\n"
	"DHCP), and DIR/truth.json with what really happened. Seeded and deterministic:\n"
	"the same options give byte-identical files.\n"
	"\n"
	"Fleet and output:\n"
	"  -o, --out DIR            output folder (created; files are overwritten)\n"
	"  -s, --seed N             random seed (default 1)\n"
	"  -n, --hosts N            Windows endpoints (default 500)\n"
	"  -d, --days N             days to simulate (default 3)\n"
	"      --start DATE         first day, UTC (default 2026-01-19)\n"
	"      --regions LIST       region codes (default IN,DE,US,SG; known: IN,DE,US,SG,GB,JP,BR,AU)\n"
	"      --formats LIST       ecs,flat,squid,zeek,zeek-json,dhcp or all\n"
	"                           (default ecs,squid,zeek,dhcp)\n"
	"      --endpoint-share F   fraction of hosts that ship endpoint logs (default 0.85);\n"
	"                           the others are seen only by DHCP, proxy and Zeek\n"
	"      --flat-tz ZONE       zone of the NXLog EventTime (default: first region's)\n"
	"      --activity F         background volume factor (default 1.0)\n"
	"\n"
	"Incident:\n"
	"      --scenario NAME      none, escan (default), gup, 3cx, shadowhammer\n"
	"      --list-scenarios     describe the scenarios and exit\n"
	"      --region CODE        compromised region, or 'all' (default: drawn per seed)\n"
	"      --window START[/END] compromise window, RFC 3339 (default: drawn per seed,\n"
	"                           working hours of day 2 in the compromised region)\n"
	"      --window-length DUR  when --window gives no END (default 2h; 12h shadowhammer)\n"
	"      --persistence P      task, run, service, wmi, none (default per scenario)\n"
	"      --dropper-dir D      programdata, temp, appdata, system32, product\n"
	"      --c2 C               https, http, dns (default https)\n"
	"      --beacon DUR         beacon period (default per scenario, e.g. 5m)\n"
	"      --jitter F           beacon jitter, fraction of the period (default 0.2)\n"
	"      --dormancy DUR       wait before the first beacon (default per scenario)\n"
	"      --block-updates B    yes/no: the malware stops further updates (escan: yes)\n"
	"      --proxy-skew DUR     proxy clock minus endpoint clock, e.g. 90s or -2m\n"
	"      --decoys N           benign updates in the window that add a task and a Run\n"
	"                           value on many hosts (default 1, at most 4)\n"
	"      --targets N          shadowhammer: hosts the payload fires on (default 3)\n";

enum {
	O_START = 256, O_REGIONS, O_FORMATS, O_SHARE, O_FLATTZ, O_ACTIVITY, O_SCENARIO, O_LIST,
	O_REGION, O_WINDOW, O_WINLEN, O_PERSIST, O_DROP, O_C2, O_BEACON, O_JITTER, O_DORMANCY,
	O_BLOCK, O_SKEW, O_DECOYS, O_TARGETS,
};

typedef struct sim_opts {
	ug_sim_config cfg;
	const char *out;
	const char *window;
	bool list;
} sim_opts;

static bool parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (!*s || *end || !(v >= lo && v <= hi))
		return false;
	*out = v;
	return true;
}

static bool parse_dur(const char *s, bool allow_negative, ug_time *out)
{
	bool neg = allow_negative && s[0] == '-';
	if (ug_duration_parse(ug_sv_from(s + neg), out) != UG_OK)
		return false;
	if (neg)
		*out = -*out;
	return true;
}

static bool parse_time(const char *s, ug_time *out)
{
	char buf[64];
	if (strlen(s) == 10) { /* a date alone means its midnight UTC */
		snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
		s = buf;
	}
	return ug_time_parse_iso8601(ug_sv_from(s), NULL, out) == UG_OK;
}

static int opt_value(ug_cli *cli, sim_opts *o, int opt, const char *a)
{
	ug_sim_config *c = &o->cfg;
	long n;
	double d;
	switch (opt) {
	case 'o': o->out = a; break;
	case 's': {
		char *end;
		unsigned long long v = strtoull(a, &end, 10);
		if (!*a || *end || a[0] == '-')
			return ug_cli_usage_error(cli, "--seed needs a non-negative integer, not '%s'", a);
		c->seed = v;
		break;
	}
	case 'n':
		if (!ug_cli_parse_int(a, 1, 1000000, &n))
			return ug_cli_usage_error(cli, "--hosts needs a number from 1 to 1000000, not '%s'", a);
		c->hosts = (uint32_t)n;
		break;
	case 'd':
		if (!ug_cli_parse_int(a, 1, 60, &n))
			return ug_cli_usage_error(cli, "--days needs a number from 1 to 60, not '%s'", a);
		c->days = (uint32_t)n;
		break;
	case O_START:
		if (!parse_time(a, &c->start))
			return ug_cli_usage_error(cli, "--start needs a date or RFC 3339 time, not '%s'", a);
		break;
	case O_REGIONS: c->regions = a; break;
	case O_FORMATS: {
		ug_error err;
		if (ug_sim_formats_parse(a, &c->formats, &err) != UG_OK)
			return ug_cli_usage_error(cli, "--formats: %s", err.message);
		break;
	}
	case O_SHARE:
		if (!parse_double(a, 0, 1, &c->endpoint_share))
			return ug_cli_usage_error(cli, "--endpoint-share needs a number from 0 to 1, not '%s'", a);
		break;
	case O_FLATTZ: c->flat_tz = a; break;
	case O_ACTIVITY:
		if (!parse_double(a, 0.01, 100, &c->activity))
			return ug_cli_usage_error(cli, "--activity needs a number from 0.01 to 100, not '%s'", a);
		break;
	case O_SCENARIO:
		if (ug_sim_scenario_parse(a, &c->scenario) != UG_OK)
			return ug_cli_usage_error(cli, "unknown --scenario '%s' (none, escan, gup, 3cx, shadowhammer)", a);
		break;
	case O_LIST: o->list = true; break;
	case O_REGION: c->compromised_region = a; break;
	case O_WINDOW: o->window = a; break;
	case O_WINLEN:
		if (!parse_dur(a, false, &c->window_len) || c->window_len <= 0)
			return ug_cli_usage_error(cli, "--window-length needs a duration such as 2h, not '%s'", a);
		break;
	case O_PERSIST:
		if (ug_sim_persistence_parse(a, &c->persistence) != UG_OK)
			return ug_cli_usage_error(cli, "unknown --persistence '%s' (task, run, service, wmi, none)", a);
		break;
	case O_DROP:
		if (ug_sim_dropdir_parse(a, &c->dropper_dir) != UG_OK)
			return ug_cli_usage_error(cli, "unknown --dropper-dir '%s' (programdata, temp, appdata, system32, product)", a);
		break;
	case O_C2:
		if (ug_sim_c2_parse(a, &c->c2) != UG_OK)
			return ug_cli_usage_error(cli, "unknown --c2 '%s' (https, http, dns)", a);
		break;
	case O_BEACON:
		if (!parse_dur(a, false, &c->beacon_period) || c->beacon_period < UG_NS_PER_SEC)
			return ug_cli_usage_error(cli, "--beacon needs a duration of at least 1s, not '%s'", a);
		break;
	case O_JITTER:
		if (!parse_double(a, 0, 1, &d))
			return ug_cli_usage_error(cli, "--jitter needs a number from 0 to 1, not '%s'", a);
		c->beacon_jitter = d;
		break;
	case O_DORMANCY:
		if (!parse_dur(a, false, &c->dormancy))
			return ug_cli_usage_error(cli, "--dormancy needs a duration such as 30m, not '%s'", a);
		break;
	case O_BLOCK:
		if (!strcmp(a, "yes") || !strcmp(a, "true") || !strcmp(a, "1"))
			c->block_updates = 1;
		else if (!strcmp(a, "no") || !strcmp(a, "false") || !strcmp(a, "0"))
			c->block_updates = 0;
		else
			return ug_cli_usage_error(cli, "--block-updates is yes or no, not '%s'", a);
		break;
	case O_SKEW:
		if (!parse_dur(a, true, &c->proxy_skew) || c->proxy_skew > UG_NS_PER_HOUR ||
		    c->proxy_skew < -UG_NS_PER_HOUR)
			return ug_cli_usage_error(cli, "--proxy-skew needs a duration within an hour, such as 90s or -2m, not '%s'", a);
		break;
	case O_DECOYS:
		if (!ug_cli_parse_int(a, 0, 4, &n))
			return ug_cli_usage_error(cli, "--decoys needs a number from 0 to 4, not '%s'", a);
		c->decoys = (uint32_t)n;
		break;
	case O_TARGETS:
		if (!ug_cli_parse_int(a, 1, 1000, &n))
			return ug_cli_usage_error(cli, "--targets needs a number from 1 to 1000, not '%s'", a);
		c->targets = (uint32_t)n;
		break;
	default:
		return ug_cli_usage_error(cli, "unknown option");
	}
	return UG_CLI_CONTINUE;
}

static int parse_options(ug_cli *cli, int argc, char **argv, sim_opts *o)
{
	static const struct option longopts[] = {
		{"out", required_argument, NULL, 'o'},
		{"seed", required_argument, NULL, 's'},
		{"hosts", required_argument, NULL, 'n'},
		{"days", required_argument, NULL, 'd'},
		{"start", required_argument, NULL, O_START},
		{"regions", required_argument, NULL, O_REGIONS},
		{"formats", required_argument, NULL, O_FORMATS},
		{"endpoint-share", required_argument, NULL, O_SHARE},
		{"flat-tz", required_argument, NULL, O_FLATTZ},
		{"activity", required_argument, NULL, O_ACTIVITY},
		{"scenario", required_argument, NULL, O_SCENARIO},
		{"list-scenarios", no_argument, NULL, O_LIST},
		{"region", required_argument, NULL, O_REGION},
		{"window", required_argument, NULL, O_WINDOW},
		{"window-length", required_argument, NULL, O_WINLEN},
		{"persistence", required_argument, NULL, O_PERSIST},
		{"dropper-dir", required_argument, NULL, O_DROP},
		{"c2", required_argument, NULL, O_C2},
		{"beacon", required_argument, NULL, O_BEACON},
		{"jitter", required_argument, NULL, O_JITTER},
		{"dormancy", required_argument, NULL, O_DORMANCY},
		{"block-updates", required_argument, NULL, O_BLOCK},
		{"proxy-skew", required_argument, NULL, O_SKEW},
		{"decoys", required_argument, NULL, O_DECOYS},
		{"targets", required_argument, NULL, O_TARGETS},
		UG_CLI_COMMON_LONG,
		{NULL, 0, NULL, 0},
	};
	int opt, rc;
	while ((opt = getopt_long(argc, argv, ":o:s:n:d:" UG_CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		if (opt == '?' || opt == ':' || opt == 'h' || opt == 'q' || opt == 'v' || opt == 'j')
			rc = ug_cli_common_option(cli, opt, optarg, argv);
		else
			rc = opt_value(cli, o, opt, optarg);
		if (rc != UG_CLI_CONTINUE)
			return rc;
	}
	if (optind < argc)
		return ug_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	return UG_CLI_CONTINUE;
}

static int apply_window(ug_cli *cli, sim_opts *o)
{
	if (!o->window)
		return UG_CLI_CONTINUE;
	ug_sim_config *c = &o->cfg;
	if (strchr(o->window, '/')) {
		ug_time s, e;
		if (ug_interval_parse(ug_sv_from(o->window), &s, &e) != UG_OK || s == UG_TIME_INVALID ||
		    e == UG_TIME_INVALID)
			return ug_cli_usage_error(cli, "--window needs START/END in RFC 3339, not '%s'", o->window);
		c->window_start = s;
		c->window_len = e - s;
	} else if (!parse_time(o->window, &c->window_start)) {
		return ug_cli_usage_error(cli, "--window needs an RFC 3339 time, not '%s'", o->window);
	}
	return UG_CLI_CONTINUE;
}

static void list_scenarios(void)
{
	for (int i = 0; i < UG_SIM_SCENARIO__COUNT; i++)
		printf("  %-13s %s\n", ug_sim_scenario_name((ug_sim_scenario)i),
		       ug_sim_scenario_summary((ug_sim_scenario)i));
}

static void print_summary(const sim_opts *o, const ug_sim_summary *s)
{
	char start[UG_TIME_BUFSZ];
	ug_time_format(o->cfg.start, 0, start);
	printf("simulate: %u hosts (%u with endpoint logs), %u day(s) from %.10s, scenario %s, seed %llu\n",
	       s->hosts, s->endpoint_hosts, o->cfg.days, start, ug_sim_scenario_name(o->cfg.scenario),
	       (unsigned long long)o->cfg.seed);
	printf("  wrote %llu records (%.1f MB) in %.2f s (%.0f records/s) to %s/\n",
	       (unsigned long long)s->events, (double)s->bytes / 1e6, s->seconds,
	       s->seconds > 0 ? (double)s->events / s->seconds : 0.0, o->out);
	printf("   ");
	for (unsigned b = 0; b < 6; b++)
		if (o->cfg.formats & (1u << b))
			printf(" %s %llu", ug_sim_format_name(1u << b), (unsigned long long)s->by_format[b]);
	printf("\n");
	if (s->window[0])
		printf("  incident: region %s, window %s\n  affected %u host(s), compromised %u, clean deliveries in window %u\n",
		       s->region, s->window, s->affected, s->compromised, s->clean_in_window);
	else
		printf("  no incident; clean deliveries in the decoy window %u\n", s->clean_in_window);
	printf("  ground truth: %s/truth.json\n", o->out);
}

int ug_cmd_simulate(ug_cli *cli, int argc, char **argv)
{
	sim_opts o = {0};
	ug_sim_config_default(&o.cfg);
	int rc = parse_options(cli, argc, argv, &o);
	if (rc != UG_CLI_CONTINUE)
		return rc;
	if (o.list) {
		list_scenarios();
		return UG_EXIT_OK;
	}
	if (!o.out)
		return ug_cli_usage_error(cli, "--out DIR is required");
	if ((rc = apply_window(cli, &o)) != UG_CLI_CONTINUE)
		return rc;
	ug_sim_summary sum;
	ug_error err;
	ug_error_clear(&err);
	if (ug_sim_run_summary(&o.cfg, o.out, &cli->ctx, &sum, &err) != UG_OK) {
		fprintf(stderr, "updguard simulate: %s\n", err.message);
		return err.code == UG_ERR_INVALID || err.code == UG_ERR_RANGE || err.code == UG_ERR_NOTFOUND
		               ? UG_EXIT_USAGE
		               : UG_EXIT_FAILURE;
	}
	print_summary(&o, &sum);
	return UG_EXIT_OK;
}
