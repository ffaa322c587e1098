# l2sec.ko namespaces and teardown: objects of one network namespace are
# invisible to another (same tunnel ids in both); a namespace with live objects
# goes away cleanly; 200 namespaces with a device come and go in bounded time;
# the module cannot be unloaded while a daemon's socket is
# attached (it keeps its tunnels and sessions), the socket handed back goes on as
# plain UDP, and the module unloads once the socket is closed.
# vm-timeout: 300
. "$L2SEC_TOP/tests/vm/lib.sh"
# the client's sender, started now: scapy's import overlaps with the setup
pkt_serve 23 l2tp.py
CTL=$L2SEC_BUILD/tests/l2sec-ctl
out=${L2SEC_TEST_OUT:-/tmp}
flag=$out/23-flag

modprobe l2sec
netns_add a b cl
veth a eth0 192.0.2.1/24 cl eth0 192.0.2.2/24
veth b eth0 198.51.100.1/24 cl eth1 198.51.100.2/24

# --- isolation ---------------------------------------------------------------
ip -n a link add l2sec0 type l2sec
ip -n b link add l2sec0 type l2sec
ip netns exec a $CTL >"$out/23-a.txt" 2>&1 <<EOF &
sock add s1 192.0.2.1 1701 ipsec 0
tunnel add 1 100 s1 192.0.2.2 1701
session add 1 1 11 up ip4 10.99.0.2
session add 1 2 12 up ip4 10.99.0.3
run while [ ! -e $flag.1 ]; do sleep 0.2; done
stats
EOF
check "namespace a populated" wait_for 30 grep -q '^session tid=1 sid=2' "$out/23-a.txt"
check "same tunnel and session ids in namespace b" ip netns exec b $CTL <<'EOF'
sock add s1 198.51.100.1 1701 ipsec 0
tunnel add 1 100 s1 198.51.100.2 1701
session add 1 1 11 up ip4 10.99.0.2
tunnel dump
session dump
stats
EOF
b=$(ip netns exec b $CTL stats)
echo "$b"
check "b sees none of a's objects (its own socket is closed)" grep -q 'socks=0 tunnels=0 sessions=0' <<<"$b"
check "a's tunnel not visible from b" sh -c "ip netns exec b $CTL tunnel get 1 | grep -q 'no such tunnel'"
check "a's tunnel visible from a" ip netns exec a $CTL tunnel get 1
check "init namespace sees nothing" sh -c "$CTL stats | grep -q 'socks=0 tunnels=0 sessions=0'"
# traffic to a is counted in a only
check "packet sender ready" pkt_ready 23
pkt 23 cl send --src 192.0.2.2 --dst 192.0.2.1 --tid 1 --sid 1 --inner-src 10.99.0.2 malformed-1byte >/dev/null
sleep 1
check "a counted the malformed packet" sh -c "ip netns exec a $CTL stats | grep -q ' drop_malformed=1 '"
check "b counted nothing" sh -c "ip netns exec b $CTL stats | grep -q ' rx_drops=0 '"
touch $flag.1
wait
check "a's script ended" grep -q '^stats' "$out/23-a.txt"

# --- a namespace with live objects goes away -------------------------------------
netns_add x
ip -n x link add l2sec0 type l2sec
ip -n x link set lo up
ip netns exec x $CTL >"$out/23-x.txt" 2>&1 <<EOF &
sock add s1 127.0.0.1 1701 ipsec 1
sock add s2 ::1 1701 ipsec 0
tunnel add 1 100 s1 127.0.0.2 1701
tunnel add 2 200 s2 ::2 1701
session add 1 1 11 up ip4 10.99.0.2
session add 2 1 21 up ip6 2001:db8::/64
run while [ ! -e $flag.x ]; do sleep 0.2; done
EOF
pid=$!
check "namespace x populated" wait_for 30 grep -q '^session tid=2 sid=1' "$out/23-x.txt"
ip netns del x
touch $flag.x	# not kill: run's children hold the sockets' fds too
wait $pid 2>/dev/null
sleep 2
check "no warning from the namespace teardown" sh -c "! dmesg | grep -q 'WARNING:'"

# --- 200 namespaces, each with an l2sec0 device, made and destroyed ------------------
# Nothing of the module's tables is allocated before a namespace's first socket,
# and dying namespaces are torn down in batches (one RTNL, one grace period).
for i in $(seq 200); do
	echo "netns add m$i"
	echo "link add name l2sec0 netns m$i type l2sec"
	echo "netns del m$i"
done >"$out/23-many.batch"
t0=$(date +%s%N)
check "200 namespaces with a device made and deleted" ip -batch "$out/23-many.batch"
# unregister_pernet waits for every namespace still being torn down
check "then the module unloads" wait_for 30 rmmod l2sec
ms=$((($(date +%s%N) - t0) / 1000000))
echo "# 200 namespaces made, deleted and torn down, module unloaded: $ms ms"
check "... within 60 s" test "$ms" -lt 60000
modprobe l2sec

# --- unload with a daemon still holding its socket, tunnels and sessions -------------
ip -n a link add l2sec0 type l2sec 2>/dev/null
ip netns exec a $CTL >"$out/23-unload.txt" 2>&1 <<EOF &
sock add s1 192.0.2.1 1701 ipsec 1
tunnel add 1 100 s1 192.0.2.2 1701
session add 1 1 11 up ip4 10.99.0.2
session add 1 2 12 up ip4 10.99.0.3
run while [ ! -e $flag.2 ]; do sleep 0.2; done
sock del s1
echo --- handed back
recv s1 30000
EOF
pid=$!
check "objects live before unload" wait_for 30 grep -q '^session tid=1 sid=2' "$out/23-unload.txt"
check_fails "rmmod refused while a daemon's socket is attached" rmmod l2sec
check "the module stayed, with its objects" sh -c \
	"ip netns exec a $CTL stats | grep -q 'socks=1 tunnels=1 sessions=2 '"
touch $flag.2
check "socket handed back" wait_for 10 grep -q '^--- handed back' "$out/23-unload.txt"
ip netns exec cl /usr/bin/python3 -c "import socket as s; k=s.socket(s.AF_INET,s.SOCK_DGRAM); k.bind(('192.0.2.2',1701)); k.sendto(b'plain-after-del',('192.0.2.1',1701))"
wait $pid
cat "$out/23-unload.txt"
check "the daemon's socket works as plain UDP after SOCK_DEL (bypass removed)" \
	grep -q "^recv len=15 hex=$(printf plain-after-del | od -An -tx1 | tr -d ' \n')" "$out/23-unload.txt"
check "rmmod once the socket is closed" wait_for 10 rmmod l2sec
check "l2sec0 devices deleted" sh -c "! ip -n a link show l2sec0 2>/dev/null"
check "module loads again" modprobe l2sec
check "and works" sh -c "$CTL stats | grep -q 'socks=0'"
t_done
