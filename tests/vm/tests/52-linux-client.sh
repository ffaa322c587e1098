# vm-kernel: 6.12
# One boot of a two-kernel run: the client configuration l2sec generates, IPsec off;
# nothing kernel-specific.
# A Linux client set up from `l2sec client-config linux ip-up` alone: the
# script, generated from the gateway's configuration for user bob (whose
# users-file line gives his own routes), goes into /etc/ppp/ip-up.d as an
# operator would install it; xl2tpd + pppd (plaintext L2TP here: test 60
# covers IPsec) connect to l2secd. Once PPP is up, the client has exactly
# bob's routes through ppp0, reaches the LAN hosts of both split networks
# through the tunnel, and neither the [ppp]-wide route bob does not get nor
# any other address goes through ppp0. Then carol (no routes of her own: a full
# tunnel) connects with her ip-up script: everything but the gateway goes
# through ppp0, the gateway keeps a host route on eth0, and when she hangs up
# the ip-down.d script of `l2sec client-config linux ip-down` removes it.
# vm-timeout: 300
. "$L2SEC_TOP/tests/vm/lib.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-52
L2SECD=$L2SEC_BUILD/l2secd
script=/etc/ppp/ip-up.d/l2sec-52
down=/etc/ppp/ip-down.d/l2sec-52
state=/run/l2sec-ppp-ppp0.route

rm -rf "$run"
# pppd must read the guest's /etc/ppp (where the scripts go), not a namespace's own
rm -rf /etc/netns/client
mkdir -p "$run/run" "$run/client"
modprobe l2sec
modprobe ppp_generic 2>/dev/null
[ -e /dev/ppp ] || mknod /dev/ppp c 108 0

# --- topology: client -- gw -- lan (one host in each split network, one outside) ----
netns_add gw client lan
veth client eth0 192.0.2.10/24 gw eth0 192.0.2.1/24
veth gw lan0 10.1.0.1/24 lan eth0 10.1.0.2/24
ip -n gw addr add 172.16.5.1/28 dev lan0
ip -n lan addr add 172.16.5.2/28 dev eth0
ip -n gw addr add 10.9.0.1/16 dev lan0
ip -n lan addr add 10.9.0.2/16 dev eth0
ip -n lan route add 192.168.42.0/24 via 10.1.0.1
# the client's own way out, which no split network must take
ip -n client route add default via 192.0.2.254
ip netns exec gw sysctl -qw net.ipv4.ip_forward=1

# --- gateway: [ppp] routes for everyone, bob's own in the users file ---------------
cat >"$run/users" <<'USERS'
alice password alice-pw
bob   password bob-pw  routes=10.1.0.0/24,172.16.5.0/28 dns-domain=lab.example
carol password carol-pw routes=
USERS
cat >"$run/l2sec.conf" <<CONF
[global]
log-level = info
runtime-dir = $run/run
[l2tp]
listen = 192.0.2.1
require-ipsec = no
[ppp]
users = $run/users
local-address = 192.168.42.1
pool = 192.168.42.10-192.168.42.20
dns = 10.1.0.53
routes = 10.1.0.0/24 10.9.0.0/16
dns-domain = corp.example
[client]
server = 192.0.2.1
connection-name = l2sec test 52
CONF
chmod 600 "$run/users"	# l2secd refuses a users file others can read
check "configuration and users file are valid (l2secd -n)" "$L2SECD" -n -c "$run/l2sec.conf"

# --- the client's ip-up script, from the tool ---------------------------------------
"$L2SEC" client-config linux ip-up user bob config "$run/l2sec.conf" >"$out/ip-up.sh" 2>"$out/ip-up.err"
check "l2sec client-config linux ip-up user bob" test -s "$out/ip-up.sh"
check "the script routes bob's networks, not the [ppp]-wide 10.9.0.0/16" sh -c \
	"grep -q '10.1.0.0/24' '$out/ip-up.sh' && grep -q '172.16.5.0/28' '$out/ip-up.sh' &&
	 ! grep -q '10.9.0.0' '$out/ip-up.sh'"
install -m 755 "$out/ip-up.sh" "$script"
"$L2SEC" client-config linux ip-down config "$run/l2sec.conf" >"$out/ip-down.sh"
check "l2sec client-config linux ip-down" test -s "$out/ip-down.sh"
install -m 755 "$out/ip-down.sh" "$down"
rm -f "$state"

ip netns exec gw "$L2SECD" -c "$run/l2sec.conf" >"$out/l2secd.log" 2>&1 &
check "l2secd starts" wait_for 60 test -S "$run/run/l2secd.sock"

# xl2tpd + pppd as in 51-ppp, but no ip-up-script: pppd runs /etc/ppp/ip-up,
# which runs /etc/ppp/ip-up.d/* with PPP_IFACE and PPP_REMOTE
d=$run/client
cat >"$d/xl2tpd.conf" <<CONF
[global]
port = 1701
access control = no
[lac gw]
lns = 192.0.2.1
require authentication = no
pppoptfile = $d/ppp.opts
autodial = yes
redial = no
CONF
cat >"$d/ppp.opts" <<OPTS
name bob
password bob-pw
refuse-pap
refuse-chap
refuse-mschap
refuse-eap
noauth
nodefaultroute
noipdefault
ipcp-accept-remote
mtu 1380
mru 1380
lcp-echo-interval 0
logfile $d/pppd.log
OPTS
: >"$d/secrets"
ip netns exec client xl2tpd -D -c "$d/xl2tpd.conf" -s "$d/secrets" -C "$d/control" \
	-p "$d/xl2tpd.pid" >"$d/xl2tpd.log" 2>&1 &

# the last route the script adds is the sign that it ran
check "PPP up and the ip-up.d script ran (172.16.5.0/28 via ppp0)" wait_for 120 sh -c \
	"ip -n client route show dev ppp0 | grep -q '^172.16.5.0/28 '"
ip -n client route show >"$out/client-routes.txt"
# the routes through ppp0 but the peer's host route, which pppd adds itself
routes=$(ip -n client -4 route show dev ppp0 | grep -v 'proto kernel' | cut -d' ' -f1 | sort | tr '\n' ' ')
check_eq "exactly bob's routes through ppp0" "10.1.0.0/24 172.16.5.0/28 " "$routes"
check_eq "the gateway is the PPP peer the script checked" "192.168.42.1" \
	"$(ip -n client -4 route show dev ppp0 proto kernel | cut -d' ' -f1)"

rx0=$(ip netns exec client cat /sys/class/net/ppp0/statistics/rx_packets)
check "reaches the LAN host in 10.1.0.0/24 through the tunnel" \
	ip netns exec client ping -c 2 -W 5 10.1.0.2
check "reaches the LAN host in 172.16.5.0/28 through the tunnel" \
	ip netns exec client ping -c 2 -W 5 172.16.5.2
rx1=$(ip netns exec client cat /sys/class/net/ppp0/statistics/rx_packets)
check "the replies came in on ppp0 ($rx0 -> $rx1 packets)" test "$rx1" -ge $((rx0 + 4))
for a in 10.1.0.2 172.16.5.2; do
	check "ip route get $a: ppp0" sh -c "ip -n client route get $a | grep -q 'dev ppp0'"
done
for a in 10.9.0.2 198.51.100.7 192.0.2.1; do
	check "ip route get $a: not ppp0 (eth0)" sh -c \
		"ip -n client route get $a | grep -v 'dev ppp0' | grep -q 'dev eth0'"
done
check_fails "10.9.0.2 (the [ppp] route bob does not get) is not reached" \
	ip netns exec client ping -c 1 -W 2 10.9.0.2


# --- a Mac's DHCPINFORM over bob's link -----------------------------------------------
# Apple's pppd (ppp's Helpers/pppd/acsp.c) on a split-tunnel L2TP service: the
# INFORM byte for byte as acsp_ipdata_start_dhcp_client builds it, from the
# PPP address to 255.255.255.255:67; the ACK read as acsp_ipdata_input_client
# reads it (53 first, its option walk, 249 routes, 15 split at , ; space).
apple_inform() {
	ip netns exec client /usr/bin/python3 - "$1" <<'PY'
import socket, struct, sys
addr = sys.argv[1]
req = (struct.pack("!BBBBIHH4s4s4s4s", 1, 8, 6, 0, 1, 0, 0, socket.inet_aton(addr),
                   bytes(4), bytes(4), bytes(4)) +
       bytes([0, 0, 0, 1]) + bytes(8) + bytes([0, 0, 0, 1]) + bytes(64 + 128) +
       bytes([99, 130, 83, 99, 53, 1, 8, 61, 7, 8, 0, 0, 0, 1, 0, 0,
              55, 6, 6, 44, 43, 1, 249, 15, 255, 0]))
assert len(req) == 262
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"ppp0")
    s.bind((addr, 68))
    s.settimeout(3)
    for _ in range(5):			# acsp.c: 3 s apart, up to 4 retries
        s.sendto(req, ("255.255.255.255", 67))
        try:
            ack, src = s.recvfrom(4096)
            break
        except socket.timeout:
            continue
    else:
        sys.exit("no answer")
p, n = 240, len(ack) + 28 - (28 + 236 + 7)
if ack[236:240] != bytes([99, 130, 83, 99]) or ack[240:243] != bytes([53, 1, 5]):
    sys.exit("not an ACK acsp.c takes (53 must come first)")
p += 3
routes, domains, codes = [], None, []
while ack[p] != 255 and n > 0:
    code = ack[p]
    if code == 0:
        p, n = p + 1, n - 1
        continue
    ln, p, n = ack[p + 1], p + 2, n - 2
    if ln >= n:
        sys.exit("option %d overruns" % code)
    v, codes = ack[p:p + ln], codes + [code]
    if code == 249:
        i = 0
        while i < ln:
            w = v[i]; o = (w + 7) // 8
            routes.append("%s/%d" % (socket.inet_ntoa((v[i + 1:i + 1 + o] + bytes(4))[:4]), w))
            i += 1 + o + 4
    if code == 15 and domains is None:
        t = v.decode()
        d = next((c for c in ",;\n\r " if c in t), " ")
        domains = [x for x in t.split(d) if x]
    p, n = p + ln, n - ln
# acsp.c looks at the ports, not at the sender's address
print("sport=%d codes=%s routes=%s domains=%s" % (src[1], codes, ",".join(routes),
                                                 ",".join(domains or [])))
PY
}
bob_addr=$(ip -n client -4 addr show dev ppp0 | awk '/inet / { print $2; exit }')
apple_inform "${bob_addr%/*}" >"$out/apple-inform.txt" 2>&1
check_eq "a Mac's DHCPINFORM (acsp.c's bytes): bob's routes (249) and domain (15), no mask" \
	"sport=67 codes=[54, 6, 15, 249] routes=10.1.0.0/24,172.16.5.0/28 domains=lab.example" \
	"$(cat "$out/apple-inform.txt")"

# --- hang up; carol: a full tunnel, and ip-down -------------------------------------
# hangup: the client ends the call (xl2tpd's control pipe), pppd runs ip-down
hangup() {
	echo "d gw" >"$d/control"
	wait_for 60 sh -c "! ip -n client link show dev ppp0 >/dev/null 2>&1"
}
check "bob hangs up: ppp0 goes away" hangup
check "nothing noted for ip-down on a split tunnel" test ! -e "$state"

"$L2SEC" client-config linux ip-up user carol config "$run/l2sec.conf" >"$out/ip-up-carol.sh"
install -m 755 "$out/ip-up-carol.sh" "$script"
sed -i 's/^name bob$/name carol/; s/^password bob-pw$/password carol-pw/' "$d/ppp.opts"
echo "c gw" >"$d/control"
check "carol: PPP up and the ip-up.d script ran (128.0.0.0/1 via ppp0)" wait_for 120 sh -c \
	"ip -n client route show dev ppp0 | grep -q '^128.0.0.0/1 '"
ip -n client route show >"$out/client-routes-carol.txt"
check "carol: the host route to the gateway, on eth0" sh -c \
	"ip -n client route show exact 192.0.2.1/32 | grep -q '^192.0.2.1 dev eth0'"
check_eq "carol: ip-up noted it for ip-down" "192.0.2.1/32 dev eth0 " "$(cat "$state" 2>&1)"
for a in 10.9.0.2 198.51.100.7; do
	check "carol: ip route get $a: ppp0" sh -c "ip -n client route get $a | grep -q 'dev ppp0'"
done
check "carol: ip route get 192.0.2.1 (the gateway): eth0" sh -c \
	"ip -n client route get 192.0.2.1 | grep -q 'dev eth0'"
check "carol reaches 10.9.0.2 (not a split network) through the full tunnel" \
	ip netns exec client ping -c 2 -W 5 10.9.0.2
check "carol hangs up: ppp0 goes away" hangup
check "ip-down.d removed the host route to the gateway" wait_for 30 sh -c \
	"[ -z \"\$(ip -n client route show exact 192.0.2.1/32)\" ]"
check "ip-down.d removed its note" test ! -e "$state"
check "the client's own routes are as before the call" sh -c \
	"ip -n client route show | grep -q '^default via 192.0.2.254 dev eth0' &&
	 ! ip -n client route show | grep -qE '^(0.0.0.0|128.0.0.0)/1'"

rm -f "$script" "$down"
t_done
