#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/install.sh: `make install` into temporary DESTDIRs, as a package build
# would run it, and checks what lands there: the exact file list and modes,
# the unit's paths following SBINDIR and SYSCONFDIR, the sysusers.d file
# making privsep's user l2sec (systemd-sysusers into a temporary root), an existing l2sec.conf
# and users file never overwritten (a first, empty users file 0600), the DKMS sources with their version, the programs and
# the unit usable (systemd-analyze verify), and the manuals: no groff
# warnings (mandoc -T lint too when installed), and l2sec.conf(5) and
# l2sec.conf.example naming every key of daemon/conf/config.c's table.
# Runs as any user; touches nothing outside its temporary directories.
# Last line: "N passed, N failed, N skipped".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
version=$(cat VERSION)
work=$(mktemp -d /tmp/l2sec-install.XXXXXX)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
skip=0

ok() { echo "ok - install: $1"; pass=$((pass + 1)); }
not_ok() {
	echo "not ok - install: $1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/    /'
	fail=$((fail + 1))
}
skipped() { echo "skip - install: $1"; skip=$((skip + 1)); }
# check NAME CMD...: one result, with CMD's output when it fails
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "$out"; fi
}

# "MODE PATH" of every file and symlink under $1, sorted
listing() {
	(cd "$1" && find . \( -type f -o -type l \) -printf '%m %P\n' | sort -k2)
}

# --- the default layout: PREFIX=/usr, SYSCONFDIR=/etc, UNITDIR=/lib/systemd/system ---
d1=$work/default
if out=$(make -s install DESTDIR="$d1" 2>&1); then
	ok "make install DESTDIR=..."
else
	not_ok "make install DESTDIR=..." "$out"
	echo "$pass passed, $fail failed, $skip skipped"
	exit 1
fi

expected() {
	local f
	echo "600 etc/l2sec/l2sec.conf"
	echo "644 etc/l2sec/l2sec.conf.example"
	echo "600 etc/l2sec/users"
	echo "644 lib/systemd/system/l2secd.service"
	echo "644 usr/lib/sysusers.d/l2sec.conf"
	echo "755 usr/sbin/l2sec"
	echo "755 usr/sbin/l2secd"
	echo "644 usr/share/man/man5/l2sec.conf.5"
	echo "644 usr/share/man/man8/l2sec.8"
	echo "644 usr/share/man/man8/l2secd.8"
	for f in Kbuild VERSION dkms.conf kernel/*.c kernel/*.h uapi/l2sec.h; do
		echo "644 usr/src/l2sec-$version/$f"
	done
}
check "file list and modes" diff -u <(expected | sort -k2) <(listing "$d1")

# privsep's engine user, as systemd-sysusers makes it from the installed file (in a
# temporary root: nothing on this machine changes)
if command -v systemd-sysusers >/dev/null; then
	mkdir -p "$work/sysroot/etc"
	check "the sysusers file makes the system user l2sec, shell nologin" sh -c "
		systemd-sysusers --root='$work/sysroot' '$d1/usr/lib/sysusers.d/l2sec.conf' &&
		awk -F: '\$1 == \"l2sec\" && \$3 < 1000 && \$7 == \"/usr/sbin/nologin\" { f = 1 }
			END { exit !f }' '$work/sysroot/etc/passwd'"
else
	skipped "the sysusers file makes the user l2sec (no systemd-sysusers)"
fi
# privsep is the default: without its engine-user, l2secd -n fails and names the fix;
# privsep = no is one process and needs no user (a user no machine has)
(umask 077 && : >"$work/users" &&
	printf '[global]\nengine-user = l2sec-test-no-such-user\n[ppp]\nusers = %s\n' \
		"$work/users" >"$work/nouser.conf" &&
	sed 's/^\[global\]$/&\nprivsep = no/' "$work/nouser.conf" >"$work/onepro.conf")
check "l2secd -n: privsep by default, a missing engine-user an error naming the fix" sh -c "
	! '$d1/usr/sbin/l2secd' -n -c '$work/nouser.conf' 2>'$work/nouser.err' &&
	grep -q \"engine-user 'l2sec-test-no-such-user' does not exist: .*systemd-sysusers.*useradd .*privsep = no\" \
		'$work/nouser.err'"
check "l2secd -n: privsep = no needs no engine-user" \
	"$d1/usr/sbin/l2secd" -n -c "$work/onepro.conf"
check "installed l2sec runs" grep -qx "l2sec $version" <("$d1/usr/sbin/l2sec" -V)
check "installed l2secd runs" grep -qx "l2secd $version" <("$d1/usr/sbin/l2secd" -V)
check "example configuration is daemon/conf/l2sec.conf.example" \
	cmp daemon/conf/l2sec.conf.example "$d1/etc/l2sec/l2sec.conf.example"
check "first l2sec.conf is the example" \
	cmp daemon/conf/l2sec.conf.example "$d1/etc/l2sec/l2sec.conf"
check "first users file is empty" test ! -s "$d1/etc/l2sec/users"
check "DKMS sources carry the version" \
	grep -qx "PACKAGE_VERSION=\"$version\"" "$d1/usr/src/l2sec-$version/dkms.conf"
check "DKMS sources are the tree's" \
	diff -r kernel "$d1/usr/src/l2sec-$version/kernel"

unit=$d1/lib/systemd/system/l2secd.service
check "unit runs /usr/sbin/l2secd with /etc/l2sec/l2sec.conf" \
	grep -qx 'ExecStart=/usr/sbin/l2secd -c /etc/l2sec/l2sec.conf' "$unit"
check "unit is Type=notify" grep -qx 'Type=notify' "$unit"
if command -v systemd-analyze >/dev/null; then
	# its programs where this DESTDIR has them
	sed "s|/usr/sbin/|$d1/usr/sbin/|g" "$unit" > "$work/l2secd.service"
	check "systemd-analyze verify l2secd.service" \
		systemd-analyze verify --man=no "$work/l2secd.service"
else
	skipped "systemd-analyze verify l2secd.service (no systemd-analyze)"
fi

# --- again over it: the operator's l2sec.conf stays, the rest is refreshed ---
echo "; the operator's" > "$d1/etc/l2sec/l2sec.conf"
chmod 0640 "$d1/etc/l2sec/l2sec.conf"
echo "stale" > "$d1/etc/l2sec/l2sec.conf.example"
echo "alice * secret *" > "$d1/etc/l2sec/users"
if out=$(make -s install DESTDIR="$d1" 2>&1); then
	check "second install keeps an existing l2sec.conf" \
		grep -qx "; the operator's" "$d1/etc/l2sec/l2sec.conf"
	check "second install keeps its mode" \
		test "$(stat -c %a "$d1/etc/l2sec/l2sec.conf")" = 640
	check "second install keeps an existing users file" \
		grep -qx "alice \\* secret \\*" "$d1/etc/l2sec/users"
	check "second install refreshes the example" \
		cmp daemon/conf/l2sec.conf.example "$d1/etc/l2sec/l2sec.conf.example"
else
	not_ok "make install over an installation" "$out"
fi

# --- another layout: every directory variable followed ---
d2=$work/local
if out=$(make -s install DESTDIR="$d2" PREFIX=/usr/local SYSCONFDIR=/usr/local/etc \
	UNITDIR=/usr/local/lib/systemd/system 2>&1); then
	expected_local() {
		expected | sed -e 's| etc/| usr/local/etc/|' \
			-e 's| lib/systemd/| usr/local/lib/systemd/|' \
			-e 's| usr/sbin/| usr/local/sbin/|' -e 's| usr/share/| usr/local/share/|'
	}
	check "PREFIX, SYSCONFDIR, UNITDIR: file list" \
		diff -u <(expected_local | sort -k2) <(listing "$d2")
	check "PREFIX, SYSCONFDIR: the unit's paths follow" \
		grep -qx 'ExecStart=/usr/local/sbin/l2secd -c /usr/local/etc/l2sec/l2sec.conf' \
		"$d2/usr/local/lib/systemd/system/l2secd.service"
else
	not_ok "make install PREFIX=/usr/local ..." "$out"
fi

# --- the manuals ---
for m in man/*.[58]; do
	if command -v man >/dev/null; then
		check "$m: no groff warnings" \
			test -z "$(man -l --warnings -E UTF-8 "$m" 2>&1 >/dev/null)"
	else
		skipped "$m: no groff warnings (no man)"
	fi
	if command -v mandoc >/dev/null; then
		check "$m: mandoc -T lint" mandoc -T lint -W warning "$m"
	fi
done

# Every key of config.c's table in l2sec.conf(5) and in the example.
table=$(sed -n '/^static const struct key keys\[\] = {$/,/^};$/p' daemon/conf/config.c)
keys=$(sed -n 's/^[[:space:]]*{ "\([a-z0-9]*\)", "\([a-z0-9-]*\)", K_.*/\1 \2/p' <<< "$table")
# every entry of the table, none missed by the pattern above
[ "$(grep -c '^[[:space:]]*{ ' <<< "$table")" = "$(grep -c . <<< "$keys")" ] || keys=
missing_man= missing_example=
while read -r section key; do
	k=${key//-/\\\\-}
	grep -q "^\.BI \"$k = \"" man/l2sec.conf.5 || missing_man+=" [$section] $key"
	awk -v s="[$section]" -v k="$key" '
		/^\[/ { in_s = ($1 == s) }
		in_s && ($1 == k || $1 == ";" k) { found = 1 }
		END { exit !found }' daemon/conf/l2sec.conf.example ||
		missing_example+=" [$section] $key"
done <<< "$keys"
if [ -z "$keys" ]; then
	not_ok "every entry of daemon/conf/config.c's key table read"
elif [ -z "$missing_man" ]; then
	ok "l2sec.conf.5 documents all $(wc -l <<< "$keys") keys of daemon/conf/config.c"
else
	not_ok "l2sec.conf.5 documents every key of daemon/conf/config.c" "missing:$missing_man"
fi
if [ -n "$keys" ] && [ -z "$missing_example" ]; then
	ok "l2sec.conf.example shows every key of daemon/conf/config.c"
elif [ -n "$keys" ]; then
	not_ok "l2sec.conf.example shows every key of daemon/conf/config.c" \
		"missing:$missing_example"
fi

echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
