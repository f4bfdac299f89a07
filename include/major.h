/* SPDX-License-Identifier: ISC */
/*
 * major.h - major incidents: declared by a rule (`major`) or an agent,
 * or detected as a burst of `[major] threshold` tickets of one category
 * (or one candidate rule) within `[major] window`.  A major incident is a
 * parent ticket of type `major`; its children are linked to it.  All
 * functions work inside the caller's transaction and take the clock from
 * desk->now.
 */
#ifndef MAJOR_H
#define MAJOR_H

#include <stdint.h>

struct desk;
struct ticket;

/*
 * Called once for every new ticket, after it is stored.  declare: the
 * rules said `major`; candidate: the rules said `major-candidate` (the
 * ticket's major_rule holds the rule name).  Links t to an open major
 * incident that matches it (same category or same candidate rule), or
 * declares / detects one.  *joined is set to the parent's id when t became
 * the child of a major incident (its requester then gets the
 * major-incident notice instead of the plain acknowledgement), else 0.
 */
int	 major_on_new_ticket(struct desk *, struct ticket *t, int declare,
	    int candidate, int64_t *joined, char **cause);

/*
 * Called for a new ticket before it is stored: sets t->parent_id to the
 * open major incident t will join (0 when none), so that the ticket is
 * stored linked instead of being saved twice.  major_on_new_ticket()
 * then records the link.
 */
int	 major_find_parent(struct desk *, struct ticket *t, int declare,
	    int candidate, char **cause);

/* Called after any status change of t.  When t is an open major
 * incident's parent that became resolved (or closed), resolves its
 * children and queues one resolution notice per distinct requester. */
int	 major_on_status_change(struct desk *, struct ticket *t,
	    const char *old_status, const char *actor, char **cause);

/* Makes t a major incident by hand (agent `#major`, CLI). */
int	 major_declare(struct desk *, struct ticket *t, const char *actor,
	    char **cause);

#endif
