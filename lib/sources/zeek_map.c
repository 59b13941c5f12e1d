/* zeek_map.c — Zeek field names -> canonical fields and event kinds (see
 * zeek_map.h). The table is small and looked up once per column per file for
 * TSV, once per key per record for JSON: a length check rejects most rows. */
#include <string.h>

#include "core/str.h"
#include "sources/url.h"
#include "sources/zeek_map.h"

#define ALL  0xffffu
#define L(x) (1u << UG_ZEEK_##x)

typedef struct zeek_entry {
	unsigned logs; /* bit set of ug_zeek_log */
	const char *name;
	uint8_t len;
	ug_zeek_col col;
} zeek_entry;

// clang-format off
#define E(logs, name, canon, alias, role) \
	{logs, name, sizeof(name) - 1, {UG_F_##canon, UG_F_##alias, UG_ZR_##role}}

/* First match wins: log-specific rows come before ALL rows of the same name. */
static const zeek_entry table[] = {
	E(ALL, "ts", NONE, NONE, TS),
	E(L(HTTP), "id.orig_h", SOURCE_IP, C_IP, ORIG_H),
	E(ALL, "id.orig_h", SOURCE_IP, NONE, ORIG_H),
	E(ALL, "id.orig_p", SOURCE_PORT, NONE, NONE),
	E(ALL, "id.resp_h", DESTINATION_IP, NONE, NONE),
	E(ALL, "id.resp_p", DESTINATION_PORT, NONE, NONE),
	E(L(CONN) | L(DNS), "proto", PROTOCOL, NONE, NONE),
	/* conn: payload bytes each way (the proxy taxonomy's names) */
	E(L(CONN), "orig_bytes", CS_BYTES, NONE, NONE),
	E(L(CONN), "resp_bytes", SC_BYTES, NONE, NONE),
	/* dns */
	E(L(DNS), "query", QUERY_NAME, NONE, NONE),
	E(L(DNS), "answers", QUERY_RESULTS, NONE, NONE),
	E(L(DNS), "rcode", QUERY_STATUS, NONE, NONE),
	/* http (host and uri become c-uri, cs-host, ... in ug_zeek_finish) */
	E(L(HTTP), "host", NONE, NONE, HTTP_HOST),
	E(L(HTTP), "uri", NONE, NONE, HTTP_URI),
	E(L(HTTP), "method", CS_METHOD, NONE, HTTP_METHOD),
	E(L(HTTP), "status_code", SC_STATUS, NONE, NONE),
	E(L(HTTP), "user_agent", C_USERAGENT, NONE, NONE),
	E(L(HTTP), "referrer", CS_REFERRER, NONE, NONE),
	E(L(HTTP), "request_body_len", CS_BYTES, NONE, NONE),
	E(L(HTTP), "response_body_len", SC_BYTES, NONE, NONE),
	E(L(HTTP), "resp_mime_types", CS_MIME, NONE, NONE),
	/* ssl */
	E(L(SSL), "server_name", DESTINATION_HOSTNAME, NONE, NONE),
	/* files */
	E(L(FILES), "rx_hosts", NONE, NONE, RX_HOSTS),
	E(L(FILES), "md5", NONE, NONE, MD5),
	E(L(FILES), "sha1", NONE, NONE, SHA1),
	E(L(FILES), "sha256", NONE, NONE, SHA256),
	/* dhcp */
	E(L(DHCP), "assigned_addr", IP_ADDRESS, NONE, DHCP_ASSIGNED),
	E(L(DHCP), "host_name", HOST_NAME, NONE, DHCP_HOST),
	E(L(DHCP), "client_fqdn", NONE, NONE, DHCP_FQDN),
	E(L(DHCP), "client_addr", NONE, NONE, DHCP_CLIENT),
	E(L(DHCP), "mac", MAC_ADDRESS, NONE, NONE),
};
// clang-format on

static const struct {
	const char *path;
	ug_zeek_log log;
	ug_event_kind kind;
} logs[] = {
    {"other", UG_ZEEK_OTHER, UG_KIND_OTHER},       {"conn", UG_ZEEK_CONN, UG_KIND_NETWORK_CONNECT},
    {"dns", UG_ZEEK_DNS, UG_KIND_DNS_QUERY},       {"http", UG_ZEEK_HTTP, UG_KIND_HTTP_REQUEST},
    {"ssl", UG_ZEEK_SSL, UG_KIND_NETWORK_CONNECT}, {"files", UG_ZEEK_FILES, UG_KIND_OTHER},
    {"x509", UG_ZEEK_X509, UG_KIND_OTHER},         {"weird", UG_ZEEK_WEIRD, UG_KIND_OTHER},
    {"dhcp", UG_ZEEK_DHCP, UG_KIND_DHCP_LEASE},
};

ug_zeek_log ug_zeek_log_from_path(ug_sv path)
{
	for (size_t i = 1; i < UG_ARRAY_LEN(logs); i++)
		if (ug_sv_eq_cstr(path, logs[i].path))
			return logs[i].log;
	return UG_ZEEK_OTHER;
}

const char *ug_zeek_log_name(ug_zeek_log log)
{
	return (unsigned)log < UG_ARRAY_LEN(logs) ? logs[log].path : "other";
}

ug_event_kind ug_zeek_kind(ug_zeek_log log)
{
	return (unsigned)log < UG_ARRAY_LEN(logs) ? logs[log].kind : UG_KIND_OTHER;
}

/* "id.orig_h" in the table matches "id.orig_h" and "id_orig_h". */
static bool name_eq(const zeek_entry *e, ug_sv name)
{
	if (e->len != name.n)
		return false;
	for (size_t i = 0; i < name.n; i++) {
		char t = e->name[i], c = name.p[i];
		if (t != c && !(t == '.' && c == '_'))
			return false;
	}
	return true;
}

ug_zeek_col ug_zeek_map(ug_zeek_log log, ug_sv name)
{
	unsigned bit = 1u << log;
	for (size_t i = 0; i < UG_ARRAY_LEN(table); i++)
		if ((table[i].logs & bit) && name_eq(&table[i], name))
			return table[i].col;
	return (ug_zeek_col){UG_F_NONE, UG_F_NONE, UG_ZR_NONE};
}

int ug_zeek_add(ug_event *ev, ug_zeek_vals *vals, ug_zeek_col col, ug_sv name, ug_sv value)
{
	if (col.role != UG_ZR_NONE && col.role < UG_ZR__COUNT)
		vals->v[col.role] = value;
	int rc = ug_event_add(ev, name, value, (ug_field_id)col.canon);
	if (col.alias != UG_F_NONE)
		rc |= ug_src_add_canon(ev, (ug_field_id)col.alias, value);
	return rc ? UG_ERR_NOMEM : UG_OK;
}

int ug_zeek_parse_ts(ug_sv s, ug_time *out)
{
	if (ug_time_parse_epoch(s, out) == UG_OK)
		return UG_OK;
	return ug_time_parse_iso8601(s, NULL, out);
}

/* ---- finishing ------------------------------------------------------- */

static int set_host(ug_event *ev, ug_zeek_log log, const ug_zeek_vals *vals)
{
	const ug_sv *v = vals->v;
	ug_sv host = v[UG_ZR_ORIG_H];
	if (log == UG_ZEEK_DHCP) {
		host = v[UG_ZR_DHCP_HOST].n ? v[UG_ZR_DHCP_HOST] : v[UG_ZR_DHCP_FQDN];
		if (!host.n)
			host = v[UG_ZR_DHCP_ASSIGNED].n ? v[UG_ZR_DHCP_ASSIGNED]
			                                : v[UG_ZR_DHCP_CLIENT];
	} else if (!host.n && ug_sv_find_char(v[UG_ZR_RX_HOSTS], ',') == SIZE_MAX) {
		host = v[UG_ZR_RX_HOSTS]; /* old files.log: the one receiving host */
	}
	return host.n ? ug_event_set_host(ev, host) : UG_OK;
}

/* c-uri: the uri as logged when absolute (proxy requests), else
 * "http://" host uri; and its parts. */
static int http_fields(ug_event *ev, const ug_zeek_vals *vals, ug_arena *arena)
{
	ug_sv host = vals->v[UG_ZR_HTTP_HOST], uri = vals->v[UG_ZR_HTTP_URI];
	bool connect = ug_sv_eq_cstr(vals->v[UG_ZR_HTTP_METHOD], "CONNECT");
	ug_sv url = uri;
	if (uri.n && host.n && uri.p[0] == '/') {
		char *p = ug_arena_alloc(arena, 7 + host.n + uri.n);
		if (!p)
			return UG_ERR_NOMEM;
		/* p becomes a sized ug_sv, not a C string: no terminator is wanted */
		memcpy(p, "http://", 7); /* NOLINT(bugprone-not-null-terminated-result) */
		memcpy(p + 7, host.p, host.n);
		memcpy(p + 7 + host.n, uri.p, uri.n);
		url = ug_sv_make(p, 7 + host.n + uri.n);
	}
	ug_url u = {0};
	int rc = UG_OK;
	if (url.n) {
		rc |= ug_src_add_canon(ev, UG_F_C_URI, url);
		ug_url_split(url, connect, &u);
	}
	if (!u.host.n && host.n) /* no usable uri: the Host header alone */
		ug_url_split(host, true, &u);
	if (u.host.n) {
		rc |= ug_src_add_canon(ev, UG_F_CS_HOST, u.host);
		if (!ug_ip_is_literal(u.host))
			rc |= ug_src_add_canon(ev, UG_F_DESTINATION_HOSTNAME, u.host);
	}
	if (u.stem.n)
		rc |= ug_src_add_canon(ev, UG_F_C_URI_STEM, u.stem);
	if (u.query.n)
		rc |= ug_src_add_canon(ev, UG_F_C_URI_QUERY, u.query);
	if (u.ext.n)
		rc |= ug_src_add_canon(ev, UG_F_C_URI_EXTENSION, u.ext);
	return rc ? UG_ERR_NOMEM : UG_OK;
}

/* Hashes in Sysmon's form: "MD5=...,SHA1=...,SHA256=...". */
static int hashes_field(ug_event *ev, const ug_zeek_vals *vals, ug_arena *arena)
{
	static const char *const names[] = {"MD5=", "SHA1=", "SHA256="};
	const ug_sv *h = &vals->v[UG_ZR_MD5];
	size_t n = 0;
	for (int i = 0; i < 3; i++)
		n += h[i].n ? strlen(names[i]) + h[i].n + 1 : 0;
	if (n == 0)
		return UG_OK;
	char *p = ug_arena_alloc(arena, n);
	if (!p)
		return UG_ERR_NOMEM;
	size_t at = 0;
	for (int i = 0; i < 3; i++) {
		if (!h[i].n)
			continue;
		if (at)
			p[at++] = ',';
		memcpy(p + at, names[i], strlen(names[i]));
		at += strlen(names[i]);
		memcpy(p + at, h[i].p, h[i].n);
		at += h[i].n;
	}
	return ug_src_add_canon(ev, UG_F_HASHES, ug_sv_make(p, at));
}

int ug_zeek_finish(ug_event *ev, ug_zeek_log log, const ug_zeek_vals *vals, ug_arena *arena)
{
	ev->kind = ug_zeek_kind(log);
	int rc = set_host(ev, log, vals);
	if (log == UG_ZEEK_HTTP)
		rc |= http_fields(ev, vals, arena);
	else if (log == UG_ZEEK_FILES)
		rc |= hashes_field(ev, vals, arena);
	return rc ? UG_ERR_NOMEM : UG_OK;
}

/* ---- TSV escapes ----------------------------------------------------- */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = ug_ascii_lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Byte of "\xHH" at s.p[i], or -1. */
static int hex_escape(ug_sv s, size_t i)
{
	if (i + 3 >= s.n || s.p[i] != '\\' || s.p[i + 1] != 'x')
		return -1;
	int hi = hex_digit(s.p[i + 2]), lo = hex_digit(s.p[i + 3]);
	return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
}

/* Escapes of one UTF-8 sequence starting at s.p[i] ("\xe2\x98\x83") into
 * out; returns the bytes written, 0 when they are not valid UTF-8. */
static size_t utf8_escapes(ug_sv s, size_t i, char *out)
{
	unsigned char seq[4];
	int lead = hex_escape(s, i);
	size_t len = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	for (size_t k = 0; k < len; k++) {
		int b = hex_escape(s, i + 4 * k);
		if (b < 0)
			return 0;
		seq[k] = (unsigned char)b;
	}
	if (ug_utf8_valid_prefix(seq, len) != len)
		return 0;
	memcpy(out, seq, len);
	return len;
}

/* Decode into out (room for s.n bytes: no escape decodes longer than itself). */
static size_t unescape_into(ug_sv s, char *out)
{
	size_t n = 0;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] == '\\' && i + 1 < s.n && s.p[i + 1] == '\\') {
			out[n++] = '\\';
			i++;
			continue;
		}
		int b = hex_escape(s, i);
		if (b > 0 && b < 0x80) { /* "\x00" stays as written: no NUL in values */
			out[n++] = (char)b;
			i += 3;
			continue;
		}
		size_t len = b >= 0x80 ? utf8_escapes(s, i, out + n) : 0;
		if (len) {
			n += len;
			i += 4 * len - 1;
			continue;
		}
		out[n++] = s.p[i]; /* kept as written, e.g. "\xff" */
	}
	return n;
}

ug_sv ug_zeek_unescape(ug_arena *arena, ug_sv s)
{
	if (s.n == 0 || !memchr(s.p, '\\', s.n))
		return s;
	char *out = ug_arena_alloc(arena, s.n);
	if (!out)
		return UG_SV_NULL;
	return ug_sv_make(out, unescape_into(s, out));
}
