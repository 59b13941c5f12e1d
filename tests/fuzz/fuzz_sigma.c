/* fuzz_sigma.c — libFuzzer target for the Sigma rule loader and compiler:
 * the input is a (multi-document) YAML rule file. Loading must never crash:
 * every document is either a rule or a reject with a reason. What loads is
 * compiled (prefilters included) and matched against a fixed event with
 * fields the rules may name, checking the hit is a loaded rule. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "updguard/sigma.h"

static void match_fixed_event(ug_sigma *s)
{
	ug_event ev;
	ug_event_init(&ev, NULL);
	ev.channel = UG_SV("Microsoft-Windows-Sysmon/Operational");
	ev.event_id = 1;
	ug_event_add_auto(&ev, UG_SV("Image"), UG_SV("C:\\Windows\\System32\\cmd.exe"));
	ug_event_add_auto(&ev, UG_SV("CommandLine"), UG_SV("cmd /c whoami -all 10.1.2.3"));
	ug_event_add_auto(&ev, UG_SV("EventID"), UG_SV("1"));
	ug_sigma_scratch *sc;
	if (ug_sigma_scratch_new(s, &sc) == UG_OK) {
		const ug_sigma_hit *h;
		size_t n = ug_sigma_match(s, sc, &ev, &h);
		for (size_t i = 0; i < n; i++) {
			if (h[i].rule >= ug_sigma_rule_count(s))
				abort();
			ug_buf b = UG_BUF_INIT;
			ug_sigma_hit_fields(s, &ev, &h[i], &b);
			ug_buf_free(&b);
		}
		ug_sigma_scratch_free(sc);
	}
	ug_event_free(&ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ug_sigma *s;
	ug_error err;
	if (ug_sigma_create(&s, NULL, &err) != UG_OK)
		abort(); /* the shipped mapping must load (UG_SOURCE_ROOT or the build tree) */
	ug_sigma_load_string(s, "fuzz.yml", (ug_sv){(const char *)data, size}, &err);
	for (size_t i = 0; i < ug_sigma_reject_count(s); i++)
		if (!ug_sigma_reject_at(s, i)->reason[0])
			abort();
	if (ug_sigma_compile(s, &err) == UG_OK)
		match_fixed_event(s);
	ug_sigma_free(s);
	return 0;
}
