/* emit_squid.c — the proxy's access.log in Squid's native format
 *   time.msec elapsed client action/code size method URL ident hierarchy/from type
 * (logformat squid: %ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt).
 * The proxy intercepts with SslBump peek-and-splice, so HTTPS shows as a
 * CONNECT to the SNI name on port 443 (TCP_TUNNEL). Squid logs when a request
 * ends; its clock may be skewed against the endpoints (--proxy-skew). */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_int.h"

typedef struct squid_state {
	sim_out out;
} squid_state;

static int squid_open(sim_writer *w, sim_run *r)
{
	squid_state *s = calloc(1, sizeof(*s));
	if (!s)
		return ug_error_set(r->err, UG_ERR_NOMEM, "out of memory");
	w->state = s;
	return sim_out_open(&s->out, r->out_dir, "squid/access.log", r->err);
}

static void squid_emit(sim_writer *w, sim_run *r, const sim_ev *e)
{
	if (e->type != SE_SQUID)
		return;
	squid_state *s = w->state;
	ug_buf *b = &s->out.buf;
	const sim_flow *f = e->u.net.flow;
	char tmp[32];
	sim_put(b, tmp, sim_fmt_epoch(tmp, e->ts + r->cfg->proxy_skew, 3));
	uint64_t ms = (uint64_t)(f->dur / 1000000);
	size_t n = sim_fmt_u64(tmp, ms);
	char pad[8] = "       ";
	SIM_PUTL(b, " ");
	if (n < 6)
		sim_put(b, pad, 6 - n);
	sim_put(b, tmp, n);
	SIM_PUTL(b, " ");
	sim_put_ip4(b, f->cip);
	if (f->https) {
		SIM_PUTL(b, " TCP_TUNNEL/200 ");
		sim_put_u64(b, f->down + 4200);
		SIM_PUTL(b, " CONNECT ");
		sim_put(b, f->host, strlen(f->host));
		SIM_PUTL(b, ":443 - HIER_DIRECT/");
		sim_put_ip4(b, f->sip);
		SIM_PUTL(b, " -\n");
	} else {
		SIM_PUTL(b, " TCP_MISS/");
		sim_put_u64(b, f->status);
		SIM_PUTL(b, " ");
		sim_put_u64(b, f->down + 310);
		SIM_PUTL(b, " ");
		sim_put(b, f->method, strlen(f->method));
		SIM_PUTL(b, " http://");
		sim_put(b, f->host, strlen(f->host));
		sim_put(b, f->path, strlen(f->path));
		SIM_PUTL(b, " - HIER_DIRECT/");
		sim_put_ip4(b, f->sip);
		SIM_PUTL(b, " ");
		const char *m = f->mime ? f->mime : "-";
		sim_put(b, m, strlen(m));
		SIM_PUTL(b, "\n");
	}
	w->lines++;
	sim_out_flush_if(&s->out);
}

void sim_writer_squid(sim_writer *w)
{
	memset(w, 0, sizeof(*w));
	w->fmt = UG_SIM_FMT_SQUID;
	w->open = squid_open;
	w->emit = squid_emit;
	w->close = sim_writer_close_single;
}
