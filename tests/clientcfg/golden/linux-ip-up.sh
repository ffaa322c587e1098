#!/bin/sh
# Routes and DNS for the L2TP connection 'Corp VPN', from
# `l2sec client-config linux ip-up`. Install it as /etc/ppp/ip-up.d/l2sec
# (mode 755), or name it in pppd's ip-up-script option, and the script of
# `l2sec client-config linux ip-down` as /etc/ppp/ip-down.d/l2sec. The
# routes through the PPP interface go away with it.
set -f
iface=${PPP_IFACE:-$1}
remote=${PPP_REMOTE:-$5}
state=${L2SEC_RUN:-/run}/l2sec-ppp-$iface.route
# Only for the link to this gateway (its address on the link).
[ "$remote" = '192.168.42.1' ] || exit 0

# Split tunnel: these networks go through the tunnel, nothing else.
ip route replace 10.1.0.0/16 dev "$iface"
ip route replace 172.16.5.0/28 dev "$iface"
ip route replace 192.0.2.128/25 dev "$iface"

# DNS through systemd-resolved when it runs; without it, pppd's usepeerdns
# option writes the servers to /etc/ppp/resolv.conf.
if command -v resolvectl >/dev/null 2>&1 && resolvectl status >/dev/null 2>&1; then
	resolvectl dns "$iface" 10.1.0.53 10.1.0.54 || :
	resolvectl domain "$iface" 'corp.example' 'lab.corp.example' || :
	resolvectl default-route "$iface" false || :
fi
exit 0
