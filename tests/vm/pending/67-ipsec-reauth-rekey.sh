# The short version of 62-ipsec-lifecycle for make check (issue 15): one charon client
# (IKEv1, PSK, NAT-T) with xl2tpd and pppd behind an nftables NAT, receiving a 1 Mbit/s
# TCP stream from the LAN host through its session the whole time, while:
#  (a) the gateway's own IKE_SA lifetime ends first ([ipsec] reauth-time 40 s): the
#      gateway reauthenticates, charon moves the CHILD_SA to the new IKE_SA;
#  (b) the client re-runs main mode twice (swanctl --rekey --ike: IKEv1 has no IKE
#      rekey; Windows does this at the end of its 8 h IKE SA lifetime);
#  (c) quick-mode rekeys: the gateway's, then the client's and the gateway's at once.
# Checked: no receive gap longer than 2 s, the same tunnel and session ids, no tunnel
# cleared, l2secd's SA entry names charon's SAs. Then (d) DPD: the client's link goes
# down (a client that vanishes); the gateway clears its session within dpd-delay +
# dpd-timeout and puts its address back.
# Client behaviour modelled: charon's. As the initiator of a reauthentication it keeps
# its CHILD_SAs (make-before-break, as Windows keeps its quick-mode SAs); as the
# responder of the gateway's it adopts them into the new IKE_SA when that main mode
# completes. A client that dropped its CHILD_SAs with the old IKE_SA would lose its
# session at the gateway's reauthentication: the outcome depends on the client here.
# The gateway's 40 s keep its timer of an IKE_SA the client has just replaced from
# ending before charon deletes that IKE_SA (10 s after the replacement): l2secd does
# not survive that case yet (tests/vm/pending/README.md).
# vm-timeout: 300
. "$L2SEC_TOP/tests/vm/lib.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-67
PSK=l2sec-67-shared-secret
DPD_DELAY=2
DPD_TIMEOUT=6
lc_setup 1 "dpd-delay = ${DPD_DELAY}s
dpd-timeout = ${DPD_TIMEOUT}s
reauth-time = 40s"
check "c1: charon's default lifetimes loaded" lc_client_conf 1 "" ""
lc_clients_up 1
lc_stream_start 1 5201
t0=$SECONDS
t1=${ids[1]%% *}
mark=$(printf '%#x' "$(lc_tunnel_sa "$t1" mark)")
echo "# c1's SA mark: $mark"
check "the stream flows" wait_until 30 grep -q KBytes "$out/stream-c1.log"

# (a) the gateway reauthenticates
lc_gw_reauth_case 50 "$t1" "$mark" 1

# (b) the client reauthenticates twice
for i in 1 2; do
	ike=$(lc_tunnel_sa "$t1" ike_id)
	check "(b) c1: swanctl --rekey --ike l2tp ($i)" lc_sw c1 --rekey --ike l2tp
	check "(b) gw: IKE_SA #$ike deleted ($i)" wait_until 30 lc_ike_deleted "$ike"
done
check "(b) gw: charon adopted the CHILD_SA" grep -q \
	'detected reauth of existing IKE_SA, adopting [1-9][0-9]* children' "$out/charon-gw.log"
check "(b) l2secd: the SA entry is charon's" wait_until 10 lc_sa_of_charon 1

# (c) quick-mode rekeys: the gateway's, then both sides at once
lc_rekey_cases 1 "$t1"

lc_streams_ok 1 "$t0"
check_eq "gw: no tunnel cleared" 0 "$(lc_gw_stat tunnels_cleared)"
echo "# l2secd moved the SA entry $(lc_moved "$mark") times, $(lc_gw_stat rekeys) rekeys"

# (d) DPD: the client vanishes
used=$(lc_ctl "show stats" | jget "j['pool_in_use']")
ip -n c1 link set eth0 down
t=$SECONDS
check "(d) gw: the session cleared within dpd-delay + dpd-timeout (+3 s)" \
	wait_until $((DPD_DELAY + DPD_TIMEOUT + 3)) lc_no_session "${a[1]}"
echo "# the session went after $((SECONDS - t)) s"
check "(d) gw: charon declared c1 dead" grep -q 'DPD check timed out' "$out/charon-gw.log"
check_eq "(d) gw: the address is back in the pool" $((used - 1)) \
	"$(lc_ctl "show stats" | jget "j['pool_in_use']")"
kill -TERM "$(cat "$run/l2secd.pid")" 2>/dev/null
t_done
