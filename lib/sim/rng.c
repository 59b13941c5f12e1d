/* rng.c — the simulator's deterministic random numbers: xoshiro256** seeded
 * through splitmix64, one independent stream per purpose (run, host, names),
 * so that output depends only on --seed and the options, never on the order
 * in which unrelated parts ask for numbers. */
#include <math.h>

#include "sim/sim_int.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

uint64_t sim_mix(uint64_t a, uint64_t b)
{
	uint64_t x = a ^ (b * UINT64_C(0xD6E8FEB86659FD93));
	return splitmix64(&x);
}

void sim_rng_seed(sim_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = sim_mix(seed, stream + 1);
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t sim_rng_next(sim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* Lemire's multiply-shift; the tiny bias is irrelevant here and keeps it branch-free. */
uint32_t sim_rng_below(sim_rng *r, uint32_t n)
{
	if (n <= 1)
		return 0;
	return (uint32_t)(((sim_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

double sim_rng_unit(sim_rng *r)
{
	return (double)(sim_rng_next(r) >> 11) * 0x1.0p-53;
}

bool sim_rng_chance(sim_rng *r, double p)
{
	return sim_rng_unit(r) < p;
}

int64_t sim_rng_range(sim_rng *r, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	uint64_t span = (uint64_t)(hi - lo);
	return lo + (int64_t)(sim_rng_next(r) % span);
}

double sim_rng_exp(sim_rng *r, double mean)
{
	double u = sim_rng_unit(r);
	if (u < 1e-12)
		u = 1e-12;
	return -log(u) * mean;
}

uint32_t sim_rng_zipf(sim_rng *r, uint32_t n)
{
	if (n <= 1)
		return 0;
	/* inverse of a truncated power law with exponent ~1: u^3 skews to 0 */
	double u = sim_rng_unit(r);
	uint32_t i = (uint32_t)(u * u * u * (double)n);
	return i < n ? i : n - 1;
}

void sim_rng_bytes(sim_rng *r, uint8_t *out, size_t n)
{
	while (n) {
		uint64_t v = sim_rng_next(r);
		for (int i = 0; i < 8 && n; i++, n--) {
			*out++ = (uint8_t)v;
			v >>= 8;
		}
	}
}
