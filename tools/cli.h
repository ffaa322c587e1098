/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every l2sec subcommand shares: the global options, the grammar helpers
 * (iproute2's matches(), strict id parsing), the connection to the l2sec
 * family (entering -n NETNS first), collecting a dump, and the error lines a
 * user reads.  Exit status: CLI_OK, CLI_FAIL (the request failed or the
 * kernel's or the daemon's answer had malformed records), CLI_USAGE (bad
 * command line).  What only the daemon knows comes over its control socket
 * (ctlc.h) in its runtime directory, -r DIR.
 */
#ifndef L2SEC_CLI_H
#define L2SEC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gnl.h"
#include "obj.h"

enum {
	CLI_OK = 0,
	CLI_FAIL = 1,
	CLI_USAGE = 2,
};

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* l2secd's runtime directory (its runtime-dir setting) unless -r DIR. */
#define CLI_RUNTIME_DIR "/run/l2sec"

enum cli_action {
	CLI_RUN,	/* run the command at argv[cmd_index] (help if none) */
	CLI_VERSION,	/* -V */
	CLI_HELP,	/* -h */
};

struct cli {
	bool json;		/* -j */
	bool pretty;		/* -p (implies -j) */
	int stats;		/* -s, repeatable */
	const char *netns;	/* -n NAME */
	const char *runtime_dir;	/* -r DIR; NULL: CLI_RUNTIME_DIR */
	FILE *out;		/* NULL: stdout (unit tests capture the output) */
	bool connected;
	struct gnl gnl;
	int status;		/* CLI_FAIL once a malformed record was skipped */
};

/* A dump's records, parsed, in the order the kernel sent them. */
struct cli_list {
	struct obj *v;
	size_t n, cap;
	uint64_t required;	/* attributes a record must have (OBJ_BIT mask) */
	const char *what;	/* "tunnel", for the log line of a bad record */
	struct cli *cli;
};

/* ARG is a non-empty prefix of WORD (iproute2's matches(), true/false). */
bool cli_matches(const char *arg, const char *word);

/* One command of an object (`tunnel show`): ARGV holds what follows its word. */
struct cli_cmd {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv);
};

/*
 * An object's command line, ARGV[0] being the object's word: runs the first
 * of the N commands CMDS whose name ARGV[1] abbreviates (the order is the
 * order of preference), the first command when there is no ARGV[1]; "help"
 * prints USAGE to stdout.  Anything else is "unknown OBJECT command" and
 * USAGE on stderr, CLI_USAGE.
 */
int cli_dispatch(struct cli *c, int argc, char **argv, const char *object,
		 const struct cli_cmd *cmds, size_t n, void (*usage)(FILE *f));

/*
 * Parses the global options at the front of ARGV into C; *CMD_INDEX is the
 * index of the command word (argc if none).  CLI_USAGE after printing why.
 */
int cli_parse_opts(struct cli *c, int argc, char **argv, int *cmd_index, enum cli_action *act);

/* A decimal id in MIN..MAX; prints "invalid WHAT" and returns -1 otherwise. */
int cli_parse_id(const char *what, const char *s, uint32_t min, uint32_t max, uint32_t *out);
/* The value after keyword argv[0]; prints "KEYWORD needs a value" if none. */
const char *cli_next_arg(int *argc, char ***argv);

void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Where cli_err() writes: F, or stderr when NULL (for tests and fuzzers). */
void cli_err_to(FILE *f);

/* The daemon's runtime directory: -r DIR or CLI_RUNTIME_DIR. */
const char *cli_runtime_dir(const struct cli *c);

/* Enters -n NETNS and resolves the family; prints why not and returns CLI_FAIL. */
int cli_connect(struct cli *c);
/*
 * As cli_connect(), but a module that is not loaded is left to the caller:
 * -ENOENT without a line.  Other failures print why and return -1.
 */
int cli_try_connect(struct cli *c);
void cli_disconnect(struct cli *c);

/*
 * Prints the error line for a failed request: "l2sec: WHAT: reason", with
 * the kernel's extended-ack message when there is one.  ERR is -errno.
 */
void cli_nl_error(const struct cli *c, int err, const char *what);

/* Resets L to collect records of WHAT that have all of REQUIRED. */
void cli_list_init(struct cli_list *l, struct cli *c, const char *what, uint64_t required);
void cli_list_free(struct cli_list *l);
/* gnl_cb/reset pair for gnl_dump() and gnl_request() into a cli_list. */
int cli_list_add(const struct nlmsghdr *nlh, void *list);
void cli_list_reset(void *list);
/* Runs the dump NLH into L, repeating it if interrupted (warns if still so). */
int cli_dump(struct cli *c, struct nlmsghdr *nlh, struct cli_list *l);
void cli_list_sort(struct cli_list *l, int (*cmp)(const void *, const void *));

/* l2secd's request VERB TID [SID] [handle H] (sid, handle 0: not given) into buf. */
void cli_del_request(char *buf, size_t len, const char *verb, uint32_t tid, uint32_t sid,
		     uint32_t handle);

/*
 * Asks l2secd (its control socket, ctl.h) to delete tunnel TID, or session
 * SID of it when SID is not 0, with request REQ; WHAT ("session del") starts
 * the error lines.  CLI_OK when l2secd answered that it deleted just that;
 * CLI_FAIL after saying why not: "no such session 5 in tunnel 7", "no such
 * tunnel 7", l2secd not running or not ours to ask, or its other errors.
 */
int cli_daemon_del(struct cli *c, const char *what, const char *req, uint32_t tid,
		   uint32_t sid);

/* Starts and ends the output of a command (print layer with -j/-p). */
void cli_print_begin(const struct cli *c, bool lines);
int cli_print_end(struct cli *c);

#endif
