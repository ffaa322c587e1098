# Admission control per peer under an SCCRQ flood (issue 14, item 3). One client behind
# a NAT floods SCCRQs at 50/s through "its own SA", an attacker on the internet floods
# SCCRQs at 50/s from spoofed source addresses, and meanwhile 20 other clients behind
# the same NAT dial: all 20 must have their L2TP sessions within 10 s, the daemon's RSS
# must not grow with the flood, the refusals must be counted and logged per peer, not
# per packet.
#
# What is modelled, and how:
#  - The 20 clients are real xl2tpd + pppd (MS-CHAPv2), as in 51-ppp, in one namespace
#    behind an nftables NAT; each xl2tpd listens on its own address (10.1.0.N:1701).
#  - Their SAs: charon and ESP for 21 clients are too slow for a TCG guest, so no SA
#    exists. The NAT maps client N to 203.0.113.2:(20000+N) and the gateway's
#    nftables gives each such source port its own mark (0x100+N), as xfrm would give
#    each client's decrypted packets its CHILD_SA's mark; l2secd reads the mark
#    (SO_RCVMARK) as it does an SA's. The flooder (10.1.0.99) is port 20099, mark 0x199.
#    The gateway runs with require-ipsec = no, so l2sec.ko does not ask for real ESP
#    and the spoofed plaintext SCCRQs reach the daemon.
#  - The spoofed flood comes from a raw socket on the internet side, a new random
#    source in 100.64.0.0/10 for every datagram; the gateway routes the replies there
#    into a blackhole, so nobody ever acknowledges an SCCRP.
# The limits are l2secd's defaults; only timers unrelated to admission are set.
# vm-timeout: 300
. "$L2SEC_TOP/tests/vm/lib.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-55
L2SECD=$L2SEC_BUILD/l2secd
FLOOD="/usr/bin/python3 $L2SEC_TOP/tests/vm/pkt/sccrq_flood.py"
N=20
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
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

rm -rf "$run"
mkdir -p "$run/run"
modprobe -a l2sec nf_tables nft_chain_nat nf_nat veth ppp_generic ppp_async ppp_synctty \
	2>/dev/null
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
	for i in $(seq 1 $N) 99; do
		echo "oifname \"wan0\" ip saddr 10.1.0.$i udp sport 1701" \
			"snat to 203.0.113.2:$((20000 + i))"
	done
	printf 'oifname "wan0" masquerade\n}\n}\n'
} | ip netns exec nat nft -f - || echo "# nat rules failed"
# a TCG guest is slow: keep the NAT's UDP mappings for the whole test
ip netns exec nat sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600 \
	net.netfilter.nf_conntrack_udp_timeout_stream=600
{
	printf 'table ip sa {\nchain pre {\ntype filter hook prerouting priority mangle\n'
	printf 'iifname "wan0" udp dport 1701 meta mark set udp sport map { '
	for i in $(seq 1 $N); do printf '%s : 0x%x, ' $((20000 + i)) $((0x100 + i)); done
	printf '20099 : 0x199 }\n}\n}\n'
} | gw nft -f - || echo "# mark rules failed"

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
dial_ms=$(now_ms)
# all at once, from one shell in the clients' namespace: a fork each, not an ip netns exec
ip netns exec home sh "$run/dial.sh"
check "all $N clients have their sessions" wait_secs 60 eval '[ "$(established)" -ge $N ]'
check "both floods were still on then" sh -c "kill -0 $flood_sa && kill -0 $flood_sp"
# When: a poll costs seconds under TCG, so the time is taken from the daemon: each
# session's age at a moment no earlier than the answer, which bounds its ICRQ from above.
l2secd_ctl "$run/run/l2secd.sock" "show sessions" >"$out/sessions.json"
after_ms=$(now_ms)
late=$(jget "max($after_ms - s['uptime_ms'] for s in j['sessions']) - $dial_ms" \
	<"$out/sessions.json")
echo "# the last of $N sessions started at most $late ms after the dial" \
	"(the floods running for $((SECONDS - flood_t0)) s)"
check "all $N sessions started within 10 s of dialling" jcheck \
	"(len([s for s in j['sessions'] if s['state'] == 'established']) == $N and
	  max($after_ms - s['uptime_ms'] for s in j['sessions']) - $dial_ms <= 10000)" \
	<"$out/sessions.json"
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

for i in $(seq 1 $N); do kill "$(cat "$run/c$i/xl2tpd.pid" 2>/dev/null)" 2>/dev/null; done
kill -TERM "$gw_pid"
wait "$gw_pid"
check_eq "l2secd exit status" 0 "$?"
t_done
