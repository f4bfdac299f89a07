/* SPDX-License-Identifier: ISC */
/*
 * intake.h - the one road every incoming message travels: parse, dedupe,
 * guard, thread, rules, ticket, store, notices.  All sources (pipe,
 * files, Maildir, mbox, IMAP) call intake_message() inside a transaction
 * they opened (store_begin), so that they can commit in batches and act
 * on the source (IMAP flag or move) only after the commit.  A failing
 * message rolls back its own savepoint only.  A source that parses ahead
 * on another thread (ingest-pipe.h) calls intake_parsed() instead.
 */
#ifndef INTAKE_H
#define INTAKE_H

#include <stddef.h>
#include <stdint.h>

struct conf;
struct desk;
struct message;
struct rules;
struct rules_outcome;

struct intake_source {
	const char *name;	/* "stdin", "file:PATH", "imap:NAME:V:UID" */
	const char *client;	/* default client of the mailbox, or NULL */
	const char *queue;	/* default queue of the mailbox, or NULL */
	/*
	 * 0: the message gets a savepoint of its own, and a failure undoes
	 * it alone.  1: the caller holds a savepoint (or the transaction)
	 * over a group of messages and, when one fails, rolls the group
	 * back and takes it again one savepoint each.  A savepoint per
	 * message costs SQLite a copy of every page the message touches:
	 * some 15% of the store's time in a batch.
	 */
	int	    grouped;
};

enum intake_status {
	INTAKE_NEW,		/* a new ticket */
	INTAKE_APPENDED,	/* added to an existing ticket */
	INTAKE_DUPLICATE,	/* seen before: nothing stored */
	INTAKE_DROPPED,		/* a rule said drop */
	INTAKE_BOUNCE,		/* recorded as a delivery failure */
	INTAKE_NOT_MAIL,	/* not mail at all: nothing stored */
};

struct intake_result {
	enum intake_status status;
	int64_t	 ticket_id;
	int	 temporary;	/* on error: it may pass (busy, disk full) */
};

/* 0, or -1 with *cause (res->temporary tells whether to retry). */
int	 intake_message(struct desk *, const char *raw, size_t len,
	    const struct intake_source *, struct intake_result *,
	    char **cause);

/* The same for a message already parsed (by mime_parse(), which may have
 * run on another thread), and classified when verdict is not NULL: the
 * caller keeps and frees m and verdict. */
int	 intake_parsed(struct desk *, const struct message *m,
	    const struct rules_outcome *verdict,
	    const struct intake_source *, struct intake_result *,
	    char **cause);

/*
 * What a worker thread does ahead of the store (ingest-pipe.h,
 * parse-ahead.h): the MIME parse, the verdict of the rules, which reads
 * nothing but the message, the rules and the config (these two must not
 * change until the result is stored), and, when files is set, the
 * attachment files of a message the rules keep (else the store thread
 * writes them: best when the worker is the busier side).
 * intake_ahead_run() fills *a (msg NULL: not mail); intake_ahead_free()
 * frees what it holds.
 */
struct intake_ahead {
	struct message		*msg;
	struct rules_outcome	*verdict;
};
void	 intake_ahead_run(const struct rules *, const struct conf *,
	    const char *raw, size_t len, int files, struct intake_ahead *);
void	 intake_ahead_free(struct intake_ahead *);
/* The rules' verdict on m (rs may be NULL: no rules); thread-safe. */
void	 intake_classify(const struct rules *rs, const struct conf *,
	    const struct message *m, struct rules_outcome *o);
/* Counts and logs what mime_parse() refused (len bytes) as not mail. */
void	 intake_not_mail(const struct intake_source *, size_t len,
	    struct intake_result *);

/* A message of `size` bytes, over the limit: a ticket holding its
 * headers (raw may hold only them) and a note, so that the mailbox goes
 * on. */
int	 intake_oversized(struct desk *, const char *raw, size_t len,
	    size_t size, size_t limit, const struct intake_source *,
	    struct intake_result *, char **cause);

const char *intake_status_name(enum intake_status);

/* The satisfaction score (1..5) a reply to the "resolved" notice gives on
 * its first line, or 0: such a reply rates the ticket, never reopens it. */
int	 intake_satisfaction_score(const char *text);

/* Calls fn for each message of an mbox file, in order (index from 1),
 * with ">From " unquoted; stops when fn returns non-zero.  0, or -1 with
 * *cause (unreadable file, not an mbox, or stopped by fn). */
int	 intake_mbox_each(const char *path, int (*fn)(void *arg,
	    const char *raw, size_t len, size_t index), void *arg,
	    char **cause);

#endif
