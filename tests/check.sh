#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: install what this machine lacks, build everything for both kernels
# (module under sparse, warnings are errors), check `make install` into a
# temporary DESTDIR, then run the host unit tests (plain and under ASan+UBSan),
# the client profiles against their golden files (tests/clientcfg/), the
# configuration's documentation against the parser (tests/confdoc.py), the RADIUS
# client against FreeRADIUS (tests/radius-host.sh),
# the VM harness's own test, the DKMS build, the Debian packages (build,
# lintian, contents), the guest suite and the demo (make demo's guest test) in one
# boot per kernel, side by side (a test with a "# vm-kernel:" line in its kernel's
# boot only; VM_EVERY_KERNEL=1: in both), the fuzz targets built at nice 19
# meanwhile, then the fuzz targets briefly. Each part's results are shown as they
# come; the last line adds them up: "N passed, N failed, N skipped".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
logs=build/check
mkdir -p "$logs"
pass=0
fail=0
skip=0
t_start=$(date +%s)

# part NAME CMD...: run one part; its closing "N passed, N failed" line is added
# to the totals, and a part that ends without one counts as one failure.
part() {
	local name=$1 t0
	shift
	t0=$(date +%s)
	echo "== $name"
	"$@" 2>&1 | tee "$logs/$name.log" | show
	tally "$name" "${PIPESTATUS[0]}" "$t0"
}

# show: the result lines of a part's output
show() {
	grep -E '^(not ok|ok) |^#   \[.*\] .* (failed|said): '
}

# tally NAME RC T0: add up the part's log (see part), print its line
tally() {
	local name=$1 rc=$2 t0=$3 log=$logs/$1.log sum p f s=0
	sum=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -n "$sum" ]; then
		p=${sum%% passed*}
		f=${sum#*passed, }
		f=${f%% failed*}
		case $sum in *skipped*) s=${sum##*failed, }; s=${s%% skipped*} ;; esac
		[ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
	else
		p=0
		f=$([ "$rc" = 0 ] && echo 0 || echo 1)
		[ "$rc" = 0 ] && p=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
	echo "   $name: $p passed, $f failed, $s skipped ($(($(date +%s) - t0))s; log: $log)"
}

# part_bg NAME CMD...: a part started in the background, at the niceness in
# bg_nice (0 unless set); part_wait NAME waits for it, then shows and adds it up as
# part does, its heading saying what ran beside it (bg_beside at its start).
declare -A bg_pid bg_t0 bg_what
bg_nice=0
bg_beside=""
part_bg() {
	local name=$1
	shift
	bg_t0[$name]=$(date +%s)
	bg_what[$name]="at nice $bg_nice${bg_beside:+, beside $bg_beside}"
	nice -n "$bg_nice" "$@" >"$logs/$name.log" 2>&1 &
	bg_pid[$name]=$!
}
part_wait() {
	local name=$1 rc
	wait "${bg_pid[$name]}"
	rc=$?
	echo "== $name (${bg_what[$name]})"
	show <"$logs/$name.log"
	tally "$name" "$rc" "${bg_t0[$name]}"
}

# build_module KVER: the module with sparse; any compiler or sparse warning fails.
build_module() {
	local out
	out=$(make -s -j"$(nproc)" module KVER="$1" C=1 2>&1)
	local rc=$?
	echo "$out"
	# a here-string, not echo | grep -q: under pipefail grep's early exit fails the echo
	if [ $rc = 0 ] && ! grep -qE 'warning:|error:' <<<"$out"; then
		echo "1 passed, 0 failed"
	else
		echo "0 passed, 1 failed"
	fi
}

kernel_of() {
	ls -1 /lib/modules | grep -E "^${1//./\\.}[.-]" | sort -V | tail -n 1
}

part deps tests/install-deps.sh
for k in 6.1 6.12; do
	part "module-$k" build_module "$(kernel_of $k)"
done
part userspace make -s -j"$(nproc)" userspace unit-build
part install tests/install.sh
part layout tests/layout.sh
part confdoc tests/confdoc.py
part clientcfg tests/clientcfg/run.sh
part radius tests/radius-host.sh
# Four parts at once: none of them keeps both cores busy on its own (a fresh
# clone, one after the other: the unit tests 64 s with 0.9 of a core, most of them
# waiting on timers; dkms 52 s with 1.4; deb 59 s with one; the harness's guest
# one). Together they took 114 to 135 s, one after the other 191 s (CI run 45).
# Their build (unit-build, 72 s) keeps both cores busy and comes first, alone:
# among the four it made the unit part end 243 s after their start, as long as the
# build then the four took (124 + 135 s), and its errors belong under userspace.
# They touch no common file: the unit tests write under their own directories,
# dkms.sh installs on this machine, deb.sh builds in build/deb and runs its DKMS
# builds in a mount namespace of its own, both into build/ccache (concurrent use
# is ccache's own case); the harness boots the only guest. Their results are shown
# in this order when all have ended.
bg_beside="unit, vm-harness, dkms, deb"
part_bg unit make -s unit
part_bg vm-harness tests/vm/selftest.sh
part_bg dkms tests/dkms.sh
part_bg deb tests/deb.sh
for p in unit vm-harness dkms deb; do
	part_wait "$p"
done
# the fuzz targets' build beside the guests (nothing in a guest uses them); their
# runs after, at full speed: beside the guests they ran a tenth to a fiftieth of the
# inputs in their seconds (CI run 29 here). At nice 19 it has about 1.5% of a core
# the guests' vCPUs want and all they leave (they idle while a test waits for a
# timer or a peer): it adds to the suite's time only what it outlasts the guests
# by. Not for what runs for a time (a fuzz target): beside the guests that does a
# tenth of its work or less.
bg_nice=19
bg_beside="the guests"
part_bg fuzz-build make -s -j"$(nproc)" fuzz-build
# the demo's test in the same boots, after the suite's: one boot per kernel less
part vm tests/vm/run -P -d tests/vm/tests -d tests/vm/demo
part_wait fuzz-build
part fuzz make -s fuzz

echo "== total time $(($(date +%s) - t_start))s"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
