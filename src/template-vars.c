/* SPDX-License-Identifier: ISC */
/* The variables templates may use, and the values given to a rendering. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "template.h"

/* Keep in step with notify.c (which sets them) and guichet-templates(5). */
const char *const template_vars[] = {
	"ticket.ref", "ticket.id", "ticket.subject", "ticket.status",
	"ticket.old_status", "ticket.priority", "ticket.type",
	"ticket.category", "ticket.queue", "ticket.assignee", "ticket.client",
	"ticket.channel", "ticket.language", "ticket.created", "ticket.tags",
	"status.new", "status.open", "status.pending", "status.resolved",
	"status.closed",
	"type.incident", "type.major", "type.request", "type.assistance",
	"requester.name", "requester.address",
	"recipient.name", "recipient.address", "recipient.staff",
	"agent.name", "agent.address",
	"desk.name", "desk.address",
	"message.body", "message.subject", "message.from",
	"major.ref", "major.id", "major.subject",
	"sla.kind", "sla.response", "sla.resolution", "sla.due",
	"sla.target",
	"supplier.name", "supplier.address",
	NULL
};

struct tvar {
	char	*name;
	char	*value;
};

struct tvars {
	struct tvar	*v;
	size_t		 n;
};

int
template_var_known(const char *name)
{
	for (size_t i = 0; template_vars[i] != NULL; i++)
		if (strcmp(template_vars[i], name) == 0)
			return 1;
	return 0;
}

struct tvars *
tvars_new(void)
{
	return xcalloc(1, sizeof(struct tvars));
}

void
tvars_set(struct tvars *tv, const char *name, const char *value)
{
	for (size_t i = 0; i < tv->n; i++)
		if (strcmp(tv->v[i].name, name) == 0) {
			free(tv->v[i].value);
			tv->v[i].value = value != NULL ? xstrdup(value) : NULL;
			return;
		}
	tv->v = xreallocarray(tv->v, tv->n + 1, sizeof(*tv->v));
	tv->v[tv->n].name = xstrdup(name);
	tv->v[tv->n++].value = value != NULL ? xstrdup(value) : NULL;
}

void
tvars_setf(struct tvars *tv, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	tvars_set(tv, name, s);
	free(s);
}

const char *
tvars_get(const struct tvars *tv, const char *name)
{
	for (size_t i = 0; tv != NULL && i < tv->n; i++)
		if (strcmp(tv->v[i].name, name) == 0)
			return tv->v[i].value;
	return NULL;
}

void
tvars_free(struct tvars *tv)
{
	if (tv == NULL)
		return;
	for (size_t i = 0; i < tv->n; i++) {
		free(tv->v[i].name);
		free(tv->v[i].value);
	}
	free(tv->v);
	free(tv);
}
