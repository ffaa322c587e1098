#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh SECONDS BINARY...: run each libFuzzer target for SECONDS on a scratch copy
# of its seed corpus (tests/fuzz/corpus/NAME for build/fuzz/fuzz_NAME). A crash,
# leak, sanitizer report, timeout or out-of-memory fails the target; the input that
# did it is kept in build/fuzz/artifacts/. Targets run side by side, one per CPU.
# Last line: "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=$1
shift
# fuzz_one BINARY: one target; its verdict (TAP lines) goes to build/fuzz/NAME.result
fuzz_one() {
	local bin=$1 name seeds work art res
	name=$(basename "$bin")
	seeds=$top/tests/fuzz/corpus/${name#fuzz_}
	work=$top/build/fuzz/work/$name
	art=$top/build/fuzz/artifacts/$name/
	res=$top/build/fuzz/$name.result
	rm -rf "$work"
	mkdir -p "$work" "$art"
	if ! [ -d "$seeds" ] || [ -z "$(ls -A "$seeds")" ]; then
		echo "not ok - fuzz $name: no seed corpus in ${seeds#$top/}" >"$res"
		return
	fi
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$art" "$work" "$seeds" >"$top/build/fuzz/$name.log" 2>&1; then
		echo "ok - fuzz $name: $(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' \
			"$top/build/fuzz/$name.log" | sed 's/.*: //') runs in ${secs}s" >"$res"
	else
		{
			echo "not ok - fuzz $name (log: build/fuzz/$name.log, inputs: build/fuzz/artifacts/$name/)"
			grep -E 'ERROR|SUMMARY|==[0-9]+==' "$top/build/fuzz/$name.log" | head -n 10 |
				sed 's/^/    /'
		} >"$res"
	fi
}

# as many targets at once as there are CPUs: each runs for SECONDS on one
jobs=$(nproc)
mkdir -p "$top/build/fuzz"
for bin in "$@"; do
	rm -f "$top/build/fuzz/$(basename "$bin").result"
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	fuzz_one "$bin" &
done
wait
pass=0
fail=0
for bin in "$@"; do
	res=$top/build/fuzz/$(basename "$bin").result
	if [ -s "$res" ] && head -n 1 "$res" | grep -q '^ok '; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
	cat "$res" 2>/dev/null || echo "not ok - fuzz $(basename "$bin"): no verdict"
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
