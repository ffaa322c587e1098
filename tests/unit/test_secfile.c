// SPDX-License-Identifier: GPL-2.0
/*
 * Files holding secrets (secfile.c): the users file, a configuration with a
 * psk or tunnel secret and the [ipsec] private-key are refused when group or
 * others may access them or another user owns them, each error naming the
 * file and the chmod/chown that fixes it; files in a temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/config.h"
#include "conf/secfile.h"

struct errs {
	unsigned int n;
	char file[8][512];
	char msg[8][1024];
};

static void collect(void *arg, const char *file, unsigned int line, const char *msg)
{
	struct errs *e = arg;

	assert_int_equal(line, 0);
	if (e->n < 8) {
		snprintf(e->file[e->n], sizeof(e->file[0]), "%s", file);
		snprintf(e->msg[e->n], sizeof(e->msg[0]), "%s", msg);
	}
	e->n++;
}

struct dir {
	char path[64];
	char conf[128], users[128], key[128];
};

static void put(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void dir_new(struct dir *d)
{
	snprintf(d->path, sizeof(d->path), "/tmp/l2sec-secfile-XXXXXX");
	assert_non_null(mkdtemp(d->path));
	snprintf(d->conf, sizeof(d->conf), "%s/l2sec.conf", d->path);
	snprintf(d->users, sizeof(d->users), "%s/users", d->path);
	snprintf(d->key, sizeof(d->key), "%s/gw.key", d->path);
}

static void dir_free(struct dir *d)
{
	unlink(d->conf);
	unlink(d->users);
	unlink(d->key);
	rmdir(d->path);
}

static void cfg_for(struct l2sec_config *cfg, const struct dir *d, const char *psk,
		    const char *secret, bool key)
{
	config_defaults(cfg);
	snprintf(cfg->users_path, sizeof(cfg->users_path), "%s", d->users);
	snprintf(cfg->psk, sizeof(cfg->psk), "%s", psk);
	snprintf(cfg->l2tp.secret, sizeof(cfg->l2tp.secret), "%s", secret);
	if (key)
		snprintf(cfg->key_path, sizeof(cfg->key_path), "%s", d->key);
}

/* 0600 files of ours pass; every other mode of the users file is refused. */
static void test_modes(void **state)
{
	static const mode_t bad[] = { 0644, 0640, 0604, 0660, 0606, 0610, 0601, 0602, 0620, 0777 };
	struct l2sec_config cfg;
	struct errs e = { 0 };
	struct dir d;
	char want[512];

	(void)state;
	dir_new(&d);
	put(d.conf, "[ipsec]\npsk = x\n", 0600);
	put(d.users, "u password p\n", 0600);
	put(d.key, "key\n", 0400);
	cfg_for(&cfg, &d, "x", "", true);
	assert_int_equal(secfile_check_config(&cfg, d.conf, geteuid(), collect, &e), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		assert_int_equal(chmod(d.users, bad[i]), 0);
		assert_int_equal(secfile_check_config(&cfg, d.conf, geteuid(), collect, &e), 1);
		assert_string_equal(e.file[0], d.users);
		snprintf(want, sizeof(want), "its mode %04o lets group or others access it; "
			 "fix: chmod 600 %s", (unsigned int)bad[i], d.users);
		if (!strstr(e.msg[0], want))
			fail_msg("%s", e.msg[0]);
	}
	dir_free(&d);
}

/* The configuration is checked only when it holds a psk or secret; the key file when set. */
static void test_which_files(void **state)
{
	struct l2sec_config cfg;
	struct errs e = { 0 };
	struct dir d;

	(void)state;
	dir_new(&d);
	put(d.conf, "[l2tp]\n", 0644);
	put(d.users, "u password p\n", 0600);
	put(d.key, "key\n", 0644);
	cfg_for(&cfg, &d, "", "", false);
	assert_int_equal(secfile_check_config(&cfg, d.conf, geteuid(), collect, &e), 0);
	cfg_for(&cfg, &d, "", "tunnel", false);
	assert_int_equal(secfile_check_config(&cfg, d.conf, geteuid(), collect, &e), 1);
	assert_string_equal(e.file[0], d.conf);
	memset(&e, 0, sizeof(e));
	cfg_for(&cfg, &d, "psk", "", true);
	assert_int_equal(secfile_check_config(&cfg, d.conf, geteuid(), collect, &e), 2);
	assert_string_equal(e.file[0], d.conf);
	assert_string_equal(e.file[1], d.key);
	/* a file that is not there is left to its reader */
	memset(&e, 0, sizeof(e));
	unlink(d.key);
	chmod(d.conf, 0600);
	assert_int_equal(secfile_check_config(&cfg, d.conf, geteuid(), collect, &e), 0);
	dir_free(&d);
}

/* Another owner: the chown that fixes it, with the chmod when both are wrong. */
static void test_owner(void **state)
{
	struct stat st = { .st_mode = S_IFREG | 0600, .st_uid = 4242 };
	char why[1024];

	(void)state;
	assert_int_equal(secfile_check_stat("/etc/l2sec/users", &st, 0, why, sizeof(why)), -1);
	assert_string_equal(why, "holds secrets but is owned by uid 4242, not root; "
			    "fix: chown root: /etc/l2sec/users");
	st.st_mode = S_IFREG | 0644;
	assert_int_equal(secfile_check_stat("/etc/l2sec/users", &st, 0, why, sizeof(why)), -1);
	assert_string_equal(why, "holds secrets but is owned by uid 4242, not root and its "
			    "mode 0644 lets group or others access it; fix: chown root: "
			    "/etc/l2sec/users && chmod 600 /etc/l2sec/users");
	/* run as uid 4242: its own file is fine, root's too */
	st.st_mode = S_IFREG | 0600;
	assert_int_equal(secfile_check_stat("/u", &st, 4242, why, sizeof(why)), 0);
	st.st_uid = 0;
	assert_int_equal(secfile_check_stat("/u", &st, 4242, why, sizeof(why)), 0);
	assert_int_equal(secfile_check_stat("/u", &st, 0, why, sizeof(why)), 0);
	st.st_mode = S_IFDIR | 0700;
	assert_int_equal(secfile_check_stat("/u", &st, 0, why, sizeof(why)), -1);
	assert_string_equal(why, "holds secrets but is not a regular file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_which_files),
		cmocka_unit_test(test_owner),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
