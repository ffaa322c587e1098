#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""An SCCRQ flood for the admission control guest test (no scapy: starts fast).

    sccrq_flood.py --dst A [--dport P] --rate N --seconds S
                   (--bind A [--sport P] | --spoof CIDR)

Sends well-formed SCCRQs (RFC 2661 6.1) at RATE per second for SECONDS, each
with a new Assigned Tunnel ID, and never answers what comes back: the peer
that keeps a gateway's half-open tunnels busy. With --bind, from one UDP
socket (one client, one NAT mapping, one SA); with --spoof, from a raw
socket with a random source address in CIDR for every datagram. Prints
"sent N" at the end.
"""
import argparse
import ipaddress
import random
import socket
import struct
import time


def avp(vtype, value, mandatory=True):
    return struct.pack("!HHH", (0x8000 if mandatory else 0) | (6 + len(value)), 0,
                       vtype) + value


def sccrq(tid):
    body = (avp(0, struct.pack("!H", 1)) +		# Message Type: SCCRQ
            avp(2, struct.pack("!H", 0x0100)) +		# Protocol Version 1.0
            avp(3, struct.pack("!I", 3)) +		# Framing Capabilities
            avp(7, b"flood") +				# Host Name
            avp(9, struct.pack("!H", tid)) +		# Assigned Tunnel ID
            avp(10, struct.pack("!H", 4)))		# Receive Window Size
    # T, L, S, version 2; tunnel 0, session 0, Ns 0, Nr 0
    return struct.pack("!HHHHHH", 0xc802, 12 + len(body), 0, 0, 0, 0) + body


def udp4(src, sport, dst, dport, payload):
    """IPv4 + UDP; the kernel fills in the IP checksum and length (raw(7))."""
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 0, random.getrandbits(16), 0, 64,
                     socket.IPPROTO_UDP, 0, socket.inet_aton(src), socket.inet_aton(dst))
    return ip + struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dst", required=True)
    p.add_argument("--dport", type=int, default=1701)
    p.add_argument("--rate", type=float, required=True)
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--bind")
    p.add_argument("--sport", type=int, default=1701)
    p.add_argument("--spoof")
    a = p.parse_args()
    if a.spoof:
        net = ipaddress.ip_network(a.spoof)
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((a.bind or "0.0.0.0", a.sport))
    sent = 0
    start = time.monotonic()
    end = start + a.seconds
    while True:
        now = time.monotonic()
        if now >= end:
            break
        # catch up after a slow moment: the rate is an average, as a flood's is
        due = int((now - start) * a.rate) + 1
        while sent < due:
            tid = 1 + sent % 65535
            if a.spoof:
                src = str(net[random.randrange(1, net.num_addresses - 1)])
                s.sendto(udp4(src, 1701, a.dst, a.dport, sccrq(tid)), (a.dst, 0))
            else:
                s.sendto(sccrq(tid), (a.dst, a.dport))
            sent += 1
        time.sleep(min(1 / a.rate, max(0.0, end - time.monotonic())))
    print(f"sent {sent}", flush=True)


if __name__ == "__main__":
    main()
