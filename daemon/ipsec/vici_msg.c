// SPDX-License-Identifier: GPL-2.0
/* VICI message builder, validating walker and tree; see vici_msg.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipsec/vici_msg.h"

/* --- builder --------------------------------------------------------------- */

void vici_msg_init(struct vici_msg *m, size_t max)
{
	memset(m, 0, sizeof(*m));
	m->max = (max && max < VICI_MSG_MAX) ? max : VICI_MSG_MAX;
}

/* Messages carry secrets (load-shared, load-key): no copy is left behind. */
void vici_msg_free(struct vici_msg *m)
{
	if (m->buf)
		explicit_bzero(m->buf, m->cap);
	free(m->buf);
	m->buf = NULL;
	m->len = m->cap = 0;
}

void vici_msg_reset(struct vici_msg *m)
{
	m->len = 0;
	m->depth = 0;
	m->in_list = false;
	m->err = 0;
}

static void msg_fail(struct vici_msg *m, int err)
{
	if (!m->err)
		m->err = err;
}

/* Room for n more bytes; false (and the error recorded) if not possible. */
static bool msg_reserve(struct vici_msg *m, size_t n)
{
	size_t cap;
	uint8_t *p;

	if (m->err)
		return false;
	if (n > m->max - m->len) {
		msg_fail(m, -EMSGSIZE);
		return false;
	}
	if (m->len + n <= m->cap)
		return true;
	cap = m->cap ? m->cap : 256;
	while (cap < m->len + n)
		cap *= 2;
	if (cap > m->max)
		cap = m->max;
	/* Not realloc(): the old block is wiped before it is freed. */
	p = malloc(cap);
	if (!p) {
		msg_fail(m, -ENOMEM);
		return false;
	}
	if (m->buf) {
		memcpy(p, m->buf, m->len);
		explicit_bzero(m->buf, m->cap);
		free(m->buf);
	}
	m->buf = p;
	m->cap = cap;
	return true;
}

static void put_u8(struct vici_msg *m, uint8_t v)
{
	m->buf[m->len++] = v;
}

static void put_bytes(struct vici_msg *m, const void *p, size_t n)
{
	if (n)
		memcpy(m->buf + m->len, p, n);
	m->len += n;
}

/* Element type byte plus, if name is not NULL, the length-prefixed name;
 * reserves extra bytes for what the caller appends. */
static bool put_head(struct vici_msg *m, enum vici_elem type, const char *name,
		     size_t extra)
{
	size_t nl = 0;

	if (m->err)
		return false;
	if (name) {
		nl = strlen(name);
		if (nl == 0 || nl > VICI_NAME_MAX) {
			msg_fail(m, -EINVAL);
			return false;
		}
	}
	if (!msg_reserve(m, 1 + (name ? 1 + nl : 0) + extra))
		return false;
	put_u8(m, type);
	if (name) {
		put_u8(m, (uint8_t)nl);
		put_bytes(m, name, nl);
	}
	return true;
}

static void put_value(struct vici_msg *m, const void *val, size_t len)
{
	put_u8(m, (uint8_t)(len >> 8));
	put_u8(m, (uint8_t)len);
	put_bytes(m, val, len);
}

/* An element that is only valid outside a list. */
static bool outside_list(struct vici_msg *m)
{
	if (m->in_list)
		msg_fail(m, -EINVAL);
	return !m->err;
}

void vici_msg_section_start(struct vici_msg *m, const char *name)
{
	if (!outside_list(m))
		return;
	/* Never build what our own parser (and charon's) would refuse. */
	if (m->depth >= VICI_DEPTH_MAX) {
		msg_fail(m, -EINVAL);
		return;
	}
	if (put_head(m, VICI_SECTION_START, name, 0))
		m->depth++;
}

void vici_msg_section_end(struct vici_msg *m)
{
	if (!outside_list(m))
		return;
	if (!m->depth) {
		msg_fail(m, -EINVAL);
		return;
	}
	if (put_head(m, VICI_SECTION_END, NULL, 0))
		m->depth--;
}

void vici_msg_kv(struct vici_msg *m, const char *key, const void *val, size_t len)
{
	if (!outside_list(m))
		return;
	if (len > VICI_VALUE_MAX) {
		msg_fail(m, -EMSGSIZE);
		return;
	}
	if (put_head(m, VICI_KEY_VALUE, key, 2 + len))
		put_value(m, val, len);
}

void vici_msg_kv_str(struct vici_msg *m, const char *key, const char *val)
{
	if (!val) {
		msg_fail(m, -EINVAL);
		return;
	}
	vici_msg_kv(m, key, val, strlen(val));
}

void vici_msg_kv_fmt(struct vici_msg *m, const char *key, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		msg_fail(m, -EMSGSIZE);
		return;
	}
	vici_msg_kv(m, key, buf, (size_t)n);
}

void vici_msg_list_start(struct vici_msg *m, const char *name)
{
	/* Lists do not nest. */
	if (!outside_list(m))
		return;
	if (put_head(m, VICI_LIST_START, name, 0))
		m->in_list = true;
}

void vici_msg_list_item(struct vici_msg *m, const void *val, size_t len)
{
	if (!m->in_list) {
		msg_fail(m, -EINVAL);
		return;
	}
	if (len > VICI_VALUE_MAX) {
		msg_fail(m, -EMSGSIZE);
		return;
	}
	if (put_head(m, VICI_LIST_ITEM, NULL, 2 + len))
		put_value(m, val, len);
}

void vici_msg_list_item_str(struct vici_msg *m, const char *val)
{
	if (!val) {
		msg_fail(m, -EINVAL);
		return;
	}
	vici_msg_list_item(m, val, strlen(val));
}

void vici_msg_list_end(struct vici_msg *m)
{
	if (!m->in_list) {
		msg_fail(m, -EINVAL);
		return;
	}
	if (put_head(m, VICI_LIST_END, NULL, 0))
		m->in_list = false;
}

int vici_msg_finish(const struct vici_msg *m)
{
	if (m->err)
		return m->err;
	if (m->depth || m->in_list)
		return -EINVAL;
	return 0;
}

/* --- walker ------------------------------------------------------------------ */

struct walk {
	const uint8_t *msg;
	size_t len;
	size_t pos;
	const char *why;
	char name[VICI_NAME_MAX + 1];
};

static int walk_bad(struct walk *w, const char *why)
{
	w->why = why;
	return -EBADMSG;
}

static int walk_name(struct walk *w)
{
	size_t nl;

	if (w->pos >= w->len)
		return walk_bad(w, "truncated name length");
	nl = w->msg[w->pos++];
	if (nl == 0)
		return walk_bad(w, "empty name");
	if (nl > w->len - w->pos)
		return walk_bad(w, "name runs past the end");
	if (memchr(w->msg + w->pos, '\0', nl))
		return walk_bad(w, "NUL byte in name");
	memcpy(w->name, w->msg + w->pos, nl);
	w->name[nl] = '\0';
	w->pos += nl;
	return 0;
}

static int walk_value(struct walk *w, const uint8_t **val, size_t *vl)
{
	if (w->len - w->pos < 2)
		return walk_bad(w, "truncated value length");
	*vl = (size_t)w->msg[w->pos] << 8 | w->msg[w->pos + 1];
	w->pos += 2;
	if (*vl > w->len - w->pos)
		return walk_bad(w, "value runs past the end");
	*val = w->msg + w->pos;
	w->pos += *vl;
	return 0;
}

int vici_msg_walk(const uint8_t *msg, size_t len, vici_walk_fn fn, void *ctx,
		  const char **why, size_t *off)
{
	struct walk w = { .msg = msg, .len = len };
	unsigned int depth = 0, count = 0;
	bool in_list = false;
	size_t start = 0;
	int err = 0;

	if (len > VICI_MSG_MAX) {
		w.why = "message too long";
		err = -E2BIG;
		goto out;
	}
	while (w.pos < len) {
		const uint8_t *val = NULL;
		size_t vl = 0;
		enum vici_elem type;
		unsigned int at = depth;

		start = w.pos;
		if (++count > VICI_ELEMS_MAX) {
			w.why = "too many elements";
			err = -E2BIG;
			goto out;
		}
		type = msg[w.pos++];
		w.name[0] = '\0';
		switch (type) {
		case VICI_SECTION_START:
			if (in_list)
				err = walk_bad(&w, "section inside a list");
			else if (depth >= VICI_DEPTH_MAX)
				err = walk_bad(&w, "sections nested too deep");
			else
				err = walk_name(&w);
			depth++;
			break;
		case VICI_SECTION_END:
			if (in_list)
				err = walk_bad(&w, "section end inside a list");
			else if (!depth)
				err = walk_bad(&w, "section end without a section");
			at = --depth;
			break;
		case VICI_KEY_VALUE:
			if (in_list)
				err = walk_bad(&w, "key/value inside a list");
			else if (!(err = walk_name(&w)))
				err = walk_value(&w, &val, &vl);
			break;
		case VICI_LIST_START:
			if (in_list)
				err = walk_bad(&w, "nested list");
			else
				err = walk_name(&w);
			in_list = true;
			break;
		case VICI_LIST_ITEM:
			if (!in_list)
				err = walk_bad(&w, "list item outside a list");
			else
				err = walk_value(&w, &val, &vl);
			break;
		case VICI_LIST_END:
			if (!in_list)
				err = walk_bad(&w, "list end without a list");
			in_list = false;
			break;
		default:
			err = walk_bad(&w, "unknown element type");
			break;
		}
		if (err)
			goto out;
		if (fn && (err = fn(ctx, type, w.name, val, vl, at)))
			goto out;
	}
	start = len;
	if (depth)
		err = walk_bad(&w, "section not closed");
	else if (in_list)
		err = walk_bad(&w, "list not closed");
out:
	if (why)
		*why = err ? w.why : NULL;
	if (off)
		*off = start;
	return err;
}

/* --- tree -------------------------------------------------------------------- */

struct vici_tree {
	struct vici_node *nodes;	/* [0] is the root section */
	size_t n;
	size_t cap;
	char *strs;			/* names and values, each NUL-terminated */
	size_t strs_used;
	size_t strs_cap;
};

struct tree_build {
	struct vici_tree *t;
	/* Open containers: [0] the root, then sections, then at most one list. */
	struct vici_node *open[VICI_DEPTH_MAX + 2];
	struct vici_node *last[VICI_DEPTH_MAX + 2];
	unsigned int sp;
};

static int count_elems(void *ctx, enum vici_elem type, const char *name,
		       const uint8_t *val, size_t vl, unsigned int depth)
{
	(*(size_t *)ctx)++;
	return 0;
}

/* Copy into the string arena; sized by vici_tree_parse() so it never runs out. */
static const char *tree_str(struct vici_tree *t, const void *p, size_t n)
{
	char *s = t->strs + t->strs_used;

	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	t->strs_used += n + 1;
	return s;
}

static struct vici_node *tree_add(struct tree_build *b, enum vici_node_type type,
				  const char *name, const uint8_t *val, size_t vl)
{
	struct vici_tree *t = b->t;
	struct vici_node *n = &t->nodes[t->n++];

	n->type = type;
	n->name = tree_str(t, name, strlen(name));
	if (type == VICI_NODE_KV || type == VICI_NODE_ITEM) {
		n->value = tree_str(t, val, vl);
		n->value_len = vl;
	}
	if (b->last[b->sp])
		b->last[b->sp]->next = n;
	else
		b->open[b->sp]->child = n;
	b->last[b->sp] = n;
	return n;
}

static int tree_elem(void *ctx, enum vici_elem type, const char *name,
		     const uint8_t *val, size_t vl, unsigned int depth)
{
	struct tree_build *b = ctx;
	struct vici_node *n;

	/* The walker has already checked nesting; sp stays within open[]. */
	switch (type) {
	case VICI_SECTION_START:
	case VICI_LIST_START:
		n = tree_add(b, type == VICI_SECTION_START ? VICI_NODE_SECTION :
			     VICI_NODE_LIST, name, NULL, 0);
		b->sp++;
		b->open[b->sp] = n;
		b->last[b->sp] = NULL;
		break;
	case VICI_SECTION_END:
	case VICI_LIST_END:
		b->sp--;
		break;
	case VICI_KEY_VALUE:
		tree_add(b, VICI_NODE_KV, name, val, vl);
		break;
	case VICI_LIST_ITEM:
		tree_add(b, VICI_NODE_ITEM, "", val, vl);
		break;
	}
	return 0;
}

void vici_tree_free(struct vici_tree *t)
{
	if (!t)
		return;
	free(t->nodes);
	free(t->strs);
	free(t);
}

int vici_tree_parse(const uint8_t *msg, size_t len, struct vici_tree **out,
		    const char **why)
{
	struct tree_build b = { 0 };
	struct vici_tree *t;
	size_t count = 0;
	int err;

	*out = NULL;
	/* First pass validates and counts, so the allocations are exact. */
	err = vici_msg_walk(msg, len, count_elems, &count, why, NULL);
	if (err)
		return err;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->cap = count + 1;
	t->nodes = calloc(t->cap, sizeof(*t->nodes));
	/* Every name and value comes from the message, plus one NUL each
	 * (at most two per element) and the root's empty name. */
	t->strs_cap = len + 2 * count + 1;
	t->strs = malloc(t->strs_cap);
	if (!t->nodes || !t->strs) {
		err = -ENOMEM;
		goto fail;
	}
	t->n = 1;
	t->nodes[0].type = VICI_NODE_SECTION;
	t->nodes[0].name = tree_str(t, "", 0);
	b.t = t;
	b.open[0] = &t->nodes[0];
	err = vici_msg_walk(msg, len, tree_elem, &b, why, NULL);
	if (err)
		goto fail;
	*out = t;
	return 0;
fail:
	vici_tree_free(t);
	return err;
}

const struct vici_node *vici_tree_root(const struct vici_tree *t)
{
	return &t->nodes[0];
}

size_t vici_tree_size(const struct vici_tree *t)
{
	return t->n;
}

const struct vici_node *vici_node_get(const struct vici_node *n, const char *name)
{
	const struct vici_node *c;

	if (!n)
		return NULL;
	for (c = n->child; c; c = c->next)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

const struct vici_node *vici_node_section(const struct vici_node *n, const char *name)
{
	const struct vici_node *c;

	if (!n)
		return NULL;
	for (c = n->child; c; c = c->next)
		if (c->type == VICI_NODE_SECTION && !strcmp(c->name, name))
			return c;
	return NULL;
}

const char *vici_node_str(const struct vici_node *n, const char *key)
{
	const struct vici_node *c;

	if (!n)
		return NULL;
	for (c = n->child; c; c = c->next) {
		if (c->type != VICI_NODE_KV || strcmp(c->name, key))
			continue;
		if (memchr(c->value, '\0', c->value_len))
			return NULL;
		return c->value;
	}
	return NULL;
}

bool vici_node_yes(const struct vici_node *n, const char *key)
{
	const char *v = vici_node_str(n, key);

	return v && !strcmp(v, "yes");
}

void vici_tree_encode(const struct vici_node *section, struct vici_msg *m)
{
	const struct vici_node *c, *i;

	for (c = section->child; c; c = c->next) {
		switch (c->type) {
		case VICI_NODE_SECTION:
			vici_msg_section_start(m, c->name);
			vici_tree_encode(c, m);
			vici_msg_section_end(m);
			break;
		case VICI_NODE_KV:
			vici_msg_kv(m, c->name, c->value, c->value_len);
			break;
		case VICI_NODE_LIST:
			vici_msg_list_start(m, c->name);
			for (i = c->child; i; i = i->next)
				vici_msg_list_item(m, i->value, i->value_len);
			vici_msg_list_end(m);
			break;
		case VICI_NODE_ITEM:
			break;
		}
	}
}
