/* SPDX-License-Identifier: ISC */
/* Opening, migrating and transactions; the statement cache. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "store-int.h"

int
store_fail(struct store *st, int rc, const char *what, char **cause)
{
	st->last_rc = rc;
	*cause = xasprintf("%s: %s", what, sqlite3_errmsg(st->db));
	return -1;
}

int
store_temporary(const struct store *st)
{
	switch (st->last_rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_NOMEM:
	case SQLITE_CANTOPEN:
	case SQLITE_PROTOCOL:
		return 1;
	default:
		return 0;
	}
}

static int
store_exec(struct store *st, const char *sql, const char *what, char **cause)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return store_fail(st, rc, what, cause);
	return 0;
}

int
store_open(const char *path, struct store **out, char **cause)
{
	struct store *st = xcalloc(1, sizeof(*st));
	int rc;

	*out = NULL;
	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("%s: %s", path, st->db ?
		    sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		sqlite3_close(st->db);
		free(st);
		return -1;
	}
	st->path = xstrdup(path);
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 5000);
	/* WAL: readers never block the writer; NORMAL: no fsync per commit,
	 * a commit is atomic and survives a crash of the process. */
	if (store_exec(st, "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=NORMAL;"
	    "PRAGMA foreign_keys=ON;"
	    "PRAGMA temp_store=MEMORY;"
	    "PRAGMA cache_size=-4000;", path, cause) == -1) {
		char *c = xasprintf("%s: %s", path, *cause);
		free(*cause);
		*cause = c;
		st->last_rc = st->last_rc ? st->last_rc : SQLITE_CANTOPEN;
		*out = st;
		return -1;
	}
	*out = st;
	return 0;
}

/* WAL pages (of 4 KB) after which a commit pokes the checkpointer, and
 * after which the writer finishes the job itself. */
#define STORE_CKPT_PAGES	1024
#define STORE_CKPT_FINISH	16384

/*
 * The checkpointer copies the WAL while the writer goes on adding to it,
 * so it never catches up by itself, and only a WAL copied to its end can
 * start over.  So once the WAL holds 64 MB the writer checkpoints too: it
 * waits for the checkpointer if it is still at work, copies the frames it
 * had not reached, and its next transaction starts the WAL over.
 */
static int
wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store *st = arg;

	(void)name;
	if (pages >= STORE_CKPT_FINISH) {
		store_ckpt_wait(st->ckpt);
		sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE,
		    NULL, NULL);
	} else if (pages >= STORE_CKPT_PAGES)
		store_ckpt_poke(st->ckpt, pages);
	return SQLITE_OK;
}

/*
 * A long batch run (ingest --maildir/--mbox, fetch).  Checkpoints move to
 * a thread of their own (store-ckpt.c), which copies the WAL after every
 * commit that leaves 4 MB or more in it (then little is left to copy and
 * sync when the run ends); if that thread cannot start, the writer
 * checkpoints itself every 64 MB instead of every 4 MB.  And 8 MB of page
 * cache rather than 4, so that a batch of 500 messages (some 5 MB of
 * pages) is not spilled to the WAL and read back before its commit.  Durability is the same: a
 * committed batch is in the WAL, which a crash of the process keeps; the
 * last close checkpoints it.
 */
int
store_bulk(struct store *st, char **cause)
{
	if (store_exec(st, "PRAGMA cache_size=-8000;", "pragma", cause) == -1)
		return -1;
	if (st->ckpt == NULL && (st->ckpt = store_ckpt_start(st->path)) !=
	    NULL) {
		sqlite3_wal_hook(st->db, wal_hook, st);
		return 0;
	}
	return store_exec(st, "PRAGMA wal_autocheckpoint=16384;", "pragma",
	    cause);
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->ckpt != NULL) {
		sqlite3_wal_hook(st->db, NULL, NULL);
		store_ckpt_end(st->ckpt);
	}
	for (size_t i = 0; i < st->ncache; i++)
		sqlite3_finalize(st->cache[i].stmt);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

static int
store_user_version(struct store *st, int *v, char **cause)
{
	sqlite3_stmt *s;
	int rc;

	rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "user_version", cause);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return store_fail(st, rc, "user_version", cause);
	}
	*v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return 0;
}

int
store_migrate(struct store *st, int *from, int *to, char **cause)
{
	char pragma[64];
	int v;

	if (store_begin(st, cause) == -1)
		return -1;
	if (store_user_version(st, &v, cause) == -1)
		goto fail;
	*from = v;
	if (v > store_nmigrations) {
		*cause = xasprintf("database schema %d is newer than this "
		    "guichet (%d)", v, store_nmigrations);
		goto fail;
	}
	for (; v < store_nmigrations; v++) {
		if (store_exec(st, store_migrations[v], "migration", cause)
		    == -1)
			goto fail;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d",
		    v + 1);
		if (store_exec(st, pragma, "user_version", cause) == -1)
			goto fail;
	}
	*to = v;
	return store_commit(st, cause);
fail:
	store_rollback(st);
	return -1;
}

int
store_check_schema(struct store *st, char **cause)
{
	int v;

	if (store_user_version(st, &v, cause) == -1)
		return -1;
	if (v < store_nmigrations) {
		*cause = xasprintf("%s: database schema %d, this guichet needs "
		    "%d: run `guichet init`", st->path, v, store_nmigrations);
		return -1;
	}
	if (v > store_nmigrations) {
		*cause = xasprintf("%s: database schema %d is newer than this "
		    "guichet (%d)", st->path, v, store_nmigrations);
		return -1;
	}
	return 0;
}

int
store_begin(struct store *st, char **cause)
{
	if (store_exec(st, "BEGIN IMMEDIATE", "begin", cause) == -1)
		return -1;
	st->in_tx = 1;
	return 0;
}

int
store_commit(struct store *st, char **cause)
{
	if (store_exec(st, "COMMIT", "commit", cause) == -1) {
		store_rollback(st);
		return -1;
	}
	st->in_tx = 0;
	return 0;
}

void
store_rollback(struct store *st)
{
	if (sqlite3_get_autocommit(st->db) == 0)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_tx = 0;
}

/* Savepoints are taken once per message: prepared once, not re-parsed. */
static int
store_run(struct store *st, const char *sql, const char *what, char **cause)
{
	sqlite3_stmt *s = store_stmt(st, sql, cause);

	if (s == NULL)
		return -1;
	return store_step_done(st, s, what, cause);
}

/* By enum store_sp: the statement literals are the cache's keys. */
static const char *const sp_begin[] = { "SAVEPOINT msg", "SAVEPOINT grp" };
static const char *const sp_release[] = { "RELEASE msg", "RELEASE grp" };
static const char *const sp_back[] = { "ROLLBACK TO msg", "ROLLBACK TO grp" };

int
store_savepoint(struct store *st, enum store_sp sp, char **cause)
{
	return store_run(st, sp_begin[sp], "savepoint", cause);
}

int
store_release(struct store *st, enum store_sp sp, char **cause)
{
	return store_run(st, sp_release[sp], "release", cause);
}

void
store_rollback_savepoint(struct store *st, enum store_sp sp)
{
	char *cause = NULL;

	if (store_run(st, sp_back[sp], "rollback to", &cause) == -1 ||
	    store_run(st, sp_release[sp], "release", &cause) == -1) {
		free(cause);
		cause = NULL;
	}
}

sqlite3_stmt *
store_stmt(struct store *st, const char *sql, char **cause)
{
	sqlite3_stmt *s;
	int rc;

	for (size_t i = 0; i < st->ncache; i++)
		if (st->cache[i].sql == sql) {
			s = st->cache[i].stmt;
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			return s;
		}
	rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &s, NULL);
	if (rc != SQLITE_OK) {
		store_fail(st, rc, "prepare", cause);
		return NULL;
	}
	if (st->ncache < STORE_STMT_CACHE) {
		st->cache[st->ncache].sql = sql;
		st->cache[st->ncache++].stmt = s;
	} else {
		/* Never reached with the statements we have; if it were,
		 * the oldest entry gives way. */
		sqlite3_finalize(st->cache[0].stmt);
		memmove(&st->cache[0], &st->cache[1],
		    (STORE_STMT_CACHE - 1) * sizeof(st->cache[0]));
		st->cache[STORE_STMT_CACHE - 1].sql = sql;
		st->cache[STORE_STMT_CACHE - 1].stmt = s;
	}
	return s;
}

int
store_step_done(struct store *st, sqlite3_stmt *s, const char *what,
    char **cause)
{
	int rc = sqlite3_step(s);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return store_fail(st, rc, what, cause);
	}
	sqlite3_reset(s);
	return 0;
}

void
store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

void
store_bind_id(sqlite3_stmt *s, int i, int64_t id)
{
	if (id == 0)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, id);
}

char *
store_col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t;

	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NULL;
	t = sqlite3_column_text(s, i);
	return xstrndup((const char *)t, (size_t)sqlite3_column_bytes(s, i));
}
