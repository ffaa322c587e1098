#!/bin/sh
# Routes and DNS for the L2TP connection 'Corp VPN', from
# `l2sec client-config linux ip-up`. Install it as /etc/ppp/ip-up.d/l2sec
# (mode 755), or name it in pppd's ip-up-script option. The routes go away
# with the PPP interface, so it needs no ip-down counterpart.
iface=${PPP_IFACE:-$1}
remote=${PPP_REMOTE:-$5}
# Only for the link to this gateway (its address on the link).
[ "$remote" = '192.168.42.1' ] || exit 0

# Full tunnel: everything but the gateway itself goes through the tunnel.
srv=$(getent ahostsv4 'vpn.example.com' | awk 'NR == 1 { print $1 }')
if [ -n "$srv" ]; then
	via=$(ip -4 route get "$srv" | awk '{ for (i = 1; i < NF; i++)
		if ($i == "via" || $i == "dev") printf "%s %s ", $i, $(i + 1); exit }')
	# shellcheck disable=SC2086 # "via A dev D": several words
	[ -n "$via" ] && ip route replace "$srv/32" $via
fi
ip route replace 0.0.0.0/1 dev "$iface"
ip route replace 128.0.0.0/1 dev "$iface"

# DNS through systemd-resolved when it runs; without it, pppd's usepeerdns
# option writes the servers to /etc/ppp/resolv.conf.
if command -v resolvectl >/dev/null 2>&1 && resolvectl status >/dev/null 2>&1; then
	resolvectl dns "$iface" 10.1.0.53 10.1.0.54 || :
	resolvectl domain "$iface" 'corp.example' 'lab.corp.example' || :
	resolvectl default-route "$iface" true || :
fi
exit 0
