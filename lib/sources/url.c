/* url.c — URL -> proxy taxonomy fields (see url.h). Views only, no copies:
 * this runs once per proxy log line. */
#include <string.h>

#include "core/str.h"
#include "sources/url.h"

static ug_sv default_port(ug_sv scheme)
{
	if (ug_sv_eq_nocase(scheme, UG_SV("http")) || ug_sv_eq_nocase(scheme, UG_SV("ws")))
		return UG_SV("80");
	if (ug_sv_eq_nocase(scheme, UG_SV("https")) || ug_sv_eq_nocase(scheme, UG_SV("wss")))
		return UG_SV("443");
	if (ug_sv_eq_nocase(scheme, UG_SV("ftp")))
		return UG_SV("21");
	return UG_SV_NULL;
}

/* "user:pw@host:port", "[::1]:8080", "host" -> host and port. */
static void split_authority(ug_sv a, ug_url *u)
{
	size_t at = ug_sv_rfind_char(a, '@');
	if (at != SIZE_MAX)
		a = ug_sv_sub(a, at + 1, a.n);
	if (a.n && a.p[0] == '[') {
		size_t close = ug_sv_find_char(a, ']');
		if (close != SIZE_MAX) {
			u->host = ug_sv_sub(a, 1, close - 1);
			ug_sv rest = ug_sv_sub(a, close + 1, a.n);
			if (rest.n > 1 && rest.p[0] == ':' &&
			    ug_sv_is_digits(ug_sv_sub(rest, 1, rest.n)))
				u->port = ug_sv_sub(rest, 1, rest.n);
			return;
		}
	}
	size_t colon = ug_sv_rfind_char(a, ':');
	/* one colon followed by digits is a port; more colons is a bare IPv6 */
	if (colon != SIZE_MAX && ug_sv_find_char(a, ':') == colon &&
	    ug_sv_is_digits(ug_sv_sub(a, colon + 1, a.n))) {
		u->host = ug_sv_sub(a, 0, colon);
		u->port = ug_sv_sub(a, colon + 1, a.n);
	} else {
		u->host = a;
	}
}

/* "/dir/file.exe?x=1#frag" -> stem, query, extension. */
static void split_path(ug_sv p, ug_url *u)
{
	size_t hash = ug_sv_find_char(p, '#');
	if (hash != SIZE_MAX)
		p.n = hash;
	size_t q = ug_sv_find_char(p, '?');
	if (q != SIZE_MAX) {
		u->query = ug_sv_sub(p, q + 1, p.n);
		p.n = q;
	}
	u->stem = p;
	size_t slash = ug_sv_rfind_char(p, '/');
	ug_sv last = slash == SIZE_MAX ? p : ug_sv_sub(p, slash + 1, p.n);
	size_t dot = ug_sv_rfind_char(last, '.');
	if (dot != SIZE_MAX && dot + 1 < last.n)
		u->ext = ug_sv_sub(last, dot + 1, last.n);
}

/* Length of "scheme" when s starts with "scheme://", else 0. */
static size_t scheme_len(ug_sv s)
{
	size_t i = 0;
	while (i < s.n && i < 32) {
		char c = s.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))))
			break;
		i++;
	}
	if (i == 0 || s.n - i < 3 || memcmp(s.p + i, "://", 3) != 0)
		return 0;
	return i;
}

bool ug_url_split(ug_sv url, bool authority_only, ug_url *u)
{
	memset(u, 0, sizeof(*u));
	if (authority_only) {
		split_authority(url, u);
		return u->host.n > 0;
	}
	size_t sl = scheme_len(url);
	if (sl) {
		u->scheme = ug_sv_sub(url, 0, sl);
		ug_sv rest = ug_sv_sub(url, sl + 3, url.n);
		size_t end = 0;
		while (end < rest.n && rest.p[end] != '/' && rest.p[end] != '?' &&
		       rest.p[end] != '#')
			end++;
		split_authority(ug_sv_sub(rest, 0, end), u);
		if (!u->port.n)
			u->port = default_port(u->scheme);
		split_path(ug_sv_sub(rest, end, rest.n), u);
		return true;
	}
	if (url.n && url.p[0] == '/') {
		split_path(url, u);
		return true;
	}
	return false;
}

int ug_url_add_fields(ug_event *ev, ug_sv url, bool authority_only)
{
	int rc = ug_src_add_canon(ev, UG_F_C_URI, url);
	ug_url u;
	if (!ug_url_split(url, authority_only, &u))
		return rc;
	if (u.host.n) {
		rc |= ug_src_add_canon(ev, UG_F_CS_HOST, u.host);
		rc |= ug_src_add_canon(
		    ev, ug_ip_is_literal(u.host) ? UG_F_DESTINATION_IP : UG_F_DESTINATION_HOSTNAME,
		    u.host);
	}
	if (u.port.n)
		rc |= ug_src_add_canon(ev, UG_F_DESTINATION_PORT, u.port);
	if (u.stem.n)
		rc |= ug_src_add_canon(ev, UG_F_C_URI_STEM, u.stem);
	if (u.query.n)
		rc |= ug_src_add_canon(ev, UG_F_C_URI_QUERY, u.query);
	if (u.ext.n)
		rc |= ug_src_add_canon(ev, UG_F_C_URI_EXTENSION, u.ext);
	return rc ? UG_ERR_NOMEM : UG_OK;
}
