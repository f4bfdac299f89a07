/* SPDX-License-Identifier: ISC */
/*
 * The part of the intake that needs no store, run by a worker thread
 * ahead of the one that stores: MIME parse, rules and attachment files.
 * Classifying here takes the rules (a fifth of the store thread's time
 * with the sample rules) off the busier thread; replies that thread onto
 * a ticket do not need the verdict, which is then simply dropped.
 * Attachment files are content-addressed and written before any row
 * names them, so writing them here is safe; the store thread only finds
 * them there (one stat) and writes what failed here, saying why.  The
 * caller says whether to: creating a file costs CPU (a millisecond on an
 * ext4 that has just deleted many), best spent on the less busy side.
 * For `ingest --maildir` on two cores that is the store (measured: 6%
 * faster than here); with two parse threads, or for `fetch`, whose store
 * thread also talks IMAP and composes notices, it is here.
 */
#include "config.h"

#include <stdlib.h>

#include "attach.h"
#include "conf.h"
#include "guichet.h"
#include "intake.h"
#include "mime.h"
#include "rules.h"

void
intake_ahead_run(const struct rules *rs, const struct conf *conf,
    const char *raw, size_t len, int files, struct intake_ahead *a)
{
	char *cause;

	a->verdict = NULL;
	if (mime_parse(raw, len, &a->msg) == -1) {
		a->msg = NULL;
		return;
	}
	a->verdict = xmalloc(sizeof(*a->verdict));
	intake_classify(rs, conf, a->msg, a->verdict);
	/* A message the rules drop keeps no file (unless it turns out to
	 * be a reply to a ticket: then the store thread writes them). */
	if (files && conf != NULL && !a->verdict->drop &&
	    attach_save_all(conf->attachments, a->msg->attachments,
	    a->msg->nattachments, &cause) == -1)
		free(cause);	/* said by the store thread, which tries again */
}

void
intake_ahead_free(struct intake_ahead *a)
{
	if (a->verdict != NULL) {
		rules_outcome_free(a->verdict);
		free(a->verdict);
	}
	message_free(a->msg);
	a->msg = NULL;
	a->verdict = NULL;
}
