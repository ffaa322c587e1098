# vm-timeout: 300
# vm-kernel: 6.1
# README's "From a fresh server to connected clients", followed by a new user:
# the package l2sec installed (80-deb.sh installs l2sec-dkms too; here the
# module is the tree's, loaded on demand, which saves a DKMS build), then the
# README's blocks marked readme-path run as they are, as root in the gateway's
# namespace: the configuration with a fresh PSK, a user, forwarding and the
# nftables ruleset, the client profiles. l2secd starts as its unit starts it;
# a Linux client (charon, xl2tpd, pppd, as the OS's own client) behind a NAT
# connects with the README's user and the generated PSK and reaches a LAN host.
# l2secd runs as two processes (privsep, the default) under the unit's
# capability bounding set: the engine as user l2sec with CapEff 0.
# The ruleset is checked to do its job: plaintext L2TP from the internet never
# reaches l2secd or the module.
#   c1 (192.168.1.11) -- nat (203.0.113.1) -- gw (203.0.113.2 | 198.51.100.1) -- lan
#
# What the guest cannot do as the README says, and what is done instead: no
# apt (the install block's package files are checked to exist, and dpkg -i
# installs l2sec), no systemd (l2secd runs with the unit's ExecStart line, under its
# CapabilityBoundingSet and NoNewPrivileges through setpriv, the
# gateway's charon as tests/vm/lib.sh starts it, whose VICI socket path is
# the one line added to the README's configuration).
. "$L2SEC_TOP/tests/vm/lib.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-81
readme=$L2SEC_TOP/README.md
version=$(cat "$L2SEC_TOP/VERSION")

# readme_block NAME: the shell block after "<!-- readme-path: NAME -->"
readme_block() {
	awk -v m="<!-- readme-path: $1 -->" '
		$0 == m { found = 1; next }
		found && /^```/ { if (inside) exit; inside = 1; next }
		found && inside { print }' "$readme"
}
# step NAME: run that block in the gateway's namespace, as a root shell would
step() {
	local b
	b=$(readme_block "$1")
	[ -n "$b" ] || { echo "README has no readme-path block $1"; return 1; }
	(cd "$run/home" && ip netns exec gw bash -euo pipefail -c "$b")
}

rm -rf "$run"
mkdir -p "$run/home"
check "topology: a client behind a NAT, the gateway, a LAN host" lc_topology 1
# the README's forwarding step is the one that turns it on
lc_gw sysctl -qw net.ipv4.ip_forward=0

# 1. install: the package files the README names are the ones make check builds
files=$(readme_block install | grep -o '\./build/deb/[^ ]*\.deb')
check "README's install block names the packages" test "$(wc -w <<<"$files")" = 2
for f in $files; do
	check "README's $f exists (tests/deb.sh)" test -f "$L2SEC_TOP/$f"
done
deb=$L2SEC_TOP/build/deb/l2sec_${version}_$(dpkg --print-architecture).deb
# without the package (tests/deb.sh not run) every step below would wait out its time
[ -f "$deb" ] || t_done
dpkg_unattended
check "dpkg -i l2sec" sh -c "dpkg -i '$deb' >'$out/dpkg.log' 2>&1"

# 2.-4. as written
check "README: configuration (l2secd -n passes)" step config
check "README: users" step users
check "README: forwarding and nftables ruleset" step firewall
check_eq "l2sec.conf is 0600" 600 "$(stat -c %a /etc/l2sec/l2sec.conf)"
check_eq "forwarding is on" 1 "$(lc_gw sysctl -n net.ipv4.ip_forward)"
check "the ruleset is loaded" sh -c "ip netns exec gw nft list ruleset | grep -q 'meta ipsec missing drop'"

# 5. start, as the units do
sed -i "/^\[ipsec\]/a vici = $run/gw/charon.vici" /etc/l2sec/l2sec.conf
lc_charon_start gw
lc_charon_start c1
check "gw: charon starts" lc_charon_wait gw
start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/l2secd.service)
# the unit's capability bounding set and no_new_privs, as systemd would set them:
# privsep (the default) must start its engine with these alone
caps=$(sed -n 's/^CapabilityBoundingSet=//p' /lib/systemd/system/l2secd.service |
	tr ' ' '\n' | sed -n 's/^CAP_\(.*\)/+\L\1/p' | paste -sd,)
lc_gw setpriv --bounding-set "-all,$caps" --no-new-privs $start >>"$out/l2secd.log" 2>&1 &
gw_pid=$!
check "l2secd starts as its unit starts it, loads its connection into charon" \
	wait_for 60 grep -q "vici: connection 'l2sec' and its .* loaded into charon" \
	"$out/l2secd.log"
# two processes: the parent root, the engine user l2sec without any capability.
# $! is the shell's child that runs lc_gw (a function): l2secd's parent is its child
parent=$(pgrep -P "$gw_pid" -x l2secd | head -n 1)
check "l2secd's parent runs as root" test "$(awk '$1 == "Uid:" { print $3 }' \
	"/proc/${parent:-0}/status" 2>/dev/null)" = 0
engine=$(pgrep -P "${parent:-0}" -x l2secd | head -n 1)
check "privsep by default: an engine process" test -n "$engine"
if [ -n "$engine" ]; then
	check_eq "the engine runs as user l2sec" "$(id -u l2sec)" \
		"$(awk '$1 == "Uid:" { print $3 }' "/proc/$engine/status")"
	check_eq "the engine's CapEff is 0" 0000000000000000 \
		"$(awk '$1 == "CapEff:" { print $2 }' "/proc/$engine/status")"
fi

# 6. the profiles
check "README: client profiles" step profiles
for f in office-vpn.ps1 office-vpn.mobileconfig office-vpn.nmconnection office-vpn-ip-up; do
	check "profile $f written" test -s "$run/home/$f"
done
PSK=$(sed -n 's/^psk = //p' /etc/l2sec/l2sec.conf)
check "the Windows profile carries the generated PSK" grep -qF -- "$PSK" "$run/home/office-vpn.ps1"

# plaintext L2TP from the internet: dropped by the ruleset before l2secd or
# l2sec.ko sees it (without the ruleset both count it)
ip netns exec nat python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.1", 1701))
for _ in range(5):
    s.sendto(bytes.fromhex("c80200140000000080080000000000010000"), ("203.0.113.2", 1701))
'
stats=$(lc_gw "$L2SEC_BUILD/l2sec" stats prometheus 2>&1)
check "plaintext L2TP: the module dropped nothing for want of IPsec" \
	grep -qx 'l2sec_drops_total{reason="no_ipsec"} 0' <<<"$stats"
check "plaintext L2TP: l2secd refused nothing as plaintext" \
	grep -qx 'l2sec_daemon_rx_refused_plaintext_total 0' <<<"$stats"

# a client, as the README's user with the generated PSK
user=$(readme_block users | sed -n "s/^echo '\([^ ]*\) password \(\"[^\"]*\"\)'.*/\1/p")
pass=$(readme_block users | sed -n "s/^echo '\([^ ]*\) password \(\"[^\"]*\"\)'.*/\2/p")
check "the README's user is read back" test -n "$user" -a -n "$pass"
check "c1: charon starts" lc_charon_wait c1
check "c1: its connection with the gateway's PSK" lc_client_conf 1
check "c1: IKE and CHILD_SA up" lc_initiate 1
lc_l2tp_start c1 "$user" "$pass"
check "c1: L2TP and PPP up as $user" wait_for 90 test -s "$run/c1.up"
if [ -s "$run/c1.up" ]; then
	lc_lan_route c1
	check "c1 pings the LAN host through the tunnel" \
		ip netns exec c1 ping -c 2 -W 5 198.51.100.2
	check "l2sec session show lists $user" \
		sh -c "ip netns exec gw '$L2SEC' session show | grep -q 'user $user'"
fi
check "the metrics show the session" \
	sh -c "ip netns exec gw '$L2SEC' stats prometheus | grep -qx 'l2sec_sessions 1'"
# for the tests after this one (the ruleset went with the namespace)
kill "$(cat "$run/c1/xl2tpd.pidof")" 2>/dev/null
dpkg -P l2sec >>"$out/dpkg.log" 2>&1
rm -f /etc/sysctl.d/90-l2sec.conf
t_done
