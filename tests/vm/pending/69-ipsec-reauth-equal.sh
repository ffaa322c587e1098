# Both sides' IKE lifetimes equal (issue 15): the gateway's [ipsec] reauth-time 20 s
# and two clients reauthenticating every 20 s on their own, under TCP streams for
# 100 s. charon times the gateway's reauthentication (reauth_time, with its
# rand_time jitter).
# Checked: no gap over 2 s, ids unchanged, no tunnel cleared.
# vm-timeout: 400
. "$L2SEC_TOP/tests/vm/lib.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-69
PSK=l2sec-69-shared-secret
lc_setup 2 "reauth-time = 20s"
for c in 1 2; do
	check "c$c: IKE 20 s, ESP 60 s" lc_client_lifetimes $c 20 60 120 5
done
lc_clients_up 2
lc_streams_flow 2
t0=$SECONDS
sleep 100
lc_streams_ok 2 "$t0"
check_eq "gw: no tunnel cleared" 0 "$(lc_gw_stat tunnels_cleared)"
gw_reauths=$(grep -c 'reauthenticating IKE_SA' "$out/charon-gw.log")
echo "# gateway: $gw_reauths reauthentications, $(lc_gw_stat retired) retired;" \
	"c1 $(grep -c 'reauthenticating IKE_SA' "$out/charon-c1.log")," \
	"c2 $(grep -c 'reauthenticating IKE_SA' "$out/charon-c2.log") own reauthentications"
check "gw: the gateway reauthenticated at least once" test "$gw_reauths" -gt 0
check "l2secd: every SA entry is charon's" wait_until 10 lc_sa_of_charon 2
kill -TERM "$(cat "$run/l2secd.pid")" 2>/dev/null
t_done
