/* fmt_zeek.c — Zeek TSV logs ("zeek-tsv"), driven by each file's header.
 *
 * Columns change across Zeek versions and local scripts, so nothing is
 * positional: file_begin reads #separator, #set_separator, #empty_field,
 * #unset_field, #path and #fields and maps every column once through
 * zeek_map; parse then walks a line's columns with memchr. Unset values ("-")
 * are left out, empty sets/vectors ("(empty)") are kept as "", set/vector
 * values stay the joined text. Concatenated logs restart at "#separator"
 * (rebegin_prefix). */
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "sources/format.h"
#include "sources/zeek_map.h"

typedef struct zeek_col {
	ug_sv name; /* in the state's arena */
	ug_zeek_col map;
} zeek_col;

typedef struct zeek_state {
	ug_arena mem;
	ug_sv sep, set_sep, empty, unset, path;
	ug_zeek_log log;
	bool has_ts;
	uint32_t ncols;
	zeek_col *cols;
} zeek_state;

static int zeek_detect(ug_sv head, const char *path)
{
	if (ug_sv_starts_with(head, UG_SV("#separator ")))
		return 100;
	if (ug_sv_starts_with(head, UG_SV("#")) &&
	    ug_sv_find(head, UG_SV("\n#fields\t")) != SIZE_MAX)
		return 90;
	(void)path;
	return 0;
}

/* "#separator \x09" -> the separator bytes (escapes decoded). */
static ug_sv separator_value(zeek_state *st, ug_sv line)
{
	ug_sv v = ug_sv_sub(line, strlen("#separator "), line.n);
	ug_sv d = ug_arena_dup(&st->mem, ug_zeek_unescape(&st->mem, v));
	return d;
}

static ug_sv dup(zeek_state *st, ug_sv s)
{
	ug_sv d = ug_arena_dup(&st->mem, s);
	return d.p ? d : UG_SV("");
}

/* Next column of *rest, split at st->sep. */
static ug_sv next_col(const zeek_state *st, ug_sv *rest, bool *more)
{
	const char *p = rest->p;
	size_t at;
	if (st->sep.n == 1) {
		/* most columns are short: look at a few bytes before calling memchr */
		char sep = st->sep.p[0];
		size_t i = 0, quick = UG_MIN(rest->n, 16);
		while (i < quick && p[i] != sep)
			i++;
		const char *hit = i < quick ? p + i
		                  : rest->n > quick ? memchr(p + quick, sep, rest->n - quick)
		                                    : NULL;
		at = hit ? (size_t)(hit - p) : SIZE_MAX;
	} else {
		at = ug_sv_find(*rest, st->sep);
	}
	if (at == SIZE_MAX) {
		*more = false;
		ug_sv col = *rest;
		*rest = ug_sv_make(p + rest->n, 0);
		return col;
	}
	*more = true;
	*rest = ug_sv_make(p + at + st->sep.n, rest->n - at - st->sep.n);
	return ug_sv_make(p, at);
}

static int read_fields(zeek_state *st, ug_sv list)
{
	uint32_t n = 1;
	size_t at;
	for (ug_sv s = list; (at = ug_sv_find(s, st->sep)) != SIZE_MAX; n++)
		s = ug_sv_sub(s, at + st->sep.n, s.n);
	st->cols = ug_arena_calloc(&st->mem, n, sizeof(zeek_col));
	if (!st->cols)
		return UG_ERR_NOMEM;
	bool more = true;
	ug_sv rest = list;
	while (more && st->ncols < n)
		st->cols[st->ncols++].name = dup(st, next_col(st, &rest, &more));
	return UG_OK;
}

static void map_columns(zeek_state *st)
{
	for (uint32_t i = 0; i < st->ncols; i++) {
		st->cols[i].map = ug_zeek_map(st->log, st->cols[i].name);
		if (st->cols[i].map.role == UG_ZR_TS)
			st->has_ts = true;
	}
}

/* One "#name<sep>value" header line. */
static int header_line(zeek_state *st, ug_sv line)
{
	if (ug_sv_starts_with(line, UG_SV("#separator "))) {
		st->sep = separator_value(st, line);
		return st->sep.n ? UG_OK : UG_ERR_PARSE;
	}
	bool more;
	ug_sv rest = line;
	ug_sv key = next_col(st, &rest, &more);
	if (!more)
		return UG_OK; /* "#close" without value, or a comment */
	if (ug_sv_eq_cstr(key, "#set_separator"))
		st->set_sep = dup(st, ug_zeek_unescape(&st->mem, rest));
	else if (ug_sv_eq_cstr(key, "#empty_field"))
		st->empty = dup(st, rest);
	else if (ug_sv_eq_cstr(key, "#unset_field"))
		st->unset = dup(st, rest);
	else if (ug_sv_eq_cstr(key, "#path"))
		st->path = dup(st, rest);
	else if (ug_sv_eq_cstr(key, "#fields") && !st->cols)
		return read_fields(st, rest);
	return UG_OK;
}

static void zeek_end(void *state)
{
	zeek_state *st = state;
	if (!st)
		return;
	ug_arena_free(&st->mem);
	free(st);
}

static int zeek_begin(ug_sv head, const ug_input_opts *opts, void **state, ug_error *err)
{
	(void)opts;
	zeek_state *st = calloc(1, sizeof(*st));
	if (!st)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	ug_arena_init(&st->mem, 4096);
	st->sep = UG_SV("\t");
	st->set_sep = UG_SV(",");
	st->empty = UG_SV("(empty)");
	st->unset = UG_SV("-");
	int rc = UG_OK;
	while (head.n && head.p[0] == '#' && rc == UG_OK) {
		ug_sv line = ug_sv_split_next(&head, '\n');
		if (line.n && line.p[line.n - 1] == '\r')
			line.n--;
		bool text = ug_utf8_valid(line) && !memchr(line.p, '\0', line.n);
		rc = text ? header_line(st, line) : UG_ERR_PARSE;
	}
	if (rc != UG_OK || !st->cols) {
		if (rc == UG_OK)
			rc = ug_error_set(err, UG_ERR_PARSE,
			                  "zeek: no #fields header at the start of the log");
		else
			rc = ug_error_set(err, rc, "zeek: bad header line");
		zeek_end(st);
		return rc;
	}
	st->log = ug_zeek_log_from_path(st->path);
	map_columns(st);
	*state = st;
	return UG_OK;
}

/* Equal views; the first byte settles most comparisons without a call. */
static inline bool same(ug_sv a, ug_sv b)
{
	return a.n == b.n && (a.n == 0 || (a.p[0] == b.p[0] && memcmp(a.p, b.p, a.n) == 0));
}

/* One column value: unset -> absent, empty set -> "", escapes decoded (esc:
 * the line has a backslash somewhere). */
static int add_column(ug_rec *r, const zeek_state *st, const zeek_col *c, ug_sv v,
                      ug_zeek_vals *vals, bool esc)
{
	if (same(v, st->unset))
		return UG_OK;
	if (same(v, st->empty))
		v = UG_SV("");
	else if (esc)
		v = ug_zeek_unescape(r->arena, v);
	if (!v.p)
		return UG_ERR_NOMEM;
	return ug_zeek_add(r->ev, vals, c->map, c->name, v);
}

static void zeek_parse(ug_rec *r, ug_sv line)
{
	const zeek_state *st = r->file_state;
	if (line.n == 0 || line.p[0] == '#' || !st)
		return;
	ug_zeek_vals vals = {0};
	ug_sv rest = line;
	bool more = true;
	uint32_t i = 0;
	int rc = UG_OK;
	bool esc = memchr(line.p, '\\', line.n) != NULL;
	for (; more && i < st->ncols; i++)
		rc |= add_column(r, st, &st->cols[i], next_col(st, &rest, &more), &vals, esc);
	if (i < st->ncols || more) {
		ug_rec_skip(r,
		            more ? "zeek: more columns than #fields"
		                 : "zeek: fewer columns than #fields",
		            line);
		return;
	}
	if (st->has_ts && ug_zeek_parse_ts(vals.v[UG_ZR_TS], &r->ev->ts) != UG_OK) {
		ug_rec_skip(r, "zeek: bad or unset ts", line);
		return;
	}
	rc |= ug_zeek_finish(r->ev, st->log, &vals, r->arena);
	if (rc != UG_OK) {
		ug_rec_skip(r, "out of memory", line);
		return;
	}
	ug_rec_emit(r);
}

const ug_format ug_fmt_zeek_tsv = {
    .name = "zeek-tsv",
    .summary = "Zeek TSV logs (conn, dns, http, ssl, files, x509, weird, dhcp, ...) by #fields",
    .framing = UG_FRAME_LINES,
    .detect = zeek_detect,
    .file_begin = zeek_begin,
    .file_end = zeek_end,
    .parse = zeek_parse,
    .rebegin_prefix = "#separator",
};
