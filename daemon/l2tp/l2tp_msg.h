/* SPDX-License-Identifier: GPL-2.0 */
/*
 * L2TPv2 header (RFC 2661 3.1) parsing, and building control messages.
 *
 *  |T|L|x|x|S|x|O|P|x|x|x|x|  Ver  |          Length (opt)         |
 *  |           Tunnel ID           |           Session ID          |
 *  |             Ns (opt)          |             Nr (opt)          |
 *  |      Offset Size (opt)        |    Offset pad... (opt)
 */
#ifndef L2SECD_L2TP_MSG_H
#define L2SECD_L2TP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "l2tp/l2tp_avp.h"

#define L2TP_HDR_T 0x8000
#define L2TP_HDR_L 0x4000
#define L2TP_HDR_S 0x0800
#define L2TP_HDR_O 0x0200
#define L2TP_HDR_P 0x0100
#define L2TP_HDR_VER_MASK 0x000f
#define L2TP_VERSION 2
#define L2TP_CTRL_HDR_LEN 12
/* Largest control message we build or accept: a UDP datagram's worth. */
#define L2TP_MAX_MSG 4096

enum l2tp_hdr_err {
	L2TP_HDR_OK = 0,
	L2TP_HDR_SHORT,		/* shorter than the header its flags announce */
	L2TP_HDR_VERSION,	/* not version 2 (L2F or L2TPv3): discard */
	L2TP_HDR_CTRL_FLAGS,	/* control message without L and S, or with O or P */
	L2TP_HDR_LENGTH,	/* Length field shorter than the header or beyond the datagram */
};

struct l2tp_hdr {
	bool control;
	bool has_seq;
	uint16_t tunnel_id;
	uint16_t session_id;
	uint16_t ns, nr;
	size_t hdr_len;		/* offset of the payload (AVPs or PPP frame) */
	size_t msg_len;		/* header + payload; Length field when present */
};

enum l2tp_hdr_err l2tp_hdr_parse(const uint8_t *p, size_t n, struct l2tp_hdr *h);
const char *l2tp_hdr_strerror(enum l2tp_hdr_err e);

/* A control message being built; overflow is sticky and checked once at the end. */
struct l2tp_builder {
	uint8_t *buf;
	size_t cap;
	size_t len;
	bool overflow;
	const uint8_t *rv;	/* Random Vector in effect for hidden AVPs */
	size_t rv_len;
};

void l2tp_build_init(struct l2tp_builder *b, uint8_t *buf, size_t cap,
		     uint16_t tunnel_id, uint16_t session_id, uint16_t msg_type);
void l2tp_build_avp(struct l2tp_builder *b, bool mandatory, uint16_t type,
		    const void *val, size_t len);
void l2tp_build_u16(struct l2tp_builder *b, bool mandatory, uint16_t type, uint16_t v);
void l2tp_build_u32(struct l2tp_builder *b, bool mandatory, uint16_t type, uint32_t v);
void l2tp_build_result(struct l2tp_builder *b, uint16_t result, uint16_t error,
		       const char *text);
/* Adds a Random Vector AVP (rv) and then the hidden AVP (4.3). */
void l2tp_build_hidden(struct l2tp_builder *b, bool mandatory, uint16_t type,
		       const void *val, size_t len, const char *secret,
		       const uint8_t *rv, size_t rv_len);
/* Sets the Length field; returns the message length, 0 on overflow. */
size_t l2tp_build_finish(struct l2tp_builder *b);
/* Writes Ns and Nr into a built control message. */
void l2tp_set_seq(uint8_t *msg, uint16_t ns, uint16_t nr);
/* A ZLB acknowledgement: header only. buf holds L2TP_CTRL_HDR_LEN bytes. */
void l2tp_build_zlb(uint8_t *buf, uint16_t tunnel_id, uint16_t ns, uint16_t nr);

/* Sequence number comparison modulo 2^16 (5.8): a before b. */
static inline bool seq_before(uint16_t a, uint16_t b)
{
	return (int16_t)(uint16_t)(a - b) < 0;
}

#endif
