/* SPDX-License-Identifier: ISC */
/*
 * The intake pipeline: one message, one savepoint.  parse -> dedupe ->
 * guard -> thread -> rules -> ticket -> store -> notices.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "bounce.h"
#include "conf.h"
#include "desk.h"
#include "guard.h"
#include "guichet.h"
#include "intake.h"
#include "log.h"
#include "major.h"
#include "mime.h"
#include "notify.h"
#include "rules.h"
#include "store.h"
#include "thread.h"
#include "ticket.h"

static const char *const status_names[] = { "new", "appended",
    "duplicate", "dropped", "bounce", "not-mail" };

const char *
intake_status_name(enum intake_status s)
{
	return status_names[s];
}

/* Set when an attachment could not be written for a reason that passes. */
static int attach_tempfail;

static int
save_attachments(struct desk *d, const struct message *m, char **cause)
{
	if (attach_save_all(d->conf->attachments, m->attachments,
	    m->nattachments, cause) == -1) {
		attach_tempfail = errno == ENOSPC || errno == EDQUOT ||
		    errno == EIO || errno == EAGAIN;
		return -1;
	}
	return 0;
}

static int
store_incoming(struct desk *d, const struct ticket *t, const struct message *m,
    const struct intake_source *src, const char *kind, char **cause)
{
	struct store_message_in in = {
		.ticket_id = t->id, .direction = "in", .kind = kind,
		.source = src->name, .now = d->now,
	};
	int64_t id;

	if (save_attachments(d, m, cause) == -1)
		return -1;
	return store_message_insert(d->store, &in, m, &id, cause);
}

static char *
actor_of(const struct message *m)
{
	return xasprintf("mail:%s", *m->from.addr ? m->from.addr : "unknown");
}

/* A reply to a ticket that is not closed: kept, and a user's reply to a
 * resolved ticket reopens it (an out-of-office reply changes nothing). */
static int
append_reply(struct desk *d, struct ticket *t, const struct message *m,
    const struct guard_verdict *v, const struct intake_source *src,
    char **cause)
{
	char *actor = actor_of(m);
	struct store_event e = { .ticket_id = t->id, .at = d->now,
	    .actor = actor, .event = v->is_autoreply ? "autoreply" : "message",
	    .detail = m->message_id };
	int rc = -1;

	if (store_incoming(d, t, m, src, v->is_autoreply ? "autoreply" :
	    "mail", cause) == -1 || store_event_add(d->store, &e, cause) == -1)
		goto out;
	if (!v->is_autoreply && strcmp(t->status, "resolved") == 0) {
		if (ticket_change(d, t, "status", "open", actor, cause) == -1)
			goto out;
	} else {
		t->updated_at = d->now;
		if (store_ticket_touch(d->store, t->id, d->now, cause) == -1)
			goto out;
	}
	rc = 0;
out:
	free(actor);
	return rc;
}

/*
 * The "resolved" notice asks for a score from 1 to 5 on the first line of
 * the answer: such an answer rates the ticket and must not reopen it.
 * Returns the score, or 0 when the first line is not one.
 */
int
intake_satisfaction_score(const char *text)
{
	const char *p = text;
	int score;

	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p < '1' || *p > '5')
		return 0;
	score = *p++ - '0';
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '/' && p[1] == '5')
		p += 2;
	while (*p == ' ' || *p == '\t' || *p == '.' || *p == '!' ||
	    *p == '\r')
		p++;
	return (*p == '\0' || *p == '\n') ? score : 0;
}

static int
record_score(struct desk *d, struct ticket *t, const struct message *m,
    const struct intake_source *src, int score, char **cause)
{
	char *actor = actor_of(m), value[2] = { (char)('0' + score), '\0' };
	struct store_event e = { .ticket_id = t->id, .at = d->now,
	    .actor = actor, .event = "satisfaction", .new_value = value,
	    .detail = m->message_id };
	int rc;

	rc = store_incoming(d, t, m, src, "satisfaction", cause);
	if (rc == 0)
		rc = store_event_add(d->store, &e, cause);
	if (rc == 0)
		log_event("ticket=%lld event=satisfaction score=%d from=<%s>",
		    (long long)t->id, score, log_safe(m->from.addr));
	free(actor);
	return rc;
}

static void
fill_ticket(struct desk *d, struct ticket *t, const struct message *m,
    const struct rules_outcome *o, const struct intake_source *src)
{
	char *requester = str_lower(xstrdup(m->from.addr));

	t->subject = thread_clean_subject(m->subject, d->conf->ref_prefix);
	ticket_set(&t->type, o->type);
	ticket_set(&t->status, "new");
	ticket_set(&t->priority, o->priority);
	ticket_set(&t->impact, o->impact);
	ticket_set(&t->urgency, o->urgency);
	ticket_set(&t->category, o->category);
	ticket_set(&t->queue, o->queue ? o->queue :
	    (src->queue && *src->queue ? src->queue : NULL));
	ticket_set(&t->assignee, o->assignee);
	ticket_set(&t->client, o->client ? o->client :
	    (src->client && *src->client ? src->client : NULL));
	ticket_set(&t->language, o->language);
	ticket_set(&t->channel, "email");
	t->requester = requester;
	ticket_set(&t->requester_name, *m->from.name ? m->from.name : NULL);
	ticket_set(&t->major_rule, o->major_candidate ? o->candidate_rule :
	    NULL);
	for (size_t i = 0; i < o->ntags; i++)
		ticket_add_tag(t, o->tags[i]);
	t->created_at = t->updated_at = d->now;
}

static char *
matched_list(const struct rules_outcome *o)
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < o->nmatched; i++) {
		if (i > 0)
			buf_addc(&b, ',');
		buf_adds(&b, o->matched[i]);
	}
	return buf_steal(&b);
}

static int
create_ticket(struct desk *d, const struct message *m,
    const struct guard_verdict *v, const struct rules_outcome *o,
    const struct intake_source *src, int64_t linked, int64_t *id,
    char **cause)
{
	struct ticket *t = ticket_new();
	char *actor = actor_of(m), *rules = matched_list(o);
	struct store_event e = { .at = d->now, .actor = actor,
	    .event = "create", .detail = *rules ? rules : NULL };
	int64_t joined = 0;
	int rc = -1;

	fill_ticket(d, t, m, o, src);
	t->linked_id = linked;
	if (major_find_parent(d, t, o->major, o->major_candidate, cause) == -1 ||
	    store_ticket_insert(d->store, t, cause) == -1)
		goto out;
	e.ticket_id = *id = t->id;
	if (store_event_add(d->store, &e, cause) == -1 ||
	    store_incoming(d, t, m, src, v->is_autoreply ? "autoreply" :
	    "mail", cause) == -1)
		goto out;
	log_event("ticket=%lld event=open rule=%s from=<%s> msgid=<%s>%s",
	    (long long)t->id, *rules ? rules : "-", log_safe(m->from.addr),
	    log_safe(m->message_id), linked ? " linked=closed-ticket" : "");
	if (major_on_new_ticket(d, t, o->major, o->major_candidate, &joined,
	    cause) == -1)
		goto out;
	if (notify_ticket_created(d, t, m, v, o->reply, cause) == -1 ||
	    notify_agents_new(d, t, cause) == -1)
		goto out;
	rc = 0;
out:
	free(rules);
	free(actor);
	ticket_free(t);
	return rc;
}

void
intake_classify(const struct rules *rs, const struct conf *conf,
    const struct message *m, struct rules_outcome *o)
{
	memset(o, 0, sizeof(*o));
	if (rs != NULL)
		rules_eval(rs, m, o, NULL);
	rules_outcome_finish(o, conf);
}

/* verdict: the rules' outcome computed ahead, or NULL. */
static int
new_or_linked(struct desk *d, const struct message *m,
    const struct rules_outcome *verdict, const struct guard_verdict *v,
    const struct intake_source *src, int64_t linked,
    struct intake_result *res, char **cause)
{
	struct rules_outcome mine;
	const struct rules_outcome *o = verdict;
	int rc = 0;

	if (o == NULL) {
		intake_classify(d->rules, d->conf, m, &mine);
		o = &mine;
	}
	if (o->drop) {
		log_event("event=drop rule=%s from=<%s> msgid=<%s>",
		    o->nmatched ? log_safe(o->matched[o->nmatched - 1]) : "-",
		    log_safe(m->from.addr), log_safe(m->message_id));
		res->status = INTAKE_DROPPED;
	} else {
		rc = create_ticket(d, m, v, o, src, linked, &res->ticket_id,
		    cause);
		if (rc == 0)
			res->status = INTAKE_NEW;
	}
	if (o == &mine)
		rules_outcome_free(&mine);
	return rc;
}

static int
threaded(struct desk *d, const struct message *m,
    const struct rules_outcome *verdict, const struct guard_verdict *v,
    const struct intake_source *src, int64_t id, enum thread_how how,
    struct intake_result *res, char **cause)
{
	struct ticket *t;
	int rc, score;

	if (store_ticket_get(d->store, id, &t, cause) == -1)
		return -1;
	log_event("ticket=%lld thread=%s msgid=<%s>", (long long)id,
	    thread_how_name(how), log_safe(m->message_id));
	if ((strcmp(t->status, "resolved") == 0 ||
	    strcmp(t->status, "closed") == 0) &&
	    (score = intake_satisfaction_score(m->body_new)) > 0) {
		rc = record_score(d, t, m, src, score, cause);
		ticket_free(t);
		res->status = INTAKE_APPENDED;
		res->ticket_id = id;
		return rc;
	}
	if (strcmp(t->status, "closed") == 0) {
		/* A closed ticket stays closed: the reply opens a new ticket
		 * that points back at it. */
		ticket_free(t);
		return new_or_linked(d, m, verdict, v, src, id, res, cause);
	}
	rc = append_reply(d, t, m, v, src, cause);
	ticket_free(t);
	res->status = INTAKE_APPENDED;
	res->ticket_id = id;
	return rc;
}

static int
route(struct desk *d, const struct message *m,
    const struct rules_outcome *verdict, const struct intake_source *src,
    struct intake_result *res, char **cause)
{
	struct guard_verdict v;
	enum thread_how how;
	int64_t id = 0;
	enum tri r;

	r = store_message_seen(d->store, m->message_id, m->sha256, &id, cause);
	if (r == TRI_LATER)
		return -1;
	if (r == TRI_YES) {
		log_event("ticket=%lld event=duplicate msgid=<%s> sha256=%.16s",
		    (long long)id, log_safe(m->message_id), m->sha256);
		res->status = INTAKE_DUPLICATE;
		res->ticket_id = id;
		return 0;
	}
	guard_classify(d->conf, m, &v);
	if (v.is_bounce) {
		/* A bounce kept on its ticket keeps its attachment rows: their
		 * files first, as for any message. */
		res->status = INTAKE_BOUNCE;
		if (save_attachments(d, m, cause) == -1)
			return -1;
		return bounce_record(d, m, &res->ticket_id, cause);
	}
	if ((r = thread_find(d, m, &id, &how, cause)) == TRI_LATER)
		return -1;
	if (r == TRI_YES)
		return threaded(d, m, verdict, &v, src, id, how, res, cause);
	return new_or_linked(d, m, verdict, &v, src, 0, res, cause);
}

void
intake_not_mail(const struct intake_source *src, size_t len,
    struct intake_result *res)
{
	memset(res, 0, sizeof(*res));
	log_event("event=not-mail source=%s size=%zu", log_safe(src->name),
	    len);
	res->status = INTAKE_NOT_MAIL;
}

int
intake_parsed(struct desk *d, const struct message *m,
    const struct rules_outcome *verdict, const struct intake_source *src,
    struct intake_result *res, char **cause)
{
	int rc;

	memset(res, 0, sizeof(*res));
	if (m->warnings != NULL)
		log_info("source=%s msgid=<%s> parse warnings: %s",
		    log_safe(src->name), log_safe(m->message_id),
		    log_safe(m->warnings));
	if (!src->grouped && store_savepoint(d->store, STORE_SP_MESSAGE,
	    cause) == -1) {
		res->temporary = store_temporary(d->store);
		return -1;
	}
	attach_tempfail = 0;
	rc = route(d, m, verdict, src, res, cause);
	if (rc == 0 && !src->grouped)
		rc = store_release(d->store, STORE_SP_MESSAGE, cause);
	if (rc == -1) {
		res->temporary = attach_tempfail || store_temporary(d->store);
		if (!src->grouped)
			store_rollback_savepoint(d->store, STORE_SP_MESSAGE);
	}
	return rc;
}

int
intake_message(struct desk *d, const char *raw, size_t len,
    const struct intake_source *src, struct intake_result *res, char **cause)
{
	struct message *m;
	int rc;

	if (mime_parse(raw, len, &m) == -1) {
		intake_not_mail(src, len, res);
		return 0;
	}
	rc = intake_parsed(d, m, NULL, src, res, cause);
	message_free(m);
	return rc;
}

static size_t
header_end(const char *raw, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (raw[i] == '\n' && raw[i + 1] == '\n')
			return i + 1;
		if (raw[i] == '\n' && raw[i + 1] == '\r' && i + 2 < len &&
		    raw[i + 2] == '\n')
			return i + 1;
	}
	return len;
}

int
intake_oversized(struct desk *d, const char *raw, size_t len, size_t size,
    size_t limit, const struct intake_source *src, struct intake_result *res,
    char **cause)
{
	size_t hlen = header_end(raw, len);
	struct buf b;
	int rc;

	buf_init(&b);
	buf_add(&b, raw, hlen);
	buf_printf(&b, "\n[guichet: this message was %zu bytes, over the "
	    "limit of %zu bytes (max_message_size); its headers are kept, its "
	    "body and attachments were not stored.  Ask the sender for a "
	    "smaller message or a link.]\n", size, limit);
	log_event("event=oversized source=%s size=%zu limit=%zu",
	    log_safe(src->name), size, limit);
	rc = intake_message(d, b.data, b.len, src, res, cause);
	buf_free(&b);
	return rc;
}
