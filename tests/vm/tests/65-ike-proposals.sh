# vm-kernel: 6.12
# One boot of a two-kernel run: charon's IKE and ESP proposals, no L2TP.
# The gateway's default IKE and ESP proposals against the exact lists the
# built-in clients send (IKEv1 main mode and quick mode), each offered by a
# charon client restricted to that list ("!"-less swanctl lists are exact):
#   windows-default  Windows 7..11 without registry values (strongSwan's docs of
#                    Windows clients): sha1 with modp1024 only -> NO_PROPOSAL_CHOSEN
#   windows-dh2048-1 NegotiateDH2048_AES256 = 1: adds aes256-sha1-modp2048 -> up
#   windows-dh2048-2 NegotiateDH2048_AES256 = 2: only that one               -> up
#   windows11        = 1, and quick mode offers AES-GCM first  -> up, ESP AES-GCM-256
#   apple            macOS/iOS as far as public logs show it (a charon responder's
#                    "received proposals" in kitten/setup-strong-strongswan#28,
#                    which does not name the client; NetworkManager-l2tp's
#                    defaults merge Windows 10's and macOS/iOS's lists)    -> up
#   android          Android 8..12's legacy L2TP/IPsec PSK client (racoon) as
#                    libreswan logged it (hwdsl2/setup-ipsec-vpn#391, #1244,
#                    #1291): modp1024 only, aes256 with sha384/256/512/1/md5
#                    first; quick mode as AOSP's setup.c (sha256 first)
#   android7         Android 7 (AOSP external/ipsec-tools setup.c, 7.0/7.1):
#                    {aes256,aes128,3des} x {sha256,sha1,md5}, modp1024
#                    Both without their DES suites: charon has no DES.
#                    -> up with aes256-sha256-modp1024 (allow-modp1024 = android,
#                    the default) and ESP with HMAC-SHA1: racoon's PF_KEY SAs
#                    truncate SHA-256 to 96 bits
#   nm-strongswan    NetworkManager-l2tp >= 1.2.16 with strongSwan (README) -> up
#   nm-libreswan     the same with libreswan, built without modp1024      -> up
# For windows-default l2secd logs one line for the peer (rate-limited: one per
# peer address) naming NegotiateDH2048_AES256 and allow-modp1024; for an
# IKE_SA up with modp1024 a notice, and counts it (daemon show, prometheus).
# Then allow-modp1024 = no refuses android, and yes lets windows-default in.
# IKE and CHILD_SA only: no L2TP. One client behind the NAT of lc_topology.
# vm-timeout: 180
. "$L2SEC_TOP/tests/vm/lib.sh"
out=${L2SEC_TEST_OUT:-/tmp}
run=/tmp/l2sec-65
PSK=l2sec-65-shared-secret

# NAME IKE-PROPOSALS ESP-PROPOSALS (comma-separated, as swanctl.conf takes them)
clients() {
	cat <<'LIST'
windows-default aes256-sha1-modp1024,aes128-sha1-modp1024,3des-sha1-modp1024 aes256-sha1,aes128-sha1,3des-sha1
windows-dh2048-1 aes256-sha1-modp2048,aes256-sha1-modp1024,aes128-sha1-modp1024,3des-sha1-modp1024 aes256-sha1,aes128-sha1,3des-sha1
windows-dh2048-2 aes256-sha1-modp2048 aes256-sha1,aes128-sha1,3des-sha1
windows11 aes256-sha1-modp2048,aes256-sha1-modp1024,aes128-sha1-modp1024,3des-sha1-modp1024 aes256gcm16,aes128gcm16,aes256-sha1,aes128-sha1,3des-sha1
apple aes256-sha256-modp2048,aes256-sha1-modp2048,aes256-md5-modp2048,aes256-sha512-modp2048,aes256-sha256-modp1536,aes256-sha1-modp1536,aes256-md5-modp1536,aes256-sha256-modp1024,aes256-sha1-modp1024,aes256-md5-modp1024,aes128-sha1-modp1024,aes128-md5-modp1024,3des-sha1-modp1024,3des-md5-modp1024 aes256-sha1,aes128-sha1,3des-sha1
android aes256-sha384-modp1024,aes256-sha256-modp1024,aes256-sha512-modp1024,aes256-sha1-modp1024,aes256-md5-modp1024,aes128-sha256-modp1024,aes128-sha1-modp1024,aes128-md5-modp1024,3des-sha256-modp1024,3des-sha1-modp1024,3des-md5-modp1024 aes256-sha256,aes256-sha1,aes256-md5,aes128-sha256,aes128-sha1,aes128-md5,3des-sha256,3des-sha1,3des-md5
android7 aes256-sha256-modp1024,aes256-sha1-modp1024,aes256-md5-modp1024,aes128-sha256-modp1024,aes128-sha1-modp1024,aes128-md5-modp1024,3des-sha256-modp1024,3des-sha1-modp1024,3des-md5-modp1024 aes256-sha256,aes256-sha1,aes256-md5,aes128-sha256,aes128-sha1,aes128-md5,3des-sha256,3des-sha1,3des-md5
nm-strongswan aes256-sha256-modp2048,aes256-sha256-modp1536,aes256-sha256-modp1024,aes256-sha1-modp2048,aes256-sha1-modp1536,aes256-sha1-modp1024,aes256-sha1-ecp384,aes128-sha1-modp1024,aes128-sha1-ecp256,3des-sha1-modp2048,3des-sha1-modp1024 aes256-sha1,aes128-sha1,3des-sha1
nm-libreswan aes256-sha256-modp2048,aes256-sha256-modp1536,aes256-sha1-modp2048,aes256-sha1-modp1536,aes256-sha1-ecp384,aes128-sha1-ecp256,3des-sha1-modp2048 aes256-sha1,aes128-sha1,3des-sha1
LIST
}

# one swanctl connection per client list, all from c1
client_conf() {
	local name ike esp
	echo "connections {"
	while read -r name ike esp; do
		cat <<CONF
  $name {
    version = 1
    local_addrs = 192.168.1.11
    remote_addrs = 203.0.113.2
    proposals = $ike
    local { auth = psk
            id = 192.168.1.11 }
    remote { auth = psk }
    children {
      $name {
        mode = transport
        local_ts = dynamic[udp/1701]
        remote_ts = dynamic[udp/1701]
        esp_proposals = $esp
      }
    }
  }
CONF
	done <"$run/clients"
	echo "}"
	echo "secrets { ike-gw { secret = \"$PSK\" } }"
}

# up NAME: its IKE_SA and CHILD_SA come up; then it goes again
up() {
	lc_sw c1 --initiate --ike "$1" --child "$1" --timeout 30 >"$out/initiate-$1.log" 2>&1 ||
		{ tail -5 "$out/initiate-$1.log"; return 1; }
}
down() { lc_sw c1 --terminate --ike "$1" --timeout 10 >/dev/null 2>&1; }
# refused NAME: charon answers NO_PROPOSAL_CHOSEN in main mode
refused() {
	! lc_sw c1 --initiate --ike "$1" --child "$1" --timeout 30 >"$out/initiate-$1.log" 2>&1 &&
		grep -q 'NO_PROPOSAL_CHOSEN' "$out/initiate-$1.log"
}
# sas NAME PATTERN: the client's SAs of NAME, as swanctl lists them, match PATTERN
sas() { lc_sw c1 --list-sas --ike "$1" | grep -q "$2"; }
hints() { grep -c '203.0.113.1 offered only Diffie-Hellman groups below 2048 bits' \
	"$out/l2secd.log"; }
hint_ok() {
	grep '203.0.113.1 offered only' "$out/l2secd.log" | grep 'NegotiateDH2048_AES256' |
		grep -q 'allow-modp1024 = yes'
}
notices() { grep -c '203.0.113.1 set up its IKE_SA with the Diffie-Hellman group MODP_1024' \
	"$out/l2secd.log"; }
# ike_is KEY N: l2secd's counter ike.KEY, as `l2sec -s daemon show` prints it, is N;
# waited for: charon's events come asynchronously
ike_eq() { "$L2SEC" -r "$run/run" -s daemon show | grep -qx "  $1  *$2"; }
ike_is() { wait_for 10 ike_eq "$@"; }
# reload N VALUE: allow-modp1024 = VALUE, SIGHUP, the Nth load into charon
reload() {
	sed -i '/^allow-modp1024 = /d' "$run/l2sec.conf"
	echo "allow-modp1024 = $2" >>"$run/l2sec.conf"	# the last section: [ipsec]
	kill -HUP "$(cat "$run/run/l2secd.pid")"	# its own pidfile: $! is a subshell
	check "l2secd: reloaded with allow-modp1024 = $2" wait_for 30 sh -c \
		"[ \$(grep -c 'its PSK loaded' $out/l2secd.log) -ge $1 ]"
}

lc_setup 1 ""
# swanctl needs no crypto to talk VICI: without its default plugin list it
# starts in a fraction of the time under TCG (charon keeps its own conf)
printf 'swanctl {\n  load = random nonce\n}\n' >"$run/swanctl-strongswan.conf"
export STRONGSWAN_CONF=$run/swanctl-strongswan.conf
clients >"$run/clients"
client_conf >"$run/c1/swanctl.conf"
check "c1: the clients' lists load" lc_sw c1 --load-all --file "$run/c1/swanctl.conf"

# --- the default: allow-modp1024 = android -----------------------------------------------
check "windows-default: refused (NO_PROPOSAL_CHOSEN)" refused windows-default
check "l2secd: the hint names NegotiateDH2048_AES256 and allow-modp1024" wait_for 10 hint_ok
for c in windows-dh2048-1 windows-dh2048-2 windows11 apple nm-strongswan nm-libreswan; do
	check "$c: IKE and CHILD_SA up" up "$c"
	[ "$c" = windows11 ] && check "windows11: ESP is AES-GCM-256" sas windows11 'AES_GCM_16-256'
	[ "$c" = apple ] && check "apple: modp2048, not its modp1024" sas apple '/MODP_2048'
	down "$c"
done
for c in android android7; do
	check "$c: IKE and CHILD_SA up" up "$c"
	check "$c: IKE is aes256-sha256-modp1024" sas "$c" \
		'AES_CBC-256/HMAC_SHA2_256_128/.*MODP_1024'
	check "$c: ESP is AES-CBC-256 with HMAC-SHA1 (not racoon's 96-bit SHA-256)" \
		sas "$c" 'AES_CBC-256/HMAC_SHA1_96\($\|[^_0-9]\)'
	down "$c"
done
check_eq "l2secd: one hint line for the peer, not one per attempt" 1 "$(hints)"
check "l2secd: IKE_SAs with modp1024 counted (2)" ike_is weak-dh-up 2
check "l2secd: the modp1024-only refusal counted (1)" ike_is refused-weak-dh 1
check_eq "l2secd: one notice for the peer, naming MODP_1024" 1 "$(notices)"
check "l2sec stats prometheus: l2sec_daemon_ike_weak_dh_up_total 2" sh -c \
	"$L2SEC -r $run/run stats prometheus | grep -qx 'l2sec_daemon_ike_weak_dh_up_total 2'"

# --- allow-modp1024 = no: Android is refused too -----------------------------------------
reload 2 no
check "android: refused with allow-modp1024 = no" refused android
check "l2secd: its refusal counted (2)" ike_is refused-weak-dh 2

# --- allow-modp1024 = yes: Windows without the registry value comes in ---------------------
reload 3 yes
check "windows-default: up with allow-modp1024 = yes" up windows-default
check "windows-default: on modp1024" sas windows-default '/MODP_1024'
down windows-default
check "l2secd: counted (3)" ike_is weak-dh-up 3
check_eq "l2secd: no more hints" 1 "$(hints)"
t_done
