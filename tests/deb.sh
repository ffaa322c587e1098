#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages: `dpkg-buildpackage -us -uc -b` (-jN) in a copy of the tree
# under build/deb/ (the tree itself stays clean; the packages land in
# build/deb/), lintian without errors or warnings, what each package holds
# (the configuration a conffile of mode 0600, the units, the DKMS sources and
# their dkms.conf), dkms.conf's kernel limit as Debian 12's dkms reads it, and
# dkms building the packaged sources for both kernels (its compiler's results
# kept in build/ccache for the guest). tests/vm/tests/80-deb.sh installs the
# packages in a guest.
# Last line: "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
version=$(cat VERSION)
out=build/deb
src=$out/l2sec-$version
pass=0
fail=0

ok() { echo "ok - deb: $1"; pass=$((pass + 1)); }
not_ok() {
	echo "not ok - deb: $1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/    /'
	fail=$((fail + 1))
}
check() {
	local name=$1 o
	shift
	if o=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "$o"; fi
}
finish() {
	echo "$pass passed, $fail failed"
	[ $fail = 0 ]
	exit
}

# The tree as git sees it, uncommitted changes and new files included.
rm -rf "$out"
mkdir -p "$src"
git ls-files -z -co --exclude-standard | grep -zv '^build/' |
	xargs -0 cp --parents -t "$src" 2>"$out/copy.log"
check "debian/changelog's version is VERSION's" \
	test "$(cd "$src" && dpkg-parsechangelog -S Version)" = "$version"
if (cd "$src" && dpkg-buildpackage -us -uc -b -j"$(nproc)") >"$out/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b"
else
	not_ok "dpkg-buildpackage -us -uc -b (log: $out/build.log)" "$(tail -n 30 "$out/build.log")"
	finish
fi
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb=$out/l2sec_${version}_$arch.deb
dkms_deb=$out/l2sec-dkms_${version}_all.deb
changes=$out/l2sec_${version}_$arch.changes
check "both packages built" test -f "$deb" -a -f "$dkms_deb"

check "lintian: no errors, no warnings" \
	lintian --fail-on error,warning "$changes"

# "MODE OWNER PATH" of a package's files (directories left out)
contents() {
	dpkg-deb -c "$1" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $1, $2, $6 }'
}
c=$(contents "$deb")
for f in /usr/sbin/l2secd /usr/sbin/l2sec; do
	check "l2sec has $f, 0755 root" grep -qx -- "-rwxr-xr-x root/root $f" <<<"$c"
done
check "l2sec.conf is 0600 root" grep -qx -- "-rw------- root/root /etc/l2sec/l2sec.conf" <<<"$c"
check "l2sec.conf is a conffile" \
	grep -qx /etc/l2sec/l2sec.conf <(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)
for f in l2secd.service l2sec-metrics.service l2sec-metrics.timer; do
	check "l2sec has $f" grep -q " /lib/systemd/system/$f\$" <<<"$c"
done
for f in man5/l2sec.conf.5 man8/l2sec.8 man8/l2secd.8; do
	check "l2sec has $f" grep -q " /usr/share/man/$f.gz\$" <<<"$c"
done
check "l2sec creates the system user l2sec" \
	grep -qE '^u l2sec ' <(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/lib/sysusers.d/l2sec.conf)
check "its postinst creates the user (systemd-sysusers, before the service starts)" awk '
	/systemd-sysusers/ { u = NR } /deb-systemd-invoke|invoke-rc.d/ && !s { s = NR }
	END { exit !(u && (!s || u < s)) }' <(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./postinst)
check "l2sec holds no DKMS sources" test -z "$(grep /usr/src/ <<<"$c")"
c=$(contents "$dkms_deb")
check "l2sec-dkms has the module's sources" \
	diff -u <(cd "$top" && ls kernel/*.[ch] uapi/l2sec.h Kbuild VERSION dkms.conf | sort) \
	<(sed -n "s|.* /usr/src/l2sec-$version/||p" <<<"$c" | sort)
conf=$(dpkg-deb --fsys-tarfile "$dkms_deb" | tar -xO "./usr/src/l2sec-$version/dkms.conf")
check "its dkms.conf carries the version" grep -qx "PACKAGE_VERSION=\"$version\"" <<<"$conf"
check "l2sec-dkms depends on dkms" grep -q '^dkms ' <(dpkg-deb -f "$dkms_deb" Depends)

# The packaged sources as the package's postinst has dkms build them, for each test
# kernel: dkms add and build in a private mount namespace over an empty
# /var/lib/dkms (this machine's DKMS state stays as it is). Debian's kernel headers
# compile through ccache when DEBIAN_KERNEL_USE_CCACHE is set; the results go to
# build/ccache, where guest test 80-deb's postinst finds them for the same sources
# at the same paths (a compile takes minutes under TCG, a cache hit does not).
# ccache hashes the locale variables: the guest has LANG=C.UTF-8 and no LC_*.
# (Without ccache installed, an empty DEBIAN_KERNEL_USE_CCACHE: the compiler alone.)
use_ccache=$(command -v ccache >/dev/null && echo 1)
. "$top/tests/ccache-dir.sh"
ccache_dir_init "$top/build/ccache"
# dkms_build KVER: that build, its output in build/deb/dkms-KVER.log
dkms_build() {
	env -u LC_ALL -u LC_CTYPE -u LC_MESSAGES LANG=C.UTF-8 DEBIAN_KERNEL_USE_CCACHE="$use_ccache" \
		CCACHE_DIR="$top/build/ccache" unshare -m sh -ec '
		mount --make-rprivate /
		mount --bind "$1" /var/lib/dkms
		dkms add -m l2sec -v "$2" --sourcetree "$3"
		dkms build -m l2sec -v "$2" -k "$4"
		ls "/var/lib/dkms/l2sec/$2/$4/$(uname -m)/module/"l2sec.ko*' \
		sh "$top/$out/dkms-tree-$1" "$version" "$top/$out/dkms-root/usr/src" "$1" \
		>"$out/dkms-$1.log" 2>&1 || { tail -n 20 "$out/dkms-$1.log"; return 1; }
}
dpkg-deb -x "$dkms_deb" "$out/dkms-root"
for k in 6.1 6.12; do
	kver=$(ls -1 /lib/modules | grep -E "^${k//./\\.}[.-]" | sort -V | tail -n 1)
	mkdir -p "$out/dkms-tree-$kver"
	check "dkms builds the packaged sources for $kver" dkms_build "$kver"
done

# BUILD_EXCLUSIVE_KERNEL as dkms 3.0.10 applies it: [[ $kernelver =~ $regex ]]
regex=$(. <(grep '^BUILD_EXCLUSIVE_KERNEL=' <<<"$conf") && echo "$BUILD_EXCLUSIVE_KERNEL")
bad=
for k in 6.1.0-28-amd64 6.1.119 6.12.12+bpo-amd64 6.12.95+deb12-amd64 6.19.1 7.0.0 10.2.0; do
	[[ $k =~ $regex ]] || bad+=" $k refused"
done
for k in 6.0.12-amd64 5.10.0-33-amd64 4.19.0 6.01.0; do
	[[ $k =~ $regex ]] && bad+=" $k accepted"
done
check "BUILD_EXCLUSIVE_KERNEL admits 6.1 and later only" test -z "$bad" -a -n "$regex"
[ -n "$bad" ] && echo "    $bad"
finish
