# SPDX-License-Identifier: GPL-2.0
"""Answer one-shot command lines from a process that is already running.

Under TCG, starting Python costs seconds and importing scapy about 10 s more, so
a test that sends packets many times starts one server early (its import
overlapping with the test's setup) and sends it requests with tests/vm/pkt/req:

    SCRIPT serve FIFO       (see pkt_serve in tests/vm/lib.sh)
    req FIFO NETNS ARG...   prints what "SCRIPT ARG..." prints, run in the
                            network namespace NETNS ("-": the server's own),
                            and exits with its status

The server creates FIFO and reads one request a line from it: the path of a
FIFO REPLY, with the request in the file REPLY.args (NETNS and the ARGs, each
ended by a NUL byte: any text goes through). The answer goes to REPLY:
the one-shot command's standard output, each line as "1|LINE", its standard
error as "2|LINE", then "exit STATUS". Requests are served one at a time, each
in a fresh state: only the imports are shared.
"""
import contextlib
import ctypes
import io
import os
import traceback

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def setns(fd):
    # os.setns is Python 3.12; Debian 12 has 3.11
    if libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def serve(fifo, run):
    """run(argv) is the one-shot command: prints its output, returns its status."""
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    # read and write: the FIFO never reaches end of file between two clients
    req = os.fdopen(os.open(fifo, os.O_RDWR), "r")
    print("serve ready", flush=True)
    for line in req:
        reply = line.rstrip("\n")
        out, err = io.StringIO(), io.StringIO()
        rc = 1
        try:
            with open(reply + ".args", "rb") as f:
                ns, *argv = [a.decode() for a in f.read().split(b"\0")[:-1]]
            if ns != "-":
                fd = os.open("/run/netns/" + ns, os.O_RDONLY)
                try:
                    setns(fd)
                finally:
                    os.close(fd)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                rc = run(argv)
        except SystemExit as e:  # argparse's errors and sys.exit()
            if isinstance(e.code, int) or e.code is None:
                rc = e.code
            else:
                print(e.code, file=err)
        except Exception:
            traceback.print_exc(file=err)
        finally:
            setns(home)
        text = "".join("%d|%s\n" % (ch, line)
                       for ch, buf in ((1, out), (2, err))
                       for line in buf.getvalue().splitlines())
        # the client holds REPLY open (read and write), so this does not block
        try:
            with open(reply, "w") as f:
                f.write(text + "exit %d\n" % (rc or 0))
        except OSError as e:  # the client gave up (timed out)
            print("no client for %s: %s" % (reply, e), flush=True)
