# Harness self-test: passes. Bound to 6.12's boot (the plan checks of selftest.sh):
# a run of one kernel runs it all the same.
# vm-kernel: 6.12
. "$L2SEC_TOP/tests/vm/lib.sh"
check "a command that succeeds" true
check "the guest runs the host's own iproute2" ip -V
t_done
