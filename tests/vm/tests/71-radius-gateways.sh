# vm-kernel: 6.1
# Two l2secd gateways behind one FreeRADIUS with SQL and a shared address pool (issue
# 21, item 8; the configuration of docs/RADIUS.md, from tests/radius/):
#   alice, bob  -- gw1 (NAS 172.16.1.2) --\
#                                          rad: FreeRADIUS, sql + sqlippool on sqlite
#   carol, dave -- gw2 (NAS 172.16.2.2) --/
# each client a machine of its own: a namespace with one xl2tpd and one call (6.1's
# kernel L2TP finds a session through the socket's tunnel, so one xl2tpd with two
# tunnels to one server loses one tunnel's data there; a real client has one)
# - the users are FreeRADIUS's (radcheck), the gateways' users files empty;
# - the four clients get their addresses from the one pool of four in SQL: each a
#   different one, each the lease sqlippool wrote for that user on that gateway;
# - a ping of its own size from each client: the accounting rows (radacct) of both
#   gateways, each with its NAS-IP-Address, address and the ping's octets and packets;
# - after the hang-ups every lease is free again (sqlippool's release at the Stop).
# The RADIUS packets are captured into radius.pcap (tests/fuzz/corpus/radius seeds).
# vm-timeout: 180
. "$L2SEC_TOP/tests/vm/lib.sh"
. "$L2SEC_TOP/tests/radius/gateways.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-71
L2SECD=$L2SEC_BUILD/l2secd
users=(alice bob carol dave)
declare -A gw_of=([alice]=1 [bob]=1 [carol]=2 [dave]=2)
declare -A lac_of=([alice]=lac1a [bob]=lac1b [carol]=lac2a [dave]=lac2b)
declare -A size_of=([alice]=1000 [bob]=800 [carol]=600 [dave]=400)	# IP packets
pings=4

sql() { sqlite3 -cmd '.timeout 2000' "$rgw_db" "$1"; }
sessions() { ip netns exec "gw$1" "$L2SEC" -j session show 2>/dev/null | grep -c '"session_id"'; }
no_sessions() { [ "$(sessions 1)" = 0 ] && [ "$(sessions 2)" = 0 ]; }
up() { [ -n "$(lac_ppp "$run/${lac_of[$1]}" "$1" ADDR)" ]; }
all_up() { local u; for u in "${users[@]}"; do up "$u" || return 1; done; }
n_rows() { sql "SELECT count(*) FROM radacct WHERE $1"; }
rows_are() { [ "$(n_rows "$1")" = "$2" ]; }

rm -rf "$run"
mkdir -p "$run/radius" "$run/lac1a" "$run/lac1b" "$run/lac2a" "$run/lac2b"
lac_modules
# each gateway's second client on a link of its own, routed to the gateway's address
netns_add rad gw1 gw2 lac1a lac1b lac2a lac2b &&
	veth gw1 eth0 192.0.2.1/24 lac1a eth0 192.0.2.2/24 &&
	veth gw1 eth2 192.0.3.1/24 lac1b eth0 192.0.3.2/24 &&
	ip -n lac1b route add 192.0.2.1/32 via 192.0.3.1 &&
	veth gw2 eth0 198.51.100.1/24 lac2a eth0 198.51.100.2/24 &&
	veth gw2 eth2 198.51.101.1/24 lac2b eth0 198.51.101.2/24 &&
	ip -n lac2b route add 198.51.100.1/32 via 198.51.101.1 &&
	veth rad eth1 172.16.1.1/24 gw1 eth1 172.16.1.2/24 &&
	veth rad eth2 172.16.2.1/24 gw2 eth1 172.16.2.2/24
check_eq "the topology is up" 0 $?

# --- FreeRADIUS: tests/radius/raddb over Debian's, its database from mkdb.sh ------------
radius_gateways_conf "$run/radius" >"$out/mkdb.log" 2>&1	# sets raddb, rgw_db: not in check
check_eq "FreeRADIUS's configuration and database are made" 0 $?
ip netns exec rad tcpdump -i any -U -s 0 -w "$out/radius.pcap" udp port 1812 or udp port 1813 \
	>"$out/tcpdump.log" 2>&1 &
# radiusd is this shell's child (radius_pid): started outside check's subshell
radius_start "$run/radius" ip netns exec rad freeradius
check_eq "FreeRADIUS starts" 0 $?
trap 'kill $radius_pid 2>/dev/null; cp "$run/radius/radiusd.log" "$out/" 2>/dev/null' EXIT
wait_for 10 grep -q listening "$out/tcpdump.log"

# --- the gateways: tests/radius/l2sec-gw.conf, the secret of clients.conf -----------------
for i in 1 2; do
	d=$run/gw$i
	mkdir -p "$d/run"
	sed -n "/^client gw$i /,/^}/s/^[[:space:]]*secret = //p" "$raddb/clients.conf" >"$d/secret"
	lns=$([ $i = 1 ] && echo 192.0.2.1 || echo 198.51.100.1)
	{
		printf '[global]\nlog-level = info\nruntime-dir = %s\n' "$d/run"
		printf '[l2tp]\nlisten = %s\nhostname = gw%s\nrequire-ipsec = no\n' "$lns" "$i"
		sed -e "s|@NAME@|gw$i|" -e "s|@NAS_IP@|172.16.$i.2|" -e "s|@RADIUS@|172.16.$i.1|" \
			-e "s|@SECRET_FILE@|$d/secret|" -e "s|@USERS@|$d/users|" \
			"$L2SEC_TOP/tests/radius/l2sec-gw.conf"
	} >"$d/l2sec.conf"
	: >"$d/users"
	chmod 600 "$d/secret" "$d/l2sec.conf" "$d/users"
	check "gw$i: the configuration is valid (l2secd -n)" "$L2SECD" -n -c "$d/l2sec.conf"
	ip netns exec "gw$i" "$L2SECD" -c "$d/l2sec.conf" >"$out/l2secd-gw$i.log" 2>&1 &
done
for i in 1 2; do
	check "gw$i: l2secd starts with the RADIUS server" wait_for 60 grep -q \
		"radius: 1 authentication server(s), auth-source radius" "$out/l2secd-gw$i.log"
done

# --- four clients, two on each gateway ---------------------------------------------------
for u in "${users[@]}"; do
	lac_users "${lac_of[$u]}" "$run/${lac_of[$u]}" "$out" \
		"$([ "${gw_of[$u]}" = 1 ] && echo 192.0.2.1 || echo 198.51.100.1)" "$u:$u-pw"
done
for u in "${users[@]}"; do
	check "$u dials gw${gw_of[$u]}" lac_call "$run/${lac_of[$u]}" "$u"
done
check "the four clients are up" wait_for 60 all_up
declare -A addr_of
for u in "${users[@]}"; do
	addr_of[$u]=$(lac_ppp "$run/${lac_of[$u]}" "$u" ADDR)
	echo "# $u on gw${gw_of[$u]}: ${addr_of[$u]}"
done
check_eq "four different addresses, all of the shared pool" \
	"10.99.0.10 10.99.0.11 10.99.0.12 10.99.0.13" \
	"$(printf '%s\n' "${addr_of[@]}" | sort -u | paste -sd' ')"
sql "SELECT username, framedipaddress, nasipaddress FROM radippool
	WHERE expiry_time > datetime('now') ORDER BY username" >"$out/leases.txt"
check_eq "each address is the lease sqlippool wrote for that user on that gateway" \
	"$(for u in "${users[@]}"; do echo "$u|${addr_of[$u]}|172.16.${gw_of[$u]}.2"; done)" \
	"$(cat "$out/leases.txt")"
check "both gateways' Starts are in radacct" wait_for 20 rows_are "acctstoptime IS NULL" 4

# each client pings the gateway with its own size, through its own ppp interface
for u in "${users[@]}"; do
	check "$u: $pings pings of ${size_of[$u]} octets through the tunnel" \
		ip netns exec "${lac_of[$u]}" ping -q -c "$pings" -i 0.2 -W 5 \
		-I "$(lac_ppp "$run/${lac_of[$u]}" "$u" IF)" -s $((size_of[$u] - 28)) 10.99.0.1
done

for u in "${users[@]}"; do
	check "$u hangs up" lac_hang_up "$u"
done
check "both gateways' sessions are gone" wait_for 30 no_sessions
check "both gateways' Stops are in radacct" wait_for 20 rows_are "acctstoptime IS NOT NULL" 4
sql "SELECT username, nasipaddress, framedipaddress, acctinputoctets, acctoutputoctets,
	acctterminatecause FROM radacct ORDER BY username" >"$out/radacct.txt"
cat "$out/radacct.txt"
# the octets each way: the pings' IP packets, and no more than a few others (the
# module counts data packets: PPP's own frames go to l2secd)
for u in "${users[@]}"; do
	n=$((pings * size_of[$u]))
	check "$u: radacct has gw${gw_of[$u]}'s row with the address and the pings' octets" \
		grep -Eq "^$u\|172\.16\.${gw_of[$u]}\.2\|${addr_of[$u]//./\\.}\|([0-9]+)\|([0-9]+)\|User-Request$" \
		"$out/radacct.txt"
	check "$u: $n to $((n + 400)) octets each way" awk -F'|' -v u="$u" -v n="$n" \
		'$1 == u && $4 >= n && $4 <= n + 400 && $5 >= n && $5 <= n + 400 { ok = 1 }
		 END { exit !ok }' "$out/radacct.txt"
done
check_eq "every lease is back in the pool" 4 \
	"$(sql "SELECT count(*) FROM radippool WHERE expiry_time <= datetime('now')")"
check "the server logged the releases" grep -q "Released IP 10.99.0" "$run/radius/radiusd.log"
t_done
