/* load.c — Sigma YAML files into rules: every document of a (multi-document)
 * file is a detection rule, a correlation rule or a filter (SigmaHQ rules,
 * correlation and filter specifications 2.x). libyaml's document loader
 * gives us a node tree per document; we take what the engine needs into the
 * set's arena and reject, with the file, document and reason, anything we
 * cannot run exactly. Directories are walked recursively in sorted order.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "core/str.h"
#include "sigma/sigma_int.h"

#define RULE_MAX_BYTES (16u << 20)

typedef struct ld {
	ug_sigma *s;
	yaml_document_t *d;
	const char *path;
	uint32_t doc;
	const char *title;
} ld;

static yaml_node_t *nd(const ld *l, int i) { return yaml_document_get_node(l->d, i); }

static ug_sv scal(const yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE)
		return UG_SV_NULL;
	return ug_sv_make((const char *)n->data.scalar.value, n->data.scalar.length);
}

static bool is_null(const yaml_node_t *n)
{
	if (!n)
		return true;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	ug_sv v = scal(n);
	return v.n == 0 || ug_sv_eq_cstr(v, "null") || ug_sv_eq_cstr(v, "Null") || ug_sv_eq_cstr(v, "NULL") ||
	       ug_sv_eq_cstr(v, "~");
}

static yaml_node_t *get(const ld *l, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++)
		if (ug_sv_eq_cstr(scal(nd(l, p->key)), key))
			return nd(l, p->value);
	return NULL;
}

static ug_sv keep(ug_sigma *s, ug_sv v) { return ug_arena_dup(&s->arena, v); }

void sg_reject(ug_sigma *s, const char *path, uint32_t doc, const char *title, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ug_sigma_reject *v = sg_grow(s->rejects.v, &s->rejects.cap, s->rejects.n + 1, sizeof(*v));
	if (!v)
		return;
	s->rejects.v = v;
	v[s->rejects.n++] = (ug_sigma_reject){
		ug_arena_strdup(&s->arena, path), doc, ug_arena_strdup(&s->arena, title ? title : ""),
		ug_arena_strdup(&s->arena, msg)};
}

/* ---- detection ---- */

/* The values of an item: a scalar or a list of scalars. */
static const char *raw_values(const ld *l, yaml_node_t *v, sg_raw **out, size_t *n)
{
	size_t k = v && v->type == YAML_SEQUENCE_NODE
	                   ? (size_t)(v->data.sequence.items.top - v->data.sequence.items.start) : 1;
	*out = calloc(k + 1, sizeof(sg_raw));
	if (!*out)
		return "out of memory";
	*n = 0;
	if (v && v->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++) {
			yaml_node_t *it = nd(l, *i);
			if (it && it->type != YAML_SCALAR_NODE)
				return "a value list holds a map or a list (values are scalars)";
			(*out)[(*n)++] = (sg_raw){scal(it), is_null(it), it && it->data.scalar.style == YAML_PLAIN_SCALAR_STYLE};
		}
		return NULL;
	}
	if (v && v->type == YAML_MAPPING_NODE)
		return "a field's value is a map (values are scalars or lists of scalars)";
	(*out)[(*n)++] = (sg_raw){scal(v), is_null(v), !v || v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE};
	return NULL;
}

static const char *compile_item(ld *l, sg_item *it, ug_sv key, yaml_node_t *val, bool keyword)
{
	size_t bar = ug_sv_find_char(key, '|');
	ug_sv field = bar == SIZE_MAX ? key : ug_sv_make(key.p, bar);
	ug_sv mods = bar == SIZE_MAX ? UG_SV_NULL : ug_sv_make(key.p + bar + 1, key.n - bar - 1);
	sg_raw *raws;
	size_t n;
	const char *why = raw_values(l, val, &raws, &n);
	if (!why)
		why = sg_item_compile(l->s, it, keep(l->s, field), mods, raws, n, keyword || !field.n);
	free(raws);
	return why;
}

static const char *compile_map(ld *l, yaml_node_t *m, sg_map *out)
{
	size_t k = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
	out->items = ug_arena_calloc(&l->s->arena, k + 1, sizeof(sg_item));
	if (!out->items)
		return "out of memory";
	out->n = 0;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *key = nd(l, p->key);
		if (!key || key->type != YAML_SCALAR_NODE)
			return "a detection map key is not a string";
		const char *why = compile_item(l, &out->items[out->n++], scal(key), nd(l, p->value), false);
		if (why)
			return why;
	}
	return NULL;
}

static const char *compile_sel(ld *l, ug_sv name, yaml_node_t *v, sg_sel *sel)
{
	sel->name = keep(l->s, name);
	if (v && v->type == YAML_MAPPING_NODE) {
		sel->maps = ug_arena_calloc(&l->s->arena, 1, sizeof(sg_map));
		sel->n = 1;
		return sel->maps ? compile_map(l, v, sel->maps) : "out of memory";
	}
	bool all_maps = v && v->type == YAML_SEQUENCE_NODE && v->data.sequence.items.top > v->data.sequence.items.start;
	for (yaml_node_item_t *i = all_maps ? v->data.sequence.items.start : NULL; all_maps && i < v->data.sequence.items.top; i++)
		all_maps = nd(l, *i) && nd(l, *i)->type == YAML_MAPPING_NODE;
	if (all_maps) {
		size_t k = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
		sel->maps = ug_arena_calloc(&l->s->arena, k, sizeof(sg_map));
		if (!sel->maps)
			return "out of memory";
		for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++) {
			const char *why = compile_map(l, nd(l, *i), &sel->maps[sel->n++]);
			if (why)
				return why;
		}
		return NULL;
	}
	/* keywords: a list of scalars or one scalar */
	sel->maps = ug_arena_calloc(&l->s->arena, 1, sizeof(sg_map));
	if (!sel->maps || !(sel->maps->items = ug_arena_calloc(&l->s->arena, 1, sizeof(sg_item))))
		return "out of memory";
	sel->n = 1;
	sel->maps->n = 1;
	if (v && v->type == YAML_SEQUENCE_NODE)
		for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++)
			if (nd(l, *i) && nd(l, *i)->type != YAML_SCALAR_NODE)
				return "a search identifier mixes maps and keywords";
	return compile_item(l, sel->maps->items, UG_SV_NULL, v, true);
}

/* Identifiers (every key but condition/timeframe) and the condition. */
static const char *compile_detection(ld *l, sg_rule *r, yaml_node_t *det, const char *skip_key)
{
	if (!det || det->type != YAML_MAPPING_NODE)
		return "detection is not a map";
	size_t k = (size_t)(det->data.mapping.pairs.top - det->data.mapping.pairs.start);
	r->sels = ug_arena_calloc(&l->s->arena, k + 1, sizeof(sg_sel));
	if (!r->sels)
		return "out of memory";
	yaml_node_t *cond = NULL;
	for (yaml_node_pair_t *p = det->data.mapping.pairs.start; p < det->data.mapping.pairs.top; p++) {
		ug_sv key = scal(nd(l, p->key));
		if (ug_sv_eq_cstr(key, "condition")) {
			cond = nd(l, p->value);
			continue;
		}
		if (ug_sv_eq_cstr(key, "timeframe"))
			return "timeframe in detection is Sigma 1 aggregation; Sigma 2 uses correlation rules";
		if (skip_key && ug_sv_eq_cstr(key, skip_key))
			continue;
		const char *why = compile_sel(l, key, nd(l, p->value), &r->sels[r->nsels++]);
		if (why)
			return why;
	}
	if (r->nsels > l->s->max_sels)
		l->s->max_sels = r->nsels;
	if (!cond)
		return "detection has no condition";
	if (cond->type == YAML_SCALAR_NODE)
		return sg_cond_parse(&l->s->arena, scal(cond), r->sels, r->nsels, &r->cond);
	if (cond->type != YAML_SEQUENCE_NODE || cond->data.sequence.items.top == cond->data.sequence.items.start)
		return "condition is neither a string nor a list of strings";
	/* a list of conditions: ORed */
	for (yaml_node_item_t *i = cond->data.sequence.items.start; i < cond->data.sequence.items.top; i++) {
		sg_cond *c;
		const char *why = sg_cond_parse(&l->s->arena, scal(nd(l, *i)), r->sels, r->nsels, &c);
		if (why)
			return why;
		if (!r->cond) {
			r->cond = c;
			continue;
		}
		sg_cond *o = ug_arena_calloc(&l->s->arena, 1, sizeof(*o));
		if (!o)
			return "out of memory";
		o->op = SG_C_OR;
		o->a = r->cond;
		o->b = c;
		r->cond = o;
	}
	return NULL;
}

/* ---- metadata ---- */

static const char *str_of(ld *l, yaml_node_t *n)
{
	ug_sv v = scal(n);
	return v.p ? keep(l->s, v).p : "";
}

static const char *tags_of(ld *l, yaml_node_t *n)
{
	if (!n || n->type != YAML_SEQUENCE_NODE)
		return str_of(l, n);
	ug_buf b = UG_BUF_INIT;
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		if (b.len)
			ug_buf_putc(&b, ',');
		ug_buf_append_sv(&b, scal(nd(l, *i)));
	}
	const char *out = keep(l->s, ug_buf_sv(&b)).p;
	ug_buf_free(&b);
	return out ? out : "";
}

static bool excluded(const ug_sigma *s, const sg_rule *r)
{
	if (r->kind != SG_R_FILTER && r->pub.level < s->opts.min_level)
		return true;
	if (s->opts.statuses && r->kind == SG_R_DETECT) {
		size_t i = 0;
		while (s->opts.statuses[i] && strcmp(s->opts.statuses[i], r->pub.status) != 0)
			i++;
		if (!s->opts.statuses[i])
			return true;
	}
	for (size_t i = 0; s->opts.exclude && s->opts.exclude[i]; i++)
		if (strcmp(s->opts.exclude[i], r->pub.id) == 0 || strstr(r->pub.path, s->opts.exclude[i]))
			return true;
	return false;
}

static const char *load_meta(ld *l, sg_rule *r, yaml_node_t *root)
{
	r->pub.title = str_of(l, get(l, root, "title"));
	l->title = r->pub.title;
	r->pub.id = str_of(l, get(l, root, "id"));
	r->pub.name = str_of(l, get(l, root, "name"));
	r->pub.status = str_of(l, get(l, root, "status"));
	r->pub.tags = tags_of(l, get(l, root, "tags"));
	r->pub.path = ug_arena_strdup(&l->s->arena, l->path);
	r->pub.generate = true;
	ug_sv lev = scal(get(l, root, "level"));
	r->pub.level = UG_SIGMA_MEDIUM;
	if (lev.n) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%.*s", UG_SV_ARG(lev));
		ug_sigma_level lv;
		if (!ug_sigma_level_parse(buf, &lv))
			return "unknown level (informational, low, medium, high, critical)";
		r->pub.level = lv;
	}
	if (!*r->pub.title)
		return "no title";
	yaml_node_t *ls = get(l, root, "logsource");
	if (ls && ls->type != YAML_MAPPING_NODE)
		return "logsource is not a map";
	r->product = keep(l->s, scal(get(l, ls, "product")));
	r->category = keep(l->s, scal(get(l, ls, "category")));
	r->service = keep(l->s, scal(get(l, ls, "service")));
	return NULL;
}

/* ---- correlation and filter documents ---- */

static const char *sv_list(ld *l, yaml_node_t *n, ug_sv **out, uint32_t *count)
{
	size_t k = n && n->type == YAML_SEQUENCE_NODE
	                   ? (size_t)(n->data.sequence.items.top - n->data.sequence.items.start) : 1;
	*out = ug_arena_calloc(&l->s->arena, k + 1, sizeof(ug_sv));
	*count = 0;
	if (!*out)
		return "out of memory";
	if (n && n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
			if (!scal(nd(l, *i)).n)
				return "a list of names holds something that is not a string";
			(*out)[(*count)++] = keep(l->s, scal(nd(l, *i)));
		}
	} else if (scal(n).n) {
		(*out)[(*count)++] = keep(l->s, scal(n));
	}
	return NULL;
}

static const char *load_corr_condition(ld *l, sg_corr *c, yaml_node_t *cond)
{
	static const char *const ops[] = {"gt", "gte", "lt", "lte", "eq"};
	if (!cond)
		return c->type == SG_CT_TEMPORAL || c->type == SG_CT_TEMPORAL_ORDERED ? NULL
		       : "correlation without a condition";
	if (cond->type != YAML_MAPPING_NODE)
		return "correlation condition is not a map";
	for (yaml_node_pair_t *p = cond->data.mapping.pairs.start; p < cond->data.mapping.pairs.top; p++) {
		ug_sv k = scal(nd(l, p->key)), v = scal(nd(l, p->value));
		if (ug_sv_eq_cstr(k, "field")) {
			c->field = keep(l->s, v);
			continue;
		}
		size_t i = 0;
		while (i < 5 && !ug_sv_eq_cstr(k, ops[i]))
			i++;
		char buf[64];
		char *end;
		snprintf(buf, sizeof(buf), "%.*s", UG_SV_ARG(v));
		if (i == 5)
			return "unknown correlation condition operator (gt, gte, lt, lte, eq, field)";
		c->bound[i] = strtod(buf, &end);
		if (!v.n || *end)
			return "correlation condition bound is not a number";
		c->has[i] = true;
	}
	return NULL;
}

static const char *load_aliases(ld *l, sg_corr *c, yaml_node_t *al)
{
	if (!al)
		return NULL;
	if (al->type != YAML_MAPPING_NODE)
		return "aliases is not a map";
	size_t total = 0;
	for (yaml_node_pair_t *p = al->data.mapping.pairs.start; p < al->data.mapping.pairs.top; p++) {
		yaml_node_t *m = nd(l, p->value);
		if (!m || m->type != YAML_MAPPING_NODE)
			return "an alias is not a map of rule name to field";
		total += (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
	}
	c->alias_names = ug_arena_calloc(&l->s->arena, total + 1, sizeof(ug_sv));
	c->alias_rules = ug_arena_calloc(&l->s->arena, total + 1, sizeof(ug_sv));
	c->alias_fields = ug_arena_calloc(&l->s->arena, total + 1, sizeof(ug_sv));
	if (!c->alias_names || !c->alias_rules || !c->alias_fields)
		return "out of memory";
	for (yaml_node_pair_t *p = al->data.mapping.pairs.start; p < al->data.mapping.pairs.top; p++) {
		yaml_node_t *m = nd(l, p->value);
		for (yaml_node_pair_t *q = m->data.mapping.pairs.start; q < m->data.mapping.pairs.top; q++) {
			c->alias_names[c->naliases] = keep(l->s, scal(nd(l, p->key)));
			c->alias_rules[c->naliases] = keep(l->s, scal(nd(l, q->key)));
			c->alias_fields[c->naliases++] = keep(l->s, scal(nd(l, q->value)));
		}
	}
	return NULL;
}

static const char *load_correlation(ld *l, sg_rule *r, yaml_node_t *cn)
{
	static const char *const types[] = {"event_count", "value_count", "temporal", "temporal_ordered",
	                                    "value_sum", "value_avg", "value_percentile"};
	if (cn->type != YAML_MAPPING_NODE)
		return "correlation is not a map";
	sg_corr *c = ug_arena_calloc(&l->s->arena, 1, sizeof(*c));
	if (!c)
		return "out of memory";
	r->corr = c;
	r->kind = SG_R_CORR;
	r->pub.correlation = true;
	ug_sv type = scal(get(l, cn, "type"));
	size_t t = 0;
	while (t < UG_ARRAY_LEN(types) && !ug_sv_eq_cstr(type, types[t]))
		t++;
	if (t == UG_ARRAY_LEN(types))
		return "unknown correlation type";
	c->type = (uint8_t)t;
	const char *why = sv_list(l, get(l, cn, "rules"), &c->rules, &c->nrules);
	if (!why && !c->nrules)
		why = "correlation without rules";
	if (!why)
		why = sv_list(l, get(l, cn, "group-by"), &c->group, &c->ngroup);
	if (why)
		return why;
	ug_sv span = scal(get(l, cn, "timespan"));
	if (!span.n || ug_duration_parse(span, &c->span) != UG_OK || c->span <= 0)
		return "correlation timespan missing or not a duration (e.g. 5m, 1h, 1d)";
	why = load_corr_condition(l, c, get(l, cn, "condition"));
	if (!why && !c->field.n && scal(get(l, cn, "field")).n)
		c->field = keep(l->s, scal(get(l, cn, "field")));
	if (!why && c->type != SG_CT_EVENT_COUNT && c->type != SG_CT_TEMPORAL &&
	    c->type != SG_CT_TEMPORAL_ORDERED && !c->field.n)
		why = "value correlation without a field";
	if (!why)
		why = load_aliases(l, c, get(l, cn, "aliases"));
	ug_sv gen = scal(get(l, cn, "generate"));
	if (!gen.n)
		gen = scal(get(l, get(l, yaml_document_get_root_node(l->d), "correlation"), "generate"));
	r->pub.generate = ug_sv_eq_nocase(gen, UG_SV("true")); /* for its referenced rules */
	return why;
}

static const char *load_filter(ld *l, sg_rule *r, yaml_node_t *fn)
{
	r->kind = SG_R_FILTER;
	if (fn->type != YAML_MAPPING_NODE)
		return "filter is not a map";
	yaml_node_t *rules = get(l, fn, "rules");
	if (ug_sv_eq_cstr(scal(rules), "any"))
		r->filter_any = true;
	else {
		const char *why = sv_list(l, rules, &r->filter_rules, &r->nfilter_rules);
		if (why)
			return why;
		if (!r->nfilter_rules)
			return "filter without rules";
	}
	return compile_detection(l, r, fn, "rules");
}

/* ---- documents ---- */

static void free_rule_regexes(sg_rule *r)
{
	for (uint32_t i = 0; i < r->nsels; i++)
		for (uint32_t m = 0; m < r->sels[i].n; m++)
			for (uint32_t k = 0; k < r->sels[i].maps[m].n; k++)
				for (uint32_t v = 0; v < r->sels[i].maps[m].items[k].nv; v++) {
					pcre2_code_free(r->sels[i].maps[m].items[k].v[v].re);
					r->sels[i].maps[m].items[k].v[v].re = NULL;
				}
}

static int add_rule(ug_sigma *s, sg_rule *r)
{
	bool filter = r->kind == SG_R_FILTER;
	sg_rule ***arr = filter ? &s->filters : &s->rules;
	size_t *n = filter ? &s->nfilters : &s->nrules, *cap = filter ? &s->fcap : &s->cap;
	sg_rule **v = sg_grow(*arr, cap, *n + 1, sizeof(sg_rule *));
	if (!v)
		return UG_ERR_NOMEM;
	*arr = v;
	v[(*n)++] = r;
	return UG_OK;
}

static void load_document(ld *l, yaml_node_t *root)
{
	ug_sigma *s = l->s;
	l->title = "";
	if (!root || root->type != YAML_MAPPING_NODE) {
		sg_reject(s, l->path, l->doc, "", "document is not a map");
		return;
	}
	if (scal(get(l, root, "action")).n) {
		sg_reject(s, l->path, l->doc, str_of(l, get(l, root, "title")),
		          "Sigma 1 rule collection (action: global/reset/repeat) is not Sigma 2");
		return;
	}
	sg_rule *r = ug_arena_calloc(&s->arena, 1, sizeof(*r));
	if (!r)
		return;
	r->doc = l->doc;
	const char *why = load_meta(l, r, root);
	yaml_node_t *det = get(l, root, "detection"), *corr = get(l, root, "correlation"), *filt = get(l, root, "filter");
	if (!why) {
		if (corr)
			why = load_correlation(l, r, corr);
		else if (filt && !det)
			why = load_filter(l, r, filt);
		else if (det)
			why = compile_detection(l, r, det, NULL);
		else
			why = "neither detection, correlation nor filter";
	}
	if (!why && r->kind == SG_R_DETECT && !r->product.n && !r->category.n && !r->service.n &&
	    !get(l, root, "logsource"))
		why = "no logsource";
	if (why) {
		free_rule_regexes(r);
		sg_reject(s, l->path, l->doc, l->title, "%s", why);
		return;
	}
	if (excluded(s, r)) {
		free_rule_regexes(r);
		s->excluded++;
		return;
	}
	if (add_rule(s, r) != UG_OK) {
		free_rule_regexes(r);
		sg_reject(s, l->path, l->doc, l->title, "out of memory");
	}
}

int sg_load_yaml(ug_sigma *s, const char *path, ug_sv text)
{
	yaml_parser_t parser;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text.p, text.n);
	for (uint32_t doc = 1;; doc++) {
		yaml_document_t d;
		if (!yaml_parser_load(&parser, &d)) {
			sg_reject(s, path, doc, "", "YAML error at line %lu: %s", (unsigned long)parser.problem_mark.line + 1,
			          parser.problem ? parser.problem : "unknown");
			break;
		}
		yaml_node_t *root = yaml_document_get_root_node(&d);
		if (!root) {
			yaml_document_delete(&d);
			break;
		}
		ld l = {s, &d, path, doc, ""};
		load_document(&l, root);
		yaml_document_delete(&d);
	}
	yaml_parser_delete(&parser);
	return UG_OK;
}

/* ---- files and directories ---- */

static int read_file(const char *path, ug_buf *out, ug_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ug_error_set(err, UG_ERR_IO, "cannot open %s: %s", path, strerror(errno));
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && out->len <= RULE_MAX_BYTES)
		ug_buf_append(out, chunk, n);
	bool bad = ferror(f);
	fclose(f);
	if (bad)
		return ug_error_set(err, UG_ERR_IO, "cannot read %s", path);
	if (!ug_buf_ok(out))
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	return UG_OK;
}

static bool is_yaml_name(const char *name)
{
	size_t n = strlen(name);
	return (n > 4 && strcmp(name + n - 4, ".yml") == 0) || (n > 5 && strcmp(name + n - 5, ".yaml") == 0);
}

static int load_file(ug_sigma *s, const char *path, ug_error *err)
{
	ug_buf b = UG_BUF_INIT;
	int rc = read_file(path, &b, err);
	if (rc == UG_OK && b.len > RULE_MAX_BYTES)
		sg_reject(s, path, 0, "", "file larger than 16 MiB");
	else if (rc == UG_OK)
		rc = sg_load_yaml(s, path, ug_buf_sv(&b));
	else if (rc == UG_ERR_IO)
		sg_reject(s, path, 0, "", "%s", err->message), rc = UG_OK;
	ug_buf_free(&b);
	return rc;
}

static int load_dir(ug_sigma *s, const char *path, int depth, ug_error *err)
{
	struct dirent **names;
	int n = scandir(path, &names, NULL, alphasort);
	if (n < 0)
		return ug_error_set(err, UG_ERR_IO, "cannot read directory %s: %s", path, strerror(errno));
	int rc = UG_OK;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		if (rc == UG_OK && name[0] != '.') {
			ug_buf full = UG_BUF_INIT;
			ug_buf_printf(&full, "%s/%s", path, name);
			struct stat st;
			if (stat(ug_buf_cstr(&full), &st) == 0 && S_ISDIR(st.st_mode)) {
				if (depth < 32)
					rc = load_dir(s, ug_buf_cstr(&full), depth + 1, err);
			} else if (is_yaml_name(name)) {
				rc = load_file(s, ug_buf_cstr(&full), err);
			}
			ug_buf_free(&full);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int ug_sigma_load_path(ug_sigma *s, const char *path, ug_error *err)
{
	if (s->compiled)
		return ug_error_set(err, UG_ERR_INVALID, "rules loaded after ug_sigma_compile");
	struct stat st;
	if (stat(path, &st) != 0)
		return ug_error_set(err, UG_ERR_IO, "cannot open %s: %s", path, strerror(errno));
	return S_ISDIR(st.st_mode) ? load_dir(s, path, 0, err) : load_file(s, path, err);
}

/* ---- placeholders: a YAML map NAME: [values] ---- */

int sg_placeholders_load(ug_sigma *s, const char *path, ug_error *err)
{
	ug_buf b = UG_BUF_INIT;
	int rc = read_file(path, &b, err);
	if (rc != UG_OK) {
		ug_buf_free(&b);
		return rc;
	}
	yaml_parser_t parser;
	yaml_document_t d;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)b.p, b.len);
	if (!yaml_parser_load(&parser, &d)) {
		rc = ug_error_set(err, UG_ERR_PARSE, "%s:%lu: %s", path, (unsigned long)parser.problem_mark.line + 1,
		                  parser.problem ? parser.problem : "YAML error");
		goto out;
	}
	ld l = {s, &d, path, 1, ""};
	yaml_node_t *root = yaml_document_get_root_node(&d);
	if (!root || root->type != YAML_MAPPING_NODE) {
		rc = ug_error_set(err, UG_ERR_PARSE, "%s: expected a map NAME: [values]", path);
	} else {
		for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top && rc == UG_OK; p++) {
			sg_strlist *sl = ug_arena_calloc(&s->arena, 1, sizeof(*sl));
			uint32_t n = 0;
			const char *why = sl ? sv_list(&l, nd(&l, p->value), &sl->v, &n) : "out of memory";
			if (why)
				rc = ug_error_set(err, UG_ERR_PARSE, "%s: placeholder %.*s: %s", path,
				                  UG_SV_ARG(scal(nd(&l, p->key))), why);
			else {
				sl->n = n;
				rc = ug_map_put(&s->placeholders, scal(nd(&l, p->key)), sl);
			}
		}
	}
	yaml_document_delete(&d);
out:
	yaml_parser_delete(&parser);
	ug_buf_free(&b);
	return rc;
}
