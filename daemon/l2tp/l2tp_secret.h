/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tunnel secret ([l2tp] secret) as tunnels hold it: one immutable,
 * reference-counted copy per configuration, shared by every tunnel created
 * under it (the challenge of its SCCRP, the response in its SCCCN, its hidden
 * AVPs, for the tunnel's whole life). The LNS holds a reference to the one in
 * force (l2tp_lns_secret); a reload that changes the secret makes a new one
 * for the tunnels that follow, and the live tunnels keep theirs. The last put
 * wipes the bytes (explicit_bzero) and frees them. No secret configured: no
 * object at all (NULL).
 *
 * Single-threaded (the event loop); never logged.
 */
#ifndef L2SECD_L2TP_SECRET_H
#define L2SECD_L2TP_SECRET_H

#include <stdbool.h>

struct l2tp_secret {
	unsigned int refs;
	char s[];		/* NUL-terminated, not empty */
};

/* A copy of s with one reference; NULL: no memory (s must not be empty). */
struct l2tp_secret *l2tp_secret_new(const char *s);
/* One more reference to sec (NULL: none, returned as is). */
struct l2tp_secret *l2tp_secret_get(struct l2tp_secret *sec);
/* Drop one (NULL: nothing); the last wipes and frees it: true then. */
bool l2tp_secret_put(struct l2tp_secret *sec);

/* The secret as a string for l2tp_avp.h's functions; "" for none. */
static inline const char *l2tp_secret_str(const struct l2tp_secret *sec)
{
	return sec ? sec->s : "";
}

#endif
