/* emit_zeek.c — the network sensor's conn, dns, http and ssl logs, as Zeek 6
 * writes them: TSV with the #separator/#set_separator/#empty_field/
 * #unset_field/#path/#open/#fields/#types header and #close footer, or JSON
 * lines with _path and _write_ts (ISO 8601 times, unset fields omitted), the
 * shape of the shared sample data. The sensor sits on the client side of the
 * intercepting proxy, so it sees client addresses and real server addresses. */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_int.h"

enum { Z_CONN, Z_DNS, Z_HTTP, Z_SSL, Z_N };

static const char *const zpath[Z_N] = {"conn", "dns", "http", "ssl"};
static const char *const zfields[Z_N] = {
	"ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents",
	"ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected",
	"ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\ttrans_depth\tmethod\thost\turi\treferrer\tversion\tuser_agent\torigin\trequest_body_len\tresponse_body_len\tstatus_code\tstatus_msg\tinfo_code\tinfo_msg\ttags\tusername\tpassword\tproxied\torig_fuids\torig_filenames\torig_mime_types\tresp_fuids\tresp_filenames\tresp_mime_types",
	"ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tcipher\tcurve\tserver_name\tresumed\tlast_alert\tnext_protocol\testablished\tssl_history\tcert_chain_fps\tclient_cert_chain_fps\tsni_matches_cert\tvalidation_status",
};
static const char *const ztypes[Z_N] = {
	"time\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]",
	"time\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool",
	"time\tstring\taddr\tport\taddr\tport\tcount\tstring\tstring\tstring\tstring\tstring\tstring\tstring\tcount\tcount\tcount\tstring\tcount\tstring\tset[enum]\tstring\tstring\tset[string]\tvector[string]\tvector[string]\tvector[string]\tvector[string]\tvector[string]\tvector[string]",
	"time\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\tbool\tstring\tstring\tbool\tstring\tvector[string]\tvector[string]\tbool\tstring",
};

typedef struct zeek_state {
	bool json;
	sim_out out[Z_N];
} zeek_state;

static void zdate(char *out, ug_time t)
{
	sim_civil c;
	sim_civil_from_time(t, &c);
	snprintf(out, 24, "%04d-%02d-%02d-%02d-%02d-%02d", c.year, c.month, c.day, c.hour, c.min, c.sec);
}

static int zeek_open(sim_writer *w, sim_run *r)
{
	zeek_state *s = calloc(1, sizeof(*s));
	if (!s)
		return ug_error_set(r->err, UG_ERR_NOMEM, "out of memory");
	s->json = w->fmt == UG_SIM_FMT_ZEEK_JSON;
	w->state = s;
	char name[64], date[32];
	zdate(date, r->t_start);
	for (int i = 0; i < Z_N; i++) {
		snprintf(name, sizeof(name), "%s/%s.log", s->json ? "zeek-json" : "zeek", zpath[i]);
		int rc = sim_out_open(&s->out[i], r->out_dir, name, r->err);
		if (rc != UG_OK)
			return rc;
		if (!s->json)
			ug_buf_printf(&s->out[i].buf,
			              "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
			              "#path\t%s\n#open\t%s\n#fields\t%s\n#types\t%s\n",
			              zpath[i], date, zfields[i], ztypes[i]);
	}
	return UG_OK;
}

static void uid(ug_buf *b, uint64_t v, char prefix)
{
	static const char a[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	char s[18];
	s[0] = prefix;
	uint64_t x = v, y = sim_mix(v, 0x5a5a);
	for (int i = 1; i < 18; i++) {
		uint64_t *z = i < 10 ? &x : &y;
		s[i] = a[*z % 62];
		*z /= 62;
	}
	sim_put(b, s, 18);
}

static void fp(ug_buf *b, uint32_t ip)
{
	uint8_t d[32];
	for (size_t i = 0; i < 4; i++) {
		uint64_t v = sim_mix(ip, (uint64_t)i);
		memcpy(d + 8 * i, &v, 8);
	}
	char hex[64];
	sim_put(b, hex, sim_fmt_hex(hex, d, 32, false));
}

/* ---- TSV and JSON share the value writers; `J` switches the syntax ---- */

typedef struct zw {
	ug_buf *b;
	bool json;
	bool first;
} zw;

static void zkey(zw *z, const char *k)
{
	if (z->json) {
		sim_put(z->b, z->first ? "\"" : ",\"", z->first ? 1 : 2);
		sim_put(z->b, k, strlen(k));
		SIM_PUTL(z->b, "\":");
	} else if (!z->first) {
		SIM_PUTL(z->b, "\t");
	}
	z->first = false;
}

static void zts(zw *z, const char *k, ug_time t)
{
	char tmp[40];
	zkey(z, k);
	if (z->json) {
		SIM_PUTL(z->b, "\"");
		sim_put(z->b, tmp, sim_fmt_iso(tmp, t, 6));
		SIM_PUTL(z->b, "\"");
	} else {
		sim_put(z->b, tmp, sim_fmt_epoch(tmp, t, 6));
	}
}

static void zstr(zw *z, const char *k, const char *v)
{
	if (!v || !*v) {
		if (!z->json) {
			zkey(z, k);
			SIM_PUTL(z->b, "-");
		}
		return;
	}
	zkey(z, k);
	if (z->json)
		sim_put_json(z->b, v);
	else
		sim_put(z->b, v, strlen(v));
}

static void zuid(zw *z, const char *k, uint64_t v, char prefix)
{
	zkey(z, k);
	if (z->json)
		SIM_PUTL(z->b, "\"");
	uid(z->b, v, prefix);
	if (z->json)
		SIM_PUTL(z->b, "\"");
}

static void zip(zw *z, const char *k, uint32_t ip)
{
	zkey(z, k);
	if (z->json)
		SIM_PUTL(z->b, "\"");
	sim_put_ip4(z->b, ip);
	if (z->json)
		SIM_PUTL(z->b, "\"");
}

static void znum(zw *z, const char *k, uint64_t v)
{
	zkey(z, k);
	sim_put_u64(z->b, v);
}

static void zunset(zw *z, const char *k)
{
	if (!z->json) {
		zkey(z, k);
		SIM_PUTL(z->b, "-");
	}
}

static void zempty_set(zw *z, const char *k)
{
	zkey(z, k);
	if (z->json)
		SIM_PUTL(z->b, "[]");
	else
		SIM_PUTL(z->b, "(empty)");
}

static void zbool(zw *z, const char *k, bool v)
{
	zkey(z, k);
	if (z->json)
		sim_put(z->b, v ? "true" : "false", v ? 4 : 5);
	else
		sim_put(z->b, v ? "T" : "F", 1);
}

static void zinterval(zw *z, const char *k, ug_time d)
{
	char tmp[32];
	zkey(z, k);
	sim_put(z->b, tmp, sim_fmt_epoch(tmp, d, 6));
}

static void zbegin(zw *z, ug_buf *b, bool json, const char *path, ug_time t)
{
	z->b = b;
	z->json = json;
	z->first = true;
	if (json) {
		SIM_PUTL(b, "{");
		zstr(z, "_path", path);
		zts(z, "_write_ts", t + 2 * UG_NS_PER_SEC);
	}
}

static void zend(zw *z)
{
	ug_buf_puts(z->b, z->json ? "}\n" : "\n");
}

static void conn_line(zeek_state *s, sim_writer *w, const sim_ev *e, const sim_flow *f)
{
	zw z;
	zbegin(&z, &s->out[Z_CONN].buf, s->json, "conn", e->ts + f->dur);
	uint64_t ob = f->up + (f->https ? 620 : 180), rb = f->down + (f->https ? 4300 : 240);
	uint64_t op = 4 + ob / 1200, rp = 4 + rb / 1400;
	zts(&z, "ts", e->ts);
	zuid(&z, "uid", f->uid, 'C');
	zip(&z, "id.orig_h", f->cip);
	znum(&z, "id.orig_p", f->cport);
	zip(&z, "id.resp_h", f->sip);
	znum(&z, "id.resp_p", f->sport);
	zstr(&z, "proto", "tcp");
	zstr(&z, "service", f->https ? "ssl" : "http");
	zinterval(&z, "duration", f->dur);
	znum(&z, "orig_bytes", ob);
	znum(&z, "resp_bytes", rb);
	zstr(&z, "conn_state", "SF");
	zbool(&z, "local_orig", true);
	zbool(&z, "local_resp", false);
	znum(&z, "missed_bytes", 0);
	zstr(&z, "history", "ShADadFf");
	znum(&z, "orig_pkts", op);
	znum(&z, "orig_ip_bytes", ob + op * 52);
	znum(&z, "resp_pkts", rp);
	znum(&z, "resp_ip_bytes", rb + rp * 52);
	zunset(&z, "tunnel_parents");
	zend(&z);
	s->out[Z_CONN].lines++;
	w->lines++;
}

static void dns_conn_line(zeek_state *s, sim_writer *w, const sim_ev *e, const sim_dnsq *q)
{
	zw z;
	zbegin(&z, &s->out[Z_CONN].buf, s->json, "conn", e->ts + q->rtt);
	uint64_t ob = 30 + strlen(q->name),
	         rb = q->rcode ? ob : ob + 16 * (uint64_t)(q->nips + (q->cname ? 2 : 0)) + 20;
	zts(&z, "ts", e->ts);
	zuid(&z, "uid", q->uid, 'C');
	zip(&z, "id.orig_h", q->cip);
	znum(&z, "id.orig_p", q->cport);
	zip(&z, "id.resp_h", q->resolver);
	znum(&z, "id.resp_p", 53);
	zstr(&z, "proto", "udp");
	zstr(&z, "service", "dns");
	zinterval(&z, "duration", q->rtt);
	znum(&z, "orig_bytes", ob);
	znum(&z, "resp_bytes", rb);
	zstr(&z, "conn_state", "SF");
	zbool(&z, "local_orig", true);
	zbool(&z, "local_resp", true);
	znum(&z, "missed_bytes", 0);
	zstr(&z, "history", "Dd");
	znum(&z, "orig_pkts", 1);
	znum(&z, "orig_ip_bytes", ob + 28);
	znum(&z, "resp_pkts", 1);
	znum(&z, "resp_ip_bytes", rb + 28);
	zunset(&z, "tunnel_parents");
	zend(&z);
	s->out[Z_CONN].lines++;
	w->lines++;
}

static void dns_line(zeek_state *s, sim_writer *w, const sim_ev *e)
{
	const sim_dnsq *q = e->u.dns.q;
	dns_conn_line(s, w, e, q);
	zw z;
	ug_buf *b = &s->out[Z_DNS].buf;
	zbegin(&z, b, s->json, "dns", e->ts + q->rtt);
	zts(&z, "ts", e->ts);
	zuid(&z, "uid", q->uid, 'C');
	zip(&z, "id.orig_h", q->cip);
	znum(&z, "id.orig_p", q->cport);
	zip(&z, "id.resp_h", q->resolver);
	znum(&z, "id.resp_p", 53);
	zstr(&z, "proto", "udp");
	znum(&z, "trans_id", q->trans_id);
	zinterval(&z, "rtt", q->rtt);
	zstr(&z, "query", q->name);
	znum(&z, "qclass", 1);
	zstr(&z, "qclass_name", "C_INTERNET");
	znum(&z, "qtype", q->qtype);
	zstr(&z, "qtype_name", q->qtype == 16 ? "TXT" : q->qtype == 28 ? "AAAA" : "A");
	znum(&z, "rcode", q->rcode);
	zstr(&z, "rcode_name", q->rcode ? "NXDOMAIN" : "NOERROR");
	zbool(&z, "AA", false);
	zbool(&z, "TC", false);
	zbool(&z, "RD", true);
	zbool(&z, "RA", true);
	znum(&z, "Z", 0);
	int na = (q->cname ? 1 : 0) + (q->qtype == 16 ? (q->txt ? 1 : 0) : q->nips);
	if (q->rcode || na == 0) {
		zunset(&z, "answers");
		zunset(&z, "TTLs");
	} else {
		char tmp[32];
		zkey(&z, "answers");
		ug_buf_puts(b, s->json ? "[" : "");
		bool first = true;
		const char *sep = ",";
		if (q->cname) {
			if (s->json)
				sim_put_json(b, q->cname);
			else
				sim_put(b, q->cname, strlen(q->cname));
			first = false;
		}
		if (q->qtype == 16 && q->txt) {
			if (!first)
				sim_put(b, sep, 1);
			char txt[96];
			snprintf(txt, sizeof(txt), "TXT %zu %s", strlen(q->txt), q->txt);
			if (s->json)
				sim_put_json(b, txt);
			else
				sim_put(b, txt, strlen(txt));
		} else {
			for (int i = 0; i < q->nips; i++) {
				if (!first)
					sim_put(b, sep, 1);
				first = false;
				if (s->json)
					SIM_PUTL(b, "\"");
				sim_put_ip4(b, q->ips[i]);
				if (s->json)
					SIM_PUTL(b, "\"");
			}
		}
		ug_buf_puts(b, s->json ? "]" : "");
		zkey(&z, "TTLs");
		ug_buf_puts(b, s->json ? "[" : "");
		for (int i = 0; i < na; i++) {
			if (i)
				SIM_PUTL(b, ",");
			sim_put(b, tmp, sim_fmt_epoch(tmp, (ug_time)q->ttl * UG_NS_PER_SEC, s->json ? 1 : 6));
		}
		ug_buf_puts(b, s->json ? "]" : "");
	}
	zbool(&z, "rejected", false);
	zend(&z);
	s->out[Z_DNS].lines++;
	w->lines++;
}

static void http_line(zeek_state *s, sim_writer *w, const sim_ev *e, const sim_flow *f)
{
	zw z;
	zbegin(&z, &s->out[Z_HTTP].buf, s->json, "http", e->ts + f->dur);
	bool post = !strcmp(f->method, "POST");
	zts(&z, "ts", e->ts);
	zuid(&z, "uid", f->uid, 'C');
	zip(&z, "id.orig_h", f->cip);
	znum(&z, "id.orig_p", f->cport);
	zip(&z, "id.resp_h", f->sip);
	znum(&z, "id.resp_p", f->sport);
	znum(&z, "trans_depth", 1);
	zstr(&z, "method", f->method);
	zstr(&z, "host", f->host);
	zstr(&z, "uri", f->path);
	zunset(&z, "referrer");
	zstr(&z, "version", "1.1");
	zstr(&z, "user_agent", f->ua);
	zunset(&z, "origin");
	znum(&z, "request_body_len", post ? f->up : 0);
	znum(&z, "response_body_len", f->down);
	znum(&z, "status_code", f->status);
	zstr(&z, "status_msg", f->status == 200 ? "OK" : f->status == 404 ? "Not Found" : "Found");
	zunset(&z, "info_code");
	zunset(&z, "info_msg");
	zempty_set(&z, "tags");
	zunset(&z, "username");
	zunset(&z, "password");
	zunset(&z, "proxied");
	zunset(&z, "orig_fuids");
	zunset(&z, "orig_filenames");
	zunset(&z, "orig_mime_types");
	if (f->down) {
		zkey(&z, "resp_fuids");
		if (s->json)
			SIM_PUTL(z.b, "[\"");
		uid(z.b, f->uid ^ 0x77, 'F');
		if (s->json)
			SIM_PUTL(z.b, "\"]");
	} else {
		zunset(&z, "resp_fuids");
	}
	zunset(&z, "resp_filenames");
	if (f->mime && f->down) {
		zkey(&z, "resp_mime_types");
		const char *m = !strcmp(f->mime, "application/octet-stream") ? "application/x-dosexec" : f->mime;
		if (s->json) {
			SIM_PUTL(z.b, "[");
			sim_put_json(z.b, m);
			SIM_PUTL(z.b, "]");
		} else {
			sim_put(z.b, m, strlen(m));
		}
	} else {
		zunset(&z, "resp_mime_types");
	}
	zend(&z);
	s->out[Z_HTTP].lines++;
	w->lines++;
}

static void ssl_line(zeek_state *s, sim_writer *w, const sim_ev *e, const sim_flow *f)
{
	zw z;
	zbegin(&z, &s->out[Z_SSL].buf, s->json, "ssl", e->ts);
	bool v13 = f->tls == 3;
	zts(&z, "ts", e->ts);
	zuid(&z, "uid", f->uid, 'C');
	zip(&z, "id.orig_h", f->cip);
	znum(&z, "id.orig_p", f->cport);
	zip(&z, "id.resp_h", f->sip);
	znum(&z, "id.resp_p", f->sport);
	zstr(&z, "version", v13 ? "TLSv13" : "TLSv12");
	zstr(&z, "cipher", v13 ? "TLS_AES_128_GCM_SHA256" : "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	zstr(&z, "curve", v13 ? "x25519" : "secp256r1");
	zstr(&z, "server_name", f->host);
	zbool(&z, "resumed", f->resumed);
	zunset(&z, "last_alert");
	zstr(&z, "next_protocol", v13 ? "h2" : "http/1.1");
	zbool(&z, "established", true);
	zstr(&z, "ssl_history", v13 ? "CsiI" : f->resumed ? "CsxIi" : "CsxknGIi");
	if (v13 || f->resumed) {
		zunset(&z, "cert_chain_fps");
		zunset(&z, "client_cert_chain_fps");
		zunset(&z, "sni_matches_cert");
		zunset(&z, "validation_status");
	} else {
		zkey(&z, "cert_chain_fps");
		if (s->json)
			SIM_PUTL(z.b, "[\"");
		fp(z.b, f->sip);
		if (s->json)
			SIM_PUTL(z.b, "\"]");
		zempty_set(&z, "client_cert_chain_fps");
		zbool(&z, "sni_matches_cert", true);
		zstr(&z, "validation_status", "ok");
	}
	zend(&z);
	s->out[Z_SSL].lines++;
	w->lines++;
}

static void zeek_emit(sim_writer *w, sim_run *r, const sim_ev *e)
{
	(void)r;
	zeek_state *s = w->state;
	switch (e->type) {
	case SE_ZEEK_DNS: dns_line(s, w, e); break;
	case SE_ZEEK_CONN: conn_line(s, w, e, e->u.net.flow); break;
	case SE_ZEEK_HTTP: http_line(s, w, e, e->u.net.flow); break;
	case SE_ZEEK_SSL: ssl_line(s, w, e, e->u.net.flow); break;
	default: return;
	}
	for (int i = 0; i < Z_N; i++)
		sim_out_flush_if(&s->out[i]);
}

static int zeek_close(sim_writer *w, sim_run *r)
{
	zeek_state *s = w->state;
	if (!s)
		return UG_OK;
	int rc = UG_OK;
	char date[32];
	zdate(date, r->t_end);
	for (int i = 0; i < Z_N; i++) {
		if (!s->out[i].f)
			continue;
		if (!s->json)
			ug_buf_printf(&s->out[i].buf, "#close\t%s\n", date);
		int rc2 = sim_out_close(&s->out[i], r->err);
		if (rc == UG_OK)
			rc = rc2;
		w->bytes += s->out[i].bytes;
	}
	free(s);
	w->state = NULL;
	return rc;
}

void sim_writer_zeek(sim_writer *w, bool json)
{
	memset(w, 0, sizeof(*w));
	w->fmt = json ? UG_SIM_FMT_ZEEK_JSON : UG_SIM_FMT_ZEEK;
	w->open = zeek_open;
	w->emit = zeek_emit;
	w->close = zeek_close;
}
