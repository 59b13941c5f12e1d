/* time.h — every timestamp form our inputs carry, to int64 nanoseconds UTC.
 *
 * Inside updguard, time is ug_time: signed nanoseconds since 1970-01-01T00:00:00Z
 * (covers years 1678..2261). Parsers take a ug_sv and return UG_OK or
 * UG_ERR_PARSE / UG_ERR_RANGE; they never read past sv.n and accept no trailing
 * garbage. Local times are converted once, at parse, with an explicit ug_tz.
 */
#ifndef UPDGUARD_TIME_H
#define UPDGUARD_TIME_H

#include "updguard/common.h"
#include "updguard/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int64_t ug_time;

#define UG_NS_PER_SEC INT64_C(1000000000)
#define UG_NS_PER_MIN (INT64_C(60) * UG_NS_PER_SEC)
#define UG_NS_PER_HOUR (INT64_C(3600) * UG_NS_PER_SEC)
#define UG_NS_PER_DAY (INT64_C(86400) * UG_NS_PER_SEC)
#define UG_TIME_INVALID INT64_MIN

/* A time zone for inputs that log local time: UTC, a fixed offset, or an IANA
 * zone read from the system's TZif files (DST rules included). Opaque. */
typedef struct ug_tz ug_tz;

/* Load a zone: "UTC", "Z", "+05:30", "-0800", "UTC+2", or an IANA name such as
 * "America/New_York" (looked up under $TZDIR or /usr/share/zoneinfo). */
int ug_tz_load(ug_tz **out, const char *spec, ug_error *err);
void ug_tz_free(ug_tz *tz);
/* Offset (seconds east of UTC) in force at the given UTC instant. */
int32_t ug_tz_offset_at_utc(const ug_tz *tz, int64_t utc_seconds);
/* Convert a local wall-clock time (seconds since the epoch as if local were UTC)
 * to UTC seconds. Ambiguous times (DST fall-back) take the earlier instant;
 * non-existent times (spring-forward gap) are shifted by the gap, as mktime does. */
int64_t ug_tz_local_to_utc(const ug_tz *tz, int64_t local_seconds);
const char *ug_tz_name(const ug_tz *tz);

/* Civil date/time (proleptic Gregorian) to/from nanoseconds UTC. */
int ug_time_from_civil(int year, int month, int day, int hour, int min, int sec,
                       int32_t nsec, ug_time *out);
void ug_time_to_civil(ug_time t, int *year, int *month, int *day, int *hour,
                      int *min, int *sec, int32_t *nsec);

/* RFC 3339 / ISO 8601: "2026-01-20T10:00:00Z", "...T10:00:00.123456789+05:30",
 * "2026-01-20 10:00:00.123" (space separator), offsets as Z, +HH:MM, +HHMM, +HH;
 * '/' also accepted as date separator ("2026/01/20 10:00:00", dhcpd.leases).
 * Fractions of 1..9 digits (more are truncated to ns). A time with no offset is
 * local time in tz; tz NULL means UTC. Seconds 60 (leap second) are accepted
 * and folded into the next second. */
int ug_time_parse_iso8601(ug_sv s, const ug_tz *tz, ug_time *out);
/* Unix epoch seconds with optional fraction: "1768903200.123" (Squid, Zeek). */
int ug_time_parse_epoch(ug_sv s, ug_time *out);
/* Windows FILETIME: 100-ns intervals since 1601-01-01 UTC. */
int ug_time_from_filetime(uint64_t filetime, ug_time *out);
/* Decimal or 0x-hex FILETIME text. */
int ug_time_parse_filetime(ug_sv s, ug_time *out);
/* Common/combined log format: "20/Jan/2026:10:00:00 +0000" (brackets optional). */
int ug_time_parse_clf(ug_sv s, ug_time *out);
/* US date and time as the Windows DHCP server logs them, local time in tz:
 * date "01/20/26" or "01/20/2026", time "10:00:00". */
int ug_time_parse_us_date_time(ug_sv date, ug_sv time, const ug_tz *tz, ug_time *out);
/* Try ISO 8601, epoch, CLF in that order. */
int ug_time_parse_any(ug_sv s, const ug_tz *tz, ug_time *out);

/* Durations: "90s", "60m", "2h", "1d", "1h30m", "500ms", plain number = seconds. */
int ug_duration_parse(ug_sv s, ug_time *out);
/* "START/END" with RFC 3339 bounds (either may be empty for open); END > START. */
int ug_interval_parse(ug_sv s, ug_time *start, ug_time *end);

/* RFC 3339 UTC: "2026-01-20T10:00:00.123Z". digits: 0, 3, 6 or 9 fractional
 * digits, or -1 for the shortest of those that is exact. buf must hold
 * UG_TIME_BUFSZ bytes; returns the length written (NUL-terminated). */
#define UG_TIME_BUFSZ 40
size_t ug_time_format(ug_time t, int digits, char *buf);

#ifdef __cplusplus
}
#endif
#endif
