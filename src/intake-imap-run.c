/* SPDX-License-Identifier: ISC */
/*
 * The chunks of an IMAP pass, and their pipeline.  For each chunk the
 * order that makes a crash harmless holds: fetch (BODY.PEEK: nothing
 * flagged), BEGIN, intake each message, move the checkpoint, COMMIT, and
 * only then \Seen or MOVE.  Different chunks overlap (pipeline()): while
 * chunk n goes through the desk, the session fetches chunk n + 1, and a
 * second session, opened for a backlog of more than one chunk, flags or
 * moves chunk n - 1.
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
#include "parse-ahead.h"
#include "store.h"

/* Bodies held in memory at once: a chunk stops growing past this. */
#define CHUNK_BYTES	(8u << 20)
/* UIDs per FETCH (RFC822.SIZE): sizes are known this far ahead. */
#define SIZES_SLICE	2000

/* One FETCH worth of messages. */
struct chunk {
	const uint32_t		*uids;	/* into pass->uids */
	const uint32_t		*sizes;
	size_t			 n;
	uint32_t		*small, *big;	/* whole, header only */
	size_t			 nsmall, nbig;
	struct imap_fetch_result fs, fb;
	int			 received;
};

/* TAKE_AGAIN: failed in a group (intake_source.grouped): the chunk is
 * to be taken again, one savepoint a message. */
enum take { TAKE_OK, TAKE_FAILED, TAKE_TEMP, TAKE_AGAIN };

/* The RFC822.SIZE of uid (giants are rare: a scan will do), else dflt. */
static size_t
uid_size(const struct pass *p, uint32_t uid, size_t dflt)
{
	for (size_t i = 0; i < p->sized; i++)
		if (p->uids[i] == uid && p->sizes[i] != UINT32_MAX)
			return p->sizes[i];
	return dflt;
}

static void
count(struct intake_imap_stats *st, enum intake_status s)
{
	switch (s) {
	case INTAKE_NEW:
		st->created++;
		break;
	case INTAKE_APPENDED:
		st->appended++;
		break;
	case INTAKE_DUPLICATE:
		st->duplicates++;
		break;
	case INTAKE_DROPPED:
		st->dropped++;
		break;
	case INTAKE_BOUNCE:
		st->bounces++;
		break;
	case INTAKE_NOT_MAIL:
		st->not_mail++;
		break;
	}
}

/* One message through the pipeline, inside the chunk's transaction; its
 * MIME parse comes from pa (message ipa) when a worker parsed it ahead. */
static enum take
take(struct pass *p, const struct imap_msg *m, int giant,
    struct parse_ahead *pa, size_t ipa, int grouped, char **cause)
{
	const struct conf_imap *mc = p->mc;
	struct intake_source src = {
		.client = *mc->client != '\0' ? mc->client : NULL,
		.queue = *mc->queue != '\0' ? mc->queue : NULL,
		.grouped = grouped,
	};
	struct intake_result res;
	char name[256], *c = NULL;
	int r;

	snprintf(name, sizeof(name), "imap:%s:%u:%u", p->label,
	    p->uidvalidity, m->uid);
	src.name = name;
	p->desk->now = clock_now();
	if (giant) {
		r = intake_oversized(p->desk, m->data, m->len,
		    uid_size(p, m->uid, m->len), mc->max_message_size, &src,
		    &res, &c);
		p->st->oversized += r == 0;
	} else if (pa != NULL) {
		const struct intake_ahead *a = parse_ahead_get(pa, ipa);
		r = 0;
		if (a->msg == NULL)
			intake_not_mail(&src, m->len, &res);
		else
			r = intake_parsed(p->desk, a->msg, a->verdict, &src,
			    &res, &c);
		parse_ahead_done(pa, ipa);
	} else
		r = intake_message(p->desk, m->data, m->len, &src, &res, &c);
	if (r == 0) {
		count(p->st, res.status);
		return TAKE_OK;
	}
	if (grouped) {
		free(c);
		return TAKE_AGAIN;
	}
	if (res.temporary) {
		*cause = xasprintf("UID %u: %s", m->uid, c);
		free(c);
		return TAKE_TEMP;
	}
	log_warn("mailbox=%s uid=%u event=intake-failed error=%s: left in "
	    "the mailbox with %s", p->label, m->uid, log_safe(c),
	    IMAP_KEYWORD_FAILED);
	free(c);
	p->st->failed++;
	return TAKE_FAILED;
}

/* The next message in UID order from the two sorted fetch results. */
static const struct imap_msg *
next_msg(struct imap_fetch_result *a, size_t *i, struct imap_fetch_result *b,
    size_t *j, int *giant)
{
	if (*i < a->n && (*j >= b->n || a->msgs[*i].uid < b->msgs[*j].uid)) {
		*giant = 0;
		return &a->msgs[(*i)++];
	}
	if (*j < b->n) {
		*giant = 1;
		return &b->msgs[(*j)++];
	}
	return NULL;
}

static void
chunk_free(struct chunk *c)
{
	imap_fetch_result_free(&c->fs);
	imap_fetch_result_free(&c->fb);
	free(c->small);
	free(c->big);
	memset(c, 0, sizeof(*c));
}

/* The next chunk of the pass (c->n is 0 at the end): sizes first, in
 * slices, while the main session is idle. */
static int
plan(struct pass *p, struct chunk *c, char **cause)
{
	size_t max = p->mc->batch ? p->mc->batch : 1, limit, m;

	memset(c, 0, sizeof(*c));
	while (p->sized < p->n && p->sized < p->next + max) {
		m = p->n - p->sized < SIZES_SLICE ? p->n - p->sized :
		    SIZES_SLICE;
		if (imap_fetch_sizes(p->im, p->uids + p->sized, m,
		    p->sizes + p->sized, cause) == -1)
			return intake_imap_fail_imap(p);
		p->sized += m;
	}
	if (p->next == p->n)
		return 0;
	limit = p->mc->max_message_size;
	c->uids = p->uids + p->next;
	c->sizes = p->sizes + p->next;
	c->n = intake_imap_chunk(c->sizes, p->sized - p->next, max,
	    CHUNK_BYTES, limit);
	p->next += c->n;
	c->small = xcalloc(c->n, sizeof(*c->small));
	c->big = xcalloc(c->n, sizeof(*c->big));
	for (size_t i = 0; i < c->n; i++) {
		if (c->sizes[i] == UINT32_MAX)
			continue;	/* expunged meanwhile */
		if (limit != 0 && c->sizes[i] > limit)
			c->big[c->nbig++] = c->uids[i];
		else
			c->small[c->nsmall++] = c->uids[i];
	}
	return 0;
}

/* The bodies: sent now, read by fetch_recv (giants' headers then). */
static int
fetch_send(struct pass *p, struct chunk *c, char **cause)
{
	if (imap_fetch_send(p->im, c->small, c->nsmall, cause) == -1)
		return intake_imap_fail_imap(p);
	return 0;
}

static int
fetch_recv(struct pass *p, struct chunk *c, char **cause)
{
	if (c->received)
		return 0;
	c->received = 1;
	if (imap_fetch_recv(p->im, c->small, c->nsmall, &c->fs, cause) ==
	    -1 || imap_fetch(p->im, c->big, c->nbig, 1, &c->fb, cause) == -1)
		return intake_imap_fail_imap(p);
	return 0;
}

/*
 * How far the checkpoint may go after a chunk: up to the last UID before
 * which every message was taken (ok[i]) or is gone (expunged before its
 * size was asked).  A message that had a size but no body in the answer
 * stops it: the next pass asks again, and learns if it is really gone.
 */
static uint32_t
checkpoint_after(const struct chunk *c, const unsigned char *ok)
{
	uint32_t last = 0;

	for (size_t i = 0; i < c->n; i++) {
		if (!ok[i] && c->sizes[i] != UINT32_MAX)
			break;
		last = c->uids[i];
	}
	return last;
}

static void
mark_taken(const struct chunk *c, unsigned char *ok, uint32_t uid)
{
	size_t lo = 0, hi = c->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (c->uids[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->n && c->uids[lo] == uid)
		ok[lo] = 1;
}

/* IMAP_KEYWORD_FAILED on messages refused for good, on a session that
 * is free for it: what is in flight is read first. */
static int
mark_failed(struct pass *p, struct chunk *next, const uint32_t *failed,
    size_t nf, char **cause)
{
	struct imap *s = p->fl != NULL ? p->fl : p->im;

	if (p->fl != NULL && imap_done_recv(p->fl, cause) == -1)
		goto fail;
	if (p->fl == NULL && next != NULL && fetch_recv(p, next, cause) == -1)
		return -1;
	if (imap_mark(s, failed, nf, IMAP_MARK_FAILED, cause) == -1)
		goto fail;
	return 0;
fail:
	p->fail = imap_failure(s);
	return -1;
}

/* What the intake of a chunk decided, message by message. */
struct taken {
	unsigned char	*ok;		/* by index in the chunk */
	uint32_t	*done, *failed;	/* UIDs */
	size_t		 nd, nf;
	size_t		 stepped;	/* progress steps already given */
};

/*
 * The messages of chunk c through the desk, in the transaction.  grouped:
 * without a savepoint each (see intake_source.grouped); returns 1 when one
 * of them failed, and the caller then rolls back and takes the chunk
 * again with grouped 0.  *temp_cause gets a temporary failure that ended
 * the chunk early.
 */
static int
take_chunk(struct pass *p, struct chunk *c, int grouped, struct taken *t,
    char **temp_cause)
{
	struct parse_ahead_src *src;
	struct parse_ahead *pa;
	const struct imap_msg *m;
	size_t i = 0, j = 0, k = 0;
	int giant, again = 0;

	/* MIME parsing and rules on the other core while this one stores. */
	src = xcalloc(c->fs.n + 1, sizeof(*src));
	for (size_t n = 0; n < c->fs.n; n++) {
		src[n].data = c->fs.msgs[n].data;
		src[n].len = c->fs.msgs[n].len;
	}
	pa = parse_ahead_start(src, c->fs.n, p->desk->rules, p->desk->conf);
	while (!again && (m = next_msg(&c->fs, &i, &c->fb, &j, &giant)) !=
	    NULL) {
		if (intake_imap_stopping(p))
			break;
		switch (take(p, m, giant, giant ? NULL : pa,
		    giant ? 0 : (size_t)(m - c->fs.msgs), grouped,
		    temp_cause)) {
		case TAKE_AGAIN:
			again = 1;
			continue;
		case TAKE_TEMP:
			break;
		case TAKE_FAILED:
			t->failed[t->nf++] = m->uid;
			mark_taken(c, t->ok, m->uid);
			break;
		case TAKE_OK:
			t->done[t->nd++] = m->uid;
			mark_taken(c, t->ok, m->uid);
			break;
		}
		if (*temp_cause != NULL)
			break;
		if (k++ == t->stepped && p->hooks != NULL &&
		    p->hooks->step != NULL) {
			p->hooks->step(p->hooks->arg);
			t->stepped++;
		}
	}
	parse_ahead_end(pa);
	free(src);
	return again;
}

/* Intake of a fetched chunk in one transaction with the checkpoint.
 * *temp_cause gets a temporary failure that ended the chunk early. */
static int
commit_chunk(struct pass *p, struct chunk *c, struct chunk *next,
    uint32_t *done, size_t *nd, uint32_t *failed, size_t *nf,
    char **temp_cause, char **cause)
{
	struct store *store = p->desk->store;
	struct intake_imap_stats before = *p->st;
	struct taken t = { .ok = xcalloc(c->n, 1), .done = done,
	    .failed = failed };
	unsigned char *ok = t.ok;
	uint32_t last;

	*nd = *nf = 0;
	if (store_begin(store, cause) == -1) {
		free(ok);
		return intake_imap_fail_store(p);
	}
	if (take_chunk(p, c, 1, &t, temp_cause) == 1) {
		/* Rare: a message failed.  Undone with the others, then all
		 * are taken again one savepoint each. */
		log_info("mailbox=%s event=chunk-again messages=%zu: a message "
		    "failed, the others are taken again one by one", p->label,
		    c->n);
		store_rollback(store);
		*p->st = before;
		memset(ok, 0, c->n);
		t.nd = t.nf = 0;
		if (store_begin(store, cause) == -1) {
			free(ok);
			return intake_imap_fail_store(p);
		}
		take_chunk(p, c, 0, &t, temp_cause);
	}
	*nd = t.nd;
	*nf = t.nf;
	last = checkpoint_after(c, ok);
	free(ok);
	/* The keyword goes on before the commit: killed in between, the
	 * message is simply taken again, never flagged without a ticket. */
	if (*nf > 0 && mark_failed(p, next, failed, *nf, cause) == -1) {
		store_rollback(store);
		*nd = *nf = 0;
		return -1;
	}
	if ((last != 0 && store_mailbox_set(store, p->key, p->uidvalidity,
	    last, clock_now(), cause) == -1) ||
	    store_commit(store, cause) == -1) {
		store_rollback(store);
		*nd = *nf = 0;
		return intake_imap_fail_store(p);
	}
	p->st->committed += *nd + *nf;
	if (p->hooks != NULL && p->hooks->committed != NULL && *nd + *nf > 0)
		p->hooks->committed(p->hooks->arg, *nd + *nf);
	return 0;
}

/* After the commit: \Seen or the move, on the second session when there
 * is one (its answer is read before the next), else at once. */
static int
finish_send(struct pass *p, const uint32_t *done, size_t nd, char **cause)
{
	struct imap *s = p->fl != NULL ? p->fl : p->im;

	if (p->fl != NULL && imap_done_recv(p->fl, cause) == -1)
		goto fail;
	if (p->retrying && imap_mark(s, done, nd, IMAP_UNMARK_FAILED,
	    cause) == -1)
		goto fail;
	if (imap_done_send(s, done, nd, cause) == -1 ||
	    (p->fl == NULL && imap_done_recv(s, cause) == -1))
		goto fail;
	return 0;
fail:
	p->fail = imap_failure(s);
	return -1;
}

/* A second session for flags and moves, so that they overlap with the
 * fetch of the next chunk; without one, all goes through the first. */
static void
flagger_open(struct pass *p)
{
	char *c = NULL;

	p->fl = imap_new(p->mc);
	if (imap_connect(p->fl, &c) == 0 && imap_select(p->fl, &c) == 0) {
		if (imap_uidvalidity(p->fl) == p->uidvalidity)
			return;
		c = xstrdup("another UIDVALIDITY");
	}
	log_debug("mailbox=%s event=no-second-session error=%s", p->label,
	    log_safe(c));
	free(c);
	imap_free(p->fl);
	p->fl = NULL;
}

static void
flagger_close(struct pass *p, int ok)
{
	char *c;

	if (p->fl == NULL)
		return;
	if (ok)
		imap_logout(p->fl);
	else if (imap_inflight(p->fl) && imap_done_recv(p->fl, &c) == -1)
		free(c);
	imap_free(p->fl);
	p->fl = NULL;
}

/*
 * The pipeline: while chunk n goes through the desk, the first session
 * fetches chunk n + 1 and the second flags or moves chunk n - 1.
 */
static int
pipeline(struct pass *p, struct chunk *cur, struct chunk *next,
    uint32_t *done, uint32_t *failed, char **cause)
{
	struct chunk *t;
	char *temp_cause;
	size_t nd, nf;

	if (plan(p, cur, cause) == -1 || fetch_send(p, cur, cause) == -1 ||
	    fetch_recv(p, cur, cause) == -1)
		return -1;
	if (p->next < p->n)
		flagger_open(p);
	while (cur->n > 0) {
		if (!intake_imap_stopping(p) && (plan(p, next, cause) == -1 ||
		    fetch_send(p, next, cause) == -1))
			return -1;
		temp_cause = NULL;
		if (commit_chunk(p, cur, next, done, &nd, failed, &nf,
		    &temp_cause, cause) == -1) {
			free(temp_cause);
			return -1;
		}
		chunk_free(cur);
		if ((p->fl != NULL && finish_send(p, done, nd, cause) == -1) ||
		    fetch_recv(p, next, cause) == -1 ||
		    (p->fl == NULL && finish_send(p, done, nd, cause) == -1)) {
			free(temp_cause);
			return -1;
		}
		if (temp_cause != NULL) {
			*cause = temp_cause;
			p->fail = IMAP_FAIL_TEMP;
			return -1;
		}
		if (p->stopped)
			break;
		t = cur;
		cur = next;
		next = t;
	}
	if (p->fl != NULL && imap_done_recv(p->fl, cause) == -1) {
		p->fail = imap_failure(p->fl);
		return -1;
	}
	return 0;
}

/* The UIDs found, chunk after chunk, until done or asked to stop. */
int
intake_imap_run(struct pass *p, const uint32_t *uids, size_t n, char **cause)
{
	struct chunk a, b;
	size_t max = p->mc->batch ? p->mc->batch : 1;
	uint32_t *done = xcalloc(max, sizeof(*done));
	uint32_t *failed = xcalloc(max, sizeof(*failed));
	struct imap_fetch_result drop;
	char *c;
	int rc = 0;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	p->uids = uids;
	p->n = n;
	p->sizes = xcalloc(n ? n : 1, sizeof(*p->sizes));
	p->st->found = n;
	if (p->hooks != NULL && p->hooks->begin != NULL)
		p->hooks->begin(p->hooks->arg, n);
	if (n > 0)
		rc = pipeline(p, &a, &b, done, failed, cause);
	/* A fetch still in flight (an error, a stop) is read and dropped,
	 * so that the session can go on (IDLE) or log out cleanly. */
	if (imap_inflight(p->im)) {
		if (imap_fetch_recv(p->im, NULL, 0, &drop, &c) == 0)
			imap_fetch_result_free(&drop);
		else
			free(c);
	}
	flagger_close(p, rc == 0);
	chunk_free(&a);
	chunk_free(&b);
	free(p->sizes);
	free(done);
	free(failed);
	return rc;
}
