/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Heap in use, for tests that bound what a structure costs: glibc's
 * mallinfo2() (plain build: small chunks and mmap()ed blocks) or the
 * sanitizer allocator's count (ASan build). And the process's resident
 * memory (VmRSS), for tests of what it holds and gives back.
 */
#ifndef L2SEC_TEST_HEAP_H
#define L2SEC_TEST_HEAP_H

#include <malloc.h>
#include <stddef.h>
#include <stdio.h>

#if defined(__SANITIZE_ADDRESS__)
/* compiler-rt's allocator interface; GCC installs no header for it */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

static inline size_t heap_in_use(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return __sanitizer_get_current_allocated_bytes();
#else
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
#endif
}

/* kB of the process's VmRSS (/proc/self/status), -1 when not found */
static inline long rss_kb(void)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(fp);
	return kb;
}

#endif
