// SPDX-License-Identifier: GPL-2.0
/* L2TPv2 header parsing and control message building. */
#include <string.h>

#include "l2tp/l2tp_msg.h"
#include "core/util.h"

const char *l2tp_hdr_strerror(enum l2tp_hdr_err e)
{
	switch (e) {
	case L2TP_HDR_OK: return "ok";
	case L2TP_HDR_SHORT: return "truncated header";
	case L2TP_HDR_VERSION: return "not L2TP version 2";
	case L2TP_HDR_CTRL_FLAGS: return "control message with wrong L/S/O/P bits";
	case L2TP_HDR_LENGTH: return "Length field out of range";
	}
	return "?";
}

enum l2tp_hdr_err l2tp_hdr_parse(const uint8_t *p, size_t n, struct l2tp_hdr *h)
{
	uint16_t flags;
	size_t off = 2;

	memset(h, 0, sizeof(*h));
	if (n < 6)
		return L2TP_HDR_SHORT;
	flags = get_be16(p);
	/* 3.1: unknown versions are discarded; reserved bits are ignored */
	if ((flags & L2TP_HDR_VER_MASK) != L2TP_VERSION)
		return L2TP_HDR_VERSION;
	h->control = flags & L2TP_HDR_T;
	if (h->control && ((flags & (L2TP_HDR_L | L2TP_HDR_S)) != (L2TP_HDR_L | L2TP_HDR_S) ||
			   (flags & (L2TP_HDR_O | L2TP_HDR_P))))
		return L2TP_HDR_CTRL_FLAGS;
	h->msg_len = n;
	if (flags & L2TP_HDR_L) {
		h->msg_len = get_be16(p + off);
		off += 2;
	}
	if (n < off + 4)
		return L2TP_HDR_SHORT;
	h->tunnel_id = get_be16(p + off);
	h->session_id = get_be16(p + off + 2);
	off += 4;
	if (flags & L2TP_HDR_S) {
		if (n < off + 4)
			return L2TP_HDR_SHORT;
		h->has_seq = true;
		h->ns = get_be16(p + off);
		h->nr = get_be16(p + off + 2);
		off += 4;
	}
	if (flags & L2TP_HDR_O) {
		uint16_t pad;

		if (n < off + 2)
			return L2TP_HDR_SHORT;
		pad = get_be16(p + off);
		off += 2 + (size_t)pad;
	}
	/* Length may be shorter than the datagram (trailing bytes are not ours), never longer */
	if (h->msg_len > n || h->msg_len < off)
		return L2TP_HDR_LENGTH;
	h->hdr_len = off;
	return L2TP_HDR_OK;
}

static uint8_t *reserve(struct l2tp_builder *b, size_t n)
{
	uint8_t *p;

	if (b->overflow || b->cap - b->len < n) {
		b->overflow = true;
		return NULL;
	}
	p = b->buf + b->len;
	b->len += n;
	return p;
}

void l2tp_build_init(struct l2tp_builder *b, uint8_t *buf, size_t cap,
		     uint16_t tunnel_id, uint16_t session_id, uint16_t msg_type)
{
	uint8_t *h;

	memset(b, 0, sizeof(*b));
	b->buf = buf;
	b->cap = cap;
	h = reserve(b, L2TP_CTRL_HDR_LEN);
	if (!h)
		return;
	put_be16(h, L2TP_HDR_T | L2TP_HDR_L | L2TP_HDR_S | L2TP_VERSION);
	put_be16(h + 2, 0);
	put_be16(h + 4, tunnel_id);
	put_be16(h + 6, session_id);
	put_be32(h + 8, 0);
	l2tp_build_u16(b, true, AVP_MESSAGE_TYPE, msg_type);
}

static uint8_t *avp_start(struct l2tp_builder *b, bool mandatory, bool hidden,
			  uint16_t type, size_t len)
{
	uint8_t *a;

	if (len > AVP_LEN_MASK - AVP_HDR_LEN) {
		b->overflow = true;
		return NULL;
	}
	a = reserve(b, AVP_HDR_LEN + len);
	if (!a)
		return NULL;
	put_be16(a, (uint16_t)((mandatory ? AVP_FLAG_M : 0) | (hidden ? AVP_FLAG_H : 0) |
			       (AVP_HDR_LEN + len)));
	put_be16(a + 2, 0);
	put_be16(a + 4, type);
	return a + AVP_HDR_LEN;
}

void l2tp_build_avp(struct l2tp_builder *b, bool mandatory, uint16_t type,
		    const void *val, size_t len)
{
	uint8_t *v = avp_start(b, mandatory, false, type, len);

	if (v && len)
		memcpy(v, val, len);
}

void l2tp_build_u16(struct l2tp_builder *b, bool mandatory, uint16_t type, uint16_t v)
{
	uint8_t val[2];

	put_be16(val, v);
	l2tp_build_avp(b, mandatory, type, val, sizeof(val));
}

void l2tp_build_u32(struct l2tp_builder *b, bool mandatory, uint16_t type, uint32_t v)
{
	uint8_t val[4];

	put_be32(val, v);
	l2tp_build_avp(b, mandatory, type, val, sizeof(val));
}

void l2tp_build_result(struct l2tp_builder *b, uint16_t result, uint16_t error,
		       const char *text)
{
	size_t tlen = text ? strlen(text) : 0;
	uint8_t *v;

	if (tlen > 200)
		tlen = 200;
	v = avp_start(b, true, false, AVP_RESULT_CODE, 4 + tlen);
	if (!v)
		return;
	put_be16(v, result);
	put_be16(v + 2, error);
	if (tlen)
		memcpy(v + 4, text, tlen);
}

void l2tp_build_hidden(struct l2tp_builder *b, bool mandatory, uint16_t type,
		       const void *val, size_t len, const char *secret,
		       const uint8_t *rv, size_t rv_len)
{
	uint8_t *v;

	l2tp_build_avp(b, true, AVP_RANDOM_VECTOR, rv, rv_len);
	v = avp_start(b, mandatory, true, type, 2 + len);
	if (!v)
		return;
	put_be16(v, (uint16_t)len);
	memcpy(v + 2, val, len);
	l2tp_avp_hide(v, 2 + len, type, secret, rv, rv_len, false);
}

size_t l2tp_build_finish(struct l2tp_builder *b)
{
	if (b->overflow)
		return 0;
	put_be16(b->buf + 2, (uint16_t)b->len);
	return b->len;
}

void l2tp_set_seq(uint8_t *msg, uint16_t ns, uint16_t nr)
{
	put_be16(msg + 8, ns);
	put_be16(msg + 10, nr);
}

void l2tp_build_zlb(uint8_t *buf, uint16_t tunnel_id, uint16_t ns, uint16_t nr)
{
	put_be16(buf, L2TP_HDR_T | L2TP_HDR_L | L2TP_HDR_S | L2TP_VERSION);
	put_be16(buf + 2, L2TP_CTRL_HDR_LEN);
	put_be16(buf + 4, tunnel_id);
	put_be16(buf + 6, 0);
	l2tp_set_seq(buf, ns, nr);
}
