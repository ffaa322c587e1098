#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""JSON checks and l2secd's control socket, for jcheck, jget and l2secd_ctl
in tests/vm/lib.sh: one Python per test answers them all (see serve.py), as
each Python started costs seconds under TCG.

    jsonq.py check EXPR FILE   exit 0 when the Python expression EXPR, on the
                               JSON document j read from FILE, is true
    jsonq.py get EXPR FILE     print EXPR's value
    jsonq.py ctl SOCKET REQ    l2secd's answer to REQ on its control socket
    jsonq.py memhas PID TEXT   "found" when the process's readable memory holds
                               TEXT, "clean" when it does not, "unreadable" when
                               nothing of it could be read
    jsonq.py serve FIFO
"""
import json
import socket
import sys


def mem_has(pid, text):
    found, read = False, 0
    try:
        with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
            for line in maps:
                rng, perm = line.split()[:2]
                if "r" not in perm:
                    continue
                lo, hi = (int(x, 16) for x in rng.split("-"))
                try:
                    mem.seek(lo)
                    data = mem.read(hi - lo)
                except (OSError, ValueError, OverflowError):
                    continue
                read += len(data)
                found = found or text in data
    except OSError:
        pass
    return "found" if found else "clean" if read else "unreadable"


def main(argv):
    cmd = argv[0]
    if cmd in ("check", "get"):
        with open(argv[2]) as f:
            j = json.load(f)
        # one namespace, as at a script's top level: j is seen in comprehensions too
        v = eval(argv[1], {"j": j, "json": json, "sys": sys})
        if cmd == "check":
            return 0 if v else 1
        print(v)
        return 0
    if cmd == "ctl":
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(10)
            s.connect(argv[1])
            s.sendall(argv[2].encode() + b"\n")
            d = b""
            while True:
                b = s.recv(65536)
                if not b:
                    break
                d += b
        sys.stdout.write(d.decode())
        return 0
    if cmd == "memhas":
        print(mem_has(argv[1], argv[2].encode()))
        return 0
    print("jsonq.py: unknown command %r" % cmd, file=sys.stderr)
    return 2


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        import serve
        serve.serve(sys.argv[2], main)
    else:
        sys.exit(main(sys.argv[1:]))
