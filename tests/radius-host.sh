#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The RADIUS client (daemon/radius/) against a real FreeRADIUS on the host,
# through build/tests/radius-probe (the client on the daemon's event loop):
# PAP, CHAP and MS-CHAPv2 users (the MS-CHAP2-Success checked against the
# authenticator response ppp/mschap.c computes), a wrong password rejected
# with its Reply-Message, accounting Start, Interim-Update and Stop
# acknowledged and written by the server with their 64-bit counters (the
# client's, and l2secd's accounting records with aaa.h's), a
# dead first server failed over to the second; and RFC 5176's Disconnect- and
# CoA-Requests from radclient verified and answered.
#
# radiusd runs in the foreground as this script's child, from a throwaway
# copy of /etc/freeradius/3.0 with its own site on 127.0.0.1 and high ports,
# its own clients and users; the host's FreeRADIUS service is never touched.
# RADIUS_SEEDS=DIR writes the packets exchanged there (the fuzz corpus seeds of
# tests/fuzz/corpus/radius/); RADIUS_KEEP=1 keeps the server's directory and log.
# Last line: "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
probe=build/tests/radius-probe
secret=l2sec-radius-test
port=${RADIUS_PORT:-21812}	# auth; accounting on port + 1
dead_port=$((port + 100))	# nothing listens there
pass=0
fail=0

ok() { echo "ok - radius: $1"; pass=$((pass + 1)); }
not_ok() {
	echo "not ok - radius: $1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/    /'
	fail=$((fail + 1))
}

radiusd=$(command -v freeradius || command -v radiusd || true)
if [ -z "$radiusd" ] || [ ! -d /etc/freeradius/3.0 ]; then
	not_ok "FreeRADIUS is not installed (tests/install-deps.sh installs freeradius)"
	echo "$pass passed, $fail failed"
	exit 1
fi
[ -x "$probe" ] || make -s "$probe" || exit 1

dir=$(mktemp -d /tmp/l2sec-radius.XXXXXX)
pid=
dae_pid=
back_pid=
cleanup() {
	[ -n "$dae_pid" ] && kill "$dae_pid" 2>/dev/null
	[ -n "$back_pid" ] && kill "$back_pid" 2>/dev/null && wait "$back_pid" 2>/dev/null
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ -n "${RADIUS_KEEP:-}" ] && echo "# kept $dir" || rm -rf "$dir"
}
trap cleanup EXIT

# The server: tests/radius-server.sh's, with these users.
. "$top/tests/radius-server.sh"
radius_conf "$dir" "$secret" "$port"
cat > "$raddb/mods-config/files/authorize" <<'EOF'
papuser Cleartext-Password := "pap secret"
	Framed-IP-Address = 10.8.0.10,
	Session-Timeout = 3600,
	Class = "gold",
	Reply-Message = "Welcome, papuser"

chapuser Cleartext-Password := "chap secret"
	Framed-IP-Address = 10.8.0.11,
	Session-Timeout = 1800,
	Class = "silver",
	Reply-Message = "Welcome, chapuser"

msuser Cleartext-Password := "ms secret"
	Framed-IP-Address = 10.8.0.12,
	Session-Timeout = 900,
	Class = "bronze",
	Framed-Route = "10.1.0.0/16 0.0.0.0 1",
	Reply-Message = "Welcome, msuser"
EOF

radius_start "$dir" "$radiusd"
started=$?
pid=$radius_pid
if [ $started != 0 ]; then
	not_ok "radiusd did not start" "$(tail -n 30 "$dir/radiusd.log")"
	echo "$pass passed, $fail failed"
	exit 1
fi

seeds=()
if [ -n "${RADIUS_SEEDS:-}" ]; then
	mkdir -p "$RADIUS_SEEDS"
	seeds=(-w "$RADIUS_SEEDS")
fi
auth=(-s "127.0.0.1:$port" -k "$secret" -t 1000 -r 1 "${seeds[@]}")
acct=(-s "127.0.0.1:$((port + 1))" -k "$secret" -t 1000 -r 1 "${seeds[@]}")

# expect NAME WANT-STATUS PATTERN... -- PROBE-ARGS: run the probe, check its
# exit status and that its output has every pattern.
expect() {
	local name=$1 want=$2 out rc pat
	shift 2
	local pats=()
	while [ "$1" != -- ]; do
		pats+=("$1")
		shift
	done
	shift
	out=$("$probe" "$@" 2>"$dir/probe.err")
	rc=$?
	if [ "$rc" != "$want" ]; then
		not_ok "$name (exit $rc, not $want)" "$out" "$(cat "$dir/probe.err")"
		return
	fi
	for pat in "${pats[@]}"; do
		if ! grep -qF -- "$pat" <<< "$out"; then
			not_ok "$name ('$pat' missing)" "$out" "$(cat "$dir/probe.err")"
			return
		fi
	done
	ok "$name"
}

expect "PAP user accepted with what the server assigns" 0 \
	"code=Access-Accept server=0" "framed-ip=10.8.0.10" "session-timeout=3600" \
	"class=gold" 'reply-message="Welcome, papuser"' -- "${auth[@]}" pap papuser "pap secret"
expect "wrong PAP password rejected with the Reply-Message" 2 \
	"code=Access-Reject" 'reply-message="Wrong user name or password"' -- \
	"${auth[@]}" pap papuser "pap secreT"
expect "CHAP user accepted" 0 "code=Access-Accept" "framed-ip=10.8.0.11" "class=silver" -- \
	"${auth[@]}" chap chapuser "chap secret"
expect "wrong CHAP password rejected" 2 "code=Access-Reject" -- \
	"${auth[@]}" chap chapuser "chap secrets"
expect "MS-CHAPv2 user accepted, MS-CHAP2-Success verified" 0 "code=Access-Accept" \
	"framed-ip=10.8.0.12" "route=10.1.0.0/16" "mschapv2=verified" -- \
	"${auth[@]}" mschapv2 msuser "ms secret"
expect "wrong MS-CHAPv2 password rejected" 2 "code=Access-Reject" -- \
	"${auth[@]}" mschapv2 msuser "ms secreT"
expect "a client secret the server does not know gets no answer" 1 "error=" -- \
	-s "127.0.0.1:$port" -k wrong-secret -t 300 -r 0 pap papuser "pap secret"

for kind in start interim stop; do
	expect "accounting $kind acknowledged" 0 "code=Accounting-Response" -- \
		"${acct[@]}" acct "$kind" l2sec-0001 papuser
done
# the server wrote the Stop with the 64-bit counter split into Gigawords
detail=$(find "$dir/log/radacct" -type f -name 'detail-*' 2>/dev/null | head -n 1)
if [ -n "$detail" ] && grep -q 'Acct-Status-Type = Stop' "$detail" &&
	grep -q 'Acct-Input-Gigawords = 5' "$detail" &&
	grep -q 'Acct-Input-Octets = 1000' "$detail" &&
	grep -q 'Acct-Session-Id = "l2sec-0001"' "$detail"; then
	ok "accounting records written by the server with their counters"
else
	not_ok "accounting records written by the server with their counters" \
		"$(cat "$detail" 2>/dev/null | tail -n 40)"
fi

# l2secd's own accounting (daemon/aaa_acct.c) for one session: the server writes
# Accounting-On, Start, Interim-Update, Stop and Accounting-Off, each record
# with what a user's bill needs.
expect "l2secd's accounting records all answered" 0 "acct answered=5 queued=0" -- \
	"${acct[@]}" -n gw-acct session acctuser gold
# the detail records of NAS gw-acct, one block each (blank lines between)
recs=$(awk -v RS= -v ORS='\n\n' '/NAS-Identifier = "gw-acct"/' "$detail" 2>/dev/null)
stop=$(awk -v RS= '/Acct-Status-Type = Stop/' <<< "$recs")
sid=$(sed -n 's/.*Acct-Session-Id = "\([0-9a-f]*-[0-9a-f]*\)".*/\1/p' <<< "$stop" | head -n 1)
if grep -q 'Acct-Status-Type = Accounting-On' <<< "$recs" &&
	grep -q 'Acct-Status-Type = Accounting-Off' <<< "$recs" &&
	[ "$(grep -c "Acct-Session-Id = \"$sid\"" <<< "$recs")" = 3 ] &&
	grep -q 'Acct-Status-Type = Interim-Update' <<< "$recs" &&
	grep -q 'User-Name = "acctuser"' <<< "$stop" &&
	grep -q 'Acct-Input-Gigawords = 5' <<< "$stop" &&
	grep -q 'Acct-Input-Octets = 1001' <<< "$stop" &&
	grep -q 'Acct-Output-Octets = 2000' <<< "$stop" &&
	grep -q 'Acct-Terminate-Cause = Session-Timeout' <<< "$stop" &&
	grep -q 'Class = 0x676f6c64' <<< "$stop" &&
	grep -q 'Calling-Station-Id = "192.0.2.9:1701"' <<< "$stop" &&
	grep -q 'Framed-IP-Address = 10.8.0.99' <<< "$stop"; then
	ok "l2secd's Start, Interim-Update and Stop written with one Acct-Session-Id and the bill"
else
	not_ok "l2secd's Start, Interim-Update and Stop written with one Acct-Session-Id and the bill" \
		"$recs"
fi

# The first server is dead (nothing on its port): the second answers, after
# the first's tries (2 x 300 ms).
start=$(date +%s%N)
expect "a dead first server fails over to the second" 0 "code=Access-Accept server=1" -- \
	-s "127.0.0.1:$dead_port" -s "127.0.0.1:$port" -k "$secret" -t 300 -r 1 \
	"${seeds[@]}" pap papuser "pap secret"
ms=$((($(date +%s%N) - start) / 1000000))
if [ "$ms" -ge 600 ] && [ "$ms" -lt 3000 ]; then
	ok "failover after the first server's tries (${ms} ms)"
else
	not_ok "failover after the first server's tries (${ms} ms, not 600..3000)"
fi
grep -q 'server 0: requests 1 retransmissions 1 timeouts 1' "$dir/probe.err" &&
	ok "the dead server's counters: one request, one retransmission, one timeout" ||
	not_ok "the dead server's counters" "$(cat "$dir/probe.err")"

# The first server comes back: a client that failed over keeps to the second while
# the first is left out (dead-time 2 s: the next request goes there at once, not
# after the first's 600 ms of tries), and asks the first again once its dead time is
# over and it listens again (a second radiusd, on the first's port). radius-probe -l:
# one client, a request per line.
back=$dir/back
mkdir -p "$back"
coproc PROBE { "$probe" -s "127.0.0.1:$dead_port" -s "127.0.0.1:$port" -k "$secret" -t 300 \
	-r 1 -D 2000 -l "${seeds[@]}" pap papuser "pap secret" 2>"$back/probe.err"; }
# ask: one more request (the first is sent at the start); its answer line and ms
ask() {
	local t0
	t0=$(date +%s%N)
	[ "$1" = again ] && echo >&"${PROBE[1]}"
	answer=
	read -r -t 10 answer <&"${PROBE[0]}"
	ms=$((($(date +%s%N) - t0) / 1000000))
}
ask first
failed_over=$(date +%s%N)
[[ "$answer" = "code=Access-Accept server=1"* ]] && [ "$ms" -ge 600 ] &&
	ok "failover from a dead first server (${ms} ms)" ||
	not_ok "failover from a dead first server" "$answer ($ms ms)"
ask again
[[ "$answer" = "code=Access-Accept server=1"* ]] && [ "$ms" -lt 600 ] &&
	ok "the dead server left out: the next request goes to the second at once (${ms} ms)" ||
	not_ok "the dead server left out" "$answer ($ms ms)"
# the first server listens again: its own radiusd, with the same site and users
radius_conf "$back" "$secret" "$dead_port"
cp "$dir/raddb/mods-config/files/authorize" "$raddb/mods-config/files/authorize"
radius_start "$back" "$radiusd"
back_pid=$radius_pid
# its dead time (2 s from the failover) over
left=$((2000 - ($(date +%s%N) - failed_over) / 1000000))
[ "$left" -gt 0 ] && sleep "$((left / 1000)).$(printf '%03d' $((left % 1000)))"
ask again
[[ "$answer" = "code=Access-Accept server=0"* ]] && [ "$ms" -lt 600 ] &&
	ok "back to the first server once its dead time is over (${ms} ms)" ||
	not_ok "back to the first server once its dead time is over" "$answer ($ms ms)" \
		"$(tail -n 20 "$back/radiusd.log")"
exec {PROBE[1]}>&-
wait "$PROBE_PID"
grep -q 'server 0: requests 2 retransmissions 1 timeouts 1 accepts 1' "$back/probe.err" &&
	grep -q 'server 1: requests 2 retransmissions 0 timeouts 0 accepts 2' "$back/probe.err" &&
	ok "the servers' counters: the first asked twice (one timed out), the second twice" ||
	not_ok "the servers' counters" "$(cat "$back/probe.err")"

# RFC 5176 the other way: radclient (FreeRADIUS's client) sends Disconnect- and
# CoA-Requests to radius-probe's server side, which verifies them with
# radius_verify_request and answers with radius_sign_answer; radclient checks
# the answers' authenticators.
dae_port=$((port + 200))
"$probe" -k "$secret" "${seeds[@]}" dae "$dae_port" 4 > "$dir/dae.out" 2>&1 &
dae_pid=$!
for _ in $(seq 50); do
	grep -q listening "$dir/dae.out" && break
	sleep 0.1
done
rc_send() {	# KIND SECRET ATTRIBUTES
	echo "$3" | timeout 10 radclient -x -r 1 -t 1 "127.0.0.1:$dae_port" "$1" "$2" 2>&1
}
out=$(rc_send disconnect "$secret" 'Acct-Session-Id = "l2sec-0001", Message-Authenticator = 0x00')
grep -q 'Received Disconnect-ACK' <<< "$out" &&
	ok "radclient's Disconnect-Request verified and ACKed" ||
	not_ok "radclient's Disconnect-Request verified and ACKed" "$out"
out=$(rc_send coa "$secret" \
	'Acct-Session-Id = "l2sec-0002", Session-Timeout = 60, Message-Authenticator = 0x00')
grep -q 'Received CoA-NAK' <<< "$out" && grep -q 'Error-Cause = Session-Context-Not-Found' <<< "$out" &&
	ok "radclient's CoA-Request for an unknown session NAKed with its Error-Cause" ||
	not_ok "radclient's CoA-Request for an unknown session NAKed with its Error-Cause" "$out"
out=$(rc_send disconnect wrong-secret 'Acct-Session-Id = "l2sec-0001", Message-Authenticator = 0x00')
rc_send disconnect "$secret" 'Acct-Session-Id = "l2sec-0001"' >> "$dir/dae.radclient"
wait "$dae_pid"
if ! grep -q 'Received' <<< "$out" &&
	[ "$(grep -c '^dropped=' "$dir/dae.out")" = 2 ] &&
	grep -q '^dropped="bad authenticator"' "$dir/dae.out" &&
	grep -q '^dropped="no Message-Authenticator"' "$dir/dae.out" &&
	grep -q '^verified=CoA-Request session=unknown session-timeout=60' "$dir/dae.out"; then
	ok "requests with another secret or without Message-Authenticator dropped"
else
	not_ok "requests with another secret or without Message-Authenticator dropped" \
		"$out" "$(cat "$dir/dae.out")"
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
