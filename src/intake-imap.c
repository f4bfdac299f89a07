/* SPDX-License-Identifier: ISC */
/*
 * One pass over one IMAP mailbox (see intake-imap.h for the contract).
 *
 * Order of work for each chunk of messages, which is what makes a crash
 * harmless: fetch (nothing flagged: BODY.PEEK), BEGIN, intake each
 * message, move the checkpoint, COMMIT, and only then \Seen or MOVE.
 * Killed before the commit: nothing happened, the next pass fetches the
 * same UIDs.  Killed after it: the checkpoint is past them, and the next
 * pass flags or moves what is still in the mailbox ("resume") without
 * taking it again.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "desk.h"
#include "guichet.h"
#include "imap.h"
#include "intake-imap-int.h"
#include "intake-imap.h"
#include "intake.h"
#include "log.h"
#include "store.h"

/* UIDs per STORE or MOVE when finishing an earlier run's leftovers. */
#define RESUME_MAX	500

char *
intake_imap_key(const struct conf_imap *mc)
{
	return xasprintf("imap://%s@%s:%d/%s", mc->user, mc->host, mc->port,
	    mc->mailbox);
}

const char *
intake_imap_label(const struct conf_imap *mc)
{
	return *mc->name != '\0' ? mc->name : "default";
}

size_t
intake_imap_chunk(const uint32_t *sizes, size_t n, size_t max_count,
    size_t max_bytes, size_t limit)
{
	size_t k, bytes = 0, sz;

	if (max_count == 0)
		max_count = 1;
	for (k = 0; k < n && k < max_count; k++) {
		if (sizes[k] == UINT32_MAX || (limit != 0 && sizes[k] > limit))
			sz = 0;		/* gone, or only its header */
		else
			sz = sizes[k];
		if (bytes > 0 && bytes + sz > max_bytes)
			break;
		bytes += sz;
	}
	return k;
}

int
intake_imap_stopping(struct pass *p)
{
	if (p->hooks != NULL && p->hooks->stop != NULL &&
	    p->hooks->stop(p->hooks->arg))
		p->stopped = 1;
	return p->stopped;
}

int
intake_imap_fail_imap(struct pass *p)
{
	p->fail = imap_failure(p->im);
	return -1;
}

int
intake_imap_fail_store(struct pass *p)
{
	p->fail = store_temporary(p->desk->store) ? IMAP_FAIL_TEMP :
	    IMAP_FAIL_OTHER;
	return -1;
}

/* Done with these messages: out of the way of the next pass. */
static int
finish(struct pass *p, const uint32_t *uids, size_t n, char **cause)
{
	int r;

	if (*p->mc->done_mailbox != '\0')
		r = imap_move(p->im, uids, n, cause);
	else
		r = imap_mark(p->im, uids, n, IMAP_MARK_SEEN, cause);
	return r == -1 ? intake_imap_fail_imap(p) : 0;
}

/* Messages at or below the checkpoint that are still to flag or move:
 * an earlier run committed them, then died or lost the server. */
static int
resume(struct pass *p, uint32_t last, char **cause)
{
	uint32_t *uids;
	size_t n, m;
	int rc = 0;

	if (imap_search(p->im, 1, last, *p->mc->done_mailbox != '\0' ?
	    IMAP_SEARCH_NOT_FAILED : IMAP_SEARCH_UNSEEN, &uids, &n,
	    cause) == -1)
		return intake_imap_fail_imap(p);
	if (n > 0)
		log_event("mailbox=%s event=resume count=%zu", p->label, n);
	for (size_t i = 0; i < n && rc == 0; i += m) {
		m = n - i < RESUME_MAX ? n - i : RESUME_MAX;
		rc = finish(p, uids + i, m, cause);
	}
	if (rc == 0)
		p->st->resumed = n;
	free(uids);
	return rc;
}

static void
log_pass(const struct pass *p)
{
	const struct intake_imap_stats *st = p->st;

	if (st->found == 0 && st->resumed == 0) {
		log_debug("mailbox=%s event=pass found=0", p->label);
		return;
	}
	log_event("mailbox=%s event=pass found=%zu committed=%zu new=%zu "
	    "appended=%zu duplicate=%zu dropped=%zu bounce=%zu not_mail=%zu "
	    "oversized=%zu failed=%zu resumed=%zu%s", p->label, st->found,
	    st->committed, st->created, st->appended, st->duplicates,
	    st->dropped, st->bounces, st->not_mail, st->oversized, st->failed,
	    st->resumed, p->stopped ? " stopped=yes" : "");
}

/* Where this pass starts: after the checkpoint, or from UID 1 when the
 * server's UIDVALIDITY is not the one the checkpoint was made under. */
static int
start(struct pass *p, uint32_t *from, char **cause)
{
	uint32_t v, last;

	if (store_mailbox_get(p->desk->store, p->key, &v, &last, cause) == -1)
		return intake_imap_fail_store(p);
	if (v == p->uidvalidity) {
		*from = last == UINT32_MAX ? last : last + 1;
		return last > 0 ? resume(p, last, cause) : 0;
	}
	if (v != 0)
		log_event("mailbox=%s event=uidvalidity-changed old=%u new=%u "
		    "last_uid=%u: rescanning, duplicates are skipped",
		    p->label, v, p->uidvalidity, last);
	*from = 1;
	/* Record the new UIDVALIDITY even when the mailbox is empty. */
	if (store_mailbox_set(p->desk->store, p->key, p->uidvalidity, 0,
	    clock_now(), cause) == -1)
		return intake_imap_fail_store(p);
	return 0;
}

static int
end(struct pass *p, int rc, enum imap_fail *fail)
{
	log_pass(p);
	*fail = rc == 0 ? IMAP_FAIL_NONE : p->fail;
	if (rc == -1 && *fail == IMAP_FAIL_NONE)
		*fail = IMAP_FAIL_OTHER;
	free(p->key);
	return rc;
}

int
intake_imap_pass(struct desk *desk, struct imap *im,
    const struct conf_imap *mc, const struct intake_imap_hooks *hooks,
    struct intake_imap_stats *st, enum imap_fail *fail, char **cause)
{
	struct pass p = { .desk = desk, .im = im, .mc = mc, .hooks = hooks,
	    .st = st, .label = intake_imap_label(mc),
	    .uidvalidity = imap_uidvalidity(im) };
	uint32_t *uids = NULL, from = 1;
	size_t n = 0;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	p.key = intake_imap_key(mc);
	if (start(&p, &from, cause) == 0) {
		if (imap_search(im, from, 0, IMAP_SEARCH_ALL, &uids, &n,
		    cause) == -1)
			intake_imap_fail_imap(&p);
		else
			rc = intake_imap_run(&p, uids, n, cause);
	}
	free(uids);
	return end(&p, rc, fail);
}

int
intake_imap_retry_failed(struct desk *desk, struct imap *im,
    const struct conf_imap *mc, const struct intake_imap_hooks *hooks,
    struct intake_imap_stats *st, enum imap_fail *fail, char **cause)
{
	struct pass p = { .desk = desk, .im = im, .mc = mc, .hooks = hooks,
	    .st = st, .label = intake_imap_label(mc),
	    .uidvalidity = imap_uidvalidity(im), .retrying = 1 };
	uint32_t *uids = NULL, v, last;
	size_t n = 0;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	p.key = intake_imap_key(mc);
	if (store_mailbox_get(desk->store, p.key, &v, &last, cause) == -1)
		intake_imap_fail_store(&p);
	else if (v != p.uidvalidity || last == 0)
		rc = 0;		/* a normal pass takes everything anew */
	else if (imap_search(im, 1, last, IMAP_SEARCH_FAILED, &uids, &n,
	    cause) == -1)
		intake_imap_fail_imap(&p);
	else
		rc = intake_imap_run(&p, uids, n, cause);
	free(uids);
	return end(&p, rc, fail);
}
