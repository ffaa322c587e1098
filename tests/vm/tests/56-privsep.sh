# l2secd in two processes ([global] privsep = yes; issue 17 items 1 and 4), against an
# xl2tpd + pppd LAC (MS-CHAPv2, redial on, IPsec off):
# - the engine, l2secd's child, runs as the engine user without privileges: its
#   /proc status shows a uid other than 0, CapEff 0, NoNewPrivs 1 and Seccomp 2; the
#   parent is the only l2secd process with capabilities;
# - a client authenticates (the parent checks the answer: the engine has no secrets),
#   gets a pool address and pings the gateway through the module;
# - a forbidden system call in the engine (the test-only control request "debug
#   seccomp", enabled by L2SECD_TEST_HOOKS=1) kills it with SIGSYS; the parent logs
#   that, clears its tunnel, session and route, and starts a new engine, unprivileged
#   again; the client redials and passes traffic again; SIGTERM ends both processes;
# - SIGHUP with a tunnel up keeps the configuration and the engine (no session lost).
# Then with [ipsec] psk (l2secd manages charon; the VICI connection, the SA table and
# xfrm are the parent's), a charon + xl2tpd + pppd client behind NAT (lib.sh's lc_*):
# - the engine keeps CAP_NET_RAW alone (it replies with the SA's mark: SO_MARK);
# - the client connects and pings the LAN; its tunnel in the module is bound to its SA,
#   and the control socket (the engine's copy of the parent's SA table) names the same
#   SA; `show stats` has the parent's "ipsec" counters; the engine's memory holds no PSK;
# - the engine is killed (SIGKILL): the parent clears the tunnel and starts another,
#   which lists the parent's SAs; the client redials through its SA and pings again;
# - the client deletes its IKE_SA: the tunnel leaves the module and the engine.
# vm-timeout: 420
. "$L2SEC_TOP/tests/vm/lib.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-56
L2SECD=$L2SEC_BUILD/l2secd
gw() { ip netns exec gw "$@"; }
ctl() { l2secd_ctl "$run/run/l2secd.sock" "$1"; }
kern_count() { gw "$L2SEC" -j "$1" show 2>/dev/null | grep -o "\"$1_id\"" | wc -l; }
kern_is() { [ "$(kern_count "$1")" "$2" "$3" ]; }
# the module's tunnel IDs
kern_tids() { gw "$L2SEC" -j tunnel show 2>/dev/null | grep -oE '"tunnel_id": ?[0-9]+' | grep -oE '[0-9]+$'; }
routes_are() { [ "$(gw ip -4 route show dev l2sec0 proto 178 2>/dev/null | wc -l)" = "$1" ]; }
cleared() { kern_is tunnel -eq 0 && kern_is session -eq 0 && routes_are 0; }
lac_up() { ip -n lac -4 addr show 2>/dev/null | grep -q 'inet .* peer'; }
# the engine: the parent's l2secd child
engine() { pgrep -P "$gw_pid" -x l2secd | head -n 1; }
# status PID FIELD: that line of /proc/PID/status, its first value
status() { sed -n "s/^$2:[[:space:]]*\([^[:space:]]*\).*/\1/p" "/proc/$1/status"; }
# the engine's capabilities: none; CAP_NET_RAW alone where it replies with SA marks
engine_capeff=0000000000000000
engine_sandboxed() {
	local e
	e=$(engine) && [ -n "$e" ] &&
		[ "$(status "$e" Uid)" = "$(id -u l2sec)" ] && [ "$(status "$e" Uid)" != 0 ] &&
		[ "$(status "$e" CapEff)" = "$engine_capeff" ] &&
		[ "$(status "$e" CapPrm)" = "$engine_capeff" ] &&
		[ "$(status "$e" NoNewPrivs)" = 1 ] && [ "$(status "$e" Seccomp)" = 2 ]
}
# the parent, and no other l2secd process, has capabilities (but the engine's)
only_parent_privileged() {
	local p c n=0
	for p in $(pgrep -x l2secd); do
		c=$(status "$p" CapEff)
		[ "$c" = 0000000000000000 ] && continue
		[ "$p" != "$gw_pid" ] && [ "$c" = "$engine_capeff" ] && continue
		[ "$p" = "$gw_pid" ] || return 1
		n=$((n + 1))
	done
	[ "$n" = 1 ]
}

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
[ppp]
users = $run/users
local-address = 192.168.42.1
pool = 192.168.42.10-192.168.42.20
CONF
echo "lac password lac-pw" >"$run/users"
chmod 600 "$run/users" "$run/l2sec.conf"

lac_redial_conf "$run"

ip netns exec lac xl2tpd -D -c "$run/xl2tpd.conf" -s /dev/null -C "$run/control" \
	-p "$run/xl2tpd.pid" >"$out/xl2tpd.log" 2>&1 &
lac_pid=$!
L2SECD_TEST_HOOKS=1 ip netns exec gw "$L2SECD" -c "$run/l2sec.conf" >"$out/l2secd.log" 2>&1 &
gw_pid=$!
check "l2secd starts (parent and engine)" wait_for 60 test -S "$run/run/l2secd.sock"
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
check "one route on l2sec0 (the parent's)" routes_are 1
ctl "show stats" >"$out/stats-1.json"
check "show stats: the pools' use, from the parent" \
	jcheck 'j["pool_size"] == 11 and j["pool_in_use"] == 1' <"$out/stats-1.json"

# --- SIGHUP with a tunnel up: the configuration in force stays, and so does the engine ---
kill -HUP "$gw_pid"
check "reload with a tunnel up: kept, and said so" wait_for 10 \
	grep -q "reload: privsep = yes: the engine holds tunnels" "$out/l2secd.log"
check "reload with a tunnel up: the same engine" test "$(engine)" = "$e1"

# --- a forbidden system call kills the engine; the parent restarts it ------------------
# the client keeps sending: its data to the cleared tunnel gets it a StopCCN (l2tp_stale.h)
tid1=$(kern_tids)
check "the module has the engine's tunnel" test -n "$tid1"
ip netns exec lac ping -i 0.2 -w 90 192.168.42.1 >"$out/ping.txt" 2>&1 &
ping_pid=$!
ctl "debug seccomp" >"$out/seccomp.json" 2>&1
check "the engine is killed by SIGSYS, and the parent says so" wait_for 10 \
	grep -q "the engine (pid $e1) was killed by signal 31 .*: a system call its sandbox forbids" \
	"$out/l2secd.log"
# the client dials again at once: what is checked is the old tunnel's absence, not an empty module
check "the parent cleared what the engine held (its log)" wait_for 10 \
	grep -q "privsep: its tunnels and sessions are cleared; a new engine starts" "$out/l2secd.log"
check "the engine's tunnel $tid1 is gone from the module" \
	wait_for 10 sh -c "! ip netns exec gw '$L2SEC' -j tunnel show | grep -qE '\"tunnel_id\": ?$tid1([^0-9]|\$)'"
check "a new engine starts, unprivileged" wait_for 20 \
	sh -c "e=\$(pgrep -P $gw_pid -x l2secd) && [ -n \"\$e\" ] && [ \"\$e\" != $e1 ]"
check "the new engine: uid l2sec, CapEff 0, NoNewPrivs 1, Seccomp 2" wait_for 10 engine_sandboxed
check "the client's new session reaches the kernel" wait_for 60 kern_is session -eq 1
check "the client's ppp0 has an address again" wait_for 30 lac_up
check "the client pings the gateway again" wait_for 20 ip netns exec lac ping -c 1 -W 2 192.168.42.1
check "one route on l2sec0 again, one tunnel and one session in the module, all new" \
	sh -c "[ \$(ip -n gw -4 route show dev l2sec0 proto 178 | wc -l) = 1 ] &&
		[ \"\$(ip netns exec gw '$L2SEC' -j tunnel show | grep -oE '\"tunnel_id\": ?[0-9]+' |
			grep -oE '[0-9]+\$')\" != '$tid1' ]" && kern_is tunnel -eq 1 && kern_is session -eq 1
check "the parent stayed: one l2secd with capabilities" only_parent_privileged

kill "$ping_pid" 2>/dev/null
kill -TERM "$gw_pid"
check "l2secd (both processes) exits after SIGTERM" wait_for 30 \
	sh -c "! kill -0 $gw_pid 2>/dev/null && [ -z \"\$(pgrep -x l2secd)\" ]"
check "l2secd's tunnels, sessions and routes are gone" cleared
kill "$lac_pid" 2>/dev/null
wait "$lac_pid" 2>/dev/null

# --- [ipsec]: charon managed by the parent -------------------------------------------------
ip netns del gw
ip netns del lac
run=/tmp/l2sec-56i
PSK=l2sec-56-privsep-psk
LC_GLOBAL_LINES="privsep = yes"
LC_REDIAL=yes
mv "$out/l2secd.log" "$out/l2secd-lac.log"
lc_setup 1 ""
# the parent: the oldest l2secd (lc_gw_start's pid file has the shell that started it)
gw_pid=$(pgrep -o -x l2secd)
check "l2secd (privsep) runs" test -n "$gw_pid"
check "c1: connection loaded" lc_client_conf 1 "" ""
lc_clients_up 1
tid=${ids[1]%% *}
# require-ipsec (the default): it sends with SO_MARK, for which it keeps CAP_NET_RAW alone
engine_capeff=0000000000002000
check "the engine: uid l2sec, CAP_NET_RAW alone, NoNewPrivs 1, Seccomp 2" wait_for 10 \
	engine_sandboxed
check "only the parent has capabilities (but the engine's CAP_NET_RAW)" only_parent_privileged
# ppp_ping: c1 pings the LAN host out of its PPP interface (its default route would
# reach the LAN too, through the NAT in clear)
ppp_ping() { ip netns exec c1 ping -c "$1" -W 3 -I "$(cut -d' ' -f1 "$run/c1.up")" 198.51.100.2; }
check "c1 pings the LAN host through its session" ppp_ping 2
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
# psk_in PID: "found" when the process's readable memory holds the PSK, "clean" when
# it does not, "unreadable" when nothing of it could be read
psk_in() {
	python3 - "$1" "$PSK" <<'PY'
import sys
pid, psk = sys.argv[1], sys.argv[2].encode()
found, read = False, 0
try:
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            rng, perm = line.split()[:2]
            if "r" not in perm:
                continue
            lo, hi = (int(x, 16) for x in rng.split("-"))
            try:
                mem.seek(lo)
                data = mem.read(hi - lo)
            except (OSError, ValueError, OverflowError):
                continue
            read += len(data)
            found = found or psk in data
except OSError:
    pass
print("found" if found else "clean" if read else "unreadable")
PY
}
# new_tunnel: the module has a tunnel other than $tid; engine_clear: the control socket
# shows no tunnel and no SA in the parent's table
new_tunnel() { kern_tids | grep -qvx "$tid"; }
engine_clear() { lc_ctl "show stats" | jcheck "j['tunnels'] == 0 and j['ipsec']['sa_count'] == 0"; }
e1=$(engine)
check_eq "the parent's memory holds the PSK (what the next check looks for)" found \
	"$(psk_in "$gw_pid")"
check_eq "the engine's memory holds no PSK" clean "$(psk_in "$e1")"

ip netns exec c1 ping -i 0.2 -w 120 198.51.100.2 >"$out/ipsec-ping.txt" 2>&1 &
ping_pid=$!
rm -f "$run/c1.up"	# pppd's ip-up writes it again when the redial is up
kill -KILL "$e1"
check "the parent saw the engine killed and cleared its tunnel" wait_for 10 \
	grep -q "privsep: its tunnels and sessions are cleared; a new engine starts" "$out/l2secd.log"
check "a new engine starts and lists the parent's SA" wait_for 20 \
	grep -q "privsep: engine: 1 SA(s) from the parent" "$out/l2secd.log"
check "the new engine is sandboxed" wait_for 10 engine_sandboxed
check "c1 redials through its SA: a new tunnel in the module" wait_for 90 new_tunnel
check "... and a new session" wait_for 60 kern_is session -eq 1
check "c1's PPP is up again" wait_for 60 test -s "$run/c1.up"
lc_lan_route c1
check "c1 pings the LAN host again through its new session" wait_for 20 ppp_ping 1
kill "$ping_pid" 2>/dev/null
gw "$L2SEC" -r "$run/run" -j session show >"$out/ipsec-session-2.json"
check "the new engine's session names the SA too" jcheck \
	"len(j) == 1 and j[0]['sa']['mark'] == j[0]['mark'] == $(jget "j[0]['sa']['mark']" <"$out/ipsec-tunnel-1.json")" \
	<"$out/ipsec-session-2.json"

lc_sw c1 --terminate --ike l2tp --timeout 30 >>"$out/terminate-c1.log" 2>&1
check "the client's IKE_SA deleted: its tunnel leaves the module" wait_for 30 kern_is tunnel -eq 0
check "... and the engine, and the parent's SA table (show stats)" wait_for 10 engine_clear
check "the engine logged the tunnel cleared with its SA" grep -q "ipsec: tunnel .* cleared" "$out/l2secd.log"
kill -TERM "$gw_pid"
check "l2secd (both processes) exits after SIGTERM" wait_for 30 \
	sh -c "! kill -0 $gw_pid 2>/dev/null && [ -z \"\$(pgrep -x l2secd)\" ]"
pkill -F "$run/c1/xl2tpd.pid" 2>/dev/null
lc_charon_stop c1
lc_charon_stop gw
t_done
