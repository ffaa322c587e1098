#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the guest after switch_root onto the host's root (see tests/vm/init).
# Installs the l2sec.ko built for this kernel where modprobe finds it (so the module
# loads on demand, by generic netlink family or link kind), then runs each test of
# /mnt/out/plan in turn and powers off. For every test it prints
# "VMTEST-RESULT NAME pass|fail REASON" on the console; tests/vm/run reads them.
#
# Between tests: every process but this one is killed, every netns deleted, and
# l2sec.ko unloaded; a test fails if the unload fails or if the kernel logged a
# warning, BUG, Oops, sanitizer report, leak or checksum fault while it ran.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
out=/mnt/out
# the run's BENCH_* settings (tests/vm/run)
[ -f "$out/bench.env" ] && . "$out/bench.env"
kver=$(uname -r)
bad_klog='WARNING:|BUG:|Oops|general protection fault|Kernel panic|UBSAN:|KASAN:|kmemleak|refcount_t:|list_(add|del) corruption|l2sec: leak|hw csum failure'

poweroff_now() {
	sync
	exec /run/busybox poweroff -f
}

setup() {
	mkdir -p /dev/pts /dev/shm
	# what udev links on a real system: bash's process substitution
	# (cmd > >(filter), tests/vm/lib.sh) opens /dev/fd/N
	[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
	for f in stdin:0 stdout:1 stderr:2; do
		[ -e "/dev/${f%:*}" ] || ln -s "/proc/self/fd/${f#*:}" "/dev/${f%:*}"
	done
	# and the static node systemd's kmod-static-nodes makes from tun's
	# devname alias: opening it has the kernel load tun (char-major-10-200)
	mkdir -p /dev/net
	[ -e /dev/net/tun ] || mknod -m 0666 /dev/net/tun c 10 200
	mount -t devpts devpts /dev/pts
	mount -t tmpfs tmpfs /dev/shm
	mount -t tmpfs tmpfs /var/tmp
	mount -t tmpfs tmpfs /var/log
	echo /sbin/modprobe >/proc/sys/kernel/modprobe
	# l2secd runs as two processes by default (privsep): its engine's user,
	# as the package makes it (debian/l2sec.sysusers); in the overlay only.
	# 80-deb removes it to see the package create it.
	id -u l2sec >/dev/null 2>&1 ||
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin l2sec
	hostname l2sec-vm
	ip link set lo up
	export L2SEC_TOP=$l2sec_top L2SEC_BUILD=$l2sec_top/build L2SEC_KO=$l2sec_ko
	export L2SEC_KVER=$kver
	# The index files come from the host (tests/vm/mkmoddep.sh): depmod itself
	# would take minutes here.
	if [ -n "${l2sec_moddep:-}" ]; then
		mkdir -p "/lib/modules/$kver/updates"
		cp "$l2sec_ko" "/lib/modules/$kver/updates/l2sec.ko"
		cp "$l2sec_moddep"/modules.* "/lib/modules/$kver/"
	fi
	echo "VMTEST-READY $kver uptime $(cut -d' ' -f1 /proc/uptime)"
}

# cleanup: leave the guest as the next test expects to find it. Runs in PID 1
# itself (never in a subshell: kill -1 spares only the caller and init); what
# rmmod says goes to /tmp/vmtest/rmmod.err.
cleanup() {
	kill -KILL -1 2>/dev/null
	sleep 0.2
	ip -all netns delete 2>/dev/null
	ip link del l2sec0 2>/dev/null
	# the benchmark injector (24-gro, 25-nlfuzz) is loaded by insmod, which
	# refuses a module already there: the next test must find it gone
	rmmod l2sec_inject 2>/dev/null
	# a closed socket unpins l2sec.ko from an RCU callback: allow a few
	# grace periods
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		grep -q '^l2sec ' /proc/modules || break
		rmmod l2sec >/tmp/vmtest/rmmod.err 2>&1 && break
		[ $i = 10 ] && return 1
		sleep 0.3
	done
	return 0
}

# run_test NAME [DIR]: DIR/NAME.sh (DIR: l2sec_tests by default)
run_test() {
	local name=$1
	local file=${2:-$l2sec_tests}/$name.sh
	local log=$out/$name.log
	local tmo rc reason="" t0 t1 klog

	tmo=$(sed -n 's/^# vm-timeout: *\([0-9][0-9]*\).*/\1/p' "$file" | head -n 1)
	# make soak: the test's loop runs BENCH_SOAK_SECONDS instead of its default;
	# make fuzz-long: 25-nlfuzz runs BENCH_NLFUZZ_SECONDS
	tmo=$((${tmo:-300} + ${BENCH_SOAK_SECONDS:-0} + ${BENCH_NLFUZZ_SECONDS:-0}))
	echo "l2sec-vmtest: begin $name" >/dev/kmsg
	echo "VMTEST-BEGIN $name"
	export L2SEC_TEST_OUT=$out/$name.d
	mkdir -p "/tmp/vmtest/$name" "$L2SEC_TEST_OUT"
	# uptime and the CPUs' idle time summed: the test's wall time, and of it
	# the time a CPU was busy (a test that mostly waits on timers shows it)
	read -r t0 i0 </proc/uptime
	if [ "${l2sec_verbose:-0}" = 1 ]; then
		# Shown as it is written, by a tail that ends with the test: a
		# daemon the test left running (cleanup stops it) keeps the log
		# open, and would keep a pipe to tee open for ever.
		: >"$log"
		(cd "/tmp/vmtest/$name" && exec timeout -k 5 "${tmo:-300}" bash "$file") \
			>"$log" 2>&1 &
		local pid=$!
		tail -n +1 -s 0.2 -f --pid=$pid "$log" &
		local tailpid=$!
		wait $pid
		rc=$?
		wait $tailpid
	else
		(cd "/tmp/vmtest/$name" && exec timeout -k 5 "${tmo:-300}" bash "$file") >"$log" 2>&1
		rc=$?
	fi
	read -r t1 i1 </proc/uptime
	case $rc in
	0) ;;
	124 | 137) reason="timed out after ${tmo:-300}s" ;;
	*) reason="exit $rc" ;;
	esac
	if ! cleanup; then
		reason="${reason:+$reason; }l2sec.ko cannot be unloaded: $(cat /tmp/vmtest/rmmod.err)"
	fi
	klog=$(dmesg | awk -v m="l2sec-vmtest: begin $name" 'index($0, m) {p = 1} p' |
		grep -E "$bad_klog" | head -n 3)
	if [ -n "$klog" ]; then
		reason="${reason:+$reason; }kernel: $(echo "$klog" | head -n 1)"
		dmesg | awk -v m="l2sec-vmtest: begin $name" 'index($0, m) {p = 1} p' >>"$log"
	fi
	[ -s "$log" ] && [ -z "$reason" ] || tail -n 40 "$log" | sed "s/^/[$name] /"
	if [ -z "$reason" ]; then
		echo "VMTEST-RESULT $name pass ($(awk -v n="$(nproc)" \
			"BEGIN {printf \"%.1fs, CPU busy %.1fs\", $t1 - $t0, ($t1 - $t0) * n - ($i1 - $i0)}"))"
	else
		echo "VMTEST-RESULT $name fail $reason"
	fi
	rm -rf "/tmp/vmtest/$name"
}

setup
if [ "${l2sec_shell:-0}" = 1 ]; then
	echo "l2sec guest shell: kernel $kver, tree $l2sec_top; 'exit' powers off"
	cd "$l2sec_top" && setsid -c bash -i </dev/ttyS0 >/dev/ttyS0 2>&1
	poweroff_now
fi
while read -r name dir; do
	[ -n "$name" ] && run_test "$name" "$dir"
done <"$out/plan"
echo "VMTEST-DONE uptime $(cut -d' ' -f1 /proc/uptime)"
poweroff_now
