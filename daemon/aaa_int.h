/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside aaa.c and aaa_acct.c: the RADIUS glue's state. A link is one
 * radius_client with a socket per server and its timer: one for
 * authentication ([radius] auth-servers), one for accounting (acct-servers).
 */
#ifndef L2SECD_AAA_INT_H
#define L2SECD_AAA_INT_H

#include "aaa.h"
#include "radius/radius_client.h"

/* A request waiting for its answer: the only place the caller's arg is kept. */
struct aaa_slot {
	struct aaa *a;
	uint32_t gen;			/* moves on when the slot is freed */
	bool used;
	struct radius_req *req;
	aaa_auth_fn cb;
	void *arg;
	union sa46 peer;		/* address only: the per-peer bound */
	uint32_t next_free;
};

struct aaa_stats {
	uint64_t requests, accepts, rejects, malformed, no_server;
	uint64_t refused_global, refused_peer, cancelled;
};

struct aaa_link;

/* A server's socket. */
struct aaa_sock {
	struct ev_io io;
	struct aaa_link *l;
	unsigned int server;
};

struct aaa_link {
	struct aaa *a;			/* NULL: not opened */
	const char *what;		/* "authentication", "accounting": for the log */
	struct radius_client *c;
	unsigned int n_servers;
	int fds[RADIUS_MAX_SERVERS];
	struct aaa_sock socks[RADIUS_MAX_SERVERS];
	struct sockaddr_storage addrs[RADIUS_MAX_SERVERS];
	struct ev_timer timer;
};

struct aaa_acct_state;			/* aaa_acct.c's */
struct aaa_dae;				/* aaa_dae.c's */

struct aaa {
	struct evloop *loop;
	const struct l2sec_config *cfg;
	struct aaa_link auth, acct;
	uint8_t secret[CONFIG_RADIUS_SECRET_MAX + 1];	/* none when signed_elsewhere */
	size_t secret_len;
	bool signed_elsewhere;		/* aaa_opts' signers sign: privsep's engine */
	struct radius_signer signers[2];
	bool resumed;			/* aaa_opts' */
	uint32_t (*acct_keep)(void *ctx, uint64_t tag, const struct radius_pkt *p);	/* aaa_opts' */
	void *acct_keep_ctx;
	struct aaa_slot *slots;
	uint32_t n_slots, n_used, free_head;	/* free list through next_free; n_slots: end */
	unsigned int peer_max;
	char nas_id[64];
	bool has_nas_ip;
	struct in_addr nas_ip;
	uint64_t log_window, log_suppressed;
	unsigned int log_lines;
	struct aaa_stats st;
	struct aaa_acct_state *acct_st;	/* NULL: no accounting */
	struct aaa_dae *dae;		/* NULL: no dynamic authorization */
};

/*
 * Lines about what servers and clients send: a burst per minute, then a count.
 * aaa_log_limited asks aaa_log_ok (the level, then the burst) before it computes
 * the line's arguments: a flood's suppressed lines format nothing (no address).
 */
bool aaa_log_ok(struct aaa *a, int prio);
void aaa_log_write(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define aaa_log_limited(a, prio, ...) \
	do { \
		if (aaa_log_ok((a), (prio))) \
			aaa_log_write((prio), __VA_ARGS__); \
	} while (0)
/* The link's timer at the client's next deadline (after every call into the client). */
void aaa_rearm(struct aaa_link *l);
/* The client for the servers of list, their sockets and timer: 0, or -1 logged. */
int aaa_link_open(struct aaa *a, struct aaa_link *l, const char *what, const char *list,
		  uint16_t port, unsigned int queue);
/* NAS-Identifier and NAS-IP-Address, as configured: 0 or -EMSGSIZE. */
int aaa_put_nas(const struct aaa *a, struct radius_pkt *p);
void aaa_add_u64(struct json_object *o, const char *k, uint64_t v);
/* The first line of a secret file (secfile.h checked it): 0, or -1 logged. */
int aaa_read_secret(const char *path, uint8_t out[CONFIG_RADIUS_SECRET_MAX + 1], size_t *len);

/* aaa_acct.c: the accounting link and its record queue; Accounting-On sent. */
int aaa_acct_open(struct aaa *a);
void aaa_acct_close(struct aaa *a);
struct json_object *aaa_acct_stats(const struct aaa *a);

/* aaa_dae.c: the DAE socket and its clients: 0, or -1 logged. */
int aaa_dae_open(struct aaa *a);
void aaa_dae_close(struct aaa *a);
struct json_object *aaa_dae_stats(const struct aaa *a);

#endif
