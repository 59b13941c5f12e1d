/* pe.c — executable images as Sysmon describes them: version resource fields,
 * signature and the Hashes string. Hashes are random per image and version
 * (drawn from the run's seed), so a new release and a trojanised build each
 * get their own, and prevalence across the fleet is what tells them apart. */
#include <string.h>

#include "sim/sim_int.h"

const sim_pe *sim_pe_new(sim_run *r, sim_rng *rng, const char *orig, const char *desc,
                         const char *product, const char *company, const char *version,
                         const char *signer)
{
	sim_pe *pe = ug_arena_calloc(&r->arena, 1, sizeof(*pe));
	if (!pe) {
		r->failed = true;
		static sim_pe none;
		return &none;
	}
	uint8_t sha[32], md5[16], imp[16];
	sim_rng_bytes(rng, sha, sizeof(sha));
	sim_rng_bytes(rng, md5, sizeof(md5));
	sim_rng_bytes(rng, imp, sizeof(imp));
	sim_fmt_hex(pe->sha256, sha, 32, true);
	sim_fmt_hex(pe->md5, md5, 16, true);
	char h[200];
	char imph[33];
	sim_fmt_hex(imph, imp, 16, true);
	imph[32] = '\0';
	snprintf(h, sizeof(h), "MD5=%s,SHA256=%s,IMPHASH=%s", pe->md5, pe->sha256, imph);
	pe->hashes = ug_arena_strdup(&r->arena, h);
	pe->original_name = orig ? orig : "-";
	pe->description = desc ? desc : "-";
	pe->product = product ? product : "-";
	pe->company = company ? company : "-";
	pe->file_version = version ? version : "-";
	pe->is_signed = signer != NULL;
	pe->signature = signer ? signer : "-";
	return pe;
}
