/* SPDX-License-Identifier: ISC */
/* The outbox pass: due mail to SMTP, results back into the store. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "desk.h"
#include "guichet.h"
#include "log.h"
#include "outbox.h"
#include "smtp.h"
#include "store.h"

#define OUTBOX_BATCH 100

time_t
outbox_backoff(int attempts)
{
	if (attempts < 1)
		attempts = 1;
	if (attempts > 7)
		return 3600;
	return (time_t)60 << (attempts - 1) > 3600 ? 3600 :
	    (time_t)60 << (attempts - 1);
}

/* A permanent failure: the row and the ticket's event in one commit. */
static int
record_failure(struct desk *d, const struct store_outbox_row *r,
    const char *error, char **cause)
{
	struct store_event ev = {
		.ticket_id = r->ticket_id,
		.at = d->now,
		.actor = "system",
		.event = "delivery-failure",
	};
	char *detail;
	int rc;

	if (store_begin(d->store, cause) == -1)
		return -1;
	if (store_outbox_fail(d->store, r->id, d->now, error, cause) == -1)
		goto fail;
	if (r->ticket_id != 0) {
		detail = xasprintf("to=%s msgid=<%s> %s", r->rcpt,
		    r->message_id, error);
		ev.detail = detail;
		rc = store_event_add(d->store, &ev, cause);
		free(detail);
		if (rc == -1)
			goto fail;
	}
	return store_commit(d->store, cause);
fail:
	store_rollback(d->store);
	return -1;
}

static int
record_temporary(struct desk *d, const struct store_outbox_row *r,
    const char *error, struct outbox_stats *st, char **cause)
{
	time_t max_age = d->conf->outbox_max_age, next;
	char *why;
	int rc;

	if (max_age > 0 && d->now - r->created_at >= max_age) {
		why = xasprintf("gave up after %d attempts: %s",
		    r->attempts + 1, error);
		rc = record_failure(d, r, why, cause);
		log_event("outbox=%lld ticket=%lld event=failed to=%s "
		    "attempts=%d error=%s", (long long)r->id,
		    (long long)r->ticket_id, log_safe(r->rcpt),
		    r->attempts + 1, log_safe(why));
		free(why);
		st->failed++;
		return rc;
	}
	next = d->now + outbox_backoff(r->attempts + 1);
	if (store_outbox_defer(d->store, r->id, next, error, cause) == -1)
		return -1;
	log_event("outbox=%lld ticket=%lld event=deferred to=%s attempts=%d "
	    "next=%lld error=%s", (long long)r->id, (long long)r->ticket_id,
	    log_safe(r->rcpt), r->attempts + 1, (long long)next,
	    log_safe(error));
	st->retried++;
	return 0;
}

static int
record(struct desk *d, const struct store_outbox_row *r,
    const struct smtp_reply *rep, struct outbox_stats *st, char **cause)
{
	switch (rep->result) {
	case SMTP_SENT:
		if (store_outbox_sent(d->store, r->id, d->now, cause) == -1)
			return -1;
		log_event("outbox=%lld ticket=%lld event=sent to=%s msgid=<%s> "
		    "template=%s", (long long)r->id, (long long)r->ticket_id,
		    log_safe(r->rcpt), log_safe(r->message_id),
		    log_safe(r->template));
		st->sent++;
		return 0;
	case SMTP_PERMFAIL:
		log_event("outbox=%lld ticket=%lld event=failed to=%s "
		    "error=%s", (long long)r->id, (long long)r->ticket_id,
		    log_safe(r->rcpt), log_safe(rep->text));
		st->failed++;
		return record_failure(d, r, rep->text, cause);
	case SMTP_TEMPFAIL:
		break;
	}
	return record_temporary(d, r, rep->text, st, cause);
}

/* One batch; *stop is set when the session failed (the rest of the queue
 * is then left for a later pass) or when the batch was short. */
static int
flush_batch(struct desk *d, struct smtp **smtp, size_t max,
    struct outbox_stats *st, size_t *done, int *stop, char **cause)
{
	struct store_outbox_row *rows;
	struct smtp_reply rep;
	size_t n, i;
	int rc = 0;

	if (store_outbox_due(d->store, d->now, max, &rows, &n, cause) == -1)
		return -1;
	*stop = n < max;
	for (i = 0; i < n && rc == 0; i++) {
		if (*smtp == NULL)
			*smtp = smtp_new(d->conf);
		smtp_send(*smtp, rows[i].mail_from, rows[i].rcpt, rows[i].raw,
		    rows[i].raw_len, &rep);
		rc = record(d, &rows[i], &rep, st, cause);
		if (rep.session && rep.result != SMTP_SENT) {
			/* The others would meet the same server: defer them
			 * too, as attempts of this pass, without a try. */
			for (i++; i < n && rc == 0; i++)
				rc = record_temporary(d, &rows[i], rep.text, st,
				    cause);
			*stop = 1;
		}
		free(rep.text);
	}
	*done += n;
	store_outbox_rows_free(rows, n);
	return rc;
}

int
outbox_flush(struct desk *d, size_t max, struct outbox_stats *st,
    char **cause)
{
	struct smtp *smtp = NULL;
	size_t done = 0, batch;
	int stop = 0, rc = 0;

	memset(st, 0, sizeof(*st));
	if (d->conf->smtp_url == NULL || *d->conf->smtp_url == '\0') {
		log_debug("outbox: no [smtp] url, nothing sent");
		return 0;
	}
	while (rc == 0 && !stop && done < max) {
		batch = max - done < OUTBOX_BATCH ? max - done : OUTBOX_BATCH;
		rc = flush_batch(d, &smtp, batch, st, &done, &stop, cause);
	}
	smtp_free(smtp);
	return rc;
}

int
outbox_retry(struct desk *d, int64_t id, char **cause)
{
	int found;

	if (store_outbox_requeue(d->store, id, d->now, &found, cause) == -1)
		return -1;
	if (found == 0) {
		*cause = xasprintf("no mail %lld in the outbox", (long long)id);
		return -1;
	}
	if (found == -1) {
		*cause = xasprintf("mail %lld was already sent",
		    (long long)id);
		return -1;
	}
	log_event("outbox=%lld event=requeued", (long long)id);
	return 0;
}
