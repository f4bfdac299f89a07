/* SPDX-License-Identifier: ISC */
/*
 * intake-imap-int.h - shared by intake-imap.c (the pass: checkpoint,
 * leftovers, the public calls) and intake-imap-run.c (the chunks and
 * their pipeline) only.
 */
#ifndef INTAKE_IMAP_INT_H
#define INTAKE_IMAP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "imap.h"

struct conf_imap;
struct desk;
struct intake_imap_hooks;
struct intake_imap_stats;

struct pass {
	struct desk		*desk;
	struct imap		*im;
	const struct conf_imap	*mc;
	const struct intake_imap_hooks *hooks;
	struct intake_imap_stats *st;
	char			*key;
	const char		*label;
	uint32_t		 uidvalidity;
	int			 retrying;	/* the failed ones again */
	int			 stopped;
	enum imap_fail		 fail;
	struct imap		*fl;	/* second session, or NULL */
	const uint32_t		*uids;	/* the UIDs to take */
	uint32_t		*sizes;	/* theirs, known up to sized */
	size_t			 n, sized, next;
};

/* Asks the stop hook; once it said yes, the pass stays stopped. */
int	 intake_imap_stopping(struct pass *);
/* Record the kind of failure (from the session or the store); -1. */
int	 intake_imap_fail_imap(struct pass *);
int	 intake_imap_fail_store(struct pass *);

/* Takes the n UIDs (sorted), chunk after chunk, until done or stopped. */
int	 intake_imap_run(struct pass *, const uint32_t *uids, size_t n,
	    char **cause);

#endif
