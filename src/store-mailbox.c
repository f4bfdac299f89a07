/* SPDX-License-Identifier: ISC */
/* IMAP checkpoints: UIDVALIDITY and the last committed UID per mailbox. */
#include "config.h"

#include "guichet.h"
#include "store-int.h"

static const char sql_get[] =
    "SELECT uidvalidity, last_uid FROM mailboxes WHERE name = ?1";

/* In an upsert's SET, bare column names are the row before the update. */
static const char sql_set[] =
    "INSERT INTO mailboxes (name, uidvalidity, last_uid, updated_at)"
    " VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (name) DO UPDATE SET"
    "  last_uid = CASE WHEN uidvalidity = excluded.uidvalidity"
    "   THEN max(last_uid, excluded.last_uid) ELSE excluded.last_uid END,"
    "  uidvalidity = excluded.uidvalidity,"
    "  updated_at = excluded.updated_at";

int
store_mailbox_get(struct store *st, const char *name, uint32_t *uidvalidity,
    uint32_t *last_uid, char **cause)
{
	sqlite3_stmt *s;
	int rc;

	*uidvalidity = *last_uid = 0;
	if ((s = store_stmt(st, sql_get, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, name);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*uidvalidity = (uint32_t)sqlite3_column_int64(s, 0);
		*last_uid = (uint32_t)sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, rc, "mailbox checkpoint", cause);
	return 0;
}

int
store_mailbox_set(struct store *st, const char *name, uint32_t uidvalidity,
    uint32_t last_uid, time_t now, char **cause)
{
	sqlite3_stmt *s;

	if ((s = store_stmt(st, sql_set, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, name);
	sqlite3_bind_int64(s, 2, uidvalidity);
	sqlite3_bind_int64(s, 3, last_uid);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)now);
	return store_step_done(st, s, "mailbox checkpoint", cause);
}
