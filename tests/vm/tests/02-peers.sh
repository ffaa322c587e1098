# The real peers later tests need run in the guest, in network namespaces:
# charon (answering over VICI with its own /run), xl2tpd, pppd, and iperf3
# carrying TCP between two namespaces.
# vm-timeout: 180
. "$L2SEC_TOP/tests/vm/lib.sh"
w=/tmp/peers
mkdir -p $w
netns_add a b
veth a eth0 192.0.2.1/24 b eth0 192.0.2.2/24

cat >$w/strongswan.conf <<CONF
charon {
  load_modular = yes
  plugins {
    include /etc/strongswan.d/charon/*.conf
    vici { socket = unix://$w/vici }
  }
}
CONF
# A private /run for charon's pid file, as each charon of a topology needs.
ip netns exec a sh -c "mount -t tmpfs tmpfs /run && STRONGSWAN_CONF=$w/strongswan.conf exec /usr/lib/ipsec/charon" \
	>$w/charon.log 2>&1 &
check "charon starts in a namespace" wait_for 60 test -S $w/vici
check "charon answers over VICI (swanctl --stats)" swanctl --stats --uri unix://$w/vici
check "xl2tpd runs" sh -c 'xl2tpd -v 2>&1 | grep -qi xl2tpd'
check "pppd runs" pppd --version
check "the pppol2tp plugin is there" sh -c 'ls /usr/lib/pppd/*/pppol2tp.so'

ip netns exec b iperf3 -s -1 -B 192.0.2.2 >$w/iperf-server.log 2>&1 &
wait_for 30 sh -c "ip netns exec b ss -ltn | grep -q ':5201'"
check "iperf3 TCP between namespaces" ip netns exec a iperf3 -c 192.0.2.2 -t 2 -J --logfile $w/iperf.json
check "iperf3 moved data" python3 -c "
import json; j = json.load(open('$w/iperf.json'))
assert j['end']['sum_received']['bytes'] > 0, j['end']"
t_done
