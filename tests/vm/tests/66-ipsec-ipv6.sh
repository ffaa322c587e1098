# L2TP/IPsec over IPv6 end to end, through a path with a 1280-byte MTU the
# gateway learns of only by Packet Too Big: a charon client (IKEv1, ESP
# transport for udp/1701, PSK) over IPv6, with xl2tpd + pppd (MS-CHAPv2,
# IPCP and IPv6CP).  xl2tpd has no IPv6, so it dials over IPv4 a relay on the
# client's IPv6 host that sends its datagrams on from [client]:1701 byte for
# byte (tests/vm/pkt/relay46.py); charon, the SA, the gateway and the path
# see an ordinary IPv6 client.
#   l1 (xl2tpd, pppd; 192.168.1.11) -- c1 (relay, charon; 2001:db8:c::11)
#     == 1280 == rt == gw (2001:db8:a::2; l2secd, charon) -- lan
# Checks: IKE, CHILD_SA, L2TP and PPP up over IPv6; the tunnel bound to the
# client's SA at its IPv6 address; IPv4 and IPv6 inside, both ways; and
# packets larger than the path lets through: with DF the LAN sender is told
# an MTU that then works, without DF (and IPv6 inside, below 1280 left) they
# arrive fragmented and are answered.  Nothing is black-holed.
# vm-timeout: 240
. "$L2SEC_TOP/tests/vm/lib.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-66
PSK=l2sec-66-shared-secret
gw() { ip netns exec gw "$@"; }
lan() { ip netns exec lan "$@"; }

rm -rf "$run"
mkdir -p "$run/c1" "$run/l1" "$run/gw" "$run/run"
modprobe -a l2sec esp6 xfrm_user veth ppp_generic ppp_async ppp_synctty l2tp_ppp 2>/dev/null
[ -e /dev/ppp ] || mknod /dev/ppp c 108 0
topology() {
	netns_add l1 c1 rt gw lan &&
		veth l1 eth0 192.168.1.11/24 c1 lan0 192.168.1.1/24 &&
		veth c1 wan 2001:db8:c::11/64 rt c1 2001:db8:c::1/64 &&
		veth rt gw 2001:db8:a::1/64 gw wan 2001:db8:a::2/64 &&
		veth gw lan0 198.51.100.1/24 lan eth0 198.51.100.2/24 || return 1
	ip -n c1 link set wan mtu 1280 && ip -n rt link set c1 mtu 1280 &&
		ip -n c1 -6 route add default via 2001:db8:c::1 &&
		ip -n gw -6 route add 2001:db8:c::/64 via 2001:db8:a::1 &&
		ip netns exec rt sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
	gw ip addr add 2001:db8:ffff::1/64 dev lan0 &&
		lan ip addr add 2001:db8:ffff::2/64 dev eth0 &&
		lan ip route add 192.168.42.0/24 via 198.51.100.1 &&
		lan ip -6 route add 2001:db8:42::/56 via 2001:db8:ffff::1 || return 1
	gw sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	# until DAD is done, nothing may leave from these addresses
	wait_for 10 sh -c "! ip -n gw -6 addr | grep -q tentative &&
		! ip -n c1 -6 addr | grep -q tentative && ! ip -n lan -6 addr | grep -q tentative"
}
check "topology: l1 -- c1 == 1280 == rt -- gw -- lan" topology
lc_charon_start gw
lc_charon_start c1
ip netns exec c1 /usr/bin/python3 "$L2SEC_TOP/tests/vm/pkt/relay46.py" 192.168.1.1 \
	2001:db8:c::11 2001:db8:a::2 >"$out/relay.log" 2>&1 &
check "gw: charon starts" lc_charon_wait gw
LC_LISTEN=2001:db8:a::2 LC_PPP_LINES="ipv6 = yes
ipv6-prefix = 2001:db8:42::/56" check "gw: l2secd starts and loads its connection" lc_gw_start ""
check "gw: l2secd listens on [2001:db8:a::2]:1701" \
	grep -q "l2tp: listening on 2001:db8:a::2 port 1701" "$out/l2secd.log"
check "c1: charon starts" lc_charon_wait c1
LC_CLIENT_ADDR=2001:db8:c::11 LC_GW_ADDR=2001:db8:a::2 \
	check "c1: connection loaded (IKEv1, PSK, ESP transport udp/1701)" lc_client_conf 1 "" ""
check "c1: IKE and CHILD_SA up over IPv6" lc_initiate 1
check "c1: the relay is ready" wait_for 60 grep -q ready "$out/relay.log"
LC_LNS=192.168.1.1 lc_l2tp_start l1 u1 pw-1 "lcp-echo-interval 0
+ipv6"
check "l1: L2TP and PPP up through the relay" wait_for 90 test -s "$run/l1.up"
if ! [ -s "$run/l1.up" ]; then
	echo "# no session: nothing else can be checked"
	t_done
fi
a=$(lc_client_addr l1)
ppp=$(cut -d' ' -f1 "$run/l1.up")
gw "$L2SEC" -j tunnel show >"$out/tunnel.json"
check "gw: the tunnel's peer is [2001:db8:c::11]:1701, bound to its SA" jcheck \
	"len(j) == 1 and j[0]['peer_addr'] == '2001:db8:c::11' and j[0]['peer_port'] == 1701 and j[0]['bound'] and j[0]['require_ipsec']" \
	<"$out/tunnel.json"
ip -n l1 route add 198.51.100.0/24 dev "$ppp"
ip -n l1 -6 route add 2001:db8:ffff::/64 dev "$ppp"
check "l1: a global IPv6 address from the RA" wait_for 30 sh -c \
	"ip -n l1 -6 addr show dev $ppp scope global | grep -q 'inet6 2001:db8:42:'"
a6=$(ip -n l1 -6 addr show dev "$ppp" scope global | awk '/inet6/ { sub("/.*", "", $2); print $2; exit }')
echo "# client $a $a6 on $ppp [${SECONDS}s]"
check "IPv4 inside: client -> LAN" ip netns exec l1 ping -c 2 -W 5 198.51.100.2
check "IPv4 inside: LAN -> client" lan ping -c 2 -W 5 "$a"
check "IPv6 inside: client -> LAN" ip netns exec l1 ping -6 -c 2 -W 5 2001:db8:ffff::2
check "IPv6 inside: LAN -> client" lan ping -6 -c 2 -W 5 "$a6"

# --- larger than the 1280-byte hop: the first one teaches the gateway (Packet Too
# Big from rt), then each size gets an answer: an MTU, or the reply itself -----------
lan ping -M do -n -c 3 -i 1 -W 2 -s 1300 "$a" >"$out/ping-df.txt" 2>&1
cat "$out/ping-df.txt"
mtu=$(grep -o 'mtu = [0-9]*' "$out/ping-df.txt" | tail -n 1 | cut -d' ' -f3)
check "IPv4 inside with DF, 1328 bytes: the LAN host is told an MTU ($mtu)" \
	test "${mtu:-0}" -ge 1100 -a "${mtu:-0}" -lt 1280
check "IPv4 inside with DF at that MTU: answered" \
	lan ping -M do -c 2 -W 5 -s $((${mtu:-1280} - 28)) "$a"
check "IPv4 inside without DF, 1328 bytes: fragmented outside, answered" \
	lan ping -M dont -c 2 -W 5 -s 1300 "$a"
check "IPv6 inside, 1348 bytes (above what is left, below 1280): answered" \
	lan ping -6 -c 2 -W 5 -s 1300 "$a6"
check "IPv6 inside, client -> LAN, 1348 bytes: answered" \
	ip netns exec l1 ping -6 -c 2 -W 5 -s 1300 2001:db8:ffff::2
gw "$L2SEC" -j -s stats >"$out/stats.json"
check "gw: the refusals with DF counted as too_big" jcheck \
	"j['stats']['drops']['too_big'] >= 1" <"$out/stats.json"
# the client's kernel solicits as its link-local address comes up: l2sec.ko passes the
# RS to l2secd (the stack on l2sec0 is no router), which answers it
gw "$L2SEC" -r "$run/run" -j -s daemon show >"$out/daemon.json"
check "gw: the client's Router Solicitation reached l2secd" jcheck \
	"j['stats']['ppp']['rs_received'] >= 1 and j['stats']['ppp']['ra_sent'] >= 1" <"$out/daemon.json"
t_done
