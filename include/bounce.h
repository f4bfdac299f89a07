/* SPDX-License-Identifier: ISC */
/*
 * bounce.h - bounces of the desk's own mail: matched to the outgoing
 * message they report, recorded on its ticket as a delivery failure, the
 * failed recipient suppressed.  Never a ticket, never answered.
 */
#ifndef BOUNCE_H
#define BOUNCE_H

#include <stdint.h>

struct desk;
struct message;

/* Records the bounce in the caller's transaction.  *ticket_id is the
 * ticket it was recorded on, or 0 when it matched nothing (then it is
 * only logged).  0, or -1 with *cause. */
int	 bounce_record(struct desk *, const struct message *,
	    int64_t *ticket_id, char **cause);

#endif
