#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# check.py DIR CA_PEM: structural checks of the profiles run.sh wrote into DIR,
# each read the way its client reads it, against the values of l2sec.conf,
# l2sec-cert.conf and users here. One "ok - ..." / "not ok - ..." line per check.
import base64
import configparser
import os
import plistlib
import re
import subprocess
import sys
import tempfile

DIR, CA = sys.argv[1], sys.argv[2]
PSK = ("it's \"a\" $(touch /tmp/pwned) `id` & <b> \\ 100% a;b \u2018q\u2019 \u201ar\u201b "
       "\u201cs\u201d \u201et \u00d1 \u00fc \U0001f600")
ROUTES = ["10.1.0.0/16", "172.16.5.0/28", "192.0.2.128/25"]
DNS = ["10.1.0.53", "10.1.0.54"]
SEARCH = ["corp.example", "lab.corp.example"]
HOSTILE = "o'brien $(x) <&>"
UUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$", re.I)
failed = 0


def check(name, cond, detail=""):
    global failed
    if cond:
        print(f"ok - {name}")
    else:
        failed += 1
        print(f"not ok - {name}" + (f": {detail}" if detail else ""))


def read(name):
    with open(os.path.join(DIR, name), encoding="utf-8") as f:
        return f.read()


def ca_der():
    with open(CA) as f:
        pem = f.read()
    body = pem.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
    return base64.b64decode("".join(body.split()))


# --- PowerShell ------------------------------------------------------------------
# What PowerShell's tokenizer takes as quotes (CharExtensions: IsSingleQuote,
# IsDoubleQuote) and as the end of a line comment.
PS_QUOTES = "'\u2018\u2019\u201a\u201b"
PS_DQUOTES = '"\u201c\u201d\u201e'
PS_NEWLINE = "\r\n"
HOSTILE_NAME = "B\u00fcro \u2018VPN\u2019 \u201cx\u201d \u201ay\u201b $(calc) `a' \u00d1 \U0001f600"
UTF8_BOM = b"\xef\xbb\xbf"


def ps51_decode(data):
    """The script as Windows PowerShell 5.1 reads a file: by its byte-order mark,
    else in the ANSI code page (cp1252 on Western systems; .NET keeps the five
    bytes cp1252 leaves undefined as the C1 controls of the same value)."""
    if data.startswith(UTF8_BOM):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


def ps_tokens(text):
    """A model of PowerShell's tokenizer for what a script can hide values in:
    comments (dropped), single-quoted strings and here-strings ("str", their
    value), expandable strings, which run $(...) (kept as code), and code. A
    string that does not end is a syntax error: ("error", rest)."""
    toks, code, i, n = [], "", 0, len(text)

    def flush():
        nonlocal code
        if code:
            toks.append(("code", code))
        code = ""

    while i < n:
        c = text[i]
        if c == "#" or text.startswith("<#", i):
            end = (min([j for j in (text.find(x, i) for x in PS_NEWLINE) if j >= 0] or [n])
                   if c == "#" else text.find("#>", i + 2) + 2)
            if c != "#" and end == 1:
                flush()
                return toks + [("error", text[i:])]
            i = end
            continue
        if c == "@" and i + 1 < n and text[i + 1] in PS_QUOTES + PS_DQUOTES:
            q = text[i + 1]
            nl = text.find("\n", i + 2)
            if nl >= 0 and not text[i + 2:nl].strip():
                m = re.compile(r"\n[" + re.escape(PS_QUOTES if q in PS_QUOTES else PS_DQUOTES)
                               + "]@").search(text, nl)
                if not m:
                    flush()
                    return toks + [("error", text[i:])]
                flush()
                toks.append(("str" if q in PS_QUOTES else "code", text[nl + 1:m.start()]))
                i = m.end()
                continue
        if c in PS_QUOTES:
            flush()
            val, i = "", i + 1
            while True:
                if i >= n:
                    return toks + [("error", val)]
                if text[i] in PS_QUOTES:
                    if i + 1 < n and text[i + 1] in PS_QUOTES:
                        val += text[i + 1]
                        i += 2
                        continue
                    i += 1
                    break
                val += text[i]
                i += 1
            toks.append(("str", val))
            continue
        if c in PS_DQUOTES:
            j = i + 1
            while j < n and text[j] not in PS_DQUOTES:
                j += 2 if text[j] == "`" else 1
            if j >= n:
                flush()
                return toks + [("error", text[i:])]
            code += text[i:j + 1]
            i = j + 1
            continue
        code += c
        i += 1
    flush()
    return toks


def ps_skeleton(toks):
    """The code with every single-quoted string as a placeholder."""
    return [("str", "") if k == "str" else (k, v) for k, v in toks]


def ps_string(text, after):
    """The single-quoted PowerShell string following AFTER, decoded as PowerShell does."""
    i = text.index(after) + len(after)
    toks = ps_tokens(text[i:])
    return toks[0][1] if toks and toks[0][0] == "str" else None


def ps_routes(text):
    return re.findall(r"^Add-VpnConnectionRoute .*-DestinationPrefix '([^']*)'$", text, re.M)


def ps_values_are_data(label, hostile_file, plain_file, values):
    """HOSTILE_FILE, read as PowerShell 5.1 does, is PLAIN_FILE's script with
    other strings: the same code around them, and each value one whole string."""
    with open(os.path.join(DIR, hostile_file), "rb") as f:
        raw = f.read()
    with open(os.path.join(DIR, plain_file), "rb") as f:
        plain = ps_tokens(ps51_decode(f.read()))
    check(f"{label}: starts with the UTF-8 byte-order mark", raw.startswith(UTF8_BOM))
    toks = ps_tokens(ps51_decode(raw))
    strs = [v for k, v in toks if k == "str"]
    check(f"{label}, read as PowerShell 5.1 does: the same code as with plain values",
          ps_skeleton(toks) == ps_skeleton(plain),
          [t for t in ps_skeleton(toks) if t not in ps_skeleton(plain)][:3])
    for what, v in values:
        check(f"{label}: the {what} is one whole string literal", v in strs, repr(v))
    # the model sees the attack of issue 18: the same bytes without the mark
    toks = ps_tokens(ps51_decode(raw[3:]))
    check(f"{label} without its byte-order mark (cp1252): the model sees the values break out",
          ps_skeleton(toks) != ps_skeleton(plain))


def check_windows():
    t = read("windows.ps1")
    check("windows: -L2tpPsk is the PSK, quoted", ps_string(t, "-L2tpPsk ") == PSK,
          repr(ps_string(t, "-L2tpPsk ")))
    check("windows: Add-VpnConnectionRoute for every route", ps_routes(t) == ROUTES, ps_routes(t))
    check("windows: L2TP, MS-CHAPv2, encryption required, split tunnel, DNS suffix",
          all(w in t for w in ("-TunnelType L2tp", "-AuthenticationMethod MSChapv2",
                               "-EncryptionLevel Required", "-SplitTunneling"))
          and ps_string(t, "-DnsSuffix ") == "corp.example")
    check("windows: the server", ps_string(t, "-ServerAddress ") == "vpn.example.com")
    check("windows: the connection name", ps_string(t, "$name = ") == "Corp VPN")
    check("windows: AssumeUDPEncapsulationContextOnSendRule = 2 (DWORD) in PolicyAgent",
          re.search(r"New-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\"
                    r"PolicyAgent' `\n +-Name 'AssumeUDPEncapsulationContextOnSendRule' "
                    r"-PropertyType DWord -Value 2", t) is not None)
    # the PSK appears once, inside its quotes
    check("windows: nothing of the PSK outside its quotes", t.count("touch /tmp/pwned") == 1)
    check("windows, split tunnel: DisableClassBasedDefaultRoute=1 in the entry of the "
          "all-users phonebook",
          "'Microsoft\\Network\\Connections\\Pbk\\rasphone.pbk'" in t
          and "$entry = $line -ceq ('[' + $name + ']')" in t
          and "$line = 'DisableClassBasedDefaultRoute=1'" in t)
    nrpt = re.search(r"^Add-DnsClientNrptRule -DisplayName \$rule -Namespace (.*) `\n"
                     r" +-NameServers (.*)$", t, re.M)
    check("windows, split DNS: an NRPT rule sends the domains to the tunnel's DNS servers",
          nrpt is not None
          and [v for k, v in ps_tokens(nrpt.group(1)) if k == "str"] == ["." + d for d in SEARCH]
          and [v for k, v in ps_tokens(nrpt.group(2)) if k == "str"] == DNS
          and "Remove-DnsClientNrptRule" in t, nrpt and nrpt.groups())
    ps_values_are_data("windows, hostile PSK and name", "windows-hostile.ps1", "windows-plain.ps1",
                       [("PSK", PSK), ("name", HOSTILE_NAME)])
    t = read("windows-carol.ps1")
    check("windows, carol (routes=): full tunnel, no route, no split tunneling, no NRPT rule, "
          "the class-based route left alone (a default route covers it)",
          not ps_routes(t) and "-SplitTunneling" not in t and "Add-DnsClientNrptRule" not in t
          and "rasphone.pbk" not in t and "Remove-DnsClientNrptRule" in t)
    t = read("windows-cert.ps1")
    pem = [v for k, v in ps_tokens(t) if k == "str" and "BEGIN CERTIFICATE" in v][0]
    body = pem.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
    check("windows, certificates: no PSK, the CA imported into LocalMachine\\Root",
          "-L2tpPsk" not in t and "-CertStoreLocation 'Cert:\\LocalMachine\\Root'" in t
          and base64.b64decode("".join(body.split())) == ca_der())
    t = read("windows-override.ps1")
    check("windows: server and name arguments override [client]",
          ps_string(t, "-ServerAddress ") == "198.51.100.9"
          and ps_string(t, "$name = ") == "Other \u2018VPN\u2019")


# --- macOS -------------------------------------------------------------------------
def plist(name):
    try:
        with open(os.path.join(DIR, name), "rb") as f:
            return plistlib.load(f)
    except Exception as e:  # reported as a failed check
        check(f"{name} parses with plistlib", False, str(e))
        return None


def vpn_payload(p):
    return [x for x in p["PayloadContent"] if x["PayloadType"] == "com.apple.vpn.managed"][0]


def uuids(p):
    return [p["PayloadUUID"]] + [x["PayloadUUID"] for x in p["PayloadContent"]]


def check_macos():
    p = plist("macos-alice.mobileconfig")
    if p:
        v = vpn_payload(p)
        check("macos: plist parses; a Configuration profile with an L2TP VPN payload",
              p["PayloadType"] == "Configuration" and v["VPNType"] == "L2TP")
        check("macos: SharedSecret (data) is the PSK",
              v["IPSec"]["AuthenticationMethod"] == "SharedSecret"
              and v["IPSec"]["SharedSecret"] == PSK.encode())
        check("macos: PPP AuthName alice, CommRemoteAddress the server",
              v["PPP"] == {"AuthName": "alice", "CommRemoteAddress": "vpn.example.com"}, v["PPP"])
        check("macos: split tunnel: OverridePrimary 0 (Apple's pppd then takes the routes "
              "by DHCPINFORM), every route named, none to add by hand",
              v["IPv4"]["OverridePrimary"] == 0
              and all(r in v["PayloadDescription"] for r in ROUTES)
              and "route add" not in v["PayloadDescription"])
        d = v["DNS"]
        check("macos: DNS servers, domain, search and split DNS domains",
              d["ServerAddresses"] == DNS and d["DomainName"] == "corp.example"
              and d["SearchDomains"] == SEARCH and d["SupplementalMatchDomains"] == SEARCH, d)
        check("macos: PayloadUUIDs are version 5 UUIDs, distinct",
              all(UUID.match(u) for u in uuids(p)) and len(set(uuids(p))) == len(uuids(p)))
        alice = uuids(p)
    p = plist("macos-bob.mobileconfig")
    if p:
        v = vpn_payload(p)
        check("macos, bob: his own routes and DNS domain (users file)",
              "10.9.0.0/24" in v["PayloadDescription"]
              and not any(r in v["PayloadDescription"] for r in ROUTES)
              and v["DNS"]["DomainName"] == "lab.example")
        check("macos, bob: other UUIDs than alice's", not set(uuids(p)) & set(alice))
    p = plist("macos-cert.mobileconfig")
    if p:
        v = vpn_payload(p)
        root = [x for x in p["PayloadContent"] if x["PayloadType"] == "com.apple.security.root"]
        check("macos, certificates: the CA as a root payload, no shared secret",
              len(root) == 1 and root[0]["PayloadContent"] == ca_der()
              and v["IPSec"] == {"AuthenticationMethod": "Certificate"})
        check("macos, full tunnel: OverridePrimary 1, no split DNS",
              v["IPv4"]["OverridePrimary"] == 1 and "SupplementalMatchDomains" not in v["DNS"])
    p = plist("macos-hostile.mobileconfig")
    if p:
        check("macos: a hostile user name comes back intact",
              vpn_payload(p)["PPP"]["AuthName"] == HOSTILE)


# --- NetworkManager keyfile ----------------------------------------------------------
def kf_unescape(s):
    out, i = "", 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out += {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(s[i + 1], s[i + 1])
            i += 2
        else:
            out += s[i]
            i += 1
    return out


def keyfile(name):
    k = configparser.ConfigParser(interpolation=None, strict=True)
    k.optionxform = str
    try:
        k.read_string(read(name))
    except Exception as e:
        check(f"{name} parses with configparser", False, str(e))
        return None
    return k


def nm_read(name):
    """NAME read by libnm's own keyfile reader (what NetworkManager loads from
    system-connections), verified; None after a failed check."""
    try:
        import gi
        gi.require_version("NM", "1.0")
        from gi.repository import GLib, NM
        kf = GLib.KeyFile()
        kf.load_from_file(os.path.join(DIR, name), GLib.KeyFileFlags.NONE)
        conn = NM.keyfile_read(kf, DIR, NM.KeyfileHandlerFlags.NONE, None, None)
        conn.verify()
        return conn
    except Exception as e:  # no libnm (gir1.2-nm-1.0) is a failure too
        check(f"{name}: libnm reads it (NM.keyfile_read, verify)", False, str(e))
        return None


def nm_l2tp_psk(value):
    """The key NetworkManager-l2tp (1.20, Debian 12) puts into ipsec.secrets for
    the secret VALUE: "0s" + VALUE when VALUE starts with "0s" (base64 to
    strongSwan and libreswan), else "0s" + base64(VALUE). None: not base64."""
    if not value.startswith("0s"):
        return value.encode()
    try:
        return base64.b64decode(value[2:], validate=True)
    except ValueError:  # strongSwan refuses the secrets file
        return None


def check_nm_libnm():
    for name, psk in (("linux-bob.nmconnection", PSK), ("linux-0s.nmconnection", "0shello")):
        conn = nm_read(name)
        if not conn:
            continue
        vpn = conn.get_setting_vpn()
        got = vpn.get_secret("ipsec-psk")
        check(f"{name}: libnm reads an L2TP VPN connection whose PSK, as NetworkManager-l2tp "
              "hands it to IPsec, is the gateway's",
              vpn.get_service_type() == "org.freedesktop.NetworkManager.l2tp"
              and vpn.get_data_item("gateway") == "vpn.example.com"
              and got is not None and nm_l2tp_psk(got) == psk.encode(), repr(got))
    conn = nm_read("linux-hostile.nmconnection")
    if conn:
        check("linux: libnm reads the hostile user name intact",
              conn.get_setting_vpn().get_data_item("user") == HOSTILE)
    # the model sees the bug of issue 18: the PSK written as it is
    check("linux: a PSK \"0shello\" written as it is would reach IPsec as another key",
          nm_l2tp_psk("0shello") != b"0shello")


def check_nm():
    k = keyfile("linux-bob.nmconnection")
    if k:
        vpn = k["vpn"]
        check("linux: an L2TP VPN connection to the server, user bob",
              k["connection"]["type"] == "vpn"
              and vpn["service-type"] == "org.freedesktop.NetworkManager.l2tp"
              and vpn["gateway"] == "vpn.example.com" and vpn["user"] == "bob"
              and vpn["ipsec-enabled"] == "yes")
        check("linux: the PSK, a secret in [vpn-secrets], as \"0s\" + base64",
              k["vpn-secrets"]["ipsec-psk"].startswith("0s")
              and base64.b64decode(k["vpn-secrets"]["ipsec-psk"][2:]) == PSK.encode()
              and "ipsec-psk" not in vpn)
        ip4 = k["ipv4"]
        routes = [ip4[f"route{i}"] for i in range(1, 33) if f"route{i}" in ip4]
        check("linux, bob: his routes, never the default route",
              routes == ["10.9.0.0/24"] and ip4["never-default"] == "true", routes)
        check("linux, bob: DNS search: his domain, then the search list",
              ip4["dns-search"] == "lab.example;corp.example;lab.corp.example;")
        check("linux: the UUID is a lower-case version 5 UUID",
              UUID.match(k["connection"]["uuid"]) and k["connection"]["uuid"].islower())
    k = keyfile("linux-hostile.nmconnection")
    if k:
        check("linux: a hostile user name comes back intact", kf_unescape(k["vpn"]["user"]) == HOSTILE)
    k = keyfile("linux-cert.nmconnection")
    if k:
        check("linux, certificates: machine-auth-type=tls, no PSK, full tunnel",
              k["vpn"]["machine-auth-type"] == "tls" and "vpn-secrets" not in k
              and "never-default" not in k["ipv4"] and "route1" not in k["ipv4"])


# --- ip-up script ------------------------------------------------------------------------
STUB = """#!/bin/sh
echo "$(basename "$0") $*" >>"$LOG"
for last; do :; done
case "$*" in
*"route get "*) echo "$last via 10.0.0.1 dev eth0 src 10.0.0.2 uid 0" ;;
*"route add "*) [ -z "$ROUTE_EXISTS" ] || exit 2 ;;
*"route show exact "*) [ -z "$ROUTE_EXISTS" ] || echo "$last via 10.0.0.9 dev eth1" ;;
esac
case "$1" in ahostsv4) [ -n "$NO_DNS" ] || echo "203.0.113.7     STREAM vpn.example.com" ;; esac
exit 0
"""


def run_script(name, env=None, args=(), run=None):
    """NAME run by sh with stubs of ip, resolvectl, getent; their calls in order."""
    with tempfile.TemporaryDirectory() as d:
        for tool in ("ip", "resolvectl", "getent", "logger"):
            with open(os.path.join(d, tool), "w") as f:
                f.write(STUB)
            os.chmod(os.path.join(d, tool), 0o755)
        log = os.path.join(d, "log")
        e = {"PATH": d + ":/usr/bin:/bin", "LOG": log, "L2SEC_RUN": run or d}
        e.update(env or {})
        r = subprocess.run(["/bin/sh", os.path.join(DIR, name), *args], env=e,
                           stderr=subprocess.PIPE, text=True)
        calls = open(log).read().splitlines() if os.path.exists(log) else []
        return r.returncode, calls, r.stderr


def run_ipup(name, env=None, args=(), run=None):
    rc, calls, _ = run_script(name, env, args, run)
    return rc, calls


PPP7 = {"PPP_IFACE": "ppp7", "PPP_REMOTE": "192.168.42.1"}
PINNED = ["getent ahostsv4 vpn.example.com", "ip -4 route get 203.0.113.7",
          "ip route add 203.0.113.7/32 via 10.0.0.1 dev eth0"]
HALVES = ["ip route replace 0.0.0.0/1 dev ppp7", "ip route replace 128.0.0.0/1 dev ppp7"]


def check_ipup():
    name = "linux-ip-up.sh"
    for f in (name, "linux-ip-up-carol.sh", "linux-ip-down.sh"):
        r = subprocess.run(["/bin/sh", "-n", os.path.join(DIR, f)])
        check(f"{f}: sh -n accepts it", r.returncode == 0)
    want = [f"ip route replace {r} dev ppp7" for r in ROUTES] + [
        "resolvectl status", "resolvectl dns ppp7 10.1.0.53 10.1.0.54",
        "resolvectl domain ppp7 corp.example lab.corp.example",
        "resolvectl default-route ppp7 false"]
    rc, calls = run_ipup(name, PPP7)
    check("ip-up (ip-up.d): exactly the routes via the PPP interface, split DNS",
          rc == 0 and calls == want, calls)
    rc, calls = run_ipup(name, args=("ppp7", "/dev/pts/1", "0", "192.168.42.20", "192.168.42.1", ""))
    check("ip-up (pppd's ip-up-script arguments): the same", rc == 0 and calls == want, calls)
    rc, calls = run_ipup(name, {"PPP_IFACE": "ppp7", "PPP_REMOTE": "10.0.0.1"})
    check("ip-up: another peer's link is left alone", rc == 0 and calls == [], calls)
    carol = "linux-ip-up-carol.sh"
    with tempfile.TemporaryDirectory() as run:
        rc, calls = run_ipup(carol, PPP7, run=run)
        state = os.path.join(run, "l2sec-ppp-ppp7.route")
        noted = open(state).read() if os.path.exists(state) else None
        check("ip-up, carol (full tunnel): gateway pinned, both halves via ppp7",
              rc == 0 and calls[:5] == PINNED + HALVES
              and calls[-1] == "resolvectl default-route ppp7 true", calls)
        check("ip-up, carol: the host route it added noted for ip-down",
              noted == "203.0.113.7/32 via 10.0.0.1 dev eth0 \n", repr(noted))
        rc, calls = run_ipup("linux-ip-down.sh", {"PPP_IFACE": "ppp7", "PPP_REMOTE": "10.0.0.1"},
                             run=run)
        check("ip-down: another peer's link is left alone",
              rc == 0 and calls == [] and os.path.exists(state), calls)
        rc, calls = run_ipup("linux-ip-down.sh", args=("ppp7", "/dev/pts/1", "0",
                                                       "192.168.42.20", "192.168.42.1", ""),
                             run=run)
        check("ip-down: removes exactly the host route ip-up added, and its note",
              rc == 0 and calls == ["ip route del 203.0.113.7/32 via 10.0.0.1 dev eth0"]
              and not os.path.exists(state), calls)
        rc, calls = run_ipup("linux-ip-down.sh", PPP7, run=run)
        check("ip-down again (nothing noted): does nothing", rc == 0 and calls == [], calls)
    rc, calls, err = run_script(carol, dict(PPP7, NO_DNS="1"))
    check("ip-up, carol, gateway's address unknown: no route through the tunnel, said why",
          rc == 0 and calls[0] == "getent ahostsv4 vpn.example.com"
          and not [c for c in calls if c.startswith("ip ")]
          and "no route to the gateway vpn.example.com" in err, (calls, err))
    with tempfile.TemporaryDirectory() as run:
        rc, calls = run_ipup(carol, dict(PPP7, ROUTE_EXISTS="1"), run=run)
        check("ip-up, carol, a host route to the gateway was there: kept, not noted, "
              "both halves via ppp7",
              rc == 0 and calls[:4] == PINNED + ["ip route show exact 203.0.113.7/32"]
              and calls[4:6] == HALVES and os.listdir(run) == [], calls)


check_windows()
check_macos()
check_nm()
check_nm_libnm()
check_ipup()
print("# check.py ran every check")
sys.exit(1 if failed else 0)
