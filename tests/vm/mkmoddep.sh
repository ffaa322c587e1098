#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkmoddep.sh KVER KO: print a directory holding depmod's index files for KVER's
# modules plus KO as updates/l2sec.ko, made on the host (running depmod over 9p
# in a TCG guest takes minutes). The guest copies them into /lib/modules/KVER so
# that modprobe, and the kernel's on-demand loading, find the module under test
# (and not a DKMS-installed one). Cached: the index names only paths, aliases and
# dependencies, so it is made again only when those of KO or the kernel change.
set -euo pipefail
kver=$1
ko=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
key=$( { modinfo -F alias "$ko"; modinfo -F depends "$ko";
	stat -c %Y "/lib/modules/$kver/modules.order"; } | md5sum | cut -c1-12)
dir=$top/build/vm/moddep-$kver-$key
if ! [ -f "$dir/lib/modules/$kver/modules.dep.bin" ]; then
	rm -rf "$top/build/vm/moddep-$kver-"*
	mkdir -p "$dir/lib/modules/$kver/updates"
	ln -s "/lib/modules/$kver/kernel" "$dir/lib/modules/$kver/kernel"
	cp "/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} "$dir/lib/modules/$kver/"
	cp "$ko" "$dir/lib/modules/$kver/updates/l2sec.ko"
	depmod -b "$dir" "$kver"
fi
echo "$dir/lib/modules/$kver"
