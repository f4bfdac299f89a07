/* SPDX-License-Identifier: ISC */
/*
 * parse-ahead.h - MIME parsing and rules (intake_ahead_run()) of a batch
 * of messages already in memory (an IMAP FETCH answer) on a worker
 * thread, ahead of the thread that stores them.  The worker stays at
 * most PARSE_AHEAD_LEAD messages ahead, so that decoded attachments do not
 * pile up.  The raw bytes are borrowed
 * and must outlive the parse_ahead; the results belong to it.
 */
#ifndef PARSE_AHEAD_H
#define PARSE_AHEAD_H

#include <stddef.h>

#define PARSE_AHEAD_LEAD	16

struct conf;
struct intake_ahead;
struct parse_ahead;
struct rules;

struct parse_ahead_src {
	const char	*data;
	size_t		 len;
};

/* Starts on src[0..n-1] (n may be 0) with the rules rs (NULL: none) and
 * conf, which must not change until parse_ahead_end(); NULL when no
 * thread can be started: the caller then parses as it goes. */
struct parse_ahead *parse_ahead_start(const struct parse_ahead_src *src,
	    size_t n, const struct rules *rs, const struct conf *conf);
/* Waits for message i: its parse and verdict (msg NULL: not mail).  Every
 * i is asked for at most once, in increasing order. */
const struct intake_ahead *parse_ahead_get(struct parse_ahead *, size_t i);
/* Frees message i (taken with parse_ahead_get) and lets the worker on. */
void	 parse_ahead_done(struct parse_ahead *, size_t i);
/* Stops the worker (early if messages are left), joins it, frees all. */
void	 parse_ahead_end(struct parse_ahead *);

#endif
