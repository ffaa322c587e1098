/* SPDX-License-Identifier: GPL-2.0 */
/* `l2sec sock show [id ID]`: the UDP sockets the daemon handed to the module. */
#ifndef L2SEC_SOCK_H
#define L2SEC_SOCK_H

#include <stdint.h>

#include "cli.h"
#include "obj.h"

struct sock_filter {
	uint32_t id;		/* 0: every socket */
};

int sock_parse_show(int argc, char **argv, struct sock_filter *f);
void sock_print_fields(const struct obj *o);
void sock_print(const struct obj *o);
int sock_main(struct cli *c, int argc, char **argv);

#endif
