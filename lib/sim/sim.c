/* sim.c — the simulator's driver: validate the configuration, build the
 * world, then walk time in 10-minute slices. Each slice every host generates
 * its events; the slice buffer is sorted by time and handed to the writers;
 * events that belong to the next slice (chains that started near the end)
 * stay for the next round. Memory is bounded by hosts and one slice. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sim/sim_int.h"

struct sim_key {
	int64_t ts;
	uint32_t idx;
	uint32_t pad;
};

/* ---- event buffer ---- */

static sim_ev scratch_ev;

sim_ev *sim_push(sim_run *r, sim_evtype type, uint32_t host, ug_time ts)
{
	if (ts < r->t0)
		ts = r->t0;
	if (ts >= r->t1 + SIM_SLICE_NS) {
		ts = r->t1 + SIM_SLICE_NS - 1;
		r->clamped++;
	}
	if (r->nev == r->cap_ev) {
		size_t cap = r->cap_ev ? r->cap_ev * 2 : 65536;
		sim_ev *e = realloc(r->ev, cap * sizeof(*e));
		if (!e) {
			r->failed = true;
			return &scratch_ev;
		}
		r->ev = e;
		r->cap_ev = cap;
	}
	sim_ev *e = &r->ev[r->nev++];
	e->ts = ts;
	e->record = 0;
	e->host = host;
	e->type = (uint16_t)type;
	e->flags = 0;
	return e;
}

static char *vdup(ug_arena *a, const char *fmt, va_list ap)
{
	char small[1024];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return (char *)"";
	char *s = ug_arena_alloc(a, (size_t)n + 1);
	if (!s)
		return (char *)"";
	if ((size_t)n < sizeof(small))
		memcpy(s, small, (size_t)n + 1);
	else
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *sim_sprintf(sim_run *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vdup(r->sa, fmt, ap);
	va_end(ap);
	return s;
}

char *sim_rsprintf(sim_run *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vdup(&r->arena, fmt, ap);
	va_end(ap);
	return s;
}

const char *sim_expand(sim_run *r, const sim_host *h, const char *tpl, bool run_lifetime)
{
	if (!strchr(tpl, '%'))
		return tpl;
	static const struct {
		const char *tok;
		const char *rest; /* after the profile; NULL = absolute */
	} vars[] = {
		{"%LOCALAPPDATA%", "\\AppData\\Local"}, {"%APPDATA%", "\\AppData\\Roaming"},
		{"%TEMP%", "\\AppData\\Local\\Temp"},   {"%PROFILE%", ""},
		{"%PROGRAMDATA%", NULL},
	};
	char out[1024];
	size_t o = 0;
	for (const char *p = tpl; *p && o < sizeof(out) - 300;) {
		bool done = false;
		for (size_t i = 0; i < UG_ARRAY_LEN(vars) && *p == '%'; i++) {
			size_t n = strlen(vars[i].tok);
			if (strncmp(p, vars[i].tok, n) != 0)
				continue;
			int w = vars[i].rest ? snprintf(out + o, sizeof(out) - o, "%s%s", h->profile, vars[i].rest)
			                     : snprintf(out + o, sizeof(out) - o, "C:\\ProgramData");
			o += (size_t)w;
			p += n;
			done = true;
			break;
		}
		if (!done)
			out[o++] = *p++;
	}
	out[o] = '\0';
	return ug_arena_strdup(run_lifetime ? &r->arena : r->sa, out);
}

/* ---- output files ---- */

int sim_mkdirs(const char *path, ug_error *err)
{
	char buf[4096];
	size_t n = strlen(path);
	if (n >= sizeof(buf))
		return ug_error_set(err, UG_ERR_INVALID, "path too long: %s", path);
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		char c = buf[i];
		buf[i] = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return ug_error_set(err, UG_ERR_IO, "mkdir %s: %s", buf, strerror(errno));
		buf[i] = c;
	}
	return UG_OK;
}

int sim_out_open(sim_out *o, const char *dir, const char *name, ug_error *err)
{
	memset(o, 0, sizeof(*o));
	size_t n = strlen(dir) + strlen(name) + 2;
	o->path = malloc(n);
	if (!o->path)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	snprintf(o->path, n, "%s/%s", dir, name);
	char *slash = strrchr(o->path, '/');
	*slash = '\0';
	int rc = sim_mkdirs(o->path, err);
	*slash = '/';
	if (rc != UG_OK)
		return rc;
	o->f = fopen(o->path, "wb");
	if (!o->f)
		return ug_error_set(err, UG_ERR_IO, "cannot create %s: %s", o->path, strerror(errno));
	ug_buf_init(&o->buf);
	ug_buf_reserve(&o->buf, 1 << 21);
	return UG_OK;
}

static void out_write(sim_out *o)
{
	if (!o->f || !o->buf.len)
		return;
	if (fwrite(o->buf.p, 1, o->buf.len, o->f) != o->buf.len)
		o->failed = true;
	o->bytes += o->buf.len;
	ug_buf_clear(&o->buf);
}

void sim_out_flush_if(sim_out *o)
{
	if (o->buf.len >= (1u << 20))
		out_write(o);
}

int sim_out_close(sim_out *o, ug_error *err)
{
	int rc = UG_OK;
	out_write(o);
	if (o->buf.oom)
		o->failed = true;
	if (o->f && fclose(o->f) != 0)
		o->failed = true;
	if (o->failed && o->path)
		rc = ug_error_set(err, UG_ERR_IO, "write failed: %s", o->path);
	ug_buf_free(&o->buf);
	free(o->path);
	o->f = NULL;
	o->path = NULL;
	return rc;
}

int sim_writer_close_single(sim_writer *w, sim_run *r)
{
	sim_out *out = w->state; /* invariant: the state's first member is its sim_out */
	if (!out)
		return UG_OK;
	int rc = sim_out_close(out, r->err);
	w->bytes = out->bytes;
	free(w->state);
	w->state = NULL;
	return rc;
}

/* ---- slices ---- */

static int key_cmp(const void *a, const void *b)
{
	const struct sim_key *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Order r->keys by (time, generation index). Buffered events span at most
 * two slices, so times relative to the earliest fit in 44 bits: a stable LSD
 * radix sort with four 11-bit digits does it in linear time; the index order
 * within equal times is kept, which keeps the output deterministic. */
static void sort_events(sim_run *r, size_t n)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	for (size_t i = 0; i < n; i++) {
		int64_t t = r->ev[i].ts;
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
		r->keys[i] = (struct sim_key){t, (uint32_t)i, 0};
	}
	if ((uint64_t)(hi - lo) >> 44 || n < 64 || !r->keys2) {
		qsort(r->keys, n, sizeof(*r->keys), key_cmp);
		return;
	}
	struct sim_key *src = r->keys, *dst = r->keys2;
	for (int pass = 0; pass < 4; pass++) {
		size_t count[2048] = {0};
		int shift = pass * 11;
		for (size_t i = 0; i < n; i++)
			count[((uint64_t)(src[i].ts - lo) >> shift) & 2047]++;
		size_t sum = 0;
		for (int d = 0; d < 2048; d++) {
			size_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[((uint64_t)(src[i].ts - lo) >> shift) & 2047]++] = src[i];
		struct sim_key *t = src;
		src = dst;
		dst = t;
	}
	/* four passes: the result is back in r->keys */
}

static void assign_record(sim_run *r, sim_ev *e)
{
	sim_host *h = &r->hosts[e->host];
	switch (e->type) {
	case SE_LOGON:
	case SE_TASK_CREATED: e->record = ++h->rec_security; break;
	case SE_SERVICE_INSTALLED: e->record = ++h->rec_system; break;
	default: e->record = ++h->rec_sysmon;
	}
}

/* Emit every buffered event before `limit` in time order; keep the rest. */
static void flush(sim_run *r, ug_time limit)
{
	size_t n = r->nev;
	if (!n)
		return;
	if (r->cap_keys < n) {
		struct sim_key *k = realloc(r->keys, n * sizeof(*k));
		if (!k) {
			r->failed = true;
			return;
		}
		r->keys = k;
		k = realloc(r->keys2, n * sizeof(*k));
		if (!k) {
			r->failed = true;
			return;
		}
		r->keys2 = k;
		r->cap_keys = n;
	}
	sort_events(r, n);
	size_t i = 0;
	for (; i < n && r->keys[i].ts < limit; i++) {
		sim_ev *e = &r->ev[r->keys[i].idx];
		if (e->type < SE__ENDPOINT_END)
			assign_record(r, e);
		for (uint32_t w = 0; w < r->nwriters; w++)
			r->writers[w].emit(&r->writers[w], r, e);
	}
	/* keep the rest, in time order, at the front */
	size_t keep = n - i;
	if (keep) {
		sim_ev *tmp = malloc(keep * sizeof(*tmp));
		if (!tmp) {
			r->failed = true;
			r->nev = 0;
			return;
		}
		for (size_t k = 0; k < keep; k++)
			tmp[k] = r->ev[r->keys[i + k].idx];
		memcpy(r->ev, tmp, keep * sizeof(*tmp));
		free(tmp);
	}
	r->nev = keep;
	uint64_t lines = 0;
	for (uint32_t w = 0; w < r->nwriters; w++)
		lines += r->writers[w].lines;
	ug_progress_add(&r->progress, lines - r->total_lines);
	r->total_lines = lines;
}

static void run_slices(sim_run *r)
{
	uint64_t k = 0;
	for (ug_time t0 = r->t_start; t0 < r->t_end && !r->failed; t0 += SIM_SLICE_NS, k++) {
		r->t0 = t0;
		r->t1 = t0 + SIM_SLICE_NS;
		r->sa = &r->slice_arena[k & 1];
		ug_arena_reset(r->sa);
		for (uint32_t i = 0; i < r->nhosts; i++)
			sim_host_slice(r, &r->hosts[i]);
		flush(r, r->t1);
	}
	flush(r, INT64_MAX);
}

/* ---- setup ---- */

static int validate(const ug_sim_config *c, ug_error *err)
{
	if (c->hosts < 1 || c->hosts > 1000000)
		return ug_error_set(err, UG_ERR_RANGE, "hosts must be 1..1000000");
	if (c->days < 1 || c->days > 60)
		return ug_error_set(err, UG_ERR_RANGE, "days must be 1..60");
	if (!(c->formats & UG_SIM_FMT_ALL))
		return ug_error_set(err, UG_ERR_INVALID, "no output formats");
	if (c->endpoint_share < 0 || c->endpoint_share > 1)
		return ug_error_set(err, UG_ERR_RANGE, "endpoint share must be 0..1");
	if (!(c->activity > 0) || c->activity > 100)
		return ug_error_set(err, UG_ERR_RANGE, "activity must be > 0 and <= 100");
	if ((unsigned)c->scenario >= UG_SIM_SCENARIO__COUNT)
		return ug_error_set(err, UG_ERR_INVALID, "unknown scenario");
	if (c->beacon_jitter > 1)
		return ug_error_set(err, UG_ERR_RANGE, "beacon jitter must be 0..1");
	if (c->window_len < 0 || c->window_len > 30 * UG_NS_PER_DAY)
		return ug_error_set(err, UG_ERR_RANGE, "window length out of range");
	return UG_OK;
}

static void company(sim_run *r)
{
	sim_rng rng;
	sim_rng_seed(&rng, r->cfg->seed, 0x800000ull);
	const char *v = sim_name_vendorish(&rng, &r->arena);
	char nb[32], dom[64];
	size_t i = 0;
	for (; i < 15 && v[i]; i++)
		nb[i] = (char)(v[i] >= 'a' && v[i] <= 'z' ? v[i] - 32 : v[i]);
	nb[i] = '\0';
	snprintf(dom, sizeof(dom), "corp.%s.com", v);
	for (char *c = dom; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c + 32);
	r->netbios = ug_arena_strdup(&r->arena, nb);
	r->domain = ug_arena_strdup(&r->arena, dom);
	r->domain_sid = sim_rsprintf(r, "S-1-5-21-%u-%u-%u", (unsigned)(sim_rng_next(&rng) >> 34) + 1000000000u,
	                             (unsigned)(sim_rng_next(&rng) >> 33), (unsigned)(sim_rng_next(&rng) >> 33));
	r->proxy_ip = (10u << 24) | (1u << 8) | 3;
}

static int open_writers(sim_run *r)
{
	unsigned f = r->cfg->formats;
	if (f & UG_SIM_FMT_ECS)
		sim_writer_ecs(&r->writers[r->nwriters++]);
	if (f & UG_SIM_FMT_FLAT)
		sim_writer_flat(&r->writers[r->nwriters++]);
	if (f & UG_SIM_FMT_SQUID)
		sim_writer_squid(&r->writers[r->nwriters++]);
	if (f & UG_SIM_FMT_ZEEK)
		sim_writer_zeek(&r->writers[r->nwriters++], false);
	if (f & UG_SIM_FMT_ZEEK_JSON)
		sim_writer_zeek(&r->writers[r->nwriters++], true);
	if (f & UG_SIM_FMT_DHCP)
		sim_writer_dhcp(&r->writers[r->nwriters++]);
	for (uint32_t i = 0; i < r->nwriters; i++) {
		int rc = r->writers[i].open(&r->writers[i], r);
		if (rc != UG_OK) {
			r->nwriters = i + 1;
			return rc;
		}
	}
	return UG_OK;
}

static int close_writers(sim_run *r, ug_sim_summary *sum)
{
	int rc = UG_OK;
	for (uint32_t i = 0; i < r->nwriters; i++) {
		sim_writer *w = &r->writers[i];
		int rc2 = w->close(w, r);
		if (rc == UG_OK)
			rc = rc2;
		for (unsigned b = 0; b < 6; b++)
			if (w->fmt == 1u << b)
				sum->by_format[b] += w->lines;
		sum->events += w->lines;
		sum->bytes += w->bytes;
	}
	return rc;
}

static int setup(sim_run *r)
{
	int rc;
	company(r);
	if ((rc = sim_fleet_init(r)) != UG_OK)
		return rc;
	if ((rc = sim_background_init(r)) != UG_OK)
		return rc;
	if ((rc = sim_products_init(r)) != UG_OK)
		return rc;
	if ((rc = sim_incident_init(r)) != UG_OK)
		return rc;
	r->flat_tz_name = r->cfg->flat_tz ? r->cfg->flat_tz : r->regions[0].tz;
	if ((rc = ug_tz_load(&r->flat_tz, r->flat_tz_name, r->err)) != UG_OK)
		return rc;
	if ((rc = sim_mkdirs(r->out_dir, r->err)) != UG_OK)
		return rc;
	return r->failed ? ug_error_set(r->err, UG_ERR_NOMEM, "out of memory") : UG_OK;
}

static void teardown(sim_run *r)
{
	for (uint32_t g = 0; g < r->nregions; g++)
		ug_tz_free(r->regions[g].zone);
	ug_tz_free(r->flat_tz);
	free(r->ev);
	free(r->keys);
	free(r->keys2);
	free(r->deliv);
	ug_arena_free(&r->slice_arena[0]);
	ug_arena_free(&r->slice_arena[1]);
	ug_arena_free(&r->arena);
	free(r);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int ug_sim_run_summary(const ug_sim_config *cfg, const char *out_dir, const ug_ctx *ctx,
                       ug_sim_summary *summary, ug_error *err)
{
	ug_sim_summary local = {0};
	ug_sim_summary *sum = summary ? summary : &local;
	memset(sum, 0, sizeof(*sum));
	int rc = validate(cfg, err);
	if (rc != UG_OK)
		return rc;
	double started = now_s();
	sim_run *r = calloc(1, sizeof(*r));
	if (!r)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	r->cfg = cfg;
	r->ctx = ctx;
	r->err = err;
	r->out_dir = out_dir;
	ug_arena_init(&r->arena, 1 << 20);
	ug_arena_init(&r->slice_arena[0], 1 << 20);
	ug_arena_init(&r->slice_arena[1], 1 << 20);
	r->sa = &r->slice_arena[0];
	sim_rng_seed(&r->rng, cfg->seed, 0);
	r->t_start = cfg->start;
	r->t_end = cfg->start + (ug_time)cfg->days * UG_NS_PER_DAY;
	r->t0 = r->t_start;
	r->t1 = r->t_start + SIM_SLICE_NS;
	rc = setup(r);
	if (rc == UG_OK)
		rc = open_writers(r);
	if (rc == UG_OK) {
		ug_progress_start(&r->progress, ctx, "simulate", "events", 0);
		run_slices(r);
		ug_progress_end(&r->progress);
	}
	int rc2 = close_writers(r, sum);
	if (rc == UG_OK)
		rc = rc2;
	if (rc == UG_OK && r->failed)
		rc = ug_error_set(err, UG_ERR_NOMEM, "out of memory while generating");
	if (rc == UG_OK)
		rc = sim_truth_write(r, sum);
	if (r->clamped && ctx)
		ug_log_debug(ctx, "simulate: %llu event times clamped to the slice horizon",
		             (unsigned long long)r->clamped);
	sum->seconds = now_s() - started;
	teardown(r);
	return rc;
}

int ug_sim_run(const ug_sim_config *cfg, const char *out_dir, const ug_ctx *ctx, ug_error *err)
{
	return ug_sim_run_summary(cfg, out_dir, ctx, NULL, err);
}
