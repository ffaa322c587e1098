/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a charon killed with SIGKILL leaves in the kernel: its xfrm states
 * and policies stay, and the stale states still decrypt their clients'
 * packets and mark them with the old CHILD_SA's mark. A restarted charon
 * counts %unique marks from 1 again, so a stale state's mark can be the mark
 * a new client's tunnel is bound to: the old client's packets would pass as
 * the new client's. After each resync with charon, l2secd removes them.
 *
 * Only objects of an L2TP transport-mode connection with marks, as l2secd's
 * is, and that charon does not know, are touched:
 *  - a policy is l2sec's when it has a mark, selects UDP with the L2TP port
 *    on either side, allows, and has an ESP transport-mode template; it is
 *    stale when charon listed no SA with its mark;
 *  - a state is l2sec's when it is ESP, transport mode, with the mark (an
 *    outbound state) or the mark it sets on what it decrypts (an inbound
 *    one) of one of l2sec's policies (stale or not: a new charon's policy
 *    replaces a stale one with the same selector and mark); it is stale when
 *    charon listed no SA with its SPI;
 *  - either only if the kernel added it before l2secd connected to this
 *    charon (anything newer is the current charon's, reported or not yet).
 * Synchronous netlink (NETLINK_XFRM) in the caller's namespace; needs
 * CAP_NET_ADMIN.
 */
#ifndef L2SECD_IPSEC_XFRM_H
#define L2SECD_IPSEC_XFRM_H

#include <libmnl/libmnl.h>
#include <linux/xfrm.h>
#include <stdbool.h>
#include <stdint.h>

struct ipsec_xfrm_filter {
	uint16_t l2tp_port;		/* host order */
	uint64_t before;		/* wall-clock seconds, as xfrm's add_time */
	bool (*known_spi)(void *ctx, uint32_t spi);	/* host order */
	bool (*known_mark)(void *ctx, uint32_t mark);
	void *ctx;
};

struct ipsec_xfrm_result {
	unsigned int states, policies;	/* removed */
	unsigned int failed;		/* removals the kernel refused */
};

/* 0, or -errno when the kernel could not be asked (then nothing is removed). */
int ipsec_xfrm_flush_stale(const struct ipsec_xfrm_filter *f, struct ipsec_xfrm_result *res);

/* Runs one dump (XFRM_MSG_GETSA, GETPOLICY) on nl through cb. 0 or -errno. */
int ipsec_xfrm_dump(struct mnl_socket *nl, uint16_t type, mnl_cb_t cb, void *data);

/* The classification alone (for the unit tests): an l2sec policy? */
bool ipsec_xfrm_policy_is_l2sec(const struct xfrm_userpolicy_info *p,
				const struct xfrm_mark *mark, bool esp_transport_tmpl,
				uint16_t l2tp_port);

#endif
