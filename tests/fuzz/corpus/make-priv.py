#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seeds for fuzz_priv: runs of engine-to-parent requests in the wire format
of daemon/priv/priv_msg.h (written here from its description, not from the C
encoder), each framed as the target reads them (u8 flags, u16 length, octets;
flag 1: the harness renumbers the request). The sessions follow fuzz_priv.c's
configuration: socket 1, the SA of mark 7 from 198.51.100.7, users "User"
(RFC 2759 9.2's password), "bob" (PAP, static 10.8.0.10) and "carol". Each run's
first accepted tunnel gets handle 1 from the checker, which names it from then on.

    tests/fuzz/corpus/make-priv.py    (writes corpus/priv/)
"""
import hashlib
import hmac
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
VERSION = 9
(TUNNEL_ADD, TUNNEL_DEL, SESSION_ADD, SESSION_DEL, AUTH_MSCHAPV2, AUTH_CHAP_MD5,
 AUTH_PAP, ADDR_CLAIM, ADDR_RELEASE, SESSION_UP, ROUTE_ADD, ROUTE_DEL,
 MARK_QUERY, STATS) = range(1, 15)
IPSEC_REPORT, SA_NEXT = 22, 23
SEND, RADIUS_SIGN, RADIUS_VERIFY = 25, 26, 27
DAE_VERIFY, DAE_SIGN, COUNTERS = 28, 29, 30
FROUTE_ADD, FROUTE_DEL, ACCT_KEEP = 31, 32, 33
DAE_SECRET = b"fuzz-dae"     # fuzz_priv.c's dae-client 0
AUTH_LINK, ACCT_LINK = 0, 1

AUTH_CHAL = bytes.fromhex("5B5D7C7D7B3F2F3E3C2C602132262628")
PEER_CHAL = bytes.fromhex("21402324255E262A28295F2B3A337C7E")
NT_RESP = bytes.fromhex("82309ECD8D708B5EA08FAA3981CD8354" "4233114A3D85D6DF")


def addr(s):
    if ":" in s:
        import ipaddress
        return b"\x06" + ipaddress.IPv6Address(s).packed
    return b"\x04" + bytes(int(x) for x in s.split(".")) + bytes(12)


def name(s):
    b = s.encode()
    return bytes([len(b)]) + b


def msg(t, body, seq=0):
    return struct.pack(">BBHI", VERSION, t, 8 + len(body), seq) + body


def ids(tid, sid, handle=1):
    return struct.pack(">IHH", handle, tid, sid)


def tunnel_add(tid, mark=7, peer="198.51.100.7", sock=1):
    return msg(TUNNEL_ADD, struct.pack(">HHI", tid, 100 + tid, sock) + addr(peer) +
               struct.pack(">HBI", 1701, 1, mark))


def session_add(tid, sid):
    return msg(SESSION_ADD, ids(tid, sid) + struct.pack(">H", 200 + sid))


def mschapv2(tid, sid, user="User", resp=NT_RESP):
    return msg(AUTH_MSCHAPV2, ids(tid, sid) + name(user) + AUTH_CHAL + PEER_CHAL + resp)


def md5(tid, sid, user, secret, ident=0x42):
    resp = hashlib.md5(bytes([ident]) + secret + AUTH_CHAL).digest()
    return msg(AUTH_CHAP_MD5, ids(tid, sid) + name(user) + bytes([ident]) + AUTH_CHAL + resp)


def pap(tid, sid, user, pw):
    return msg(AUTH_PAP, ids(tid, sid) + name(user) + name(pw))


def addr_req(t, tid, sid, a, plen=0):
    return msg(t, ids(tid, sid) + addr(a) + bytes([plen]))


ROUTE4, ROUTE6 = 1, 2   # SESSION_UP's route: the host routes added first


def session_up(tid, sid, v4=None, v6=None, ifid=0, route=0):
    b4 = bytes(int(x) for x in v4.split(".")) if v4 else bytes(4)
    b6 = addr(v6)[1:] if v6 else bytes(16)
    return msg(SESSION_UP, ids(tid, sid) + bytes([1 if v4 else 0, 1 if v6 else 0]) + b4 + b6 +
               struct.pack(">QB", ifid if v6 else 0, route))


def send(dgram, handle=1, tid=1, sid=0, mark=0, peer="198.51.100.7", port=1701, sock=1):
    return msg(SEND, struct.pack(">IHHI", handle, tid, sid, sock) + addr(peer) +
               struct.pack(">H", port) + bytes(17) + struct.pack(">IH", mark, len(dgram)) +
               dgram)


def l2tp_ctrl(peer_tid, peer_sid=0):
    return struct.pack(">HHHHHH", 0xC802, 12, peer_tid, peer_sid, 0, 1)


def l2tp_ppp(peer_tid, peer_sid):
    return struct.pack(">HHH", 0x0002, peer_tid, peer_sid) + bytes.fromhex("ff03c021090100081234abcd")


def radius(code, *attrs, ident=0):
    """A RADIUS packet (RFC 2865 section 3), authenticator zero: the parent signs."""
    body = b"".join(bytes([t, 2 + len(v)]) + v for t, v in attrs)
    return struct.pack(">BBH", code, ident, 20 + len(body)) + bytes(16) + body


def access_request(user="alice", pw=b"pw-of-alice"):
    return radius(1, (1, user.encode()), (2, pw + bytes(-len(pw) % 16)))


def rsign(link, server, pkt, tid=0, sid=0, handle=1, keep=0):
    h = (handle, tid, sid) if tid else (0, 0, 0)
    return msg(RADIUS_SIGN, bytes([link, server]) + struct.pack(">IHHIH", *h, keep, len(pkt)) +
               pkt)


def acct_record(status, sid_text, *extra):
    """A session's Accounting-Request as aaa_acct.c queues it: status, delay 0, its id."""
    return radius(4, (40, struct.pack(">I", status)), (41, bytes(4)), (44, sid_text),
                  (1, b"bob"), *extra)


def acct_keep(tid, sid, pkt, handle=1):
    return msg(ACCT_KEEP, ids(tid, sid, handle) + struct.pack(">H", len(pkt)) + pkt)


def rverify(link, server, req_code, auth, pkt):
    return msg(RADIUS_VERIFY, bytes([link, server, req_code]) + auth +
               struct.pack(">H", len(pkt)) + pkt)


def dae_request(code, ident, *attrs, secret=DAE_SECRET):
    """A CoA or Disconnect-Request as a server signs it (RFC 5176 3.3, RFC 3579 3.2)."""
    body = b"".join(bytes([t, len(v) + 2]) + v for t, v in attrs) + bytes([80, 18]) + bytes(16)
    hdr = bytes([code, ident]) + struct.pack(">H", 20 + len(body))
    ma = hmac.new(secret, hdr + bytes(16) + body, hashlib.md5).digest()
    body = body[:-16] + ma
    auth = hashlib.md5(hdr + bytes(16) + body + secret).digest()
    return hdr + auth + body


def dae_verify(client, pkt):
    return msg(DAE_VERIFY, bytes([client]) + struct.pack(">H", len(pkt)) + pkt)


def dae_sign(client, req, code):
    ans = radius(code, (101, struct.pack(">I", 503)), ident=req[1])
    return msg(DAE_SIGN, bytes([client]) + req[4:20] + struct.pack(">H", len(ans)) + ans)


def run(*msgs, flags=1):
    """Each message with flags, or (message, flags)."""
    out = b""
    for i, m in enumerate(msgs):
        f = flags
        if isinstance(m, tuple):
            m, f = m
        m = m[:4] + struct.pack(">I", i + 1) + m[8:]
        out += bytes([f]) + struct.pack(">H", len(m)) + m
    return out


def record(t, seq, handle, body):
    """A resume record (priv_state.h, version 3): its header, its tunnel's handle, its body."""
    return struct.pack(">BBHII", 3, t, 12 + len(body), seq, handle) + body


def batch(*dgs):
    """A PRIV_BATCH of whole datagrams, framed for the harness (flags 0: sent as is)."""
    body = b"".join(dgs)
    m = struct.pack(">BBHI", VERSION, 0x7F, 8 + len(body), 0) + body
    return bytes([0]) + struct.pack(">H", len(m)) + m


DISC = dae_request(40, 5, (1, b"alice"), (55, struct.pack(">I", 1700000000)))
COA = dae_request(43, 9, (1, b"alice"), (27, struct.pack(">I", 60)))

SEEDS = {
    "session-mschapv2": run(
        tunnel_add(1), session_add(1, 11), mschapv2(1, 11),
        addr_req(ADDR_CLAIM, 1, 11, "0.0.0.0"), addr_req(ADDR_CLAIM, 1, 11, "::"),
        session_up(1, 11, "10.9.0.1", "2001:db8:100:1::", 0x1122334455667788),
        addr_req(ROUTE_ADD, 1, 11, "10.9.0.1", 32),
        addr_req(ROUTE_ADD, 1, 11, "2001:db8:100:1::", 64),
        addr_req(ROUTE_DEL, 1, 11, "10.9.0.1", 32),
        addr_req(ADDR_RELEASE, 1, 11, "10.9.0.1"),
        msg(SESSION_DEL, ids(1, 11)), msg(TUNNEL_DEL, ids(1, 0))),
    # IPCP's up and IPv6CP's as the engine asks them: each route with the session up
    "session-up-routed": run(
        tunnel_add(1), session_add(1, 11), mschapv2(1, 11),
        addr_req(ADDR_CLAIM, 1, 11, "0.0.0.0"), session_up(1, 11, "10.9.0.1", route=ROUTE4),
        addr_req(ADDR_CLAIM, 1, 11, "::"),
        session_up(1, 11, "10.9.0.1", "2001:db8:100:1::", 0x1122334455667788, route=ROUTE6),
        session_up(1, 11, "10.9.0.2", "2001:db8:100:1::", 7, route=ROUTE6),
        session_up(1, 11, "10.9.0.1", None, route=ROUTE4 | ROUTE6),
        session_up(1, 11, "10.9.0.1", None, route=4), session_up(1, 12, "10.9.0.1", route=ROUTE4),
        msg(SESSION_DEL, ids(1, 11))),
    "session-pap-static": run(
        tunnel_add(2), session_add(2, 1), pap(2, 1, "bob", "s3cret"),
        addr_req(ADDR_CLAIM, 2, 1, "0.0.0.0"), session_up(2, 1, "10.8.0.10"),
        addr_req(ROUTE_ADD, 2, 1, "10.8.0.10", 32)),
    "session-md5-domain": run(
        tunnel_add(3), session_add(3, 1), md5(3, 1, "bob", b"s3cret"),
        session_add(3, 2), mschapv2(3, 2, "CORP\\User"),
        addr_req(ADDR_CLAIM, 3, 2, "10.9.0.2"), addr_req(ADDR_CLAIM, 3, 1, "10.9.0.2")),
    "refusals": run(
        tunnel_add(4, mark=8), tunnel_add(4, peer="203.0.113.9"), tunnel_add(4, sock=9),
        session_add(9, 1), tunnel_add(4), session_add(4, 1),
        mschapv2(4, 1, "User", bytes(24)), mschapv2(4, 1, "Mallory"),
        addr_req(ADDR_CLAIM, 4, 1, "10.99.0.1"), addr_req(ROUTE_ADD, 4, 1, "10.9.0.1", 32),
        msg(MARK_QUERY, struct.pack(">I", 7) + addr("198.51.100.7")), msg(STATS, b""),
        msg(SESSION_ADD, ids(4, 2, handle=2) + struct.pack(">H", 202))),
    "sa-listing": run(
        msg(SA_NEXT, struct.pack(">I", 0)), msg(SA_NEXT, struct.pack(">I", 0xffffffff)),
        msg(IPSEC_REPORT, b""), tunnel_add(5), msg(SA_NEXT, struct.pack(">I", 1))),
    "send": run(
        tunnel_add(1), session_add(1, 5), send(l2tp_ctrl(101)), send(l2tp_ppp(101, 205), sid=5),
        send(l2tp_ctrl(77), handle=0, tid=0, mark=7), send(l2tp_ctrl(101), handle=2),
        send(l2tp_ctrl(101), peer="203.0.113.9"), send(l2tp_ctrl(101), port=1702),
        send(l2tp_ppp(101, 206), sid=5), send(l2tp_ppp(77, 1), handle=0, tid=0, mark=7),
        send(l2tp_ctrl(77), handle=0, tid=0, mark=8), send(b"\xc8\x03" + bytes(10))),
    # the harness answers the Access-Request (flag 8): the session gets the Framed-IP-Address
    "radius-accept": run(
        tunnel_add(6), session_add(6, 1), addr_req(ADDR_CLAIM, 6, 1, "0.0.0.0"),
        rsign(AUTH_LINK, 1, access_request(), 6, 1),
        (addr_req(ADDR_CLAIM, 6, 1, "0.0.0.0"), 9), session_up(6, 1, "10.9.0.2"),
        rsign(AUTH_LINK, 0, access_request(), 6, 1),
        rsign(ACCT_LINK, 1, radius(4, (40, struct.pack(">I", 1)), (44, b"sess-1")))),
    "radius-refusals": run(
        tunnel_add(7), session_add(7, 1),
        rsign(AUTH_LINK, 2, access_request(), 7, 1), rsign(ACCT_LINK, 0, access_request()),
        rsign(AUTH_LINK, 0, radius(2, (1, b"alice")), 7, 1),
        rsign(ACCT_LINK, 0, radius(4, (2, bytes(16)))),
        rsign(AUTH_LINK, 0, access_request() + b"\x01", 7, 1),
        rsign(AUTH_LINK, 0, access_request(), 7, 9),
        rverify(AUTH_LINK, 0, 1, bytes(16), radius(2)),
        rverify(ACCT_LINK, 1, 4, bytes(16), radius(5)),
        rverify(ACCT_LINK, 0, 1, bytes(16), radius(5))),
    # dynamic authorization: the parent verifies and signs for dae-client 0 only, once
    "dae": run(
        dae_verify(0, DISC), dae_sign(0, DISC, 41), dae_sign(0, DISC, 41),
        dae_verify(0, COA), dae_sign(0, COA, 41), dae_sign(0, COA, 45),
        dae_verify(1, DISC), dae_verify(0, dae_request(40, 6, (1, b"bob"), secret=b"x")),
        dae_verify(0, access_request()), dae_sign(0, access_request(), 41)),
    "counters": run(
        tunnel_add(8), session_add(8, 1), msg(COUNTERS, ids(8, 1)), msg(COUNTERS, ids(8, 2)),
        msg(COUNTERS, ids(9, 1)), msg(COUNTERS, ids(8, 1, handle=2))),
    # the verified Accept's Framed-Routes (fuzz_priv.c's server): one routed, one over
    # the pool refused, one not granted; down, up again, gone with the session
    "froute": run(
        tunnel_add(5), session_add(5, 1), rsign(AUTH_LINK, 1, access_request(), 5, 1),
        (addr_req(ADDR_CLAIM, 5, 1, "0.0.0.0"), 9),
        addr_req(FROUTE_ADD, 5, 1, "172.16.0.0", 16), addr_req(FROUTE_ADD, 5, 1, "10.9.0.0", 24),
        addr_req(FROUTE_ADD, 5, 1, "192.0.2.0", 24), addr_req(FROUTE_DEL, 5, 1, "172.16.0.0", 16),
        addr_req(FROUTE_ADD, 5, 1, "172.16.0.0", 16), msg(SESSION_DEL, ids(5, 1))),
    # accounting records kept for the next engine (priv_acct.h): a Start of the authenticated
    # session, its Interims past the store's bounds, a try of one signed, its Stop; refusals
    "acct-keep": run(
        tunnel_add(2), session_add(2, 1), pap(2, 1, "bob", "s3cret"),
        acct_keep(2, 1, acct_record(1, b"s-1")), acct_keep(2, 1, acct_record(3, b"s-1")),
        rsign(ACCT_LINK, 0, acct_record(3, b"s-1"), keep=2),
        rsign(ACCT_LINK, 1, acct_record(3, b"s-2"), keep=2),
        acct_keep(2, 1, acct_record(3, b"s-1")), acct_keep(2, 1, acct_record(3, b"s-1")),
        acct_keep(2, 1, acct_record(3, b"s-1")), acct_keep(2, 1, acct_record(3, b"s-1")),
        acct_keep(2, 1, acct_record(3, b"s-1")), acct_keep(2, 1, acct_record(3, b"s-1")),
        acct_keep(2, 1, acct_record(3, b"s-1")), acct_keep(2, 1, acct_record(2, b"s-1")),
        acct_keep(2, 1, acct_record(3, b"s-1")), session_add(2, 2),
        acct_keep(2, 2, acct_record(1, b"s-2")), acct_keep(2, 2, acct_record(3, b"s-1")),
        acct_keep(2, 1, acct_record(1, b"s-3")), acct_keep(2, 1, acct_record(7, b"on")),
        acct_keep(2, 1, acct_record(3, b"s-1", (2, bytes(16)))),
        acct_keep(2, 1, acct_record(3, b"s-1", (44, b"s-1"))),
        acct_keep(2, 1, access_request()), acct_keep(2, 1, acct_record(3, b"s-1"), handle=9),
        msg(ACCT_KEEP, ids(0, 0, 0) + struct.pack(">H", 20) + radius(4)),
        rsign(AUTH_LINK, 0, access_request(), 2, 1, keep=1), msg(STATS, b"")),
    # its Framed-IPv6-Routes through the session's /64: one routed, one over the IPv6
    # prefix refused, one not granted; down, up again, gone with the /64
    "froute6": run(
        tunnel_add(5), session_add(5, 1), rsign(AUTH_LINK, 1, access_request(), 5, 1),
        (addr_req(ADDR_CLAIM, 5, 1, "0.0.0.0"), 9), addr_req(ADDR_CLAIM, 5, 1, "::"),
        session_up(5, 1, "10.9.0.2", "2001:db8:100:1::", 0x021122fffe334455),
        addr_req(FROUTE_ADD, 5, 1, "2001:db8:5701::", 48),
        addr_req(FROUTE_ADD, 5, 1, "2001:db8:100::", 63),
        addr_req(FROUTE_ADD, 5, 1, "2001:db8:5702::", 48),
        addr_req(FROUTE_DEL, 5, 1, "2001:db8:5701::", 48),
        addr_req(FROUTE_ADD, 5, 1, "2001:db8:5701::", 48),
        addr_req(ADDR_RELEASE, 5, 1, "2001:db8:100:1::"), msg(SESSION_DEL, ids(5, 1))),
    # the engine's resume records and the request after them in one datagram
    # (PRIV_BATCH, sequence number 0: written as is), then one whose request is not last
    "batch": batch(record(0x81, 1, 1, struct.pack(">HHHB", 3, 1, 1, 0)),
                   record(0x81, 2, 1, struct.pack(">HHHB", 3, 2, 1, 0)), tunnel_add(1)) +
             batch(tunnel_add(2), record(0x81, 3, 1, struct.pack(">HHHB", 3, 3, 1, 0))),
    "malformed": run(
        msg(SESSION_ADD, ids(1, 1)), msg(99, b""), msg(TUNNEL_DEL, ids(0, 0)),
        bytes([VERSION + 1]) + tunnel_add(1)[1:], tunnel_add(1)[:20], flags=0),
}


def main():
    out = os.path.join(HERE, "priv")
    os.makedirs(out, exist_ok=True)
    for k, v in SEEDS.items():
        with open(os.path.join(out, k), "wb") as f:
            f.write(v)


if __name__ == "__main__":
    main()
