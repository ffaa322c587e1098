// SPDX-License-Identifier: GPL-2.0
/* Owner and mode of the files that hold secrets; see secfile.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "conf/secfile.h"

int secfile_check_stat(const char *path, const struct stat *st, uid_t owner,
		       char *why, size_t cap)
{
	bool bad_owner = st->st_uid != 0 && st->st_uid != owner;
	bool bad_mode = st->st_mode & (S_IRWXG | S_IRWXO);
	char problem[160] = "", fix[32] = "";
	size_t n = 0;

	if (!S_ISREG(st->st_mode)) {
		snprintf(why, cap, "holds secrets but is not a regular file");
		return -1;
	}
	if (!bad_owner && !bad_mode)
		return 0;
	if (bad_owner) {
		n = (size_t)snprintf(problem, sizeof(problem), "is owned by uid %u, not %s",
				     (unsigned int)st->st_uid,
				     owner ? "root nor the user l2secd runs as" : "root");
		if (owner)
			snprintf(fix, sizeof(fix), "chown %u:", (unsigned int)owner);
		else
			snprintf(fix, sizeof(fix), "chown root:");
	}
	if (bad_mode)
		snprintf(problem + n, sizeof(problem) - n, "%sits mode %04o lets group or others "
			 "access it", bad_owner ? " and " : "", (unsigned int)(st->st_mode & 07777));
	if (bad_owner && bad_mode)
		snprintf(why, cap, "holds secrets but %s; fix: %s %s && chmod 600 %s", problem,
			 fix, path, path);
	else
		snprintf(why, cap, "holds secrets but %s; fix: %s %s", problem,
			 bad_owner ? fix : "chmod 600", path);
	return -1;
}

static int check_one(const char *path, uid_t owner, config_error_fn err, void *arg)
{
	char why[1024];
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(why, sizeof(why), "cannot check its owner and mode: %s", strerror(errno));
		err(arg, path, 0, why);
		return 1;
	}
	if (secfile_check_stat(path, &st, owner, why, sizeof(why)) == 0)
		return 0;
	err(arg, path, 0, why);
	return 1;
}

int secfile_check_config(const struct l2sec_config *cfg, const char *config_path, uid_t owner,
			 config_error_fn err, void *arg)
{
	int n = 0;

	if (!err)
		err = config_log_error;
	if (cfg->psk[0] || cfg->l2tp.secret[0] || cfg->radius.secret[0])
		n += check_one(config_path, owner, err, arg);
	n += check_one(cfg->users_path, owner, err, arg);
	if (cfg->key_path[0])
		n += check_one(cfg->key_path, owner, err, arg);
	if (cfg->radius.secret_file[0])
		n += check_one(cfg->radius.secret_file, owner, err, arg);
	for (unsigned int i = 0; i < cfg->radius.n_dae_clients; i++)
		if (cfg->radius.dae_clients[i].secret_file[0])
			n += check_one(cfg->radius.dae_clients[i].secret_file, owner, err, arg);
	return n;
}
