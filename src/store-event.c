/* SPDX-License-Identifier: ISC */
/* The append-only event log (triggers forbid UPDATE and DELETE). */
#include "config.h"

#include <stdlib.h>

#include "guichet.h"
#include "store-int.h"

int
store_event_add(struct store *st, const struct store_event *e, char **cause)
{
	static const char sql[] = "INSERT INTO events (ticket_id, at, actor, "
	    "event, field, old_value, new_value, detail) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	sqlite3_stmt *s;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, e->ticket_id);
	sqlite3_bind_int64(s, 2, e->at);
	store_bind_text(s, 3, e->actor);
	store_bind_text(s, 4, e->event);
	store_bind_text(s, 5, e->field);
	store_bind_text(s, 6, e->old_value);
	store_bind_text(s, 7, e->new_value);
	store_bind_text(s, 8, e->detail);
	return store_step_done(st, s, "add event", cause);
}

int
store_event_list(struct store *st, int64_t ticket_id,
    struct store_event_row **out, size_t *n, char **cause)
{
	static const char sql[] = "SELECT id, at, actor, event, field, "
	    "old_value, new_value, detail FROM events WHERE ticket_id = ?1 "
	    "ORDER BY id";
	struct store_event_row *v = NULL, *r;
	sqlite3_stmt *s;
	size_t count = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, ticket_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, count + 1, sizeof(*v));
		r = &v[count++];
		r->id = sqlite3_column_int64(s, 0);
		r->at = (time_t)sqlite3_column_int64(s, 1);
		r->actor = store_col_text(s, 2);
		r->event = store_col_text(s, 3);
		r->field = store_col_text(s, 4);
		r->old_value = store_col_text(s, 5);
		r->new_value = store_col_text(s, 6);
		r->detail = store_col_text(s, 7);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_event_rows_free(v, count);
		return store_fail(st, rc, "list events", cause);
	}
	*out = v;
	*n = count;
	return 0;
}

void
store_event_rows_free(struct store_event_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].actor); free(v[i].event); free(v[i].field);
		free(v[i].old_value); free(v[i].new_value); free(v[i].detail);
	}
	free(v);
}
