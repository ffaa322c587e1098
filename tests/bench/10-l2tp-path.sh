# Benchmark: packets per second through l2sec.ko against the mainline L2TP path
# (l2tp_core + l2tp_ppp + ppp_generic, set up by real xl2tpd and pppd in kernel
# mode) for the same L2TP data stream, with plain forwarding as the ceiling, in one guest
# boot, runs alternating. Run with `make bench` (docs/PERFORMANCE.md).
#
#   cl (192.0.2.2, LAC: xl2tpd + pppd)  --veth--  gw (192.0.2.1 xl2tpd LNS,
#                                                    192.0.2.3 l2sec socket)
# Receive: l2sec_inject.ko (tests/bench/inject) receives pre-built frames from
# the client on gw's nic0 (a dummy device standing for a NIC) as a NIC's NAPI
# poll does: 64 frames a poll, through GRO, with a CHECKSUM_COMPLETE sum, laid
# out as page-buffer drivers do; the same frames and cost for every path. gw decapsulates them (l2sec0 for l2sec,
# ppp0 for mainline, nothing for plain forwarding) and forwards the inner
# packets to a dummy device, whose byte counter says how many made it through.
# Two inner streams: one UDP datagram repeated (nothing for GRO to merge unless
# BENCH_NIC turns on rx-udp-gro-forwarding), and one TCP flow's consecutive
# segments (an upload, as GRO sees it).
# Transmit: a UDP sender in gw sends to the client's inner address (through
# l2sec0 or ppp0, or directly for plain forwarding); gw's veth counts what leaves,
# and the client drops the data (not the L2TP control messages or ARP) at ingress.
# No IPsec: the ratio is about the L2TP/PPP path itself.
# vm-timeout: 900
. "$L2SEC_TOP/tests/vm/lib.sh"
. "$L2SEC_TOP/tests/bench/regress.bash"
. "$L2SEC_TOP/tests/bench/paths.bash"
. "$L2SEC_TOP/tests/bench/profile.bash"
# BENCH_CSUM (what the NIC says of the frames' checksums: complete, unnecessary,
# none) and BENCH_BURST (frames a poll): tests/bench/paths.bash.
# BENCH_NIC: offload features turned on on the receiving NIC for every path,
# comma-separated (e.g. rx-udp-gro-forwarding: GRO for forwarded UDP)
NIC=${BENCH_NIC:-}
# The recorded ratios (docs/PERFORMANCE.md) are of the reference configuration.
[ "$CSUM/$BURST/$SIZE/$NIC" = complete/64/1200/ ] ||
	bench_regress_ref "NIC csum $CSUM, bursts of $BURST, $SIZE-byte payloads${NIC:+, $NIC on}"
out=${L2SEC_TEST_OUT:-/tmp}
w=/tmp/bench
mkdir -p $w

modprobe -a l2tp_ppp ppp_generic l2sec || exit 1
insmod "$L2SEC_BUILD/mod/$(uname -r)/inject/l2sec_inject.ko" || exit 1
bench_topology || exit 1
for f in ${NIC//,/ }; do
	gw ethtool -K nic0 "$f" on || { t_fail "ethtool -K nic0 $f on"; t_done; }
done
# --- mainline: xl2tpd LNS in gw, LAC in cl, pppd in kernel mode ---------------
bench_mainline_up || t_done

# --- l2sec: socket on 192.0.2.3:1701, one session for client 10.99.0.2 --------
l2sec_up() { bench_l2sec_up "ipsec 0" "" || t_done; }
l2sec_up
# BENCH_ALT=1: a fourth path, "l2sec-alt" (paths.bash, bench_l2sec_swap)
PATHS="l2sec mainline plain"
if [ -n "${BENCH_ALT:-}" ]; then
	[ -f "$ALT_KO" ] || { t_fail "$ALT_KO built (make bench-alt-module)"; t_done; }
	PATHS="l2sec l2sec-alt mainline plain"
fi

# The client drops what the transmit runs send it: plain UDP to 5001, l2sec's
# data to 1702, and mainline L2TP data messages (T bit clear) to 1701; its L2TP
# control connection keeps working.
cl tc qdisc add dev eth0 clsact
cl tc filter add dev eth0 ingress protocol ip u32 match ip protocol 17 0xff \
	match ip dport 5001 0xffff action drop
cl tc filter add dev eth0 ingress protocol ip u32 match ip protocol 17 0xff \
	match ip dport 1702 0xffff action drop
cl tc filter add dev eth0 ingress protocol ip u32 match ip protocol 17 0xff \
	match ip dport 1701 0xffff match u8 0x00 0x80 at 28 action drop

txcount() { gw cat /sys/class/net/eth0/statistics/tx_packets; }

# rx STREAM PATH: one receive run of a UDP or TCP (one flow) stream; prints
# the inner segments per second forwarded to sink0 (of the injector's time).
rx() {
	# sink0 counts, per packet, its headers (Ethernet: dummy is one, IPv4, UDP or
	# TCP) once and the payload of every segment GRO merged into it
	local before after p0 p1 segs out tcp= hdr=$((14 + 20 + 8))
	[ "$1" = tcp ] && tcp=tcp hdr=$((14 + 20 + 20))
	before=$(sinkcount)
	p0=$(sinkpkts)
	case $2 in
	l2sec*) out=$(gw "$BLAST" kinject nic0 "$nicmac" 192.0.2.2 1702 192.0.2.3 1701 "$SECS" \
		"$SIZE" l2tp 7 7 10.99.0.2 198.51.100.1 5001 $tcp csum "$CSUM" burst "$BURST") ;;
	mainline) out=$(gw "$BLAST" kinject nic0 "$nicmac" 192.0.2.2 1701 192.0.2.1 1701 "$SECS" \
		"$SIZE" l2tp "$m_tid" "$m_sid" "$m_cl" 198.51.100.1 5001 $tcp csum "$CSUM" \
		burst "$BURST") ;;
	plain) out=$(gw "$BLAST" kinject nic0 "$nicmac" 192.0.2.2 40000 198.51.100.1 5001 "$SECS" \
		"$SIZE" $tcp csum "$CSUM" burst "$BURST") ;;
	esac
	after=$(sinkcount)
	p1=$(sinkpkts)
	segs=$(((after - before - (p1 - p0) * hdr) / SIZE))
	# out: received N dropped D ns T gro G
	set -- "$1" "$2" $out
	echo "# rx $1 $2: $4 frames received ($6 dropped), $segs segments forwarded in $((p1 - p0)) packets, gro ${10}" >&2
	[ "$3" = received ] && [ "$8" -gt 0 ] && echo $((segs * 1000000000 / $8))
}

# tx udp PATH: one transmit run; prints packets per second leaving gw's veth.
tx() {
	local dst before after
	case $2 in
	l2sec*) dst=10.99.0.2 ;;
	mainline) dst=$m_cl ;;
	plain) dst=192.0.2.2 ;;
	esac
	before=$(txcount)
	gw "$BLAST" send "$dst" 5001 "$SECS" "$SIZE" >/dev/null
	after=$(txcount)
	echo $(((after - before) / SECS))
}

# BENCH_RUNS: which of rx-udp, rx-tcp, tx-udp, comma-separated (default: all)
RUNS=$(echo "${BENCH_RUNS:-rx-udp,rx-tcp,tx-udp}" | tr , ' ')
for run in $RUNS; do
	dir=${run%-*} stream=${run#*-}
	for path in $PATHS; do
		: >$w/$dir-$stream-$path
	done
	for r in $(seq "$ROUNDS"); do
		for path in $PATHS; do
			[ $path = l2sec-alt ] && bench_l2sec_swap "$ALT_KO"
			v=$($dir $stream $path)
			[ $path = l2sec-alt ] && bench_l2sec_swap
			echo "# $dir $stream round $r $path: ${v:-none} pps"
			echo "${v:-0}" >>$w/$dir-$stream-$path
		done
	done
done

# BENCH_PROFILE (tests/bench/profile.bash, e.g. l2sec,plain): each of RUNS on each
# path once more under perf, after the rounds
if [ -n "${BENCH_PROFILE:-}" ]; then
	bench_profile_setup
	for run in $RUNS; do
		for path in ${BENCH_PROFILE//,/ }; do
			bench_profile "${run%-*} ${run#*-} $path" "${run%-*}" "${run#*-}" "$path"
		done
	done
fi

# Per packet, a run costs the injector (a NIC's share: an skb and a header copy) plus
# the path; plain forwarding has the same injector and forwarding, so
# 1/pps - 1/pps_plain is what the L2TP/PPP path itself adds. "overhead
# mainline/l2sec" compares those added costs (only when both paths are slower
# than plain forwarding).
ratios() { # L M P
	awk -v l="$1" -v m="$2" -v u="$3" 'BEGIN {
		printf "l2sec/mainline=%.2f l2sec/plain=%.2f mainline/plain=%.2f", \
			m ? l / m : 0, u ? l / u : 0, u ? m / u : 0
		if (l && m && u && 1 / l > 1 / u && 1 / m > 1 / u)
			printf " overhead mainline/l2sec=%.2f", (1 / m - 1 / u) / (1 / l - 1 / u)
		printf "\n" }'
}
{
	echo "kernel $(uname -r), ${SIZE}-byte payloads, $ROUNDS rounds of ${SECS}s, receive: NIC csum $CSUM, bursts of $BURST${NIC:+, $NIC on}; medians (packets/s):"
	for run in $RUNS; do
		f=$w/${run%-*}-${run#*-}
		l=$(median <$f-l2sec)
		m=$(median <$f-mainline)
		u=$(median <$f-plain)
		echo "${run%-*} ${run#*-} l2sec=$l mainline=$m plain=$u $(ratios "$l" "$m" "$u")"
		[ -n "${BENCH_ALT:-}" ] && a=$(median <$f-l2sec-alt) &&
			awk -v l="$l" -v a="$a" -v r="${run%-*} ${run#*-}" \
				'BEGIN {printf "%s l2sec-alt=%d l2sec/l2sec-alt=%.3f\n", r, a, a ? l / a : 0}'
	done
} | tee "$out/results.txt"

# Against the figures recorded for this kernel: more than 5% lower fails.
for run in $RUNS; do
	f=$w/${run%-*}-${run#*-}
	l=$(median <$f-l2sec)
	m=$(median <$f-mainline)
	u=$(median <$f-plain)
	for q in "l2sec/mainline $l $m" "l2sec/plain $l $u"; do
		set -- $q
		[ "${3:-0}" -gt 0 ] || continue
		bench_regress l2tp-path "${run%-*} ${run#*-}" "$1" \
			"$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.3f", a / b }')"
	done
done

# The numbers mean something only if every path carried traffic.
for run in $RUNS; do
	for path in $PATHS; do
		v=$(median <$w/${run%-*}-${run#*-}-$path)
		[ "${v:-0}" -gt 0 ] && t_ok "${run%-*} ${run#*-} $path carried packets" ||
			t_fail "${run%-*} ${run#*-} $path carried no packets"
	done
done
gw ip -s link show l2sec0 | sed 's/^/    /'
gw ip -s link show ppp0 | sed 's/^/    /'
t_done
