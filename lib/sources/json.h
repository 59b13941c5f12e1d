/* json.h — a zero-copy JSON scanner for log records (RFC 8259).
 *
 * ug_json_parse turns one JSON text into a flat array of tokens in document
 * order (jsmn-like): a container's children follow it, and tok.end is the
 * index just past its last descendant, so siblings are walked with
 * `i = toks[i].end`. Strings and numbers are views into the input (string
 * views exclude the quotes and are NOT unescaped: ug_json_string decodes on
 * demand, zero-copy when the string has no escapes). Strict: trailing commas,
 * comments, single quotes, NaN, leading zeros, control characters in strings
 * and invalid UTF-8 are errors; nesting deeper than UG_JSON_MAX_DEPTH is an
 * error. Nothing is allocated per token: the doc's array is reused.
 */
#ifndef UG_SOURCES_JSON_H
#define UG_SOURCES_JSON_H

#include "core/arena.h"
#include "updguard/common.h"

#define UG_JSON_MAX_DEPTH 128

typedef enum ug_json_type {
	UG_JSON_NULL,
	UG_JSON_FALSE,
	UG_JSON_TRUE,
	UG_JSON_NUMBER,
	UG_JSON_STRING,
	UG_JSON_ARRAY,
	UG_JSON_OBJECT,
} ug_json_type;

typedef struct ug_json_tok {
	ug_json_type type;
	uint32_t end;     /* index past this token's last descendant */
	uint32_t count;   /* children: array elements, or object members (key+value pairs) */
	bool escaped;     /* string contains backslash escapes */
	ug_sv raw;        /* string: between the quotes; number/literal: its text;
	                     container: from the bracket to the closing bracket */
} ug_json_tok;

typedef struct ug_json_doc {
	ug_json_tok *toks;
	uint32_t ntoks, cap;
	bool borrowed;         /* toks is the caller's (ug_json_doc_init_buf) until it must grow */
	/* on error: */
	size_t err_offset;     /* byte offset in the text */
	const char *err_reason;/* static text */
} ug_json_doc;

void ug_json_doc_init(ug_json_doc *doc);
/* Start with the caller's token array (e.g. on the stack: no allocation for
 * records that fit); a bigger text moves the tokens to the heap. */
void ug_json_doc_init_buf(ug_json_doc *doc, ug_json_tok *toks, uint32_t cap);
void ug_json_doc_free(ug_json_doc *doc);
/* Parse exactly one JSON value (surrounding whitespace allowed). UG_OK, or
 * UG_ERR_PARSE with err_offset/err_reason set, or UG_ERR_NOMEM. Object keys
 * are tokens of type STRING: in an object, toks[i] is a key and toks[i+1] its value. */
int ug_json_parse(ug_json_doc *doc, ug_sv text);
/* The decoded string (escapes resolved, \uXXXX surrogate pairs joined; lone
 * surrogates become U+FFFD). Zero-copy when !tok->escaped; else in arena. */
ug_sv ug_json_string(const ug_json_tok *tok, ug_arena *arena);
/* Member of object toks[obj] named key (exact, undecoded compare for keys
 * without escapes); returns the value's index or 0 when absent. */
uint32_t ug_json_get(const ug_json_doc *doc, uint32_t obj, ug_sv key);
/* Value at a dotted path from object obj: "winlog.event_data" -> index or 0. */
uint32_t ug_json_get_path(const ug_json_doc *doc, uint32_t obj, ug_sv dotted);
/* Scalar as text: strings decoded, numbers/true/false as written, null as empty. */
ug_sv ug_json_scalar_text(const ug_json_tok *tok, ug_arena *arena);

#endif
