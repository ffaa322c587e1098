#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A throwaway FreeRADIUS for the tests (sourced by tests/radius-host.sh and the
# guest's 57-radius): a copy of Debian's /etc/freeradius/3.0 with only our site
# on 127.0.0.1 (auth on PORT, accounting on PORT + 1), one client 127.0.0.1
# with SECRET that must send Message-Authenticator, users from
# $raddb/mods-config/files/authorize (the caller's), a Message-Authenticator on
# every Access answer and "Wrong user name or password" on a reject. radiusd
# runs in the foreground as the caller's child (radius_pid); the host's
# FreeRADIUS service is never touched.

# radius_conf DIR SECRET PORT: the configuration in DIR/raddb (sets raddb)
radius_conf() {
	local dir=$1 secret=$2 port=$3
	raddb=$dir/raddb
	cp -a /etc/freeradius/3.0 "$raddb"
	rm -f "$raddb"/sites-enabled/* "$raddb"/mods-enabled/eap
	mkdir -p "$dir/log" "$dir/run"
	sed -i -e "s|^\([[:space:]]*raddbdir =\).*|\1 $raddb|" \
		-e "s|^\([[:space:]]*logdir =\).*|\1 $dir/log|" \
		-e "s|^\([[:space:]]*run_dir =\).*|\1 $dir/run|" \
		-e 's/^\([[:space:]]*\)\(user\|group\) = /\1#\2 = /' \
		-e 's/^\([[:space:]]*reject_delay =\).*/\1 0/' "$raddb/radiusd.conf"

	cat > "$raddb/clients.conf" <<EOF
client l2sec {
	ipaddr = 127.0.0.1
	secret = $secret
	# the Message-Authenticator of every request is checked (RFC 3579)
	require_message_authenticator = yes
}
EOF

cat > "$raddb/sites-enabled/l2sec" <<EOF
server l2sec {
	listen {
		type = auth
		ipaddr = 127.0.0.1
		port = $port
	}
	listen {
		type = acct
		ipaddr = 127.0.0.1
		port = $((port + 1))
	}
	authorize {
		chap
		mschap
		files
		pap
	}
	authenticate {
		Auth-Type PAP {
			pap
		}
		Auth-Type CHAP {
			chap
		}
		Auth-Type MS-CHAP {
			mschap
		}
	}
	preacct {
		acct_unique
	}
	accounting {
		detail
	}
	# l2secd requires a Message-Authenticator on every Access answer (Blast-RADIUS,
	# CVE-2024-3596); FreeRADIUS before 3.2.5 adds one only when asked to
	post-auth {
		update reply {
			&Message-Authenticator := 0x00
		}
		Post-Auth-Type REJECT {
			update reply {
				&Message-Authenticator := 0x00
				&Framed-IP-Address !* ANY
				&Session-Timeout !* ANY
				&Class !* ANY
				&Framed-Route !* ANY
				&Reply-Message := "Wrong user name or password"
			}
		}
	}
}
EOF
}

# radius_start DIR RADIUSD...: radiusd (a command: "ip netns exec NS freeradius") on
# DIR/raddb, its log DIR/radiusd.log; 0 once ready
radius_start() {
	local dir=$1
	shift
	"$@" -f -X -d "$dir/raddb" -l stdout > "$dir/radiusd.log" 2>&1 &
	radius_pid=$!
	for _ in $(seq 100); do
		grep -q 'Ready to process requests' "$dir/radiusd.log" && return 0
		kill -0 "$radius_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
