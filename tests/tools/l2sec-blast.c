// SPDX-License-Identifier: GPL-2.0
/*
 * l2sec-blast: traffic for benchmarks (tests/bench), built for speed.
 *
 *   l2sec-blast kinject IFNAME DSTMAC SRC SPORT DST DPORT SECONDS SIZE
 *		[l2tp TID SID ISRC IDST IPORT] [tcp] [csum none|complete|unnecessary]
 *		[burst N] [copy] [alt-session SID2]
 *	Have l2sec_inject.ko (tests/bench/inject) receive Ethernet frames to
 *	DSTMAC on IFNAME, as a NIC's NAPI poll hands them to the stack, for
 *	SECONDS (up to a day: run after run of the module's 60 s at most): UDP
 *	SRC:SPORT -> DST:DPORT with SIZE bytes of payload, or with "l2tp" an
 *	L2TPv2 data message for tunnel TID, session SID carrying a PPP IPv4
 *	frame (FF 03 00 21) with UDP ISRC -> IDST:IPORT of SIZE payload bytes.
 *	With "tcp", the (inner) packets are the consecutive segments of one TCP
 *	flow (valid checksums) instead of one UDP datagram repeated: what GRO
 *	can merge. UDP checksums are valid; "csum" says what the NIC reports of
 *	them (default complete), "burst" how many frames a poll delivers (default
 *	64), "alt-session" puts every other frame in session SID2. Prints
 *	"received N dropped D ns T gro G": D of the N dropped at once (the receive
 *	queue was full: the stack was behind), G 1 if they went through GRO.
 *	"copy": each frame copied into a page of its own first (frames the
 *	stack writes into: ESP decrypts in place).
 *   l2sec-blast seal IFNAME MARK FILE SRC SPORT DST DPORT SECONDS SIZE
 *		[l2tp TID SID ISRC IDST IPORT] [tcp]
 *	The frames kinject would build, sent through this namespace's stack with
 *	SO_MARK MARK (an xfrm policy of that mark encrypts them, as ESP in UDP
 *	to port 4500); the frames leaving IFNAME are saved in FILE.
 *   l2sec-blast kinject-file IFNAME DSTMAC FILE SECONDS [csum ...] [burst N]
 *		[copy]
 *	kinject with the frames of FILE (from seal), to DSTMAC.
 *   l2sec-blast natt PORT SECONDS [gro]
 *	Hold a UDP_ENCAP_ESPINUDP socket on PORT (NAT-T, as an IKE daemon), UDP_GRO too.
 *   l2sec-blast send DST PORT SECONDS SIZE
 *	Send UDP datagrams of SIZE bytes to DST:PORT through the stack (routing,
 *	and whatever device the route names) for SECONDS. Prints "sent N".
 *   l2sec-blast sink PORT SECONDS
 *	Count datagrams arriving on UDP PORT for SECONDS from the first one on
 *	(waits up to 30 s for it). Prints "received N pps P".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../bench/inject/l2sec_inject.h"

#define BATCH 64
#define MAX_PKT 2048

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint16_t ip_csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* IPv4 header + UDP header + SIZE zero bytes; returns the IPv4 packet length. */
static size_t build_udp4(uint8_t *ip, struct in_addr src, unsigned int sport,
			 struct in_addr dst, unsigned int dport, size_t size)
{
	uint8_t *udp = ip + 20;
	size_t len = 20 + 8 + size;

	memset(ip, 0, len);
	ip[0] = 0x45;
	put16(ip + 2, len);
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	put16(ip + 10, ip_csum(ip, 20));
	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, 8 + size);
	return len;
}

static int parse_mac(const char *s, uint8_t *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		      &mac[2], &mac[3], &mac[4], &mac[5]) == 6 ? 0 : -1;
}

/* One's complement sum of LEN bytes (LEN even), not folded. */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * A TCP stream: IPv4 + TCP (ACK|PSH) + SIZE zero bytes. *PARTIAL gets the
 * checksum sum of everything but the sequence number (zero in the packet),
 * so set_seq can finish each packet's checksum with two additions.
 */
static size_t build_tcp4(uint8_t *ip, struct in_addr src, unsigned int sport,
			 struct in_addr dst, unsigned int dport, size_t size,
			 uint32_t *partial)
{
	uint8_t *tcp = ip + 20, pseudo[12];
	size_t len = 20 + 20 + size;

	memset(ip, 0, len);
	ip[0] = 0x45;
	put16(ip + 2, len);
	ip[6] = 0x40;	/* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	put16(ip + 10, ip_csum(ip, 20));
	put16(tcp, sport);
	put16(tcp + 2, dport);
	put16(tcp + 8, 0);	/* ack number: any, the receiver is forwarding */
	tcp[12] = 5 << 4;
	tcp[13] = 0x10;		/* ACK; PSH would end GRO's merging at every segment */
	put16(tcp + 14, 65535);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	put16(pseudo + 10, 20 + size);
	*partial = sum16(tcp, 20 + (size & ~1ul), sum16(pseudo, 12, 0));
	if (size & 1)
		*partial += (uint32_t)tcp[20 + size - 1] << 8;
	return len;
}

static void set_seq(uint8_t *tcp, uint32_t partial, uint32_t seq)
{
	put16(tcp + 4, seq >> 16);
	put16(tcp + 6, seq & 0xffff);
	put16(tcp + 16, fold(partial + (seq >> 16) + (seq & 0xffff)));
}

/* The UDP checksum of the IPv4/UDP packet at IP (header length 20). */
static void set_udp_csum(uint8_t *ip)
{
	uint8_t pseudo[12];
	size_t ulen = (size_t)ip[24] << 8 | ip[25];
	uint32_t sum;
	uint16_t c;

	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	put16(pseudo + 10, ulen);
	put16(ip + 26, 0);
	sum = sum16(ip + 20, ulen & ~1ul, sum16(pseudo, 12, 0));
	if (ulen & 1)
		sum += (uint32_t)ip[20 + ulen - 1] << 8;
	c = fold(sum);
	put16(ip + 26, c ? c : 0xffff);
}

/* The stream both injectors send: one IPv4 packet and how to vary it. */
struct stream {
	uint8_t ip[MAX_PKT];	/* the first packet, from its IPv4 header */
	size_t len;
	size_t size;		/* (inner) payload bytes */
	bool tcp;		/* consecutive segments: set_seq at tcp_off */
	size_t tcp_off;
	uint32_t partial;
	bool outer_udp;		/* the outermost header is UDP (not plain TCP) */
	bool l2tp;
};

/*
 * SRC SPORT DST DPORT SECONDS SIZE [l2tp TID SID ISRC IDST IPORT] [tcp]: builds
 * the stream; *A is the first argument after it.  With "tcp", the (inner)
 * packets are one TCP flow's consecutive segments of SIZE bytes, as GRO sees
 * them from a real upload; otherwise one UDP datagram sent over and over.
 */
static int build_stream(int argc, char **argv, struct stream *st, int *a)
{
	static uint8_t inner[MAX_PKT];
	struct in_addr src, dst, isrc, idst;
	size_t payload;
	bool l2tp = false;

	*a = 6;
	if (argc < 6 || inet_pton(AF_INET, argv[0], &src) != 1 ||
	    inet_pton(AF_INET, argv[2], &dst) != 1)
		return -1;
	st->size = strtoul(argv[5], NULL, 10);
	if (st->size > MAX_PKT - 128)
		return -1;
	if (argc > *a && !strcmp(argv[*a], "l2tp")) {
		if (argc < *a + 6 || inet_pton(AF_INET, argv[*a + 3], &isrc) != 1 ||
		    inet_pton(AF_INET, argv[*a + 4], &idst) != 1)
			return -1;
		l2tp = st->l2tp = true;
		*a += 6;
	}
	if (argc > *a && !strcmp(argv[*a], "tcp")) {
		st->tcp = true;
		(*a)++;
	}
	st->outer_udp = l2tp || !st->tcp;
	if (l2tp) {
		/* L2TPv2 data header without L, S, O: the common case; PPP FF 03 00 21 */
		put16(inner, 0x0002);
		put16(inner + 2, atoi(argv[7]));
		put16(inner + 4, atoi(argv[8]));
		inner[6] = 0xff;
		inner[7] = 0x03;
		put16(inner + 8, 0x0021);
		payload = 10 + (st->tcp ? build_tcp4(inner + 10, isrc, 40000, idst, atoi(argv[11]),
						     st->size, &st->partial)
					: build_udp4(inner + 10, isrc, 40000, idst, atoi(argv[11]),
						     st->size));
		if (!st->tcp) {
			/*
			 * as a Linux sender: DF, so the (constant) IP id means
			 * nothing (GRO merges no other datagrams), and a
			 * checksum (GRO merges none without)
			 */
			inner[10 + 6] |= 0x40;
			put16(inner + 10 + 10, 0);
			put16(inner + 10 + 10, ip_csum(inner + 10, 20));
			set_udp_csum(inner + 10);
		}
		st->len = build_udp4(st->ip, src, atoi(argv[1]), dst, atoi(argv[3]), payload);
		memcpy(st->ip + 28, inner, payload);
		st->tcp_off = 28 + 10 + 20;
	} else if (st->tcp) {
		st->len = build_tcp4(st->ip, src, atoi(argv[1]), dst, atoi(argv[3]), st->size,
				     &st->partial);
		st->tcp_off = 20;
	} else {
		st->len = build_udp4(st->ip, src, atoi(argv[1]), dst, atoi(argv[3]), st->size);
	}
	return 0;
}

/*
 * Packet I of the stream, from its IPv4 header, at IP: the outer header as a
 * Linux sender makes it (DF, the id counting from ID), the TCP segment's
 * sequence number, and with ALT_SID >= 0 every other packet in session ALT_SID.
 */
static void stream_packet(uint8_t *ip, const struct stream *st, int i, unsigned int id,
			  int alt_sid)
{
	memcpy(ip, st->ip, st->len);
	put16(ip + 4, id + i);
	ip[6] |= 0x40;
	put16(ip + 10, 0);
	put16(ip + 10, ip_csum(ip, 20));
	if (st->tcp)
		set_seq(ip + st->tcp_off, st->partial, 1 + (uint32_t)(i * st->size));
	if (alt_sid >= 0 && (i & 1))	/* L2TP session id, in the UDP payload */
		put16(ip + 28 + 4, alt_sid);
	if (st->outer_udp)
		set_udp_csum(ip);
}

/*
 * [csum none|complete|unnecessary] [burst N] [copy] from ARGV[A] on into R;
 * with ALT_SID, also [alt-session SID2].
 */
static int inject_opts(int argc, char **argv, int a, struct l2sec_inject_run *r, int *alt_sid)
{
	for (; a < argc; a += 2) {
		if (!strcmp(argv[a], "copy")) {
			r->flags |= L2SEC_INJECT_F_COPY;
			a--;
			continue;
		}
		if (a + 1 >= argc)
			return -1;
		if (!strcmp(argv[a], "csum") && !strcmp(argv[a + 1], "none"))
			r->csum = L2SEC_INJECT_CSUM_NONE;
		else if (!strcmp(argv[a], "csum") && !strcmp(argv[a + 1], "complete"))
			r->csum = L2SEC_INJECT_CSUM_COMPLETE;
		else if (!strcmp(argv[a], "csum") && !strcmp(argv[a + 1], "unnecessary"))
			r->csum = L2SEC_INJECT_CSUM_UNNECESSARY;
		else if (!strcmp(argv[a], "burst"))
			r->burst = strtoul(argv[a + 1], NULL, 10);
		else if (!strcmp(argv[a], "alt-session") && alt_sid)
			*alt_sid = atoi(argv[a + 1]);
		else
			return -1;
	}
	return 0;
}

/*
 * N frames of FLEN bytes at FRAMES received on IFNAME for SECS as R says; prints
 * the result. The module receives for L2SEC_INJECT_MAX_NS at most a run (its
 * ioctl holds the CPU, bounded), so a longer SECS, a soak's flood, is run after
 * run with the counts summed: one line, as for a single run.
 */
static int inject(const char *ifname, struct l2sec_inject_run *r, uint8_t *frames, int n,
		  size_t flen, double secs)
{
	unsigned long long received = 0, dropped = 0, elapsed = 0, left;
	int fd;

	if (strlen(ifname) >= sizeof(r->ifname) || !(secs > 0 && secs <= 86400))
		return -1;
	left = secs * 1e9;
	if (!left)
		return -1;
	memcpy(r->ifname, ifname, strlen(ifname) + 1);
	r->nframes = n;
	r->frame_len = flen;
	r->frames = (uintptr_t)frames;
	fd = open("/dev/l2sec_inject", O_RDWR);
	if (fd < 0)
		return perror("/dev/l2sec_inject"), 1;
	for (; left; left -= r->duration_ns) {
		r->duration_ns = left < L2SEC_INJECT_MAX_NS ? left : L2SEC_INJECT_MAX_NS;
		if (ioctl(fd, L2SEC_INJECT_RUN, r) < 0)
			return perror("L2SEC_INJECT_RUN"), close(fd), 1;
		received += r->received;
		dropped += r->dropped;
		elapsed += r->elapsed_ns;
	}
	close(fd);
	printf("received %llu dropped %llu ns %llu gro %u\n", received, dropped, elapsed, r->gro);
	return 0;
}

/* The Ethernet header of a frame to MAC. */
static void eth_header(uint8_t *f, const uint8_t *mac)
{
	memcpy(f, mac, ETH_ALEN);
	memcpy(f + ETH_ALEN, "\x02\x00\x00\x00\x00\x01", ETH_ALEN);
	put16(f + 12, ETH_P_IP);
}

/*
 * kinject IFNAME DSTMAC SRC SPORT DST DPORT SECONDS SIZE [l2tp ...] [tcp]
 *	[csum none|complete|unnecessary] [burst N] [copy] [alt-session SID2]
 * l2sec_inject.ko receives the frames on IFNAME (of this namespace) as a NIC
 * would: BATCH frames (consecutive segments with "tcp"), received in turn in
 * bursts of N (default 64) through GRO, with valid UDP checksums and what the
 * NIC says of them (default complete).  alt-session: every other frame is for
 * session SID2 of the same tunnel, the inner packets unchanged.
 */
static int do_kinject(int argc, char **argv)
{
	static uint8_t frames[BATCH * MAX_PKT];	/* BATCH frames, flen apart */
	static struct stream st;
	struct l2sec_inject_run r = { .burst = 64, .csum = L2SEC_INJECT_CSUM_COMPLETE };
	uint8_t mac[ETH_ALEN];
	size_t flen;
	int i, a, alt_sid = -1;

	if (argc < 2 || parse_mac(argv[1], mac) || build_stream(argc - 2, argv + 2, &st, &a) ||
	    inject_opts(argc, argv, a + 2, &r, st.l2tp ? &alt_sid : NULL))
		return -1;
	flen = ETH_HLEN + st.len;
	for (i = 0; i < BATCH; i++) {
		eth_header(frames + (size_t)i * flen, mac);
		stream_packet(frames + (size_t)i * flen + ETH_HLEN, &st, i, 0, alt_sid);
	}
	return inject(argv[0], &r, frames, BATCH, flen, atof(argv[6]));
}

/*
 * seal IFNAME MARK FILE SRC SPORT DST DPORT SECONDS SIZE [l2tp ...] [tcp]
 * The stream's BATCH packets, as kinject builds them, sent through this
 * namespace's stack with MARK (a raw socket: routing and the xfrm policy that
 * MARK selects, which encrypts them), and the frames that leave IFNAME as
 * ESP in UDP (to port 4500) saved in FILE: "count length" and the frames.
 * kinject-file receives them.
 */
static int do_seal(int argc, char **argv)
{
	static uint8_t frames[BATCH * MAX_PKT], pkt[MAX_PKT];
	static struct stream st;
	struct sockaddr_in dst = { .sin_family = AF_INET };
	/* ETH_P_ALL: only such taps see what a device sends */
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	struct timeval tv = { .tv_sec = 30 };
	unsigned int mark;
	size_t flen = 0;
	int raw, cap, i, a;
	FILE *f;

	if (argc < 3 || build_stream(argc - 3, argv + 3, &st, &a) || a + 3 != argc)
		return -1;
	mark = strtoul(argv[1], NULL, 0);
	memcpy(&dst.sin_addr, st.ip + 16, 4);
	ll.sll_ifindex = if_nametoindex(argv[0]);
	raw = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	cap = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (raw < 0 || cap < 0 || !ll.sll_ifindex ||
	    bind(cap, (struct sockaddr *)&ll, sizeof(ll)) < 0 ||
	    setsockopt(raw, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0 ||
	    setsockopt(cap, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return perror("seal sockets"), 1;
	for (i = 0; i < BATCH; i++) {
		static uint8_t fr[MAX_PKT];
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n;

		/* ids from 1: the kernel picks one of its own for a raw packet's 0 */
		stream_packet(pkt, &st, i, 1, -1);
		if (sendto(raw, pkt, st.len, 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
			return perror("seal send"), 1;
		do {	/* the next ESP-in-UDP frame leaving IFNAME */
			n = recvfrom(cap, fr, sizeof(fr), 0, (struct sockaddr *)&from, &fl);
			if (n < 0)
				return perror("seal capture"), 1;
		} while (from.sll_pkttype != PACKET_OUTGOING || n < ETH_HLEN + 28 + 8 ||
			 (fr[12] << 8 | fr[13]) != ETH_P_IP || fr[ETH_HLEN + 9] != IPPROTO_UDP ||
			 (fr[ETH_HLEN + 22] << 8 | fr[ETH_HLEN + 23]) != 4500);
		if (!flen)
			flen = n;
		if ((size_t)n != flen)
			return fprintf(stderr, "seal: frames of %zu and %zd bytes\n", flen, n), 1;
		memcpy(frames + (size_t)i * flen, fr, flen);
	}
	f = fopen(argv[2], "w");
	if (!f || fprintf(f, "%d %zu\n", BATCH, flen) < 0 ||
	    fwrite(frames, flen, BATCH, f) != BATCH || fclose(f))
		return perror(argv[2]), 1;
	printf("sealed %d frames of %zu bytes\n", BATCH, flen);
	return 0;
}

/*
 * kinject-file IFNAME DSTMAC FILE SECONDS [csum ...] [burst N] [copy]
 * As kinject, with the frames that seal saved in FILE, sent to DSTMAC.
 */
static int do_kinject_file(int argc, char **argv)
{
	static uint8_t frames[BATCH * MAX_PKT];
	struct l2sec_inject_run r = { .burst = 64, .csum = L2SEC_INJECT_CSUM_COMPLETE };
	uint8_t mac[ETH_ALEN];
	size_t flen;
	int i, n;
	FILE *f;

	if (argc < 4 || parse_mac(argv[1], mac) || inject_opts(argc, argv, 4, &r, NULL))
		return -1;
	f = fopen(argv[2], "r");
	if (!f || fscanf(f, "%d %zu", &n, &flen) != 2 || fgetc(f) != '\n' || n < 1 ||
	    n > BATCH || flen > MAX_PKT || fread(frames, flen, n, f) != (size_t)n)
		return fprintf(stderr, "%s: not a file of sealed frames\n", argv[2]), 1;
	fclose(f);
	for (i = 0; i < n; i++)
		memcpy(frames + (size_t)i * flen, mac, ETH_ALEN);
	return inject(argv[0], &r, frames, n, flen, atof(argv[3]));
}

/*
 * natt PORT SECONDS [gro]: hold a UDP socket on PORT with UDP_ENCAP_ESPINUDP, as
 * an IKE daemon does, so that ESP in UDP to PORT is decrypted; prints "ready".
 * With gro, UDP_GRO too: the kernel (6.7 on) takes ESP in UDP through GRO
 * (xfrm4_gro_udp_encap_rcv, with esp4_offload) only on a socket that asks.
 */
static int do_natt(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	int fd, encap = 2, on = 1;	/* UDP_ENCAP_ESPINUDP */

	if (argc < 2)
		return -1;
	addr.sin_port = htons(atoi(argv[0]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    setsockopt(fd, IPPROTO_UDP, 100 /* UDP_ENCAP */, &encap, sizeof(encap)) < 0)
		return perror("natt socket"), 1;
	if (argc > 2 && !strcmp(argv[2], "gro") &&
	    setsockopt(fd, IPPROTO_UDP, 104 /* UDP_GRO */, &on, sizeof(on)) < 0)
		return perror("natt socket: UDP_GRO"), 1;
	printf("ready\n");
	fflush(stdout);
	sleep(atoi(argv[1]));
	return 0;
}

static int do_send(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	static uint8_t pkt[MAX_PKT];
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	unsigned long long sent = 0;
	double end;
	int fd, i;

	if (argc < 4 || inet_pton(AF_INET, argv[0], &dst.sin_addr) != 1)
		return -1;
	dst.sin_port = htons(atoi(argv[1]));
	end = now() + atof(argv[2]);
	iov.iov_base = pkt;
	iov.iov_len = strtoul(argv[3], NULL, 10);
	if (iov.iov_len > MAX_PKT)
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return perror("socket"), 1;
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_name = &dst;
		msgs[i].msg_hdr.msg_namelen = sizeof(dst);
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (now() < end) {
		int n = sendmmsg(fd, msgs, BATCH, 0);

		if (n > 0)
			sent += n;
		else if (n < 0 && errno != ENOBUFS && errno != EAGAIN &&
			 errno != ECONNREFUSED && errno != EPERM)
			return perror("sendmmsg"), 1;
	}
	printf("sent %llu\n", sent);
	return 0;
}

static int do_sink(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	static uint8_t bufs[BATCH][MAX_PKT];
	struct iovec iovs[BATCH];
	struct mmsghdr msgs[BATCH];
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
	unsigned long long received = 0;
	double start = 0, secs, t;
	int fd, i, rcvbuf = 4 << 20;

	if (argc < 2)
		return -1;
	addr.sin_port = htons(atoi(argv[0]));
	secs = atof(argv[1]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return perror("sink socket"), 1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		iovs[i].iov_base = bufs[i];
		iovs[i].iov_len = MAX_PKT;
		msgs[i].msg_hdr.msg_iov = &iovs[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	/* Wait up to 30 s for the first packet; then count for SECONDS. */
	for (t = now();;) {
		int n = recvmmsg(fd, msgs, BATCH, 0, NULL);
		double tn = now();

		if (n > 0) {
			if (!start)
				start = tn;
			received += n;
		}
		if (!start && tn - t > 30)
			break;
		if (start && tn - start >= secs)
			break;
	}
	secs = start ? now() - start : 0;
	printf("received %llu pps %.0f\n", received, secs > 0 ? received / secs : 0);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = -1;

	if (argc > 1 && !strcmp(argv[1], "kinject"))
		rc = do_kinject(argc - 2, argv + 2);
	else if (argc > 1 && !strcmp(argv[1], "kinject-file"))
		rc = do_kinject_file(argc - 2, argv + 2);
	else if (argc > 1 && !strcmp(argv[1], "seal"))
		rc = do_seal(argc - 2, argv + 2);
	else if (argc > 1 && !strcmp(argv[1], "natt"))
		rc = do_natt(argc - 2, argv + 2);
	else if (argc > 1 && !strcmp(argv[1], "send"))
		rc = do_send(argc - 2, argv + 2);
	else if (argc > 1 && !strcmp(argv[1], "sink"))
		rc = do_sink(argc - 2, argv + 2);
	if (rc < 0) {
		fprintf(stderr, "usage: l2sec-blast kinject IFNAME DSTMAC SRC SPORT DST DPORT SECONDS SIZE\n"
			"               [l2tp TID SID ISRC IDST IPORT] [tcp] [csum none|complete|unnecessary]\n"
			"               [burst N] [copy] [alt-session SID2]\n"
			"       l2sec-blast seal IFNAME MARK FILE SRC SPORT DST DPORT SECONDS SIZE\n"
			"               [l2tp TID SID ISRC IDST IPORT] [tcp]\n"
			"       l2sec-blast kinject-file IFNAME DSTMAC FILE SECONDS\n"
			"               [csum none|complete|unnecessary] [burst N] [copy]\n"
			"       l2sec-blast natt PORT SECONDS [gro]\n"
			"       l2sec-blast send DST PORT SECONDS SIZE\n"
			"       l2sec-blast sink PORT SECONDS\n");
		return 2;
	}
	return rc;
}
