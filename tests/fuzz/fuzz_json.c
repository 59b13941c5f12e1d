/* fuzz_json.c — libFuzzer target: the JSON scanner (ug_json_parse, string
 * decoding, lookups) and the four Windows-event JSON formats on arbitrary
 * input. Aborts when a scanner invariant breaks: token ends in order and in
 * range, views inside the input, decoded strings valid UTF-8 and never longer
 * than their raw text, error offsets within the input. */
#include "fuzz_common.h"

#include "core/arena.h"
#include "sources/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool inside(ug_sv v, ug_sv in)
{
	return v.p >= in.p && v.p + v.n <= in.p + in.n;
}

static void check_tokens(const ug_json_doc *doc, ug_sv in, ug_arena *a)
{
	if (doc->ntoks == 0 || doc->toks[0].end != doc->ntoks)
		abort();
	for (uint32_t i = 0; i < doc->ntoks; i++) {
		const ug_json_tok *t = &doc->toks[i];
		if (t->end <= i || t->end > doc->ntoks || !inside(t->raw, in))
			abort();
		if (t->type == UG_JSON_STRING) {
			ug_sv s = ug_json_string(t, a);
			if (!s.p || s.n > t->raw.n || !ug_utf8_valid(s))
				abort();
		}
		if (t->type == UG_JSON_OBJECT) {
			/* every key is found, at or before its own member */
			for (uint32_t k = i + 1; k < t->end; k = doc->toks[k + 1].end) {
				ug_sv key = ug_json_string(&doc->toks[k], a);
				uint32_t v = ug_json_get(doc, i, key);
				if (!v || v > k + 1)
					abort();
				(void)ug_json_get_path(doc, i, key);
			}
		}
		(void)ug_json_scalar_text(t, a);
	}
	(void)ug_json_get_path(doc, 0, UG_SV("Event.System.EventID.#text"));
	(void)ug_json_get_path(doc, 0, UG_SV("winlog.event_data.Image"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ug_sv in = ug_sv_make((const char *)data, size);
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	ug_arena a;
	ug_arena_init(&a, 0);
	int rc = ug_json_parse(&doc, in);
	if (rc == UG_OK)
		check_tokens(&doc, in, &a);
	else if (rc == UG_ERR_PARSE && (!doc.err_reason || doc.err_offset > size))
		abort();
	ug_arena_free(&a);
	ug_json_doc_free(&doc);
	static const char *const names[] = {"ecs-json", "flat-json", "evtx-json", "splunk-json"};
	fuzz_formats(data, size, names, UG_ARRAY_LEN(names), true);
	return 0;
}
