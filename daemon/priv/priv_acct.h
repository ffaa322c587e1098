/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Accounting records that survive the engine (issue 17, issue 21 item 5;
 * docs/ARCHITECTURE.md, "Resume" under RADIUS): the parent's copy of every
 * session record (Start, Interim-Update, Stop) the engine queued, kept until
 * the parent verifies an Accounting-Response to it, and handed to the next
 * engine when the engine dies or a reload replaces it.
 *
 *   ACCT_KEEP    (engine -> parent, answered) when the engine queues a
 *                record, before it is sent once: the session (handle, tid,
 *                sid, as every request names it) and the record unsigned.
 *                The reply's handle is the record's number here (1...).
 *   RADIUS_SIGN  of the accounting link names that number (keep; 0: none):
 *                the packet must be the kept one but for its Identifier,
 *                Authenticator and Acct-Delay-Time. The parent remembers the
 *                signed request by server and Identifier.
 *   RADIUS_VERIFY  an Accounting-Response that verifies as the answer to
 *                such a request: the record is answered, no engine sends it
 *                again.
 *
 * A record goes at enqueue, not at its first signing: one the engine queued
 * behind an outage and never sent would otherwise die with it, and those are
 * the records an outage makes (every Interim and Stop of it).
 *
 * Judged here (each refusal counted by its reason, priv_msg.h's): an
 * Accounting-Request that decodes, exactly one Acct-Status-Type (Start, Stop
 * or Interim-Update: Accounting-On and -Off are the engine's own and never
 * kept, an On sent late would end at the server sessions that began after it),
 * one Acct-Session-Id (1..PRIV_ACCT_ID_MAX - 1 octets), one Acct-Delay-Time,
 * no User-Password and no Message-Authenticator (PRIV_R_RADIUS). A Start binds
 * its Acct-Session-Id to the session it names, which the caller (the checker)
 * found authenticated and without a Start before; an Interim-Update or Stop
 * must name the session its id is bound to (PRIV_R_SESSION_UNKNOWN), and no
 * record follows a Stop. So an engine can keep records only of sessions the
 * parent authenticated, with the ids their Starts had.
 *
 * Bounds, fixed at creation: at most max_records records (the engine's
 * acct-queue; memory at most that many packets of at most PRIV_RADIUS_MAX
 * octets), of which at most PRIV_ACCT_PER_SESSION of one session; a full
 * store drops its oldest Interim-Update, else its oldest record, a session
 * over its share its own oldest Interim-Update (counted "dropped"); at most
 * max_bindings ids bound (a binding goes with the Stop's record; when the
 * table is full a Start evicts the least recently used binding that keeps
 * no record, else it is refused, PRIV_R_LIMIT).
 *
 * A server may see a record twice: one sent, answered, and its answer lost
 * with the engine (or not verified before it died) is sent again by the next
 * engine, with the same Acct-Session-Id and Acct-Status-Type (and a larger
 * Acct-Delay-Time). Not thread-safe; the parent owns one store for its life
 * (reloads keep it).
 */
#ifndef L2SECD_PRIV_ACCT_H
#define L2SECD_PRIV_ACCT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "priv/priv_msg.h"

#define PRIV_ACCT_PER_SESSION	8	/* records of one session kept at most */

struct priv_acct;


/* A store of max_records (>= 1) records and max_bindings (>= 1) sessions; NULL with errno. */
struct priv_acct *priv_acct_new(unsigned int max_records, unsigned int max_bindings);
void priv_acct_free(struct priv_acct *pa);

/*
 * ACCT_KEEP q at now (ms): PRIV_OK with *id, or the refusal. start_ok: the
 * checker found q's session authenticated with no Start kept (a Start is
 * refused without it, PRIV_R_NOT_AUTHED).
 */
enum priv_reason priv_acct_keep(struct priv_acct *pa, const struct priv_acct_keep *q,
				bool start_ok, uint64_t now, uint32_t *id);
/* Is q a Start (what the checker must judge first)? False for what keep refuses anyway. */
bool priv_acct_is_start(const struct priv_acct_keep *q);
/*
 * RADIUS_SIGN of record id with packet buf (len octets): is it the kept record
 * but for Identifier, Authenticator and Acct-Delay-Time? 1 yes, 0 no record
 * id (gone: answered or dropped; signed, not followed), -1 another packet.
 */
int priv_acct_match(const struct priv_acct *pa, uint32_t id, const uint8_t *buf, size_t len);
/* A verified Accounting-Response to a try of record id: it goes (no-op when gone). */
void priv_acct_answered(struct priv_acct *pa, uint32_t id);

/*
 * The records, oldest first, as a new engine takes them: fn(ctx, id, first_ms
 * (when kept: the time its Acct-Delay-Time counts from), packet, length)
 * until it returns non-zero. Returns the records seen.
 */
typedef int priv_acct_fn(void *ctx, uint32_t id, uint64_t first_ms, const uint8_t *pkt,
			 size_t len);
unsigned int priv_acct_each(const struct priv_acct *pa, priv_acct_fn *fn, void *ctx);
/* A new engine takes the records over (the parent's count, before the fork). */
void priv_acct_handed_back(struct priv_acct *pa);
const struct priv_acct_stats *priv_acct_stats(const struct priv_acct *pa);

#endif
