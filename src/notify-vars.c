/* SPDX-License-Identifier: ISC */
/* Template variables from a ticket, the desk and a message (see
 * template_vars in template.c and guichet-templates(5)). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "desk.h"
#include "guichet.h"
#include "mime.h"
#include "notify-int.h"
#include "store.h"
#include "template.h"
#include "ticket.h"

static void
set_time(struct tvars *tv, const char *name, time_t t)
{
	struct tm tm;
	char s[32];

	if (t == 0)
		return;
	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%d %H:%M UTC", &tm);
	tvars_set(tv, name, s);
}

/* status.resolved = "1" and the like, so that a template can word each
 * status in its own language. */
static void
set_flag(struct tvars *tv, const char *family, const char *value)
{
	char *name;

	if (value == NULL)
		return;
	name = xasprintf("%s.%s", family, value);
	if (template_var_known(name))
		tvars_set(tv, name, "1");
	free(name);
}

static char *
tags(const struct ticket *t)
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < t->ntags; i++) {
		if (i > 0)
			buf_adds(&b, ", ");
		buf_adds(&b, t->tags[i]);
	}
	return buf_steal(&b);
}

static void
ticket_vars(const struct conf *c, const struct ticket *t, struct tvars *tv)
{
	char *s;

	s = ticket_ref(c->ref_prefix, t->id);
	tvars_set(tv, "ticket.ref", s);
	free(s);
	tvars_setf(tv, "ticket.id", "%lld", (long long)t->id);
	tvars_set(tv, "ticket.subject", t->subject);
	tvars_set(tv, "ticket.status", t->status);
	tvars_set(tv, "ticket.priority", t->priority);
	tvars_set(tv, "ticket.type", t->type);
	tvars_set(tv, "ticket.category", t->category);
	tvars_set(tv, "ticket.queue", t->queue);
	tvars_set(tv, "ticket.assignee", t->assignee);
	tvars_set(tv, "ticket.client", t->client);
	tvars_set(tv, "ticket.channel", t->channel);
	tvars_set(tv, "ticket.language", t->language);
	set_time(tv, "ticket.created", t->created_at);
	s = tags(t);
	tvars_set(tv, "ticket.tags", s);
	free(s);
	set_flag(tv, "status", t->status);
	set_flag(tv, "type", t->type);
}

static int
major_vars(struct desk *d, const struct ticket *t, struct tvars *tv,
    char **cause)
{
	const struct ticket *p = t;
	struct ticket *parent = NULL;
	char *ref;

	if (t->type == NULL || strcmp(t->type, "major") != 0) {
		if (t->parent_id == 0)
			return 0;
		if (store_ticket_get(d->store, t->parent_id, &parent,
		    cause) == -1)
			return -1;
		if (parent == NULL)
			return 0;
		p = parent;
	}
	ref = ticket_ref(d->conf->ref_prefix, p->id);
	tvars_set(tv, "major.ref", ref);
	tvars_setf(tv, "major.id", "%lld", (long long)p->id);
	tvars_set(tv, "major.subject", p->subject);
	free(ref);
	ticket_free(parent);
	return 0;
}

int
notify_vars(struct desk *d, const struct ticket *t, struct tvars *tv,
    char **cause)
{
	const struct conf *c = d->conf;
	const struct conf_agent *a = NULL;

	ticket_vars(c, t, tv);
	tvars_set(tv, "requester.name", t->requester_name);
	tvars_set(tv, "requester.address", t->requester);
	tvars_set(tv, "desk.name", c->desk_name);
	tvars_set(tv, "desk.address", c->desk_address);
	if (t->assignee != NULL && (a = conf_agent_by_name(c,
	    t->assignee)) == NULL)
		a = conf_agent_by_address(c, t->assignee);
	if (a != NULL) {
		tvars_set(tv, "agent.name", a->name);
		tvars_set(tv, "agent.address", a->address);
	} else
		tvars_set(tv, "agent.name", t->assignee);
	return major_vars(d, t, tv, cause);
}

void
notify_vars_message(struct tvars *tv, const struct message *m)
{
	if (m == NULL)
		return;
	tvars_set(tv, "message.body", *m->body_new != '\0' ? m->body_new :
	    m->body);
	tvars_set(tv, "message.subject", m->subject);
	tvars_set(tv, "message.from", m->from.addr);
}
