# vm-kernel: 6.1
# RADIUS dynamic authorization (RFC 5176, issue 21 items 6 and 8): Debian's radclient
# as the server's side, against a session of xl2tpd + pppd through l2secd, with
# accounting to a real FreeRADIUS (tests/radius-server.sh):
# - a request from an address that is not a dae-client gets no answer and changes
#   nothing (counted); one signed with a wrong secret neither;
# - a Disconnect-Request naming no session: Disconnect-NAK, Session-Context-Not-Found;
# - a CoA-Request with Session-Timeout = 4: CoA-ACK, and the session ends about 4 s
#   later (the timer restarts from the CoA), accounting Stop with Session-Timeout;
# - a Disconnect-Request with the session's Acct-Session-Id (from `l2sec session
#   show`), our NAS-Identifier and an Event-Timestamp: Disconnect-ACK, the client's
#   PPP link goes down, accounting Stop with Admin-Reset;
# - `l2sec daemon show -s` and `show stats` have the client's counters.
# vm-timeout: 180
. "$L2SEC_TOP/tests/vm/lib.sh"
. "$L2SEC_TOP/tests/radius-server.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-54
L2SECD=$L2SEC_BUILD/l2secd
secret=l2sec-54-secret
dae_secret=l2sec-54-dae
gw() { ip netns exec gw "$@"; }
ctl() { l2secd_ctl "$run/run/l2secd.sock" "$1"; }
sessions() { gw "$L2SEC" -j session show 2>/dev/null | grep -o '"session_id"' | wc -l; }
no_sessions() { [ "$(sessions)" = 0 ]; }
no_tunnels() { ! gw "$L2SEC" -j tunnel show 2>/dev/null | grep -q '"tunnel_id"'; }
acct_stop_cause() {
	cat "$run"/radius/log/radacct/*/detail-* 2>/dev/null |
		awk -v RS= -v ORS='\n\n' 'index($0, "User-Name = \"dae1\"") &&
			index($0, "Acct-Status-Type = Stop")' | grep -q "Acct-Terminate-Cause = $1"
}
# dae NS NAME KIND SECRET ATTRS: radclient in namespace NS sends KIND (disconnect, coa)
# to the gateway's DAE port, its output in $out/radclient-NAME.log
dae() {
	printf '%s\n' "$5" | ip netns exec "$1" radclient -x -r 1 -t 1 192.0.2.1:3799 "$3" "$4" \
		>"$out/radclient-$2.log" 2>&1
	return 0
}
got() { grep -q "$2" "$out/radclient-$1.log"; }
hang_up() {
	echo "d gw" >"$run/control"
	wait_for 30 no_sessions && wait_for 30 no_tunnels
}
dae_stat() {
	ctl "show stats" | jget "j['radius']['dae']['clients'][0]['stats']['$1']"
}

rm -rf "$run"
mkdir -p "$run/run" "$run/radius"
lac_topology

# --- FreeRADIUS for accounting, l2secd with the users file and DAE on 192.0.2.1 --------------
radius_conf "$run/radius" "$secret" 1812
radius_start "$run/radius" ip netns exec gw freeradius
check_eq "FreeRADIUS starts" 0 $?
trap 'kill $radius_pid 2>/dev/null; cp "$run/radius/radiusd.log" "$out/" 2>/dev/null' EXIT

echo "$dae_secret" >"$run/dae.secret"
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
auth = pap
local-address = 192.168.42.1
pool = 192.168.42.10-192.168.42.20
lcp-echo-interval = 60s
[radius]
acct-servers = 127.0.0.1:1813
secret = $secret
nas-identifier = gw54
dae-listen = 192.0.2.1
dae-clients = 192.0.2.1=$run/dae.secret
CONF
echo "dae1 password dae1-pw" >"$run/users"
chmod 600 "$run/users" "$run/l2sec.conf" "$run/dae.secret"
ip netns exec gw "$L2SECD" -c "$run/l2sec.conf" >"$out/l2secd.log" 2>&1 &
gw_pid=$!
check "l2secd listens for dynamic authorization" wait_for 60 \
	grep -q "radius: dynamic authorization on 192.0.2.1, 1 client(s)" "$out/l2secd.log"
lac_dial_start "$run"

lac_dial "$run" dae1 dae1-pw refuse-chap refuse-mschap-v2
check "the client's PPP link is up" wait_for 60 lac_ppp_up

# --- refused: a stranger, a wrong secret, no such session ---------------------------------
dae lac stranger disconnect "$dae_secret" "User-Name = dae1, Message-Authenticator = 0x00"
check "a request from an address not configured gets no answer" got stranger "No reply"
dae gw forged disconnect wrong-secret "User-Name = dae1, Message-Authenticator = 0x00"
check "a request with a wrong secret gets no answer" got forged "No reply"
check "... and the session is still up" lac_ppp_up
dae gw nobody disconnect "$dae_secret" "User-Name = nobody, Message-Authenticator = 0x00"
check "no such session: Disconnect-NAK, Session-Context-Not-Found" sh -c \
	"grep -q 'Received Disconnect-NAK' '$out/radclient-nobody.log' &&
	 grep -q 'Error-Cause = Session-Context-Not-Found' '$out/radclient-nobody.log'"

# --- CoA: Session-Timeout from now ----------------------------------------------------------
dae gw coa coa "$dae_secret" "User-Name = dae1, Session-Timeout = 4, Message-Authenticator = 0x00"
coa_at=$SECONDS
check "CoA with Session-Timeout: CoA-ACK" got coa "Received CoA-ACK"
check "the session ends at the CoA's Session-Timeout" wait_for 30 grep -q \
	"user 'dae1': the RADIUS Session-Timeout is over: hanging up" "$out/l2secd.log"
check "... not before (4 s after the CoA)" test $((SECONDS - coa_at)) -ge 3
check "... the client's link is down" wait_for 30 sh -c "! ip -n lac -4 -o addr show | grep -q peer"
check "... accounting Stop with Session-Timeout" wait_for 10 acct_stop_cause Session-Timeout
hang_up

# --- Disconnect by Acct-Session-Id ----------------------------------------------------------
lac_dial "$run" dae1 dae1-pw refuse-chap refuse-mschap-v2
check "the client's PPP link is up again" wait_for 60 lac_ppp_up
sid=$(gw "$L2SEC" -r "$run/run" -j session show 2>/dev/null | sed -n 's/.*"acct_session_id": *"\([^"]*\)".*/\1/p' |
	head -n 1)
check "l2sec session show has the Acct-Session-Id" test -n "$sid"
dae gw disc disconnect "$dae_secret" "Acct-Session-Id = \"$sid\", NAS-Identifier = gw54, \
Event-Timestamp = $(date +%s), Message-Authenticator = 0x00"
check "Disconnect-Request: Disconnect-ACK" got disc "Received Disconnect-ACK"
check "... the client's PPP link goes down" wait_for 30 sh -c \
	"! ip -n lac -4 -o addr show | grep -q peer"
check "... the session is gone" wait_for 30 no_sessions
check "... accounting Stop with Admin-Reset" wait_for 10 acct_stop_cause Admin-Reset
check "l2secd logged the Disconnect-Request" grep -q \
	"user 'dae1': a RADIUS Disconnect-Request: hanging up" "$out/l2secd.log"

# --- counters -------------------------------------------------------------------------------
ctl "show stats" >"$out/stats.json"
check "show stats: 2 ACKs, 1 NAK, 1 bad authenticator, 1 unknown client" jcheck \
	'([(c["client"], c["stats"]["acks"], c["stats"]["naks"], c["stats"]["bad_authenticator"])
	   for c in j["radius"]["dae"]["clients"]] == [("192.0.2.1/32", 2, 1, 1)] and
	  j["radius"]["dae"]["stats"]["unknown_client"] == 1)' <"$out/stats.json"
gw "$L2SEC" -r "$run/run" -s daemon show >"$out/daemon-show.txt" 2>&1
check "l2sec daemon show -s has the DAE client and its counters" sh -c \
	"grep -q 'radius-dae 192.0.2.1/32' '$out/daemon-show.txt' &&
	 grep -Eq 'acks +2' '$out/daemon-show.txt'"

kill "$lac_pid" 2>/dev/null
kill -TERM "$gw_pid"
check "l2secd stops" wait_for 30 sh -c "! kill -0 $gw_pid 2>/dev/null"
t_done
