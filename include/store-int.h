/* SPDX-License-Identifier: ISC */
/*
 * store-int.h - shared by the store*.c files only: the store handle and
 * a cache of prepared statements keyed by their SQL text, so that every
 * statement is prepared once per connection and always bound, never
 * formatted.
 */
#ifndef STORE_INT_H
#define STORE_INT_H

#include <sqlite3.h>

#include "store.h"

#define STORE_STMT_CACHE 96

struct store_ckpt;

struct store {
	sqlite3		*db;
	char		*path;
	int		 last_rc;	/* of the last failing call */
	int		 in_tx;
	struct {
		const char	*sql;	/* static string: compared by address */
		sqlite3_stmt	*stmt;
	} cache[STORE_STMT_CACHE];
	size_t		 ncache;
	struct store_ckpt *ckpt;	/* bulk runs: see store-ckpt.c */
};

/* The prepared statement for sql (a string literal), reset and with its
 * bindings cleared; NULL with *cause on error. */
sqlite3_stmt *store_stmt(struct store *, const char *sql, char **cause);
/* Records rc and returns -1 with a cause "what: sqlite message". */
int	 store_fail(struct store *, int rc, const char *what, char **cause);
/* Runs a statement without results to completion: 0 or -1. */
int	 store_step_done(struct store *, sqlite3_stmt *, const char *what,
	    char **cause);

/* Binding helpers: NULL strings bind SQL NULL; 0 ids bind NULL. */
void	 store_bind_text(sqlite3_stmt *, int, const char *);
void	 store_bind_id(sqlite3_stmt *, int, int64_t);
/* A column as a fresh string, NULL for SQL NULL. */
char	*store_col_text(sqlite3_stmt *, int);

/* The checkpointer thread of store-ckpt.c, on its own connection to the
 * database at path (NULL when it cannot start); poked with the number of
 * pages in the WAL after a commit; ended (and joined) before the writer
 * closes. */
struct store_ckpt *store_ckpt_start(const char *path);
void	 store_ckpt_poke(struct store_ckpt *, int pages);
/* Waits until the thread has no checkpoint under way nor asked for. */
void	 store_ckpt_wait(struct store_ckpt *);
void	 store_ckpt_end(struct store_ckpt *);

/* The schema migrations, in order: element i brings user_version i to
 * i + 1 (store-schema.c). */
extern const char *const store_migrations[];
extern const int store_nmigrations;

#endif
