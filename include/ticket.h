/* SPDX-License-Identifier: ISC */
/*
 * ticket.h - the ticket and its lifecycle: ITIL types, statuses and
 * priorities, the status machine, and changes made by people (CLI now,
 * agents by mail later).  Every change goes through ticket_change_*(),
 * which records an event and queues the notices it causes, inside the
 * caller's transaction.
 *
 * A struct ticket owns all its strings; NULL means "not set".  Free it
 * with ticket_free().
 */
#ifndef TICKET_H
#define TICKET_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct desk;

struct ticket {
	int64_t	 id;
	char	*subject;
	char	*type;		/* incident | major | request | assistance */
	char	*status;	/* new | open | pending | resolved | closed */
	char	*priority;	/* P1..P4 */
	char	*impact;	/* high | medium | low, or NULL */
	char	*urgency;
	char	*category;
	char	*queue;
	char	*assignee;
	char	*client;
	char	*language;
	char	*channel;	/* email | phone | walk-in | web */
	char	*requester;	/* bare address, lower case */
	char	*requester_name;
	char	*major_rule;	/* candidate rule that matched, if any */
	int64_t	 parent_id;	/* major-incident parent, 0 = none */
	int64_t	 linked_id;	/* earlier closed ticket this follows, 0 */
	time_t	 created_at;
	time_t	 updated_at;
	time_t	 first_response_at;	/* 0 = not yet */
	time_t	 resolved_at;
	time_t	 closed_at;
	char	**tags;
	size_t	 ntags;
};

struct ticket *ticket_new(void);
void	 ticket_free(struct ticket *);
void	 ticket_set(char **field, const char *value);	/* NULL clears */
void	 ticket_add_tag(struct ticket *, const char *);

/* "SD#1042" for the desk's prefix (caller frees). */
char	*ticket_ref(const char *prefix, int64_t id);

/* Validity of words of the vocabulary. */
int	 ticket_valid_type(const char *);
int	 ticket_valid_status(const char *);
int	 ticket_valid_priority(const char *);
int	 ticket_valid_channel(const char *);
/* Whether the status machine allows from -> to (same -> same is not). */
int	 ticket_transition_ok(const char *from, const char *to);

/*
 * A change of one field by an actor ("cli", "agent:alice", "rule:x",
 * "system").  Records the event; for status changes, stamps resolved_at /
 * closed_at, notifies the requester, and lets major incidents fan out.
 * The caller holds the transaction.  Returns 0, or -1 with *cause.
 */
int	 ticket_change(struct desk *, struct ticket *, const char *field,
	    const char *value, const char *actor, char **cause);
/* A status change like ticket_change()'s, but without the requester's
 * status-change notice: for changes whose notice another module sends
 * (the major-incident fan-out sends one notice per requester). */
int	 ticket_change_status_quiet(struct desk *, struct ticket *,
	    const char *status, const char *actor, char **cause);
/* An internal note (never sent to the requester). */
int	 ticket_note(struct desk *, struct ticket *, const char *text,
	    const char *actor, char **cause);

#endif
