/* SPDX-License-Identifier: ISC */
/* The outbox, the daily cap of automatic answers, the suppression list. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "store-int.h"

int
store_outbox_insert(struct store *st, const struct store_outbox_in *in,
    int64_t *id, char **cause)
{
	static const char sql[] = "INSERT INTO outbox (ticket_id, "
	    "message_row, template, auto, mail_from, rcpt, message_id, raw, "
	    "status, attempts, next_attempt_at, created_at) VALUES (?1, ?2, "
	    "?3, ?4, ?5, ?6, ?7, ?8, 'queued', 0, ?9, ?9)";
	sqlite3_stmt *s;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	store_bind_id(s, 1, in->ticket_id);
	store_bind_id(s, 2, in->message_row);
	store_bind_text(s, 3, in->template);
	sqlite3_bind_int(s, 4, in->is_auto);
	store_bind_text(s, 5, in->mail_from);
	store_bind_text(s, 6, in->rcpt);
	store_bind_text(s, 7, in->message_id);
	sqlite3_bind_blob64(s, 8, in->raw, in->raw_len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 9, in->now);
	if (store_step_done(st, s, "queue mail", cause) == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

#define ROW_COLUMNS "o.id, o.ticket_id, o.template, o.mail_from, o.rcpt, " \
	"o.message_id, o.status, m.subject, o.last_error, o.auto, " \
	"o.attempts, o.next_attempt_at, o.created_at, o.sent_at"
#define ROW_FROM " FROM outbox o LEFT JOIN messages m ON m.id = o.message_row"

static void
row_read(sqlite3_stmt *s, struct store_outbox_row *r, int with_raw)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, 0);
	r->ticket_id = sqlite3_column_int64(s, 1);
	r->template = store_col_text(s, 2);
	r->mail_from = store_col_text(s, 3);
	r->rcpt = store_col_text(s, 4);
	r->message_id = store_col_text(s, 5);
	r->status = store_col_text(s, 6);
	r->subject = store_col_text(s, 7);
	r->last_error = store_col_text(s, 8);
	r->is_auto = sqlite3_column_int(s, 9);
	r->attempts = sqlite3_column_int(s, 10);
	r->next_attempt_at = (time_t)sqlite3_column_int64(s, 11);
	r->created_at = (time_t)sqlite3_column_int64(s, 12);
	r->sent_at = (time_t)sqlite3_column_int64(s, 13);
	if (with_raw) {
		r->raw_len = (size_t)sqlite3_column_bytes(s, 14);
		r->raw = xmalloc(r->raw_len + 1);
		if (r->raw_len > 0)
			memcpy(r->raw, sqlite3_column_blob(s, 14), r->raw_len);
		r->raw[r->raw_len] = '\0';
	}
}

static int
rows_read(struct store *st, sqlite3_stmt *s, int with_raw,
    struct store_outbox_row **out, size_t *n, char **cause)
{
	struct store_outbox_row *v = NULL;
	size_t count = 0;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, count + 1, sizeof(*v));
		row_read(s, &v[count++], with_raw);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_outbox_rows_free(v, count);
		return store_fail(st, rc, "outbox", cause);
	}
	*out = v;
	*n = count;
	return 0;
}

int
store_outbox_due(struct store *st, time_t now, size_t limit,
    struct store_outbox_row **out, size_t *n, char **cause)
{
	static const char sql[] = "SELECT " ROW_COLUMNS ", o.raw" ROW_FROM
	    " WHERE o.status = 'queued' AND o.next_attempt_at <= ?1"
	    " ORDER BY o.next_attempt_at, o.id LIMIT ?2";
	sqlite3_stmt *s;

	*out = NULL;
	*n = 0;
	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, limit > INT64_MAX ? INT64_MAX :
	    (int64_t)limit);
	return rows_read(st, s, 1, out, n, cause);
}

int
store_outbox_list(struct store *st, const char *status, size_t limit,
    struct store_outbox_row **out, size_t *n, char **cause)
{
	static const char sql[] = "SELECT " ROW_COLUMNS ROW_FROM
	    " WHERE ?1 IS NULL OR o.status = ?1 ORDER BY o.id DESC"
	    " LIMIT ?2";
	sqlite3_stmt *s;

	*out = NULL;
	*n = 0;
	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, status);
	sqlite3_bind_int64(s, 2, limit == 0 || limit > INT64_MAX ? -1 :
	    (int64_t)limit);
	return rows_read(st, s, 0, out, n, cause);
}

void
store_outbox_rows_free(struct store_outbox_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].template); free(v[i].mail_from); free(v[i].rcpt);
		free(v[i].message_id); free(v[i].status); free(v[i].subject);
		free(v[i].last_error); free(v[i].raw);
	}
	free(v);
}

static int
update(struct store *st, const char *sql, int64_t id, int64_t t,
    const char *text, const char *what, char **cause)
{
	sqlite3_stmt *s;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, t);
	if (sqlite3_bind_parameter_count(s) >= 3)
		store_bind_text(s, 3, text);
	return store_step_done(st, s, what, cause);
}

int
store_outbox_sent(struct store *st, int64_t id, time_t now, char **cause)
{
	static const char sql[] = "UPDATE outbox SET status = 'sent', "
	    "attempts = attempts + 1, sent_at = ?2, last_error = ?3 "
	    "WHERE id = ?1";

	return update(st, sql, id, now, NULL, "outbox sent", cause);
}

int
store_outbox_defer(struct store *st, int64_t id, time_t next,
    const char *error, char **cause)
{
	static const char sql[] = "UPDATE outbox SET attempts = attempts + 1, "
	    "next_attempt_at = ?2, last_error = ?3 WHERE id = ?1";

	return update(st, sql, id, next, error, "outbox defer", cause);
}

int
store_outbox_fail(struct store *st, int64_t id, time_t now,
    const char *error, char **cause)
{
	static const char sql[] = "UPDATE outbox SET status = 'failed', "
	    "attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3 "
	    "WHERE id = ?1";

	return update(st, sql, id, now, error, "outbox fail", cause);
}

int
store_outbox_bounced(struct store *st, int64_t id, const char *error,
    char **cause)
{
	static const char sql[] = "UPDATE outbox SET status = 'failed', "
	    "last_error = ?3 WHERE id = ?1";

	return update(st, sql, id, 0, error, "outbox bounced", cause);
}

int
store_outbox_requeue(struct store *st, int64_t id, time_t now, int *found,
    char **cause)
{
	static const char get[] = "SELECT status FROM outbox WHERE id = ?1";
	static const char sql[] = "UPDATE outbox SET status = 'queued', "
	    "attempts = 0, next_attempt_at = ?2, created_at = ?2 "
	    "WHERE id = ?1";
	sqlite3_stmt *s;
	char *status = NULL;
	int rc;

	*found = 0;
	if ((s = store_stmt(st, get, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		status = store_col_text(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, rc, "outbox requeue", cause);
	if (status == NULL)
		return 0;
	*found = strcmp(status, "sent") == 0 ? -1 : 1;
	free(status);
	if (*found == -1)
		return 0;
	return update(st, sql, id, now, NULL, "outbox requeue", cause);
}

int
store_outbox_count(struct store *st, const char *status, int64_t *n,
    char **cause)
{
	static const char sql[] = "SELECT count(*) FROM outbox "
	    "WHERE ?1 IS NULL OR status = ?1";
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, status);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, rc, "outbox count", cause);
	return 0;
}

enum tri
store_outbox_by_message_id(struct store *st, const char *msgid, int64_t *id,
    char **rcpt, char **cause)
{
	static const char sql[] = "SELECT id, rcpt FROM outbox "
	    "WHERE message_id = ?1 ORDER BY id LIMIT 1";
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return TRI_LATER;
	store_bind_text(s, 1, msgid);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		*rcpt = store_col_text(s, 1);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return TRI_YES;
	if (rc == SQLITE_DONE)
		return TRI_NO;
	store_fail(st, rc, "outbox lookup", cause);
	return TRI_LATER;
}

int
store_autoreply_count(struct store *st, const char *addr, time_t since,
    int64_t *n, char **cause)
{
	static const char sql[] = "SELECT count(*) FROM autoreplies "
	    "WHERE address = ?1 AND at > ?2";
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, addr);
	sqlite3_bind_int64(s, 2, since);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, rc, "autoreply count", cause);
	return 0;
}

int
store_autoreply_add(struct store *st, const char *addr, time_t now,
    char **cause)
{
	/* Rows older than a day serve nothing: the insert prunes them. */
	static const char prune[] = "DELETE FROM autoreplies "
	    "WHERE address = ?1 AND at <= ?2 - 86400";
	static const char sql[] = "INSERT INTO autoreplies (address, at) "
	    "VALUES (?1, ?2)";
	sqlite3_stmt *s;

	if ((s = store_stmt(st, prune, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, addr);
	sqlite3_bind_int64(s, 2, now);
	if (store_step_done(st, s, "autoreply prune", cause) == -1)
		return -1;
	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, addr);
	sqlite3_bind_int64(s, 2, now);
	return store_step_done(st, s, "autoreply add", cause);
}

enum tri
store_suppressed(struct store *st, const char *addr, char **cause)
{
	static const char sql[] = "SELECT 1 FROM suppressed "
	    "WHERE address = ?1";
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return TRI_LATER;
	store_bind_text(s, 1, addr);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return TRI_YES;
	if (rc == SQLITE_DONE)
		return TRI_NO;
	store_fail(st, rc, "suppressed", cause);
	return TRI_LATER;
}

int
store_suppress(struct store *st, const char *addr, const char *reason,
    int64_t ticket_id, time_t now, char **cause)
{
	static const char sql[] = "INSERT INTO suppressed (address, reason, "
	    "ticket_id, at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (address) "
	    "DO UPDATE SET reason = ?2, ticket_id = ?3, at = ?4";
	sqlite3_stmt *s;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, addr);
	store_bind_text(s, 2, reason);
	store_bind_id(s, 3, ticket_id);
	sqlite3_bind_int64(s, 4, now);
	return store_step_done(st, s, "suppress", cause);
}

int
store_unsuppress(struct store *st, const char *addr, int *found,
    char **cause)
{
	static const char sql[] = "DELETE FROM suppressed WHERE address = ?1";
	sqlite3_stmt *s;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, addr);
	if (store_step_done(st, s, "unsuppress", cause) == -1)
		return -1;
	*found = sqlite3_changes(st->db) > 0;
	return 0;
}

int
store_suppressed_list(struct store *st, struct store_suppressed_row **out,
    size_t *n, char **cause)
{
	static const char sql[] = "SELECT address, reason, ticket_id, at "
	    "FROM suppressed ORDER BY address";
	struct store_suppressed_row *v = NULL;
	sqlite3_stmt *s;
	size_t count = 0;
	int rc;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, count + 1, sizeof(*v));
		v[count].address = store_col_text(s, 0);
		v[count].reason = store_col_text(s, 1);
		v[count].ticket_id = sqlite3_column_int64(s, 2);
		v[count++].at = (time_t)sqlite3_column_int64(s, 3);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_suppressed_rows_free(v, count);
		return store_fail(st, rc, "suppressed list", cause);
	}
	*out = v;
	*n = count;
	return 0;
}

void
store_suppressed_rows_free(struct store_suppressed_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].address);
		free(v[i].reason);
	}
	free(v);
}
