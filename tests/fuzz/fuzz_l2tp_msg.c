// SPDX-License-Identifier: GPL-2.0
/*
 * L2TP header and AVP decoder: any bytes, as a datagram on port 1701.
 *
 * Oracles besides the sanitizers: every decoded value lies inside the
 * message; a message that decodes re-encodes (its understood AVPs, in the
 * clear) to a message that decodes to the same types and values.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "l2tp/l2tp_avp.h"
#include "l2tp/l2tp_msg.h"
#include "core/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	log_setup(LOG_TARGET_STDERR, LOG_CRIT, "fuzz");
	return 0;
}

static void check_reencode(const struct l2tp_msg *m)
{
	static uint8_t out[70000];
	struct l2tp_builder b;
	struct l2tp_msg m2;
	size_t len;

	l2tp_build_init(&b, out, sizeof(out), 1, 2, m->type);
	for (unsigned int t = 1; t < AVP_TYPE_COUNT; t++)
		if (t != AVP_RANDOM_VECTOR && l2tp_msg_has(m, t))
			l2tp_build_avp(&b, true, (uint16_t)t, m->avp[t].p, m->avp[t].len);
	len = l2tp_build_finish(&b);
	if (!len)
		abort();
	if (l2tp_avp_decode(out + L2TP_CTRL_HDR_LEN, len - L2TP_CTRL_HDR_LEN, NULL, &m2) !=
	    L2TP_DEC_OK)
		abort();
	if (m2.type != m->type ||
	    (m2.present | (1ULL << AVP_RANDOM_VECTOR)) != (m->present | (1ULL << AVP_RANDOM_VECTOR)))
		abort();
	for (unsigned int t = 1; t < AVP_TYPE_COUNT; t++)
		if (t != AVP_RANDOM_VECTOR && l2tp_msg_has(m, t) &&
		    (m2.avp[t].len != m->avp[t].len ||
		     memcmp(m2.avp[t].p, m->avp[t].p, m->avp[t].len)))
			abort();
}

static void decode(uint8_t *buf, size_t len, const char *secret)
{
	struct l2tp_msg m;
	enum l2tp_decode_err err = l2tp_avp_decode(buf, len, secret, &m);

	for (unsigned int t = 0; t < AVP_TYPE_COUNT; t++) {
		if (!l2tp_msg_has(&m, t))
			continue;
		if (m.avp[t].p < buf || m.avp[t].p + m.avp[t].len > buf + len)
			abort();
	}
	if (err == L2TP_DEC_OK)
		check_reencode(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct l2tp_hdr h;
	uint8_t *buf;

	if (size > 65535)
		return 0;
	buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	if (l2tp_hdr_parse(buf, size, &h) == L2TP_HDR_OK) {
		if (h.hdr_len > h.msg_len || h.msg_len > size)
			abort();
		if (h.control) {
			/* once in the clear, once with a secret (hidden AVPs in place) */
			decode(buf + h.hdr_len, h.msg_len - h.hdr_len, NULL);
			memcpy(buf, data, size);
			decode(buf + h.hdr_len, h.msg_len - h.hdr_len, "secret");
		}
	}
	/* the AVP decoder on its own, at any offset the header might have chosen */
	memcpy(buf, data, size);
	decode(buf, size, "secret");
	free(buf);
	return 0;
}
