# Harness self-test: a failed check makes the test exit non-zero; must be reported failed.
. "$L2SEC_TOP/tests/vm/lib.sh"
check "a command that fails" false
t_done
