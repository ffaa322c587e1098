#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seeds for fuzz_l2tp_msg (datagrams) and fuzz_l2tp_fsm (sequences), built
from RFC 2661's message layouts as an xl2tpd LAC sends them.

    tests/fuzz/corpus/make-l2tp.py    (writes corpus/l2tp_msg/, corpus/l2tp_fsm/)
"""
import hashlib
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

SCCRQ, SCCRP, SCCCN, STOPCCN, HELLO = 1, 2, 3, 4, 6
ICRQ, ICRP, ICCN, CDN, WEN, SLI = 10, 11, 12, 14, 15, 16


def avp(t, val, m=True, hidden=False, vendor=0):
    flags = (0x8000 if m else 0) | (0x4000 if hidden else 0)
    return struct.pack(">HHH", flags | (6 + len(val)), vendor, t) + val


def u16(v):
    return struct.pack(">H", v)


def u32(v):
    return struct.pack(">I", v)


def hide(t, val, secret, rv):
    sub = u16(len(val)) + val
    out, b = b"", hashlib.md5(u16(t) + secret + rv).digest()
    for i in range(0, len(sub), 16):
        c = bytes(x ^ y for x, y in zip(sub[i:i + 16], b))
        out += c
        b = hashlib.md5(secret + c).digest()
    return out


def ctrl(tid, sid, ns, nr, body):
    return struct.pack(">HHHHHH", 0xc802, 12 + len(body), tid, sid, ns, nr) + body


def sccrq(tid=0x1234, chal=None):
    b = avp(0, u16(SCCRQ)) + avp(2, b"\x01\x00") + avp(3, u32(3)) + avp(7, b"lac") \
        + avp(9, u16(tid)) + avp(10, u16(4)) + avp(8, b"xelerance.com", m=False)
    if chal:
        b += avp(11, chal)
    return b


def msgs():
    yield "sccrq", ctrl(0, 0, 0, 0, sccrq())
    yield "sccrq_chal", ctrl(0, 0, 0, 0, sccrq(chal=bytes(range(16))))
    yield "scccn", ctrl(7, 0, 1, 1, avp(0, u16(SCCCN)) + avp(13, bytes(16)))
    yield "hello", ctrl(7, 0, 2, 1, avp(0, u16(HELLO)))
    yield "zlb", ctrl(7, 0, 3, 2, b"")
    yield "icrq", ctrl(7, 0, 2, 1, avp(0, u16(ICRQ)) + avp(14, u16(5)) + avp(15, u32(1))
                       + avp(18, u32(1)) + avp(22, b"555-1234"))
    yield "iccn", ctrl(7, 9, 3, 2, avp(0, u16(ICCN)) + avp(24, u32(10000000))
                       + avp(19, u32(1)) + avp(39, b""))
    yield "cdn", ctrl(7, 9, 4, 3, avp(0, u16(CDN)) + avp(1, u16(3) + u16(0) + b"bye")
                      + avp(14, u16(5)))
    yield "stopccn", ctrl(7, 0, 5, 3, avp(0, u16(STOPCCN)) + avp(9, u16(0x1234))
                          + avp(1, u16(1)))
    yield "wen", ctrl(7, 9, 4, 3, avp(0, u16(WEN)) + avp(34, bytes(26)))
    yield "sli", ctrl(7, 9, 4, 3, avp(0, u16(SLI)) + avp(35, bytes(10)))
    rv = bytes(range(1, 17))
    yield "hidden", ctrl(7, 0, 2, 1, avp(0, u16(HELLO)) + avp(36, rv)
                         + avp(22, hide(22, b"0123456789", b"secret", rv), m=False, hidden=True))
    yield "vendor_m", ctrl(7, 0, 2, 1, avp(0, u16(HELLO)) + avp(1, b"\0\0", vendor=311))
    yield "data", struct.pack(">HHH", 0x0002, 7, 9) + b"\xff\x03\xc0\x21\x01\x01\x00\x04"
    yield "data_len_off", struct.pack(">HHHHH", 0x4202, 17, 7, 9, 1) + b"\0" \
        + b"\xc0\x21\x01\x01\x00\x04"


def rec(op, payload):
    return bytes([op]) + u16(len(payload)) + payload


def fsm_seqs():
    """op 2 frames an AVP list (first two bytes: session ID) with a right header."""
    chal = bytes(range(16))
    up = rec(2, u16(0) + sccrq()) + rec(2, u16(0) + avp(0, u16(SCCCN)))
    call = rec(2, u16(0) + avp(0, u16(ICRQ)) + avp(14, u16(5)) + avp(15, u32(1)))
    yield "establish", b"\x00" + up + rec(3, b"\x02")
    yield "session", b"\x00" + up + call + rec(3, b"\x01")
    yield "teardown", b"\x00" + up + call + rec(2, u16(0) + avp(0, u16(STOPCCN))
                                                + avp(9, u16(0x1234)) + avp(1, u16(1))) \
        + rec(3, b"\xff")
    yield "auth", b"\x01" + rec(2, u16(0) + sccrq(chal=chal)) \
        + rec(2, u16(0) + avp(0, u16(SCCCN)) + avp(13, bytes(16)))
    yield "limits", b"\x02" + up + call + call + rec(5, b"")
    yield "hello_timeout", b"\x04" + up + rec(3, b"\xff") * 4
    yield "raw", b"\x00" + rec(0, ctrl(0, 0, 0, 0, sccrq())) + rec(1, ctrl(0, 0, 0, 0, sccrq()))
    yield "ppp", b"\x00" + up + call + rec(4, b"\xff\x03\xc0\x21\x01\x01\x00\x04")
    # acknowledgements withheld (op 6): an ICRQ and 63 with the same Assigned Session
    # ID fill the control queue with the ICRP and 63 CDNs; then an ICCN naming the call
    # by its Assigned Session ID, with an unknown mandatory AVP: a CDN that cannot queue
    bad_iccn = rec(2, u16(0) + avp(0, u16(ICCN)) + avp(14, u16(5)) + avp(24, u32(1))
                   + avp(19, u32(1)) + avp(1, b"\0\0", vendor=311))
    full = b"\x00" + up + rec(6, b"\x01") + call * 64
    yield "queue_full_unknown_avp", full + bad_iccn + rec(3, b"\xff")
    # the same full queue running into the retry limit, then a late acknowledgement
    yield "queue_full_rexmit", full + rec(3, b"\x08") * 8 + rec(7, b"") + rec(11, b"\x01")
    # partial, bad, duplicated, reordered and lost acknowledgements and messages
    hello = rec(2, u16(0) + avp(0, u16(HELLO)))
    yield "acks", b"\x00" + up + rec(6, b"\x01") + call + call + rec(7, b"\x01") \
        + rec(7, b"\x85") + rec(8, b"") + rec(9, b"") + hello + hello + rec(10, b"") \
        + hello + rec(11, b"\xff") + rec(6, b"\x00") + hello + rec(3, b"\x10")


def write(name, items, only=None):
    d = os.path.join(HERE, name)
    os.makedirs(d, exist_ok=True)
    for fname, data in items:
        if only and fname not in only:
            continue
        with open(os.path.join(d, fname), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    write("l2tp_msg", msgs())
    write("l2tp_fsm", fsm_seqs())
