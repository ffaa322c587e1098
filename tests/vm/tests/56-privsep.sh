# vm-kernel: 6.1
# l2secd in two processes ([global] privsep = yes; issue 17 items 1 and 4), against an
# xl2tpd + pppd LAC (MS-CHAPv2, redial on, IPsec off):
# - the engine, l2secd's child, runs as the engine user without privileges: its
#   /proc status shows a uid other than 0, CapEff 0, NoNewPrivs 1 and Seccomp 2; the
#   parent is the only l2secd process with capabilities;
# - a client authenticates (the parent checks the answer: the engine has no secrets),
#   gets a pool address and pings the gateway through the module;
# - the engine dies under traffic (issue 17 item 2), twice: a forbidden system call
#   (the test-only control request "debug seccomp", enabled by L2SECD_TEST_HOOKS=1)
#   kills it with SIGSYS, then kill -9. Each time the parent logs it, keeps the
#   established tunnel, session and route, and starts a new engine, unprivileged
#   again, which resumes them from the parent's records. The client does not notice:
#   its pings (20 a second) see no gap over 1 s, the module's tunnel and session IDs
#   (ours and the client's) are those from before, pppd stays up with 1-second LCP
#   echoes (3 unanswered drop the link) and the gateway's own 1-second echoes and
#   2-second HELLOs are answered (no retransmission);
# - SIGHUP under the same pings, with a larger pool in the file and a user added: the
#   parent applies it (the pool's new routes, show stats' pool size) and replaces the
#   engine without a word to the client; two more SIGHUPs during the replacement are
#   one reload after it; the new engines resume the tunnel and session (show sessions:
#   user and address kept; show stats counts the reloads apart from the deaths), and
#   the pings see no gap over 1 s;
# - the client then hangs up (xl2tpd's StopCCN): the new engine clears the tunnel and
#   session, the parent the module's, the route and the address; SIGTERM ends both
#   processes.
# Then the TUN data path under privsep (datapath = tun: the parent carries the data
# packets, as l2sec.ko would): the same client connects and pings through the parent,
# the engine is killed (SIGKILL) under 20 pings a second and a new one resumes the
# tunnel and session with no gap over 1 s in the pings, and the client's hang-up clears
# the route and the address.
# Then [radius] under privsep (issues 17 and 21), against FreeRADIUS on the gateway's
# loopback (tests/radius-server.sh) and the same LAC dialling once per method:
# - the secret is in a secret-file only the parent reads: the parent's memory holds
#   it, the engine's does not; the parent signs every request and verifies every
#   answer, the engine parses the answers;
# - PAP: accepted by the server; the client's address is the server's
#   Framed-IP-Address (the parent let the engine claim it because the answer it
#   verified assigned it); the accounting Start reaches the server;
# - Framed-Route under privsep: the parent routes the network of the Accept it
#   verified "via CLIENT dev l2sec0 onlink" and the gateway reaches it through the
#   tunnel (the client answers from it); the Accept's route over the pool is refused
#   by the parent's checks (logged, the session up); `session show` has the network;
# - the engine is killed (SIGKILL) with the session up: a new engine resumes it and
#   sends no second Accounting-On (which would end every session's record), the
#   framed route stays and the new engine's session show has it; a SIGHUP then
#   replaces the engine the same way; the client's hang-up then gives the server the
#   Stop with the Start's Acct-Session-Id, and the parent removes the framed route;
# - MS-CHAPv2 with the new engine: accepted, and pppd verified the server's
#   MS-CHAP2-Success;
# - dynamic authorization (RFC 5176) under privsep: the engine reads radclient's
#   requests, the parent alone holds the dae-client's secret: one signed with
#   another secret gets no answer and the session stays; a Disconnect-Request gets
#   a Disconnect-ACK that radclient verifies (the parent signed it) and the session
#   goes, with an accounting Stop of cause Admin-Reset;
# - Idle-Timeout under privsep (the engine reads the module's counters through the
#   parent): the client's pings keep a session with a 2-s Idle-Timeout up past it, then
#   it ends idle, and its Stop counts the pings (the module's counters, not the engine's);
#   SIGTERM: an Accounting-Off.
# Then with [ipsec] psk (l2secd manages charon; the VICI connection, the SA table and
# xfrm are the parent's), two charon + xl2tpd + pppd clients behind one NAT (lib.sh's
# lc_*; their SAs' policies have the same selectors, the mark picks the SA):
# - the engine has no capability under require-ipsec either (CapEff 0): what it sends
#   through an SA the parent sends with the SA's mark (SEND), and both clients connect,
#   each tunnel bound to its own SA, and ping the LAN; the parent refused no SEND;
#   the second client then hangs up (its IKE_SA deleted);
# - the client connects and pings the LAN; its tunnel in the module is bound to its SA,
#   and the control socket (the engine's copy of the parent's SA table) names the same
#   SA; `show stats` has the parent's "ipsec" counters; the engine's memory holds no PSK;
# - the engine is killed (SIGKILL) under traffic: the parent keeps the tunnel bound to
#   the live SA, a new engine lists the parent's SAs and resumes the tunnel and session
#   (records keyed by the parent's tunnel handle); the client's pings see no gap over
#   1 s, the module's IDs are unchanged, and the new engine's session names the SA;
# - the client deletes its IKE_SA: the tunnel leaves the module, the engine's session and
#   the parent's SA go, and the engine's tunnel is closing (or gone).
# vm-timeout: 420
. "$L2SEC_TOP/tests/vm/lib.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-56
L2SECD=$L2SEC_BUILD/l2secd
gw() { ip netns exec gw "$@"; }
ctl() { l2secd_ctl "$run/run/l2secd.sock" "$1"; }
kern_count() { gw "$L2SEC" -j "$1" show 2>/dev/null | grep -o "\"$1_id\"" | wc -l; }
kern_is() { [ "$(kern_count "$1")" "$2" "$3" ]; }
routes_are() { [ "$(gw ip -4 route show dev l2sec0 proto 178 2>/dev/null | wc -l)" = "$1" ]; }
# the parent's routes on l2sec0: the pool's (192.168.42.10-20 as its fewest prefixes) and
# no session's own, since the pool's route holds every address of it
POOL_RT="192.168.42.10/31 192.168.42.12/30 192.168.42.16/30 192.168.42.20 "
pool_rt() { gw ip -4 route show dev l2sec0 proto 178 2>/dev/null | cut -d' ' -f1 | tr '\n' ' '; }
pool_only() { [ "$(pool_rt)" = "$POOL_RT" ]; }
cleared() { kern_is tunnel -eq 0 && kern_is session -eq 0 && pool_only; }
all_gone() { kern_is tunnel -eq 0 && kern_is session -eq 0 && routes_are 0; }
lac_up() { ip -n lac -4 addr show 2>/dev/null | grep -q 'inet .* peer'; }
lac_addr() { ip -n lac -4 addr show | sed -n 's/.*inet \([0-9.]*\) peer.*/\1/p' | head -n 1; }
# the client through l2sec0 by the pool's route, none of its own
pool_routed() { pool_only && gw ip route get "$(lac_addr)" | grep -q 'dev l2sec0'; }
# the engine: the parent's l2secd child
engine() { pgrep -P "$gw_pid" -x l2secd | head -n 1; }
# status PID FIELD: that line of /proc/PID/status, its first value
status() { sed -n "s/^$2:[[:space:]]*\([^[:space:]]*\).*/\1/p" "/proc/$1/status"; }
engine_sandboxed() {
	local e
	e=$(engine) && [ -n "$e" ] &&
		[ "$(status "$e" Uid)" = "$(id -u l2sec)" ] && [ "$(status "$e" Uid)" != 0 ] &&
		[ "$(status "$e" CapEff)" = 0000000000000000 ] &&
		[ "$(status "$e" CapPrm)" = 0000000000000000 ] &&
		[ "$(status "$e" NoNewPrivs)" = 1 ] && [ "$(status "$e" Seccomp)" = 2 ]
}
# the parent, and no other l2secd process, has capabilities
only_parent_privileged() {
	local p c n=0
	for p in $(pgrep -x l2secd); do
		c=$(status "$p" CapEff)
		[ "$c" = 0000000000000000 ] && continue
		[ "$p" = "$gw_pid" ] || return 1
		n=$((n + 1))
	done
	[ "$n" = 1 ]
}

# mem_has PID STRING: "found" when the process's readable memory holds STRING, "clean"
# when it does not, "unreadable" when nothing of it could be read (jsonq.py's Python,
# running already: one started per call costs seconds under TCG)
mem_has() { jsonq memhas "$1" "$2"; }
rm -rf "$run"
mkdir -p "$run/run"
lac_topology
id -u l2sec >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin l2sec

cat >"$run/l2sec.conf" <<CONF
[global]
log-level = info
runtime-dir = $run/run
privsep = yes
[l2tp]
listen = 192.0.2.1
hostname = gw
require-ipsec = no
hello-interval = 2s
[ppp]
lcp-echo-interval = 1s
lcp-echo-failures = 3
users = $run/users
local-address = 192.168.42.1
pool = 192.168.42.10-192.168.42.20
CONF
echo "lac password lac-pw" >"$run/users"
chmod 600 "$run/users" "$run/l2sec.conf"

lac_redial_conf "$run"
# pppd hangs up after 3 s of unanswered LCP echoes: a new engine that did not answer them
printf '%s\n' "lcp-echo-interval 1" "lcp-echo-failure 3" >>"$run/ppp.opts"

ip netns exec lac xl2tpd -D -c "$run/xl2tpd.conf" -s /dev/null -C "$run/control" \
	-p "$run/xl2tpd.pid" >"$out/xl2tpd.log" 2>&1 &
lac_pid=$!
L2SECD_TEST_HOOKS=1 ip netns exec gw "$L2SECD" -c "$run/l2sec.conf" >"$out/l2secd.log" 2>&1 &
gw_pid=$!
check "l2secd starts (parent and engine)" wait_for 60 test -S "$run/run/l2secd.sock"
check_eq "the pool's routes on l2sec0, the parent's" "$POOL_RT" "$(pool_rt)"
check "the engine: uid l2sec, CapEff 0, NoNewPrivs 1, Seccomp 2" wait_for 10 engine_sandboxed
check "only the parent has capabilities" only_parent_privileged
e1=$(engine)
cat "/proc/$e1/status" >"$out/engine-status-1.txt" 2>&1

check "xl2tpd starts" wait_for 60 test -p "$run/control"
echo "c gw" >"$run/control"
check "session in the kernel" wait_for 60 kern_is session -eq 1
check "the client's ppp0 has an address from the pool" wait_for 30 lac_up
check "the parent checked the MS-CHAPv2 answer" grep -q "user 'lac' authenticated with MS-CHAPv2" "$out/l2secd.log"
check "the client pings the gateway through the session" \
	ip netns exec lac ping -c 2 -W 5 192.168.42.1
check "the client routed through l2sec0 by the pool's route, none of its own" pool_routed
ctl "show stats" >"$out/stats-1.json"
check "show stats: the pools' use, from the parent" \
	jcheck 'j["pool_size"] == 11 and j["pool_in_use"] == 1' <"$out/stats-1.json"

# --- the engine dies twice under traffic; the client does not notice (issue 17 item 2) ----
# the module's tunnel and session IDs, ours and the client's, one per line
kern_ids() {
	gw "$L2SEC" -j tunnel show 2>/dev/null | grep -oE '"(peer_)?tunnel_id": ?[0-9]+'
	gw "$L2SEC" -j session show 2>/dev/null | grep -oE '"(peer_)?session_id": ?[0-9]+'
}
# the replies ping -D has seen (in $ping_txt)
ping_txt=$out/ping.txt
replies() { grep -c 'icmp_seq=' "$ping_txt"; }
more_replies() { [ "$(replies)" -ge "$1" ]; }
# the largest time between two replies, in ms
max_gap_ms() {
	sed -n 's/^\[\([0-9.]*\)\].*icmp_seq=.*/\1/p' "$ping_txt" |
		awk 'NR > 1 && ($1 - p) * 1000 > m { m = ($1 - p) * 1000 } { p = $1 } END { printf "%d", m }'
}
pppd_same() { [ "$(pgrep -x pppd)" = "$ppp_pid" ] && lac_up; }
resumed() { [ "$(grep -c "privsep: engine resumed 1 tunnel(s) and 1 PPP session(s); 0 record(s) refused" "$out/l2secd.log")" -ge "$1" ]; }
ids1=$(kern_ids)
check "the module has the engine's tunnel and session" test "$(echo "$ids1" | wc -l)" = 4
ppp_pid=$(pgrep -x pppd)
ip netns exec lac ping -D -i 0.05 192.168.42.1 >"$ping_txt" 2>&1 &
ping_pid=$!
check "the client's pings are answered" wait_for 20 more_replies 20

ctl "debug seccomp" >"$out/seccomp.json" 2>&1
check "the engine is killed by SIGSYS, and the parent says so" wait_for 10 \
	grep -q "the engine (pid $e1) was killed by signal 31 .*: a system call its sandbox forbids" \
	"$out/l2secd.log"
check "the parent keeps the established tunnel and session (its log)" wait_for 10 \
	grep -q "privsep: 1 established tunnel(s) and 1 session(s) kept for the next engine" \
	"$out/l2secd.log"
check "a new engine resumes them" wait_for 20 resumed 1
check "the new engine: uid l2sec, CapEff 0, NoNewPrivs 1, Seccomp 2" wait_for 10 engine_sandboxed
e2=$(engine)
check "it is another process" test -n "$e2" -a "$e2" != "$e1"

n=$(replies)
kill -KILL "$e2"
check "kill -9: the parent says so" wait_for 10 \
	grep -q "the engine (pid $e2) was killed by signal 9" "$out/l2secd.log"
check "a third engine resumes them" wait_for 20 resumed 2
e3=$(engine)

# --- SIGHUP with the session up and pinging: the new configuration applies, nothing drops --
# a pool one address larger (its routes change, the session's address stays) and a new user
sed -i 's/^pool = 192.168.42.10-192.168.42.20$/pool = 192.168.42.10-192.168.42.21/' \
	"$run/l2sec.conf"
POOL_RT="192.168.42.10/31 192.168.42.12/30 192.168.42.16/30 192.168.42.20/31 "
echo "lac2 password lac2-pw" >>"$run/users"
reloaded() { grep -c "configuration reloaded from $run/l2sec.conf: a new engine (pid [0-9]*) resumed 1 tunnel(s), 1 session(s)" "$out/l2secd.log"; }
reloads_are() { [ "$(reloaded)" "$1" "$2" ]; }
kill -HUP "$gw_pid"
check "reload with a session up: the parent replaces the engine" wait_for 10 \
	grep -q "reload: replacing the engine (pid $e3)" "$out/l2secd.log"
# two more while it is replaced: one reload after it, a second later at the earliest
kill -HUP "$gw_pid"
kill -HUP "$gw_pid"
check "the parent says a new engine resumed the tunnel and session" wait_for 10 \
	reloads_are -ge 1
check "the SIGHUPs during the replacement: one reload after it" wait_for 20 \
	reloads_are -eq 2
check "a fifth engine resumes the tunnel and session" wait_for 20 resumed 4
check "the fifth engine: uid l2sec, CapEff 0, NoNewPrivs 1, Seccomp 2" wait_for 10 engine_sandboxed
e4=$(engine)
check "it is another process" test -n "$e4" -a "$e4" != "$e3"
check "planned replacements, not logged as a crash" \
	sh -c "! grep -q 'the engine (pid $e3) was killed' '$out/l2secd.log'"
# 8 s of pings after the kill (5 after the reload): pppd's and the gateway's echoes, HELLOs
check "the pings go on (8 s more)" wait_for 60 more_replies $((n + 160))
kill "$ping_pid" 2>/dev/null
wait "$ping_pid" 2>/dev/null
gap=$(max_gap_ms)
check "no gap over 1 s in the client's pings across both deaths and the reload (largest: ${gap} ms)" \
	test "$gap" -lt 1000
check "the module's tunnel and session IDs, ours and the client's, unchanged" \
	test "$(kern_ids)" = "$ids1"
check "the client's pppd stayed up (same process, ppp0 up)" pppd_same
ctl "show tunnels" >"$out/tunnels-3.json"
check "the resumed tunnel's HELLOs are acknowledged (no retransmission)" \
	jcheck 'len(j["tunnels"]) == 1 and j["tunnels"][0]["retransmits"] == 0 and j["tunnels"][0]["state"] == "established"' \
	<"$out/tunnels-3.json"
ctl "show stats" >"$out/stats-3.json"
check "show stats: one tunnel and one session resumed, nothing refused; the new pool's size" \
	jcheck 'j["stats"]["tunnels_resumed"] == 1 and j["stats"]["sessions_resumed"] == 1 and j["stats"]["resume_refused"] == 0 and j["pool_in_use"] == 1 and j["pool_size"] == 12' \
	<"$out/stats-3.json"
check "show stats: two engines died and were restarted, two were replaced for reloads" \
	jcheck 'j["privsep"]["engine_restarts"] == 2 and j["privsep"]["engine_reloads"] == 2' \
	<"$out/stats-3.json"
check "no more reloads than those two" reloads_are -eq 2
ctl "show sessions" >"$out/sessions-3.json"
check "show sessions: the session, its user and address kept across the reload" \
	jcheck "len(j['sessions']) == 1 and j['sessions'][0]['user'] == 'lac' and j['sessions'][0]['ipv4'] == '$(lac_addr)'" \
	<"$out/sessions-3.json"
check "routed through l2sec0 by the pool's route still" pool_routed
check "the parent stayed: one l2secd with capabilities" only_parent_privileged

# --- the client hangs up: the resumed tunnel and session are cleared as any -----------------
echo "d gw" >"$run/control"
check "the client's hang-up clears the module's tunnel and session (the pool's routes stay)" \
	wait_for 30 cleared
ctl "show stats" >"$out/stats-4.json"
check "the address is back in the pool, the engine holds nothing" \
	jcheck 'j["pool_in_use"] == 0' <"$out/stats-4.json"
check "the same engine handled it" test "$(engine)" = "$e4"

kill -TERM "$gw_pid"
check "l2secd (both processes) exits after SIGTERM" wait_for 30 \
	sh -c "! kill -0 $gw_pid 2>/dev/null && [ -z \"\$(pgrep -x l2secd)\" ]"
check "l2secd's tunnels, sessions and routes (the pool's too) are gone" all_gone
kill "$lac_pid" 2>/dev/null
wait "$lac_pid" 2>/dev/null

# --- the TUN data path under privsep: the parent pumps the data packets -------------------
sed '/^privsep = yes$/a datapath = tun' "$run/l2sec.conf" >"$run/l2sec-tun.conf"
chmod 600 "$run/l2sec-tun.conf"
mv "$out/l2secd.log" "$out/l2secd-lac.log"
ip netns exec lac xl2tpd -D -c "$run/xl2tpd.conf" -s /dev/null -C "$run/control" \
	-p "$run/xl2tpd.pid" >"$out/xl2tpd-tun.log" 2>&1 &
lac_pid=$!
ip netns exec gw "$L2SECD" -c "$run/l2sec-tun.conf" >"$out/l2secd.log" 2>&1 &
gw_pid=$!
check "tun: l2secd starts, the parent carrying the packets" wait_for 60 \
	grep -q "privsep: the parent carries the tun data path's packets" "$out/l2secd.log"
check "tun: the engine is sandboxed" wait_for 10 engine_sandboxed
wait_for 30 test -p "$run/control"
echo "c gw" >"$run/control"
check "tun: the client's ppp0 has an address from the pool" wait_for 60 lac_up
check "tun: the client routed through the TUN device by the pool's route, none of its own" \
	wait_for 10 pool_routed
check "tun: the module holds nothing" kern_is session -eq 0
ppp_pid=$(pgrep -x pppd)
ping_txt=$out/ping-tun.txt
ip netns exec lac ping -D -i 0.05 192.168.42.1 >"$ping_txt" 2>&1 &
ping_pid=$!
check "tun: the client's pings are answered through the parent" wait_for 20 more_replies 20
# the parent's switch's counters, in the engine's show stats and show sessions
ctl "show stats" >"$out/stats-tun-1.json"
check "tun: show stats has the parent's switch: the pings each way, no drop" jcheck \
	'j["tun"]["rx_packets"] >= 20 and j["tun"]["tx_packets"] >= 20 and j["tun"]["spoofed"] == 0 and j["tun"]["to_engine_dropped"] == 0 and j["ppp"]["tun_tx"] == j["tun"]["rx_packets"]' \
	<"$out/stats-tun-1.json"
ctl "show sessions" >"$out/sessions-tun-1.json"
check "tun: show sessions has the session's data, from the parent (COUNTERS)" jcheck \
	'len(j["sessions"]) == 1 and j["sessions"][0]["rx_packets"] >= 20 and j["sessions"][0]["tx_bytes"] >= 20 * 84' \
	<"$out/sessions-tun-1.json"
e1=$(engine)
n=$(replies)
kill -KILL "$e1"
check "tun: kill -9 of the engine, a new one resumes the tunnel and session" wait_for 20 resumed 1
check "tun: the pings go on (2 s more)" wait_for 30 more_replies $((n + 40))
kill "$ping_pid" 2>/dev/null
wait "$ping_pid" 2>/dev/null
gap=$(max_gap_ms)
check "tun: no gap over 1 s in the client's pings across the death (largest: ${gap} ms)" \
	test "$gap" -lt 1000
check "tun: the client's pppd stayed up" pppd_same
echo "d gw" >"$run/control"
check "tun: after the client's hang-up only the pool's routes are left" wait_for 30 pool_only
ctl "show stats" >"$out/stats-tun.json"
check "tun: the address is back in the pool" jcheck 'j["pool_in_use"] == 0' <"$out/stats-tun.json"
kill -TERM "$gw_pid"
check "tun: l2secd exits after SIGTERM" wait_for 30 \
	sh -c "! kill -0 $gw_pid 2>/dev/null && [ -z \"\$(pgrep -x l2secd)\" ]"
kill "$lac_pid" 2>/dev/null
wait "$lac_pid" 2>/dev/null

# --- [radius] under privsep: the parent signs and verifies, the engine parses ------------
. "$L2SEC_TOP/tests/radius-server.sh"
secret=l2sec-56-radius-secret
mkdir -p "$run/radius"
radius_conf "$run/radius" "$secret" 1812
cat >"$raddb/mods-config/files/authorize" <<'EOF'
papuser Cleartext-Password := "pap-pw"
	Framed-IP-Address = 192.168.42.15,
	Framed-Route += "10.56.1.0/24",
	Framed-Route += "192.168.42.16/30"

msuser Cleartext-Password := "ms-pw"

idleuser Cleartext-Password := "idle-pw"
	Idle-Timeout = 2
EOF
radius_start "$run/radius" ip netns exec gw freeradius
check_eq "FreeRADIUS starts" 0 $?
trap 'kill $radius_pid 2>/dev/null; cp "$run/radius/radiusd.log" "$out/" 2>/dev/null' EXIT
printf '%s\n' "$secret" >"$run/radius-secret"
chmod 600 "$run/radius-secret"
cat >>"$run/l2sec.conf" <<CONF
auth = mschapv2 pap
[radius]
auth-servers = 127.0.0.1:1812
acct-servers = 127.0.0.1:1813
secret-file = $run/radius-secret
auth-source = radius
timeout = 1s
dae-listen = 127.0.0.1
dae-clients = 127.0.0.1
CONF
sed -e 's/^redial = yes/redial = no/' -e 's/^autodial = yes/autodial = no/' \
	-e "s|^pppoptfile = .*|pppoptfile = $run/ppp-r.opts|" "$run/xl2tpd.conf" >"$run/xl2tpd-r.conf"
# rdial USER PASSWORD REFUSE: pppd with these options calls the gateway
rdial() {
	printf '%s\n' "name $1" "password $2" noauth refuse-eap refuse-mschap refuse-chap "$3" \
		nodefaultroute noipdefault ipcp-accept-remote "logfile $out/pppd-$1.log" \
		>"$run/ppp-r.opts"
	echo "c gw" >"$run/control"
}
lac_addr() { ip -n lac -4 -o addr show 2>/dev/null | sed -n 's/.* inet \([0-9.]*\) peer.*/\1/p'; }
acct_detail() { cat "$run"/radius/log/radacct/*/detail-* 2>/dev/null; }
# acct_sid TYPE: the Acct-Session-Id of the first record with Acct-Status-Type TYPE
acct_sid() {
	acct_detail | awk -v RS= -v t="Acct-Status-Type = $1" 'index($0, t)' |
		sed -n 's/.*Acct-Session-Id = "\(.*\)"/\1/p' | head -n 1
}
start_seen() { [ -n "$(acct_sid Start)" ]; }
stop_matches() { [ -n "$(acct_sid Stop)" ] && [ "$(acct_sid Stop)" = "$(acct_sid Start)" ]; }
mv "$out/l2secd.log" "$out/l2secd-tun.log"
ip netns exec lac xl2tpd -D -c "$run/xl2tpd-r.conf" -s /dev/null -C "$run/control" \
	-p "$run/xl2tpd.pid" >"$out/xl2tpd-radius.log" 2>&1 &
lac_pid=$!
ip netns exec gw "$L2SECD" -c "$run/l2sec.conf" >"$out/l2secd.log" 2>&1 &
gw_pid=$!
check "l2secd (privsep) starts with one RADIUS server" wait_for 60 \
	grep -q "radius: 1 authentication server(s), auth-source radius" "$out/l2secd.log"
wait_for 30 test -p "$run/control"
rdial papuser pap-pw refuse-mschap-v2
check "PAP: accepted by RADIUS through the parent" wait_for 60 \
	grep -q "user 'papuser' authenticated with PAP (RADIUS)" "$out/l2secd.log"
check "PAP: the client's address is the server's Framed-IP-Address" wait_for 30 \
	test "$(lac_addr)" = 192.168.42.15
check "PAP: the server has the accounting Start" wait_for 10 start_seen
fr_rt() { gw ip -4 route show proto 178 10.56.1.0/24; }
check "Framed-Route: the parent routed 10.56.1.0/24 via the client, onlink" sh -c \
	"ip netns exec gw ip -4 route show proto 178 10.56.1.0/24 |
	 grep -q 'via 192.168.42.15 dev l2sec0 .*onlink'"
check "Framed-Route: the pool's network refused by the parent's checks, logged" grep -q \
	'Framed-Route 192.168.42.16/30 refused: it overlaps an address pool' "$out/l2secd.log"
check "Framed-Route: l2sec session show has the network" sh -c \
	"ip netns exec gw '$L2SEC' -r '$run/run' session show | grep -q ' framed-routes 10.56.1.0/24 '"
ip -n lac addr add 10.56.1.1/32 dev lo
check "Framed-Route: the gateway pings the client's network through the tunnel" \
	gw ping -c 1 -W 5 10.56.1.1
e1=$(engine)
check_eq "the parent's memory holds the RADIUS secret (what the next check looks for)" \
	found "$(mem_has "$gw_pid" "$secret")"
check_eq "the engine's memory holds no RADIUS secret" clean "$(mem_has "$e1" "$secret")"
kill -KILL "$e1"
check "the engine killed with the session up: a new one resumes it" wait_for 20 resumed 1
check_eq "the new engine sent no second Accounting-On" 1 "$(acct_detail | grep -c Accounting-On)"
check "Framed-Route: the parent kept the route across the engine's death" sh -c \
	"ip netns exec gw ip -4 route show proto 178 10.56.1.0/24 | grep -q 'via 192.168.42.15 '"
check "Framed-Route: the new engine's session show has it (the parent's record)" sh -c \
	"ip netns exec gw '$L2SEC' -r '$run/run' session show | grep -q ' framed-routes 10.56.1.0/24 '"
kill -HUP "$gw_pid"
check "SIGHUP with the RADIUS session up: a new engine resumes it" wait_for 20 resumed 2
check_eq "... with no second Accounting-On" 1 "$(acct_detail | grep -c Accounting-On)"
check "... and the framed route kept" sh -c \
	"ip netns exec gw '$L2SEC' -r '$run/run' session show | grep -q ' framed-routes 10.56.1.0/24 '"
echo "d gw" >"$run/control"
check "PAP: the hang-up clears the session" wait_for 30 cleared
check_eq "Framed-Route: the parent removed the route with the session" "" "$(fr_rt)"
check "PAP: the server has the Stop with the Start's Acct-Session-Id" wait_for 10 stop_matches
rdial msuser ms-pw refuse-pap
check "MS-CHAPv2: accepted by RADIUS, with the new engine" wait_for 60 \
	grep -q "user 'msuser' authenticated with MS-CHAPv2 (RADIUS)" "$out/l2secd.log"
check "MS-CHAPv2: pppd verified the server's MS-CHAP2-Success" wait_for 30 \
	grep -q "CHAP authentication succeeded" "$out/pppd-msuser.log"
# dae NAME SECRET: radclient asks to disconnect msuser; its output in radclient-NAME.log
dae() {
	printf '%s\n' "User-Name = msuser, Message-Authenticator = 0x00" |
		gw radclient -x -r 1 -t 1 127.0.0.1:3799 disconnect "$2" >"$out/radclient-$1.log" 2>&1
	return 0
}
dae forged wrong-secret
check "DAE: a request with another secret gets no answer" grep -q "No reply" \
	"$out/radclient-forged.log"
check "... and the session is still up" lac_up
dae disc "$secret"
check "DAE: a Disconnect-Request gets a Disconnect-ACK, signed by the parent" grep -q \
	"Received Disconnect-ACK" "$out/radclient-disc.log"
# the session goes, its tunnel stays (the LAC's to close)
session_gone() { kern_is session -eq 0 && pool_only; }
check "MS-CHAPv2: the Disconnect-Request ends the session and its route" wait_for 30 \
	session_gone
check "... the server has its Stop, Admin-Reset" wait_for 10 sh -c \
	"cat $run/radius/log/radacct/*/detail-* | grep -q 'Acct-Terminate-Cause = Admin-Reset'"
# idle_stop_packets: Acct-Input-Packets of idleuser's Stop for Idle-Timeout
idle_stop_packets() {
	acct_detail | awk -v RS= -v ORS='\n\n' 'index($0, "User-Name = \"idleuser\"") &&
		index($0, "Acct-Terminate-Cause = Idle-Timeout")' |
		sed -n 's/^[[:space:]]*Acct-Input-Packets = \([0-9]*\)$/\1/p' | head -n 1
}
idle_stop_ok() { local n; n=$(idle_stop_packets); [ -n "$n" ] && [ "$n" -ge 9 ]; }
idle_line="user 'idleuser': no data for 2 s (Idle-Timeout): hanging up"
wait_for 10 sh -c "! ip -n lac -4 -o addr show | grep -q peer"	# the last call's pppd gone
rdial idleuser idle-pw refuse-pap
check "Idle-Timeout: the session is up (a new call on the tunnel)" wait_for 60 lac_up
check "... the client's 9 pings in 2.7 s keep it up past its 2 s" \
	ip netns exec lac ping -c 9 -i 0.3 -w 8 192.168.42.1
check "... not ended meanwhile" sh -c "! grep -q \"$idle_line\" '$out/l2secd.log'"
check "... then it ends idle" wait_for 10 grep -q "$idle_line" "$out/l2secd.log"
check "... its Stop counts the pings (the module's counters, through the parent)" \
	wait_for 10 idle_stop_ok
kill -TERM "$gw_pid"
check "l2secd exits after SIGTERM" wait_for 30 sh -c "! kill -0 $gw_pid 2>/dev/null"
check "... after its Accounting-Off" sh -c "cat $run/radius/log/radacct/*/detail-* | grep -q Accounting-Off"
kill "$lac_pid" "$radius_pid" 2>/dev/null
wait "$lac_pid" 2>/dev/null

# --- [ipsec]: charon managed by the parent -------------------------------------------------
ip netns del gw
ip netns del lac
run=/tmp/l2sec-56i
PSK=l2sec-56-privsep-psk
LC_GLOBAL_LINES="privsep = yes"
LC_REDIAL=yes
mv "$out/l2secd.log" "$out/l2secd-radius.log"
lc_setup 2 ""
# the parent: the oldest l2secd (lc_gw_start's pid file has the shell that started it)
gw_pid=$(pgrep -o -x l2secd)
check "l2secd (privsep) runs" test -n "$gw_pid"
check "c1: connection loaded" lc_client_conf 1 "" ""
check "c2: connection loaded" lc_client_conf 2 "" ""
lc_clients_up 2
tid=${ids[1]%% *}
# ppp_ping N COUNT: cN pings the LAN host out of its PPP interface (its default route
# would reach the LAN too, through the NAT in clear)
ppp_ping() { ip netns exec "c$1" ping -c "$2" -W 3 -I "$(cut -d' ' -f1 "$run/c$1.up")" 198.51.100.2; }

# --- require-ipsec without CAP_NET_RAW: two clients behind one NAT, each through its SA ---
check "the engine: uid l2sec, CapEff 0 with require-ipsec, NoNewPrivs 1, Seccomp 2" \
	wait_for 10 engine_sandboxed
check "only the parent has capabilities" only_parent_privileged
check "c2 pings the LAN host through its session" ppp_ping 2 2
gw "$L2SEC" -j tunnel show >"$out/ipsec-tunnels-2.json"
check "two tunnels from the NAT's address, each bound to an SA of its own" jcheck \
	"len(j) == 2 and all(t['bound'] and t['sa']['mark'] for t in j) and j[0]['sa']['mark'] != j[1]['sa']['mark']" \
	<"$out/ipsec-tunnels-2.json"
check "the parent sent the engine's datagrams: none refused" \
	sh -c "! grep -q \"privsep: a datagram of the engine's\" '$out/l2secd.log'"
pkill -F "$run/c2/xl2tpd.pid" 2>/dev/null	# before its IKE_SA: no redial
lc_sw c2 --terminate --ike l2tp --timeout 30 >>"$out/terminate-c2.log" 2>&1
check "c2 hung up: its tunnel leaves the module" wait_for 30 kern_is tunnel -eq 1
lc_charon_stop c2

check "c1 pings the LAN host through its session" ppp_ping 1 2
gw "$L2SEC" -j tunnel show >"$out/ipsec-tunnel-1.json"
gw "$L2SEC" -r "$run/run" -j session show >"$out/ipsec-session-1.json"
check "the module's tunnel $tid is bound to an SA from the NAT" jcheck \
	"len(j) == 1 and j[0]['tunnel_id'] == $tid and j[0]['bound'] and j[0]['sa']['mark']" \
	<"$out/ipsec-tunnel-1.json"
check "the engine names the same SA (SPI, mark) as the module, from the parent's table" jcheck \
	"len(j) == 1 and j[0]['user'] == 'u1' and j[0]['sa']['spi_in'] == $(jget "j[0]['sa']['spi']" <"$out/ipsec-tunnel-1.json") and j[0]['sa']['mark'] == j[0]['mark'] == $(jget "j[0]['sa']['mark']" <"$out/ipsec-tunnel-1.json") and j[0]['sa']['remote'].startswith('203.0.113.1:')" \
	<"$out/ipsec-session-1.json"
lc_ctl "show stats" >"$out/ipsec-stats-1.json"
check "show stats: the parent's SA table (charon up, one SA)" jcheck \
	"j['ipsec']['charon'] == 'up' and j['ipsec']['sa_count'] == 1 and j['ipsec']['sa_up'] >= 1 and 'refused' in j['ike']" \
	<"$out/ipsec-stats-1.json"
# engine_clear: the control socket shows no session, no SA in the parent's table, and no
# tunnel but closing ones (a tunnel closed for its SA stays closing for the StopCCN's
# retransmission cycle, ~31 s, as RFC 2661 5.7 has it: waiting for that adds nothing)
engine_clear() {
	lc_ctl "show stats" | jcheck "j['sessions'] == 0 and j['ipsec']['sa_count'] == 0" &&
		lc_ctl "show tunnels" |
		jcheck "all(t['state'] == 'closing' for t in j['tunnels'])"
}
e1=$(engine)
check_eq "the parent's memory holds the PSK (what the next check looks for)" found \
	"$(mem_has "$gw_pid" "$PSK")"
check_eq "the engine's memory holds no PSK" clean "$(mem_has "$e1" "$PSK")"

# the engine dies under traffic: the tunnel bound to the live SA is resumed, not redialled
ids_i=$(kern_ids)
check "the module has c1's tunnel and session" test "$(echo "$ids_i" | wc -l)" = 4
ping_txt=$out/ipsec-ping.txt
ip netns exec c1 ping -D -i 0.05 -I "$(cut -d' ' -f1 "$run/c1.up")" 198.51.100.2 \
	>"$ping_txt" 2>&1 &
ping_pid=$!
check "c1's pings are answered" wait_for 20 more_replies 20
n=$(replies)
kill -KILL "$e1"
check "the parent saw the engine killed and kept the tunnel bound to the live SA" wait_for 10 \
	grep -q "privsep: 1 established tunnel(s) and 1 session(s) kept for the next engine" \
	"$out/l2secd.log"
check "a new engine lists the parent's SA" wait_for 20 \
	grep -q "privsep: engine: 1 SA(s) from the parent" "$out/l2secd.log"
check "... and resumes the tunnel and session" wait_for 20 resumed 1
check "the new engine is sandboxed" wait_for 10 engine_sandboxed
check "c1's pings go on (4 s more)" wait_for 60 more_replies $((n + 80))
kill "$ping_pid" 2>/dev/null
wait "$ping_pid" 2>/dev/null
gap=$(max_gap_ms)
check "no gap over 1 s in c1's pings across the death (largest: ${gap} ms)" test "$gap" -lt 1000
check "the module's tunnel and session IDs, ours and c1's, unchanged" test "$(kern_ids)" = "$ids_i"
gw "$L2SEC" -r "$run/run" -j session show >"$out/ipsec-session-2.json"
check "the new engine's resumed session names the SA" jcheck \
	"len(j) == 1 and j[0]['user'] == 'u1' and j[0]['sa']['mark'] == j[0]['mark'] == $(jget "j[0]['sa']['mark']" <"$out/ipsec-tunnel-1.json")" \
	<"$out/ipsec-session-2.json"

lc_sw c1 --terminate --ike l2tp --timeout 30 >>"$out/terminate-c1.log" 2>&1
check "the client's IKE_SA deleted: its tunnel leaves the module" wait_for 30 kern_is tunnel -eq 0
check "... the engine's session and the parent's SA (show stats); its tunnel closing" \
	wait_for 10 engine_clear
check "the engine logged the tunnel cleared with its SA" grep -q "ipsec: tunnel .* cleared" "$out/l2secd.log"
kill -TERM "$gw_pid"
check "l2secd (both processes) exits after SIGTERM" wait_for 30 \
	sh -c "! kill -0 $gw_pid 2>/dev/null && [ -z \"\$(pgrep -x l2secd)\" ]"
pkill -F "$run/c1/xl2tpd.pid" 2>/dev/null
lc_charon_stop c1
lc_charon_stop gw
t_done
