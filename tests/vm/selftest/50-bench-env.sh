# Harness self-test: a BENCH_* setting of the run reaches the test as given, blanks,
# '=' and quotes included (selftest.sh sets BENCH_SELFTEST); passes.
. "$L2SEC_TOP/tests/vm/lib.sh"
check_eq "BENCH_SELFTEST reaches the test" "block_threshold = 1000 \"x\" 'y'" "${BENCH_SELFTEST-unset}"
t_done
