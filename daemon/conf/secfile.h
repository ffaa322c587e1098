/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Files that hold secrets must be l2secd's alone: the users file (passwords,
 * NT hashes), a configuration file with an [ipsec] psk, an [l2tp] secret or
 * a [radius] secret, the [ipsec] private-key and the [radius] secret-file. Each must be owned by root (or by the user
 * l2secd runs as, when that is not root) and give group and others no
 * permission at all; l2secd refuses to start, `l2secd -n` fails and a reload
 * is refused otherwise, naming the file and the command that fixes it.
 *
 * `l2sec client-config` does not check: it runs as root or as the operator
 * on the gateway and only reads the files to write client profiles.
 */
#ifndef L2SECD_SECFILE_H
#define L2SECD_SECFILE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "conf/config.h"

/*
 * Is st (of path) fit to hold secrets for a process running as owner?
 * 0, or -1 with why: what is wrong and the chmod/chown of path that fixes
 * it (the caller puts "path: " before it).
 */
int secfile_check_stat(const char *path, const struct stat *st, uid_t owner,
		       char *why, size_t cap);

/*
 * Check every file of cfg (loaded from config_path) that holds secrets, for
 * a process running as owner; a file that does not exist is left to whoever
 * reads it. Each problem goes to err (line 0). Returns how many.
 */
int secfile_check_config(const struct l2sec_config *cfg, const char *config_path, uid_t owner,
			 config_error_fn err, void *arg);

#endif
