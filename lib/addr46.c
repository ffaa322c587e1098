// SPDX-License-Identifier: GPL-2.0
/*
 * Addresses as the control socket's filters and the tool's selectors take
 * them (addr46.h).
 */
#include <arpa/inet.h>
#include <string.h>

#include "addr46.h"

void addr46_set(int family, const void *a, int *out_family, uint8_t out[16])
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	const uint8_t *p = a;

	memset(out, 0, 16);
	*out_family = 0;
	if (family == AF_INET6 && !memcmp(p, mapped, sizeof(mapped))) {
		family = AF_INET;
		p += 12;
	}
	if (family != AF_INET && family != AF_INET6)
		return;
	memcpy(out, p, family == AF_INET ? 4 : 16);
	*out_family = family;
}

int addr46_pton(const char *s, size_t len, int *family, uint8_t out[16])
{
	char buf[INET6_ADDRSTRLEN];
	uint8_t a[16];

	if (!len || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, a) == 1)
		addr46_set(AF_INET, a, family, out);
	else if (inet_pton(AF_INET6, buf, a) == 1)
		addr46_set(AF_INET6, a, family, out);
	else
		return -1;
	return 0;
}
