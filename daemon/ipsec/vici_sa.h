/* SPDX-License-Identifier: GPL-2.0 */
/*
 * charon's SA events as plain structs: what the daemon's SA table keeps to
 * bind L2TP tunnels to the CHILD_SA that carried them.
 *
 * Message layouts as strongSwan 5.9.8 raises them (vici_query.c):
 *   ike-updown    { up = yes?  <ike> = { IKE keys } }
 *   child-updown  { up = yes?  <ike> = { IKE keys, child-sas = { <child>-<id> = { CHILD keys } } } }
 *   child-rekey   { <ike> = { IKE keys, child-sas = { <child> = { old = {..} new = {..} } } } }
 *   ike-update    { local-host, local-port, remote-host, remote-port (the NEW
 *                   endpoints), <ike> = { IKE keys } }
 *   list-sa       { <ike> = { IKE keys, child-sas = { <child>* = { CHILD keys } } } }
 * IKE keys used: uniqueid, state, local-host/-port, remote-host/-port,
 * remote-id, nat-local/-remote/-any. CHILD keys used: name, uniqueid, reqid,
 * state, mode, encap, spi-in/-out, mark-in/-out (+ masks), local-ts,
 * remote-ts (first selector).
 *
 * Every value is checked (decimal ids, 8-digit hex SPIs and marks, ports,
 * addresses): a message that does not fit is refused with a reason.
 */
#ifndef L2SECD_VICI_SA_H
#define L2SECD_VICI_SA_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipsec/vici_msg.h"

/* list-sa may carry several CHILD_SAs per IKE_SA; L2TP uses one. */
#define VICI_SA_CHILDREN_MAX	4

enum vici_sa_kind {
	VICI_SA_IKE_UP,
	VICI_SA_IKE_DOWN,
	VICI_SA_CHILD_UP,
	VICI_SA_CHILD_DOWN,
	VICI_SA_CHILD_REKEY,	/* child[0] the old SA, child[1] the new one */
	VICI_SA_IKE_UPDATE,	/* NAT mapping changed: new_local/new_remote */
	VICI_SA_LIST,		/* one IKE_SA of a list-sas stream */
};

struct vici_addr {
	int family;		/* AF_INET, AF_INET6; 0 absent */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} a;
	uint16_t port;		/* host order; 0 absent */
};

struct vici_ike_info {
	char name[VICI_NAME_MAX + 1];	/* connection (config) name */
	uint32_t uniqueid;
	char state[24];			/* ESTABLISHED, DELETING, ... */
	struct vici_addr local;
	struct vici_addr remote;	/* NAT-T: the public address and port */
	char remote_id[128];		/* for the log; truncated */
	bool nat_local, nat_remote, nat_any;
	bool initiator;			/* this side started the IKE_SA's exchange */
};

struct vici_child_info {
	char name[VICI_NAME_MAX + 1];	/* CHILD config name ("l2tp") */
	uint32_t uniqueid;
	uint32_t reqid;
	char state[24];			/* INSTALLED, REKEYED, DELETING, ... */
	char mode[16];			/* TRANSPORT, TUNNEL, ... */
	bool encap;			/* ESP in UDP */
	bool has_spi;			/* installed: SPIs present */
	uint32_t spi_in, spi_out;	/* host order */
	bool has_mark_in, has_mark_out;
	uint32_t mark_in, mark_mask_in;	/* mask 0xffffffff unless given */
	uint32_t mark_out, mark_mask_out;
	char local_ts[64];		/* first selector, "" none */
	char remote_ts[64];
};

struct vici_sa_event {
	enum vici_sa_kind kind;
	struct vici_ike_info ike;
	unsigned int n_children;
	bool truncated;			/* list-sa had more than fit */
	struct vici_child_info child[VICI_SA_CHILDREN_MAX];
	struct vici_addr new_local;	/* IKE_UPDATE only */
	struct vici_addr new_remote;
};

/*
 * Parse event (its name) with message root msg into *ev. 0, -ENOTSUP for an
 * event this module does not handle, -EBADMSG with *why set (static text)
 * for a message that does not match the layout or holds bad values.
 */
int vici_sa_parse(const char *event, const struct vici_node *msg,
		  struct vici_sa_event *ev, const char **why);

/* "1.2.3.4:4500" or "[2001:db8::1]:4500" (":port" only if set). */
void vici_sa_addr_str(const struct vici_addr *a, char *buf, size_t size);

/* One log line for a CHILD_SA, e.g. "l2tp #7 reqid 3 INSTALLED spi
 * c0a80001/c0a80002 mark 1/1 encap". */
void vici_sa_child_str(const struct vici_child_info *c, char *buf, size_t size);

#endif
