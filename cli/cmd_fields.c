/* cmd_fields.c — `updguard fields`: the canonical field dictionary and event
 * kinds, for analysts writing CSV mappings, queries and Sigma rules. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/buf.h"
#include "core/str.h"

const char ug_cmd_fields_usage[] =
	"usage: updguard fields [--format-out text|json]\n"
	"\n"
	"List the canonical event fields (Sysmon-style names that every input format is\n"
	"mapped onto, and that Sigma rules match) and the event kinds.\n"
	"\n"
	"Options:\n"
	"  --format-out F    text (default) or json (one object per line)\n";

static void print_json(void)
{
	ug_buf b = UG_BUF_INIT;
	for (int id = 1; id < UG_F__COUNT; id++) {
		ug_buf_clear(&b);
		ug_buf_puts(&b, "{\"type\":\"field\",\"name\":");
		ug_buf_append_json_str(&b, ug_sv_from(ug_field_name((ug_field_id)id)));
		ug_buf_puts(&b, ",\"doc\":");
		ug_buf_append_json_str(&b, ug_sv_from(ug_field_doc((ug_field_id)id)));
		ug_buf_puts(&b, "}\n");
		fputs(ug_buf_cstr(&b), stdout);
	}
	for (int k = 0; k < UG_KIND__COUNT; k++)
		printf("{\"type\":\"kind\",\"name\":\"%s\"}\n", ug_event_kind_name((ug_event_kind)k));
	ug_buf_free(&b);
}

static void print_text(void)
{
	printf("Fields:\n");
	for (int id = 1; id < UG_F__COUNT; id++)
		printf("  %-22s %s\n", ug_field_name((ug_field_id)id), ug_field_doc((ug_field_id)id));
	printf("\nEvent kinds:\n");
	for (int k = 0; k < UG_KIND__COUNT; k++)
		printf("  %s\n", ug_event_kind_name((ug_event_kind)k));
}

int ug_cmd_fields(ug_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format-out", required_argument, NULL, 'F'},
		UG_CLI_COMMON_LONG,
		{NULL, 0, NULL, 0},
	};
	bool json = false;
	int opt, rc;
	while ((opt = getopt_long(argc, argv, ":" UG_CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		if (opt == 'F') {
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
				return ug_cli_usage_error(cli, "--format-out is text or json, not '%s'", optarg);
			json = strcmp(optarg, "json") == 0;
		} else if ((rc = ug_cli_common_option(cli, opt, optarg, argv)) != UG_CLI_CONTINUE) {
			return rc;
		}
	}
	if (optind < argc)
		return ug_cli_usage_error(cli, "takes no arguments");
	if (json)
		print_json();
	else
		print_text();
	return UG_EXIT_OK;
}
