# Benchmark: IKE at scale (issue 19, item 6), `make bench-ike` (docs/PERFORMANCE.md,
# "IKE at scale"). N IPsec clients as Windows builds them (IKEv1 main mode and quick
# mode, PSK, NAT-T, transport mode, udp/1701 both ways) come up at once against the
# gateway's charon, which l2secd manages over VICI; each dials an L2TP tunnel
# through its SA. Then half of them go at once and come back, then all go at once.
#
#   ca (N/2 addresses 10.1.x.y) --+
#                                 +-- nat (masquerade to 203.0.113.1) -- gw (203.0.113.2)
#   cb (N/2 addresses 10.2.x.y) --+
#
# The clients: one charon per client namespace with a connection per address (no
# charon per client: 1,000 of them do not fit a guest), all behind one NAT, which
# maps each client to a port of its own (1024 and up), as a hotel's or a carrier's
# NAT does. The L2TP side: tests/bench/ike-tunnels.py (SCCRQ, SCCRP, SCCCN from
# ADDR:1701).
# At each stage (all up, half gone, half back, all gone; tests/bench/ike-check.py):
# the gateway charon's IKE_SAs and CHILD_SAs are the clients', l2secd's SA table
# holds exactly charon's CHILD_SAs, every tunnel is bound to its own client's SA
# (mark and SPIs), no two tunnels share a mark; when all have gone, nothing is left
# in l2secd, l2sec.ko or the gateway's xfrm states and policies.
# Reported (results.txt): IKE setups per second (load of the connections until
# charon and l2secd have every CHILD_SA), teardown time, tunnel setups per second.
# BENCH_IKE_N (clients, default 1000), BENCH_IKE_L2TP (how many of them dial a
# tunnel, default all), BENCH_IKE_GW_CONF (more charon settings for the gateway,
# e.g. "block_threshold = 1000"), BENCH_IKE_CLIENT_CONF (the same for the clients'
# two charons, e.g. "retransmit_tries = 8"), BENCH_IKE_TIMEOUT (s for each stage,
# default N/2 + 300).
# vm-timeout: 3600
. "$L2SEC_TOP/tests/vm/lib.sh"

N=${BENCH_IKE_N:-1000}
NL=${BENCH_IKE_L2TP:-$N}
STAGE_TIMEOUT=${BENCH_IKE_TIMEOUT:-$((N / 2 + 300))}
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-ike
PSK=l2sec-ike-scale-psk
NA=$(((N + 1) / 2))	# clients in ca, the rest in cb
res=$out/results.txt
bench=$L2SEC_TOP/tests/bench
gw() { ip netns exec gw "$@"; }
now() { date +%s.%N; }
# secs T0 T1; rate COUNT T0 T1: per second
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.1f", n / (b - a) }'; }
say() { echo "# $*"; echo "$*" >>"$res"; }

rm -rf "$run" "$res"
mkdir -p "$run/run" "$run/gw" "$run/ca" "$run/cb"
modprobe -a l2sec esp4 xfrm_user nf_tables nft_chain_nat nft_masq nf_nat veth 2>/dev/null

# --- topology --------------------------------------------------------------------
# addrs K COUNT: COUNT client addresses 10.K.x.y, one a line
addrs() {
	awk -v k="$1" -v n="$2" 'BEGIN { for (j = 0; j < n; j++)
		printf "10.%d.%d.%d\n", k, int(j / 250), j % 250 + 1 }'
}
netns_add ca cb nat gw
for ns in ca cb; do
	k=$([ $ns = ca ] && echo 1 || echo 2)
	count=$([ $ns = ca ] && echo "$NA" || echo $((N - NA)))
	addrs $k "$count" >"$run/$ns.addrs"
	ip link add eth0 netns $ns type veth peer name p-$ns netns nat
	ip -n nat addr add 10.$k.255.254/16 dev p-$ns
	ip -n nat link set p-$ns up
	ip -n $ns link set eth0 up
	sed 's|.*|addr add &/16 dev eth0|' "$run/$ns.addrs" | ip -n $ns -batch -
	ip -n $ns route add default via 10.$k.255.254
done
veth nat wan 203.0.113.1/24 gw wan 203.0.113.2/24
# to ports of 1024 and up: the kernel's default keeps a source port below 512 below
# 512, and at most 511 clients from port 500 came through (the rest retransmitted
# their first main-mode message into nothing)
lc_nat_masq 'oifname "wan" meta l4proto udp masquerade to :1024-65535'
check "ca, cb: $N client addresses" test "$(cat "$run/ca.addrs" "$run/cb.addrs" | sort -u | wc -l)" -eq "$N"

# --- charons: the gateway's (l2secd loads its connection), one per client namespace -----
# Logs at level 1 (lib.sh's level 2 writes dozens of lines per SA); vici's log events
# to l2secd are charon's own business.
quiet='filelog { log { ike = 1
                    cfg = 0
                    chd = 0
                    knl = 0 } }'
LC_CHARON_CONF="$quiet
  ${BENCH_IKE_GW_CONF:-}" lc_charon_start gw
LC_CHARON_CONF="$quiet
  ${BENCH_IKE_CLIENT_CONF:-}" lc_charon_start ca
LC_CHARON_CONF="$quiet
  ${BENCH_IKE_CLIENT_CONF:-}" lc_charon_start cb
for ns in gw ca cb; do
	check "$ns: charon starts" lc_charon_wait $ns
done

cat >"$run/l2sec.conf" <<CONF
[global]
log-level = notice
runtime-dir = $run/run
[l2tp]
listen = 203.0.113.2
hostname = gw
; no HELLOs: the test's L2TP clients only set their tunnels up
hello-interval = 0
; every client is behind one NAT: the limits per source address are the NAT's
max-tunnels = $((N + 64))
peer-table-size = $((4 * N + 256))
max-half-open = 256
max-half-open-per-source = 256
sccrq-rate = 1000
sccrq-rate-per-source = 1000
[ppp]
users = $run/users
local-address = 192.168.42.1
pool = 192.168.42.10-192.168.42.19
[ipsec]
vici = $run/gw/charon.vici
psk = $PSK
CONF
echo "u1 password pw-1" >"$run/users"
chmod 600 "$run/l2sec.conf" "$run/users"
check "configuration is valid (l2secd -n)" "$L2SEC_BUILD/l2secd" -n -c "$run/l2sec.conf"
ip netns exec gw "$L2SEC_BUILD/l2secd" -c "$run/l2sec.conf" >"$out/l2secd.log" 2>&1 &
gw_pid=$!
check "l2secd loaded its connection into charon" wait_for 60 \
	grep -q "vici: connection 'l2sec' and its .* loaded into charon" "$out/l2secd.log"

# client_conf NS: a connection per address of NS (as lc_client_conf, with a name of its
# own and start_action = start: charon initiates each as it is loaded)
client_conf() {
	local a i=0
	{
		echo "connections {"
		while read -r a; do
			i=$((i + 1))
			cat <<CONF
  $1-$i {
    version = 1
    local_addrs = $a
    remote_addrs = 203.0.113.2
    proposals = aes256-sha1-modp2048
    local { auth = psk
            id = $a }
    remote { auth = psk }
    children { l2tp { mode = transport
                      local_ts = dynamic[udp/1701]
                      remote_ts = dynamic[udp/1701]
                      esp_proposals = aes256-sha1
                      start_action = ${2:-start} } }
  }
CONF
		done <"$run/$1.addrs"
		echo "}"
		echo "secrets { ike-gw { secret = \"$PSK\" } }"
	} >"$run/$1/swanctl.conf"
}
client_conf ca
client_conf cb
# load NS: load the client connections of NS (each initiates on loading)
load() {
	timeout "$STAGE_TIMEOUT" swanctl --load-all --file "$run/$1/swanctl.conf" \
		--uri "unix://$run/$1/charon.vici" >"$out/load-$1.log" 2>&1
}

# --- measurements --------------------------------------------------------------------
# sas_gw: the gateway charon's installed CHILD_SAs of l2secd's connection
sas_gw() { lc_sw gw --list-sas --raw | grep -o 'state=INSTALLED' | wc -l; }
sa_count() { lc_gw_stat sa_count; }
# counts_are SAS: l2secd and charon both at SAS CHILD_SAs
counts_are() { [ "$(sa_count)" = "$1" ] && [ "$(sas_gw)" = "$1" ]; }
# snapshot STAGE: what ike-check.py compares
snapshot() {
	lc_sw gw --list-sas --raw >"$out/gw-sas-$1.txt"
	{ lc_sw ca --list-sas --raw; lc_sw cb --list-sas --raw; } >"$out/clients-$1.txt"
	lc_ctl "show stats" >"$out/stats-$1.json"
	lc_ctl "show tunnels" >"$out/tunnels-$1.json"
	gw "$L2SEC" -j tunnel show >"$out/kern-$1.json"
}
# stage NAME SAS TUNNELS: the stage's checks, each its own line
stage() {
	snapshot "$1"
	local l
	while read -r l; do
		case $l in ok*) t_ok "${l#ok - }" ;; *) t_fail "${l#not ok - }" ;; esac
	done < <(/usr/bin/python3 "$bench/ike-check.py" "$out" "$1" "$2" "$3" 2>&1)
}
no_tunnels() { [ "$(lc_ctl "show tunnels" | jget "len(j['tunnels'])")" = 0 ]; }
# dial NS: NS's clients' L2TP tunnels (the first NL of all clients)
dial() {
	local first=1 n
	[ "$1" = cb ] && first=$((NA + 1))
	n=$((NL - first + 1))
	[ "$n" -gt 0 ] || return 0
	[ "$n" -le "$(wc -l <"$run/$1.addrs")" ] || n=$(wc -l <"$run/$1.addrs")
	head -n "$n" "$run/$1.addrs" >"$run/$1.dial"
	ip netns exec "$1" /usr/bin/python3 "$bench/ike-tunnels.py" 203.0.113.2 "$run/$1.dial" \
		"$first" "$out/dial-$1.json" 64 "$STAGE_TIMEOUT"
}
tunnels_of() { [ -f "$out/dial-$1.json" ] && jget "j['up']" <"$out/dial-$1.json" || echo 0; }
na_l2tp=$((NL > NA ? NA : NL))

# --- (a) all come up at once ------------------------------------------------------------
say "clients $N (IKEv1 main mode, PSK, aes256-sha1-modp2048, NAT-T, transport), L2TP tunnels $NL"
t0=$(now)
load ca & p1=$!
load cb & p2=$!
wait $p1 $p2
t1=$(now)
say "connections loaded (each initiating as it loaded) in $(secs "$t0" "$t1") s"
check "l2secd and charon: $N CHILD_SAs" wait_until "$STAGE_TIMEOUT" counts_are "$N"
t2=$(now)
up=$(sa_count)
say "up: $up of $N IKE_SAs and CHILD_SAs in $(secs "$t0" "$t2") s: $(rate "$up" "$t0" "$t2") IKE setups/s"
t0=$(now)
dial ca >"$out/dial-ca.log" & p1=$!
dial cb >"$out/dial-cb.log" & p2=$!
wait $p1 $p2
cat "$out/dial-ca.log" "$out/dial-cb.log"
t1=$(now)
up=$(($(tunnels_of ca) + $(tunnels_of cb)))
check_eq "L2TP: tunnels dialled through their SAs" "$NL" "$up"
say "L2TP: $up of $NL tunnels in $(secs "$t0" "$t1") s: $(rate "$up" "$t0" "$t1") tunnel setups/s"
stage up "$N" "$NL"

# --- (b) half go at once (cb's charon stops: a DELETE for each IKE_SA), and come back --------
t0=$(now)
check "cb: charon stops (a DELETE for each of its IKE_SAs)" lc_charon_stop cb
check "half gone: l2secd and charon at $NA CHILD_SAs" wait_until "$STAGE_TIMEOUT" counts_are "$NA"
t1=$(now)
say "half gone: $((N - NA)) in $(secs "$t0" "$t1") s"
stage half "$NA" "$na_l2tp"
rm -f "$out/dial-cb.json"
LC_CHARON_CONF="$quiet
  ${BENCH_IKE_CLIENT_CONF:-}" lc_charon_start cb
check "cb: charon starts again" lc_charon_wait cb
t0=$(now)
load cb
check "half back: l2secd and charon at $N CHILD_SAs" wait_until "$STAGE_TIMEOUT" counts_are "$N"
t1=$(now)
up=$(($(sa_count) - NA))
say "half back: $up of $((N - NA)) IKE setups in $(secs "$t0" "$t1") s: $(rate "$up" "$t0" "$t1") IKE setups/s"
dial cb
stage back "$N" "$NL"

# --- (c) all go at once -----------------------------------------------------------------
t0=$(now)
lc_charon_stop ca & p1=$!
lc_charon_stop cb & p2=$!
wait $p1 $p2
check "all gone: l2secd and charon at 0 CHILD_SAs" wait_until "$STAGE_TIMEOUT" counts_are 0
t1=$(now)
say "all gone: $N in $(secs "$t0" "$t1") s"
check "l2secd: no tunnel left, closed ones included" wait_until 120 no_tunnels
stage gone 0 0
check_eq "gw: no xfrm state left" 0 "$(ip -n gw xfrm state list | grep -c '^src')"
check_eq "gw: no xfrm policy with a mark left" 0 "$(ip -n gw xfrm policy list | grep -c 'mark 0x')"
jget "j['ipsec']" <"$out/stats-gone.json" | tee -a "$res"
# what slowed the setups: the gateway charon's per-address limit of half-open IKE_SAs
# (charon.block_threshold: every client comes from the NAT's address) and the
# clients' retransmissions
say "gw charon: $(grep -c 'half-open IKE_SA limit' "$out/charon-gw.log") IKE setups dropped at its" \
	"per-IP half-open limit; clients: $(cat "$out/charon-ca.log" "$out/charon-cb.log" |
	grep -c 'retransmit [0-9]* of request') retransmissions, $(cat "$out/charon-ca.log" \
	"$out/charon-cb.log" | grep -c 'giving up after') gave up"
# l2secd's lines at warning and above ("error 0" in a notice is not one)
grep -E '^<[0-4]>' "$out/l2secd.log" | sort | uniq -c | sort -rn | head -n 20 >"$out/l2secd-warnings.txt"

kill -TERM "$gw_pid" 2>/dev/null
wait "$gw_pid"
check_eq "l2secd exit status" 0 "$?"
lc_charon_stop gw
t_done
