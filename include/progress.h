/* SPDX-License-Identifier: ISC */
/*
 * progress.h - a progress bar for long passes (ingest of a Maildir, an
 * IMAP backlog): count, rate and ETA on one line of stderr, redrawn at
 * most 10 times a second; nothing at all when stderr is not a terminal
 * or when quiet.  The struct is the caller's; no allocation.
 */
#ifndef PROGRESS_H
#define PROGRESS_H

#include <stddef.h>

struct progress {
	const char	*label;
	size_t		 total;		/* 0 when unknown */
	size_t		 done;
	int		 active;	/* stderr is a tty and not quiet */
	double		 start;
	double		 last_draw;
};

void	 progress_start(struct progress *, const char *label, size_t total,
	    int quiet);
void	 progress_step(struct progress *, size_t n);
/* Prints the last state and a newline (when active). */
void	 progress_end(struct progress *);

#endif
