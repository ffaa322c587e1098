# Harness self-test: the test passes its own checks but the kernel WARNs while it
# runs (tests/vm/selftest/warnmod); must be reported failed.
. "$L2SEC_TOP/tests/vm/lib.sh"
check "load a module that warns" insmod "$L2SEC_BUILD/vm-selftest/$L2SEC_KVER/vmtest_warn.ko"
rmmod vmtest_warn
t_done
