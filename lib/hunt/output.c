/* output.c — what a hunt hands back to people and tools (docs/hunt.md): the
 * one-screen summary on stdout (text or --json) and the report files
 * hosts.jsonl, deliveries.csv, evidence.csv and iocs.csv. Everything here
 * reads a finished ug_hunt_result; nothing is analysed. Files are written
 * through a ug_buf and flushed in large chunks. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/fs.h"
#include "core/str.h"
#include "updguard/hunt.h"

#define HIST_MAX_COLS 48   /* histogram columns: one screen wide */
#define LIST_MAX_HOSTS 20  /* compromised hosts listed in the summary */
#define LIST_MAX_IOCS 10   /* IOCs listed in the summary */
#define JSON_MAX_HOSTS 200 /* compromised hosts in the --json summary */
#define FLUSH_AT (1u << 16)

/* ---- shared formatting ---- */

static void put_time_digits(ug_buf *b, ug_time t, int digits)
{
	char ts[UG_TIME_BUFSZ];
	if (t == UG_TIME_INVALID || t == INT64_MIN || t == INT64_MAX)
		return;
	ug_buf_append(b, ts, ug_time_format(t, digits, ts));
}

/* Files and JSON: exact (shortest of 0/3/6/9 digits); the text summary: seconds. */
static void put_time(ug_buf *b, ug_time t) { put_time_digits(b, t, -1); }

static void json_time(ug_buf *b, ug_time t)
{
	if (t == UG_TIME_INVALID || t == INT64_MIN || t == INT64_MAX) {
		ug_buf_puts(b, "null");
		return;
	}
	ug_buf_putc(b, '"');
	put_time(b, t);
	ug_buf_putc(b, '"');
}

static void json_str(ug_buf *b, const char *s) { ug_buf_append_json_str(b, ug_sv_from(s ? s : "")); }

static void json_num(ug_buf *b, double v) { ug_buf_printf(b, "%.3f", isfinite(v) ? v : 0.0); }

static void json_key(ug_buf *b, bool first, const char *key)
{
	ug_buf_printf(b, "%s\"%s\":", first ? "" : ",", key);
}

/* "path:record" of a finding, or "" when unknown. */
static void put_source(ug_buf *b, const ug_hunt_result *r, ug_prov pv)
{
	if (pv.source >= r->nsources || !r->sources[pv.source].path)
		return;
	ug_buf_puts(b, r->sources[pv.source].path);
	if (pv.record)
		ug_buf_printf(b, ":%llu", (unsigned long long)pv.record);
}

static void json_source(ug_buf *b, const ug_hunt_result *r, ug_prov pv)
{
	ug_buf tmp = UG_BUF_INIT;
	put_source(&tmp, r, pv);
	ug_buf_append_json_str(b, ug_buf_sv(&tmp));
	ug_buf_free(&tmp);
}

/* A '|' or ','-separated string as a JSON array of strings. */
static void json_split(ug_buf *b, const char *s, char sep)
{
	ug_sv rest = ug_sv_from(s ? s : "");
	bool first = true;
	ug_buf_putc(b, '[');
	while (rest.n) {
		ug_sv part = ug_sv_trim(ug_sv_split_next(&rest, sep));
		if (!part.n)
			continue;
		if (!first)
			ug_buf_putc(b, ',');
		ug_buf_append_json_str(b, part);
		first = false;
	}
	ug_buf_putc(b, ']');
}

static const char *const seen_names[] = {"endpoint", "proxy", "network"};

static void put_seen(ug_buf *b, unsigned seen, bool json)
{
	bool first = true;
	for (unsigned i = 0; i < UG_ARRAY_LEN(seen_names); i++) {
		if (!(seen & (1u << i)))
			continue;
		if (!first)
			ug_buf_puts(b, json ? "," : "|");
		ug_buf_printf(b, json ? "\"%s\"" : "%s", seen_names[i]);
		first = false;
	}
}

static bool flush(ug_buf *b, FILE *f, bool force)
{
	if (!force && b->len < FLUSH_AT)
		return true;
	bool ok = ug_buf_ok(b) && fwrite(b->p, 1, b->len, f) == b->len;
	ug_buf_clear(b);
	return ok;
}

/* ---- the summary: counts and picks ---- */

static size_t count_verdict(const ug_hunt_result *r, ug_verdict v)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nhosts; i++)
		n += r->hosts[i].verdict == v;
	return n;
}

/* The host's first delivery in the window, else its first delivery. */
static const ug_delivery *first_delivery(const ug_host_result *h)
{
	const ug_delivery *best = NULL;
	for (size_t i = 0; i < h->ndeliveries; i++) {
		const ug_delivery *d = &h->deliveries[i];
		if (!best || (d->in_window && !best->in_window) ||
		    (d->in_window == best->in_window && d->time < best->time))
			best = d;
	}
	return best;
}

/* Index of the heaviest evidence not yet taken (by kind), or SIZE_MAX. */
static size_t next_evidence(const ug_host_result *h, const size_t *taken, size_t ntaken)
{
	size_t best = SIZE_MAX;
	for (size_t i = 0; i < h->nevidence; i++) {
		bool dup = false;
		for (size_t k = 0; k < ntaken && !dup; k++)
			dup = !strcmp(h->evidence[taken[k]].kind ? h->evidence[taken[k]].kind : "",
			              h->evidence[i].kind ? h->evidence[i].kind : "");
		if (!dup && (best == SIZE_MAX || h->evidence[i].weight > h->evidence[best].weight))
			best = i;
	}
	return best;
}

/* The top evidence kinds of a host, heaviest first, at most n. */
static size_t top_evidence(const ug_host_result *h, size_t *idx, size_t n)
{
	size_t k = 0;
	while (k < n) {
		size_t i = next_evidence(h, idx, k);
		if (i == SIZE_MAX)
			break;
		idx[k++] = i;
	}
	return k;
}

/* ---- the summary: the hourly histogram ---- */

typedef struct hist {
	ug_time start, step;
	size_t ncols;
} hist;

static void delivery_span(const ug_hunt_result *r, ug_time *lo, ug_time *hi)
{
	*lo = INT64_MAX;
	*hi = INT64_MIN;
	for (size_t i = 0; i < r->nhosts; i++)
		for (size_t k = 0; k < r->hosts[i].ndeliveries; k++) {
			ug_time t = r->hosts[i].deliveries[k].time;
			if (t == UG_TIME_INVALID)
				continue;
			*lo = UG_MIN(*lo, t);
			*hi = UG_MAX(*hi, t);
		}
}

static bool has_window(const ug_hunt_result *r)
{
	return r->window_start != INT64_MIN || r->window_end != INT64_MAX;
}

/* Hourly columns over the deliveries, around the window (12 h either side)
 * when there is one; wider columns when that does not fit one screen. */
static bool hist_plan(const ug_hunt_result *r, hist *h)
{
	ug_time lo, hi;
	delivery_span(r, &lo, &hi);
	if (lo > hi)
		return false;
	if (r->window_start != INT64_MIN)
		lo = UG_MAX(lo, r->window_start - 12 * UG_NS_PER_HOUR);
	if (r->window_end != INT64_MAX)
		hi = UG_MIN(hi, r->window_end + 12 * UG_NS_PER_HOUR);
	if (lo > hi) {
		lo = r->window_start != INT64_MIN ? r->window_start : hi;
		hi = lo;
	}
	h->start = lo - (lo % UG_NS_PER_HOUR + UG_NS_PER_HOUR) % UG_NS_PER_HOUR;
	int64_t hours = (hi - h->start) / UG_NS_PER_HOUR + 1;
	int64_t per = (hours + HIST_MAX_COLS - 1) / HIST_MAX_COLS;
	h->step = per * UG_NS_PER_HOUR;
	h->ncols = (size_t)((hours + per - 1) / per);
	return true;
}

static void hist_count(const ug_hunt_result *r, const hist *h, const char *server, uint64_t *cols)
{
	memset(cols, 0, h->ncols * sizeof(*cols));
	for (size_t i = 0; i < r->nhosts; i++)
		for (size_t k = 0; k < r->hosts[i].ndeliveries; k++) {
			const ug_delivery *d = &r->hosts[i].deliveries[k];
			if (d->time == UG_TIME_INVALID || d->time < h->start ||
			    strcmp(d->server ? d->server : "", server ? server : "") != 0)
				continue;
			uint64_t c = (uint64_t)((d->time - h->start) / h->step);
			if (c < h->ncols)
				cols[c]++;
		}
}

/* One character per column: ' ' none, then . : - = + * # % @ by share of max. */
static char level_char(uint64_t n, uint64_t max)
{
	static const char levels[] = ".:-=+*#%@";
	if (!n || !max)
		return ' ';
	size_t i = (size_t)((n * (sizeof(levels) - 1) - 1) / max);
	return levels[UG_MIN(i, sizeof(levels) - 2)];
}

static uint64_t hist_max(const ug_hunt_result *r, const hist *h, uint64_t *cols)
{
	uint64_t max = 0;
	for (size_t s = 0; s < r->nservers; s++) {
		hist_count(r, h, r->servers[s].server, cols);
		for (size_t c = 0; c < h->ncols; c++)
			max = UG_MAX(max, cols[c]);
	}
	return max;
}

static void hist_ruler(ug_buf *b, const ug_hunt_result *r, const hist *h)
{
	ug_buf_printf(b, "  %-34s ", "");
	for (size_t c = 0; c < h->ncols; c++) {
		ug_time t0 = h->start + (ug_time)c * h->step, t1 = t0 + h->step;
		bool in = has_window(r) && t1 > r->window_start && t0 < r->window_end;
		ug_buf_putc(b, in ? 'W' : '-');
	}
	ug_buf_puts(b, "  (W = suspected window)\n");
	ug_buf_printf(b, "  %-34s ", "");
	for (size_t c = 0; c + 8 <= h->ncols; c += 8) {
		int y, mo, d, hh, mi, se;
		int32_t ns;
		ug_time_to_civil(h->start + (ug_time)c * h->step, &y, &mo, &d, &hh, &mi, &se, &ns);
		ug_buf_printf(b, "|%02d %02dh ", d, hh);
	}
	ug_buf_puts(b, " (day hour, UTC)\n");
}

static void summary_histogram(ug_buf *b, const ug_hunt_result *r)
{
	hist h;
	if (!r->nservers || !hist_plan(r, &h)) {
		ug_buf_puts(b, "No delivery of the product was found in the logs.\n\n");
		return;
	}
	uint64_t *cols = calloc(h.ncols, sizeof(*cols));
	if (!cols)
		return;
	uint64_t max = hist_max(r, &h, cols);
	ug_buf_printf(b, "Deliveries per update server, %lld h per column from ", (long long)(h.step / UG_NS_PER_HOUR));
	put_time(b, h.start);
	ug_buf_printf(b, " (busiest column: %llu; scale . : - = + * # %% @)\n", (unsigned long long)max);
	for (size_t s = 0; s < r->nservers; s++) {
		const ug_server_stat *st = &r->servers[s];
		char label[64];
		snprintf(label, sizeof(label), "%.26s%s%.6s%s", st->server && *st->server ? st->server : "(unknown)",
		         st->region && *st->region ? " (" : "", st->region ? st->region : "",
		         st->region && *st->region ? ")" : "");
		ug_buf_printf(b, "  %-34.34s ", label);
		hist_count(r, &h, st->server, cols);
		for (size_t c = 0; c < h.ncols; c++)
			ug_buf_putc(b, level_char(cols[c], max));
		ug_buf_printf(b, "  %llu, %llu in window, %llu bad\n", (unsigned long long)st->deliveries,
		              (unsigned long long)st->window_deliveries, (unsigned long long)st->compromised_deliveries);
	}
	hist_ruler(b, r, &h);
	ug_buf_putc(b, '\n');
	free(cols);
}

/* ---- the summary: text ---- */

static void summary_head(ug_buf *b, const ug_hunt_result *r)
{
	ug_buf_printf(b, "updguard hunt: %s\n", r->product && *r->product ? r->product : "(unnamed product)");
	if (has_window(r)) {
		ug_buf_puts(b, "Suspected window: ");
		if (r->window_start != INT64_MIN)
			put_time(b, r->window_start);
		else
			ug_buf_puts(b, "(open)");
		ug_buf_puts(b, " .. ");
		if (r->window_end != INT64_MAX)
			put_time(b, r->window_end);
		else
			ug_buf_puts(b, "(open)");
		ug_buf_puts(b, r->window_inferred ? " (inferred from the data: none was given)\n" : "\n");
	} else {
		ug_buf_puts(b, "No suspected window given and none stands out in the data: every delivery is "
		               "judged, and only lineage evidence hosts without a delivery never show concludes.\n");
	}
	ug_buf_printf(b, "Behaviour is attributed to a delivery for %lld min after it.\n\n",
	              (long long)(r->after / UG_NS_PER_MIN));
}

static void summary_verdicts(ug_buf *b, const ug_hunt_result *r)
{
	ug_buf_printf(b, "Verdicts over %zu host(s): %zu compromised, %zu suspicious, %zu clean-delivery, "
	                 "%zu no-delivery\n\n",
	              r->nhosts, count_verdict(r, UG_VERDICT_COMPROMISED), count_verdict(r, UG_VERDICT_SUSPICIOUS),
	              count_verdict(r, UG_VERDICT_CLEAN), count_verdict(r, UG_VERDICT_NO_DELIVERY));
}

static void summary_host_line(ug_buf *b, const ug_host_result *h)
{
	const ug_delivery *d = first_delivery(h);
	size_t idx[3];
	size_t n = top_evidence(h, idx, 3);
	ug_buf_printf(b, "  %-18.18s %-26.26s ", h->host ? h->host : "?",
	              d && d->server && *d->server ? d->server : "(server unknown)");
	size_t at = b->len;
	if (d)
		put_time_digits(b, d->time, 0);
	ug_buf_printf(b, "%*s %6.1f  ", (int)(b->len - at < 24 ? 24 - (b->len - at) : 0), "", h->score);
	for (size_t i = 0; i < n; i++)
		ug_buf_printf(b, "%s%s", i ? ", " : "", h->evidence[idx[i]].kind ? h->evidence[idx[i]].kind : "?");
	ug_buf_putc(b, '\n');
}

static void summary_hosts(ug_buf *b, const ug_hunt_result *r)
{
	size_t n = count_verdict(r, UG_VERDICT_COMPROMISED), shown = 0;
	if (!n) {
		ug_buf_puts(b, "No host is compromised.\n\n");
		return;
	}
	ug_buf_printf(b, "Compromised hosts (%zu):\n  %-18s %-26s %-24s %6s  %s\n", n, "host", "delivered by",
	              "first delivery", "score", "top evidence");
	for (size_t i = 0; i < r->nhosts && shown < LIST_MAX_HOSTS; i++)
		if (r->hosts[i].verdict == UG_VERDICT_COMPROMISED) {
			summary_host_line(b, &r->hosts[i]);
			shown++;
		}
	if (n > shown)
		ug_buf_printf(b, "  ... and %zu more (hosts.jsonl)\n", n - shown);
	ug_buf_putc(b, '\n');
}

static void summary_iocs(ug_buf *b, const ug_hunt_result *r)
{
	if (!r->niocs) {
		ug_buf_puts(b, "No indicators: nothing the compromised hosts share is absent from normal updates.\n\n");
		return;
	}
	ug_buf_printf(b, "Top indicators (%zu; all in iocs.csv):\n", r->niocs);
	for (size_t i = 0; i < r->niocs && i < LIST_MAX_IOCS; i++) {
		const ug_ioc *c = &r->iocs[i];
		ug_buf_printf(b, "  %-12s %-48.48s %4u host(s)  %.80s\n", c->type ? c->type : "?",
		              c->value ? c->value : "", c->hosts, c->context ? c->context : "");
	}
	ug_buf_putc(b, '\n');
}

static void summary_input(ug_buf *b, const ug_hunt_result *r)
{
	size_t read = 0;
	for (size_t i = 0; i < r->nsources; i++)
		read += !r->sources[i].ignored;
	ug_buf_printf(b, "Input: %zu file(s) read (%zu not logs), %llu record(s), %llu skipped as malformed",
	              read, r->nsources - read, (unsigned long long)r->records_read,
	              (unsigned long long)r->records_skipped);
	if (r->records_skipped && r->skipped_summary && *r->skipped_summary)
		ug_buf_printf(b, ":\n%s%s", r->skipped_summary,
		              r->skipped_summary[strlen(r->skipped_summary) - 1] == '\n' ? "" : "\n");
	else
		ug_buf_puts(b, ".\n");
}

static void summary_text(ug_buf *b, const ug_hunt_result *r)
{
	summary_head(b, r);
	summary_histogram(b, r);
	summary_verdicts(b, r);
	summary_hosts(b, r);
	summary_iocs(b, r);
	summary_input(b, r);
}

/* ---- the summary: JSON ---- */

static void json_servers(ug_buf *b, const ug_hunt_result *r)
{
	hist h;
	bool hh = hist_plan(r, &h);
	uint64_t *cols = hh ? calloc(h.ncols, sizeof(*cols)) : NULL;
	ug_buf_puts(b, "\"servers\":[");
	for (size_t s = 0; s < r->nservers; s++) {
		const ug_server_stat *st = &r->servers[s];
		ug_buf_puts(b, s ? ",{\"server\":" : "{\"server\":");
		json_str(b, st->server);
		ug_buf_puts(b, ",\"region\":");
		json_str(b, st->region);
		ug_buf_printf(b, ",\"deliveries\":%llu,\"window_deliveries\":%llu,\"compromised_deliveries\":%llu,\"first\":",
		              (unsigned long long)st->deliveries, (unsigned long long)st->window_deliveries,
		              (unsigned long long)st->compromised_deliveries);
		json_time(b, st->first);
		ug_buf_puts(b, ",\"last\":");
		json_time(b, st->last);
		if (cols) {
			hist_count(r, &h, st->server, cols);
			ug_buf_puts(b, ",\"histogram\":{\"start\":");
			json_time(b, h.start);
			ug_buf_printf(b, ",\"step_seconds\":%lld,\"counts\":[", (long long)(h.step / UG_NS_PER_SEC));
			for (size_t c = 0; c < h.ncols; c++)
				ug_buf_printf(b, "%s%llu", c ? "," : "", (unsigned long long)cols[c]);
			ug_buf_puts(b, "]}");
		}
		ug_buf_putc(b, '}');
	}
	ug_buf_putc(b, ']');
	free(cols);
}

static void json_summary_host(ug_buf *b, const ug_hunt_result *r, const ug_host_result *h)
{
	const ug_delivery *d = first_delivery(h);
	size_t idx[3];
	size_t n = top_evidence(h, idx, 3);
	ug_buf_puts(b, "{\"host\":");
	json_str(b, h->host);
	ug_buf_puts(b, ",\"server\":");
	json_str(b, d ? d->server : "");
	ug_buf_puts(b, ",\"first_delivery\":");
	json_time(b, d ? d->time : UG_TIME_INVALID);
	ug_buf_puts(b, ",\"score\":");
	json_num(b, h->score);
	ug_buf_puts(b, ",\"top_evidence\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			ug_buf_putc(b, ',');
		json_str(b, h->evidence[idx[i]].kind);
	}
	ug_buf_puts(b, "],\"source\":");
	json_source(b, r, d ? d->prov : (ug_prov){UINT32_MAX, 0});
	ug_buf_putc(b, '}');
}

static void json_summary_iocs(ug_buf *b, const ug_hunt_result *r)
{
	ug_buf_puts(b, "\"iocs\":[");
	for (size_t i = 0; i < r->niocs && i < LIST_MAX_IOCS; i++) {
		const ug_ioc *c = &r->iocs[i];
		ug_buf_puts(b, i ? ",{\"type\":" : "{\"type\":");
		json_str(b, c->type);
		ug_buf_puts(b, ",\"value\":");
		json_str(b, c->value);
		ug_buf_printf(b, ",\"hosts\":%u,\"context\":", c->hosts);
		json_str(b, c->context);
		ug_buf_puts(b, ",\"source\":");
		json_source(b, r, c->prov);
		ug_buf_putc(b, '}');
	}
	ug_buf_printf(b, "],\"iocs_total\":%zu", r->niocs);
}

static void json_summary(ug_buf *b, const ug_hunt_result *r)
{
	ug_buf_puts(b, "{\"product\":");
	json_str(b, r->product);
	ug_buf_puts(b, ",\"window\":{\"start\":");
	json_time(b, r->window_start);
	ug_buf_puts(b, ",\"end\":");
	json_time(b, r->window_end);
	ug_buf_printf(b, ",\"inferred\":%s", r->window_inferred ? "true" : "false");
	ug_buf_printf(b, "},\"after_seconds\":%lld,\"hosts\":%zu,\"verdicts\":{", (long long)(r->after / UG_NS_PER_SEC),
	              r->nhosts);
	for (int v = UG_VERDICT_COMPROMISED; v >= UG_VERDICT_NO_DELIVERY; v--)
		ug_buf_printf(b, "%s\"%s\":%zu", v == UG_VERDICT_COMPROMISED ? "" : ",", ug_verdict_name((ug_verdict)v),
		              count_verdict(r, (ug_verdict)v));
	ug_buf_puts(b, "},");
	json_servers(b, r);
	ug_buf_puts(b, ",\"compromised\":[");
	size_t shown = 0;
	for (size_t i = 0; i < r->nhosts && shown < JSON_MAX_HOSTS; i++)
		if (r->hosts[i].verdict == UG_VERDICT_COMPROMISED) {
			if (shown++)
				ug_buf_putc(b, ',');
			json_summary_host(b, r, &r->hosts[i]);
		}
	ug_buf_puts(b, "],");
	json_summary_iocs(b, r);
	ug_buf_printf(b, ",\"input\":{\"files\":%zu,\"records_read\":%llu,\"records_skipped\":%llu,\"skipped_summary\":",
	              r->nsources, (unsigned long long)r->records_read, (unsigned long long)r->records_skipped);
	json_str(b, r->skipped_summary);
	ug_buf_puts(b, "}}\n");
}

void ug_hunt_print_summary(const ug_hunt_result *r, FILE *out, bool json)
{
	ug_buf b = UG_BUF_INIT;
	if (json)
		json_summary(&b, r);
	else
		summary_text(&b, r);
	if (ug_buf_ok(&b))
		fwrite(b.p, 1, b.len, out);
	else
		fputs("updguard: out of memory writing the summary\n", out);
	fflush(out);
	ug_buf_free(&b);
}

/* ---- hosts.jsonl ---- */

static void json_delivery(ug_buf *b, const ug_hunt_result *r, const ug_delivery *d)
{
	ug_buf_puts(b, "{\"time\":");
	json_time(b, d->time);
	ug_buf_puts(b, ",\"server\":");
	json_str(b, d->server);
	ug_buf_puts(b, ",\"ip\":");
	json_str(b, d->server_ip);
	ug_buf_puts(b, ",\"region\":");
	json_str(b, d->region);
	ug_buf_puts(b, ",\"url\":");
	json_str(b, d->url);
	ug_buf_printf(b, ",\"bytes\":%llu,\"files\":", (unsigned long long)d->bytes);
	json_split(b, d->files, '|');
	ug_buf_puts(b, ",\"sha256\":");
	json_str(b, d->sha256);
	ug_buf_puts(b, ",\"seen\":[");
	put_seen(b, d->seen, true);
	ug_buf_printf(b, "],\"in_window\":%s,\"source\":", d->in_window ? "true" : "false");
	json_source(b, r, d->prov);
	ug_buf_putc(b, '}');
}

static void json_evidence(ug_buf *b, const ug_hunt_result *r, const ug_evidence *e)
{
	ug_buf_puts(b, "{\"time\":");
	json_time(b, e->time);
	ug_buf_puts(b, ",\"kind\":");
	json_str(b, e->kind);
	ug_buf_puts(b, ",\"technique\":");
	json_str(b, e->technique);
	ug_buf_puts(b, ",\"summary\":");
	json_str(b, e->summary);
	ug_buf_puts(b, ",\"value\":");
	json_str(b, e->value);
	ug_buf_puts(b, ",\"pattern\":");
	json_str(b, e->pattern ? e->pattern : e->value);
	ug_buf_printf(b, ",\"lineage\":%s,\"fleet_hosts\":%u,\"baseline_hosts\":%u,\"weight\":",
	              e->lineage ? "true" : "false", e->fleet_hosts, e->baseline_hosts);
	json_num(b, e->weight);
	ug_buf_puts(b, ",\"source\":");
	json_source(b, r, e->prov);
	ug_buf_putc(b, '}');
}

static void json_host(ug_buf *b, const ug_hunt_result *r, const ug_host_result *h)
{
	ug_buf_puts(b, "{\"host\":");
	json_str(b, h->host);
	json_key(b, false, "verdict");
	json_str(b, ug_verdict_name(h->verdict));
	json_key(b, false, "score");
	json_num(b, h->score);
	json_key(b, false, "explanation");
	json_str(b, h->explanation);
	json_key(b, false, "ips");
	json_split(b, h->ips, ',');
	ug_buf_printf(b, ",\"endpoint_logs\":%s,\"deliveries\":[", h->endpoint_logs ? "true" : "false");
	for (size_t i = 0; i < h->ndeliveries; i++) {
		if (i)
			ug_buf_putc(b, ',');
		json_delivery(b, r, &h->deliveries[i]);
	}
	ug_buf_puts(b, "],\"evidence\":[");
	for (size_t i = 0; i < h->nevidence; i++) {
		if (i)
			ug_buf_putc(b, ',');
		json_evidence(b, r, &h->evidence[i]);
	}
	ug_buf_puts(b, "]}\n");
}

/* ---- CSV files ---- */

static void csv_str(ug_buf *b, const char *s, bool last)
{
	ug_buf_append_csv_field(b, ug_sv_from(s ? s : ""));
	ug_buf_putc(b, last ? '\n' : ',');
}

static void csv_time(ug_buf *b, ug_time t)
{
	put_time(b, t);
	ug_buf_putc(b, ',');
}

static void csv_source(ug_buf *b, const ug_hunt_result *r, ug_prov pv)
{
	ug_buf tmp = UG_BUF_INIT;
	put_source(&tmp, r, pv);
	ug_buf_append_csv_field(b, ug_buf_sv(&tmp));
	ug_buf_putc(b, '\n');
	ug_buf_free(&tmp);
}

static const char deliveries_header[] =
	"host,verdict,time,server,server_ip,region,url,bytes,files,sha256,seen,in_window,source\n";

static void csv_delivery(ug_buf *b, const ug_hunt_result *r, const ug_host_result *h, const ug_delivery *d)
{
	csv_str(b, h->host, false);
	csv_str(b, ug_verdict_name(h->verdict), false);
	csv_time(b, d->time);
	csv_str(b, d->server, false);
	csv_str(b, d->server_ip, false);
	csv_str(b, d->region, false);
	csv_str(b, d->url, false);
	ug_buf_printf(b, "%llu,", (unsigned long long)d->bytes);
	csv_str(b, d->files, false);
	csv_str(b, d->sha256, false);
	put_seen(b, d->seen, false);
	ug_buf_printf(b, ",%s,", d->in_window ? "true" : "false");
	csv_source(b, r, d->prov);
}

static const char evidence_header[] =
	"host,verdict,time,kind,technique,summary,value,lineage,fleet_hosts,baseline_hosts,weight,source\n";

static void csv_evidence(ug_buf *b, const ug_hunt_result *r, const ug_host_result *h, const ug_evidence *e)
{
	csv_str(b, h->host, false);
	csv_str(b, ug_verdict_name(h->verdict), false);
	csv_time(b, e->time);
	csv_str(b, e->kind, false);
	csv_str(b, e->technique, false);
	csv_str(b, e->summary, false);
	csv_str(b, e->value, false);
	ug_buf_printf(b, "%s,%u,%u,%.3f,", e->lineage ? "true" : "false", e->fleet_hosts, e->baseline_hosts,
	              isfinite(e->weight) ? e->weight : 0.0);
	csv_source(b, r, e->prov);
}

static const char iocs_header[] = "type,value,hosts,context,source\n";

static void csv_ioc(ug_buf *b, const ug_hunt_result *r, const ug_ioc *c)
{
	csv_str(b, c->type, false);
	csv_str(b, c->value, false);
	ug_buf_printf(b, "%u,", c->hosts);
	csv_str(b, c->context, false);
	csv_source(b, r, c->prov);
}

/* ---- writing the files ---- */

typedef enum { OUT_HOSTS, OUT_DELIVERIES, OUT_EVIDENCE, OUT_IOCS } out_kind;

static bool write_rows(ug_buf *b, FILE *f, const ug_hunt_result *r, out_kind k)
{
	if (k == OUT_IOCS) {
		for (size_t i = 0; i < r->niocs; i++) {
			csv_ioc(b, r, &r->iocs[i]);
			if (!flush(b, f, false))
				return false;
		}
		return true;
	}
	for (size_t i = 0; i < r->nhosts; i++) {
		const ug_host_result *h = &r->hosts[i];
		if (k == OUT_HOSTS)
			json_host(b, r, h);
		for (size_t j = 0; k == OUT_DELIVERIES && j < h->ndeliveries; j++)
			csv_delivery(b, r, h, &h->deliveries[j]);
		for (size_t j = 0; k == OUT_EVIDENCE && j < h->nevidence; j++)
			csv_evidence(b, r, h, &h->evidence[j]);
		if (!flush(b, f, false))
			return false;
	}
	return true;
}

static int write_one(const ug_hunt_result *r, const char *dir, const char *name, out_kind k, ug_error *err)
{
	static const char *const headers[] = {"", deliveries_header, evidence_header, iocs_header};
	char path[4096];
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return ug_error_set(err, UG_ERR_INVALID, "%s: path too long", dir);
	FILE *f = fopen(path, "wb");
	if (!f)
		return ug_error_set(err, UG_ERR_IO, "%s: %s", path, strerror(errno));
	ug_buf b = UG_BUF_INIT;
	ug_buf_puts(&b, headers[k]);
	bool ok = write_rows(&b, f, r, k) && flush(&b, f, true);
	ok = (fclose(f) == 0) && ok;
	ug_buf_free(&b);
	if (!ok)
		return ug_error_set(err, UG_ERR_IO, "%s: write failed (disk full?)", path);
	return UG_OK;
}


int ug_hunt_write_outputs(const ug_hunt_result *r, const char *dir, ug_error *err)
{
	static const struct {
		const char *name;
		out_kind kind;
	} files[] = {
		{"hosts.jsonl", OUT_HOSTS},
		{"deliveries.csv", OUT_DELIVERIES},
		{"evidence.csv", OUT_EVIDENCE},
		{"iocs.csv", OUT_IOCS},
	};
	if (!r || !dir || !*dir)
		return ug_error_set(err, UG_ERR_INVALID, "no output folder");
	int rc = ug_fs_mkdirs(dir, err);
	for (size_t i = 0; rc == UG_OK && i < UG_ARRAY_LEN(files); i++)
		rc = write_one(r, dir, files[i].name, files[i].kind, err);
	return rc;
}
