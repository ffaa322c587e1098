# The main job at this stage of l2sec: the module loads on demand, registers its
# generic netlink family, and runs the multipoint device in a namespace.
. "$L2SEC_TOP/tests/vm/lib.sh"
set -x
genl ctrl get name l2sec || t_fail "family l2sec"
netns_add gw
ip -n gw link add l2sec0 type l2sec || t_fail "create l2sec0"
ip -n gw link set l2sec0 up || t_fail "l2sec0 up"
ip -n gw -d link show l2sec0
if [ -x "$L2SEC" ]; then
	ip netns exec gw "$L2SEC" stats || t_fail "l2sec stats"
fi
set +x
t_done
