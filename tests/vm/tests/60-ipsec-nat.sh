# vm-kernel: 6.12
# One boot of a two-kernel run: charon, xl2tpd and pppd end to end behind a NAT; the
# module's SA binding behind one NAT (two clients on port 1701, rekeys, NAT-T, a
# restarted charon's marks) runs on both in 22, IPsec over IPv6 in 66.
# L2TP/IPsec end to end with real software: charon clients (IKEv1, transport
# mode, PSK, NAT-T; CHILD_SA udp/1701 both ways) + xl2tpd + pppd (MS-CHAPv2)
# behind one nftables NAT, against l2secd, which loads its connection and PSK
# into the gateway's charon over VICI ([ipsec] section; the gateway's charon
# loads nothing itself).
#   c1, c2 (192.168.1.11/.12) -- nat (masquerade to 203.0.113.1) --+
#                            evil (203.0.113.9, plaintext) --------+-- gw (203.0.113.2)
#                                                      gw (198.51.100.1) -- lan (198.51.100.2)
# One client: IKE and CHILD_SA up over NAT-T, PPP up, ping and iperf3 TCP to the
# LAN host, ESP counters and the session's counters grow on both sides. Two
# clients behind the same NAT, both from L2TP port 1701: both up at once, each
# gets exactly its own packets; one hangs up, the other keeps working. Plaintext
# L2TP from the WAN and from the NAT router is dropped (no_ipsec); a client
# injecting into the other's session through its own SA is dropped (its tunnel ID names no
# tunnel of that SA: l2secd drops it; wrong_sa in the module if the ID were found).
# The gateway's charon restarts: l2secd reconnects, reloads the connection,
# tears the stale tunnels down, and a client connects again. A CHILD_SA rekey
# during iperf3 keeps the session. The NAT gives c1 another external port: charon
# (kernel mapping -> update_sa_job) and l2secd follow, the session goes on. The
# gateway's charon is killed with SIGKILL while two clients are up: l2secd clears
# the tunnels and the SAs charon left in the kernel, so a stale SA cannot carry a
# client into the tunnel of another that reconnected first with the same mark.
# vm-timeout: 600
. "$L2SEC_TOP/tests/vm/lib.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-60
L2SECD=$L2SEC_BUILD/l2secd
PSK=l2sec-60-shared-secret
gw() { ip netns exec gw "$@"; }

rm -rf "$run"
mkdir -p "$run/run" "$run/gw" "$run/c1" "$run/c2"
modprobe -a l2sec esp4 xfrm_user nf_tables nft_chain_nat nft_masq nf_nat bridge veth \
	ppp_generic ppp_async ppp_synctty l2tp_ppp 2>/dev/null
[ -e /dev/ppp ] || mknod /dev/ppp c 108 0

# --- topology ------------------------------------------------------------------------
netns_add c1 c2 nat gw lan evil
ip -n nat link add br0 type bridge
ip -n nat addr add 192.168.1.1/24 dev br0
ip -n nat link set br0 up
for c in 1 2; do
	ip link add eth0 netns c$c type veth peer name p-c$c netns nat
	ip -n nat link set p-c$c master br0 up
	ip -n c$c addr add 192.168.1.1$c/24 dev eth0
	ip -n c$c link set eth0 up
	ip -n c$c route add default via 192.168.1.1
done
# the WAN: a bridge in gw with the NAT router and the attacker on it
ip -n gw link add wan type bridge
ip -n gw addr add 203.0.113.2/24 dev wan
ip -n gw link set wan up
ip link add wan netns nat type veth peer name p-nat netns gw
ip link add eth0 netns evil type veth peer name p-evil netns gw
ip -n gw link set p-nat master wan up
ip -n gw link set p-evil master wan up
ip -n nat addr add 203.0.113.1/24 dev wan
ip -n nat link set wan up
ip -n evil addr add 203.0.113.9/24 dev eth0
ip -n evil link set eth0 up
veth gw lan0 198.51.100.1/24 lan eth0 198.51.100.2/24
ip -n lan route add 192.168.42.0/24 via 198.51.100.1
gw sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
ip netns exec nat sysctl -qw net.ipv4.ip_forward=1
ip netns exec nat nft -f - <<'NFT'
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" masquerade
	}
}
NFT
# a TCG guest is slow: keep the NAT's UDP mappings for the whole test
ip netns exec nat sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600 \
	net.netfilter.nf_conntrack_udp_timeout_stream=600

# --- charon, clients and gateway helpers: lib.sh's lc_* (shared with 62 and soak/) ------
# list_sas N: client N's IKE_SAs and CHILD_SAs, one line per IKE_SA (swanctl --raw)
list_sas() { lc_sw "c$1" --list-sas --raw | tee "$out/sas-c$1.txt"; }
# installed_spis N: the inbound SPIs of client N's installed CHILD_SAs
installed_spis() {
	list_sas "$1" | grep -oE 'state=INSTALLED [^{}]*spi-in=[0-9a-f]+' | sed 's/.*spi-in=//'
}

# --- clients: xl2tpd + pppd with MS-CHAPv2 (as 51-ppp) -------------------------------------
# l2tp_stop NS: hang up (xl2tpd and its pppd; charon stays)
l2tp_stop() {
	kill -TERM "$(cat "$run/$1/xl2tpd.pidof")" 2>/dev/null
	wait "$(cat "$run/$1/xl2tpd.pidof")" 2>/dev/null
	pkill -f "pppd.*$run/$1/ppp.opts" 2>/dev/null
}
# ppp_if NS: the client's PPP interface (ppp1 while a hung-up pppd still holds ppp0)
ppp_if() { cut -d' ' -f1 "$run/$1.up"; }
ppp_rx() {
	ip netns exec "$1" cat "/sys/class/net/$(ppp_if "$1")/statistics/rx_packets" 2>/dev/null ||
		echo 0
}

# --- gateway ------------------------------------------------------------------------------
printf 'u1 password pw-1\nu2 password pw-2\n' >"$run/users"
cat >"$run/l2sec.conf" <<CONF
[global]
log-level = info
runtime-dir = $run/run
[l2tp]
listen = 203.0.113.2
hostname = gw
; the default, said here: this test is about it
require-ipsec = yes
; neither L2TP hellos nor LCP echoes may end a tunnel within the charon restart's 60 s
hello-interval = 60s
[ppp]
users = $run/users
local-address = 192.168.42.1
pool = 192.168.42.10-192.168.42.19
lcp-echo-interval = 60s
auth-fail-delay = 500ms
[ipsec]
vici = $run/gw/charon.vici
psk = $PSK
CONF
# l2secd refuses files holding secrets (the PSK, passwords) that others can read
chmod 600 "$run/l2sec.conf" "$run/users"
# the gateway's session stats by client address: "rx_packets rx_bytes tx_packets tx_bytes"
sess_stats() {
	gw "$L2SEC" -j -s session show | jget "' '.join(str(s['stats'][k]) for s in j if s.get('ipv4') == '$1'
		for k in ('rx_packets', 'rx_bytes', 'tx_packets', 'tx_bytes'))"
}
kern_sessions() { gw "$L2SEC" -j session show | grep -o '"session_id"' | wc -l; }
# drops REASON: the module's drop counter in the namespace of gw
drops() { gw "$L2SEC" -j -s stats | jget "j.get('stats', {}).get('drops', {}).get('$1', 0)"; }
# injected_drops: what the gateway dropped of data claiming another SA's tunnel: in
# the module as wrong_sa when the tunnel ID is found under another SA, or in l2secd
# as data for no tunnel, since tunnel IDs are per SA (the module passes an ID its
# SA does not hold to l2secd)
injected_drops() {
	echo $(($(drops wrong_sa) + $(lc_ctl "show stats" | jget "j['stats']['rx_data_dropped']")))
}
# esp NS SRC DST: "packets bytes" summed over the ESP states SRC -> DST
esp() {
	ip -n "$1" -s xfrm state list src "$2" dst "$3" proto esp | awk '
		/lifetime current:/ { getline; gsub(/\(bytes\),|\(packets\)/, ""); b += $1; p += $2 }
		END { print p + 0, b + 0 }'
}
grew() { [ "${2%% *}" -gt "${1%% *}" ]; }
# f N WORDS: the Nth of WORDS, 0 if there is none
f() { local v; v=$(echo "$2" | cut -d' ' -f"$1"); echo "${v:-0}"; }
# xfrm_nostates: the gateway's XfrmInNoStates (ESP with no SA to decrypt it)
xfrm_nostates() { ip netns exec gw awk '/^XfrmInNoStates/ { print $2 }' /proc/net/xfrm_stat; }
# counted_since N M CMD...: the counter CMD prints is at least M above N
counted_since() {
	local n=$1 m=$2
	shift 2
	[ $(( $("$@") - n )) -ge "$m" ]
}
# xfrm_marked WHAT: the gateway's xfrm states or policies that carry a mark
xfrm_marked() { ip -n gw xfrm "$1" list | grep -c 'mark 0x'; }

# --- start: gateway charon (loads nothing), l2secd, the LAN host ---------------------------
echo "# topology ready [${SECONDS}s]"
# the clients' charons start with the gateway's: they load their connections now and
# initiate them later
for n in gw c1 c2; do
	lc_charon_start $n
done
check "gw: charon starts in its namespace" lc_charon_wait gw
check "gw: charon has no connection of its own" sh -c \
	"c=\$(timeout 30 swanctl --list-conns --uri unix://$run/gw/charon.vici 2>/dev/null) && [ -z \"\$c\" ]"
check "configuration is valid (l2secd -n)" "$L2SECD" -n -c "$run/l2sec.conf"
ip netns exec gw "$L2SECD" -c "$run/l2sec.conf" >"$out/l2secd.log" 2>&1 &
gw_pid=$!
check "l2secd starts" wait_for 60 test -S "$run/run/l2secd.sock"
check "l2secd loaded its connection and PSK into charon" wait_for 30 \
	grep -q "vici: connection 'l2sec' and its .* loaded into charon" "$out/l2secd.log"
check "gw: charon lists the connection 'l2sec'" sh -c \
	"timeout 30 swanctl --list-conns --uri unix://$run/gw/charon.vici 2>/dev/null | grep -q '^l2sec:'"
ip netns exec lan iperf3 -s -D -B 198.51.100.2 --logfile "$out/iperf3-server.log"

# --- (a) one client ---------------------------------------------------------------------
for c in 1 2; do
	check "c$c: charon starts" lc_charon_wait c$c
	check "c$c: swanctl --load-all" lc_client_conf $c "" ""
done
check "c1: IKE_SA and CHILD_SA initiated" lc_initiate 1
list_sas 1 >/dev/null
check "c1: CHILD_SA installed, transport mode, UDP-encapsulated (NAT-T)" \
	grep -q 'state=INSTALLED mode=TRANSPORT protocol=ESP encap=yes' "$out/sas-c1.txt"
check "c1: IKE_SA sees itself behind a NAT" grep -q 'nat-local=yes' "$out/sas-c1.txt"
lc_l2tp_start c1 u1 pw-1
check "c1: L2TP and PPP up with MS-CHAPv2 (ip-up ran)" wait_for 60 test -s "$run/c1.up"
if ! [ -s "$run/c1.up" ]; then
	echo "# c1 has no session: nothing else can be checked"
	gw "$L2SEC" -j -s stats >"$out/stats-end.json" 2>&1
	t_done
fi
a1=$(lc_client_addr c1)
check "c1: address from the pool ($a1)" sh -c "echo '$a1' | grep -Eq '^192\.168\.42\.1[0-9]$'"
check "gw: user u1 up" grep -q "user 'u1' is up at $a1" "$out/l2secd.log"
gw "$L2SEC" -j tunnel show >"$out/tunnel-a.json"
check "gw: the tunnel is bound to an SA from the NAT's address, port 1701" jcheck \
	"len(j) == 1 and j[0]['peer_addr'] == '203.0.113.1' and j[0]['peer_port'] == 1701 and j[0]['bound'] and j[0]['require_ipsec']" \
	<"$out/tunnel-a.json"
gw "$L2SEC" -r "$run/run" -j session show >"$out/session-a.json"
check "gw: l2sec session show: c1's SA from charon (the bound SPI and mark, NAT-T), MS-CHAPv2" jcheck \
	"len(j) == 1 and j[0]['user'] == 'u1' and j[0]['auth'] == 'mschapv2' and j[0]['require_ipsec'] and j[0]['sa']['spi_in'] == $(jget "j[0]['sa']['spi']" <"$out/tunnel-a.json") and j[0]['sa']['mark'] == j[0]['mark'] == $(jget "j[0]['sa']['mark']" <"$out/tunnel-a.json") and j[0]['sa']['encap'] and j[0]['sa']['remote'].startswith('203.0.113.1:')" \
	<"$out/session-a.json"
gw "$L2SEC" -r "$run/run" session show >"$out/session-a.txt"
check "gw: l2sec session show (text) names the SA" grep -Eq \
	"user u1 auth mschapv2 datapath kernel sa spi-in 0x[0-9a-f]{8} spi-out 0x[0-9a-f]{8} mark 0x[0-9a-f]+ reqid [0-9]+ encap udp remote 203\.0\.113\.1:[0-9]+$" "$out/session-a.txt"
lc_lan_route c1
c1_out0=$(esp c1 192.168.1.11 203.0.113.2)
c1_in0=$(esp c1 203.0.113.2 192.168.1.11)
gw_in0=$(esp gw 203.0.113.1 203.0.113.2)
gw_out0=$(esp gw 203.0.113.2 203.0.113.1)
s0=$(sess_stats "$a1")
check "c1: pings the LAN host" ip netns exec c1 ping -c 3 -W 5 198.51.100.2
check "c1: iperf3 TCP for 3 s" ip netns exec c1 iperf3 -c 198.51.100.2 -t 3 -J \
	--logfile "$out/iperf3-a.json"
sent=$(jget 'j["end"]["sum_received"]["bytes"]' <"$out/iperf3-a.json" 2>/dev/null)
s1=$(sess_stats "$a1")
echo "# iperf3 received ${sent:-?} bytes; session $s0 -> $s1"
check "iperf3 moved data" test "${sent:-0}" -gt 100000
c1_out1=$(esp c1 192.168.1.11 203.0.113.2)
c1_in1=$(esp c1 203.0.113.2 192.168.1.11)
gw_in1=$(esp gw 203.0.113.1 203.0.113.2)
gw_out1=$(esp gw 203.0.113.2 203.0.113.1)
echo "# ESP packets/bytes: c1 out $c1_out0 -> $c1_out1, in $c1_in0 -> $c1_in1;" \
	"gw in $gw_in0 -> $gw_in1, out $gw_out0 -> $gw_out1"
check "c1: ESP out counters grew by at least iperf3's bytes" \
	test $(( ${c1_out1#* } - ${c1_out0#* } )) -ge "${sent:-1}"
check "c1: ESP in counters grew" grew "$c1_in0" "$c1_in1"
check "gw: ESP in counters grew by at least iperf3's bytes" \
	test $(( ${gw_in1#* } - ${gw_in0#* } )) -ge "${sent:-1}"
check "gw: ESP out counters grew" grew "$gw_out0" "$gw_out1"
check "gw: the session's rx bytes grew by at least iperf3's bytes" \
	test $(( $(f 2 "$s1") - $(f 2 "$s0") )) -ge "${sent:-1}"
check "gw: the session's tx packets grew" \
	test "$(f 3 "$s1")" -gt "$(f 3 "$s0")"

# --- (b) a second client behind the same NAT, same L2TP port ------------------------------
check "c2: IKE_SA and CHILD_SA initiated" lc_initiate 2
list_sas 2 >/dev/null
check "c2: CHILD_SA installed, UDP-encapsulated" \
	grep -q 'state=INSTALLED mode=TRANSPORT protocol=ESP encap=yes' "$out/sas-c2.txt"
lc_l2tp_start c2 u2 pw-2
check "c2: PPP up" wait_for 60 test -s "$run/c2.up"
a2=$(lc_client_addr c2)
check "c1 and c2 have distinct addresses ($a1, $a2)" test "$a1" != "$a2"
check_eq "gw: two sessions" 2 "$(kern_sessions)"
gw "$L2SEC" -j tunnel show >"$out/tunnel-b.json"
check "gw: two tunnels from 203.0.113.1:1701, each bound to its own SA mark" jcheck \
	"len(j) == 2 and all(t['peer_addr'] == '203.0.113.1' and t['peer_port'] == 1701 and t['bound'] for t in j) and j[0]['sa']['mark'] != j[1]['sa']['mark'] and j[0]['sa']['spi'] != j[1]['sa']['spi']" \
	<"$out/tunnel-b.json"
lc_lan_route c2
# c1 pings 2 times, c2 3 times, at once: each must receive exactly its own replies
b1=$(ppp_rx c1); b2=$(ppp_rx c2)
t1=$(sess_stats "$a1"); t2=$(sess_stats "$a2")
ip netns exec c1 ping -c 2 -i 0.3 -W 5 198.51.100.2 >"$out/ping-b-c1.txt" 2>&1 &
p1=$!
ip netns exec c2 ping -c 3 -i 0.3 -W 5 198.51.100.2 >"$out/ping-b-c2.txt" 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check_eq "c1 and c2 ping the LAN host at once (exit status)" "0 0" "$r1 $r2"
check_eq "c1 received exactly its 2 replies" 2 $(( $(ppp_rx c1) - b1 ))
check_eq "c2 received exactly its 3 replies" 3 $(( $(ppp_rx c2) - b2 ))
u1=$(sess_stats "$a1"); u2=$(sess_stats "$a2")
check_eq "gw: c1's session carried 2 in, 2 out" "2 2" \
	"$(( $(f 1 "$u1") - $(f 1 "$t1") )) $(( $(f 3 "$u1") - $(f 3 "$t1") ))"
check_eq "gw: c2's session carried 3 in, 3 out" "3 3" \
	"$(( $(f 1 "$u2") - $(f 1 "$t2") )) $(( $(f 3 "$u2") - $(f 3 "$t2") ))"

ids2=$(lc_sess_ids "$a2")
l2tp_stop c1
check "c1 hung up: its session is gone, c2's is left" wait_for 30 sh -c \
	"[ \$(ip netns exec gw $L2SEC -j session show | grep -o '\"session_id\"' | wc -l) -eq 1 ]"
check_eq "gw: the session left is c2's" "$ids2" "$(lc_sess_ids "$a2")"
check "c2 still pings the LAN host" ip netns exec c2 ping -c 2 -W 5 198.51.100.2

# --- (c) plaintext L2TP: from the WAN, and from the NAT router itself ---------------------
# sccrq SRC: a complete SCCRQ from SRC:1701 in cleartext; fails on any reply within 3 s
cat >"$run/sccrq.py" <<'PY'
import socket, struct, sys
sys.path.insert(0, sys.argv[2])
from l2tp import l2tp, T, L, S
def avp(t, v):
    return struct.pack("!HHH", 0x8000 | (6 + len(v)), 0, t) + v
msg = (avp(0, struct.pack("!H", 1)) + avp(2, b"\x01\x00") + avp(3, struct.pack("!I", 3)) +
       avp(7, b"evil") + avp(9, struct.pack("!H", 4242)) + avp(10, struct.pack("!H", 4)))
sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sk.bind((sys.argv[1], 1701))
sk.settimeout(3)
for _ in range(3):
    sk.sendto(l2tp(0, 0, msg, flags=T | L | S), ("203.0.113.2", 1701))
try:
    data, peer = sk.recvfrom(4096)
    print("reply from %s: %s" % (peer, data.hex()))
    sys.exit(1)
except socket.timeout:
    print("no reply")
PY
n0=$(drops no_ipsec)
# both at once: each waits 3 s for a reply
ip netns exec nat /usr/bin/python3 "$run/sccrq.py" 203.0.113.1 "$L2SEC_TOP/tests/vm/pkt" \
	>"$out/sccrq-nat.txt" 2>&1 &
nat_pid=$!
check "evil: plaintext SCCRQ from the WAN gets no reply" ip netns exec evil \
	/usr/bin/python3 "$run/sccrq.py" 203.0.113.9 "$L2SEC_TOP/tests/vm/pkt"
wait "$nat_pid"
rc=$?
check "nat: plaintext SCCRQ from the NAT router's own 203.0.113.1:1701 gets no reply" \
	test "$rc" = 0
[ "$rc" = 0 ] || sed 's/^/    /' "$out/sccrq-nat.txt"
n1=$(drops no_ipsec)
check "gw: the 6 plaintext SCCRQs counted as drops.no_ipsec ($n0 -> $n1)" test $((n1 - n0)) -ge 6
gw "$L2SEC" -j tunnel show >"$out/tunnel-c.json"
check "gw: no tunnel for them (c2's is the only one)" jcheck "len(j) == 1" <"$out/tunnel-c.json"

# --- (d) c1 injects into c2's session through c1's own SA --------------------------------
set -- $ids2
w0=$(injected_drops)
ip netns exec lan /usr/bin/python3 "$L2SEC_TOP/tests/vm/pkt/l2tp.py" sink 198.51.100.2 5000 15 \
	>"$out/sink-d.txt" 2>&1 &
wait_for 30 grep -q ready "$out/sink-d.txt"
cat >"$run/inject.py" <<'PY'
import socket, struct, sys
sys.path.insert(0, sys.argv[1])
from l2tp import l2tp, ppp
tid, sid, src = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def csum(b):
    s = sum(struct.unpack("!10H", b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
text = b"injected"
udp = struct.pack("!HHHH", 4000, 5000, 8 + len(text), 0) + text
hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                  socket.inet_aton(src), socket.inet_aton("198.51.100.2"))
hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sk.bind(("192.168.1.11", 1701))
for _ in range(3):
    sk.sendto(l2tp(tid, sid, ppp(0x21, hdr + udp)), ("203.0.113.2", 1701))
print("sent")
PY
esp_d0=$(esp c1 192.168.1.11 203.0.113.2)
check "c1: sends 3 data packets for c2's session (tunnel $1, session $2, from $a2)" \
	ip netns exec c1 /usr/bin/python3 "$run/inject.py" "$L2SEC_TOP/tests/vm/pkt" "$1" "$2" "$a2"
# until the gateway has dealt with all 3 (a drop delivers nothing later)
wait_until 20 counted_since "$w0" 3 injected_drops
check "c1: they left through c1's SA (its ESP out counter grew)" \
	grew "$esp_d0" "$(esp c1 192.168.1.11 203.0.113.2)"
w1=$(injected_drops)
check "gw: dropped (the module's wrong_sa, or l2secd's rx_data_dropped: c2's tunnel ID names no tunnel of c1's SA) ($w0 -> $w1)" \
	test $((w1 - w0)) -ge 3
check "lan: nothing injected arrived" sh -c "! grep -q '^got' $out/sink-d.txt"
check "c2 still pings the LAN host" ip netns exec c2 ping -c 1 -W 5 198.51.100.2

# --- (f) the gateway's charon restarts -------------------------------------------------
lc_charon_stop gw
check "l2secd: charon went away" wait_for 30 grep -q "vici: connection to charon lost" "$out/l2secd.log"
lc_charon_start gw
check "gw: charon starts again" lc_charon_wait gw
check "l2secd: connected to charon again" wait_for 60 sh -c \
	"[ \$(grep -c 'vici: connected to charon at' $out/l2secd.log) -ge 2 ]"
check "l2secd: the connection and PSK loaded again" wait_for 60 sh -c \
	"[ \$(grep -c \"vici: connection 'l2sec' and its .* loaded into charon\" $out/l2secd.log) -ge 2 ]"
check "gw: charon lists the connection 'l2sec' again" sh -c \
	"timeout 30 swanctl --list-conns --uri unix://$run/gw/charon.vici 2>/dev/null | grep -q '^l2sec:'"
check "gw: the stale tunnels are torn down (no session within 60 s)" wait_for 60 sh -c \
	"[ \$(ip netns exec gw $L2SEC -j session show | grep -o '\"session_id\"' | wc -l) -eq 0 ] &&
	 [ \$(ip netns exec gw $L2SEC -j tunnel show | grep -o '\"tunnel_id\"' | wc -l) -eq 0 ]"
l2tp_stop c2
# c1 reconnects: a new IKE_SA (the old one died with the gateway's charon)
lc_sw c1 --terminate --ike l2tp --force --timeout 10 >/dev/null 2>&1
check "c1: IKE_SA and CHILD_SA initiated again" lc_initiate 1
lc_l2tp_start c1 u1 pw-1
check "c1: PPP up again" wait_for 60 test -s "$run/c1.up"
a1=$(lc_client_addr c1)
lc_lan_route c1
check "c1: pings the LAN host again" ip netns exec c1 ping -c 2 -W 5 198.51.100.2

# --- (e) CHILD_SA rekey during iperf3 ---------------------------------------------------
ids1=$(lc_sess_ids "$a1")
spi0=$(installed_spis 1 | xargs)
ip netns exec c1 iperf3 -c 198.51.100.2 -t 6 -J --logfile "$out/iperf3-e.json" &
ip_pid=$!
sleep 2
check "c1: swanctl --rekey --child l2tp" lc_sw c1 --rekey --child l2tp
wait $ip_pid
check_eq "c1: iperf3 across the rekey completed" 0 "$?"
sent=$(jget 'j["end"]["sum_received"]["bytes"]' <"$out/iperf3-e.json" 2>/dev/null)
echo "# iperf3 across the rekey: ${sent:-?} bytes"
check "iperf3 across the rekey moved data" test "${sent:-0}" -gt 100000
spi1=$(installed_spis 1 | xargs)
check "c1: the CHILD_SA was rekeyed (inbound SPI $spi0 -> $spi1)" \
	sh -c "[ -n '$spi1' ] && ! echo ' $spi1 ' | grep -q ' $spi0 '"
check_eq "gw: the same L2TP session after the rekey" "$ids1" "$(lc_sess_ids "$a1")"
check "c1: pings the LAN host after the rekey" ip netns exec c1 ping -c 2 -W 5 198.51.100.2

# --- (g) the NAT gives c1 another external port --------------------------------------------
# strongSwan 5.9.8: ESP-in-UDP from a new source port makes the kernel send
# XFRM_MSG_MAPPING; charon's update_sa_job moves the IKE_SA (the peer is behind a
# NAT, we are not), raises ike-update and updates the CHILD_SAs' encap ports.
# No client option is needed: c1's own traffic triggers it.
lc_ctl "show tunnels" >"$out/ctl-g0.json"
port0=$(jget "j['tunnels'][0]['sa']['remote'].rsplit(':', 1)[1]" <"$out/ctl-g0.json")
echo "# c1's external port before: $port0"
ids1=$(lc_sess_ids "$a1")
ip netns exec nat nft insert rule ip nat post ip saddr 192.168.1.11 udp sport 4500 \
	oifname wan counter masquerade to :41000-41999
# the NAT forgets c1's mapping: its UDP timeouts at 1 s, refreshed by one ping, then idle
newport=
for try in 1 2 3; do
	ip netns exec nat sysctl -qw net.netfilter.nf_conntrack_udp_timeout=1 \
		net.netfilter.nf_conntrack_udp_timeout_stream=1
	ip netns exec c1 ping -c 1 -W 5 198.51.100.2 >/dev/null 2>&1
	sleep 3
	ip netns exec nat sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600 \
		net.netfilter.nf_conntrack_udp_timeout_stream=600
	ip netns exec c1 ping -c 3 -i 0.5 -W 5 198.51.100.2 >"$out/ping-g-c1.txt" 2>&1
	# the rule is consulted for a new mapping only
	ip netns exec nat nft list chain ip nat post | grep -q 'counter packets 0 ' || break
done
check "nat: c1's ESP-in-UDP leaves from a new mapping (try $try)" sh -c \
	"ip netns exec nat nft list chain ip nat post | grep -v 'counter packets 0 ' | grep -q 41000-41999"
check "gw: charon moved c1's IKE_SA to a port of 41000-41999" wait_for 20 sh -c \
	"timeout 20 swanctl --list-sas --raw --uri unix://$run/gw/charon.vici 2>/dev/null |
	 grep -qE 'remote-host=203\.0\.113\.1 remote-port=41[0-9]{3} '"
lc_sw gw --list-sas --raw >"$out/gw-sas-g.txt"
newport=$(grep -oE 'remote-port=41[0-9]{3}' "$out/gw-sas-g.txt" | head -n 1 | cut -d= -f2)
echo "# c1's external port after: ${newport:-?}"
check "l2secd: followed the ike-update" wait_for 10 \
	grep -q "moved to 203.0.113.1:${newport:-none} (NAT mapping changed)" "$out/l2secd.log"
lc_ctl "show tunnels" >"$out/ctl-g1.json"
check "l2secd: show tunnels has the SA at 203.0.113.1:$newport" jcheck \
	"[t['sa']['remote'] for t in j['tunnels'] if t['state'] == 'established'] == ['203.0.113.1:${newport:-none}']" \
	<"$out/ctl-g1.json"
check "gw: the outbound SA is UDP-encapsulated to port $newport" sh -c \
	"ip -n gw xfrm state list src 203.0.113.2 dst 203.0.113.1 | grep -q 'encap type espinudp sport 4500 dport ${newport:-none} '"
check_eq "gw: the same L2TP session after the port change" "$ids1" "$(lc_sess_ids "$a1")"
b1=$(ppp_rx c1)
gw_out0=$(esp gw 203.0.113.2 203.0.113.1)
check "c1: pings the LAN host" ip netns exec c1 ping -c 3 -i 0.3 -W 5 198.51.100.2
check_eq "c1 received its 3 replies" 3 $(( $(ppp_rx c1) - b1 ))
check "lan: pings c1 ($a1) through the gateway" ip netns exec lan ping -c 2 -W 5 "$a1"
check "gw: ESP out counters grew" grew "$gw_out0" "$(esp gw 203.0.113.2 203.0.113.1)"
# the module records the SA of the tunnel's latest packet: the new port now
gw "$L2SEC" -j tunnel show >"$out/tunnel-g.json"
check "gw: l2sec tunnel show: the SA's NAT-T ports are 4500:$newport" jcheck \
	"len(j) == 1 and j[0]['sa']['encap_sport'] == ${newport:-0} and j[0]['sa']['encap_dport'] == 4500" \
	<"$out/tunnel-g.json"
ip netns exec nat nft flush chain ip nat post
ip netns exec nat nft add rule ip nat post oifname wan masquerade

# --- (h) the gateway's charon is killed with SIGKILL while two clients are up -------------
l2tp_stop c2
lc_sw c2 --terminate --ike l2tp --force --timeout 10 >/dev/null 2>&1
check "c2: IKE_SA and CHILD_SA initiated" lc_initiate 2
lc_l2tp_start c2 u2 pw-2
check "c2: PPP up" wait_for 60 test -s "$run/c2.up"
a2=$(lc_client_addr c2)
lc_lan_route c2
lc_ctl "show tunnels" >"$out/ctl-h0.json"
check "gw: two tunnels, each with its SA" jcheck \
	"len([t for t in j['tunnels'] if t['state'] == 'established' and 'sa' in t]) == 2" <"$out/ctl-h0.json"
ip -n gw xfrm state list >"$out/xfrm-state-h0.txt"
ip -n gw xfrm policy list >"$out/xfrm-policy-h0.txt"
nst=$(xfrm_marked state)
pid=$(cat "$run/gw/charon.pid")
{ kill -KILL "$pid"; wait "$pid"; } 2>/dev/null	# (wait: no "Killed" from bash)
check "l2secd: charon went away" wait_for 30 sh -c \
	"[ \$(grep -c 'vici: connection to charon lost' $out/l2secd.log) -ge 2 ]"
check "gw: the killed charon's $nst SAs are still in the kernel" \
	test "$(xfrm_marked state)" -eq "$nst" -a "$nst" -ge 4
lc_charon_start gw
check "gw: charon starts again" lc_charon_wait gw
check "l2secd: connected to charon again, connection and PSK loaded" wait_for 60 sh -c \
	"[ \$(grep -c \"vici: connection 'l2sec' and its .* loaded into charon\" $out/l2secd.log) -ge 3 ]"
check "gw: the stale tunnels are cleared" wait_for 30 sh -c \
	"[ \$(ip netns exec gw $L2SEC -j tunnel show | grep -o '\"tunnel_id\"' | wc -l) -eq 0 ]"
check "gw: the killed charon's SAs are gone from the kernel" wait_for 30 \
	sh -c "[ \$(ip -n gw xfrm state list | grep -c 'mark 0x') -eq 0 ]"
check "gw: and its policies" wait_for 30 \
	sh -c "[ \$(ip -n gw xfrm policy list | grep -c 'mark 0x') -eq 0 ]"
check "l2secd: says it removed them" grep -q \
	"ipsec: removed [1-9][0-9]* SA(s) and [1-9][0-9]* policies that charon no longer knows" \
	"$out/l2secd.log"
ip -n gw xfrm state list >"$out/xfrm-state-h1.txt"
ip -n gw xfrm policy list >"$out/xfrm-policy-h1.txt"
# c2 first: the new charon's first CHILD_SA takes mark 1 again, c1's old mark
l2tp_stop c2
lc_sw c2 --terminate --ike l2tp --force --timeout 10 >/dev/null 2>&1
check "c2: connects again" lc_initiate 2
lc_l2tp_start c2 u2 pw-2
check "c2: PPP up again" wait_for 60 test -s "$run/c2.up"
a2=$(lc_client_addr c2)
lc_lan_route c2
lc_ctl "show tunnels" >"$out/ctl-h1.json"
mark2=$(jget "j['tunnels'][0]['sa']['mark']" <"$out/ctl-h1.json")
echo "# c2's new SA mark: $mark2"
# c1 still has its old SA (client side): what it sends for c2's session through it
# must go nowhere (xl2tpd stops first: the injector takes its port)
l2tp_stop c1
set -- $(lc_sess_ids "$a2")
ip netns exec lan /usr/bin/python3 "$L2SEC_TOP/tests/vm/pkt/l2tp.py" sink 198.51.100.2 5000 15 \
	>"$out/sink-h.txt" 2>&1 &
wait_for 30 grep -q ready "$out/sink-h.txt"
esp_h0=$(esp c1 192.168.1.11 203.0.113.2)
nostate0=$(xfrm_nostates)
check "c1: sends 3 data packets for c2's new session through its old SA" \
	ip netns exec c1 /usr/bin/python3 "$run/inject.py" "$L2SEC_TOP/tests/vm/pkt" "$1" "$2" "$a2"
wait_for 10 counted_since "$nostate0" 3 xfrm_nostates
check "c1: they left through c1's old SA" grew "$esp_h0" "$(esp c1 192.168.1.11 203.0.113.2)"
nostate1=$(xfrm_nostates)
check "gw: xfrm has no SA for them any more (XfrmInNoStates $nostate0 -> $nostate1)" \
	test $((nostate1 - nostate0)) -ge 3
check "lan: nothing of c1's arrived through c2's session" sh -c "! grep -q '^got' $out/sink-h.txt"
lc_sw c1 --terminate --ike l2tp --force --timeout 10 >/dev/null 2>&1
check "c1: connects again" lc_initiate 1
lc_l2tp_start c1 u1 pw-1
check "c1: PPP up again" wait_for 60 test -s "$run/c1.up"
a1=$(lc_client_addr c1)
lc_lan_route c1
lc_ctl "show tunnels" >"$out/ctl-h2.json"
lc_sw gw --list-sas --raw >"$out/gw-sas-h.txt"
check "gw: two tunnels on two SA marks, each SA's SPIs as charon has them" jcheck \
	"(lambda sas, t: len(t) == 2 and t[0]['sa']['mark'] != t[1]['sa']['mark'] and
		all(('spi-in=%s' % x['sa']['spi_in']) in sas and ('spi-out=%s' % x['sa']['spi_out']) in sas
		    for x in t))(open('$out/gw-sas-h.txt', errors='replace').read(),
		[x for x in j['tunnels'] if x['state'] == 'established'])" <"$out/ctl-h2.json"
b1=$(ppp_rx c1); b2=$(ppp_rx c2)
ip netns exec c1 ping -c 2 -i 0.3 -W 5 198.51.100.2 >"$out/ping-h-c1.txt" 2>&1 &
p1=$!
ip netns exec c2 ping -c 3 -i 0.3 -W 5 198.51.100.2 >"$out/ping-h-c2.txt" 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check_eq "c1 and c2 ping the LAN host at once (exit status)" "0 0" "$r1 $r2"
check_eq "c1 received exactly its 2 replies" 2 $(( $(ppp_rx c1) - b1 ))
check_eq "c2 received exactly its 3 replies" 3 $(( $(ppp_rx c2) - b2 ))
l2tp_stop c2

gw "$L2SEC" -j -s stats >"$out/stats-end.json" 2>&1
gw "$L2SEC" -j -s tunnel show >"$out/tunnels-end.json" 2>&1
lc_sw gw --list-sas >"$out/gw-sas-end.txt" 2>&1
# l2secd stops with c1's tunnel up: its StopCCN goes through c1's SA
closed=$(grep -c 'closed to 203.0.113.2' "$out/xl2tpd-c1.log")
kill -TERM "$gw_pid" 2>/dev/null
wait "$gw_pid"
check_eq "l2secd exit status" 0 "$?"
check "c1: xl2tpd got the StopCCN" wait_for 20 sh -c \
	"[ \$(grep -c 'closed to 203.0.113.2' $out/xl2tpd-c1.log) -gt $closed ]"
ip netns exec lan pkill iperf3
t_done
