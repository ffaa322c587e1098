// SPDX-License-Identifier: GPL-2.0
/* When the privsep parent may replace its engine for a reload (priv_reload.h). */
#include "priv/priv_reload.h"

/* How long until a replacement may begin at now: 0 now, UINT64_MAX one is under way. */
static uint64_t wait_for(const struct priv_reload *r, uint64_t now)
{
	if (r->replacing)
		return UINT64_MAX;
	if (!r->started || now < r->last_ms || now - r->last_ms >= PRIV_RELOAD_MIN_MS)
		return 0;
	return PRIV_RELOAD_MIN_MS - (now - r->last_ms);
}

bool priv_reload_request(struct priv_reload *r, uint64_t now, uint64_t *wait_ms)
{
	*wait_ms = wait_for(r, now);
	if (!r->pending && *wait_ms == 0)
		return true;
	if (r->pending)
		r->coalesced++;
	r->pending = true;
	return false;
}

bool priv_reload_due(struct priv_reload *r, uint64_t now, uint64_t *wait_ms)
{
	*wait_ms = wait_for(r, now);
	if (!r->pending || *wait_ms)
		return false;
	r->pending = false;
	return true;
}

void priv_reload_begin(struct priv_reload *r, uint64_t now)
{
	r->replacing = true;
	r->started = true;
	r->last_ms = now;
}

bool priv_reload_end(struct priv_reload *r, uint64_t now, uint64_t *wait_ms)
{
	if (!r->replacing)
		return false;
	r->replacing = false;
	r->reloads++;
	*wait_ms = wait_for(r, now);
	return r->pending;
}
