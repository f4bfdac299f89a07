/* SPDX-License-Identifier: ISC */
/*
 * outbox.h - delivery of the mail queued in the outbox table (notify.h
 * queues it, inside the transaction of the change that caused it).
 *
 * A pass takes the due messages oldest first and sends them over one SMTP
 * connection (smtp.h).  Each result is committed right after the server's
 * answer, so a crash between the 250 and the commit sends a notice twice,
 * never zero times.  A 4xx or a network error defers the message: 1 min,
 * doubling up to 1 h, until [smtp] max_age (default 5 d) has passed since
 * it was queued, then it fails.  A 5xx to MAIL, RCPT or the data fails it
 * at once, and the server's reply is recorded on its ticket as a
 * `delivery-failure` event.  A failure of the session (server down, TLS,
 * authentication) defers the rest of the pass without trying them.
 */
#ifndef OUTBOX_H
#define OUTBOX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct desk;

struct outbox_stats {
	size_t	 sent;
	size_t	 retried;	/* deferred for a later attempt */
	size_t	 failed;
};

/* Delivers up to max due messages (SIZE_MAX: all) at desk->now, outside
 * any transaction (it commits each result).  Without an [smtp] url it does
 * nothing.  0, or -1 with *cause (store error). */
int	 outbox_flush(struct desk *, size_t max, struct outbox_stats *,
	    char **cause);
/* Queues message id again, due now, attempts and max_age afresh.
 * 0, or -1 with *cause (no such message, already sent, store error). */
int	 outbox_retry(struct desk *, int64_t id, char **cause);
/* The delay before attempt n + 1 after n failed attempts (n >= 1). */
time_t	 outbox_backoff(int attempts);

#endif
