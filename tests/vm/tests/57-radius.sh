# vm-kernel: 6.1
# l2secd authenticating PPP through a real FreeRADIUS (issue 21, items 1-3 and 7):
# FreeRADIUS (tests/radius-server.sh) in the gateway's namespace with users in its
# users file, l2secd with [radius] auth-source = radius, and an xl2tpd + pppd LAC
# dialling once per method:
# - PAP, CHAP-MD5 and MS-CHAPv2 users are accepted by the server (the users file
#   of l2secd is empty); pppd checks MS-CHAP2-Success, which the server computed;
# - the Framed-IP-Address the server assigns is the client's address; its Framed-Pool
#   names the [ppp] named-pools pool the address comes from (item 4);
# - the server's Idle-Timeout hangs an idle session up, Acct-Terminate-Cause Idle-Timeout;
# - its split tunnel (MS-Primary-DNS-Server, l2sec's attributes of dist/dictionary.l2sec)
#   is what the client's IPCP and DHCPINFORM answers carry;
# - a wrong password is rejected, and the server's Reply-Message reaches the log;
# - `daemon show` (show stats) has the server's state and counters;
# - accounting (item 5) to the same server: Accounting-On at start, a Start and a
#   Stop per session with its Acct-Session-Id, the Stop with the module's octet and
#   packet counters after a ping and the cause (User-Request, Session-Timeout),
#   `l2sec session show` the accounting state, Accounting-Off at SIGTERM;
# - Framed-Route (item 4): the PAP user's network behind the client (a loopback
#   address of the LAC's namespace) is routed "via CLIENT dev l2sec0 onlink": the
#   gateway reaches it through the tunnel, the client sends from it, a source of
#   another network is dropped as spoofed-source; the default route and a pool's
#   network are refused (logged, the session up); the route goes at hang-up.
# - Framed-IPv6-Route: the PAP user's IPv6 prefix behind the client is routed
#   "via CLIENT6 dev l2sec0 onlink" (CLIENT6 an address of the session's /64) once
#   its IPv6CP is up: l2sec.ko sends the gateway's packets to it through the session
#   (by the route's gateway) and takes the client's packets from it; a source of a
#   prefix not routed to it is dropped as spoofed-source; one inside the IPv6 pool is
#   refused (logged); `l2sec session show` lists it; it goes at hang-up.
# vm-timeout: 300
. "$L2SEC_TOP/tests/vm/lib.sh"
. "$L2SEC_TOP/tests/radius-server.sh"
# the client's DHCPINFORM sender, started now: scapy's import overlaps with the setup
pkt_serve 57 inform.py
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-57
L2SECD=$L2SEC_BUILD/l2secd
secret=l2sec-57-secret
gw() { ip netns exec gw "$@"; }
ctl() { l2secd_ctl "$run/run/l2secd.sock" "$1"; }
sessions() { gw "$L2SEC" -j session show 2>/dev/null | grep -o '"session_id"' | wc -l; }
no_sessions() { [ "$(sessions)" = 0 ]; }
no_tunnels() { ! gw "$L2SEC" -j tunnel show 2>/dev/null | grep -q '"tunnel_id"'; }
# the client's PPP address (its interface is ppp0, ppp1, ...: pppd numbers them anew)
lac_addr() { ip -n lac -4 -o addr show 2>/dev/null | sed -n 's/.* inet \([0-9.]*\) peer.*/\1/p'; }
lac_up() { [ -n "$(lac_addr)" ]; }
lac_iface() { ip -n lac -4 -o addr show 2>/dev/null | sed -n 's/^[0-9]*: \([^ ]*\) .* peer .*/\1/p'; }
in_staff() { lac_addr | grep -Eq '^192\.168\.43\.1[0-2]$'; }
# acct_rec USER TYPE: FreeRADIUS's detail records of USER with Acct-Status-Type TYPE
acct_rec() {
	cat "$run"/radius/log/radacct/*/detail-* 2>/dev/null |
		awk -v RS= -v ORS='\n\n' -v u="User-Name = \"$1\"" -v t="Acct-Status-Type = $2" \
			'index($0, u) && index($0, t)'
}
acct_has() { acct_rec "$1" "$2" | grep -q .; }
acct_on() { cat "$run"/radius/log/radacct/*/detail-* 2>/dev/null | grep -q 'Accounting-On'; }
acct_off() { cat "$run"/radius/log/radacct/*/detail-* 2>/dev/null | grep -q 'Accounting-Off'; }
acct_cause() { acct_rec "$1" Stop | grep -q "Acct-Terminate-Cause = $2"; }
pap_stop_ok() {
	local f=$out/acct-stop-pap.txt
	grep -Eq 'Acct-Input-Octets = [1-9]' "$f" && grep -Eq 'Acct-Output-Octets = [1-9]' "$f" &&
		grep -Eq 'Acct-Input-Packets = ([2-9]|[1-9][0-9]+)$' "$f" &&
		grep -q 'Acct-Terminate-Cause = User-Request' "$f" &&
		grep -q 'Calling-Station-Id = "192.0.2.2:1701"' "$f"
}
acct_shown() {
	gw "$L2SEC" -r "$run/run" session show 2>/dev/null |
		grep -Eq 'acct-session [0-9a-f]{8}-[0-9a-f]{8} acct started'
}

rm -rf "$run"
mkdir -p "$run/run" "$run/radius"
lac_topology

# --- FreeRADIUS on the gateway's loopback ------------------------------------------------
radius_conf "$run/radius" "$secret" 1812
cp "$L2SEC_TOP/dist/dictionary.l2sec" "$raddb/"
echo '$INCLUDE dictionary.l2sec' >>"$raddb/dictionary"
cat >"$raddb/mods-config/files/authorize" <<'EOF'
papuser Cleartext-Password := "pap-pw"
	Reply-Message = "Welcome, papuser",
	Framed-Pool = "staff",
	MS-Primary-DNS-Server = 192.168.42.53,
	L2sec-Split-Route += "10.50.0.0/16",
	L2sec-Split-Route += "10.60.0.0/24",
	L2sec-DNS-Domain = "corp57.example",
	Framed-Route += "10.57.1.0/24",
	Framed-Route += "0.0.0.0/0",
	Framed-Route += "192.168.42.0/28 0.0.0.0 1",
	Framed-IPv6-Route += "2001:db8:5701::/48 :: 1",
	Framed-IPv6-Route += "2001:db8:57:f0::/60"

chapuser Cleartext-Password := "chap-pw"
	Framed-IP-Address = 192.168.42.150,
	Class = "gold",
	Idle-Timeout = 4

msuser Cleartext-Password := "ms-pw"
	Session-Timeout = 3
EOF
# radiusd is this shell's child (radius_pid): started outside check's subshell
radius_start "$run/radius" ip netns exec gw freeradius
check_eq "FreeRADIUS starts" 0 $?
trap 'kill $radius_pid 2>/dev/null; cp "$run/radius/radiusd.log" "$out/" 2>/dev/null' EXIT

# --- l2secd: RADIUS alone decides -----------------------------------------------------------
cat >"$run/l2sec.conf" <<CONF
[global]
log-level = info
runtime-dir = $run/run
[l2tp]
listen = 192.0.2.1
hostname = gw
require-ipsec = no
[ppp]
users = $run/users
auth = mschapv2 chap-md5 pap
local-address = 192.168.42.1
pool = 192.168.42.10-192.168.42.20
named-pools = staff:192.168.43.10-192.168.43.12
ipv6 = yes
ipv6-prefix = 2001:db8:57::/56
auth-fail-delay = 200ms
lcp-echo-interval = 60s
[radius]
auth-servers = 127.0.0.1:1812
secret = $secret
timeout = 1s
retries = 1
nas-identifier = gw57
auth-source = radius
framed-ip-outside-pool = yes
acct-servers = 127.0.0.1:1813
CONF
: >"$run/users"
chmod 600 "$run/users" "$run/l2sec.conf"
check "the configuration is valid (l2secd -n)" "$L2SECD" -n -c "$run/l2sec.conf"
# not through gw(): a function in the background is a subshell, not l2secd, for kill
ip netns exec gw "$L2SECD" -c "$run/l2sec.conf" >"$out/l2secd.log" 2>&1 &
gw_pid=$!
check "l2secd starts with one RADIUS server" wait_for 60 \
	grep -q "radius: 1 authentication server(s), auth-source radius" "$out/l2secd.log"

# --- the LAC: one call at a time, pppd's options per case ------------------------------------
lac_dial_start "$run"
# dial USER PASSWORD REFUSE...: pppd with these refuse-* options calls the gateway
dial() { lac_dial "$run" "$@"; }
# the call and its tunnel gone: xl2tpd reads its next command apart from this one
hang_up() {
	echo "d gw" >"$run/control"
	wait_for 30 no_sessions && wait_for 30 no_tunnels
}

dial papuser pap-pw refuse-chap refuse-mschap-v2 usepeerdns +ipv6
check "PAP: the client's ppp0 is up" wait_for 60 lac_up
check "PAP: accepted by RADIUS" grep -q "user 'papuser' authenticated with PAP (RADIUS)" \
	"$out/l2secd.log"
check "PAP: the address is the server's Framed-Pool's" in_staff
check "PAP: l2sec session show names the pool" sh -c \
	"ip netns exec gw '$L2SEC' -r '$run/run' session show | grep -q ' pool staff '"
check "PAP: two pings through the tunnel" ip netns exec lac ping -c 2 -i 0.2 -W 5 192.168.42.1
# the network behind the client, and one that is not
ip -n lac addr add 10.57.1.1/32 dev lo
ip -n lac addr add 10.58.1.1/32 dev lo
spoofs() { gw "$L2SEC" -j stats | jget 'j["stats"]["drops"]["spoof"]'; }
fr_routes() { gw ip -4 route show proto 0xb2 10.57.1.0/24; }
check "Framed-Route: 10.57.1.0/24 via the client, onlink, on the kernel data path" sh -c \
	"ip netns exec gw ip -4 route show proto 0xb2 10.57.1.0/24 |
	 grep -q 'via $(lac_addr) dev l2sec0 .*onlink' &&
	 grep -q \"user 'papuser' is up at .* (kernel data path)\" '$out/l2secd.log'"
check "Framed-Route: the default route and the pool's network refused, logged" sh -c \
	"grep -q 'Framed-Route 0.0.0.0/0 refused: a default route' '$out/l2secd.log' &&
	 grep -q 'Framed-Route 192.168.42.0/28 refused: it overlaps an address pool' '$out/l2secd.log'"
check "Framed-Route: l2sec session show has the network, and the IPv6 prefix" wait_for 30 sh -c \
	"ip netns exec gw '$L2SEC' -r '$run/run' session show |
	 grep -q ' framed-routes 10.57.1.0/24,2001:db8:5701::/48 '"
check "Framed-Route: the gateway pings the client's network through the tunnel" \
	gw ping -c 2 -i 0.2 -W 5 10.57.1.1
check "Framed-Route: the client sends from its network" \
	ip netns exec lac ping -c 1 -W 5 -I 10.57.1.1 192.168.42.1
sp0=$(spoofs)
check_fails "Framed-Route: a source of another network gets no answer" \
	ip netns exec lac ping -c 2 -i 0.2 -W 1 -I 10.58.1.1 192.168.42.1
check_eq "Framed-Route: its packets dropped as spoofed-source" "$((sp0 + 2))" "$(spoofs)"
# Framed-IPv6-Route: the prefix behind the client, through an address of its /64
fr6_routes() { gw ip -6 route show proto 0xb2 2001:db8:5701::/48; }
check "Framed-IPv6-Route: 2001:db8:5701::/48 via the client's /64 on l2sec0" wait_for 30 sh -c \
	"ip netns exec gw ip -6 route show proto 0xb2 2001:db8:5701::/48 |
	 grep -q 'via 2001:db8:57:[0-9a-f:]* dev l2sec0'"
check "Framed-IPv6-Route: the one inside the IPv6 pool refused, logged" grep -q \
	'Framed-IPv6-Route 2001:db8:57:f0::/60 refused: it overlaps an address pool' \
	"$out/l2secd.log"
gw ip -6 addr add 2001:db8:57ff::1/128 dev lo
ip -n lac -6 addr add 2001:db8:5701::1/128 dev lo
ip -n lac -6 addr add 2001:db8:5801::1/128 dev lo
ip -n lac -6 route add 2001:db8:57ff::/64 dev "$(lac_iface)"
check "Framed-IPv6-Route: the gateway pings the client's prefix through the tunnel" \
	gw ping -6 -c 2 -i 0.2 -W 5 -I 2001:db8:57ff::1 2001:db8:5701::1
check "Framed-IPv6-Route: the client sends from its prefix" \
	ip netns exec lac ping -6 -c 1 -W 5 -I 2001:db8:5701::1 2001:db8:57ff::1
sp0=$(spoofs)
check_fails "Framed-IPv6-Route: a source of a prefix not routed to the client gets no answer" \
	ip netns exec lac ping -6 -c 2 -i 0.2 -W 1 -I 2001:db8:5801::1 2001:db8:57ff::1
check_eq "Framed-IPv6-Route: its packets dropped as spoofed-source" "$((sp0 + 2))" "$(spoofs)"
check "PAP: IPCP gave the server's DNS server" grep -Eq \
	'primary +DNS address 192\.168\.42\.53' "$out/pppd-papuser.log"
check "DHCPINFORM sender ready" pkt_ready 57
pkt 57 lac "$(lac_addr)" "$(lac_iface)" >"$out/inform-pap.json" 2>&1
check "PAP: DHCPINFORM has the server's split routes, DNS server and domain" jcheck \
	'((r := j["reply"]) and (o := r["options"]) and
	  o["121"] == ["10.50.0.0/16 via 192.168.42.1", "10.60.0.0/24 via 192.168.42.1"] and
	  o["6"] == ["192.168.42.53"] and o["15"] == "corp57.example")' <"$out/inform-pap.json"
check "accounting: Accounting-On at start" acct_on
check "PAP: the server has the accounting Start" wait_for 10 acct_has papuser Start
check "PAP: l2sec session show has the accounting state" wait_for 10 acct_shown
check "PAP: the server got NAS-Identifier and Calling-Station-Id" sh -c \
	"grep -q 'NAS-Identifier = \"gw57\"' '$run/radius/radiusd.log' &&
	 grep -q 'Calling-Station-Id = \"192.0.2.2:1701\"' '$run/radius/radiusd.log'"
check "PAP: hung up" hang_up
check_eq "Framed-Route: the route is gone with the session" "" "$(fr_routes)"
check_eq "Framed-IPv6-Route: the route is gone with the session" "" "$(fr6_routes)"
check "PAP: the server has the accounting Stop" wait_for 10 acct_has papuser Stop
acct_rec papuser Stop >"$out/acct-stop-pap.txt"
pap_sid=$(sed -n 's/.*Acct-Session-Id = "\(.*\)"/\1/p' "$out/acct-stop-pap.txt" | head -n 1)
acct_rec papuser Start >"$out/acct-start-pap.txt"
check "PAP: the Stop has the Start's Acct-Session-Id" grep -q \
	"Acct-Session-Id = \"${pap_sid:-none}\"" "$out/acct-start-pap.txt"
check "PAP: the Stop has the ping's octets and packets, and the client's hang-up" pap_stop_ok

dial chapuser chap-pw refuse-pap refuse-mschap-v2
check "CHAP-MD5: the client's ppp0 is up" wait_for 60 lac_up
# at once: the server's Idle-Timeout (4 s) ends this session soon
gw "$L2SEC" -r "$run/run" session show >"$out/session-show-chap.txt" 2>&1
check "CHAP-MD5: accepted by RADIUS" \
	grep -q "user 'chapuser' authenticated with CHAP-MD5 (RADIUS)" "$out/l2secd.log"
check_eq "CHAP-MD5: the server's Framed-IP-Address is the client's" 192.168.42.150 "$(lac_addr)"
check "CHAP-MD5: l2sec session show has the server's Class" grep -q \
	"user chapuser auth chap-md5 class gold" "$out/session-show-chap.txt"
check "CHAP-MD5: the server's Idle-Timeout (4 s) hangs the idle session up" wait_for 30 \
	grep -q "user 'chapuser': no data for 4 s (Idle-Timeout): hanging up" "$out/l2secd.log"
check "CHAP-MD5: the accounting Stop says Idle-Timeout" wait_for 10 \
	acct_cause chapuser Idle-Timeout
check "CHAP-MD5: hung up" hang_up

dial msuser ms-pw refuse-pap refuse-chap
check "MS-CHAPv2: the client's ppp0 is up" wait_for 60 lac_up
check "MS-CHAPv2: accepted by RADIUS" \
	grep -q "user 'msuser' authenticated with MS-CHAPv2 (RADIUS)" "$out/l2secd.log"
# pppd refuses a Success whose authenticator response is not the password's
check "MS-CHAPv2: pppd verified the server's MS-CHAP2-Success" \
	grep -q "CHAP authentication succeeded" "$out/pppd-msuser.log"
check "MS-CHAPv2: the server's Session-Timeout (3 s) hangs up" wait_for 30 grep -q \
	"user 'msuser': the RADIUS Session-Timeout is over: hanging up" "$out/l2secd.log"
check "MS-CHAPv2: the session is gone" wait_for 30 no_sessions
check "MS-CHAPv2: the accounting Stop says Session-Timeout" wait_for 10 \
	acct_cause msuser Session-Timeout
check "MS-CHAPv2: hung up" hang_up

dial msuser wrong-pw refuse-pap refuse-chap
check "a wrong password is rejected with the server's Reply-Message" wait_for 30 grep -q \
	"MS-CHAPv2 authentication failed for user 'msuser': rejected by the RADIUS server: \"Wrong user name or password\"" \
	"$out/l2secd.log"
check "a wrong password: pppd was refused" wait_for 30 grep -qi "authentication failed" \
	"$out/pppd-msuser.log"
echo "d gw" >"$run/control"

ctl "show stats" >"$out/stats.json"
check "show stats: the server alive, 3 accepts, a reject, nothing malformed" jcheck \
	'[(s["state"], s["stats"]["accepts"], s["stats"]["rejects"] >= 1, s["stats"]["malformed"],
	   s["stats"]["bad_authenticator"])
	  for s in j["radius"]["servers"]] == [("alive", 3, True, 0, 0)]' <"$out/stats.json"
gw "$L2SEC" -r "$run/run" daemon show >"$out/daemon-show.txt" 2>&1
check "show stats: two framed routes added (IPv4, IPv6), three refused" jcheck \
	'(j["ppp"]["froute_added"], j["ppp"]["froute_refused"]) == (2, 3)' <"$out/stats.json"
check "l2sec daemon show names the RADIUS server" grep -q "127.0.0.1:1812" "$out/daemon-show.txt"

kill "$lac_pid" 2>/dev/null
kill -TERM "$gw_pid"
check "l2secd stops" wait_for 30 sh -c "! kill -0 $gw_pid 2>/dev/null"
check "l2secd logged its stop" grep -q "l2secd stopped" "$out/l2secd.log"
check "accounting: Accounting-Off at the clean stop" acct_off
t_done
