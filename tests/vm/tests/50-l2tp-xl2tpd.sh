# vm-kernel: 6.1
# One boot of a two-kernel run: l2secd's L2TP control against xl2tpd, IPsec off; the
# module's side runs on both in 20 and 21.
# l2secd against a real xl2tpd LAC, IPsec off (require-ipsec = no): a tunnel
# and a session come up and are in the kernel (l2sec tunnel/session show) and
# in the daemon's control socket; xl2tpd hanging up removes them from the
# kernel; SIGHUP reloads without touching them (and keeps the configuration in
# force when the new file has errors); tunnel authentication with the wrong secret is refused; SIGTERM to
# l2secd sends StopCCN that xl2tpd logs; xl2tpd killed -9 is found by the
# HELLO timeout and cleaned up.
# vm-timeout: 900
. "$L2SEC_TOP/tests/vm/lib.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-50
L2SECD=$L2SEC_BUILD/l2secd
gw() { ip netns exec gw "$@"; }
lac() { ip netns exec lac "$@"; }

# ctl REQUEST: the daemon's JSON answer
ctl() { l2secd_ctl "$run/run/l2secd.sock" "$1"; }
# kern_count tunnel|session: objects in the kernel, from `l2sec -j OBJECT show`
kern_count() { gw "$L2SEC" -j "$1" show 2>/dev/null | grep -o "\"$1_id\"" | wc -l; }

rm -rf "$run"
mkdir -p "$run/run"
modprobe l2sec
modprobe ppp_generic 2>/dev/null
modprobe ppp_async 2>/dev/null
[ -e /dev/ppp ] || mknod /dev/ppp c 108 0
netns_add gw lac
veth gw eth0 192.0.2.1/24 lac eth0 192.0.2.2/24

cat >"$run/l2sec.conf" <<CONF
[global]
log-level = debug
runtime-dir = $run/run
[l2tp]
listen = 192.0.2.1
hostname = gw
secret = s3cret-tunnel
require-ipsec = no
hello-interval = 2s
retransmit-initial = 500ms
retransmit-max = 1s
retransmit-retries = 3
[ppp]
users = $run/users
CONF
echo "lac password lac-pw" >"$run/users"
# l2secd refuses files holding secrets (the tunnel secret, passwords) that others can read
chmod 600 "$run/l2sec.conf" "$run/users"

# xl2tpd.conf for the LAC; $1: challenge yes/no
lac_conf() {
	cat >"$run/xl2tpd.conf" <<CONF
[global]
port = 1701
access control = no
debug tunnel = yes

[lac gw]
lns = 192.0.2.1
challenge = $1
require authentication = no
pppoptfile = $run/ppp.opts
name = lac
autodial = no
redial = no
length bit = yes
CONF
}
# PPP runs too (test 51 is about it): the session stays up only if it authenticates
cat >"$run/ppp.opts" <<CONF
name lac
password lac-pw
refuse-pap
refuse-eap
noauth
nodefaultroute
noipdefault
nodetach
lcp-max-configure 1000
CONF

# start_lac SECRET LOG: xl2tpd in the LAC namespace. Not under `check`: that runs
# its command in a subshell, and lac_pid / gw_pid must be set in this one.
start_lac() {
	echo "* * $1" >"$run/secrets"
	rm -f "$run/control"
	# not through a shell function: $! must be xl2tpd itself (ip netns exec execs it)
	ip netns exec lac xl2tpd -D -c "$run/xl2tpd.conf" -s "$run/secrets" -C "$run/control" \
		-p "$run/xl2tpd.pid" >"$2" 2>&1 &
	lac_pid=$!
}
stop_lac() {
	kill "$lac_pid" 2>/dev/null
	wait "$lac_pid" 2>/dev/null
	pkill -x pppd 2>/dev/null
	wait_for 20 sh -c '! pgrep -x pppd'
	true
}
start_gw() {
	ip netns exec gw "$L2SECD" -c "$run/l2sec.conf" >"$1" 2>&1 &
	gw_pid=$!
}

# kern_is OBJECT OP N: the kernel's count of tunnels or sessions compares so
kern_is() { [ "$(kern_count "$1")" "$2" "$3" ]; }
# the first tunnel ID in the daemon's `show tunnels` answer
first_tid() { sed -n 's/.*"tunnel_id":\([0-9]*\).*/\1/p' "$1" | head -n 1; }

chmod 644 "$run/users"
"$L2SECD" -n -c "$run/l2sec.conf" >"$out/l2secd-n-mode.log" 2>&1
check_eq "l2secd -n refuses a users file others can read" 1 "$?"
check "... naming the file and the chmod that fixes it" grep -qF \
	"$run/users: holds secrets but its mode 0644 lets group or others access it; fix: chmod 600 $run/users" \
	"$out/l2secd-n-mode.log"
chmod 600 "$run/users"
check "configuration is valid (l2secd -n)" "$L2SECD" -n -c "$run/l2sec.conf"
start_gw "$out/l2secd-1.log"
check "l2secd starts" wait_for 60 test -S "$run/run/l2secd.sock"
"$L2SECD" -c "$run/l2sec.conf" >"$out/l2secd-second.log" 2>&1
check_eq "a second l2secd on the same runtime directory exits 1" 1 "$?"
check "... saying which PID holds the PID file" grep -qF \
	"another l2secd is running (pid $gw_pid holds $run/run/l2secd.pid)" "$out/l2secd-second.log"
check "... and leaves the first one's PID file and socket alone" \
	sh -c "[ \"\$(cat '$run/run/l2secd.pid')\" = $gw_pid ] && test -S '$run/run/l2secd.sock'"

# --- establish, show, hang up ------------------------------------------------------
lac_conf yes
start_lac s3cret-tunnel "$out/xl2tpd-1.log"
check "xl2tpd starts" wait_for 60 test -p "$run/control"
echo "c gw" >"$run/control"
check "tunnel in the kernel (l2sec tunnel show)" wait_for 60 kern_is tunnel -eq 1
check "session in the kernel (l2sec session show)" wait_for 60 kern_is session -eq 1
gw "$L2SEC" tunnel show >"$out/tunnel-show.txt" 2>&1
gw "$L2SEC" session show >"$out/session-show.txt" 2>&1
check "xl2tpd has its call (it authenticated the LNS)" grep -q "Call established" "$out/xl2tpd-1.log"
ctl "show tunnels" >"$out/ctl-tunnels.json"
ctl "show sessions" >"$out/ctl-sessions.json"
check "daemon: one established tunnel, in the kernel" jcheck \
	'len(j["tunnels"]) == 1 and j["tunnels"][0]["state"] == "established" and j["tunnels"][0]["in_kernel"] and j["tunnels"][0]["peer"] == "192.0.2.2"' \
	<"$out/ctl-tunnels.json"
check "daemon: one established session, in the kernel" jcheck \
	'len(j["sessions"]) == 1 and j["sessions"][0]["state"] == "established" and j["sessions"][0]["in_kernel"]' \
	<"$out/ctl-sessions.json"
tid=$(first_tid "$out/ctl-tunnels.json")
check "the kernel's tunnel is the daemon's ($tid)" \
	sh -c "[ -n '$tid' ] && ip netns exec gw $L2SEC -j tunnel show | grep -q '\"tunnel_id\":$tid[,}]'"

echo "d gw" >"$run/control"
check "hang-up: tunnel gone from the kernel" wait_for 60 kern_is tunnel -eq 0
check "hang-up: no session left in the kernel" kern_is session -eq 0
check "daemon logged the peer's StopCCN" grep -q "closed: result 1" "$out/l2secd-1.log"
stop_lac

# --- wrong secret ----------------------------------------------------------------------
# challenge = no: xl2tpd does not check us, only answers our challenge (wrongly)
lac_conf no
start_lac not-the-secret "$out/xl2tpd-2.log"
check "xl2tpd starts (wrong secret)" wait_for 60 test -p "$run/control"
echo "c gw" >"$run/control"
check "wrong secret: refused (not authorized)" wait_for 60 \
	grep -q 'result 4 error 0: challenge response mismatch' "$out/l2secd-1.log"
check "wrong secret: xl2tpd was told why" wait_for 30 \
	grep -q "challenge response mismatch" "$out/xl2tpd-2.log"
check "wrong secret: no tunnel in the kernel" kern_is tunnel -eq 0
ctl "show stats" >"$out/ctl-stats-1.json"
check "wrong secret: counted" jcheck 'j["stats"]["tunnels_auth_failed"] == 1' <"$out/ctl-stats-1.json"
stop_lac

# --- SIGTERM: StopCCN to the LAC -------------------------------------------------------
lac_conf yes
start_lac s3cret-tunnel "$out/xl2tpd-3.log"
check "xl2tpd starts (SIGTERM case)" wait_for 60 test -p "$run/control"
echo "c gw" >"$run/control"
check "tunnel up again" wait_for 60 kern_is session -eq 1

# --- SIGHUP: reload keeps established tunnels; a broken file keeps the old one ---------
kill -HUP "$gw_pid"
check "SIGHUP: configuration reloaded" wait_for 30 \
	grep -q "configuration reloaded from $run/l2sec.conf" "$out/l2secd-1.log"
cp "$run/l2sec.conf" "$run/l2sec.conf.good"
echo "no-such-key = 1" >>"$run/l2sec.conf"
kill -HUP "$gw_pid"
check "SIGHUP with a broken file: refused, the configuration in force kept" wait_for 30 \
	grep -q "reload: $run/l2sec.conf has errors; the configuration in force is kept" \
	"$out/l2secd-1.log"
mv "$run/l2sec.conf.good" "$run/l2sec.conf"
check "SIGHUP: the session is still in the kernel" kern_is session -eq 1
ctl "show sessions" >"$out/ctl-sessions-hup.json"
check "SIGHUP: the daemon still has it established" jcheck \
	'len(j["sessions"]) == 1 and j["sessions"][0]["state"] == "established"' \
	<"$out/ctl-sessions-hup.json"
# The reload came while the call's PPP was negotiating, or after: either way the
# client's PPP comes up on that call (under privsep a new engine restarts a
# negotiation that had not authenticated, from LCP).
check "SIGHUP: the call's PPP comes up" wait_for 30 sh -c \
	"[ \$(grep -c \"user 'lac' is up at\" '$out/l2secd-1.log') -ge 2 ]"
grep 'negotiation restarted\|still negotiating' "$out/l2secd-1.log" | sed 's/^/# /'
kill -TERM "$gw_pid"
check "l2secd exits after SIGTERM" wait_for 30 sh -c "! kill -0 $gw_pid 2>/dev/null"
wait "$gw_pid"
check_eq "l2secd exit status" 0 "$?"
check "xl2tpd logged our StopCCN" wait_for 30 grep -q "LNS shutting down" "$out/xl2tpd-3.log"
check "l2secd removed its runtime files" \
	sh -c "! [ -e '$run/run/l2secd.pid' ] && ! [ -e '$run/run/l2secd.sock' ]"
check "SIGTERM: nothing left in the kernel" kern_is tunnel -eq 0
stop_lac

# --- xl2tpd killed -9: HELLO timeout ----------------------------------------------------
start_gw "$out/l2secd-2.log"
check "l2secd starts again" wait_for 60 test -S "$run/run/l2secd.sock"
start_lac s3cret-tunnel "$out/xl2tpd-4.log"
check "xl2tpd starts (kill -9 case)" wait_for 60 test -p "$run/control"
echo "c gw" >"$run/control"
check "tunnel up (kill -9 case)" wait_for 60 kern_is session -eq 1
kill -9 "$lac_pid"
pkill -9 -x pppd 2>/dev/null
# HELLO after 2 s of silence, then 0.5 + 1 + 1 + 1 s of retransmissions
check "HELLO timeout removes the tunnel from the kernel" wait_for 60 kern_is tunnel -eq 0
check "and its session" kern_is session -eq 0
ctl "show stats" >"$out/ctl-stats-2.json"
check "timeout counted" jcheck 'j["stats"]["tunnels_timed_out"] == 1 and j["sessions"] == 0' \
	<"$out/ctl-stats-2.json"
check "daemon logged the timeout" grep -q "retransmission limit" "$out/l2secd-2.log"
kill -TERM "$gw_pid"
wait "$gw_pid"
check_eq "l2secd exit status (second run)" 0 "$?"
t_done
