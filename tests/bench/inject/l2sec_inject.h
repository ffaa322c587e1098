/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * l2sec_inject: the receive side of a NIC for benchmarks (tests/bench only).
 * The interface between the module and tests/tools/l2sec-blast (kinject).
 */
#ifndef L2SEC_INJECT_H
#define L2SEC_INJECT_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define L2SEC_INJECT_MAX_FRAMES	64
#define L2SEC_INJECT_MAX_LEN	2048
#define L2SEC_INJECT_MAX_BURST	64
#define L2SEC_INJECT_MAX_NS	(60ULL * 1000000000ULL)

/* What the NIC says of each frame's checksums (skb->ip_summed). */
enum {
	L2SEC_INJECT_CSUM_NONE,		/* nothing: the stack sums what it checks */
	L2SEC_INJECT_CSUM_COMPLETE,	/* the sum of everything after the Ethernet header */
	L2SEC_INJECT_CSUM_UNNECESSARY,	/* the outermost L4 checksum verified */
};

struct l2sec_inject_run {
	char ifname[16];	/* in: receiving device, in the caller's namespace */
	__u32 nframes;		/* in: 1..MAX_FRAMES, received in turn, over and over */
	__u32 frame_len;	/* in: each frame's length, Ethernet header included */
	__u64 frames;		/* in: user address of nframes * frame_len bytes */
	__u64 duration_ns;	/* in: how long to receive, at most MAX_NS */
	__u32 burst;		/* in: frames per NAPI poll, 1..MAX_BURST */
	__u32 csum;		/* in: L2SEC_INJECT_CSUM_* */
	__u64 received;		/* out: frames handed to the stack */
	__u64 dropped;		/* out: of those, dropped at once: the receive queue
				 * was full (the stack was behind, as a NIC's ring
				 * overflows) */
	__u64 elapsed_ns;	/* out: how long that took */
	__u32 gro;		/* out: 1 if they went through GRO (the device's feature) */
	__u32 flags;		/* in: L2SEC_INJECT_F_* */
};

/*
 * Each frame copied into a page of its own before it is received, instead of
 * every skb of a frame sharing the frame's page: for frames the stack writes
 * into, such as ESP, which decrypts in place.
 */
#define L2SEC_INJECT_F_COPY	1U

#define L2SEC_INJECT_RUN	_IOWR('L', 0x51, struct l2sec_inject_run)

#endif
