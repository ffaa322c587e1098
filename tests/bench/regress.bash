# SPDX-License-Identifier: GPL-2.0
#
# The benchmarks' regression check, sourced by tests/bench/*.sh (not a test itself: no .sh) after tests/vm/lib.sh.
#
#   bench_regress BENCH RUN RATIO VALUE
#
# compares one ratio a benchmark measured (e.g. bench l2tp-path, run "rx udp",
# ratio l2sec/mainline, value 1.08) with the figure recorded for this kernel
# series (6.1, 6.12) in docs/PERFORMANCE.md, between the lines
# "<!-- bench-baseline begin -->" and "<!-- bench-baseline end -->", in rows
# "| BENCH | SERIES | RUN | RATIO | RECORDED |". A value more than 5%
# (BENCH_REGRESS_TOLERANCE, in percent) below the recorded one fails the run; a
# ratio with no recorded figure for this kernel fails too, so that a new
# benchmark or kernel cannot go unchecked: record it. Ratios are stable only
# under icount (VM_ACCEL=icount, the default of make bench), so runs in real
# time, or in a configuration other than the reference one (bench_regress_ref),
# print the comparison without judging it.
bench_baseline=${BENCH_BASELINE:-$L2SEC_TOP/docs/PERFORMANCE.md}
bench_tolerance=${BENCH_REGRESS_TOLERANCE:-5}
bench_judge=1

# bench_regress_ref WHY: this run is not the reference configuration (WHY says
# how); its ratios are printed next to the recorded ones but not judged.
bench_regress_ref() {
	bench_judge=0
	echo "# regression check: not judged: $*"
}

[ "${BENCH_ACCEL:-}" = icount ] || bench_regress_ref "the guest clock is not icount (VM_ACCEL=${BENCH_ACCEL:-unknown})"

bench_series() {
	uname -r | sed -E 's/^([0-9]+\.[0-9]+).*/\1/'
}

# The recorded figure, or nothing.
bench_recorded() { # BENCH SERIES RUN RATIO
	awk -F'|' -v b="$1" -v k="$2" -v r="$3" -v q="$4" '
		/<!-- bench-baseline begin -->/ { on = 1; next }
		/<!-- bench-baseline end -->/ { on = 0 }
		function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
		on && NF >= 6 && trim($2) == b && trim($3) == k && trim($4) == r &&
			trim($5) == q { print trim($6); exit }' "$bench_baseline"
}

bench_regress() { # BENCH RUN RATIO VALUE
	local series rec verdict
	series=$(bench_series)
	rec=$(bench_recorded "$1" "$series" "$2" "$3")
	if [ -z "$rec" ]; then
		[ "$bench_judge" = 1 ] &&
			t_fail "regression: $1 $2 $3 = $4 on $series: no recorded figure in docs/PERFORMANCE.md" ||
			echo "# regression: $1 $2 $3 = $4 on $series: no recorded figure"
		return
	fi
	verdict=$(awk -v v="$4" -v r="$rec" -v t="$bench_tolerance" \
		'BEGIN { printf "%s %.1f", (v >= r * (1 - t / 100)) ? "ok" : "low", (v / r - 1) * 100 }')
	if [ "$bench_judge" != 1 ]; then
		echo "# regression: $1 $2 $3 = $4, recorded $rec on $series (${verdict#* }%)"
	elif [ "${verdict%% *}" = ok ]; then
		t_ok "regression: $1 $2 $3 = $4, recorded $rec on $series (${verdict#* }%)"
	else
		t_fail "regression: $1 $2 $3 = $4 is more than $bench_tolerance% below $rec recorded on $series (${verdict#* }%)"
	fi
}
