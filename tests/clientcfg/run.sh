#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [--update]: `l2sec client-config` against the fixed gateway
# configurations here (l2sec.conf: PSK with hostile characters, split tunnel;
# l2sec-cert.conf: certificates, full tunnel) and users file (per-user
# routes and DNS, a hostile user name):
#  - each profile is compared byte for byte with its golden file in golden/
#    (--update rewrites them: review the diff before committing it);
#  - check.py parses each one as its client would (plistlib, configparser and
#    libnm's keyfile reader (Debian's python3-gi, gir1.2-nm-1.0), a
#    PowerShell quote decoder, sh running the ip-up and ip-down scripts with
#    a stub `ip`)
#    and finds every route, DNS value, the PSK, the user;
#  - the errors a user makes: unknown OS or user, no server, a bad server or
#    name, a configuration error (named by its line), no IPsec credential.
# Prints "ok - ..." / "not ok - ..." and last "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
here=tests/clientcfg
L2SEC=${L2SEC:-build/l2sec}
update=false
[ "${1:-}" = --update ] && update=true
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pass=0
fail=0

ok() { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); }

# profile FILE ARGS...: l2sec client-config ARGS into $out/FILE, then golden/FILE
profile() {
	local f=$1
	shift
	if ! "$L2SEC" client-config "$@" >"$out/$f" 2>"$out/$f.err"; then
		not_ok "client-config $* exits 0: $(cat "$out/$f.err")"
		return
	fi
	$update && cp "$out/$f" "$here/golden/$f"
	if cmp -s "$out/$f" "$here/golden/$f"; then
		ok "client-config $*: same as golden/$f"
	else
		not_ok "client-config $*: differs from golden/$f"
		diff -u "$here/golden/$f" "$out/$f" | head -n 30 | sed 's/^/    /'
	fi
}

# fails RC PATTERN ARGS...: client-config ARGS exits RC saying PATTERN, printing nothing
fails() {
	local rc=$1 pat=$2 got args
	shift 2
	args=$*
	args=${args//$'\n'/\\n}	# one line per result
	"$L2SEC" client-config "$@" >"$out/stdout" 2>"$out/stderr"
	got=$?
	if [ "$got" = "$rc" ] && grep -q -- "$pat" "$out/stderr" && [ ! -s "$out/stdout" ]; then
		ok "client-config $args fails ($rc): $(head -n 1 "$out/stderr")"
	else
		not_ok "client-config $args: exit $got (want $rc), stderr: $(head -n 2 "$out/stderr")"
	fi
}

[ -x "$L2SEC" ] || { echo "not ok - $L2SEC is not built"; echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$here/golden"
conf=(config "$here/l2sec.conf")
cert=(config "$here/l2sec-cert.conf")
hostile="o'brien \$(x) <&>"

profile windows.ps1 windows "${conf[@]}"
profile windows-carol.ps1 windows user carol "${conf[@]}"
profile windows-cert.ps1 windows "${cert[@]}"
profile macos-alice.mobileconfig macos user alice "${conf[@]}"
profile macos-bob.mobileconfig macos user bob "${conf[@]}"
profile macos-cert.mobileconfig macos "${cert[@]}"
profile macos-hostile.mobileconfig macos user "$hostile" "${conf[@]}"
profile linux-bob.nmconnection linux user bob "${conf[@]}"
profile linux-hostile.nmconnection linux nm user "$hostile" "${conf[@]}"
profile linux-cert.nmconnection linux "${cert[@]}"
profile linux-ip-up.sh linux ip-up "${conf[@]}"
profile linux-ip-up-carol.sh linux ip-up user carol "${conf[@]}"
profile linux-ip-down.sh linux ip-down "${conf[@]}"
profile windows-override.ps1 windows server 198.51.100.9 name "Other ‘VPN’" "${conf[@]}"
# quotes of every kind PowerShell knows, a backtick, $(...), non-ASCII: in the
# name and (from l2sec.conf) the PSK; the same script with plain values
profile windows-hostile.ps1 windows name "Büro ‘VPN’ “x” ‚y‛ \$(calc) \`a' Ñ 😀" "${conf[@]}"
sed 's/^psk = .*/psk = plain/' "$here/l2sec.conf" >"$out/plain.conf"
"$L2SEC" client-config windows name plain config "$out/plain.conf" >"$out/windows-plain.ps1"
# a PSK that looks like NetworkManager-l2tp's base64 form
sed 's/^psk = .*/psk = 0shello/' "$here/l2sec.conf" >"$out/0s.conf"
"$L2SEC" client-config linux user bob config "$out/0s.conf" >"$out/linux-0s.nmconnection"

# the same inputs give the same file (UUIDs are name-based), another user another UUID
"$L2SEC" client-config macos user alice "${conf[@]}" >"$out/again" 2>/dev/null
if cmp -s "$out/again" "$out/macos-alice.mobileconfig"; then
	ok "macos profile is reproducible"
else
	not_ok "macos profile is reproducible"
fi

# check.py's own lines; a crash (no closing line) is one more failure
complete=false
while read -r line; do
	case $line in
	"ok - "*) pass=$((pass + 1)) ;;
	"not ok - "*) fail=$((fail + 1)) ;;
	"# check.py ran every check") complete=true ;;
	esac
	echo "$line"
done < <(/usr/bin/python3 "$here/check.py" "$out" "$here/ca.pem" 2>&1)
$complete || not_ok "check.py ran to its end"

# --- errors ---------------------------------------------------------------------
printf '[ppp]\nusers = %s/users\n[ipsec]\npsk = x\n' "$here" >"$out/noserver.conf"
printf '[ppp]\nroutes = 10.0.0.0/8\n[client]\nserver = vpn.example.com\nbogus = 1\n' \
	>"$out/bad.conf"
printf '[client]\nserver = vpn.example.com\n' >"$out/nocred.conf"
printf '[client]\nserver = 10.1.2.300\n' >"$out/badserver.conf"
fails 2 'unknown client OS "android"' android "${conf[@]}"
fails 2 'needs a value' windows user
fails 2 'unknown argument "bogus"' windows bogus "${conf[@]}"
fails 1 'no user "mallory" in tests/clientcfg/users' windows user mallory "${conf[@]}"
fails 1 'no server address for the clients: set \[client\] server' windows config "$out/noserver.conf"
fails 1 "server \"bad host\" has a character" windows server "bad host" "${conf[@]}"
fails 1 'bad.conf:5: \[client\]: unknown key' windows config "$out/bad.conf"
fails 1 'badserver.conf:2: \[client\] server' windows config "$out/badserver.conf"
fails 1 "no IPsec credential" macos config "$out/nocred.conf"
fails 1 'the name has control characters' linux name "$(printf 'a\tb')" "${conf[@]}"
fails 1 'the name has control characters' windows name "$(printf 'a\nb')" "${conf[@]}"
# a line holds no newline, but l2secd's parser takes other control characters
printf '[ipsec]\npsk = a\001b\n[client]\nserver = vpn.example.com\n' >"$out/ctlpsk.conf"
fails 1 'the \[ipsec\] psk has control characters' windows config "$out/ctlpsk.conf"
printf '[ipsec]\npsk = a\377b\n[client]\nserver = vpn.example.com\n' >"$out/latin1.conf"
fails 1 'psk has control characters or is not UTF-8' macos config "$out/latin1.conf"
fails 1 'cannot open' linux config "$out/missing.conf"
# without IPsec the ip-up script and a plain-L2TP keyfile still make sense
if "$L2SEC" client-config linux config "$out/nocred.conf" | grep -x 'ipsec-enabled=no' >/dev/null; then
	ok "linux keyfile without an IPsec credential: ipsec-enabled=no"
else
	not_ok "linux keyfile without an IPsec credential: ipsec-enabled=no"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
