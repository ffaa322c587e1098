/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sets of values, two kinds:
 *
 * - a sorted array of 32-bit values (u32set_build, u32set_has): built
 *   once (sorted, duplicates dropped), then asked in O(log n). For the lists l2secd
 *   collects in one go and then asks about many times (the marks of a
 *   policy dump, the SPIs and marks charon listed in a resync), where a
 *   linear search per question made the whole pass O(n^2).
 *
 * - a counted tree (struct u128tree) of 128-bit values: added and removed
 *   as they come, each with a count (several holders of one value), asked
 *   whether any value lies in a range [lo, hi]. For the public addresses of
 *   the tunnels and SAs, IPv4 (IPv4-mapped) and IPv6 (a host's /64) in one
 *   tree, asked whether a Framed-Route's or Framed-IPv6-Route's network holds
 *   one of them (route/froute.h). An AVL tree over arrays of nodes: its
 *   height is at most 1.44 log2(n + 2) in whatever order the values come (a
 *   peer that chooses its addresses cannot make it a list), so adding,
 *   removing and asking cost O(log n). Not a sorted array of values and
 *   counts: inserting into one moves half of it on average, at 100,000
 *   tunnels and 200,000 SAs 1.2 MB for each tunnel or SA set up, and a burst
 *   of reconnections would do that 300,000 times.
 *   Its nodes (32 bytes) are allocated by u128tree_init and u128tree_grow
 *   only, never by adding: a full tree refuses a new value.
 *
 * Not thread-safe; the event loop owns each tree.
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

/* A 128-bit value: hi the more significant half. */
struct u128 {
	uint64_t hi, lo;
};

struct u128tree_node;

struct u128tree {
	struct u128tree_node *node;	/* cap of them, by index */
	uint32_t cap;			/* distinct values it can hold */
	uint32_t n;			/* distinct values held */
	int32_t root;			/* -1: empty */
	int32_t free_head;		/* the unused nodes, chained by their left index */
};

/*
 * Nodes the trees' searches looked at (adding, removing, counting, asking),
 * all trees together: what the unit tests count to show that each stays
 * O(log n).
 */
extern uint64_t u128tree_probes;

/* Room for cap distinct values (at least 1). 0, or -1 (out of memory). */
int u128tree_init(struct u128tree *t, uint32_t cap);
void u128tree_free(struct u128tree *t);
/* Room for cap distinct values, t's kept (cap below t's: nothing done). 0, or -1. */
int u128tree_grow(struct u128tree *t, uint32_t cap);
/* One more holder of v. 0, or -1 with ENOSPC: v is new and cap values are held. */
int u128tree_add(struct u128tree *t, struct u128 v);
/* One holder of v fewer; the last one takes v out. False: v was not held. */
bool u128tree_del(struct u128tree *t, struct u128 v);
/* v's holders (0: not held). */
uint32_t u128tree_count(const struct u128tree *t, struct u128 v);
/* Whether a value from lo to hi (both included) is held. */
bool u128tree_any(const struct u128tree *t, struct u128 lo, struct u128 hi);

#endif
