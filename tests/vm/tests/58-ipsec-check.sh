# vm-kernel: 6.1
# One boot of a two-kernel run: l2secd's own IPsec check (rxcheck.h); the module's, with
# real SAs, runs on both in 22.
# l2secd checks IPsec itself, on both data paths, whatever l2sec.ko did
# (daemon/l2tp/rxcheck.h). charon is not l2secd's here: static ESP transport SAs,
# the gateway's inbound one setting mark 0x11 on what it decrypts (charon's
# set_mark_in), so l2secd takes the kernel's SA marks (xfrm_marks.h).
#   c1 192.0.2.2 (xl2tpd + pppd, its L2TP through the SA) -- gw 192.0.2.1
#   evil 198.51.100.9 (plaintext)                          -- gw 198.51.100.1
# Kernel data path: c1's session is up through the SA; l2sec.ko is removed
# while c1 pings through it, or, where the module is pinned while it holds a
# socket (issue 16), l2secd's socket is taken from it (SOCK_DEL). l2secd
# notices (the family unregistered, its socket detached) at c1's next
# datagram, says so, closes the tunnel and refuses everything: a plaintext
# SCCRQ and SCCRQs from the gateway itself with c1's mark (from 127.0.0.1,
# from the gateway's address, from c1's address with IP_TRANSPARENT) get no
# SCCRP and no tunnel, each counted, logged once per 10 s. TUN data path (the module gone):
# c1 connects again through its SA and pings; the same local SCCRQs with c1's
# mark, plaintext, and evil's plaintext that a firewall rule marks with c1's
# mark are dropped by the kernel (the socket's policy wants ESP, local traffic
# included); ESP through c1's second SA, which sets no mark, passes the kernel
# and l2secd refuses it (rx_refused.plaintext).
# vm-timeout: 240
. "$L2SEC_TOP/tests/vm/lib.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-58
L2SECD=$L2SEC_BUILD/l2secd
CTL=$L2SEC_BUILD/tests/l2sec-ctl
export MARK=0x11
gw() { ip netns exec gw "$@"; }
ctl() { l2secd_ctl "$run/run/l2secd.sock" "$1"; }
# refused REASON: l2secd's rx_refused counter
refused() { ctl "show stats" | jget "j['rx_refused']['$1']"; }
# at_least N CMD...: the number CMD prints is >= N
at_least() {
	local n=$1
	shift
	[ "$("$@")" -ge "$n" ]
}

rm -rf "$run"
mkdir -p "$run/run"
modprobe -a l2sec esp4 xfrm_user nf_tables veth ppp_generic ppp_async l2tp_ppp 2>/dev/null
[ -e /dev/ppp ] || mknod /dev/ppp c 108 0

netns_add gw c1 evil
veth gw eth0 192.0.2.1/24 c1 eth0 192.0.2.2/24
veth gw eth1 198.51.100.1/24 evil eth0 198.51.100.9/24
ip -n evil route add default via 198.51.100.1

# --- c1 <-> gw: ESP transport for udp/1701, the gateway's inbound SA marks 0x11 ---------
ENC="enc cbc(aes) 0x00112233445566778899aabbccddeeff auth-trunc hmac(sha1) 0x00112233445566778899aabbccddeeff00112233 96"
# sa NS SRC DST SPI [extra...]
sa() {
	local ns=$1 src=$2 dst=$3 spi=$4
	shift 4
	ip -n "$ns" xfrm state add src "$src" dst "$dst" proto esp spi "$spi" reqid 1 \
		mode transport $ENC "$@"
}
# out_policy NS SRC DST [mark...]
out_policy() {
	local ns=$1 src=$2 dst=$3
	shift 3
	ip -n "$ns" xfrm policy add src "$src" dst "$dst" proto udp sport 1701 dport 1701 \
		dir out "$@" tmpl src "$src" dst "$dst" proto esp reqid 1 mode transport
}
check "c1: out SA" sa c1 192.0.2.2 192.0.2.1 0x1001
check "c1: in SA" sa c1 192.0.2.1 192.0.2.2 0x2001
check "c1: out policy" out_policy c1 192.0.2.2 192.0.2.1
check "gw: in SA, setting mark $MARK" sa gw 192.0.2.2 192.0.2.1 0x1001 output-mark $MARK
check "gw: out SA" sa gw 192.0.2.1 192.0.2.2 0x2001
check "gw: out policy with mark $MARK" out_policy gw 192.0.2.1 192.0.2.2 mark $MARK mask 0xffffffff
# c1's second SA (reqid 2), for its UDP port 1702: the gateway's inbound one sets no mark
check "c1: out SA for port 1702" ip -n c1 xfrm state add src 192.0.2.2 dst 192.0.2.1 \
	proto esp spi 0x1002 reqid 2 mode transport $ENC
check "c1: out policy for port 1702" ip -n c1 xfrm policy add src 192.0.2.2 dst 192.0.2.1 \
	proto udp sport 1702 dport 1701 dir out \
	tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 2 mode transport
check "gw: in SA for c1's port 1702, no mark" ip -n gw xfrm state add src 192.0.2.2 \
	dst 192.0.2.1 proto esp spi 0x1002 reqid 2 mode transport $ENC

# --- the gateway ----------------------------------------------------------------------
echo "u1 password pw-1" >"$run/users"
chmod 600 "$run/users"  # l2secd refuses a users file others may read
# gw_conf DATAPATH
gw_conf() {
	cat >"$run/l2sec.conf" <<CONF
[global]
log-level = info
runtime-dir = $run/run
datapath = $1
[l2tp]
listen = 192.0.2.1
hostname = gw
require-ipsec = yes
[ppp]
users = $run/users
local-address = 192.168.42.1
pool = 192.168.42.10-192.168.42.19
CONF
}
# start_gw LOG: not under check (a subshell): gw_pid must be set here
start_gw() {
	# not through gw(): $! must be l2secd itself (ip netns exec execs it)
	ip netns exec gw "$L2SECD" -c "$run/l2sec.conf" >"$1" 2>&1 &
	gw_pid=$!
}
gw_sessions_0() { gw "$L2SEC" -r "$run/run" daemon show | grep -q ' sessions 0 '; }

# --- the client: xl2tpd + pppd (MS-CHAPv2) through its SA --------------------------------
cat >"$run/ip-up" <<SH
#!/bin/sh
echo "\$1 \$4 \$5" >"$run/c1.up"
SH
chmod +x "$run/ip-up"
cat >"$run/xl2tpd.conf" <<CONF
[global]
port = 1701
access control = no
[lac gw]
lns = 192.0.2.1
require authentication = no
pppoptfile = $run/ppp.opts
name = c1
autodial = yes
redial = no
CONF
printf '%s\n' "name u1" "password pw-1" refuse-pap refuse-chap refuse-eap noauth \
	nodefaultroute noipdefault ipcp-accept-remote "lcp-echo-interval 0" \
	"ip-up-script $run/ip-up" "logfile $out/pppd.log" >"$run/ppp.opts"
: >"$run/secrets"
client_start() {
	rm -f "$run/c1.up"
	ip netns exec c1 xl2tpd -D -c "$run/xl2tpd.conf" -s "$run/secrets" -C "$run/control" \
		-p "$run/xl2tpd.pid" >>"$out/xl2tpd.log" 2>&1 &
	c1_pid=$!
}
client_stop() {
	kill -TERM "$c1_pid" 2>/dev/null
	wait "$c1_pid" 2>/dev/null
	pkill -x pppd
	wait_for 20 sh -c '! pgrep -x pppd'
}

# sccrq.py DST SPEC...: per SPEC "ADDR[,mark][,transparent][,port=P]" three SCCRQs (Host
# Name "evil") from ADDR, with SO_MARK $MARK, from a foreign address (IP_TRANSPARENT), from
# port P; prints any reply and fails, else "no reply" after 3 s.
cat >"$run/sccrq.py" <<'PY'
import os, select, socket, struct, sys, time
def avp(t, v):
    return struct.pack("!HHH", 0x8000 | (6 + len(v)), 0, t) + v
def sccrq(tid):
    body = (avp(0, struct.pack("!H", 1)) + avp(2, b"\x01\x00") + avp(3, struct.pack("!I", 3)) +
            avp(7, b"evil") + avp(9, struct.pack("!H", tid)) + avp(10, struct.pack("!H", 4)))
    return struct.pack("!HHHHHH", 0xc802, 12 + len(body), 0, 0, 0, 0) + body
socks, tid = [], 4200
for spec in sys.argv[2:]:
    parts = spec.split(",")
    sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if "mark" in parts:
        sk.setsockopt(socket.SOL_SOCKET, 36, int(os.environ["MARK"], 16))  # SO_MARK
    if "transparent" in parts:
        sk.setsockopt(socket.SOL_IP, 19, 1)                         # IP_TRANSPARENT
    port = [int(x[5:]) for x in parts if x.startswith("port=")]
    sk.bind((parts[0], port[0] if port else 0))
    for _ in range(3):
        tid += 1
        sk.sendto(sccrq(tid), (sys.argv[1], 1701))
    socks.append(sk)
end, replies = time.time() + 3, 0
while time.time() < end:
    r, _, _ = select.select(socks, [], [], max(0, end - time.time()))
    for sk in r:
        data, peer = sk.recvfrom(4096)
        print("reply to %s from %s: %s" % (sk.getsockname(), peer, data.hex()))
        replies += 1
print("no reply" if not replies else "%d replies" % replies)
sys.exit(1 if replies else 0)
PY
LOCAL_SPECS="127.0.0.1,mark 192.0.2.1,mark 192.0.2.2,mark,transparent"
# tmpl_mismatch: the gateway's XfrmInTmplMismatch (a policy wanted ESP, there was none)
tmpl_mismatch() { gw awk '/^XfrmInTmplMismatch/ { print $2 }' /proc/net/xfrm_stat; }
# no_evil_tunnel: l2secd has no tunnel from an SCCRQ of ours (Host Name "evil")
no_kernel_tunnels() { gw "$L2SEC" -j tunnel show | jcheck 'len(j) == 0'; }
no_evil_tunnel() { ctl "show tunnels" | jcheck "not [t for t in j['tunnels'] if t['peer_host'] == 'evil']"; }

# --- (a) kernel data path; l2sec.ko removed under traffic -----------------------------------
gw_conf kernel
start_gw "$out/l2secd-kernel.log"
check "l2secd starts on the kernel data path" wait_for 60 test -S "$run/run/l2secd.sock"
client_start
check "c1: L2TP and PPP up through its SA" wait_for 60 test -s "$run/c1.up"
ctl "show tunnels" >"$out/tunnels-a.json"
check "gw: c1's tunnel is bound to mark $MARK" jcheck \
	"len(j['tunnels']) == 1 and j['tunnels'][0]['mark'] == $MARK" <"$out/tunnels-a.json"
ip netns exec c1 ping -i 0.2 -c 600 -W 1 192.168.42.1 >"$out/ping-a.txt" 2>&1 &
ping_pid=$!
check "c1: pings the gateway through the session" wait_for 20 grep -q 'bytes from' "$out/ping-a.txt"
if rmmod l2sec 2>"$out/rmmod.err"; then
	t_ok "rmmod l2sec with c1's session up and c1 pinging"
	check "l2secd: noticed and said so" wait_for 20 \
		grep -q 'l2sec.ko: .*the kernel data path is gone' "$out/l2secd-kernel.log"
	check "l2secd: c1's tunnel closed, no session left" wait_for 20 gw_sessions_0
	m0=$(refused module_gone)
	check "evil: plaintext SCCRQ gets nothing" ip netns exec evil \
		/usr/bin/python3 "$run/sccrq.py" 192.0.2.1 198.51.100.9
	check "gw: local SCCRQs with c1's mark (from 127.0.0.1, 192.0.2.1, c1's address) get nothing" \
		gw /usr/bin/python3 "$run/sccrq.py" 192.0.2.1 $LOCAL_SPECS
	check "l2secd: the 12 SCCRQs counted as rx_refused.module_gone" at_least $((m0 + 12)) \
		refused module_gone
	check "l2secd: no tunnel for them" no_evil_tunnel
	check "l2secd: still running" kill -0 "$gw_pid"
	gw "$L2SEC" -r "$run/run" -s daemon show >"$out/daemon-show-a.txt" 2>&1
	check "l2sec daemon show -s: rx_refused module-gone" \
		grep -Eq '^  module-gone +[1-9]' "$out/daemon-show-a.txt"
else
	# issue 16 pins the module while l2secd holds its socket; the socket is taken from
	# the module instead (SOCK_DEL), under c1's traffic. The detached socket hands
	# l2secd every datagram unchecked, c1's data included.
	echo "# rmmod l2sec refused: $(cat "$out/rmmod.err"); the socket is detached instead"
	check "evil: plaintext SCCRQ gets nothing (the module drops it)" ip netns exec evil \
		/usr/bin/python3 "$run/sccrq.py" 192.0.2.1 198.51.100.9
	check "l2secd: no tunnel for it" no_evil_tunnel
	sock_id=$(gw "$CTL" sock dump | grep -o 'sock_id=[0-9]*' | head -n 1 | cut -d= -f2)
	check "gw: l2secd's socket is the module's (sock_id ${sock_id:-none})" test -n "$sock_id"
	m0=$(refused module_gone)
	check "gw: SOCK_DEL takes it from the module (l2sec-ctl sock del)" \
		gw "$CTL" sock del "#$sock_id"
	t_del=$SECONDS
	check "l2secd: noticed at c1's next datagram and said so" wait_for 20 \
		grep -q 'l2sec.ko: it detached the L2TP socket: the kernel data path is gone' \
		"$out/l2secd-kernel.log"
	# c1's tunnel: the module deleted it with the socket; l2secd closes its side (StopCCN)
	check "l2secd: c1's tunnel closed, no session left" wait_for 20 gw_sessions_0
	check "l2secd: no tunnel left in l2sec.ko" no_kernel_tunnels
	check "evil: plaintext SCCRQ gets nothing" ip netns exec evil \
		/usr/bin/python3 "$run/sccrq.py" 192.0.2.1 198.51.100.9
	check "gw: local SCCRQs with c1's mark (from 127.0.0.1, 192.0.2.1, c1's address) get nothing" \
		gw /usr/bin/python3 "$run/sccrq.py" 192.0.2.1 $LOCAL_SPECS
	check "l2secd: the 12 SCCRQs counted as rx_refused.module_gone" at_least $((m0 + 12)) \
		refused module_gone
	lines=$(grep -c 'dropped: l2sec.ko is gone' "$out/l2secd-kernel.log")
	drops=$(( $(refused module_gone) - m0 ))
	echo "# $drops datagrams refused in $((SECONDS - t_del)) s, $lines log lines"
	check "l2secd: those drops logged at most once per 10 s, not per datagram" \
		test "$lines" -ge 1 -a "$lines" -le $(((SECONDS - t_del) / 10 + 1))
	check "l2secd: no tunnel for them" no_evil_tunnel
	check "l2secd: still running" kill -0 "$gw_pid"
	gw "$L2SEC" -r "$run/run" -s daemon show >"$out/daemon-show-a.txt" 2>&1
	check "l2sec daemon show -s: rx_refused module-gone" \
		grep -Eq '^  module-gone +[1-9]' "$out/daemon-show-a.txt"
fi
kill "$ping_pid" 2>/dev/null
wait "$ping_pid" 2>/dev/null
client_stop
kill -TERM "$gw_pid"
wait "$gw_pid"

# --- (b) TUN data path: a local process with c1's mark ----------------------------------------
rmmod l2sec 2>/dev/null
gw_conf tun
start_gw "$out/l2secd-tun.log"
check "l2secd starts on the TUN data path" wait_for 60 test -S "$run/run/l2secd.sock"
check "l2secd: datapath tun" sh -c "ip netns exec gw $L2SEC -r $run/run daemon show | grep -q 'datapath tun'"
client_start
check "c1: L2TP and PPP up through its SA (TUN path)" wait_for 60 test -s "$run/c1.up"
check "c1: pings the gateway through the session" ip netns exec c1 ping -c 2 -W 5 192.168.42.1
# the kernel drops them: the socket's policy wants ESP, local traffic included
x0=$(tmpl_mismatch)
check "gw: local SCCRQs with c1's mark (from 127.0.0.1, 192.0.2.1, c1's address) get nothing" \
	gw /usr/bin/python3 "$run/sccrq.py" 192.0.2.1 $LOCAL_SPECS
check "gw: the kernel dropped them (XfrmInTmplMismatch)" at_least $((x0 + 9)) tmpl_mismatch
check "evil: plaintext SCCRQ gets nothing" ip netns exec evil \
	/usr/bin/python3 "$run/sccrq.py" 192.0.2.1 198.51.100.9
# a firewall rule gives evil's plaintext c1's mark
gw nft -f - <<NFT
table ip mk {
	chain pre {
		type filter hook prerouting priority mangle; policy accept;
		ip saddr 198.51.100.9 udp dport 1701 meta mark set $MARK
	}
}
NFT
check "evil: plaintext SCCRQ marked with c1's mark by nftables gets nothing" \
	ip netns exec evil /usr/bin/python3 "$run/sccrq.py" 192.0.2.1 198.51.100.9
check "gw: the kernel dropped those 6 too" at_least $((x0 + 15)) tmpl_mismatch
# ESP through c1's SA that sets no mark: past the kernel, l2secd's own check refuses it
p0=$(refused plaintext)
check "c1: SCCRQs through its unmarked SA get nothing" \
	ip netns exec c1 /usr/bin/python3 "$run/sccrq.py" 192.0.2.1 192.0.2.2,port=1702
check "l2secd: counted as rx_refused.plaintext" at_least $((p0 + 3)) refused plaintext
check "l2secd: no tunnel for any of them" no_evil_tunnel
check "c1: still pings the gateway" ip netns exec c1 ping -c 2 -W 5 192.168.42.1
gw "$L2SEC" -r "$run/run" -s daemon show >"$out/daemon-show-b.txt" 2>&1
check "l2sec daemon show -s: rx_refused plaintext" \
	grep -Eq '^  plaintext +[1-9]' "$out/daemon-show-b.txt"
client_stop
kill -TERM "$gw_pid"
wait "$gw_pid"
check_eq "l2secd exit status" 0 "$?"
t_done
