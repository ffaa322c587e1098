# The socket's teardown under a GRO flood (kernel/socket.c, gro.c): while the
# TCP segments of one session's upload are merged by GRO (l2sec_inject.ko's
# NAPI poll on one vCPU), a daemon stand-in on the other hands its socket
# over, then hands it back (SOCK_DEL) or closes it, again and again.  No oops,
# no warning (the harness checks the log); after SOCK_DEL the socket gets the
# L2TP datagrams as plain UDP, each exactly one frame's datagram, never a
# merged packet.  The module cannot be unloaded while a socket is attached,
# under traffic, and can once it is closed.  BENCH_SOAK_SECONDS makes the
# loop longer (make soak).
# vm-timeout: 200
. "$L2SEC_TOP/tests/vm/lib.sh"
CTL=$L2SEC_BUILD/tests/l2sec-ctl
BLAST=$L2SEC_BUILD/tests/l2sec-blast
out=${L2SEC_TEST_OUT:-/tmp}
secs=${BENCH_SOAK_SECONDS:-15}
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

flood "$((secs + 5))" >"$out/25-flood.txt" 2>&1 &
flooder=$!
end=$((SECONDS + secs))
rounds=0
: >"$out/25-rounds.txt"
while [ $SECONDS -lt $end ]; do
	rounds=$((rounds + 1))
	if [ $((rounds % 2)) = 1 ]; then
		# handed back: the rest is plain UDP for the socket's owner
		printf '%s\nrun sleep 0.2\nsock del s\ndrain s 300 %s\n' "$setup" "$dgram" |
			gw "$CTL" >>"$out/25-rounds.txt" 2>&1
	else
		# closed with its tunnel and session up (the daemon exits)
		printf '%s\nrun sleep 0.2\n' "$setup" | gw "$CTL" >>"$out/25-rounds.txt" 2>&1
	fi
done
echo "# $rounds rounds; $(grep '^drain' "$out/25-rounds.txt" | sort | uniq -c | sort -rn | head -5 | tr '\n' ';')"
check "every round set its objects up" sh -c \
	"[ \$(grep -c '^session tid=7 sid=7' '$out/25-rounds.txt') = $rounds ]"
check "no round failed" sh -c "! grep -q '^error' '$out/25-rounds.txt'"
check "after SOCK_DEL the socket got datagrams as plain UDP" \
	grep -q '^drain n=[1-9]' "$out/25-rounds.txt"
check "never a merged packet, every datagram one frame's" sh -c \
	"! grep '^drain' '$out/25-rounds.txt' | grep -qv ' max=\\($dgram\\|0\\) odd=0\$'"
check "the sessions received the flood" sh -c \
	"ip netns exec gw $CTL stats | grep -q 'rx_packets=[1-9]'"

# --- unload under traffic: refused while a socket is attached ---------------------
printf '%s\nrun sleep 600\n' "$setup" | gw "$CTL" >"$out/25-pinned.txt" 2>&1 &
owner=$!
check "a socket attached again" wait_for 20 sh -c "ip netns exec gw $CTL stats | grep -q 'sessions=1 '"
check_fails "rmmod refused while a socket is attached" rmmod l2sec
rxp() { gw "$CTL" stats | sed -n 's/.* rx_packets=\([0-9]*\).*/\1/p'; }
rx0=$(rxp)
check "the session still receives" wait_for 10 sh -c "[ \$(ip netns exec gw $CTL stats |
	sed -n 's/.* rx_packets=\([0-9]*\).*/\1/p') -gt $rx0 ]"
kill $owner
wait $owner 2>/dev/null
wait $flooder
check "the flood ran throughout" grep -q '^received [0-9]* dropped 0' "$out/25-flood.txt"
gw ip link del l2sec0
check "rmmod once the socket is closed" wait_for 10 rmmod l2sec
t_done
