/* SPDX-License-Identifier: ISC */
/*
 * The notices: which template, which language, whether an automatic
 * answer may go (the guard's verdict; the daily cap is checked when it is
 * queued), and who gets it.  notify-queue.c does the rest.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "desk.h"
#include "guard.h"
#include "guichet.h"
#include "log.h"
#include "mime.h"
#include "notify.h"
#include "notify-int.h"
#include "store.h"
#include "template.h"
#include "ticket.h"

static int
send_notice(struct desk *d, struct notice *n, char **cause)
{
	int rc;

	/* Old mail imported in bulk must not wake up its senders. */
	if (d->migration) {
		log_debug("ticket=%lld event=notice template=%s "
		    "decision=skipped reason=migration", (long long)n->t->id,
		    n->tmpl);
		return 0;
	}
	n->vars = tvars_new();
	if ((rc = notify_vars(d, n->t, n->vars, cause)) == 0) {
		notify_vars_message(n->vars, n->in);
		rc = notice_queue(d, n, cause);
	}
	tvars_free(n->vars);
	n->vars = NULL;
	return rc;
}

/* The rule's reply template, else the major-incident notice for a ticket
 * that joined one, else the acknowledgement. */
static const char *
created_template(struct desk *d, const struct ticket *t, const char *tmpl)
{
	if (tmpl != NULL && *tmpl != '\0') {
		if (templates_exists(d->templates, t->language, tmpl))
			return tmpl;
		log_warn("ticket %lld: rule template '%s' does not exist: "
		    "acknowledgement sent instead", (long long)t->id, tmpl);
	}
	if (t->parent_id != 0)
		return "major-notice";
	return "acknowledgement";
}

int
notify_ticket_created(struct desk *d, const struct ticket *t,
    const struct message *in, const struct guard_verdict *v,
    const char *tmpl, char **cause)
{
	struct notice n = {
		.t = t, .auto_submitted = "auto-replied", .counts = 1,
		.in = in,
	};

	if (v != NULL && !v->may_answer) {
		log_event("ticket=%lld event=notice to=<%s> decision=skipped "
		    "reason=%s", (long long)t->id, log_safe(t->requester),
		    v->reason != NULL ? v->reason : "guard");
		return 0;
	}
	if (d->templates == NULL) {
		*cause = xstrdup("notice: templates are not loaded");
		return -1;
	}
	n.tmpl = created_template(d, t, tmpl);
	return send_notice(d, &n, cause);
}

int
notify_ticket_logged(struct desk *d, const struct ticket *t, char **cause)
{
	struct notice n = {
		.t = t, .tmpl = t->parent_id != 0 ? "major-notice" :
		    "acknowledgement",
		.auto_submitted = "auto-generated",
	};

	return send_notice(d, &n, cause);
}

static int
agent_has_queue(const struct conf_agent *a, const char *queue)
{
	for (size_t i = 0; i < a->nqueues; i++)
		if (strcmp(a->queues[i], queue) == 0)
			return 1;
	return 0;
}

/* The request as the requester wrote it, for the agents' notice. */
static int
request_vars(struct desk *d, const struct ticket *t, struct tvars *tv,
    char **cause)
{
	struct store_message_row *v;
	size_t n;

	if (store_message_list(d->store, t->id, &v, &n, cause) == -1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].direction, "in") != 0 || v[i].internal)
			continue;
		tvars_set(tv, "message.body", v[i].body_new != NULL &&
		    *v[i].body_new != '\0' ? v[i].body_new : v[i].body);
		tvars_set(tv, "message.subject", v[i].subject);
		tvars_set(tv, "message.from", v[i].from_addr);
		break;
	}
	store_message_rows_free(v, n);
	return 0;
}

/* The agents of the ticket's queue; all of them when the ticket has no
 * queue or nobody serves it, so that no ticket goes unseen. */
int
notify_agents_new(struct desk *d, const struct ticket *t, char **cause)
{
	const struct conf *c = d->conf;
	struct notice n = {
		.t = t, .tmpl = "agent-new-ticket", .lang = c->language,
		.auto_submitted = "auto-generated",
	};
	int some = 0, rc = 0;

	if (c->nagents == 0)
		return 0;
	for (size_t i = 0; t->queue != NULL && i < c->nagents; i++)
		some |= agent_has_queue(&c->agents[i], t->queue);
	n.vars = tvars_new();
	if (notify_vars(d, t, n.vars, cause) == -1 ||
	    request_vars(d, t, n.vars, cause) == -1)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < c->nagents; i++) {
		const struct conf_agent *a = &c->agents[i];
		if (some && !agent_has_queue(a, t->queue))
			continue;
		if (t->requester != NULL && str_ieq(a->address, t->requester))
			continue;
		n.to = a->address;
		rc = notice_queue(d, &n, cause);
	}
	tvars_free(n.vars);
	return rc;
}

int
notify_status_change(struct desk *d, const struct ticket *t,
    const char *old_status, char **cause)
{
	struct notice n = {
		.t = t, .auto_submitted = "auto-generated",
	};
	int rc;

	n.tmpl = t->status != NULL && strcmp(t->status, "resolved") == 0 ?
	    "resolved" : "status-change";
	n.vars = tvars_new();
	if ((rc = notify_vars(d, t, n.vars, cause)) == 0) {
		tvars_set(n.vars, "ticket.old_status", old_status);
		rc = notice_queue(d, &n, cause);
	}
	tvars_free(n.vars);
	return rc;
}

int
notify_send_vars(struct desk *d, const struct ticket *t, const char *tmpl,
    const char *to, int auto_generated, const struct notify_var *v,
    size_t nv, char **cause)
{
	struct notice n = {
		.t = t, .tmpl = tmpl, .to = to,
		.auto_submitted = auto_generated ? "auto-generated" :
		    "auto-replied",
	};
	int rc;

	n.vars = tvars_new();
	if ((rc = notify_vars(d, t, n.vars, cause)) == 0) {
		for (size_t i = 0; i < nv; i++) {
			if (!template_var_known(v[i].name))
				log_warn("notice %s: unknown variable '%s' "
				    "ignored", tmpl, v[i].name);
			else
				tvars_set(n.vars, v[i].name, v[i].value);
		}
		rc = notice_queue(d, &n, cause);
	}
	tvars_free(n.vars);
	return rc;
}

int
notify_send(struct desk *d, const struct ticket *t, const char *tmpl,
    const char *to, int auto_generated, char **cause)
{
	return notify_send_vars(d, t, tmpl, to, auto_generated, NULL, 0,
	    cause);
}

int
notify_agent_update(struct desk *d, const struct ticket *t,
    const char *agent, const char *body, char **cause)
{
	const struct conf_agent *a = NULL;
	struct notice n = { .t = t, .tmpl = "agent-update" };
	int rc;

	n.vars = tvars_new();
	if ((rc = notify_vars(d, t, n.vars, cause)) == 0) {
		if (agent != NULL && (a = conf_agent_by_name(d->conf,
		    agent)) == NULL)
			a = conf_agent_by_address(d->conf, agent);
		if (a != NULL) {
			tvars_set(n.vars, "agent.name", a->name);
			tvars_set(n.vars, "agent.address", a->address);
		} else if (agent != NULL)
			tvars_set(n.vars, "agent.name", agent);
		tvars_set(n.vars, "message.body", body);
		rc = notice_queue(d, &n, cause);
	}
	tvars_free(n.vars);
	return rc;
}
