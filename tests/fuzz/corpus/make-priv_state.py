#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seeds for fuzz_priv_state: runs of the engine's resume records in the wire
format of daemon/priv/priv_state.h (written here from its description, not
from the C encoder), each framed as the target reads them (u8 flags, u16
length, octets; flag 1: the harness renumbers the record, flag 2: a hand-back
follows it, flag 4: the SA of mark 7 goes and comes back). Each record but END
names its tunnel by the checker's handle. The records follow fuzz_priv_state.c's
checker: tunnels 10 and 11 (handles 1, 2) on the SA of mark 7 from 198.51.100.7,
sessions 1 and 2 each, 10/1 authenticated with 10.9.0.1; tunnel 10 (handle 3) on
the SA of mark 8 from 203.0.113.8, its session 1 authenticated with 10.9.0.2.

    tests/fuzz/corpus/make-priv_state.py    (writes corpus/priv_state/)
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
VERSION = 3
TUNNEL, SEQ, SESSION, PPP, GONE, END = range(0x80, 0x86)
PAP = 4


def string(s, size):
    """u8 length, then size - 1 octets: the string and zeros."""
    b = s.encode()
    return bytes([len(b)]) + b + bytes(size - 1 - len(b))


def ip4(s):
    return bytes(int(x) for x in s.split("."))


# the checker's handles of tunnel 10 and 11 on mark 7; 3: tunnel 10 on mark 8; 9: none
H = {10: 1, 11: 2}


def msg(t, body, handle, seq=0):
    return struct.pack(">BBHII", VERSION, t, 12 + len(body), seq, handle) + body


def tunnel(tid, ns=3, nr=4, in_flight=0, mark=7, peer="198.51.100.7", host="laptop", h=None):
    return msg(TUNNEL,
               # socket 0: the LNS's first, the checker's socket 1
               struct.pack(">HHHBHI", tid, ns, nr, in_flight, 99, 0) +
               b"\x04" + ip4(peer) + bytes(12) + b"\x04" + ip4("192.0.2.1") + bytes(12) +
               struct.pack(">HIHIBBIIQ", 1701, mark, 4, 60000, 1, 1, 3, 0, 1234567) +
               string(host, 64) + string("Microsoft", 64), H.get(tid, 9) if h is None else h)


def seq(tid, ns, nr, in_flight=0, h=None):
    return msg(SEQ, struct.pack(">HHHB", tid, ns, nr, in_flight), H.get(tid, 9) if h is None else h)


def session(tid, sid, h=None):
    return msg(SESSION, struct.pack(">HHHBIIIIIIQ", tid, sid, 100 + sid, 1, 42, 100000000,
                                    100000000, 1, 0, 0, 99), H.get(tid, 9) if h is None else h)


def ppp(tid, sid, peer4="10.9.0.1", user="bob", v6=True, h=None):
    return msg(PPP,
               struct.pack(">HHBBHIHIBBBBBB", tid, sid, 1, 1, 1400, 0xDEADBEEF, 1400,
                           0x11223344, 1, 1, 0, 3, 9, PAP) +
               string(user, 256) +
               bytes([1, 1 if v6 else 0, 2, 1 if v6 else 0]) +
               ip4("10.9.0.254") + ip4(peer4) + ip4("192.0.2.53") + bytes(4) + bytes(8) +
               (struct.pack(">QQ", 0x0200000000000001, 0x0200000000000002) if v6 else bytes(16)) +
               bytes(17) +  # no IPv6 /64: the checker's pools have none
               acct(),
               H.get(tid, 9) if h is None else h)


def acct(ident="0badcafe-00000001", cls=b"gold"):
    """The session's RADIUS state: Acct-Session-Id, Class, interim, start, the
    Session-Timeout's end, RADIUS-authed."""
    return (string(ident, 24) + bytes([len(cls)]) + cls + bytes(253 - len(cls)) +
            struct.pack(">IQQB", 600, 123456, 3723456, 1))


def gone(tid, sid=0, h=None):
    return msg(GONE, struct.pack(">HH", tid, sid), H.get(tid, 9) if h is None else h)


def run(*msgs, flags=1):
    out = b""
    for m in msgs:
        f = flags
        if isinstance(m, tuple):
            m, f = m
        out += bytes([f]) + struct.pack(">H", len(m)) + m
    return out


SEEDS = {
    "resume": run(
        tunnel(10), seq(10, 4, 4, 1), seq(10, 4, 5), session(10, 1), ppp(10, 1),
        (session(10, 2), 3), seq(10, 5, 6), gone(10, 2), gone(10)),
    "bounds": run(
        tunnel(10), tunnel(11), session(10, 1), session(10, 2), session(11, 1),
        session(11, 2), (tunnel(11, ns=9), 5), session(11, 1)),
    "refusals": run(
        tunnel(12), tunnel(10, mark=8), tunnel(10, peer="203.0.113.9"), session(10, 1),
        tunnel(10), session(10, 9), ppp(10, 2), session(10, 2), ppp(10, 2),
        session(10, 1), ppp(10, 1, peer4="10.9.0.2"), seq(11, 1, 1), gone(10, 3),
        msg(END, bytes(12), 0), seq(10, 1, 1)),
    "two-sas": run(
        tunnel(10), session(10, 1), ppp(10, 1),
        tunnel(10, mark=8, peer="203.0.113.8", h=1), tunnel(10, mark=8, peer="203.0.113.8", h=3),
        session(10, 1, h=3), ppp(10, 1, h=3), ppp(10, 1, peer4="10.9.0.2", h=3),
        (seq(10, 5, 5, h=3), 2), (gone(10, h=1), 4), seq(10, 6, 6, h=3), gone(10, 1, h=3)),
    "malformed": run(
        tunnel(10)[:40], b"\x01" + tunnel(10)[1:], seq(0, 1, 1), seq(10, 1, 1, 2),
        tunnel(10, host="a\x00b"), tunnel(10, host="\x07"), msg(0x7F, b"", 1),
        ppp(10, 1, user=""), seq(10, 1, 1, h=0), msg(END, bytes(12), 1), flags=0),
}


def main():
    out = os.path.join(HERE, "priv_state")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
