# The gateway's main job as far as it goes today: l2secd answers a real xl2tpd
# LAC (the L2TP client Linux distributions use), the tunnel and the session are
# created in l2sec.ko, and `l2sec` shows them. IPsec and PPP come next (see
# README: Status), so this runs with require-ipsec = no and no PPP.
. "$L2SEC_TOP/tests/vm/lib.sh"
run=/tmp/l2sec-demo
mkdir -p "$run/run"
modprobe l2sec
netns_add gw client
veth gw eth0 192.0.2.1/24 client eth0 192.0.2.2/24
cat >"$run/l2sec.conf" <<CONF
[global]
runtime-dir = $run/run
[l2tp]
listen = 192.0.2.1
hostname = gw
secret = demo-tunnel-secret
require-ipsec = no
CONF
cat >"$run/xl2tpd.conf" <<CONF
[global]
port = 1701
access control = no
[lac gw]
lns = 192.0.2.1
challenge = yes
require authentication = no
pppoptfile = $run/ppp.opts
name = client
autodial = yes
redial = no
CONF
printf 'noauth\nnodefaultroute\nnoipdefault\nnodetach\n' >"$run/ppp.opts"
echo "* * demo-tunnel-secret" >"$run/secrets"

echo "+ l2secd -n -c l2sec.conf (check the configuration)"
"$L2SEC_BUILD/l2secd" -n -c "$run/l2sec.conf" || t_fail "configuration"
ip netns exec gw "$L2SEC_BUILD/l2secd" -c "$run/l2sec.conf" >"$run/l2secd.log" 2>&1 &
wait_for 60 test -S "$run/run/l2secd.sock" || t_fail "l2secd starts"
ip netns exec client xl2tpd -D -c "$run/xl2tpd.conf" -s "$run/secrets" -C "$run/control" \
	-p "$run/xl2tpd.pid" >"$run/xl2tpd.log" 2>&1 &
if wait_for 90 sh -c "ip netns exec gw $L2SEC -j session show | grep -q session_id"; then
	t_ok "xl2tpd's tunnel and session are in l2sec.ko"
else
	t_fail "xl2tpd's tunnel and session are in l2sec.ko"
fi
for cmd in "tunnel show" "session show" "stats"; do
	echo "+ l2sec $cmd"
	ip netns exec gw "$L2SEC" $cmd
done
echo "+ l2secd's log"
sed 's/^/    /' "$run/l2secd.log"
echo "+ xl2tpd (the client) says"
grep -E 'Connection established|Call established' "$run/xl2tpd.log" | sed 's/^/    /'
t_done
