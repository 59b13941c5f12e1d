/* buf.c — growable byte buffer; see buf.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/str.h"

void ug_buf_init(ug_buf *b)
{
	*b = (ug_buf)UG_BUF_INIT;
}

void ug_buf_free(ug_buf *b)
{
	free(b->p);
	ug_buf_init(b);
}

void ug_buf_clear(ug_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

bool ug_buf_reserve(ug_buf *b, size_t extra)
{
	if (b->oom)
		return false;
	if (extra >= SIZE_MAX - b->len) {
		b->oom = true;
		return false;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void ug_buf_append(ug_buf *b, const void *data, size_t n)
{
	if (!ug_buf_reserve(b, n))
		return;
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void ug_buf_append_sv(ug_buf *b, ug_sv s)
{
	ug_buf_append(b, s.p, s.n);
}

void ug_buf_puts(ug_buf *b, const char *s)
{
	ug_buf_append(b, s, strlen(s));
}

void ug_buf_putc(ug_buf *b, char c)
{
	if (!ug_buf_reserve(b, 1))
		return;
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

void ug_buf_vprintf(ug_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	char small[256];
	int n = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		ug_buf_append(b, small, (size_t)n);
		return;
	}
	if (!ug_buf_reserve(b, (size_t)n))
		return;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void ug_buf_printf(ug_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ug_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void ug_buf_append_u64(ug_buf *b, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	ug_buf_append(b, tmp + i, sizeof(tmp) - i);
}

void ug_buf_append_i64(ug_buf *b, int64_t v)
{
	if (v < 0) {
		ug_buf_putc(b, '-');
		ug_buf_append_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		ug_buf_append_u64(b, (uint64_t)v);
	}
}

static void json_escape_ascii(ug_buf *b, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	switch (c) {
	case '"': ug_buf_append(b, "\\\"", 2); return;
	case '\\': ug_buf_append(b, "\\\\", 2); return;
	case '\n': ug_buf_append(b, "\\n", 2); return;
	case '\r': ug_buf_append(b, "\\r", 2); return;
	case '\t': ug_buf_append(b, "\\t", 2); return;
	default:
		if (c < 0x20 || c == 0x7f) {
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			ug_buf_append(b, e, 6);
		} else {
			ug_buf_putc(b, (char)c);
		}
	}
}

void ug_buf_append_json_str(ug_buf *b, ug_sv s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0;
	ug_buf_reserve(b, s.n + 2);
	ug_buf_putc(b, '"');
	while (i < s.n) {
		/* copy the longest run of plain printable ASCII in one go */
		size_t j = i;
		while (j < s.n && p[j] >= 0x20 && p[j] < 0x7f && p[j] != '"' && p[j] != '\\')
			j++;
		if (j > i) {
			ug_buf_append(b, p + i, j - i);
			i = j;
			continue;
		}
		if (p[i] < 0x80) {
			json_escape_ascii(b, p[i++]);
			continue;
		}
		size_t len = ug_utf8_valid_prefix(p + i, s.n - i);
		if (len) {
			ug_buf_append(b, p + i, len);
			i += len;
		} else {
			ug_buf_append(b, "\xef\xbf\xbd", 3); /* U+FFFD */
			i++;
		}
	}
	ug_buf_putc(b, '"');
}

void ug_buf_append_csv_field(ug_buf *b, ug_sv s)
{
	bool quote = false;
	for (size_t i = 0; i < s.n && !quote; i++)
		quote = s.p[i] == ',' || s.p[i] == '"' || s.p[i] == '\r' || s.p[i] == '\n';
	if (!quote) {
		ug_buf_append_sv(b, s);
		return;
	}
	ug_buf_putc(b, '"');
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] == '"')
			ug_buf_putc(b, '"');
		ug_buf_putc(b, s.p[i]);
	}
	ug_buf_putc(b, '"');
}
