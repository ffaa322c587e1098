#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS on this machine: `make dkms-install` for the 6.1 and the 6.12 kernel (dkms
# add, build, install), then check that each kernel's module tree holds a l2sec.ko
# built by DKMS from these sources. tests/vm/tests/10-dkms.sh loads that module in
# the guest. Last line: "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
pass=0
fail=0
kvers=""
for k in 6.1 6.12; do
	kvers+=" $(ls -1 /lib/modules | grep -E "^${k//./\\.}[.-]" | sort -V | tail -n 1)"
done
# The compiler's results go to build/ccache, as tests/deb.sh's builds of the packaged
# sources (the same files at the same paths), which then need not compile again
. "$top/tests/ccache-dir.sh"
ccache_dir_init "$top/build/ccache"
if env -u LC_ALL -u LC_CTYPE -u LC_MESSAGES LANG=C.UTF-8 \
	DEBIAN_KERNEL_USE_CCACHE="$(command -v ccache >/dev/null && echo 1)" \
	CCACHE_DIR="$top/build/ccache" \
	make -s -C "$top" dkms-install KVERS="$kvers" >"$top/build/dkms.log" 2>&1; then
	echo "ok - make dkms-install (dkms add, build, install) for$kvers"
	pass=$((pass + 1))
else
	echo "not ok - make dkms-install for$kvers (log: build/dkms.log)"
	tail -n 30 "$top/build/dkms.log" | sed 's/^/    /'
	fail=$((fail + 1))
fi
version=$(cat "$top/VERSION")
for k in $kvers; do
	ko=$(find "/lib/modules/$k/updates/dkms" -name 'l2sec.ko*' 2>/dev/null | head -n 1)
	if [ -n "$ko" ] && dkms status "l2sec/$version" -k "$k" | grep installed >/dev/null &&
		[ "$(modinfo -F version "$ko")" = "$version" ]; then
		echo "ok - dkms installed l2sec $version for $k: $ko"
		pass=$((pass + 1))
	else
		echo "not ok - no DKMS-installed l2sec $version for $k"
		dkms status 2>&1 | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
