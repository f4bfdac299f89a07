/* SPDX-License-Identifier: ISC */
/*
 * One notice from template to outbox row: render, pick and check the
 * recipients, compose, record the outgoing message on the ticket (so that
 * answers thread), queue.  Everything happens in the caller's transaction.
 * A notice that must not go (a suppressed or own address, the daily cap)
 * is a logged decision, not an error: the change that caused it stands.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "desk.h"
#include "guichet.h"
#include "log.h"
#include "mail-compose.h"
#include "mime.h"
#include "notify-int.h"
#include "store.h"
#include "template.h"
#include "ticket.h"

#define MAX_REFERENCES 10

struct parts {
	struct rendered	 r;
	struct mail_addr *to, *cc;
	size_t		 nto, ncc;
	char		*subject;
	char		**refs;		/* ids for References */
	size_t		 nrefs;
	const char	*in_reply_to;
	char		*rcpt;		/* envelope recipients */
	char		*to_list;	/* for the messages row */
};

static void
skip(const struct notice *n, const char *to, const char *why)
{
	log_event("ticket=%lld event=notice template=%s to=<%s> "
	    "decision=skipped reason=%s", (long long)n->t->id,
	    log_safe(n->tmpl), log_safe(to != NULL ? to : ""), why);
}

/* Drops the desk's own addresses and suppressed ones.  0, or -1. */
static int
filter(struct desk *d, const struct notice *n, struct mail_addr *v,
    size_t *nv, char **cause)
{
	size_t i = 0;
	enum tri s;

	while (i < *nv) {
		const char *why = NULL;
		if (conf_is_desk_address(d->conf, v[i].addr))
			why = "own-address";
		else if ((s = store_suppressed(d->store, v[i].addr, cause)) ==
		    TRI_LATER)
			return -1;
		else if (s == TRI_YES)
			why = "suppressed";
		if (why == NULL) {
			i++;
			continue;
		}
		skip(n, v[i].addr, why);
		free(v[i].name);
		free(v[i].addr);
		memmove(&v[i], &v[i + 1], (*nv - i - 1) * sizeof(*v));
		(*nv)--;
	}
	return 0;
}

static int
recipients(struct desk *d, const struct notice *n, struct parts *p,
    char **cause)
{
	const struct ticket *t = n->t;
	char *err = NULL;

	if (n->to != NULL || *p->r.to == '\0') {
		if (n->to == NULL) {
			p->to = xcalloc(1, sizeof(*p->to));
			p->to[0].name = t->requester_name != NULL ?
			    xstrdup(t->requester_name) : NULL;
			p->to[0].addr = str_lower(xstrdup(t->requester));
			p->nto = 1;
		} else if (mail_parse_addrs(n->to, &p->to, &p->nto, &err) == -1)
			goto bad;
	} else if (mail_parse_addrs(p->r.to, &p->to, &p->nto, &err) == -1)
		goto bad;
	if (*p->r.cc != '\0' &&
	    mail_parse_addrs(p->r.cc, &p->cc, &p->ncc, &err) == -1)
		goto bad;
	if (filter(d, n, p->to, &p->nto, cause) == -1 ||
	    filter(d, n, p->cc, &p->ncc, cause) == -1)
		return -1;
	return 0;
bad:
	log_warn("ticket %lld: template %s: %s", (long long)t->id, n->tmpl,
	    err);
	skip(n, n->to, "bad-address");
	free(err);
	p->nto = 0;
	return 0;
}

/* The ids of the ticket's thread, oldest first; mail to the requester
 * leaves out the internal messages (agents' notices, notes). */
static int
thread_ids(struct desk *d, const struct notice *n, int staff, char ***out,
    size_t *nout, char **cause)
{
	struct store_message_row *v;
	size_t nv;

	*out = NULL;
	*nout = 0;
	if (store_message_list(d->store, n->t->id, &v, &nv, cause) == -1)
		return -1;
	for (size_t i = 0; i < nv; i++) {
		if (v[i].message_id == NULL || (v[i].internal && !staff))
			continue;
		*out = xreallocarray(*out, *nout + 1, sizeof(**out));
		(*out)[(*nout)++] = xstrdup(v[i].message_id);
	}
	store_message_rows_free(v, nv);
	return 0;
}

/* In-Reply-To and References: the message answered and its thread, or
 * the ticket's thread (first message and the latest ones). */
static int
thread(struct desk *d, const struct notice *n, struct parts *p, int staff,
    char **cause)
{
	const struct message *in = n->in;
	char **ids;
	size_t nids, from;

	if (in != NULL && in->message_id != NULL) {
		from = in->nreferences > MAX_REFERENCES - 1 ?
		    in->nreferences - (MAX_REFERENCES - 1) : 0;
		p->refs = xcalloc(MAX_REFERENCES, sizeof(*p->refs));
		for (size_t i = from; i < in->nreferences; i++)
			p->refs[p->nrefs++] = xstrdup(in->references[i]);
		p->refs[p->nrefs++] = xstrdup(in->message_id);
		p->in_reply_to = in->message_id;
		return 0;
	}
	if (thread_ids(d, n, staff, &ids, &nids, cause) == -1)
		return -1;
	p->refs = xcalloc(MAX_REFERENCES, sizeof(*p->refs));
	for (size_t i = 0; i < nids; i++) {
		if (i == 0 || i + MAX_REFERENCES - 1 >= nids)
			p->refs[p->nrefs++] = ids[i];
		else
			free(ids[i]);
	}
	free(ids);
	if (p->nrefs > 0)
		p->in_reply_to = p->refs[p->nrefs - 1];
	return 0;
}

static char *
join(const struct mail_addr *a, size_t na, const struct mail_addr *b,
    size_t nb, const char *sep)
{
	struct buf s;

	buf_init(&s);
	for (size_t i = 0; i < na + nb; i++) {
		if (i > 0)
			buf_adds(&s, sep);
		buf_adds(&s, i < na ? a[i].addr : b[i - na].addr);
	}
	return buf_steal(&s);
}

/* The daily cap of automatic answers: TRI_YES when under it. */
static enum tri
under_cap(struct desk *d, const char *addr, char **cause)
{
	int64_t count;

	if (d->conf->autoreply_limit <= 0)
		return TRI_NO;
	if (store_autoreply_count(d->store, addr, d->now - 86400, &count,
	    cause) == -1)
		return TRI_LATER;
	return count < d->conf->autoreply_limit ? TRI_YES : TRI_NO;
}

static void
subject(struct desk *d, const struct notice *n, struct parts *p)
{
	char *ref = ticket_ref(d->conf->ref_prefix, n->t->id);
	char *tag = xasprintf("[%s]", ref);

	if (strstr(p->r.subject, tag) != NULL)
		p->subject = xstrdup(p->r.subject);
	else
		p->subject = xasprintf("%s %s", tag, p->r.subject);
	free(tag);
	free(ref);
}

static void
mail_from(const struct conf *c, struct mail_addr *from)
{
	struct mail_addr *v;
	size_t n;
	char *err = NULL;

	if (mail_parse_addrs(c->smtp_from, &v, &n, &err) == 0 && n > 0) {
		*from = v[0];
		memset(&v[0], 0, sizeof(v[0]));
		mail_addrs_free(v, n);
		return;
	}
	if (n == 0)
		free(v);
	free(err);
	from->name = xstrdup(c->desk_name);
	from->addr = xstrdup(c->desk_address);
}

static const char *
domain_of(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at != NULL ? at + 1 : "localhost";
}

/* The message row (so that replies thread) and the outbox row. */
static int
record(struct desk *d, const struct notice *n, struct parts *p,
    const struct buf *raw, const char *msgid, int64_t *qid, char **cause)
{
	const struct conf *c = d->conf;
	char *refs = xstrdup("");
	struct store_message_in in = {
		.ticket_id = n->t->id, .direction = "out",
		.kind = n->counts ? "autoreply" : n->auto_submitted != NULL ?
		    "notice" : "mail",
		.source = "outbox", .now = d->now,
		.internal = n->t->requester == NULL ||
		    strcmp(p->to[0].addr, n->t->requester) != 0,
	};
	struct store_message_local l = {
		.message_id = msgid, .from_addr = c->desk_address,
		.from_name = c->desk_name, .to_addrs = p->to_list,
		.subject = p->subject, .body = p->r.body,
		.in_reply_to = p->in_reply_to, .raw = raw->data,
		.raw_len = raw->len,
	};
	struct store_outbox_in q = {
		.ticket_id = n->t->id, .template = n->tmpl,
		.is_auto = n->auto_submitted != NULL,
		.mail_from = c->desk_address, .rcpt = p->rcpt,
		.message_id = msgid, .raw = raw->data, .raw_len = raw->len,
		.now = d->now,
	};
	int rc;

	for (size_t i = 0; i < p->nrefs; i++) {
		char *s = xasprintf("%s%s%s", refs, i > 0 ? " " : "",
		    p->refs[i]);
		free(refs);
		refs = s;
	}
	l.references = *refs != '\0' ? refs : NULL;
	rc = store_message_insert_local(d->store, &in, &l, &q.message_row,
	    cause);
	free(refs);
	if (rc == -1 || store_outbox_insert(d->store, &q, qid, cause) == -1)
		return -1;
	if (n->counts)
		return store_autoreply_add(d->store, p->to[0].addr, d->now,
		    cause);
	return 0;
}

static int
compose_and_queue(struct desk *d, const struct notice *n, struct parts *p,
    char **cause)
{
	const struct conf *c = d->conf;
	struct mail_out m = {
		.reply_to = { .name = c->desk_name, .addr = c->desk_address },
		.to = p->to, .nto = p->nto, .cc = p->cc, .ncc = p->ncc,
		.subject = p->subject, .in_reply_to = p->in_reply_to,
		.references = p->refs, .nreferences = p->nrefs,
		.auto_submitted = n->auto_submitted, .loop = c->desk_address,
		.language = p->r.lang, .body = p->r.body, .date = d->now,
		.domain = domain_of(c->desk_address),
	};
	char *msgid = NULL, *err = NULL;
	struct buf raw;
	int64_t qid;
	int rc = 0;

	mail_from(c, &m.from);
	buf_init(&raw);
	if (mail_compose(&m, &raw, &msgid, &err) == -1) {
		log_warn("ticket %lld: template %s: %s", (long long)n->t->id,
		    n->tmpl, err);
		skip(n, p->to[0].addr, "bad-address");
		free(err);
	} else if ((rc = record(d, n, p, &raw, msgid, &qid, cause)) == 0)
		log_event("ticket=%lld event=notice template=%s lang=%s "
		    "to=<%s> outbox=%lld msgid=<%s> decision=queued",
		    (long long)n->t->id, log_safe(n->tmpl),
		    log_safe(p->r.lang), log_safe(p->rcpt), (long long)qid,
		    log_safe(msgid));
	free(m.from.name);
	free(m.from.addr);
	free(msgid);
	buf_free(&raw);
	return rc;
}

static void
parts_free(struct parts *p)
{
	rendered_free(&p->r);
	mail_addrs_free(p->to, p->nto);
	mail_addrs_free(p->cc, p->ncc);
	for (size_t i = 0; i < p->nrefs; i++)
		free(p->refs[i]);
	free(p->refs);
	free(p->subject);
	free(p->rcpt);
	free(p->to_list);
}

/* Who the mail is for, as far as it is known before rendering: the
 * address given by the caller ("Name <addr>" or addr), else the requester. */
static void
recipient_vars(const struct notice *n, struct tvars *tv)
{
	const char *req = n->t->requester != NULL ? n->t->requester : "";
	struct mail_addr *v = NULL;
	size_t nv = 0;
	char *err = NULL;

	if (n->to == NULL) {
		tvars_set(tv, "recipient.address", req);
		tvars_set(tv, "recipient.name", n->t->requester_name);
		tvars_set(tv, "recipient.staff", *req == '\0' ? "1" : NULL);
		return;
	}
	if (mail_parse_addrs(n->to, &v, &nv, &err) == -1)
		free(err);
	tvars_set(tv, "recipient.address", nv > 0 ? v[0].addr : n->to);
	tvars_set(tv, "recipient.name", nv > 0 ? v[0].name : NULL);
	tvars_set(tv, "recipient.staff", nv == 0 || *req == '\0' ||
	    !str_ieq(v[0].addr, req) ? "1" : NULL);
	mail_addrs_free(v, nv);
}

int
notice_queue(struct desk *d, struct notice *n, char **cause)
{
	const char *lang = n->lang;
	struct parts p;
	char *err = NULL;
	enum tri cap;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	if (d->templates == NULL) {
		*cause = xstrdup("notice: templates are not loaded");
		return -1;
	}
	if (lang == NULL)
		lang = n->t->language != NULL ? n->t->language :
		    d->conf->language;
	recipient_vars(n, n->vars);
	if (template_render(d->templates, lang, n->tmpl, n->vars, &p.r,
	    &err) == -1) {
		log_warn("ticket %lld: %s", (long long)n->t->id, err);
		skip(n, n->to, "no-template");
		free(err);
		return 0;
	}
	if (n->to == NULL && *p.r.to == '\0' && (n->t->requester == NULL ||
	    *n->t->requester == '\0')) {
		skip(n, NULL, "no-recipient");
		rc = 0;
		goto out;
	}
	if (recipients(d, n, &p, cause) == -1)
		goto out;
	rc = 0;
	if (p.nto == 0)
		goto out;
	if (n->counts) {
		if ((cap = under_cap(d, p.to[0].addr, cause)) == TRI_LATER) {
			rc = -1;
			goto out;
		}
		if (cap == TRI_NO) {
			skip(n, p.to[0].addr, "daily-cap");
			goto out;
		}
	}
	subject(d, n, &p);
	p.rcpt = join(p.to, p.nto, p.cc, p.ncc, " ");
	p.to_list = join(p.to, p.nto, NULL, 0, ", ");
	if (thread(d, n, &p, tvars_get(n->vars, "recipient.staff") != NULL,
	    cause) == -1) {
		rc = -1;
		goto out;
	}
	rc = compose_and_queue(d, n, &p, cause);
out:
	parts_free(&p);
	return rc;
}
