#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh SECONDS BINARY...: run each libFuzzer target for SECONDS on its seed
# corpus (tests/fuzz/corpus/NAME for build/fuzz/fuzz_NAME, read only); new
# inputs go to a scratch corpus. A crash, leak, sanitizer report, timeout or
# out-of-memory fails the target; the input that did it is kept in
# build/fuzz/artifacts/NAME/. Each target's line gives libFuzzer's final
# statistics: executions, coverage (cov: edges, ft: features), the inputs
# in the scratch corpus and the crash inputs. Last line: "N passed, N failed"
# and the executions in all.
#
# Environment:
#   FUZZ_JOBS   targets at once (default: one per CPU)
#   FUZZ_WORK   the scratch corpora, WORK/NAME (default build/fuzz/work); wiped
#               before each run unless FUZZ_KEEP=1 (make fuzz-long keeps them,
#               so each long run starts where the last one ended)
#   FUZZ_NICE   niceness of the targets (default 0)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=$1
shift
jobs=${FUZZ_JOBS:-$(nproc)}
work_top=${FUZZ_WORK:-$top/build/fuzz/work}
keep=${FUZZ_KEEP:-0}
nice=${FUZZ_NICE:-0}

# last VALUE of "KEY: VALUE" in a libFuzzer log (status lines and final stats)
stat() {
	grep -o "$1 [0-9]*" "$2" | tail -n 1 | sed 's/.* //'
}

# fuzz_one BINARY: one target; its verdict (TAP lines) goes to build/fuzz/NAME.result
fuzz_one() {
	local bin=$1 name seeds work art res log execs cov ft crashes
	name=$(basename "$bin")
	seeds=$top/tests/fuzz/corpus/${name#fuzz_}
	work=$work_top/$name
	art=$top/build/fuzz/artifacts/$name/
	res=$top/build/fuzz/$name.result
	log=$top/build/fuzz/$name.log
	[ "$keep" = 1 ] || rm -rf "$work"
	mkdir -p "$work" "$art"
	if ! [ -d "$seeds" ] || [ -z "$(ls -A "$seeds")" ]; then
		echo "not ok - fuzz $name: no seed corpus in ${seeds#$top/}" >"$res"
		return
	fi
	nice -n "$nice" "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$art" "$work" "$seeds" >"$log" 2>&1
	local rc=$?
	execs=$(stat 'stat::number_of_executed_units:' "$log")
	cov=$(stat 'cov:' "$log")
	ft=$(stat 'ft:' "$log")
	crashes=$(find "$art" -maxdepth 1 -type f -newer "$res.start" | wc -l)
	if [ $rc = 0 ] && [ "$crashes" = 0 ]; then
		echo "ok - fuzz $name: ${execs:-0} runs in ${secs}s, cov ${cov:-?} ft ${ft:-?}," \
			"corpus $(ls "$work" | wc -l) new + $(ls "$seeds" | wc -l) seeds, 0 crashes" >"$res"
	else
		{
			echo "not ok - fuzz $name: ${execs:-?} runs, $crashes crash inputs" \
				"(log: ${log#$top/}, inputs: ${art#$top/})"
			grep -E 'ERROR|SUMMARY|==[0-9]+==' "$log" | head -n 10 | sed 's/^/    /'
		} >"$res"
	fi
}

mkdir -p "$top/build/fuzz"
for bin in "$@"; do
	name=$(basename "$bin")
	rm -f "$top/build/fuzz/$name.result"
	touch "$top/build/fuzz/$name.result.start"
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	fuzz_one "$bin" &
done
wait
pass=0
fail=0
total=0
for bin in "$@"; do
	res=$top/build/fuzz/$(basename "$bin").result
	if [ -s "$res" ] && head -n 1 "$res" | grep -q '^ok '; then
		pass=$((pass + 1))
		total=$((total + $(sed -n '1s/.*: \([0-9]*\) runs.*/\1/p' "$res")))
	else
		fail=$((fail + 1))
	fi
	cat "$res" 2>/dev/null || echo "not ok - fuzz $(basename "$bin"): no verdict"
	rm -f "$res.start"
done
echo "$pass passed, $fail failed, $total runs"
[ $fail = 0 ]
