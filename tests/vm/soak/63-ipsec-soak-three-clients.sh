# Soak (make soak, not make check): three charon clients behind one NAT, each
# receiving a 1 Mbit/s TCP stream through its L2TP/IPsec session for 5 minutes,
# while IKE_SAs are reauthenticated every 20-60 s and CHILD_SAs rekeyed every 20-28 s
# by the clients (their lifetimes) and by the gateway ([ipsec] reauth-time, rekey-time),
# so reauthentications, rekeys and their collisions of different clients overlap.
# None may lose its session (same tunnel and session ids, no gap of more than 2 s
# in its stream, no tunnel cleared) and none may receive another's traffic (its
# PPP link received about its own stream's bytes, not more; then each pings the
# LAN host a different number of times at once, and its link receives the replies
# its ping counted, at least one, and no other packet).
# Client behaviour modelled: charon as an IKEv1 initiator (reauthenticates keeping
# its CHILD_SAs; rekeys with the same selectors), as in 62-ipsec-lifecycle; and as
# the responder of the gateway's reauthentications, adopting its CHILD_SAs into the
# new IKE_SA when the main mode completes.
# vm-timeout: 900
. "$L2SEC_TOP/tests/vm/lib.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-soak
PSK=l2sec-soak-shared-secret
SOAK=${BENCH_SOAK_SECONDS:-300}	# make soak SOAK_SECONDS=N (tests/vm/run passes BENCH_*)
# The gateway reauthenticates after 45 s, c1 after 75 s (so the gateway always does
# it first), c2 and c3 after 20 s and 24 s (so they do). c1 was at 60 s until session
# 25, when it lost its session on 6.1: charon puts a reauthentication that meets a
# quick-mode rekey off by 6 to 15 s ("unable to reauthenticate in CHILD_SA REKEYING
# state, delaying for 14s"), so the gateway's came 57 s after the last, 3 s before
# c1's own, and the two collided as described next. Not modelled: the gateway's
# timer of an IKE_SA ending within about a second of the client's own
# reauthentication of it. l2secd has charon delete a replaced IKE_SA as soon as a
# listing shows it childless (docs/ARCHITECTURE.md, "charon's events and the
# tunnels"), which covers the rest of the 10 s charon keeps it (tests/unit/
# test_ipsec.c); in that last second both sides reauthenticate at once, the
# client's CHILD_SAs end up in another IKE_SA than the gateway's, and its next rekey
# makes a CHILD_SA with a new mark: the session ends. With c3 at 38 s against the
# gateway's 45 s this soak lost c3 that way (6.12, the gateway's timer 1 s after the
# adoption; man l2sec.conf(5), reauth-time, tells operators to keep away from it).
lc_setup 3 "dpd-delay = 10s
dpd-timeout = 60s
reauth-time = 45s
rekey-time = 25s"
# The clients' hard IKE lifetime comes 60 s after their reauthentication is due:
# charon delays a reauthentication that meets a quick-mode rekey by 11 s, and with
# 10 s (the first run, 6.12) c3's IKE_SA expired first and took its CHILD_SAs along.
reauth=(0 75 20 24)
for c in 1 2 3; do
	# CHILD_SA lifetimes 20, 24, 28 s: the clients' events drift against each other
	check "c$c: loaded (reauth every ${reauth[c]} s, rekey every $((16 + 4 * c)) s)" \
		lc_client_conf $c "reauth_time = ${reauth[c]}s
    over_time = 60s
    rand_time = 3s" "rekey_time = $((16 + 4 * c))s
        life_time = $((26 + 4 * c))s
        rand_time = 3s"
done
lc_clients_up 3
for c in 1 2 3; do
	rx0[c]=$(lc_ppp_rx_bytes c$c)
	lc_stream_start $c $((5200 + c))
done
t0=$SECONDS
echo "# soaking for $SOAK s [${SECONDS}s]"
while [ $((SECONDS - t0)) -lt "$SOAK" ]; do
	sleep 10
	echo "# $((SECONDS - t0)) s: rekeys $(lc_gw_stat rekeys), sa_down $(lc_gw_stat sa_down)," \
		"tunnels cleared $(lc_gw_stat tunnels_cleared)"
done
for c in 1 2 3; do
	lc_stream_stop $c
done
elapsed=$((SECONDS - t0))
for c in 1 2 3; do
	g=$(lc_stream_gap $c)
	n=$(lc_stream_intervals $c)
	b=$(lc_stream_bytes $c)
	rx=$(( $(lc_ppp_rx_bytes c$c) - rx0[c] ))
	echo "# c$c: $n intervals in $elapsed s, longest run without a byte $g x 0.2 s;" \
		"stream $b bytes, PPP received $rx bytes"
	check "c$c: the stream ran throughout" test $((n / 5)) -ge $((elapsed - 5))
	check "c$c: no gap in the stream longer than 2 s" test "$g" -lt 10
	check "c$c: its stream moved data ($b bytes)" test "$b" -gt $((elapsed * 100000))
	check "c$c: its PPP link received its own stream, not more (+10 %)" \
		test "$rx" -le $((b + b / 10 + 200000))
	check_eq "gw: c$c's tunnel and session ids unchanged" "${ids[c]}" "$(lc_sess_ids "${a[c]}")"
done
lc_ctl "show stats" >"$out/stats-end.json"
check_eq "gw: no tunnel cleared" 0 "$(lc_gw_stat tunnels_cleared)"
check "gw: the SAs were rekeyed (more than 20 rekeys)" test "$(lc_gw_stat rekeys)" -gt 20
check "gw: SA entries moved to new IKE_SAs (more than 10 reauthentications)" \
	test "$(grep -c 'moved from IKE_SA' "$out/l2secd.log")" -gt 10
# each client pings a different number of times at once: its PPP link receives its
# own replies and nothing else. The clients go on rekeying meanwhile (every 20-28 s),
# and a packet may be lost in a client's rekey: charon, the quick mode's initiator,
# sends with its new outbound SA once it has the second message, and the gateway has
# the matching inbound SA once the third arrives (seen once in 6.12's soak: c1 lost
# one of 2, its rekey in the same second). So: what ping counted is what arrived,
# at least one, and nothing else arrived.
# innostates: the ESP packets of the gateway's namespace that met no SA, so far
innostates() { lc_gw awk '$1 == "XfrmInNoStates" {print $2}' /proc/net/xfrm_stat; }
nostate0=$(innostates)
echo "# the gateway's XfrmInNoStates before the pings: $nostate0"
for c in 1 2 3; do
	p0[c]=$(ip netns exec c$c cat "/sys/class/net/$(cut -d' ' -f1 "$run/c$c.up")/statistics/rx_packets")
	ip netns exec c$c ping -c $((c + 1)) -i 0.3 -W 5 198.51.100.2 >"$out/ping-c$c.txt" 2>&1 &
	pp[c]=$!
done
for c in 1 2 3; do
	wait "${pp[c]}"
	check_eq "c$c: pinged the LAN host (exit status)" 0 "$?"
	got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$out/ping-c$c.txt")
	[ "$got" = $((c + 1)) ] ||
		echo "# c$c: $got of its $((c + 1)) replies; the gateway's ESP packets without an SA" \
			"during the pings: $(($(innostates) - nostate0));" \
			"its charon's log then: $(tail -n 3 "$out/charon-c$c.log" | cut -c1-80 | tr '\n' '|')"
	check "c$c: ping counted between 1 and its $((c + 1)) replies" test "${got:-0}" -ge 1 -a "${got:-0}" -le $((c + 1))
	check_eq "c$c: its PPP link received the replies ping counted, no other packet" "$got" \
		$(( $(ip netns exec c$c cat "/sys/class/net/$(cut -d' ' -f1 "$run/c$c.up")/statistics/rx_packets") - p0[c] ))
done
lc_ctl "show stats" >"$out/stats-after-ping.json"
kill -TERM "$(cat "$run/l2secd.pid")" 2>/dev/null
t_done
