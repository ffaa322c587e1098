#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seeds for fuzz_ppp_opts: PPP frames as Windows, pppd (xl2tpd) and Apple
clients send them, plus a few malformed ones, framed in the target's input
format (see tests/fuzz/fuzz_ppp_opts.c: a setup octet, then records).

    tests/fuzz/corpus/make-ppp_opts.py    (writes corpus/ppp_opts/)
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "ppp_opts")

LCP, PAP, CHAP, IPCP, IPV6CP, CCP = 0xC021, 0xC023, 0xC223, 0x8021, 0x8057, 0x80FD


def opt(t, v=b""):
    return bytes([t, len(v) + 2]) + v


def ctrl(proto, code, ident, data=b"", acfc=False):
    hdr = b"" if acfc else b"\xff\x03"
    return hdr + struct.pack(">HBBH", proto, code, ident, len(data) + 4) + data


def rec(frame):
    if len(frame) < 255 and len(frame) > 0:
        return bytes([len(frame)]) + frame
    return b"\xff" + struct.pack(">H", len(frame)) + frame


def wait(quarters):
    return b"\x00" + bytes([quarters])


# Windows 10/11 LCP request: MRU 1400, magic, PFC, ACFC, callback.
WIN_LCP = opt(1, b"\x05\x78") + opt(5, b"\x1a\x2b\x3c\x4d") + opt(7) + opt(8) + opt(13, b"\x06")
# pppd (xl2tpd client): ACCM, magic, PFC, ACFC, MRU 1410.
PPPD_LCP = opt(2, b"\x00\x00\x00\x00") + opt(5, b"\x55\x66\x77\x88") + opt(7) + opt(8) + opt(1, b"\x05\x82")
WIN_IPCP = (opt(3, bytes(4)) + opt(129, bytes(4)) + opt(130, bytes(4))
            + opt(131, bytes(4)) + opt(132, bytes(4)))
PPPD_IPCP = opt(2, b"\x00\x2d\x0f\x01") + opt(3, bytes(4)) + opt(129, bytes(4)) + opt(131, bytes(4))
IPV6CP_REQ = opt(1, b"\x02\x11\x22\xff\xfe\x33\x44\x55")
CCP_REQ = opt(18, b"\x01\x00\x00\x01")  # MPPE/MPPC

SEEDS = {
    # Establish phase: LCP requests, Naks, Rejects, junk.
    "lcp-windows": bytes([0]) + rec(ctrl(LCP, 1, 0, WIN_LCP)) + rec(ctrl(LCP, 1, 1, WIN_LCP[:-3])),
    "lcp-pppd": bytes([0]) + rec(ctrl(LCP, 1, 1, PPPD_LCP)),
    "lcp-nak-auth": bytes([0x08]) + rec(ctrl(LCP, 3, 1, opt(3, b"\xc2\x23\x05")))
    + rec(ctrl(LCP, 3, 2, opt(3, b"\xc0\x23"))),
    "lcp-rej-all": bytes([0]) + rec(ctrl(LCP, 4, 1, opt(1, b"\x05\x78") + opt(3, b"\xc2\x23\x81"))),
    "lcp-silent": bytes([0]) + wait(200) + wait(200),
    "lcp-bad-opts": bytes([0]) + rec(ctrl(LCP, 1, 1, b"\x01\x00\x05\x06")) + rec(ctrl(LCP, 1, 2, b"\x05\x09\x01"))
    + rec(b"\xff\x03\xc0") + rec(b"\x21\x45"),
    "lcp-dup-opts": bytes([0]) + rec(ctrl(LCP, 1, 1, opt(1, b"\x05\x78") * 3 + opt(7) * 2)),
    "lcp-loopback": bytes([0]) + rec(ctrl(LCP, 1, 1, opt(5, bytes(4)))),
    # Authenticate phase.
    "auth-mschap-wrong": bytes([1]) + rec(ctrl(CHAP, 2, 0, bytes([49]) + bytes(49) + b"User")) + wait(12),
    "auth-md5": bytes([0x11]) + rec(ctrl(CHAP, 2, 0, bytes([16]) + bytes(16) + b"User")),
    "auth-pap": bytes([0x19]) + rec(ctrl(PAP, 1, 7, b"\x04User\x0aclientPass")),
    "auth-early-ipcp": bytes([1]) + rec(ctrl(IPCP, 1, 1, WIN_IPCP)) + wait(20),
    "auth-wrong-then-right": bytes([1]) + b"\x00\xfe" + wait(8) + b"\x00\xff",
    "auth-wrong-nodelay": bytes([0x41]) + b"\x00\xfe\x00\xfe\x00\xfe" + wait(30),
    "auth-md5-wrong": bytes([0x11]) + b"\x00\xfe" + wait(8) + b"\x00\xfe" + wait(8),
    "auth-pap-only": bytes([0x81]) + b"\x00\xfe" + wait(8) + b"\x00\xff",
    "auth-timeout": bytes([0x81]) + wait(239) + wait(239),
    # Network phase.
    "ipcp-windows": bytes([2]) + rec(ctrl(IPCP, 1, 1, WIN_IPCP, acfc=True)),
    "ipcp-pppd": bytes([2]) + rec(ctrl(IPCP, 1, 1, PPPD_IPCP)) + rec(ctrl(IPCP, 3, 1, opt(3, b"\x0a\x00\x00\x05"))),
    "ipv6cp": bytes([0x06]) + rec(ctrl(IPV6CP, 1, 1, IPV6CP_REQ)) + rec(ctrl(IPV6CP, 1, 2, opt(1, bytes(8)))),
    "ccp": bytes([2]) + rec(ctrl(CCP, 1, 1, CCP_REQ)),
    "pool-empty": bytes([0x22]),
    # Up.
    "up-echo": bytes([3]) + rec(ctrl(LCP, 9, 1, b"\x1a\x2b\x3c\x4d")) + wait(100) + rec(ctrl(LCP, 10, 1, b"\x1a\x2b\x3c\x4d")),
    "up-data": bytes([3]) + rec(b"\x21\x45\x00\x00\x14") + rec(b"\x00\x57\x60"),
    "up-protrej": bytes([0x07]) + rec(ctrl(LCP, 8, 1, b"\x80\x57" + ctrl(IPV6CP, 1, 1, IPV6CP_REQ)[4:])),
    "up-term": bytes([3]) + rec(ctrl(LCP, 5, 9, b"User request")) + wait(20),
    "up-renegotiate": bytes([3]) + rec(ctrl(LCP, 1, 5, PPPD_LCP)),
    "up-ident": bytes([3]) + rec(ctrl(LCP, 12, 2, b"\x1a\x2b\x3c\x4dMSRASV5.20")),
    "up-coderej": bytes([3]) + rec(ctrl(LCP, 7, 3, ctrl(LCP, 9, 1, b"\x00\x00\x00\x00")[2:])),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
