/* fmt_csv.c — headered CSV (firewall, EDR, SIEM exports) mapped onto
 * canonical fields ("csv").
 *
 * The first line names the columns. A mapping file (opts->csv_mapping,
 * docs/formats.md) says which column is which canonical field, which holds
 * the time (and in what form), the host, and the event kind; without one,
 * columns named like a canonical field map to it and the time and host
 * columns are guessed from common names. Fields follow RFC 4180 quoting, but
 * records are lines: a quoted field holding a line break cannot be read, and
 * its pieces are skipped with a reason that says so. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "sources/format.h"

#define MAPPING_MAX_BYTES ((long)1 << 20)

typedef enum csv_time_fmt {
	TF_AUTO, /* ISO 8601, epoch, CLF (ug_time_parse_any) */
	TF_ISO8601,
	TF_EPOCH,
	TF_EPOCH_MS,
	TF_CLF,
	TF_FILETIME,
	TF_US, /* "01/20/2026 10:00:00" */
} csv_time_fmt;

static const char *const time_fmt_names[] = {"auto", "iso8601",  "epoch", "epoch_ms",
                                             "clf",  "filetime", "us"};

typedef struct csv_col {
	ug_sv name; /* as the header writes it, in the state's arena */
	uint16_t canon;
} csv_col;

typedef struct csv_state {
	ug_arena mem;
	csv_col *cols;
	uint32_t ncols;
	int64_t time_col, host_col; /* -1 when none */
	csv_time_fmt time_fmt;
	ug_event_kind kind;
	uint64_t header_end; /* records before this offset are the header */
} csv_state;

/* What the mapping file says, by column name (resolved against the header). */
typedef struct csv_mapping {
	ug_sv text; /* the file, malloc'd */
	ug_sv time_name, host_name;
	csv_time_fmt time_fmt;
	bool has_kind;
	ug_event_kind kind;
} csv_mapping;

/* ---- field splitting ------------------------------------------------- */

typedef struct csv_field {
	ug_sv v;
	bool quoted, escaped; /* escaped: holds "" pairs to undo */
} csv_field;

/* Next field of *rest; *more says whether a ',' followed. NULL or the reason
 * the record is malformed. */
static const char *csv_next(ug_sv *rest, csv_field *f, bool *more)
{
	size_t i = 0;
	while (i < rest->n && rest->p[i] == ' ')
		i++;
	memset(f, 0, sizeof(*f));
	if (i < rest->n && rest->p[i] == '"') {
		size_t start = ++i;
		for (;; i++) {
			if (i >= rest->n)
				return "csv: unterminated quoted field (quoted line breaks are not "
				       "supported)";
			if (rest->p[i] != '"')
				continue;
			if (i + 1 < rest->n && rest->p[i + 1] == '"') {
				f->escaped = true;
				i++;
				continue;
			}
			break;
		}
		f->v = ug_sv_make(rest->p + start, i - start);
		f->quoted = true;
		i++;
		while (i < rest->n && rest->p[i] == ' ')
			i++;
		if (i < rest->n && rest->p[i] != ',')
			return "csv: text after a closing quote";
	} else {
		const char *c = rest->n > i ? memchr(rest->p + i, ',', rest->n - i) : NULL;
		size_t end = c ? (size_t)(c - rest->p) : rest->n;
		f->v = ug_sv_trim(ug_sv_make(rest->p + i, end - i));
		i = end;
	}
	*more = i < rest->n;
	*rest = *more ? ug_sv_sub(*rest, i + 1, rest->n) : ug_sv_make(rest->p + rest->n, 0);
	return NULL;
}

/* The field's text: "" pairs undone into arena when there are any. */
static ug_sv field_text(ug_arena *a, const csv_field *f)
{
	if (!f->escaped)
		return f->v;
	char *out = ug_arena_alloc(a, f->v.n);
	if (!out)
		return UG_SV_NULL;
	size_t n = 0;
	for (size_t i = 0; i < f->v.n; i++) {
		out[n++] = f->v.p[i];
		if (f->v.p[i] == '"' && i + 1 < f->v.n && f->v.p[i + 1] == '"')
			i++;
	}
	return ug_sv_make(out, n);
}

/* ---- detection ------------------------------------------------------- */

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr(" _-.@()/#:[]", c) != NULL);
}

/* A header-looking field: 1..64 name characters with at least one letter. */
static bool looks_like_name(ug_sv s)
{
	bool letter = false;
	if (s.n == 0 || s.n > 64)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		if (!is_name_char(s.p[i]))
			return false;
		letter |= (s.p[i] | 32) >= 'a' && (s.p[i] | 32) <= 'z';
	}
	return letter;
}

static int csv_detect(ug_sv head, const char *path)
{
	ug_sv rest = head;
	ug_sv line = ug_sv_trim(ug_sv_split_next(&rest, '\n'));
	int fields = 0;
	bool more = true;
	while (more) {
		csv_field f;
		if (csv_next(&line, &f, &more) || !looks_like_name(f.v))
			return 0;
		fields++;
	}
	if (fields < 2)
		return 0;
	size_t len = path ? strlen(path) : 0;
	bool csv_name = len > 4 && ug_sv_eq_nocase(ug_sv_make(path + len - 4, 4), UG_SV(".csv"));
	return csv_name ? 50 : 30;
}

/* ---- mapping file ---------------------------------------------------- */

static int mapping_error(ug_error *err, const char *path, size_t line, const char *what, ug_sv s)
{
	return ug_error_set(err, UG_ERR_PARSE, "%s:%zu: %s '%.*s'", path, line, what,
	                    (int)UG_MIN(s.n, 80), s.p);
}

static int read_file(const char *path, ug_sv *out, ug_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ug_error_set(err, UG_ERR_IO, "csv mapping %s: %s", path, strerror(errno));
	char *p = malloc(MAPPING_MAX_BYTES);
	size_t n = p ? fread(p, 1, MAPPING_MAX_BYTES, f) : 0;
	bool too_big = p && n == MAPPING_MAX_BYTES;
	fclose(f);
	if (!p || too_big) {
		free(p);
		return ug_error_set(err, p ? UG_ERR_RANGE : UG_ERR_NOMEM, "csv mapping %s: %s",
		                    path, p ? "larger than 1 MiB" : "out of memory");
	}
	*out = ug_sv_make(p, n);
	return UG_OK;
}

/* "@time = column [format]": the format is the last word when it names one. */
static void time_directive(csv_mapping *m, ug_sv v)
{
	m->time_name = v;
	m->time_fmt = TF_AUTO;
	size_t sp = ug_sv_rfind_char(v, ' ');
	if (sp == SIZE_MAX)
		return;
	ug_sv last = ug_sv_sub(v, sp + 1, v.n);
	for (size_t i = 0; i < UG_ARRAY_LEN(time_fmt_names); i++) {
		if (ug_sv_eq_nocase(last, ug_sv_from(time_fmt_names[i]))) {
			m->time_fmt = (csv_time_fmt)i;
			m->time_name = ug_sv_trim(ug_sv_sub(v, 0, sp));
		}
	}
}

/* Check one "left = right" line; column lines are applied in apply_mapping. */
static int mapping_line(csv_mapping *m, ug_sv key, ug_sv v, const char *path, size_t ln,
                        ug_error *err)
{
	if (ug_sv_eq_cstr(key, "@time")) {
		time_directive(m, v);
	} else if (ug_sv_eq_cstr(key, "@host")) {
		m->host_name = v;
	} else if (ug_sv_eq_cstr(key, "@kind")) {
		m->has_kind = true;
		if (!ug_event_kind_parse(v, &m->kind))
			return mapping_error(err, path, ln, "unknown event kind", v);
	} else if (key.n && key.p[0] == '@') {
		return mapping_error(err, path, ln, "unknown directive", key);
	} else if (ug_field_lookup(v) == UG_F_NONE) {
		return mapping_error(err, path, ln, "not a canonical field name", v);
	}
	return UG_OK;
}

/* Calls fn for each "key = value" line; NULL fn just validates. */
static int mapping_each(csv_mapping *m, const char *path, ug_error *err,
                        void (*fn)(csv_state *, ug_sv, ug_sv), csv_state *st)
{
	ug_sv rest = m->text;
	for (size_t ln = 1; rest.n; ln++) {
		ug_sv line = ug_sv_trim(ug_sv_split_next(&rest, '\n'));
		if (!line.n || line.p[0] == '#')
			continue;
		size_t eq = ug_sv_find_char(line, '=');
		if (eq == SIZE_MAX)
			return mapping_error(err, path, ln, "expected 'column = Name'", line);
		ug_sv key = ug_sv_trim(ug_sv_sub(line, 0, eq));
		ug_sv v = ug_sv_trim(ug_sv_sub(line, eq + 1, line.n));
		if (fn) {
			if (key.n && key.p[0] != '@')
				fn(st, key, v);
			continue;
		}
		int rc = mapping_line(m, key, v, path, ln, err);
		if (rc != UG_OK)
			return rc;
	}
	return UG_OK;
}

/* ---- header and state ------------------------------------------------ */

static int64_t find_col(const csv_state *st, ug_sv name)
{
	for (uint32_t i = 0; i < st->ncols; i++)
		if (ug_sv_eq(st->cols[i].name, name))
			return i;
	for (uint32_t i = 0; i < st->ncols; i++)
		if (ug_sv_eq_nocase(st->cols[i].name, name))
			return i;
	return -1;
}

static void apply_column(csv_state *st, ug_sv column, ug_sv canon)
{
	int64_t i = find_col(st, column);
	if (i >= 0)
		st->cols[i].canon = (uint16_t)ug_field_lookup(canon);
}

/* Canonical id of a header name: exact, then ignoring ASCII case. */
static uint16_t auto_canon(ug_sv name)
{
	ug_field_id id = ug_field_lookup(name);
	for (int i = 1; id == UG_F_NONE && i < UG_F__COUNT; i++)
		if (ug_sv_eq_nocase(name, ug_sv_from(ug_field_name((ug_field_id)i))))
			id = (ug_field_id)i;
	return (uint16_t)id;
}

static int64_t guess_col(const csv_state *st, const char *const *names)
{
	for (size_t k = 0; names[k]; k++) {
		int64_t i = find_col(st, ug_sv_from(names[k]));
		if (i >= 0)
			return i;
	}
	return -1;
}

static const char *const time_names[] = {
    "@timestamp", "timestamp",   "UtcTime",       "time",  "datetime", "date_time", "EventTime",
    "event_time", "TimeCreated", "TimeGenerated", "_time", "ts",       "date",      NULL};
static const char *const host_names[] = {
    "host",          "hostname",   "host_name",   "host.name", "Computer", "ComputerName",
    "computer_name", "DeviceName", "device_name", "device",    "endpoint", NULL};

/* Kind from the columns when the mapping does not say. */
static ug_event_kind guess_kind(const csv_state *st)
{
	bool has[UG_F__COUNT] = {false};
	for (uint32_t i = 0; i < st->ncols; i++)
		has[st->cols[i].canon] = true;
	if (has[UG_F_QUERY_NAME])
		return UG_KIND_DNS_QUERY;
	if (has[UG_F_C_URI] || has[UG_F_CS_HOST])
		return UG_KIND_HTTP_REQUEST;
	if (has[UG_F_COMMAND_LINE])
		return UG_KIND_PROCESS_START;
	if (has[UG_F_DESTINATION_IP])
		return UG_KIND_NETWORK_CONNECT;
	return UG_KIND_OTHER;
}

/* The header: first non-blank line of head. */
static int read_header(csv_state *st, ug_sv head, ug_error *err)
{
	ug_sv rest = head, line = UG_SV_NULL;
	while (rest.n && !line.n) {
		line = ug_sv_trim(ug_sv_split_next(&rest, '\n'));
		st->header_end = (uint64_t)(rest.p - head.p);
	}
	if (!ug_utf8_valid(line) || (line.n && memchr(line.p, '\0', line.n)))
		return ug_error_set(err, UG_ERR_PARSE, "csv: header line is not UTF-8 text");
	uint32_t n = 1;
	for (size_t i = 0; i < line.n; i++)
		n += line.p[i] == ',';
	st->cols = ug_arena_calloc(&st->mem, n, sizeof(csv_col));
	if (!st->cols)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	bool more = line.n > 0;
	while (more && st->ncols < n) {
		csv_field f;
		if (csv_next(&line, &f, &more))
			return ug_error_set(err, UG_ERR_PARSE, "csv: malformed header line");
		ug_sv name = ug_arena_dup(&st->mem, field_text(&st->mem, &f));
		st->cols[st->ncols].name = name.p ? name : UG_SV("");
		st->cols[st->ncols].canon = auto_canon(name);
		st->ncols++;
	}
	if (st->ncols < 2)
		return ug_error_set(err, UG_ERR_PARSE, "csv: no header line of 2 or more columns");
	return UG_OK;
}

static int resolve(csv_state *st, const csv_mapping *m, const char *path, ug_error *err)
{
	st->time_col = m->time_name.n ? find_col(st, m->time_name) : guess_col(st, time_names);
	if (m->time_name.n && st->time_col < 0)
		return ug_error_set(err, UG_ERR_PARSE, "%s: @time column '%.*s' not in the header",
		                    path, (int)UG_MIN(m->time_name.n, 80), m->time_name.p);
	st->host_col = m->host_name.n ? find_col(st, m->host_name) : guess_col(st, host_names);
	if (m->host_name.n && st->host_col < 0)
		return ug_error_set(err, UG_ERR_PARSE, "%s: @host column '%.*s' not in the header",
		                    path, (int)UG_MIN(m->host_name.n, 80), m->host_name.p);
	st->time_fmt = m->time_fmt;
	st->kind = m->has_kind ? m->kind : guess_kind(st);
	return UG_OK;
}

static void csv_end(void *state)
{
	csv_state *st = state;
	if (!st)
		return;
	ug_arena_free(&st->mem);
	free(st);
}

static int csv_begin(ug_sv head, const ug_input_opts *opts, void **state, ug_error *err)
{
	csv_state *st = calloc(1, sizeof(*st));
	if (!st)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	ug_arena_init(&st->mem, 4096);
	csv_mapping m = {0};
	const char *mpath = opts ? opts->csv_mapping : NULL;
	int rc = mpath ? read_file(mpath, &m.text, err) : UG_OK;
	if (rc == UG_OK && mpath)
		rc = mapping_each(&m, mpath, err, NULL, NULL);
	if (rc == UG_OK)
		rc = read_header(st, head, err);
	if (rc == UG_OK && mpath)
		rc = mapping_each(&m, mpath, err, apply_column, st);
	if (rc == UG_OK)
		rc = resolve(st, &m, mpath ? mpath : "", err);
	free((void *)m.text.p);
	if (rc != UG_OK) {
		csv_end(st);
		return rc;
	}
	*state = st;
	return UG_OK;
}

/* ---- records --------------------------------------------------------- */

static int parse_time(csv_time_fmt fmt, ug_sv v, const ug_tz *tz, ug_time *out)
{
	int64_t ms;
	size_t sp;
	switch (fmt) {
	case TF_ISO8601: return ug_time_parse_iso8601(v, tz, out);
	case TF_EPOCH: return ug_time_parse_epoch(v, out);
	case TF_CLF: return ug_time_parse_clf(v, out);
	case TF_FILETIME: return ug_time_parse_filetime(v, out);
	case TF_EPOCH_MS:
		if (!ug_sv_to_i64(v, &ms) || ms > INT64_MAX / 1000000 ||
		    ms < INT64_MIN / 1000000 + 1)
			return UG_ERR_PARSE;
		*out = ms * 1000000;
		return UG_OK;
	case TF_US:
		sp = ug_sv_find_char(v, ' ');
		if (sp == SIZE_MAX)
			return UG_ERR_PARSE;
		return ug_time_parse_us_date_time(ug_sv_sub(v, 0, sp),
		                                  ug_sv_trim(ug_sv_sub(v, sp + 1, v.n)), tz, out);
	default: return ug_time_parse_any(v, tz, out);
	}
}

/* One column's value; the time and host columns also set the event header. */
static const char *take_value(ug_rec *r, const csv_state *st, uint32_t i, const csv_field *f)
{
	ug_sv v = field_text(r->arena, f);
	if (!v.p && f->v.n)
		return "out of memory";
	const ug_tz *tz = r->opts ? r->opts->input_tz : NULL;
	if (i == st->time_col && parse_time(st->time_fmt, v, tz, &r->ev->ts) != UG_OK)
		return "csv: bad or empty time";
	if (i == st->host_col && v.n && ug_event_set_host(r->ev, v) != UG_OK)
		return "out of memory";
	if (v.n == 0)
		return NULL; /* empty: the field is absent */
	if (ug_event_add(r->ev, st->cols[i].name, v, (ug_field_id)st->cols[i].canon) != UG_OK)
		return "out of memory";
	return NULL;
}

static void csv_parse(ug_rec *r, ug_sv line)
{
	const csv_state *st = r->file_state;
	if (!st || r->offset < st->header_end || ug_sv_trim(line).n == 0)
		return;
	ug_sv rest = line;
	bool more = true;
	uint32_t i = 0;
	const char *why = NULL;
	for (; more && !why; i++) {
		csv_field f;
		why = csv_next(&rest, &f, &more);
		if (!why && i >= st->ncols)
			why = "csv: more columns than the header";
		if (!why)
			why = take_value(r, st, i, &f);
	}
	if (!why && i < st->ncols)
		why = "csv: fewer columns than the header";
	if (why) {
		ug_rec_skip(r, why, line);
		return;
	}
	r->ev->kind = st->kind;
	ug_rec_emit(r);
}

const ug_format ug_fmt_csv = {
    .name = "csv",
    .summary = "CSV with a header line, mapped by --csv-mapping or by column names",
    .framing = UG_FRAME_LINES,
    .detect = csv_detect,
    .file_begin = csv_begin,
    .file_end = csv_end,
    .parse = csv_parse,
};
