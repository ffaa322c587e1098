# SPDX-License-Identifier: GPL-2.0
#
# Sourced by tests/dkms.sh and tests/deb.sh: build/ccache, the compiler cache their
# DKMS builds of l2sec.ko share with guest test 80-deb's (the same sources at the
# same paths: /usr/src/l2sec-VERSION, /var/lib/dkms/l2sec/VERSION/build).
#
# sloppiness = file_stat_matches: a cache hit takes an included file as the one the
# manifest names when its size, mtime and ctime are those recorded, without reading
# and hashing it (set here before the cache's first entry). A kernel source file
# includes 500 or more of the kernel's headers; in the guest, read over 9p and
# hashed under TCG, that was about 1.5 s of each hit's 3.5 to 4.5 s (80-deb's DKMS
# build: 38 hits; 2.0 to 2.5 s with it). The headers are the installed packages'
# files, changed only by a package upgrade, which changes their times too; the
# guest sees the host's files with the host's times (9p, under its overlay).
# l2sec's own files are copied by dkms (new times): they are hashed as before.
# dkms.sh and deb.sh run at once (tests/check.sh): the file is replaced whole
# (rename), never seen empty by the other's compiler calls.
ccache_dir_init() {
	mkdir -p "$1" &&
		printf 'sloppiness = file_stat_matches\n' >"$1/ccache.conf.$$" &&
		mv -f "$1/ccache.conf.$$" "$1/ccache.conf"
}
