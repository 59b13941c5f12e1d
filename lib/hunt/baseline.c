/* baseline.c — fleet prevalence of behaviour features.
 *
 * A feature is a category and a normalized value ("task \foo\bar"). Every
 * occurrence is noted with the host and its class: after a window delivery,
 * after a baseline (normal) delivery, or with no delivery of the product
 * around it. After pass 2 each feature knows how many distinct hosts showed
 * it in each class — a host counts once, in its strongest class (window >
 * baseline > other). The verdict weighs evidence by that: what normal
 * deliveries also do, or what much of the fleet does without any delivery
 * (other products' updates, IT software distribution), is no evidence.
 */
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "hunt/hunt_int.h"

static const char *const cat_kind[HU_CAT__COUNT] = {
	[HU_DROP] = "dropped-executable", [HU_PRODUCT_FILE] = "product-file",
	[HU_HASH] = "new-file-hash",      [HU_TASK] = "persistence-task",
	[HU_REGISTRY] = "persistence-registry", [HU_SERVICE] = "persistence-service",
	[HU_WMI] = "persistence-wmi",     [HU_HOSTS_FILE] = "hosts-file",
	[HU_SCRIPT] = "script-command",   [HU_CHILD] = "updater-child",
	[HU_MODULE] = "unsigned-module",  [HU_DEST] = "new-destination",
	[HU_BEACON] = "beacon",           [HU_SILENCE] = "update-silence",
	[HU_STARTUP] = "persistence-startup",
};

static const char *const cat_tech[HU_CAT__COUNT] = {
	[HU_DROP] = "T1105",      [HU_PRODUCT_FILE] = "T1195.002", [HU_HASH] = "T1195.002",
	[HU_TASK] = "T1053.005",  [HU_REGISTRY] = "T1547.001",     [HU_SERVICE] = "T1543.003",
	[HU_WMI] = "T1546.003",   [HU_HOSTS_FILE] = "T1565.001",   [HU_SCRIPT] = "T1059.001",
	[HU_CHILD] = "T1204.002", [HU_MODULE] = "T1574.002",       [HU_DEST] = "T1071",
	[HU_BEACON] = "T1071.001", [HU_SILENCE] = "T1562.001",       [HU_STARTUP] = "T1547.001",
};

const char *hu_cat_kind(hu_cat c)
{
	return c < HU_CAT__COUNT ? cat_kind[c] : "other";
}

const char *hu_cat_technique(hu_cat c)
{
	return c < HU_CAT__COUNT ? cat_tech[c] : "";
}

hu_feat *hu_feat_find(hu_run *r, hu_cat cat, ug_sv value)
{
	char key[1024];
	int n = snprintf(key, sizeof(key), "%d|%.*s", (int)cat, (int)UG_MIN(value.n, 1000), value.p);
	return ug_map_get(&r->feats, ug_sv_make(key, (size_t)n));
}

hu_feat *hu_feat_get(hu_run *r, hu_cat cat, ug_sv value)
{
	char key[1024];
	int n = snprintf(key, sizeof(key), "%d|%.*s", (int)cat, (int)UG_MIN(value.n, 1000), value.p);
	bool created = false;
	ug_map_entry *e = ug_map_upsert(&r->feats, ug_sv_make(key, (size_t)n), &created);
	if (!e)
		return NULL;
	if (created) {
		hu_feat *f = ug_arena_calloc(&r->arena, 1, sizeof(*f));
		/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers grows by a pointer */
		if (!f || !HU_PUSH(r->featv, r->nfeat, r->capfeat, f))
			return NULL;
		f->id = (uint32_t)(r->nfeat - 1);
		f->cat = cat;
		f->value = hu_strdup(r, ug_sv_make(value.p, UG_MIN(value.n, 1000)));
		e->value = f;
	}
	return e->value;
}

void hu_feat_note(hu_run *r, hu_feat *f, uint32_t host, unsigned cls)
{
	bool created = false;
	uint32_t *v = hu_set_upsert(&r->feat_hosts, ((uint64_t)f->id << 32) | ((uint64_t)host + 1), &created);
	if (v)
		*v |= (uint8_t)cls;
}

void hu_baseline_finish(hu_run *r)
{
	for (size_t i = 0; i < r->feat_hosts.cap; i++) {
		uint64_t k = r->feat_hosts.keys[i];
		if (!k)
			continue;
		uint32_t fid = (uint32_t)(k >> 32);
		if (fid >= r->nfeat)
			continue;
		hu_feat *f = r->featv[fid];
		uint8_t m = r->feat_hosts.vals[i];
		f->n_fleet++;
		/* a window host counts as a window host, even when the same
		 * behaviour recurs after its later, normal deliveries */
		if (m & HU_CLASS_WINDOW)
			f->n_window++;
		else if (m & HU_CLASS_BASELINE)
			f->n_baseline++;
		else
			f->n_other++;
	}
}
