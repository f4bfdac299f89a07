/* SPDX-License-Identifier: ISC */
/*
 * Major incidents: declaration (a rule's `major`, an agent's `#major`, the
 * CLI's --type major), burst detection, linking new tickets to an open
 * major incident.  The resolution fan-out is in major-resolve.c.
 *
 * A major incident is a parent ticket of type `major`; its children point
 * at it through parent_id.  A ticket matches a major incident when they
 * share a category or a candidate rule (tickets.major_rule).  A parent is
 * never a child: declaring a child major detaches it first, and tickets
 * of type major are never linked.  Every decision is one log_event line
 * and one event on the ticket it changed; the clock is desk->now.
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

int
major_is_done(const char *status)
{
	return status != NULL && (strcmp(status, "resolved") == 0 ||
	    strcmp(status, "closed") == 0);
}

int
major_is_parent(const struct ticket *t)
{
	return t->type != NULL && strcmp(t->type, "major") == 0;
}

int
major_event(struct desk *d, int64_t ticket_id, const char *actor,
    const char *event, const char *field, const char *value,
    const char *detail, char **cause)
{
	struct store_event e = {
		.ticket_id = ticket_id, .at = d->now, .actor = actor,
		.event = event, .field = field, .new_value = value,
		.detail = detail,
	};

	return store_event_add(d->store, &e, cause);
}

/* The event and log line of c's link to its parent (c->parent_id). */
static int
record_link(struct desk *d, const struct ticket *c, const char *actor,
    char **cause)
{
	char value[24];

	snprintf(value, sizeof(value), "%lld", (long long)c->parent_id);
	if (major_event(d, c->id, actor, "major-linked", "parent", value, NULL,
	    cause) == -1)
		return -1;
	log_event("ticket=%lld event=major-linked parent=%lld category=%s "
	    "rule=%s actor=%s", (long long)c->id, (long long)c->parent_id,
	    log_safe(c->category), log_safe(c->major_rule), log_safe(actor));
	return 0;
}

/* Points c at parent (c is saved; the caller still owns it). */
static int
link_child(struct desk *d, struct ticket *c, int64_t parent,
    const char *actor, char **cause)
{
	c->parent_id = parent;
	c->updated_at = d->now;
	if (store_ticket_set_parent(d->store, c->id, parent, d->now,
	    cause) == -1)
		return -1;
	return record_link(d, c, actor, cause);
}

/* Links every ticket of ids to parent.  t, when among them, is the
 * caller's copy in memory: it is changed in place so that what the caller
 * does next (the notice to its requester) sees the parent. */
static int
link_ids(struct desk *d, const int64_t *ids, size_t n, struct ticket *t,
    int64_t parent, char **cause)
{
	char *actor = xasprintf("major:%lld", (long long)parent);
	struct ticket *c;
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		if (ids[i] == parent)
			continue;
		if (t != NULL && ids[i] == t->id) {
			rc = link_child(d, t, parent, actor, cause);
			continue;
		}
		if ((rc = store_ticket_get(d->store, ids[i], &c, cause)) == -1)
			break;
		if (c != NULL)
			rc = link_child(d, c, parent, actor, cause);
		ticket_free(c);
	}
	free(actor);
	return rc;
}

/* The notice to [major] notify, at most once per major incident. */
static int
notify_desk(struct desk *d, const struct ticket *p, char **cause)
{
	const char *to = d->conf->major_notify;
	int seen;

	if (to == NULL || *to == '\0') {
		log_event("ticket=%lld event=major-notice skipped=no-address",
		    (long long)p->id);
		return 0;
	}
	if (store_major_event_seen(d->store, p->id, "major-notice", NULL,
	    &seen, cause) == -1)
		return -1;
	if (seen)
		return 0;
	if (notify_send(d, p, "major-notice", to, 1, cause) == -1 ||
	    major_event(d, p->id, "system", "major-notice", "to", to, NULL,
	    cause) == -1)
		return -1;
	log_event("ticket=%lld event=major-notice to=<%s>", (long long)p->id,
	    log_safe(to));
	return 0;
}

/* Appends the ids of b missing from a (both sorted) to a, kept sorted. */
static void
merge_ids(int64_t **a, size_t *na, const int64_t *b, size_t nb)
{
	size_t n = *na;

	for (size_t i = 0; i < nb; i++) {
		size_t j;
		for (j = 0; j < n && (*a)[j] != b[i]; j++)
			;
		if (j < n)
			continue;
		*a = xreallocarray(*a, n + 1, sizeof(**a));
		for (j = n; j > 0 && (*a)[j - 1] > b[i]; j--)
			(*a)[j] = (*a)[j - 1];
		(*a)[j] = b[i];
		n++;
	}
	*na = n;
}

/* The unlinked tickets of the window matching p by category or rule. */
static int
recent_matching(struct desk *d, const struct ticket *p, int64_t **ids,
    size_t *n, char **cause)
{
	time_t since = d->now - d->conf->major_window;
	int64_t *more;
	size_t nmore;

	if (store_major_recent(d->store, p->category, NULL, since, ids, n,
	    cause) == -1)
		return -1;
	if (p->major_rule == NULL)
		return 0;
	if (store_major_recent(d->store, NULL, p->major_rule, since, &more,
	    &nmore, cause) == -1) {
		free(*ids);
		*ids = NULL;
		return -1;
	}
	merge_ids(ids, n, more, nmore);
	free(more);
	return 0;
}

/* t is of type major: makes it a parent.  A child is detached first (no
 * nesting), the unlinked tickets of the window that match it are adopted,
 * and [major] notify is told (once per ticket, however often declared). */
static int
declare(struct desk *d, struct ticket *t, const char *actor, char **cause)
{
	char detail[48];
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = -1;

	if (t->parent_id != 0) {
		snprintf(detail, sizeof(detail), "parent=%lld",
		    (long long)t->parent_id);
		log_event("ticket=%lld event=major-unlinked %s actor=%s",
		    (long long)t->id, detail, log_safe(actor));
		t->parent_id = 0;
		if (store_ticket_save(d->store, t, cause) == -1 ||
		    major_event(d, t->id, actor, "major-unlinked", "parent",
		    NULL, detail, cause) == -1)
			return -1;
	}
	if (recent_matching(d, t, &ids, &n, cause) == -1 ||
	    link_ids(d, ids, n, NULL, t->id, cause) == -1)
		goto out;
	snprintf(detail, sizeof(detail), "children=%zu", n);
	if (major_event(d, t->id, actor, "major-declared", NULL, NULL, detail,
	    cause) == -1)
		goto out;
	log_event("ticket=%lld event=major-declared adopted=%zu category=%s "
	    "rule=%s actor=%s", (long long)t->id, n, log_safe(t->category),
	    log_safe(t->major_rule), log_safe(actor));
	rc = notify_desk(d, t, cause);
out:
	free(ids);
	return rc;
}

int
major_declare(struct desk *d, struct ticket *t, const char *actor,
    char **cause)
{
	/* Through ticket_change() so that the type change is recorded; it
	 * calls back here once the type is major. */
	if (!major_is_parent(t))
		return ticket_change(d, t, "type", "major", actor, cause);
	return declare(d, t, actor, cause);
}

/* A new parent for a burst of n tickets around t, keyed by key. */
static int
open_parent(struct desk *d, const struct ticket *t, const char *key,
    const char *rule, size_t n, struct ticket **out, char **cause)
{
	struct ticket *p = ticket_new();

	*out = NULL;
	p->subject = xasprintf("%s (%zu tickets)", key, n);
	ticket_set(&p->type, "major");
	ticket_set(&p->status, "open");
	ticket_set(&p->priority, "P1");
	ticket_set(&p->impact, "high");
	ticket_set(&p->urgency, "high");
	ticket_set(&p->category, t->category);
	ticket_set(&p->major_rule, rule);
	ticket_set(&p->queue, t->queue);
	ticket_set(&p->client, t->client);
	ticket_set(&p->requester, d->conf->desk_address);
	ticket_set(&p->requester_name, d->conf->desk_name);
	p->created_at = p->updated_at = d->now;
	if (store_ticket_insert(d->store, p, cause) == -1 ||
	    major_event(d, p->id, "system", "create", NULL, NULL,
	    "major incident detected", cause) == -1) {
		ticket_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

/* ids (t among them) reached the threshold: they become the children of
 * a new major incident; t's requester then gets the major notice. */
static int
burst(struct desk *d, struct ticket *t, const int64_t *ids, size_t n,
    int by_rule, int64_t *joined, char **cause)
{
	const char *key = by_rule ? t->major_rule : t->category;
	struct ticket *p;
	char detail[256];
	int rc = -1;

	if (open_parent(d, t, key, t->major_rule, n, &p, cause) == -1)
		return -1;
	snprintf(detail, sizeof(detail), "children=%zu by=%s category=%s "
	    "rule=%s trigger=%lld", n, by_rule ? "rule" : "category",
	    log_safe(t->category), log_safe(t->major_rule), (long long)t->id);
	log_event("ticket=%lld event=major-detected %s threshold=%d "
	    "window=%lld", (long long)p->id, detail, d->conf->major_threshold,
	    (long long)d->conf->major_window);
	if (major_event(d, p->id, "system", "major-detected", NULL, NULL,
	    detail, cause) == -1 || link_ids(d, ids, n, t, p->id, cause) == -1)
		goto out;
	*joined = p->id;
	rc = notify_desk(d, p, cause);
out:
	ticket_free(p);
	return rc;
}

/*
 * Burst detection: threshold unlinked tickets (t included) of t's
 * candidate rule, or failing that of t's category, created within the
 * window.  The rule goes first: it is the admin's explicit statement
 * that these mails are one outage, a category is only a likeness.
 */
static int
detect(struct desk *d, struct ticket *t, int candidate, int64_t *joined,
    char **cause)
{
	time_t since = d->now - d->conf->major_window;
	int threshold = d->conf->major_threshold;
	int64_t *ids;
	size_t n;
	int rc;

	if (threshold <= 0)
		return 0;
	if (candidate && t->major_rule != NULL) {
		if (store_major_recent(d->store, NULL, t->major_rule, since,
		    &ids, &n, cause) == -1)
			return -1;
		rc = n >= (size_t)threshold ?
		    burst(d, t, ids, n, 1, joined, cause) : 0;
		free(ids);
		if (rc == -1 || *joined != 0)
			return rc;
	}
	if (t->category == NULL)
		return 0;
	if (store_major_recent(d->store, t->category, NULL, since, &ids, &n,
	    cause) == -1)
		return -1;
	rc = n >= (size_t)threshold ? burst(d, t, ids, n, 0, joined, cause) :
	    0;
	free(ids);
	return rc;
}

int
major_find_parent(struct desk *d, struct ticket *t, int declared,
    int candidate, char **cause)
{
	const char *rule = candidate ? t->major_rule : NULL;

	if (declared || major_is_parent(t) ||
	    (t->category == NULL && rule == NULL))
		return 0;
	return store_major_find_open(d->store, t->category, rule, t->id,
	    &t->parent_id, cause);
}

int
major_on_new_ticket(struct desk *d, struct ticket *t, int declared,
    int candidate, int64_t *joined, char **cause)
{
	const char *rule = candidate ? t->major_rule : NULL;
	int64_t parent;

	*joined = 0;
	if (t->parent_id != 0 && !declared && !major_is_parent(t)) {
		/* Stored linked: major_find_parent() found it. */
		char *actor = xasprintf("major:%lld", (long long)t->parent_id);
		int rc = record_link(d, t, actor, cause);

		free(actor);
		*joined = rc == 0 ? t->parent_id : 0;
		return rc;
	}
	/* A rule may also say `set type major` without `major`: the same. */
	if (declared || major_is_parent(t))
		return major_declare(d, t, "rules", cause);
	if (t->category == NULL && rule == NULL)
		return 0;
	if (store_major_find_open(d->store, t->category, rule, t->id, &parent,
	    cause) == -1)
		return -1;
	if (parent != 0) {
		if (link_ids(d, &t->id, 1, t, parent, cause) == -1)
			return -1;
		*joined = parent;
		return 0;
	}
	return detect(d, t, candidate, joined, cause);
}
