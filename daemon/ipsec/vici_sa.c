// SPDX-License-Identifier: GPL-2.0
/* charon SA events into structs; see vici_sa.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipsec/vici_sa.h"

/* Decimal, no sign, no spaces, fits 32 bits. */
static bool parse_u32(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (!s || !*s || strlen(s) > 10)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* 1..8 hex digits, as charon prints SPIs and marks ("%.8x"). */
static bool parse_hex32(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	size_t n;

	if (!s || !(n = strlen(s)) || n > 8)
		return false;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* An address; charon prints an unset host as %any (family stays 0). */
static bool parse_host(const char *s, struct vici_addr *a)
{
	if (!s)
		return false;
	if (!strcmp(s, "%any") || !strcmp(s, "%any6"))
		return true;
	if (inet_pton(AF_INET, s, &a->a.v4) == 1) {
		a->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, &a->a.v6) == 1) {
		a->family = AF_INET6;
		return true;
	}
	return false;
}

/* Optional port: absent is 0; present must be 1..65535. */
static bool parse_port(const char *s, uint16_t *port)
{
	uint32_t v;

	if (!s) {
		*port = 0;
		return true;
	}
	if (!parse_u32(s, &v) || !v || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

/* Copy an optional string member, truncating. */
static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static const char *first_item(const struct vici_node *n, const char *list)
{
	const struct vici_node *l = vici_node_get(n, list);

	if (!l || l->type != VICI_NODE_LIST || !l->child)
		return NULL;
	if (memchr(l->child->value, '\0', l->child->value_len))
		return NULL;
	return l->child->value;
}

static int bad(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -EBADMSG;
}

static int parse_endpoint(const struct vici_node *n, const char *host_key,
			  const char *port_key, struct vici_addr *a,
			  const char **why, const char *reason)
{
	memset(a, 0, sizeof(*a));
	if (!parse_host(vici_node_str(n, host_key), a) ||
	    !parse_port(vici_node_str(n, port_key), &a->port))
		return bad(why, reason);
	return 0;
}

static int parse_ike(const struct vici_node *sec, struct vici_ike_info *ike,
		     const char **why)
{
	int err;

	copy_str(ike->name, sizeof(ike->name), sec->name);
	if (!parse_u32(vici_node_str(sec, "uniqueid"), &ike->uniqueid) || !ike->uniqueid)
		return bad(why, "IKE_SA uniqueid missing or invalid");
	err = parse_endpoint(sec, "local-host", "local-port", &ike->local, why,
			     "IKE_SA local-host/local-port missing or invalid");
	if (err)
		return err;
	err = parse_endpoint(sec, "remote-host", "remote-port", &ike->remote, why,
			     "IKE_SA remote-host/remote-port missing or invalid");
	if (err)
		return err;
	copy_str(ike->state, sizeof(ike->state), vici_node_str(sec, "state"));
	copy_str(ike->remote_id, sizeof(ike->remote_id), vici_node_str(sec, "remote-id"));
	ike->nat_local = vici_node_yes(sec, "nat-local");
	ike->nat_remote = vici_node_yes(sec, "nat-remote");
	ike->nat_any = vici_node_yes(sec, "nat-any");
	ike->initiator = vici_node_yes(sec, "initiator");
	return 0;
}

/* An optional mark and its optional mask. */
static bool parse_mark(const struct vici_node *sec, const char *key, const char *mask_key,
		       bool *has, uint32_t *mark, uint32_t *mask)
{
	const char *v = vici_node_str(sec, key), *m = vici_node_str(sec, mask_key);

	*has = false;
	*mark = 0;
	*mask = 0xffffffff;
	if (!v)
		return !m;
	if (!parse_hex32(v, mark))
		return false;
	if (m && !parse_hex32(m, mask))
		return false;
	*has = true;
	return true;
}

static int parse_child(const struct vici_node *sec, struct vici_child_info *c,
		       const char **why)
{
	const char *in, *out;

	/* 5.9.8 names the child in "name"; the section may be "<name>-<id>". */
	copy_str(c->name, sizeof(c->name), vici_node_str(sec, "name") ?
		 vici_node_str(sec, "name") : sec->name);
	if (!parse_u32(vici_node_str(sec, "uniqueid"), &c->uniqueid) || !c->uniqueid)
		return bad(why, "CHILD_SA uniqueid missing or invalid");
	if (!parse_u32(vici_node_str(sec, "reqid"), &c->reqid))
		return bad(why, "CHILD_SA reqid missing or invalid");
	copy_str(c->state, sizeof(c->state), vici_node_str(sec, "state"));
	copy_str(c->mode, sizeof(c->mode), vici_node_str(sec, "mode"));
	c->encap = vici_node_yes(sec, "encap");
	in = vici_node_str(sec, "spi-in");
	out = vici_node_str(sec, "spi-out");
	if (in || out) {
		if (!parse_hex32(in, &c->spi_in) || !parse_hex32(out, &c->spi_out))
			return bad(why, "CHILD_SA spi-in/spi-out invalid");
		c->has_spi = true;
	}
	if (!parse_mark(sec, "mark-in", "mark-mask-in", &c->has_mark_in,
			&c->mark_in, &c->mark_mask_in))
		return bad(why, "CHILD_SA mark-in invalid");
	if (!parse_mark(sec, "mark-out", "mark-mask-out", &c->has_mark_out,
			&c->mark_out, &c->mark_mask_out))
		return bad(why, "CHILD_SA mark-out invalid");
	copy_str(c->local_ts, sizeof(c->local_ts), first_item(sec, "local-ts"));
	copy_str(c->remote_ts, sizeof(c->remote_ts), first_item(sec, "remote-ts"));
	return 0;
}

/* The one section at the top: the IKE_SA, named by its config. */
static const struct vici_node *only_section(const struct vici_node *n)
{
	const struct vici_node *c, *found = NULL;

	for (c = n->child; c; c = c->next) {
		if (c->type != VICI_NODE_SECTION)
			continue;
		if (found)
			return NULL;
		found = c;
	}
	return found;
}

static int parse_children(const struct vici_node *ike, struct vici_sa_event *ev,
			  const char **why)
{
	const struct vici_node *sas = vici_node_section(ike, "child-sas"), *c;
	int err;

	if (!sas)
		return ev->kind == VICI_SA_LIST ? 0 : bad(why, "child-sas missing");
	for (c = sas->child; c; c = c->next) {
		if (c->type != VICI_NODE_SECTION)
			return bad(why, "child-sas holds a non-section");
		if (ev->n_children == VICI_SA_CHILDREN_MAX) {
			ev->truncated = true;
			break;
		}
		err = parse_child(c, &ev->child[ev->n_children], why);
		if (err)
			return err;
		ev->n_children++;
	}
	if (ev->kind != VICI_SA_LIST && ev->n_children != 1)
		return bad(why, "child-updown needs exactly one CHILD_SA");
	return 0;
}

static int parse_rekey(const struct vici_node *ike, struct vici_sa_event *ev,
		       const char **why)
{
	const struct vici_node *sas = vici_node_section(ike, "child-sas"), *c;
	const struct vici_node *o, *n;
	int err;

	c = sas ? only_section(sas) : NULL;
	if (!c)
		return bad(why, "child-rekey needs exactly one CHILD_SA");
	o = vici_node_section(c, "old");
	n = vici_node_section(c, "new");
	if (!o || !n)
		return bad(why, "child-rekey without old and new");
	err = parse_child(o, &ev->child[0], why);
	if (!err)
		err = parse_child(n, &ev->child[1], why);
	if (err)
		return err;
	/* The section is named by the config; old/new may lack "name". */
	if (!vici_node_str(o, "name"))
		copy_str(ev->child[0].name, sizeof(ev->child[0].name), c->name);
	if (!vici_node_str(n, "name"))
		copy_str(ev->child[1].name, sizeof(ev->child[1].name), c->name);
	ev->n_children = 2;
	return 0;
}

int vici_sa_parse(const char *event, const struct vici_node *msg,
		  struct vici_sa_event *ev, const char **why)
{
	const struct vici_node *ike;
	bool up = vici_node_yes(msg, "up");
	int err;

	memset(ev, 0, sizeof(*ev));
	if (why)
		*why = NULL;
	if (!strcmp(event, "ike-updown"))
		ev->kind = up ? VICI_SA_IKE_UP : VICI_SA_IKE_DOWN;
	else if (!strcmp(event, "child-updown"))
		ev->kind = up ? VICI_SA_CHILD_UP : VICI_SA_CHILD_DOWN;
	else if (!strcmp(event, "child-rekey"))
		ev->kind = VICI_SA_CHILD_REKEY;
	else if (!strcmp(event, "ike-update"))
		ev->kind = VICI_SA_IKE_UPDATE;
	else if (!strcmp(event, "list-sa"))
		ev->kind = VICI_SA_LIST;
	else
		return -ENOTSUP;

	ike = only_section(msg);
	if (!ike)
		return bad(why, "event needs exactly one IKE_SA section");
	err = parse_ike(ike, &ev->ike, why);
	if (err)
		return err;
	switch (ev->kind) {
	case VICI_SA_CHILD_UP:
	case VICI_SA_CHILD_DOWN:
	case VICI_SA_LIST:
		return parse_children(ike, ev, why);
	case VICI_SA_CHILD_REKEY:
		return parse_rekey(ike, ev, why);
	case VICI_SA_IKE_UPDATE:
		err = parse_endpoint(msg, "local-host", "local-port", &ev->new_local,
				     why, "ike-update local-host/local-port invalid");
		if (!err)
			err = parse_endpoint(msg, "remote-host", "remote-port",
					     &ev->new_remote, why,
					     "ike-update remote-host/remote-port invalid");
		return err;
	default:
		return 0;
	}
}

void vici_sa_addr_str(const struct vici_addr *a, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (a->family)
		inet_ntop(a->family, &a->a, host, sizeof(host));
	if (!a->port)
		snprintf(buf, size, "%s", host);
	else if (a->family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", host, a->port);
	else
		snprintf(buf, size, "%s:%u", host, a->port);
}

void vici_sa_child_str(const struct vici_child_info *c, char *buf, size_t size)
{
	int n;

	n = snprintf(buf, size, "%s #%u reqid %u %s", c->name, c->uniqueid, c->reqid,
		     c->state[0] ? c->state : "?");
	if (n < 0 || (size_t)n >= size)
		return;
	if (c->has_spi)
		n += snprintf(buf + n, size - (size_t)n, " spi %08x/%08x",
			      c->spi_in, c->spi_out);
	if ((size_t)n >= size)
		return;
	if (c->has_mark_in || c->has_mark_out)
		n += snprintf(buf + n, size - (size_t)n, " mark %x/%x",
			      c->mark_in, c->mark_out);
	if ((size_t)n >= size)
		return;
	if (c->encap)
		snprintf(buf + n, size - (size_t)n, " encap");
}
