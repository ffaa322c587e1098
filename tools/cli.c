// SPDX-License-Identifier: GPL-2.0
/*
 * Shared parts of the l2sec subcommands (see cli.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "cli.h"
#include "ctlc.h"
#include "print.h"

/* A dump larger than this is refused rather than grown without end. */
#define CLI_LIST_MAX (4u << 20)

bool cli_matches(const char *arg, const char *word)
{
	size_t len = strlen(arg);

	return len > 0 && len <= strlen(word) && !strncmp(arg, word, len);
}

int cli_dispatch(struct cli *c, int argc, char **argv, const char *object,
		 const struct cli_cmd *cmds, size_t n, void (*usage)(FILE *f))
{
	size_t i;

	if (argc < 2)
		return cmds[0].fn(c, 0, argv + argc);
	for (i = 0; i < n; i++)
		if (cli_matches(argv[1], cmds[i].name))
			return cmds[i].fn(c, argc - 2, argv + 2);
	if (cli_matches(argv[1], "help")) {
		usage(stdout);
		return CLI_OK;
	}
	cli_err("unknown %s command \"%s\"", object, argv[1]);
	usage(stderr);
	return CLI_USAGE;
}

static FILE *err_out;

void cli_err_to(FILE *f)
{
	err_out = f;
}

void cli_err(const char *fmt, ...)
{
	FILE *f = err_out ? err_out : stderr;
	va_list ap;

	fputs("l2sec: ", f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

const char *cli_runtime_dir(const struct cli *c)
{
	return c->runtime_dir ? c->runtime_dir : CLI_RUNTIME_DIR;
}

int cli_parse_opts(struct cli *c, int argc, char **argv, int *cmd_index, enum cli_action *act)
{
	const char *opt;
	int i;

	*act = CLI_RUN;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		opt = argv[i] + 1;
		if (!strcmp(opt, "-")) {
			i++;
			break;
		}
		if (opt[0] == '-')
			opt++;	/* --json as well as -json and -j */
		if (cli_matches(opt, "json")) {
			c->json = true;
		} else if (cli_matches(opt, "pretty")) {
			c->json = c->pretty = true;
		} else if (cli_matches(opt, "stats") || cli_matches(opt, "statistics")) {
			c->stats++;
		} else if (cli_matches(opt, "netns")) {
			if (i + 1 >= argc || !argv[i + 1][0]) {
				cli_err("option \"%s\" needs a namespace name", argv[i]);
				return CLI_USAGE;
			}
			c->netns = argv[++i];
		} else if (cli_matches(opt, "runtime-dir")) {
			/* a path, not a name: the socket is found whatever -n enters */
			if (i + 1 >= argc || !argv[i + 1][0]) {
				cli_err("option \"%s\" needs a directory", argv[i]);
				return CLI_USAGE;
			}
			c->runtime_dir = argv[++i];
		} else if (cli_matches(opt, "Version")) {
			*act = CLI_VERSION;
		} else if (cli_matches(opt, "help")) {
			*act = CLI_HELP;
		} else {
			cli_err("unknown option \"%s\"; try \"l2sec help\"", argv[i]);
			return CLI_USAGE;
		}
	}
	*cmd_index = i;
	return CLI_OK;
}

int cli_parse_id(const char *what, const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long v;
	char *end;

	/* decimal digits only: no sign, no spaces, no 0x, no octal surprises */
	if (!s[0] || strspn(s, "0123456789") != strlen(s) || strlen(s) > 10)
		goto invalid;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		goto invalid;
	*out = (uint32_t)v;
	return 0;
invalid:
	cli_err("invalid %s \"%s\" (a number from %u to %u)", what, s, min, max);
	return -1;
}

const char *cli_next_arg(int *argc, char ***argv)
{
	const char *kw = (*argv)[0];

	if (*argc < 2) {
		cli_err("\"%s\" needs a value", kw);
		return NULL;
	}
	(*argc)--;
	(*argv)++;
	return (*argv)[0];
}

static int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd, err;

	/* a path (/proc/PID/ns/net) as well as a name under /run/netns, like ip */
	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		cli_err("cannot open network namespace \"%s\": %s", name, strerror(err));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		err = errno;
		close(fd);
		cli_err("cannot enter network namespace \"%s\": %s%s", name, strerror(err),
			err == EPERM ? " (needs CAP_SYS_ADMIN, like ip -n)" : "");
		return -1;
	}
	close(fd);
	return 0;
}

int cli_try_connect(struct cli *c)
{
	int err;

	if (c->connected)
		return CLI_OK;
	if (c->netns && enter_netns(c->netns))
		return -1;
	err = gnl_open(&c->gnl, L2SEC_GENL_NAME);
	if (err) {
		gnl_close(&c->gnl);
		/* -ENOENT: the kernel tried to load it by family name and could not */
		if (err == -ENOENT)
			return -ENOENT;
		cli_err("cannot open generic netlink: %s", strerror(-err));
		return -1;
	}
	if (c->gnl.family_version < L2SEC_GENL_VERSION)
		cli_err("warning: the kernel's l2sec family is version %u, this tool speaks %u",
			c->gnl.family_version, L2SEC_GENL_VERSION);
	c->connected = true;
	return CLI_OK;
}

int cli_connect(struct cli *c)
{
	int err = cli_try_connect(c);

	if (err == -ENOENT)
		cli_err("the l2sec kernel module is not loaded (modprobe l2sec)");
	return err ? CLI_FAIL : CLI_OK;
}

void cli_disconnect(struct cli *c)
{
	if (c->connected)
		gnl_close(&c->gnl);
	c->connected = false;
}

void cli_nl_error(const struct cli *c, int err, const char *what)
{
	const char *ext = c->connected ? c->gnl.extack : "";
	const char *reason;

	switch (err) {
	case -EPERM:
	case -EACCES:
		reason = "permission denied (needs CAP_NET_ADMIN)";
		break;
	case -EBADMSG:
		reason = "malformed answer from the kernel";
		break;
	case -EOPNOTSUPP:
		reason = "not supported by this l2sec kernel module";
		break;
	default:
		reason = strerror(-err);
	}
	if (ext[0])
		cli_err("%s: %s (kernel: %s)", what, reason, ext);
	else
		cli_err("%s: %s", what, reason);
}

void cli_list_init(struct cli_list *l, struct cli *c, const char *what, uint64_t required)
{
	memset(l, 0, sizeof(*l));
	l->cli = c;
	l->what = what;
	l->required = required;
}

void cli_list_free(struct cli_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

void cli_list_reset(void *list)
{
	((struct cli_list *)list)->n = 0;
}

int cli_list_add(const struct nlmsghdr *nlh, void *list)
{
	struct cli_list *l = list;
	char why[128];
	struct obj *v;
	size_t cap;

	if (l->n == l->cap) {
		if (l->cap >= CLI_LIST_MAX)
			return -E2BIG;
		cap = l->cap ? l->cap * 2 : 64;
		v = reallocarray(l->v, cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	/* a bad record is skipped with a line saying so; the rest still shows */
	if (obj_parse(nlh, &l->v[l->n], why, sizeof(why)) ||
	    obj_require(&l->v[l->n], l->required, why, sizeof(why))) {
		cli_err("skipping a malformed %s record from the kernel: %s", l->what, why);
		l->cli->status = CLI_FAIL;
		return 0;
	}
	l->n++;
	return 0;
}

int cli_dump(struct cli *c, struct nlmsghdr *nlh, struct cli_list *l)
{
	int err = gnl_dump(&c->gnl, nlh, cli_list_add, cli_list_reset, l);

	if (err == 1) {
		cli_err("warning: the %s table kept changing during %u dumps; "
			"this output may be inconsistent", l->what, GNL_DUMP_TRIES);
		err = 0;
	}
	return err;
}

void cli_list_sort(struct cli_list *l, int (*cmp)(const void *, const void *))
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp);
}

void cli_del_request(char *buf, size_t len, const char *verb, uint32_t tid, uint32_t sid,
		     uint32_t handle)
{
	int n = snprintf(buf, len, "%s %u", verb, tid);

	if (sid && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " %u", sid);
	if (handle && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " " CTL_REQ_HANDLE " %u", handle);
}

int cli_daemon_del(struct cli *c, const char *what, const char *req, uint32_t tid,
		   uint32_t sid)
{
	const char *dir = cli_runtime_dir(c);
	struct json_object *reply, *d;
	uint64_t t, s;
	char why[256];
	bool ok;
	int err;

	err = ctlc_request(dir, req, &reply);
	if (err == -EREMOTEIO) {
		const char *msg = ctlc_detail();

		/* ctl.h: "no such tunnel TID", "no such session TID/SID" */
		if (!strncmp(msg, CTL_E_NO_SESSION, strlen(CTL_E_NO_SESSION)) && sid)
			cli_err("no such session %u in tunnel %u", sid, tid);
		else if (!strncmp(msg, CTL_E_NO_TUNNEL, strlen(CTL_E_NO_TUNNEL)))
			cli_err("no such tunnel %u", tid);
		else if (!strcmp(msg, CTL_E_UNKNOWN))
			cli_err("%s: l2secd does not know this request (older than this tool?)",
				what);
		else
			cli_err("%s: l2secd: %s", what, msg);
		return CLI_FAIL;
	}
	if (err) {
		ctlc_strerror(dir, err, why, sizeof(why));
		cli_err("%s: %s", what, why);
		return CLI_FAIL;
	}
	/* what it says it deleted must be what was asked for */
	ok = json_object_object_get_ex(reply, CTL_K_DELETED, &d) &&
	     ctlc_get_u64(d, CTL_K_TUNNEL_ID, &t) == 1 && t == tid &&
	     (!sid || (ctlc_get_u64(d, CTL_K_SESSION_ID, &s) == 1 && s == sid));
	json_object_put(reply);
	if (!ok) {
		cli_err("%s: malformed reply from l2secd (not \"deleted\" with the ids asked for)",
			what);
		return CLI_FAIL;
	}
	return CLI_OK;
}

void cli_print_begin(const struct cli *c, bool lines)
{
	unsigned int flags = 0;

	if (c->json)
		flags |= PRINT_F_JSON;
	if (c->pretty)
		flags |= PRINT_F_PRETTY;
	if (lines)
		flags |= PRINT_F_LINES;
	print_begin(c->out ? c->out : stdout, flags);
}

int cli_print_end(struct cli *c)
{
	if (print_end()) {
		cli_err("cannot write the output: %s", strerror(errno));
		return CLI_FAIL;
	}
	return c->status;
}
