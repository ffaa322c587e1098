# vm-timeout: 600
# vm-kernel: 6.1
# The l2sec CLI against the real module: `tunnel show`, `session show`, `sock
# show`, `stats` in text and JSON (parsed with python3), `monitor` seeing
# NEW/DEL notifications as text and JSON lines, -n NETNS isolation, show as an
# unprivileged user, and the error lines (module cannot load, no such
# tunnel/session, bad command line). Objects are made with the test fixture
# l2sec-ctl, fed through a FIFO so that its sockets (and so the tunnels) live
# while the CLI looks at them.
. "$L2SEC_TOP/tests/vm/lib.sh"

CTL=$L2SEC_BUILD/tests/l2sec-ctl
# a dead l2sec-ctl must fail a check, not kill the test with SIGPIPE
trap '' PIPE

# ctl_start NAME FD [NETNS]: an l2sec-ctl reading commands from NAME.in on FD
# 3 or 4. Every background process is started without fds 3 and 4, so that
# closing FD is the end of input for its l2sec-ctl, which then exits.
ctl_start() {
	rm -f "$1.in" "$1.out"
	mkfifo "$1.in"
	if [ -n "${3:-}" ]; then
		ip netns exec "$3" "$CTL" <"$1.in" >"$1.out" 2>&1 3>&- 4>&- &
	else
		"$CTL" <"$1.in" >"$1.out" 2>&1 3>&- 4>&- &
	fi
	echo $! >"$1.pid"
	eval "exec $2>\"$1.in\""
}

# ctl NAME FD CMD: run CMD in that l2sec-ctl and wait until it is done (or
# has died). The marker count lives in a file: check runs ctl in a subshell.
ctl() {
	local n=$(($(cat sync.n 2>/dev/null || echo 0) + 1)) i
	echo $n >sync.n
	if echo "$3" >&"$2" && echo "echo sync-$n" >&"$2"; then
		for i in $(seq 200); do
			grep -qx "sync-$n" "$1.out" && return 0
			kill -0 "$(cat "$1.pid")" 2>/dev/null || break
			sleep 0.1
		done
	fi
	echo "    l2sec-ctl did not finish \"$3\":"
	tail -n 5 "$1.out" | sed 's/^/    /'
	return 1
}

# jcheck DESC FILE PYTHON-EXPRESSION: the JSON in FILE, as d, makes it true.
jcheck() {
	check "$1" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
if not eval(sys.argv[2]):
    print("false:", sys.argv[2]); print(json.dumps(d)[:2000]); sys.exit(1)
' "$2" "$3"
}

# jlines DESC FILE PYTHON-EXPRESSION: some JSON line of FILE, as e, makes it true.
jlines() {
	check "$1" python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
if not any(eval(sys.argv[2]) for e in lines):
    print("no line with", sys.argv[2]); print(lines[-20:]); sys.exit(1)
' "$2" "$3"
}

# out FILE CMD...: CMD's stdout in FILE, stderr in FILE.err; CMD's status.
out() {
	local f=$1
	shift
	"$@" >"$f" 2>"$f.err"
}

check_eq "l2sec -V" "l2sec $(cat "$L2SEC_TOP/VERSION")" "$($L2SEC -V)"
out usage.txt $L2SEC tunnel show id 0
check_eq "bad id: exit status 2" 2 $?
check "bad id: says why" grep -q 'invalid tunnel id "0"' usage.txt.err
out usage2.txt $L2SEC frobnicate
check_eq "unknown object: exit status 2" 2 $?

# --- the module cannot be loaded: the kernel autoloads by family name, so make
# the load fail ---
check_fails "module not loaded at start" grep -q '^l2sec ' /proc/modules
echo "install l2sec /bin/false" >/etc/modprobe.d/l2sec-vmtest-block.conf
out nomod.txt $L2SEC tunnel show
check_eq "no module: exit status 1" 1 $?
check_eq "no module: the error line" \
	"l2sec: the l2sec kernel module is not loaded (modprobe l2sec)" "$(cat nomod.txt.err)"
rm -f /etc/modprobe.d/l2sec-vmtest-block.conf

# --- empty namespace (this loads the module by family name) ---
out empty.txt $L2SEC tunnel show
check_eq "tunnel show, nothing there: exit 0" 0 $?
check_eq "tunnel show, nothing there: no output" "" "$(cat empty.txt empty.txt.err)"
out empty.json $L2SEC -j session show
check_eq "session show -j, nothing there" "[]" "$(cat empty.json)"

# --- objects; monitors started first ---
ctl_start main 3
check "sock add s1 (IPv4, ipsec 0)" ctl main 3 "sock add s1 127.0.0.1 1701 ipsec 0"
check "sock add s2 (IPv4, ipsec 1)" ctl main 3 "sock add s2 127.0.0.2 1701 ipsec 1"
$L2SEC monitor >mon.txt 2>mon.err 3>&- &
mon_pids=$!
$L2SEC -j monitor >mon.json 2>mon.json.err 3>&- &
mon_pids="$mon_pids $!"
$L2SEC monitor session >mon-session.txt 2>&1 3>&- &
mon_pids="$mon_pids $!"
# The monitors are subscribed once they see a probe tunnel come and go.
probe_seen() {
	ctl main 3 "tunnel add 65000 1 s1 192.0.2.250 1701" &&
		ctl main 3 "session add 65000 1 1" &&
		ctl main 3 "tunnel del 65000" &&
		grep -q '^del tunnel 65000' mon.txt && grep -q '"tunnel_id":65000' mon.json &&
		grep -q '^new session 1 tunnel 65000' mon-session.txt
}
check "monitors subscribed" wait_for 20 probe_seen

check "tunnel add 4711" ctl main 3 "tunnel add 4711 12 s1 203.0.113.7 1701"
check "tunnel add 200 (bound, out-mark)" \
	ctl main 3 "tunnel add 200 5 s2 198.51.100.9 4500 bind 2 outmark 2"
check "session add 4711/7" ctl main 3 "session add 4711 7 3 up ip4 10.0.0.5 ip6 2001:db8:1::/64"
check "session add 4711/8" ctl main 3 "session add 4711 8 4"
check "session add 200/1" ctl main 3 "session add 200 1 1 up ip4 10.0.0.6"
# the module names each tunnel by a handle of its own ("tunnel ID handle N ...";
# not jget: its server would hold fd 3 open)
h4711=$($L2SEC tunnel show id 4711 | awk '$3 == "handle" {print $4}')
h200=$($L2SEC tunnel show id 200 | awk '$3 == "handle" {print $4}')
check "two tunnels, two handles" test -n "$h4711" -a -n "$h200" -a "$h4711" != "$h200"

# --- tunnel show ---
out t.txt $L2SEC tunnel show
check_eq "tunnel show: exit 0" 0 $?
check_eq "tunnel show: two lines, sorted" "200 4711" "$(awk '{printf "%s%s", (NR > 1 ? " " : ""), $2}' t.txt)"
check_eq "tunnel show: tunnel 4711" \
	"tunnel 4711 handle $h4711 peer 203.0.113.7:1701 peer-id 12 sock 1 ipsec not-required unbound sessions 2" \
	"$(grep '^tunnel 4711 ' t.txt)"
check_eq "tunnel show: tunnel 200, bound" \
	"tunnel 200 handle $h200 peer 198.51.100.9:4500 peer-id 5 sock 2 ipsec required out-mark 0x2 bound mark 0x2 sessions 1" \
	"$(grep '^tunnel 200 ' t.txt)"
check_eq "tunnel show id 4711" "$(grep '^tunnel 4711 ' t.txt)" "$($L2SEC tunnel show id 4711)"
check_eq "tunnel show sock 2" "$(grep '^tunnel 200 ' t.txt)" "$($L2SEC tunnel show sock 2)"
check_eq "abbreviated: l2sec t sh i 4711" "$(grep '^tunnel 4711 ' t.txt)" "$($L2SEC t sh i 4711)"
check_eq "tunnel show handle H" "$(grep '^tunnel 200 ' t.txt)" "$($L2SEC tunnel show handle "$h200")"
check_eq "tunnel show handle H id ID" "$(grep '^tunnel 200 ' t.txt)" \
	"$($L2SEC tunnel show handle "$h200" id 200)"
out th.txt $L2SEC tunnel show handle 2147483647
check_eq "tunnel show of a handle nobody has: exit 1, says so" \
	"1 l2sec: no such tunnel handle 2147483647" "$? $(cat th.txt.err)"
out t999.txt $L2SEC tunnel show id 999
check_eq "tunnel show id 999: exit 1" 1 $?
check_eq "tunnel show id 999: no such tunnel" "l2sec: no such tunnel 999" "$(cat t999.txt.err)"
check_eq "tunnel show id 999: nothing on stdout" "" "$(cat t999.txt)"

out ts.txt $L2SEC -s tunnel show id 4711
check "tunnel show -s: rx counters" grep -qE '^    rx packets [0-9]+ bytes [0-9]+ drops [0-9]+$' ts.txt
check "tunnel show -s: tx counters" grep -qE '^    tx packets [0-9]+ bytes [0-9]+ drops [0-9]+$' ts.txt
check_fails "tunnel show -s: no drops line when nothing was dropped" grep -q '^    drops' ts.txt

out t.json $L2SEC -j tunnel show
jcheck "tunnel show -j: a list of 2, sorted" t.json '[t["tunnel_id"] for t in d] == [200, 4711]'
jcheck "tunnel show -j: tunnel 4711" t.json 'd[1]["peer_addr"] == "203.0.113.7" and d[1]["peer_port"] == 1701 and d[1]["peer_tunnel_id"] == 12 and d[1]["sock_id"] == 1 and d[1]["require_ipsec"] is False and d[1]["bound"] is False and d[1]["session_count"] == 2 and d[1]["out_mark"] == 0 and "bind_mark" not in d[1] and "stats" not in d[1]'
jcheck "tunnel show -j: handles" t.json "d[0]['handle'] == $h200 and d[1]['handle'] == $h4711"
jcheck "tunnel show -j: tunnel 200" t.json 'd[0]["require_ipsec"] is True and d[0]["bound"] is True and d[0]["bind_mark"] == 2 and d[0]["out_mark"] == 2 and d[0]["peer_port"] == 4500'
out tp.json $L2SEC -p -s tunnel show
jcheck "tunnel show -p -s: pretty JSON with stats" tp.json 'len(d) == 2 and all(isinstance(t["stats"]["rx_packets"], int) and "tx_drops" in t["stats"] for t in d)'
check "-p is indented" grep -q '^  ' tp.json

# --- session show ---
out s.txt $L2SEC session show
check_eq "session show: three, sorted by tunnel then session" "200/1 4711/7 4711/8" \
	"$(awk '{printf "%s%s/%s", (NR > 1 ? " " : ""), $4, $2}' s.txt)"
check_eq "session show: 4711/7" \
	"session 7 tunnel 4711 peer-session 3 peer-tunnel 12 state up ipv4 10.0.0.5 ipv6 2001:db8:1::/64" \
	"$(grep '^session 7 ' s.txt)"
check_eq "session show: 4711/8, down, no address" \
	"session 8 tunnel 4711 peer-session 4 peer-tunnel 12 state down" "$(grep '^session 8 ' s.txt)"
check_eq "session show tunnel 4711" "2" "$($L2SEC session show tunnel 4711 | wc -l)"
check_eq "session show tunnel 4711 id 7" "$(grep '^session 7 ' s.txt)" \
	"$($L2SEC session show tunnel 4711 id 7)"
out s99.txt $L2SEC session show tunnel 4711 id 99
check_eq "no such session: exit 1" 1 $?
check_eq "no such session: the line" "l2sec: no such session 99 in tunnel 4711" "$(cat s99.txt.err)"
out st999.txt $L2SEC session show tunnel 999
check_eq "sessions of a missing tunnel: exit 1" 1 $?
check_eq "sessions of a missing tunnel: the line" "l2sec: no such tunnel 999" "$(cat st999.txt.err)"
out st999b.txt $L2SEC session show tunnel 999 id 1
check_eq "session in a missing tunnel: the line" "l2sec: no such tunnel 999" "$(cat st999b.txt.err)"
out sid.txt $L2SEC session show id 7
check_eq "session id without tunnel: exit 2" 2 $?

out s.json $L2SEC -j -s session show tunnel 4711 id 7
jcheck "session show -j -s: one session" s.json 'len(d) == 1 and d[0]["session_id"] == 7 and d[0]["tunnel_id"] == 4711 and d[0]["peer_session_id"] == 3 and d[0]["peer_tunnel_id"] == 12'
jcheck "session show -j: state and addresses" s.json 'd[0]["state"] == "up" and d[0]["ipv4"] == "10.0.0.5" and d[0]["ipv6"] == ["2001:db8:1::/64"]'
jcheck "session show -j -s: counters" s.json 'all(isinstance(d[0]["stats"][k], int) for k in ("rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "rx_drops", "tx_drops"))'
out s8.json $L2SEC -j session show tunnel 4711 id 8
jcheck "session without addresses: empty ipv6 list, no ipv4" s8.json 'd[0]["state"] == "down" and d[0]["ipv6"] == [] and "ipv4" not in d[0]'

# --- sock show, stats ---
out k.txt $L2SEC sock show
check_eq "sock show" "sock 1 udp 127.0.0.1:1701 ipsec not-required tunnels 1
sock 2 udp 127.0.0.2:1701 ipsec required tunnels 1" "$(cat k.txt)"
out k.json $L2SEC -j sock show id 2
jcheck "sock show -j id 2" k.json 'd == [{"sock_id": 2, "family": "inet", "local_addr": "127.0.0.2", "local_port": 1701, "require_ipsec": True, "tunnel_count": 1}]'
out k9.txt $L2SEC sock show id 9
check_eq "no such sock" "l2sec: no such sock 9" "$(cat k9.txt.err)"

out stats.txt $L2SEC stats
check "stats: counts" grep -qx 'sockets 2 tunnels 2 sessions 3' stats.txt
check "stats: drops by reason, every reason" sh -c "[ \$(grep -cE '^  [a-z_]+ +[0-9]+$' stats.txt) = 14 ]"
out stats.json $L2SEC -j stats
jcheck "stats -j: one object with the counts" stats.json 'd["sock_count"] == 2 and d["tunnel_count"] == 2 and d["session_count"] == 3'
check "ip link add l2sec0 type l2sec" ip link add l2sec0 type l2sec
ifindex=$(cat /sys/class/net/l2sec0/ifindex)
check_eq "stats: the namespace's device" "device l2sec0 (ifindex $ifindex)" "$($L2SEC stats | head -n 1)"
out stats-dev.json $L2SEC -j stats
jcheck "stats -j: the namespace's device" stats-dev.json "d['ifname'] == 'l2sec0' and d['ifindex'] == $ifindex"
jcheck "stats -j: drops by reason name" stats.json 'set(d["stats"]["drops"]) == {"malformed", "no_ipsec", "wrong_sa", "not_up", "spoof", "no_device", "no_session", "no_route", "no_xfrm_route", "no_mem", "proto", "loop", "sa_no_mark", "too_big"}'

# --- showing needs CAP_NET_ADMIN: replies name clients' addresses, SAs, counters ---
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
check_eq "tunnel show as nobody: refused" \
	"l2sec: tunnel show: permission denied (needs CAP_NET_ADMIN)" "$(nobody $L2SEC tunnel show 2>&1)"
check "session show -j as nobody: refused" sh -c \
	"setpriv --reuid=65534 --regid=65534 --clear-groups $L2SEC -j session show 2>&1 | grep -q 'permission denied'"
check "session show in a user namespace (root there, not here): refused" sh -c \
	"unshare --user --map-root-user $L2SEC session show 2>&1 | grep -q 'permission denied'"
check "stats as nobody: refused" sh -c \
	"setpriv --reuid=65534 --regid=65534 --clear-groups $L2SEC stats 2>&1 | grep -q 'permission denied'"
check "monitor as nobody: refused" sh -c \
	"timeout 5 setpriv --reuid=65534 --regid=65534 --clear-groups $L2SEC monitor 2>&1 | grep -q 'permission denied'"

# --- -n NETNS: another namespace has its own objects ---
netns_add other
check_eq "-n other: no tunnels there" "" "$($L2SEC -n other tunnel show 2>&1)"
ctl_start oth 4 other
check "sock add in other" ctl oth 4 "sock add o1 127.0.0.1 1701 ipsec 0"
check "tunnel add 4711 in other" ctl oth 4 "tunnel add 4711 99 o1 192.0.2.99 1701"
check "tunnel add 4711 in other, another peer" ctl oth 4 "tunnel add 4711 98 o1 192.0.2.98 1701"
out o.txt $L2SEC -n other tunnel show
check "-n other: its own tunnels 4711, one per peer" grep -qxE \
	"tunnel 4711 handle [0-9]+ peer 192.0.2.99:1701 peer-id 99 sock 1 ipsec not-required unbound sessions 0" o.txt
check_eq "-n other: two lines of tunnel 4711, by handle" 2 "$(grep -c '^tunnel 4711 handle' o.txt)"
check_eq "tunnel show id of an id two peers hold: both" "$(cat o.txt)" \
	"$($L2SEC -n other tunnel show id 4711 2>&1)"
check "-n other stats" sh -c "$L2SEC -n other stats | grep -qx 'sockets 1 tunnels 2 sessions 0'"
check_eq "this namespace unchanged" "$(cat t.txt)" "$($L2SEC tunnel show)"
check_eq "-n nosuch: the error line" \
	"l2sec: cannot open network namespace \"nosuch\": No such file or directory" \
	"$($L2SEC -n nosuch tunnel show 2>&1)"
out nobody-n.txt setpriv --reuid=65534 --regid=65534 --clear-groups $L2SEC -n other tunnel show
check_eq "-n as nobody: exit 1" 1 $?
check "-n as nobody: says it cannot" grep -qE '^l2sec: cannot (open|enter) network namespace "other"' nobody-n.txt.err
check_fails "monitor here saw nothing of the other namespace" grep -q 'peer 192.0.2.99' mon.txt
exec 4>&-

# --- deletions, then the monitors' view ---
check "session del 4711/8" ctl main 3 "session del 4711 8"
check "tunnel del 200" ctl main 3 "tunnel del 200"
check "sock del s2" ctl main 3 "sock del s2"
check_eq "after deletions: one tunnel" "4711" "$($L2SEC tunnel show | awk '{print $2}')"
exec 3>&-	# l2sec-ctl exits: its socket closes, the module deletes the rest
wait_for 10 sh -c "[ -z \"\$($L2SEC tunnel show)\" ]"
check_eq "socket closed: no tunnels left" "" "$($L2SEC tunnel show)"
check "monitor: tunnel 4711 deleted on close" wait_for 10 grep -q '^del tunnel 4711' mon.txt

check_eq "monitor: new tunnel 4711 line" \
	"new tunnel 4711 handle $h4711 peer 203.0.113.7:1701 peer-id 12 sock 1 ipsec not-required unbound sessions 0" \
	"$(grep '^new tunnel 4711 ' mon.txt)"
check "monitor: new session 4711/7" grep -q '^new session 7 tunnel 4711 peer-session 3 peer-tunnel 12 state up ipv4 10.0.0.5' mon.txt
check "monitor: del session 4711/8" grep -qx 'del session 8 tunnel 4711' mon.txt
check "monitor: del tunnel 200" grep -q '^del tunnel 200' mon.txt
check "monitor: its session went first" sh -c \
	"[ \$(grep -n '^del session 1 tunnel 200' mon.txt | cut -d: -f1) -lt \$(grep -n '^del tunnel 200' mon.txt | cut -d: -f1) ]"
check "monitor: del sock 2" grep -qx 'del sock 2' mon.txt
check "monitor: del session 4711/7 on close" grep -q '^del session 7 tunnel 4711' mon.txt
check_eq "monitor: no errors" "" "$(cat mon.err)"
jlines "monitor -j: new tunnel 4711" mon.json 'e["event"] == "new" and e["object"] == "tunnel" and e["tunnel_id"] == 4711 and e["peer_addr"] == "203.0.113.7"'
jlines "monitor -j: new session 4711/7" mon.json 'e["event"] == "new" and e["object"] == "session" and e["session_id"] == 7 and e["ipv4"] == "10.0.0.5"'
jlines "monitor -j: del tunnel 200" mon.json 'e["event"] == "del" and e["object"] == "tunnel" and e["tunnel_id"] == 200'
jlines "monitor -j: del sock 2" mon.json 'e["event"] == "del" and e["object"] == "sock" and e["sock_id"] == 2'
check_fails "monitor session: no tunnel events" grep -qE '^(new|set|del|bound) tunnel ' mon-session.txt
check "monitor session: session events" grep -q '^new session 7 tunnel 4711' mon-session.txt

kill $mon_pids 2>/dev/null
wait 2>/dev/null
# what the CLI printed, for a reader of the logs
cp -- *.txt *.json *.err "${L2SEC_TEST_OUT:-.}/" 2>/dev/null
t_done
