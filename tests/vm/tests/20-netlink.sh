# l2sec.ko netlink contract and device: sockets, tunnels and sessions created,
# read back, changed and deleted; every command's policy rejects what it does not
# list; admin-only changes; notifications; the socket's close tears down its
# objects; the device's defaults; tunnel ids unique per peer only, tunnels
# named by handle, 70,000 tunnels dumped without a duplicate; 10,000 sessions
# created, found by address and by id, dumped and deleted with no leak, the
# session table growing with them.
# vm-timeout: 400
. "$L2SEC_TOP/tests/vm/lib.sh"
CTL=$L2SEC_BUILD/tests/l2sec-ctl
out=${L2SEC_TEST_OUT:-/tmp}

check "modprobe l2sec" modprobe l2sec

# --- device ---------------------------------------------------------------------
check "ip link add l2sec0 type l2sec" ip link add l2sec0 type l2sec
check_eq "default MTU for L2TP/IPsec over 1500" 1380 "$(cat /sys/class/net/l2sec0/mtu)"
check "no ARP, point-to-point" sh -c 'ip link show l2sec0 | grep -q "POINTOPOINT,NOARP"'
check_eq "no link-layer header (ARPHRD_NONE)" 65534 "$(cat /sys/class/net/l2sec0/type)"
check_fails "a second l2sec device in the namespace is refused" \
	ip link add l2sec1 type l2sec
check "MTU can be changed" ip link set l2sec0 mtu 1400
check "l2sec0 up" ip link set l2sec0 up
check "no qdisc by default" sh -c 'ip link show l2sec0 | grep -q "qdisc noqueue"'

# --- objects ----------------------------------------------------------------------
$CTL >"$out/20-objects.txt" 2>&1 <<'EOF'
monitor start
sock add s1 127.0.0.1 1701 ipsec 0
!sock add-again s1
tunnel add 1 100 s1 192.0.2.2 1701 outmark 7
!tunnel add 1 101 s1 192.0.2.2 1701
!tunnel add 2 101 s1 192.0.2.3 0
!tunnel add 0 101 s1 192.0.2.3 1701
!tunnel add 3 101 s1 224.0.0.1 1701
!tunnel add 3 101 s1 2001:db8::1 1701
!tunnel add 3 101 #99 192.0.2.3 1701
!tunnel set 1 raw-attr 27
!tunnel set 1 raw-attr 200
session add 1 1 11 up ip4 10.0.0.5 ip6 2001:db8:1::/64 ip6 2001:db8:2::9/128
!session add 1 1 12
!session add 1 2 12 ip4 10.0.0.5
!session add 1 2 12 ip6 2001:db8:1::/64
!session add 1 2 12 ip6 2001:db8:3::/48
!session add 1 2 12 ip6 ff02::1/128
!session add 9 2 12
session add 1 2 12 ip4 10.0.0.6
tunnel get 1
session get 1 1
session set 1 2 up ip4 10.0.0.7
session get 1 2
session set 1 1 down clear
session get 1 1
tunnel set 1 peer 192.0.2.9 1702 peer_tid 200 bind 5
tunnel get 1
tunnel set 1 unbind
tunnel get 1
session dump
tunnel dump
sock dump
stats
tunnel del 1
!tunnel get 1
!session get 1 2
stats
monitor 20 1500
EOF
rc=$?
cat "$out/20-objects.txt"
check_eq "object script ran to the end" 0 "$rc"
obj=$(cat "$out/20-objects.txt")
has() { grep -qE -- "$1" <<<"$obj"; }
check "SOCK_ADD reply names the socket" has '^sock sock_id=1 family=2 local_port=1701 ipsec=0'
check "a socket can be handed over once only" has 'expect-fail ok sock: .*already in use'
check "tunnel reply" has '^tunnel tid=1 sock_id=1 peer=192.0.2.2 peer_port=1701 peer_tid=100 ipsec=0 out_mark=7 bound=0 sessions=0 .* handle=[1-9][0-9]*$'
check "duplicate tunnel id of one peer refused" has 'expect-fail ok tunnel: File exists: tunnel id in use for this SA mark or peer'
check "port 0 refused by policy" has 'expect-fail ok tunnel: Numerical result out of range'
check "multicast peer refused" has 'peer must be a unicast address'
check "IPv6 peer on an IPv4 socket refused" has 'IPv6 peer on an IPv4 socket'
check "unknown socket" has 'no such socket'
check "attribute not in the command's policy rejected" has 'expect-fail ok tunnel: Invalid argument: Unsupported attribute'
check "attribute above maxattr rejected" has 'expect-fail ok tunnel: Invalid argument: Unknown attribute type'
check "session with addresses" has '^session tid=1 sid=1 peer_tid=100 peer_sid=11 state=up ip4=10.0.0.5 ip6=2001:db8:1::/64 ip6=2001:db8:2::9/128'
check "duplicate session refused" has 'session id in use in this tunnel'
check "an address belongs to one session" has 'expect-fail ok session: Address already in use: address already belongs to another session'
check "prefix length 48 refused" has 'IPv6 prefix length must be 64 or 128'
check "multicast prefix refused" has 'IPv6 prefix must be unicast'
check "session in unknown tunnel refused" has 'no such tunnel'
check "SESSION_SET replaces the address set" has '^session tid=1 sid=2 .*state=up ip4=10.0.0.7 '
check "SESSION_SET clear + down" has '^session tid=1 sid=1 peer_tid=100 peer_sid=11 state=down rx_packets'
check "TUNNEL_SET peer, peer id, bind mark" has '^tunnel tid=1 sock_id=1 bind_mark=5 peer=192.0.2.9 peer_port=1702 peer_tid=200 .*bound=1'
check "TUNNEL_SET unbind" has '^tunnel tid=1 sock_id=1 peer=192.0.2.9 .*bound=0'
check "stats counts objects" has '^stats ifindex=[0-9]+ socks=1 tunnels=1 sessions=2 '
check "tunnel delete takes its sessions" has '^stats ifindex=[0-9]+ socks=1 tunnels=0 sessions=0 '
check "deleted tunnel is gone" has 'expect-fail ok tunnel: No such file or directory: no such tunnel'
check "notifications: tunnel new" has '^tunnel_ntf_new tid=1 sock_id=1'
check "notification: session new" has '^session_ntf_new tid=1 sid=1 .*ip6=2001:db8:1::/64'
check "notification: session set" has '^session_ntf_set tid=1 sid=2 .*state=up ip4=10.0.0.7'
check "notification: session del" has '^session_ntf_del tid=1 sid=1 handle=[1-9][0-9]*$'
check "notification: tunnel set" has '^tunnel_ntf_set tid=1 sock_id=1 bind_mark=5 '
check "notification: no stats in notifications" sh -c "! grep -q '_ntf_.*rx_packets' '$out/20-objects.txt'"
check "notifications: tunnel del" has '^tunnel_ntf_del tid=1 sock_id=1 handle=[1-9][0-9]*$'

# --- a session dump by address ------------------------------------------------------
# `l2sec session show address A` on the kernel data path: the module answers from its
# address tables (one or two sessions, whatever their number): for IPv6 the session
# whose /128 it is and the one whose /64 holds it, as the tool matches them.
$CTL >"$out/20-addr.txt" 2>&1 <<EOF
sock add sa 127.0.0.1 1721 ipsec 0
tunnel add 21 121 sa 192.0.2.21 1701
tunnel add 22 122 sa 192.0.2.22 1701
session add 21 1 11 up ip4 10.0.0.21 ip6 2001:db8:21::/64
session add 22 1 12 up ip4 10.0.0.22 ip6 2001:db8:21::5/128
echo by-ip4
session dump all addr 10.0.0.22
echo by-ip6-128
session dump all addr 2001:db8:21::5
echo by-ip6-64
session dump all addr 2001:db8:21::6
echo by-ip4-in-21
session dump 21 addr 10.0.0.22
echo by-nobody
session dump all addr 10.0.0.23
echo end
!session dump all addr 10.0.0.22 addr 2001:db8:21::5
run $L2SEC -j session show address 2001:db8:21::5 >$out/20-addr-tool.json
sock del sa
EOF
rc=$?
cat "$out/20-addr.txt"
check_eq "dump by address: script ran to the end" 0 "$rc"
# the sessions listed after "echo WHAT" up to the next echo's output
addr_dump() {
	awk -v w="$1" '/^(echo|text)=/ || /^by-|^end$/ {on = ($0 ~ "(^|=)" w "$"); next}
		on && /^session / {print $2, $3}' "$out/20-addr.txt" | tr '\n' ';'
}
check_eq "dump by IPv4: the one session that holds it" "tid=22 sid=1;" "$(addr_dump by-ip4)"
check_eq "dump by IPv6 /128: its session and the /64's that holds it" \
	"tid=22 sid=1;tid=21 sid=1;" "$(addr_dump by-ip6-128)"
check_eq "dump by IPv6 in a /64: that session" "tid=21 sid=1;" "$(addr_dump by-ip6-64)"
check_eq "dump by address within another tunnel: none" "" "$(addr_dump by-ip4-in-21)"
check_eq "dump by an address nobody holds: none" "" "$(addr_dump by-nobody)"
# (a dump's error carries no extack message to l2sec-ctl on these kernels: the errno)
check "dump by two addresses refused" grep -q 'expect-fail ok session: Invalid argument' \
	"$out/20-addr.txt"
check_eq "l2sec session show address (the module's filter): both sessions" "21 22" \
	"$(python3 -c 'import json, sys; print(*sorted(s["tunnel_id"] for s in json.load(open(sys.argv[1]))))' \
		"$out/20-addr-tool.json")"

# --- the largest messages of each kind --------------------------------------------------
# Replies and notifications are allocated at the most their kind carries
# (kernel/netlink.c, "message sizes"), and refused with EMSGSIZE beyond it: every
# optional attribute, IPv6 addresses, a session with all four prefixes.
$CTL >"$out/20-large.txt" 2>&1 <<'EOF'
monitor start
sock add s6 ::1 1711 ipsec 0
tunnel add 11 110 s6 2001:db8::11 1701 local ::1 outmark 4294967295 bind 4294967295 reqid 4294967295
tunnel get 11
tunnel set 11 peer_tid 111
session add 11 1 11 up ip4 10.0.0.11 ifid 0123456789abcdef ip6 2001:db8:a::/64 ip6 2001:db8:b::/64 ip6 2001:db8:c::/64 ip6 2001:db8:d::1/128
session get 11 1
session set 11 1 up ip4 10.0.0.12 ifid 0123456789abcdef ip6 2001:db8:a::/64 ip6 2001:db8:b::/64 ip6 2001:db8:c::/64 ip6 2001:db8:e::1/128
stats
sock dump
sock del s6
monitor 7 1500
EOF
rc=$?
cat "$out/20-large.txt"
check_eq "largest messages: script ran to the end (no EMSGSIZE)" 0 "$rc"
large=$(cat "$out/20-large.txt")
lhas() { grep -qE -- "$1" <<<"$large"; }
check "largest tunnel reply" lhas '^tunnel tid=11 sock_id=[0-9]+ bind_mark=4294967295 bind_reqid=4294967295 peer=2001:db8::11 .*local=::1 .*out_mark=4294967295 bound=1 .*rx_packets'
check "largest session reply" lhas '^session tid=11 sid=1 .*ip4=10.0.0.11 .*ip6=2001:db8:d::1/128 .*rx_packets'
for n in tunnel_ntf_new tunnel_ntf_set session_ntf_new session_ntf_set session_ntf_del \
	 tunnel_ntf_del sock_ntf_del; do
	check "largest notifications: $n" lhas "^$n "
done
check "largest notifications: all 7" lhas '^monitor got=7$'

# --- permissions: every command, dump and the events group for admins only ----------
# Replies and events name clients' addresses, SAs and counters.  Refused for a
# user without CAP_NET_ADMIN, and for root of a user namespace that does not own
# the network namespace (what any local user can make with unshare -U -r).
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
userns() { nobody unshare -U -r "$@"; }
"$CTL" >"$out/20-perm-owner.txt" 2>&1 <<EOF2 &
sock add s1 127.0.0.1 1801 ipsec 0
tunnel add 9 900 s1 192.0.2.9 1701
session add 9 1 11 up ip4 10.0.0.9
run while [ ! -e $out/20-perm.flag ]; do sleep 0.2; done
EOF2
owner=$!
check "the objects the refusals are tried on" \
	wait_for 20 sh -c "$CTL stats | grep -q 'tunnels=1 sessions=1 '"
for who in nobody userns; do
	for cmd in "stats" "sock dump" "tunnel dump" "session dump" "tunnel get 9" \
		   "session get 9 1" "sock add u 127.0.0.1 1802 ipsec 0" "tunnel del 9"; do
		r=$(echo "!$cmd" | $who "$CTL" 2>&1)
		check "$who: $cmd refused with EPERM" grep -q "expect-fail ok .*Operation not permitted" <<<"$r"
	done
	r=$(echo "!monitor start" | $who "$CTL" 2>&1)
	check "$who: joining the events group refused with EPERM" \
		grep -q "expect-fail ok monitor: Operation not permitted" <<<"$r"
	r=$(echo "!monitor start sock" | $who "$CTL" 2>&1)
	check "$who: joining the sock group refused with EPERM" \
		grep -q "expect-fail ok monitor: Operation not permitted" <<<"$r"
done
check "root still sees the tunnel (the refusals changed nothing)" sh -c \
	"$CTL stats | grep -q 'tunnels=1 sessions=1 '"
check "root may join the group" sh -c "echo 'monitor start' | $CTL"
touch "$out/20-perm.flag"	# not kill: run's children hold the socket's fd too
wait $owner
check "the objects went with their owner" \
	wait_for 20 sh -c "$CTL stats | grep -q 'socks=0 tunnels=0 sessions=0'"
# --- closing the socket tears its objects down ---------------------------------------
$CTL >"$out/20-close.txt" 2>&1 <<'EOF'
monitor start
sock add s1 127.0.0.1 1701 ipsec 0
sock add s2 ::1 1702 ipsec 0
tunnel add 1 100 s1 192.0.2.2 1701
tunnel add 2 200 s2 2001:db8::2 1701
session add 1 1 11 ip4 10.0.0.5
session add 2 1 11 ip6 2001:db8:5::/64
sock close s1
stats
tunnel get 2
!tunnel get 1
sock del s2
stats
monitor 20 1500
EOF
rc=$?
cat "$out/20-close.txt"
close=$(cat "$out/20-close.txt")
check_eq "close script ran to the end" 0 "$rc"
check "IPv6 socket accepted" grep -q '^sock sock_id=[0-9]* family=10 local_port=1702 ipsec=0 tunnels=0 local=::1' "$out/20-close.txt"
check "closing socket 1 removed its tunnel and session only" \
	grep -q '^stats ifindex=[0-9]* socks=1 tunnels=1 sessions=1 ' "$out/20-close.txt"
check "SOCK_DEL removed the rest" grep -q '^stats ifindex=[0-9]* socks=0 tunnels=0 sessions=0 ' "$out/20-close.txt"
check "close notified (session, tunnel, socket)" sh -c \
	"grep -q '^session_ntf_del tid=1 sid=1' '$out/20-close.txt' && grep -q '^tunnel_ntf_del tid=1' '$out/20-close.txt' && grep -q '^sock_ntf_del sock_id=' '$out/20-close.txt'"
check "socket usable as plain UDP after SOCK_DEL (a new owner can take it)" \
	"$CTL" sock add s3 127.0.0.1 1701 ipsec 0

# --- the "sock" group: SOCK_NTF_DEL alone (what l2secd joins) -------------------------
$CTL >"$out/20-sockgrp.txt" 2>&1 <<'EOF'
monitor start sock
sock add s1 127.0.0.1 1701 ipsec 0
tunnel add 1 100 s1 192.0.2.2 1701
session add 1 1 11 up ip4 10.0.0.5
session set 1 1 down
tunnel set 1 peer_tid 101
sock del s1
monitor 2 500
EOF
rc=$?
cat "$out/20-sockgrp.txt"
check_eq "sock group script ran to the end" 0 "$rc"
check "sock group: SOCK_NTF_DEL" grep -q '^sock_ntf_del sock_id=' "$out/20-sockgrp.txt"
check "sock group: nothing else (no tunnel or session notification)" \
	grep -q '^monitor got=1$' "$out/20-sockgrp.txt"

# --- the process exits without SOCK_DEL: the kernel cleans up ---------------------------
check "objects of an exiting process" "$CTL" <<'EOF'
sock add s1 127.0.0.1 1701 ipsec 0
tunnel add 5 100 s1 192.0.2.2 1701
session add 5 1 11 up ip4 10.0.0.5
EOF
check "nothing left after the process exited" sh -c "$CTL stats | grep -q 'socks=0 tunnels=0 sessions=0'"

# --- tunnel ids per origin, tunnels named by their handle ----------------------------
# Tunnel 7 three times: from peers 127.0.0.1:1702 (p1) and 127.0.0.2:1702 (p2),
# and 127.0.0.1:1703; each peer's data reaches its own tunnel's session 1.
# (The same id under two SA marks: 22-ipsec.)  @K is the Kth tunnel's handle.
# data SRC: L2TP data, tunnel 7 session 1, PPP, IPv4 UDP from SRC to 192.0.2.99
# (in bash: a Python started per frame costs seconds under TCG)
data() {
	local a b c d s
	IFS=. read -r a b c d <<<"$1"
	# the IPv4 header's 16-bit words (its checksum 0) summed, folded and inverted
	s=$((0x4500 + 0x0021 + 0x0001 + 0x0000 + 0x4011 + (a << 8 | b) + (c << 8 | d) + 0xc000 + 0x0263))
	s=$(((s & 0xffff) + (s >> 16)))
	s=$(((s & 0xffff) + (s >> 16)))
	# L2TP (tunnel 7, session 1), PPP, IPv4 (id 1, TTL 64, UDP), UDP 40000 -> 40000 "probe"
	printf '000200070001ff03002145000021000100004011%04x%02x%02x%02x%02xc00002639c409c40000d000070726f6265\n' \
		$((~s & 0xffff)) "$a" "$b" "$c" "$d"
}
$CTL >"$out/20-ids.txt" 2>&1 <<EOF
sock add s1 127.0.0.1 1701 ipsec 0
sock add p1 127.0.0.1 1702 raw
sock add p2 127.0.0.2 1702 raw
tunnel add 7 700 s1 127.0.0.1 1702
tunnel add 7 701 s1 127.0.0.2 1702
!tunnel add 7 702 s1 127.0.0.1 1702
tunnel add 7 703 s1 127.0.0.1 1703
!tunnel get 7
!session add 7 1 11
!tunnel del 7
tunnel get @2/7
!tunnel get @2/8
session add @1 1 11 up ip4 10.65.0.1
session add @2 1 12 up ip4 10.65.0.2
send p1 127.0.0.1 1701 $(data 10.65.0.1)
send p2 127.0.0.1 1701 $(data 10.65.0.2)
send p2 127.0.0.1 1701 $(data 10.65.0.2)
run sleep 0.5
session get @1 1
session get @2 1
!tunnel set @3 peer 127.0.0.2 1702
tunnel set @3 peer 127.0.0.2 1703
tunnel get @3
!tunnel add 7 704 s1 127.0.0.2 1703
tunnel add 7 705 s1 127.0.0.1 1703
tunnel del @3
tunnel del @4
echo dump-begin
session dump @2
echo dump-end
tunnel del @2
tunnel get 7
session get 7 1
!tunnel get @2
stats
EOF
rc=$?
cat "$out/20-ids.txt"
check_eq "tunnel id script ran to the end" 0 "$rc"
obj=$(cat "$out/20-ids.txt")
check_eq "one id, two peers: two tunnels, two handles" 2 "$(grep -E '^tunnel tid=7 .*peer_tid=70[01] ' \
	<<<"$obj" | grep -o 'handle=[0-9]*' | sort -u | wc -l)"
check_eq "the same id and peer refused (add twice, set once)" 3 \
	"$(grep -c 'expect-fail ok tunnel: File exists: tunnel id in use for this SA mark or peer' <<<"$obj")"
check_eq "the id alone refused while ambiguous (get, session add, del)" 3 \
	"$(grep -c 'expect-fail ok .*Invalid argument: tunnel id is ambiguous: give its handle' <<<"$obj")"
check "handle and id together" has '^tunnel tid=7 sock_id=[0-9]+ peer=127.0.0.2 peer_port=1702 peer_tid=701 '
check_eq "handle and id that disagree, a deleted handle: no such tunnel" 2 \
	"$(grep -c 'expect-fail ok tunnel: No such file or directory: no such tunnel' <<<"$obj")"
check "peer 1's data reached its own tunnel's session" \
	has '^session tid=7 sid=1 peer_tid=700 peer_sid=11 state=up ip4=10.65.0.1 rx_packets=1 '
check "peer 2's data reached its own tunnel's session" \
	has '^session tid=7 sid=1 peer_tid=701 peer_sid=12 state=up ip4=10.65.0.2 rx_packets=2 '
check "TUNNEL_SET moved a tunnel to its new peer" \
	has '^tunnel tid=7 sock_id=[0-9]+ peer=127.0.0.2 peer_port=1703 peer_tid=703 '
check "its old (peer, id) is free again" \
	has '^tunnel tid=7 sock_id=[0-9]+ peer=127.0.0.1 peer_port=1703 peer_tid=705 '
check_eq "a session dump by handle lists that tunnel's sessions only" \
	"session tid=7 sid=1 peer_tid=701" \
	"$(sed -n '/^dump-begin/,/^dump-end/p' <<<"$obj" | grep '^session' | cut -d' ' -f1-4)"
check "the id alone names its tunnel again once unique" \
	has '^session tid=7 sid=1 peer_tid=700 peer_sid=11 '
check "one tunnel left" has '^stats .*tunnels=1 sessions=1 '

# 70,000 tunnels on one socket: more than the 65,535 tunnel ids, which repeat
# (one peer port per 65,535); a dump of them all, many pages, has each once.
t0=$(date +%s)
$CTL >"$out/20-many.txt" 2>&1 <<'EOF'
sock add s1 127.0.0.1 1701 ipsec 0
tunnel bulk-add 70000 s1 192.0.2.2
stats
tunnel dump all count
!tunnel get 1
tunnel get 65535
EOF
rc=$?
cat "$out/20-many.txt"
echo "70,000 tunnels: $(($(date +%s) - t0)) s"
check_eq "70,000 tunnels script ran to the end" 0 "$rc"
check "70,000 tunnels live" grep -q '^stats .*tunnels=70000 ' "$out/20-many.txt"
check_eq "a dump returned each of them once" "dumped=70000 dup_handles=0" \
	"$(grep '^dumped=' "$out/20-many.txt")"
check_fails "the dump was not interrupted" grep -q dump_intr "$out/20-many.txt"
check "id 1 is ambiguous, id 65,535 is not" grep -q '^tunnel tid=65535 .*peer_port=1024 ' "$out/20-many.txt"
check "all went with their socket" wait_for 60 sh -c "$CTL stats | grep -q 'socks=0 tunnels=0 sessions=0'"

# --- 10,000 sessions: the tables grow with them, and shrink after them ---------------
# Tunnel 7's peer is socket s2 on this host: the gateway's packets to the
# sessions reach it, and it sends one to the last session.  Session k has
# 10.64.0.0 + k (bulk-add): probes to sessions 1, 5,000 (10.64.19.136) and
# 10,000 (10.64.39.16).
slab_before=$(awk '/^kmalloc-(64|128|256|512) /{s+=$2} END{print s}' /proc/slabinfo)
ip route add 10.64.0.0/16 dev l2sec0
# L2TP data, tunnel 7 session 10,000, PPP, IPv4 UDP from 10.64.39.16 to 192.0.2.99
rx_probe=000200072710ff0300214500002100010000401188260a402710c00002639c409c40000d000070726f6265
$CTL >"$out/20-bulk.txt" 2>&1 <<EOF
sock add s1 127.0.0.1 1701 ipsec 0
sock add s2 127.0.0.1 1702 raw
tunnel add 7 700 s1 127.0.0.1 1702
session bulk-add 7 1 10000
stats
session dump 7 count
session dump all count
tunnel get 7
run bash -c 'for d in 10.64.0.1 10.64.19.136 10.64.39.16; do printf tx >/dev/udp/\$d/40000 || exit 1; done'
drain s2 1000 40
send s2 127.0.0.1 1701 $rx_probe
run sleep 0.5
session get 7 1
session get 7 5000
session get 7 10000
stats
session bulk-del 7 1 10000
stats
EOF
rc=$?
cat "$out/20-bulk.txt"
check_eq "bulk script ran to the end" 0 "$rc"
check "10,000 sessions live" grep -q '^stats .*tunnels=1 sessions=10000 ' "$out/20-bulk.txt"
buckets=$(grep -m1 '^stats .*sessions=10000 ' "$out/20-bulk.txt" | grep -o ' session_buckets=[0-9]*' | cut -d= -f2)
echo "session table: ${buckets:-?} buckets for 10,000 sessions"
check "the session table grew with them (>= 1 bucket per session)" test "${buckets:-0}" -ge 10000
check_eq "dumps return 10,000 (by tunnel, all)" "10000 10000" \
	"$(sed -n 's/^dumped=//p' "$out/20-bulk.txt" | xargs)"
check_fails "no dump was interrupted" grep -q dump_intr "$out/20-bulk.txt"
check "tunnel counts them" grep -q '^tunnel tid=7 .*sessions=10000' "$out/20-bulk.txt"
check "transmit found sessions 1, 5,000 and 10,000 by address: 3 packets to the peer" \
	grep -q "^drain n=3 max=40 odd=0" "$out/20-bulk.txt"
for sid in 1 5000 10000; do
	check "session $sid sent its packet" \
		grep -qE "^session tid=7 sid=$sid .* tx_packets=1 " "$out/20-bulk.txt"
done
check "receive found session 10,000 by (tunnel, session)" \
	grep -qE '^session tid=7 sid=10000 .* rx_packets=1 ' "$out/20-bulk.txt"
check "all sessions deleted, the tunnel stays" grep -q '^stats .*tunnels=1 sessions=0 ' "$out/20-bulk.txt"
check "no drops, nothing left" sh -c "$CTL stats | grep -q 'socks=0 tunnels=0 sessions=0'"
check "the session table shrank after them (< 1,024 buckets)" \
	wait_for 10 sh -c "test \"\$($CTL stats | grep -o 'session_buckets=[0-9]*' | cut -d= -f2)\" -lt 1024"
ip route del 10.64.0.0/16 dev l2sec0
sleep 1
slab_after=$(awk '/^kmalloc-(64|128|256|512) /{s+=$2} END{print s}' /proc/slabinfo)
echo "kmalloc objects before $slab_before after $slab_after"
check "kmalloc objects back near the start (< +2000 of 10,000 freed)" \
	test $((slab_after - slab_before)) -lt 2000

check "ip link del l2sec0" ip link del l2sec0
check "rmmod with nothing left" wait_for 10 rmmod l2sec
t_done
