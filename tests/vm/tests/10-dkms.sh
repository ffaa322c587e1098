# The module DKMS built and installed on the host (tests/dkms.sh, make dkms-install)
# loads in the guest and registers its family.
. "$L2SEC_TOP/tests/vm/lib.sh"

ko=$(find "/lib/modules/$L2SEC_KVER/updates/dkms" -name 'l2sec.ko*' 2>/dev/null | head -n 1)
check "DKMS installed l2sec.ko for $L2SEC_KVER (run: make dkms-install KVERS=$L2SEC_KVER)" \
	test -n "$ko"
if [ -n "$ko" ]; then
	check_eq "DKMS module built from the same sources" \
		"$(modinfo -F srcversion "$L2SEC_KO")" "$(modinfo -F srcversion "$ko")"
	check "insmod the DKMS-built module" insmod "$ko"
	check "its genl family is registered" genl ctrl get name l2sec
	check "rmmod" rmmod l2sec
fi
t_done
