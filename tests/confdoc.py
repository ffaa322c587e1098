#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The configuration's documentation against l2secd's parser. For every key
# l2sec.conf(5) documents in a [section] (".BI "key = " ..."), what it says must
# be what l2secd does:
#  - the key exists: l2secd -n takes it in that section;
#  - a range "A to B" in a number's paragraph is the parser's own: a value past
#    any bound makes l2secd -n say "must be A to B";
#  - "Default: X." is what l2secd -n -p prints for the key when the file leaves
#    it out (simple values only: a number, a duration, a word, an address);
#  - every key l2secd -n -p prints is documented in its section.
# And every table of docs/SECURITY.md with a "key" and a "default" column: each
# row's keys exist, their defaults are l2secd's and the ranges of its "bounds"
# column ("A..B", units and "0 (off)" too) are the parser's.
# Both were found wrong this way in session 25: the manual's max-tunnels "1 to
# 65535", while the parser takes up to 131072 (the module's bound, issue 19), and
# SECURITY.md's sccrq-rate default 20, which is 100 since issue 14.
# Needs build/l2secd (make userspace). Last line: "N passed, N failed".
import os
import re
import subprocess
import sys
import tempfile

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
L2SECD = os.path.join(top, "build", "l2secd")
MAN = os.path.join(top, "man", "l2sec.conf.5")
# sections whose keys l2secd reads from l2sec.conf
SECTIONS = ("global", "l2tp", "ppp", "ipsec", "client", "radius")

passed = failed = 0


def result(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok - confdoc: {what}")
    else:
        failed += 1
        print(f"not ok - confdoc: {what}")
        if detail:
            print(f"    {detail}")


def plain(roff):
    """A paragraph's roff as plain words: requests dropped, escapes resolved."""
    out = []
    for line in roff:
        if line.startswith(".\\\""):
            continue
        m = re.match(r"^\.(B|I|BR|RB|IR|RI|BI|IB)\s+(.*)$", line)
        if m:
            line = m.group(2).replace('"', "")
        elif line.startswith("."):
            continue
        line = line.replace("\\-", "-").replace("\\(em", "-").replace("\\e", "\\")
        line = re.sub(r"\\f[BIRP]", "", line)
        out.append(line)
    return re.sub(r"\s+", " ", " ".join(out)).strip()


def manual():
    """{(section, key): (kind, paragraph text)} from l2sec.conf(5)."""
    keys = {}
    section = None
    cur = None
    with open(MAN, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for line in lines:
        m = re.match(r"^\.SH\s+\[(\w+)\]", line)
        if m or line.startswith(".SH"):
            section = m.group(1) if m else None
            cur = None
            continue
        m = re.match(r'^\.BI\s+"([a-z0-9\\-]+) = "\s*(.*)$', line)
        if m and section in SECTIONS:
            key = m.group(1).replace("\\-", "-")
            cur = []
            keys[(section, key)] = (m.group(2).replace('"', "").strip(), cur)
            continue
        if line.startswith((".TP", ".PP", ".SS", ".SH")):
            cur = None
            continue
        if cur is not None:
            cur.append(line)
    return {k: (kind, plain(text)) for k, (kind, text) in keys.items()}


def l2secd(conf, *args):
    with tempfile.TemporaryDirectory() as d:
        users = os.path.join(d, "users")
        os.close(os.open(users, os.O_CREAT | os.O_WRONLY, 0o600))
        path = os.path.join(d, "l2sec.conf")
        with open(path, "w") as f:
            f.write(conf.replace("@USERS@", users))
        p = subprocess.run([L2SECD, "-n", *args, "-c", path], capture_output=True,
                           text=True, timeout=30)
        return p.returncode, p.stdout + p.stderr


BASE = "[global]\nprivsep = no\n[ppp]\nusers = @USERS@\n"


def with_key(section, line):
    return BASE + f"[{section}]\n{line}\n"


def printed():
    """{(section, key): value} as l2secd -n -p prints a file that sets nothing."""
    rc, out = l2secd(BASE, "-p")
    if rc != 0:
        print(f"Bail out! l2secd -n -p failed: {out.strip()}")
        sys.exit(1)
    vals = {}
    section = None
    for line in out.split("\n"):
        m = re.match(r"^\[(\w+)\]$", line)
        if m:
            section = m.group(1)
        m = re.match(r"^([a-z0-9-]+) = ?(.*)$", line)
        if m and section:
            vals[(section, m.group(1))] = m.group(2)
    return vals


UNITS = {"ms": 1, "s": 1000, "min": 60000, "m": 60000, "h": 3600000, "d": 86400000}


def ms_of(v):
    """A duration as the documents and l2secd write it ("250 ms", "1 s", "60s", "0") in ms."""
    m = re.fullmatch(r"(\d+) ?(ms|s|min|m|h|d)?", v.strip())
    return int(m.group(1)) * UNITS[m.group(2) or "s"] if m else None


def same(kind, want, got):
    """Whether the documented default WANT is the printed GOT, for a key of KIND."""
    if want in ("none", "unset", "empty"):
        return got == ""
    if kind == "duration":
        return ms_of(want) is not None and ms_of(want) == ms_of(got)
    return got == want


def parser_range(section, key, duration):
    """(lo, hi) l2secd -n reports for a value past every bound; 0 for "0 or"."""
    value = "99999999999s" if duration else "99999999999999"
    rc, out = l2secd(with_key(section, f"{key} = {value}"))
    unit = "ms" if duration else ""
    r = re.search(rf"{re.escape(key)}: must be (0 or )?(\d+){unit} to (\d+){unit}", out)
    if rc == 0 or not r:
        return None
    return (0 if r.group(1) else int(r.group(2)), int(r.group(3)))


def security_tables(man, vals):
    """The tables of docs/SECURITY.md with "key" and "default" columns; the keys checked."""
    rows = 0
    with open(os.path.join(top, "docs", "SECURITY.md"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    cols = None
    for line in lines:
        if not line.startswith("|"):
            cols = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cols is None:
            cols = cells
            continue
        if "key" not in cols or "default" not in cols or set("".join(cells)) <= set("-: "):
            continue
        cell = cells[cols.index("key")]
        m = re.match(r"`\[(\w+)\] ([a-z0-9-]+)`", cell)
        if not m:
            continue
        section = m.group(1)
        keys = [m.group(2)] + re.findall(r", `([a-z0-9-]+)`", cell[m.end():].split(" (")[0])
        # one part of a cell a key, when the cell has one per key
        def parts(col):
            if col not in cols:
                return [""] * len(keys)
            c = re.sub(r" \([^)]*\)", "", cells[cols.index(col)])
            p = [x.strip() for x in c.split(", ")]
            return p if len(p) == len(keys) else [c.split(", ")[0].strip()] * len(keys)
        for key, d, b in zip(keys, parts("default"), parts("bounds")):
            name = f"SECURITY.md: [{section}] {key}"
            rows += 1
            if (section, key) not in vals:
                result(False, f"{name}: a key of l2secd", "l2secd -n -p prints no such key")
                continue
            kind = man.get((section, key), ("", ""))[0]
            got = vals[(section, key)]
            if d:
                result(same(kind, d, got), f"{name}: default {d}", f"l2secd -n -p: '{got}'")
            r = re.fullmatch(r"(\d+ ?(?:ms|s|min|h)?)\.\.(\d+ ?(?:ms|s|min|h)?)", b)
            if r:
                duration = kind == "duration"
                want = ((ms_of(r.group(1)), ms_of(r.group(2))) if duration else
                        (int(r.group(1)), int(r.group(2))))
                got_r = parser_range(section, key, duration)
                result(got_r == want, f"{name}: {b}", f"l2secd -n: {got_r}")
    return rows


def main():
    if not os.access(L2SECD, os.X_OK):
        print(f"Bail out! {L2SECD} missing: make userspace")
        return 1
    man = manual()
    vals = printed()
    # keys set by BASE itself print what BASE set, not their default
    base_set = {("global", "privsep"), ("ppp", "users")}

    for (section, key), (kind, text) in sorted(man.items()):
        name = f"[{section}] {key}"
        if (section, key) not in vals:
            result(False, f"{name}: a key of l2secd", "l2secd -n -p prints no such key")
            continue
        m = re.search(r"\b(\d+) to (\d+)\b", text)
        if kind in ("number", "n", "KiB") and m:
            got = parser_range(section, key, False)
            result(got == (int(m.group(1)), int(m.group(2))),
                   f"{name}: {m.group(0)}, as documented", f"l2secd -n: {got}")
        # "A to B" with units; "0 (none) or A to B": 0 or A to B
        m = re.search(r"\b(0 (?:\([a-z]+\) )?or )?(\d+) ?(ms|s|min|h)? to (\d+) ?(ms|s|min|h)\b",
                      text)
        if kind == "duration" and m:
            lo = int(m.group(2)) * UNITS[m.group(3) or m.group(5)]
            hi = int(m.group(4)) * UNITS[m.group(5)]
            got = parser_range(section, key, True)
            ok = got == ((0 if m.group(1) else lo), hi)
            if ok and m.group(1) and lo > 1:
                # below A, but not 0: refused too
                rc, out = l2secd(with_key(section, f"{key} = {lo - 1}ms"))
                ok = rc != 0 and f"{key}" in out
                got = f"{lo - 1}ms taken" if not ok else got
            result(ok, f"{name}: {m.group(0)}, as documented", f"l2secd -n: {got}")
        m = re.search(r"up to (\d+) characters", text)
        if m:
            rc, out = l2secd(with_key(section, f"{key} = {'a' * (int(m.group(1)) + 1)}"))
            r = re.search(rf"{re.escape(key)}: length must be \d+ to (\d+) characters", out)
            got = r.group(1) if r else f"no length in: {out.strip()[:200]}"
            result(rc != 0 and got == m.group(1), f"{name}: up to {m.group(1)} characters",
                   f"l2secd -n: {got}")
        d = re.search(r"Default: ([^ ]+?)\.(?: |$)", text)
        if d and (section, key) not in base_set and re.fullmatch(r"[A-Za-z0-9.:/_-]+", d.group(1)):
            want = d.group(1)
            got = vals[(section, key)]
            result(same(kind, want, got), f"{name}: default {want}", f"l2secd -n -p: '{got}'")

    # a format the reader no longer follows checks nothing: that is a failure
    result(security_tables(man, vals) > 0, "docs/SECURITY.md: tables of keys found",
           "no table with key and default columns, or no row of a key")

    for (section, key) in sorted(vals):
        if (section, key) not in man:
            result(False, f"[{section}] {key}: documented in l2sec.conf(5)",
                   "l2secd -n -p prints it; the manual has no entry in its section")

    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
