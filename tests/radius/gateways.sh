# SPDX-License-Identifier: GPL-2.0
#
# FreeRADIUS for two l2sec gateways (docs/RADIUS.md), sourced by guest test
# 71-radius-gateways: tests/radius-server.sh's throwaway copy of
# /etc/freeradius/3.0, with this folder's raddb/ over it (clients gw1 and gw2, the
# site with sql and sqlippool, the two modules) and the sqlite database made by
# mkdb.sh in it.
. "$L2SEC_TOP/tests/radius-server.sh"

# radius_gateways_conf DIR: the configuration in DIR/raddb (sets raddb, rgw_db)
radius_gateways_conf() {
	local dir=$1
	# radius_conf's client and site are replaced by ours (the secret is unused)
	radius_conf "$dir" unused 1812 || return 1
	cp -r "$L2SEC_TOP/tests/radius/raddb/." "$raddb/" || return 1
	rgw_db=$raddb/l2sec.sqlite
	"$L2SEC_TOP/tests/radius/mkdb.sh" "$rgw_db" "$raddb"
}
