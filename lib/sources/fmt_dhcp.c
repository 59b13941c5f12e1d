/* fmt_dhcp.c — DHCP leases, because proxy and network logs name IPs, not
 * hosts: each lease becomes a dhcp_lease event (time, IpAddress, HostName,
 * MacAddress) the hunt uses to map an IP to a host at a given time.
 *
 * "dhcp-windows": the Windows DHCP Server audit log (DhcpSrvLog-*.log): a
 * block of prose, then the column header "ID,Date,Time,Description,..." and
 * one CSV line per event, in the server's local time (opts->input_tz).
 * "dhcpd-leases": ISC dhcpd's dhcpd.leases, a file of "lease IP { ... }"
 * blocks with UTC times; read whole (UG_FRAME_WHOLE), one event per block. */
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "sources/format.h"

/* ---- Windows DHCP Server audit log ----------------------------------- */

/* The header of Windows Server 2012 and later, used when the file's own
 * header is not in its head. */
static const char default_header[] =
    "ID,Date,Time,Description,IP Address,Host Name,MAC Address,User Name,TransactionID,"
    "QResult,Probationtime,CorrelationID,Dhcid,VendorClass(Hex),VendorClass(ASCII),"
    "UserClass(Hex),UserClass(ASCII),RelayAgentInformation,DnsRegError";

#define WIN_MIN_COLS 7 /* ID .. MAC Address: what every version writes */

typedef struct win_col {
	ug_sv name;
	uint16_t canon;
} win_col;

typedef struct win_state {
	win_col *cols;
	uint32_t ncols;
	uint64_t header_end; /* lines before this offset are the prose header */
	char *names;         /* copy of the header line the names point into */
} win_state;

static bool starts_header(ug_sv line)
{
	return ug_sv_starts_with_nocase(line, UG_SV("ID,Date,Time,"));
}

static int win_detect(ug_sv head, const char *path)
{
	ug_sv base = ug_path_basename(ug_sv_from(path ? path : ""));
	if (ug_sv_find(head, UG_SV("Microsoft DHCP Service Activity Log")) != SIZE_MAX ||
	    ug_sv_find(head, UG_SV("\nID,Date,Time,Description,IP Address")) != SIZE_MAX ||
	    starts_header(head))
		return 95;
	return ug_sv_starts_with_nocase(base, UG_SV("DhcpSrvLog")) ? 60 : 0;
}

static uint16_t win_canon(ug_sv name)
{
	if (ug_sv_eq_nocase(name, UG_SV("IP Address")))
		return UG_F_IP_ADDRESS;
	if (ug_sv_eq_nocase(name, UG_SV("Host Name")))
		return UG_F_HOST_NAME;
	if (ug_sv_eq_nocase(name, UG_SV("MAC Address")))
		return UG_F_MAC_ADDRESS;
	return UG_F_NONE;
}

/* Columns from a header line (its names are trimmed: " TransactionID"). */
static int win_columns(win_state *st, ug_sv line)
{
	line = ug_sv_trim(line);
	if (line.n && line.p[line.n - 1] == '.')
		line.n--; /* the header line ends with a full stop */
	st->names = malloc(line.n ? line.n : 1);
	uint32_t n = 1;
	for (size_t i = 0; i < line.n; i++)
		n += line.p[i] == ',';
	st->cols = calloc(n, sizeof(win_col));
	if (!st->names || !st->cols)
		return UG_ERR_NOMEM;
	if (line.n)
		memcpy(st->names, line.p, line.n);
	ug_sv rest = ug_sv_make(st->names, line.n);
	while (st->ncols < n) {
		ug_sv name = ug_sv_trim(ug_sv_split_next(&rest, ','));
		st->cols[st->ncols++] = (win_col){name, win_canon(name)};
	}
	return UG_OK;
}

static void win_end(void *state)
{
	win_state *st = state;
	if (!st)
		return;
	free(st->cols);
	free(st->names);
	free(st);
}

static int win_begin(ug_sv head, const ug_input_opts *opts, void **state, ug_error *err)
{
	(void)opts;
	win_state *st = calloc(1, sizeof(*st));
	if (!st)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	ug_sv header = UG_SV(default_header);
	for (ug_sv rest = head; rest.n;) {
		ug_sv line = ug_sv_split_next(&rest, '\n');
		if (starts_header(line)) {
			header = line;
			st->header_end = (uint64_t)(rest.p - head.p);
			break;
		}
	}
	if (!ug_utf8_valid(header) || memchr(header.p, '\0', header.n))
		header = UG_SV(default_header);
	if (win_columns(st, header) != UG_OK || st->ncols < WIN_MIN_COLS) {
		win_end(st);
		return ug_error_set(err, UG_ERR_PARSE, "dhcp: header has fewer than 7 columns");
	}
	*state = st;
	return UG_OK;
}

/* IDs that mean "this IP is now this host's": new lease, renewal, BOOTP. */
static bool is_lease_id(ug_sv id)
{
	return ug_sv_eq_cstr(id, "10") || ug_sv_eq_cstr(id, "11") || ug_sv_eq_cstr(id, "20") ||
	       ug_sv_eq_cstr(id, "21");
}

/* Next comma-separated value of *rest, trimmed; *more: a comma followed. */
static ug_sv next_value(ug_sv *rest, bool *more)
{
	size_t comma = ug_sv_find_char(*rest, ',');
	*more = comma != SIZE_MAX;
	ug_sv v = *more ? ug_sv_sub(*rest, 0, comma) : *rest;
	*rest = *more ? ug_sv_sub(*rest, comma + 1, rest->n) : ug_sv_make(rest->p + rest->n, 0);
	return ug_sv_trim(v);
}

/* Columns 0..2 are ID, Date, Time; the rest are fields by header name. */
static const char *win_fields(ug_rec *r, const win_state *st, ug_sv line, ug_sv *c)
{
	ug_sv rest = line;
	bool more = true;
	uint32_t i = 0;
	for (; more; i++) {
		ug_sv v = next_value(&rest, &more);
		if (i >= st->ncols)
			return "dhcp: more columns than the header";
		if (i < 3)
			c[i] = v;
		else if (v.n &&
		         ug_event_add(r->ev, st->cols[i].name, v, st->cols[i].canon) != UG_OK)
			return "out of memory";
	}
	return i < WIN_MIN_COLS ? "dhcp: fewer than 7 columns" : NULL;
}

static void win_parse(ug_rec *r, ug_sv line)
{
	const win_state *st = r->file_state;
	if (!st || r->offset < st->header_end || ug_sv_trim(line).n == 0)
		return;
	ug_sv c[3] = {UG_SV_NULL, UG_SV_NULL, UG_SV_NULL};
	const char *why = win_fields(r, st, line, c);
	const ug_tz *tz = r->opts ? r->opts->input_tz : NULL;
	if (!why && !ug_sv_is_digits(c[0]))
		why = "dhcp: event ID is not a number";
	if (!why && ug_time_parse_us_date_time(c[1], c[2], tz, &r->ev->ts) != UG_OK)
		why = "dhcp: bad date or time";
	if (!why && ug_event_add(r->ev, UG_SV("ID"), c[0], UG_F_NONE) != UG_OK)
		why = "out of memory";
	if (why) {
		ug_rec_skip(r, why, line);
		return;
	}
	ug_sv host = ug_event_get(r->ev, UG_F_HOST_NAME);
	if (!host.n)
		host = ug_event_get(r->ev, UG_F_IP_ADDRESS);
	if (host.n && ug_event_set_host(r->ev, host) != UG_OK) {
		ug_rec_skip(r, "out of memory", line);
		return;
	}
	r->ev->kind = is_lease_id(c[0]) ? UG_KIND_DHCP_LEASE : UG_KIND_OTHER;
	ug_rec_emit(r);
}

const ug_format ug_fmt_dhcp_windows = {
    .name = "dhcp-windows",
    .summary = "Windows DHCP Server audit log (DhcpSrvLog-*.log), local time (--input-tz)",
    .framing = UG_FRAME_LINES,
    .detect = win_detect,
    .file_begin = win_begin,
    .file_end = win_end,
    .parse = win_parse,
};

/* ---- ISC dhcpd.leases ------------------------------------------------ */

/* A cursor over the whole file that counts lines as it goes. */
typedef struct lx {
	const char *p;
	size_t n, i;
	uint64_t line; /* 0-based lines before p[i] */
} lx;

static void lx_skip_space(lx *x)
{
	while (x->i < x->n) {
		char c = x->p[x->i];
		if (c == '#') {
			const char *nl = memchr(x->p + x->i, '\n', x->n - x->i);
			x->i = nl ? (size_t)(nl - x->p) : x->n;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
		           c == '\v') {
			x->line += c == '\n';
			x->i++;
		} else {
			break;
		}
	}
}

static bool is_delim(char c)
{
	return c != '\0' && strchr(" \t\r\n\f\v{};\"#", c) != NULL;
}

/* Next token: "{", "}", ";", a quoted string (quotes included) or a word.
 * Empty at the end of the data. */
static ug_sv lx_token(lx *x)
{
	lx_skip_space(x);
	size_t s = x->i;
	if (s >= x->n)
		return ug_sv_make(x->p + x->n, 0);
	char c = x->p[s];
	if (c == '{' || c == '}' || c == ';') {
		x->i++;
	} else if (c == '"') {
		for (x->i++; x->i < x->n && x->p[x->i] != '"'; x->i++) {
			x->line += x->p[x->i] == '\n';
			if (x->p[x->i] == '\\' && x->i + 1 < x->n)
				x->i++;
		}
		x->i = x->i < x->n ? x->i + 1 : x->n;
	} else {
		while (x->i < x->n && !is_delim(x->p[x->i]))
			x->i++;
	}
	return ug_sv_make(x->p + s, x->i - s);
}

static bool tok_is(ug_sv t, char c)
{
	return t.n == 1 && t.p[0] == c;
}

/* Skip to the end of the current statement or block: past the ';' or the
 * '}' that closes the block (depth counts the '{' already read). */
static void lx_skip_statement(lx *x, int depth)
{
	for (ug_sv t = lx_token(x); t.n; t = lx_token(x)) {
		if (tok_is(t, '{'))
			depth++;
		else if ((tok_is(t, '}') && --depth <= 0) || (tok_is(t, ';') && depth == 0))
			return;
	}
}

/* A statement inside a lease: its first token, the text after it and its
 * last token; ended by ';' (or a nested block, which is skipped). */
typedef struct stmt {
	ug_sv first, rest, last;
	const char *before_last_end; /* end of the token before last */
	int ntok;
	bool closed; /* ended by ';' */
} stmt;

static bool lx_statement(lx *x, ug_sv first, stmt *s)
{
	memset(s, 0, sizeof(*s));
	s->first = s->last = first;
	s->ntok = 1;
	s->before_last_end = first.p;
	const char *rest_start = NULL;
	for (;;) {
		ug_sv t = lx_token(x);
		if (!t.n)
			return false;
		if (tok_is(t, ';')) {
			s->closed = true;
			return true;
		}
		if (tok_is(t, '{')) { /* "on expiry { ... }" */
			lx_skip_statement(x, 1);
			return true;
		}
		if (tok_is(t, '}'))
			return false;
		if (!rest_start)
			rest_start = t.p;
		s->before_last_end = s->last.p + s->last.n;
		s->last = t;
		s->ntok++;
		s->rest = ug_sv_make(rest_start, (size_t)(t.p + t.n - rest_start));
	}
}

static ug_sv unquote(ug_sv t)
{
	if (t.n >= 2 && t.p[0] == '"' && t.p[t.n - 1] == '"')
		return ug_sv_sub(t, 1, t.n - 2);
	return t;
}

/* dhcpd's string escapes: \" \\ and \ooo octal; kept as written otherwise. */
static ug_sv unescape_string(ug_arena *a, ug_sv s)
{
	if (!s.n || !memchr(s.p, '\\', s.n))
		return s;
	char *out = ug_arena_alloc(a, s.n);
	if (!out)
		return UG_SV_NULL;
	size_t n = 0;
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		if (c == '\\' && i + 3 < s.n && s.p[i + 1] >= '0' && s.p[i + 1] <= '3' &&
		    s.p[i + 2] >= '0' && s.p[i + 2] <= '7' && s.p[i + 3] >= '0' &&
		    s.p[i + 3] <= '7') {
			int v =
			    (s.p[i + 1] - '0') * 64 + (s.p[i + 2] - '0') * 8 + (s.p[i + 3] - '0');
			if (v >= 0x20 && v < 0x7f) {
				out[n++] = (char)v;
				i += 3;
				continue;
			}
		} else if (c == '\\' && i + 1 < s.n && (s.p[i + 1] == '"' || s.p[i + 1] == '\\')) {
			c = s.p[++i];
		}
		out[n++] = c;
	}
	return ug_sv_make(out, n);
}

/* "2 2026/01/20 10:00:00" (weekday, UTC date and time) or "epoch 1768903200". */
static int lease_time(ug_sv v, ug_time *out)
{
	size_t sp = ug_sv_find_char(v, ' ');
	if (sp == SIZE_MAX)
		return UG_ERR_PARSE;
	ug_sv word = ug_sv_sub(v, 0, sp), rest = ug_sv_trim(ug_sv_sub(v, sp + 1, v.n));
	if (ug_sv_eq_cstr(word, "epoch"))
		return ug_time_parse_epoch(rest, out);
	if (word.n != 1 || word.p[0] < '0' || word.p[0] > '6')
		return UG_ERR_PARSE;
	return ug_time_parse_iso8601(rest, NULL, out);
}

typedef struct lease {
	ug_rec *r;
	bool has_start;
	ug_sv hostname;
	const char *why; /* first problem */
} lease;

static bool is_time_word(ug_sv w)
{
	static const char *const words[] = {"starts", "ends", "tstp", "tsfp", "atsfp", "cltt"};
	for (size_t i = 0; i < UG_ARRAY_LEN(words); i++)
		if (ug_sv_eq_cstr(w, words[i]))
			return true;
	return false;
}

static void add(lease *l, ug_sv name, ug_sv value, ug_field_id canon)
{
	if (ug_event_add(l->r->ev, name, value, canon) != UG_OK && !l->why)
		l->why = "out of memory";
}

/* One statement of a lease block -> fields. */
static void lease_statement(lease *l, const stmt *s)
{
	ug_event *ev = l->r->ev;
	if (s->ntok == 1) {
		add(l, s->first, UG_SV(""), UG_F_NONE); /* "abandoned;" */
	} else if (is_time_word(s->first)) {
		add(l, s->first, s->rest, UG_F_NONE);
		if (ug_sv_eq_cstr(s->first, "starts") && !ug_sv_eq_cstr(s->rest, "never")) {
			l->has_start = lease_time(s->rest, &ev->ts) == UG_OK;
			if (!l->has_start && !l->why)
				l->why = "dhcpd.leases: bad starts time";
		}
	} else if (ug_sv_eq_cstr(s->first, "set") && s->ntok >= 4) { /* set name = value */
		ug_sv name = ug_sv_trim(ug_sv_split_next(&(ug_sv){s->rest.p, s->rest.n}, '='));
		add(l, name, unquote(s->last), UG_F_NONE);
	} else if (ug_sv_eq_cstr(s->first, "client-hostname")) {
		l->hostname = unescape_string(l->r->arena, unquote(s->last));
		if (!l->hostname.p && !l->why)
			l->why = "out of memory";
		add(l, s->first, l->hostname, UG_F_HOST_NAME);
	} else if (ug_sv_eq_cstr(s->first, "hardware")) {
		add(l, ug_sv_make(s->first.p, (size_t)(s->before_last_end - s->first.p)), s->last,
		    UG_F_MAC_ADDRESS);
	} else { /* "binding state active", "uid \"...\"" */
		add(l, ug_sv_make(s->first.p, (size_t)(s->before_last_end - s->first.p)),
		    unquote(s->last), UG_F_NONE);
	}
}

/* Body of "lease IP {": statements up to the closing '}'. */
static const char *lease_body(lx *x, lease *l)
{
	for (;;) {
		ug_sv t = lx_token(x);
		if (!t.n)
			return "dhcpd.leases: lease block not closed";
		if (tok_is(t, '}'))
			return NULL;
		if (tok_is(t, ';') || tok_is(t, '{')) {
			if (tok_is(t, '{'))
				lx_skip_statement(x, 1);
			continue;
		}
		stmt s;
		bool ok = lx_statement(x, t, &s);
		lease_statement(l, &s);
		if (!ok)
			return x->i >= x->n ? "dhcpd.leases: lease block not closed"
			                    : "dhcpd.leases: statement not ended by ';'";
	}
}

/* Values are views into the file, which nothing else checked: a lease is
 * read only when its text is NUL-free UTF-8. */
static bool lease_text_ok(ug_sv data, size_t from, size_t to)
{
	ug_sv s = ug_sv_sub(data, from, to - from);
	return ug_utf8_valid(s) && !(s.n && memchr(s.p, '\0', s.n));
}

static void read_lease(ug_rec *r, lx *x, ug_sv whole)
{
	lease l = {.r = r};
	size_t start = x->i;
	ug_sv ip = lx_token(x);
	ug_sv brace = lx_token(x);
	const char *why = NULL;
	if (!ug_ip_is_literal(ip) || !tok_is(brace, '{')) {
		why = "dhcpd.leases: expected 'lease <IP> {'";
		if (tok_is(brace, '{'))
			lx_skip_statement(x, 1);
	} else {
		add(&l, UG_SV("lease"), ip, UG_F_IP_ADDRESS);
		why = lease_body(x, &l);
	}
	if (!why)
		why = l.why;
	if (!why && !lease_text_ok(ug_sv_make(x->p, x->n), start, x->i))
		why = "dhcpd.leases: NUL byte or invalid UTF-8 in lease";
	if (!why && !l.has_start)
		why = "dhcpd.leases: lease without a starts time";
	if (!why && ug_event_set_host(r->ev, l.hostname.n ? l.hostname : ip) != UG_OK)
		why = "out of memory";
	if (why) {
		ug_rec_skip(r, why, whole);
		return;
	}
	r->ev->kind = UG_KIND_DHCP_LEASE;
	ug_rec_emit(r);
}

static bool is_v6_block(ug_sv t)
{
	return ug_sv_eq_cstr(t, "lease6") || ug_sv_eq_cstr(t, "ia-na") ||
	       ug_sv_eq_cstr(t, "ia-ta") || ug_sv_eq_cstr(t, "ia-pd");
}

static void leases_parse(ug_rec *r, ug_sv data)
{
	lx x = {data.p, data.n, 0, 0};
	uint64_t line0 = r->line, off0 = r->offset;
	for (;;) {
		lx_skip_space(&x);
		if (x.i >= x.n)
			return;
		r->line = line0 + x.line;
		r->offset = off0 + x.i;
		size_t start = x.i;
		ug_sv t = lx_token(&x);
		if (ug_sv_eq_cstr(t, "lease")) {
			read_lease(r, &x, ug_sv_sub(data, start, x.n));
			continue;
		}
		lx_skip_statement(&x, 0); /* host, failover, server-duid, ...: not leases */
		if (is_v6_block(t))
			ug_rec_skip(r, "dhcpd.leases: IPv6 leases are not read",
			            ug_sv_sub(data, start, 96));
	}
}

static int leases_detect(ug_sv head, const char *path)
{
	ug_sv base = ug_path_basename(ug_sv_from(path ? path : ""));
	if (ug_sv_find(head, UG_SV("dhcpd.leases(5)")) != SIZE_MAX)
		return 95;
	bool named = ug_sv_find(base, UG_SV(".leases")) != SIZE_MAX;
	bool block = ug_sv_starts_with(head, UG_SV("lease ")) ||
	             ug_sv_find(head, UG_SV("\nlease ")) != SIZE_MAX;
	return block ? (named ? 95 : 70) : (named ? 40 : 0);
}

const ug_format ug_fmt_dhcpd_leases = {
    .name = "dhcpd-leases",
    .summary = "ISC dhcpd.leases (lease IP { starts ...; hardware ethernet ...; ... })",
    .framing = UG_FRAME_WHOLE,
    .detect = leases_detect,
    .parse = leases_parse,
};
