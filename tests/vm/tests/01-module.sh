# l2sec.ko loads (by name, by generic netlink family, by link kind), registers
# its generic netlink family in every namespace, and unloads cleanly.
. "$L2SEC_TOP/tests/vm/lib.sh"

check "l2sec.ko built for this kernel" test -f "$L2SEC_KO"
check_eq "modprobe finds the module under test" "/lib/modules/$L2SEC_KVER/updates/l2sec.ko" \
	"$(modinfo -n l2sec)"

# generic netlink: asking for the family loads the module on demand
check_fails "module not loaded at start" grep -q '^l2sec ' /proc/modules
check "genl family l2sec resolves (autoload)" genl ctrl get name l2sec
check "module loaded on demand by family name" grep -q '^l2sec ' /proc/modules
check_eq "family version 1" "0x1" \
	"$(genl ctrl get name l2sec | sed -n 's/.*[Vv]ersion: \(0x[0-9a-f]*\).*/\1/p')"
check "multicast group events" sh -c 'genl ctrl get name l2sec | grep -q "name: events"'
check_eq "module version matches the tree" "$(cat "$L2SEC_TOP/VERSION")" \
	"$(cat /sys/module/l2sec/version)"

# per-namespace state: the family and the device work in a new namespace
netns_add t1
check "genl family visible in another namespace" ip netns exec t1 genl ctrl get name l2sec
check "ip link add l2sec0 type l2sec (netns t1)" ip -n t1 link add l2sec0 type l2sec
check "l2sec0 is of kind l2sec" sh -c 'ip -n t1 -d link show l2sec0 | grep -qw l2sec'
check "deleting the namespace removes its device" ip netns del t1

check "rmmod l2sec" rmmod l2sec
# the link kind loads the module too
netns_add t2
check "ip link add ... type l2sec loads the module" ip -n t2 link add l2sec0 type l2sec
check "module loaded by link kind" grep -q '^l2sec ' /proc/modules
ip netns del t2
check "rmmod after namespace exit" rmmod l2sec
t_done
