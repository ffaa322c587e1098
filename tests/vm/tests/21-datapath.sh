# l2sec.ko data path without IPsec: every legal L2TPv2 data header variant is
# stripped and delivered on l2sec0; control messages, PPP control protocols and
# unknown sessions reach the daemon's socket byte for byte; every malformed,
# spoofed (an address outside the session's, another session's /128 inside
# its /64, a link-local one not its own) or not-up packet is dropped and
# counted under its reason; transmit
# pushes PPP + L2TP + UDP, checked by dissecting a capture with tshark.
# vm-timeout: 300
. "$L2SEC_TOP/tests/vm/lib.sh"
# the client's sender, started now: scapy's import overlaps with the setup
pkt_serve 21 l2tp.py
CTL=$L2SEC_BUILD/tests/l2sec-ctl
PKT="/usr/bin/python3 $L2SEC_TOP/tests/vm/pkt/l2tp.py"
out=${L2SEC_TEST_OUT:-/tmp}
gw() { ip netns exec gw "$@"; }

modprobe l2sec
netns_add gw cl
veth gw eth0 192.0.2.1/24 cl eth0 192.0.2.2/24
gw ip link add l2sec0 type l2sec
gw ip addr add 10.99.0.1/32 dev l2sec0
gw ip -6 addr add 2001:db8:99::1/128 dev l2sec0 nodad
gw ip link set l2sec0 up
gw ip route add 10.99.0.0/24 dev l2sec0
gw ip -6 route add 2001:db8:99::/48 dev l2sec0
gw sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.l2sec0.rp_filter=0

gw $PKT sink 10.99.0.1 5000 600 >"$out/sink4.txt" 2>&1 &
gw $PKT sink 2001:db8:99::1 5000 600 >"$out/sink6.txt" 2>&1 &
check "sinks ready" wait_for 120 sh -c "grep -q ready '$out/sink4.txt' && grep -q ready '$out/sink6.txt'"

check "packet sender ready" pkt_ready 21
send="$(pkt_cmd 21) cl send --src 192.0.2.2 --dst 192.0.2.1 --tid 1 --sid 1 --down-sid 2"
gw $CTL >"$out/21-ctl.txt" 2>&1 <<EOF
sock add s1 192.0.2.1 1701 ipsec 0
tunnel add 1 100 s1 192.0.2.2 1701
session add 1 1 11 up ip4 10.99.0.2 ip6 2001:db8:99::/64 ifid 0001000200030004
session add 1 2 12 ip4 10.99.0.4
session add 1 3 13 up ip6 2001:db8:99::66/128
run $send 'ok-*' 'daemon-*' 'malformed-*' 'spoof-*' 'notup-*' >$out/21-sent.txt
run sleep 1
recv s1 500
recv s1 500
recv s1 500
recv s1 500
recv s1 500
recv s1 500
recv s1 500
!recv s1 300
stats
tunnel get 1
session get 1 1
echo --- transmit
run ip netns exec cl tcpdump -n -U -i eth0 -w $out/21-tx.pcap udp port 1701 2>/dev/null & sleep 3
run /usr/bin/python3 -c "import socket as s; k=s.socket(s.AF_INET,s.SOCK_DGRAM); [k.sendto(m.encode(),(d,40000)) for m,d in (('tx-v4','10.99.0.2'),('tx-notup','10.99.0.4'),('tx-nosession','10.99.0.77'))]; k6=s.socket(s.AF_INET6,s.SOCK_DGRAM); k6.sendto(b'tx-v6',('2001:db8:99::2',40000)); k6.sendto(b'tx-v6-64',('2001:db8:99::abcd',40000))"
run sleep 2; pkill -INT -x tcpdump; sleep 1
stats
tunnel get 1
session get 1 1
session get 1 2
echo --- session 1 again
session del 1 1
session add 1 1 11 up ip4 10.99.0.2
session get 1 1
EOF
rc=$?
cat "$out/21-ctl.txt"
check_eq "control script ran to the end" 0 "$rc"
ctl=$(cat "$out/21-ctl.txt")

# --- receive: what reached l2sec0 -------------------------------------------
sleep 1
got=$(cat "$out/sink4.txt" "$out/sink6.txt" | sed -n 's/^got //p' | sort | xargs)
want=$(pkt 21 - cases | tr ' ' '\n' | grep '^ok-' | sort | xargs)
check_eq "exactly the legal variants were delivered on l2sec0" "$want" "$got"

# --- receive: what reached the daemon's socket, unchanged -----------------------
sent_daemon=$(grep '^sent daemon-' "$out/21-sent.txt" | awk '{print $3}' | sort | xargs)
recv_daemon=$(sed -n 's/^recv len=[0-9]* hex=//p' "$out/21-ctl.txt" | sort | xargs)
check "7 packets for the daemon" test "$(wc -w <<<"$recv_daemon")" -eq 7
check_eq "they reached the socket byte for byte" "$sent_daemon" "$recv_daemon"
check "nothing else reached the socket" grep -q '^expect-fail ok recv' "$out/21-ctl.txt"

# --- counters ------------------------------------------------------------------------
stat() { grep '^stats' "$out/21-ctl.txt" | head -n 1 | grep -o " $1=[0-9]*" | cut -d= -f2; }
n_ok=$(wc -w <<<"$want")
n_mal=$(grep -c '^sent malformed-' "$out/21-sent.txt")
check_eq "rx_packets = delivered variants" "$n_ok" "$(stat rx_packets)"
check_eq "to_daemon counted" 7 "$(stat to_daemon)"
check_eq "every malformed case counted as malformed" "$n_mal" "$(stat drop_malformed)"
check_eq "spoofed sources counted (outside, nested, link-local)" 4 "$(stat drop_spoof)"
check_eq "not-up session counted" 1 "$(stat drop_not_up)"
check_eq "rx_drops is the sum" $((n_mal + 5)) "$(stat rx_drops)"
# session 1's drops: 4 spoofed + the 8 malformed PPP/IP cases (its ids were valid)
check "session 1 counted its packets and drops" \
	grep -qE "^session tid=1 sid=1 .* rx_packets=$n_ok .* rx_drops=12 " "$out/21-ctl.txt"
# the tunnel's drops by reason (allocated at its first drop, not per cpu) add up
# to its per-cpu rx_drops (nothing was sent yet): its line after the receive (the
# first is tunnel add's)
tun1line() { grep '^tunnel tid=1' "$out/21-ctl.txt" | sed -n 2p; }
tun1() { tun1line | grep -o " $1=[0-9]*" | cut -d= -f2; }
check_eq "tunnel 1 counted the spoofed sources under their reason" 4 "$(tun1 drop_spoof)"
check_eq "tunnel 1's drops by reason add up to its rx_drops" "$(tun1 rx_drops)" \
	"$(tun1line | grep -o ' drop_[a-z_]*=[0-9]*' | cut -d= -f2 | awk '{s += $1} END {print s + 0}')"
check "tunnel 1 dropped something" test "$(tun1 rx_drops)" -gt 4
check "the session's IPv6CP identifier read back" \
	grep -qE "^session tid=1 sid=1 .* ifid=0001000200030004" "$out/21-ctl.txt"
check_eq "l2sec0 rx counter" "$n_ok" "$(gw cat /sys/class/net/l2sec0/statistics/rx_packets)"

# --- transmit -------------------------------------------------------------------------
tx=$(tshark -r "$out/21-tx.pcap" -T fields -E separator='|' -e ip.src -e ip.dst -e udp.srcport \
	-e udp.dstport -e l2tp.tunnel -e l2tp.session -e ppp.address -e ppp.control \
	-e ppp.protocol -e ipv6.dst -e data.data 2>/dev/null)
echo "$tx"
tx_hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
check "IPv4 packet encapsulated: outer 192.0.2.1:1701 -> 192.0.2.2:1701, tunnel 100 session 11, PPP ff 03 0x0021" \
	grep -qE "^192\.0\.2\.1,10\.99\.0\.1\|192\.0\.2\.2,10\.99\.0\.2\|1701,[0-9]+\|1701,40000\|100\|11\|0xff\|0x03\|0x0021\|\|$(tx_hex tx-v4)$" <<<"$tx"
check_eq "IPv6 packets encapsulated with PPP 0x0057 (to the /64's ::2 and ::abcd)" 2 \
	"$(grep -cE "^192\.0\.2\.1\|192\.0\.2\.2\|1701,[0-9]+\|1701,40000\|100\|11\|0xff\|0x03\|0x0057\|2001:db8:99::(2|abcd)\|" <<<"$tx")"
check_eq "exactly 3 packets left for the client" 3 "$(grep -c . <<<"$tx")"
# The stack's own IPv6 multicast (MLD, router solicitations) on l2sec0 also ends
# as no_session drops: compare namespace counters before and after.
stat2() { grep '^stats' "$out/21-ctl.txt" | tail -n 1 | grep -o " $1=[0-9]*" | cut -d= -f2; }
tun2() { grep '^tunnel tid=1' "$out/21-ctl.txt" | tail -n 1 | grep -o " $1=[0-9]*" | cut -d= -f2; }
check_eq "tx_packets (namespace)" 3 "$(stat2 tx_packets)"
check_eq "tx_packets (tunnel)" 3 "$(tun2 tx_packets)"
check "no session for 10.99.0.77: counted" test "$(stat2 drop_no_session)" -gt "$(stat drop_no_session)"
check_eq "session down: counted on the tunnel (1 on receive, 1 on transmit)" 2 "$(tun2 drop_not_up)"
check "session 1 sent 3" grep -qE "^session tid=1 sid=1 .* tx_packets=3 " "$out/21-ctl.txt"
check_eq "l2sec0 tx counter" 3 "$(gw cat /sys/class/net/l2sec0/statistics/tx_packets)"
# Session 1's counters share its tunnel's per-CPU block (kernel/internal.h,
# l2sec_pcpu_tstats.s0); the others have their own.
check "session 2 counted its own packets only (one dropped each way)" grep -qE \
	"^session tid=1 sid=2 .* rx_packets=0 rx_bytes=0 tx_packets=0 tx_bytes=0 rx_drops=1 tx_drops=1( |$)" \
	"$out/21-ctl.txt"
check "a session made again in the tunnel counts from zero" sh -c \
	"sed -n '/^--- session 1 again/,\$p' '$out/21-ctl.txt' | grep '^session tid=1 sid=1 ' | tail -n 1 | grep -qE ' rx_packets=0 rx_bytes=0 tx_packets=0 tx_bytes=0 rx_drops=0 tx_drops=0( |$)'"

t_done
