#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh KVER OUT: the guest's first stage. A static busybox, kmod, the
# modules that mount the host's root over 9p under an overlay, and tests/vm/init.
# Everything else (tools, other modules, the build tree) comes from the host's root.
set -euo pipefail

kver=$1
out=$2
vmdir=$(cd "$(dirname "$0")" && pwd)
stage=$(mktemp -d /tmp/l2sec-initrd.XXXXXX)
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,etc,proc,sys,dev,run,tmp,newroot}
cp /bin/busybox "$stage/bin/busybox"
for a in sh mount umount mkdir cat echo sleep switch_root poweroff; do
	ln -s busybox "$stage/bin/$a"
done

# kmod, dynamically linked, with its libraries: it reads xz and zstd modules.
cp -L /usr/bin/kmod "$stage/bin/kmod"
ln -s kmod "$stage/bin/insmod"
ldd /usr/bin/kmod | awk '/=>/ {print $3} /^\t\/lib64/ {print $1}' | while read -r lib; do
	[ -e "$lib" ] || continue
	mkdir -p "$stage$(dirname "$lib")"
	cp -L "$lib" "$stage$lib"
done

# The modules, in load order, as insmod commands (built-ins print nothing).
: >"$stage/etc/modules"
for m in virtio_pci 9pnet_virtio 9p overlay; do
	modprobe -S "$kver" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
done | awk '!seen[$0]++' | while read -r ko; do
	mkdir -p "$stage$(dirname "$ko")"
	# Decompressed here: this kernel may not take compressed modules itself.
	case $ko in
	*.xz) xz -dc "$ko" >"$stage${ko%.xz}"; ko=${ko%.xz} ;;
	*.zst) zstd -qdc "$ko" >"$stage${ko%.zst}"; ko=${ko%.zst} ;;
	*) cp "$ko" "$stage$ko" ;;
	esac
	echo "$ko" >>"$stage/etc/modules"
done

install -m 0755 "$vmdir/init" "$stage/init"
(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$out"
echo "initramfs for $kver: $out"
