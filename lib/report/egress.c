/* egress.c — egress/: the update hosts and addresses the product really used
 * for its normal updates, for the network team's allowlist.
 *
 * "Normal" is the baseline: deliveries outside the suspected window, and
 * window deliveries to hosts not judged compromised or suspicious. A name
 * or address seen only in deliveries to compromised/suspicious hosts inside
 * the window is never allowed; it is listed in excluded.csv instead. Names
 * and addresses come from logs (hostile): only syntactically valid host
 * names and IP literals are written, since these files are pasted into
 * proxy and firewall configuration.
 *
 *   allowlist.csv   kind,value,baseline_deliveries,window_deliveries,first_seen,last_seen
 *   excluded.csv    the same columns: seen only in bad deliveries
 *   squid.conf      acl lines (dstdomain, dst) + http_access allow
 *   nftables.nft    a table with ipv4/ipv6 address sets
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "core/fs.h"
#include "core/map.h"
#include "report/report_int.h"

typedef struct dest {
	const char *value;
	bool ip, v6;
	uint64_t baseline, bad;
	ug_time first, last;
} dest;

typedef struct dests {
	dest *v;
	size_t n, cap;
	ug_map idx; /* value -> index + 1 */
} dests;

static bool valid_hostname(const char *s)
{
	size_t n = strlen(s), label = 0;
	if (!n || n > 253 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
		if (!ok || (c == '.' && label == 0))
			return false;
		label = c == '.' ? 0 : label + 1;
		if (label > 63)
			return false;
	}
	return strchr(s, '.') != NULL;
}

static int ip_kind(const char *s)
{
	unsigned char buf[16];
	if (inet_pton(AF_INET, s, buf) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, buf) == 1)
		return 6;
	return 0;
}

static void note(dests *ds, const char *value, bool ip, bool baseline, ug_time t)
{
	if (!value || !*value)
		return;
	int k = ip ? ip_kind(value) : 0;
	if (ip ? !k : (ip_kind(value) || !valid_hostname(value)))
		return;
	size_t at = (size_t)(uintptr_t)ug_map_get(&ds->idx, ug_sv_from(value));
	if (!at) {
		if (ds->n == ds->cap) {
			size_t cap = ds->cap ? ds->cap * 2 : 32;
			dest *g = realloc(ds->v, cap * sizeof(*g));
			if (!g)
				return;
			ds->v = g, ds->cap = cap;
		}
		ds->v[ds->n] = (dest){value, ip, k == 6, 0, 0, INT64_MAX, INT64_MIN};
		ug_map_put(&ds->idx, ug_sv_from(value), (void *)(uintptr_t)(ds->n + 1));
		at = ++ds->n;
	}
	dest *d = &ds->v[at - 1];
	*(baseline ? &d->baseline : &d->bad) += 1;
	if (rp_time_valid(t)) {
		d->first = UG_MIN(d->first, t);
		d->last = UG_MAX(d->last, t);
	}
}

static void gather(dests *ds, const ug_hunt_result *r)
{
	for (size_t i = 0; i < r->nhosts; i++) {
		const ug_host_result *h = &r->hosts[i];
		bool bad_host = h->verdict == UG_VERDICT_COMPROMISED || h->verdict == UG_VERDICT_SUSPICIOUS;
		for (size_t j = 0; j < h->ndeliveries; j++) {
			const ug_delivery *d = &h->deliveries[j];
			bool baseline = !d->in_window || !bad_host;
			note(ds, d->server, false, baseline, d->time);
			note(ds, d->server_ip, true, baseline, d->time);
		}
	}
}

static int by_kind_value(const void *a, const void *b)
{
	const dest *x = a, *y = b;
	if (x->ip != y->ip)
		return x->ip ? 1 : -1;
	return strcmp(x->value, y->value);
}

static void csv_row(ug_buf *b, const dest *d)
{
	ug_buf_printf(b, "%s,%s,%llu,%llu,", d->ip ? (d->v6 ? "ipv6" : "ipv4") : "host", d->value,
	              (unsigned long long)d->baseline, (unsigned long long)d->bad);
	rp_time(b, d->first);
	ug_buf_putc(b, ',');
	rp_time(b, d->last);
	ug_buf_putc(b, '\n');
}

static void squid(ug_buf *b, const dests *ds, const char *product)
{
	ug_buf_printf(b, "# updguard: update hosts and addresses of %s's normal updates (baseline deliveries).\n"
	                 "# Include from squid.conf before your deny rules.\n", rp_s(product));
	size_t nh = 0, ni = 0;
	for (size_t i = 0; i < ds->n; i++) {
		if (!ds->v[i].baseline)
			continue;
		ug_buf_printf(b, "acl updguard_update_%s %s %s\n", ds->v[i].ip ? "ips" : "hosts",
		              ds->v[i].ip ? "dst" : "dstdomain", ds->v[i].value);
		*(ds->v[i].ip ? &ni : &nh) += 1;
	}
	if (nh)
		ug_buf_puts(b, "http_access allow updguard_update_hosts\n");
	if (ni)
		ug_buf_puts(b, "http_access allow updguard_update_ips\n");
}

static void nft_set(ug_buf *b, const dests *ds, bool v6)
{
	ug_buf_printf(b, "\tset update_%s {\n\t\ttype %s\n", v6 ? "ipv6" : "ipv4", v6 ? "ipv6_addr" : "ipv4_addr");
	bool first = true;
	for (size_t i = 0; i < ds->n; i++) {
		const dest *d = &ds->v[i];
		if (!d->ip || d->v6 != v6 || !d->baseline)
			continue;
		ug_buf_printf(b, "%s%s", first ? "\t\telements = { " : ", ", d->value);
		first = false;
	}
	ug_buf_puts(b, first ? "\t}\n" : " }\n\t}\n");
}

static void nft(ug_buf *b, const dests *ds, const char *product)
{
	ug_buf_printf(b, "# updguard: addresses of %s's normal update servers (baseline deliveries).\n"
	                 "# Load with `nft -f nftables.nft`; reference @update_ipv4 / @update_ipv6 in your rules.\n"
	                 "table inet updguard {\n", rp_s(product));
	nft_set(b, ds, false);
	nft_set(b, ds, true);
	ug_buf_puts(b, "}\n");
}

int ug_report_write_egress(const ug_case *c, const char *dir, ug_error *err)
{
	char sub[4096];
	if (!rp_path(sub, sizeof(sub), dir, "egress"))
		return ug_error_set(err, UG_ERR_INVALID, "%s: path too long", dir);
	int rc = ug_fs_mkdirs(sub, err);
	if (rc != UG_OK)
		return rc;
	dests ds = {0};
	ug_map_init(&ds.idx, true);
	gather(&ds, c->res);
	if (ds.n)
		qsort(ds.v, ds.n, sizeof(*ds.v), by_kind_value);
	static const char header[] = "kind,value,baseline_deliveries,window_deliveries,first_seen,last_seen\n";
	ug_buf allow = UG_BUF_INIT, excl = UG_BUF_INIT, sq = UG_BUF_INIT, nf = UG_BUF_INIT;
	ug_buf_puts(&allow, header);
	ug_buf_puts(&excl, header);
	for (size_t i = 0; i < ds.n; i++)
		csv_row(ds.v[i].baseline ? &allow : &excl, &ds.v[i]);
	squid(&sq, &ds, c->res->product);
	nft(&nf, &ds, c->res->product);
	rc = rp_write_file(sub, "allowlist.csv", &allow, err);
	if (rc == UG_OK)
		rc = rp_write_file(sub, "excluded.csv", &excl, err);
	if (rc == UG_OK)
		rc = rp_write_file(sub, "squid.conf", &sq, err);
	if (rc == UG_OK)
		rc = rp_write_file(sub, "nftables.nft", &nf, err);
	ug_buf_free(&allow);
	ug_buf_free(&excl);
	ug_buf_free(&sq);
	ug_buf_free(&nf);
	ug_map_free(&ds.idx);
	free(ds.v);
	return rc;
}
