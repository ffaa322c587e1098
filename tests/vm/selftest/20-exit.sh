# Harness self-test: a failed check makes the test exit non-zero; must be reported failed.
. "$L2SEC_TOP/tests/vm/lib.sh"
echo "# what the test saw before it failed"
check "a command that fails" false
t_done
