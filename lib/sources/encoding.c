/* encoding.c — text encodings of inputs: UTF-8 BOM, and UTF-16 (Windows
 * tools export CSV and logs that way) converted to UTF-8 as it streams. */
#include <string.h>

#include "core/buf.h"
#include "core/str.h"
#include "sources/machinery.h"

ug_encoding ug_encoding_sniff(ug_sv head, size_t *bom_len)
{
	const unsigned char *p = (const unsigned char *)head.p;
	*bom_len = 0;
	if (head.n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		*bom_len = 3;
		return UG_ENC_UTF8;
	}
	if (head.n >= 2 && p[0] == 0xff && p[1] == 0xfe) {
		*bom_len = 2;
		return UG_ENC_UTF16LE;
	}
	if (head.n >= 2 && p[0] == 0xfe && p[1] == 0xff) {
		*bom_len = 2;
		return UG_ENC_UTF16BE;
	}
	/* no BOM: printable ASCII in even bytes and zeros in odd bytes */
	size_t n = UG_MIN(head.n, 64) & ~(size_t)1;
	if (n < 8)
		return UG_ENC_UTF8;
	for (size_t i = 0; i < n; i += 2)
		if (p[i + 1] != 0 || p[i] == 0 || p[i] >= 0x80)
			return UG_ENC_UTF8;
	return UG_ENC_UTF16LE;
}

void ug_utf16_init(ug_utf16_dec *d, bool big_endian)
{
	memset(d, 0, sizeof(*d));
	d->be = big_endian;
}

static void put_cp(ug_buf *out, uint32_t cp)
{
	char tmp[4];
	ug_buf_append(out, tmp, ug_utf8_encode(cp, tmp));
}

static void unit(ug_utf16_dec *d, uint16_t u, ug_buf *out)
{
	if (d->high) {
		if (u >= 0xdc00 && u <= 0xdfff) {
			put_cp(out, 0x10000 + (((uint32_t)d->high - 0xd800) << 10) + (u - 0xdc00));
			d->high = 0;
			return;
		}
		put_cp(out, 0xfffd);
		d->errors++;
		d->high = 0;
	}
	if (u >= 0xd800 && u <= 0xdbff) {
		d->high = u;
	} else if (u >= 0xdc00 && u <= 0xdfff) {
		put_cp(out, 0xfffd);
		d->errors++;
	} else if (u < 0x80) {
		ug_buf_putc(out, (char)u);
	} else {
		put_cp(out, u);
	}
}

void ug_utf16_feed(ug_utf16_dec *d, const unsigned char *p, size_t n, ug_buf *out)
{
	ug_buf_reserve(out, n);
	size_t i = 0;
	if (d->has_carry && n) {
		unsigned char a = d->carry, b = p[0];
		unit(d, d->be ? (uint16_t)(a << 8 | b) : (uint16_t)(b << 8 | a), out);
		d->has_carry = false;
		i = 1;
	}
	for (; i + 1 < n; i += 2)
		unit(d, d->be ? (uint16_t)(p[i] << 8 | p[i + 1]) : (uint16_t)(p[i + 1] << 8 | p[i]), out);
	if (i < n) {
		d->carry = p[i];
		d->has_carry = true;
	}
}

void ug_utf16_finish(ug_utf16_dec *d, ug_buf *out)
{
	if (d->has_carry || d->high) {
		put_cp(out, 0xfffd);
		d->errors++;
	}
	d->has_carry = false;
	d->high = 0;
}
