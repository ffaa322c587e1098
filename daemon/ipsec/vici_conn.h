/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gateway's IPsec configuration as VICI request messages: the IKEv1
 * transport-mode connection for L2TP (load-conn), its PSK (load-shared) or
 * private key (load-key), and the matching unload/terminate messages.
 * Keys and values follow swanctl.conf(5) of strongSwan 5.9.8 (Debian 12).
 *
 * The config layer fills struct vici_l2tp_conn; zero/NULL members take the
 * documented defaults. The builders only write into a struct vici_msg (no
 * I/O); pass it to vici_request() with the command named in each comment.
 */
#ifndef L2SECD_VICI_CONN_H
#define L2SECD_VICI_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipsec/vici_msg.h"

#define VICI_CONN_DEFAULT_NAME	"l2sec"
#define VICI_CONN_CHILD_NAME	"l2tp"
#define VICI_CONN_L2TP_PORT	1701

enum vici_conn_auth {
	VICI_CONN_PSK,		/* pre-shared key, loaded with load-shared */
	VICI_CONN_PUBKEY,	/* server certificate + key; clients' CA */
};

/*
 * Which IKE proposals with a Diffie-Hellman group below 2048 bits the
 * gateway accepts ([ipsec] allow-modp1024). Zero is none.
 */
enum vici_conn_weak_dh {
	VICI_CONN_WEAK_DH_NONE,
	/*
	 * Only the one suite Android's L2TP/IPsec PSK client (racoon, AOSP
	 * 7.0 and later) offers and Windows does not, aes256-sha256-modp1024,
	 * placed after every strong proposal: a Windows client without
	 * NegotiateDH2048_AES256 is still refused (and told why).
	 */
	VICI_CONN_WEAK_DH_ANDROID,
	VICI_CONN_WEAK_DH_ALL,		/* every modp1024/modp1536 suite listed here */
};

struct vici_blob {
	const void *data;	/* PEM or DER */
	size_t len;
};

struct vici_l2tp_conn {
	const char *name;		/* IKE config name; NULL: "l2sec" */
	/* Local IKE addresses (charon's local_addrs); none: %any */
	const char *const *local_addrs;
	size_t n_local_addrs;
	const char *local_id;		/* NULL: charon's default */
	enum vici_conn_auth auth;
	struct vici_blob cert;		/* PUBKEY: the server's certificate */
	struct vici_blob cacert;	/* PUBKEY: CA that issued client certs */
	/*
	 * Weak algorithms some clients still need: allow_weak_dh adds
	 * modp1024/modp1536 IKE proposals (see the enum); allow_3des adds
	 * 3DES to IKE and ESP.
	 */
	enum vici_conn_weak_dh allow_weak_dh;
	bool allow_3des;
	/* Operator's own lists replace the defaults (NULL-terminated). */
	const char *const *ike_proposals;
	const char *const *esp_proposals;
	unsigned int dpd_delay;		/* s; 0: 30 */
	unsigned int dpd_timeout;	/* s, IKEv1 only; 0: 150 */
	unsigned int reauth_time;	/* s, IKE_SA reauthentication; 0: off */
	unsigned int child_rekey_time;	/* s; 0: charon's default (1 h) */
	unsigned int child_life_time;	/* s; 0: charon's default */
	bool force_encap;		/* encap = yes: UDP-encapsulate even without NAT */
	uint16_t l2tp_port;		/* 0: 1701 */
};

/* "load-conn". 0 or the builder's error (-EINVAL for an invalid conf). */
int vici_conn_build_load(const struct vici_l2tp_conn *conf, struct vici_msg *m);
/* "unload-conn" */
int vici_conn_build_unload(const char *name, struct vici_msg *m);

/*
 * "load-shared": the IKE PSK for any peer, under the unique id "<name>-psk"
 * so that a reload replaces it and "unload-shared" removes it.
 */
int vici_conn_build_load_psk(const char *name, const void *psk, size_t psk_len,
			     struct vici_msg *m);
/* "unload-shared" */
int vici_conn_build_unload_psk(const char *name, struct vici_msg *m);
/* "load-key": the server's private key (PEM or DER), any type. */
int vici_conn_build_load_key(const struct vici_blob *key, struct vici_msg *m);
/* "terminate" an IKE_SA by unique id, without waiting (timeout -1). */
int vici_conn_build_terminate_ike(uint32_t ike_id, struct vici_msg *m);
/* "list-sas" filtered to one connection name (NULL: all). */
int vici_conn_build_list_sas(const char *name, struct vici_msg *m);

#endif
