# Benchmark: receive through ESP in UDP (NAT-T), in one guest boot, rounds alternating
# between three paths that carry the same inner packets to the same sink:
#   esp      (A) bare ESP in UDP, tunnel mode, no L2TP: the inner packets straight in ESP
#   l2sec    (B) L2TP/PPP in ESP transport mode through l2sec.ko, the tunnel bound to its
#                SA's mark (the gateway's inbound SA sets it, as charon does for l2secd)
#   mainline (C) L2TP/PPP in ESP transport mode through l2tp_core + l2tp_ppp +
#                ppp_generic (a real xl2tpd LNS and LAC with pppd in kernel mode)
# Run with `make bench-ipsec` (docs/PERFORMANCE.md, "L2TP/IPsec").
#
#   cl (192.0.2.2: xl2tpd LAC + pppd, the SAs out)  --veth--  gw (192.0.2.1 xl2tpd LNS,
#                                                       192.0.2.3 l2sec socket,
#                                                       192.0.2.4 ESP tunnel end)
# The frames: cl builds the plaintext of each path's stream (l2sec-blast seal: what
# tests/bench/10-l2tp-path.sh injects, and for A its inner packets bare), sends it
# through its own stack, where an xfrm policy selected by the sender's mark encrypts it
# with the path's outbound SA, and captures the ESP-in-UDP frames leaving its veth. gw's
# inbound SAs have no replay window (and no ESN), so l2sec_inject.ko (tests/bench/inject)
# can receive the same 64 frames over and over on nic0, as a NIC's NAPI poll does, each
# frame copied into a page of its own (ESP decrypts in place). gw decrypts, decapsulates
# and forwards the inner packets to dummy sink0, whose byte counter gives the inner
# segments per second of the injector's time. A UDP stream (one datagram repeated) and
# a TCP upload (one flow's consecutive segments), each with the ciphers of BENCH_IPSEC (comma-separated):
#   cbc          AES-256-CBC + HMAC-SHA1-96 (what the built-in clients use)
#   gcm          AES-GCM-128 (rfc4106, 16-byte ICV)
#   cbc-offload  as cbc, with esp4_offload loaded: ESP GRO (and on kernels with
#                xfrm4_gro_udp_encap_rcv, 6.7 on, ESP-in-UDP GRO) before decryption
# The log says into how many packets GRO merged each run's segments (sink0's packets).
# BENCH_PROFILE (tests/bench/profile.bash; paths esp, l2sec, mainline): after each
# cipher's rounds, its receive runs on those paths once more under perf, in
# profile-rx-STREAM-CIPHER-PATH.txt.
# BENCH_ALT=1 (paths.bash): a fourth path, l2sec-alt, B's frames through the l2sec.ko
# of another commit (make bench-alt-module ALT_REV=...), swapped in for its runs.
# vm-timeout: 1500
. "$L2SEC_TOP/tests/vm/lib.sh"
. "$L2SEC_TOP/tests/bench/regress.bash"
. "$L2SEC_TOP/tests/bench/paths.bash"
. "$L2SEC_TOP/tests/bench/profile.bash"
CFGS=$(echo "${BENCH_IPSEC:-cbc,gcm,cbc-offload}" | tr , ' ')	# tests/vm/run passes no spaces
RUNS=$(echo "${BENCH_RUNS:-rx-udp,rx-tcp}" | tr , ' ')
SA_PATHS="esp l2sec mainline"	# l2sec-alt: l2sec's SA and frames
PATHS=$SA_PATHS
if [ -n "${BENCH_ALT:-}" ]; then
	[ -f "$ALT_KO" ] || { t_fail "$ALT_KO built (make bench-alt-module)"; t_done; }
	PATHS="esp l2sec l2sec-alt mainline"
fi
PROFILE=$(echo "${BENCH_PROFILE:-}" | tr , ' ')
for path in $PROFILE; do
	case " $SA_PATHS " in
	*" $path "*) ;;
	*) t_fail "BENCH_PROFILE: no path $path (paths: $SA_PATHS)"; t_done ;;
	esac
done
[ "$CSUM/$BURST/$SIZE" = complete/64/1200 ] ||
	bench_regress_ref "NIC csum $CSUM, bursts of $BURST, $SIZE-byte payloads"
out=${L2SEC_TEST_OUT:-/tmp}
w=/tmp/bench-ipsec
mkdir -p $w

modprobe -a l2tp_ppp ppp_generic l2sec esp4 xfrm_user || exit 1
# The reference runs are without ESP offload (nothing loads esp4_offload by itself);
# cbc-offload loads it. An SA holds the module until the state's garbage collection.
offload_off() { [ ! -d /sys/module/esp4_offload ] || wait_for 10 rmmod esp4_offload; }
offload_off || { t_fail "rmmod esp4_offload"; t_done; }
insmod "$L2SEC_BUILD/mod/$(uname -r)/inject/l2sec_inject.ko" || exit 1
bench_topology 192.0.2.4 || exit 1
cl ip route add 198.51.100.0/24 via 192.0.2.4
# NAT-T: ESP in UDP to 4500 is decrypted where a UDP_ENCAP_ESPINUDP socket holds the port
gw "$BLAST" natt 4500 7200 >$w/natt.log 2>&1 &
wait_for 60 grep -q ready $w/natt.log || { t_fail "NAT-T socket on gw"; t_done; }
# C: its L2TP control connection in the clear: only the data frames injected are
# encrypted. B: the socket requires IPsec, the tunnel is bound to mark 7, which the
# gateway's inbound SA of path B sets.
bench_mainline_up || t_done
l2sec_up() { bench_l2sec_up "ipsec 1" "bind 7 outmark 7" || t_done; }
l2sec_up

# --- the SAs of one cipher: cl's outbound ones (each chosen by its own mark: the
# frames seal sends, nothing else), gw's inbound ones without a replay window ----------
# path -> "gw address, mode, mark of cl's policy, policy selector"
sa_of() {
	case $1 in
	esp) echo "192.0.2.4 tunnel 0x51 198.51.100.0/24" ;;
	l2sec | l2sec-alt) echo "192.0.2.3 transport 0x52 192.0.2.3/32" ;;
	mainline) echo "192.0.2.1 transport 0x53 192.0.2.1/32" ;;
	esac
}
sa_up() { # CFG
	local p i=0 enc
	enc=$(bench_esp_alg "$1")
	for p in $SA_PATHS; do
		set -- $(sa_of $p)
		i=$((i + 1))
		echo "xfrm state add src 192.0.2.2 dst $1 proto esp spi $((0x1000 + i)) reqid $i" \
			"mode $2 replay-window 0 $enc encap espinudp 4500 4500 0.0.0.0" >&3
		echo "xfrm policy add src 192.0.2.2/32 dst $4 dir out mark $3 mask 0xffffffff" \
			"tmpl src 192.0.2.2 dst $1 proto esp reqid $i mode $2" >&3
		echo "xfrm state add src 192.0.2.2 dst $1 proto esp spi $((0x1000 + i)) reqid $i" \
			"mode $2 replay-window 0 $enc encap espinudp 4500 4500 0.0.0.0" \
			"$([ $p = l2sec ] && echo output-mark 7)" >&4
		# forwarding what a tunnel-mode SA decrypted needs a policy that names it
		[ $2 = tunnel ] && echo "xfrm policy add src 192.0.2.2/32 dst $4 dir fwd" \
			"tmpl src 192.0.2.2 dst $1 proto esp reqid $i mode $2" >&4
	done 3>$w/xfrm-cl 4>$w/xfrm-gw
	cl ip -b $w/xfrm-cl && gw ip -b $w/xfrm-gw
}

# seal CFG PATH STREAM: the path's 64 frames of STREAM, encrypted by cl's SA, in a file
frames() { echo "$w/frames-$1-${2%-alt}-$3"; }
seal() {
	local tcp= mark
	[ "$3" = tcp ] && tcp=tcp
	set -- "$@" $(sa_of "$2")
	mark=$6
	case $2 in
	esp) cl "$BLAST" seal eth0 "$mark" "$(frames "$1" "$2" "$3")" 192.0.2.2 40000 \
		198.51.100.1 5001 "$SECS" "$SIZE" $tcp ;;
	l2sec) cl "$BLAST" seal eth0 "$mark" "$(frames "$1" "$2" "$3")" 192.0.2.2 1702 \
		192.0.2.3 1701 "$SECS" "$SIZE" l2tp 7 7 10.99.0.2 198.51.100.1 5001 $tcp ;;
	mainline) cl "$BLAST" seal eth0 "$mark" "$(frames "$1" "$2" "$3")" 192.0.2.2 1701 \
		192.0.2.1 1701 "$SECS" "$SIZE" l2tp "$m_tid" "$m_sid" "$m_cl" 198.51.100.1 5001 \
		$tcp ;;
	esac
}

# xstat NAME: a counter of gw's /proc/net/xfrm_stat
xstat() { gw awk -v n="$1" '$1 == n { print $2 }' /proc/net/xfrm_stat; }

# BENCH_GRO_CALLS=1: each run also counts (ftrace's function profiler, which costs
# instructions: rates are then not comparable) the calls of ESP's GRO and of
# l2sec.ko's receive functions, to say whether xfrm's ESP-in-UDP GRO ran and
# whether the decrypted L2TP segments went through l2sec.ko's GRO (item 2 of issue
# 20): l2sec_gro_complete runs once per packet GRO merged through the tunnel.
T=/sys/kernel/tracing
GRO_FUNCS="esp4_gro_receive xfrm4_gro_udp_encap_rcv l2sec_gro_receive l2sec_gro_complete l2sec_encap_rcv"
calls_start() {
	local f
	[ -n "${BENCH_GRO_CALLS:-}" ] || return 0
	echo 0 >$T/function_profile_enabled
	: >$T/set_ftrace_filter
	for f in $GRO_FUNCS; do
		echo "$f" >>$T/set_ftrace_filter 2>/dev/null	# esp4_offload may not be loaded
	done
	echo 1 >$T/function_profile_enabled
}
calls_end() {
	[ -n "${BENCH_GRO_CALLS:-}" ] || return 0
	echo 0 >$T/function_profile_enabled
	# "calls: FUNCTION=N ..." of every listed function, 0 for those never called
	awk -v fs="$GRO_FUNCS" 'BEGIN { n = split(fs, f, " ") }
		FNR > 2 { c[$1] += $2 }
		END { printf "calls:"; for (i = 1; i <= n; i++) printf " %s=%d", f[i], c[f[i]]
			printf "\n" }' $T/trace_stat/function*
}

# rx CFG PATH STREAM: one receive run; prints the inner segments per second forwarded
# to sink0 (of the injector's time), logs into how many packets GRO merged them (and,
# but for a profiled run, records it for the summary).
rx() {
	local before after p0 p1 segs res calls hdr=$((14 + 20 + 8))
	[ "$3" = tcp ] && hdr=$((14 + 20 + 20))
	before=$(sinkcount)
	p0=$(sinkpkts)
	calls_start
	res=$(gw "$BLAST" kinject-file nic0 "$nicmac" "$(frames "$1" "$2" "$3")" "$SECS" \
		csum "$CSUM" burst "$BURST" copy)
	calls=$(calls_end)
	after=$(sinkcount)
	p1=$(sinkpkts)
	segs=$(((after - before - (p1 - p0) * hdr) / SIZE))
	set -- "$1" "$2" "$3" $res	# received N dropped D ns T gro G
	echo "# rx $3 $1 $2: $5 frames received ($7 dropped), $segs segments forwarded in $((p1 - p0)) packets, gro ${11}${calls:+; $calls}" >&2
	[ -n "${bench_profiling:-}" ] || echo "$segs $((p1 - p0))" >>"$w/gro-$1-$2-$3"
	# every frame the stack took was decrypted and forwarded, or this path's rate
	# would count frames that failed (an ESP that fails its check is cheap)
	[ "$4" = received ] && [ "$segs" -eq $(($5 - $7)) ] ||
		echo "rx $3 $1 $2: ${5:-?} received, ${7:-?} dropped, $segs forwarded" >>$w/lost
	[ "$4" = received ] && [ "$9" -gt 0 ] && echo $((segs * 1000000000 / $9))
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b ? a / b : 0 }'; }

: >$w/lost
errs0="$(xstat XfrmInStateProtoError) $(xstat XfrmInStateSeqError) $(xstat XfrmInNoStates)"
for cfg in $CFGS; do
	bench_xfrm_flush
	case $cfg in
	cbc | gcm) offload_off || { t_fail "rmmod esp4_offload"; continue; } ;;
	cbc-offload | gcm-offload) modprobe esp4_offload || { t_fail "modprobe esp4_offload"; continue; } ;;
	*) t_fail "BENCH_IPSEC: no configuration $cfg"; continue ;;
	esac
	sa_up "$cfg" || { t_fail "$cfg: SAs and policies"; cat $w/xfrm-*; continue; }
	for run in $RUNS; do
		stream=${run#*-}
		for path in $PATHS; do
			: >"$w/rx-$cfg-$path-$stream"
			: >"$w/gro-$cfg-$path-$stream"
			[ $path = l2sec-alt ] && continue
			seal "$cfg" $path "$stream" >/dev/null ||
				{ t_fail "$cfg $path $stream: frames sealed"; continue; }
		done
		for r in $(seq "$ROUNDS"); do
			for path in $PATHS; do
				[ $path = l2sec-alt ] && bench_l2sec_swap "$ALT_KO"
				v=$(rx "$cfg" $path "$stream")
				[ $path = l2sec-alt ] && bench_l2sec_swap
				echo "# rx $stream $cfg round $r $path: ${v:-none} pps"
				echo "${v:-0}" >>"$w/rx-$cfg-$path-$stream"
			done
		done
	done
	# profiled while this cipher's SAs (and its esp4_offload, or none) are up
	if [ -n "$PROFILE" ]; then
		bench_profile_setup "$cfg"
		for run in $RUNS; do
			for path in $PROFILE; do
				bench_profile "rx ${run#*-} $cfg $path" rx "$cfg" "$path" "${run#*-}"
			done
		done
	fi
done
errs1="$(xstat XfrmInStateProtoError) $(xstat XfrmInStateSeqError) $(xstat XfrmInNoStates)"
bench_xfrm_flush

# inner segments per packet GRO made, over all rounds of a run
merged() { awk '{ s += $1; p += $2 } END { printf "%.1f", p ? s / p : 0 }' "$w/gro-$1-$2-$3"; }
# the medians: "CFG STREAM A B C" a line
for cfg in $CFGS; do
	for run in $RUNS; do
		s=${run#*-}
		echo "$cfg $s $(median <"$w/rx-$cfg-esp-$s") $(median <"$w/rx-$cfg-l2sec-$s")" \
			"$(median <"$w/rx-$cfg-mainline-$s")"
	done
done >$w/medians
{
	echo "kernel $(uname -r), ${SIZE}-byte payloads, $ROUNDS rounds of ${SECS}s, NIC csum $CSUM, bursts of $BURST; receive, medians (inner segments/s); A esp, B l2sec, C mainline:"
	while read -r cfg s a b c; do
		echo "rx $s $cfg esp=$a l2sec=$b mainline=$c B/A=$(ratio "$b" "$a") B/C=$(ratio "$b" "$c") gro(segments/packet) esp=$(merged "$cfg" esp "$s") l2sec=$(merged "$cfg" l2sec "$s") mainline=$(merged "$cfg" mainline "$s")"
		[ -n "${BENCH_ALT:-}" ] && x=$(median <"$w/rx-$cfg-l2sec-alt-$s") &&
			echo "rx $s $cfg l2sec-alt=$x l2sec/l2sec-alt=$(ratio "$b" "$x") l2sec-alt/esp=$(ratio "$x" "$a")"
	done <$w/medians
} | tee "$out/results.txt"

# Every path carried traffic, and every frame decrypted (none refused by the SA's
# integrity check or replay window: the injector's copies are intact).
for cfg in $CFGS; do
	for run in $RUNS; do
		for path in $PATHS; do
			v=$(median <"$w/rx-$cfg-$path-${run#*-}")
			[ "${v:-0}" -gt 0 ] && t_ok "rx ${run#*-} $cfg $path carried packets" ||
				t_fail "rx ${run#*-} $cfg $path carried no packets"
		done
	done
done
check_eq "every frame received was decrypted and its inner packet forwarded" "" "$(cat $w/lost)"
check_eq "no ESP frame refused (XfrmInStateProtoError, XfrmInStateSeqError, XfrmInNoStates)" \
	"$errs0" "$errs1"

# Against the figures recorded for this kernel: more than 5% lower fails.
while read -r cfg s a b c; do
	[ "${a:-0}" -gt 0 ] && bench_regress ipsec "rx $s $cfg" l2sec/esp "$(ratio "$b" "$a")"
	[ "${c:-0}" -gt 0 ] && bench_regress ipsec "rx $s $cfg" l2sec/mainline "$(ratio "$b" "$c")"
done <$w/medians
touch $w/l2sec-stop
gw "$CTL" tunnel get 7 2>&1 | sed 's/^/    /'
gw ip -s link show l2sec0 | sed 's/^/    /'
t_done
