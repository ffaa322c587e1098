# The generic netlink interface under a fuzzer (tests/tools/l2sec-nlfuzz):
# random and mutated requests of every command, for BENCH_NLFUZZ_SECONDS
# (default 20; make fuzz-long NLFUZZ_MINUTES=N, 10 min by default, for longer),
# split in four:
# as root in the gateway's namespace while a session receives a flood
# (l2sec_inject.ko, as in 24-gro) and the fuzzer deletes, mutates and rebuilds
# that session's socket, tunnel and session; as an unprivileged user there,
# and as the root of an unprivileged user namespace there, where every
# request and the events group must be refused; and as the root of an
# unprivileged user namespace with a network namespace of its own, where
# everything is allowed.  No oops or warning (the harness reads the log), no
# malformed reply, the module unloads, its objects are all freed (its own
# count: main.c warns at unload) and the kernel's kmalloc caches come back.
# vm-timeout: 240
. "$L2SEC_TOP/tests/vm/lib.sh"
CTL=$L2SEC_BUILD/tests/l2sec-ctl
BLAST=$L2SEC_BUILD/tests/l2sec-blast
out=${L2SEC_TEST_OUT:-/tmp}
secs=${BENCH_NLFUZZ_SECONDS:-20}
gw() { ip netns exec gw "$@"; }
# an unprivileged user runs a copy the user can reach
FUZZ=/tmp/l2sec-nlfuzz
install -m 0755 "$L2SEC_BUILD/tests/l2sec-nlfuzz" $FUZZ
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
# kmalloc_kib: KiB in use in the kmalloc caches (the module's objects are there)
kmalloc_kib() { awk '$1 ~ /^kmalloc-/ {s += $2 * $4} END {print int(s / 1024)}' /proc/slabinfo; }
kib0=$(kmalloc_kib)

inject_gw || { t_fail "l2sec.ko, l2sec_inject.ko and namespace gw set up"; t_done; }

# fuzz NAME SECONDS [CMD...]: runs the fuzzer under CMD; its summary line
# (nlfuzz ... key=value) in $res, its exit status in $rc
fuzz() {
	local name=$1 t=$2
	shift 2
	"$@" $FUZZ -t "$t" $fuzz_args >"$out/25-$name.txt" 2>&1
	rc=$?
	res=$(grep '^nlfuzz .*ops=' "$out/25-$name.txt")
	echo "# $name: rc=$rc $res"
	grep -m 5 '^nlfuzz:' "$out/25-$name.txt" | sed 's/^/# /'
}
# val KEY: a counter of the last summary line
val() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$res"; }
rxp() { gw "$CTL" stats | sed -n 's/.* rx_packets=\([0-9]*\).*/\1/p'; }

# The defect the first run found, deterministically: a refused TUNNEL_NEW frees
# its endpoint with the endpoint's per-CPU dst_cache (else the module's count of
# live objects stays above 0 and its unload below warns).
check "TUNNEL_NEW for a socket that does not exist is refused" sh -c \
	"echo '!tunnel add 9 90 #999 192.0.2.2 1701' | ip netns exec gw $CTL | grep -q expect-fail"

# --- root, under a flood into the session it rebuilds --------------------------------
t=$((secs / 2))
rx0=$(rxp)
# (l2sec-blast floods for longer than one of l2sec_inject's runs, 60 s at most, run
# after run)
gw "$BLAST" kinject nic0 "$nicmac" 192.0.2.2 1701 192.0.2.1 1701 $((t + 5)) 1200 \
	l2tp 7 7 10.99.0.2 198.51.100.1 5001 tcp >"$out/25-flood.txt" 2>&1 &
flooder=$!
fuzz_args="-l 192.0.2.1" fuzz root "$t" gw
check_eq "root: the fuzzer ends well (no malformed reply)" 0 "$rc"
check "root: most requests answered" test "$(val acks)" -gt "$(($(val msgs) / 2))"
check "root: requests succeeded" test "$(val ok)" -gt 100
check "root: dumps and replies" test "$(val replies)" -gt 0 -a "$(val dumps)" -gt 0
check "root: the base session was deleted and rebuilt" test "$(val base_rebuilds)" -gt 1
check "root: every one of its objects went with its sockets" wait_for 10 sh -c \
	"ip netns exec gw $CTL stats | grep -q 'socks=0 tunnels=0 sessions=0'"
check "root: sessions received the flood meanwhile" test "$(rxp)" -gt "$rx0"
wait $flooder
flood_rc=$?
check_eq "root: the flood ran to its end" 0 "$flood_rc"
check "root: the flood ran" grep -q '^received [1-9]' "$out/25-flood.txt"

# --- without CAP_NET_ADMIN over the namespace: everything refused -------------------------
t=$((secs / 10))
fuzz_args="-U" fuzz user "$t" gw setpriv --reuid=65534 --regid=65534 --clear-groups
check_eq "user: nothing granted, no malformed reply" 0 "$rc"
check "user: requests refused with EPERM" test "$(val refused)" -gt 10
fuzz_args="-U" fuzz userns "$t" gw unshare -U -r
check_eq "user namespace root: nothing granted, no malformed reply" 0 "$rc"
check "user namespace root: requests refused with EPERM" test "$(val refused)" -gt 10

# --- the root of an unprivileged user namespace, in its own network namespace -------------
t=$((secs - secs / 2 - 2 * (secs / 10)))
own() {
	nobody unshare -U -r -n sh -c 'ip link set lo up && ip link add l2sec0 type l2sec &&
		ip link set l2sec0 up && exec "$@"' own "$@"
}
fuzz_args="" fuzz own-netns "$t" own
check_eq "own namespace: the fuzzer ends well (no malformed reply)" 0 "$rc"
check "own namespace: requests succeeded" test "$(val ok)" -gt 100
check "own namespace: datagrams sent to its sockets" test "$(val datagrams)" -gt 0

# --- afterwards: unloads, nothing left -------------------------------------------------
ip netns del gw
rmmod l2sec_inject
check "the module unloads" wait_for 10 rmmod l2sec
# the namespaces' and sockets' frees run after RCU grace periods and in workqueues
kmalloc_back() { [ "$(kmalloc_kib)" -le $((kib0 + 1024)) ]; }
check "kmalloc caches back within 1 MiB (before: $kib0 KiB)" wait_for 30 kmalloc_back
echo "# kmalloc KiB: before $kib0, after $(kmalloc_kib)"
t_done
