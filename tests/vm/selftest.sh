#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness's own test: boot one kernel with the tests in tests/vm/selftest and
# require exactly the verdicts a user of the harness relies on: a passing test
# passes; a test that exits non-zero, one during which the kernel WARNs, and one
# that runs past its timeout are each reported failed, for that reason; a BENCH_*
# setting with blanks and quotes reaches a test as it was given. Then the
# plan of a run of two kernels (-n, no boot): a test bound by "# vm-kernel:" to
# one kernel is in that boot only, and in both with VM_EVERY_KERNEL=1.
#   tests/vm/selftest.sh [KERNEL]      (default 6.12)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:-6.12}
kver=$(ls -1 /lib/modules | grep -E "^${k//./\\.}[.-]" | sort -V | tail -n 1)
[ -n "$kver" ] || { echo "not ok - harness self-test: no $k kernel"; exit 1; }

mod=$top/build/vm-selftest/$kver
mkdir -p "$mod"
cp "$top"/tests/vm/selftest/warnmod/{Kbuild,vmtest_warn.c} "$mod/"
make -s -C "/lib/modules/$kver/build" M="$mod" modules >"$mod/build.log" 2>&1 ||
	{ cat "$mod/build.log"; echo "not ok - harness self-test: warn module build"; exit 1; }

out=$(BENCH_SELFTEST="block_threshold = 1000 \"x\" 'y'" \
	"$top/tests/vm/run" -M -k "$kver" -d "$top/tests/vm/selftest")
echo "$out" | sed 's/^/    /'
k=$(printf '%s' "$kver" | sed 's/[.+]/\\&/g')
pass=0
fail=0
expect() {
	# not echo | grep -q: under pipefail, grep leaving at its match fails the echo
	if grep -qE "$2" <<<"$out"; then
		echo "ok - harness self-test: $1"
		pass=$((pass + 1))
	else
		echo "not ok - harness self-test: $1"
		fail=$((fail + 1))
	fi
}
expect "a passing test passes" "^ok - \[$k\] 10-pass "
expect "non-zero exit fails" "^not ok - \[$k\] 20-exit: exit 1 "
expect "a failed test's own lines are shown" \
	"^#   \[$k\] 20-exit said: what the test saw before it failed\$"
expect "kernel WARNING fails" "^not ok - \[$k\] 30-warn: kernel: .*WARNING.*vmtest_warn"
expect "timeout fails" "^not ok - \[$k\] 40-timeout: timed out after 3s"
expect "a BENCH_* setting reaches the test as given" "^ok - \[$k\] 50-bench-env "
expect "summary counts them" "^2 passed, 3 failed$"

# the plan of a run of both kernels: "KVER: TEST TEST ..." per boot
k61=$(ls -1 /lib/modules | grep -E '^6\.1[.-]' | sort -V | tail -n 1)
k612=$(ls -1 /lib/modules | grep -E '^6\.12[.-]' | sort -V | tail -n 1)
plan() {
	"$top/tests/vm/run" -n -k 6.1 -k 6.12 -d "$top/tests/vm/selftest" |
		awk '/^# kernel / { if (l) print l; l = $3; next } { l = l " " $1 } END { print l }'
}
both="20-exit 30-warn 40-timeout 50-bench-env"
out=$(plan)
expect "plan: 10-pass (vm-kernel: 6.12) not in 6.1's boot" \
	"^$(printf '%s' "$k61: $both" | sed 's/[.+]/\\&/g')\$"
expect "plan: 10-pass in 6.12's boot" "^$(printf '%s' "$k612: 10-pass $both" | sed 's/[.+]/\\&/g')\$"
out=$(VM_EVERY_KERNEL=1 plan)
expect "plan: VM_EVERY_KERNEL=1 runs it in both boots" \
	"^$(printf '%s' "$k61: 10-pass $both" | sed 's/[.+]/\\&/g')\$"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
