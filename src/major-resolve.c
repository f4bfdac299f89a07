/* SPDX-License-Identifier: ISC */
/*
 * The end of a major incident: when the parent becomes resolved or closed,
 * every child still open is resolved (actor "major:<parent id>") without
 * its own status-change notice, and every requester of a child gets one
 * major-resolved notice instead: one per address, whatever the number of
 * its children, and one per major incident, however often the parent is
 * reopened and resolved again (the notices sent are remembered as events
 * on the parent).  Children are not reopened with the parent: a requester
 * who still has the problem replies, which reopens their own ticket.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "desk.h"
#include "guichet.h"
#include "log.h"
#include "major.h"
#include "major-int.h"
#include "notify.h"
#include "store.h"
#include "ticket.h"

/*
 * Set while a fan-out runs.  Resolving a child calls
 * major_on_status_change() again; children are never major incidents so
 * that call does nothing, but the guard makes sure a fan-out can never
 * nest, whatever the data says.  The desk is single-threaded.
 */
static int fanning_out;

static void
free_children(struct ticket **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ticket_free(v[i]);
	free(v);
}

/* Whether v[i]'s requester is also the requester of an earlier child. */
static int
requester_seen_before(struct ticket **v, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (v[j]->requester != NULL &&
		    strcmp(v[j]->requester, v[i]->requester) == 0)
			return 1;
	return 0;
}

/* The major-resolved notice to the requester of c, unless told already.
 * It is sent about c, the requester's own ticket, so that an answer to it
 * threads there. */
static int
notify_requester(struct desk *d, const struct ticket *p,
    const struct ticket *c, int *sent, char **cause)
{
	const char *to = c->requester;
	char detail[32];
	int seen;

	if (store_major_event_seen(d->store, p->id, "major-resolved-notice", to,
	    &seen, cause) == -1)
		return -1;
	if (seen)
		return 0;
	snprintf(detail, sizeof(detail), "child=%lld", (long long)c->id);
	if (notify_send(d, c, "major-resolved", to, 1, cause) == -1 ||
	    major_event(d, p->id, "system", "major-resolved-notice", "to", to,
	    detail, cause) == -1)
		return -1;
	log_event("ticket=%lld event=major-resolved-notice to=<%s> child=%lld",
	    (long long)p->id, log_safe(to), (long long)c->id);
	(*sent)++;
	return 0;
}

static int
notify_requesters(struct desk *d, const struct ticket *p, struct ticket **v,
    size_t n, int *sent, char **cause)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i]->requester == NULL || *v[i]->requester == '\0' ||
		    conf_is_desk_address(d->conf, v[i]->requester) ||
		    requester_seen_before(v, i))
			continue;
		if (notify_requester(d, p, v[i], sent, cause) == -1)
			return -1;
	}
	return 0;
}

static int
fan_out(struct desk *d, const struct ticket *p, const char *actor,
    char **cause)
{
	struct store_ticket_filter f = { .parent_id = p->id };
	char *by = xasprintf("major:%lld", (long long)p->id);
	struct ticket **v;
	char detail[96];
	int resolved = 0, sent = 0, rc = -1;
	size_t n;

	if (store_ticket_list(d->store, &f, &v, &n, cause) == -1) {
		free(by);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (major_is_done(v[i]->status) || major_is_parent(v[i]))
			continue;
		if (ticket_change_status_quiet(d, v[i], "resolved", by,
		    cause) == -1)
			goto out;
		resolved++;
	}
	if (notify_requesters(d, p, v, n, &sent, cause) == -1)
		goto out;
	snprintf(detail, sizeof(detail), "children=%zu resolved=%d notices=%d",
	    n, resolved, sent);
	if (major_event(d, p->id, actor, "major-resolved", "status", p->status,
	    detail, cause) == -1)
		goto out;
	log_event("ticket=%lld event=major-resolved status=%s %s actor=%s",
	    (long long)p->id, p->status, detail, log_safe(actor));
	rc = 0;
out:
	free_children(v, n);
	free(by);
	return rc;
}

int
major_on_status_change(struct desk *d, struct ticket *t,
    const char *old_status, const char *actor, char **cause)
{
	int rc;

	if (fanning_out || !major_is_parent(t) ||
	    !major_is_done(t->status) || major_is_done(old_status))
		return 0;
	fanning_out = 1;
	rc = fan_out(d, t, actor, cause);
	fanning_out = 0;
	return rc;
}
