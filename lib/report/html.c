/* html.c — report.html: one self-contained page for the incident lead (no
 * network: CSS and JS are inline, html_assets.c).
 *
 * Readable without JavaScript: the answer, the SVG chart, the table of the
 * compromised and suspicious hosts, their timelines with a lineage tree and
 * the file:line of every item, the IOCs and the skipped input are plain
 * HTML. With JavaScript on, the host table is rebuilt from the data block
 * (all hosts, paged 100 at a time, sortable, filterable by verdict, region
 * and name) and a host without a static timeline gets one rendered from the
 * data. Sizes stay bounded at 10,000 hosts: static timelines for the first
 * HTML_STATIC_HOSTS flagged hosts, the data block carries per host only the
 * table row and a short timeline.
 *
 * Escaping: every string from the case (log data: hostile) goes through
 * esc() in text and attributes, or through json_str() in the data block,
 * which also escapes '<', '>' and '&' so no "</script>" can close it. The JS
 * writes data with textContent only.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/map.h"
#include "report/html_assets.h"
#include "report/report_int.h"

#define HTML_STATIC_HOSTS 200   /* hosts with a timeline in plain HTML */
#define HTML_STATIC_ROWS 5000   /* flagged hosts in the plain-HTML table */
#define JSON_MAX_DELIVERIES 5   /* deliveries per host in the data block */
#define JSON_MAX_EVIDENCE 12
#define TREE_MAX_NODES 40

/* ---- escaping ---- */

static void esc(ug_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': ug_buf_puts(b, "&amp;"); break;
		case '<': ug_buf_puts(b, "&lt;"); break;
		case '>': ug_buf_puts(b, "&gt;"); break;
		case '"': ug_buf_puts(b, "&quot;"); break;
		case '\'': ug_buf_puts(b, "&#39;"); break;
		default: ug_buf_putc(b, *s);
		}
	}
}

static void esc_time(ug_buf *b, ug_time t)
{
	if (rp_time_valid(t)) {
		char ts[UG_TIME_BUFSZ];
		ug_time_format(t, 0, ts);
		ug_buf_puts(b, ts);
	}
}

/* A JSON string safe inside <script>: '<', '>', '&' as \u escapes. */
static void json_str(ug_buf *b, const char *s)
{
	ug_buf tmp = UG_BUF_INIT;
	ug_buf_append_json_str(&tmp, ug_sv_from(rp_s(s)));
	for (size_t i = 0; i < tmp.len; i++) {
		char c = tmp.p[i];
		if (c == '<' || c == '>' || c == '&')
			ug_buf_printf(b, "\\u%04x", (unsigned)c);
		else
			ug_buf_putc(b, c);
	}
	ug_buf_free(&tmp);
}

static void json_time(ug_buf *b, ug_time t)
{
	ug_buf_putc(b, '"');
	esc_time(b, t);
	ug_buf_putc(b, '"');
}

static void src_span(ug_buf *b, const ug_hunt_result *r, ug_prov pv)
{
	ug_buf s = UG_BUF_INIT;
	rp_source(&s, r, pv);
	if (s.len) {
		ug_buf_puts(b, " <code class=\"src\">");
		esc(b, ug_buf_cstr(&s));
		ug_buf_puts(b, "</code>");
	}
	ug_buf_free(&s);
}

/* ---- counts ---- */

static size_t count_verdict(const ug_hunt_result *r, ug_verdict v)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nhosts; i++)
		n += r->hosts[i].verdict == v;
	return n;
}

static bool flagged(const ug_host_result *h)
{
	return h->verdict == UG_VERDICT_COMPROMISED || h->verdict == UG_VERDICT_SUSPICIOUS;
}

/* Hosts with a plain-HTML timeline: the first HTML_STATIC_HOSTS flagged
 * ones in the result's order (compromised first). NULL when out of memory
 * (then every timeline comes from the data block). */
static unsigned char *static_mask(const ug_hunt_result *r)
{
	unsigned char *m = calloc(r->nhosts + 1, 1);
	for (size_t i = 0, n = 0; m && i < r->nhosts && n < HTML_STATIC_HOSTS; i++)
		if (flagged(&r->hosts[i])) {
			m[i] = 1;
			n++;
		}
	return m;
}

/* ---- head, answer ---- */

static void put_window(ug_buf *b, const ug_case *c)
{
	const ug_hunt_result *r = c->res;
	if (!rp_time_valid(r->window_start) && !rp_time_valid(r->window_end)) {
		ug_buf_puts(b, "no suspected window (every delivery judged)");
		return;
	}
	esc_time(b, r->window_start);
	ug_buf_puts(b, " to ");
	esc_time(b, r->window_end);
	ug_buf_puts(b, r->window_inferred ? " (inferred from the data)" : c->run.window_given ? " (given)" : "");
}

static void head(ug_buf *b, const ug_case *c)
{
	const ug_hunt_result *r = c->res;
	ug_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	               "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n<title>updguard: ");
	esc(b, r->product);
	ug_buf_printf(b, " hunt</title>\n<style>%s</style>\n</head>\n<body>\n<header><h1>", ug_report_css);
	esc(b, r->product);
	ug_buf_puts(b, ": who received the bad update, and what it did next</h1>\n<p class=\"meta\">Hunt run ");
	esc_time(b, c->run.created);
	ug_buf_puts(b, " by updguard ");
	esc(b, c->run.tool_version);
	if (*rp_s(c->run.profile)) {
		ug_buf_puts(b, ", profile ");
		esc(b, c->run.profile);
	}
	ug_buf_puts(b, ". Suspected window: ");
	put_window(b, c);
	ug_buf_printf(b, ". Behaviour attributed for %.0f min after a delivery.</p>\n", (double)r->after / 6e10);
	ug_buf_puts(b, "<nav><a href=\"#answer\">Answer</a> <a href=\"#chart\">Deliveries</a> <a href=\"#hosts\">Hosts</a> "
	               "<a href=\"#timelines\">Timelines</a> <a href=\"#iocs\">Indicators</a> <a href=\"#input\">Input</a></nav>\n"
	               "</header>\n<main>\n");
}

static void answer(ug_buf *b, const ug_case *c)
{
	const ug_hunt_result *r = c->res;
	size_t comp = count_verdict(r, UG_VERDICT_COMPROMISED), susp = count_verdict(r, UG_VERDICT_SUSPICIOUS);
	size_t clean = count_verdict(r, UG_VERDICT_CLEAN), none = count_verdict(r, UG_VERDICT_NO_DELIVERY);
	ug_buf_puts(b, "<section id=\"answer\"><h2>The answer</h2>\n<p class=\"question\">Which of the ");
	ug_buf_printf(b, "%zu hosts seen received a compromised ", r->nhosts);
	esc(b, r->product);
	ug_buf_puts(b, " update, from which server, and what did it do next?</p>\n<p class=\"answer\">");
	if (comp) {
		const ug_server_stat *worst = NULL;
		for (size_t i = 0; i < r->nservers; i++)
			if (!worst || r->servers[i].compromised_deliveries > worst->compromised_deliveries)
				worst = &r->servers[i];
		ug_buf_printf(b, "<strong>%zu host%s compromised</strong>", comp, comp == 1 ? " was" : "s were");
		if (worst && worst->compromised_deliveries) {
			ug_buf_puts(b, ", served by ");
			esc(b, worst->server);
			if (*rp_s(worst->region)) {
				ug_buf_puts(b, " (");
				esc(b, worst->region);
				ug_buf_putc(b, ')');
			}
		}
		ug_buf_printf(b, " in the suspected window; %zu more look suspicious. ", susp);
	} else {
		ug_buf_printf(b, "<strong>No host was judged compromised</strong>; %zu look suspicious. ", susp);
	}
	ug_buf_printf(b, "%zu received clean deliveries and %zu no delivery; %zu indicator%s found.</p>\n", clean, none,
	              r->niocs, r->niocs == 1 ? " was" : "s were");
	ug_buf_printf(b, "<ul class=\"counts\"><li class=\"v-compromised\">%zu compromised</li>"
	                 "<li class=\"v-suspicious\">%zu suspicious</li><li class=\"v-clean-delivery\">%zu clean-delivery</li>"
	                 "<li class=\"v-no-delivery\">%zu no-delivery</li></ul>\n</section>\n",
	              comp, susp, clean, none);
}

/* ---- the chart ---- */

typedef struct chart {
	ug_time t0, step;
	size_t nb;
	uint64_t *all, *bad; /* [server * nb + bucket] */
	uint64_t max;
} chart;

static size_t server_index(const ug_hunt_result *r, const char *s)
{
	for (size_t i = 0; i < r->nservers; i++)
		if (!strcmp(rp_s(r->servers[i].server), rp_s(s)))
			return i;
	return SIZE_MAX;
}

static bool chart_plan(const ug_hunt_result *r, chart *ch)
{
	static const ug_time steps[] = {UG_NS_PER_HOUR,     2 * UG_NS_PER_HOUR, 3 * UG_NS_PER_HOUR, 6 * UG_NS_PER_HOUR,
	                                12 * UG_NS_PER_HOUR, UG_NS_PER_DAY,     7 * UG_NS_PER_DAY};
	ug_time lo = INT64_MAX, hi = INT64_MIN;
	for (size_t i = 0; i < r->nservers; i++) {
		if (rp_time_valid(r->servers[i].first))
			lo = UG_MIN(lo, r->servers[i].first);
		if (rp_time_valid(r->servers[i].last))
			hi = UG_MAX(hi, r->servers[i].last);
	}
	if (lo > hi || !r->nservers)
		return false;
	size_t k = 0;
	while (k + 1 < UG_ARRAY_LEN(steps) && (hi - lo) / steps[k] >= 96)
		k++;
	ch->step = steps[k];
	ch->t0 = lo - (lo % UG_NS_PER_HOUR + UG_NS_PER_HOUR) % UG_NS_PER_HOUR;
	ch->nb = (size_t)((hi - ch->t0) / ch->step) + 1;
	if (ch->nb > 200)
		ch->nb = 200;
	ch->all = calloc(r->nservers * ch->nb, sizeof(uint64_t));
	ch->bad = calloc(r->nservers * ch->nb, sizeof(uint64_t));
	return ch->all && ch->bad;
}

static void chart_count(const ug_hunt_result *r, chart *ch)
{
	for (size_t i = 0; i < r->nhosts; i++) {
		const ug_host_result *h = &r->hosts[i];
		for (size_t j = 0; j < h->ndeliveries; j++) {
			const ug_delivery *d = &h->deliveries[j];
			size_t s = server_index(r, d->server);
			if (s == SIZE_MAX || !rp_time_valid(d->time) || d->time < ch->t0)
				continue;
			size_t bk = (size_t)((d->time - ch->t0) / ch->step);
			if (bk >= ch->nb)
				continue;
			ch->all[s * ch->nb + bk]++;
			ch->bad[s * ch->nb + bk] += h->verdict == UG_VERDICT_COMPROMISED && d->in_window;
			ch->max = UG_MAX(ch->max, ch->all[s * ch->nb + bk]);
		}
	}
}

#define CH_LEFT 210.0
#define CH_WIDTH 940.0
#define CH_LANE 46.0
#define CH_TOP 24.0

static double ch_x(const chart *ch, ug_time t)
{
	double span = (double)ch->step * (double)ch->nb;
	double x = CH_LEFT + (CH_WIDTH - CH_LEFT - 10) * (double)(t - ch->t0) / span;
	return x < CH_LEFT ? CH_LEFT : x > CH_WIDTH - 10 ? CH_WIDTH - 10 : x;
}

static void chart_window(ug_buf *b, const ug_hunt_result *r, const chart *ch, double height)
{
	if (!rp_time_valid(r->window_start) && !rp_time_valid(r->window_end))
		return;
	ug_time ws = rp_time_valid(r->window_start) ? r->window_start : ch->t0;
	ug_time we = rp_time_valid(r->window_end) ? r->window_end : ch->t0 + ch->step * (ug_time)ch->nb;
	double x0 = ch_x(ch, ws), x1 = ch_x(ch, we);
	ug_buf_printf(b, "<rect class=\"window\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>suspected window ",
	              x0, CH_TOP - 6, fmax(x1 - x0, 1.5), height);
	esc_time(b, r->window_start);
	ug_buf_puts(b, " to ");
	esc_time(b, r->window_end);
	ug_buf_printf(b, "</title></rect>\n<text class=\"wlabel\" x=\"%.1f\" y=\"%.1f\">suspected window</text>\n", x0,
	              CH_TOP - 9);
}

static void chart_lane(ug_buf *b, const ug_hunt_result *r, const chart *ch, size_t s)
{
	const ug_server_stat *st = &r->servers[s];
	double y = CH_TOP + CH_LANE * (double)s, bw = (CH_WIDTH - CH_LEFT - 10) / (double)ch->nb;
	ug_buf_printf(b, "<g class=\"lane\"><text class=\"server\" x=\"4\" y=\"%.1f\">", y + CH_LANE / 2);
	esc(b, st->server);
	if (*rp_s(st->region)) {
		ug_buf_puts(b, " (");
		esc(b, st->region);
		ug_buf_putc(b, ')');
	}
	ug_buf_printf(b, "</text><line class=\"base\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n", CH_LEFT,
	              CH_WIDTH - 10, y + CH_LANE - 4, y + CH_LANE - 4);
	for (size_t k = 0; k < ch->nb; k++) {
		uint64_t n = ch->all[s * ch->nb + k], bad = ch->bad[s * ch->nb + k];
		if (!n)
			continue;
		double h = (CH_LANE - 8) * (double)n / (double)ch->max, x = CH_LEFT + bw * (double)k;
		ug_buf_printf(b, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>", x,
		              y + CH_LANE - 4 - h, fmax(bw - 1, 1), h);
		esc_time(b, ch->t0 + ch->step * (ug_time)k);
		ug_buf_printf(b, ": %llu deliveries, %llu to compromised hosts</title></rect>", (unsigned long long)n,
		              (unsigned long long)bad);
		if (bad) {
			double hb = (CH_LANE - 8) * (double)bad / (double)ch->max;
			ug_buf_printf(b, "<rect class=\"bad\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", x,
			              y + CH_LANE - 4 - hb, fmax(bw - 1, 1), hb);
		}
	}
	ug_buf_puts(b, "</g>\n");
}

static void chart_axis(ug_buf *b, const chart *ch, double y)
{
	ug_time span = ch->step * (ug_time)ch->nb;
	ug_time tick = span > 8 * UG_NS_PER_DAY ? 7 * UG_NS_PER_DAY : span > 2 * UG_NS_PER_DAY ? UG_NS_PER_DAY
	                                                                                        : 6 * UG_NS_PER_HOUR;
	ug_time t = ch->t0 - ch->t0 % tick + tick;
	for (; t < ch->t0 + span; t += tick) {
		char ts[UG_TIME_BUFSZ];
		ug_time_format(t, 0, ts); /* "2026-01-19T06:00:00Z" -> "01-19 06:00" */
		ts[16] = '\0';
		ts[10] = ' ';
		double x = ch_x(ch, t);
		ug_buf_printf(b, "<line class=\"tick\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
		                 "<text class=\"tlabel\" x=\"%.1f\" y=\"%.1f\">%s</text>\n",
		              x, x, CH_TOP - 4, y, x, y + 14, ts + 5);
	}
}

static void chart_svg(ug_buf *b, const ug_hunt_result *r)
{
	ug_buf_puts(b, "<section id=\"chart\"><h2>Blast radius: deliveries over time per update server</h2>\n");
	chart ch = {0};
	if (!chart_plan(r, &ch)) {
		ug_buf_puts(b, "<p>No deliveries were seen.</p></section>\n");
		free(ch.all);
		free(ch.bad);
		return;
	}
	chart_count(r, &ch);
	double height = CH_TOP + CH_LANE * (double)r->nservers;
	ug_buf_printf(b, "<svg id=\"delivery-chart\" role=\"img\" viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" "
	                 "xmlns=\"http://www.w3.org/2000/svg\"><title>Deliveries per update server, %s buckets</title>\n",
	              CH_WIDTH, height + 24, ch.step >= UG_NS_PER_DAY ? "daily or weekly" : "hourly");
	chart_window(b, r, &ch, height - CH_TOP + 8);
	for (size_t s = 0; s < r->nservers; s++)
		chart_lane(b, r, &ch, s);
	chart_axis(b, &ch, height);
	ug_buf_printf(b, "</svg>\n<p class=\"legend\"><span class=\"k-bar\"></span> deliveries per %.0f h "
	                 "<span class=\"k-bad\"></span> to hosts judged compromised <span class=\"k-win\"></span> suspected "
	                 "window</p>\n<table class=\"servers\"><thead><tr><th>server</th><th>region</th><th>deliveries</th>"
	                 "<th>in window</th><th>to compromised</th><th>first</th><th>last</th></tr></thead><tbody>\n",
	              (double)ch.step / (double)UG_NS_PER_HOUR);
	for (size_t s = 0; s < r->nservers; s++) {
		const ug_server_stat *st = &r->servers[s];
		ug_buf_puts(b, "<tr><td>");
		esc(b, st->server);
		ug_buf_puts(b, "</td><td>");
		esc(b, st->region);
		ug_buf_printf(b, "</td><td>%llu</td><td>%llu</td><td>%llu</td><td>", (unsigned long long)st->deliveries,
		              (unsigned long long)st->window_deliveries, (unsigned long long)st->compromised_deliveries);
		esc_time(b, st->first);
		ug_buf_puts(b, "</td><td>");
		esc_time(b, st->last);
		ug_buf_puts(b, "</td></tr>\n");
	}
	ug_buf_puts(b, "</tbody></table></section>\n");
	free(ch.all);
	free(ch.bad);
}

/* ---- host table ---- */

static void host_row(ug_buf *b, const ug_hunt_result *r, const unsigned char *st, size_t i)
{
	const ug_host_result *h = &r->hosts[i];
	const ug_delivery *d = rp_first_delivery(h);
	const char *v = ug_verdict_name(h->verdict);
	ug_buf_printf(b, "<tr class=\"v-%s\"><td>", v);
	if (st && st[i])
		ug_buf_printf(b, "<a href=\"#h%zu\">", i);
	esc(b, h->host);
	ug_buf_printf(b, "%s</td><td class=\"verdict\">%s</td><td>%.1f</td><td>", (st && st[i]) ? "</a>" : "", v,
	              h->score);
	esc(b, d ? d->server : "");
	ug_buf_puts(b, "</td><td>");
	esc(b, d ? d->region : "");
	ug_buf_puts(b, "</td><td>");
	esc_time(b, d ? d->time : UG_TIME_INVALID);
	ug_buf_printf(b, "</td><td>%zu</td></tr>\n", h->nevidence);
}

static void host_table(ug_buf *b, const ug_hunt_result *r, const unsigned char *st)
{
	size_t shown = 0, flaggedn = 0;
	ug_buf_puts(b, "<section id=\"hosts\"><h2>Hosts</h2>\n<div id=\"host-controls\" hidden>"
	               "<label>Verdict <select id=\"f-verdict\"><option value=\"\">all</option>"
	               "<option>compromised</option><option>suspicious</option><option>clean-delivery</option>"
	               "<option>no-delivery</option></select></label> <label>Region <select id=\"f-region\">"
	               "<option value=\"\">all</option></select></label> <label>Host <input id=\"f-name\" "
	               "type=\"search\" placeholder=\"name contains\"></label> <span id=\"f-count\"></span> "
	               "<button id=\"p-prev\" type=\"button\">&larr; previous</button> <span id=\"p-info\"></span> "
	               "<button id=\"p-next\" type=\"button\">next &rarr;</button></div>\n"
	               "<table id=\"host-table\"><thead><tr><th data-k=\"0\">host</th><th data-k=\"1\">verdict</th>"
	               "<th data-k=\"2\">score</th><th data-k=\"3\">server</th><th data-k=\"4\">region</th>"
	               "<th data-k=\"5\">first delivery</th><th data-k=\"6\">evidence</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < r->nhosts; i++) {
		if (!flagged(&r->hosts[i]))
			continue;
		flaggedn++;
		if (shown < HTML_STATIC_ROWS) {
			host_row(b, r, st, i);
			shown++;
		}
	}
	ug_buf_puts(b, "</tbody></table>\n<p class=\"static-only\">");
	if (!flaggedn)
		ug_buf_puts(b, "No host was judged compromised or suspicious. ");
	else
		ug_buf_printf(b, "The %zu compromised and suspicious host%s%s. ", shown, shown == 1 ? " is" : "s are",
		              shown < flaggedn ? " listed first (the rest in hosts.jsonl)" : " listed");
	ug_buf_printf(b, "%zu clean-delivery and no-delivery hosts are in hosts.jsonl; with JavaScript on, this table "
	                 "holds every host.</p>\n</section>\n",
	              r->nhosts - flaggedn);
}

/* ---- per-host timelines ---- */

typedef struct tnode {
	const char *path;        /* the image as logged (the map key is its basename) */
	int parent;              /* index or -1 */
	ug_buf what;             /* evidence kinds it did */
} tnode;

typedef struct tree {
	tnode v[TREE_MAX_NODES];
	size_t n;
	ug_map idx;
} tree;

static int tree_node(tree *t, const char *path)
{
	ug_sv base = ug_path_basename(ug_sv_from(path));
	if (!base.n)
		return -1;
	size_t at = (size_t)(uintptr_t)ug_map_get(&t->idx, base);
	if (at)
		return (int)at - 1;
	if (t->n == TREE_MAX_NODES)
		return -1;
	ug_map_put(&t->idx, base, (void *)(uintptr_t)(t->n + 1));
	t->v[t->n] = (tnode){path, -1, UG_BUF_INIT};
	return (int)t->n++;
}

/* Is a an ancestor of b (so linking b under a would make a cycle)? */
static bool ancestor(const tree *t, int a, int b)
{
	for (int k = 0, x = a; x >= 0 && k <= TREE_MAX_NODES; x = t->v[x].parent, k++)
		if (x == b)
			return true;
	return false;
}

static void tree_build(tree *t, const ug_host_result *h)
{
	for (size_t i = 0; i < h->nevidence; i++) {
		const ug_evidence *e = &h->evidence[i];
		if (!e->lineage || !*rp_s(e->process))
			continue;
		int c = tree_node(t, e->process), p = *rp_s(e->parent_process) ? tree_node(t, e->parent_process) : -1;
		if (c < 0)
			continue;
		if (p >= 0 && p != c && t->v[c].parent < 0 && !ancestor(t, p, c))
			t->v[c].parent = p;
		ug_buf *w = &t->v[c].what;
		if (!strstr(ug_buf_cstr(w), rp_s(e->kind)))
			ug_buf_printf(w, "%s%s", w->len ? ", " : "", rp_s(e->kind));
	}
}

static void tree_print(ug_buf *b, const tree *t, int parent, int depth)
{
	bool open = false;
	for (size_t i = 0; i < t->n && depth < 8; i++) {
		if (t->v[i].parent != parent)
			continue;
		if (!open)
			ug_buf_puts(b, "<ul>");
		open = true;
		ug_buf_puts(b, "<li><span class=\"proc\" title=\"");
		esc(b, t->v[i].path);
		ug_buf_puts(b, "\">");
		ug_sv base = ug_path_basename(ug_sv_from(t->v[i].path));
		ug_buf tmp = UG_BUF_INIT;
		ug_buf_append_sv(&tmp, base);
		esc(b, ug_buf_cstr(&tmp));
		ug_buf_free(&tmp);
		ug_buf_puts(b, "</span>");
		if (t->v[i].what.len) {
			ug_buf_puts(b, " <span class=\"did\">");
			esc(b, ug_buf_cstr(&t->v[i].what));
			ug_buf_puts(b, "</span>");
		}
		tree_print(b, t, (int)i, depth + 1);
		ug_buf_puts(b, "</li>");
	}
	if (open)
		ug_buf_puts(b, "</ul>");
}

static void lineage_tree(ug_buf *b, const ug_host_result *h)
{
	tree *t = calloc(1, sizeof(*t));
	if (!t)
		return;
	ug_map_init(&t->idx, true);
	tree_build(t, h);
	if (t->n) {
		ug_buf_puts(b, "<div class=\"tree\"><p>Process lineage (from the updater):</p>");
		tree_print(b, t, -1, 0);
		ug_buf_puts(b, "</div>\n");
	}
	for (size_t i = 0; i < t->n; i++)
		ug_buf_free(&t->v[i].what);
	ug_map_free(&t->idx);
	free(t);
}

/* Deliveries worth showing on a timeline: those in the window, else the last 3. */
static bool show_delivery(const ug_host_result *h, size_t j, bool any_window)
{
	return any_window ? h->deliveries[j].in_window : j + 3 >= h->ndeliveries;
}

static void tl_delivery(ug_buf *b, const ug_hunt_result *r, const ug_delivery *d)
{
	ug_buf_puts(b, "<li class=\"d\"><time>");
	esc_time(b, d->time);
	ug_buf_printf(b, "</time> <b>delivery%s</b> from ", d->in_window ? " in window" : "");
	esc(b, *rp_s(d->server) ? d->server : "unknown server");
	if (*rp_s(d->server_ip)) {
		ug_buf_puts(b, " (");
		esc(b, d->server_ip);
		ug_buf_putc(b, ')');
	}
	if (*rp_s(d->url)) {
		ug_buf_puts(b, " <span class=\"url\">");
		esc(b, d->url);
		ug_buf_puts(b, "</span>");
	}
	if (*rp_s(d->files)) {
		ug_buf_puts(b, " files: ");
		esc(b, d->files);
	}
	src_span(b, r, d->prov);
	ug_buf_puts(b, "</li>\n");
}

static void tl_evidence(ug_buf *b, const ug_hunt_result *r, const ug_evidence *e)
{
	ug_buf_printf(b, "<li class=\"e%s\"><time>", e->weight >= 4 ? " strong" : "");
	esc_time(b, e->time);
	ug_buf_puts(b, "</time> <b>");
	esc(b, e->kind);
	ug_buf_puts(b, "</b> <span class=\"tech\">");
	esc(b, e->technique);
	ug_buf_puts(b, "</span> ");
	esc(b, e->summary);
	ug_buf_printf(b, " <span class=\"why\">(weight %.1f; %u host(s) in the fleet, %u after normal updates; by %s)</span>",
	              e->weight, e->fleet_hosts, e->baseline_hosts, e->lineage ? "lineage" : "time");
	src_span(b, r, e->prov);
	ug_buf_puts(b, "</li>\n");
}

static void timeline(ug_buf *b, const ug_hunt_result *r, size_t hi)
{
	const ug_host_result *h = &r->hosts[hi];
	const char *v = ug_verdict_name(h->verdict);
	ug_buf_printf(b, "<section class=\"host\" id=\"h%zu\"><h3>", hi);
	esc(b, h->host);
	ug_buf_printf(b, " <span class=\"verdict v-%s\">%s</span> <span class=\"score\">score %.1f</span></h3>\n<p>", v, v,
	              h->score);
	esc(b, h->explanation);
	ug_buf_puts(b, "</p>\n<p class=\"meta\">Addresses: ");
	esc(b, *rp_s(h->ips) ? h->ips : "none seen");
	ug_buf_printf(b, "; %s</p>\n", h->endpoint_logs ? "endpoint logs seen" : "known only from network logs");
	lineage_tree(b, h);
	bool any_window = false;
	for (size_t j = 0; j < h->ndeliveries; j++)
		any_window |= h->deliveries[j].in_window;
	ug_buf_puts(b, "<ol class=\"tl\">\n");
	size_t j = 0, k = 0;
	while (j < h->ndeliveries || k < h->nevidence) { /* merge by time: both lists are in time order */
		bool take_d = j < h->ndeliveries && (k >= h->nevidence || h->deliveries[j].time <= h->evidence[k].time);
		if (take_d) {
			if (show_delivery(h, j, any_window))
				tl_delivery(b, r, &h->deliveries[j]);
			j++;
		} else {
			tl_evidence(b, r, &h->evidence[k++]);
		}
	}
	ug_buf_puts(b, "</ol></section>\n");
}

static void timelines(ug_buf *b, const ug_hunt_result *r, const unsigned char *st)
{
	size_t n = 0;
	ug_buf_puts(b, "<section id=\"timelines\"><h2>Host timelines</h2>\n<div id=\"host-detail\"></div>\n");
	for (size_t i = 0; i < r->nhosts; i++)
		if (st && st[i]) {
			timeline(b, r, i);
			n++;
		}
	if (!n)
		ug_buf_puts(b, "<p class=\"static-only\">No host was judged compromised or suspicious.</p>\n");
	ug_buf_puts(b, "</section>\n");
}

/* ---- IOCs, input ---- */

static void iocs(ug_buf *b, const ug_hunt_result *r)
{
	ug_buf_printf(b, "<section id=\"iocs\"><h2>Indicators (%zu)</h2>\n", r->niocs);
	if (!r->niocs) {
		ug_buf_puts(b, "<p>None.</p></section>\n");
		return;
	}
	ug_buf_puts(b, "<table class=\"iocs\"><thead><tr><th>type</th><th>value</th><th>hosts</th><th>context</th>"
	               "<th>seen at</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < r->niocs; i++) {
		const ug_ioc *c = &r->iocs[i];
		ug_buf_puts(b, "<tr><td>");
		esc(b, c->type);
		ug_buf_puts(b, "</td><td class=\"val\">");
		esc(b, c->value);
		ug_buf_printf(b, "</td><td>%u</td><td>", c->hosts);
		esc(b, c->context);
		ug_buf_puts(b, "</td><td>");
		src_span(b, r, c->prov);
		ug_buf_puts(b, "</td></tr>\n");
	}
	ug_buf_puts(b, "</tbody></table></section>\n");
}

static void input(ug_buf *b, const ug_hunt_result *r)
{
	size_t ignored = 0, listed = 0;
	for (size_t i = 0; i < r->nsources; i++)
		ignored += r->sources[i].ignored != NULL;
	ug_buf_printf(b, "<section id=\"input\"><h2>Input: what was read, and what was skipped</h2>\n<p>%zu file(s) read "
	                 "(%zu not logs), %llu record(s), %llu skipped as malformed.</p>\n",
	              r->nsources - ignored, ignored, (unsigned long long)r->records_read,
	              (unsigned long long)r->records_skipped);
	ug_buf_puts(b, "<table class=\"sources\"><thead><tr><th>file</th><th>format</th><th>records</th><th>skipped</th>"
	               "<th>why</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < r->nsources; i++) {
		const ug_source *s = &r->sources[i];
		if (!s->skipped && !s->failed && !s->ignored)
			continue;
		listed++;
		ug_buf_puts(b, "<tr><td>");
		esc(b, s->path);
		ug_buf_puts(b, "</td><td>");
		esc(b, s->format);
		ug_buf_printf(b, "</td><td>%llu</td><td>%llu</td><td>", (unsigned long long)s->records,
		              (unsigned long long)s->skipped);
		esc(b, s->ignored ? s->ignored : s->failed ? "could not be read" : "malformed records");
		ug_buf_puts(b, "</td></tr>\n");
	}
	if (!listed)
		ug_buf_puts(b, "<tr><td colspan=\"5\">Every file was read whole.</td></tr>\n");
	ug_buf_puts(b, "</tbody></table>\n");
	if (*rp_s(r->skipped_summary)) {
		ug_buf_puts(b, "<pre class=\"skips\">");
		esc(b, r->skipped_summary);
		ug_buf_puts(b, "</pre>\n");
	}
	ug_buf_puts(b, "</section>\n");
}

/* ---- the data block for the script ---- */

/* The data block's strings: each distinct one once, items refer to it by
 * index (the same summaries, servers and URLs recur on thousands of hosts). */
typedef struct strtab {
	ug_map idx; /* string -> index + 1 */
	ug_buf json;
	size_t n;
} strtab;

static void str_ref(ug_buf *b, strtab *t, const char *s)
{
	ug_sv v = ug_sv_from(rp_s(s));
	bool created = false;
	ug_map_entry *e = ug_map_upsert(&t->idx, v, &created);
	if (!e) {
		ug_buf_putc(b, '0');
		return;
	}
	if (created) {
		e->value = (void *)(uintptr_t)(++t->n);
		ug_buf_puts(&t->json, t->n > 1 ? "," : "");
		json_str(&t->json, rp_s(s));
	}
	ug_buf_printf(b, "%zu", (size_t)(uintptr_t)e->value - 1);
}

/* A source as [index into the data's sources, record], or 0 when unknown. */
static void json_prov(ug_buf *b, const ug_hunt_result *r, ug_prov pv)
{
	if (pv.source < r->nsources && r->sources[pv.source].path)
		ug_buf_printf(b, "[%u,%llu]", pv.source, (unsigned long long)pv.record);
	else
		ug_buf_putc(b, '0');
}

static void json_delivery(ug_buf *b, strtab *t, const ug_hunt_result *r, const ug_delivery *d)
{
	ug_buf_puts(b, "[\"d\",");
	json_time(b, d->time);
	ug_buf_putc(b, ',');
	str_ref(b, t, d->server);
	ug_buf_putc(b, ',');
	str_ref(b, t, d->server_ip);
	ug_buf_putc(b, ',');
	str_ref(b, t, d->url);
	ug_buf_printf(b, ",%d,", d->in_window);
	json_prov(b, r, d->prov);
	ug_buf_putc(b, ']');
}

static void json_evidence(ug_buf *b, strtab *t, const ug_hunt_result *r, const ug_evidence *e)
{
	ug_buf_puts(b, "[\"e\",");
	json_time(b, e->time);
	ug_buf_putc(b, ',');
	str_ref(b, t, e->kind);
	ug_buf_putc(b, ',');
	str_ref(b, t, e->technique);
	ug_buf_putc(b, ',');
	str_ref(b, t, e->summary);
	ug_buf_printf(b, ",%.1f,", e->weight);
	json_prov(b, r, e->prov);
	ug_buf_putc(b, ']');
}

/* A short timeline for hosts without a static one. */
static void json_items(ug_buf *b, strtab *t, const ug_hunt_result *r, const ug_host_result *h)
{
	bool any_window = false, first = true;
	size_t nd = 0;
	for (size_t j = 0; j < h->ndeliveries; j++)
		any_window |= h->deliveries[j].in_window;
	ug_buf_putc(b, '[');
	for (size_t j = 0; j < h->ndeliveries && nd < JSON_MAX_DELIVERIES; j++) {
		if (!show_delivery(h, j, any_window))
			continue;
		ug_buf_puts(b, first ? "" : ",");
		first = false;
		json_delivery(b, t, r, &h->deliveries[j]);
		nd++;
	}
	for (size_t k = 0; k < h->nevidence && k < JSON_MAX_EVIDENCE; k++) {
		ug_buf_puts(b, first ? "" : ",");
		first = false;
		json_evidence(b, t, r, &h->evidence[k]);
	}
	ug_buf_putc(b, ']');
}

/* sources: [path]; strs: [string]; hosts: [name, verdict, score, server,
 * region, first delivery, evidence, static?, items]; items: ["d", time,
 * server, ip, url, in window, source] or ["e", time, kind, technique,
 * summary, weight, source] with strings as indices into strs and source
 * [index into sources, record] or 0. */
static void data_block(ug_buf *b, const ug_hunt_result *r, const unsigned char *st)
{
	strtab t = {.json = UG_BUF_INIT};
	ug_map_init(&t.idx, false);
	ug_buf_puts(b, "<script type=\"application/json\" id=\"ug-data\">{\"sources\":[");
	for (size_t i = 0; i < r->nsources; i++) {
		ug_buf_puts(b, i ? "," : "");
		json_str(b, r->sources[i].path);
	}
	ug_buf_puts(b, "],\n\"hosts\":[");
	for (size_t i = 0; i < r->nhosts; i++) {
		const ug_host_result *h = &r->hosts[i];
		const ug_delivery *d = rp_first_delivery(h);
		ug_buf_puts(b, i ? ",\n[" : "\n[");
		json_str(b, h->host);
		ug_buf_printf(b, ",\"%s\",%.1f,", ug_verdict_name(h->verdict), isfinite(h->score) ? h->score : 0.0);
		json_str(b, d ? d->server : "");
		ug_buf_putc(b, ',');
		json_str(b, d ? d->region : "");
		ug_buf_putc(b, ',');
		json_time(b, d ? d->time : UG_TIME_INVALID);
		ug_buf_printf(b, ",%zu,%d,", h->nevidence, st && st[i]);
		if (st && st[i])
			ug_buf_puts(b, "[]");
		else
			json_items(b, &t, r, h);
		ug_buf_putc(b, ']');
	}
	ug_buf_printf(b, "],\n\"strs\":[%s]}</script>\n", ug_buf_cstr(&t.json));
	ug_buf_free(&t.json);
	ug_map_free(&t.idx);
}

int ug_report_write_html(const ug_case *c, const char *dir, ug_error *err)
{
	const ug_hunt_result *r = c->res;
	ug_buf b = UG_BUF_INIT;
	unsigned char *st = static_mask(r);
	head(&b, c);
	answer(&b, c);
	chart_svg(&b, r);
	host_table(&b, r, st);
	timelines(&b, r, st);
	iocs(&b, r);
	input(&b, r);
	ug_buf_puts(&b, "</main>\n<footer>Written by updguard. Every item carries the file:line of the log record it "
	                "came from. The same case: case.sqlite, hosts.jsonl, timeline.csv, iocs.stix.json.</footer>\n");
	data_block(&b, r, st);
	free(st);
	ug_buf_printf(&b, "<script>%s</script>\n</body></html>\n", ug_report_js);
	int rc = rp_write_file(dir, "report.html", &b, err);
	ug_buf_free(&b);
	return rc;
}
