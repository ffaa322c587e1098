// SPDX-License-Identifier: GPL-2.0
/* Kernel module loading with libkmod, as modprobe would. */
#include <errno.h>
#include <libkmod.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "datapath/kmod.h"
#include "core/log.h"

/* libkmod's own messages are details of the one line kmod_ensure logs. */
__attribute__((format(printf, 6, 0)))
static void kmod_log(void *data, int prio, const char *file, int line, const char *fn,
		     const char *fmt, va_list ap)
{
	char buf[256];
	size_t n;

	if (!log_enabled(LOG_DEBUG))
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	log_debug("kmod: %s", buf);
}

/*
 * Loaded or built in, by the module's own name: also a module insmod loaded
 * from outside /lib/modules, which a lookup would not find. COMING counts,
 * as for modprobe: it is what libkmod says of a built-in module's
 * /sys/module directory when there is no modules.builtin index to ask.
 */
static bool in_kernel(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_module *mod = NULL;
	int state;

	if (kmod_module_new_from_name(ctx, name, &mod) < 0)
		return false;
	state = kmod_module_get_initstate(mod);
	kmod_module_unref(mod);
	return state == KMOD_MODULE_BUILTIN || state == KMOD_MODULE_LIVE ||
	       state == KMOD_MODULE_COMING;
}

/* modprobe's part: resolve the name or alias, load each match with its
 * dependencies. 0, or a negative errno. */
static int probe(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_list *list = NULL, *l;
	int err;

	err = kmod_module_new_from_lookup(ctx, name, &list);
	if (err < 0) {
		log_err("module %s: lookup: %s", name, strerror(-err));
		return err;
	}
	if (!list) {
		log_warn("module %s: not found in %s", name, kmod_get_dirname(ctx));
		return -ENOENT;
	}
	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		err = kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY,
						      NULL, NULL, NULL, NULL);
		if (err > 0) {
			log_warn("module %s: %s is blacklisted", name, kmod_module_get_name(mod));
			err = -EPERM;
		} else if (err < 0 && err != -EEXIST) {	/* EEXIST: loaded meanwhile */
			log_warn("module %s: load %s: %s", name, kmod_module_get_name(mod),
				strerror(-err));
		} else {
			err = 0;
		}
		kmod_module_unref(mod);
		if (err < 0)
			break;
	}
	kmod_module_unref_list(list);
	return err;
}

int kmod_ensure(const char *name)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	int err;

	if (!ctx) {
		log_err("module %s: libkmod: %s", name, strerror(ENOMEM));
		errno = ENOMEM;
		return -1;
	}
	kmod_set_log_fn(ctx, kmod_log, NULL);
	err = in_kernel(ctx, name) ? 0 : probe(ctx, name);
	kmod_unref(ctx);
	if (err < 0) {
		errno = -err;
		return -1;
	}
	return 0;
}
