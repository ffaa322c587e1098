/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `l2sec client-config`: a ready client profile, printed on stdout, made
 * from the gateway's own configuration file (read with l2secd's parser) and,
 * for one user, that user's split tunnel/DNS values from the users file:
 *
 *   l2sec client-config { windows | macos | linux [ nm | ip-up | ip-down ] }
 *                       [ user USER ] [ server HOST ] [ name NAME ] [ config FILE ]
 *
 *   windows  a PowerShell script (Add-VpnConnection, L2TP/IPsec)
 *   macos    an Apple .mobileconfig (com.apple.vpn.managed, VPNType L2TP)
 *   linux    a NetworkManager-l2tp keyfile (.nmconnection); "linux ip-up"
 *            an /etc/ppp/ip-up.d script for clients without NetworkManager,
 *            "linux ip-down" its /etc/ppp/ip-down.d counterpart
 *
 * The output depends only on its inputs (UUIDs are name-based), so the same
 * configuration gives the same file.
 */
#ifndef L2SEC_CLIENTCFG_H
#define L2SEC_CLIENTCFG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>

#include "cli.h"
#include "conf/users.h"

/* Everything a profile holds; strings are UTF-8 without control characters. */
struct clientcfg {
	const char *name;		/* the connection's name on the client */
	const char *server;		/* the host name or address the client dials */
	const char *user;		/* NULL: the client asks */
	const char *psk;		/* "": no pre-shared key */
	const char *ca_b64;		/* certificate mode: the CA certificate (DER, base64) */
	struct in_addr gateway;		/* the gateway's address on the PPP link */
	const struct in_addr *dns;	/* n_dns DNS servers */
	unsigned int n_dns;
	bool ipv6;			/* the gateway runs IPv6CP */
	struct users_split split;	/* routes (none: full tunnel), DNS domain and search */
};

/* One function per format; each returns 0, or -1 when writing OUT failed. */
int clientcfg_windows(const struct clientcfg *cc, FILE *out);
int clientcfg_macos(const struct clientcfg *cc, FILE *out);
int clientcfg_nm(const struct clientcfg *cc, FILE *out);
int clientcfg_ipup(const struct clientcfg *cc, FILE *out);
int clientcfg_ipdown(const struct clientcfg *cc, FILE *out);

/* S can go into every format: valid UTF-8 without control characters. */
bool clientcfg_text_ok(const char *s);

/* `l2sec client-config ...`, ARGV[0] being "client-config". */
int clientcfg_main(struct cli *c, int argc, char **argv);

#endif
