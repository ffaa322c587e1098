#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mkdb.sh DB [RADDB]: FreeRADIUS's sqlite database for l2sec's gateways (docs/RADIUS.md):
# FreeRADIUS's own schemas (users, accounting; the address pools) from RADDB
# (/etc/freeradius/3.0), then l2sec.sql (the pool and the users). DB must not exist.
set -eu
db=$1
raddb=${2:-/etc/freeradius/3.0}
sql=$raddb/mods-config/sql
if [ -e "$db" ]; then
	echo "mkdb.sh: $db exists" >&2
	exit 1
fi
cat "$sql/main/sqlite/schema.sql" "$sql/ippool/sqlite/schema.sql" \
	"$(dirname "$0")/l2sec.sql" | sqlite3 -bail "$db"
