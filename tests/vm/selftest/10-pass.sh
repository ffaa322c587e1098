# Harness self-test: passes.
. "$L2SEC_TOP/tests/vm/lib.sh"
check "a command that succeeds" true
check "the guest runs the host's own iproute2" ip -V
t_done
