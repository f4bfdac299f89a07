/* SPDX-License-Identifier: ISC */
/*
 * Major incidents: the queries behind burst detection, joining an open
 * major incident and its once-only notices.  Linking itself is a plain
 * ticket save (parent_id), done by major.c through store-ticket.c.
 */
#include "config.h"

#include <stdlib.h>

#include "guichet.h"
#include "store-int.h"

int
store_major_find_open(struct store *st, const char *category,
    const char *rule, int64_t exclude, int64_t *id, char **cause)
{
	/* Every new ticket of a category asks this.  The partial index
	 * tickets_major holds only major incidents, a handful of rows: they
	 * are read in full, since a status IN list would cost the building of
	 * a temporary table on each run (half the time of the query). */
	static const char sql[] = "SELECT max(id) FROM tickets "
	    "INDEXED BY tickets_major WHERE type = 'major' "
	    "AND status != 'resolved' AND status != 'closed' "
	    "AND (category = ?1 OR major_rule = ?2) AND id != ?3";
	sqlite3_stmt *s;
	int rc;

	*id = 0;
	if (category == NULL && rule == NULL)
		return 0;
	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, category);
	store_bind_text(s, 2, rule);
	sqlite3_bind_int64(s, 3, exclude);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);	/* NULL: 0 */
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, rc, "find open major incident", cause);
	return 0;
}

static int
id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Runs s (whose only column is an id) and collects the ids, sorted. */
static int
collect_ids(struct store *st, sqlite3_stmt *s, const char *what,
    int64_t **ids, size_t *n, char **cause)
{
	int64_t *v = NULL;
	size_t count = 0;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, count + 1, sizeof(*v));
		v[count++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(v);
		return store_fail(st, rc, what, cause);
	}
	if (count > 1)
		qsort(v, count, sizeof(*v), id_cmp);
	*ids = v;
	*n = count;
	return 0;
}

int
store_major_recent(struct store *st, const char *category, const char *rule,
    time_t since, int64_t **ids, size_t *n, char **cause)
{
	/* Two statements rather than an OR so that each one uses its index:
	 * tickets_category_created, or the partial tickets_candidate.  The
	 * few ids are sorted here (collect_ids), not in a temporary b-tree. */
	static const char by_rule[] = "SELECT id FROM tickets "
	    "WHERE major_rule = ?1 AND created_at > ?2 AND parent_id IS NULL "
	    "AND type != 'major' AND status NOT IN ('resolved', 'closed')";
	static const char by_category[] = "SELECT id FROM tickets "
	    "WHERE category = ?1 AND created_at > ?2 AND parent_id IS NULL "
	    "AND type != 'major' AND status NOT IN ('resolved', 'closed')";
	sqlite3_stmt *s;

	*ids = NULL;
	*n = 0;
	if (rule == NULL && category == NULL)
		return 0;
	if ((s = store_stmt(st, rule != NULL ? by_rule : by_category,
	    cause)) == NULL)
		return -1;
	store_bind_text(s, 1, rule != NULL ? rule : category);
	sqlite3_bind_int64(s, 2, since);
	return collect_ids(st, s, "recent tickets", ids, n, cause);
}

int
store_major_event_seen(struct store *st, int64_t ticket_id, const char *event,
    const char *value, int *seen, char **cause)
{
	static const char sql[] = "SELECT 1 FROM events WHERE ticket_id = ?1 "
	    "AND event = ?2 AND (?3 IS NULL OR new_value = ?3) LIMIT 1";
	sqlite3_stmt *s;
	int rc;

	*seen = 0;
	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, ticket_id);
	store_bind_text(s, 2, event);
	store_bind_text(s, 3, value);
	rc = sqlite3_step(s);
	*seen = rc == SQLITE_ROW;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, rc, "major incident events", cause);
	return 0;
}

int
store_major_outbox_count(struct store *st, const char *template,
    const char *rcpt, int64_t *n, char **cause)
{
	static const char sql[] = "SELECT count(*) FROM outbox "
	    "WHERE (?1 IS NULL OR template = ?1) AND (?2 IS NULL OR rcpt = ?2)";
	sqlite3_stmt *s;
	int rc;

	*n = 0;
	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, template);
	store_bind_text(s, 2, rcpt);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, rc, "count outbox", cause);
	return 0;
}
