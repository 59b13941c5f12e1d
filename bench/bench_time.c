/* bench_time.c — timestamp parsing throughput: ug_time_parse_iso8601 against
 * the libc baseline (strptime + timegm + manual fraction) on the same strings,
 * in the same run. Prints parses/s for both and the ratio. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "updguard/time.h"

#define N 2000000

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
	enum { LEN = 30 };
	char *strs = malloc((size_t)N * LEN);
	if (!strs)
		return 1;
	ug_time base = INT64_C(1768903200) * UG_NS_PER_SEC;
	for (int i = 0; i < N; i++) {
		char tmp[UG_TIME_BUFSZ];
		ug_time_format(base + (ug_time)i * 123456789, 3, tmp);
		memcpy(strs + (size_t)i * LEN, tmp, LEN);
	}
	/* updguard */
	double t0 = now_s();
	int64_t sum = 0;
	for (int i = 0; i < N; i++) {
		ug_time t;
		if (ug_time_parse_iso8601((ug_sv){strs + (size_t)i * LEN, 24}, NULL, &t) == UG_OK)
			sum += t / 1000000; /* milliseconds */
	}
	double ug_s = now_s() - t0;
	/* libc baseline: strptime + timegm, milliseconds parsed by hand */
	t0 = now_s();
	int64_t sum2 = 0;
	for (int i = 0; i < N; i++) {
		char tmp[32];
		memcpy(tmp, strs + (size_t)i * LEN, 24);
		tmp[24] = 0;
		struct tm tm = {0};
		char *rest = strptime(tmp, "%Y-%m-%dT%H:%M:%S", &tm);
		if (!rest)
			continue;
		int64_t s = timegm(&tm);
		int64_t ms = rest[0] == '.' ? atoi(rest + 1) : 0;
		sum2 += s * 1000 + ms;
	}
	double libc_s = now_s() - t0;
	printf("time-parse: %d RFC 3339 timestamps\n", N);
	printf("  updguard ug_time_parse_iso8601: %.1f M/s\n", N / ug_s / 1e6);
	printf("  libc strptime+timegm baseline: %.1f M/s\n", N / libc_s / 1e6);
	printf("  ratio: %.1fx (checksums %s)\n", libc_s / ug_s, sum == sum2 ? "agree" : "DIFFER");
	free(strs);
	return sum == sum2 ? 0 : 1;
}
