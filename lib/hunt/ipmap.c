/* ipmap.c — which host had which IP address when.
 *
 * Proxy and network logs name clients by IP; addresses change (DHCP,
 * roaming laptops). Pass 1 notes every (IP, host, time) it can prove — DHCP
 * leases and the endpoints' own outbound connections (Sysmon 3 SourceIp) —
 * as segments per IP: consecutive sightings of one host extend one segment,
 * so memory grows with address changes, not with events. A lookup takes the
 * last segment that began before the time (plus the tolerated skew).
 */
#include <stdlib.h>

#include "core/str.h"
#include "hunt/hunt_int.h"

int hu_ipmap_note(hu_run *r, ug_sv ip, uint32_t host, ug_time t)
{
	if (!ip.n || t == UG_TIME_INVALID)
		return UG_OK;
	bool created = false;
	ug_map_entry *e = ug_map_upsert(&r->ipmap, ip, &created);
	if (!e)
		return UG_ERR_NOMEM;
	if (created) {
		e->value = calloc(1, sizeof(hu_ipent));
		if (!e->value)
			return UG_ERR_NOMEM;
	}
	hu_ipent *ent = e->value;
	if (ent->n && ent->segs[ent->n - 1].host == host) {
		hu_ipseg *s = &ent->segs[ent->n - 1];
		s->first = UG_MIN(s->first, t);
		s->last = UG_MAX(s->last, t);
		return UG_OK;
	}
	hu_ipseg seg = {t, t, host};
	return HU_PUSH(ent->segs, ent->n, ent->cap, seg) ? UG_OK : UG_ERR_NOMEM;
}

static int seg_cmp(const void *a, const void *b)
{
	const hu_ipseg *x = a, *y = b;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Sort each IP's segments by start and merge neighbours of the same host. */
void hu_ipmap_finish(hu_run *r)
{
	size_t it = 0;
	ug_map_entry *e;
	while ((e = ug_map_next(&r->ipmap, &it))) {
		hu_ipent *ent = e->value;
		if (ent->n > 1)
			qsort(ent->segs, ent->n, sizeof(*ent->segs), seg_cmp);
		size_t w = 0;
		for (size_t i = 0; i < ent->n; i++) {
			if (w && ent->segs[w - 1].host == ent->segs[i].host) {
				ent->segs[w - 1].last = UG_MAX(ent->segs[w - 1].last, ent->segs[i].last);
				continue;
			}
			ent->segs[w++] = ent->segs[i];
		}
		ent->n = w;
		ent->sorted = true;
	}
}

hu_host *hu_ipmap_lookup(const hu_run *r, ug_sv ip, ug_time t)
{
	hu_ipent *ent = ug_map_get(&r->ipmap, ip);
	if (!ent || !ent->n)
		return NULL;
	/* last segment with first <= t + skew */
	size_t lo = 0, hi = ent->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ent->segs[mid].first <= t + r->skew)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t i = lo ? lo - 1 : 0;
	return r->hosts[ent->segs[i].host];
}

void hu_ipmap_free(hu_run *r)
{
	size_t it = 0;
	ug_map_entry *e;
	while ((e = ug_map_next(&r->ipmap, &it))) {
		hu_ipent *ent = e->value;
		if (ent)
			free(ent->segs);
		free(ent);
	}
}
