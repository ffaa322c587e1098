// SPDX-License-Identifier: GPL-2.0
/*
 * VICI message parser: any bytes, as a message from charon.
 *
 * Oracles besides the sanitizers: the walker and the tree parser agree on
 * every input; an accepted message re-encodes to exactly the input bytes
 * (the encoding is canonical, so nothing may be lost or invented); the SA
 * event parser then reads the tree as each event charon raises.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "ipsec/vici_msg.h"
#include "ipsec/vici_sa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char *const events[] = {
	"ike-updown", "child-updown", "child-rekey", "ike-update", "list-sa",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* Parse errors are logged; keep the fuzzer's output readable. */
	log_setup(LOG_TARGET_STDERR, LOG_CRIT, "fuzz");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vici_sa_event ev;
	struct vici_tree *t;
	struct vici_msg m;
	const char *why;
	char buf[256];
	int werr, terr;

	werr = vici_msg_walk(data, size, NULL, NULL, NULL, NULL);
	terr = vici_tree_parse(data, size, &t, NULL);
	if (werr != terr)
		abort();
	if (terr)
		return 0;

	vici_msg_init(&m, 0);
	vici_tree_encode(vici_tree_root(t), &m);
	if (vici_msg_finish(&m) || m.len != size || (size && memcmp(m.buf, data, size)))
		abort();
	vici_msg_free(&m);

	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (vici_sa_parse(events[i], vici_tree_root(t), &ev, &why))
			continue;
		vici_sa_addr_str(&ev.ike.remote, buf, sizeof(buf));
		vici_sa_addr_str(&ev.new_remote, buf, sizeof(buf));
		for (unsigned int c = 0; c < ev.n_children; c++)
			vici_sa_child_str(&ev.child[c], buf, sizeof(buf));
		if (ev.n_children > VICI_SA_CHILDREN_MAX)
			abort();
	}
	vici_tree_free(t);
	return 0;
}
