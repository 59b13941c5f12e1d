/* util.c — small helpers every report output uses (report_int.h): times,
 * provenance, whole-file writes under a temporary name, folders, the
 * "seen outside the compromised hosts" test, SHA-1 and UUIDv5. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report_int.h"

bool rp_time_valid(ug_time t) { return t != UG_TIME_INVALID && t != INT64_MIN && t != INT64_MAX; }

void rp_time(ug_buf *b, ug_time t)
{
	char ts[UG_TIME_BUFSZ];
	if (rp_time_valid(t))
		ug_buf_append(b, ts, ug_time_format(t, -1, ts));
}

void rp_time_ms(ug_buf *b, ug_time t)
{
	char ts[UG_TIME_BUFSZ];
	if (rp_time_valid(t))
		ug_buf_append(b, ts, ug_time_format(t, 3, ts));
}

void rp_source(ug_buf *b, const ug_hunt_result *r, ug_prov pv)
{
	if (pv.source >= r->nsources || !r->sources[pv.source].path)
		return;
	ug_buf_puts(b, r->sources[pv.source].path);
	if (pv.record)
		ug_buf_printf(b, ":%llu", (unsigned long long)pv.record);
}

bool rp_path(char *out, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(out, cap, "%s/%s", dir, name);
	return n > 0 && (size_t)n < cap;
}

int rp_write_file(const char *dir, const char *name, const ug_buf *b, ug_error *err)
{
	char path[4096], tmp[4200];
	if (!rp_path(path, sizeof(path), dir, name))
		return ug_error_set(err, UG_ERR_INVALID, "%s: path too long", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", path, (long)getpid());
	if (!ug_buf_ok(b))
		return ug_error_set(err, UG_ERR_NOMEM, "%s: out of memory", path);
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return ug_error_set(err, UG_ERR_IO, "%s: %s", tmp, strerror(errno));
	bool ok = fwrite(ug_buf_cstr(b), 1, b->len, f) == b->len;
	ok = (fclose(f) == 0) && ok;
	if (ok && rename(tmp, path) == 0)
		return UG_OK;
	int e = errno;
	unlink(tmp);
	return ug_error_set(err, UG_ERR_IO, "%s: write failed: %s", path, strerror(e));
}


const ug_delivery *rp_first_delivery(const ug_host_result *h)
{
	for (size_t i = 0; i < h->ndeliveries; i++)
		if (h->deliveries[i].in_window)
			return &h->deliveries[i];
	return h->ndeliveries ? &h->deliveries[0] : NULL;
}

static void put(rp_outside *o, const char *v)
{
	if (v && *v)
		ug_map_put(&o->values, ug_sv_from(v), (void *)1);
}

/* Each item of a '|'-separated list. */
static void put_list(rp_outside *o, const char *list)
{
	ug_sv l = ug_sv_from(list);
	while (l.n) {
		ug_sv item = ug_sv_split_next(&l, '|');
		if (item.n)
			ug_map_put(&o->values, item, (void *)1);
	}
}

int rp_outside_build(rp_outside *o, const ug_hunt_result *r)
{
	ug_map_init(&o->values, true);
	for (size_t i = 0; i < r->nhosts; i++) {
		const ug_host_result *h = &r->hosts[i];
		if (h->verdict == UG_VERDICT_COMPROMISED)
			continue;
		for (size_t j = 0; j < h->nevidence; j++) {
			put(o, h->evidence[j].value);
			put(o, h->evidence[j].pattern);
		}
		for (size_t j = 0; j < h->ndeliveries; j++) {
			const ug_delivery *d = &h->deliveries[j];
			put(o, d->server);
			put(o, d->server_ip);
			put(o, d->url);
			put(o, d->sha256);
			put_list(o, d->files);
		}
	}
	return UG_OK;
}

bool rp_outside_has(const rp_outside *o, const char *value)
{
	return value && ug_map_get(&o->values, ug_sv_from(value)) != NULL;
}

void rp_outside_free(rp_outside *o) { ug_map_free(&o->values); }

/* ---- SHA-1 (FIPS 180-4), for UUIDv5 only ---- */

static uint32_t rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static void sha1_block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80];
	for (size_t i = 0; i < 16; i++) {
		const unsigned char *q = p + 4 * i;
		w[i] = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
	}
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	for (int i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999u; }
		else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1u; }
		else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDCu; }
		else { f = b ^ c ^ d; k = 0xCA62C1D6u; }
		uint32_t t = rol(a, 5) + f + e + k + w[i];
		e = d; d = c; c = rol(b, 30); b = a; a = t;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

void rp_sha1(const void *data, size_t n, unsigned char out[20])
{
	uint32_t h[5] = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
	const unsigned char *p = data;
	size_t left = n;
	for (; left >= 64; p += 64, left -= 64)
		sha1_block(h, p);
	unsigned char tail[128] = {0};
	memcpy(tail, p, left);
	tail[left] = 0x80;
	size_t tl = left + 9 <= 64 ? 64 : 128;
	uint64_t bits = (uint64_t)n * 8;
	for (int i = 0; i < 8; i++)
		tail[tl - 1 - i] = (unsigned char)(bits >> (8 * i));
	sha1_block(h, tail);
	if (tl == 128)
		sha1_block(h, tail + 64);
	for (int i = 0; i < 20; i++)
		out[i] = (unsigned char)(h[i / 4] >> (24 - 8 * (i % 4)));
}

void ug_uuid5(const unsigned char ns[16], const char *name, size_t n, char out[37])
{
	unsigned char *buf = malloc(16 + n), d[20];
	if (!buf) {
		memcpy(out, "00000000-0000-5000-8000-000000000000", 37);
		return;
	}
	memcpy(buf, ns, 16);
	memcpy(buf + 16, name, n);
	rp_sha1(buf, 16 + n, d);
	free(buf);
	d[6] = (unsigned char)((d[6] & 0x0f) | 0x50);
	d[8] = (unsigned char)((d[8] & 0x3f) | 0x80);
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[d[i] >> 4];
		out[o++] = hex[d[i] & 15];
	}
	out[o] = '\0';
}
