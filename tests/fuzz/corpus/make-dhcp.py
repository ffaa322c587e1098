#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seeds for fuzz_dhcp: DHCPINFORMs as PPP clients send them after IPCP
(RFC 2131 layout; Windows 10's options as in tests/unit/test_dhcp.c), with
variants for option overload, a split parameter request list and a maximum
message size, and a few the parser refuses.

fuzz_dhcp derives its answer from chaddr (octets 0-4: the number of routes,
DNS servers, the domain, search names and the ACK's buffer size; 8-11 with
xid: the values), so some seeds vary chaddr to start from large answers.

    tests/fuzz/corpus/make-dhcp.py    (writes corpus/dhcp/)
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "dhcp")

DISCOVER, REQUEST, INFORM = 1, 3, 8
WIN_PRL = bytes([1, 15, 3, 6, 44, 46, 47, 31, 33, 121, 249, 43])
WIN_MAC = bytes.fromhex("00155d1f2a3b")


def opt(code, val):
    return bytes([code, len(val)]) + val


def bootp(ciaddr, chaddr, xid=0x5E1F0A3C, flags=0, op=1, htype=1, hlen=6,
          sname=b"", file=b""):
    hdr = struct.pack(">BBBBIHH", op, htype, hlen, 0, xid, 0, flags)
    hdr += bytes(ciaddr) + bytes(4) * 3
    hdr += chaddr.ljust(16, b"\0") + sname.ljust(64, b"\0") + file.ljust(128, b"\0")
    return hdr + b"\x63\x82\x53\x63"


def win10(chaddr=WIN_MAC, xid=0x5E1F0A3C):
    o = opt(53, bytes([INFORM])) + opt(61, b"\x01" + WIN_MAC) \
        + opt(12, b"DESKTOP-7Q3KR2M") + opt(60, b"MSFT 5.0") + opt(55, WIN_PRL) + b"\xff"
    m = bootp([192, 168, 42, 10], chaddr, xid) + o
    return m.ljust(300, b"\0")


def msgs():
    yield "win10", win10()
    # chaddr octets 0-4: 32 routes, 2 DNS, a long domain, 8 names, 4096 octets
    yield "win10-big", win10(bytes([32, 2, 3, 8, 0, 0, 0, 0, 1, 2, 3, 4]), 0x01020304)
    yield "win10-small-buffer", win10(bytes([20, 1, 2, 5, 10]), 7)
    # no parameter request list: everything configured is sent, 119 too
    yield "noprl", bootp([10, 8, 0, 5], bytes([4, 1, 2, 2, 0])) \
        + opt(53, bytes([INFORM])) + b"\xff"
    # a Linux client asking for 119 and 121, with a maximum message size
    yield "linux-prl119", bootp([10, 8, 0, 6], bytes([5, 2, 2, 3, 0]), 0xA1B2C3D4) \
        + opt(53, bytes([INFORM])) + opt(57, struct.pack(">H", 1472)) \
        + opt(55, bytes([1, 3, 6, 15, 119, 121, 28])) + b"\xff"
    # the parameter request list in two pieces (RFC 3396)
    yield "prl-split", bootp([10, 8, 0, 7], bytes([3, 1, 2, 2, 0]), 0xFFFFFFFF) \
        + opt(53, bytes([INFORM])) + opt(55, bytes([1, 15, 3, 6])) \
        + opt(55, bytes([121, 249])) + b"\xff"
    # option overload 3: more options in file, then sname
    yield "overload", bootp([10, 8, 0, 8], bytes([6, 2, 2, 4, 0]), 9,
                            sname=opt(55, bytes([119])) + b"\xff",
                            file=opt(53, bytes([INFORM])) + opt(55, bytes([15, 121])) + b"\xff") \
        + opt(52, b"\x03") + opt(55, bytes([6])) + b"\xff"
    # other hardware types; the broadcast flag
    yield "htype-ppp", bootp([10, 8, 0, 9], bytes([1, 1, 1, 1, 0]), 10, flags=0x8000,
                             htype=0, hlen=0) + opt(53, bytes([INFORM])) + b"\xff"
    # refused: a DISCOVER, a REQUEST, no END, an option past the end
    yield "discover", bootp([0, 0, 0, 0], WIN_MAC) + opt(53, bytes([DISCOVER])) \
        + opt(55, WIN_PRL) + b"\xff"
    yield "request", bootp([10, 8, 0, 5], WIN_MAC) + opt(53, bytes([REQUEST])) + b"\xff"
    yield "no-end", bootp([10, 8, 0, 5], WIN_MAC) + opt(53, bytes([INFORM]))
    yield "past-end", bootp([10, 8, 0, 5], WIN_MAC) + opt(53, bytes([INFORM])) + b"\x37\x09\x01"



def main():
    os.makedirs(OUT, exist_ok=True)
    for fname, data in msgs():
        with open(os.path.join(OUT, fname), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
