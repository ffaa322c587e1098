#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""One stage of 40-ike-scale.sh: l2secd's SA table and tunnels against charon.

    ike-check.py DIR STAGE EXPECT_SAS EXPECT_TUNNELS

Reads, in DIR: gw-sas-STAGE.txt (the gateway charon's swanctl --list-sas
--raw), stats-STAGE.json and tunnels-STAGE.json (l2secd's control socket:
show stats, show tunnels; closing tunnels are not counted), kern-STAGE.json (l2sec -j tunnel show: the
module's tunnels), clients-STAGE.txt (every client charon's list-sas --raw) and
dial-*.json (ike-tunnels.py: which client address dialled which tunnel ID).
Prints one line per check ("ok - ..." / "not ok - ..."); exit status 1 when
one failed.
"""
import glob
import json
import re
import sys

d, stage = sys.argv[1], sys.argv[2]
want_sas, want_tunnels = int(sys.argv[3]), int(sys.argv[4])
failed = 0


def check(ok, what):
    global failed
    print("%s - %s: %s" % ("ok" if ok else "not ok", stage, what))
    failed += 0 if ok else 1


def ike_sas(path):
    """[(ike fields, [child fields])] of a swanctl --list-sas --raw output."""
    res = []
    for line in open(path):
        if not line.startswith("list-sa event {"):
            continue
        head, _, rest = line.partition("child-sas {")
        ike = dict(re.findall(r"([\w-]+)=(\S+)", head))
        ike["name"] = line.split("{", 2)[1].split()[0]
        kids = [dict(re.findall(r"([\w-]+)=([^\s{}]+)", k)) for k in rest.split("} ") if "spi-in=" in k]
        res.append((ike, kids))
    return res


gw = ike_sas("%s/gw-sas-%s.txt" % (d, stage))
ikes = [i for i, _ in gw if i["name"] == "l2sec"]
kids = [k for i, ks in gw if i["name"] == "l2sec" for k in ks]
up_ikes = [i for i in ikes if i.get("state") == "ESTABLISHED"]
inst = [k for k in kids if k.get("state") == "INSTALLED"]
marks = {int(k["mark-in"], 16) for k in inst}
check(len(up_ikes) == want_sas and len(ikes) == want_sas,
      "gw charon: %d IKE_SAs, %d established (want %d)" % (len(ikes), len(up_ikes), want_sas))
check(len(inst) == want_sas and len(kids) == want_sas,
      "gw charon: %d CHILD_SAs, %d installed (want %d)" % (len(kids), len(inst), want_sas))
check(len(marks) == len(inst) and 0 not in marks,
      "gw charon: every CHILD_SA has a mark of its own (%d distinct)" % len(marks))

stats = json.load(open("%s/stats-%s.json" % (d, stage)))
ipsec = stats.get("ipsec", {})
check(ipsec.get("sa_count") == len(inst),
      "l2secd: SA table holds %s entries, charon %d CHILD_SAs" % (ipsec.get("sa_count"), len(inst)))
check(ipsec.get("charon") is not None, "l2secd: charon state %s" % ipsec.get("charon"))

tun = json.load(open("%s/tunnels-%s.json" % (d, stage)))["tunnels"]
est = [t for t in tun if t["state"] == "established"]
# tunnels of an SA that went linger closed for a retransmission cycle (RFC 2661 5.7)
others = [t["state"] for t in tun if t["state"] not in ("established", "closing")]
check(len(est) == want_tunnels and not others,
      "l2secd: %d tunnels established (want %d), %d closing, others %s"
      % (len(est), want_tunnels, len(tun) - len(est) - len(others), others))
by_spi = {k["spi-in"]: k for k in inst}
ok = all("sa" in t and t["sa"]["spi_in"] in by_spi and
         int(by_spi[t["sa"]["spi_in"]]["mark-in"], 16) == t["sa"]["mark"] == t["mark"] and
         by_spi[t["sa"]["spi_in"]]["spi-out"] == t["sa"]["spi_out"] for t in est)
check(ok, "l2secd: every tunnel is bound to an SA charon has, by its mark and SPIs")
check(len({t["sa"]["mark"] for t in est if "sa" in t}) == len(est),
      "l2secd: no two tunnels share an SA mark")

# each tunnel goes through the SA of the client that dialled it: the client's
# outbound SPI is the gateway's inbound one
dialled = {}
for f in glob.glob("%s/dial-*.json" % d):
    for addr, tid, gw_tid in json.load(open(f))["tunnels"]:
        dialled[(tid, gw_tid)] = addr
client_spi = {}
for i, ks in ike_sas("%s/clients-%s.txt" % (d, stage)):
    for k in ks:
        if k.get("state") == "INSTALLED":
            client_spi[i.get("local-host")] = k["spi-out"]
own = [t for t in est if "sa" in t and
       client_spi.get(dialled.get((t["peer_tunnel_id"], t["tunnel_id"]))) == t["sa"]["spi_in"]]
check(len(own) == len(est), "each tunnel is bound to its own client's SA (%d of %d)" % (len(own), len(est)))

kern = json.load(open("%s/kern-%s.json" % (d, stage)))
mark_of = {t["tunnel_id"]: t["mark"] for t in est}
in_kernel = [t for t in est if t.get("in_kernel")]
ok = len(kern) == len(in_kernel) and all(
    k.get("bound") and k.get("bind_mark") == mark_of.get(k["tunnel_id"]) for k in kern)
check(ok, "l2sec.ko: %d tunnels, each bound to l2secd's mark for it (%d in the kernel by l2secd)"
      % (len(kern), len(in_kernel)))
sys.exit(1 if failed else 0)
