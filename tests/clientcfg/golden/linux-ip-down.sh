#!/bin/sh
# Undoes the ip-up script for the L2TP connection 'Corp VPN', from
# `l2sec client-config linux ip-down`. Install it as
# /etc/ppp/ip-down.d/l2sec (mode 755), or name it in pppd's ip-down-script
# option: it removes the host route to the gateway that the ip-up script
# added for a full tunnel.
set -f
iface=${PPP_IFACE:-$1}
remote=${PPP_REMOTE:-$5}
state=${L2SEC_RUN:-/run}/l2sec-ppp-$iface.route
# Only for the link to this gateway (its address on the link).
[ "$remote" = '192.168.42.1' ] || exit 0

[ -f "$state" ] || exit 0
read -r route <"$state"
# shellcheck disable=SC2086 # "A/32 via B dev D": several words
[ -n "$route" ] && ip route del $route
rm -f "$state"
exit 0
