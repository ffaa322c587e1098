// SPDX-License-Identifier: GPL-2.0
/* Sorted arrays of 32-bit values (u32set.h). */
#include <stdlib.h>

#include "core/u32set.h"

static int cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

size_t u32set_build(uint32_t *a, size_t n)
{
	size_t k = 0;

	if (!n)
		return 0;
	qsort(a, n, sizeof(*a), cmp);
	for (size_t i = 1; i < n; i++)
		if (a[i] != a[k])
			a[++k] = a[i];
	return k + 1;
}

bool u32set_has(const uint32_t *a, size_t n, uint32_t v)
{
	return n && bsearch(&v, a, n, sizeof(*a), cmp) != NULL;
}
