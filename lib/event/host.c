/* host.c — host-name normalization: one host, one key, whatever the source
 * wrote ("WS-IN-0001.corp.example", "ws-in-0001", " WS-IN-0001 "). */
#include <arpa/inet.h>

#include "core/str.h"
#include "updguard/event.h"

bool ug_ip_is_literal(ug_sv s)
{
	char tmp[64];
	unsigned char addr[16];
	if (s.n == 0 || s.n >= sizeof(tmp))
		return false;
	memcpy(tmp, s.p, s.n);
	tmp[s.n] = '\0';
	if (memchr(s.p, '\0', s.n))
		return false;
	return inet_pton(AF_INET, tmp, addr) == 1 || inet_pton(AF_INET6, tmp, addr) == 1;
}

ug_sv ug_host_span(ug_sv raw)
{
	ug_sv s = ug_sv_trim(raw);
	while (s.n && s.p[0] == '\\') { /* UNC-style "\\HOST" */
		s.p++;
		s.n--;
	}
	if (!ug_ip_is_literal(s)) {
		size_t dot = ug_sv_find_char(s, '.');
		if (dot != SIZE_MAX)
			s.n = dot;
	}
	return s;
}

size_t ug_host_normalize(ug_sv raw, char *out)
{
	ug_sv s = ug_host_span(raw);
	ug_sv_lower_into(s, out);
	return s.n;
}
