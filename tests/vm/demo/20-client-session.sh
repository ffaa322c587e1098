# vm-kernel: 6.12
# The gateway's main job: a Linux L2TP/IPsec client behind NAT, built the way
# the OS's own client is (charon: IKEv1, transport mode, PSK, NAT-T; xl2tpd +
# pppd: MS-CHAPv2), connects to l2secd, which loaded its connection and PSK into
# the gateway's charon over VICI. The client gets an address and DNS server
# from the pool, and the routes of `l2sec client-config linux ip-up`, installed
# as the client's /etc/ppp/ip-up.d/l2sec (a full tunnel), and pings a host
# behind the gateway through l2sec.ko; `l2sec` shows the session with its user
# and address, the tunnel bound to its SA, and the traffic. The client hangs
# up, and its ip-down.d script removes the host route to the gateway.
#   client (192.168.1.11) -- nat (masquerade, 203.0.113.1) -- gw (203.0.113.2) -- lan
. "$L2SEC_TOP/tests/vm/lib.sh"
run=/tmp/l2sec-demo
PSK=demo-pre-shared-key
rm -rf "$run"
mkdir -p "$run/run" "$run/gw" "$run/client"
modprobe -a esp4 xfrm_user nf_tables nft_chain_nat nft_masq nf_nat ppp_generic ppp_async \
	2>/dev/null
[ -e /dev/ppp ] || mknod /dev/ppp c 108 0

netns_add client nat gw lan
veth client eth0 192.168.1.11/24 nat lan0 192.168.1.1/24
veth nat wan 203.0.113.1/24 gw eth0 203.0.113.2/24
veth gw lan0 198.51.100.1/24 lan eth0 198.51.100.2/24
ip -n client route add default via 192.168.1.1
ip -n lan route add 192.168.42.0/24 via 198.51.100.1
ip netns exec gw sysctl -qw net.ipv4.ip_forward=1
ip netns exec nat sysctl -qw net.ipv4.ip_forward=1
ip netns exec nat nft -f - <<'NFT'
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" masquerade
	}
}
NFT

# charon NAME: one per namespace, its own /run and VICI socket
charon() {
	cat >"$run/$1/strongswan.conf" <<CONF
include /etc/strongswan.conf
charon {
  load_modular = yes
  plugins {
    vici { socket = unix://$run/$1/charon.vici }
    connmark { load = no }
    bypass-lan { load = no }
  }
}
CONF
	ip netns exec "$1" sh -c "mount -t tmpfs tmpfs /run &&
		STRONGSWAN_CONF=$run/$1/strongswan.conf exec /usr/lib/ipsec/charon" \
		>"$run/charon-$1.log" 2>&1 &
	wait_for 60 test -S "$run/$1/charon.vici"
}

cat >"$run/l2sec.conf" <<CONF
[global]
runtime-dir = $run/run
[l2tp]
listen = 203.0.113.2
hostname = gw
[ppp]
users = $run/users
local-address = 192.168.42.1
pool = 192.168.42.10-192.168.42.250
dns = 198.51.100.53
[ipsec]
vici = $run/gw/charon.vici
psk = $PSK
[client]
server = 203.0.113.2
CONF
echo "alice password demo-password" >"$run/users"
# l2secd refuses files holding secrets (the PSK, passwords) that others can read
chmod 600 "$run/l2sec.conf" "$run/users"

cat >"$run/client/swanctl.conf" <<CONF
connections {
  l2tp {
    version = 1
    local_addrs = 192.168.1.11
    remote_addrs = 203.0.113.2
    proposals = aes256-sha256-modp2048
    local { auth = psk
            id = 192.168.1.11 }
    remote { auth = psk }
    children {
      l2tp {
        mode = transport
        local_ts = dynamic[udp/1701]
        remote_ts = dynamic[udp/1701]
        esp_proposals = aes256-sha1
      }
    }
  }
}
secrets { ike-gw { secret = "$PSK" } }
CONF
cat >"$run/xl2tpd.conf" <<CONF
[global]
port = 1701
access control = no
[lac gw]
lns = 203.0.113.2
require authentication = no
pppoptfile = $run/ppp.opts
name = client
autodial = yes
redial = no
CONF
cat >"$run/ppp.opts" <<CONF
name alice
password demo-password
refuse-pap
refuse-chap
refuse-mschap
refuse-eap
noauth
nodefaultroute
usepeerdns
noipdefault
ipcp-accept-remote
mtu 1280
mru 1280
logfile $run/pppd.log
CONF
: >"$run/secrets"

# The client's /etc/ppp: the system's, with the scripts the gateway's tool
# writes in ip-up.d and ip-down.d. `ip netns exec client` mounts
# /etc/netns/client/ppp over /etc/ppp, so pppd runs Debian's /etc/ppp/ip-up,
# which runs them with run-parts, as on a client of its own.
rm -rf /etc/netns/client
# gone with the demo: a later test's namespace "client" would get this /etc/ppp
trap 'rm -rf /etc/netns/client' EXIT
mkdir -p /etc/netns/client
cp -a /etc/ppp /etc/netns/client/ppp
for s in ip-up ip-down; do
	echo "+ l2sec client-config linux $s > /etc/ppp/$s.d/l2sec (on the client)"
	"$L2SEC" client-config linux $s config "$run/l2sec.conf" \
		>"/etc/netns/client/ppp/$s.d/l2sec" || t_fail "client-config linux $s"
	chmod 755 "/etc/netns/client/ppp/$s.d/l2sec"
done

charon gw || t_fail "the gateway's charon starts"
echo "+ l2secd -n -c l2sec.conf (check the configuration)"
"$L2SEC_BUILD/l2secd" -n -c "$run/l2sec.conf" || t_fail "configuration"
ip netns exec gw "$L2SEC_BUILD/l2secd" -c "$run/l2sec.conf" >"$run/l2secd.log" 2>&1 &
wait_for 60 test -S "$run/run/l2secd.sock" || t_fail "l2secd starts"
wait_for 30 grep -q "loaded into charon" "$run/l2secd.log" || t_fail "l2secd loads its connection"

charon client || t_fail "the client's charon starts"
sw() { timeout 90 swanctl "$@" --uri "unix://$run/client/charon.vici" 2>/dev/null; }
sw --load-all --file "$run/client/swanctl.conf" >/dev/null
echo "+ client: swanctl --initiate --child l2tp"
sw --initiate --child l2tp --timeout 60 | tail -n 2
ip netns exec client xl2tpd -D -c "$run/xl2tpd.conf" -s "$run/secrets" -C "$run/control" \
	-p "$run/xl2tpd.pid" >"$run/xl2tpd.log" 2>&1 &
# the ip-up.d script's last route is the sign that PPP is up and it ran
if wait_for 120 sh -c "ip -n client route show dev ppp0 | grep -q '^128.0.0.0/1 '"; then
	t_ok "the client is connected over L2TP/IPsec through the NAT"
else
	t_fail "the client is connected over L2TP/IPsec through the NAT"
fi
echo "+ client: ip route show"
ip -n client route show
check "the gateway itself stays outside the tunnel (203.0.113.2/32 via 192.168.1.1)" sh -c \
	"ip -n client route show exact 203.0.113.2/32 | grep -q 'via 192.168.1.1 dev eth0'"
echo "+ client: swanctl --list-sas"
sw --list-sas
echo "+ client: ip addr show ppp0"
ip -n client -4 addr show dev ppp0
echo "+ client: ping the LAN host 198.51.100.2 through the gateway"
ip netns exec client ping -c 3 -W 5 198.51.100.2 && t_ok "ping through the gateway" ||
	t_fail "ping through the gateway"
for cmd in "daemon show" "tunnel show" "session show" "-s session show" "-s stats"; do
	echo "+ l2sec $cmd"
	ip netns exec gw "$L2SEC" -r "$run/run" $cmd
done
echo "+ client: hang up (xl2tpd: d gw)"
echo "d gw" >"$run/control"
if wait_for 60 sh -c "! ip -n client link show dev ppp0 >/dev/null 2>&1 &&
	[ -z \"\$(ip -n client route show exact 203.0.113.2/32)\" ]"; then
	t_ok "hung up: ppp0 gone, the ip-down.d script removed the route to the gateway"
else
	t_fail "hung up: ppp0 gone, the ip-down.d script removed the route to the gateway"
	ip -n client route show
fi
echo "+ l2secd's log"
sed 's/^/    /' "$run/l2secd.log"
t_done
