// SPDX-License-Identifier: GPL-2.0
/* IPv4 or IPv6 socket addresses in 28 bytes (sa46.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/sa46.h"

_Static_assert(sizeof(union sa46) == sizeof(struct sockaddr_in6), "union sa46: 28 bytes");

static socklen_t len_of(sa_family_t family)
{
	switch (family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	default:
		return 0;
	}
}

int sa46_from(union sa46 *out, const void *sa, socklen_t len)
{
	struct sockaddr head;
	socklen_t need;

	memset(out, 0, sizeof(*out));
	if (!sa || len < sizeof(head.sa_family))
		return -1;
	memcpy(&head.sa_family, sa, sizeof(head.sa_family));
	need = len_of(head.sa_family);
	if (!need || len < need)
		return -1;
	memcpy(out, sa, need);
	return 0;
}

socklen_t sa46_len(const union sa46 *a)
{
	return len_of(a->sa.sa_family);
}

void sa46_to_ss(const union sa46 *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, a, sa46_len(a));
}

sa_family_t sa46_key(const union sa46 *a, uint8_t addr[16], uint16_t *port)
{
	if (a->sa.sa_family == AF_INET) {
		memcpy(addr, &a->sin.sin_addr, 4);
		*port = a->sin.sin_port;
	} else if (a->sa.sa_family == AF_INET6) {
		memcpy(addr, &a->sin6.sin6_addr, 16);
		*port = a->sin6.sin6_port;
	} else {
		return 0;
	}
	return a->sa.sa_family;
}

bool sa46_same_ip(const union sa46 *a, const union sa46 *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->sin.sin_addr.s_addr == b->sin.sin_addr.s_addr;
	if (a->sa.sa_family == AF_INET6)
		return !memcmp(&a->sin6.sin6_addr, &b->sin6.sin6_addr, sizeof(a->sin6.sin6_addr));
	return false;
}

bool sa46_same(const union sa46 *a, const union sa46 *b)
{
	if (!sa46_same_ip(a, b))
		return false;
	return a->sa.sa_family == AF_INET ? a->sin.sin_port == b->sin.sin_port :
					    a->sin6.sin6_port == b->sin6.sin6_port;
}

const char *sa46_str(const union sa46 *a, char *buf, size_t cap)
{
	char s[INET6_ADDRSTRLEN] = "?";

	if (a->sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &a->sin.sin_addr, s, sizeof(s));
		snprintf(buf, cap, "%s:%u", s, ntohs(a->sin.sin_port));
	} else if (a->sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &a->sin6.sin6_addr, s, sizeof(s));
		snprintf(buf, cap, "[%s]:%u", s, ntohs(a->sin6.sin6_port));
	} else {
		snprintf(buf, cap, "?");
	}
	return buf;
}
