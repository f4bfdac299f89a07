/* SPDX-License-Identifier: ISC */
/* Tickets and their tags. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "store-int.h"
#include "ticket.h"

#define TICKET_COLS "id, subject, type, status, priority, impact, urgency, " \
	"category, queue, assignee, client, language, channel, requester, " \
	"requester_name, major_rule, parent_id, linked_id, created_at, " \
	"updated_at, first_response_at, resolved_at, closed_at"

static void
bind_ticket(sqlite3_stmt *s, const struct ticket *t)
{
	store_bind_text(s, 1, t->subject ? t->subject : "");
	store_bind_text(s, 2, t->type ? t->type : "incident");
	store_bind_text(s, 3, t->status ? t->status : "new");
	store_bind_text(s, 4, t->priority ? t->priority : "P3");
	store_bind_text(s, 5, t->impact);
	store_bind_text(s, 6, t->urgency);
	store_bind_text(s, 7, t->category);
	store_bind_text(s, 8, t->queue);
	store_bind_text(s, 9, t->assignee);
	store_bind_text(s, 10, t->client);
	store_bind_text(s, 11, t->language);
	store_bind_text(s, 12, t->channel ? t->channel : "email");
	store_bind_text(s, 13, t->requester ? t->requester : "");
	store_bind_text(s, 14, t->requester_name);
	store_bind_text(s, 15, t->major_rule);
	store_bind_id(s, 16, t->parent_id);
	store_bind_id(s, 17, t->linked_id);
	sqlite3_bind_int64(s, 18, t->created_at);
	sqlite3_bind_int64(s, 19, t->updated_at);
	store_bind_id(s, 20, t->first_response_at);
	store_bind_id(s, 21, t->resolved_at);
	store_bind_id(s, 22, t->closed_at);
}

int
store_ticket_insert(struct store *st, struct ticket *t, char **cause)
{
	static const char sql[] = "INSERT INTO tickets (subject, type, "
	    "status, priority, impact, urgency, category, queue, assignee, "
	    "client, language, channel, requester, requester_name, "
	    "major_rule, parent_id, linked_id, created_at, updated_at, "
	    "first_response_at, resolved_at, closed_at) VALUES (?1, ?2, ?3, "
	    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
	    "?18, ?19, ?20, ?21, ?22)";
	sqlite3_stmt *s;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	bind_ticket(s, t);
	if (store_step_done(st, s, "insert ticket", cause) == -1)
		return -1;
	t->id = sqlite3_last_insert_rowid(st->db);
	for (size_t i = 0; i < t->ntags; i++)
		if (store_ticket_add_tag(st, t->id, t->tags[i], cause) == -1)
			return -1;
	return 0;
}

int
store_ticket_save(struct store *st, const struct ticket *t, char **cause)
{
	static const char sql[] = "UPDATE tickets SET subject = ?1, "
	    "type = ?2, status = ?3, priority = ?4, impact = ?5, "
	    "urgency = ?6, category = ?7, queue = ?8, assignee = ?9, "
	    "client = ?10, language = ?11, channel = ?12, requester = ?13, "
	    "requester_name = ?14, major_rule = ?15, parent_id = ?16, "
	    "linked_id = ?17, created_at = ?18, updated_at = ?19, "
	    "first_response_at = ?20, resolved_at = ?21, closed_at = ?22 "
	    "WHERE id = ?23";
	sqlite3_stmt *s;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	bind_ticket(s, t);
	sqlite3_bind_int64(s, 23, t->id);
	return store_step_done(st, s, "update ticket", cause);
}

/*
 * Narrow updates for the intake path.  An UPDATE checks only the CHECK
 * constraints of the columns it sets, and every `x IN (...)` constraint of
 * tickets costs an ephemeral b-tree per statement: a full save checks six.
 */
int
store_ticket_touch(struct store *st, int64_t id, time_t now, char **cause)
{
	static const char sql[] = "UPDATE tickets SET updated_at = ?2 "
	    "WHERE id = ?1";
	sqlite3_stmt *s;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	return store_step_done(st, s, "update ticket", cause);
}

int
store_ticket_set_parent(struct store *st, int64_t id, int64_t parent,
    time_t now, char **cause)
{
	static const char sql[] = "UPDATE tickets SET parent_id = ?2, "
	    "updated_at = ?3 WHERE id = ?1";
	sqlite3_stmt *s;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	store_bind_id(s, 2, parent);
	sqlite3_bind_int64(s, 3, now);
	return store_step_done(st, s, "update ticket", cause);
}

int
store_ticket_add_tag(struct store *st, int64_t id, const char *tag,
    char **cause)
{
	static const char sql[] = "INSERT OR IGNORE INTO ticket_tags "
	    "(ticket_id, tag) VALUES (?1, ?2)";
	sqlite3_stmt *s;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, tag);
	return store_step_done(st, s, "add tag", cause);
}

static time_t
col_time(sqlite3_stmt *s, int i)
{
	return (time_t)sqlite3_column_int64(s, i);
}

static struct ticket *
row_ticket(sqlite3_stmt *s)
{
	struct ticket *t = ticket_new();

	t->id = sqlite3_column_int64(s, 0);
	t->subject = store_col_text(s, 1);
	t->type = store_col_text(s, 2);
	t->status = store_col_text(s, 3);
	t->priority = store_col_text(s, 4);
	t->impact = store_col_text(s, 5);
	t->urgency = store_col_text(s, 6);
	t->category = store_col_text(s, 7);
	t->queue = store_col_text(s, 8);
	t->assignee = store_col_text(s, 9);
	t->client = store_col_text(s, 10);
	t->language = store_col_text(s, 11);
	t->channel = store_col_text(s, 12);
	t->requester = store_col_text(s, 13);
	t->requester_name = store_col_text(s, 14);
	t->major_rule = store_col_text(s, 15);
	t->parent_id = sqlite3_column_int64(s, 16);
	t->linked_id = sqlite3_column_int64(s, 17);
	t->created_at = col_time(s, 18);
	t->updated_at = col_time(s, 19);
	t->first_response_at = col_time(s, 20);
	t->resolved_at = col_time(s, 21);
	t->closed_at = col_time(s, 22);
	return t;
}

static int
load_tags(struct store *st, struct ticket *t, char **cause)
{
	static const char sql[] = "SELECT tag FROM ticket_tags "
	    "WHERE ticket_id = ?1 ORDER BY tag";
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, t->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		ticket_add_tag(t, (const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, "ticket tags", cause);
	return 0;
}

int
store_ticket_get(struct store *st, int64_t id, struct ticket **out,
    char **cause)
{
	static const char sql[] = "SELECT " TICKET_COLS " FROM tickets "
	    "WHERE id = ?1";
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = row_ticket(s);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, rc, "get ticket", cause);
	if (*out != NULL && load_tags(st, *out, cause) == -1) {
		ticket_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int
store_ticket_list(struct store *st, const struct store_ticket_filter *f,
    struct ticket ***out, size_t *n, char **cause)
{
	static const char sql[] = "SELECT " TICKET_COLS " FROM tickets "
	    "WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR "
	    "parent_id = ?2) ORDER BY id LIMIT ?3";
	sqlite3_stmt *s;
	struct ticket **v = NULL;
	size_t count = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, f->status);
	store_bind_id(s, 2, f->parent_id);
	sqlite3_bind_int64(s, 3, f->limit ? (int64_t)f->limit : -1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, count + 1, sizeof(*v));
		v[count++] = row_ticket(s);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		for (size_t i = 0; i < count; i++)
			ticket_free(v[i]);
		free(v);
		return store_fail(st, rc, "list tickets", cause);
	}
	for (size_t i = 0; i < count; i++)
		if (load_tags(st, v[i], cause) == -1) {
			for (size_t j = 0; j < count; j++)
				ticket_free(v[j]);
			free(v);
			return -1;
		}
	*out = v;
	*n = count;
	return 0;
}

int
store_ticket_count(struct store *st, int64_t *n, char **cause)
{
	static const char sql[] = "SELECT count(*) FROM tickets";
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	rc = sqlite3_step(s);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, rc, "count tickets", cause);
	return 0;
}
