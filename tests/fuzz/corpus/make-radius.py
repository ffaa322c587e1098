#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seeds for fuzz_radius from a capture of real RADIUS traffic: guest test
71-radius-gateways writes build/vm/KVER/71-radius-gateways.d/radius.pcap (l2secd's
requests, FreeRADIUS's answers with sql and sqlippool). Each seed is what the
target reads: the 16-octet authenticator of the request a datagram answers (zeros
for a request), then the datagram as captured. Only gw1's traffic is taken (its
secret, tests/radius/raddb/clients.conf, is the target's: its answers verify
there), the first datagram of each kind.

    tests/fuzz/corpus/make-radius.py PCAP    (writes corpus/radius/gw-*)
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GW1 = bytes([172, 16, 1, 2])
PORTS = (1812, 1813)
CODES = {1: "access-request", 2: "access-accept", 3: "access-reject",
         4: "accounting-request", 5: "accounting-response", 11: "access-challenge"}
STATUS = {1: "start", 2: "stop", 3: "interim", 7: "on", 8: "off"}
# link-layer header lengths: Linux cooked captures (tcpdump -i any), Ethernet, raw
LINK = {113: 16, 276: 20, 1: 14, 101: 0}


def packets(path):
    """The IPv4 packets of a pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    end = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    link = struct.unpack(end + "I", data[20:24])[0]
    skip = LINK[link]
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        ip = frame[skip:]
        if len(ip) >= 20 and ip[0] >> 4 == 4:
            yield ip


def udp(ip):
    """(source, destination, source port, destination port, payload) or None."""
    hl = (ip[0] & 15) * 4
    if ip[9] != 17 or len(ip) < hl + 8:
        return None
    sport, dport, ulen = struct.unpack(">HHH", ip[hl:hl + 6])
    return ip[12:16], ip[16:20], sport, dport, ip[hl + 8:hl + ulen]


def status_type(pkt):
    """Acct-Status-Type of an Accounting-Request."""
    off = 20
    while off + 2 <= len(pkt):
        t, n = pkt[off], pkt[off + 1]
        if n < 2:
            break
        if t == 40 and n == 6:
            return STATUS.get(struct.unpack(">I", pkt[off + 2:off + 6])[0], "other")
        off += n
    return "other"


def main():
    out = os.path.join(HERE, "radius")
    sent = {}
    written = set()
    for ip in packets(sys.argv[1]):
        u = udp(ip)
        if not u or len(u[4]) < 20:
            continue
        src, dst, sport, dport, pkt = u
        if dst == GW1 and sport in PORTS:
            prefix = sent.get((dport, pkt[1]))
            if prefix is None:
                continue
        elif src == GW1 and dport in PORTS:
            prefix = bytes(16)
            sent[(sport, pkt[1])] = pkt[4:20]
        else:
            continue
        kind = CODES.get(pkt[0], "code%d" % pkt[0])
        if pkt[0] == 4:
            kind += "-" + status_type(pkt)
        if kind in written:
            continue
        written.add(kind)
        with open(os.path.join(out, "gw-" + kind), "wb") as f:
            f.write(prefix + pkt)
        print("gw-" + kind, len(pkt))


if __name__ == "__main__":
    main()
