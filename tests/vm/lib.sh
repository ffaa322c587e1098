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

# t_sleep SECONDS: sleep in the shell itself. coreutils' sleep is a program, and an
# exec costs tens of ms of CPU under TCG: a loop polling every 0.1 s would spend a
# third of the guest's one vCPU starting sleep, taken from what it waits for. A read
# from a pipe nobody writes to times out instead (the pipe is closed after, so no
# program started meanwhile inherits it).
t_sleep() {
	local fd
	exec {fd}<> <(:)
	read -rt "$1" -u "$fd" || :
	exec {fd}<&-
	return 0
}

# wait_for SECONDS CMD...: poll CMD until it succeeds, SECONDS x 10 times at most:
# every 0.1 s, or, when a poll takes longer than that, after as long again as it
# took (up to 1 s), so that polling takes at most half of the CPU.
wait_for() {
	local n=$(($1 * 10)) t0 us
	shift
	while [ $n -gt 0 ]; do
		t0=${EPOCHREALTIME//[!0-9]/}
		"$@" >/dev/null 2>&1 && return 0
		us=$((${EPOCHREALTIME//[!0-9]/} - t0))
		us=$((us < 100000 ? 100000 : us > 1000000 ? 1000000 : us))
		printf -v us '%d.%06d' $((us / 1000000)) $((us % 1000000))
		t_sleep "$us"
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

# lac_modules: l2sec.ko and the PPP modules loaded, /dev/ppp, for xl2tpd clients.
lac_modules() {
	modprobe l2sec || return 1
	modprobe ppp_generic 2>/dev/null
	modprobe ppp_async 2>/dev/null
	[ -e /dev/ppp ] || mknod /dev/ppp c 108 0
}

# lac_topology: lac_modules, and namespaces gw (192.0.2.1 on eth0) and lac
# (192.0.2.2), for an xl2tpd client against l2secd.
lac_topology() {
	lac_modules || return 1
	netns_add gw lac && veth gw eth0 192.0.2.1/24 lac eth0 192.0.2.2/24
}

# lac_users NS DIR LOG LNS USER:PASSWORD...: xl2tpd in namespace NS with a LAC per
# user against LNS (a tunnel each, IPsec off; PPP with MS-CHAPv2 only), its files
# and control pipe in DIR, its log and each pppd's (pppd-USER.log) in LOG; returns
# once the pipe is there. Then lac_call DIR USER dials, lac_hang_up USER hangs up
# (pppd ends the link: LCP Terminate, then xl2tpd's CDN), lac_ppp DIR USER ADDR|IF
# is what pppd of USER got.
lac_users() {
	local ns=$1 dir=$2 log=$3 lns=$4 u
	shift 4
	printf '[global]\nport = 1701\naccess control = no\n' >"$dir/xl2tpd.conf"
	for u in "$@"; do
		printf '[lac %s]\nlns = %s\nrequire authentication = no\npppoptfile = %s\n' \
			"${u%%:*}" "$lns" "$dir/ppp-${u%%:*}.opts"
		printf 'autodial = no\nredial = no\n'
		printf '%s\n' "name ${u%%:*}" "password ${u#*:}" noauth refuse-eap refuse-pap \
			refuse-chap refuse-mschap nodefaultroute noipdefault ipcp-accept-remote \
			"lcp-echo-interval 0" "linkname ${u%%:*}" "logfile $log/pppd-${u%%:*}.log" \
			>"$dir/ppp-${u%%:*}.opts"
	done >>"$dir/xl2tpd.conf"
	echo "$log/xl2tpd-$ns.log" >"$dir/log"
	ip netns exec "$ns" xl2tpd -D -c "$dir/xl2tpd.conf" -s /dev/null -C "$dir/control" \
		-p "$dir/xl2tpd.pid" >"$log/xl2tpd-$ns.log" 2>&1 &
	wait_for 30 test -p "$dir/control"
}
# xl2tpd reads its pipe a buffer at a time, the commands in it as one: the next
# command waits for this one's "Connecting to host" line
lac_connects() { grep -c 'Connecting to host' "$(cat "$1/log")"; }
lac_call() {
	local n
	n=$(lac_connects "$1")
	# a pipe nobody reads would block the write: xl2tpd gone
	timeout 10 tee "$1/control" <<<"c $2" >/dev/null &&
		wait_for 20 test "$(lac_connects "$1")" -gt "$n"
}
lac_hang_up() { kill "$(head -n 1 "/var/run/ppp-$1.pid")"; }
# pppd's log lines "Using interface ppp0" and "local  IP address 10.99.0.10"
lac_ppp() {
	local log
	log=$(sed -n 's/^logfile //p' "$1/ppp-$2.opts")
	case $3 in
	ADDR) sed -n 's/^local  IP address \([0-9.]*\).*/\1/p' "$log" | tail -n 1 ;;
	IF) sed -n 's/^Using interface \(ppp[0-9]*\).*/\1/p' "$log" | tail -n 1 ;;
	esac
}

# lac_redial_conf DIR: xl2tpd.conf and ppp.opts in DIR for xl2tpd's LAC "gw" against
# 192.0.2.1 as PPP user lac (password lac-pw), IPsec off, dialing again at once after a
# hang-up (up to 30 times); the control pipe is the caller's (xl2tpd -C).
lac_redial_conf() {
	cat >"$1/xl2tpd.conf" <<CONF
[global]
port = 1701
access control = no
debug tunnel = yes

[lac gw]
lns = 192.0.2.1
challenge = no
require authentication = no
pppoptfile = $1/ppp.opts
name = lac
autodial = no
redial = yes
redial timeout = 1
max redials = 30
length bit = yes
CONF
	printf '%s\n' "name lac" "password lac-pw" refuse-pap refuse-eap noauth nodefaultroute \
		noipdefault nodetach "lcp-max-configure 1000" >"$1/ppp.opts"
}

# lac_dial_start DIR: xl2tpd (lac_pid) in namespace lac, its LAC "gw" against 192.0.2.1
# dialling only when told (lac_dial; no redial), control pipe DIR/control; 0 once ready.
lac_dial_start() {
	cat >"$1/xl2tpd.conf" <<CONF
[global]
port = 1701
access control = no
[lac gw]
lns = 192.0.2.1
require authentication = no
pppoptfile = $1/ppp.opts
name = lac
autodial = no
redial = no
CONF
	ip netns exec lac xl2tpd -D -c "$1/xl2tpd.conf" -s /dev/null -C "$1/control" \
		-p "$1/xl2tpd.pid" >"${L2SEC_TEST_OUT:-/tmp}/xl2tpd.log" 2>&1 &
	lac_pid=$!
	wait_for 30 test -p "$1/control"
}

# lac_dial DIR USER PASSWORD PPPD-OPTION...: pppd calls the gateway as USER (its log
# $L2SEC_TEST_OUT/pppd-USER.log); lac_ppp_up once the client has its address.
lac_dial() {
	local dir=$1 user=$2 pw=$3
	shift 3
	{
		printf 'name %s\npassword %s\nnoauth\nrefuse-eap\nrefuse-mschap\n' "$user" "$pw"
		printf 'nodefaultroute\nnoipdefault\nipcp-accept-remote\nlcp-echo-interval 0\n'
		printf '%s\n' "$@"
		printf 'logfile %s\n' "${L2SEC_TEST_OUT:-/tmp}/pppd-$user.log"
	} >"$dir/ppp.opts"
	echo "c gw" >"$dir/control"
}

# lac_ppp_addr: the client's PPP address (pppd numbers its interfaces anew); lac_ppp_up
lac_ppp_addr() { ip -n lac -4 -o addr show 2>/dev/null | sed -n 's/.* inet \([0-9.]*\) peer.*/\1/p'; }
lac_ppp_up() { [ -n "$(lac_ppp_addr)" ]; }

# inject_gw: l2sec.ko and the frame injector (tests/bench/inject) loaded, and
# namespace gw: NIC nic0 (192.0.2.1/24) the injector receives on, forwarding to
# 198.51.100.0/24 on dummy sink0, l2sec0 (10.99.0.1) routing 10.99.0.0/24; sets
# nicmac (nic0's address, the frames' destination).
inject_gw() {
	modprobe l2sec || return 1
	insmod "$L2SEC_BUILD/mod/$(uname -r)/inject/l2sec_inject.ko" || return 1
	netns_add gw || return 1
	ip -n gw link add nic0 type dummy
	ip -n gw addr add 192.0.2.1/24 dev nic0
	ip -n gw link add sink0 type dummy
	ip netns exec gw sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 net.ipv6.conf.sink0.disable_ipv6=1
	ip -n gw link set nic0 up
	ip -n gw link set sink0 up
	ip -n gw route add 198.51.100.0/24 dev sink0
	ip -n gw link add l2sec0 type l2sec
	ip -n gw addr add 10.99.0.1/32 dev l2sec0
	ip -n gw link set l2sec0 up
	ip -n gw route add 10.99.0.0/24 dev l2sec0
	nicmac=$(ip netns exec gw cat /sys/class/net/nic0/address)
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

# dpkg_unattended: dpkg as an unattended install runs it (debconf asks nothing: no
# terminal here), without man-db's trigger: its index of the manuals, which no test
# reads, takes half a minute under TCG at each dpkg run (off, as the debconf answer
# man-db/auto-update=false turns it off)
dpkg_unattended() {
	rm -f /var/lib/man-db/auto-update
	export DEBIAN_FRONTEND=noninteractive
}

t_done() {
	echo "# $t_failed failed"
	exit $((t_failed > 125 ? 125 : t_failed))
}

# --- L2TP/IPsec with real peers behind one NAT (soak 62, 63; 64; pending 66) -------------
# Charon clients (IKEv1, transport mode, PSK, NAT-T) with xl2tpd and pppd
# (MS-CHAPv2) behind one nftables masquerade, against l2secd and the gateway's
# charon, as 60-ipsec-nat sets them up. The caller sets run (a scratch directory),
# out (the log directory) and PSK.
#   c1..cN (192.168.1.11..) -- nat (203.0.113.1) -- gw (203.0.113.2 | 198.51.100.1) -- lan
lc_gw() { ip netns exec gw "$@"; }

# lc_topology N: the namespaces, links, NAT and forwarding for N clients (N <= 9)
lc_topology() {
	local c
	modprobe -a l2sec esp4 xfrm_user nf_tables nft_chain_nat nft_masq nf_nat bridge \
		veth ppp_generic ppp_async ppp_synctty l2tp_ppp 2>/dev/null
	[ -e /dev/ppp ] || mknod /dev/ppp c 108 0
	netns_add nat gw lan || return 1
	ip -n nat link add br0 type bridge && ip -n nat addr add 192.168.1.1/24 dev br0 &&
		ip -n nat link set br0 up || return 1
	for c in $(seq 1 "$1"); do
		netns_add "c$c" &&
			ip link add eth0 netns "c$c" type veth peer name "p-c$c" netns nat &&
			ip -n nat link set "p-c$c" master br0 up &&
			ip -n "c$c" addr add "192.168.1.1$c/24" dev eth0 &&
			ip -n "c$c" link set eth0 up &&
			ip -n "c$c" route add default via 192.168.1.1 || return 1
		mkdir -p "$run/c$c"
	done
	mkdir -p "$run/gw" "$run/run"
	veth nat wan 203.0.113.1/24 gw wan 203.0.113.2/24 &&
		veth gw lan0 198.51.100.1/24 lan eth0 198.51.100.2/24 &&
		ip -n lan route add 192.168.42.0/24 via 198.51.100.1 || return 1
	lc_gw sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
	lc_nat_masq
}
# lc_nat_masq [RULE]: namespace nat forwards and masquerades what leaves by "wan", its
# UDP mappings kept 10 minutes (a TCG guest is slow); RULE (nft) comes first, e.g.
# 'oifname "wan" meta l4proto udp masquerade to :1024-65535': by default the kernel
# maps a source port below 512 to one below 512, so that at most 511 clients from
# port 500 share the NAT's address at once
lc_nat_masq() {
	ip netns exec nat sysctl -qw net.ipv4.ip_forward=1 \
		net.netfilter.nf_conntrack_udp_timeout=600 \
		net.netfilter.nf_conntrack_udp_timeout_stream=600 2>/dev/null
	ip netns exec nat nft -f - <<NFT
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		${1:-}
		oifname "wan" masquerade
	}
}
NFT
}

# lc_charon_start NAME: charon in namespace NAME with its own /run, strongswan.conf
# and VICI socket; lc_charon_wait NAME: until its socket is there; lc_charon_stop
# NAME: SIGTERM (as systemctl stop) and wait until it is gone. LC_CHARON_CONF: more
# lines for the charon section (a later key wins: e.g. quieter logs, more threads)
lc_charon_start() {
	cat >"$run/$1/strongswan.conf" <<CONF
include /etc/strongswan.conf
charon {
  load_modular = yes
  plugins {
    vici { socket = unix://$run/$1/charon.vici }
    connmark { load = no }
    bypass-lan { load = no }
  }
  filelog { log { path = $out/charon-$1.log
                  append = yes
                  flush_line = yes
                  time_format = %H:%M:%S
                  default = 1
                  ike = 2
                  cfg = 2
                  chd = 2
                  knl = 2 } }
  ${LC_CHARON_CONF:-}
}
CONF
	rm -f "$run/$1/charon.vici"
	ip netns exec "$1" sh -c "mount -t tmpfs tmpfs /run &&
		STRONGSWAN_CONF=$run/$1/strongswan.conf exec /usr/lib/ipsec/charon" \
		>>"$out/charon-$1.out" 2>&1 &
	echo $! >"$run/$1/charon.pid"
}
lc_charon_wait() { wait_for 60 test -S "$run/$1/charon.vici"; }
lc_charon_stop() {
	local pid
	pid=$(cat "$run/$1/charon.pid")
	kill -TERM "$pid" 2>/dev/null
	wait_for 30 sh -c "! kill -0 $pid"
}
# lc_sw NAME ARGS...: swanctl against NAME's charon
lc_sw() {
	local who=$1
	shift
	timeout 90 swanctl "$@" --uri "unix://$run/$who/charon.vici" 2>>"$out/swanctl-$who.err"
}

# lc_client_conf N IKE_OPTS CHILD_OPTS: client N's connection (a Linux client's, with
# the caller's lifetimes and actions), loaded into its charon; from LC_CLIENT_ADDR
# (default 192.168.1.1N) to LC_GW_ADDR (default 203.0.113.2)
lc_client_conf() {
	local me=${LC_CLIENT_ADDR:-192.168.1.1$1}
	cat >"$run/c$1/swanctl.conf" <<CONF
connections {
  l2tp {
    version = 1
    local_addrs = $me
    remote_addrs = ${LC_GW_ADDR:-203.0.113.2}
    proposals = aes256-sha256-modp2048
    $2
    local { auth = psk
            id = $me }
    remote { auth = psk }
    children {
      l2tp {
        mode = transport
        local_ts = dynamic[udp/1701]
        remote_ts = dynamic[udp/1701]
        esp_proposals = aes256-sha1
        $3
      }
    }
  }
}
secrets { ike-gw { secret = "$PSK" } }
CONF
	lc_sw "c$1" --load-all --file "$run/c$1/swanctl.conf"
}
# lc_client_lifetimes N REAUTH REKEY LIFE RAND: client N with lifetimes of its own, in
# seconds: the IKE_SA's reauth_time (over_time 30, rand_time 2), the CHILD_SA's
# rekey_time, life_time and rand_time. charon's default jitter could set a soft lifetime
# of 0, which xfrm takes as none; the hard ones leave room for a loaded TCG host.
lc_client_lifetimes() {
	lc_client_conf "$1" "reauth_time = ${2}s
    over_time = 30s
    rand_time = 2s" "rekey_time = ${3}s
        life_time = ${4}s
        rand_time = ${5}s"
}
lc_initiate() { lc_sw "c$1" --initiate --child l2tp --timeout 60 >>"$out/initiate-c$1.log" 2>&1; }

# lc_l2tp_start NS USER PASSWORD [PPPD_OPTS]: xl2tpd dialling the gateway (LC_LNS, by
# default 203.0.113.2) with pppd. pppd's ip-up writes "interface local remote" to $run/NS.up.
# LC_REDIAL=yes: xl2tpd redials a lost call; LC_MAX_RETRIES: its control message
# retransmissions (backoff 1, 2, 4 ... s; default 5, 31 s) before it gives a tunnel up.
lc_l2tp_start() {
	local ns=$1 d="$run/$1"
	rm -f "$run/$ns.up"
	printf '#!/bin/sh\necho "$1 $4 $5" >"%s/$6.up"\n' "$run" >"$run/ip-up"
	chmod +x "$run/ip-up"
	cat >"$d/xl2tpd.conf" <<CONF
[global]
port = 1701
access control = no
${LC_MAX_RETRIES:+max retries = $LC_MAX_RETRIES}
[lac gw]
lns = ${LC_LNS:-203.0.113.2}
require authentication = no
pppoptfile = $d/ppp.opts
name = $ns
autodial = yes
redial = ${LC_REDIAL:-no}
redial timeout = 1
CONF
	{
		printf 'name %s\npassword %s\n' "$2" "$3"
		printf 'refuse-pap\nrefuse-chap\nrefuse-mschap\nrefuse-eap\nnoauth\n'
		printf 'nodefaultroute\nnoipdefault\nipcp-accept-remote\nmtu 1280\nmru 1280\n'
		printf '%s\n' "${4:-lcp-echo-interval 0}"
		printf 'ip-up-script %s\nipparam %s\n' "$run/ip-up" "$ns"
		printf 'logfile %s\n' "$out/pppd-$ns.log"
	} >"$d/ppp.opts"
	: >"$d/secrets"
	# xl2tpd's lines have no time of their own; $! stays xl2tpd's. The filter's
	# shell takes the log as its own stdout and stderr (exec): a redirection of
	# lc_stamp alone would leave the caller's stdout open in a saved copy, and a
	# caller reading it ($(lc_connect ...) in check) would wait for xl2tpd's end.
	ip netns exec "$ns" xl2tpd -D -c "$d/xl2tpd.conf" -s "$d/secrets" -C "$d/control" \
		-p "$d/xl2tpd.pid" > >(exec >>"$out/xl2tpd-$ns.log" 2>&1; lc_stamp) 2>&1 &
	echo $! >"$d/xl2tpd.pidof"
}
# lc_stamp: stdin to stdout, each line after the time of day
lc_stamp() {
	local l
	while IFS= read -r l; do
		printf '%(%H:%M:%S)T %s\n' -1 "$l"
	done
}
lc_client_addr() { cut -d' ' -f2 "$run/$1.up"; }
# lc_lan_route NS: the LAN through the client's PPP link
lc_lan_route() { ip -n "$1" route replace 198.51.100.0/24 dev "$(cut -d' ' -f1 "$run/$1.up")"; }

# lc_gw_start EXTRA_IPSEC_LINES: l2secd on the gateway (users uN/pw-N), [ipsec] with
# the caller's lines, listening on LC_LISTEN (default 203.0.113.2), LC_PPP_LINES added to
# [ppp], LC_GLOBAL_LINES to [global]; waits until it has loaded its connection into charon
lc_gw_start() {
	local n
	for n in 1 2 3 4 5 6 7 8 9; do echo "u$n password pw-$n"; done >"$run/users"
	cat >"$run/l2sec.conf" <<CONF
[global]
log-level = info
runtime-dir = $run/run
${LC_GLOBAL_LINES:-}
[l2tp]
listen = ${LC_LISTEN:-203.0.113.2}
hostname = gw
hello-interval = 60s
[ppp]
users = $run/users
local-address = 192.168.42.1
pool = 192.168.42.10-192.168.42.19
lcp-echo-interval = 60s
${LC_PPP_LINES:-}
[ipsec]
vici = $run/gw/charon.vici
psk = $PSK
$1
CONF
	chmod 600 "$run/users" "$run/l2sec.conf"	# l2secd refuses secrets others may read
	lc_gw "$L2SEC_BUILD/l2secd" -c "$run/l2sec.conf" >>"$out/l2secd.log" 2>&1 &
	echo $! >"$run/l2secd.pid"
	wait_for 60 grep -q "vici: connection 'l2sec' and its .* loaded into charon" \
		"$out/l2secd.log"
}
# lc_sess_ids ADDR: "tunnel_id session_id" of the gateway's session with that address
lc_sess_ids() {
	lc_gw "$L2SEC" -j session show | jget \
		"' '.join(str(x) for s in j if s.get('ipv4') == '$1'
			for x in (s['tunnel_id'], s['session_id']))"
}
# lc_ctl REQUEST: l2secd's control socket's JSON answer
lc_ctl() { l2secd_ctl "$run/run/l2secd.sock" "$1"; }

# lc_connect N: client N up (IKE, CHILD_SA, L2TP, PPP as uN) with the LAN routed
# through it; $run/cN.up has its interface and address
lc_connect() {
	lc_initiate "$1" && lc_l2tp_start "c$1" "u$1" "pw-$1" "$2" &&
		wait_for 90 test -s "$run/c$1.up" && lc_lan_route "c$1"
}

# lc_stream_start N PORT: a TCP stream at LC_STREAM_RATE (default 1 Mbit/s) in
# LC_STREAM_LEN writes (default 8 KiB) from the LAN host to client N (iperf3 -R
# against a server on PORT), its 0.2 s receive intervals logged as they come
# (a write or more in each: at 256K, 2K writes); lc_stream_stop N: ends it.
# The sender paces its writes on a 20 ms timer, not iperf3's default 1 ms: in 67
# the three senders, woken 1,000 times a second each whatever the rate, took about
# 40% of the guest's CPU (top in the guest, Dec 7: 0.13 s a second each), more
# than the gateway's charon and far more than the clients' xl2tpd and pppd; at
# 256 kbit/s a write of 2 KiB is due every 64 ms.
# lc_stream_gap N: the longest run of receive intervals without a byte, in 0.2 s
# units (a gap > 2 s is a run of 10 or more); lc_stream_bytes N: the bytes
# received in all.
lc_stream_start() {
	ip netns exec lan iperf3 -s -D -1 -p "$2" -B 198.51.100.2 \
		--logfile "$out/iperf3-server-$2.log"
	wait_for 20 sh -c "ip netns exec lan ss -ltn | grep -q ':$2 '"
	ip netns exec "c$1" iperf3 -c 198.51.100.2 -p "$2" -R -b "${LC_STREAM_RATE:-1M}" \
		-l "${LC_STREAM_LEN:-8K}" -t 600 -i 0.2 --pacing-timer 20000 --forceflush \
		--logfile "$out/stream-c$1.log" &
	echo $! >"$run/stream-c$1.pid"
}
# lc_streams_flow N: streams to clients 1..N (ports 5201..) started; a check that each flows
lc_streams_flow() {
	local c
	for c in $(seq 1 "$1"); do
		lc_stream_start "$c" $((5200 + c))
	done
	check "the streams flow" wait_until 30 sh -c "for c in \$(seq 1 $1); do
		grep -q KBytes $out/stream-c\$c.log || exit 1; done"
}
lc_stream_stop() {
	local pid
	pid=$(cat "$run/stream-c$1.pid")
	kill -INT "$pid" 2>/dev/null
	wait_for 20 sh -c "! kill -0 $pid"
}
lc_stream_gap() {
	awk '/sec .*Bytes/ && !/sender|receiver/ {
		for (i = 1; i < NF; i++) if ($i == "sec") v = $(i + 1)
		if (v + 0 == 0) { run++; if (run > max) max = run } else run = 0; n++ }
		END { print (n ? max + 0 : 999) }' "$out/stream-c$1.log"
}
lc_stream_intervals() { grep 'sec .*Bytes' "$out/stream-c$1.log" | grep -cv 'sender\|receiver'; }
# lc_stream_bytes N: the bytes client N's stream received in all (iperf3's summary)
lc_stream_bytes() {
	awk '/receiver/ { v = 0
		for (i = 1; i < NF; i++) if ($i == "sec") { v = $(i + 1); u = $(i + 2) }
		m = u == "KBytes" ? 1024 : u == "MBytes" ? 1048576 : u == "GBytes" ? 1073741824 : 1
		b = int(v * m) } END { print b + 0 }' "$out/stream-c$1.log"
}
# lc_ppp_rx_bytes NS: bytes received on the client's PPP interface
lc_ppp_rx_bytes() {
	ip netns exec "$1" cat "/sys/class/net/$(cut -d' ' -f1 "$run/$1.up")/statistics/rx_bytes"
}
# lc_setup N IPSEC_LINES: topology for N clients, charon in gw and each client,
# l2secd with IPSEC_LINES in its [ipsec] section; each step a check
lc_setup() {
	local n c
	rm -rf "$run"
	mkdir -p "$run"
	check "topology: $1 client(s) behind one NAT" lc_topology "$1"
	for n in gw $(seq -f 'c%g' 1 "$1"); do
		lc_charon_start "$n"
	done
	check "gw: charon starts" lc_charon_wait gw
	check "gw: l2secd starts and loads its connection" lc_gw_start "$2"
	for c in $(seq 1 "$1"); do
		check "c$c: charon starts" lc_charon_wait "c$c"
	done
}
# lc_clients_up N: clients 1..N connected (lc_connect, all at once, each a check); a[c]
# their addresses, ids[c] "tunnel_id session_id" of their sessions at the gateway. A
# client that does not come up ends the test: nothing else could be checked.
lc_clients_up() {
	local c pid=()
	for c in $(seq 1 "$1"); do
		lc_connect "$c" >"$out/connect-c$c.log" 2>&1 &
		pid[c]=$!
	done
	for c in $(seq 1 "$1"); do
		wait "${pid[c]}"
		check_eq "c$c: IPsec, L2TP and PPP up (exit status)" 0 "$?"
		if ! [ -s "$run/c$c.up" ]; then
			echo "# c$c has no session: nothing else can be checked"
			t_done
		fi
		a[c]=$(lc_client_addr "c$c")
		ids[c]=$(lc_sess_ids "${a[c]}")
		echo "# c$c ${a[c]} tunnel/session ${ids[c]} [${SECONDS}s]"
	done
}

# wait_until SECONDS CMD...: poll CMD until it succeeds or SECONDS of wall-clock time
# have passed. wait_for counts polls, and a poll that greps a charon log of megabytes
# over 9p under TCG takes a second or more: a bound of 60 became ten minutes.
# Between polls it sleeps 0.2 s, or as long as the poll took (up to 1 s): a poll that
# starts a Python or asks l2secd takes a second in a loaded guest, and back to back
# such polls took a third of 67's CPU from the streams and the daemons it watches.
wait_until() {
	local end=$((SECONDS + $1)) t0 us
	shift
	while t0=${EPOCHREALTIME//[!0-9]/}; ! "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || return 1
		us=$((${EPOCHREALTIME//[!0-9]/} - t0))
		us=$((us < 200000 ? 200000 : us > 1000000 ? 1000000 : us))
		printf -v us '%d.%06d' $((us / 1000000)) $((us % 1000000))
		t_sleep "$us"
	done
}

# For the IPsec lifecycle tests, after lc_clients_up:
# lc_tunnel_sa TUNNEL_ID KEY: that key of the SA entry l2secd has for the tunnel
lc_tunnel_sa() {
	lc_ctl "show tunnels" | jget "[t['sa']['$2'] for t in j['tunnels'] if t['tunnel_id'] == $1][0]"
}
# lc_gw_stat NAME: l2secd's ipsec counter; lc_rekeys_reach N: its rekeys are N or more
lc_gw_stat() { lc_ctl "show stats" | jget "j['ipsec']['$1']"; }
lc_rekeys_reach() { [ "$(lc_gw_stat rekeys)" -ge "$1" ]; }
# lc_moved MARK: how often l2secd moved that SA entry to a new IKE_SA
lc_moved() {
	grep -c "SA mark $1 moved from IKE_SA #[0-9]* to #[0-9]* (reauthenticated)" "$out/l2secd.log"
}
# lc_ike_deleted N: the gateway's charon deleted its IKE_SA N
lc_ike_deleted() { grep -q "deleting IKE_SA l2sec\[$1\]" "$out/charon-gw.log"; }
# lc_no_session ADDR: the gateway has no session with that address
lc_no_session() { [ -z "$(lc_sess_ids "$1")" ]; }
# lc_streams_ok N T0: stops the streams of clients 1..N, started at $SECONDS T0, and
# checks each: it ran throughout, no gap over 2 s, its tunnel and session ids unchanged
lc_streams_ok() {
	local c g n elapsed gmax=${LC_GAP_MAX:-10}
	sleep 2	# the last events' traffic is in the streams
	for c in $(seq 1 "$1"); do
		lc_stream_stop "$c"
	done
	elapsed=$((SECONDS - $2))
	for c in $(seq 1 "$1"); do
		g=$(lc_stream_gap "$c")
		n=$(lc_stream_intervals "$c")
		echo "# c$c: $n intervals of 0.2 s in $elapsed s, longest run without a byte: $g"
		check "c$c: the stream ran throughout (intervals for $elapsed s - 5 s)" \
			test $((n / 5)) -ge $((elapsed - 5))
		check "c$c: no gap in the stream longer than $((gmax / 5)) s (longest: $g x 0.2 s)" \
			test "$g" -lt "$gmax"
		# what to read first when it failed: strongSwan's client drops a CHILD_SA's
		# rekey that falls due while it moves its CHILD_SAs into the IKE_SA of its
		# own reauthentication; that SA then expires unreplaced, and the gateway,
		# told it is gone, clears the tunnel bound to it
		[ "$g" -lt "$gmax" ] || ! grep -q 'not found for rekey' "$out/charon-c$c.log" ||
			echo "# c$c's charon lost a rekey of its own during its reauthentication" \
				"(charon-c$c.log: 'not found for rekey')"
		check_eq "gw: c$c's tunnel and session ids unchanged" "${ids[c]}" \
			"$(lc_sess_ids "${a[c]}")"
	done
}
# lc_sa_of_charon N: N established tunnels, and each one's SA entry names an IKE_SA
# charon established and the CHILD_SA and SPIs charon installed for it (its log). (The
# IKE_SA may be one charon has deleted since: after overlapping reauthentications the
# entry's IKE_SA is a guess until its CHILD_SA's next event; see ipsec_sa.h.) charon's
# log is read as bytes that may not be UTF-8: its traffic selectors name ports with
# getservbyport, which is not thread-safe, and two threads at once once logged
# "[udp/ssh\t\t22/tcp ... # SSH Remote Login Protocol\n ... \xad\x7f]" (CI run 44, 67
# on 6.12): a strict decode failed this check with every SA entry right.
lc_sa_of_charon() {
	lc_ctl "show tunnels" >"$out/tunnels.json"
	/usr/bin/python3 -c '
import json, sys
log = open(sys.argv[2], errors="replace").read()
t = [x for x in json.load(open(sys.argv[1]))["tunnels"] if x["state"] == "established"]
ok = len(t) == int(sys.argv[3])
for x in t:
    sa = x["sa"]
    ike = "IKE_SA l2sec[%d] " % sa["ike_id"]
    child = "CHILD_SA l2tp{%d} established with SPIs %s_i %s_o " % (sa["child_id"], sa["spi_in"],
                                                                  sa["spi_out"])
    ok = ok and (ike + "established") in log and child in log
sys.exit(0 if ok else 1)' "$out/tunnels.json" "$out/charon-gw.log" "$1"
}
# lc_gw_reauth_case SECONDS TUNNEL MARK N: (a) the gateway's charon reauthenticates
# the tunnel's IKE_SA on its own within SECONDS and deletes the old one; l2secd moves
# the SA entry (MARK) to the new IKE_SA; N tunnels' entries are all charon's
lc_gw_reauth_case() {
	local ike
	ike=$(lc_tunnel_sa "$2" ike_id)
	check "(a) gw: charon reauthenticates IKE_SA #$ike on its own (within $1 s)" \
		wait_until "$1" grep -q "reauthenticating IKE_SA l2sec\[$ike\]" "$out/charon-gw.log"
	check "(a) gw: and deletes the old IKE_SA #$ike" wait_until 30 lc_ike_deleted "$ike"
	check "(a) l2secd: SA entry $3 moved to the new IKE_SA" \
		wait_until 10 test "$(lc_moved "$3")" -gt 0
	check "(a) l2secd: every SA entry is charon's" wait_until 10 lc_sa_of_charon "$4"
}
# lc_ike_reauth_left IKE_ID: seconds until the gateway's charon reauthenticates that
# IKE_SA on its own (its "scheduling reauthentication in Ns" line, from the thread that
# logged the IKE_SA established); nothing when none is scheduled
lc_ike_reauth_left() {
	local at
	at=$(awk -v id="$1" '
		index($0, "IKE_SA l2sec[" id "] established") { th = $2; t = $1; next }
		th != "" && $2 == th && /scheduling reauthentication in [0-9]+s/ {
			match($0, /in [0-9]+s/); n = substr($0, RSTART + 3, RLENGTH - 4)
			split(t, h, ":"); print h[1] * 3600 + h[2] * 60 + h[3] + n; exit
		}' "$out/charon-gw.log")
	[ -n "$at" ] || return 0
	# seconds of the day, across midnight
	echo $(((at - $(date +%s) % 86400 + 86400 + 43200) % 86400 - 43200))
}
# lc_ike_replaced IKE_ID TUNNEL: charon deleted that IKE_SA and l2secd's entry of the
# tunnel's SA names another
lc_ike_replaced() {
	lc_ike_deleted "$1" && [ "$(lc_tunnel_sa "$2" ike_id)" != "$1" ]
}
# lc_gw_reauth_clear TUNNEL MARGIN: when the gateway's own reauthentication of the
# tunnel's IKE_SA is due within MARGIN s, wait until it is done. A client that
# reauthenticates (or rekeys) while the gateway's timer of the same IKE_SA ends makes
# both sides reauthenticate at once: the collision docs/ARCHITECTURE.md describes,
# which the gateway cannot recover (tests/vm/pending/68 and 69), and which a test of
# the separate cases must not cause by its own pace (a slow guest ran 67's (b) into
# the gateway's timer: a 115 s gap, then the tunnel cleared).
lc_gw_reauth_clear() {
	local ike left
	ike=$(lc_tunnel_sa "$1" ike_id)
	left=$(lc_ike_reauth_left "$ike")
	[ -n "$left" ] && [ "$left" -lt "$2" ] || return 0
	echo "# the gateway reauthenticates IKE_SA #$ike in $left s: waiting for that first"
	check "gw: its reauthentication of IKE_SA #$ike done" \
		wait_until $((left > 0 ? left + 60 : 60)) lc_ike_replaced "$ike" "$1"
}
# lc_rekey_cases N TUNNEL: (c) the gateway rekeys the CHILD_SAs of all N clients, then
# c1 and the gateway rekey at once (a collision); l2secd saw every rekey, the tunnel's
# SA entry took new SPIs, and every entry is still charon's
lc_rekey_cases() {
	local r spi p1 p2 r1 r2
	r=$(lc_gw_stat rekeys)
	spi=$(lc_tunnel_sa "$2" spi_in)
	check "(c) gw: swanctl --rekey --child l2tp (every CHILD_SA)" lc_sw gw --rekey --child l2tp
	check "(c) l2secd: saw the $1 rekey(s)" wait_until 20 lc_rekeys_reach $((r + $1))
	check "(c) l2secd: tunnel $2's SA has new SPIs" test "$(lc_tunnel_sa "$2" spi_in)" != "$spi"
	r=$(lc_gw_stat rekeys)
	lc_sw c1 --rekey --child l2tp >"$out/collide-c1.txt" 2>&1 &
	p1=$!
	lc_sw gw --rekey --child l2tp >"$out/collide-gw.txt" 2>&1 &
	p2=$!
	wait $p1; r1=$?
	wait $p2; r2=$?
	check_eq "(c) c1 and gw rekey at once (exit status)" "0 0" "$r1 $r2"
	# charon may rekey only once in a collision (the second finds the SA rekeying:
	# 66 on 6.1 saw one rekey of c1's SA): at least one per client's SA
	check "(c) l2secd: saw the rekey(s) of the collision" \
		wait_until 20 lc_rekeys_reach $((r + $1))
	check "(c) l2secd: every SA entry is charon's" wait_until 10 lc_sa_of_charon "$1"
}
