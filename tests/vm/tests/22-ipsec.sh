# l2sec.ko IPsec enforcement and SA binding with real xfrm SAs (static keys,
# ESP transport mode, NAT-T espinudp) and two clients behind one NAT that both
# use L2TP port 1701:
# - plaintext L2TP (even an SCCRQ) on a require-IPsec socket is dropped, counted;
# - the socket's input policy bypass lets the second client's packets through
#   although the gateway's one in-policy names only the first client's SA;
# - an unbound tunnel is bound to the SA (set-mark, reqid, peer) of its first
#   packet and the module says so (TUNNEL_NTF_BOUND with SPI, reqid, NAT-T ports);
# - a packet for a tunnel through another client's SA is dropped (WRONG_SA);
# - the SA is the xfrm_state's own, not skb->mark: a netfilter rule that gives
#   c2's decrypted packets c1's mark does not make them c1's; a rekey (new SPI,
#   same mark and reqid) keeps the tunnel; an SA without a set-mark binds
#   nothing and is refused (SA_NO_MARK); a restarted charon's SA with the old
#   mark but another reqid (another client) is refused; mark 0 binds nothing;
# - transmit takes each tunnel's own SA by its out-mark; a tunnel whose route has
#   no SA sends nothing in cleartext (NO_XFRM_ROUTE).
# vm-timeout: 300
. "$L2SEC_TOP/tests/vm/lib.sh"
# the clients' sender, started now: scapy's import overlaps with the setup
pkt_serve 22 l2tp.py
CTL=$L2SEC_BUILD/tests/l2sec-ctl
PKT="/usr/bin/python3 $L2SEC_TOP/tests/vm/pkt/l2tp.py"
out=${L2SEC_TEST_OUT:-/tmp}
gw() { ip netns exec gw "$@"; }

for m in l2sec esp4 xfrm_user nf_tables nft_chain_nat nft_masq nf_nat bridge veth; do
	modprobe $m
done

# c1, c2 (192.168.1.11/.12) -- bridge in nat -- 203.0.113.1 (nat) -- gw 203.0.113.2
netns_add c1 c2 nat gw
ip -n nat link add br0 type bridge
ip -n nat addr add 192.168.1.1/24 dev br0
ip -n nat link set br0 up
for c in 1 2; do
	ip link add eth0 netns c$c type veth peer name p-c$c netns nat
	ip -n nat link set p-c$c master br0 up
	ip -n c$c addr add 192.168.1.1$c/24 dev eth0
	ip -n c$c link set eth0 up
	ip -n c$c route add default via 192.168.1.1
done
veth nat wan 203.0.113.1/24 gw eth0 203.0.113.2/24
ip netns exec nat sysctl -qw net.ipv4.ip_forward=1
# Deterministic NAT-T ports: c1 keeps 4500, c2 is mapped to 4501.
ip netns exec nat nft -f - <<'NFT'
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" ip saddr 192.168.1.12 udp sport 4500 snat to 203.0.113.1:4501
		oifname "wan" masquerade
	}
}
NFT
# The clients' NAT-T flows are one-way until the gateway answers, and a TCG guest
# is slow: keep unreplied UDP mappings for the whole test (default 30 s).
ip netns exec nat sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600 \
	net.netfilter.nf_conntrack_udp_timeout_stream=600

ENC="enc cbc(aes) 0x00112233445566778899aabbccddeeff auth-trunc hmac(sha1) 0x00112233445566778899aabbccddeeff00112233 96"
# sa NS SRC DST SPI REQID SPORT DPORT [extra...]
sa() {
	local ns=$1 src=$2 dst=$3 spi=$4 reqid=$5 sp=$6 dp=$7
	shift 7
	ip -n "$ns" xfrm state add src "$src" dst "$dst" proto esp spi "$spi" reqid "$reqid" \
		mode transport $ENC encap espinudp "$sp" "$dp" 0.0.0.0 "$@"
}
# Clients: L2TP udp/1701 <-> gw udp/1701 through their SAs.
for c in 1 2; do
	check "c$c SAs" sa c$c 192.168.1.1$c 203.0.113.2 0x100$c $c 4500 4500
	check "c$c in SA" sa c$c 203.0.113.2 192.168.1.1$c 0x200$c $c 4500 4500
	check "c$c out policy" ip -n c$c xfrm policy add src 192.168.1.1$c dst 203.0.113.2 \
		proto udp sport 1701 dport 1701 dir out \
		tmpl src 192.168.1.1$c dst 203.0.113.2 proto esp reqid $c mode transport
done
# Gateway: inbound SAs set the mark 1 / 2 on decrypted packets (charon's
# set_mark_in=%same); outbound SAs are chosen by out-policies with marks 1 / 2.
check "gw in SA c1 (output-mark 1)" sa gw 203.0.113.1 203.0.113.2 0x1001 1 4500 4500 output-mark 1
check "gw in SA c2 (output-mark 2)" sa gw 203.0.113.1 203.0.113.2 0x1002 2 4501 4500 output-mark 2
check "gw out SA c1" sa gw 203.0.113.2 203.0.113.1 0x2001 1 4500 4500
check "gw out SA c2" sa gw 203.0.113.2 203.0.113.1 0x2002 2 4500 4501
for c in 1 2; do
	check "gw out policy mark $c" ip -n gw xfrm policy add src 203.0.113.2 dst 203.0.113.1 \
		proto udp sport 1701 dport 1701 dir out mark $c mask 0xffffffff \
		tmpl src 203.0.113.2 dst 203.0.113.1 proto esp reqid $c mode transport
done
# One in-policy for both clients (identical selectors), naming c1's SA only: without
# the socket's bypass c2's packets would die in the policy check (XfrmInTmplMismatch).
check "gw in policy (c1's reqid only)" ip -n gw xfrm policy add src 203.0.113.1 dst 203.0.113.2 \
	proto udp sport 1701 dport 1701 dir in \
	tmpl src 203.0.113.1 dst 203.0.113.2 proto esp reqid 1 mode transport

# SA changes from inside the control script (its `run` is /bin/sh)
steps=$out/22-steps.sh
{ echo "ENC=\"$ENC\""; declare -f sa; echo '"$@"'; } >"$steps"
S="bash $steps"
xdel() { echo "run ip -n $1 xfrm state del src $2 dst $3 proto esp spi $4"; }

for ns in gw c1 c2; do
	ip netns exec $ns $PKT natt 4500 600 >"$out/natt-$ns.txt" 2>&1 &
done
check "NAT-T sockets ready" wait_for 120 sh -c "cat $out/natt-*.txt | grep -c ready | grep -qx 3"

gw ip link add l2sec0 type l2sec
gw ip addr add 10.99.0.1/32 dev l2sec0
gw ip link set l2sec0 up
gw ip route add 10.99.0.0/16 dev l2sec0
gw sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.l2sec0.rp_filter=0
gw $PKT sink 10.99.0.1 5000 600 >"$out/22-sink.txt" 2>&1 &
check "sink ready" wait_for 120 grep -q ready "$out/22-sink.txt"

check "packet sender ready" pkt_ready 22
c1="$(pkt_cmd 22) c1 send --src 192.168.1.11 --dst 203.0.113.2 --inner-dst 10.99.0.1"
c2="$(pkt_cmd 22) c2 send --src 192.168.1.12 --dst 203.0.113.2 --inner-dst 10.99.0.1"
# Waits of the script below, 30 s at most each, instead of fixed sleeps: "got
# NAME..." until the sink has read each packet NAME, "decrypted
# NETNS DST SPI N" until NETNS's SA (gw to DST, SPI) has decrypted N packets, "ctl
# REQUEST REGEX" until a line of l2sec-ctl's answer matches (a drop counted),
# "mismatch" until the kernel counted XfrmInTmplMismatch, "listening" until
# tcpdump listens, "gone" until it has exited (its pcap is written per packet, -U).
tcpd=$out/22-tcpdump.err
w=/tmp/l2sec-22-wait
cat >$w <<'WAIT'
#!/bin/bash
poll() { for _ in $(seq 300); do "$@" && return 0; sleep 0.1; done; echo "timed out: $*"; return 1; }
got() { for n; do grep -qx "got $n" "$SINK" || return 1; done; }
ctl() { echo "$1" | "$CTL" | grep -qE -- "$2"; }
gone() { ! pgrep -x tcpdump >/dev/null; }
decrypted() {
	[ "$(ip -n "$1" -s xfrm state list src 203.0.113.2 dst "$2" proto esp spi "$3" |
		awk '/lifetime current/{getline; print $2}')" = "$4(packets)" ]
}
case $1 in
got) shift; poll got "$@" ;;
ctl) poll ctl "$2" "$3" ;;
mismatch) poll awk '/XfrmInTmplMismatch/ {exit !($2 >= 1)}' /proc/net/xfrm_stat ;;
decrypted) shift; poll decrypted "$@" ;;
listening) poll grep -q "listening on" "$TCPD" ;;
gone) poll gone ;;
esac
WAIT
chmod +x $w
w="env SINK=$out/22-sink.txt TCPD=$tcpd CTL=$CTL $w"
gw $CTL >"$out/22-ctl.txt" 2>&1 <<EOF
monitor start
sock add s1 203.0.113.2 1701
echo --- plaintext
run $c1 --sport 1799 --tid 1 --sid 1 --inner-src 10.99.1.2 daemon-sccrq ok-plain >/dev/null
run $w ctl stats ' drop_no_ipsec=2 '
!recv s1 300
stats
echo --- SCCRQ through c1's SA reaches the daemon
run $c1 --tid 1 daemon-sccrq >/dev/null
recv s1 2000
tunnel add 1 100 s1 203.0.113.1 1701 outmark 1
tunnel add 2 200 s1 203.0.113.1 1701 outmark 2 bind 2
tunnel add 3 300 s1 203.0.113.1 1701
session add 1 1 11 up ip4 10.99.1.2
session add 2 1 21 up ip4 10.99.2.2
session add 3 1 31 up ip4 10.99.3.2
echo --- c1 binds tunnel 1, c2 uses tunnel 2
run $c1 --tid 1 --sid 1 --inner-src 10.99.1.2 ok-plain >/dev/null
run $c2 --tid 2 --sid 1 --inner-src 10.99.2.2 ok-len >/dev/null
run $w got ok-plain ok-len
tunnel get 1
tunnel get 2
echo --- c2 injects into tunnel 1
run $c2 --tid 1 --sid 1 --inner-src 10.99.1.2 ok-seq daemon-control >/dev/null
run $w ctl 'tunnel get 1' ' drop_wrong_sa=2 '
!recv s1 300
tunnel get 1
echo --- transmit: each tunnel through its own SA, tunnel 3 has none
run ip netns exec gw tcpdump -n -U -i eth0 -w $out/22-gw.pcap udp port 1701 2>$tcpd &
run $w listening
run /usr/bin/python3 -c "import socket as s; k=s.socket(s.AF_INET,s.SOCK_DGRAM); [k.sendto(m.encode(),(d,40000)) for m,d in (('to-c1','10.99.1.2'),('to-c2','10.99.2.2'),('to-c2b','10.99.2.2'),('to-t3','10.99.3.2'))]"
run $w decrypted c1 192.168.1.11 0x2001 1 && $w decrypted c2 192.168.1.12 0x2002 2
run pkill -INT -x tcpdump; $w gone
stats
monitor 20 1000
echo --- a netfilter rule gives c2's decrypted packets c1's mark
run ip netns exec gw nft 'table ip remark { chain pre { type filter hook prerouting priority mangle; meta mark 2 meta mark set 1; }; }'
run $c2 --tid 1 --sid 1 --inner-src 10.99.1.2 ok-offset0 >/dev/null
run $c2 --tid 2 --sid 1 --inner-src 10.99.2.2 ok-offset3 >/dev/null
run $w got ok-offset3 && $w ctl 'tunnel get 1' ' drop_wrong_sa=3 '
run ip netns exec gw nft delete table ip remark
tunnel get 1
tunnel get 2
echo --- c1 rekeys: a new SPI, the same mark and reqid
run $S sa c1 192.168.1.11 203.0.113.2 0x4001 1 4500 4500
$(xdel c1 192.168.1.11 203.0.113.2 0x1001)
run $S sa gw 203.0.113.1 203.0.113.2 0x4001 1 4500 4500 output-mark 1
run $c1 --tid 1 --sid 1 --inner-src 10.99.1.2 ok-all >/dev/null
run $w got ok-all
tunnel get 1
echo --- c2's SA loaded without a set-mark
$(xdel gw 203.0.113.1 203.0.113.2 0x1002)
run $S sa gw 203.0.113.1 203.0.113.2 0x1002 2 4501 4500
tunnel add 4 400 s1 203.0.113.1 1701
session add 4 1 41 up ip4 10.99.4.2
run $c2 --tid 4 --sid 1 --inner-src 10.99.4.2 ok-acfc >/dev/null
run $c2 --tid 2 --sid 1 --inner-src 10.99.2.2 ok-pfc >/dev/null
run $w ctl 'tunnel get 2' ' drop_sa_no_mark=1( |$)' && $w ctl 'tunnel get 4' ' drop_sa_no_mark=1( |$)'
tunnel get 4
tunnel get 2
echo --- charon restarted: mark 1 again, for c2, with another reqid
$(xdel gw 203.0.113.1 203.0.113.2 0x1001)
$(xdel gw 203.0.113.1 203.0.113.2 0x4001)
$(xdel gw 203.0.113.1 203.0.113.2 0x1002)
run $S sa gw 203.0.113.1 203.0.113.2 0x1002 7 4501 4500 output-mark 1
run $c2 --tid 1 --sid 1 --inner-src 10.99.1.2 ok-acfc-pfc >/dev/null
run $w ctl 'tunnel get 1' ' drop_wrong_sa=4 '
tunnel get 1
echo --- restored: c1 through 0x4001, c2 through 0x1002 with their marks
$(xdel gw 203.0.113.1 203.0.113.2 0x1002)
run $S sa gw 203.0.113.1 203.0.113.2 0x1002 2 4501 4500 output-mark 2
run $S sa gw 203.0.113.1 203.0.113.2 0x4001 1 4500 4500 output-mark 1
echo --- one tunnel id, two SAs behind one NAT: tunnel 7 bound to mark 1, and to mark 2
tunnel add 7 700 s1 203.0.113.1 1701 outmark 1 bind 1
tunnel add 7 701 s1 203.0.113.1 1701 outmark 2 bind 2
!tunnel add 7 702 s1 203.0.113.9 1701 bind 2
session add @5 1 71 up ip4 10.99.7.1
session add @6 1 72 up ip4 10.99.7.2
run $c1 --tid 7 --sid 1 --inner-src 10.99.7.1 ok-seq >/dev/null
run $c2 --tid 7 --sid 1 --inner-src 10.99.7.2 ok-offset0 >/dev/null
run $c2 --tid 7 --sid 1 --inner-src 10.99.7.1 ok-acfc >/dev/null
run $w got ok-seq ok-offset0 && $w ctl 'session dump all' ' peer_sid=72 .* rx_drops=1 '
session get @5 1
session get @6 1
tunnel get @5
echo --- without the module and its bypass
sock del s1
run $c2 --tid 2 --sid 1 --inner-src 10.99.2.2 ok-plain >/dev/null
run $w mismatch
!recv s1 1000
run $c1 --tid 1 --sid 1 --inner-src 10.99.1.2 ok-plain >/dev/null
recv s1 10000
EOF
rc=$?
cat "$out/22-ctl.txt"
check_eq "control script ran to the end" 0 "$rc"
f=$out/22-ctl.txt

check "socket requires IPsec by default" grep -q '^sock sock_id=1 .*ipsec=1' "$f"
check "plaintext SCCRQ and data did not reach the daemon" \
	sh -c "sed -n '/^--- plaintext/,/^---/p' '$f' | grep -q '^expect-fail ok recv'"
check "plaintext counted as no_ipsec" \
	sh -c "grep '^stats' '$f' | head -n 1 | grep -q ' drop_no_ipsec=2 '"
check "SCCRQ through an SA reached the daemon" grep -q '^recv len=' "$f"
check "tunnel 1 bound to c1's SA (mark 1, reqid 1, its peer; SPI 0x1001, NAT-T 4500->4500)" \
	grep -qE '^tunnel tid=1 sock_id=1 bind_mark=1 bind_reqid=1 bind_peer=203.0.113.1 sa_mark=1 sa_spi=0x00001001 sa_reqid=1 sa_encap_sport=4500 sa_encap_dport=4500 sa_peer=203.0.113.1 .*bound=1' "$f"
check "TUNNEL_NTF_BOUND sent for tunnel 1" \
	grep -qE '^tunnel_ntf_bound tid=1 sock_id=1 bind_mark=1 bind_reqid=1 bind_peer=203.0.113.1 sa_mark=1 sa_spi=0x00001001' "$f"
check "tunnel 2 (bound to mark 2 by the daemon) learned reqid and peer of c2's SA behind the same NAT (port 4501)" \
	grep -qE '^tunnel tid=2 sock_id=1 bind_mark=2 bind_reqid=2 bind_peer=203.0.113.1 sa_mark=2 sa_spi=0x00001002 sa_reqid=2 sa_encap_sport=4501' "$f"
got=$(sed -n 's/^got //p' "$out/22-sink.txt" | sort | xargs)
# ok-plain, ok-len: c1 and c2 on their tunnels (c2's despite the in-policy);
# ok-offset3: c2 on tunnel 2 with the mark rewritten to 1; ok-all: c1 after
# its rekey; ok-seq, ok-offset0 (again): c1 and c2 on their tunnels 7.  Never
# delivered: ok-seq and ok-offset0 the first time (c2 on tunnel 1), ok-acfc and
# ok-pfc (unmarked SA; ok-acfc again: c2 with c1's address on its own tunnel 7),
# ok-acfc-pfc (a restarted charon's mark 1).
check_eq "delivered: each client's own, whatever the packet's mark" \
	"ok-all ok-len ok-offset0 ok-offset3 ok-plain ok-seq" "$got"
check "c2's data and control for tunnel 1 dropped as wrong_sa" \
	grep -qE '^tunnel tid=1 .* drop_wrong_sa=2 ' "$f"
check "c2's control message for tunnel 1 did not reach the daemon" \
	sh -c "sed -n '/^--- c2 injects/,/^---/p' '$f' | grep -q '^expect-fail ok recv'"
# in_section TITLE REGEX: a line of the script's output from "--- TITLE..." to the
# next "---" matches REGEX
in_section() { sed -n "/^--- $1/,/^---/p" "$f" | grep -qE "$2"; }
check "with c1's mark set by netfilter, c2's packet for tunnel 1 is wrong_sa" \
	in_section 'a netfilter rule' '^tunnel tid=1 .* drop_wrong_sa=3 '
check "with c1's mark set by netfilter, c2's own tunnel 2 still takes it" \
	in_section 'a netfilter rule' \
	'^tunnel tid=2 .*bind_reqid=2 bind_peer=203.0.113.1 .* rx_packets=2 '
check "tunnel 1 bound to (mark 1, reqid 1, 203.0.113.1) follows c1's rekey to SPI 0x4001" \
	in_section 'c1 rekeys' \
	'^tunnel tid=1 sock_id=1 bind_mark=1 bind_reqid=1 bind_peer=203.0.113.1 sa_mark=1 sa_spi=0x00004001 .* rx_packets=2 '
check "an SA without a set-mark binds no tunnel" \
	in_section "c2's SA loaded without" '^tunnel tid=4 .*bound=0 .* drop_sa_no_mark=1( |$)'
check "an SA without a set-mark is refused on c2's bound tunnel 2" \
	in_section "c2's SA loaded without" '^tunnel tid=2 .* drop_sa_no_mark=1( |$)'
check "a restarted charon's SA with mark 1 but reqid 7 is refused on tunnel 1" \
	in_section 'charon restarted' \
	'^tunnel tid=1 .*bind_mark=1 bind_reqid=1 .* drop_wrong_sa=4 '

check "one tunnel id under two SA marks: c1's data reached its tunnel 7's session" \
	in_section 'one tunnel id' '^session tid=7 sid=1 peer_tid=700 peer_sid=71 state=up ip4=10.99.7.1 rx_packets=1 '
check "one tunnel id under two SA marks: c2's data reached its tunnel 7's session" \
	in_section 'one tunnel id' '^session tid=7 sid=1 peer_tid=701 peer_sid=72 state=up ip4=10.99.7.2 rx_packets=1 .*rx_drops=1 '
check "an id and mark taken refuse another peer" \
	in_section 'one tunnel id' '^expect-fail ok tunnel: File exists: tunnel id in use for this SA mark or peer'
check "c1's tunnel 7 saw nothing of c2" \
	in_section 'one tunnel id' '^tunnel tid=7 .*bind_mark=1 bind_reqid=1 .* rx_packets=1 .* rx_drops=0 '

# binding requests: mark 0 names no SA, a reqid needs its mark
gw $CTL >"$out/22-bind.txt" 2>&1 <<EOF
sock add s9 203.0.113.2 1799
!tunnel add 9 900 s9 203.0.113.1 1701 bind 0
!tunnel add 9 900 s9 203.0.113.1 1701 reqid 3
tunnel add 9 900 s9 203.0.113.1 1701 bind 5 reqid 3
!tunnel set 9 bind 0
tunnel get 9
EOF
rc=$?
cat "$out/22-bind.txt"
check_eq "binding script ran to the end" 0 "$rc"
check "mark and reqid given: both bound, nothing learned yet" \
	grep -qE '^tunnel tid=9 sock_id=[0-9]+ bind_mark=5 bind_reqid=3 peer=.*bound=1' "$out/22-bind.txt"
check_eq "bind 0 (new and set) and a reqid without a mark refused" 3 \
	"$(grep -c '^expect-fail ok tunnel' "$out/22-bind.txt")"

# negative control: the same socket as plain UDP, without the bypass, loses c2
check "without the bypass, the in-policy drops c2's packet (XfrmInTmplMismatch)" \
	sh -c "sed -n '/^--- without the module/,\$p' '$f' | grep -q '^expect-fail ok recv'"
check "without the bypass, c1's packet still arrives" \
	sh -c "sed -n '/^--- without the module/,\$p' '$f' | grep -q '^recv len='"
mismatch=$(gw cat /proc/net/xfrm_stat | awk '/XfrmInTmplMismatch/{print $2}')
check "the kernel counted it as XfrmInTmplMismatch" test "${mismatch:-0}" -ge 1

# transmit
last=$(grep '^stats' "$f" | tail -n 1)
check "3 packets sent through SAs" grep -q ' tx_packets=3 ' <<<"$last"
check "tunnel without an SA route: no_xfrm_route" grep -q ' drop_no_xfrm_route=1 ' <<<"$last"
check_eq "nothing left the gateway in cleartext on udp/1701" 0 \
	"$(tcpdump -r "$out/22-gw.pcap" -n 2>/dev/null | wc -l)"
xfrm_pkts() { ip -n "$1" -s xfrm state list src "$2" dst "$3" proto esp spi "$4" |
	awk '/lifetime current/{getline; print $2}' | sed 's/(packets)//'; }
check_eq "gw sent 1 packet through c1's SA" 1 "$(xfrm_pkts gw 203.0.113.2 203.0.113.1 0x2001)"
check_eq "gw sent 2 packets through c2's SA" 2 "$(xfrm_pkts gw 203.0.113.2 203.0.113.1 0x2002)"
check_eq "c1 decrypted 1" 1 "$(xfrm_pkts c1 203.0.113.2 192.168.1.11 0x2001)"
check_eq "c2 decrypted 2" 2 "$(xfrm_pkts c2 203.0.113.2 192.168.1.12 0x2002)"
t_done
