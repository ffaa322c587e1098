# GRO through the tunnel (kernel/gro.c), with frames received as a NIC's NAPI
# poll delivers them (l2sec_inject.ko of tests/bench/inject): the consecutive
# TCP segments of one session's upload are merged before ip_rcv and forwarded
# as few packets, every segment's payload arriving exactly once and counted as
# one packet of the session, whether the NIC hands over its checksum or not
# (complete, none); UDP is merged only where the NIC has GRO for forwarded
# UDP turned on (rx-udp-gro-forwarding), and neither UDP nor TCP as frag_list
# GRO (rx-gro-list); a frame of another session is never
# merged into a session's packet (here it spoofs the session's address, so it
# must be dropped and counted, not forwarded); a merged packet dropped counts
# each of its segments; and forwarded on, the merged packets become the same
# segments again, each with a right checksum.  Then the socket's teardown
# under a flood (kernel/socket.c): while one vCPU's NAPI poll merges a
# session's TCP upload, the daemon's stand-in on the other hands its socket
# over, then back (SOCK_DEL) or closes it, again and again: no oops, no
# warning (the harness checks the log), after SOCK_DEL the socket gets the
# L2TP datagrams as plain UDP, each one frame's, never a merged packet; the
# module cannot be unloaded while a socket is attached, under traffic, and
# can once it is closed.  BENCH_SOAK_SECONDS makes that loop longer than 15 s
# (make soak).
# vm-timeout: 360
. "$L2SEC_TOP/tests/vm/lib.sh"
CTL=$L2SEC_BUILD/tests/l2sec-ctl
BLAST=$L2SEC_BUILD/tests/l2sec-blast
out=${L2SEC_TEST_OUT:-/tmp}
gw() { ip netns exec gw "$@"; }

modprobe l2sec
insmod "$L2SEC_BUILD/mod/$(uname -r)/inject/l2sec_inject.ko" ||
	{ t_fail "l2sec_inject.ko loads"; t_done; }
netns_add gw
gw ip link add nic0 type dummy
gw ip addr add 192.0.2.1/24 dev nic0
gw ip link add sink0 type dummy
gw sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.default.rp_filter=0 net.ipv6.conf.sink0.disable_ipv6=1
gw ip link set nic0 up
gw ip link set sink0 up
gw ip route add 198.51.100.0/24 dev sink0
gw ip link add l2sec0 type l2sec
gw ip addr add 10.99.0.1/32 dev l2sec0
gw ip link set l2sec0 up
gw ip route add 10.99.0.0/24 dev l2sec0
nicmac=$(gw cat /sys/class/net/nic0/address)
ip netns exec gw sleep infinity &	# its /proc/PID/net is the namespace's (counters)
anchor=$!
gw $CTL >"$out/24-ctl.txt" 2>&1 <<EOF &
sock add s 192.0.2.1 1701 ipsec 0
tunnel add 7 70 s 192.0.2.2 1701
session add 7 7 77 up ip4 10.99.0.2
session add 7 8 78 up ip4 10.99.0.3
run while [ ! -e $out/24-flag.1 ]; do sleep 0.2; done
EOF
owner=$!
check "sessions set up" wait_for 30 sh -c "ip netns exec gw $CTL session get 7 8 | grep -q state"

# snmp NETNS COUNTER: the namespace's nstat counter (absolute)
snmp() { ip netns exec "$1" nstat -asz "$2" | awk -v k="$2" '$1 == k {print $2}'; }
# counters: sets sink_p and sink_b (packets and bytes sink0 sent), sess_r (session 7's
# received packets) and spoof (tunnel 7's spoof drops). sink0's from the namespace's
# /proc/net/dev as a process in it ($anchor) sees it, read by bash alone: a program
# started costs tens of ms under TCG, and inject reads all of them twice.
counters() {
	local l
	sink_p= sink_b=
	while read -r l; do
		case $l in
		sink0:*)
			set -- ${l#sink0:}
			sink_b=$9 sink_p=${10}
			;;
		esac
	done <"/proc/$anchor/net/dev"
	gw $L2SEC -j -s tunnel show id 7 >"$out/24-tunnel.json"
	read -r sess_r spoof < <(gw $L2SEC -j -s session show tunnel 7 id 7 |
		jget "'%d %d' % (j[0]['stats']['rx_packets'],
			json.load(open('$out/24-tunnel.json'))[0]['stats']['drops'].get('spoof', 0))")
}

# inject NAME ARGS...: half a second of frames from 192.0.2.2:1701 in tunnel 7,
# session 7, inner source $isrc (default the session's; ARGS: after the L2TP
# ids); sets n (frames received), pk and by
# (packets and bytes sink0 forwarded), rx (session 7's new packets), sp (new
# spoof drops); not in a subshell (check runs one), for those variables
inject() {
	local name=$1 p0 b0 r0 s0 res
	shift
	counters
	p0=$sink_p b0=$sink_b r0=$sess_r s0=$spoof
	res=$(gw "$BLAST" kinject nic0 "$nicmac" 192.0.2.2 1701 192.0.2.1 1701 0.5 1200 \
		l2tp 7 7 "${isrc:-10.99.0.2}" 198.51.100.1 5001 "$@")
	echo "# $name: $res" >&2
	# received N dropped D ...: D refused by the full receive queue (none,
	# as the injector waits for the stack to catch up)
	n=
	[[ $res =~ ^received\ ([0-9]+)\ dropped\ 0\  ]] && n=${BASH_REMATCH[1]}
	counters
	pk=$((sink_p - p0)) by=$((sink_b - b0))
	rx=$((sess_r - r0)) sp=$((spoof - s0))
	echo "# $name: $n frames, sink0 $pk packets $by bytes, session rx $rx, spoof drops $sp" >&2
	check "$name: frames received" test "${n:-0}" -gt 64
}

# TCP: merged (on average at least 8 segments a packet), each segment's 1200
# bytes once (plus one set of headers, 14 + 20 + 20, per forwarded packet)
for csum in complete none; do
	inject "tcp, NIC checksum $csum" tcp csum $csum
	check "tcp, NIC checksum $csum: merged before forwarding" test "$pk" -gt 0 -a $((pk * 8)) -le "$n"
	check_eq "tcp, NIC checksum $csum: every segment's payload forwarded once" \
		$((n * 1200 + pk * 54)) "$by"
	check_eq "tcp, NIC checksum $csum: the session counts every segment" "$n" "$rx"
done

inject udp
check_eq "udp: not merged, every datagram forwarded" "$n" "$pk"
check_eq "udp: the session counts every datagram" "$n" "$rx"

# GRO for forwarded UDP on the NIC (off by default): a session's datagrams of
# one flow merge as they do without a tunnel (8 + 20 + 14 bytes of headers a
# forwarded packet); with rx-gro-list as well, they do not (not supported)
u="udp, rx-udp-gro-forwarding"
check "$u: turned on" gw ethtool -K nic0 rx-udp-gro-forwarding on
inject "$u"
check "$u: merged before forwarding" test "$pk" -gt 0 -a $((pk * 8)) -le "$n"
check_eq "$u: every datagram's payload forwarded once" $((n * 1200 + pk * 42)) "$by"
check_eq "$u: the session counts every datagram" "$n" "$rx"
check "$u and rx-gro-list: turned on" gw ethtool -K nic0 rx-gro-list on
inject "$u and rx-gro-list"
check_eq "$u and rx-gro-list: not merged, every datagram forwarded" "$n" "$pk"
# TCP with rx-gro-list: merged as without it (6.1), or, where forwarded TCP
# gets frag_list GRO (6.10+), not merged before the module (l2sec0's own GRO
# may merge it after): each segment's payload still forwarded exactly once
# and counted
u0=$(snmp gw UdpInDatagrams)
inject "tcp and rx-gro-list" tcp
ud=$(($(snmp gw UdpInDatagrams) - u0))
echo "# tcp and rx-gro-list: udp_rcv saw $ud datagrams, $pk packets forwarded, $n frames" >&2
check_eq "tcp and rx-gro-list: every segment's payload forwarded once" \
	$((n * 1200 + pk * 54)) "$by"
check_eq "tcp and rx-gro-list: the session counts every segment" "$n" "$rx"
if printf '6.10\n%s\n' "$(uname -r)" | sort -V -C; then
	check_eq "tcp and rx-gro-list: not merged before the module on 6.10+" "$n" "$ud"
fi
check "rx-gro-list: turned off" gw ethtool -K nic0 rx-gro-list off

# every other frame in session 8, whose address the inner packets are not: the
# segments are consecutive across the two sessions, so only the L2TP header
# keeps them apart
inject "two sessions" tcp alt-session 8
check_eq "two sessions: session 8's frames dropped as spoofed" $((n / 2)) "$sp"
check_eq "two sessions: only session 7's segments forwarded" $((n / 2 * 1200 + pk * 54)) "$by"
check_eq "two sessions: session 7 counts its own" $((n / 2)) "$rx"

# A merged packet dropped counts each segment the client sent: TCP from an
# address that is not session 7's is merged (udp_rcv sees fewer datagrams than
# frames), then dropped as spoofed.
u0=$(snmp gw UdpInDatagrams)
isrc=10.99.0.9 inject "spoofed" tcp
u=$(($(snmp gw UdpInDatagrams) - u0))
echo "# spoofed: udp_rcv saw $u datagrams" >&2
check "spoofed: merged before the module saw them" test "$u" -gt 0 -a $((u * 8)) -le "$n"
check_eq "spoofed: every segment counted as a spoof drop" "$n" "$sp"
check_eq "spoofed: nothing forwarded" 0 "$pk"

# The merged packets leave as the segments they were, each with a right
# checksum: forwarded out of a device without checksum offload, software GSO
# cuts them up and sums each one, and a receiving stack verifies them.
netns_add lan
veth gw lan0 198.51.101.1/24 lan eth0 198.51.101.2/24
ip netns exec lan ip addr add 198.51.100.1/32 dev eth0
ip netns exec lan ip route add default via 198.51.101.1
check "checksum offload off on the way out" gw ethtool -K lan0 tx off
gw ip route replace 198.51.100.0/24 via 198.51.101.2 dev lan0
i0=$(snmp lan TcpInSegs) e0=$(snmp lan TcpInCsumErrors)
inject "out to a stack" tcp
check_eq "out to a stack: every segment arrived" "$n" $(($(snmp lan TcpInSegs) - i0))
check_eq "out to a stack: no checksum errors" 0 $(($(snmp lan TcpInCsumErrors) - e0))
# and merged datagrams (rx-udp-gro-forwarding is still on): no socket listens,
# so each arrives as UdpNoPorts, counted only after its checksum was verified
i0=$(snmp lan UdpNoPorts) e0=$(snmp lan UdpInCsumErrors) f0=$(snmp gw IpForwDatagrams)
inject "udp out to a stack"
fw=$(($(snmp gw IpForwDatagrams) - f0))
echo "# udp out to a stack: $fw packets forwarded" >&2
check "udp out to a stack: merged before forwarding" test "$fw" -gt 0 -a $((fw * 8)) -le "$n"
check_eq "udp out to a stack: every datagram arrived" "$n" $(($(snmp lan UdpNoPorts) - i0))
check_eq "udp out to a stack: no checksum errors" 0 $(($(snmp lan UdpInCsumErrors) - e0))
# --- the socket's teardown under a flood ------------------------------------------
# flood SECONDS: session 7's TCP upload, 1200 bytes a segment: each frame's
# datagram is L2TP 6 + PPP 4 + IPv4 20 + TCP 20 + 1200 = 1250 bytes
dgram=1250
flood() {
	gw "$BLAST" kinject nic0 "$nicmac" 192.0.2.2 1701 192.0.2.1 1701 "$1" 1200 \
		l2tp 7 7 10.99.0.2 198.51.100.1 5001 tcp
}
setup="sock add s 192.0.2.1 1701 ipsec 0
tunnel add 7 70 s 192.0.2.2 1701
session add 7 7 77 up ip4 10.99.0.2"

gw ip route replace 198.51.100.0/24 dev sink0
touch "$out/24-flag.1"	# not kill: run's children hold the socket's fd too
wait $owner 2>/dev/null
check "the first socket closed" wait_for 10 sh -c "ip netns exec gw $CTL stats | grep -q 'socks=0 '"
# rxp: the namespace's received packets
rxp() { gw "$CTL" stats | sed -n 's/.* rx_packets=\([0-9]*\).*/\1/p'; }
rx0=$(rxp)
# Two CPUs (make soak): a socket of mainline L2TP holds the UDP encapsulation's static
# key on through the rest, as charon's NAT-T socket holds it on a gateway, so that the
# rounds' sockets only count it. Switching it while the other vCPU receives oopses on
# an int3 of the kernel's code patching in 6.12 under QEMU 7.2's multi-threaded TCG,
# with or without l2sec.ko (tests/vm/pending/90-tcg-static-key.sh, tests/vm/run's
# header). With one CPU (make check) every round still switches it.
if [ "$(nproc)" -gt 1 ]; then
	modprobe -a l2tp_core l2tp_netlink
	check "$(nproc) CPUs: a mainline L2TP socket holds the UDP encapsulation key on" \
		gw ip l2tp add tunnel tunnel_id 99 peer_tunnel_id 99 encap udp \
		local 192.0.2.1 remote 192.0.2.99 udp_sport 1799 udp_dport 1799
fi
secs=${BENCH_SOAK_SECONDS:-15}
flood "$((secs + 5))" >"$out/24-td-flood.txt" 2>&1 &
flooder=$!
end=$((SECONDS + secs))
rounds=0
: >"$out/24-td-rounds.txt"
while [ $SECONDS -lt $end ]; do
	rounds=$((rounds + 1))
	if [ $((rounds % 2)) = 1 ]; then
		# handed back: the rest is plain UDP for the socket's owner
		printf '%s\nrun sleep 0.2\nsock del s\ndrain s 300 %s\n' "$setup" "$dgram" |
			gw "$CTL" >>"$out/24-td-rounds.txt" 2>&1
	else
		# closed with its tunnel and session up (the daemon exits)
		printf '%s\nrun sleep 0.2\n' "$setup" | gw "$CTL" >>"$out/24-td-rounds.txt" 2>&1
	fi
done
echo "# $rounds rounds; $(grep '^drain' "$out/24-td-rounds.txt" | sort | uniq -c | sort -rn | head -5 | tr '\n' ';')"
check "every round set its objects up" sh -c \
	"[ \$(grep -c '^session tid=7 sid=7' '$out/24-td-rounds.txt') = $rounds ]"
check "no round failed" sh -c "! grep -q '^error' '$out/24-td-rounds.txt'"
check "after SOCK_DEL the socket got datagrams as plain UDP" \
	grep -q '^drain n=[1-9]' "$out/24-td-rounds.txt"
check "never a merged packet, every datagram one frame's" sh -c \
	"! grep '^drain' '$out/24-td-rounds.txt' | grep -qv ' max=\\($dgram\\|0\\) odd=0\$'"
check "the sessions received the flood" test "$(rxp)" -gt "$rx0"

wait $flooder
check "the flood ran throughout" grep -q '^received [0-9]* dropped 0' "$out/24-td-flood.txt"

# --- unload under traffic: refused while a socket is attached ---------------------
printf '%s\nrun while [ ! -e %s ]; do sleep 0.2; done\n' "$setup" "$out/24-flag.2" |
	gw "$CTL" >"$out/24-td-pinned.txt" 2>&1 &
owner=$!
check "a socket attached again" wait_for 20 sh -c "ip netns exec gw $CTL stats | grep -q 'sessions=1 '"
rx0=$(rxp)
flood 10 >"$out/24-td-flood2.txt" 2>&1 &
flooder=$!
check "the session receives the flood" wait_for 8 sh -c "[ \$(ip netns exec gw $CTL stats |
	sed -n 's/.* rx_packets=\([0-9]*\).*/\1/p') -gt $rx0 ]"
check_fails "rmmod refused while a socket is attached, under traffic" rmmod l2sec
check "the module stayed" grep -q '^l2sec ' /proc/modules
touch "$out/24-flag.2"
wait $owner 2>/dev/null
# the socket closed under the flood; the rest of its 10 s would only be waited out (the
# injector's loop ends at a signal)
pkill -TERM -x l2sec-blast
wait $flooder
gw ip link del l2sec0
check "rmmod once the socket is closed" wait_for 10 rmmod l2sec
t_done
