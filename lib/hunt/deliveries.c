/* deliveries.c — pass 1: who got the product's update, when, from where.
 *
 * Endpoint side: every process whose image is one of the profile's updaters
 * opens a session (keyed by host and ProcessGuid, or ProcessId when there is
 * no GUID); its connections, DNS queries, file writes and children join it.
 * Network side: HTTP requests, TLS connections (SNI) and DNS queries to the
 * update hosts open a session per client IP; a large transfer from the same
 * client right after a manifest fetch is the package (updaters download from
 * wherever the manifest points). After the pass, client IPs are mapped to
 * hosts at that time and sessions of one host that overlap (clock skew
 * tolerated) become one contact; a contact that brought something down (a
 * package-sized transfer, files written or processes started by the updater)
 * is a delivery. Pass 1 also notes each destination's first sighting in the
 * fleet, so pass 2 can tell new destinations from old ones.
 */
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "hunt/hunt_int.h"

#define SESSION_GAP (30 * UG_NS_PER_MIN)   /* a quiet updater process starts a new session */
#define PACKAGE_FOLLOW (2 * UG_NS_PER_MIN) /* package fetched this soon after the manifest */
#define PACKAGE_BYTES ((uint64_t)200 * 1024)       /* a manifest is small; a package is not */

bool hu_is_endpoint(const ug_event *ev)
{
	return ev->channel.n > 0 || ev->event_id != 0;
}

static bool is_private_ip(ug_sv ip)
{
	return ug_sv_starts_with(ip, UG_SV("10.")) || ug_sv_starts_with(ip, UG_SV("192.168.")) ||
	       ug_sv_starts_with(ip, UG_SV("127.")) || ug_sv_starts_with(ip, UG_SV("169.254.")) ||
	       ug_sv_starts_with(ip, UG_SV("172.16.")) || ug_sv_starts_with(ip, UG_SV("0.")) ||
	       ug_sv_eq(ip, UG_SV("::1")) || ug_sv_starts_with_nocase(ip, UG_SV("fe80:")) ||
	       (ug_sv_starts_with(ip, UG_SV("172.")) && ip.n > 6 && ip.p[4] >= '1' && ip.p[4] <= '3' &&
	        ip.p[6] == '.' && !(ip.p[4] == '1' && ip.p[5] < '6') && !(ip.p[4] == '3' && ip.p[5] > '1'));
}

ug_sv hu_domain_of(ug_sv name)
{
	if (ug_ip_is_literal(name))
		return name;
	while (name.n && name.p[name.n - 1] == '.')
		name.n--;
	size_t dots[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
	int nd = 0;
	for (size_t i = name.n; i-- > 0 && nd < 3;)
		if (name.p[i] == '.')
			dots[nd++] = i;
	if (nd < 2)
		return name;
	/* "example.co.uk": a short second-level label under a two-letter TLD */
	size_t tld = name.n - dots[0] - 1, sld = dots[0] - dots[1] - 1;
	if (tld == 2 && sld <= 3 && nd >= 3)
		return ug_sv_sub(name, dots[2] + 1, name.n);
	if (tld == 2 && sld <= 3 && nd == 2)
		return ug_sv_sub(name, dots[1] + 1, name.n);
	return ug_sv_sub(name, dots[1] + 1, name.n);
}

ug_sv hu_event_dest(const ug_event *ev)
{
	ug_sv d = UG_SV_NULL;
	switch (ev->kind) {
	case UG_KIND_DNS_QUERY:
		d = ug_event_get(ev, UG_F_QUERY_NAME);
		break;
	case UG_KIND_HTTP_REQUEST:
		d = ug_event_get(ev, UG_F_CS_HOST);
		if (!d.n)
			d = ug_event_get(ev, UG_F_DESTINATION_HOSTNAME);
		break;
	case UG_KIND_NETWORK_CONNECT:
		if (hu_is_endpoint(ev)) {
			d = ug_event_get(ev, UG_F_DESTINATION_IP); /* Sysmon's host name is a PTR */
		} else {
			d = ug_event_get(ev, UG_F_DESTINATION_HOSTNAME);
		}
		break;
	default:
		break;
	}
	d = ug_sv_trim(d);
	if (!d.n || ug_sv_eq(d, UG_SV("-")) || (ug_ip_is_literal(d) && is_private_ip(d)))
		return UG_SV_NULL;
	if (ev->kind == UG_KIND_DNS_QUERY && ug_sv_find_char(d, '.') == SIZE_MAX)
		return UG_SV_NULL; /* single-label names stay inside */
	return d;
}

/* --- destinations --- */

static void note_dest(hu_run *r, const ug_event *ev)
{
	ug_sv d = hu_event_dest(ev);
	if (!d.n)
		return;
	d = hu_domain_of(d);
	bool created = false;
	ug_map_entry *e = ug_map_upsert(&r->dests, d, &created);
	if (!e)
		return;
	if (created) {
		hu_dest *x = ug_arena_calloc(&r->arena, 1, sizeof(*x));
		if (!x)
			return;
		x->first_seen = ev->ts;
		e->value = x;
	}
	hu_dest *x = e->value;
	if (x && ev->ts < x->first_seen)
		x->first_seen = ev->ts;
}

/* --- sessions --- */

/* A new session at the end (chunks never move); NULL on OOM. */
static hu_session *sess_push(hu_run *r)
{
	size_t c = r->nsess >> HU_SESS_CHUNK_BITS;
	if (!(r->nsess & (HU_SESS_CHUNK - 1))) {
		/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers grows by a pointer */
		if (c == r->capchunks && !hu_grow((void **)&r->sess, &r->capchunks, c + 1, sizeof(*r->sess)))
			return NULL;
		if (!(r->sess[c] = malloc(HU_SESS_CHUNK * sizeof(hu_session))))
			return NULL;
	}
	return hu_sess(r, r->nsess++);
}

/* key: hu_key2(host, process guid) for an updater process, the hash of the
 * client address for a network client. */
static hu_session *session_touch(hu_run *r, uint64_t key, ug_time t, uint32_t host, ug_sv ip,
                                 const ug_event *ev, bool *fresh)
{
	*fresh = false;
	bool created = false;
	uint32_t *slot = hu_set_upsert(&r->sess_by_key, key, &created);
	if (!slot)
		return NULL;
	size_t idx = *slot;
	if (idx) {
		hu_session *s = hu_sess(r, idx - 1);
		if (t <= s->end + SESSION_GAP && t >= s->start - SESSION_GAP) {
			s->start = UG_MIN(s->start, t);
			s->end = UG_MAX(s->end, t);
			return s;
		}
	}
	hu_session s = {.host = host, .start = t, .end = t, .prov = {ev->source, ev->record}};
	s.ip = ip.n ? hu_intern(r, ip) : NULL;
	hu_session *n = r->nsess < UINT32_MAX - 1 ? sess_push(r) : NULL;
	if (!n)
		return NULL;
	*n = s;
	*slot = (uint32_t)r->nsess; /* index + 1; the push did not touch the set */
	*fresh = true;
	return n;
}

static ug_sv sha256_of(ug_sv hashes)
{
	size_t i = ug_sv_find_nocase(hashes, UG_SV("SHA256="));
	if (i == SIZE_MAX)
		return UG_SV_NULL;
	ug_sv rest = ug_sv_sub(hashes, i + 7, hashes.n);
	return ug_sv_split_next(&rest, ',');
}

static ug_sv proc_id(const ug_event *ev, bool parent)
{
	ug_sv g = ug_event_get(ev, parent ? UG_F_PARENT_PROCESS_GUID : UG_F_PROCESS_GUID);
	if (!g.n)
		g = ug_event_get(ev, parent ? UG_F_PARENT_PROCESS_ID : UG_F_PROCESS_ID);
	return g;
}

static void updater_event(hu_run *r, hu_host *h, const ug_event *ev)
{
	uint64_t key = hu_key2(ev->host, proc_id(ev, false), false);
	bool fresh;
	hu_session *s = session_touch(r, key, ev->ts, h->id, UG_SV_NULL, ev, &fresh);
	if (!s)
		return;
	s->seen |= UG_SEEN_ENDPOINT;
	if (fresh) {
		s->proc_key = key;
		hu_footprint_note(r, ug_event_get(ev, UG_F_IMAGE), true);
	}
	if (ev->kind == UG_KIND_PROCESS_START)
		s->root = !ug_profile_is_updater(r->prof, ug_event_get(ev, UG_F_PARENT_IMAGE));
	ug_sv sha;
	switch (ev->kind) {
	case UG_KIND_PROCESS_START:
		sha = sha256_of(ug_event_get(ev, UG_F_HASHES));
		if (sha.n && !s->sha256)
			s->sha256 = hu_intern(r, sha);
		break;
	case UG_KIND_REGISTRY_SET:
		/* an updater that makes itself or something persistent acted on the
		 * host even when it wrote no file (a trojanised updater can) */
		if (ug_sv_contains_nocase(ug_event_get(ev, UG_F_TARGET_OBJECT), UG_SV("\\currentversion\\run")))
			s->download = true;
		break;
	case UG_KIND_FILE_CREATE:
		s->download = true;
		hu_append_list(r, &s->files, ug_event_get(ev, UG_F_TARGET_FILENAME), '|');
		/* where the updater itself puts packages, learned from normal deliveries */
		if (s->root && !hu_in_window(r, ev->ts))
			hu_footprint_note(r, ug_event_get(ev, UG_F_TARGET_FILENAME), false);
		break;
	case UG_KIND_DNS_QUERY: {
		ug_sv q = ug_event_get(ev, UG_F_QUERY_NAME);
		if (!s->server && ug_profile_is_update_host(r->prof, q))
			s->server = hu_intern(r, q);
		break;
	}
	case UG_KIND_NETWORK_CONNECT: {
		ug_sv ip = ug_event_get(ev, UG_F_DESTINATION_IP);
		if (!s->server_ip && ip.n && !is_private_ip(ip))
			s->server_ip = hu_intern(r, ip);
		if (ip.n && !is_private_ip(ip) && !ug_sv_eq(ip, UG_SV("-")))
			HU_PUSH(h->contacts, h->ncontacts, h->capcontacts, ev->ts);
		break;
	}
	default:
		break;
	}
}

/* A process started by an updater process: the delivery ran something. */
static void updater_child(hu_run *r, const ug_event *ev)
{
	size_t idx = hu_set_get(&r->sess_by_key, hu_key2(ev->host, proc_id(ev, true), false));
	if (!idx)
		return;
	hu_session *s = hu_sess(r, idx - 1);
	if (ev->ts > s->end + SESSION_GAP)
		return;
	s->download = true;
	s->end = UG_MAX(s->end, ev->ts);
	hu_append_list(r, &s->files, ug_event_get(ev, UG_F_IMAGE), '|');
}

static void endpoint_event(hu_run *r, const ug_event *ev)
{
	hu_host *h = hu_host_get(r, ev->host, true);
	if (!h)
		return;
	h->endpoint = true;
	if (ev->kind == UG_KIND_NETWORK_CONNECT) {
		ug_sv src = ug_event_get(ev, UG_F_SOURCE_IP);
		if (src.n && ug_sv_eq_nocase(ug_event_get(ev, UG_F_INITIATED), UG_SV("true")))
			hu_ipmap_note(r, src, h->id, ev->ts);
	}
	if (ev->kind == UG_KIND_PROCESS_START || ev->kind == UG_KIND_NETWORK_CONNECT ||
	    ev->kind == UG_KIND_DNS_QUERY || ev->kind == UG_KIND_FILE_CREATE ||
	    ev->kind == UG_KIND_REGISTRY_SET) {
		ug_sv img = ug_event_get(ev, UG_F_IMAGE);
		if (img.n && ug_profile_is_updater(r->prof, img))
			updater_event(r, h, ev);
		else if (ev->kind == UG_KIND_PROCESS_START)
			updater_child(r, ev);
	}
}

/* Client IP of a network event. */
static ug_sv client_ip(const ug_event *ev)
{
	ug_sv ip = ug_event_get(ev, UG_F_SOURCE_IP);
	if (!ip.n)
		ip = ug_event_get(ev, UG_F_C_IP);
	if (!ip.n && ug_ip_is_literal(ev->host))
		ip = ev->host;
	return ip;
}

static unsigned net_seen(const ug_event *ev)
{
	return ev->kind == UG_KIND_HTTP_REQUEST && ug_event_has(ev, UG_F_C_IP) &&
	               !ug_event_has(ev, UG_F_SOURCE_PORT)
	           ? UG_SEEN_PROXY
	           : UG_SEEN_NETWORK;
}

unsigned hu_seen_by(const ug_event *ev)
{
	return hu_is_endpoint(ev) ? UG_SEEN_ENDPOINT : net_seen(ev);
}

static uint64_t event_bytes(const ug_event *ev)
{
	uint64_t b = 0;
	ug_sv_to_u64(ug_event_get(ev, UG_F_SC_BYTES), &b);
	return b;
}

static void session_request(hu_run *r, hu_session *s, const ug_event *ev, ug_sv server)
{
	s->seen |= net_seen(ev);
	if (!s->server || ev->ts <= s->start)
		s->server = hu_intern(r, server);
	ug_sv sip = ug_event_get(ev, UG_F_DESTINATION_IP);
	if (sip.n && !s->server_ip && !is_private_ip(sip))
		s->server_ip = hu_intern(r, sip);
	uint64_t b = event_bytes(ev);
	if (ev->kind == UG_KIND_HTTP_REQUEST && (b > s->max_bytes || !s->url)) {
		ug_sv url = ug_event_get(ev, UG_F_C_URI);
		if (url.n)
			s->url = hu_intern(r, url);
	}
	if (b > s->max_bytes)
		s->max_bytes = b;
	if (b >= PACKAGE_BYTES || ug_sv_eq_nocase(ug_event_get(ev, UG_F_CS_MIME),
	                                          UG_SV("application/octet-stream")))
		s->download = true;
}

/* A package from another host is believed when most package-sized
 * transfers from that host follow an update session's manifest fetch (the
 * product's download mirror) — not when a client merely happened to fetch
 * something big from a busy site within a minute of checking for updates. */
#define PKG_SRC_SHARE 0.5

static hu_pkg_src *pkg_src(hu_run *r, const char *from)
{
	bool created = false;
	ug_map_entry *e = ug_map_upsert(&r->pkg_srcs, ug_sv_from(from), &created);
	if (e && created)
		e->value = ug_arena_calloc(&r->arena, 1, sizeof(hu_pkg_src));
	return e ? e->value : NULL;
}

/* Does a transfer (bytes at t from the session's client) follow session s's
 * manifest fetch? Then it is one of s's package candidates (a session may
 * have several: the client fetched other things around it too). */
static bool package_of(hu_run *r, size_t si, ug_time t, uint64_t b, const char *url, const char *from)
{
	hu_session *s = hu_sess(r, si);
	if (s->download || t < s->start - r->skew || t > s->end + PACKAGE_FOLLOW)
		return false;
	hu_pkg p = {(uint32_t)si, from, url, b, t};
	hu_pkg_src *src = pkg_src(r, from);
	if (!src || !HU_PUSH(r->pkgs, r->npkgs, r->cappkgs, p))
		return false;
	src->follow++;
	return true;
}

/* A package-sized transfer from a client, maybe right after its manifest
 * fetch; kept for later when its session is not known yet. */
static void maybe_package(hu_run *r, const ug_event *ev, ug_sv ip, ug_sv dest)
{
	uint64_t b = event_bytes(ev);
	if (b < PACKAGE_BYTES)
		return;
	if (!dest.n)
		dest = ug_event_get(ev, UG_F_DESTINATION_IP);
	const char *from = hu_intern(r, hu_domain_of(dest));
	hu_pkg_src *src = from ? pkg_src(r, from) : NULL;
	if (!src)
		return;
	src->total++;
	ug_sv u = ug_event_get(ev, UG_F_C_URI);
	const char *url = u.n ? hu_intern(r, u) : NULL;
	size_t idx = hu_set_get(&r->sess_by_key, ug_hash_bytes(ip.p, ip.n));
	if (idx && package_of(r, idx - 1, ev->ts, b, url, from))
		return; /* (a later session of the client may want it too: rare enough) */
	hu_transfer x = {hu_intern(r, ip), ev->ts, b, url, from};
	if (x.client)
		HU_PUSH(r->transfers, r->ntransfers, r->captransfers, x);
}

static int transfer_cmp(const void *a, const void *b)
{
	const hu_transfer *x = a, *y = b;
	int c = strcmp(x->client, y->client);
	return c ? c : (x->t < y->t ? -1 : x->t > y->t);
}

/* After pass 1: the transfers kept for later, against every network session
 * of their client (both sorted by client and time). */
static void match_transfers(hu_run *r)
{
	if (!r->ntransfers)
		return;
	qsort(r->transfers, r->ntransfers, sizeof(*r->transfers), transfer_cmp);
	for (size_t i = 0; i < r->nsess; i++) {
		hu_session *s = hu_sess(r, i);
		if (s->download || s->host != UINT32_MAX || !s->ip)
			continue;
		/* the transfers of this client from the session's start on */
		size_t lo = 0, hi = r->ntransfers;
		hu_transfer key = {s->ip, s->start - r->skew, 0, NULL, NULL};
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (transfer_cmp(&r->transfers[mid], &key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < r->ntransfers && !strcmp(r->transfers[lo].client, s->ip) &&
		       r->transfers[lo].t <= s->end + PACKAGE_FOLLOW; lo++) {
			const hu_transfer *x = &r->transfers[lo];
			package_of(r, i, x->t, x->bytes, x->url, x->from);
		}
	}
	free(r->transfers);
	r->transfers = NULL;
	r->ntransfers = r->captransfers = 0;
}

/* The candidates from hosts the fleet's update sessions mostly fetch from
 * become their sessions' packages. */
static void accept_packages(hu_run *r)
{
	for (size_t i = 0; i < r->npkgs; i++) {
		const hu_pkg *p = &r->pkgs[i];
		const hu_pkg_src *src = ug_map_get(&r->pkg_srcs, ug_sv_from(p->from));
		if (!src || src->follow < PKG_SRC_SHARE * src->total)
			continue;
		hu_session *s = hu_sess(r, p->sess);
		if (p->url && (!s->download || p->bytes > s->max_bytes))
			s->url = p->url;
		s->download = true;
		s->max_bytes = UG_MAX(s->max_bytes, p->bytes);
		s->end = UG_MAX(s->end, p->t);
	}
	free(r->pkgs);
	r->pkgs = NULL;
	r->npkgs = r->cappkgs = 0;
}

static void network_event(hu_run *r, const ug_event *ev)
{
	if (ev->kind != UG_KIND_HTTP_REQUEST && ev->kind != UG_KIND_NETWORK_CONNECT &&
	    ev->kind != UG_KIND_DNS_QUERY)
		return;
	ug_sv dest = hu_event_dest(ev);
	ug_sv ip = client_ip(ev);
	if (!ip.n)
		return;
	/* a connection known by its addresses only (Zeek conn.log) may carry the
	 * package of a session its ssl/http/dns records show */
	if (!dest.n || !ug_profile_is_update_host(r->prof, dest)) {
		if (ev->kind != UG_KIND_DNS_QUERY)
			maybe_package(r, ev, ip, dest);
		return;
	}
	bool fresh;
	hu_session *s = session_touch(r, ug_hash_bytes(ip.p, ip.n), ev->ts, UINT32_MAX, ip, ev, &fresh);
	if (!s)
		return;
	if (ev->kind == UG_KIND_DNS_QUERY) {
		s->seen |= UG_SEEN_NETWORK;
		if (!s->server)
			s->server = hu_intern(r, dest);
		return;
	}
	session_request(r, s, ev, dest);
}

int hu_pass1_event(const ug_event *ev, void *user)
{
	hu_run *r = user;
	if (ev->ts == UG_TIME_INVALID)
		return 0;
	if (ev->ts < r->data_first)
		r->data_first = ev->ts;
	if (ev->ts > r->data_last)
		r->data_last = ev->ts;
	if (ev->kind == UG_KIND_DHCP_LEASE) {
		ug_sv name = ev->host.n ? ev->host : ug_event_get(ev, UG_F_HOST_NAME);
		hu_host *h = name.n ? hu_host_get(r, name, true) : NULL;
		if (h)
			hu_ipmap_note(r, ug_event_get(ev, UG_F_IP_ADDRESS), h->id, ev->ts);
		return 0;
	}
	if (hu_is_endpoint(ev))
		endpoint_event(r, ev);
	else
		network_event(r, ev);
	if (ev->kind == UG_KIND_DNS_QUERY || ev->kind == UG_KIND_NETWORK_CONNECT ||
	    ev->kind == UG_KIND_HTTP_REQUEST)
		note_dest(r, ev);
	return 0;
}

/* --- after pass 1 --- */

static int sess_cmp(const void *a, const void *b)
{
	const hu_session *x = *(hu_session *const *)a, *y = *(hu_session *const *)b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int time_cmp(const void *a, const void *b)
{
	ug_time x = *(const ug_time *)a, y = *(const ug_time *)b;
	return x < y ? -1 : x > y;
}

static void resolve_hosts(hu_run *r)
{
	for (size_t i = 0; i < r->nsess; i++) {
		hu_session *s = hu_sess(r, i);
		if (s->host != UINT32_MAX)
			continue;
		ug_sv ip = ug_sv_from(s->ip);
		hu_host *h = hu_ipmap_lookup(r, ip, s->start);
		if (!h)
			h = hu_host_get(r, ip, true);
		if (!h)
			continue;
		s->host = h->id;
		hu_append_list(r, &h->ips, ip, ',');
	}
}

static const char *nz(hu_run *r, const char *s)
{
	(void)r;
	return s ? s : "";
}

static hu_deliv *deliv_new(hu_run *r, hu_host *h, hu_session *s)
{
	hu_deliv *d = ug_arena_calloc(&r->arena, 1, sizeof(*d));
	if (!d)
		return NULL;
	d->host = h->id;
	d->d.time = s->start;
	d->end = s->end;
	d->d.prov = s->prov;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers grows by a pointer */
	if (!HU_PUSH(r->dv, r->ndv, r->capdv, d) || !HU_PUSH(h->dv, h->ndv, h->capdv, d))
		return NULL;
	d->id = (uint32_t)(r->ndv - 1);
	return d;
}

/* Fold session s into delivery d (strings stay in the arena). */
static void deliv_merge(hu_run *r, hu_deliv *d, hu_session *s, bool first)
{
	ug_delivery *x = &d->d;
	if ((s->seen & UG_SEEN_ENDPOINT) && !(x->seen & UG_SEEN_ENDPOINT) && !first) {
		x->time = s->start; /* the endpoint's clock wins */
		x->prov = s->prov;
	}
	d->end = UG_MAX(d->end, s->end);
	x->seen |= s->seen;
	if (s->server && (!x->server || !*x->server))
		x->server = s->server;
	if (s->server_ip && (!x->server_ip || !*x->server_ip))
		x->server_ip = s->server_ip;
	if (s->url && (!x->url || !*x->url || s->max_bytes > x->bytes))
		x->url = s->url;
	x->bytes = UG_MAX(x->bytes, s->max_bytes);
	if (s->sha256 && (!x->sha256 || !*x->sha256))
		x->sha256 = s->sha256;
	if (s->files)
		x->files = x->files && *x->files ? x->files : hu_strdup(r, ug_sv_from(s->files));
	if (s->proc_key)
		HU_PUSH(d->roots, d->nroots, d->caproots, s->proc_key);
}

static void deliv_finish_fields(hu_run *r, hu_deliv *d)
{
	ug_delivery *x = &d->d;
	x->server = nz(r, x->server);
	x->server_ip = nz(r, x->server_ip);
	x->url = nz(r, x->url);
	x->files = nz(r, x->files);
	x->sha256 = nz(r, x->sha256);
	const char *reg = x->server[0] ? ug_profile_region(r->prof, ug_sv_from(x->server)) : NULL;
	x->region = reg ? reg : "";
	x->in_window = hu_in_window(r, x->time);
}

/* Group one host's sessions (sorted) into contacts and deliveries. */
static int host_sessions(hu_run *r, hu_host *h, hu_session **ss, size_t n)
{
	if (n > 1)
		/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers grows by a pointer */
		qsort(ss, n, sizeof(*ss), sess_cmp);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		ug_time end = ss[i]->end;
		bool download = ss[i]->download;
		while (j < n && ss[j]->start <= end + r->skew) {
			end = UG_MAX(end, ss[j]->end);
			download |= ss[j]->download;
			j++;
		}
		if (!(ss[i]->seen & UG_SEEN_ENDPOINT) || ss[i]->server_ip)
			HU_PUSH(h->contacts, h->ncontacts, h->capcontacts, ss[i]->start);
		if (download) {
			hu_deliv *d = deliv_new(r, h, ss[i]);
			if (!d)
				return UG_ERR_NOMEM;
			for (size_t k = i; k < j; k++)
				deliv_merge(r, d, ss[k], k == i);
			deliv_finish_fields(r, d);
		}
		i = j;
	}
	return UG_OK;
}

int hu_lineage_roots(hu_run *r)
{
	for (size_t i = 0; i < r->ndv; i++) {
		hu_deliv *d = r->dv[i];
		for (size_t g = 0; g < d->nroots; g++) {
			bool created;
			uint32_t *v = hu_set_upsert(&r->lineage, d->roots[g], &created);
			if (!v)
				return UG_ERR_NOMEM;
			*v = d->id + 1;
		}
	}
	return UG_OK;
}

/* Mark the hours [from, to] touches in h->dv_hours (hours after data_first;
 * the first 256 of them). */
static void note_span_hours(const hu_run *r, hu_host *h, ug_time from, ug_time to)
{
	uint64_t a = from <= r->data_first ? 0 : (uint64_t)(from - r->data_first) / UG_NS_PER_HOUR;
	uint64_t b = to <= r->data_first ? 0 : (uint64_t)(to - r->data_first) / UG_NS_PER_HOUR;
	for (uint64_t i = a; i <= b && i < 256; i++)
		h->dv_hours[i / 64] |= UINT64_C(1) << (i % 64);
}

/* The sessions are deliveries now: keep only what window.c needs again and
 * free the rest (at 20,000 hosts x 7 days there are millions). */
static int keep_root_files(hu_run *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nsess; i++)
		n += hu_sess(r, i)->root && hu_sess(r, i)->files;
	r->rootfiles = calloc(n ? n : 1, sizeof(*r->rootfiles));
	if (!r->rootfiles)
		return UG_ERR_NOMEM;
	for (size_t i = 0; i < r->nsess; i++) {
		hu_session *s = hu_sess(r, i);
		if (s->root && s->files)
			r->rootfiles[r->nrootfiles++] = (hu_rootfiles){s->start, s->files};
		else
			free(s->files);
	}
	r->nsess_seen = r->nsess;
	hu_sess_free(r);
	hu_set_free(&r->sess_by_key);
	return UG_OK;
}

int hu_deliveries_finish(hu_run *r)
{
	hu_ipmap_finish(r);
	match_transfers(r);
	accept_packages(r);
	resolve_hosts(r);
	/* bucket sessions per host */
	size_t *count = calloc(r->nhosts + 1, sizeof(*count));
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers grows by a pointer */
	hu_session **order = malloc((r->nsess + 1) * sizeof(*order));
	if (!count || !order) {
		free(count);
		free(order);
		return UG_ERR_NOMEM;
	}
	for (size_t i = 0; i < r->nsess; i++)
		if (hu_sess(r, i)->host != UINT32_MAX)
			count[hu_sess(r, i)->host + 1]++;
	for (size_t i = 1; i <= r->nhosts; i++)
		count[i] += count[i - 1];
	size_t *pos = calloc(r->nhosts + 1, sizeof(*pos));
	int rc = pos ? UG_OK : UG_ERR_NOMEM;
	for (size_t i = 0; rc == UG_OK && i < r->nsess; i++)
		if (hu_sess(r, i)->host != UINT32_MAX) {
			uint32_t h = hu_sess(r, i)->host;
			order[count[h] + pos[h]++] = hu_sess(r, i);
		}
	for (size_t h = 0; rc == UG_OK && h < r->nhosts; h++) {
		size_t n = count[h + 1] - count[h];
		if (n)
			rc = host_sessions(r, r->hosts[h], order + count[h], n);
		hu_host *hh = r->hosts[h];
		if (hh->ncontacts > 1)
			qsort(hh->contacts, hh->ncontacts, sizeof(ug_time), time_cmp);
		for (size_t k = 0; k < hh->ndv; k++)
			if (hh->dv[k]->d.in_window && hh->first_window == UINT32_MAX)
				hh->first_window = (uint32_t)k;
		if (rc == UG_OK && hh->ndv && !(hh->dv_span = malloc(2 * hh->ndv * sizeof(ug_time))))
			rc = UG_ERR_NOMEM;
		for (size_t k = 0; rc == UG_OK && k < hh->ndv; k++) {
			const hu_deliv *d = hh->dv[k];
			hh->dv_span[2 * k] = d->d.time;
			hh->dv_span[2 * k + 1] = UG_MAX(d->end, d->d.time) + r->after;
			note_span_hours(r, hh, d->d.time - r->skew, hh->dv_span[2 * k + 1]);
		}
	}
	free(pos);
	free(count);
	free(order);
	if (rc == UG_OK)
		rc = keep_root_files(r);
	return rc == UG_OK ? hu_lineage_roots(r) : rc;
}

hu_deliv *hu_attributing(const hu_run *r, const hu_host *h, ug_time t)
{
	if (t >= r->data_first) { /* no span touches t's hour: none attributes t */
		uint64_t hr = (uint64_t)(t - r->data_first) / UG_NS_PER_HOUR;
		if (hr < 256 && !(h->dv_hours[hr / 64] >> (hr % 64) & 1))
			return NULL;
	}
	/* the last delivery with time - skew <= t */
	size_t lo = 0, hi = h->ndv;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (h->dv_span[2 * mid] - r->skew <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && t <= h->dv_span[2 * (lo - 1) + 1] ? h->dv[lo - 1] : NULL;
}
