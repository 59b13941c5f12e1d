/* net.c — internet servers and one client request as every source sees it:
 * the endpoint's DNS query and connection (Sysmon 22/3), the network sensor's
 * dns/conn/ssl/http records (Zeek) and the proxy's access.log line (Squid).
 * The proxy intercepts transparently (SslBump peek-and-splice), so clients
 * resolve names themselves and connect to the server's own address. */
#include <string.h>

#include "sim/sim_int.h"

uint32_t sim_server_add(sim_run *r, const char *name, const char *cname, const char *ptr,
                        uint32_t ip, bool http_only)
{
	if (r->nservers == r->cap_servers) {
		uint32_t cap = r->cap_servers ? r->cap_servers * 2 : 256;
		sim_server *s = ug_arena_alloc(&r->arena, cap * sizeof(*s));
		if (!s) {
			r->failed = true;
			return 0;
		}
		if (r->nservers)
			memcpy(s, r->servers, r->nservers * sizeof(*s));
		r->servers = s;
		r->cap_servers = cap;
	}
	sim_server *s = &r->servers[r->nservers];
	s->name = name;
	s->cname = cname;
	s->ptr = ptr;
	s->ip = ip;
	s->ip2 = 0;
	s->http_only = http_only;
	return r->nservers++;
}

void sim_dns_flush(sim_host *h)
{
	memset(h->dns_exp, 0, sizeof(h->dns_exp));
}

static bool dns_cached(sim_host *h, uint32_t srv, ug_time t)
{
	for (int i = 0; i < 6; i++)
		if (h->dns_srv[i] == srv + 1 && h->dns_exp[i] > t)
			return true;
	return false;
}

static void dns_remember(sim_host *h, uint32_t srv, ug_time until)
{
	uint32_t i = h->dns_rr++ % 6;
	h->dns_srv[i] = srv + 1;
	h->dns_exp[i] = until;
}

static sim_dnsq *dns_new(sim_run *r, sim_host *h, const char *name)
{
	sim_dnsq *q = ug_arena_calloc(r->sa, 1, sizeof(*q));
	if (!q) {
		r->failed = true;
		static sim_dnsq none;
		return &none;
	}
	q->uid = sim_rng_next(&h->rng);
	q->name = name;
	q->qtype = 1;
	q->cip = h->ip;
	q->cport = (uint16_t)(49152 + sim_rng_below(&h->rng, 16000));
	q->resolver = r->regions[h->region].dns_ip;
	q->trans_id = (uint16_t)sim_rng_below(&h->rng, 65536);
	q->rtt = (ug_time)sim_rng_range(&h->rng, 300, 40000) * 1000;
	return q;
}

static void dns_emit(sim_run *r, sim_host *h, ug_time t, const sim_proc *p, sim_dnsq *q)
{
	if (h->endpoint && p) {
		sim_ev *e = sim_push(r, SE_DNS, h->idx, t + q->rtt);
		e->proc = *p;
		e->u.dns.q = q;
	}
	if (!q->local) {
		sim_ev *e = sim_push(r, SE_ZEEK_DNS, h->idx, t);
		e->u.dns.q = q;
	}
}

ug_time sim_request(sim_run *r, sim_host *h, ug_time t, const sim_proc *p, const sim_req *rq)
{
	if (!h->ip || rq->srv >= r->nservers)
		return t;
	const sim_server *s = &r->servers[rq->srv];
	uint32_t ip = s->ip2 && sim_rng_chance(&h->rng, 0.5) ? s->ip2 : s->ip;
	if (!dns_cached(h, rq->srv, t)) {
		sim_dnsq *q = dns_new(r, h, s->name);
		q->cname = s->cname;
		q->ips[0] = s->ip;
		q->ips[1] = s->ip2;
		q->nips = s->ip2 ? 2 : 1;
		q->ttl = 60u * (1 + sim_rng_below(&h->rng, 30));
		dns_emit(r, h, t, p, q);
		dns_remember(h, rq->srv, t + (ug_time)q->ttl * UG_NS_PER_SEC);
		t += q->rtt + (ug_time)sim_rng_range(&h->rng, 1, 20) * UG_NS_PER_SEC / 1000;
	}
	sim_flow *f = ug_arena_calloc(r->sa, 1, sizeof(*f));
	if (!f) {
		r->failed = true;
		return t;
	}
	f->uid = sim_rng_next(&h->rng);
	f->cip = h->ip;
	f->sip = ip;
	f->cport = (uint16_t)(49152 + sim_rng_below(&h->rng, 16000));
	f->https = rq->https;
	f->sport = rq->https ? 443 : 80;
	f->status = rq->status ? rq->status : 200;
	f->host = s->name;
	f->path = rq->path ? rq->path : "/";
	f->method = rq->method ? rq->method : "GET";
	f->mime = rq->mime;
	f->ua = rq->ua;
	f->ptr = s->ptr;
	f->up = rq->up;
	f->down = rq->down;
	f->dur = rq->dur > 0 ? rq->dur : (ug_time)sim_rng_range(&h->rng, 30, 900) * UG_NS_PER_SEC / 1000;
	f->tls = sim_rng_chance(&h->rng, 0.7) ? 3 : 2;
	f->resumed = sim_rng_chance(&h->rng, 0.3);
	if (h->endpoint && p && !rq->no_sysmon) {
		sim_ev *e = sim_push(r, SE_NET_CONNECT, h->idx, t + UG_NS_PER_SEC / 1000);
		e->proc = *p;
		e->u.net.flow = f;
	}
	sim_ev *e = sim_push(r, SE_ZEEK_CONN, h->idx, t);
	e->u.net.flow = f;
	ug_time rtt = (ug_time)sim_rng_range(&h->rng, 8, 120) * UG_NS_PER_SEC / 1000;
	e = sim_push(r, rq->https ? SE_ZEEK_SSL : SE_ZEEK_HTTP, h->idx, t + rtt);
	e->u.net.flow = f;
	e = sim_push(r, SE_SQUID, h->idx, t + f->dur);
	e->u.net.flow = f;
	return t + f->dur;
}

void sim_dns_only(sim_run *r, sim_host *h, ug_time t, const sim_proc *p, const char *name,
                  uint16_t qtype, const char *txt, uint32_t ip)
{
	if (!h->ip)
		return;
	sim_dnsq *q = dns_new(r, h, name);
	q->qtype = qtype;
	q->txt = txt;
	q->ttl = qtype == 16 ? 1 : 300;
	if (ip == 0x7F000001u) {
		q->local = true;
		q->rtt = 0;
	}
	if (ip) {
		q->ips[0] = ip;
		q->nips = 1;
	}
	dns_emit(r, h, t, p, q);
}
