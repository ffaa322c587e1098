/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Programming l2sec.ko over generic netlink (uapi/l2sec.h) with libmnl:
 * socket handover, tunnels, sessions, and the SA a tunnel is bound to.
 *
 * Requests are synchronous (request, then the ack or the error with the
 * kernel's extack message, which is logged). One struct kern per daemon,
 * used from the event loop only.
 */
#ifndef L2SECD_KERN_H
#define L2SECD_KERN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/sa46.h"

struct kern;

struct kern_tunnel {
	uint16_t tid, peer_tid;
	uint32_t sock_id;
	union sa46 peer;			/* address and port */
	union sa46 local;			/* AF_UNSPEC: the socket's */
	bool require_ipsec;
	uint32_t mark;				/* bind mark and out mark; 0: none */
	uint32_t reqid;				/* of the SA with that mark; 0: the
						 * module learns it (first packet) */
};

struct kern_sa {
	bool present;
	uint32_t mark, spi, reqid;
	uint16_t encap_sport, encap_dport;
};

/*
 * How requests name a tunnel: the module's handle (from kern_tunnel_add;
 * 0: a module without handles, then the id alone) and its id, which the
 * module checks against the handle's tunnel. Tunnel ids are unique per SA
 * or peer only, so the id alone may name two tunnels.
 */
struct kern_tref {
	uint32_t handle;
	uint16_t tid;
};

/* NULL with errno ENOENT when the l2sec family is not registered. */
struct kern *kern_open(void);
void kern_close(struct kern *k);

/*
 * l2sec.ko going away (rmmod): the family's CTRL_CMD_DELFAMILY arrives on
 * kern_watch_fd() (nlctrl's notify group), and a socket taken from the
 * module while it stays (SOCK_DEL, which leaves the socket's UDP
 * encapsulation hooks in place) is announced there too (SOCK_NTF_DEL on the
 * module's "sock" group). kern_watch_lost() reads what is pending and says
 * which it was (KERN_LOST_*, 0 for neither), for the sockets @ids; when
 * notifications were lost
 * it asks the module. kern_sock_attached() says whether fd is still the
 * module's (1, 0; -1 when the kernel cannot tell); kern_sock_held() asks the
 * module for the socket's id (1, 0 when it has no such socket, -1 on error).
 */
int kern_watch_fd(const struct kern *k);
#define KERN_LOST_FAMILY	1	/* the family was unregistered */
#define KERN_LOST_SOCK		2	/* one of @ids was taken from the module */
int kern_watch_lost(struct kern *k, const uint32_t *ids, unsigned int n);
bool kern_family_present(struct kern *k);
int kern_sock_attached(int fd);
int kern_sock_held(struct kern *k, uint32_t sock_id);

int kern_sock_add(struct kern *k, int fd, bool require_ipsec, uint32_t *sock_id);
int kern_sock_del(struct kern *k, uint32_t sock_id);
/* *handle: the module's name of the new tunnel; *sa as kern_tunnel_sa(). */
int kern_tunnel_add(struct kern *k, const struct kern_tunnel *t, uint32_t *handle,
		    struct kern_sa *sa);
int kern_tunnel_del(struct kern *k, struct kern_tref r);
/* The SA the module saw for this tunnel; sa->present false when none yet. */
int kern_tunnel_sa(struct kern *k, struct kern_tref r, struct kern_sa *sa);
int kern_session_add(struct kern *k, struct kern_tref r, uint16_t sid, uint16_t peer_sid);
/*
 * For the PPP layer: state up with the client's IPv4 address and IPv6 /64
 * (NULL: none), and its IPv6CP interface identifier (NULL: not known), its
 * only link-local source. The module replaces the session's whole address set.
 */
int kern_session_up(struct kern *k, struct kern_tref r, uint16_t sid,
		    const struct in_addr *ipv4, const struct in6_addr *pfx64, const uint64_t *ifid);
int kern_session_del(struct kern *k, struct kern_tref r, uint16_t sid);

/* A session's counters (64-bit): rx from the client, tx to it; data packets only. */
struct kern_session_stats {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
};
int kern_session_stats(struct kern *k, struct kern_tref r, uint16_t sid,
		       struct kern_session_stats *st);

#endif
