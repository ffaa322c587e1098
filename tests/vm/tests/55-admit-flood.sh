# vm-kernel: 6.12
# Admission control per peer under an SCCRQ flood (issue 14, item 3). One client behind
# a NAT floods SCCRQs at 50/s through its own SA, an attacker on the internet floods
# SCCRQs at 50/s from spoofed source addresses, and meanwhile 20 other clients behind
# the same NAT dial: each must have its L2TP session (its ICCN at the gateway) within
# 10 s of its first SCCRQ at the gateway, the daemon's RSS must not grow with the flood,
# and the refusals must be counted and logged per peer, not per packet.
#
# What is modelled, and how:
#  - The 20 clients are real xl2tpd + pppd (MS-CHAPv2), as in 51-ppp, in one namespace
#    behind an nftables NAT; each xl2tpd listens on its own address (10.1.0.N:1701).
#  - Their SAs are real: ESP transport mode in UDP (NAT-T), one pair per client, set up
#    with ip xfrm as charon would (static keys: IKE itself is not under test, and 21
#    charons are too slow for a TCG guest). The NAT maps client N's NAT-T port 4500 to
#    203.0.113.2:(20000+N), so every client's L2TP reaches the gateway from
#    203.0.113.2:1701 and only the SA tells them apart: the gateway's inbound SA of
#    client N sets mark 0x100+N on what it decrypts (charon's set_mark_in), its
#    outbound SA is chosen by that mark. l2secd takes the kernel's SA marks
#    (xfrm_marks.h). The flooder (10.1.0.99) has its own SA, mark 0x199.
#  - The gateway runs with require-ipsec = no, so the spoofed plaintext SCCRQs reach
#    the daemon (as plaintext: no mark), and its admission limits are its defaults.
#  - The spoofed flood comes from a raw socket on the internet side, a new random
#    source in 100.64.0.0/10 for every datagram; the gateway routes the replies there
#    into a blackhole, so nobody ever acknowledges an SCCRP.
#  - When: the gateway's nftables logs each honest client's first SCCRQ and first ICCN
#    after decryption (with its SA mark); both times come from the guest kernel's log.
# vm-timeout: 300
. "$L2SEC_TOP/tests/vm/lib.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-55
L2SECD=$L2SEC_BUILD/l2secd
FLOOD="/usr/bin/python3 $L2SEC_TOP/tests/vm/pkt/sccrq_flood.py"
N=20
CLIENTS="$(seq 1 $N) 99"	# 99: the flooder
FLOOD_S=40
gw() { ip netns exec gw "$@"; }
# dshow KEY: a number from `l2sec -j -s daemon show` (the stats groups flattened)
dshow() {
	gw "$L2SEC" -r "$run/run" -j -s daemon show | grep -o "\"$1\":[0-9]*" | head -n1 |
		cut -d: -f2
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$gw_pid/status"; }
# wait_secs SECONDS CMD...: as wait_for, but SECONDS of wall time (a poll costs much under TCG)
wait_secs() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}
# admit_stat KEY: a counter of the admit group
admit_stat() {
	ip netns exec gw "$L2SEC" -r "$run/run" -j -s daemon show | grep -o "\"$1\":[0-9]*" |
		cut -d: -f2
}
established() { echo $(( $(dshow sessions_established) - est0 )); }
# klog_times PREFIX: "MARK SECONDS" for each kernel log line of the gateway's log rules
klog_times() {
	dmesg | sed -n "s/^\[ *\([0-9.]*\)\] $1 .* MARK=\(0x[0-9a-f]*\).*/\2 \1/p"
}

rm -rf "$run"
mkdir -p "$run/run"
modprobe -a l2sec esp4 xfrm_user nf_tables nft_chain_nat nf_nat nf_log_syslog veth \
	ppp_generic ppp_async ppp_synctty 2>/dev/null
[ -e /dev/ppp ] || mknod /dev/ppp c 108 0

# --- topology: home (clients, flooder) -> nat -> gw <- inet (spoofer) ---------------------
netns_add home nat gw inet
veth home eth0 10.1.0.1/24 nat lan0 10.1.0.254/24
for i in $(seq 2 $N) 99; do echo "addr add 10.1.0.$i/24 dev eth0"; done | ip -n home -b -
ip -n home route add default via 10.1.0.254
veth nat wan0 203.0.113.2/24 gw wan0 203.0.113.1/24
veth gw inet0 192.0.2.1/24 inet eth0 192.0.2.2/24
gw ip route add default via 192.0.2.2
ip -n inet route add 203.0.113.0/24 via 192.0.2.1
ip -n inet route add blackhole 100.64.0.0/10
ip netns exec nat sysctl -qw net.ipv4.ip_forward=1
gw sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
{
	printf 'table ip nat {\nchain post {\ntype nat hook postrouting priority srcnat\n'
	for i in $CLIENTS; do
		echo "oifname \"wan0\" ip saddr 10.1.0.$i udp sport 4500" \
			"snat to 203.0.113.2:$((20000 + i))"
	done
	printf 'oifname "wan0" masquerade\n}\n}\n'
} | ip netns exec nat nft -f - || echo "# nat rules failed"
# a TCG guest is slow: keep the NAT's UDP mappings for the whole test
ip netns exec nat sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600 \
	net.netfilter.nf_conntrack_udp_timeout_stream=600

# --- the SAs: client N <-> gw, ESP in UDP, the gateway's inbound one marking 0x100+N -------
ENC="enc cbc(aes) 0x00112233445566778899aabbccddeeff auth-trunc hmac(sha1) 0x00112233445566778899aabbccddeeff00112233 96"
for i in $CLIENTS; do
	m=$((0x100 + i)) nat=$((20000 + i))
	echo "xfrm state add src 10.1.0.$i dst 203.0.113.1 proto esp spi $((0x1000 + i))" \
		"reqid $i mode transport $ENC encap espinudp 4500 4500 0.0.0.0" >&3
	echo "xfrm state add src 203.0.113.1 dst 10.1.0.$i proto esp spi $((0x2000 + i))" \
		"reqid $i mode transport $ENC encap espinudp 4500 4500 0.0.0.0" >&3
	echo "xfrm policy add src 10.1.0.$i dst 203.0.113.1 proto udp sport 1701 dport 1701" \
		"dir out tmpl src 10.1.0.$i dst 203.0.113.1 proto esp reqid $i mode transport" >&3
	echo "xfrm state add src 203.0.113.2 dst 203.0.113.1 proto esp spi $((0x1000 + i))" \
		"reqid $i mode transport $ENC encap espinudp $nat 4500 0.0.0.0 output-mark $m" >&4
	echo "xfrm state add src 203.0.113.1 dst 203.0.113.2 proto esp spi $((0x2000 + i))" \
		"reqid $i mode transport $ENC encap espinudp 4500 $nat 0.0.0.0" >&4
	echo "xfrm policy add src 203.0.113.1 dst 203.0.113.2 proto udp sport 1701 dport 1701" \
		"dir out mark $m mask 0xffffffff" \
		"tmpl src 203.0.113.1 dst 203.0.113.2 proto esp reqid $i mode transport" >&4
done 3>"$run/xfrm-home" 4>"$run/xfrm-gw"
check "clients' SAs and policies (ip xfrm)" ip -n home -b "$run/xfrm-home"
check "gateway's SAs and policies (ip xfrm)" gw ip -b "$run/xfrm-gw"
# NAT-T: a UDP_ENCAP_ESPINUDP socket on 4500 on each side, as charon holds
natt='import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 4500))
s.setsockopt(socket.IPPROTO_UDP, 100, 2)  # UDP_ENCAP, UDP_ENCAP_ESPINUDP
print("ready", flush=True)
time.sleep(600)'
ip netns exec home /usr/bin/python3 -c "$natt" >"$run/natt-home" 2>&1 &
natt_home=$!
ip netns exec gw /usr/bin/python3 -c "$natt" >"$run/natt-gw" 2>&1 &
natt_gw=$!
check "NAT-T sockets ready" wait_secs 60 \
	sh -c "grep -q ready $run/natt-home && grep -q ready $run/natt-gw"
# each honest client's first SCCRQ and first ICCN after decryption, to the kernel log
# (L2TP control header 12 octets, then the Message Type AVP: its value at octet 18)
sysctl -qw net.netfilter.nf_log_all_netns=1
check "gw: nftables logs each client's first SCCRQ and ICCN" gw nft -f - <<NFT
table ip when {
	set sccrq { type mark; flags dynamic; }
	set iccn { type mark; flags dynamic; }
	chain honest {
		@th,64,1 1 @th,208,16 1 meta mark != @sccrq add @sccrq { meta mark } log prefix "l2tp-sccrq "
		@th,64,1 1 @th,208,16 12 meta mark != @iccn add @iccn { meta mark } log prefix "l2tp-iccn "
	}
	chain pre {
		type filter hook prerouting priority mangle; policy accept;
		udp dport 1701 meta mark 0x101-$(printf '%#x' $((0x100 + N))) jump honest
	}
}
NFT

# --- the gateway, with the admission limits at their defaults ----------------------------
for i in $(seq 1 $N); do echo "u$i password pw-$i"; done >"$run/users"
cat >"$run/l2sec.conf" <<CONF
[global]
log-level = notice
runtime-dir = $run/run
datapath = kernel
[l2tp]
listen = 203.0.113.1
hostname = gw
require-ipsec = no
[ppp]
users = $run/users
local-address = 192.168.42.1
pool = 192.168.42.10-192.168.42.59
lcp-echo-interval = 0
CONF
chmod 600 "$run/users" "$run/l2sec.conf"
check "configuration is valid (l2secd -n)" "$L2SECD" -n -c "$run/l2sec.conf"
# not through gw(): $! must be l2secd's own pid (its RSS, its exit status)
ip netns exec gw "$L2SECD" -c "$run/l2sec.conf" >"$out/l2secd.log" 2>&1 &
gw_pid=$!
check "l2secd starts" wait_for 60 test -S "$run/run/l2secd.sock"

# --- the 20 clients: xl2tpd + pppd, started all at once below ----------------------------
client_conf() {
	local i=$1 d="$run/c$1"
	mkdir -p "$d"
	cat >"$d/xl2tpd.conf" <<CONF
[global]
listen-addr = 10.1.0.$i
port = 1701
access control = no
[lac gw]
lns = 203.0.113.1
require authentication = no
pppoptfile = $d/ppp.opts
name = u$i
autodial = yes
redial = no
CONF
	printf 'name u%s\npassword pw-%s\nrefuse-pap\nrefuse-chap\nrefuse-mschap\nrefuse-eap\n' \
		"$i" "$i" >"$d/ppp.opts"
	printf 'noauth\nnodefaultroute\nnoipdefault\nipcp-accept-remote\nlcp-echo-interval 0\n' \
		>>"$d/ppp.opts"
	printf 'logfile %s\n' "$d/pppd.log" >>"$d/ppp.opts"
	: >"$d/secrets"
	echo "xl2tpd -D -c $d/xl2tpd.conf -s $d/secrets -C $d/control -p $d/xl2tpd.pid \
		>$d/xl2tpd.log 2>&1 &" >>"$run/dial.sh"
}
: >"$run/dial.sh"
for i in $(seq 1 $N); do client_conf "$i"; done
echo '{}' | jcheck True >/dev/null	# jsonq's Python starts now, not in a measurement
# --- the floods ---------------------------------------------------------------------------
ip netns exec home $FLOOD --dst 203.0.113.1 --bind 10.1.0.99 --rate 50 --seconds $FLOOD_S \
	>"$out/flood-sa.txt" 2>&1 &
flood_sa=$!
ip netns exec inet $FLOOD --dst 203.0.113.1 --spoof 100.64.0.0/10 --rate 50 \
	--seconds $FLOOD_S >"$out/flood-spoofed.txt" 2>&1 &
flood_sp=$!
flood_t0=$SECONDS
check "the flood through the SA is being dropped per SA" wait_secs 20 \
	eval '[ "$(admit_stat sccrq_sa_rate_limited)" -gt 50 ]'
check "the spoofed flood fills max-half-open" wait_secs 20 \
	eval '[ "$(admit_stat half_open_displaced)" -gt 0 ]'

# --- 20 clients dial through the NAT meanwhile -----------------------------------------
est0=$(dshow sessions_established)
# all at once, from one shell in the clients' namespace: a fork each, not an ip netns exec
ip netns exec home sh "$run/dial.sh"
check "all $N clients have their sessions" wait_secs 60 eval '[ "$(established)" -ge $N ]'
check "both floods were still on then" sh -c "kill -0 $flood_sa && kill -0 $flood_sp"
# each client's time from its first SCCRQ to its ICCN, both as the gateway's kernel saw them
klog_times l2tp-sccrq | sort >"$out/first-sccrq.txt"
klog_times l2tp-iccn | sort >"$out/first-iccn.txt"
join "$out/first-sccrq.txt" "$out/first-iccn.txt" |
	awk '{ printf "%s %.3f\n", $1, $3 - $2 }' >"$out/setup-times.txt"
echo "# SCCRQ -> ICCN at the gateway per client (mark, seconds):" $(sort -k2 -n \
	"$out/setup-times.txt" | tr '\n' ' ')
check_eq "every client's first SCCRQ and ICCN seen at the gateway" $N \
	"$(wc -l <"$out/setup-times.txt")"
check "every client had its session within 10 s of its first SCCRQ at the gateway" \
	awk -v n=$N '$2 > 10 { bad++ } END { exit !(NR == n && !bad) }' "$out/setup-times.txt"
check_eq "$N sessions held" $N "$(dshow session_count)"
l2secd_ctl "$run/run/l2secd.sock" "show tunnels" >"$out/tunnels.json"
check "one established tunnel per client, each through its own SA, none for the flooder" \
	jcheck "(sorted(t['mark'] for t in j['tunnels'] if t['state'] == 'established') ==
		 list(range(0x101, 0x101 + $N)))" <"$out/tunnels.json"

# --- the daemon's memory does not follow the flood ----------------------------------------
rss1=$(rss_kb)
wait "$flood_sa" "$flood_sp"
rss2=$(rss_kb)
echo "# l2secd VmRSS: ${rss1} kB with $N sessions and the floods running, ${rss2} kB at their end"
check "RSS bounded: grew less than 2 MB over the rest of the flood" test $((rss2 - rss1)) -lt 2048
check "RSS bounded: under 64 MB" test "$rss2" -lt 65536
gw "$L2SEC" -r "$run/run" -j -s daemon show >"$out/daemon-show.json"
gw "$L2SEC" -r "$run/run" -s daemon show >"$out/daemon-show.txt"
cat "$out/flood-sa.txt" "$out/flood-spoofed.txt"
sa_sent=$(cut -d' ' -f2 "$out/flood-sa.txt")
check "the flood through the SA ran (>= 40/s)" test "${sa_sent:-0}" -ge $((FLOOD_S * 40))
check "the spoofed flood ran (>= 40/s)" test "$(cut -d' ' -f2 "$out/flood-spoofed.txt")" \
	-ge $((FLOOD_S * 40))
# at most 2/s (burst 2) through; 10% allowed for datagrams lost on the way under TCG
check "the flooder's SA got at most its share (2/s)" jcheck \
	"j['stats']['admit']['sccrq_sa_rate_limited'] >= $sa_sent * 0.9 - 2 * $FLOOD_S - 2" \
	<"$out/daemon-show.json"
check "spoofed half-open tunnels displaced or timed out, counted" jcheck \
	"((a := j['stats']['admit']) and a['half_open_displaced'] > 0 and
		a['tunnel_setup_timeouts'] > 0)" \
	<"$out/daemon-show.json"
check "the admission counters show in text too" grep -q "^admit:" "$out/daemon-show.txt"
lines=$(grep -c "sccrq-rate-per-sa" "$out/l2secd.log")
echo "# $lines log lines about the flooder's SA"
check "the flooder's refusals are logged once per 10 s, not per packet" \
	test "$lines" -ge 1 -a "$lines" -le $((FLOOD_S / 10 + 2))
check_eq "$N sessions still held after the flood" $N "$(dshow session_count)"

# one cat and one kill for all 20 (a fork costs ~0.1 s under TCG)
kill $(cat "$run"/c*/xl2tpd.pid 2>/dev/null) 2>/dev/null
kill "$natt_home" "$natt_gw" 2>/dev/null
kill -TERM "$gw_pid"
wait "$gw_pid"
check_eq "l2secd exit status" 0 "$?"
t_done
