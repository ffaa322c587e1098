// SPDX-License-Identifier: GPL-2.0
/* The L2TP/IPsec connection as VICI messages; see vici_conn.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipsec/vici_conn.h"

/*
 * A main mode or quick mode whose messages charon retransmits up to four
 * times (4 s, then x1.8 each: 4 + 7.2 + 13 + 23.3 + 42 s) fits.
 */
#define VICI_CONN_MIN_MARGIN	120u

/*
 * Time from an SA's rekey or reauthentication to its hard expiry: charon's
 * 10 %, but at least VICI_CONN_MIN_MARGIN. When the hard lifetime comes
 * first, charon deletes the old SA while the new one is still being
 * negotiated, and an IKEv1 client that has not adopted its CHILD_SAs into the
 * new IKE_SA yet drops them, while the gateway keeps its copies: the session
 * goes silent one way, with no event to tell l2secd (issue 15).
 */
static unsigned int margin(unsigned int t)
{
	return t / 10 > VICI_CONN_MIN_MARGIN ? t / 10 : VICI_CONN_MIN_MARGIN;
}

/*
 * IKEv1 main mode proposals, strongest first, matched against what the
 * built-in clients send (their lists and sources: the comment of
 * tests/vm/tests/65-ike-proposals.sh and l2sec.conf(5), allow-modp1024):
 *  - Windows 7-11: only modp1024 (aes256/aes128/3des with sha1) unless
 *    Rasman\Parameters\NegotiateDH2048_AES256 is 1 (adds aes256-sha1-modp2048)
 *    or 2 (only that one);
 *  - macOS/iOS: aes256 with sha256/sha1/sha512 and modp2048 first;
 *  - Android's legacy L2TP/IPsec PSK client (racoon): modp1024 only; from
 *    AOSP 7.0 on it offers aes256-sha256-modp1024, which Windows never does;
 *  - NetworkManager-l2tp: aes256-sha256-modp2048 first, with strongSwan and
 *    with libreswan (which has no modp1024 any more).
 * charon, as responder, takes the first of ITS proposals that the client
 * offers (charon.prefer_configured_proposals, on by default): a weak one
 * listed last is chosen only by a client that offers nothing better.
 * Groups below 2048 bits and 3DES are weak: by default only Android's one
 * suite (allow-modp1024 = android), the rest on request (allow-modp1024 =
 * yes, allow-3des); vici_log.c tells the operator when a peer offered
 * nothing else, and when an IKE_SA came up with such a group.
 */
static const char *const ike_strong[] = {
	"aes256-sha256-modp2048",
	"aes256-sha1-modp2048",
	"aes128-sha256-modp2048",
	"aes128-sha1-modp2048",
	"aes256-sha1-ecp384",
	"aes128-sha1-ecp256",
	NULL,
};
static const char *const ike_android[] = {
	"aes256-sha256-modp1024",
	NULL,
};
static const char *const ike_weak_dh[] = {
	"aes256-sha256-modp1024",
	"aes256-sha1-modp1536",
	"aes256-sha1-modp1024",
	"aes128-sha1-modp1024",
	NULL,
};
static const char *const ike_3des[] = {
	"3des-sha1-modp2048",
	NULL,
};
/* 3DES with a weak group needs both opt-ins. */
static const char *const ike_3des_weak_dh[] = {
	"3des-sha1-modp1024",
	NULL,
};

/*
 * Quick mode: no DH group in the string means no PFS, which is what the
 * built-in clients do by default. AES-GCM first: Windows 11 offers it and
 * it costs one pass instead of two; the CBC+SHA ones stay for the others
 * (Windows 10, Apple, Android, NetworkManager-l2tp offer only those).
 * SHA-1 before SHA-256: Android's racoon (7.0 and later) offers SHA-256
 * first but installs its SAs over PF_KEY, where Linux truncates
 * hmac(sha256) to 96 bits instead of RFC 4868's 128 (xfrm_algo.c): an SA
 * with SHA-256 comes up and carries nothing. HMAC-SHA1-96 is still sound
 * for ESP; SHA-256 stays for a client that offers nothing else.
 */
static const char *const esp_strong[] = {
	"aes256gcm16",
	"aes128gcm16",
	"aes256-sha1",
	"aes128-sha1",
	"aes256-sha256",
	NULL,
};
static const char *const esp_3des[] = {
	"3des-sha1",
	NULL,
};

static void list_add(struct vici_msg *m, const char *const *items)
{
	for (; items && *items; items++)
		vici_msg_list_item_str(m, *items);
}

static void add_ike_proposals(const struct vici_l2tp_conn *c, struct vici_msg *m)
{
	vici_msg_list_start(m, "proposals");
	if (c->ike_proposals) {
		list_add(m, c->ike_proposals);
	} else {
		list_add(m, ike_strong);
		if (c->allow_3des)
			list_add(m, ike_3des);
		/* the weak groups last: only a client with nothing better gets one */
		if (c->allow_weak_dh == VICI_CONN_WEAK_DH_ANDROID)
			list_add(m, ike_android);
		if (c->allow_weak_dh == VICI_CONN_WEAK_DH_ALL)
			list_add(m, ike_weak_dh);
		if (c->allow_3des && c->allow_weak_dh == VICI_CONN_WEAK_DH_ALL)
			list_add(m, ike_3des_weak_dh);
	}
	vici_msg_list_end(m);
}

static void add_esp_proposals(const struct vici_l2tp_conn *c, struct vici_msg *m)
{
	vici_msg_list_start(m, "esp_proposals");
	if (c->esp_proposals) {
		list_add(m, c->esp_proposals);
	} else {
		list_add(m, esp_strong);
		if (c->allow_3des)
			list_add(m, esp_3des);
	}
	vici_msg_list_end(m);
}

static void add_blob_list(struct vici_msg *m, const char *key, const struct vici_blob *b)
{
	vici_msg_list_start(m, key);
	vici_msg_list_item(m, b->data, b->len);
	vici_msg_list_end(m);
}

static void add_auth(const struct vici_l2tp_conn *c, struct vici_msg *m)
{
	const char *method = c->auth == VICI_CONN_PSK ? "psk" : "pubkey";

	vici_msg_section_start(m, "local");
	vici_msg_kv_str(m, "auth", method);
	if (c->local_id)
		vici_msg_kv_str(m, "id", c->local_id);
	if (c->auth == VICI_CONN_PUBKEY)
		add_blob_list(m, "certs", &c->cert);
	vici_msg_section_end(m);

	/* Any client id: PPP authenticates the user, IKE the machine. */
	vici_msg_section_start(m, "remote");
	vici_msg_kv_str(m, "auth", method);
	if (c->auth == VICI_CONN_PUBKEY && c->cacert.len)
		add_blob_list(m, "cacerts", &c->cacert);
	vici_msg_section_end(m);
}

static void add_child(const struct vici_l2tp_conn *c, struct vici_msg *m)
{
	unsigned int port = c->l2tp_port ? c->l2tp_port : VICI_CONN_L2TP_PORT;
	char ts[32];

	vici_msg_section_start(m, "children");
	vici_msg_section_start(m, VICI_CONN_CHILD_NAME);
	vici_msg_kv_str(m, "mode", "transport");
	/* Our L2TP port; any client port (Apple uses ephemeral ones). */
	snprintf(ts, sizeof(ts), "dynamic[udp/%u]", port);
	vici_msg_list_start(m, "local_ts");
	vici_msg_list_item_str(m, ts);
	vici_msg_list_end(m);
	vici_msg_list_start(m, "remote_ts");
	vici_msg_list_item_str(m, "dynamic[udp]");
	vici_msg_list_end(m);
	add_esp_proposals(c, m);
	/*
	 * One mark per CHILD_SA both ways, and decrypted packets carry the
	 * inbound SA's mark: two clients behind one NAT (same public address,
	 * both L2TP port 1701) keep separate policies, and l2sec.ko binds each
	 * tunnel to its SA by skb->mark (design brief; measured on 6.1/6.12).
	 */
	vici_msg_kv_str(m, "mark_in", "%unique");
	vici_msg_kv_str(m, "mark_out", "%unique");
	vici_msg_kv_str(m, "set_mark_in", "%same");
	vici_msg_kv_str(m, "dpd_action", "clear");
	vici_msg_kv_str(m, "start_action", "none");
	vici_msg_kv_str(m, "close_action", "none");
	if (c->child_rekey_time)
		vici_msg_kv_fmt(m, "rekey_time", "%us", c->child_rekey_time);
	if (c->child_life_time) {
		vici_msg_kv_fmt(m, "life_time", "%us", c->child_life_time);
	} else if (c->child_rekey_time) {
		vici_msg_kv_fmt(m, "life_time", "%us",
				c->child_rekey_time + margin(c->child_rekey_time));
		vici_msg_kv_fmt(m, "rand_time", "%us", c->child_rekey_time / 10);
	}
	vici_msg_section_end(m);
	vici_msg_section_end(m);
}

static bool conf_ok(const struct vici_l2tp_conn *c)
{
	if (c->auth != VICI_CONN_PSK && c->auth != VICI_CONN_PUBKEY)
		return false;
	if ((unsigned int)c->allow_weak_dh > VICI_CONN_WEAK_DH_ALL)
		return false;
	if (c->auth == VICI_CONN_PUBKEY && (!c->cert.data || !c->cert.len))
		return false;
	if (c->cacert.len && !c->cacert.data)
		return false;
	if (c->ike_proposals && !c->ike_proposals[0])
		return false;
	if (c->esp_proposals && !c->esp_proposals[0])
		return false;
	return true;
}

int vici_conn_build_load(const struct vici_l2tp_conn *c, struct vici_msg *m)
{
	if (!conf_ok(c))
		return -EINVAL;
	vici_msg_section_start(m, c->name ? c->name : VICI_CONN_DEFAULT_NAME);
	vici_msg_kv_str(m, "version", "1");
	vici_msg_list_start(m, "local_addrs");
	if (c->n_local_addrs) {
		for (size_t i = 0; i < c->n_local_addrs; i++)
			vici_msg_list_item_str(m, c->local_addrs[i]);
	} else {
		vici_msg_list_item_str(m, "%any");
	}
	vici_msg_list_end(m);
	vici_msg_list_start(m, "remote_addrs");
	vici_msg_list_item_str(m, "%any");
	vici_msg_list_end(m);
	add_ike_proposals(c, m);
	vici_msg_kv_fmt(m, "dpd_delay", "%us", c->dpd_delay ? c->dpd_delay : 30);
	vici_msg_kv_fmt(m, "dpd_timeout", "%us", c->dpd_timeout ? c->dpd_timeout : 150);
	/* IKEv1 has no IKE rekeying, only reauthentication (swanctl.conf). */
	vici_msg_kv_str(m, "rekey_time", "0s");
	vici_msg_kv_fmt(m, "reauth_time", "%us", c->reauth_time);
	if (c->reauth_time) {
		vici_msg_kv_fmt(m, "over_time", "%us", margin(c->reauth_time));
		vici_msg_kv_fmt(m, "rand_time", "%us", c->reauth_time / 10);
	}
	/*
	 * IKE identities of remote-access clients are often private addresses
	 * (two homes behind different NATs both as 192.168.1.10); "never"
	 * keeps one client's INITIAL_CONTACT from deleting the other's SAs.
	 * Dead clients go by DPD.
	 */
	vici_msg_kv_str(m, "unique", "never");
	if (c->force_encap)
		vici_msg_kv_str(m, "encap", "yes");
	add_auth(c, m);
	add_child(c, m);
	vici_msg_section_end(m);
	return vici_msg_finish(m);
}

int vici_conn_build_unload(const char *name, struct vici_msg *m)
{
	vici_msg_kv_str(m, "name", name ? name : VICI_CONN_DEFAULT_NAME);
	return vici_msg_finish(m);
}

static void psk_id(const char *name, struct vici_msg *m)
{
	vici_msg_kv_fmt(m, "id", "%s-psk", name ? name : VICI_CONN_DEFAULT_NAME);
}

int vici_conn_build_load_psk(const char *name, const void *psk, size_t psk_len,
			     struct vici_msg *m)
{
	/* charon refuses an empty key; say so here, before the round trip. */
	if (!psk || !psk_len)
		return -EINVAL;
	psk_id(name, m);
	vici_msg_kv_str(m, "type", "IKE");
	vici_msg_kv(m, "data", psk, psk_len);
	/* No owners: the key applies to any peer identity (%any). */
	vici_msg_list_start(m, "owners");
	vici_msg_list_end(m);
	return vici_msg_finish(m);
}

int vici_conn_build_unload_psk(const char *name, struct vici_msg *m)
{
	psk_id(name, m);
	return vici_msg_finish(m);
}

int vici_conn_build_load_key(const struct vici_blob *key, struct vici_msg *m)
{
	if (!key || !key->data || !key->len)
		return -EINVAL;
	vici_msg_kv_str(m, "type", "any");
	vici_msg_kv(m, "data", key->data, key->len);
	return vici_msg_finish(m);
}

int vici_conn_build_terminate_ike(uint32_t ike_id, struct vici_msg *m)
{
	if (!ike_id)
		return -EINVAL;
	vici_msg_kv_fmt(m, "ike-id", "%u", ike_id);
	/* -1: answer at once, no control-log stream. */
	vici_msg_kv_str(m, "timeout", "-1");
	return vici_msg_finish(m);
}

int vici_conn_build_list_sas(const char *name, struct vici_msg *m)
{
	/* noblock: do not wait for SAs busy in another exchange. */
	vici_msg_kv_str(m, "noblock", "yes");
	if (name)
		vici_msg_kv_str(m, "ike", name);
	return vici_msg_finish(m);
}
