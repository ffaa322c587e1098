# Path MTU through l2sec.ko (kernel/xmit.c), never a black hole: the link to
# the clients has a 1280-byte MTU; one tunnel runs over IPv4, one over IPv6
# (no IPsec here: the arithmetic is the same, an xfrm bundle's MTU is already
# net of ESP).  A host behind the gateway sends the clients packets larger
# than what is left of the path once the tunnel's headers are on (1242 bytes
# over IPv4, 1222 over IPv6):
#  - IPv4 with DF: Fragmentation Needed comes back with that MTU, over either
#    outer family, and the drop is counted as too_big;
#  - IPv4 without DF: the outer packet is fragmented and the client
#    reassembles it, over IPv4 and over IPv6 (where the outer packet has no
#    DF bit and only ignore_df lets the gateway fragment it);
#  - IPv6 over an IPv6 path of 1280: 1222 is below IPv6's minimum, so the
#    outer packet is fragmented; over a 1400-byte path (1342 left), the
#    sender gets Packet Too Big with 1342.
# vm-timeout: 120
. "$L2SEC_TOP/tests/vm/lib.sh"
CTL=$L2SEC_BUILD/tests/l2sec-ctl
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-26
gw() { ip netns exec gw "$@"; }
lan() { ip netns exec lan "$@"; }

rm -rf "$run"
mkdir -p "$run"
modprobe l2sec
netns_add gw cl lan
veth gw eth0 192.0.2.1/24 cl eth0 192.0.2.2/24
gw ip addr add 2001:db8:1::1/64 dev eth0 nodad
ip -n cl addr add 2001:db8:1::2/64 dev eth0 nodad
gw ip link set eth0 mtu 1280
ip -n cl link set eth0 mtu 1280
veth gw lan0 198.51.100.1/24 lan eth0 198.51.100.2/24
gw ip addr add 2001:db8:5::1/64 dev lan0 nodad
ip -n lan addr add 2001:db8:5::2/64 dev eth0 nodad
lan ip route add 10.99.0.0/24 via 198.51.100.1
lan ip -6 route add 2001:db8:99::/48 via 2001:db8:5::1
gw sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
gw ip link add l2sec0 type l2sec
gw ip addr add 10.99.0.1/32 dev l2sec0
gw ip link set l2sec0 up
gw ip route add 10.99.0.0/24 dev l2sec0
gw ip -6 route add 2001:db8:99::/48 dev l2sec0

# tunnel 1 over IPv4 (client 10.99.0.2), tunnel 2 over IPv6 (10.99.0.3 and
# 2001:db8:99::3); l2sec-ctl keeps the sockets until $run/done exists
gw "$CTL" >"$out/26-ctl.txt" 2>&1 <<EOF &
sock add s4 192.0.2.1 1701 ipsec 0
sock add s6 2001:db8:1::1 1701 ipsec 0
tunnel add 1 100 s4 192.0.2.2 1701
tunnel add 2 200 s6 2001:db8:1::2 1701
session add 1 1 11 up ip4 10.99.0.2
session add 2 1 21 up ip4 10.99.0.3 ip6 2001:db8:99::3/128
echo tunnels-up
run while [ ! -e $run/done ]; do sleep 0.2; done
stats
EOF
check "tunnels and sessions added" wait_for 30 grep -q tunnels-up "$out/26-ctl.txt"
wait_for 10 sh -c "ip netns exec gw ip -6 addr show dev eth0 | grep -qv tentative"

# reasm FAMILY: the client's reassembled datagrams so far (Ip or Ip6)
reasm() { ip netns exec cl nstat -asz "${1}ReasmOKs" | awk -v k="${1}ReasmOKs" '$1 == k { print $2 }'; }
# too_big DEST FAMILY SIZE WANT: one ping of SIZE bytes with DF from the LAN host
# is answered with the ICMP error WANT (ping's own text of it)
too_big() {
	local o
	o=$(lan ping "-$2" -M do -n -c 1 -W 3 -s "$3" "$1" 2>&1)
	echo "$o" >>"$out/26-ping.txt"
	echo "$o" | grep -q "$4"
}
# fragmented DEST FAMILY SIZE OUTER: three pings of SIZE bytes without DF reach the
# client as fragmented outer packets of family OUTER (Ip, Ip6) it reassembles
fragmented() {
	local before after
	before=$(reasm "$4")
	lan ping "-$2" -M dont -n -c 3 -i 0.3 -W 1 -s "$3" "$1" >>"$out/26-ping.txt" 2>&1
	after=$(reasm "$4")
	echo "$4 reassembled: $before -> $after"
	[ $((after - before)) -ge 3 ]
}

# without DF first: once a DF packet has lowered the route's PMTU, the gateway's
# forwarding would fragment the inner packet itself before it reaches l2sec0
check "IPv4 outer, inner without DF: fragmented, the client reassembles it" \
	fragmented 10.99.0.2 4 1300 Ip
check "IPv4 outer, inner DF: Fragmentation Needed with mtu 1242" \
	too_big 10.99.0.2 4 1300 "Frag needed and DF set (mtu = 1242)"
check "IPv6 outer, inner IPv4 without DF: fragmented outer IPv6, reassembled" \
	fragmented 10.99.0.3 4 1300 Ip6
check "IPv6 outer, inner DF: Fragmentation Needed with mtu 1222" \
	too_big 10.99.0.3 4 1300 "Frag needed and DF set (mtu = 1222)"
check "IPv6 outer, inner IPv6 above 1222 (below IPv6's 1280): fragmented outer, reassembled" \
	fragmented 2001:db8:99::3 6 1300 Ip6
gw ip link set eth0 mtu 1400
ip -n cl link set eth0 mtu 1400
check "IPv6 outer over 1400: inner IPv6 gets Packet Too Big with mtu 1342" \
	too_big 2001:db8:99::3 6 1320 "Packet too big: mtu=1342"
# whole: a 1342-byte packet reaches the client as one 1400-byte datagram (no
# socket there: counted as Udp6NoPorts), not refused, not fragmented
whole() {
	local u0 r0 u1 r1
	u0=$(ip netns exec cl nstat -asz Udp6NoPorts | awk '$1 == "Udp6NoPorts" { print $2 }')
	r0=$(reasm Ip6)
	lan ping -6 -M do -n -c 1 -W 1 -s 1294 2001:db8:99::3 >>"$out/26-ping.txt" 2>&1
	u1=$(ip netns exec cl nstat -asz Udp6NoPorts | awk '$1 == "Udp6NoPorts" { print $2 }')
	r1=$(reasm Ip6)
	echo "Udp6NoPorts $u0 -> $u1, Ip6ReasmOKs $r0 -> $r1"
	[ $((u1 - u0)) -eq 1 ] && [ "$r1" = "$r0" ]
}
check "IPv6 outer over 1400: 1342 bytes still pass whole" whole

touch "$run/done"
check "l2sec-ctl ends" wait_for 10 grep -q '^stats' "$out/26-ctl.txt"
cat "$out/26-ctl.txt"
st() { grep '^stats' "$out/26-ctl.txt" | grep -o " $1=[0-9]*" | cut -d= -f2; }
# the first ping of each too_big got the module's ICMP; its PMTU then lets the
# gateway's forwarding answer any further one before it reaches l2sec0
check "each refusal counted as too_big (3)" test "$(st drop_too_big)" -eq 3
check_eq "no other transmit drop" "$(st drop_too_big)" "$(st tx_drops)"
t_done
