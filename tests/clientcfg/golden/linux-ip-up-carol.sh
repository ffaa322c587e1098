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

# Full tunnel: everything but the gateway itself goes through the tunnel.
# The host route to the gateway is noted for the ip-down script, unless
# one was there before (then it is left as it is).
gw='vpn.example.com'
full_tunnel() {
	srv=$(getent ahostsv4 "$gw" | awk 'NR == 1 { print $1 }')
	[ -n "$srv" ] || return 1
	via=$(ip -4 route get "$srv" | awk '{ for (i = 1; i < NF; i++)
		if ($i == "via" || $i == "dev") printf "%s %s ", $i, $(i + 1); exit }')
	[ -n "$via" ] || return 1
	# shellcheck disable=SC2086 # "via A dev D": several words
	if ip route add "$srv/32" $via 2>/dev/null; then
		echo "$srv/32 $via" >"$state"
	elif [ -z "$(ip route show exact "$srv/32")" ]; then
		return 1
	fi
	ip route replace 0.0.0.0/1 dev "$iface"
	ip route replace 128.0.0.0/1 dev "$iface"
}
if ! full_tunnel; then
	msg="no route to the gateway $gw: no default route through $iface"
	echo "l2sec: $msg" >&2
	logger -t l2sec-ip-up -- "$msg" 2>/dev/null || :
fi

# DNS through systemd-resolved when it runs; without it, pppd's usepeerdns
# option writes the servers to /etc/ppp/resolv.conf.
if command -v resolvectl >/dev/null 2>&1 && resolvectl status >/dev/null 2>&1; then
	resolvectl dns "$iface" 10.1.0.53 10.1.0.54 || :
	resolvectl domain "$iface" 'corp.example' 'lab.corp.example' || :
	resolvectl default-route "$iface" true || :
fi
exit 0
