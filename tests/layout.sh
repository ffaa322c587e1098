#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The daemon's layout (docs/ARCHITECTURE.md, "The daemon's folders"): each part
# of l2secd is a folder of daemon/, and dependencies between folders point one
# way. From the #include lines of daemon/**/*.[ch]:
#  - every daemon header is named from daemon/ ("core/log.h", "sess.h"), so that
#    an include says which folder it depends on;
#  - the graph of folders (daemon/ itself is "top") has no cycle; a cycle is
#    shown with the include lines that make it;
#  - priv/ is included by the top and engine/ only and includes conf/, addr/,
#    route/, l2tp/, ppp/, radius/, core/; engine/ is included by the top only and
#    includes priv/, ppp/, radius/, core/;
#  - radius/ includes core/ only (the RADIUS codec and client, a library that
#    either process may hold);
#  - outside l2tp/, nothing walks the LNS's tunnel and session lists or tables.
# Last line: "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top/daemon" || exit 1
pass=0
fail=0

ok() { echo "ok - layout: $1"; pass=$((pass + 1)); }
not_ok() {
	echo "not ok - layout: $1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/    /'
	fail=$((fail + 1))
}

folder_of() {
	case $1 in
	*/*) echo "${1%%/*}" ;;
	*) echo top ;;
	esac
}

# "FILE HEADER" for every quoted include of a daemon file
includes=$(find . -name '*.[ch]' -printf '%P\n' | sort | while read -r f; do
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
		sed "s|^|$f |"
done)

# Headers of daemon/ named otherwise (relative to the including file's folder).
# A header that is not daemon's (uapi/l2sec.h) is left alone.
bad=
edges=
while read -r f h; do
	[ -n "$f" ] || continue
	if [ ! -f "$h" ]; then
		[ -f "$(dirname "$f")/$h" ] && bad+="$f: \"$h\""$'\n'
		continue
	fi
	from=$(folder_of "$f")
	to=$(folder_of "$h")
	[ "$from" = "$to" ] || edges+="$from $to $f $h"$'\n'
done <<< "$includes"

if [ -z "$bad" ]; then
	ok "every daemon header is included by its path from daemon/"
else
	not_ok "daemon headers included by a relative path" "${bad%$'\n'}"
fi

folders=$(find . -mindepth 1 -maxdepth 1 -type d -printf '%P\n' | sort | tr '\n' ' ')
echo "# folders: top ${folders% }"
pairs=$(awk 'NF { print $1, $2 }' <<< "$edges" | sort -u)
echo "# dependencies: $(awk '{ printf "%s%s>%s", sep, $1, $2; sep = " " }' <<< "$pairs")"

# tsort names the members of a loop on stderr; show the includes between them.
loop=$(tsort <<< "$pairs" 2>&1 >/dev/null | sed -n 's/^tsort: //p' | grep -v 'loop:$' |
	sort -u)
if [ -z "$loop" ]; then
	ok "no cycle between folders"
else
	lines=$(awk -v members="$(echo $loop)" '
		BEGIN { n = split(members, m, " "); for (i = 1; i <= n; i++) in_loop[m[i]] = 1 }
		NF && ($1 in in_loop) && ($2 in in_loop) { print $1 " -> " $2 ": " $3 " includes " $4 }
	' <<< "$edges")
	not_ok "a cycle between folders: $(echo $loop)" "$lines"
fi

# priv/ (the two processes' message set, checker, the parent's dispatch and the
# sandbox) holds the parent's rules: only the top and engine/ include it, and it
# includes only conf/, addr/, route/, l2tp/, ppp/, radius/, core/ (route/ for the
# Framed-Routes the parent judges; l2tp/ and ppp/ for the
# resume records it keeps, priv_state.h; radius/ for the signing the parent does
# with the RADIUS secret, priv_radius.h).
privbad=$(awk '($2 == "priv" && $1 !~ /^(top|engine)$/) ||
	($1 == "priv" && $2 !~ /^(conf|addr|route|l2tp|ppp|radius|core)$/) { print $3 " includes " $4 }' <<< "$edges")
if [ -z "$privbad" ]; then
	ok "priv/ is included by the top and engine/ only and includes conf/, addr/, route/, l2tp/, ppp/, radius/, core/ only"
else
	not_ok "priv/ outside its place in the folder graph" "$privbad"
fi

# radius/ (codec, signatures, client) depends on nothing of the daemon but core/.
radbad=$(awk '$1 == "radius" && $2 != "core" { print $3 " includes " $4 }' <<< "$edges")
if [ -z "$radbad" ]; then
	ok "radius/ includes core/ only"
else
	not_ok "radius/ includes more than core/" "$radbad"
fi

# engine/ (the engine's side of the socketpair) speaks the message set only: it
# includes priv/, ppp/, radius/ (the RADIUS client's signer) and core/, and only
# the top includes it.
engbad=$(awk '($2 == "engine" && $1 != "top") ||
	($1 == "engine" && $2 !~ /^(priv|ppp|radius|core)$/) { print $3 " includes " $4 }' <<< "$edges")
if [ -z "$engbad" ]; then
	ok "engine/ is included by the top only and includes priv/, ppp/, radius/, core/ only"
else
	not_ok "engine/ outside its place in the folder graph" "$engbad"
fi

# The LNS's tunnel and session lists and ID tables are its own (l2tp/l2tp_lns.h:
# look up, iterate, close by mark, count); the rest of the daemon does not walk them.
walks=$(grep -rnE 'tunnel_list|->(tunnels|sessions)\[|->sessions\b' \
	--include='*.[ch]' . | grep -v '^\./l2tp/' | sed 's|^\./||')
if [ -z "$walks" ]; then
	ok "only l2tp/ walks the LNS's tunnel and session lists"
else
	not_ok "the LNS's lists walked outside l2tp/" "$walks"
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
