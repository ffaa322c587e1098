// SPDX-License-Identifier: GPL-2.0
/* L2TPv2 AVP decoding, hidden AVPs and challenge responses (RFC 2661 4, 4.3, 5.1.1). */
#include <nettle/md5.h>
#include <string.h>

#include "l2tp/l2tp_avp.h"
#include "core/util.h"

/* Value length bounds of the IETF AVPs we know; max 0 means "any up to 1017". */
struct avp_rule {
	const char *name;
	uint16_t min, max;
	bool multi;		/* may appear more than once */
};

static const struct avp_rule avp_rules[AVP_TYPE_COUNT] = {
	[AVP_MESSAGE_TYPE] = { "Message Type", 2, 2, false },
	[AVP_RESULT_CODE] = { "Result Code", 2, 0, false },
	[AVP_PROTOCOL_VERSION] = { "Protocol Version", 2, 2, false },
	[AVP_FRAMING_CAP] = { "Framing Capabilities", 4, 4, false },
	[AVP_BEARER_CAP] = { "Bearer Capabilities", 4, 4, false },
	[AVP_TIE_BREAKER] = { "Tie Breaker", 8, 8, false },
	[AVP_FIRMWARE_REV] = { "Firmware Revision", 2, 2, false },
	[AVP_HOST_NAME] = { "Host Name", 1, 0, false },
	[AVP_VENDOR_NAME] = { "Vendor Name", 0, 0, false },
	[AVP_ASSIGNED_TUNNEL_ID] = { "Assigned Tunnel ID", 2, 2, false },
	[AVP_RECEIVE_WINDOW] = { "Receive Window Size", 2, 2, false },
	[AVP_CHALLENGE] = { "Challenge", 1, 0, false },
	[AVP_Q931_CAUSE] = { "Q.931 Cause Code", 3, 0, false },
	[AVP_CHALLENGE_RESPONSE] = { "Challenge Response", 16, 16, false },
	[AVP_ASSIGNED_SESSION_ID] = { "Assigned Session ID", 2, 2, false },
	[AVP_CALL_SERIAL] = { "Call Serial Number", 4, 4, false },
	[AVP_MIN_BPS] = { "Minimum BPS", 4, 4, false },
	[AVP_MAX_BPS] = { "Maximum BPS", 4, 4, false },
	[AVP_BEARER_TYPE] = { "Bearer Type", 4, 4, false },
	[AVP_FRAMING_TYPE] = { "Framing Type", 4, 4, false },
	[AVP_CALLED_NUMBER] = { "Called Number", 0, 0, false },
	[AVP_CALLING_NUMBER] = { "Calling Number", 0, 0, false },
	[AVP_SUB_ADDRESS] = { "Sub-Address", 0, 0, false },
	[AVP_TX_CONNECT_SPEED] = { "Tx Connect Speed", 4, 4, false },
	[AVP_PHYS_CHANNEL] = { "Physical Channel ID", 4, 4, false },
	[AVP_INITIAL_RX_LCP] = { "Initial Received LCP CONFREQ", 0, 0, false },
	[AVP_LAST_TX_LCP] = { "Last Sent LCP CONFREQ", 0, 0, false },
	[AVP_LAST_RX_LCP] = { "Last Received LCP CONFREQ", 0, 0, false },
	[AVP_PROXY_AUTH_TYPE] = { "Proxy Authen Type", 2, 2, false },
	[AVP_PROXY_AUTH_NAME] = { "Proxy Authen Name", 0, 0, false },
	[AVP_PROXY_AUTH_CHALLENGE] = { "Proxy Authen Challenge", 0, 0, false },
	[AVP_PROXY_AUTH_ID] = { "Proxy Authen ID", 2, 2, false },
	[AVP_PROXY_AUTH_RESPONSE] = { "Proxy Authen Response", 0, 0, false },
	[AVP_CALL_ERRORS] = { "Call Errors", 26, 26, false },
	[AVP_ACCM] = { "ACCM", 10, 10, false },
	[AVP_RANDOM_VECTOR] = { "Random Vector", 1, 0, true },
	[AVP_PRIVATE_GROUP_ID] = { "Private Group ID", 0, 0, false },
	[AVP_RX_CONNECT_SPEED] = { "Rx Connect Speed", 4, 4, false },
	[AVP_SEQUENCING_REQUIRED] = { "Sequencing Required", 0, 0, false },
};

#define B(t) (1ULL << (t))
/* Required AVPs per message type (RFC 2661 section 6), Message Type implied. */
static const uint64_t required[L2TP_MSG_MAX + 1] = {
	[L2TP_SCCRQ] = B(AVP_PROTOCOL_VERSION) | B(AVP_HOST_NAME) | B(AVP_FRAMING_CAP) |
		       B(AVP_ASSIGNED_TUNNEL_ID),
	[L2TP_SCCRP] = B(AVP_PROTOCOL_VERSION) | B(AVP_HOST_NAME) | B(AVP_FRAMING_CAP) |
		       B(AVP_ASSIGNED_TUNNEL_ID),
	[L2TP_SCCCN] = 0,
	[L2TP_STOPCCN] = B(AVP_ASSIGNED_TUNNEL_ID) | B(AVP_RESULT_CODE),
	[L2TP_HELLO] = 0,
	[L2TP_OCRQ] = B(AVP_ASSIGNED_SESSION_ID) | B(AVP_CALL_SERIAL) | B(AVP_MIN_BPS) |
		      B(AVP_MAX_BPS) | B(AVP_BEARER_TYPE) | B(AVP_FRAMING_TYPE) |
		      B(AVP_CALLED_NUMBER),
	[L2TP_OCRP] = B(AVP_ASSIGNED_SESSION_ID),
	[L2TP_OCCN] = B(AVP_TX_CONNECT_SPEED) | B(AVP_FRAMING_TYPE),
	[L2TP_ICRQ] = B(AVP_ASSIGNED_SESSION_ID) | B(AVP_CALL_SERIAL),
	[L2TP_ICRP] = B(AVP_ASSIGNED_SESSION_ID),
	[L2TP_ICCN] = B(AVP_TX_CONNECT_SPEED) | B(AVP_FRAMING_TYPE),
	[L2TP_CDN] = B(AVP_RESULT_CODE) | B(AVP_ASSIGNED_SESSION_ID),
	[L2TP_WEN] = B(AVP_CALL_ERRORS),
	[L2TP_SLI] = B(AVP_ACCM),
};

static const char *const msg_names[L2TP_MSG_MAX + 1] = {
	[L2TP_SCCRQ] = "SCCRQ", [L2TP_SCCRP] = "SCCRP", [L2TP_SCCCN] = "SCCCN",
	[L2TP_STOPCCN] = "StopCCN", [L2TP_HELLO] = "HELLO", [L2TP_OCRQ] = "OCRQ",
	[L2TP_OCRP] = "OCRP", [L2TP_OCCN] = "OCCN", [L2TP_ICRQ] = "ICRQ",
	[L2TP_ICRP] = "ICRP", [L2TP_ICCN] = "ICCN", [L2TP_CDN] = "CDN",
	[L2TP_WEN] = "WEN", [L2TP_SLI] = "SLI",
};

const char *l2tp_msg_name(uint16_t type)
{
	if (type <= L2TP_MSG_MAX && msg_names[type])
		return msg_names[type];
	return "unknown";
}

const char *l2tp_avp_name(uint16_t type)
{
	if (type < AVP_TYPE_COUNT && avp_rules[type].name)
		return avp_rules[type].name;
	return "unknown";
}

const char *l2tp_decode_strerror(enum l2tp_decode_err e)
{
	switch (e) {
	case L2TP_DEC_OK: return "ok";
	case L2TP_DEC_LENGTH: return "wrong AVP length";
	case L2TP_DEC_NO_MSG_TYPE: return "first AVP is not a Message Type";
	case L2TP_DEC_DUPLICATE: return "duplicate AVP";
	case L2TP_DEC_MISSING: return "required AVP missing";
	case L2TP_DEC_HIDDEN: return "hidden AVP cannot be decrypted";
	case L2TP_DEC_UNKNOWN_MANDATORY: return "unknown mandatory AVP";
	case L2TP_DEC_UNKNOWN_MSG: return "unknown mandatory message type";
	case L2TP_DEC_IGNORE: return "unknown optional message type";
	}
	return "?";
}

uint16_t l2tp_msg_u16(const struct l2tp_msg *m, enum l2tp_avp_type t)
{
	return m->avp[t].len >= 2 ? get_be16(m->avp[t].p) : 0;
}

uint32_t l2tp_msg_u32(const struct l2tp_msg *m, enum l2tp_avp_type t)
{
	return m->avp[t].len >= 4 ? get_be32(m->avp[t].p) : 0;
}

void l2tp_avp_hide(uint8_t *val, size_t len, uint16_t type, const char *secret,
		   const uint8_t *rv, size_t rv_len, bool decrypt)
{
	struct md5_ctx ctx;
	uint8_t b[MD5_DIGEST_SIZE], c[MD5_DIGEST_SIZE], t[2];
	size_t secret_len = strlen(secret);

	put_be16(t, type);
	md5_init(&ctx);
	md5_update(&ctx, sizeof(t), t);
	md5_update(&ctx, secret_len, (const uint8_t *)secret);
	md5_update(&ctx, rv_len, rv);
	md5_digest(&ctx, sizeof(b), b);
	for (size_t off = 0; off < len; off += MD5_DIGEST_SIZE) {
		size_t n = len - off < MD5_DIGEST_SIZE ? len - off : MD5_DIGEST_SIZE;

		/* the next key block chains on the ciphertext, whichever side has it */
		if (decrypt)
			memcpy(c, val + off, n);
		for (size_t i = 0; i < n; i++)
			val[off + i] ^= b[i];
		if (!decrypt)
			memcpy(c, val + off, n);
		if (off + n >= len)
			break;
		md5_init(&ctx);
		md5_update(&ctx, secret_len, (const uint8_t *)secret);
		md5_update(&ctx, MD5_DIGEST_SIZE, c);
		md5_digest(&ctx, sizeof(b), b);
	}
	explicit_bzero(b, sizeof(b));	/* key stream from the secret */
}

void l2tp_challenge_response(uint8_t out[L2TP_CHALLENGE_RESP_LEN], uint8_t id,
			     const char *secret, const uint8_t *chal, size_t chal_len)
{
	struct md5_ctx ctx;

	md5_init(&ctx);
	md5_update(&ctx, 1, &id);
	md5_update(&ctx, strlen(secret), (const uint8_t *)secret);
	md5_update(&ctx, chal_len, chal);
	md5_digest(&ctx, L2TP_CHALLENGE_RESP_LEN, out);
}

static enum l2tp_decode_err bad(struct l2tp_msg *msg, enum l2tp_decode_err e,
				uint16_t vendor, uint16_t type)
{
	msg->bad_vendor = vendor;
	msg->bad_type = type;
	return e;
}

enum l2tp_decode_err l2tp_avp_decode(uint8_t *buf, size_t len, const char *secret,
				     struct l2tp_msg *msg)
{
	const uint8_t *rv = NULL;
	uint16_t rv_len = 0;
	size_t off = 0;
	bool first = true;
	bool type_mandatory = false;

	memset(msg, 0, sizeof(*msg));
	while (off < len) {
		uint8_t *a = buf + off;
		uint16_t flags, alen, vendor, type;
		uint8_t *val;
		uint16_t vlen;

		if (len - off < AVP_HDR_LEN)
			return bad(msg, L2TP_DEC_LENGTH, 0, 0);
		flags = get_be16(a);
		alen = flags & AVP_LEN_MASK;
		vendor = get_be16(a + 2);
		type = get_be16(a + 4);
		if (alen < AVP_HDR_LEN || alen > len - off)
			return bad(msg, L2TP_DEC_LENGTH, vendor, type);
		off += alen;
		val = a + AVP_HDR_LEN;
		vlen = alen - AVP_HDR_LEN;

		if (first) {
			/* 4.4.1: the Message Type comes first, never hidden */
			if (vendor || type != AVP_MESSAGE_TYPE || (flags & (AVP_FLAG_H | AVP_RESERVED)))
				return bad(msg, L2TP_DEC_NO_MSG_TYPE, vendor, type);
			if (vlen != 2)
				return bad(msg, L2TP_DEC_LENGTH, vendor, type);
			type_mandatory = flags & AVP_FLAG_M;
			first = false;
		}
		/* 4.1: a reserved bit set makes the AVP unrecognized; so does a vendor. */
		if (vendor || type >= AVP_TYPE_COUNT || !avp_rules[type].name ||
		    (flags & AVP_RESERVED)) {
			if (flags & AVP_FLAG_M)
				return bad(msg, L2TP_DEC_UNKNOWN_MANDATORY, vendor, type);
			continue;
		}
		if (flags & AVP_FLAG_H) {
			uint16_t orig;

			if (!secret || !*secret || !rv || vlen < 2)
				return bad(msg, L2TP_DEC_HIDDEN, vendor, type);
			l2tp_avp_hide(val, vlen, type, secret, rv, rv_len, true);
			orig = get_be16(val);
			if (orig > vlen - 2)
				return bad(msg, L2TP_DEC_HIDDEN, vendor, type);
			val += 2;
			vlen = orig;
		}
		if (vlen < avp_rules[type].min ||
		    (avp_rules[type].max && vlen > avp_rules[type].max))
			return bad(msg, L2TP_DEC_LENGTH, vendor, type);
		if (type == AVP_RANDOM_VECTOR) {
			rv = val;	/* applies to the hidden AVPs that follow */
			rv_len = vlen;
		} else if (msg->present & B(type)) {
			return bad(msg, L2TP_DEC_DUPLICATE, vendor, type);
		}
		msg->present |= B(type);
		msg->avp[type].p = val;
		msg->avp[type].len = vlen;
	}
	if (first)
		return bad(msg, L2TP_DEC_NO_MSG_TYPE, 0, 0);
	msg->type = l2tp_msg_u16(msg, AVP_MESSAGE_TYPE);
	if (msg->type > L2TP_MSG_MAX || !msg_names[msg->type])
		return bad(msg, type_mandatory ? L2TP_DEC_UNKNOWN_MSG : L2TP_DEC_IGNORE,
			   0, msg->type);
	if ((msg->present & required[msg->type]) != required[msg->type]) {
		uint64_t missing = required[msg->type] & ~msg->present;

		return bad(msg, L2TP_DEC_MISSING, 0, (uint16_t)__builtin_ctzll(missing));
	}
	return L2TP_DEC_OK;
}
