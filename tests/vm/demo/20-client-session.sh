# The gateway's main job: a real Linux L2TP client (xl2tpd + pppd, MS-CHAPv2)
# dials l2secd, gets an address and DNS servers from the gateway's pool, and
# reaches a LAN host behind the gateway through l2sec.ko's fast path; `l2sec`
# shows the tunnel, the session with its user and address, and the counters.
# IPsec (charon) is the next step on the README's status list, so this runs with
# require-ipsec = no.
. "$L2SEC_TOP/tests/vm/lib.sh"
run=/tmp/l2sec-demo
rm -rf "$run"
mkdir -p "$run/run"
modprobe ppp_generic 2>/dev/null
modprobe ppp_async 2>/dev/null
[ -e /dev/ppp ] || mknod /dev/ppp c 108 0
netns_add gw client lan
veth gw eth0 192.0.2.1/24 client eth0 192.0.2.2/24
veth gw lan0 198.51.100.1/24 lan eth0 198.51.100.2/24
ip -n lan route add 192.168.42.0/24 via 198.51.100.1
ip netns exec gw sysctl -qw net.ipv4.ip_forward=1

cat >"$run/l2sec.conf" <<CONF
[global]
runtime-dir = $run/run
[l2tp]
listen = 192.0.2.1
hostname = gw
require-ipsec = no
[ppp]
users = $run/users
local-address = 192.168.42.1
pool = 192.168.42.10-192.168.42.250
dns = 198.51.100.53
CONF
echo "alice password demo-password" >"$run/users"
cat >"$run/xl2tpd.conf" <<CONF
[global]
port = 1701
access control = no
[lac gw]
lns = 192.0.2.1
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
logfile $run/pppd.log
CONF
: >"$run/secrets"

echo "+ l2secd -n -c l2sec.conf (check the configuration)"
"$L2SEC_BUILD/l2secd" -n -c "$run/l2sec.conf" || t_fail "configuration"
ip netns exec gw "$L2SEC_BUILD/l2secd" -c "$run/l2sec.conf" >"$run/l2secd.log" 2>&1 &
wait_for 60 test -S "$run/run/l2secd.sock" || t_fail "l2secd starts"
ip netns exec client xl2tpd -D -c "$run/xl2tpd.conf" -s "$run/secrets" -C "$run/control" \
	-p "$run/xl2tpd.pid" >"$run/xl2tpd.log" 2>&1 &
if wait_for 120 sh -c "ip -n client -4 addr show dev ppp0 | grep -q 'inet 192.168.42'"; then
	t_ok "the client is connected (ppp0 has an address from the pool)"
else
	t_fail "the client is connected"
fi
ip -n client route add 198.51.100.0/24 dev ppp0
echo "+ client: ip addr show ppp0"
ip -n client -4 addr show dev ppp0
echo "+ client: ping the LAN host 198.51.100.2 through the gateway"
ip netns exec client ping -c 3 -W 5 198.51.100.2 && t_ok "ping through the gateway" ||
	t_fail "ping through the gateway"
for cmd in "daemon show" "tunnel show" "session show" "-s session show"; do
	echo "+ l2sec $cmd"
	ip netns exec gw "$L2SEC" -r "$run/run" $cmd
done
echo "+ l2secd's log"
sed 's/^/    /' "$run/l2secd.log"
t_done
