/* SPDX-License-Identifier: ISC */
/*
 * notify-int.h - shared by notify.c (the notices), notify-queue.c (render,
 * check, compose, record, queue) and notify-vars.c (template variables).
 */
#ifndef NOTIFY_INT_H
#define NOTIFY_INT_H

#include <stdint.h>

struct desk;
struct message;
struct ticket;
struct tvars;

struct notice {
	const struct ticket *t;
	const char	*tmpl;
	const char	*lang;		/* NULL: ticket's, default */
	const char	*to;		/* NULL: the template's To:, else
					 * the requester */
	const char	*auto_submitted; /* NULL for mail a person wrote */
	int		 counts;	/* an automatic answer: daily cap */
	const struct message *in;	/* the message answered, or NULL */
	struct tvars	*vars;		/* owned by the caller */
};

/* Renders, checks the recipients (own addresses, suppression list, daily
 * cap), composes, records the 'out' message and queues it.  Decisions
 * not to send are logged and return 0; -1 only with a store error. */
int	 notice_queue(struct desk *, struct notice *, char **cause);

/* The variables every notice about t has (ticket, requester, desk,
 * assignee, major incident).  -1 with *cause on a store error. */
int	 notify_vars(struct desk *, const struct ticket *, struct tvars *,
	    char **cause);
void	 notify_vars_message(struct tvars *, const struct message *);

#endif
