/* SPDX-License-Identifier: ISC */
/*
 * Tickets: the vocabulary, the status machine, and changes made by
 * people.  A change is saved, recorded as an event and followed by its
 * consequences (notices, major-incident fan-out) in one transaction that
 * the caller holds.
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
#include "notify.h"
#include "store.h"
#include "ticket.h"

static const char *const types[] = { "incident", "major", "request",
    "assistance", NULL };
static const char *const statuses[] = { "new", "open", "pending",
    "resolved", "closed", NULL };
static const char *const channels[] = { "email", "phone", "walk-in", "web",
    NULL };
static const char *const levels[] = { "high", "medium", "low", NULL };

/* Allowed moves: from -> space-separated list of to. */
static const struct { const char *from, *to; } transitions[] = {
	{ "new", " open pending resolved closed " },
	{ "open", " pending resolved closed " },
	{ "pending", " open resolved closed " },
	{ "resolved", " open closed " },
	{ "closed", " " },
};

struct ticket *
ticket_new(void)
{
	return xcalloc(1, sizeof(struct ticket));
}

void
ticket_free(struct ticket *t)
{
	if (t == NULL)
		return;
	free(t->subject); free(t->type); free(t->status); free(t->priority);
	free(t->impact); free(t->urgency); free(t->category); free(t->queue);
	free(t->assignee); free(t->client); free(t->language);
	free(t->channel); free(t->requester); free(t->requester_name);
	free(t->major_rule);
	for (size_t i = 0; i < t->ntags; i++)
		free(t->tags[i]);
	free(t->tags);
	free(t);
}

void
ticket_set(char **field, const char *value)
{
	char *copy = value != NULL ? xstrdup(value) : NULL;

	free(*field);
	*field = copy;
}

void
ticket_add_tag(struct ticket *t, const char *tag)
{
	for (size_t i = 0; i < t->ntags; i++)
		if (strcmp(t->tags[i], tag) == 0)
			return;
	t->tags = xreallocarray(t->tags, t->ntags + 1, sizeof(char *));
	t->tags[t->ntags++] = xstrdup(tag);
}

char *
ticket_ref(const char *prefix, int64_t id)
{
	return xasprintf("%s#%lld", prefix, (long long)id);
}

static int
in_list(const char *const *list, const char *s)
{
	if (s == NULL)
		return 0;
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

int
ticket_valid_type(const char *s)
{
	return in_list(types, s);
}

int
ticket_valid_status(const char *s)
{
	return in_list(statuses, s);
}

int
ticket_valid_channel(const char *s)
{
	return in_list(channels, s);
}

int
ticket_valid_priority(const char *s)
{
	return s != NULL && s[0] == 'P' && s[1] >= '1' && s[1] <= '4' &&
	    s[2] == '\0';
}

int
ticket_transition_ok(const char *from, const char *to)
{
	char needle[16];

	if (!ticket_valid_status(to) || strlen(to) > 10)
		return 0;
	snprintf(needle, sizeof(needle), " %s ", to);
	for (size_t i = 0; i < ARRAY_LEN(transitions); i++)
		if (strcmp(transitions[i].from, from) == 0)
			return strstr(transitions[i].to, needle) != NULL;
	return 0;
}

static int
record_change(struct desk *d, const struct ticket *t, const char *field,
    const char *old, const char *new, const char *actor, char **cause)
{
	struct store_event e = {
		.ticket_id = t->id, .at = d->now, .actor = actor,
		.event = "change", .field = field, .old_value = old,
		.new_value = new,
	};

	log_event("ticket=%lld event=change field=%s old=%s new=%s actor=%s",
	    (long long)t->id, field, log_safe(old), log_safe(new),
	    log_safe(actor));
	return store_event_add(d->store, &e, cause);
}

static int
change_status(struct desk *d, struct ticket *t, const char *value,
    const char *actor, int notify, char **cause)
{
	char *old = xstrdup(t->status);
	int rc = -1;

	if (!ticket_transition_ok(old, value)) {
		*cause = xasprintf("ticket %lld: cannot go from %s to %s",
		    (long long)t->id, old, value);
		goto out;
	}
	ticket_set(&t->status, value);
	if (strcmp(value, "resolved") == 0)
		t->resolved_at = d->now;
	else if (strcmp(value, "closed") == 0)
		t->closed_at = d->now;
	else if (strcmp(value, "open") == 0)
		t->resolved_at = 0;
	if (t->first_response_at == 0 && strcmp(actor, "system") != 0)
		t->first_response_at = d->now;
	t->updated_at = d->now;
	if (store_ticket_save(d->store, t, cause) == -1 ||
	    record_change(d, t, "status", old, value, actor, cause) == -1)
		goto out;
	if (notify && t->requester != NULL && *t->requester != '\0' &&
	    notify_status_change(d, t, old, cause) == -1)
		goto out;
	rc = major_on_status_change(d, t, old, actor, cause);
out:
	free(old);
	return rc;
}

static char **
field_slot(struct ticket *t, const char *field)
{
	if (strcmp(field, "priority") == 0) return &t->priority;
	if (strcmp(field, "assignee") == 0) return &t->assignee;
	if (strcmp(field, "queue") == 0) return &t->queue;
	if (strcmp(field, "category") == 0) return &t->category;
	if (strcmp(field, "type") == 0) return &t->type;
	if (strcmp(field, "impact") == 0) return &t->impact;
	if (strcmp(field, "urgency") == 0) return &t->urgency;
	if (strcmp(field, "client") == 0) return &t->client;
	if (strcmp(field, "language") == 0) return &t->language;
	return NULL;
}

static int
check_value(struct desk *d, const char *field, const char *value,
    char **cause)
{
	int ok = 1;

	if (strcmp(field, "priority") == 0)
		ok = ticket_valid_priority(value);
	else if (strcmp(field, "type") == 0)
		ok = ticket_valid_type(value);
	else if (strcmp(field, "impact") == 0 || strcmp(field, "urgency") == 0)
		ok = in_list(levels, value);
	else if (strcmp(field, "assignee") == 0 && value != NULL &&
	    d->conf->nagents > 0)
		ok = conf_agent_by_name(d->conf, value) != NULL;
	if (!ok)
		*cause = xasprintf("invalid %s: %s", field,
		    value ? value : "(none)");
	return ok ? 0 : -1;
}

int
ticket_change(struct desk *d, struct ticket *t, const char *field,
    const char *value, const char *actor, char **cause)
{
	char **slot, *old;
	int rc;

	if (strcmp(field, "status") == 0)
		return change_status(d, t, value, actor, 1, cause);
	if ((slot = field_slot(t, field)) == NULL) {
		*cause = xasprintf("unknown field: %s", field);
		return -1;
	}
	if (check_value(d, field, value, cause) == -1)
		return -1;
	if ((*slot == NULL && value == NULL) ||
	    (*slot != NULL && value != NULL && strcmp(*slot, value) == 0))
		return 0;
	old = *slot != NULL ? xstrdup(*slot) : NULL;
	ticket_set(slot, value);
	t->updated_at = d->now;
	rc = store_ticket_save(d->store, t, cause);
	if (rc == 0)
		rc = record_change(d, t, field, old, value, actor, cause);
	if (rc == 0 && strcmp(field, "type") == 0 && value != NULL &&
	    strcmp(value, "major") == 0)
		rc = major_declare(d, t, actor, cause);
	free(old);
	return rc;
}

int
ticket_change_status_quiet(struct desk *d, struct ticket *t,
    const char *status, const char *actor, char **cause)
{
	return change_status(d, t, status, actor, 0, cause);
}

int
ticket_note(struct desk *d, struct ticket *t, const char *text,
    const char *actor, char **cause)
{
	struct store_message_in in = {
		.ticket_id = t->id, .direction = "in", .kind = "note",
		.source = actor, .internal = 1, .now = d->now,
	};
	struct store_message_local l = { .from_addr = actor, .body = text,
	    .subject = t->subject };
	struct store_event e = { .ticket_id = t->id, .at = d->now,
	    .actor = actor, .event = "note", .detail = text };
	int64_t id;

	if (store_message_insert_local(d->store, &in, &l, &id, cause) == -1 ||
	    store_event_add(d->store, &e, cause) == -1)
		return -1;
	t->updated_at = d->now;
	log_event("ticket=%lld event=note actor=%s", (long long)t->id,
	    log_safe(actor));
	return store_ticket_save(d->store, t, cause);
}
