# vm-kernel: 6.1
# One boot of a two-kernel run: l2secd and charon's restart; the module's side (a
# restarted charon's SA with an old mark) runs on both in 22.
# The gateway's charon restarted (SIGTERM, then started again) under traffic, with
# a client that reconnects on its own. What happens: charon deletes every IKE_SA
# on the way down, sending delete notifies; l2secd clears the tunnels of the
# CHILD_SAs reported down at once (no StopCCN: it could only leave in cleartext),
# loses VICI, reconnects, loads its connection again and clears whatever its
# list-sas resync does not find. The client behaviour modelled, which decides the
# rest: a Linux client whose charon re-establishes IPsec when the gateway deletes
# its SAs (close_action = start, dpd_action = restart), whose pppd gives up on a
# silent link (LCP echo every 2 s, 3 failures) and whose xl2tpd redials (redial =
# yes): it clears its call with a CDN on the old tunnel, through its new SA, which
# the new charon gives the old SA mark (1); the gateway's tunnel, closed without a
# StopCCN, still lingers and answers with the StopCCN it owes (l2tp_tunnel.c,
# late_stopccn), and xl2tpd dials a new tunnel and session at once. Checked: the
# client has a new working session within 45 s of the restart (17 s on 6.12 under
# TCG). Before, the lingering tunnel only acknowledged the CDN and the client
# redialled when its HELLO, 60 s after the last control message, failed (63 s); a
# message that misses the linger is dropped, and xl2tpd's retransmissions give up
# (this client's xl2tpd has max retries = 2; its default of 5 took 116 s to 120 s
# under TCG). (Windows instead reports the
# connection dropped and does not redial unless told to.) The client's IPsec is
# on demand as well (a trap policy: an L2TP packet without an SA starts IKE): its
# first re-initiation, right after the delete notify, reaches the new charon as
# soon as it listens; charon answers NO_PROPOSAL_CHOSEN until l2secd has loaded
# the connection into it, and this client then gives IPsec up until its larval
# SA expires (30 s): in CI run 25 it had no session 45 s after the restart.
# l2secd used to find the new charon by its reconnect backoff (up to 10 s; 4 s
# after charon's start there); it now watches the socket's directory and loads
# the connection as soon as charon's socket appears (checked below: within 1 s
# of charon's plugins, the socket among them, being loaded; TCG included). The client's retransmission can still land
# between charon's start and that load, which depends on the machine's speed (on
# a slower machine, the official CI's, c1 had no session at 45 s on both kernels in
# one run); when charon's log shows it did, the test allows the larval SA's 30 s
# more and says so.
# vm-timeout: 600
. "$L2SEC_TOP/tests/vm/lib.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-restart
PSK=l2sec-restart-shared-secret
lc_setup 1 "dpd-delay = 5s
dpd-timeout = 20s"
check "c1: connection loaded (re-establishes on delete and on DPD)" lc_client_conf 1 \
	"dpd_delay = 5s" "close_action = start
        dpd_action = restart
        start_action = trap"
LC_REDIAL=yes
LC_MAX_RETRIES=2
check "c1: IPsec, L2TP and PPP up" lc_connect 1 "lcp-echo-interval 2
lcp-echo-failure 3"
if ! [ -s "$run/c1.up" ]; then
	echo "# c1 has no session: nothing else can be checked"
	t_done
fi
a1=$(lc_client_addr c1)
ids1=$(lc_sess_ids "$a1")
echo "# c1 $a1 tunnel/session $ids1"
lc_stream_start 1 5201
check "the stream flows" wait_until 30 grep -q KBytes "$out/stream-c1.log"
mv "$run/c1.up" "$run/c1.up-before"

lc_charon_stop gw
t0=$SECONDS
check "l2secd: the tunnel is cleared" wait_until 30 grep -q 'ipsec: tunnel .* cleared' \
	"$out/l2secd.log"
grep 'ipsec: tunnel .* cleared' "$out/l2secd.log" | sed 's/^/# /'
lc_charon_start gw
check "gw: charon starts again" lc_charon_wait gw
check "l2secd: connection loaded into the new charon" wait_until 60 sh -c \
	"[ \$(grep -c \"vici: connection 'l2sec' and its .* loaded into charon\" $out/l2secd.log) -ge 2 ]"
# Seconds from the new charon's plugins being loaded (its VICI socket is made in
# the vici plugin's load) to l2secd's load-conn, by charon's clock (whole seconds:
# 1 is under 2 s). From "Starting IKE charon daemon" instead, charon's own plugin
# loading counts too: 2 s of a loaded TCG guest (6.1, the other core busy).
load_delay() {
	awk '/Starting IKE charon daemon/ { s = ""; l = "" }
	     /loaded plugins:/ { s = $1 }
	     /requests: load-conn/ && s != "" && l == "" { l = $1 }
	     function sec(t, a) { split(t, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
	     END { if (s != "" && l != "") print (sec(l) - sec(s) + 86400) % 86400 }' "$out/charon-gw.log"
}
d=$(load_delay)
echo "# charon's socket up, l2secd loaded its connection ${d:-?} s later"
check "l2secd: loaded within 1 s of charon's socket (its plugins loaded)" \
	test -n "$d" -a "${d:-99}" -le 1
# Whether the client's first IKE message reached the new charon before l2secd's
# load-conn took effect (answered NO_PROPOSAL_CHOSEN: the client then waits out its
# larval SA, 30 s, before it tries again). l2secd's part, the load within 1 s, is
# checked above; which side of it the client's retransmission lands on is the
# machine's timing (on a loaded CI machine, both kernels lost it in one run). The
# connection is there when charon says "added vici connection", not at the request:
# charon parses a request in one thread while another answers IKE (stop 37's CI, 6.1:
# the request at 00:47:12, the NO_PROPOSAL_CHOSEN in the same second, the connection
# added at 00:47:13; the test allowed 45 s, not 75, and c1 was back at 46 s).
early_ike() {
	awk '/Starting IKE charon daemon/ { n = 0; l = 0 }
	     /added vici connection: l2sec/ { l = 1 }
	     /no IKE config found|sending NO_PROPOSAL_CHOSEN/ && !l { n++ }
	     END { exit n == 0 }' "$out/charon-gw.log"
}
limit=45
if ! wait_until $((limit - (SECONDS - t0))) test -s "$run/c1.up" && early_ike; then
	echo "# c1's IKE reached the new charon before the connection was loaded: it waits out its larval SA (30 s)"
	limit=$((45 + 30))
fi
check "c1: back with a new session within $limit s of the restart" \
	wait_until $((limit - (SECONDS - t0))) test -s "$run/c1.up"
echo "# c1 had a new session $((SECONDS - t0)) s after charon stopped"
grep 'StopCCN sent' "$out/l2secd.log" | sed 's/^/# /'
lc_stream_stop 1
a1=$(lc_client_addr c1)
lc_lan_route c1
ids2=$(lc_sess_ids "$a1")
echo "# c1 ${a1:-(no address)} tunnel/session ${ids2:-(none)}"
check "c1: the new session's tunnel is another" \
	test -n "$ids2" -a "$ids2" != "$ids1"
check "c1: pings the LAN host through it" ip netns exec c1 ping -c 2 -W 5 198.51.100.2
kill -TERM "$(cat "$run/l2secd.pid")" 2>/dev/null
t_done
