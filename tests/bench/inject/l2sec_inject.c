// SPDX-License-Identifier: GPL-2.0
/*
 * l2sec_inject: the receive side of a NIC, for benchmarks only (tests/bench).
 *
 * A packet socket hands the receiver one frame per send, processed to the end
 * before the next: GRO never holds two segments of a flow, and the sender's
 * system calls are most of what a rate measures.  A NIC delivers a poll's
 * worth of frames with bottom halves off, through GRO, with the checksum it
 * computed.  This does the same with frames from user space:
 * ioctl(L2SEC_INJECT_RUN) on /dev/l2sec_inject receives them on a device of
 * the caller's namespace in bursts, each burst one NAPI poll of a gro_cells
 * instance on that device, for the time asked, and says how many it received
 * in how long.  What the stack does with them is what is measured.
 *
 * Each skb is laid out as the common NIC drivers with page buffers build it
 * (ixgbe, igb, i40e, mlx5): the headers eth_get_headlen finds copied into the
 * skb's head, the rest a page fragment, which here is the frame's page shared
 * by every skb made of that frame (read-only, as a received page is to the
 * stack).  The NIC's DMA and checksum cost no CPU; this costs an skb, a
 * header copy and a page reference per frame, the same for every path.
 * With L2SEC_INJECT_F_COPY each skb gets a fresh page with its own copy of the
 * frame (ESP decrypts in place: a shared page would be decrypted once, then
 * garbage); the copy stands for the NIC's DMA and costs every path the same.
 *
 * Locking: one run at a time (inject_lock); the run holds a reference on the
 * device and its gro_cells live only for the run (added and removed under
 * RTNL, as a driver adds its NAPI instances).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <net/checksum.h>
#include <net/gro_cells.h>
#include <net/net_namespace.h>

#include "l2sec_inject.h"

static DEFINE_MUTEX(inject_lock);

/* the most of a frame put in the skb's head (ixgbe's IXGBE_RX_HDR_SIZE) */
#define INJECT_HDR_MAX	256

static int inject_check(const struct l2sec_inject_run *r)
{
	if (!r->nframes || r->nframes > L2SEC_INJECT_MAX_FRAMES ||
	    r->frame_len < ETH_HLEN + 20 || r->frame_len > L2SEC_INJECT_MAX_LEN ||
	    !r->burst || r->burst > L2SEC_INJECT_MAX_BURST ||
	    !r->duration_ns || r->duration_ns > L2SEC_INJECT_MAX_NS ||
	    r->csum > L2SEC_INJECT_CSUM_UNNECESSARY || (r->flags & ~L2SEC_INJECT_F_COPY) ||
	    !memchr(r->ifname, 0, sizeof(r->ifname)))
		return -EINVAL;
	return 0;
}

/*
 * The page that skb's fragment is taken from: the frame's own (a reference
 * more), or with L2SEC_INJECT_F_COPY a fresh copy of it (the reference the
 * allocation gave).
 */
static struct page *inject_page(const struct l2sec_inject_run *r, struct page *frame)
{
	struct page *page;

	if (!(r->flags & L2SEC_INJECT_F_COPY)) {
		get_page(frame);
		return frame;
	}
	page = dev_alloc_page();
	if (page)
		memcpy(page_address(page), page_address(frame), r->frame_len);
	return page;
}

/*
 * One burst: r->burst frames received as one NAPI poll; returns how many were,
 * and counts in r->dropped those the full receive queue refused.
 */
static u32 inject_burst(struct net_device *dev, struct gro_cells *cells,
			struct l2sec_inject_run *r, struct page **pages,
			const u32 *hlens, const __wsum *sums, u32 *next)
{
	struct sk_buff *skb;
	struct page *page;
	u32 i, hlen;

	local_bh_disable();
	for (i = 0; i < r->burst; i++) {
		hlen = hlens[*next];
		page = inject_page(r, pages[*next]);
		if (!page)
			break;
		skb = netdev_alloc_skb_ip_align(dev, INJECT_HDR_MAX);
		if (!skb) {
			put_page(page);
			break;
		}
		skb_put_data(skb, page_address(page), hlen);
		if (hlen < r->frame_len)
			skb_add_rx_frag(skb, 0, page, hlen, r->frame_len - hlen,
					SKB_DATA_ALIGN(r->frame_len - hlen));
		else
			put_page(page);
		skb->protocol = eth_type_trans(skb, dev);
		if (r->csum == L2SEC_INJECT_CSUM_COMPLETE) {
			skb->ip_summed = CHECKSUM_COMPLETE;
			skb->csum = sums[*next];
		} else if (r->csum == L2SEC_INJECT_CSUM_UNNECESSARY) {
			skb->ip_summed = CHECKSUM_UNNECESSARY;
		}
		if (gro_cells_receive(cells, skb) != NET_RX_SUCCESS)
			r->dropped++;
		*next = (*next + 1) % r->nframes;
	}
	local_bh_enable();	/* the poll runs here, as after a NIC's interrupt */
	return i;
}

/* The frames, one to a page: what the NIC wrote into its receive buffers. */
static int inject_pages(struct net_device *dev, const struct l2sec_inject_run *r,
			const u8 *frames, struct page **pages, u32 *hlens, __wsum *sums)
{
	const u8 *f;
	u32 i;

	BUILD_BUG_ON(L2SEC_INJECT_MAX_LEN > PAGE_SIZE);
	for (i = 0; i < r->nframes; i++) {
		f = frames + (size_t)i * r->frame_len;
		pages[i] = alloc_page(GFP_KERNEL);
		if (!pages[i])
			return -ENOMEM;
		memcpy(page_address(pages[i]), f, r->frame_len);
		/* as the drivers: the headers the flow dissector finds, long-aligned */
		hlens[i] = min(ALIGN(eth_get_headlen(dev, f, min_t(u32, r->frame_len,
								   INJECT_HDR_MAX)),
				     sizeof(long)), r->frame_len);
		/* what a NIC reporting CHECKSUM_COMPLETE computes as the frame arrives */
		sums[i] = csum_partial(f + ETH_HLEN, r->frame_len - ETH_HLEN, 0);
	}
	return 0;
}

static long inject_run(struct l2sec_inject_run *r, const u8 *frames)
{
	struct page *pages[L2SEC_INJECT_MAX_FRAMES] = {};
	__wsum sums[L2SEC_INJECT_MAX_FRAMES];
	u32 hlens[L2SEC_INJECT_MAX_FRAMES];
	struct gro_cells cells = {};
	struct net_device *dev;
	u64 start, end, now = 0;
	u32 i, next = 0;
	int err;

	dev = dev_get_by_name(current->nsproxy->net_ns, r->ifname);
	if (!dev)
		return -ENODEV;
	if (!(dev->flags & IFF_UP) || dev->type != ARPHRD_ETHER) {
		err = -ENETDOWN;
		goto out_put;
	}
	err = inject_pages(dev, r, frames, pages, hlens, sums);
	if (err)
		goto out_put;
	rtnl_lock();
	err = gro_cells_init(&cells, dev);
	rtnl_unlock();
	if (err)
		goto out_put;
	r->gro = !!(dev->features & NETIF_F_GRO);
	r->received = 0;
	r->dropped = 0;
	start = ktime_get_ns();
	end = start + r->duration_ns;
	/* on one CPU: what is left to ksoftirqd is this CPU's (see below) */
	migrate_disable();
	do {
		u32 n = inject_burst(dev, &cells, r, pages, hlens, sums, &next);

		r->received += n;
		if (n < r->burst || signal_pending(current))
			break;
		/*
		 * The stack has had as long as it took for the last burst: if
		 * it left work to ksoftirqd, let that run first, as a NIC's
		 * next interrupt would wait for the poll that is still going.
		 */
		while (local_softirq_pending() && !signal_pending(current))
			yield();
		cond_resched();
		now = ktime_get_ns();
	} while (now < end);
	migrate_enable();
	r->elapsed_ns = ktime_get_ns() - start;
	rtnl_lock();
	gro_cells_destroy(&cells);
	rtnl_unlock();
out_put:
	/* skbs still queued hold their own references */
	for (i = 0; i < r->nframes; i++)
		if (pages[i])
			put_page(pages[i]);
	dev_put(dev);
	return err;
}

static long inject_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct l2sec_inject_run r;
	void __user *uarg = (void __user *)arg;
	u8 *frames;
	long err;

	if (cmd != L2SEC_INJECT_RUN)
		return -ENOTTY;
	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	if (copy_from_user(&r, uarg, sizeof(r)))
		return -EFAULT;
	err = inject_check(&r);
	if (err)
		return err;
	frames = vmemdup_user(u64_to_user_ptr(r.frames), (size_t)r.nframes * r.frame_len);
	if (IS_ERR(frames))
		return PTR_ERR(frames);
	if (mutex_lock_interruptible(&inject_lock)) {
		err = -EINTR;
		goto out_free;
	}
	err = inject_run(&r, frames);
	mutex_unlock(&inject_lock);
	if (!err && copy_to_user(uarg, &r, sizeof(r)))
		err = -EFAULT;
out_free:
	kvfree(frames);
	return err;
}

static const struct file_operations inject_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = inject_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice inject_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "l2sec_inject",
	.fops = &inject_fops,
	.mode = 0600,
};
module_misc_device(inject_misc);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("l2sec benchmark: frames received as a NIC's NAPI poll delivers them");
