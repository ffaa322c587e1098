#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where a setup's instructions go in l2secd (docs/PERFORMANCE.md, "Where a setup's
# instructions go"): on the host, as root, l2secd with the TUN data path and no IPsec
# runs under callgrind in a network namespace of its own, build/tests/l2sec-load in
# another (a veth between them) dials N clients (L2TP, LCP, MS-CHAPv2, IPCP, IPv6CP,
# a probe through the TUN device), and once every setup ended hangs them all up.
# Callgrind counts l2secd's user-space instructions only (the kernel's side of its
# system calls is not in it), from the moment it listens: one dump for the setups,
# one for the teardowns, per process. Under privsep (the default, as l2secd's) both
# the parent and the engine are profiled: valgrind follows the fork, but the engine's
# sandbox (seccomp, chroot, its own user) would kill it or lose its dumps, so the
# profile runs build/l2secd-profile, whose engine skips the sandbox (priv/sandbox.h;
# `make build/l2secd-profile`, never installed, no configuration key for it).
#
#   tests/bench/profile-setup.sh [N]      # default 500 clients
#   PROFILE_RATE=100 PROFILE_INFLIGHT=50 PROFILE_IPV6=yes PROFILE_LOG=notice
#   PROFILE_PRIVSEP=yes                   # [global] privsep (engine-user nobody)
#   PROFILE_OUT=build/profile             # dumps, logs, the annotated tops
#   PROFILE_RCVBUF=0                      # [l2tp] rcvbuf, KiB (0: from max-sessions)
#   PROFILE_VALGRIND=no                   # l2secd at full speed: no profile, only
#                                         # the datagrams lost (e.g. 2000 clients,
#                                         # PROFILE_RATE=2000 PROFILE_INFLIGHT=500)
#                                         # and each process's CPU time per setup
#   PROFILE_VALGRIND=strace               # l2secd (sandboxed) at full speed: each
#                                         # process's system calls per setup and per
#                                         # teardown (strace -c attached to it)
#
# Needs build/l2secd (or build/l2secd-profile) and build/tests/l2sec-load (make
# userspace), valgrind or strace, and /dev/net/tun (created as tests/vm/guest.sh does
# when missing). Nothing outside its two namespaces and PROFILE_OUT is touched; both
# go when it ends.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-${PROFILE_N:-500}}
RATE=${PROFILE_RATE:-100}
INFLIGHT=${PROFILE_INFLIGHT:-50}
IPV6=${PROFILE_IPV6:-yes}
LOGLEVEL=${PROFILE_LOG:-notice}
RCVBUF=${PROFILE_RCVBUF:-0}
VALGRIND=${PROFILE_VALGRIND:-yes}
PRIVSEP=${PROFILE_PRIVSEP:-yes}
out=$(mkdir -p "${PROFILE_OUT:-$top/build/profile}" && cd "${PROFILE_OUT:-$top/build/profile}" && pwd)
L2SECD=$top/build/l2secd
L2SEC=$top/build/l2sec
LOAD=$top/build/tests/l2sec-load
gw=l2prof-gw-$$
cl=l2prof-cl-$$
run=$out/run
vg_pid=
engine_pid=
strace_pids=

die() { echo "profile-setup: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (network namespaces, a TUN device)"
[ "$VALGRIND" = yes ] && [ "$PRIVSEP" = yes ] && L2SECD=$top/build/l2secd-profile
[ -x "$L2SECD" ] && [ -x "$LOAD" ] || die "build first: make -j2 userspace ${L2SECD#$top/}"
case $VALGRIND in
yes) { command -v valgrind >/dev/null && command -v callgrind_control >/dev/null; } ||
	die "valgrind is not installed" ;;
strace) command -v strace >/dev/null || die "strace is not installed" ;;
no) ;;
*) die "PROFILE_VALGRIND is yes, no or strace" ;;
esac

cleanup() {
	for p in $strace_pids; do kill -INT "$p" 2>/dev/null; done
	[ -n "$vg_pid" ] && kill -TERM "$vg_pid" 2>/dev/null && wait "$vg_pid" 2>/dev/null
	ip netns del "$gw" 2>/dev/null
	ip netns del "$cl" 2>/dev/null
	return 0
}
trap cleanup EXIT

# up to T seconds for COMMAND to succeed, polled every 0.1 s
wait_for() {
	local n=$(($1 * 10))
	shift
	until "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}
# the Ir total of a callgrind dump
total() { awk '/^(summary|totals):/ {print $2; exit}' "$1"; }
per() { awk -v a="$1" -v n="$2" 'BEGIN {printf "%.0f", a / n}'; }

if [ ! -c /dev/net/tun ]; then
	mkdir -p /dev/net
	mknod -m 666 /dev/net/tun c 10 200
fi
rm -rf "$run" "$out"/cg.out*
mkdir -p "$run/run"
ip netns add "$gw"
ip netns add "$cl"
ip -n "$gw" link set lo up
ip -n "$cl" link set lo up
ip -n "$gw" link add eth0 type veth peer name eth0 netns "$cl"
ip -n "$gw" addr add 192.0.2.1/24 dev eth0
ip -n "$cl" addr add 192.0.2.2/24 dev eth0
ip -n "$gw" link set eth0 up
ip -n "$cl" link set eth0 up

echo "load password load-pw" >"$run/users"
chmod 600 "$run/users"
cat >"$run/l2sec.conf" <<CONF
[global]
log-level = $LOGLEVEL
privsep = $PRIVSEP
engine-user = nobody
runtime-dir = $run/run
datapath = tun
[l2tp]
listen = 192.0.2.1
hostname = gw
require-ipsec = no
max-tunnels = 65535
max-sessions = 1000000
max-sessions-per-tunnel = 1
max-half-open = 65535
max-half-open-per-source = 65535
sccrq-rate = 100000
sccrq-rate-per-source = 100000
peer-table-size = 131072
rcvbuf = $RCVBUF
[ppp]
users = $run/users
local-address = 192.168.42.1
pool = 10.64.0.0/16
ipv6 = $IPV6
ipv6-prefix = 2001:db8:4000::/40
auth-fail-delay = 0
CONF
chmod 600 "$run/l2sec.conf"

vg=()
# %p: the parent's and the engine's dumps apart. valgrind follows the fork, but its
# vgdb (callgrind_control) does not reach a forked child: the process that holds the
# control socket (the engine; l2secd without privsep) dumps when it accepts a client
# of it (an `l2sec daemon show`), the parent when callgrind_control tells it.
[ "$VALGRIND" = yes ] &&
	vg=(valgrind --tool=callgrind --callgrind-out-file="$out/cg.out.%p" --dump-before=listen_cb)
ip netns exec "$gw" "${vg[@]}" "$L2SECD" -c "$run/l2sec.conf" >"$out/l2secd.log" 2>&1 &
vg_pid=$!
listening() { kill -0 "$vg_pid" && test -S "$run/run/l2secd.sock"; }
wait_for 120 listening || die "l2secd did not start ($out/l2secd.log)"
# the "Udp: RcvbufErrors" of the gateway's namespace: datagrams its sockets dropped
rcvbuf_errors() { ip netns exec "$gw" nstat -az UdpRcvbufErrors | awk '$1 == "UdpRcvbufErrors" {print $2}'; }
# the engine: the parent's child (it opens the control socket)
if [ "$PRIVSEP" = yes ]; then
	wait_for 30 pgrep -P "$vg_pid" || die "no engine ($out/l2secd.log)"
	engine_pid=$(pgrep -P "$vg_pid" | head -n 1)
	# its start done, the sandbox entered (or, under valgrind, not: sandbox.h)
	engine_ready() { grep -q "engine is NOT sandboxed" "$out/l2secd.log"; }
	[ "$VALGRIND" = yes ] || engine_ready() { grep -q Seccomp:.2 "/proc/$engine_pid/status"; }
	wait_for 120 engine_ready || die "the engine did not start ($out/l2secd.log)"
fi
parent_pid=$vg_pid
pids="$vg_pid $engine_pid"
# each process's utime + stime, in clock ticks
cputime() { awk '{print $14 + $15}' "/proc/$1/stat"; }
declare -A cpu0
for p in $pids; do cpu0[$p]=$(cputime "$p"); done
# strace -c on each process from now until stop_strace: a summary per process
start_strace() {
	strace_pids=
	for p in $pids; do
		strace -c -S calls -o "$out/strace.$1.$p" -p "$p" 2>/dev/null &
		strace_pids="$strace_pids $!"
	done
	sleep 1
}
stop_strace() {
	for p in $strace_pids; do kill -INT "$p"; wait "$p" || true; done
	strace_pids=
}
# the control socket's process: the engine, or l2secd without privsep
ctl_pid=${engine_pid:-$vg_pid}
# how many dumps it wrote so far (each accepted client of the socket: one or more)
ndumps() { find "$out" -maxdepth 1 -name "cg.out.$ctl_pid.*" | grep -cE '\.[0-9]+$' || true; }
# a phase's end: the parent (-d) dumps, or (-z) zeroes its counts, and the control
# socket's process dumps (the dumps up to the setups' first: its start, not counted)
# as it answers; an answer late under valgrind is asked again, its dumps are the phase's
phase=()
mark() {
	[ "$PRIVSEP" = yes ] && callgrind_control "$1" "$vg_pid" >/dev/null
	wait_for 60 "$L2SEC" -r "$run/run" -s daemon show || die "l2secd does not answer"
	phase+=("$(ndumps)")
}
# a process's dumps of phase 1 (the setups) or 2 (the teardowns)
dumps() {
	if [ "$PRIVSEP" = yes ] && [ "$1" = "$parent_pid" ]; then
		echo "$out/cg.out.$1.$2"
	else
		seq -f "$out/cg.out.$1.%g" $((phase[$2 - 1] + 1)) "${phase[$2]}"
	fi
}
# the Ir total of a process's dumps of a phase
ptotal() {
	local t=0 f
	for f in $(dumps "$1" "$2"); do t=$((t + $(total "$f"))); done
	echo "$t"
}
case $VALGRIND in
yes) mark -z ;;
strace) start_strace setup ;;
esac

ip netns exec "$cl" "$LOAD" -s 192.0.2.1 -n "$N" -r "$RATE" -i "$INFLIGHT" -H -1 -t 120 \
	$([ "$IPV6" = yes ] && echo --ipv6) -u load -w load-pw \
	--status "$run/status" >"$out/l2sec-load.log" 2>&1 &
load_pid=$!
wait_for $((N / 2 + 300)) test -s "$run/status" || die "the setups did not end"
case $VALGRIND in
yes) mark -d ;;
strace) stop_strace ;;
esac
up=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["up"])' <"$run/status")
who() { if [ "$PRIVSEP" != yes ]; then echo l2secd; elif [ "$1" = "$parent_pid" ]; then
	echo parent; else echo engine; fi; }
# one line a system call: calls per client, the most frequent first
strace_table() {
	awk -v n="$N" '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ && $NF != "total" {
		printf "    %-16s %7.2f\n", $NF, $4 / n }' "$1" | head -n 15
	awk -v n="$N" '$NF == "total" { printf "    %-16s %7.2f\n", "all", $4 / n }' "$1"
}
if [ "$VALGRIND" != yes ]; then
	stat() { python3 -c 'import json,sys; j=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1" \
		<"$run/status"; }
	"$L2SEC" -r "$run/run" -s daemon show >"$out/daemon-show.txt"
	{
		echo "l2secd $(git -C "$top" describe --always --dirty 2>/dev/null), N=$N, up $up," \
			"rate $RATE/s, in flight $INFLIGHT, ipv6 $IPV6, rcvbuf $RCVBUF KiB"
		echo "setup ms p50 $(stat "j['setup_ms']['p50']") p90 $(stat "j['setup_ms']['p90']")" \
			"p99 $(stat "j['setup_ms']['p99']"), retransmits $(stat "j['tx']['retransmits']")," \
			"PPP resends $(stat "j['ppp_resends']")," \
			"failures $(stat "j['failures']")"
		echo "gateway UdpRcvbufErrors $(rcvbuf_errors);" \
			"l2secd rx-socket-drops $(awk '$1 == "rx-socket-drops" {print $2}' "$out/daemon-show.txt")"
		hz=$(getconf CLK_TCK)
		for p in $pids; do
			echo "$(who "$p") CPU per setup: $(per "$((($(cputime "$p") - cpu0[$p]) * 1000000))" \
				"$((N * hz))") us (utime + stime)"
		done
		if [ "$VALGRIND" = strace ]; then
			for p in $pids; do
				echo "$(who "$p") system calls per setup:"
				strace_table "$out/strace.setup.$p"
			done
		fi
	} | tee "$out/summary.txt"
	[ "$VALGRIND" = strace ] && start_strace teardown
	kill -USR1 "$load_pid"
	wait "$load_pid" || true
	sleep 1
	if [ "$VALGRIND" = strace ]; then
		stop_strace
		for p in $pids; do
			echo "$(who "$p") system calls per teardown:"
			strace_table "$out/strace.teardown.$p"
		done | tee -a "$out/summary.txt"
	fi
	exit 0
fi
kill -USR1 "$load_pid"
wait "$load_pid" || echo "profile-setup: l2sec-load exited $? (see $out/l2sec-load.log)" >&2
# the last acknowledgements are in; StopCCN's lingering timers are not the teardown's
sleep 1
mark -d
kill -TERM "$vg_pid"
wait "$vg_pid" || true
vg_pid=

s=0 t=0
for p in $pids; do
	for f in $(dumps "$p" 1) $(dumps "$p" 2); do
		callgrind_annotate --inclusive=yes "$f" >"$f.inclusive.txt"
	done
	s=$((s + $(ptotal "$p" 1))) t=$((t + $(ptotal "$p" 2)))
done
{
	echo "l2secd $(git -C "$top" describe --always --dirty 2>/dev/null), N=$N, up $up," \
		"rate $RATE/s, in flight $INFLIGHT, ipv6 $IPV6, log-level $LOGLEVEL, privsep $PRIVSEP"
	echo "instructions per setup: $(per "$s" "$N")"
	echo "instructions per teardown: $(per "$t" "$N")"
	for p in $pids; do
		setup=$(dumps "$p" 1 | head -n 1)	# the phase's first dump: nearly all of it
		echo "$(who "$p"): per setup $(per "$(ptotal "$p" 1)" "$N")," \
			"per teardown $(per "$(ptotal "$p" 2)" "$N")"
		echo "top functions per setup, inclusive ($setup.inclusive.txt):"
		# one line a function (callgrind names some twice, by two paths of their file)
		awk -v n="$N" '/^-+$/ {d++; next}
			d >= 3 && $1 ~ /^[0-9,]+$/ {
				ir = $1; gsub(",", "", ir); fn = $0
				sub(/^ *[0-9,]+ +\( *[0-9.]+%\) +/, "", fn); sub(/ \[.*$/, "", fn)
				key = fn; sub(/^.*:/, "", key)
				if (seen[key]++ || shown++ >= 40) next
				printf "  %9.0f %s\n", ir / n, fn }' "$setup.inclusive.txt"
	done
} | tee "$out/summary.txt"
