# SPDX-License-Identifier: GPL-2.0
#
# Helpers for guest tests. A test sources this file, makes its checks and ends
# with t_done, whose exit status is the number of failed checks:
#
#	. "$L2SEC_TOP/tests/vm/lib.sh"
#	check "module loads" modprobe l2sec
#	t_done
#
# Tests run as root in the guest with the host's tools; the harness kills their
# processes, deletes their namespaces and unloads l2sec.ko after each test.

t_failed=0
L2SEC=${L2SEC_BUILD:-$L2SEC_TOP/build}/l2sec

# Each result line ends with the seconds since the test started, to find slow steps.
t_ok() { echo "ok - $* [${SECONDS}s]"; }
t_fail() { echo "not ok - $* [${SECONDS}s]"; t_failed=$((t_failed + 1)); }

# check DESC CMD...: CMD must succeed; its output is shown when it does not.
check() {
	local desc=$1 output
	shift
	if output=$("$@" 2>&1); then
		t_ok "$desc"
	else
		t_fail "$desc"
		echo "$output" | tail -n 20 | sed 's/^/    /'
	fi
}

# check_fails DESC CMD...: CMD must fail.
check_fails() {
	local desc=$1 output
	shift
	if output=$("$@" 2>&1); then
		t_fail "$desc (succeeded)"
		echo "$output" | tail -n 20 | sed 's/^/    /'
	else
		t_ok "$desc"
	fi
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		t_ok "$1"
	else
		t_fail "$1: expected '$2', got '$3'"
	fi
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# netns_add NAME...: namespaces with loopback up.
netns_add() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" && ip -n "$ns" link set lo up || return 1
	done
}

# veth NS1 IF1 ADDR1 NS2 IF2 ADDR2: a veth pair between two namespaces, addressed
# (ADDR with prefix length) and up.
veth() {
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" || return 1
	ip -n "$1" addr add "$3" dev "$2" && ip -n "$1" link set "$2" up &&
		ip -n "$4" addr add "$6" dev "$5" && ip -n "$4" link set "$5" up
}

# lac_topology: l2sec.ko and the PPP modules loaded, /dev/ppp, and namespaces gw
# (192.0.2.1 on eth0) and lac (192.0.2.2), for an xl2tpd client against l2secd.
lac_topology() {
	modprobe l2sec || return 1
	modprobe ppp_generic 2>/dev/null
	modprobe ppp_async 2>/dev/null
	[ -e /dev/ppp ] || mknod /dev/ppp c 108 0
	netns_add gw lac && veth gw eth0 192.0.2.1/24 lac eth0 192.0.2.2/24
}

# Packet tools served by one long-running process (tests/vm/pkt/serve.py): Python
# and scapy take about 10 s to start under TCG, once per server instead of once per
# packet. pkt_serve NAME SCRIPT starts "tests/vm/pkt/SCRIPT serve" in the background,
# best early so that its start-up overlaps with the test's setup; pkt_ready NAME
# waits until it reads requests; pkt NAME NETNS ARG... is then what
# "ip netns exec NETNS SCRIPT ARG..." prints and returns. In l2sec-ctl scripts
# (run through sh, where functions are not): run $(pkt_cmd NAME) NETNS ARG...
PKTREQ=$L2SEC_TOP/tests/vm/pkt/req
pkt_cmd() { echo "$PKTREQ /tmp/l2sec-pkt-$1"; }
pkt_serve() {
	rm -f "/tmp/l2sec-pkt-$1" "/tmp/l2sec-pkt-$1.log"
	# not a child of the test: its "wait" for its own jobs must not wait for this
	( /usr/bin/python3 "$L2SEC_TOP/tests/vm/pkt/$2" serve "/tmp/l2sec-pkt-$1" \
		>"/tmp/l2sec-pkt-$1.log" 2>&1 </dev/null & )
}
pkt_ready() { wait_for 120 grep -q '^serve ready' "/tmp/l2sec-pkt-$1.log"; }
pkt() {
	local name=$1
	shift
	"$PKTREQ" "/tmp/l2sec-pkt-$name" "$@"
}

# JSON without jq: jcheck EXPR succeeds when the Python expression EXPR, on the
# JSON document j read from stdin, is true; jget EXPR prints its value.
# l2secd_ctl SOCKET REQUEST: l2secd's JSON answer on its control socket (a path:
# reachable from any network namespace).
# All three are answered by one tests/vm/pkt/jsonq.py per test, started at the
# first call: a Python started per call costs seconds under TCG.
jsonq() {
	# per test: a server of an earlier test, killed, may have left its files
	local name=jsonq-${L2SEC_TEST_OUT##*/}-$$ in rc
	if ! grep -qs '^serve ready' "/tmp/l2sec-pkt-$name.log"; then
		# the first caller starts it (several may come at once from background jobs)
		if mkdir "/tmp/l2sec-pkt-$name.d" 2>/dev/null; then
			pkt_serve "$name" jsonq.py
		fi
		pkt_ready "$name" || { echo "jsonq: no server" >&2; return 1; }
	fi
	case $1 in
	check | get)
		in=$(mktemp /tmp/l2sec-jsonq.XXXXXX) || return 1
		cat >"$in"
		pkt "$name" - "$1" "$2" "$in"
		rc=$?
		rm -f "$in"
		return $rc
		;;
	*) pkt "$name" - "$@" ;;
	esac
}
jcheck() { jsonq check "$1"; }
jget() { jsonq get "$1"; }
l2secd_ctl() { jsonq ctl "$1" "$2"; }

t_done() {
	echo "# $t_failed failed"
	exit $((t_failed > 125 ? 125 : t_failed))
}
