// SPDX-License-Identifier: GPL-2.0
/* The shared, reference-counted tunnel secret (l2tp_secret.h). */
#include <stdlib.h>
#include <string.h>

#include "l2tp/l2tp_secret.h"

struct l2tp_secret *l2tp_secret_new(const char *s)
{
	size_t len = strlen(s);
	struct l2tp_secret *sec = malloc(sizeof(*sec) + len + 1);

	if (!sec)
		return NULL;
	sec->refs = 1;
	memcpy(sec->s, s, len + 1);
	return sec;
}

struct l2tp_secret *l2tp_secret_get(struct l2tp_secret *sec)
{
	if (sec)
		sec->refs++;
	return sec;
}

bool l2tp_secret_put(struct l2tp_secret *sec)
{
	if (!sec || --sec->refs)
		return false;
	explicit_bzero(sec->s, strlen(sec->s));
	free(sec);
	return true;
}
