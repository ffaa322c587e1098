// SPDX-License-Identifier: GPL-2.0
/*
 * Authentication of the peer: MS-CHAPv2 (RFC 2759), CHAP-MD5 (RFC 1994),
 * PAP (RFC 1334). We are always the authenticator.
 *
 * A wrong answer is not refused at once: the Failure (or PAP Nak) goes out
 * after auth_fail_delay_ms, during which further answers are discarded, so a
 * peer cannot try passwords faster than one per delay. After auth_tries
 * wrong answers the session ends; until then MS-CHAPv2 announces a retry
 * (R=1) with a fresh challenge, CHAP-MD5 sends a new Challenge and PAP waits
 * for a new Authenticate-Request. The whole phase is bounded by
 * auth_timeout_ms.
 *
 * Before an answer is checked, the owner's throttle (ops->auth_allowed,
 * authlimit.c in l2secd) may refuse it: the peer then gets the same Failure
 * after the same delay, and the answer is not looked at. After a wrong
 * answer, ops->auth_result may hold the Failure back longer (its backoff).
 *
 * Every comparison is of fixed-size digests in constant time (PAP too: the
 * NT hash of the password sent against the stored one), and an unknown user
 * is checked against a random secret, so the time of an answer does not say
 * whether the user exists or how much of a guess was right.
 *
 * Passwords and hashes stay in this file's stack frames, which are wiped,
 * and the frame that brought them is wiped in the receive buffer after use
 * (ppp_auth_input); log lines carry the user name (sanitized) and the
 * outcome only. The phase's own state (struct auth_ctx: our challenge, the
 * tries, who tried) is on the heap from LCP up to the phase's end only, and
 * wiped before it is freed (auth_end).
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ppp/ppp_internal.h"
#include "core/util.h"

enum { CHAP_CHALLENGE = 1, CHAP_RESPONSE, CHAP_SUCCESS, CHAP_FAILURE };
enum { PAP_REQUEST = 1, PAP_ACK, PAP_NAK };

#define MSCHAPV2_VALUE_LEN	49
#define MD5_VALUE_LEN		16
#define NAME_MAX_LEN		255

size_t ppp_auth_option(unsigned int method, uint8_t *b)
{
	b[0] = 3;	/* Authentication-Protocol */
	switch (method) {
	case PPP_AUTH_MSCHAPV2:
	case PPP_AUTH_CHAP_MD5:
		b[1] = 5;
		put_be16(b + 2, PPP_CHAP);
		b[4] = method == PPP_AUTH_MSCHAPV2 ? 0x81 : 0x05;
		return 5;
	case PPP_AUTH_PAP:
		b[1] = 4;
		put_be16(b + 2, PPP_PAP);
		return 4;
	default:
		return 0;
	}
}

unsigned int ppp_auth_method_of(const uint8_t *v, size_t vlen)
{
	if (vlen == 3 && get_be16(v) == PPP_CHAP)
		return v[2] == 0x81 ? PPP_AUTH_MSCHAPV2 :
		       v[2] == 0x05 ? PPP_AUTH_CHAP_MD5 : 0;
	if (vlen == 2 && get_be16(v) == PPP_PAP)
		return PPP_AUTH_PAP;
	return 0;
}

static const char *method_name(unsigned int m)
{
	return m == PPP_AUTH_MSCHAPV2 ? "MS-CHAPv2" :
	       m == PPP_AUTH_CHAP_MD5 ? "CHAP-MD5" : "PAP";
}

const char *ppp_auth_method_name(const struct ppp_session *s)
{
	if (s->auth_state != AUTH_DONE)
		return NULL;
	/* as [ppp] auth spells them */
	return s->auth_method == PPP_AUTH_MSCHAPV2 ? "mschapv2" :
	       s->auth_method == PPP_AUTH_CHAP_MD5 ? "chap-md5" : "pap";
}

static uint16_t method_proto(unsigned int m)
{
	return m == PPP_AUTH_PAP ? PPP_PAP : PPP_CHAP;
}

/*
 * The phase is over (granted: AUTH_DONE; else AUTH_IDLE): its state goes,
 * wiped first (the challenge an answer was made for).
 */
static void auth_end(struct ppp_session *s, enum auth_state st)
{
	if (s->a) {
		explicit_bzero(s->a, sizeof(*s->a));
		free(s->a);
		s->a = NULL;
	}
	s->auth_state = (uint8_t)st;
}

static void transmit_challenge(struct ppp_session *s)
{
	uint8_t buf[1 + MSCHAP_CHALLENGE_LEN + sizeof(s->cfg->name)];
	size_t nlen = strlen(s->cfg->name);

	buf[0] = MSCHAP_CHALLENGE_LEN;
	memcpy(buf + 1, s->a->challenge, MSCHAP_CHALLENGE_LEN);
	memcpy(buf + 1 + MSCHAP_CHALLENGE_LEN, s->cfg->name, nlen);
	ppp_send_ctrl(s, PPP_CHAP, CHAP_CHALLENGE, s->auth_id, buf,
		      1 + MSCHAP_CHALLENGE_LEN + nlen);
	s->a->deadline = s->now + s->cfg->restart_ms;
}

/* A challenge: the checker's when ops->challenge is set (privilege separation), else random. */
static void make_challenge(struct ppp_session *s, uint8_t chal[MSCHAP_CHALLENGE_LEN])
{
	if (s->ops->challenge)
		s->ops->challenge(s->ctx, chal);
	else
		ppp_random(s, chal, MSCHAP_CHALLENGE_LEN);
}

static void new_challenge(struct ppp_session *s)
{
	s->auth_id++;
	s->a->alt_ok = false;
	make_challenge(s, s->a->challenge);
	s->a->resends = s->cfg->max_configure;
	s->auth_state = AUTH_WAIT;
	transmit_challenge(s);
}

void ppp_auth_start(struct ppp_session *s)
{
	auth_end(s, AUTH_IDLE);
	free(s->user);
	s->user = NULL;
	s->auth_reply = false;
	memset(s->auth_resp, 0, sizeof(s->auth_resp));
	s->a = calloc(1, sizeof(*s->a));
	if (!s->a) {
		ppp_terminate(s, PPP_DOWN_NO_MEMORY, "out of memory for the authentication");
		return;
	}
	s->auth_method = (uint8_t)s->l.auth;
	ppp_random(s, &s->auth_id, 1);
	s->a->phase_deadline = s->now + s->cfg->auth_timeout_ms;
	s->auth_state = AUTH_WAIT;
	if (s->auth_method != PPP_AUTH_PAP)
		new_challenge(s);
}

void ppp_auth_stop(struct ppp_session *s)
{
	auth_end(s, AUTH_IDLE);
}

/*
 * Find the user: the name as sent, then without a "DOMAIN\" prefix (Windows
 * sends one when the connection has a domain set). On success user holds
 * the name that matched.
 */
static int lookup(struct ppp_session *s, const uint8_t *name, size_t len,
		  struct ppp_secret *sec, char user[NAME_MAX_LEN + 1])
{
	char buf[NAME_MAX_LEN + 1];
	const char *bare;
	size_t blen;

	if (len == 0 || len > NAME_MAX_LEN || memchr(name, '\0', len))
		return -1;
	memcpy(buf, name, len);
	buf[len] = '\0';
	memset(sec, 0, sizeof(*sec));
	if (s->ops->get_secret(s->ctx, buf, sec) == 0) {
		memcpy(user, buf, len + 1);
		return 0;
	}
	bare = mschap_strip_domain(buf, len, &blen);
	if (bare == buf || blen == 0)
		return -1;
	memset(sec, 0, sizeof(*sec));
	if (s->ops->get_secret(s->ctx, bare, sec) == 0) {
		memcpy(user, bare, blen + 1);
		return 0;
	}
	return -1;
}

/*
 * One attempt: who tried (the users file's name, else the name as sent made
 * printable, for the log and the throttle) and whether the user exists. An
 * unknown user is checked against a random secret that no answer matches,
 * so that the answer takes as long as for a known user.
 */
struct attempt {
	struct ppp_secret sec;
	bool known;
	char user[NAME_MAX_LEN + 1];	/* known: the users file's name */
	char who[NAME_MAX_LEN * 4 + 1];
};

static void attempt_wipe(struct attempt *at)
{
	explicit_bzero(&at->sec, sizeof(at->sec));
}

static const char hex_digits[] = "0123456789ABCDEF";

static int hex_val(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c - 'A' + 10;
}

/* An "S=" and 40 hex digits (RFC 2759 section 5), as a checker must give it. */
static bool auth_resp_ok(const char *r)
{
	size_t i;

	if (!r || strnlen(r, MSCHAP_AUTH_RESPONSE_LEN) != MSCHAP_AUTH_RESPONSE_LEN - 1 ||
	    r[0] != 'S' || r[1] != '=')
		return false;
	for (i = 2; r[i]; i++)
		if (!((r[i] >= '0' && r[i] <= '9') || (r[i] >= 'A' && r[i] <= 'F')))
			return false;
	return true;
}

#define REPLY_MAX 96

/*
 * Our Success (or PAP Ack) message: MS-CHAPv2's carries the authenticator
 * response. Empty for a session resumed from a record (ppp_snap.h), which
 * keeps none.
 */
static size_t reply_text(const struct ppp_session *s, char buf[REPLY_MAX])
{
	size_t n = 0, i;

	if (!s->auth_reply) {
		buf[0] = '\0';
		return 0;
	}
	if (s->auth_method == PPP_AUTH_MSCHAPV2) {
		buf[n++] = 'S';
		buf[n++] = '=';
		for (i = 0; i < sizeof(s->auth_resp); i++) {
			buf[n++] = hex_digits[s->auth_resp[i] >> 4];
			buf[n++] = hex_digits[s->auth_resp[i] & 0xF];
		}
		buf[n++] = ' ';
	}
	return n + (size_t)snprintf(buf + n, REPLY_MAX - n, "%sAccess granted",
				    s->auth_method == PPP_AUTH_MSCHAPV2 ? "M=" : "");
}

/* Success (CHAP, MS-CHAPv2) or Authenticate-Ack (PAP) with id: granted, or said again. */
static void send_success(struct ppp_session *s, uint8_t id)
{
	uint8_t msg[REPLY_MAX + 1];
	size_t n = reply_text(s, (char *)msg + 1);

	if (s->auth_method != PPP_AUTH_PAP) {
		ppp_send_ctrl(s, PPP_CHAP, CHAP_SUCCESS, id, msg + 1, n);
		return;
	}
	msg[0] = (uint8_t)n;
	ppp_send_ctrl(s, PPP_PAP, PAP_ACK, id, msg, n + 1);
}

/*
 * The answer is right: the session's user (its own copy, exact size) and,
 * for MS-CHAPv2, the authenticator response, kept for a Success said again;
 * then the Success. false when the user cannot be kept (out of memory: the
 * session ends, nothing sent) or an MS-CHAPv2 auth_resp is not well-formed
 * (nothing kept or sent: the caller refuses the answer).
 */
static bool grant(struct ppp_session *s, const char *user, const char *auth_resp)
{
	size_t i;

	if (s->auth_method == PPP_AUTH_MSCHAPV2 && !auth_resp_ok(auth_resp))
		return false;
	s->user = strndup(user, NAME_MAX_LEN);
	if (!s->user) {
		auth_end(s, AUTH_IDLE);
		ppp_terminate(s, PPP_DOWN_NO_MEMORY, "out of memory for the user's name");
		return false;
	}
	if (s->auth_method == PPP_AUTH_MSCHAPV2)
		for (i = 0; i < sizeof(s->auth_resp); i++)
			s->auth_resp[i] = (uint8_t)(hex_val(auth_resp[2 + 2 * i]) << 4 |
						    hex_val(auth_resp[3 + 2 * i]));
	s->auth_reply = true;
	send_success(s, s->auth_id);
	return true;
}

static void auth_granted(struct ppp_session *s, struct in_addr addr, const char *by)
{
	ppp_log(s, LOG_INFO, "user '%s' authenticated with %s%s", s->user,
		method_name(s->auth_method), by);
	auth_end(s, AUTH_DONE);
	if (s->ops->auth_result)
		s->ops->auth_result(s->ctx, s->user, true);
	ppp_network_phase(s, addr);
}

static void auth_bad(struct ppp_session *s, struct attempt *at, const char *why, bool checked);

/* A right answer checked here: granted, unless the session cannot keep it. */
static void auth_ok(struct ppp_session *s, struct attempt *at, const char *auth_resp)
{
	struct in_addr addr = at->sec.addr;

	if (!grant(s, at->user, auth_resp)) {
		if (s->a)	/* not out of memory: a malformed auth_resp of the checker */
			auth_bad(s, at, "granted without a well-formed authenticator response: "
				 "refused", false);
		attempt_wipe(at);
		return;
	}
	attempt_wipe(at);
	auth_granted(s, addr, "");
}

/* A wrong answer, or one refused unchecked (checked false): Failure after the delay. */
static void auth_bad(struct ppp_session *s, struct attempt *at, const char *why, bool checked)
{
	uint32_t delay = s->cfg->auth_fail_delay_ms, d;

	attempt_wipe(at);
	s->a->failures++;
	s->st.auth_failures++;
	ppp_log(s, LOG_NOTICE, "%s authentication failed for user '%s': %s (attempt %u of %u)",
		method_name(s->auth_method), at->who, why, s->a->failures, s->cfg->auth_tries);
	if (checked && s->ops->auth_result) {
		d = s->ops->auth_result(s->ctx, at->who, false);
		if (d > delay)
			delay = d;
	}
	s->auth_state = AUTH_DELAY;
	s->a->deadline = s->now + delay;
	if (!delay)
		ppp_auth_timer(s);
}

/*
 * Look the user up and ask the throttle. Returns 0 when the answer is to be
 * checked against at->sec, -1 when the attempt was refused.
 */
static int attempt_begin(struct ppp_session *s, const uint8_t *name, size_t nlen,
			 struct attempt *at)
{
	memset(at, 0, sizeof(*at));
	at->known = lookup(s, name, nlen, &at->sec, at->user) == 0;
	if (at->known) {
		snprintf(at->who, sizeof(at->who), "%s", at->user);
	} else {
		memset(&at->sec, 0, sizeof(at->sec));
		ppp_random(s, at->sec.nt_hash, sizeof(at->sec.nt_hash));
		ppp_sanitize(at->who, sizeof(at->who), name,
			     nlen < NAME_MAX_LEN ? nlen : NAME_MAX_LEN);
	}
	if (s->ops->auth_allowed && !s->ops->auth_allowed(s->ctx, at->who)) {
		auth_bad(s, at, "refused unchecked: too many failures (throttled)", false);
		return -1;
	}
	return 0;
}

/* The delay after a wrong answer is over: say so, and maybe allow another try. */
static void auth_fail_now(struct ppp_session *s)
{
	const char *hex = hex_digits;
	bool last = s->a->failures >= s->cfg->auth_tries;
	uint8_t chal[MSCHAP_CHALLENGE_LEN];
	char msg[96];
	size_t i, n;

	switch (s->auth_method) {
	case PPP_AUTH_MSCHAPV2:
		if (!last)
			make_challenge(s, chal);
		else
			ppp_random(s, chal, sizeof(chal));	/* answered by nobody */
		n = (size_t)snprintf(msg, sizeof(msg), "E=691 R=%d C=", last ? 0 : 1);
		for (i = 0; i < sizeof(chal); i++) {
			msg[n++] = hex[chal[i] >> 4];
			msg[n++] = hex[chal[i] & 0xF];
		}
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, " V=3 M=Authentication failed");
		ppp_send_ctrl(s, PPP_CHAP, CHAP_FAILURE, s->auth_id, (uint8_t *)msg, n);
		if (!last) {
			/*
			 * The retry answers C=; peers number it one above the
			 * Failure (pppd, Windows), but take the same id too.
			 */
			memcpy(s->a->challenge, chal, sizeof(chal));
			s->a->alt_id = s->auth_id;
			s->a->alt_ok = true;
			s->auth_id++;
			s->auth_state = AUTH_WAIT;
		}
		break;
	case PPP_AUTH_CHAP_MD5:
		n = (size_t)snprintf(msg, sizeof(msg), "Authentication failed");
		ppp_send_ctrl(s, PPP_CHAP, CHAP_FAILURE, s->auth_id, (uint8_t *)msg, n);
		if (!last)
			new_challenge(s);
		break;
	default:
		n = (size_t)snprintf(msg + 1, sizeof(msg) - 1, "Authentication failed");
		msg[0] = (char)n;
		ppp_send_ctrl(s, PPP_PAP, PAP_NAK, s->auth_id, (uint8_t *)msg, n + 1);
		if (!last)
			s->auth_state = AUTH_WAIT;
		break;
	}
	if (last) {
		unsigned int failures = s->a->failures;

		auth_end(s, AUTH_IDLE);
		ppp_terminate(s, PPP_DOWN_AUTH_FAILED, "authentication failed %u times", failures);
	}
}

/*
 * The answer for a checker elsewhere (ops->verify, ops->ask), its name copied
 * into buf with a NUL; false when the name cannot be one (too long, a NUL).
 */
static bool answer_of(const struct ppp_session *s, const uint8_t *name, size_t nlen,
		      const uint8_t *v, size_t vlen, char buf[NAME_MAX_LEN + 1],
		      struct ppp_answer *a)
{
	if (nlen > NAME_MAX_LEN || memchr(name, '\0', nlen))
		return false;
	memcpy(buf, name, nlen);
	buf[nlen] = '\0';
	*a = (struct ppp_answer){
		.method = s->auth_method, .name = buf, .name_len = nlen,
		.challenge = s->a->challenge, .id = s->auth_id, .value = v, .value_len = vlen,
	};
	return true;
}

enum verdict { WRONG, RIGHT, BUSY };

/* ops->verify: the answer checked where the secrets are, or not now (BUSY). */
static enum verdict verify_remote(struct ppp_session *s, const uint8_t *name, size_t nlen,
				  const uint8_t *v, size_t vlen, struct ppp_verdict *out)
{
	char buf[NAME_MAX_LEN + 1];
	struct ppp_answer a;
	int r;

	memset(out, 0, sizeof(*out));
	if (!answer_of(s, name, nlen, v, vlen, buf, &a))
		return WRONG;
	r = s->ops->verify(s->ctx, &a, out);
	if (r > 0)
		return BUSY;
	return r == 0 && out->ok ? RIGHT : WRONG;
}

/*
 * The checker was busy (ops->verify's rate): no verdict, so the peer is told
 * nothing and no try is spent; a wrong password it is not. A CHAP challenge
 * goes again after the Restart period with the same identifier and value
 * (the checker still holds it), and the peer, alive, gets its retransmissions
 * back; a PAP peer repeats its request on its own timer. The phase timeout
 * bounds the wait.
 */
static void auth_busy(struct ppp_session *s, struct attempt *at)
{
	attempt_wipe(at);
	s->st.auth_busy++;
	ppp_log_drop(s, "%s: the answer of user '%s' is not checked now (the checker is busy); "
		     "the peer is to send it again", method_name(s->auth_method), at->who);
	if (s->auth_method == PPP_AUTH_PAP)
		return;
	s->a->resends = s->cfg->max_configure;
	s->a->deadline = s->now + s->cfg->restart_ms;
}

static void copy_trunc(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * ops->ask: the answer checked elsewhere, later (RADIUS). 1 when it is to be
 * checked here, 0 when the engine now waits for ppp_auth_done(), -1 when it
 * was refused (counted as a failure, unchecked).
 */
static int ask_async(struct ppp_session *s, const uint8_t *name, size_t nlen,
		     const uint8_t *v, size_t vlen, struct attempt *at)
{
	char buf[NAME_MAX_LEN + 1];
	struct ppp_answer a;
	int r;

	if (!s->ops->ask || !answer_of(s, name, nlen, v, vlen, buf, &a))
		return 1;	/* no name to ask about: checked here, as an unknown user */
	r = s->ops->ask(s->ctx, &a, at->known);
	if (r > 0)
		return 1;
	if (r < 0) {
		auth_bad(s, at, "refused unchecked: too many authentications waiting", false);
		return -1;
	}
	attempt_wipe(at);
	copy_trunc(s->a->who, sizeof(s->a->who), at->who);
	s->auth_state = AUTH_PENDING;
	s->a->deadline = 0;
	return 0;
}

void ppp_auth_outcome(struct ppp_session *s, const struct ppp_auth_outcome *o)
{
	struct attempt at;

	memset(&at, 0, sizeof(at));
	snprintf(at.who, sizeof(at.who), "%s", s->a->who);
	if (o->ok && s->auth_method == PPP_AUTH_MSCHAPV2 && !auth_resp_ok(o->auth_resp)) {
		auth_bad(s, &at, "granted without a well-formed MS-CHAP2-Success: refused", false);
		return;
	}
	if (!o->ok) {
		auth_bad(s, &at, o->why ? o->why : "refused", o->checked);
		return;
	}
	if (grant(s, s->a->who, o->auth_resp))
		auth_granted(s, o->addr, " (RADIUS)");
}

static void mschapv2_check(struct ppp_session *s, const uint8_t *v,
			   const uint8_t *name, size_t nlen)
{
	uint8_t expect[MSCHAP_NT_RESPONSE_LEN];
	char reply[MSCHAP_AUTH_RESPONSE_LEN];
	const uint8_t *peer_chal = v, *nt_resp = v + 24;
	struct attempt at;
	const char *bare;
	size_t blen;
	bool ok;

	if (attempt_begin(s, name, nlen, &at) < 0 ||
	    ask_async(s, name, nlen, v, MSCHAPV2_VALUE_LEN, &at) <= 0)
		return;
	if (s->ops->verify) {
		struct ppp_verdict vd;
		enum verdict r = verify_remote(s, name, nlen, v, MSCHAPV2_VALUE_LEN, &vd);

		ok = r == RIGHT && at.known;
		memcpy(reply, vd.auth_resp, sizeof(reply));
		explicit_bzero(&vd, sizeof(vd));
		if (r == BUSY) {
			explicit_bzero(reply, sizeof(reply));
			auth_busy(s, &at);
			return;
		}
		if (!ok) {
			auth_bad(s, &at, at.known ? "wrong password" : "unknown user", true);
			return;
		}
	} else {
		/* ChallengeHash takes the name as the peer sent it, minus any domain. */
		bare = mschap_strip_domain((const char *)name, nlen, &blen);
		mschap_nt_response(s->a->challenge, peer_chal, bare, blen, at.sec.nt_hash, expect);
		ok = mschap_equal(expect, nt_resp, sizeof(expect)) && at.known;
		explicit_bzero(expect, sizeof(expect));
		if (!ok) {
			auth_bad(s, &at, at.known ? "wrong password" : "unknown user", true);
			return;
		}
		mschap_auth_response(at.sec.nt_hash, nt_resp, peer_chal, s->a->challenge,
				     bare, blen, reply);
	}
	auth_ok(s, &at, reply);
	explicit_bzero(reply, sizeof(reply));
}

static void md5_check(struct ppp_session *s, const uint8_t *v,
		      const uint8_t *name, size_t nlen)
{
	uint8_t expect[MD5_VALUE_LEN];
	struct attempt at;
	bool ok;

	if (attempt_begin(s, name, nlen, &at) < 0 ||
	    ask_async(s, name, nlen, v, MD5_VALUE_LEN, &at) <= 0)
		return;
	if (s->ops->verify) {
		struct ppp_verdict vd;
		enum verdict r = verify_remote(s, name, nlen, v, MD5_VALUE_LEN, &vd);

		ok = r == RIGHT && at.known;
		explicit_bzero(&vd, sizeof(vd));
		if (r == BUSY) {
			auth_busy(s, &at);
			return;
		}
		if (!ok) {
			auth_bad(s, &at, at.known ? "wrong password, or only an NT hash stored" :
				 "unknown user", true);
			return;
		}
		goto granted;
	}
	if (at.known && !at.sec.password) {
		auth_bad(s, &at, "only an NT hash is stored; CHAP-MD5 needs the password", true);
		return;
	}
	/* an unknown user: the random NT hash stands in for a password */
	if (at.sec.password)
		mschap_md5_response(s->auth_id, (const uint8_t *)at.sec.password,
				    at.sec.password_len, s->a->challenge,
				    sizeof(s->a->challenge), expect);
	else
		mschap_md5_response(s->auth_id, at.sec.nt_hash, sizeof(at.sec.nt_hash),
				    s->a->challenge, sizeof(s->a->challenge), expect);
	ok = mschap_equal(expect, v, sizeof(expect)) && at.known;
	explicit_bzero(expect, sizeof(expect));
	if (!ok) {
		auth_bad(s, &at, at.known ? "wrong password" : "unknown user", true);
		return;
	}
granted:
	auth_ok(s, &at, NULL);
}

static void chap_input(struct ppp_session *s, uint8_t code, uint8_t id,
		       const uint8_t *d, size_t len)
{
	size_t vsize;

	if (code != CHAP_RESPONSE) {
		/* We never authenticate ourselves to the peer. */
		s->st.rx_discarded++;
		return;
	}
	if (s->auth_state == AUTH_DONE && id == s->auth_id) {
		/* Our Success was lost: say it again (RFC 1994 section 4.1). */
		send_success(s, id);
		return;
	}
	if (s->auth_state != AUTH_WAIT ||
	    (id != s->auth_id && !(s->a->alt_ok && id == s->a->alt_id))) {
		ppp_log(s, LOG_DEBUG, "CHAP: Response id %u not expected now, discarded", id);
		s->st.rx_discarded++;
		return;
	}
	if (len < 1 || (vsize = d[0]) > len - 1 ||
	    vsize != (s->auth_method == PPP_AUTH_MSCHAPV2 ? MSCHAPV2_VALUE_LEN : MD5_VALUE_LEN)) {
		ppp_log_drop(s, "CHAP: malformed %s Response (%zu octets), dropped",
			method_name(s->auth_method), len);
		s->st.rx_malformed++;
		return;
	}
	s->a->deadline = 0;	/* answered: no retransmission */
	s->auth_id = id;		/* Success/Failure carry the Response's id */
	s->a->alt_ok = false;
	if (s->auth_method == PPP_AUTH_MSCHAPV2)
		mschapv2_check(s, d + 1, d + 1 + vsize, len - 1 - vsize);
	else
		md5_check(s, d + 1, d + 1 + vsize, len - 1 - vsize);
}

static void pap_input(struct ppp_session *s, uint8_t code, uint8_t id,
		      const uint8_t *d, size_t len)
{
	uint8_t hash[MSCHAP_NT_HASH_LEN];
	const uint8_t *name, *pw;
	size_t nlen, pwlen;
	struct attempt at;
	bool ok;

	if (code != PAP_REQUEST) {
		s->st.rx_discarded++;
		return;
	}
	if (s->auth_state == AUTH_DONE && id == s->auth_id) {
		send_success(s, id);
		return;
	}
	if (s->auth_state != AUTH_WAIT) {
		s->st.rx_discarded++;
		return;
	}
	if (len < 1 || (nlen = d[0]) > len - 1 || len - 1 - nlen < 1 ||
	    (pwlen = d[1 + nlen]) > len - 2 - nlen) {
		ppp_log_drop(s, "PAP: malformed Authenticate-Request, dropped");
		s->st.rx_malformed++;
		return;
	}
	name = d + 1;
	pw = d + 2 + nlen;
	s->auth_id = id;
	if (attempt_begin(s, name, nlen, &at) < 0 ||
	    ask_async(s, name, nlen, pw, pwlen, &at) <= 0)
		return;
	/*
	 * Compared as NT hashes, which every user has: fixed-size digests,
	 * so the time taken tells nothing about the stored password's length
	 * or its first differing octet.
	 */
	if (s->ops->verify) {
		struct ppp_verdict vd;
		enum verdict r = verify_remote(s, name, nlen, pw, pwlen, &vd);

		ok = r == RIGHT && at.known;
		explicit_bzero(&vd, sizeof(vd));
		if (r == BUSY) {
			auth_busy(s, &at);
			return;
		}
	} else {
		ok = mschap_nt_hash((const char *)pw, pwlen, hash) == 0;
		ok = mschap_equal(hash, at.sec.nt_hash, sizeof(hash)) && ok && at.known;
		explicit_bzero(hash, sizeof(hash));
	}
	if (!ok) {
		auth_bad(s, &at, at.known ? "wrong password" : "unknown user", true);
		return;
	}
	auth_ok(s, &at, NULL);
}

static void auth_input(struct ppp_session *s, uint16_t proto, const uint8_t *pkt, size_t len)
{
	size_t plen;

	/* Only in the authentication phase, or after it for a lost Success/Ack. */
	if ((s->phase != PHASE_AUTH && s->phase != PHASE_NETWORK) ||
	    proto != method_proto(s->auth_method)) {
		s->st.rx_discarded++;
		return;
	}
	if (len < 4 || (plen = get_be16(pkt + 2)) < 4 || plen > len ||
	    plen > PPP_CTRL_MAX) {
		ppp_log_drop(s, "%s: truncated packet, dropped",
			proto == PPP_PAP ? "PAP" : "CHAP");
		s->st.rx_malformed++;
		return;
	}
	if (proto == PPP_CHAP)
		chap_input(s, pkt[0], pkt[1], pkt + 4, plen - 4);
	else
		pap_input(s, pkt[0], pkt[1], pkt + 4, plen - 4);
}

/*
 * The frame may hold a password (PAP) or an answer to our challenge that an
 * eavesdropper of memory could attack offline (CHAP, MS-CHAPv2): it is wiped
 * in the receive buffer once handled, whatever came of it, malformed or not
 * expected now included.
 */
void ppp_auth_input(struct ppp_session *s, uint16_t proto, uint8_t *pkt, size_t len)
{
	auth_input(s, proto, pkt, len);
	explicit_bzero(pkt, len);
}

static bool due(uint64_t *deadline, uint64_t now)
{
	if (!*deadline || *deadline > now)
		return false;
	*deadline = 0;
	return true;
}

void ppp_auth_timer(struct ppp_session *s)
{
	if (!s->a)
		return;
	if (due(&s->a->phase_deadline, s->now)) {
		auth_end(s, AUTH_IDLE);
		ppp_terminate(s, PPP_DOWN_AUTH_TIMEOUT,
			      "peer did not authenticate within %u s",
			      s->cfg->auth_timeout_ms / 1000);
		return;
	}
	if (!due(&s->a->deadline, s->now))
		return;
	if (s->auth_state == AUTH_DELAY) {
		auth_fail_now(s);
	} else if (s->auth_state == AUTH_WAIT && s->auth_method != PPP_AUTH_PAP) {
		if (s->a->resends == 0) {
			ppp_terminate(s, PPP_DOWN_AUTH_TIMEOUT,
				      "no answer to %u CHAP challenges", s->cfg->max_configure + 1);
			return;
		}
		s->a->resends--;
		transmit_challenge(s);
	}
}
