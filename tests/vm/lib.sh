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

# --- L2TP/IPsec with real peers behind one NAT (tests/vm/pending: 62, 63, 64) -----------
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
	ip netns exec nat sysctl -qw net.ipv4.ip_forward=1 \
		net.netfilter.nf_conntrack_udp_timeout=600 \
		net.netfilter.nf_conntrack_udp_timeout_stream=600 2>/dev/null
	ip netns exec nat nft -f - <<'NFT'
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" masquerade
	}
}
NFT
}

# lc_charon_start NAME: charon in namespace NAME with its own /run, strongswan.conf
# and VICI socket; lc_charon_wait NAME: until its socket is there; lc_charon_stop
# NAME: SIGTERM (as systemctl stop) and wait until it is gone
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
lc_initiate() { lc_sw "c$1" --initiate --child l2tp --timeout 60 >>"$out/initiate-c$1.log" 2>&1; }

# lc_l2tp_start NS USER PASSWORD [PPPD_OPTS]: xl2tpd dialling the gateway (LC_LNS, by
# default 203.0.113.2) with pppd. pppd's ip-up writes "interface local remote" to $run/NS.up.
lc_l2tp_start() {
	local ns=$1 d="$run/$1"
	rm -f "$run/$ns.up"
	printf '#!/bin/sh\necho "$1 $4 $5" >"%s/$6.up"\n' "$run" >"$run/ip-up"
	chmod +x "$run/ip-up"
	cat >"$d/xl2tpd.conf" <<CONF
[global]
port = 1701
access control = no
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
	ip netns exec "$ns" xl2tpd -D -c "$d/xl2tpd.conf" -s "$d/secrets" -C "$d/control" \
		-p "$d/xl2tpd.pid" >>"$out/xl2tpd-$ns.log" 2>&1 &
	echo $! >"$d/xl2tpd.pidof"
}
lc_client_addr() { cut -d' ' -f2 "$run/$1.up"; }
# lc_lan_route NS: the LAN through the client's PPP link
lc_lan_route() { ip -n "$1" route replace 198.51.100.0/24 dev "$(cut -d' ' -f1 "$run/$1.up")"; }

# lc_gw_start EXTRA_IPSEC_LINES: l2secd on the gateway (users uN/pw-N), [ipsec] with
# the caller's lines, listening on LC_LISTEN (default 203.0.113.2), LC_PPP_LINES added to
# [ppp]; waits until it has loaded its connection into charon
lc_gw_start() {
	local n
	for n in 1 2 3 4 5 6 7 8 9; do echo "u$n password pw-$n"; done >"$run/users"
	cat >"$run/l2sec.conf" <<CONF
[global]
log-level = info
runtime-dir = $run/run
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

# lc_stream_start N PORT: a TCP stream at 1 Mbit/s (8 KiB writes) from the LAN host to client N
# (iperf3 -R against a server on PORT), its 0.2 s receive intervals logged as they
# come; lc_stream_stop N: ends it. lc_stream_gap N: the longest run of receive
# intervals without a byte, in 0.2 s units (a gap > 2 s is a run of 10 or more);
# lc_stream_bytes N: the bytes received in all.
lc_stream_start() {
	ip netns exec lan iperf3 -s -D -1 -p "$2" -B 198.51.100.2 \
		--logfile "$out/iperf3-server-$2.log"
	wait_for 20 sh -c "ip netns exec lan ss -ltn | grep -q ':$2 '"
	ip netns exec "c$1" iperf3 -c 198.51.100.2 -p "$2" -R -b 1M -l 8K -t 600 -i 0.2 --forceflush \
		--logfile "$out/stream-c$1.log" &
	echo $! >"$run/stream-c$1.pid"
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
# lc_clients_up N: clients 1..N connected (lc_connect, each a check); a[c] their
# addresses, ids[c] "tunnel_id session_id" of their sessions at the gateway. A
# client that does not come up ends the test: nothing else could be checked.
lc_clients_up() {
	local c
	for c in $(seq 1 "$1"); do
		check "c$c: IPsec, L2TP and PPP up" lc_connect "$c"
		if ! [ -s "$run/c$c.up" ]; then
			echo "# c$c has no session: nothing else can be checked"
			t_done
		fi
		a[c]=$(lc_client_addr "c$c")
		ids[c]=$(lc_sess_ids "${a[c]}")
		echo "# c$c ${a[c]} tunnel/session ${ids[c]} [${SECONDS}s]"
	done
}
