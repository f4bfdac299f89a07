/* SPDX-License-Identifier: ISC */
/*
 * guard.h - RFC 3834 loop and abuse protection: whether an incoming
 * message may get an automatic answer, whether it is itself an automatic
 * reply (out of office), and whether it is a bounce of the desk's mail.
 * guard_classify() reads only the message and the config; the per-address
 * daily cap is checked at send time by notify (it needs the store).
 * Every decision is logged as one key=value line by the caller.
 */
#ifndef GUARD_H
#define GUARD_H

struct conf;
struct message;

struct guard_verdict {
	int	 may_answer;	/* an automatic answer is allowed */
	int	 is_autoreply;	/* out of office and the like: attach it to
				 * its ticket, change nothing */
	int	 is_bounce;	/* DSN or bounce: never a ticket */
	const char *reason;	/* static: "auto-submitted", "list",
				 * "bulk", "mailer-daemon", "own-address",
				 * "empty-return-path", ... or "ok" */
};

void	 guard_classify(const struct conf *, const struct message *,
	    struct guard_verdict *);

#endif
