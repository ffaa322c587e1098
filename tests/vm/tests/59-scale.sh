# 2,000 clients on one gateway over the kernel data path: the scale benchmark
# (tests/bench/30-scale.sh, `make bench-scale`) with N = 2,000: all up, probes both
# ways through the first, the last and 1,000 random sessions, all hung up, the
# gateway's tunnels, sessions, routes, kernel Slab and l2secd's RSS back to their start.
# vm-timeout: 300
BENCH_SCALE_N=${BENCH_SCALE_N:-2000}
BENCH_SCALE_RTX_MAX=${BENCH_SCALE_RTX_MAX:-1s}
BENCH_SCALE_PROGRESS=${BENCH_SCALE_PROGRESS:-0}
. "$L2SEC_TOP/tests/bench/30-scale.sh"
