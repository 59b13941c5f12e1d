/* logsource.c — the logsource mapping (sigma/logsources.yml, docs/sigma.md
 * "Logsources"): which events a rule's product/category/service stands for
 * (channels, EventIDs or an event kind, extra field tests) and how its field
 * names read on those events (renames, e.g. Security 4688's NewProcessName
 * for Image). Shipped as data so analysts can adapt it; found like the
 * profiles: the installed data dir, then ./sigma.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "core/str.h"
#include "sigma/sigma_int.h"
#include "ug_config.h"

typedef struct sg_lsentry {
	ug_sv product, category, service; /* exactly one of category/service set */
	sg_src src;
} sg_lsentry;

typedef struct ydoc {
	yaml_document_t *d;
	sg_mapping *m;
	const char *path;
	ug_error *err;
} ydoc;

static yaml_node_t *ynode(const ydoc *y, int i) { return yaml_document_get_node(y->d, i); }

static ug_sv yscalar(const yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE)
		return UG_SV_NULL;
	return ug_sv_make((const char *)n->data.scalar.value, n->data.scalar.length);
}

static ug_sv keep(ydoc *y, ug_sv s)
{
	return ug_arena_dup(&y->m->arena, s);
}

static int bad(ydoc *y, const yaml_node_t *n, const char *what)
{
	return ug_error_set(y->err, UG_ERR_PARSE, "%s:%lu: %s", y->path,
	                    n ? (unsigned long)n->start_mark.line + 1 : 0UL, what);
}

static sg_lsentry *add_entry(sg_mapping *m)
{
	sg_lsentry *e = sg_grow(m->entries, &m->cap, m->n + 1, sizeof(*e));
	if (!e)
		return NULL;
	m->entries = e;
	e = &m->entries[m->n++];
	memset(e, 0, sizeof(*e));
	e->src.kind = -1;
	return e;
}

/* A scalar or a list of scalars, as kept views. */
static int str_list(ydoc *y, yaml_node_t *n, ug_sv **out, uint32_t *count)
{
	if (n->type == YAML_SCALAR_NODE) {
		*out = ug_arena_alloc(&y->m->arena, sizeof(ug_sv));
		if (!*out)
			return UG_ERR_NOMEM;
		(*out)[0] = keep(y, yscalar(n));
		*count = 1;
		return UG_OK;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return bad(y, n, "expected a list");
	size_t k = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	*out = ug_arena_alloc(&y->m->arena, (k + 1) * sizeof(ug_sv));
	if (!*out)
		return UG_ERR_NOMEM;
	*count = 0;
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		yaml_node_t *it = ynode(y, *i);
		if (!it || it->type != YAML_SCALAR_NODE)
			return bad(y, it, "expected a list of strings");
		(*out)[(*count)++] = keep(y, yscalar(it));
	}
	return UG_OK;
}

static int load_services(ydoc *y, yaml_node_t *prods)
{
	if (prods->type != YAML_MAPPING_NODE)
		return bad(y, prods, "services: expected PRODUCT: {SERVICE: [channels]}");
	for (yaml_node_pair_t *p = prods->data.mapping.pairs.start; p < prods->data.mapping.pairs.top; p++) {
		yaml_node_t *svcs = ynode(y, p->value);
		if (!svcs || svcs->type != YAML_MAPPING_NODE)
			return bad(y, svcs, "services: expected SERVICE: [channels]");
		ug_sv product = keep(y, yscalar(ynode(y, p->key)));
		for (yaml_node_pair_t *q = svcs->data.mapping.pairs.start; q < svcs->data.mapping.pairs.top; q++) {
			sg_lsentry *e = add_entry(y->m);
			if (!e)
				return UG_ERR_NOMEM;
			e->product = product;
			e->service = keep(y, yscalar(ynode(y, q->key)));
			int rc = str_list(y, ynode(y, q->value), &e->src.channels, &e->src.nchannels);
			if (rc != UG_OK)
				return rc;
		}
	}
	return UG_OK;
}

static const sg_lsentry *find_service(const sg_mapping *m, ug_sv product, ug_sv service)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->entries[i].service.n && ug_sv_eq(m->entries[i].service, service) &&
		    (!product.n || ug_sv_eq(m->entries[i].product, product)))
			return &m->entries[i];
	return NULL;
}

static int src_map_pairs(ydoc *y, yaml_node_t *n, ug_sv **keys, ug_sv **vals, uint32_t *count)
{
	if (n->type != YAML_MAPPING_NODE)
		return bad(y, n, "expected a map");
	size_t k = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	*keys = ug_arena_alloc(&y->m->arena, (k + 1) * sizeof(ug_sv));
	*vals = ug_arena_alloc(&y->m->arena, (k + 1) * sizeof(ug_sv));
	if (!*keys || !*vals)
		return UG_ERR_NOMEM;
	*count = 0;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		(*keys)[*count] = keep(y, yscalar(ynode(y, p->key)));
		(*vals)[(*count)++] = keep(y, yscalar(ynode(y, p->value)));
	}
	return UG_OK;
}

/* One alternative of a category. */
static int load_alt(ydoc *y, ug_sv product, ug_sv category, yaml_node_t *alt)
{
	if (alt->type != YAML_MAPPING_NODE)
		return bad(y, alt, "categories: each alternative is a map");
	sg_lsentry *e = add_entry(y->m);
	if (!e)
		return UG_ERR_NOMEM;
	e->product = product;
	e->category = category;
	sg_src *s = &e->src;
	for (yaml_node_pair_t *p = alt->data.mapping.pairs.start; p < alt->data.mapping.pairs.top; p++) {
		ug_sv key = yscalar(ynode(y, p->key));
		yaml_node_t *v = ynode(y, p->value);
		int rc = UG_OK;
		if (ug_sv_eq_cstr(key, "service")) {
			size_t idx = (size_t)(e - y->m->entries);
			const sg_lsentry *svc = find_service(y->m, product, yscalar(v));
			e = &y->m->entries[idx];
			s = &e->src;
			if (!svc)
				return bad(y, v, "categories: service not defined under services");
			s->channels = svc->src.channels;
			s->nchannels = svc->src.nchannels;
		} else if (ug_sv_eq_cstr(key, "kind")) {
			ug_event_kind k;
			if (!ug_event_kind_parse(yscalar(v), &k))
				return bad(y, v, "categories: unknown event kind");
			s->kind = (int)k;
		} else if (ug_sv_eq_cstr(key, "event_ids")) {
			ug_sv *ids;
			uint32_t n = 0;
			rc = str_list(y, v, &ids, &n);
			if (rc == UG_OK && !(s->eids = ug_arena_alloc(&y->m->arena, (n + 1) * sizeof(uint32_t))))
				rc = UG_ERR_NOMEM;
			for (uint32_t i = 0; rc == UG_OK && i < n; i++) {
				uint64_t id;
				if (!ug_sv_to_u64(ids[i], &id) || id > UINT32_MAX)
					return bad(y, v, "categories: event_ids must be numbers");
				s->eids[s->neids++] = (uint32_t)id;
			}
		} else if (ug_sv_eq_cstr(key, "conditions")) {
			rc = src_map_pairs(y, v, &s->cond_fields, &s->cond_values, &s->nconds);
		} else if (ug_sv_eq_cstr(key, "rename")) {
			ug_sv *from, *to;
			uint32_t n = 0;
			rc = src_map_pairs(y, v, &from, &to, &n);
			if (rc == UG_OK && !(s->renames = ug_arena_alloc(&y->m->arena, (n + 1) * sizeof(sg_rename))))
				rc = UG_ERR_NOMEM;
			for (uint32_t i = 0; rc == UG_OK && i < n; i++)
				s->renames[s->nrenames++] = (sg_rename){from[i], to[i], SG_NO_SLOT, SG_NO_SLOT};
		} else {
			return bad(y, ynode(y, p->key), "categories: unknown key (service, kind, event_ids, conditions, rename)");
		}
		if (rc != UG_OK)
			return rc;
	}
	return UG_OK;
}

static int load_categories(ydoc *y, yaml_node_t *prods)
{
	if (prods->type != YAML_MAPPING_NODE)
		return bad(y, prods, "categories: expected PRODUCT: {CATEGORY: [alternatives]}");
	for (yaml_node_pair_t *p = prods->data.mapping.pairs.start; p < prods->data.mapping.pairs.top; p++) {
		ug_sv product = keep(y, yscalar(ynode(y, p->key)));
		yaml_node_t *cats = ynode(y, p->value);
		if (!cats || cats->type != YAML_MAPPING_NODE)
			return bad(y, cats, "categories: expected CATEGORY: [alternatives]");
		for (yaml_node_pair_t *q = cats->data.mapping.pairs.start; q < cats->data.mapping.pairs.top; q++) {
			ug_sv cat = keep(y, yscalar(ynode(y, q->key)));
			yaml_node_t *alts = ynode(y, q->value);
			if (!alts || alts->type != YAML_SEQUENCE_NODE)
				return bad(y, alts, "categories: a category holds a list of alternatives");
			for (yaml_node_item_t *i = alts->data.sequence.items.start; i < alts->data.sequence.items.top; i++) {
				int rc = load_alt(y, product, cat, ynode(y, *i));
				if (rc != UG_OK)
					return rc;
			}
		}
	}
	return UG_OK;
}

static int load_doc(ydoc *y)
{
	yaml_node_t *root = yaml_document_get_root_node(y->d);
	if (!root || root->type != YAML_MAPPING_NODE)
		return bad(y, root, "expected a map with services and categories");
	yaml_node_t *svcs = NULL, *cats = NULL;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		ug_sv k = yscalar(ynode(y, p->key));
		if (ug_sv_eq_cstr(k, "services"))
			svcs = ynode(y, p->value);
		else if (ug_sv_eq_cstr(k, "categories"))
			cats = ynode(y, p->value);
		else
			return bad(y, ynode(y, p->key), "unknown key (services, categories)");
	}
	int rc = svcs ? load_services(y, svcs) : UG_OK;
	return rc == UG_OK && cats ? load_categories(y, cats) : rc;
}

int sg_mapping_load(sg_mapping *m, const char *path, ug_error *err)
{
	memset(m, 0, sizeof(*m));
	ug_arena_init(&m->arena, 0);
	FILE *f = fopen(path, "rb");
	if (!f)
		return ug_error_set(err, UG_ERR_IO, "cannot open logsource mapping %s", path);
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	int rc;
	if (!yaml_parser_load(&parser, &doc)) {
		rc = ug_error_set(err, UG_ERR_PARSE, "%s:%lu: %s", path, (unsigned long)parser.problem_mark.line + 1,
		                  parser.problem ? parser.problem : "YAML error");
	} else {
		ydoc y = {&doc, m, path, err};
		rc = load_doc(&y);
		if (rc == UG_ERR_NOMEM)
			ug_error_set(err, rc, "out of memory");
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

void sg_mapping_free(sg_mapping *m)
{
	free(m->entries);
	ug_arena_free(&m->arena);
	memset(m, 0, sizeof(*m));
}

const char *sg_mapping_default_path(char *buf, size_t cap)
{
	struct stat st;
	snprintf(buf, cap, "%s/sigma/logsources.yml", UG_DATADIR);
	if (stat(buf, &st) == 0)
		return buf;
	const char *root = getenv("UG_SOURCE_ROOT");
	if (root && *root) {
		snprintf(buf, cap, "%s/sigma/logsources.yml", root);
		if (stat(buf, &st) == 0)
			return buf;
	}
	/* a build tree: the binary is in build/, the data in the source root */
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, cap, "%s/../sigma/logsources.yml", exe);
			if (stat(buf, &st) == 0)
				return buf;
		}
	}
	snprintf(buf, cap, "sigma/logsources.yml");
	return buf;
}

static bool product_ok(ug_sv entry, ug_sv rule)
{
	return !rule.n || ug_sv_eq(entry, rule) || ug_sv_eq_cstr(entry, "any");
}

int sg_mapping_resolve(const sg_mapping *m, ug_arena *a, ug_sv product, ug_sv category,
                       ug_sv service, sg_src **out, uint32_t *n)
{
	*out = NULL;
	*n = 0;
	size_t k = 0, nch = 0;
	for (size_t i = 0; i < m->n; i++) {
		const sg_lsentry *e = &m->entries[i];
		bool hit = category.n ? ug_sv_eq(e->category, category) && product_ok(e->product, product)
		           : service.n ? ug_sv_eq(e->service, service) && product_ok(e->product, product)
		           : product.n && e->service.n && ug_sv_eq(e->product, product);
		if (hit) {
			k++;
			nch += e->src.nchannels;
		}
	}
	if (!k)
		return UG_OK;
	bool union_all = !category.n && !service.n; /* product only: every channel of it */
	sg_src *v = ug_arena_calloc(a, union_all ? 1 : k, sizeof(sg_src));
	ug_sv *ch = union_all ? ug_arena_alloc(a, nch * sizeof(ug_sv)) : NULL;
	if (!v || (union_all && !ch))
		return UG_ERR_NOMEM;
	if (union_all) {
		v->kind = -1;
		v->channels = ch;
	}
	for (size_t i = 0; i < m->n; i++) {
		const sg_lsentry *e = &m->entries[i];
		bool hit = category.n ? ug_sv_eq(e->category, category) && product_ok(e->product, product)
		           : service.n ? ug_sv_eq(e->service, service) && product_ok(e->product, product)
		           : product.n && e->service.n && ug_sv_eq(e->product, product);
		if (!hit)
			continue;
		if (union_all) {
			for (uint32_t c = 0; c < e->src.nchannels; c++)
				v->channels[v->nchannels++] = e->src.channels[c];
		} else {
			v[(*n)++] = e->src;
		}
	}
	if (union_all)
		*n = 1;
	*out = v;
	return UG_OK;
}
