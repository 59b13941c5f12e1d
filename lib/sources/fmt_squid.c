/* fmt_squid.c — proxy access logs: Squid's native access.log format and the
 * Apache/NCSA common and combined formats that proxies also export. Each line
 * becomes one http_request event whose host is the client (an IP most of the
 * time: the hunt maps IP -> host later). Values are views into the line; only
 * Apache's backslash-escaped quoted strings are decoded into the arena. */
#include <string.h>

#include "core/arena.h"
#include "core/str.h"
#include "sources/format.h"
#include "sources/url.h"

#define SQUID_COLS 10

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Next run of non-blank bytes in *rest; *rest advances past it. */
static ug_sv next_token(ug_sv *rest)
{
	size_t i = 0;
	while (i < rest->n && is_blank(rest->p[i]))
		i++;
	size_t start = i;
	while (i < rest->n && !is_blank(rest->p[i]))
		i++;
	ug_sv tok = ug_sv_make(rest->p + start, i - start);
	*rest = ug_sv_make(rest->p + i, rest->n - i);
	return tok;
}

static bool is_dash(ug_sv s)
{
	return s.n == 1 && s.p[0] == '-';
}

/* A line that holds no record: empty, blanks only, or a '#' comment. */
static bool is_ignorable(ug_sv line)
{
	ug_sv t = ug_sv_trim(line);
	return t.n == 0 || t.p[0] == '#';
}

/* Calls check on up to 5 record lines of head; the score is full when all
 * match, partial when only some do. */
static int detect_lines(ug_sv head, bool (*check)(ug_sv line), int full)
{
	int seen = 0, ok = 0;
	while (head.n && seen < 5) {
		size_t nl = ug_sv_find_char(head, '\n');
		if (nl == SIZE_MAX && seen > 0)
			break; /* a last line cut by the head limit proves nothing */
		ug_sv line = ug_sv_split_next(&head, '\n');
		if (is_ignorable(line))
			continue;
		seen++;
		ok += check(line);
	}
	if (seen == 0 || ok == 0)
		return 0;
	return ok == seen ? full : full / 2;
}

/* ---- Squid native ---------------------------------------------------- */

/* Column layout (squid.conf logformat "squid"):
 * %ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt */
typedef struct squid_line {
	ug_sv col[SQUID_COLS];
	ug_sv extra; /* anything after the 10th column, trimmed */
} squid_line;

static bool squid_split(ug_sv line, squid_line *sl)
{
	ug_sv rest = line;
	for (size_t i = 0; i < SQUID_COLS; i++) {
		sl->col[i] = next_token(&rest);
		if (sl->col[i].n == 0)
			return false;
	}
	sl->extra = ug_sv_trim(rest);
	return true;
}

static bool squid_check(ug_sv line)
{
	squid_line sl;
	if (!squid_split(line, &sl))
		return false;
	ug_sv ts = sl.col[0];
	size_t dot = ug_sv_find_char(ts, '.');
	return dot != SIZE_MAX && ug_sv_is_digits(ug_sv_sub(ts, 0, dot)) &&
	       ug_sv_is_digits(ug_sv_sub(ts, dot + 1, ts.n)) &&
	       ug_sv_find_char(sl.col[3], '/') != SIZE_MAX && sl.col[3].p[0] >= 'A' &&
	       sl.col[3].p[0] <= 'Z' && ug_sv_is_digits(sl.col[4]);
}

static int squid_detect(ug_sv head, const char *path)
{
	(void)path;
	return detect_lines(head, squid_check, 90);
}

static bool is_elapsed(ug_sv s)
{
	if (s.n && s.p[0] == '-')
		s = ug_sv_sub(s, 1, s.n);
	return ug_sv_is_digits(s);
}

/* Hierarchy codes whose peer is the origin server itself (not a parent proxy). */
static bool hier_is_direct(ug_sv code)
{
	if (ug_sv_starts_with(code, UG_SV("HIER_")))
		code = ug_sv_sub(code, 5, code.n);
	return ug_sv_ends_with(code, UG_SV("DIRECT")) || ug_sv_eq_cstr(code, "ORIGINAL_DST") ||
	       ug_sv_eq_cstr(code, "PINNED");
}

static int add_client(ug_event *ev, ug_sv client)
{
	if (is_dash(client))
		return UG_OK; /* not logged */
	int rc = ug_event_set_host(ev, client);
	if (ug_ip_is_literal(client)) {
		rc |= ug_src_add_canon(ev, UG_F_C_IP, client);
		rc |= ug_src_add_canon(ev, UG_F_SOURCE_IP, client);
	} else {
		rc |= ug_src_add_canon(ev, UG_F_SOURCE_HOSTNAME, client);
	}
	return rc;
}

static int squid_fields(ug_event *ev, const squid_line *sl, ug_sv action, ug_sv status)
{
	const ug_sv *c = sl->col;
	int rc = ug_event_add(ev, UG_SV("elapsed"), c[1], UG_F_NONE);
	rc |= add_client(ev, c[2]);
	rc |= ug_event_add(ev, UG_SV("action"), action, UG_F_NONE);
	rc |= ug_src_add_canon(ev, UG_F_SC_STATUS, status);
	rc |= ug_src_add_canon(ev, UG_F_SC_BYTES, c[4]);
	rc |= ug_src_add_canon(ev, UG_F_CS_METHOD, c[5]);
	rc |= ug_url_add_fields(ev, c[6], ug_sv_eq_cstr(c[5], "CONNECT"));
	if (!is_dash(c[7]))
		rc |= ug_event_add(ev, UG_SV("ident"), c[7], UG_F_NONE);
	ug_sv hier = c[8];
	ug_sv code = ug_sv_split_next(&hier, '/');
	rc |= ug_event_add(ev, UG_SV("hierarchy"), code, UG_F_NONE);
	if (hier.n && !is_dash(hier)) {
		rc |= ug_event_add(ev, UG_SV("peer"), hier, UG_F_NONE);
		if (hier_is_direct(code) && ug_ip_is_literal(hier))
			rc |= ug_src_add_canon(ev, UG_F_DESTINATION_IP, hier);
	}
	if (!is_dash(c[9]))
		rc |= ug_src_add_canon(ev, UG_F_CS_MIME, c[9]);
	if (sl->extra.n)
		rc |= ug_event_add(ev, UG_SV("extra"), sl->extra, UG_F_NONE);
	return rc;
}

static void squid_parse(ug_rec *r, ug_sv line)
{
	if (is_ignorable(line))
		return;
	squid_line sl;
	if (!squid_split(line, &sl)) {
		ug_rec_skip(r, "squid: fewer than 10 columns", line);
		return;
	}
	ug_event *ev = r->ev;
	if (ug_time_parse_epoch(sl.col[0], &ev->ts) != UG_OK) {
		ug_rec_skip(r, "squid: bad timestamp", line);
		return;
	}
	ug_sv status = sl.col[3];
	ug_sv action = ug_sv_split_next(&status, '/');
	if (!is_elapsed(sl.col[1]) || !ug_sv_is_digits(status) || !ug_sv_is_digits(sl.col[4])) {
		ug_rec_skip(r, "squid: bad elapsed, status or size column", line);
		return;
	}
	ev->kind = UG_KIND_HTTP_REQUEST;
	if (squid_fields(ev, &sl, action, status) != UG_OK) {
		ug_rec_skip(r, "out of memory", line);
		return;
	}
	ug_rec_emit(r);
}

const ug_format ug_fmt_squid = {
    .name = "squid",
    .summary = "Squid native access.log (time elapsed client action/code size method URL ...)",
    .framing = UG_FRAME_LINES,
    .detect = squid_detect,
    .parse = squid_parse,
};

/* ---- Apache / NCSA common and combined ------------------------------- */

/* %h %l %u %t "%r" %>s %b [ "%{Referer}i" "%{User-agent}i" ] */
typedef struct clf_line {
	ug_sv host, ident, user, time, request, status, bytes, referer, agent, extra;
	bool combined;
	bool esc_request, esc_referer, esc_agent; /* hold backslash escapes */
} clf_line;

/* A quoted string at the start of *rest (after blanks): Apache escapes '"'
 * and '\' with a backslash. Returns false when there is none or it is open. */
static bool take_quoted(ug_sv *rest, ug_sv *out, bool *escaped)
{
	size_t i = 0;
	while (i < rest->n && is_blank(rest->p[i]))
		i++;
	if (i >= rest->n || rest->p[i] != '"')
		return false;
	size_t start = ++i;
	*escaped = false;
	while (i < rest->n && rest->p[i] != '"') {
		if (rest->p[i] == '\\') {
			*escaped = true;
			i++;
		}
		i++;
	}
	if (i >= rest->n)
		return false;
	*out = ug_sv_make(rest->p + start, i - start);
	*rest = ug_sv_sub(*rest, i + 1, rest->n);
	return true;
}

/* "[20/Jan/2026:10:00:00 +0000]" -> the text between the brackets. */
static bool take_bracketed(ug_sv *rest, ug_sv *out)
{
	size_t i = 0;
	while (i < rest->n && is_blank(rest->p[i]))
		i++;
	if (i >= rest->n || rest->p[i] != '[')
		return false;
	ug_sv from = ug_sv_sub(*rest, i + 1, rest->n);
	size_t close = ug_sv_find_char(from, ']');
	if (close == SIZE_MAX)
		return false;
	*out = ug_sv_sub(from, 0, close);
	*rest = ug_sv_sub(from, close + 1, from.n);
	return true;
}

/* Splits the line; returns NULL or the reason it is not CLF. */
static const char *clf_split(ug_sv line, clf_line *cl)
{
	memset(cl, 0, sizeof(*cl));
	ug_sv rest = line;
	cl->host = next_token(&rest);
	cl->ident = next_token(&rest);
	cl->user = next_token(&rest);
	if (!cl->user.n || !take_bracketed(&rest, &cl->time))
		return "apache: no [time] after host, ident and user";
	if (!take_quoted(&rest, &cl->request, &cl->esc_request))
		return "apache: no quoted request";
	cl->status = next_token(&rest);
	cl->bytes = next_token(&rest);
	if (!ug_sv_is_digits(cl->status) || !(ug_sv_is_digits(cl->bytes) || is_dash(cl->bytes)))
		return "apache: bad status or size";
	ug_sv save = rest;
	if (take_quoted(&rest, &cl->referer, &cl->esc_referer) &&
	    take_quoted(&rest, &cl->agent, &cl->esc_agent))
		cl->combined = true;
	else
		rest = save;
	cl->extra = ug_sv_trim(rest);
	return NULL;
}

static bool clf_check(ug_sv line)
{
	clf_line cl;
	ug_time t;
	return !clf_split(line, &cl) && ug_time_parse_clf(cl.time, &t) == UG_OK;
}

static bool combined_check(ug_sv line)
{
	clf_line cl;
	return clf_check(line) && !clf_split(line, &cl) && cl.combined;
}

static int clf_detect(ug_sv head, const char *path)
{
	(void)path;
	/* combined lines are CLF lines with more: leave those to apache-combined */
	return detect_lines(head, combined_check, 85) == 85 ? 40
	                                                    : detect_lines(head, clf_check, 80);
}

static int combined_detect(ug_sv head, const char *path)
{
	(void)path;
	return detect_lines(head, combined_check, 85);
}

/* Apache's escapes: \" \\ \xHH (and \n \t ...) -> bytes. \xHH escapes of
 * NUL and of non-ASCII bytes keep their escaped form (values stay UTF-8). */
static ug_sv clf_unescape(ug_arena *a, ug_sv s)
{
	char *out = ug_arena_alloc(a, s.n);
	if (!out)
		return UG_SV_NULL;
	size_t n = 0;
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		if (c == '\\' && i + 1 < s.n) {
			char e = s.p[++i];
			c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
			uint64_t v;
			if (e == 'x' && i + 2 < s.n &&
			    ug_sv_hex_to_u64(ug_sv_sub(s, i + 1, 2), &v) && v > 0 && v < 0x80) {
				c = (char)v;
				i += 2;
			} else if (e == 'x') {
				out[n++] = '\\';
			}
		}
		out[n++] = c;
	}
	return ug_sv_make(out, n);
}

static bool is_method(ug_sv m)
{
	if (m.n == 0 || m.n > 32)
		return false;
	for (size_t i = 0; i < m.n; i++)
		if (!((m.p[i] >= 'A' && m.p[i] <= 'Z') || m.p[i] == '-' || m.p[i] == '_'))
			return false;
	return true;
}

/* "GET http://host/path HTTP/1.1" -> method, URL fields, version. */
static int request_fields(ug_event *ev, ug_sv req)
{
	int rc = ug_event_add(ev, UG_SV("request"), req, UG_F_NONE);
	ug_sv rest = req;
	ug_sv method = next_token(&rest);
	ug_sv target = next_token(&rest);
	ug_sv version = ug_sv_trim(rest);
	if (!is_method(method) || !target.n)
		return rc; /* "-" (no request, 408) or garbage: kept as "request" only */
	rc |= ug_src_add_canon(ev, UG_F_CS_METHOD, method);
	rc |= ug_url_add_fields(ev, target, ug_sv_eq_cstr(method, "CONNECT"));
	if (version.n)
		rc |= ug_event_add(ev, UG_SV("cs-version"), version, UG_F_NONE);
	return rc;
}

static ug_sv clf_value(ug_rec *r, ug_sv v, bool escaped, int *rc)
{
	if (!escaped)
		return v;
	ug_sv d = clf_unescape(r->arena, v);
	if (!d.p)
		*rc = UG_ERR_NOMEM;
	return d;
}

static int clf_fields(ug_rec *r, const clf_line *cl)
{
	ug_event *ev = r->ev;
	int rc = add_client(ev, cl->host);
	if (!is_dash(cl->ident))
		rc |= ug_event_add(ev, UG_SV("ident"), cl->ident, UG_F_NONE);
	if (!is_dash(cl->user))
		rc |= ug_event_add(ev, UG_SV("user"), cl->user, UG_F_NONE);
	rc |= request_fields(ev, clf_value(r, cl->request, cl->esc_request, &rc));
	rc |= ug_src_add_canon(ev, UG_F_SC_STATUS, cl->status);
	rc |= ug_src_add_canon(ev, UG_F_SC_BYTES, is_dash(cl->bytes) ? UG_SV("0") : cl->bytes);
	if (cl->combined && !is_dash(cl->referer) && cl->referer.n)
		rc |= ug_src_add_canon(ev, UG_F_CS_REFERRER,
		                       clf_value(r, cl->referer, cl->esc_referer, &rc));
	if (cl->combined && !is_dash(cl->agent) && cl->agent.n)
		rc |= ug_src_add_canon(ev, UG_F_C_USERAGENT,
		                       clf_value(r, cl->agent, cl->esc_agent, &rc));
	if (cl->extra.n)
		rc |= ug_event_add(ev, UG_SV("extra"), cl->extra, UG_F_NONE);
	return rc;
}

static void clf_parse(ug_rec *r, ug_sv line)
{
	if (is_ignorable(line))
		return;
	clf_line cl;
	const char *why = clf_split(line, &cl);
	if (why) {
		ug_rec_skip(r, why, line);
		return;
	}
	if (ug_time_parse_clf(cl.time, &r->ev->ts) != UG_OK) {
		ug_rec_skip(r, "apache: bad timestamp", line);
		return;
	}
	r->ev->kind = UG_KIND_HTTP_REQUEST;
	if (clf_fields(r, &cl) != UG_OK) {
		ug_rec_skip(r, "out of memory", line);
		return;
	}
	ug_rec_emit(r);
}

const ug_format ug_fmt_apache_clf = {
    .name = "apache-clf",
    .summary = "Apache/NCSA common log format (%h %l %u %t \"%r\" %>s %b)",
    .framing = UG_FRAME_LINES,
    .detect = clf_detect,
    .parse = clf_parse,
};

const ug_format ug_fmt_apache_combined = {
    .name = "apache-combined",
    .summary = "Apache/NCSA combined log format (common + \"%{Referer}i\" \"%{User-agent}i\")",
    .framing = UG_FRAME_LINES,
    .detect = combined_detect,
    .parse = clf_parse,
};
