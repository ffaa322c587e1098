#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send a DHCPINFORM as Windows does after IPCP, and print the answer as JSON.

    inform.py ADDR IFACE [good|bad]
    inform.py serve FIFO     the same, asked by requests (see serve.py)

From ADDR:68 on IFACE (a PPP interface) to 255.255.255.255:67. "good" is
Windows 10's INFORM (message type 8, client id, host name, vendor class
"MSFT 5.0", its parameter request list); "bad" is the same with the magic
cookie broken. Prints {"reply": null} when nothing comes back within 3 s,
else {"reply": {"op", "xid", "ciaddr", "yiaddr", "options": {...}}} with
options 6 and 54 as address lists, 15 as a string, 119 as names, and 121 and
249 decoded per RFC 3442 into ["net/len via router", ...].
"""
import json
import socket
import struct
import sys

from scapy.layers.dhcp import BOOTP, DHCP

XID = 0x4C325345

def options(buf):
    """Raw options after the cookie, pieces of one code joined (RFC 3396)."""
    out, i = {}, 240
    while i < len(buf):
        code = buf[i]
        if code == 0:
            i += 1
            continue
        if code == 255:
            break
        n = buf[i + 1]
        out[code] = out.get(code, b"") + buf[i + 2:i + 2 + n]
        i += 2 + n
    return out


def routes(b):
    out, i = [], 0
    while i < len(b):
        w = b[i]
        k = (w + 7) // 8
        net = b[i + 1:i + 1 + k] + b"\x00" * (4 - k)
        gw = b[i + 1 + k:i + 5 + k]
        out.append("%s/%d via %s" % (socket.inet_ntoa(net), w, socket.inet_ntoa(gw)))
        i += 5 + k
    return out


def names(b):
    out, i, cur = [], 0, []
    while i < len(b):
        n = b[i]
        if n == 0:
            out.append(".".join(cur))
            cur = []
            i += 1
            continue
        cur.append(b[i + 1:i + 1 + n].decode())
        i += 1 + n
    return out


def addrs(b):
    return [socket.inet_ntoa(b[i:i + 4]) for i in range(0, len(b), 4)]


def main(argv):
    addr, iface = argv[0], argv[1]
    mode = argv[2] if len(argv) > 2 else "good"

    req = bytes(BOOTP(op=1, htype=1, hlen=6, xid=XID, ciaddr=addr,
                      chaddr=b"\x02\x00\x5e\x10\x20\x30" + b"\x00" * 10) /
                DHCP(options=[("message-type", "inform"),
                              ("client_id", b"\x01\x02\x00\x5e\x10\x20\x30"),
                              ("hostname", b"WIN10-CLIENT"),
                              ("vendor_class_id", b"MSFT 5.0"),
                              ("param_req_list", [1, 15, 3, 6, 44, 46, 47, 31, 33, 121, 249, 43]),
                              "end"]))
    if mode == "bad":
        req = req[:236] + b"\x63\x82\x53\x00" + req[240:]

    # closed at the end: a server sends many times from the same port
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode())
        s.bind((addr, 68))
        s.settimeout(3)
        s.sendto(req, ("255.255.255.255", 67))
        try:
            data, _ = s.recvfrom(4096)
        except socket.timeout:
            print(json.dumps({"reply": None}))
            return 0

    op, xid = data[0], struct.unpack("!I", data[4:8])[0]
    o = options(data)
    dec = {}
    for code, val in o.items():
        if code in (6, 54):
            dec[str(code)] = addrs(val)
        elif code == 15:
            dec["15"] = val.decode()
        elif code == 119:
            dec["119"] = names(val)
        elif code in (121, 249):
            dec[str(code)] = routes(val)
        elif code == 53:
            dec["53"] = val[0]
        else:
            dec[str(code)] = val.hex()
    print(json.dumps({"reply": {"op": op, "xid": xid, "xid_ok": xid == XID,
                                "ciaddr": socket.inet_ntoa(data[12:16]),
                                "yiaddr": socket.inet_ntoa(data[16:20]), "options": dec}}))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        import serve
        serve.serve(sys.argv[2], main)
    else:
        sys.exit(main(sys.argv[1:]))
