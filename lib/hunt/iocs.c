/* iocs.c — what the compromised hosts share that the baseline lacks.
 *
 * Every piece of evidence on a compromised host that normal deliveries never
 * showed becomes an indicator of its type (hash, file path and name, task,
 * registry value, service, WMI consumer, domain or IP), with the number of
 * compromised hosts showing it. The profile's published IOCs and an --iocs
 * file are swept for over every event afterwards (sweep.c), and those that
 * hit join this list.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/str.h"
#include "hunt/hunt_int.h"

typedef struct ioc_acc {
	ug_ioc *v;
	size_t n, cap;
	ug_map idx; /* "type|value" -> index + 1 */
	const char *host; /* the host being added, to count hosts once */
	const char **last_host;
	size_t nlast, caplast;
} ioc_acc;

/* One indicator per (type, key): key is the normalized pattern (so that
 * hosts are counted together), value what the first host's log wrote. */
static void add_keyed(hu_run *r, ioc_acc *a, const char *type, ug_sv keyv, ug_sv value,
                      const char *context, ug_prov prov)
{
	if (!value.n)
		return;
	char key[1100];
	int kn = snprintf(key, sizeof(key), "%s|%.*s", type, (int)UG_MIN(keyv.n, 1000), keyv.p);
	bool created = false;
	ug_map_entry *e = ug_map_upsert(&a->idx, ug_sv_make(key, (size_t)kn), &created);
	if (!e)
		return;
	if (created) {
		ug_ioc ioc = {type, hu_strdup(r, value), 0, context, prov};
		if (!HU_PUSH(a->v, a->n, a->cap, ioc) || !HU_PUSH(a->last_host, a->nlast, a->caplast, NULL))
			return;
		e->value = (void *)(uintptr_t)a->n;
	}
	size_t i = (size_t)(uintptr_t)e->value - 1;
	if (a->last_host[i] != a->host) {
		a->last_host[i] = a->host;
		a->v[i].hosts++;
	}
}

static void add(hu_run *r, ioc_acc *a, const char *type, ug_sv value, const char *context,
                ug_prov prov)
{
	add_keyed(r, a, type, value, value, context, prov);
}

static void from_evidence(hu_run *r, ioc_acc *a, const ug_evidence *e)
{
	ug_sv v = ug_sv_from(e->value);
	ug_sv pat = ug_sv_from(e->pattern ? e->pattern : e->value);
	const char *k = e->kind, *ctx = e->summary;
	if (!strcmp(k, "dropped-executable") || !strcmp(k, "persistence-startup")) {
		add_keyed(r, a, "file-path", pat, v, ctx, e->prov);
		add_keyed(r, a, "file-name", ug_path_basename(pat), ug_path_basename(v), ctx, e->prov);
	} else if (!strcmp(k, "new-file-hash")) {
		add(r, a, "sha256", v, ctx, e->prov);
	} else if (!strcmp(k, "persistence-task")) {
		add_keyed(r, a, "task-name", pat, v, ctx, e->prov);
	} else if (!strcmp(k, "persistence-registry") || !strcmp(k, "persistence-wmi")) {
		add_keyed(r, a, "registry", pat, v, ctx, e->prov);
	} else if (!strcmp(k, "persistence-service")) {
		add_keyed(r, a, "service-name", pat, v, ctx, e->prov);
	} else if (!strcmp(k, "new-destination") || !strcmp(k, "beacon")) {
		add(r, a, ug_ip_is_literal(v) ? "ipv4" : "domain", v, ctx, e->prov);
	}
	/* product-file and hosts-file are tampered files every host has: evidence,
	 * not indicators to block or sweep for */
}

static int ioc_cmp(const void *x, const void *y)
{
	const ug_ioc *a = x, *b = y;
	if (a->hosts != b->hosts)
		return a->hosts > b->hosts ? -1 : 1;
	int c = strcmp(a->type, b->type);
	return c ? c : strcmp(a->value, b->value);
}

int hu_iocs(hu_run *r)
{
	ug_hunt_result *res = r->res;
	ioc_acc a = {0};
	ug_map_init(&a.idx, true);
	for (size_t i = 0; i < res->nhosts; i++) {
		const ug_host_result *hr = &res->hosts[i];
		if (hr->verdict != UG_VERDICT_COMPROMISED)
			continue;
		a.host = hr->host;
		for (size_t k = 0; k < hr->nevidence; k++)
			if (!hr->evidence[k].baseline_hosts && hr->evidence[k].weight >= 1)
				from_evidence(r, &a, &hr->evidence[k]);
	}
	if (a.n > 1)
		qsort(a.v, a.n, sizeof(*a.v), ioc_cmp);
	res->iocs = ug_arena_calloc(&r->arena, a.n + 1, sizeof(ug_ioc));
	int rc = res->iocs ? UG_OK : UG_ERR_NOMEM;
	if (rc == UG_OK && a.n) {
		memcpy(res->iocs, a.v, a.n * sizeof(ug_ioc));
		res->niocs = a.n;
	}
	free(a.v);
	free(a.last_host);
	ug_map_free(&a.idx);
	return rc;
}
