#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where a setup's instructions go: 30-scale.sh's profile of the dial phase
(BENCH_SCALE_PROFILE=1, docs/PERFORMANCE.md "Where a setup's instructions go in
the guest"), by process and by what each sample was doing.

    tests/bench/profile-classify.py DIR N [FREQ]

DIR holds perf-setup.data, kallsyms and profile-setup.txt (whose first line names
l2secd's processes, the parent first); N the setups; FREQ perf's samples a second
(BENCH_PROFILE_FREQ, 4000). Under icount a sample stands for 5e8 / FREQ
instructions. A sample is user space (its leaf is not the kernel's), or the system
call in its call chain (the frame under do_syscall_64), split for socket calls by
the protocol beneath it (the socketpair, UDP, generic netlink to l2sec.ko,
rtnetlink) and "> softirq" for the packet work a send or receive did in softirq
(veth delivers to the other namespace in the sender's context), or an interrupt,
a page fault, the syscall entry and exit themselves (seccomp's filter is
syscall_trace_enter)."""
import collections
import re
import subprocess
import sys

SOCKET_CALLS = ('sendmsg', 'sendto', 'recvmsg', 'recvfrom', 'sendmmsg', 'recvmmsg')


def samples(d):
    out = subprocess.run(['perf', 'script', '-i', f'{d}/perf-setup.data',
                          f'--kallsyms={d}/kallsyms', '-F', 'pid,comm,ip,sym,dso'],
                         capture_output=True, text=True, check=True).stdout
    cur = None
    for line in out.splitlines() + ['']:
        if not line.strip():
            if cur:
                yield cur
            cur = None
        elif not line[0].isspace():
            p = line.split()
            cur = {'comm': p[0], 'pid': p[1], 'frames': []}
        elif cur is not None:
            m = re.match(r'\s*[0-9a-f]+ (.*) \((.*)\)\s*$', line)
            if m:
                cur['frames'].append((m.group(1), m.group(2)))


def kernel(dso):
    return dso.startswith('[') and dso not in ('[vdso]', '[unknown]')


def proto(names):
    s = ' '.join(names)
    for key, name in (('genl_rcv', 'generic netlink (l2sec.ko)'), ('rtnetlink_rcv', 'rtnetlink'),
                      ('netlink_', 'netlink'), ('unix_', 'socketpair'), ('udp', 'UDP'),
                      ('tun_', 'TUN')):
        if key in s:
            return name
    return ''


def what(frames):
    if not frames or not kernel(frames[0][1]):
        return 'user space'
    names = [f[0] for f in frames]
    soft = any(n in ('handle_softirqs', '__do_softirq') for n in names)
    if 'do_syscall_64' not in names:
        if any('page_fault' in n for n in names):
            return 'page faults'
        if soft:
            return 'softirq (from an interrupt)'
        if any('sysvec' in n or 'irq' in n for n in names):
            return 'interrupts'
        return 'kernel, no system call'
    i = names.index('do_syscall_64')
    if i == 0:
        return 'system call entry and exit'
    call = re.sub(r'^(__x64_sys_|__do_sys_|__sys_|ksys_|__se_sys_)', '', names[i - 1])
    call = re.sub(r'\.(isra|constprop|part)\.\d+$', '', call)
    if call in ('syscall_exit_to_user_mode', 'syscall_trace_enter', 'x64_sys_call'):
        return 'system call entry and exit'
    if call in SOCKET_CALLS:
        upper = names[:i]
        if soft:	# the protocol of the call itself, not of the packet's delivery
            upper = upper[[n in ('handle_softirqs', '__do_softirq') for n in upper].index(True) + 1:]
        p = proto(upper)
        call += f' ({p})' if p else ''
    return call + (' > softirq' if soft else '')


def main():
    d, n = sys.argv[1], int(sys.argv[2])
    freq = int(sys.argv[3]) if len(sys.argv) > 3 else 4000
    per = 5e8 / freq / n
    with open(f'{d}/profile-setup.txt') as f:
        pids = f.readline().split('l2secd')[-1].split()
    role = dict(zip(pids, ('parent', 'engine')))
    tot = collections.Counter()
    by = collections.defaultdict(collections.Counter)
    for s in samples(d):
        r = role.get(s['pid']) or ('l2sec-load' if s['comm'] == 'l2sec-load' else
                                   'idle' if s['comm'] == 'swapper' else 'others')
        tot[r] += 1
        by[r][what(s['frames'])] += 1
    print(f'{sum(tot.values())} samples, {per:.1f} instructions a setup each;'
          f' {sum(tot.values()) * per:,.0f} a setup in all')
    for r in ('parent', 'engine', 'l2sec-load', 'others', 'idle'):
        print(f'{r}: {tot[r] * per:,.0f} a setup')
        for c, k in by[r].most_common():
            if k * per >= 1000:
                print(f'    {c:44s} {k * per:9,.0f}')


if __name__ == '__main__':
    main()
