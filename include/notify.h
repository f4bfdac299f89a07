/* SPDX-License-Identifier: ISC */
/*
 * notify.h - the notices the desk sends, queued in the outbox inside the
 * caller's transaction (so a notice exists if and only if the change that
 * caused it was committed).  Each function picks the template and the
 * language (rule or client, then [desk] language, falling back to the
 * default language), renders it, records the outgoing message on the
 * ticket (so that replies thread) and queues it.  The guard decides
 * whether an automatic answer may go at all; these functions honour the
 * verdict and the per-address daily cap.
 *
 * All return 0 (queued, or deliberately not sent: logged) or -1 with
 * *cause (store error or template error).
 */
#ifndef NOTIFY_H
#define NOTIFY_H

struct desk;
struct ticket;
struct message;
struct guard_verdict;

/* A new ticket from mail: the acknowledgement, or the rule's `reply`
 * template (tmpl non-NULL), or the major-incident notice when the ticket
 * joined an open major incident.  `in` is the message answered. */
int	 notify_ticket_created(struct desk *, const struct ticket *,
	    const struct message *in, const struct guard_verdict *,
	    const char *tmpl, char **cause);
/* A new ticket from the CLI (phone, walk-in, web): acknowledgement. */
int	 notify_ticket_logged(struct desk *, const struct ticket *,
	    char **cause);
/* Tells agents of the ticket's queue (or all agents) about a new ticket. */
int	 notify_agents_new(struct desk *, const struct ticket *, char **cause);
/* Status change made by an agent or the CLI: the status-change notice,
 * or the "resolved" one with its satisfaction question. */
int	 notify_status_change(struct desk *, const struct ticket *,
	    const char *old_status, char **cause);
/* Any named template to one recipient about a ticket (major-incident
 * notices, escalations).  auto_generated: 1 for notices that answer no
 * message (Auto-Submitted: auto-generated). */
int	 notify_send(struct desk *, const struct ticket *, const char *tmpl,
	    const char *to, int auto_generated, char **cause);

/* ---- additions (outbound engineer) ---- */

/* An agent's public answer (by mail or CLI) to the requester: the
 * agent-update template with message.body = body, agent.name = agent
 * (a name or address; NULL = the assignee).  Not automatic mail: no
 * Auto-Submitted header, no daily cap. */
int	 notify_agent_update(struct desk *, const struct ticket *,
	    const char *agent, const char *body, char **cause);

/* notify_send() with extra template variables (sla.due, supplier.name,
 * message.body...): names must be known to the templates (template.h). */
struct notify_var {
	const char *name;
	const char *value;
};
int	 notify_send_vars(struct desk *, const struct ticket *,
	    const char *tmpl, const char *to, int auto_generated,
	    const struct notify_var *, size_t, char **cause);

#endif
