/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VICI message encoding (strongSwan src/libcharon/plugins/vici/README.md,
 * "Message format"): a sequence of elements, each a type byte, then for
 * SECTION_START, KEY_VALUE and LIST_START a name (8-bit length, 1..255 bytes,
 * no NUL), then for KEY_VALUE and LIST_ITEM a value (16-bit big-endian
 * length, 0..65535 bytes, any bytes).
 *
 *   builder  vici_msg_*: writes elements into a bounded growable buffer; the
 *            first error sticks and later calls do nothing, so a caller
 *            checks once, at vici_msg_finish().
 *   walker   vici_msg_walk(): validates a received message and calls back
 *            per element; nothing is allocated.
 *   tree     vici_tree_*: the whole message as nodes for lookups by name;
 *            three allocations, bounded by the message size.
 *
 * Every length in a received message is hostile: the walker checks each one
 * against the bytes left, the nesting depth against VICI_DEPTH_MAX and the
 * element count against VICI_ELEMS_MAX before anything is used.
 *
 * Not thread-safe; the daemon is single-threaded.
 */
#ifndef L2SECD_VICI_MSG_H
#define L2SECD_VICI_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* charon's limit for one transport segment (vici_socket.h). */
#define VICI_MSG_MAX		(512u * 1024u)
#define VICI_NAME_MAX		255u
#define VICI_VALUE_MAX		65535u
/* charon nests at most 4 deep (IKE/child-sas/child/old); leave room. */
#define VICI_DEPTH_MAX		16u
/* Bounds the tree's node array (~2.5 MiB) for a hostile 512 KiB message. */
#define VICI_ELEMS_MAX		65536u

enum vici_elem {
	VICI_SECTION_START = 1,
	VICI_SECTION_END = 2,
	VICI_KEY_VALUE = 3,
	VICI_LIST_START = 4,
	VICI_LIST_ITEM = 5,
	VICI_LIST_END = 6,
};

/* --- builder --------------------------------------------------------------- */

struct vici_msg {
	uint8_t *buf;
	size_t len;
	size_t cap;
	size_t max;		/* never grows beyond this many bytes */
	unsigned int depth;	/* open sections */
	bool in_list;
	int err;		/* first error, negative errno; sticky */
};

/* max 0 means VICI_MSG_MAX. No allocation until the first element. */
void vici_msg_init(struct vici_msg *m, size_t max);
void vici_msg_free(struct vici_msg *m);
/* Back to empty, keeping the buffer. */
void vici_msg_reset(struct vici_msg *m);

void vici_msg_section_start(struct vici_msg *m, const char *name);
void vici_msg_section_end(struct vici_msg *m);
void vici_msg_kv(struct vici_msg *m, const char *key, const void *val, size_t len);
void vici_msg_kv_str(struct vici_msg *m, const char *key, const char *val);
void vici_msg_kv_fmt(struct vici_msg *m, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void vici_msg_list_start(struct vici_msg *m, const char *name);
void vici_msg_list_item(struct vici_msg *m, const void *val, size_t len);
void vici_msg_list_item_str(struct vici_msg *m, const char *val);
void vici_msg_list_end(struct vici_msg *m);

/*
 * 0 when every element was accepted and all sections and lists are closed;
 * else the first error: -EINVAL (bad name, element out of place, unbalanced),
 * -EMSGSIZE (value or message too long), -ENOMEM.
 */
int vici_msg_finish(const struct vici_msg *m);

/* --- walker ------------------------------------------------------------------ */

/*
 * One element. name is NUL-terminated (a copy; names with a NUL byte are
 * rejected), empty for SECTION_END, LIST_ITEM and LIST_END. val points into
 * the message (not NUL-terminated), NULL unless KEY_VALUE or LIST_ITEM.
 * depth is the number of sections open around the element (0 at the root;
 * a SECTION_START reports the depth of its parent).
 * Return 0 to go on; anything else stops the walk and is returned.
 */
typedef int (*vici_walk_fn)(void *ctx, enum vici_elem type, const char *name,
			    const uint8_t *val, size_t val_len, unsigned int depth);

/*
 * Validate msg[0..len) and call fn (may be NULL: validate only) per element.
 * Returns 0, -EBADMSG for any malformation (fn may already have seen a
 * prefix of the elements), -E2BIG for more than VICI_ELEMS_MAX elements or
 * len > VICI_MSG_MAX, or fn's non-zero value. *why, when not NULL, gets a
 * static reason for the log on -EBADMSG/-E2BIG, and *off the offset.
 */
int vici_msg_walk(const uint8_t *msg, size_t len, vici_walk_fn fn, void *ctx,
		  const char **why, size_t *off);

/* --- tree -------------------------------------------------------------------- */

enum vici_node_type {
	VICI_NODE_SECTION,
	VICI_NODE_KV,
	VICI_NODE_LIST,
	VICI_NODE_ITEM,
};

struct vici_node {
	enum vici_node_type type;
	const char *name;		/* "" for the root and list items */
	/*
	 * KV and ITEM: value bytes with a NUL appended (so a string value can
	 * be used as is); value_len excludes that NUL. A value holding a NUL
	 * byte is not a string: vici_node_str() refuses it.
	 */
	const char *value;
	size_t value_len;
	const struct vici_node *child;	/* first member of a SECTION or LIST */
	const struct vici_node *next;	/* next sibling, in message order */
};

struct vici_tree;

/* 0 or as vici_msg_walk(); *out is NULL on error. */
int vici_tree_parse(const uint8_t *msg, size_t len, struct vici_tree **out,
		    const char **why);
void vici_tree_free(struct vici_tree *t);
const struct vici_node *vici_tree_root(const struct vici_tree *t);
/* Number of nodes, the root included. */
size_t vici_tree_size(const struct vici_tree *t);

/* First member of section/list n named name, of any type; NULL if none. */
const struct vici_node *vici_node_get(const struct vici_node *n, const char *name);
/* First SECTION member named name. */
const struct vici_node *vici_node_section(const struct vici_node *n, const char *name);
/* Value of key/value member key as a string; NULL if absent, not a
 * key/value, or holding a NUL byte. */
const char *vici_node_str(const struct vici_node *n, const char *key);
/* True if key is present with value "yes" (charon's booleans). */
bool vici_node_yes(const struct vici_node *n, const char *key);

/* Re-encode a tree (or any section's members) into m: used by the fuzzer's
 * round-trip oracle and to forward messages. */
void vici_tree_encode(const struct vici_node *section, struct vici_msg *m);

#endif
