#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh BINARY...: run cmocka unit test programs in TAP mode. Every test case is
# one result; a skipped case (cmocka's "not ok N # SKIP", e.g. a test that needs
# a real charon where none can run) is counted as skipped, never as passed; a
# program that dies without reporting all its cases counts as one more failure.
# The programs run UNIT_JOBS at a time (default: one per CPU; each keeps its files
# in a directory of its own), their results are shown in the order given.
# Last line: "N passed, N failed, N skipped".
set -uo pipefail
pass=0
fail=0
skip=0
jobs=${UNIT_JOBS:-$(nproc)}
tmp=$(mktemp -d /tmp/l2sec-unit.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

# run_one N BINARY: its output in $tmp/N.out, its exit status in $tmp/N.rc
run_one() {
	CMOCKA_MESSAGE_OUTPUT=TAP "$2" >"$tmp/$1.out" 2>&1
	echo $? >"$tmp/$1.rc"
}

i=0
for bin in "$@"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	run_one $i "$bin" &
	i=$((i + 1))
done
wait

i=0
for bin in "$@"; do
	out=$(cat "$tmp/$i.out")
	rc=$(cat "$tmp/$i.rc" 2>/dev/null || echo 255)
	i=$((i + 1))
	# cmocka's TAP lines, prefixed with the program (plain or sanitized build).
	echo "$out" | sed -n -e "s#^not ok [0-9]* \# SKIP *#skip - ${bin#build/}: #p;t" \
		-e "s#^\(not ok\|ok\) [0-9]* - #\1 - ${bin#build/}: #p"
	p=$(echo "$out" | grep -c '^ok ')
	s=$(echo "$out" | grep -c '^not ok [0-9]* # SKIP')
	f=$(($(echo "$out" | grep -c '^not ok ') - s))
	planned=$(echo "$out" | sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' | head -n 1)
	if [ "$rc" != 0 ] && [ "$f" = 0 ] || [ -z "$planned" ] || [ $((p + f + s)) -lt "${planned:-1}" ]; then
		echo "not ok - ${bin#build/}: exit $rc before reporting every case"
		echo "$out" | grep -v '^\(not \)\?ok ' | tail -n 20 | sed 's/^/    /'
		f=$((f + 1))
	elif [ "$f" != 0 ]; then
		# what cmocka said about each failed case (its check and line), then
		# the program's last words (a sanitizer's report can be long)
		echo "$out" | grep -A 6 '^not ok ' | grep '^#' | sed 's/^/    /'
		echo "$out" | grep -v '^ok ' | tail -n 20 | sed 's/^/    /'
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
done
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
