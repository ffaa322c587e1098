# SPDX-License-Identifier: GPL-2.0
#
# The data paths the benchmarks compare, set up in one guest; sourced by
# tests/bench/*.sh and tests/bench/ipsec/*.sh after tests/vm/lib.sh (not a test
# itself: no .sh). The caller sets w (a scratch directory).
#
#   cl (192.0.2.2, LAC: xl2tpd + pppd)  --veth--  gw (192.0.2.1 xl2tpd LNS,
#                                                    192.0.2.3 l2sec socket)
# gw forwards 198.51.100.0/24 to dummy sink0, whose counters say what made it
# through; l2sec_inject.ko receives frames on gw's dummy nic0 (MAC in nicmac).
BLAST=$L2SEC_BUILD/tests/l2sec-blast
CTL=$L2SEC_BUILD/tests/l2sec-ctl
# what every benchmark run takes (docs/PERFORMANCE.md): BENCH_SECONDS a run,
# BENCH_ROUNDS rounds, BENCH_SIZE bytes of (inner) payload; what the injector's NIC
# says of the frames' checksums (complete, unnecessary, none); frames a poll
SECS=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
SIZE=${BENCH_SIZE:-1200}
CSUM=${BENCH_CSUM:-complete}
BURST=${BENCH_BURST:-64}
gw() { ip netns exec gw "$@"; }
cl() { ip netns exec cl "$@"; }

# bench_topology [ADDR...]: the namespaces, the veth, sink0 and nic0; gw's eth0
# also has the addresses ADDR (/24), each with cl's static neighbour entry.
bench_topology() {
	local a gwmac
	netns_add gw cl && veth gw eth0 192.0.2.1/24 cl eth0 192.0.2.2/24 || return 1
	for a in 192.0.2.3 "$@"; do
		gw ip addr add "$a/24" dev eth0
	done
	gw sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.ip_forward=1
	gw ip link add sink0 type dummy
	gw sysctl -qw net.ipv6.conf.sink0.disable_ipv6=1	# only the forwarded packets on its counters
	gw ip link set sink0 up
	# nic0: the NIC the injector receives the client's frames on
	gw ip link add nic0 type dummy
	gw sysctl -qw net.ipv6.conf.nic0.disable_ipv6=1
	gw ip link set nic0 up
	nicmac=$(gw cat /sys/class/net/nic0/address)
	gw ip route add 198.51.100.0/24 dev sink0
	gwmac=$(gw cat /sys/class/net/eth0/address)
	for a in 192.0.2.1 192.0.2.3 "$@"; do
		cl ip neigh replace "$a" lladdr "$gwmac" dev eth0
	done
	gw ip neigh replace 192.0.2.2 lladdr "$(cl cat /sys/class/net/eth0/address)" dev eth0
}

# bench_xl2tpd_pair DIR LNS_ADDR LAC_ADDR POOL LOCAL [PPP_OPTS [LAC_GLOBAL]]: an
# xl2tpd LNS in gw on LNS_ADDR (addresses POOL for its clients, LOCAL its own) and a
# LAC in cl on LAC_ADDR dialling it, both with pppd in kernel mode (PPP_OPTS added to
# both pppds' options, LAC_GLOBAL to the LAC's [global]); their files in DIR/gw and
# DIR/cl. Waits until gw's PPP interface with LOCAL is up.
bench_xl2tpd_pair() {
	local d=$1 side
	for side in gw cl; do
		mkdir -p $d/$side
		printf 'noauth\nnodefaultroute\nnoccp\nnovj\nmtu 1400\nmru 1400\nlcp-echo-interval 0\nlogfile %s\n%s\n' \
			"$d/$side/ppp.log" "${6:-}" >$d/$side/options
	done
	cat >$d/gw/xl2tpd.conf <<EOF
[global]
listen-addr = $2
port = 1701
[lns default]
ip range = $4
local ip = $5
require authentication = no
pppoptfile = $d/gw/options
length bit = no
EOF
	cat >$d/cl/xl2tpd.conf <<EOF
[global]
listen-addr = $3
port = 1701
${7:-}
[lac bench]
lns = $2
autodial = yes
redial = no
require authentication = no
pppoptfile = $d/cl/options
length bit = no
EOF
	gw xl2tpd -D -c $d/gw/xl2tpd.conf -p $d/gw/pid -C $d/gw/control >$d/gw/xl2tpd.log 2>&1 &
	sleep 0.5
	cl xl2tpd -D -c $d/cl/xl2tpd.conf -p $d/cl/pid -C $d/cl/control >$d/cl/xl2tpd.log 2>&1 &
	if ! wait_for 60 sh -c "ip -n gw -4 addr show | grep -q 'inet $5 peer'"; then
		t_fail "L2TP/PPP session up (xl2tpd + pppd, LNS $2)"
		tail -n 20 $d/*/xl2tpd.log $d/*/ppp.log
		return 1
	fi
	grep -q 'Using l2tp kernel support' $d/gw/xl2tpd.log ||
		t_fail "xl2tpd LNS uses the kernel L2TP path"
}

# bench_mainline_up: xl2tpd LNS in gw (192.0.2.1), LAC in cl (192.0.2.2), pppd in
# kernel mode (PPP_OPTS: bench_xl2tpd_pair); sets m_tid, m_sid (the PPP session at gw)
# and m_cl (the client's address on ppp0).
bench_mainline_up() {
	bench_xl2tpd_pair $w 192.0.2.1 192.0.2.2 10.97.0.10-10.97.0.20 10.97.0.1 "${1:-}" ||
		return 1
	# the PPP session (on 6.1, xl2tpd's tunnel also has a session 0: not that one)
	m_tid=$(gw ip l2tp show session | sed -n 's/^Session [1-9][0-9]* in tunnel \([0-9]*\).*/\1/p' | head -n 1)
	m_sid=$(gw ip l2tp show session | sed -n 's/^Session \([1-9][0-9]*\) in.*/\1/p' | head -n 1)
	m_cl=$(gw ip -4 addr show dev ppp0 | sed -n 's/.*peer \([0-9.]*\).*/\1/p')
	[ -n "$m_tid" ] && [ -n "$m_sid" ] && [ -n "$m_cl" ] ||
		{ t_fail "mainline tunnel/session ids"; gw ip l2tp show session; return 1; }
	echo "# mainline: tunnel $m_tid session $m_sid client $m_cl"
}

# bench_l2sec_up SOCKOPTS TUNNELOPTS [TID PEER_TID PEER PEER_PORT SID PEER_SID]:
# l2sec0 and, through l2sec-ctl (ctl_pid; it ends when $w/l2sec-stop exists), a
# socket on 192.0.2.3:1701 (sock add ... SOCKOPTS), tunnel TID (7) to PEER:PEER_PORT
# (192.0.2.2:1702, its ID PEER_TID, 70; tunnel add ... TUNNELOPTS) and its session SID
# (7, the peer's PEER_SID, 77) for client 10.99.0.2.
bench_l2sec_up() {
	local tid=${3:-7} sid=${7:-7}
	rm -f $w/l2sec-stop
	gw ip link add l2sec0 type l2sec
	gw ip addr add 10.99.0.1/32 dev l2sec0
	gw ip link set l2sec0 up
	gw ip route add 10.99.0.2/32 dev l2sec0
	gw $CTL >$w/ctl.log 2>&1 <<EOF &
sock add s 192.0.2.3 1701 $1
tunnel add $tid ${4:-70} s ${5:-192.0.2.2} ${6:-1702} $2
session add $tid $sid ${8:-77} up ip4 10.99.0.2
run while [ ! -e $w/l2sec-stop ]; do sleep 0.2; done
EOF
	ctl_pid=$!
	wait_for 20 sh -c "ip netns exec gw $CTL session get $tid $sid | grep -q state" ||
		{ t_fail "l2sec session set up"; cat $w/ctl.log; return 1; }
}

# BENCH_ALT=1: a path "l2sec-alt", the l2sec path's session through the l2sec.ko of
# another commit (make bench-alt-module ALT_REV=...), swapped in for its runs.
ALT_KO=$L2SEC_BUILD/mod/$(uname -r)/alt/l2sec.ko

# bench_l2sec_swap [KO]: the l2sec path set up again (l2sec_up, the caller's) on
# l2sec.ko KO (default: the tree's)
bench_l2sec_swap() {
	touch $w/l2sec-stop
	wait $ctl_pid
	gw ip link del l2sec0
	# the socket's destructor unpins the module after a grace period
	wait_for 10 rmmod l2sec || { t_fail "rmmod l2sec for the swap"; t_done; }
	if [ -n "${1:-}" ]; then insmod "$1"; else modprobe l2sec; fi ||
		{ t_fail "load l2sec.ko ${1:-}"; t_done; }
	l2sec_up
}

# bench_esp_alg CFG: the ip xfrm algorithms of a benchmark's cipher configuration
#   cbc[-offload]  AES-256-CBC + HMAC-SHA1-96 (what the built-in clients use)
#   gcm[-offload]  AES-GCM-128 (rfc4106, 16-byte ICV)
# (fixed test keys: the SAs are the benchmark's own)
bench_esp_alg() {
	case ${1%-offload} in
	cbc) echo "enc cbc(aes) 0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" \
		"auth-trunc hmac(sha1) 0x00112233445566778899aabbccddeeff00112233 96" ;;
	gcm) echo "aead rfc4106(gcm(aes)) 0x000102030405060708090a0b0c0d0e0f01020304 128" ;;
	*) return 1 ;;
	esac
}

# bench_xfrm_flush: no SA and no policy left in gw and cl
bench_xfrm_flush() {
	cl ip xfrm state flush && cl ip xfrm policy flush &&
		gw ip xfrm state flush && gw ip xfrm policy flush
}

# Inner packets forwarded to sink0, from its counters: GRO may hand the dummy
# device one large packet for many segments.
sinkcount() { gw cat /sys/class/net/sink0/statistics/tx_bytes; }
sinkpkts() { gw cat /sys/class/net/sink0/statistics/tx_packets; }

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
