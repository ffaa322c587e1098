# SPDX-License-Identifier: GPL-2.0
#
# l2sec: kernel module (Kbuild, kernel/), daemon (daemon/), tool (tools/), tests/.
#
#   make                     module for KVER, l2secd and l2sec
#   make module KVER=V [C=1] l2sec.ko against /lib/modules/V/build (C=1: sparse)
#   make check               install what is missing, build, run every test
#   make demo                boot a guest and run the gateway's main job in it
#   make unit | fuzz | vm    one part of the suite (see tests/README.md)
#   make fuzz-long MINUTES=N every fuzz target for N minutes (docs/SECURITY.md), then
#                            the netlink fuzzer in a guest for NLFUZZ_MINUTES [K=6.1|6.12]
#   make vm-test T=NAME [K=6.1|6.12]   one guest test, logs kept
#   make vm-shell [K=...]    an interactive guest shell
#   make bench [K=6.12]      benchmarks against the mainline path (docs/PERFORMANCE.md)
#   make bench-scale [SCALE_N=10000] [K=6.12]   N clients on one gateway (docs/PERFORMANCE.md)
#   make bench-ike [IKE_N=1000] [K=6.12]   N IPsec clients on one charon (docs/PERFORMANCE.md)
#   make soak [K=..] [SOAK_SECONDS=300]   the socket teardown under a GRO flood, longer; the IPsec soak
#   make install [DESTDIR=D] [PREFIX=/usr] [SBINDIR=..] [MANDIR=..] [SYSCONFDIR=/etc]
#                [UNITDIR=/lib/systemd/system]
#                            programs, manuals, systemd unit, configuration, DKMS sources
#   make dkms-install | clean
#
# Userspace objects go to build/, the module to build/mod/$(KVER)/.

VERSION := $(shell cat VERSION)

PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR ?= /lib/systemd/system
SYSUSERSDIR ?= /usr/lib/sysusers.d
DESTDIR ?=

# The kernel the module is built for: the running kernel's headers when present,
# else the newest under /lib/modules.
KVER ?= $(shell if [ -d /lib/modules/$$(uname -r)/build ]; then uname -r; \
	else ls -1 /lib/modules 2>/dev/null | sort -V | tail -n 1; fi)
KDIR ?= /lib/modules/$(KVER)/build

CC ?= cc
CLANG ?= clang
CFLAGS ?= -O2 -g
L2SEC_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
	-Wmissing-prototypes -Wstrict-prototypes -Wformat=2 -Wno-unused-parameter \
	-Iuapi -Ilib -Idaemon -Itools -DL2SEC_VERSION='"$(VERSION)"'
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# hogweed: nettle's DER reader, for l2secd -n's certificate checks (certcheck.h);
# libseccomp: the engine's system call filter (priv/sandbox.h)
DAEMON_PKGS := libmnl libnl-route-3.0 nettle hogweed json-c inih libseccomp
# client-config reads the gateway's configuration with l2secd's parser (inih)
# and its users file (nettle, for the NT hashes).
TOOL_PKGS := libmnl json-c inih nettle
pkgcflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
pkglibs = $(shell pkg-config --libs $(1) 2>/dev/null)

# daemon/l2secd.c and tools/l2sec.c hold main(); everything else is a library
# that unit tests and fuzz targets link against.
DAEMON_SRCS := $(wildcard daemon/*.c daemon/*/*.c)
DAEMON_LIB_SRCS := $(filter-out daemon/l2secd.c,$(DAEMON_SRCS))
# lib/: what l2secd and l2sec share (generic netlink to l2sec.ko, the control
# socket's protocol), a library of its own linked into both.
LIB_SRCS := $(wildcard lib/*.c)
TOOL_SRCS := $(wildcard tools/*.c)
TOOL_LIB_SRCS := $(filter-out tools/l2sec.c,$(TOOL_SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
TESTTOOL_SRCS := $(wildcard tests/tools/*.c)
TESTTOOL_BINS := $(patsubst tests/tools/%.c,build/tests/%,$(TESTTOOL_SRCS))

# $(1): variant directory (build or build/san)
objs = $(patsubst %.c,$(1)/obj/%.o,$(2))

BINS := $(if $(wildcard daemon/l2secd.c),build/l2secd) \
	$(if $(wildcard tools/l2sec.c),build/l2sec)

.PHONY: all module bench-module bench-alt-module userspace unit unit-build fuzz fuzz-build fuzz-long vm vm-test vm-shell bench bench-scale soak \
	check demo deps dkms-install dkms-uninstall install clean
.SUFFIXES:
.DELETE_ON_ERROR:
# Objects are outputs too (the libraries are rebuilt from them): never delete them.
.SECONDARY:
.SECONDEXPANSION:

all: module userspace

userspace: $(BINS) $(TESTTOOL_BINS)

# --- kernel module ----------------------------------------------------------
# Built in a copy of the sources per kernel, exactly as DKMS builds it, so two
# kernels' objects never mix.
MOD_DIR = build/mod/$(KVER)
MOD_SRCS := Kbuild VERSION $(wildcard kernel/*.c kernel/*.h) uapi/l2sec.h

module: $(MOD_SRCS)
	@test -d "$(KDIR)" || { echo "no kernel headers at $(KDIR): make KVER=<version>" >&2; exit 1; }
	@mkdir -p $(MOD_DIR)/kernel $(MOD_DIR)/uapi
	@for f in $(MOD_SRCS); do cmp -s $$f $(MOD_DIR)/$$f || cp $$f $(MOD_DIR)/$$f; done
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(MOD_DIR) $(if $(C),C=$(C)) L2SEC_WERROR=1 modules

# The benchmarks' frame injector (tests/bench/inject), never installed.
INJECT_DIR = build/mod/$(KVER)/inject
INJECT_SRCS := $(wildcard tests/bench/inject/*)

bench-module: $(INJECT_SRCS)
	@test -d "$(KDIR)" || { echo "no kernel headers at $(KDIR): make KVER=<version>" >&2; exit 1; }
	@mkdir -p $(INJECT_DIR)
	@for f in $(INJECT_SRCS); do cmp -s $$f $(INJECT_DIR)/$${f##*/} || cp $$f $(INJECT_DIR)/; done
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(INJECT_DIR) $(if $(C),C=$(C)) modules

# A second l2sec.ko for the benchmark's "l2sec-alt" path (BENCH_ALT=1 make bench):
# the module of commit ALT_REV, built in build/mod/$(KVER)/alt/.
bench-alt-module:
	@test -n "$(ALT_REV)" || { echo "make bench-alt-module ALT_REV=<commit> KVER=..." >&2; exit 1; }
	@test -d "$(KDIR)" || { echo "no kernel headers at $(KDIR): make KVER=<version>" >&2; exit 1; }
	rm -rf $(MOD_DIR)/alt && mkdir -p $(MOD_DIR)/alt
	git archive $(ALT_REV) Kbuild VERSION kernel uapi | tar -x -C $(MOD_DIR)/alt
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(MOD_DIR)/alt modules

# --- userspace ---------------------------------------------------------------
build/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(L2SEC_CFLAGS) $(call pkgcflags,$(DAEMON_PKGS) cmocka) -MMD -MP -c -o $@ $<

build/san/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN_FLAGS) $(L2SEC_CFLAGS) $(call pkgcflags,$(DAEMON_PKGS) cmocka) -MMD -MP -c -o $@ $<

%/libl2secd.a: $$(call objs,$$*,$(DAEMON_LIB_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

%/libl2sec.a: $$(call objs,$$*,$(TOOL_LIB_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

%/libl2seccommon.a: $$(call objs,$$*,$(LIB_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

build/l2secd: build/obj/daemon/l2secd.o build/libl2secd.a build/libl2seccommon.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(call pkglibs,$(DAEMON_PKGS))

# Profiling only (tests/bench/profile-setup.sh, priv/sandbox.h): an l2secd whose engine
# does not enter the sandbox, so that valgrind can follow it. Never built by default or
# installed.
build/obj/daemon/priv/sandbox-profile.o: daemon/priv/sandbox.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(L2SEC_CFLAGS) -DL2SEC_SANDBOX_PROFILE \
		$(call pkgcflags,$(DAEMON_PKGS)) -MMD -MP -c -o $@ $<

build/l2secd-profile: build/obj/daemon/l2secd.o build/obj/daemon/priv/sandbox-profile.o \
		build/libl2secd.a build/libl2seccommon.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(call pkglibs,$(DAEMON_PKGS))

build/l2sec: build/obj/tools/l2sec.o build/libl2sec.a build/libl2secd.a build/libl2seccommon.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(call pkglibs,$(TOOL_PKGS))

# Unit tests: one cmocka program per tests/unit/test_*.c, plain and under
# ASan+UBSan, each linked with the daemon's and the tool's libraries.
UNIT_BINS := $(patsubst tests/unit/%.c,build/unit/%,$(UNIT_SRCS)) \
	$(patsubst tests/unit/%.c,build/san/unit/%,$(UNIT_SRCS))

build/unit/%: build/obj/tests/unit/%.o build/libl2secd.a build/libl2sec.a build/libl2seccommon.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(call pkglibs,$(DAEMON_PKGS) cmocka)

build/san/unit/%: build/san/obj/tests/unit/%.o build/san/libl2secd.a build/san/libl2sec.a \
		build/san/libl2seccommon.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $^ $(call pkglibs,$(DAEMON_PKGS) cmocka)

# Test-only programs (fixtures the guest tests drive the module with).
build/tests/%: build/obj/tests/tools/%.o build/libl2sec.a build/libl2seccommon.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(call pkglibs,$(TOOL_PKGS))

# The load generator (tests/bench/30-scale.sh) builds and parses L2TP messages and
# answers MS-CHAPv2 with the daemon's own code.
build/tests/l2sec-load: build/obj/tests/tools/l2sec-load.o build/libl2secd.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(call pkglibs,$(DAEMON_PKGS))

# The RADIUS probe (tests/radius-host.sh) runs the daemon's RADIUS client and
# MS-CHAPv2 code against FreeRADIUS.
build/tests/radius-probe: build/obj/tests/tools/radius-probe.o build/libl2secd.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(call pkglibs,$(DAEMON_PKGS))

unit-build: $(UNIT_BINS)

# started first, as they run longest (60,000 tunnels, half a minute under ASan): the
# two jobs of run.sh then end together instead of one waiting for the last of them
UNIT_FIRST := build/san/unit/test_l2tp_scale build/unit/test_l2tp_scale

unit: unit-build
	tests/unit/run.sh $(filter $(UNIT_BINS),$(UNIT_FIRST)) $(filter-out $(UNIT_FIRST),$(UNIT_BINS))

# Fuzz targets: libFuzzer with ASan+UBSan, the whole daemon library compiled by
# clang; each runs briefly on its seed corpus (tests/fuzz/corpus/NAME/).
FUZZ_SECONDS ?= 4
FUZZ_BINS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRCS))
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_FLAGS) $(L2SEC_CFLAGS) -Wno-unused-command-line-argument \
		$(call pkgcflags,$(DAEMON_PKGS)) -MMD -MP -c -o $@ $<

# Targets that replace the daemon's calls into the kernel (routes, netlink sockets)
# with fakes of their own: -Wl,--wrap=SYMBOL for each SYMBOL in FUZZ_WRAP_<target>.
FUZZ_SESS_WRAP := netdev_route_add netdev_route_del netdev_route_via netdev_route_via6 \
	netdev_pool_route_add \
	netdev_tun_fd kern_session_up kern_session_stats evloop_add_io
FUZZ_WRAP_fuzz_sess := $(FUZZ_SESS_WRAP)
FUZZ_WRAP_fuzz_inform := $(FUZZ_SESS_WRAP)
FUZZ_WRAP_fuzz_ctl := $(FUZZ_SESS_WRAP)
FUZZ_WRAP_fuzz_kern := mnl_socket_open2 mnl_socket_bind mnl_socket_get_portid \
	mnl_socket_setsockopt mnl_socket_sendto mnl_socket_recvfrom mnl_socket_close
FUZZ_WRAP_fuzz_xfrm := $(FUZZ_WRAP_fuzz_kern)

build/fuzz/%: build/fuzz/obj/tests/fuzz/%.o $$(call objs,build/fuzz,$(DAEMON_LIB_SRCS) $(LIB_SRCS))
	$(CLANG) $(FUZZ_FLAGS) -o $@ $^ $(foreach s,$(FUZZ_WRAP_$*),-Wl,--wrap=$(s)) \
		$(call pkglibs,$(DAEMON_PKGS))

# fuzz_tool_*: the l2sec tool's parsers, linked with the tool's objects
FUZZ_TOOL_BINS := $(filter build/fuzz/fuzz_tool_%,$(FUZZ_BINS))
# (but client-config, which needs the daemon's configuration parser)
$(FUZZ_TOOL_BINS): build/fuzz/%: build/fuzz/obj/tests/fuzz/%.o \
		$$(call objs,build/fuzz,$(filter-out tools/clientcfg.c,$(TOOL_LIB_SRCS)) $(LIB_SRCS))
	$(CLANG) $(FUZZ_FLAGS) -o $@ $^ $(call pkglibs,$(TOOL_PKGS))

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

# The long run, not part of `make check`: every target for MINUTES each, one at a
# time by default (FUZZ_JOBS=2 for two at once), niced so that guest tests keep
# their CPU; the scratch corpora in build/fuzz/long/ are kept from run to run
# (the committed seeds are only read). docs/SECURITY.md records a run.
MINUTES ?= 10
FUZZ_LONG_JOBS ?= 1
# Then guest test 25-nlfuzz (the netlink fuzzer, 60 s in make check) for
# NLFUZZ_MINUTES (default MINUTES) on kernel K (default both, side by side); NLFUZZ_MINUTES=0 skips it, MINUTES=0 the libFuzzer targets.
NLFUZZ_MINUTES ?= $(MINUTES)
fuzz-long: fuzz-build all
	if [ $(MINUTES) -gt 0 ]; then \
		FUZZ_JOBS=$(FUZZ_LONG_JOBS) FUZZ_WORK=$(CURDIR)/build/fuzz/long FUZZ_KEEP=1 \
			FUZZ_NICE=10 tests/fuzz/run.sh $$(($(MINUTES) * 60)) $(FUZZ_BINS); fi
	if [ $(NLFUZZ_MINUTES) -gt 0 ]; then \
		BENCH_NLFUZZ_SECONDS=$$(($(NLFUZZ_MINUTES) * 60)) \
			tests/vm/run $(if $(K),-v -k $(K),-P) 25-nlfuzz; fi

# --- guest tests ---------------------------------------------------------------
# K selects a kernel by prefix (6.1, 6.12); T a test by name.
vm: all
	tests/vm/run -P $(if $(K),-k $(K))

vm-test: all
	tests/vm/run -k "$(or $(K),$(KVER))" -v $(T)

vm-shell: all
	tests/vm/run -k "$(or $(K),$(KVER))" -s

# Benchmarks (docs/PERFORMANCE.md): one guest boot, paths alternating, ratios
# checked against the figures recorded there (tests/bench/regress.bash); by
# default one vCPU whose clock counts instructions (VM_ACCEL=icount, VM_SMP=1).
bench: all
	VM_ACCEL=$${VM_ACCEL:-icount} BENCH_ACCEL=$${VM_ACCEL:-icount} VM_SMP=$${VM_SMP:-1} \
		tests/vm/run -v -k "$(or $(K),6.12)" -d tests/bench 10-l2tp-path

# The scale benchmark (issue 19, docs/PERFORMANCE.md): SCALE_N clients dialled by
# l2sec-load into l2secd and l2sec.ko in one icount guest (tests/bench/30-scale.sh),
# with a GiB of guest memory and 10 MiB more per 1,000 clients.
SCALE_N ?= 10000
bench-scale: all
	VM_ACCEL=$${VM_ACCEL:-icount} BENCH_ACCEL=$${VM_ACCEL:-icount} VM_SMP=$${VM_SMP:-1} \
		VM_MEM=$${VM_MEM:-$$(($(SCALE_N) / 100 + 1024))} VM_TIMEOUT=$${VM_TIMEOUT:-7500} \
		BENCH_SCALE_N=$(SCALE_N) tests/vm/run -v -k "$(or $(K),6.12)" -d tests/bench 30-scale

# IKE at scale (issue 19, docs/PERFORMANCE.md): IKE_N IPsec clients (IKEv1, PSK,
# NAT-T, transport) behind one NAT come up at once against the gateway's charon, half
# go and come back, all go; l2secd's SA table and tunnels checked against charon's
# SAs at each stage (tests/bench/40-ike-scale.sh).
IKE_N ?= 1000
.PHONY: bench-ike
bench-ike: all
	VM_ACCEL=$${VM_ACCEL:-icount} BENCH_ACCEL=$${VM_ACCEL:-icount} VM_SMP=$${VM_SMP:-1} \
		VM_MEM=$${VM_MEM:-$$(($(IKE_N) / 2 + 1024))} VM_TIMEOUT=$${VM_TIMEOUT:-3600} \
		BENCH_IKE_N=$(IKE_N) tests/vm/run -v -k "$(or $(K),6.12)" -d tests/bench 40-ike-scale

# Through ESP in UDP: bare ESP, L2TP/PPP through l2sec.ko and through the mainline
# path, receive (20-ipsec) and end to end (30-ipsec-e2e), in one boot
# (tests/bench/ipsec; docs/PERFORMANCE.md, "L2TP/IPsec").
.PHONY: bench-ipsec
bench-ipsec: all
	VM_ACCEL=$${VM_ACCEL:-icount} BENCH_ACCEL=$${VM_ACCEL:-icount} VM_SMP=$${VM_SMP:-1} \
		VM_TIMEOUT=$${VM_TIMEOUT:-3600} tests/vm/run -v -k "$(or $(K),6.12)" -d tests/bench/ipsec

# The socket teardown under a GRO flood for longer than make check gives it
# (15 s), with two vCPUs, then the soaks of tests/vm/soak (three IPsec clients
# behind one NAT through rekeys and reauthentications); not part of check.
soak: all
	VM_SMP=2 BENCH_SOAK_SECONDS=$(or $(SOAK_SECONDS),300) \
		tests/vm/run -v -k "$(or $(K),6.12)" 24-gro
	VM_SMP=2 BENCH_SOAK_SECONDS=$(or $(SOAK_SECONDS),300) \
		tests/vm/run -v -k "$(or $(K),6.12)" -d tests/vm/soak

check:
	tests/check.sh

demo:
	tests/demo.sh

deps:
	tests/install-deps.sh

# --- installation ------------------------------------------------------------------
# DKMS looks for sources in /usr/src whatever PREFIX says.
DKMS_SRC = $(DESTDIR)/usr/src/l2sec-$(VERSION)

# The module's sources as DKMS builds them, replacing an older copy of this version.
define install_dkms_src
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/kernel $(DKMS_SRC)/uapi
	install -m 0644 dkms.conf Kbuild VERSION $(DKMS_SRC)/
	install -m 0644 $(wildcard kernel/*.c kernel/*.h) $(DKMS_SRC)/kernel/
	install -m 0644 uapi/l2sec.h $(DKMS_SRC)/uapi/
	sed -i 's/@VERSION@/$(VERSION)/' $(DKMS_SRC)/dkms.conf
endef

# Install the module's sources for DKMS and build and install it for each kernel
# of KVERS (default KVER). A previous registration of this version is replaced.
KVERS ?= $(KVER)

dkms-install:
	-dkms remove l2sec/$(VERSION) --all >/dev/null 2>&1
	$(install_dkms_src)
	dkms add l2sec/$(VERSION)
	set -e; for k in $(KVERS); do \
		dkms build l2sec/$(VERSION) -k $$k; \
		dkms install l2sec/$(VERSION) -k $$k; \
	done

dkms-uninstall:
	-dkms remove l2sec/$(VERSION) --all
	rm -rf $(DKMS_SRC)

# Everything but the module's build: the programs, their manuals, the systemd
# unit (its paths made SBINDIR's and SYSCONFDIR's), the sysusers.d file of the
# engine's user l2sec (privsep; without DESTDIR systemd-sysusers creates it now), the example configuration,
# a first l2sec.conf from it when there is none and an empty users file (never
# overwritten: they are the operator's, with secrets, hence 0600), and the module's sources for DKMS
# (`dkms add` and `dkms install l2sec/VERSION`, or `make dkms-install`, build them).
CONF_DIR = $(DESTDIR)$(SYSCONFDIR)/l2sec
MAN5 := $(wildcard man/*.5)
MAN8 := $(wildcard man/*.8)

install: userspace
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(UNITDIR) $(CONF_DIR)
	install -m 0755 build/l2secd build/l2sec $(DESTDIR)$(SBINDIR)/
	install -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/
	sed -e 's|/usr/sbin/|$(SBINDIR)/|g' -e 's|/etc/l2sec/|$(SYSCONFDIR)/l2sec/|g' \
		dist/l2secd.service > build/l2secd.service
	install -m 0644 build/l2secd.service $(DESTDIR)$(UNITDIR)/
	install -d $(DESTDIR)$(SYSUSERSDIR)
	install -m 0644 dist/l2sec.sysusers $(DESTDIR)$(SYSUSERSDIR)/l2sec.conf
	if [ -z "$(DESTDIR)" ] && command -v systemd-sysusers >/dev/null; then \
		systemd-sysusers $(SYSUSERSDIR)/l2sec.conf; fi
	install -m 0644 daemon/conf/l2sec.conf.example $(CONF_DIR)/
	test -e $(CONF_DIR)/l2sec.conf || \
		install -m 0600 daemon/conf/l2sec.conf.example $(CONF_DIR)/l2sec.conf
	test -e $(CONF_DIR)/users || install -m 0600 /dev/null $(CONF_DIR)/users
	$(install_dkms_src)

clean:
	rm -rf build

-include $(shell find build -path '*/obj/*' -name '*.d' -type f 2>/dev/null)
