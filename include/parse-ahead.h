/* SPDX-License-Identifier: ISC */
/*
 * parse-ahead.h - MIME parsing of a batch of messages already in memory
 * (an IMAP FETCH answer) on a worker thread, ahead of the thread that
 * stores them.  The worker stays at most PARSE_AHEAD_LEAD messages ahead,
 * so that decoded attachments do not pile up.  The raw bytes are borrowed
 * and must outlive the parse_ahead; parsed messages belong to it.
 */
#ifndef PARSE_AHEAD_H
#define PARSE_AHEAD_H

#include <stddef.h>

#define PARSE_AHEAD_LEAD	16

struct message;
struct parse_ahead;

struct parse_ahead_src {
	const char	*data;
	size_t		 len;
};

/* Starts parsing src[0..n-1] (n may be 0), or returns NULL when no thread
 * can be started: the caller then parses as it goes. */
struct parse_ahead *parse_ahead_start(const struct parse_ahead_src *src,
	    size_t n);
/* Waits for message i: its parse, or NULL when it is not mail.  Every i
 * is asked for at most once, in increasing order. */
struct message *parse_ahead_get(struct parse_ahead *, size_t i);
/* Frees message i (taken with parse_ahead_get) and lets the worker on. */
void	 parse_ahead_done(struct parse_ahead *, size_t i);
/* Stops the worker (early if messages are left), joins it, frees all. */
void	 parse_ahead_end(struct parse_ahead *);

#endif
