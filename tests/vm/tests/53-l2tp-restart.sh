# vm-kernel: 6.1
# One boot of a two-kernel run: l2secd's redial and restart handling; the module's
# side of a daemon's socket going away runs on both in 23.
# l2secd and an xl2tpd LAC with redial on, IPsec off (issue 14 items 4 and 10):
# - a hang-up and a redial at once get a new tunnel and session within 2 s
#   (no wait for the old tunnel's linger);
# - l2secd killed -9 while the client pings through the session, then
#   restarted: the client is told (StopCCN for its old tunnel, after HELLO
#   probes because it sends only data), redials, and has a session again
#   within 10 s; the kill leaves nothing the restart does not clean (module
#   tunnels and sessions, routes on l2sec0: the pool's, added again).
# vm-timeout: 300
. "$L2SEC_TOP/tests/vm/lib.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-53
L2SECD=$L2SEC_BUILD/l2secd
gw() { ip netns exec gw "$@"; }

ctl() { l2secd_ctl "$run/run/l2secd.sock" "$1"; }
kern_count() { gw "$L2SEC" -j "$1" show 2>/dev/null | grep -o "\"$1_id\"" | wc -l; }
kern_is() { [ "$(kern_count "$1")" "$2" "$3" ]; }
# the routes l2secd put on l2sec0 (protocol 0xb2 = 178)
routes() { gw ip -4 route show dev l2sec0 proto 178 2>/dev/null; }
prefixes() { routes | cut -d' ' -f1 | tr '\n' ' '; }
lac_addr() { ip -n lac -4 addr show | sed -n 's/.*inet \([0-9.]*\) peer.*/\1/p' | head -n 1; }
# the client through l2sec0 by the pool's routes (the first start's), none of its own
pool_routed() { [ "$(prefixes)" = "$pool_rt" ] && gw ip route get "$(lac_addr)" | grep -q 'dev l2sec0'; }
# count PATTERN FILE: lines matching
count() { grep -c "$1" "$2" 2>/dev/null || true; }
# by T0 LIMIT CMD...: CMD succeeds before LIMIT wall-clock seconds from T0 (SECONDS)
by() {
	local end=$(($1 + $2))
	shift 2
	while [ "$SECONDS" -le "$end" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}
# the client has a PPP link with an address (pppN: a new pppd may take a new N)
lac_up() { ip -n lac -4 addr show 2>/dev/null | grep -q 'inet .* peer'; }

rm -rf "$run"
mkdir -p "$run/run"
lac_topology

cat >"$run/l2sec.conf" <<CONF
[global]
log-level = debug
runtime-dir = $run/run
[l2tp]
listen = 192.0.2.1
hostname = gw
require-ipsec = no
[ppp]
users = $run/users
CONF
echo "lac password lac-pw" >"$run/users"
chmod 600 "$run/users" "$run/l2sec.conf"

lac_redial_conf "$run"

ip netns exec lac xl2tpd -D -c "$run/xl2tpd.conf" -s /dev/null -C "$run/control" \
	-p "$run/xl2tpd.pid" >"$out/xl2tpd.log" 2>&1 &
lac_pid=$!
start_gw() {
	ip netns exec gw "$L2SECD" -c "$run/l2sec.conf" >"$1" 2>&1 &
	gw_pid=$!
}

start_gw "$out/l2secd-1.log"
check "l2secd starts" wait_for 60 test -S "$run/run/l2secd.sock"
pool_rt=$(prefixes)
check_eq "the default pool's routes on l2sec0 (192.168.42.10-250: 11 prefixes)" 11 \
	"$(echo $pool_rt | wc -w)"
check "xl2tpd starts" wait_for 60 test -p "$run/control"
echo "c gw" >"$run/control"
check "session in the kernel" wait_for 60 kern_is session -eq 1
check "the client's ppp0 has an address" wait_for 30 lac_up

# --- hang up and redial at once ------------------------------------------------------
echo "d gw" >"$run/control"
check "hang-up: the session leaves the kernel" wait_for 30 kern_is session -eq 0
n_sccrp=$(count "SCCRQ from" "$out/l2secd-1.log")
t0=$SECONDS
echo "c gw" >"$run/control"
check "redial: a new tunnel at once (SCCRQ answered, tunnel established within 2 s)" \
	by "$t0" 2 sh -c "[ \$(grep -c 'established with' '$out/l2secd-1.log') -ge 2 ]"
check "redial: session back in the kernel" wait_for 30 kern_is session -eq 1
echo "redial took $((SECONDS - t0)) s" >"$out/redial.txt"
check "redial: one SCCRQ, no retransmission needed" \
	sh -c "[ \$(grep -c 'SCCRQ from' '$out/l2secd-1.log') -eq $((n_sccrp + 1)) ]"
check "redial: the client's ppp0 has an address again" wait_for 30 lac_up

# --- kill -9 under traffic, restart ------------------------------------------------------
peer=$(ip -n lac -4 addr show | sed -n 's/.* peer \([0-9.]*\).*/\1/p' | head -n 1)
ip netns exec lac ping -D -O -i 0.2 -w 60 "${peer:-192.168.42.1}" >"$out/ping.txt" 2>&1 &
ping_pid=$!
check "the client pings the gateway through the session" \
	ip netns exec lac ping -c 2 -W 5 "${peer:-192.168.42.1}"
check "before the kill: the client through the pool's routes, none of its own" pool_routed
ip -n lac -s link >"$out/lac-links-1.txt" 2>&1
kill -9 "$gw_pid"
wait "$gw_pid" 2>/dev/null
check "kill -9: the module dropped the tunnel with the socket" wait_for 10 kern_is tunnel -eq 0
rm -f "$run/run/l2secd.pid" "$run/run/l2secd.sock"
t0=$SECONDS
start_gw "$out/l2secd-2.log"
check "l2secd starts again" wait_for 60 test -S "$run/run/l2secd.sock"
check "restart: the previous run's tunnel was loaded" \
	grep -q "1 tunnel(s) of the previous run" "$out/l2secd-2.log"
check "restart: the client got a StopCCN for its old tunnel" by "$t0" 10 \
	grep -q "StopCCN for tunnel .* of the previous run" "$out/l2secd-2.log"
gw "$L2SEC" -j stats >"$out/kstats-2.json" 2>&1
ip -n lac -s link >"$out/lac-links-2.txt" 2>&1
check "restart: session back in the kernel within 10 s" by "$t0" 10 kern_is session -eq 1
echo "back after $((SECONDS - t0)) s" >"$out/restart.txt"
check "restart: xl2tpd was told the LNS restarted" grep -q "LNS restarted" "$out/xl2tpd.log"
ctl "show stats" >"$out/stats-2.json"
check "restart: counted" jcheck \
	'j["stats"]["stale_stopccn"] >= 1 and j["stats"]["stale_probes"] >= 1' <"$out/stats-2.json"
check "restart: one tunnel in the kernel" wait_for 10 kern_is tunnel -eq 1
check "restart: the client's ppp0 has an address again" wait_for 30 lac_up
routes >"$out/routes-2.txt"
check "restart: the pool's routes on l2sec0 again, none left of the old session" \
	wait_for 10 pool_routed
kill "$ping_pid" 2>/dev/null
kill -TERM "$gw_pid"
check "l2secd exits after SIGTERM" wait_for 30 sh -c "! kill -0 $gw_pid 2>/dev/null"
kill "$lac_pid" 2>/dev/null
wait "$lac_pid" 2>/dev/null
t_done
