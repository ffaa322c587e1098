# vm-timeout: 420
# vm-kernel: 6.1
# The Debian packages (built by tests/deb.sh into build/deb/) as an operator
# installs them: dpkg -i both, DKMS builds l2sec.ko for the guest's kernel from
# the installed sources (Debian's own postinst, dkms.conf's kernel limit), the
# module loads, the system user l2sec (privsep's engine; the guest's setup
# made one: removed first) and the 0600 files are there, `l2secd -n`
# passes on the installed configuration (privsep = yes), the metrics unit's command writes a
# file promtool accepts; then dpkg -r and dpkg -P leave nothing behind but the
# system user (Debian keeps system users: files may still be theirs).
#
# The guest's root is the host's under a tmpfs overlay: what `make
# dkms-install` left on the host is removed here first (in the overlay only),
# so that the package starts from a clean system. depmod is replaced by a
# stub that records its calls: over 9p it would take minutes (the harness
# makes the index files on the host, tests/vm/mkmoddep.sh), and this test
# loads the DKMS-built file itself, as 10-dkms.sh does.
. "$L2SEC_TOP/tests/vm/lib.sh"

version=$(cat "$L2SEC_TOP/VERSION")
debs=$L2SEC_BUILD/deb
deb=$debs/l2sec_${version}_$(dpkg --print-architecture).deb
dkms_deb=$debs/l2sec-dkms_${version}_all.deb
out=$L2SEC_TEST_OUT
kver=$L2SEC_KVER

if ! [ -f "$deb" ] || ! [ -f "$dkms_deb" ]; then
	t_fail "packages built (run tests/deb.sh)"
	t_done
fi

# dkms uses bash's process substitution, which needs /dev/fd (a booted Debian
# has it; the guest's minimal /dev does not)
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
cat >/usr/local/sbin/depmod <<'EOF'
#!/bin/sh
echo "$*" >>/tmp/depmod.calls
EOF
chmod 755 /usr/local/sbin/depmod
# what `dkms remove --all` would delete (its tree, the sources, the installed files;
# depmod is the stub), without dkms, tens of seconds of bash under TCG
rm -rf "/usr/src/l2sec-$version" /var/lib/dkms/l2sec /lib/modules/*/updates/dkms/l2sec.ko*
dpkg_unattended
rm -f /tmp/depmod.calls
# One DKMS build per guest: Debian's postinst builds for the running kernel and
# for the newest one; the other kernel's headers are hidden while this test
# runs (its own guest builds for it).
mkdir -p /tmp/l2sec-80-empty
hidden=()
for d in /lib/modules/*/build; do
	[ "$d" = "/lib/modules/$kver/build" ] && continue
	t=$(readlink -f "$d") && [ -d "$t" ] && mount --bind /tmp/l2sec-80-empty "$t" && hidden+=("$t")
done
# The harness's own copy of the module (updates/l2sec.ko, the same version)
# would make dkms keep it ("will not replace this module"): a real system has
# none. It is put back for the tests after this one.
harness_ko=/lib/modules/$kver/updates/l2sec.ko
had_ko=0
[ -e "$harness_ko" ] && had_ko=1 && rm -f "$harness_ko"
trap 'for t in "${hidden[@]}"; do umount "$t"; done
	[ $had_ko = 1 ] && mkdir -p "${harness_ko%/*}" && cp "$L2SEC_KO" "$harness_ko"' EXIT

# leftovers: every path the packages or their scripts could leave
leftovers() {
	ls -d /etc/l2sec /usr/src/l2sec-* /var/lib/dkms/l2sec /lib/modules/*/updates/dkms/l2sec.ko* \
		/lib/systemd/system/l2sec* /etc/systemd/system/*/l2sec* \
		/var/lib/systemd/deb-systemd-helper-enabled/*l2sec* \
		/var/lib/systemd/deb-systemd-helper-enabled/*/l2sec* \
		/usr/lib/sysusers.d/l2sec.conf /usr/sbin/l2sec /usr/sbin/l2secd \
		/var/lib/prometheus/node-exporter/l2sec.prom* /usr/share/doc/l2sec* 2>/dev/null
}
check_eq "nothing of l2sec before the install" "" "$(leftovers)"
# the engine's user the guest's setup made (tests/vm/guest.sh), gone: the package makes it
userdel l2sec 2>/dev/null
check "no user l2sec before the install" sh -c '! getent passwd l2sec'
# privsep, the default, without its user: l2secd -n and the start refuse, naming
# the fix, before anything is made (no fallback to one process)
nu=/tmp/l2sec-80-nouser
mkdir -p "$nu" && (umask 077 && : >"$nu/users" &&
	printf '[global]\nruntime-dir = %s\n[ppp]\nusers = %s/users\n' "$nu" "$nu" >"$nu/l2sec.conf")
check "no user l2sec: l2secd -n fails, naming useradd and privsep = no" sh -c "
	! '$L2SEC_BUILD/l2secd' -n -c '$nu/l2sec.conf' 2>'$nu/n.err' &&
	grep -q \"engine-user 'l2sec' does not exist: .*useradd .*privsep = no\" '$nu/n.err'"
check "no user l2sec: l2secd does not start, makes nothing" sh -c "
	! timeout 10 '$L2SEC_BUILD/l2secd' -c '$nu/l2sec.conf' 2>'$nu/s.err' &&
	grep -q \"engine-user 'l2sec' does not exist: .*; not starting\" '$nu/s.err' &&
	! test -e '$nu/l2secd.pid' && ! ip link show l2sec0 2>/dev/null"

# Debian's kernel headers compile through ccache when DEBIAN_KERNEL_USE_CCACHE is
# set. tests/deb.sh had dkms build the same packaged sources at the same paths on
# the host into build/ccache: the postinst's dkms build here runs every step as
# before (dkms add, build, install; each make and compiler call), and the compiler's
# results come from that cache (a miss compiles) instead of minutes of TCG.
# ccache writes its counters (and a miss's result) into the cache: a tree under
# /tmp (CI's checkout) is shown read-only here (tests/vm/init), where ccache still
# hits but can neither zero nor count, and `ccache -s` showed the host's counters.
# So the guest's ccache works on a tmpfs overlay of build/ccache: the counters
# are this build's, and every cacheable compiler call must be a hit.
export DEBIAN_KERNEL_USE_CCACHE=$(command -v ccache >/dev/null && echo 1)
if [ -n "$DEBIAN_KERNEL_USE_CCACHE" ]; then
	cc=/tmp/l2sec-80-ccache
	mkdir -p "$cc/upper" "$cc/work" "$cc/dir"
	mount -t overlay overlay \
		-o "lowerdir=$L2SEC_BUILD/ccache,upperdir=$cc/upper,workdir=$cc/work" "$cc/dir" ||
		t_fail "build/ccache under a tmpfs overlay"
	export CCACHE_DIR=$cc/dir
	ccache -z >/dev/null
fi
check "dpkg -i l2sec-dkms l2sec" sh -c "dpkg -i '$dkms_deb' '$deb' >'$out/install.log' 2>&1"
if [ -n "$DEBIAN_KERNEL_USE_CCACHE" ]; then
	ccache -s >"$out/ccache.txt" 2>&1
	echo "# the DKMS build's compiler calls from ccache: $(grep -m1 'Hits:' "$out/ccache.txt")"
	check "every cacheable compiler call of the DKMS build was a hit in build/ccache" \
		awk '$1 ~ /^(direct|preprocessed)_cache_hit$/ { h += $2 } $1 == "cache_miss" { m = $2 }
			END { exit !(h > 0 && m == 0) }' <(ccache --print-stats)
	umount "$CCACHE_DIR"
	unset CCACHE_DIR
fi
check "dkms built and installed l2sec $version for $kver" \
	sh -c "dkms status 'l2sec/$version' -k '$kver' | grep -q ': installed'"
check "dkms ran depmod for $kver" \
	awk -v k="$kver" '$1 == "-a" && $2 == k { f = 1 } END { exit !f }' /tmp/depmod.calls
ko=$(ls "/lib/modules/$kver/updates/dkms/"l2sec.ko* 2>/dev/null | head -n 1)
check "the module is in updates/dkms" test -n "$ko"
check_eq "built for the running kernel" "$kver" "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)"
check_eq "built from the packaged sources" "$version" "$(modinfo -F version "$ko")"
# what modprobe would load first (depmod is the stub: the index does not know $ko)
[ -n "$ko" ] && modprobe -a $(modinfo -F depends "$ko" | tr , ' ')
if [ -n "$ko" ] && insmod "$ko"; then
	t_ok "insmod the package's module"
	check "its genl family is registered" genl ctrl get name l2sec
else
	t_fail "insmod the package's module"
fi

check "system user l2sec (postinst: systemd-sysusers)" \
	sh -c 'getent passwd l2sec | grep -q ":/usr/sbin/nologin$"'
check "l2sec is a system user" test "$(id -u l2sec)" -lt 1000
check_eq "l2sec.conf 0600 root" "600 root" "$(stat -c '%a %U' /etc/l2sec/l2sec.conf)"
check_eq "users created 0600 root" "600 root 0" "$(stat -c '%a %U %s' /etc/l2sec/users)"
check "l2secd -n passes on the installed configuration" \
	/usr/sbin/l2secd -n -c /etc/l2sec/l2sec.conf
check "l2secd.service enabled" test -L /etc/systemd/system/multi-user.target.wants/l2secd.service
check "l2sec-metrics.timer enabled" \
	test -L /etc/systemd/system/timers.target.wants/l2sec-metrics.timer

# the metrics unit's own command, as systemd runs it
mkdir -p /var/lib/prometheus/node-exporter
cmd=$(sed -n "s/^ExecStart=\/bin\/sh -c '\(.*\)'$/\1/p" /lib/systemd/system/l2sec-metrics.service)
check "l2sec-metrics.service's command" sh -c "$cmd"
prom=/var/lib/prometheus/node-exporter/l2sec.prom
check "it wrote l2sec.prom, no temporary file left" \
	test -s "$prom" -a ! -e "$prom.tmp"
check "the module's metrics are in it" grep -qx 'l2sec_up 1' "$prom"
check "promtool check metrics" sh -c "promtool check metrics <'$prom'"
check "rmmod" rmmod l2sec

check "dpkg -r l2sec l2sec-dkms" sh -c "dpkg -r l2sec l2sec-dkms >'$out/remove.log' 2>&1"
check "dkms forgot l2sec" test -z "$(dkms status l2sec 2>&1)"
check "the module is gone" sh -c "! ls /lib/modules/*/updates/dkms/l2sec.ko* 2>/dev/null"
check "removal keeps the configuration" test -f /etc/l2sec/l2sec.conf -a -f /etc/l2sec/users
check "removal drops the metrics file" test ! -e "$prom"
check "dpkg -P l2sec l2sec-dkms" sh -c "dpkg -P l2sec l2sec-dkms >'$out/purge.log' 2>&1"
check_eq "nothing of l2sec after the purge" "" "$(leftovers)"
check_eq "dpkg knows neither package" "" \
	"$(dpkg-query -W -f='${Package} ${Status}\n' l2sec l2sec-dkms 2>/dev/null | grep -v not-installed)"
check "the system user stays (Debian policy)" getent passwd l2sec
rm -f /usr/local/sbin/depmod /tmp/depmod.calls
t_done
