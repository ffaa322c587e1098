# SPDX-License-Identifier: GPL-2.0
#
# BENCH_PROFILE, where a benchmark's run spends its instructions; sourced by
# tests/bench/*.sh and tests/bench/ipsec/*.sh after tests/vm/lib.sh (not a test
# itself: no .sh). The caller sets w (a scratch directory) and out (the test's
# output directory).
#
# BENCH_PROFILE: the benchmark's paths to profile, comma-separated (its own names,
# e.g. l2sec,plain): after the rounds, the benchmark runs each of its runs on each
# once more (BENCH_PROFILE_SECONDS, 8) under `perf record -a -g` (cpu-clock: under
# icount, samples fall per instruction executed), not counted in the medians; the top
# symbols, self and with their callees, go to profile-NAME.txt in the test's output
# directory (NAME: the run's name, words joined by '-'; with BENCH_PROFILE_DATA=1 also
# perf's data and the guest's kallsyms, for perf report on the host:
# --kallsyms=kallsyms).

# bench_profile_setup [TAG]: before the first bench_profile, and again where modules
# came or went since: perf allowed everything, the guest's kallsyms taken (for
# BENCH_PROFILE_DATA, as kallsyms-TAG if TAG is given: then one a module set).
bench_profile_setup() {
	bench_kallsyms=kallsyms${1:+-$1}
	# no throttling of the sampling: icount makes each sample cost the same
	sysctl -qw kernel.kptr_restrict=0 kernel.perf_event_paranoid=-1 \
		kernel.perf_cpu_time_max_percent=0 kernel.perf_event_max_sample_rate=20000
	cat /proc/kallsyms >"$w/$bench_kallsyms"
	perf --version >/dev/null	# its libraries, read over 9p once
}

# bench_profile_start NAME: `perf record -a -g` (cpu-clock, BENCH_PROFILE_FREQ samples a
# second of the guest's clock, 4000: under icount one sample every 5e8 / FREQ
# instructions) until bench_profile_stop. perf starts with its events off and is told
# to enable them once it is ready (its control FIFO; it acknowledges): under TCG its
# start takes seconds, which a phase would otherwise spend unprofiled.
bench_profile_start() {
	local ctl=$w/perf-ctl ack=$w/perf-ack reply=
	bench_profile_tag=${1// /-}
	bench_profile_data=$w/perf-$bench_profile_tag.data
	rm -f "$bench_profile_data" "$ctl" "$ack"
	mkfifo "$ctl" "$ack"
	perf record -q -a -g -e cpu-clock -F "${BENCH_PROFILE_FREQ:-4000}" -D -1 \
		--control "fifo:$ctl,$ack" -o "$bench_profile_data" >/dev/null 2>&1 &
	bench_profile_pid=$!
	# read and write ends never block (a FIFO opened for both); perf's reply has a deadline
	exec {bench_profile_ctl}<>"$ctl" {bench_profile_ack}<>"$ack"
	echo enable >&"$bench_profile_ctl"
	read -r -t 120 reply <&"$bench_profile_ack"
	exec {bench_profile_ctl}>&- {bench_profile_ack}>&-
	[ "$reply" = ack ] || { t_fail "perf record started"; return 1; }
}

# bench_profile_stop HEADER [SORT [LIMIT]]: the recording ended; the top symbols (SORT:
# perf report's --sort, sym), self (down to 0.3% of the samples) and with their callees
# (down to LIMIT %, 2), in $out/profile-NAME.txt under HEADER.
bench_profile_stop() {
	local data=$bench_profile_data txt=$out/profile-$bench_profile_tag.txt sort=${2:-sym}
	local limit=${3:-2}
	kill -INT "$bench_profile_pid"
	wait "$bench_profile_pid"
	{
		echo "$1"
		perf report -i "$data" --kallsyms="$w/$bench_kallsyms" --stdio --no-children \
			--sort "$sort" --percent-limit 0.3 -g none 2>&1 | grep -v '^$'
		echo "# with callees"
		perf report -i "$data" --kallsyms="$w/$bench_kallsyms" --stdio --children \
			--sort "$sort" --percent-limit "$limit" -g none 2>&1 | grep -v '^$'
	} >"$txt"
	[ -z "${BENCH_PROFILE_DATA:-}" ] || cp "$data" "$w/$bench_kallsyms" "$out/"
	echo "# profile: $txt" >&2
}

# bench_profile NAME CMD...: CMD (one run: it prints its rate and lasts SECS) once
# more under perf for BENCH_PROFILE_SECONDS, with bench_profiling=1 (a run that
# records more than its rate can leave the profiled one out); its report in
# $out/profile-NAME.txt, NAME's words joined by '-'.
bench_profile() {
	local name=$1 v
	shift
	bench_profile_start "$name" || return 1
	v=$(SECS=${BENCH_PROFILE_SECONDS:-8} bench_profiling=1 "$@")
	bench_profile_stop "# $name: ${v:-none} pps under perf (not a measurement)"
}
