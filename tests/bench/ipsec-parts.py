#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where a receive path's instructions go under ESP, by part of the path, per packet.

    tests/bench/ipsec-parts.py DIR CIPHER STREAM RATE_A RATE_B RATE_C

DIR holds what `BENCH_PROFILE=esp,l2sec,mainline BENCH_PROFILE_DATA=1 make bench-ipsec`
left in build/vm/KVER/20-ipsec.d (perf-rx-STREAM-CIPHER-PATH.data, kallsyms-CIPHER);
RATE_A, RATE_B, RATE_C are the unprofiled rates of paths esp, l2sec and mainline (the
summary's medians). Each sample of the receive (the injector's context, ksoftirqd,
the kworker of transport mode's second pass) goes to the part of the path its call
chain is in; a path's samples share 5e8 / RATE instructions (icount: 5e8 a second).
docs/PERFORMANCE.md, "Where B's cost goes under ESP", says how far to trust it.
"""
import collections
import subprocess
import sys

PATHS = ('esp', 'l2sec', 'mainline')
RX = ('l2sec-blast', 'ksoftirqd', 'kworker')
PARTS = (
    'ESP decryption (esp_input and below)',
    'outer packet before xfrm: GRO, ip_rcv, route, udp_rcv to the NAT-T socket '
    "(A: and the inner packet's GRO and ip_rcv)",
    'xfrm_input (SA lookup, sec_path; A: to the GRO cell; B, C: queued for the 2nd pass)',
    'the workqueue hop to the kworker',
    '2nd pass: ip_local_deliver',
    "2nd pass: udp_rcv's socket lookup and the rest of it",
    "2nd pass: udp_rcv's policy check",
    'l2sec.ko (B) / l2tp_core, l2tp_ppp, ppp_generic (C)',
    'inner packet: ip_rcv, route lookup (B, C; TCP on B: through the GRO cell)',
    'inner packet: ip_forward, its policy check, out to sink0',
    'injector (frame copy, skb), other',
)


def part(chain):
    """The part of the path of a call chain (leaf first)."""
    s = set(chain)
    if s & {'esp_input', 'esp_input_done', 'esp_input_done2'}:
        return 0
    if 'ip_forward' in s:
        return 9
    if 'l2sec_encap_rcv' in s:
        return 8 if s & {'netif_receive_skb', 'netif_rx', 'gro_cells_receive'} else 7
    if 'l2tp_udp_encap_recv' in s:
        return 7
    if 'process_backlog' in s:
        return 8
    if 'xfrm_trans_reinject' in s:
        if 'net_rx_action' in s:	# l2sec0's GRO cell, polled as the kworker enables BHs
            return 8
        if '__xfrm_policy_check' in s:
            return 6
        return 5 if '__udp4_lib_rcv' in s else 4
    if s & {'process_one_work', 'worker_thread', '__schedule', 'schedule', 'queue_work_on',
            'finish_task_switch.isra.0', 'try_to_wake_up'}:
        return 3
    if 'xfrm_input' in s:
        return 2
    if 'net_rx_action' in s or 'gro_cell_poll' in s:
        return 1
    return 10


def samples(data, kallsyms):
    """(comm, call chain leaf first) of each sample of a perf.data."""
    out = subprocess.run(['perf', 'script', '-i', data, '--kallsyms', kallsyms,
                          '-F', 'comm,ip,sym'], capture_output=True, text=True,
                         check=True).stdout
    for block in out.split('\n\n'):
        lines = block.strip('\n').split('\n')
        if not lines or not lines[0].strip():
            continue
        chain = [ln.split()[1].split('+')[0] for ln in lines[1:] if len(ln.split()) > 1]
        yield lines[0].split()[0], chain


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__.split('\n\n')[1])
    d, cipher, stream = sys.argv[1:4]
    per = {}
    for p, rate in zip(PATHS, sys.argv[4:7]):
        rx = [c for comm, c in samples('%s/perf-rx-%s-%s-%s.data' % (d, stream, cipher, p),
                                        '%s/kallsyms-%s' % (d, cipher))
              if comm.startswith(RX)]
        k = 5e8 / float(rate) / len(rx)
        per[p] = collections.Counter()
        for c in rx:
            per[p][part(c)] += k
    print('| %s %s, instructions per packet | A esp | B l2sec | C mainline | B - A |'
          % (cipher, stream))
    print('|---|---|---|---|---|')
    for i, name in enumerate(PARTS + ('total (5e8 / rate)',)):
        v = [sum(per[p].values()) if i == len(PARTS) else per[p][i] for p in PATHS]
        print('| %s | %s |' % (name, ' | '.join('{:,.0f}'.format(round(x, -1))
                                                 for x in v + [v[1] - v[0]])))


if __name__ == '__main__':
    main()
