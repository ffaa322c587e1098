/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every inet_ntop of the test program counted in ntop_calls, then done by
 * libc's: for tests that a line suppressed by a rate limit names nothing (an
 * address is formatted for a line written only). Included by one file of a
 * test program: it defines the program's inet_ntop.
 */
#ifndef L2SEC_TEST_NTOP_COUNT_H
#define L2SEC_TEST_NTOP_COUNT_H

#include <arpa/inet.h>
#include <dlfcn.h>

static unsigned int ntop_calls;

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
	static const char *(*real)(int, const void *, char *, socklen_t);

	ntop_calls++;
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "inet_ntop");
	return real(af, src, dst, size);
}

#endif
