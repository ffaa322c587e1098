#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: the gateway's main job, in a guest booting Debian's 6.12 kernel (or
# KERNEL=6.1). Installs what the machine lacks, builds, and runs tests/vm/demo/
# with its output on the terminal.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
tests/install-deps.sh
make -s all
# One vCPU, as make check boots its guests (tests/vm/run -P): with two, QEMU's
# multi-threaded TCG patches code one vCPU may be running on the other, and 6.12
# guests oops at random on it (tests/vm/run's head; a "double fault" in a 9p read
# of `tail`, before l2sec.ko was loaded, ended a make demo on Dec 7).
export VM_SMP=${VM_SMP:-1}
exec tests/vm/run -v -k "${KERNEL:-6.12}" -d tests/vm/demo
