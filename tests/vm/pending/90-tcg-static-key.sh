# vm-timeout: 300
# Not l2sec: 6.12 under QEMU 7.2's multi-threaded TCG with two vCPUs oopses on an int3
# at the UDP encapsulation's static key (udp_queue_rcv_one_skb+0x57) when the key
# switches while the other vCPU receives. Mainline L2TP tunnels (each with a socket
# that turns encapsulation on, then off again) are added and deleted on CPU 1 while
# iperf3 floods a UDP socket on CPU 0; l2sec.ko is never loaded.
#   VM_SMP=2 tests/vm/run -k 6.12 -d tests/vm/pending 90-tcg-static-key
# Session 26: 6.12, 3 of 3 boots oopsed within 15 s; 6.12 with one TCG thread
# (-accel tcg,thread=single) 515 rounds in 150 s and 6.1 1,444 rounds, no oops.
# make soak met it in 24-gro's teardown rounds, whose sockets switch the key the same
# way; 24-gro now holds it on with two CPUs. BENCH_SOAK_SECONDS sets the time (150 s).
. "$L2SEC_TOP/tests/vm/lib.sh"
dur=${BENCH_SOAK_SECONDS:-150}
modprobe -a l2tp_core l2tp_netlink veth || t_fail "l2tp_core, l2tp_netlink and veth load"
netns_add a b
veth a e0 10.9.0.1/24 b e0 10.9.0.2/24
ip netns exec b iperf3 -s -D -p 5301 >/dev/null 2>&1
sleep 2
ip netns exec a taskset -c 0 iperf3 -c 10.9.0.2 -p 5301 -u -b 0 -l 200 -t "$dur" \
	>"$L2SEC_TEST_OUT/iperf3.txt" 2>&1 &
flood=$!
taskset -cp 1 $$ >/dev/null
n=0
end=$((SECONDS + dur))
while [ $SECONDS -lt $end ]; do
	ip -n b l2tp add tunnel tunnel_id 7 peer_tunnel_id 7 encap udp \
		local 10.9.0.2 remote 10.9.0.1 udp_sport 1701 udp_dport 1701 2>/dev/null
	ip -n b l2tp del tunnel tunnel_id 7 2>/dev/null
	n=$((n + 1))
done
wait $flood
echo "# $n rounds in $dur s"
check "the key switched many times (more than 100 rounds)" test $n -gt 100
check_fails "l2sec.ko never loaded" grep -q '^l2sec ' /proc/modules
t_done
