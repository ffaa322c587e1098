# vm-kernel: 6.12
# One boot of a two-kernel run: ESP's GRO hands merged packets to the tunnel on 6.7
# and later only; single packets through another client's SA run on both in 22.
# L2TP/IPsec through GRO (issue 20, item 2): l2sec.ko's SA checks hold for packets
# that GRO merged behind ESP exactly as for single ones.  The client's TCP upload in
# one session reaches the gateway in ESP in UDP through two SAs: the first half of
# each poll of 64 frames through the SA the tunnel is bound to (the gateway's inbound
# SA sets mark 7), the second half, the same flow's next segments, through another
# client's SA (mark 8).  Whether the gateway decrypts them one by one (no
# esp4_offload) or xfrm's ESP-in-UDP GRO (esp4_offload, 6.7 on, and only on a NAT-T
# socket with UDP_GRO set, as the test's stands in for the IKE daemon's) hands them to
# the tunnel's GRO, which merges the segments of each half (never across the two SAs:
# gro.c), every segment of the first half is forwarded and none of the second: those
# are dropped and counted, or (single packets: the tunnel is keyed by its SA's mark,
# so another SA's packet finds none) handed to the daemon.  A kprobe says
# whether the merged case was exercised: l2sec_gro_complete runs once per packet
# merged through the tunnel.
# vm-timeout: 300
. "$L2SEC_TOP/tests/vm/lib.sh"
. "$L2SEC_TOP/tests/bench/paths.bash"
SECS=1
w=/tmp/t27
mkdir -p $w
T=/sys/kernel/tracing
[ -d $T/trace_stat ] || mount -t tracefs nodev $T

modprobe -a l2sec esp4 xfrm_user || exit 1
insmod "$L2SEC_BUILD/mod/$(uname -r)/inject/l2sec_inject.ko" ||
	{ t_fail "l2sec_inject.ko loads"; t_done; }
bench_topology || t_done
gw "$BLAST" natt 4500 7200 gro >$w/natt.log 2>&1 &
natt_pid=$!
wait_for 60 grep -q ready $w/natt.log || { t_fail "NAT-T socket on gw"; t_done; }
bench_l2sec_up "ipsec 1" "bind 7 outmark 7" || t_done

# SA 1 (the tunnel's: gw sets mark 7) and SA 2 (another client's: mark 8), each
# chosen on cl by the mark seal sends with
enc=$(bench_esp_alg gcm)
for i in 1 2; do
	echo "xfrm state add src 192.0.2.2 dst 192.0.2.3 proto esp spi $((0x2000 + i)) reqid $i" \
		"mode transport replay-window 0 $enc encap espinudp 4500 4500 0.0.0.0" >&3
	echo "xfrm policy add src 192.0.2.2/32 dst 192.0.2.3/32 dir out mark $((0x60 + i))" \
		"mask 0xffffffff tmpl src 192.0.2.2 dst 192.0.2.3 proto esp reqid $i mode transport" >&3
	echo "xfrm state add src 192.0.2.2 dst 192.0.2.3 proto esp spi $((0x2000 + i)) reqid $i" \
		"mode transport replay-window 0 $enc encap espinudp 4500 4500 0.0.0.0" \
		"output-mark $((6 + i))" >&4
done 3>$w/xfrm-cl 4>$w/xfrm-gw
cl ip -b $w/xfrm-cl && gw ip -b $w/xfrm-gw || { t_fail "SAs and policies"; t_done; }
for i in 1 2; do
	cl "$BLAST" seal eth0 $((0x60 + i)) $w/sa$i 192.0.2.2 1702 192.0.2.3 1701 "$SECS" \
		"$SIZE" l2tp 7 7 10.99.0.2 198.51.100.1 5001 tcp >/dev/null ||
		{ t_fail "frames sealed through SA $i"; t_done; }
done
# the poll: segments 0-31 through SA 1, 32-63 through SA 2 (files: "64 LEN\n" + frames)
python3 - $w/sa1 $w/sa2 $w/mixed <<'EOF' || { t_fail "mixed frames"; t_done; }
import sys
a, b = (open(f, "rb").read() for f in sys.argv[1:3])
hdr = a.split(b"\n", 1)[0] + b"\n"
n, flen = map(int, hdr.split())
assert n == 64 and b.startswith(hdr)
fa, fb = a[len(hdr):], b[len(hdr):]
open(sys.argv[3], "wb").write(hdr + fa[:32 * flen] + fb[32 * flen:64 * flen])
EOF

counter() { gw "$CTL" stats | grep -o " $1=[0-9]*" | cut -d= -f2 | head -1; }
# l2sec_gro_complete's calls, counted by a kprobe (Debian's kernels have no function
# profiler): one trace line per packet the tunnel's GRO completed
echo 'p:kprobes/l2sec_gro l2sec_gro_complete' >>$T/kprobe_events ||
	{ t_fail "a kprobe on l2sec_gro_complete"; t_done; }
trace_on() { echo >$T/trace; echo 1 >$T/events/kprobes/l2sec_gro/enable; }
calls() {
	echo 0 >$T/events/kprobes/l2sec_gro/enable
	grep -c 'l2sec_gro:' $T/trace
}
# run MODE: one second of polls; checks what was forwarded and what dropped
run() {
	local mode=$1 s0 s1 p0 p1 d0 d1 x0 x1 t0 t1 res segs wrong n gro
	s0=$(sinkcount) p0=$(sinkpkts)
	d0=$(counter drop_wrong_sa) x0=$(counter rx_drops) t0=$(counter to_daemon)
	trace_on
	res=$(gw "$BLAST" kinject-file nic0 "$nicmac" $w/mixed "$SECS" burst 64 copy)
	gro=$(calls)
	s1=$(sinkcount) p1=$(sinkpkts)
	d1=$(counter drop_wrong_sa) x1=$(counter rx_drops) t1=$(counter to_daemon)
	set -- $res	# received N dropped D ns T gro G
	n=$(($2 - $4))
	segs=$(((s1 - s0 - (p1 - p0) * (14 + 20 + 20)) / SIZE))
	wrong=$((d1 - d0))
	# The other SA's segments never reach sink0. Where they go is the module's
	# choice, and must not depend on GRO more than it must: the tunnel is keyed
	# by its SA's mark, so a single packet through another SA finds no tunnel and
	# goes to the daemon (to_daemon), a merged one is dropped (no-session: a
	# merged packet is no message); a tunnel found by address would be wrong-sa.
	echo "# $mode: $n frames handed over, $segs segments forwarded in $((p1 - p0)) packets;" \
		"$wrong dropped as wrong-sa, $((x1 - x0)) drops in all, $((t1 - t0)) to the daemon;" \
		"l2sec_gro_complete $gro"
	check "$mode: polls of 64 frames handed over" test "$n" -gt 0 -a $((n % 64)) -eq 0
	check "$mode: every segment of the tunnel's SA forwarded, no other" \
		[ "$segs" -eq $((n / 2)) ]
	check "$mode: every segment of the other SA dropped or to the daemon" \
		[ $((x1 - x0 + t1 - t0)) -eq $((n / 2)) ]
	echo "$gro" >$w/gro-$mode
}

[ ! -d /sys/module/esp4_offload ] || wait_for 10 rmmod esp4_offload ||
	{ t_fail "rmmod esp4_offload"; t_done; }
run single
modprobe esp4_offload || { t_fail "modprobe esp4_offload"; t_done; }
run offload
# xfrm4_gro_udp_encap_rcv: ESP-in-UDP GRO, 6.7 on; before it ESP in UDP never
# reaches GRO decrypted, and nothing is merged before the module's checks
if grep -qw xfrm4_gro_udp_encap_rcv /proc/kallsyms; then
	check "ESP-in-UDP GRO merged the decrypted segments through the tunnel" \
		[ "$(cat $w/gro-offload)" -gt 0 ]
else
	t_ok "no ESP-in-UDP GRO on $(uname -r): single packets only ($(cat $w/gro-offload) merged)"
fi
check "without esp4_offload nothing merged before the module's checks" \
	[ "$(cat $w/gro-single)" -eq 0 ]
touch $w/l2sec-stop
kill $natt_pid
t_done
