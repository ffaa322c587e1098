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
exec tests/vm/run -v -k "${KERNEL:-6.12}" -d tests/vm/demo
