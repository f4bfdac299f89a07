/* SPDX-License-Identifier: ISC */
/*
 * Bounces of the desk's own mail.  The returned message is found by its
 * Message-ID: the DSN's, then the bounce's In-Reply-To and References,
 * then any id on the desk's domain quoted in the bounce (bounces without a
 * delivery-status part return the original as text).  A permanent failure
 * (status 5.x.x, or none given) suppresses the recipient; a delay (4.x.x)
 * is only recorded.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bounce.h"
#include "conf.h"
#include "desk.h"
#include "guichet.h"
#include "log.h"
#include "mime.h"
#include "store.h"

struct origin {
	int64_t	 ticket_id;
	int64_t	 outbox_id;	/* 0: not sent by the outbox */
	char	*rcpt;		/* the outbox row's recipients */
	char	*msgid;
};

/* TRI_YES when id is a message of some ticket (the desk's, normally). */
static enum tri
try_id(struct desk *d, const char *id, struct origin *o, char **cause)
{
	enum tri t;

	if (id == NULL || *id == '\0')
		return TRI_NO;
	t = store_ticket_by_message_id(d->store, id, &o->ticket_id, cause);
	if (t != TRI_YES)
		return t;
	o->msgid = xstrdup(id);
	if (store_outbox_by_message_id(d->store, id, &o->outbox_id, &o->rcpt,
	    cause) == TRI_LATER)
		return TRI_LATER;
	return TRI_YES;
}

/* Ids "<...@domain>" quoted anywhere in text. */
static enum tri
scan_ids(struct desk *d, const char *text, size_t len, const char *domain,
    struct origin *o, char **cause)
{
	char *pat = xasprintf("@%s>", domain), *id;
	const char *p = text, *end = text + len, *hit, *lt;
	size_t plen = strlen(pat);
	enum tri t = TRI_NO;

	while (t == TRI_NO && p < end &&
	    (hit = memmem(p, (size_t)(end - p), pat, plen)) != NULL) {
		for (lt = hit; lt > text && hit - lt < 250 && lt[-1] != '<' &&
		    (unsigned char)lt[-1] > ' '; lt--)
			;
		if (lt > text && lt[-1] == '<' && lt < hit) {
			id = xstrndup(lt, (size_t)(hit - lt) + plen - 1);
			t = try_id(d, id, o, cause);
			free(id);
		}
		p = hit + plen;
	}
	free(pat);
	return t;
}

static enum tri
find_origin(struct desk *d, const struct message *m, struct origin *o,
    char **cause)
{
	const char *at = strrchr(d->conf->desk_address, '@');
	enum tri t;

	if ((t = try_id(d, m->dsn_original_id, o, cause)) != TRI_NO)
		return t;
	if ((t = try_id(d, m->in_reply_to, o, cause)) != TRI_NO)
		return t;
	for (size_t i = m->nreferences; i > 0; i--)
		if ((t = try_id(d, m->references[i - 1], o, cause)) != TRI_NO)
			return t;
	if (at == NULL || at[1] == '\0')
		return TRI_NO;
	if ((t = scan_ids(d, m->body, strlen(m->body), at + 1, o,
	    cause)) != TRI_NO)
		return t;
	return scan_ids(d, m->raw, m->raw_len, at + 1, o, cause);
}

/* The failed recipient: the DSN's, X-Failed-Recipients, or the only
 * recipient of the returned message.  Lower case, caller frees. */
static char *
failed_rcpt(const struct message *m, const struct origin *o)
{
	const char *v;

	if (m->dsn_recipient != NULL && *m->dsn_recipient != '\0')
		return str_lower(xstrdup(m->dsn_recipient));
	if ((v = message_header(m, "X-Failed-Recipients")) != NULL) {
		v += strspn(v, " \t<");
		if (*v != '\0')
			return str_lower(xstrndup(v, strcspn(v, " \t,>")));
	}
	if (o->rcpt != NULL && strchr(o->rcpt, ' ') == NULL)
		return xstrdup(o->rcpt);
	return NULL;
}

static int
record(struct desk *d, const struct message *m, const struct origin *o,
    const char *rcpt, char **cause)
{
	const char *status = m->dsn_status;
	int permanent = status == NULL || *status != '4';
	struct store_message_in in = {
		.ticket_id = o->ticket_id, .direction = "in", .kind = "bounce",
		.internal = 1, .now = d->now,
	};
	struct store_event ev = {
		.ticket_id = o->ticket_id, .at = d->now, .event = permanent ?
		    "delivery-failure" : "delivery-delayed",
	};
	char *actor, *detail, *why;
	int64_t row;
	int rc;

	if (store_message_insert(d->store, &in, m, &row, cause) == -1)
		return -1;
	actor = xasprintf("mail:%s", m->from.addr);
	detail = xasprintf("rcpt=%s status=%s msgid=<%s>",
	    rcpt != NULL ? rcpt : "?", status != NULL ? status : "?",
	    o->msgid);
	ev.actor = actor;
	ev.detail = detail;
	rc = store_event_add(d->store, &ev, cause);
	free(actor);
	free(detail);
	if (rc == -1 || !permanent)
		return rc;
	why = xasprintf("bounced%s%s%s%s", status != NULL ? ": " : "",
	    status != NULL ? status : "", rcpt != NULL ? " " : "",
	    rcpt != NULL ? rcpt : "");
	if (rcpt != NULL)
		rc = store_suppress(d->store, rcpt, why, o->ticket_id, d->now,
		    cause);
	if (rc == 0 && o->outbox_id != 0)
		rc = store_outbox_bounced(d->store, o->outbox_id, why, cause);
	free(why);
	return rc;
}

int
bounce_record(struct desk *d, const struct message *m, int64_t *ticket_id,
    char **cause)
{
	struct origin o = { 0 };
	char *rcpt = NULL;
	enum tri t;
	int rc = 0;

	*ticket_id = 0;
	if ((t = find_origin(d, m, &o, cause)) == TRI_LATER) {
		rc = -1;
		goto out;
	}
	if (t == TRI_NO) {
		log_event("ticket=0 event=bounce from=<%s> msgid=<%s> "
		    "status=%s action=ignored reason=no-match",
		    log_safe(m->from.addr),
		    log_safe(m->dsn_original_id != NULL ?
		    m->dsn_original_id : ""),
		    log_safe(m->dsn_status != NULL ? m->dsn_status : "?"));
		goto out;
	}
	rcpt = failed_rcpt(m, &o);
	if ((rc = record(d, m, &o, rcpt, cause)) == 0) {
		*ticket_id = o.ticket_id;
		log_event("ticket=%lld event=bounce from=<%s> orig=<%s> "
		    "rcpt=<%s> status=%s action=%s", (long long)o.ticket_id,
		    log_safe(m->from.addr), log_safe(o.msgid),
		    log_safe(rcpt != NULL ? rcpt : ""),
		    log_safe(m->dsn_status != NULL ? m->dsn_status : "?"),
		    m->dsn_status != NULL && *m->dsn_status == '4' ?
		    "recorded" : "suppressed");
	}
out:
	free(rcpt);
	free(o.rcpt);
	free(o.msgid);
	return rc;
}
