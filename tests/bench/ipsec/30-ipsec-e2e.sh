# Benchmark: end to end through ESP in UDP (NAT-T): iperf3 from a client namespace to a
# server behind the gateway, in one guest boot, rounds alternating between the paths of
# 20-ipsec.sh (docs/PERFORMANCE.md, "L2TP/IPsec"):
#   esp      (A) bare ESP in UDP, tunnel mode, no L2TP
#   l2sec    (B) L2TP/PPP in ESP transport mode, the gateway's side in l2sec.ko
#   mainline (C) L2TP/PPP in ESP transport mode, the gateway's side l2tp_core + l2tp_ppp +
#                ppp_generic (an xl2tpd LNS with pppd in kernel mode)
# The client of B and C is the same: an xl2tpd LAC with pppd in kernel mode, as Linux
# clients run. For B it dials a second xl2tpd LNS, on l2sec's address; once PPP is up,
# that LNS and its pppd are killed (SIGKILL: nothing tells the client) and l2sec.ko takes
# the tunnel and session over with the same IDs and the client's address, bound to the
# mark its inbound SA sets (what l2secd does after its own PPP setup). Nothing answers
# the client's L2TP control messages after that: its xl2tpd retries long enough.
#
#   cl (192.0.2.2 LAC of C,  --veth--  gw (192.0.2.1 LNS of C, 192.0.2.3 l2sec,  --veth--  srv
#       192.0.2.5 LAC of B)               192.0.2.4 ESP tunnel end)                  (203.0.113.2 A,
#                                                                                .3 B, .4 C)
# Both directions in ESP with static SAs (ip xfrm; BENCH_IPSEC_E2E: cbc, gcm, as in
# 20-ipsec.sh), NAT-T sockets on both sides. A TCP upload (iperf3 -M 1200) and a UDP
# stream (iperf3 -u -l 1200 -b 0: as fast as the sender can, one vCPU for everything);
# the rate is what the server received: TCP Mbit/s, UDP datagrams/s. Each run checks
# that its path's ESP carried it: the gateway's inbound SA of the path counted at least
# the bytes the server received.
# vm-timeout: 1500
. "$L2SEC_TOP/tests/vm/lib.sh"
. "$L2SEC_TOP/tests/bench/regress.bash"
. "$L2SEC_TOP/tests/bench/paths.bash"
CFGS=$(echo "${BENCH_IPSEC_E2E:-cbc,gcm}" | tr , ' ')	# tests/vm/run passes no spaces
STREAMS="tcp udp"
PATHS="esp l2sec mainline"
[ "$SIZE" = 1200 ] || bench_regress_ref "$SIZE-byte payloads"
out=${L2SEC_TEST_OUT:-/tmp}
w=/tmp/bench-ipsec-e2e
mkdir -p $w
srv() { ip netns exec srv "$@"; }

modprobe -a l2tp_ppp ppp_generic l2sec esp4 xfrm_user || exit 1
[ -e /dev/ppp ] || mknod /dev/ppp c 108 0
bench_topology 192.0.2.4 || exit 1
# B's client address, and the server's network behind gw
cl ip addr add 192.0.2.5/24 dev eth0
gw ip neigh replace 192.0.2.5 lladdr "$(cl cat /sys/class/net/eth0/address)" dev eth0
netns_add srv && veth gw lan0 203.0.113.1/24 srv eth0 203.0.113.2/24 || exit 1
srv ip addr add 203.0.113.3/24 dev eth0
srv ip addr add 203.0.113.4/24 dev eth0
srv ip route add default via 203.0.113.1
# NAT-T: ESP in UDP to 4500 is decrypted where a UDP_ENCAP_ESPINUDP socket holds the port
gw "$BLAST" natt 4500 7200 >$w/natt-gw.log 2>&1 &
cl "$BLAST" natt 4500 7200 >$w/natt-cl.log 2>&1 &
wait_for 60 sh -c "grep -q ready $w/natt-gw.log && grep -q ready $w/natt-cl.log" ||
	{ t_fail "NAT-T sockets"; t_done; }
# a server for each path, on the path's address (its UDP answers come from there)
for i in 2 3 4; do
	srv iperf3 -s -D -B 203.0.113.$i --logfile "$w/iperf3-server-$i.log"
	wait_for 20 sh -c "ip netns exec srv ss -ltn | grep -q '203.0.113.$i:5201 '" ||
		{ t_fail "iperf3 -s -B 203.0.113.$i"; t_done; }
done

# pppd: the L2TP session's PPP frames with address, control and a two-byte protocol
# field, as l2sec.ko takes them (l2secd negotiates no compression either)
PPP_OPTS="noaccomp
nopcomp"
# C: the PPP session at gw's 192.0.2.1
bench_mainline_up "$PPP_OPTS" || t_done
c_if=$(cl ip -4 -o addr show | awk -v a="$m_cl" '$4 == a { print $2 }')
# B: the client dials the LNS on 192.0.2.3 from 192.0.2.5 (client address 10.99.0.2) ...
bench_xl2tpd_pair $w/b 192.0.2.3 192.0.2.5 10.99.0.2-10.99.0.2 10.99.0.1 "$PPP_OPTS" \
	"max retries = 1000" || t_done
b_if=$(cl ip -4 -o addr show | awk '$4 == "10.99.0.2" { print $2 }')
# "Tunnel T, encap UDP\n  From 192.0.2.3 to 192.0.2.5\n  Peer tunnel P"; "Session S in
# tunnel T\n  Peer session Q, tunnel P"
read -r b_tid b_ptid < <(gw ip l2tp show tunnel | awk '/^Tunnel/ { t = $2 + 0 }
	/From 192.0.2.3 to 192.0.2.5/ { f = t } /Peer tunnel/ && t == f { print f, $3; exit }')
read -r b_sid b_psid < <(gw ip l2tp show session | awk -v t="$b_tid" '
	/^Session/ { s = $2; in_t = ($5 == t) } /Peer session/ && in_t && s != 0 {
	sub(",", "", $3); print s, $3; exit }')
[ -n "$b_tid" ] && [ -n "$b_sid" ] && [ -n "$b_if" ] && [ -n "$c_if" ] ||
	{ t_fail "B and C sessions found"; gw ip l2tp show session; cl ip -4 addr; t_done; }
echo "# l2sec: takes over tunnel $b_tid (peer $b_ptid) session $b_sid (peer $b_psid); client $b_if, mainline $c_if"
# ... then gw's side goes (xl2tpd first: its pppd's end would send a CDN) ...
kill -KILL "$(cat $w/b/gw/pid)"
for p in $(ip netns pids gw); do
	grep -qs "$w/b/gw/options" /proc/$p/cmdline && kill -KILL "$p"
done
wait_for 30 sh -c "! ip -n gw -4 addr show | grep -q 'inet 10.99.0.1 peer' &&
	! ip netns exec gw ss -uln | grep -q '192.0.2.3:1701 '" ||
	{ t_fail "the LNS on 192.0.2.3 gone"; t_done; }
# ... and l2sec.ko has the session, requires IPsec, bound to mark 7 (B's inbound SA)
bench_l2sec_up "ipsec 1" "bind 7 outmark 7" "$b_tid" "$b_ptid" 192.0.2.5 1701 "$b_sid" \
	"$b_psid" || t_done
cl ip route add 203.0.113.2/32 via 192.0.2.4 dev eth0
cl ip route add 203.0.113.3/32 dev "$b_if"
cl ip route add 203.0.113.4/32 dev "$c_if"

# --- the SAs of one cipher, both ways ----------------------------------------------------
# path -> "gw address, cl address, mode, cl's selector (out), gw's (out)"
e2e_of() {
	case $1 in
	esp) echo "192.0.2.4 192.0.2.2 tunnel src-192.0.2.2/32-dst-203.0.113.2/32" \
		"src-203.0.113.2/32-dst-192.0.2.2/32" ;;
	l2sec) echo "192.0.2.3 192.0.2.5 transport" \
		"src-192.0.2.5/32-dst-192.0.2.3/32-proto-udp-sport-1701-dport-1701" \
		"src-192.0.2.3/32-dst-192.0.2.5/32-proto-udp-sport-1701-dport-1701" ;;
	mainline) echo "192.0.2.1 192.0.2.2 transport" \
		"src-192.0.2.2/32-dst-192.0.2.1/32-proto-udp-sport-1701-dport-1701" \
		"src-192.0.2.1/32-dst-192.0.2.2/32-proto-udp-sport-1701-dport-1701" ;;
	esac
}
# the gateway's inbound SA of PATH: "src ... dst ... proto esp spi ..."
in_sa() {
	set -- "$1" $(e2e_of "$1")
	echo "src $3 dst $2 proto esp spi $((0x2000 + $(path_no "$1")))"
}
path_no() { case $1 in esp) echo 1 ;; l2sec) echo 2 ;; mainline) echo 3 ;; esac; }
e2e_sa_up() { # CFG
	local p i enc sa
	enc=$(bench_esp_alg "$1")
	for p in $PATHS; do
		set -- $(e2e_of $p)
		i=$(path_no $p)
		sa="proto esp reqid $i mode $3 replay-window 32 $enc encap espinudp 4500 4500 0.0.0.0"
		# cl -> gw: cl's out, gw's in (B's marks what it decrypts, for l2sec's binding)
		echo "xfrm state add src $2 dst $1 spi $((0x2000 + i)) $sa" >&3
		echo "xfrm state add src $2 dst $1 spi $((0x2000 + i)) $sa" \
			"$([ $p = l2sec ] && echo output-mark 7)" >&4
		echo "xfrm policy add ${4//-/ } dir out tmpl src $2 dst $1 proto esp reqid $i mode $3" >&3
		# gw -> cl
		echo "xfrm state add src $1 dst $2 spi $((0x3000 + i)) $sa" >&4
		echo "xfrm state add src $1 dst $2 spi $((0x3000 + i)) $sa" >&3
		echo "xfrm policy add ${5//-/ } dir out tmpl src $1 dst $2 proto esp reqid $i mode $3" >&4
		# what a tunnel-mode SA decrypted is refused without a policy that names it:
		# gw forwards it, cl takes it
		[ $3 = tunnel ] && echo "xfrm policy add ${4//-/ } dir fwd" \
			"tmpl src $2 dst $1 proto esp reqid $i mode $3" >&4 &&
			echo "xfrm policy add ${5//-/ } dir in" \
				"tmpl src $1 dst $2 proto esp reqid $i mode $3" >&3
	done 3>$w/xfrm-cl 4>$w/xfrm-gw
	cl ip -b $w/xfrm-cl && gw ip -b $w/xfrm-gw
}
# the bytes an SA of gw has processed
sa_bytes() { gw ip -s xfrm state get $(in_sa "$1") | sed -n 's/^[[:space:]]*\([0-9]*\)(bytes),.*/\1/p'; }
xstat() { gw awk -v n="$1" '$1 == n { print $2 }' /proc/net/xfrm_stat; }

# diag: the state of the paths, once (at the first failure)
diag() {
	[ ! -e $w/diag ] || return 0
	touch $w/diag
	{
		gw "$CTL" tunnel get "$b_tid"
		gw "$CTL" stats
		cat $w/ctl.log
		tail -n 15 $w/b/cl/xl2tpd.log $w/b/cl/ppp.log
		gw ip -s link show l2sec0
		gw ip -s xfrm state
		cl ip -s xfrm state
		cl ip -s link
		gw grep -v ' 0$' /proc/net/xfrm_stat
		cl grep -v ' 0$' /proc/net/xfrm_stat
		gw nstat -az | grep -v ' 0 '
		cl nstat -az | grep -v ' 0 '
	} 2>&1 | sed 's/^/    /' >&2
}

# run STREAM PATH: one iperf3 run; prints TCP Mbit/s or UDP datagrams/s the server got
run() {
	local dst=203.0.113.$(($(path_no "$2") + 1)) j=$w/iperf3.json b0 b1 rate bytes
	b0=$(sa_bytes "$2")
	if [ "$1" = tcp ]; then
		cl iperf3 -c "$dst" --connect-timeout 10000 -t "$SECS" -M "$SIZE" -J >$j 2>&1
		rate=$(jq '.end.sum_received.bits_per_second / 1e6 * 100 | floor / 100' <$j)
		bytes=$(jq '.end.sum_received.bytes' <$j)
	else
		cl iperf3 -c "$dst" --connect-timeout 10000 -t "$SECS" -u -b 0 -l "$SIZE" -J >$j 2>&1
		rate=$(jq '(.end.sum.packets - .end.sum.lost_packets) / .end.sum.seconds | floor' <$j)
		bytes=$(jq '(.end.sum.packets - .end.sum.lost_packets) * '"$SIZE" <$j)
	fi
	b1=$(sa_bytes "$2")
	echo "# $1 $2: ${bytes:-no} bytes at the server, the gateway's inbound SA $((b1 - b0)) bytes" >&2
	if [ -z "$bytes" ] || [ "$bytes" = null ] || [ "$((b1 - b0))" -lt "$bytes" ]; then
		echo "$1 $2 $cfg" >>$w/failed
		grep error $j >&2
		diag
		return
	fi
	echo "$rate"
}

: >$w/failed
: >$w/refused
# what the gateway refused, counted while one cipher's SAs are up (not across the switch
# to the next: a control message in flight then finds no state)
refused() { echo "$(xstat XfrmInStateProtoError) $(xstat XfrmInNoStates) $(xstat XfrmInTmplMismatch)"; }
for cfg in $CFGS; do
	bench_xfrm_flush
	e2e_sa_up "$cfg" || { t_fail "$cfg: SAs and policies"; cat $w/xfrm-*; continue; }
	for path in $PATHS; do
		dst=203.0.113.$(($(path_no $path) + 1))
		if cl ping -c 1 -W 5 $dst >/dev/null; then
			t_ok "$cfg $path: cl reaches $dst"
		else
			t_fail "$cfg $path: cl reaches $dst"
			diag
		fi
	done
	errs0=$(refused)
	for s in $STREAMS; do
		for path in $PATHS; do
			: >"$w/e2e-$cfg-$path-$s"
		done
		for r in $(seq "$ROUNDS"); do
			for path in $PATHS; do
				v=$(run $s $path)
				echo "# e2e $s $cfg round $r $path: ${v:-none}"
				echo "${v:-0}" >>"$w/e2e-$cfg-$path-$s"
			done
		done
	done
	errs1=$(refused)
	[ "$errs0" = "$errs1" ] || echo "$cfg: $errs0 -> $errs1" >>$w/refused
done
bench_xfrm_flush

# medians as integers (TCP in hundredths of a Mbit/s, so that median's sort works)
med() { awk '{ printf "%d\n", $1 * 100 }' "$w/e2e-$1-$2-$3" | median; }
for cfg in $CFGS; do
	for s in $STREAMS; do
		echo "$cfg $s $(med $cfg esp $s) $(med $cfg l2sec $s) $(med $cfg mainline $s)"
	done
done >$w/medians
{
	echo "kernel $(uname -r), end to end (iperf3), $SIZE-byte payloads, $ROUNDS rounds of ${SECS}s; medians (TCP Mbit/s, UDP datagrams/s at the server); A esp, B l2sec, C mainline:"
	while read -r cfg s a b c; do
		awk -v cfg="$cfg" -v s="$s" -v a="$a" -v b="$b" -v c="$c" 'BEGIN {
			printf "e2e %s %s esp=%.2f l2sec=%.2f mainline=%.2f B/A=%.3f B/C=%.3f\n", s, cfg,
				a / 100, b / 100, c / 100, a ? b / a : 0, c ? b / c : 0 }'
	done <$w/medians
} | tee -a "$out/results.txt"

for cfg in $CFGS; do
	for s in $STREAMS; do
		for path in $PATHS; do
			[ "$(med $cfg $path $s)" -gt 0 ] && t_ok "e2e $s $cfg $path carried traffic" ||
				t_fail "e2e $s $cfg $path carried no traffic"
		done
	done
done
check_eq "every run through its path's ESP SA" "" "$(cat $w/failed)"
check_eq "no ESP frame refused (XfrmInStateProtoError, XfrmInNoStates, XfrmInTmplMismatch)" \
	"" "$(cat $w/refused)"
while read -r cfg s a b c; do
	[ "${a:-0}" -gt 0 ] && bench_regress ipsec "e2e $s $cfg" l2sec/esp \
		"$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')"
	[ "${c:-0}" -gt 0 ] && bench_regress ipsec "e2e $s $cfg" l2sec/mainline \
		"$(awk -v c="$c" -v b="$b" 'BEGIN { printf "%.3f", b / c }')"
done <$w/medians
gw "$CTL" tunnel get "$b_tid" 2>&1 | sed 's/^/    /'
gw ip -s link show l2sec0 | sed 's/^/    /'
tail -n 5 $w/b/cl/xl2tpd.log | sed 's/^/    B client: /'
touch $w/l2sec-stop
t_done
