/* cli.h — what the subcommands of the updguard tool share: the command table
 * entry, common options and exit codes. Commands only parse and wire; the
 * analysis lives in libupdguard. */
#ifndef UG_CLI_H
#define UG_CLI_H

#include <getopt.h>

#include "updguard/hunt.h"
#include "updguard/sources.h"
#include "updguard/updguard.h"

/* Exit codes (docs/updguard.md). */
enum {
	UG_EXIT_OK = 0,
	UG_EXIT_FAILURE = 1, /* the command could not do its job */
	UG_EXIT_USAGE = 2,   /* bad options or arguments */
	UG_EXIT_SKIPPED = 3, /* ran, but some input records were skipped (where documented) */
};

typedef struct ug_cli ug_cli;
typedef int (*ug_cmd_fn)(ug_cli *cli, int argc, char **argv);

typedef struct ug_cmd {
	const char *name;
	const char *summary; /* one line for `updguard --help` */
	const char *usage;   /* full help text for `updguard help NAME` */
	ug_cmd_fn run;
} ug_cmd;

struct ug_cli {
	ug_ctx ctx;
	const ug_cmd *cmd; /* the command being run */
};

/* Options every command accepts; keep their letters free in commands. */
#define UG_CLI_COMMON_SHORT "hqvj:"
#define UG_CLI_COMMON_LONG                                   \
	{"help", no_argument, NULL, 'h'},                    \
	{"quiet", no_argument, NULL, 'q'},                   \
	{"verbose", no_argument, NULL, 'v'},                 \
	{"threads", required_argument, NULL, 'j'}
#define UG_CLI_COMMON_HELP                                                   \
	"  -j, --threads N   worker threads (default: CPU count, at most 16)\n" \
	"  -q, --quiet       only errors on stderr, no progress line\n"         \
	"  -v, --verbose     more detail on stderr (repeat for debug)\n"        \
	"  -h, --help        this help\n"

/* Handle every option a command's own switch did not: the common ones, and
 * getopt's '?' (unknown) and ':' (missing argument; optstrings start with ':').
 * Returns -1 to go on parsing, else the exit code to stop with (0 after --help). */
#define UG_CLI_CONTINUE (-1)
int ug_cli_common_option(ug_cli *cli, int opt, const char *arg, char **argv);

/* One-line usage error on stderr ("updguard CMD: msg; see ..."), returns UG_EXIT_USAGE. */
int ug_cli_usage_error(const ug_cli *cli, const char *fmt, ...) UG_PRINTF(2, 3);
/* Parse --threads etc.: a positive integer within [lo, hi]. */
bool ug_cli_parse_int(const char *s, long lo, long hi, long *out);

/* Input options shared by the commands that read logs (input.c). Long
 * options only; their getopt codes are these. */
enum { UG_OPT_FORMAT = 1000, UG_OPT_INPUT_TZ, UG_OPT_CSV_MAPPING, UG_OPT_CARVE, UG_OPT_FIRST_FREE };
#define UG_CLI_INPUT_LONG                                              \
	{"format", required_argument, NULL, UG_OPT_FORMAT},            \
	{"input-tz", required_argument, NULL, UG_OPT_INPUT_TZ},        \
	{"csv-mapping", required_argument, NULL, UG_OPT_CSV_MAPPING},  \
	{"carve", no_argument, NULL, UG_OPT_CARVE}
#define UG_CLI_INPUT_HELP                                                                  \
	"  --format NAME       read every input as this format (default: detect per file)\n" \
	"  --input-tz ZONE     zone of local timestamps (NXLog EventTime, DHCP logs):\n"     \
	"                      UTC (default), +05:30, or an IANA name like Europe/Berlin\n"  \
	"  --input-tz GLOB=ZONE  the zone of the files whose path matches GLOB (repeatable,\n" \
	"                      first match wins), e.g. '*DHCP-DE*=Europe/Berlin'\n"       \
	"  --csv-mapping FILE  column mapping for headered CSV (docs/formats.md)\n"         \
	"  --carve             EVTX: also recover records from chunk slack (field #carved)\n"

#define UG_CLI_TZ_MAX 32

typedef struct ug_cli_input {
	ug_input_opts opts;
	const char *tz_spec;                 /* --input-tz ZONE (the default zone) */
	const char *tz_rule_specs[UG_CLI_TZ_MAX]; /* --input-tz GLOB=ZONE, in order */
	size_t ntz_rules;
	ug_tz *tz;
	ug_tz *rule_tz[UG_CLI_TZ_MAX];
	char *rule_glob[UG_CLI_TZ_MAX];      /* the GLOB part of each spec (owned) */
	ug_tz_rule tz_rules[UG_CLI_TZ_MAX];
	ug_input *in;
} ug_cli_input;

/* 1 when opt was an input option (consumed), 0 otherwise. */
int ug_cli_input_option(ug_cli_input *ci, int opt, const char *arg);
/* Check --format and load the --input-tz zones into ci->opts (before
 * ug_cli_input_open or a library call that reads); UG_CLI_CONTINUE or an
 * exit code (message printed). */
int ug_cli_input_prepare(ug_cli *cli, ug_cli_input *ci);
/* Prepare and open the input; UG_CLI_CONTINUE or an exit code (message printed). */
int ug_cli_input_open(ug_cli *cli, ug_cli_input *ci, char *const *paths, size_t npaths);
/* Files read, records read/skipped per file, the first skips in full, counts
 * per reason: on stderr, unless --quiet. */
void ug_cli_input_report(const ug_cli *cli, const ug_cli_input *ci);
void ug_cli_input_close(ug_cli_input *ci);
bool ug_format_find_name(const char *name);
/* What a product's updates look like (product.c), for the commands that run
 * the hunt. Each lists the long options it takes (UG_CLI_PRODUCT_LONG and,
 * when it has them, the install-dir and window ones); their codes are these. */
enum {
	UG_OPT_PROFILE = UG_OPT_FIRST_FREE, UG_OPT_PRODUCT, UG_OPT_UPDATER, UG_OPT_UPDATE_HOST,
	UG_OPT_INSTALL_DIR, UG_OPT_WINDOW, UG_OPT_PRODUCT_END
};
#define UG_CLI_PRODUCT_LONG                                            \
	{"profile", required_argument, NULL, UG_OPT_PROFILE},          \
	{"product", required_argument, NULL, UG_OPT_PRODUCT},          \
	{"updater", required_argument, NULL, UG_OPT_UPDATER},          \
	{"update-host", required_argument, NULL, UG_OPT_UPDATE_HOST}
#define UG_CLI_INSTALL_DIR_LONG {"install-dir", required_argument, NULL, UG_OPT_INSTALL_DIR}
#define UG_CLI_WINDOW_LONG {"window", required_argument, NULL, UG_OPT_WINDOW}

typedef struct ug_cli_product {
	ug_hunt_opts *opts;       /* profile, product and window go straight here */
	const char **updaters, **hosts, **dirs; /* NULL-terminated, into argv */
	size_t nupdaters, nhosts, ndirs;
} ug_cli_product;

/* true when opt was a product option (consumed; *rc is UG_CLI_CONTINUE or an
 * exit code, message printed), false otherwise. */
bool ug_cli_product_option(ug_cli *cli, ug_cli_product *p, int opt, const char *arg, int *rc);
/* Something to recognise the product by must be given; then the lists go to
 * p->opts. UG_CLI_CONTINUE or an exit code (message printed). */
int ug_cli_product_check(ug_cli *cli, ug_cli_product *p);
void ug_cli_product_free(ug_cli_product *p);

/* The wall clock as ug_time, or SOURCE_DATE_EPOCH when set (reproducible
 * outputs); stamps a case's `created`. */
ug_time ug_cli_now(void);

/* Commands (one file each under cli/). */
int ug_cmd_fields(ug_cli *cli, int argc, char **argv);
int ug_cmd_time(ug_cli *cli, int argc, char **argv);
int ug_cmd_simulate(ug_cli *cli, int argc, char **argv);
int ug_cmd_events(ug_cli *cli, int argc, char **argv);
int ug_cmd_hunt(ug_cli *cli, int argc, char **argv);
int ug_cmd_sigma(ug_cli *cli, int argc, char **argv);
int ug_cmd_report(ug_cli *cli, int argc, char **argv);
int ug_cmd_egress(ug_cli *cli, int argc, char **argv);

extern const char ug_cmd_fields_usage[];
extern const char ug_cmd_time_usage[];
extern const char ug_cmd_simulate_usage[];
extern const char ug_cmd_events_usage[];
extern const char ug_cmd_hunt_usage[];
extern const char ug_cmd_sigma_usage[];
extern const char ug_cmd_report_usage[];
extern const char ug_cmd_egress_usage[];

#endif
