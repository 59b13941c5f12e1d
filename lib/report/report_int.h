/* report_int.h — what the report's output files share: time and source
 * formatting, writing a file whole under a temporary name, the fleet facts
 * several outputs derive from a case (first window delivery of a host,
 * whether a value was seen on a non-compromised host), SHA-1 for UUIDv5. */
#ifndef UG_REPORT_INT_H
#define UG_REPORT_INT_H

#include "core/buf.h"
#include "core/map.h"
#include "core/str.h"
#include "updguard/report.h"

/* RFC 3339 UTC (shortest exact fraction); nothing for open/invalid times. */
void rp_time(ug_buf *b, ug_time t);
/* RFC 3339 with exactly 3 fraction digits (STIX wants millisecond precision). */
void rp_time_ms(ug_buf *b, ug_time t);
bool rp_time_valid(ug_time t);
/* "path:record" of a finding, nothing when unknown. */
void rp_source(ug_buf *b, const ug_hunt_result *r, ug_prov pv);
static inline const char *rp_s(const char *s) { return s ? s : ""; }

/* Write b to dir/name: to a temporary name first, then renamed, so readers
 * never see half a file. */
int rp_write_file(const char *dir, const char *name, const ug_buf *b, ug_error *err);
/* dir/name into out (cap bytes); false when too long. */
bool rp_path(char *out, size_t cap, const char *dir, const char *name);

/* The host's first in-window delivery, else its first delivery, else NULL. */
const ug_delivery *rp_first_delivery(const ug_host_result *h);
/* Values shown by hosts not judged compromised (case-insensitive): their
 * evidence values and patterns, their deliveries' servers, addresses, URLs,
 * hashes and files. Outputs meant to flag only the compromised (Sigma
 * rules) leave such values out. Built once per output: O(hosts + items). */
typedef struct rp_outside {
	ug_map values;
} rp_outside;
int rp_outside_build(rp_outside *o, const ug_hunt_result *r);
bool rp_outside_has(const rp_outside *o, const char *value);
void rp_outside_free(rp_outside *o);

/* SHA-1 (FIPS 180-4) of data into out[20]. */
void rp_sha1(const void *data, size_t n, unsigned char out[20]);

#endif
