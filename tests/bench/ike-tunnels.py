#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""L2TP control connections from many client addresses, for 40-ike-scale.sh.

    ike-tunnels.py SERVER ADDRS_FILE FIRST_TID OUT_JSON [INFLIGHT] [TIMEOUT]

For each address of ADDRS_FILE (one a line), in order: a UDP socket bound to
ADDR:1701 (so that the client's transport-mode SA, udp/1701 both ways, carries
it, as Windows sends it), an SCCRQ with Assigned Tunnel ID FIRST_TID + its line
number, the gateway's SCCRP, an SCCCN, and the gateway's acknowledgement (a ZLB
or any message with Nr 2): the tunnel is established. RFC 2661 5.8
retransmission (1, 2, 4 s) of the SCCRQ and the SCCCN, at most INFLIGHT
(default 64) setups at once, TIMEOUT (default 120) seconds for all.

OUT_JSON: {"up": N, "failed": N, "seconds": S, "tunnels": [[addr, our_tid,
gw_tid], ...]} of the established ones. Exit status 0 when all came up.
"""
import json
import selectors
import socket
import struct
import sys
import time

T, L, S = 0x8000, 0x4000, 0x0800
SCCRQ, SCCRP, SCCCN = 1, 2, 3
TRIES = 5


def avp(typ, val):
    return struct.pack("!HHH", 0x8000 | (6 + len(val)), 0, typ) + val


def ctrl(tid, ns, nr, body):
    return struct.pack("!HHHHHH", T | L | S | 2, 12 + len(body), tid, 0, ns, nr) + body


def parse(data):
    """(msg_type or 0 for a ZLB, nr, assigned tunnel id or None), or None."""
    if len(data) < 12:
        return None
    flags, length, _tid, _sid, _ns, nr = struct.unpack("!HHHHHH", data[:12])
    if flags & (T | L | S) != (T | L | S) or flags & 0xf != 2 or length > len(data):
        return None
    mtype, assigned, off = 0, None, 12
    while off + 6 <= length:
        hdr, vendor, typ = struct.unpack("!HHH", data[off:off + 6])
        alen = hdr & 0x3ff
        if alen < 6 or off + alen > length:
            return None
        val = data[off + 6:off + alen]
        if vendor == 0 and typ == 0 and len(val) == 2:
            mtype = struct.unpack("!H", val)[0]
        elif vendor == 0 and typ == 9 and len(val) == 2:
            assigned = struct.unpack("!H", val)[0]
        off += alen
    return mtype, nr, assigned


class Client:
    def __init__(self, addr, tid):
        self.addr, self.tid, self.gw_tid = addr, tid, None
        self.sk = None
        self.msg, self.tries, self.due = None, 0, 0.0
        self.done = False

    def send(self, now):
        self.sk.sendto(self.msg, (SERVER, 1701))
        self.due = now + (1 << self.tries)
        self.tries += 1


def sccrq(c):
    return ctrl(0, 0, 0, avp(0, struct.pack("!H", SCCRQ)) + avp(2, b"\x01\x00") +
                avp(3, struct.pack("!I", 3)) + avp(7, b"ike-scale") +
                avp(9, struct.pack("!H", c.tid)) + avp(10, struct.pack("!H", 4)))


def main():
    global SERVER
    SERVER = sys.argv[1]
    addrs = [a.strip() for a in open(sys.argv[2]) if a.strip()]
    first, out = int(sys.argv[3]), sys.argv[4]
    inflight = int(sys.argv[5]) if len(sys.argv) > 5 else 64
    timeout = float(sys.argv[6]) if len(sys.argv) > 6 else 120
    todo = [Client(a, first + i) for i, a in enumerate(addrs)]
    todo.reverse()
    active, up, failed = [], [], 0
    sel = selectors.DefaultSelector()
    start = time.monotonic()
    while (todo or active) and time.monotonic() - start < timeout:
        now = time.monotonic()
        while todo and len(active) < inflight:
            c = todo.pop()
            c.sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            c.sk.bind((c.addr, 1701))
            c.msg = sccrq(c)
            c.send(now)
            sel.register(c.sk, selectors.EVENT_READ, c)
            active.append(c)
        for key, _ in sel.select(0.2):
            c = key.data
            try:
                data = c.sk.recv(4096)
            except OSError:
                continue
            m = parse(data)
            if m is None:
                continue
            mtype, nr, assigned = m
            if mtype == SCCRP and c.gw_tid is None and assigned:
                c.gw_tid = assigned
                c.msg = ctrl(c.gw_tid, 1, 1, avp(0, struct.pack("!H", SCCCN)))
                c.tries = 0
                c.send(time.monotonic())
            elif c.gw_tid is not None and nr >= 2 and mtype != SCCRP:
                c.done = True
        now = time.monotonic()
        for c in list(active):
            if not c.done and now >= c.due and c.tries < TRIES:
                c.send(now)
            if c.done or (now >= c.due and c.tries >= TRIES):
                if c.done:
                    up.append([c.addr, c.tid, c.gw_tid])
                else:
                    failed += 1
                sel.unregister(c.sk)
                c.sk.close()
                active.remove(c)
    failed += len(active) + len(todo)
    res = {"up": len(up), "failed": failed, "seconds": round(time.monotonic() - start, 2),
           "tunnels": up}
    with open(out, "w") as f:
        json.dump(res, f)
    print("tunnels up %d failed %d in %.1f s" % (len(up), failed, res["seconds"]))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
