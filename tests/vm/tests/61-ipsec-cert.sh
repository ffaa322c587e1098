# vm-kernel: 6.1
# L2TP/IPsec with certificates instead of a PSK: l2secd reads [ipsec]
# certificate, private-key and ca, loads them into the gateway's charon over VICI
# (load-key; the certificates inline in the connection), and the connection
# authenticates clients by public key, trusting only that CA. The CA, the
# gateway's and the clients' certificates are made here with openssl (ECDSA
# P-256: a TCG guest makes RSA keys slowly; l2secd loads keys of any type).
#   c1 (192.168.1.11, certificate of the CA) --+
#   c2 (192.168.1.12, certificate of another CA)-- nat (masquerade) -- gw -- lan
# c1: IKE (IKEv1 main mode, RSA/ECDSA signatures), NAT-T, PPP up, ping through.
# c2 trusts the gateway's CA but holds a certificate of another CA: the gateway
# refuses it, and neither charon nor l2secd keep an SA for it.
# vm-timeout: 300
. "$L2SEC_TOP/tests/vm/lib.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-61
pki=$run/pki
L2SECD=$L2SEC_BUILD/l2secd
gw() { ip netns exec gw "$@"; }

rm -rf "$run"
mkdir -p "$run/run" "$run/gw" "$run/c1" "$run/c2" "$pki"
modprobe -a l2sec esp4 xfrm_user nf_tables nft_chain_nat nft_masq nf_nat bridge veth \
	ppp_generic ppp_async ppp_synctty l2tp_ppp 2>/dev/null
[ -e /dev/ppp ] || mknod /dev/ppp c 108 0

# --- certificates ---------------------------------------------------------------------
# key NAME; ca NAME CN; cert NAME CN CA [SAN]: an ECDSA key, a self-signed CA, a
# certificate of CA (extensions as a VPN gateway's or client's)
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/$1.key"; }
ca() {
	key "$1" && openssl req -x509 -new -key "$pki/$1.key" -subj "/O=l2sec test/CN=$2" \
		-days 2 -out "$pki/$1.pem" -addext basicConstraints=critical,CA:true \
		-addext keyUsage=critical,keyCertSign,cRLSign
}
cert() {
	{
		echo "basicConstraints=CA:false"
		echo "keyUsage=digitalSignature"
		[ -z "${4:-}" ] || echo "subjectAltName=$4"
	} >"$pki/$1.ext"
	key "$1" && openssl req -new -key "$pki/$1.key" -subj "/O=l2sec test/CN=$2" \
		-out "$pki/$1.csr" &&
		openssl x509 -req -in "$pki/$1.csr" -CA "$pki/$3.pem" -CAkey "$pki/$3.key" \
			-CAcreateserial -days 2 -out "$pki/$1.pem" -extfile "$pki/$1.ext"
}
check "openssl: a CA" ca ca "l2sec test CA"
check "openssl: another CA" ca rogue "someone else's CA"
check "openssl: the gateway's certificate" cert gw gw.l2sec.test ca "DNS:gw.l2sec.test,IP:203.0.113.2"
check "openssl: c1's certificate, of the CA" cert c1 c1.l2sec.test ca
check "openssl: c2's certificate, of another CA" cert c2 c2.l2sec.test rogue
check "openssl: c1's certificate verifies against the CA" \
	openssl verify -CAfile "$pki/ca.pem" "$pki/c1.pem"
check_fails "openssl: c2's does not" openssl verify -CAfile "$pki/ca.pem" "$pki/c2.pem"

# --- topology (as in 60-ipsec-nat, without the attacker) -------------------------------
netns_add c1 c2 nat gw lan
ip -n nat link add br0 type bridge
ip -n nat addr add 192.168.1.1/24 dev br0
ip -n nat link set br0 up
for c in 1 2; do
	ip link add eth0 netns c$c type veth peer name p-c$c netns nat
	ip -n nat link set p-c$c master br0 up
	ip -n c$c addr add 192.168.1.1$c/24 dev eth0
	ip -n c$c link set eth0 up
	ip -n c$c route add default via 192.168.1.1
done
veth nat wan 203.0.113.1/24 gw wan 203.0.113.2/24
veth gw lan0 198.51.100.1/24 lan eth0 198.51.100.2/24
ip -n lan route add 192.168.42.0/24 via 198.51.100.1
gw sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
ip netns exec nat sysctl -qw net.ipv4.ip_forward=1
ip netns exec nat nft -f - <<'NFT'
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" masquerade
	}
}
NFT

# --- charon per namespace (as in 60) --------------------------------------------------
for n in gw c1 c2; do
	cat >"$run/$n/strongswan.conf" <<CONF
include /etc/strongswan.conf
charon {
  load_modular = yes
  plugins {
    vici { socket = unix://$run/$n/charon.vici }
    connmark { load = no }
    bypass-lan { load = no }
  }
  filelog { log { path = $out/charon-$n.log
                  append = yes
                  flush_line = yes
                  time_format = %H:%M:%S
                  default = 1
                  ike = 2
                  cfg = 2 } }
}
CONF
	ip netns exec "$n" sh -c "mount -t tmpfs tmpfs /run &&
		STRONGSWAN_CONF=$run/$n/strongswan.conf exec /usr/lib/ipsec/charon" \
		>>"$out/charon-$n.out" 2>&1 &
done
sw() {
	local who=$1
	shift
	timeout 90 swanctl "$@" --uri "unix://$run/$who/charon.vici" 2>>"$out/swanctl-$who.err"
}
# client_conf N: cN authenticates with its certificate and trusts the gateway's CA only
client_conf() {
	cat >"$run/c$1/swanctl.conf" <<CONF
connections {
  l2tp {
    version = 1
    local_addrs = 192.168.1.1$1
    remote_addrs = 203.0.113.2
    proposals = aes256-sha256-modp2048
    local { auth = pubkey
            certs = $pki/c$1.pem }
    remote { auth = pubkey
             id = "O=l2sec test, CN=gw.l2sec.test"
             cacerts = $pki/ca.pem }
    children {
      l2tp {
        mode = transport
        local_ts = dynamic[udp/1701]
        remote_ts = dynamic[udp/1701]
        esp_proposals = aes256-sha1
      }
    }
  }
}
CONF
	# swanctl loads private keys from SWANCTL_DIR/private only
	mkdir -p "$run/c$1/private"
	cp "$pki/c$1.key" "$run/c$1/private/"
}

# --- the gateway -----------------------------------------------------------------------
printf 'u1 password pw-1\n' >"$run/users"
cat >"$run/l2sec.conf" <<CONF
[global]
log-level = info
runtime-dir = $run/run
[l2tp]
listen = 203.0.113.2
hostname = gw
[ppp]
users = $run/users
local-address = 192.168.42.1
pool = 192.168.42.10-192.168.42.19
[ipsec]
vici = $run/gw/charon.vici
certificate = $pki/gw.pem
private-key = $pki/gw.key
ca = $pki/ca.pem
CONF
# l2secd refuses files holding secrets (passwords, the private key) that others can read
chmod 600 "$run/users" "$pki/gw.key"
for n in gw c1 c2; do
	check "$n: charon starts" wait_for 60 test -S "$run/$n/charon.vici"
done
check "configuration is valid (l2secd -n)" "$L2SECD" -n -c "$run/l2sec.conf"
ip netns exec gw "$L2SECD" -c "$run/l2sec.conf" >"$out/l2secd.log" 2>&1 &
gw_pid=$!
check "l2secd loaded its connection and private key into charon" wait_for 60 \
	grep -q "vici: connection 'l2sec' and its private key loaded into charon" "$out/l2secd.log"
sw gw --list-conns >"$out/gw-conns.txt"
check "gw: the connection authenticates by public key with the gateway's certificate" sh -c \
	"grep -q 'local public key authentication' $out/gw-conns.txt &&
	 grep -q 'remote public key authentication' $out/gw-conns.txt &&
	 grep -q 'CN=gw.l2sec.test' $out/gw-conns.txt"

# --- c1: certificate of the CA ----------------------------------------------------------
client_conf 1
client_conf 2
for c in 1 2; do
	check "c$c: swanctl --load-all (its certificate and key)" env SWANCTL_DIR="$run/c$c" \
		timeout 90 swanctl --load-all --file "$run/c$c/swanctl.conf" \
		--uri "unix://$run/c$c/charon.vici"
done
check "c1: charon has its private key" sh -c \
	"timeout 30 swanctl --list-certs --uri unix://$run/c1/charon.vici 2>/dev/null |
	 grep -q 'has private key'"
check "c1: IKE_SA and CHILD_SA up with certificates" \
	sw c1 --initiate --child l2tp --timeout 60
sw c1 --list-sas --raw >"$out/sas-c1.txt"
check "c1: CHILD_SA installed, UDP-encapsulated" \
	grep -q 'state=INSTALLED mode=TRANSPORT protocol=ESP encap=yes' "$out/sas-c1.txt"
check "c1: the gateway authenticated with its certificate" \
	grep -q 'remote-id=O=l2sec test, CN=gw.l2sec.test' "$out/sas-c1.txt"
sw gw --list-sas --raw >"$out/sas-gw.txt"
check "gw: charon authenticated c1 by its certificate" \
	grep -q 'remote-id=O=l2sec test, CN=c1.l2sec.test' "$out/sas-gw.txt"

cat >"$run/ip-up" <<SH
#!/bin/sh
echo "\$1 \$4 \$5" >"$run/\$6.up"
SH
chmod +x "$run/ip-up"
cat >"$run/xl2tpd.conf" <<CONF
[global]
port = 1701
access control = no
[lac gw]
lns = 203.0.113.2
require authentication = no
pppoptfile = $run/ppp.opts
name = c1
autodial = yes
redial = no
CONF
{
	printf 'name u1\npassword pw-1\n'
	printf 'refuse-pap\nrefuse-chap\nrefuse-mschap\nrefuse-eap\nnoauth\n'
	printf 'nodefaultroute\nnoipdefault\nipcp-accept-remote\nmtu 1280\nmru 1280\n'
	printf 'ip-up-script %s\nipparam c1\nlogfile %s\n' "$run/ip-up" "$out/pppd-c1.log"
} >"$run/ppp.opts"
: >"$run/secrets"
ip netns exec c1 xl2tpd -D -c "$run/xl2tpd.conf" -s "$run/secrets" -C "$run/control" \
	-p "$run/xl2tpd.pid" >>"$out/xl2tpd-c1.log" 2>&1 &
check "c1: L2TP and PPP up (ip-up ran)" wait_for 60 test -s "$run/c1.up"
a1=$(cut -d' ' -f2 "$run/c1.up" 2>/dev/null)
gw "$L2SEC" -j tunnel show >"$out/tunnel.json"
check "gw: c1's tunnel is bound to its SA" jcheck \
	"len(j) == 1 and j[0]['peer_addr'] == '203.0.113.1' and j[0]['bound']" <"$out/tunnel.json"
ip -n c1 route add 198.51.100.0/24 dev ppp0 2>/dev/null
check "c1 ($a1): pings the LAN host" ip netns exec c1 ping -c 3 -W 5 198.51.100.2

# --- c2: certificate of another CA ----------------------------------------------------------
check_fails "c2: refused (its certificate is not of the gateway's CA)" \
	sw c2 --initiate --child l2tp --timeout 60
check "gw: charon says why" grep -qE \
	"no trusted (RSA|ECDSA) public key found for 'O=l2sec test, CN=c2.l2sec.test'|constraint check failed" \
	"$out/charon-gw.log"
sw gw --list-sas --raw >"$out/sas-gw-end.txt"
check_eq "gw: charon has c1's IKE_SA only" 1 "$(grep -c '^list-sa event' "$out/sas-gw-end.txt")"
l2secd_ctl "$run/run/l2secd.sock" "show stats" >"$out/stats-end.json"
check "l2secd: one SA in its table" jcheck 'j["ipsec"]["sa_count"] == 1' <"$out/stats-end.json"
check "c1 still pings the LAN host" ip netns exec c1 ping -c 1 -W 5 198.51.100.2

kill -TERM "$gw_pid" 2>/dev/null
wait "$gw_pid"
check_eq "l2secd exit status" 0 "$?"
t_done
