#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""relay46.py ADDR4 LOCAL6 PEER6 [PORT]: UDP between an IPv4-only L2TP client
and an IPv6 gateway (xl2tpd has no IPv6: tests/vm/tests/66-ipsec-ipv6.sh).

Datagrams to ADDR4:PORT go out from [LOCAL6]:PORT to [PEER6]:PORT, byte for
byte; those from [PEER6]:PORT go back to the last IPv4 sender.  The IPv6 side
is the client's address as the gateway and both charons see it: the ESP
transport SA for udp/PORT protects it.  Prints "ready" once bound.
"""
import select
import socket
import sys


def main():
    addr4, local6, peer6 = sys.argv[1:4]
    port = int(sys.argv[4]) if len(sys.argv) > 4 else 1701
    s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s4.bind((addr4, port))
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s6.bind((local6, port))
    client = None
    print("ready", flush=True)
    while True:
        ready, _, _ = select.select([s4, s6], [], [])
        if s4 in ready:
            data, client = s4.recvfrom(65535)
            s6.sendto(data, (peer6, port))
        if s6 in ready:
            data, src = s6.recvfrom(65535)
            if client and src[1] == port:
                s4.sendto(data, client)


if __name__ == "__main__":
    main()
