#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Crafted L2TPv2 packets for the l2sec.ko guest tests.

Inner IPv4/IPv6 packets are built with scapy; the L2TPv2 and PPP headers are
built here byte by byte so that every header variant and every malformed case
is exactly what the test names.  Packets are sent from an ordinary UDP socket
bound to the client's L2TP port, so they take the normal output path
(including xfrm, when the test installs SAs).

    l2tp.py send --src A --sport P --dst A --dport P --tid T --sid S
                 [--inner-src A] [--inner-dst A] [--inner6-src A] [--inner6-dst A]
                 CASE...
    l2tp.py cases                   list the case names
    l2tp.py sink ADDR PORT SECONDS  print "got TEXT" for each UDP datagram
    l2tp.py natt PORT SECONDS       hold a UDP_ENCAP_ESPINUDP socket (as charon
                                    does on 4500) so ESP-in-UDP is received
    l2tp.py serve FIFO              answer "send" and "cases" requests without
                                    starting Python each time (see serve.py)

Each sent case prints "sent CASE HEX" (HEX: the UDP payload).
"""
import argparse
import socket
import struct
import sys
import time

T, L, S, O = 0x8000, 0x4000, 0x0800, 0x0200


def l2tp(tid, sid, payload, flags=0, ver=2, ns=0, nr=0, offset=None,
         length=None, pad=b""):
    """L2TPv2 header (RFC 2661 3.1) + payload; optional fields per flags."""
    f = flags | ver
    if offset is not None:
        f |= O
    body = struct.pack("!HH", tid, sid)
    if f & S:
        body += struct.pack("!HH", ns, nr)
    if offset is not None:
        body += struct.pack("!H", offset) + pad
    body += payload
    if f & L:
        total = 2 + 2 + len(body) if length is None else length
        return struct.pack("!HH", f, total) + body
    return struct.pack("!H", f) + body


def ppp(proto, payload, acfc=False, pfc=False):
    """PPP frame: address/control unless ACFC, protocol 1 byte if PFC."""
    hdr = b"" if acfc else b"\xff\x03"
    if pfc and proto < 0x100:
        hdr += bytes([proto])
    else:
        hdr += struct.pack("!H", proto)
    return hdr + payload


class Ctx:
    def __init__(self, a):
        # scapy is slow to import under TCG: only the sender needs it
        global IP, UDP, IPv6
        from scapy.layers.inet import IP, UDP
        from scapy.layers.inet6 import IPv6
        self.a = a

    def ip4(self, text, src=None):
        return bytes(IP(src=src or self.a.inner_src, dst=self.a.inner_dst) /
                     UDP(sport=4000, dport=5000) / text.encode())

    def ip6(self, text, src=None):
        return bytes(IPv6(src=src or self.a.inner6_src, dst=self.a.inner6_dst) /
                     UDP(sport=4000, dport=5000) / text.encode())


def cases(c):
    """name -> UDP payload.  Names: ok-* must be delivered on l2sec0 (the inner
    UDP payload equals the name), daemon-* must reach the socket unchanged,
    the others must be dropped (the prefix names the counter)."""
    a = c.a
    t, s = a.tid, a.sid
    d = {}
    # every legal data header variant, IPv4 and IPv6
    d["ok-plain"] = l2tp(t, s, ppp(0x21, c.ip4("ok-plain")))
    d["ok-len"] = l2tp(t, s, ppp(0x21, c.ip4("ok-len")), flags=L)
    d["ok-seq"] = l2tp(t, s, ppp(0x21, c.ip4("ok-seq")), flags=S, ns=5, nr=9)
    d["ok-offset0"] = l2tp(t, s, ppp(0x21, c.ip4("ok-offset0")), offset=0)
    d["ok-offset3"] = l2tp(t, s, ppp(0x21, c.ip4("ok-offset3")), offset=3,
                           pad=b"\x00\xaa\x55")
    d["ok-all"] = l2tp(t, s, ppp(0x21, c.ip4("ok-all")), flags=L | S | 0x0100,
                       offset=2, pad=b"\x00\x00")
    d["ok-acfc"] = l2tp(t, s, ppp(0x21, c.ip4("ok-acfc"), acfc=True))
    d["ok-pfc"] = l2tp(t, s, ppp(0x21, c.ip4("ok-pfc"), pfc=True))
    d["ok-acfc-pfc"] = l2tp(t, s, ppp(0x21, c.ip4("ok-acfc-pfc"), acfc=True, pfc=True))
    d["ok-v6"] = l2tp(t, s, ppp(0x57, c.ip6("ok-v6")))
    d["ok-v6-pfc-len"] = l2tp(t, s, ppp(0x57, c.ip6("ok-v6-pfc-len"), acfc=True,
                                        pfc=True), flags=L)
    # to the daemon, unchanged
    d["daemon-control"] = l2tp(t, 0, b"\x00\x08\x00\x00\x00\x00\x00\x06",
                               flags=T | L | S)
    d["daemon-sccrq"] = l2tp(0, 0, b"\x00\x08\x00\x00\x00\x00\x00\x01",
                             flags=T | L | S)
    d["daemon-lcp"] = l2tp(t, s, ppp(0xc021, b"\x01\x01\x00\x04"))
    d["daemon-ipcp"] = l2tp(t, s, ppp(0x8021, b"\x01\x01\x00\x04"))
    d["daemon-chap-acfc"] = l2tp(t, s, ppp(0xc223, b"\x01\x01\x00\x04", acfc=True))
    d["daemon-unknown-session"] = l2tp(t, 999, ppp(0x21, c.ip4("x")))
    d["daemon-unknown-tunnel"] = l2tp(999, s, ppp(0x21, c.ip4("x")))
    # malformed: dropped, counted, never delivered
    d["malformed-1byte"] = b"\x00"
    d["malformed-short-len"] = struct.pack("!HH", L | 2, 30)
    d["malformed-short-ids"] = struct.pack("!HH", 2, t)
    d["malformed-version3"] = l2tp(t, s, ppp(0x21, c.ip4("x")), ver=3)
    d["malformed-version1"] = l2tp(t, s, ppp(0x21, c.ip4("x")), ver=1)
    d["malformed-length-long"] = l2tp(t, s, ppp(0x21, c.ip4("x")), flags=L, length=2000)
    d["malformed-length-short"] = l2tp(t, s, ppp(0x21, c.ip4("x")), flags=L, length=10)
    d["malformed-offset-past-end"] = l2tp(t, s, b"\xff\x03", offset=60000)
    d["malformed-seq-truncated"] = struct.pack("!HHHH", S | 2, t, s, 1)
    d["malformed-no-ppp"] = l2tp(t, s, b"")
    d["malformed-ppp-ff-only"] = l2tp(t, s, b"\xff")
    d["malformed-ppp-ff-bad-control"] = l2tp(t, s, b"\xff\x05\x00\x21" + c.ip4("x"))
    d["malformed-ppp-proto-truncated"] = l2tp(t, s, b"\xff\x03\x00")
    d["malformed-ppp-proto-even"] = l2tp(t, s, b"\xff\x03\x00\x20" + c.ip4("x"))
    d["malformed-ip-truncated"] = l2tp(t, s, ppp(0x21, c.ip4("x")[:12]))
    d["malformed-ip-version"] = l2tp(t, s, ppp(0x21, c.ip6("x")))
    d["malformed-ip6-truncated"] = l2tp(t, s, ppp(0x57, c.ip6("x")[:30]))
    # not the session's own source address
    d["spoof-v4"] = l2tp(t, s, ppp(0x21, c.ip4("spoof-v4", src=a.spoof_src)))
    d["spoof-v6"] = l2tp(t, s, ppp(0x57, c.ip6("spoof-v6", src=a.spoof6_src)))
    # link-local: the session's own (fe80:: + its IPv6CP identifier) only
    d["ok-v6-linklocal"] = l2tp(t, s, ppp(0x57, c.ip6("ok-v6-linklocal", src=a.ll6_src)))
    d["spoof-v6-linklocal"] = l2tp(t, s, ppp(0x57, c.ip6("spoof-v6-linklocal",
                                                         src=a.spoof_ll6_src)))
    # inside the session's /64, but another session's /128 (--nested6-src)
    d["spoof-v6-nested"] = l2tp(t, s, ppp(0x57, c.ip6("spoof-v6-nested", src=a.nested6_src)))
    # session known but not up (--down-sid)
    d["notup-v4"] = l2tp(t, a.down_sid, ppp(0x21, c.ip4("notup-v4")))
    return d


def main(argv=None):
    p = argparse.ArgumentParser(prog="l2tp.py")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("--src", required=True)
    s.add_argument("--sport", type=int, default=1701)
    s.add_argument("--dst", required=True)
    s.add_argument("--dport", type=int, default=1701)
    s.add_argument("--tid", type=int, default=1)
    s.add_argument("--sid", type=int, default=1)
    s.add_argument("--down-sid", type=int, default=2)
    s.add_argument("--inner-src", default="10.99.0.2")
    s.add_argument("--inner-dst", default="10.99.0.1")
    s.add_argument("--inner6-src", default="2001:db8:99::2")
    s.add_argument("--inner6-dst", default="2001:db8:99::1")
    s.add_argument("--spoof-src", default="10.99.0.3")
    s.add_argument("--spoof6-src", default="2001:db8:98::2")
    s.add_argument("--ll6-src", default="fe80::1:2:3:4")
    s.add_argument("--spoof-ll6-src", default="fe80::bad")
    s.add_argument("--nested6-src", default="2001:db8:99::66")
    s.add_argument("--repeat", type=int, default=1)
    s.add_argument("--gap", type=float, default=0.02)
    s.add_argument("names", nargs="+")
    sub.add_parser("cases")
    k = sub.add_parser("sink")
    k.add_argument("addr")
    k.add_argument("port", type=int)
    k.add_argument("seconds", type=float)
    n = sub.add_parser("natt")
    n.add_argument("port", type=int)
    n.add_argument("seconds", type=float)
    v = sub.add_parser("serve")
    v.add_argument("fifo")
    a = p.parse_args(argv)

    if a.cmd == "serve":
        import serve
        Ctx(None)  # scapy's import now, not in the first request
        serve.serve(a.fifo, main)
        return 0

    if a.cmd == "natt":
        UDP_ENCAP, UDP_ENCAP_ESPINUDP = 100, 2
        sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sk.bind(("0.0.0.0", a.port))
        sk.setsockopt(socket.IPPROTO_UDP, UDP_ENCAP, UDP_ENCAP_ESPINUDP)
        print("natt ready", flush=True)
        time.sleep(a.seconds)
        return 0

    if a.cmd == "cases":
        class A:
            tid = sid = down_sid = 1
            inner_src = inner_dst = spoof_src = "10.0.0.1"
            inner6_src = inner6_dst = spoof6_src = "2001:db8::1"
            ll6_src = spoof_ll6_src = "fe80::1"
            nested6_src = "2001:db8::2"
        print(" ".join(cases(Ctx(A()))))
        return 0
    if a.cmd == "sink":
        fam = socket.AF_INET6 if ":" in a.addr else socket.AF_INET
        sk = socket.socket(fam, socket.SOCK_DGRAM)
        sk.bind((a.addr, a.port))
        sk.settimeout(0.2)
        print("sink ready", flush=True)
        end = time.time() + a.seconds
        while time.time() < end:
            try:
                data = sk.recv(4096)
            except socket.timeout:
                continue
            print("got " + data.decode(errors="replace"), flush=True)
        return 0

    table = cases(Ctx(a))
    names = []
    for n in a.names:
        if n.endswith("*"):
            names += [k for k in table if k.startswith(n[:-1])]
        else:
            names.append(n)
    fam = socket.AF_INET6 if ":" in a.src else socket.AF_INET
    # closed at the end: a server sends many times from the same port
    with socket.socket(fam, socket.SOCK_DGRAM) as sk:
        sk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sk.bind((a.src, a.sport))
        for _ in range(a.repeat):
            for n in names:
                sk.sendto(table[n], (a.dst, a.dport))
                print("sent %s %s" % (n, table[n].hex()), flush=True)
                time.sleep(a.gap)
    return 0


if __name__ == "__main__":
    sys.exit(main())
