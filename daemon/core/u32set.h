/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A set of 32-bit values as a sorted array: built once (sorted, duplicates
 * dropped), then asked in O(log n). For the lists l2secd collects in one go
 * and then asks about many times (the marks of a policy dump, the SPIs and
 * marks charon listed in a resync), where a linear search per question made
 * the whole pass O(n^2).
 */
#ifndef L2SECD_U32SET_H
#define L2SECD_U32SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sorts a[0..n-1] and drops duplicates; the new count. */
size_t u32set_build(uint32_t *a, size_t n);
/* Whether v is in a[0..n-1] as u32set_build left it. */
bool u32set_has(const uint32_t *a, size_t n, uint32_t v);

#endif
