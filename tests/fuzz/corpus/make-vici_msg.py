#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seeds for fuzz_vici_msg and fuzz_vici_client: VICI messages shaped like what
strongSwan 5.9.8's charon sends (vici README encoding; event layouts of
vici_query.c), and for the client the same wrapped in packets.

    tests/fuzz/corpus/make-vici_msg.py    (writes corpus/vici_msg/, corpus/vici_client/)
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

SECTION_START, SECTION_END, KEY_VALUE, LIST_START, LIST_ITEM, LIST_END = range(1, 7)
CMD_RESPONSE, CMD_UNKNOWN, EVENT_CONFIRM, EVENT_UNKNOWN, EVENT = 1, 2, 5, 6, 7


def name(s):
    b = s.encode()
    return bytes([len(b)]) + b


def value(v):
    b = v if isinstance(v, bytes) else str(v).encode()
    return struct.pack(">H", len(b)) + b


def enc(tree):
    """tree: list of (key, value) where value is str, list of str, or a nested list."""
    out = b""
    for k, v in tree:
        if isinstance(v, tuple):            # a list
            out += bytes([LIST_START]) + name(k)
            out += b"".join(bytes([LIST_ITEM]) + value(i) for i in v)
            out += bytes([LIST_END])
        elif isinstance(v, list):           # a section
            out += bytes([SECTION_START]) + name(k) + enc(v) + bytes([SECTION_END])
        else:
            out += bytes([KEY_VALUE]) + name(k) + value(v)
    return out


def ike(uid="2", rport="4500"):
    return [("uniqueid", uid), ("version", "1"), ("state", "ESTABLISHED"),
            ("local-host", "192.0.2.1"), ("local-port", "4500"), ("local-id", "192.0.2.1"),
            ("remote-host", "198.51.100.7"), ("remote-port", rport),
            ("remote-id", "192.168.1.10"), ("initiator-spi", "a1b2c3d4e5f60718"),
            ("responder-spi", "0102030405060708"), ("nat-remote", "yes"), ("nat-any", "yes"),
            ("encr-alg", "AES_CBC"), ("encr-keysize", "256"), ("established", "3")]


def child(uid="3", spi="c1a2b3c4", mark="00000001"):
    return [("name", "l2tp"), ("uniqueid", uid), ("reqid", "1"), ("state", "INSTALLED"),
            ("mode", "TRANSPORT"), ("protocol", "ESP"), ("encap", "yes"),
            ("spi-in", spi), ("spi-out", "0badf00d"), ("mark-in", mark), ("mark-out", mark),
            ("local-ts", ("192.0.2.1/32[udp/l2f]",)), ("remote-ts", ("198.51.100.7/32[udp/l2f]",))]


MESSAGES = {
    "readme-example": [("key1", "value1"),
                       ("section1", [("sub-section", [("key2", "value2")]),
                                     ("list1", ("item1", "item2"))])],
    "child-updown": [("up", "yes"),
                     ("l2sec", ike() + [("child-sas", [("l2tp-3", child())])])],
    "child-rekey": [("l2sec", ike() + [("child-sas", [("l2tp", [
        ("old", child()), ("new", child("4", "d1d2d3d4", "00000002"))])])])],
    "ike-update": [("local-host", "192.0.2.1"), ("local-port", "4500"),
                   ("remote-host", "198.51.100.7"), ("remote-port", "61000"),
                   ("l2sec", ike())],
    "ike-updown": [("l2sec", ike())],
    "list-sa": [("l2sec", ike() + [("child-sas", [("l2tp-3", child()),
                                                   ("l2tp-5", child("5"))])])],
    "reply-ok": [("success", "yes")],
    "reply-error": [("success", "no"), ("errmsg", "parsing shared key owners failed")],
    "empty": [],
}


def packet(ptype, msg=b"", pname=None):
    body = bytes([ptype]) + (name(pname) if pname else b"") + msg
    return struct.pack(">I", len(body)) + body


def write(d, fname, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, fname), "wb") as f:
        f.write(data)


def main():
    msgdir = os.path.join(HERE, "vici_msg")
    for fname, tree in MESSAGES.items():
        write(msgdir, fname, enc(tree))

    # The client fuzzer registers child-updown, then sends one request:
    # the answers and events charon would send back, in packets.
    cli = os.path.join(HERE, "vici_client")
    confirm = packet(EVENT_CONFIRM)
    write(cli, "confirm-response", confirm + packet(CMD_RESPONSE, enc(MESSAGES["reply-ok"])))
    write(cli, "event-mid-command", confirm +
          packet(EVENT, enc(MESSAGES["child-updown"]), "child-updown") +
          packet(CMD_RESPONSE, enc(MESSAGES["reply-error"])))
    write(cli, "unknown", packet(EVENT_UNKNOWN) + packet(CMD_UNKNOWN))
    write(cli, "unwanted-event", confirm + packet(EVENT, enc(MESSAGES["list-sa"]), "list-sa"))


if __name__ == "__main__":
    main()
