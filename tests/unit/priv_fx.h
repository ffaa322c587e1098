/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the checker's unit tests (cmocka: test_priv.c, test_priv_state.c,
 * test_priv_reload.c; test_priv_radius.c's tunnels): what each starts from,
 * a configuration with an IPv4 pool and a checker holding the engine's IPv4
 * socket (PRIV_FX_SOCK) and an SA; addresses from text; the requests of a
 * client's session as the engine builds them. Each test keeps its own
 * fixture and its own way of sending (a datagram, or the decoded request).
 * Include after cmocka.h.
 */
#ifndef L2SEC_TEST_PRIV_FX_H
#define L2SEC_TEST_PRIV_FX_H

#include <arpa/inet.h>
#include <string.h>

#include "conf/config.h"
#include "conf/users.h"
#include "priv/priv_check.h"
#include "priv/priv_msg.h"

#define PRIV_FX_SOCK	1	/* the engine's IPv4 socket */

/* An IPv4 (IPv6) address from text (short names: every test writes dozens). */
static inline struct priv_addr a4(const char *s)
{
	struct priv_addr a = { .family = 4 };

	assert_int_equal(inet_pton(AF_INET, s, &a.v4), 1);
	return a;
}

static inline struct priv_addr a6(const char *s)
{
	struct priv_addr a = { .family = 6 };

	assert_int_equal(inet_pton(AF_INET6, s, &a.v6), 1);
	return a;
}

/* The defaults, with the IPv4 pool first..last as its only range. */
static inline void priv_fx_config(struct l2sec_config *cfg, const char *first, const char *last)
{
	config_defaults(cfg);
	cfg->pool[0].first = a4(first).v4;
	cfg->pool[0].last = a4(last).v4;
	cfg->n_pool = 1;
}

/*
 * The users file users_text into *users, and a checker over cfg and it with
 * the socket PRIV_FX_SOCK and the SA of mark from peer (the caller frees both).
 */
static inline struct priv_check *priv_fx_checker(const struct l2sec_config *cfg,
						 const char *users_text, struct users_db **users,
						 uint32_t mark, const char *peer)
{
	struct priv_addr p = a4(peer);
	struct priv_check *c;

	*users = users_parse(users_text, strlen(users_text), NULL, NULL);
	assert_non_null(*users);
	c = priv_check_new(cfg, *users);
	assert_non_null(c);
	assert_int_equal(priv_check_sock_add(c, PRIV_FX_SOCK, 4), 0);
	assert_int_equal(priv_check_sa_up(c, mark, &p), 0);
	return c;
}

/* TUNNEL_ADD: tunnel tid (the peer's peer_tid) from peer:1701 on the SA of mark, IPsec required. */
static inline struct priv_msg priv_fx_tunnel_add(uint16_t tid, uint16_t peer_tid, const char *peer,
						 uint32_t mark)
{
	struct priv_msg m = { .type = PRIV_REQ_TUNNEL_ADD };

	m.tunnel_add = (struct priv_tunnel_add){ .tid = tid, .peer_tid = peer_tid,
						 .sock_id = PRIV_FX_SOCK, .peer = a4(peer),
						 .peer_port = 1701, .require_ipsec = true,
						 .mark = mark };
	return m;
}

/* SESSION_ADD: session sid (the peer's peer_sid) in the tunnel (handle, tid). */
static inline struct priv_msg priv_fx_session_add(uint32_t handle, uint16_t tid, uint16_t sid,
						  uint16_t peer_sid)
{
	struct priv_msg m = { .type = PRIV_REQ_SESSION_ADD };

	m.session_add = (struct priv_session_add){ handle, tid, sid, peer_sid };
	return m;
}

static inline void priv_fx_name(struct priv_name *n, const char *s)
{
	n->len = (uint8_t)strlen(s);
	memcpy(n->s, s, n->len);
}

/* AUTH_PAP: user and pw for session (handle, tid, sid). */
static inline struct priv_msg priv_fx_pap(uint32_t handle, uint16_t tid, uint16_t sid,
					  const char *user, const char *pw)
{
	struct priv_msg m = { .type = PRIV_REQ_AUTH_PAP };

	m.pap.who.handle = handle;
	m.pap.who.tid = tid;
	m.pap.who.sid = sid;
	priv_fx_name(&m.pap.who.name, user);
	m.pap.pw_len = (uint8_t)strlen(pw);
	memcpy(m.pap.pw, pw, m.pap.pw_len);
	return m;
}

/*
 * An address request of type (ADDR_CLAIM, ADDR_RELEASE, ROUTE_ADD, ...) for
 * session (handle, tid, sid) and a (a route's: the host prefix).
 */
static inline struct priv_msg priv_fx_addr(uint8_t type, uint32_t handle, uint16_t tid,
					   uint16_t sid, struct priv_addr a)
{
	struct priv_msg m = { .type = type };

	m.addr = (struct priv_addr_req){ .handle = handle, .tid = tid, .sid = sid, .addr = a };
	if (type == PRIV_REQ_ROUTE_ADD || type == PRIV_REQ_ROUTE_DEL)
		m.addr.plen = a.family == 4 ? 32 : 64;
	return m;
}

/* The address a reply gives (ADDR_CLAIM's), as text in buf (INET6_ADDRSTRLEN). */
static inline const char *priv_fx_claimed(const struct priv_reply *r, char *buf)
{
	return inet_ntop(r->addr.family == 4 ? AF_INET : AF_INET6, &r->addr.v4, buf,
			 INET6_ADDRSTRLEN);
}

#endif
