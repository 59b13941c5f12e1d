/* timeline.c — timeline.csv and timeline.jsonl: every delivery and every
 * piece of evidence as one row, in time order, in the form Timesketch
 * imports (`message`, `datetime` (ISO 8601 with microseconds, which every
 * importer parses), `timestamp_desc`, plus fields; `timestamp` is
 * microseconds since the epoch). */
#include <stdlib.h>

#include "report/report_int.h"

typedef struct item {
	ug_time t;
	uint32_t host, idx;
	bool evidence;
} item;

static int by_time(const void *a, const void *b)
{
	const item *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->host != y->host)
		return x->host < y->host ? -1 : 1;
	if (x->evidence != y->evidence)
		return x->evidence ? 1 : -1;
	return x->idx < y->idx ? -1 : (x->idx > y->idx);
}

static item *collect(const ug_hunt_result *r, size_t *n)
{
	size_t total = 0, k = 0;
	for (size_t i = 0; i < r->nhosts; i++)
		total += r->hosts[i].ndeliveries + r->hosts[i].nevidence;
	item *v = malloc((total + 1) * sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < r->nhosts; i++) {
		const ug_host_result *h = &r->hosts[i];
		for (size_t j = 0; j < h->ndeliveries; j++)
			if (rp_time_valid(h->deliveries[j].time))
				v[k++] = (item){h->deliveries[j].time, (uint32_t)i, (uint32_t)j, false};
		for (size_t j = 0; j < h->nevidence; j++)
			if (rp_time_valid(h->evidence[j].time))
				v[k++] = (item){h->evidence[j].time, (uint32_t)i, (uint32_t)j, true};
	}
	qsort(v, k, sizeof(*v), by_time);
	*n = k;
	return v;
}

/* The fields of one row, in column order (NULL = empty). */
typedef struct row {
	ug_buf message, desc, source;
	const char *f[10]; /* host verdict kind technique server server_ip region url value weight */
	bool lineage;
	double weight;
} row;

static const char *const columns[] = {"message", "datetime", "timestamp", "timestamp_desc", "host", "verdict",
                                      "kind", "technique", "server", "server_ip", "region", "url", "value",
                                      "lineage", "weight", "source"};

static void fill(row *w, const ug_hunt_result *r, const item *it)
{
	const ug_host_result *h = &r->hosts[it->host];
	ug_buf_clear(&w->message);
	ug_buf_clear(&w->desc);
	ug_buf_clear(&w->source);
	for (size_t i = 0; i < UG_ARRAY_LEN(w->f); i++)
		w->f[i] = "";
	w->f[0] = h->host;
	w->f[1] = ug_verdict_name(h->verdict);
	if (!it->evidence) {
		const ug_delivery *d = &h->deliveries[it->idx];
		ug_buf_printf(&w->message, "%s update delivered to %s from %s%s%s%s", rp_s(r->product), rp_s(h->host),
		              *rp_s(d->server) ? d->server : "an unknown server", *rp_s(d->server_ip) ? " (" : "",
		              rp_s(d->server_ip), *rp_s(d->server_ip) ? ")" : "");
		if (d->in_window)
			ug_buf_puts(&w->message, " in the suspected window");
		ug_buf_puts(&w->desc, "Update delivery");
		w->f[2] = "delivery";
		w->f[4] = d->server, w->f[5] = d->server_ip, w->f[6] = d->region, w->f[7] = d->url;
		w->f[8] = d->sha256;
		w->lineage = false, w->weight = 0;
		rp_source(&w->source, r, d->prov);
		return;
	}
	const ug_evidence *e = &h->evidence[it->idx];
	ug_buf_printf(&w->message, "%s: %s", rp_s(h->host), rp_s(e->summary));
	ug_buf_printf(&w->desc, "Evidence: %s", rp_s(e->kind));
	w->f[2] = e->kind, w->f[3] = e->technique, w->f[8] = e->value;
	w->lineage = e->lineage, w->weight = e->weight;
	rp_source(&w->source, r, e->prov);
}

static void datetime(ug_buf *b, ug_time t)
{
	char ts[UG_TIME_BUFSZ];
	ug_buf_append(b, ts, ug_time_format(t, 6, ts));
}

static void csv(ug_buf *b, const char *s, bool last)
{
	ug_buf_append_csv_field(b, ug_sv_from(rp_s(s)));
	ug_buf_putc(b, last ? '\n' : ',');
}

static void csv_row(ug_buf *b, const row *w, ug_time t)
{
	csv(b, ug_buf_cstr(&w->message), false);
	datetime(b, t);
	ug_buf_printf(b, ",%lld,", (long long)(t / 1000));
	csv(b, ug_buf_cstr(&w->desc), false);
	for (size_t i = 0; i < 8; i++)
		csv(b, w->f[i], false);
	csv(b, w->f[8], false);
	ug_buf_printf(b, "%s,%.3f,", w->lineage ? "true" : "false", w->weight);
	csv(b, ug_buf_cstr(&w->source), true);
}

static void json_kv(ug_buf *b, const char *k, const char *v)
{
	ug_buf_printf(b, ",\"%s\":", k);
	ug_buf_append_json_str(b, ug_sv_from(rp_s(v)));
}

static void json_row(ug_buf *b, const row *w, ug_time t)
{
	ug_buf_puts(b, "{\"message\":");
	ug_buf_append_json_str(b, ug_buf_sv(&w->message));
	ug_buf_puts(b, ",\"datetime\":\"");
	datetime(b, t);
	ug_buf_printf(b, "\",\"timestamp\":%lld", (long long)(t / 1000));
	json_kv(b, "timestamp_desc", ug_buf_cstr(&w->desc));
	for (size_t i = 0; i < 9; i++)
		json_kv(b, columns[4 + i], w->f[i]);
	ug_buf_printf(b, ",\"lineage\":%s,\"weight\":%.3f", w->lineage ? "true" : "false", w->weight);
	json_kv(b, "source", ug_buf_cstr(&w->source));
	ug_buf_puts(b, "}\n");
}

int ug_report_write_timeline(const ug_case *c, const char *dir, ug_error *err)
{
	size_t n = 0;
	item *v = collect(c->res, &n);
	if (!v)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	ug_buf csvb = UG_BUF_INIT, jb = UG_BUF_INIT;
	for (size_t i = 0; i < UG_ARRAY_LEN(columns); i++)
		ug_buf_printf(&csvb, "%s%s", columns[i], i + 1 < UG_ARRAY_LEN(columns) ? "," : "\n");
	row w = {UG_BUF_INIT, UG_BUF_INIT, UG_BUF_INIT, {0}, false, 0};
	for (size_t i = 0; i < n; i++) {
		fill(&w, c->res, &v[i]);
		csv_row(&csvb, &w, v[i].t);
		json_row(&jb, &w, v[i].t);
	}
	free(v);
	ug_buf_free(&w.message);
	ug_buf_free(&w.desc);
	ug_buf_free(&w.source);
	int rc = rp_write_file(dir, "timeline.csv", &csvb, err);
	if (rc == UG_OK)
		rc = rp_write_file(dir, "timeline.jsonl", &jb, err);
	ug_buf_free(&csvb);
	ug_buf_free(&jb);
	return rc;
}
