// SPDX-License-Identifier: GPL-2.0
/*
 * l2sec.ko: module init/exit and per-network-namespace state.
 *
 * Exit order matters: the netlink family goes first (no new objects), then
 * the link type (devices deleted under RTNL), then the per-namespace state,
 * which frees all tunnels and sessions; rcu_barrier() waits for their
 * call_rcu frees and for the destructors of sockets that were handed to us
 * (each attached socket pins the module: socket.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>
#include <net/genetlink.h>

#include "internal.h"

unsigned int l2sec_net_id __read_mostly;
/* Tunnels, sessions, sockets and address sets not yet freed, all namespaces. */
atomic_t l2sec_live_objects = ATOMIC_INIT(0);

static int __net_init l2sec_net_init(struct net *net)
{
	struct l2sec_net *ln = l2sec_pernet(net);

	ln->net = net;
	mutex_init(&ln->lock);
	INIT_LIST_HEAD(&ln->socks);
	RCU_INIT_POINTER(ln->dev, NULL);
	ln->next_sock_id = 1;
	atomic_set(&ln->n_socks, 0);
	atomic_set(&ln->n_tunnels, 0);
	atomic_set(&ln->n_sessions, 0);
	/* the object tables come with the first socket (table.c) */
	ln->stats = netdev_alloc_pcpu_stats(struct l2sec_pcpu_stats);
	return ln->stats ? 0 : -ENOMEM;
}

/*
 * Namespaces die in batches: each one's device is queued for one
 * unregister_netdevice_many() under one RTNL, and one grace period covers
 * them all before their tables are freed.
 */
static void __net_exit l2sec_net_exit_batch(struct list_head *net_list)
{
	struct l2sec_net *ln;
	struct net *net;
	LIST_HEAD(devs);

	list_for_each_entry(net, net_list, exit_list) {
		ln = l2sec_pernet(net);
		/*
		 * Sockets handed over by a daemon of this namespace are closed
		 * already (a user socket pins its namespace, an attached one
		 * the module): this finds none; it stays for the invariant.
		 */
		mutex_lock(&ln->lock);
		l2sec_sock_del_all(ln);
		mutex_unlock(&ln->lock);
	}
	/* pernet device exits run before the core deletes rtnl_link devices */
	rtnl_lock();
	list_for_each_entry(net, net_list, exit_list)
		l2sec_dev_net_exit(l2sec_pernet(net), &devs);
	unregister_netdevice_many(&devs);
	rtnl_unlock();

	/* Readers of the tables are gone with the sockets and the devices. */
	synchronize_rcu();
	list_for_each_entry(net, net_list, exit_list) {
		ln = l2sec_pernet(net);
		WARN_ON(atomic_read(&ln->n_sessions));
		WARN_ON(atomic_read(&ln->n_tunnels));
		WARN_ON(atomic_read(&ln->n_socks));
		WARN_ON(rcu_access_pointer(ln->dev));
		l2sec_tables_free(ln);
		free_percpu(ln->stats);
		mutex_destroy(&ln->lock);
	}
}

static struct pernet_operations l2sec_net_ops = {
	.init = l2sec_net_init,
	.exit_batch = l2sec_net_exit_batch,
	.id = &l2sec_net_id,
	.size = sizeof(struct l2sec_net),
};

static int __init l2sec_init(void)
{
	int err;

	err = l2sec_table_init();
	if (err)
		return err;
	err = register_pernet_device(&l2sec_net_ops);
	if (err)
		goto err_table;
	err = l2sec_link_init();
	if (err)
		goto err_pernet;
	err = l2sec_genl_init();
	if (err)
		goto err_link;
	pr_info("loaded, generic netlink family %s v%d\n", L2SEC_GENL_NAME,
		L2SEC_GENL_VERSION);
	return 0;

err_link:
	l2sec_link_exit();
err_pernet:
	unregister_pernet_device(&l2sec_net_ops);
err_table:
	l2sec_table_exit();
	return err;
}

static void __exit l2sec_exit(void)
{
	l2sec_genl_exit();
	l2sec_link_exit();
	unregister_pernet_device(&l2sec_net_ops);
	/* call_rcu frees of tunnels, sessions and address sets */
	rcu_barrier();
	WARN_ON(atomic_read(&l2sec_live_objects));
	l2sec_table_exit();
	pr_info("unloaded\n");
}

module_init(l2sec_init);
module_exit(l2sec_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("l2sec: L2TPv2 data path for L2TP/IPsec remote-access gateways");
MODULE_AUTHOR("l2sec developers");
MODULE_VERSION(L2SEC_VERSION);
MODULE_ALIAS_RTNL_LINK(L2SEC_LINK_KIND);
MODULE_ALIAS_GENL_FAMILY(L2SEC_GENL_NAME);
