/* SPDX-License-Identifier: GPL-2.0 */
/*
 * L2TPv2 AVPs (RFC 2661 sections 4 and 6): decoding a control message's AVP
 * list into a struct l2tp_msg, and encoding AVPs into a message being built.
 *
 * Decoding checks every length against what is left of the message, the
 * value length of every AVP it understands, duplicates, and the AVPs each
 * message type requires; hidden AVPs (4.3) are decrypted in place, which is
 * why the decoder takes a writable buffer.
 */
#ifndef L2SECD_L2TP_AVP_H
#define L2SECD_L2TP_AVP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum l2tp_msg_type {
	L2TP_SCCRQ = 1, L2TP_SCCRP = 2, L2TP_SCCCN = 3, L2TP_STOPCCN = 4,
	L2TP_HELLO = 6, L2TP_OCRQ = 7, L2TP_OCRP = 8, L2TP_OCCN = 9,
	L2TP_ICRQ = 10, L2TP_ICRP = 11, L2TP_ICCN = 12, L2TP_CDN = 14,
	L2TP_WEN = 15, L2TP_SLI = 16,
	L2TP_MSG_MAX = 16,
};

enum l2tp_avp_type {
	AVP_MESSAGE_TYPE = 0, AVP_RESULT_CODE = 1, AVP_PROTOCOL_VERSION = 2,
	AVP_FRAMING_CAP = 3, AVP_BEARER_CAP = 4, AVP_TIE_BREAKER = 5,
	AVP_FIRMWARE_REV = 6, AVP_HOST_NAME = 7, AVP_VENDOR_NAME = 8,
	AVP_ASSIGNED_TUNNEL_ID = 9, AVP_RECEIVE_WINDOW = 10, AVP_CHALLENGE = 11,
	AVP_Q931_CAUSE = 12, AVP_CHALLENGE_RESPONSE = 13, AVP_ASSIGNED_SESSION_ID = 14,
	AVP_CALL_SERIAL = 15, AVP_MIN_BPS = 16, AVP_MAX_BPS = 17, AVP_BEARER_TYPE = 18,
	AVP_FRAMING_TYPE = 19, AVP_CALLED_NUMBER = 21, AVP_CALLING_NUMBER = 22,
	AVP_SUB_ADDRESS = 23, AVP_TX_CONNECT_SPEED = 24, AVP_PHYS_CHANNEL = 25,
	AVP_INITIAL_RX_LCP = 26, AVP_LAST_TX_LCP = 27, AVP_LAST_RX_LCP = 28,
	AVP_PROXY_AUTH_TYPE = 29, AVP_PROXY_AUTH_NAME = 30, AVP_PROXY_AUTH_CHALLENGE = 31,
	AVP_PROXY_AUTH_ID = 32, AVP_PROXY_AUTH_RESPONSE = 33, AVP_CALL_ERRORS = 34,
	AVP_ACCM = 35, AVP_RANDOM_VECTOR = 36, AVP_PRIVATE_GROUP_ID = 37,
	AVP_RX_CONNECT_SPEED = 38, AVP_SEQUENCING_REQUIRED = 39,
	AVP_TYPE_COUNT = 40,
};

#define AVP_HDR_LEN 6
#define AVP_FLAG_M 0x8000
#define AVP_FLAG_H 0x4000
#define AVP_RESERVED 0x3c00
#define AVP_LEN_MASK 0x03ff
#define L2TP_CHALLENGE_RESP_LEN 16

/* StopCCN result codes (RFC 2661 4.4.2) */
enum {
	STOPCCN_CLEAR = 1, STOPCCN_GENERAL_ERROR = 2, STOPCCN_EXISTS = 3,
	STOPCCN_NOT_AUTHORIZED = 4, STOPCCN_BAD_VERSION = 5, STOPCCN_SHUTDOWN = 6,
	STOPCCN_FSM_ERROR = 7,
};
/* CDN result codes */
enum {
	CDN_LOST_CARRIER = 1, CDN_GENERAL_ERROR = 2, CDN_ADMIN = 3,
	CDN_NO_RESOURCES_TEMP = 4, CDN_NO_RESOURCES_PERM = 5,
};
/* General error codes */
enum {
	L2TP_ERR_NONE = 0, L2TP_ERR_NO_TUNNEL = 1, L2TP_ERR_LENGTH = 2,
	L2TP_ERR_VALUE = 3, L2TP_ERR_RESOURCES = 4, L2TP_ERR_SESSION_ID = 5,
	L2TP_ERR_VENDOR = 6, L2TP_ERR_TRY_ANOTHER = 7, L2TP_ERR_UNKNOWN_M_AVP = 8,
};

/* Why a message could not be decoded; each maps to a result/error code. */
enum l2tp_decode_err {
	L2TP_DEC_OK = 0,
	L2TP_DEC_LENGTH,		/* an AVP length or value length is wrong */
	L2TP_DEC_NO_MSG_TYPE,		/* first AVP is not a plain Message Type */
	L2TP_DEC_DUPLICATE,		/* a singular AVP twice */
	L2TP_DEC_MISSING,		/* a required AVP is absent */
	L2TP_DEC_HIDDEN,		/* hidden AVP without secret or Random Vector */
	L2TP_DEC_UNKNOWN_MANDATORY,	/* unknown AVP with the M bit */
	L2TP_DEC_UNKNOWN_MSG,		/* unknown message type with the M bit */
	L2TP_DEC_IGNORE,		/* unknown message type without M: ignore it */
};

struct l2tp_avp_val {
	const uint8_t *p;
	uint16_t len;
};

struct l2tp_msg {
	uint16_t type;
	uint64_t present;			/* bit per enum l2tp_avp_type */
	struct l2tp_avp_val avp[AVP_TYPE_COUNT];
	/* for diagnostics of L2TP_DEC_*: which AVP */
	uint16_t bad_vendor;
	uint16_t bad_type;
};

static inline bool l2tp_msg_has(const struct l2tp_msg *m, enum l2tp_avp_type t)
{
	return m->present & (1ULL << t);
}

uint16_t l2tp_msg_u16(const struct l2tp_msg *m, enum l2tp_avp_type t);
uint32_t l2tp_msg_u32(const struct l2tp_msg *m, enum l2tp_avp_type t);

/*
 * Decode the AVPs of one control message (buf: what follows the header).
 * secret may be NULL (no hidden AVPs possible). Values point into buf.
 */
enum l2tp_decode_err l2tp_avp_decode(uint8_t *buf, size_t len, const char *secret,
				     struct l2tp_msg *msg);

const char *l2tp_msg_name(uint16_t type);
const char *l2tp_avp_name(uint16_t type);
const char *l2tp_decode_strerror(enum l2tp_decode_err e);

/* Hidden AVP value cipher (4.3), in place; both directions are the same XOR stream. */
void l2tp_avp_hide(uint8_t *val, size_t len, uint16_t type, const char *secret,
		   const uint8_t *rv, size_t rv_len, bool decrypt);

/* Challenge response (4.4.3): MD5(id || secret || challenge), id 2 in SCCRP, 3 in SCCCN. */
void l2tp_challenge_response(uint8_t out[L2TP_CHALLENGE_RESP_LEN], uint8_t id,
			     const char *secret, const uint8_t *chal, size_t chal_len);

#endif
