/* SPDX-License-Identifier: GPL-2.0 */
#ifndef L2SEC_TEST_PROBES_H
#define L2SEC_TEST_PROBES_H

/*
 * A bound on the hash probes (htab_probes) of one event that does a handful
 * of lookups: each walks a chain of about one entry (the tables keep at most
 * one a bucket on average), where a scan would walk thousands. Not 4 or 8:
 * the seeds are random, a lookup now and then walks a chain of 4 or 5, and
 * bounds that tight failed about once in 45 runs.
 */
#define PROBES_O1 64

#endif
