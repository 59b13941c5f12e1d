/* fmt_zeekjson.c — Zeek logs written as JSON lines ("zeek-json"): the
 * LogAscii::use_json output and the json-streaming-logs package. Keys are
 * Zeek's field names in either spelling ("id.orig_h", or "id_orig_h" where a
 * pipeline rewrote the dots); the log type comes from "_path" when present,
 * else from the fields the record has. The same zeek_map as the TSV reader
 * gives kinds and canonical fields; arrays (sets/vectors) become their joined
 * text, nested objects are flattened with dotted names. */
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "sources/format.h"
#include "sources/json.h"
#include "sources/zeek_map.h"

static bool has_key(ug_sv line, const char *quoted_key)
{
	return ug_sv_find(line, ug_sv_from(quoted_key)) != SIZE_MAX;
}

static int zeekjson_detect(ug_sv head, const char *path)
{
	ug_sv t = ug_sv_trim(head);
	if (!t.n || t.p[0] != '{')
		return 0;
	ug_sv line = ug_sv_split_next(&t, '\n');
	if (has_key(line, "\"_path\":") || has_key(line, "\"id.orig_h\":") ||
	    has_key(line, "\"id_orig_h\":"))
		return 85;
	if (has_key(line, "\"ts\":") && has_key(line, "\"uid\":"))
		return 80;
	(void)path;
	return 0;
}

static bool has(const ug_json_doc *doc, const char *key)
{
	return ug_json_get(doc, 0, ug_sv_from(key)) != 0;
}

/* The log a record without "_path" comes from, by its telltale fields. */
static ug_zeek_log infer_log(const ug_json_doc *d)
{
	if (has(d, "qtype_name") || (has(d, "query") && has(d, "rcode")))
		return UG_ZEEK_DNS;
	if (has(d, "server_name") || has(d, "ssl_history") || has(d, "cipher"))
		return UG_ZEEK_SSL;
	if (has(d, "status_code") || (has(d, "method") && has(d, "uri")))
		return UG_ZEEK_HTTP;
	if (has(d, "conn_state") || has(d, "history"))
		return UG_ZEEK_CONN;
	if (has(d, "assigned_addr") || has(d, "msg_types"))
		return UG_ZEEK_DHCP;
	if (has(d, "fingerprint"))
		return UG_ZEEK_X509;
	if (has(d, "fuid") && (has(d, "seen_bytes") || has(d, "analyzers")))
		return UG_ZEEK_FILES;
	if (has(d, "addl") || (has(d, "name") && has(d, "notice")))
		return UG_ZEEK_WEIRD;
	return UG_ZEEK_OTHER;
}

static ug_zeek_log record_log(const ug_json_doc *d)
{
	uint32_t p = ug_json_get(d, 0, UG_SV("_path"));
	if (p && d->toks[p].type == UG_JSON_STRING)
		return ug_zeek_log_from_path(d->toks[p].raw);
	return infer_log(d);
}

typedef struct zj_ctx {
	ug_rec *r;
	const ug_json_doc *doc;
	ug_zeek_log log;
	ug_zeek_vals vals;
} zj_ctx;

/* Elements of an array as one text joined with ','. Decoded text is never
 * longer than its JSON form, so the JSON length bounds the result. */
static ug_sv join_array(zj_ctx *c, uint32_t arr)
{
	const ug_json_tok *t = c->doc->toks;
	if (t[arr].count == 0)
		return UG_SV("");
	if (t[arr].count == 1 && t[arr + 1].type < UG_JSON_ARRAY)
		return ug_json_scalar_text(&t[arr + 1], c->r->arena);
	char *out = ug_arena_alloc(c->r->arena, t[arr].raw.n);
	if (!out)
		return UG_SV_NULL;
	size_t n = 0;
	for (uint32_t i = arr + 1; i < t[arr].end; i = t[i].end) {
		ug_sv v =
		    t[i].type < UG_JSON_ARRAY ? ug_json_scalar_text(&t[i], c->r->arena) : t[i].raw;
		if (!v.p) {
			if (t[i].raw.n)
				return UG_SV_NULL; /* out of memory decoding it */
			v = UG_SV(""); /* an empty element */
		}
		if (n)
			out[n++] = ',';
		if (v.n)
			memcpy(out + n, v.p, v.n);
		n += v.n;
	}
	return ug_sv_make(out, n);
}

static ug_sv dotted(ug_arena *a, ug_sv prefix, ug_sv key)
{
	char *p = ug_arena_alloc(a, prefix.n + 1 + key.n);
	if (!p)
		return UG_SV_NULL;
	memcpy(p, prefix.p, prefix.n);
	p[prefix.n] = '.';
	memcpy(p + prefix.n + 1, key.p, key.n);
	return ug_sv_make(p, prefix.n + 1 + key.n);
}

static int add_object(zj_ctx *c, uint32_t obj, ug_sv prefix);

static int add_value(zj_ctx *c, ug_sv name, uint32_t v)
{
	const ug_json_tok *t = &c->doc->toks[v];
	ug_sv text;
	switch (t->type) {
	case UG_JSON_NULL: return UG_OK; /* unset */
	case UG_JSON_OBJECT: return add_object(c, v, name);
	case UG_JSON_ARRAY: text = join_array(c, v); break;
	default: text = ug_json_scalar_text(t, c->r->arena); break;
	}
	if (!text.p && t->raw.n)
		return UG_ERR_NOMEM;
	return ug_zeek_add(c->r->ev, &c->vals, ug_zeek_map(c->log, name), name, text);
}

static int add_object(zj_ctx *c, uint32_t obj, ug_sv prefix)
{
	const ug_json_tok *t = c->doc->toks;
	int rc = UG_OK;
	for (uint32_t k = obj + 1; k < t[obj].end && rc == UG_OK; k = t[k + 1].end) {
		ug_sv name = ug_json_string(&t[k], c->r->arena);
		if (prefix.n)
			name = dotted(c->r->arena, prefix, name);
		rc = name.p ? add_value(c, name, k + 1) : UG_ERR_NOMEM;
	}
	return rc;
}

static void zeekjson_parse(ug_rec *r, ug_sv record)
{
	ug_json_doc doc;
	ug_json_doc_init(&doc);
	int rc = ug_json_parse(&doc, record);
	if (rc != UG_OK || doc.toks[0].type != UG_JSON_OBJECT) {
		ug_rec_skip(r,
		            rc == UG_ERR_NOMEM ? "out of memory"
		            : rc != UG_OK      ? "zeek-json: invalid JSON"
		                               : "zeek-json: record is not an object",
		            record);
		ug_json_doc_free(&doc);
		return;
	}
	zj_ctx c = {.r = r, .doc = &doc, .log = record_log(&doc)};
	rc = add_object(&c, 0, UG_SV_NULL);
	if (rc == UG_OK && ug_zeek_parse_ts(c.vals.v[UG_ZR_TS], &r->ev->ts) != UG_OK)
		ug_rec_skip(r, "zeek-json: missing or bad ts", record);
	else if (rc != UG_OK || ug_zeek_finish(r->ev, c.log, &c.vals, r->arena) != UG_OK)
		ug_rec_skip(r, "out of memory", record);
	else
		ug_rec_emit(r);
	ug_json_doc_free(&doc);
}

const ug_format ug_fmt_zeek_json = {
    .name = "zeek-json",
    .summary = "Zeek logs as JSON lines (_path, id.orig_h or id_orig_h)",
    .framing = UG_FRAME_JSON,
    .detect = zeekjson_detect,
    .parse = zeekjson_parse,
};
