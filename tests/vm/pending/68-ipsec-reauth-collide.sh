# Both sides reauthenticate at once (issue 15): the gateway's and c1's main modes
# start together, then c1 rekeys its CHILD_SA. Stream must keep flowing.
# vm-timeout: 300
. "$L2SEC_TOP/tests/vm/lib.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-68
PSK=l2sec-68-shared-secret
lc_setup 1 ""
check "c1: charon's default lifetimes loaded" lc_client_conf 1 "" ""
lc_clients_up 1
lc_streams_flow 1
t0=$SECONDS
t1=${ids[1]%% *}
for i in 1 2 3; do
	ike=$(lc_tunnel_sa "$t1" ike_id)
	mark=$(printf '%#x' "$(lc_tunnel_sa "$t1" mark)")
	echo "# round $i: IKE_SA #$ike mark $mark [${SECONDS}s]"
	lc_sw c1 --rekey --ike l2tp >"$out/collide-c1-$i.txt" 2>&1 &
	p1=$!
	lc_sw gw --rekey --ike-id "$ike" --reauth >"$out/collide-gw-$i.txt" 2>&1 &
	p2=$!
	wait $p1; r1=$?
	wait $p2; r2=$?
	echo "# reauth exit status c1 $r1 gw $r2"
	sleep 12
	lc_sw gw --list-sas >"$out/sas-gw-$i-a.txt" 2>&1
	lc_sw c1 --list-sas >"$out/sas-c1-$i-a.txt" 2>&1
	check "round $i: c1 rekeys its CHILD_SA" lc_sw c1 --rekey --child l2tp
	sleep 6
	lc_sw gw --list-sas >"$out/sas-gw-$i-b.txt" 2>&1
	lc_sw c1 --list-sas >"$out/sas-c1-$i-b.txt" 2>&1
	echo "# after round $i: tunnel mark $(printf '%#x' "$(lc_tunnel_sa "$t1" mark)")"
done
lc_streams_ok 1 "$t0"
check_eq "gw: no tunnel cleared" 0 "$(lc_gw_stat tunnels_cleared)"
kill -TERM "$(cat "$run/l2secd.pid")" 2>/dev/null
t_done
