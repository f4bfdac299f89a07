/* SPDX-License-Identifier: ISC */
/*
 * intake-imap.h - one pass over one IMAP mailbox into the desk.
 *
 * A pass reads the mailbox's checkpoint (UIDVALIDITY, last committed
 * UID), finishes what an earlier run committed but could not flag or move,
 * finds the new UIDs with one UID SEARCH, and takes them in batches: the
 * sizes (one FETCH), the messages (one FETCH of BODY.PEEK[] per batch,
 * BODY.PEEK[HEADER] for those over max_message_size), then intake of each
 * inside one transaction that also moves the checkpoint, commit, and only
 * then \Seen or the move to done_mailbox (on a second session for a long
 * backlog, so that it overlaps with the next fetch).  A kill at any moment loses
 * nothing and duplicates nothing; a new UIDVALIDITY rescans from UID 1
 * and deduplication keeps every ticket single.
 *
 * Errors: 0, or -1 with *cause and *fail (IMAP_FAIL_TEMP when the
 * network, server or database may come back).  A message the pipeline
 * refuses for good is logged, left in the mailbox with the keyword
 * IMAP_KEYWORD_FAILED, and never retried: it does not stop the pass.
 */
#ifndef INTAKE_IMAP_H
#define INTAKE_IMAP_H

#include <stddef.h>
#include <stdint.h>

#include "imap.h"

struct conf_imap;
struct desk;

struct intake_imap_stats {
	size_t	 found;		/* new UIDs */
	size_t	 created, appended, duplicates, dropped, bounces;
	size_t	 not_mail;
	size_t	 oversized;	/* taken as headers and a note */
	size_t	 failed;	/* refused for good: the keyword */
	size_t	 committed;	/* messages whose outcome is stored */
	size_t	 resumed;	/* flagged or moved for an earlier run */
};

struct intake_imap_hooks {
	/* Asked before each message: non-zero ends the pass after the
	 * message in hand (what is done is committed and finished). */
	int	(*stop)(void *arg);
	/* The backlog, once known; then one step per message. */
	void	(*begin)(void *arg, size_t total);
	void	(*step)(void *arg);
	/* After each commit, with the number of messages it held. */
	void	(*committed)(void *arg, size_t n);
	void	*arg;
};

/* im must be connected and selected; hooks may be NULL. */
int	 intake_imap_pass(struct desk *, struct imap *,
	    const struct conf_imap *, const struct intake_imap_hooks *,
	    struct intake_imap_stats *, enum imap_fail *fail, char **cause);

/* Takes again the messages an earlier pass left with IMAP_KEYWORD_FAILED
 * (once the admin has fixed what made them fail); those that now pass
 * lose the keyword and are finished as usual. */
int	 intake_imap_retry_failed(struct desk *, struct imap *,
	    const struct conf_imap *, const struct intake_imap_hooks *,
	    struct intake_imap_stats *, enum imap_fail *fail, char **cause);

/* The checkpoint name of a mailbox (the caller frees). */
char	*intake_imap_key(const struct conf_imap *);
/* The name logs use for a section: its NAME, or "default". */
const char *intake_imap_label(const struct conf_imap *);

/*
 * How many of the next n messages (sizes in UID order) go in one FETCH:
 * at least 1, at most max_count, and no more than max_bytes of bodies
 * (a message over limit counts as nothing: only its header is fetched).
 */
size_t	 intake_imap_chunk(const uint32_t *sizes, size_t n,
	    size_t max_count, size_t max_bytes, size_t limit);

#endif
