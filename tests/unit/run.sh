#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh BINARY...: run cmocka unit test programs in TAP mode. Every test case is
# one result; a program that dies without reporting all its cases counts as one
# more failure. Last line: "N passed, N failed".
set -uo pipefail
pass=0
fail=0
for bin in "$@"; do
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$bin" 2>&1)
	rc=$?
	# cmocka's TAP lines, prefixed with the program (plain or sanitized build).
	echo "$out" | sed -n "s|^\(not ok\|ok\) [0-9]* - |\1 - ${bin#build/}: |p"
	p=$(echo "$out" | grep -c '^ok ')
	f=$(echo "$out" | grep -c '^not ok ')
	planned=$(echo "$out" | sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' | head -n 1)
	if [ "$rc" != 0 ] && [ "$f" = 0 ] || [ -z "$planned" ] || [ $((p + f)) -lt "${planned:-1}" ]; then
		echo "not ok - ${bin#build/}: exit $rc before reporting every case"
		echo "$out" | grep -v '^\(not \)\?ok ' | tail -n 20 | sed 's/^/    /'
		f=$((f + 1))
	elif [ "$f" != 0 ]; then
		echo "$out" | grep -v '^ok ' | tail -n 40 | sed 's/^/    /'
	fi
	pass=$((pass + p))
	fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
