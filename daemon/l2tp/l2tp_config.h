/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The LNS's configuration: the [l2tp] keys of l2sec.conf but the listening
 * sockets (which are the server's). A plain value, held in struct
 * l2sec_config (conf/config.h) as its l2tp member; the LNS reads the one
 * given to l2tp_lns_set_config() and new tunnels take their values from it.
 * The defaults are l2tp_config_init()'s, and only there.
 */
#ifndef L2SECD_L2TP_CONFIG_H
#define L2SECD_L2TP_CONFIG_H

#include <stdbool.h>

struct l2tp_config {
	char hostname[64];
	char secret[128];		/* tunnel secret; empty: no tunnel auth */
	bool require_ipsec;
	unsigned int hello_interval_ms;	/* 0: no HELLO */
	unsigned int rexmit_initial_ms;
	unsigned int rexmit_max_ms;
	unsigned int rexmit_retries;
	unsigned int ack_delay_ms;
	unsigned int receive_window;	/* our RWS: out-of-order messages held per tunnel */
	unsigned int max_tunnels;
	unsigned int max_sessions;
	unsigned int max_sessions_per_tunnel;
	unsigned int max_half_open;	/* tunnels between SCCRQ and SCCCN */
	unsigned int sccrq_rate;	/* new SCCRQs accepted per second (burst the same) */
	/* admission per peer (l2tp_admit.h): source address (IPv6 /64) and SA mark */
	unsigned int sccrq_rate_per_source;	/* per second, burst the same */
	unsigned int sccrq_rate_per_sa;
	unsigned int max_half_open_per_source;
	unsigned int max_half_open_per_sa;
	unsigned int max_tunnels_per_sa;	/* tunnels not closing */
	unsigned int setup_timeout_ms;		/* SCCRQ -> SCCCN */
	unsigned int session_setup_timeout_ms;	/* ICRQ -> ICCN */
	unsigned int peer_table_size;		/* peers accounted at once */
};

/* Fill cfg with the defaults (hostname "l2sec"). */
void l2tp_config_init(struct l2tp_config *cfg);

#endif
