#!/bin/bash
# Install what building and testing l2sec needs on a Debian 12 (bookworm) machine:
# build dependencies (and the packaging tools: debhelper, dh-dkms, lintian; ccache,
# which the DKMS builds of the tests share with guest test 80-deb; and
# prometheus for promtool, which checks `l2sec stats prometheus`), both test kernels (6.1 from bookworm, 6.12 from
# bookworm-backports) with their headers, QEMU, and the real peers the guest tests
# run (charon, xl2tpd, pppd, iperf3, nftables, tshark, scapy, ethtool), FreeRADIUS
# (tests/radius-host.sh runs radiusd in the foreground from a copy of its
# configuration), and libnm for reading the NetworkManager profiles (tests/clientcfg).
#
# Idempotent: a machine that has everything is left alone (no apt-get update).
# Daemons are installed but never started on the host: a policy-rc.d that exits
# 101 is in place while apt runs.
set -euo pipefail

BUILD_PKGS="build-essential pkg-config bc sparse dkms ccache clang
	libmnl-dev libnl-3-dev libnl-route-3-dev libkmod-dev nettle-dev
	libjson-c-dev libinih-dev libcmocka-dev libseccomp-dev
	debhelper dh-dkms lintian prometheus"
VM_PKGS="qemu-system-x86 busybox-static kmod iproute2 cpio gzip xz-utils zstd
	linux-image-amd64 linux-headers-amd64"
PEER_PKGS="strongswan-charon strongswan-swanctl libstrongswan-standard-plugins
	xl2tpd ppp iputils-ping iperf3 nftables tshark tcpdump python3-scapy procps ethtool
	python3-gi gir1.2-nm-1.0 freeradius freeradius-utils sqlite3"
BPO_LIST=/etc/apt/sources.list.d/l2sec-bookworm-backports.sources

need=()
for p in $BUILD_PKGS $VM_PKGS $PEER_PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		need+=("$p")
done
# The 6.12 kernel: any installed 6.12 image with its headers will do.
have_612() {
	ls -d /lib/modules/6.12.*-amd64/build/include >/dev/null 2>&1 &&
		ls /boot/vmlinuz-6.12.*-amd64 >/dev/null 2>&1
}

if [ ${#need[@]} -eq 0 ] && have_612; then
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing ${need[*]:-the 6.12 kernel}; run as root" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
had_policy=0
[ -e /usr/sbin/policy-rc.d ] && had_policy=1
if [ $had_policy = 0 ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi

if ! [ -e "$BPO_LIST" ] && ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	cat >"$BPO_LIST" <<-EOF
		Types: deb
		URIs: http://deb.debian.org/debian
		Suites: bookworm-backports
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
fi

echo "install-deps: installing ${need[*]} (and the 6.12 kernel if missing)"
apt-get update -q >/dev/null
# tshark asks whether non-root users may capture; the answer does not matter here.
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
apt-get install -y -q --no-install-recommends "${need[@]}" $VM_PKGS >/dev/null

if ! have_612; then
	# Name the versioned packages behind backports' meta-packages, so that the
	# bookworm meta-packages (6.1) stay as they are.
	img=$(apt-cache depends -t bookworm-backports linux-image-amd64/bookworm-backports |
		awk '/Depends: linux-image-6\.12/ {print $2; exit}')
	hdr=$(apt-cache depends -t bookworm-backports linux-headers-amd64/bookworm-backports |
		awk '/Depends: linux-headers-6\.12/ {print $2; exit}')
	if [ -z "$img" ] || [ -z "$hdr" ]; then
		echo "install-deps: bookworm-backports offers no 6.12 kernel" >&2
		exit 1
	fi
	apt-get install -y -q --no-install-recommends -t bookworm-backports "$img" "$hdr" >/dev/null
fi
have_612 || { echo "install-deps: 6.12 kernel still missing" >&2; exit 1; }
echo "install-deps: done"
