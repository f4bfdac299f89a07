/* SPDX-License-Identifier: ISC */
/*
 * store.h - the SQLite database: the only place that knows SQL.
 *
 * store.c opens the file (WAL, synchronous=NORMAL, foreign keys, busy
 * timeout) and migrates it by user_version; store-*.c hold one family of
 * prepared statements each (tickets, messages, events, and the outbox,
 * mailbox checkpoints, major incidents added by their modules).
 *
 * Errors: -1 with an allocated *cause.  store_temporary() tells whether
 * the last error was one that passes (busy, locked, disk full, I/O): the
 * command layer maps it to EX_TEMPFAIL so that nothing is lost.
 * Durability: a commit is atomic and survives a crash of guichet; with
 * synchronous=NORMAL the last commits may be lost on power failure (the
 * IMAP message is then fetched again, since it is flagged only after the
 * commit, and deduplication keeps it single).
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "guichet.h"

struct store;
struct ticket;
struct message;

#define STORE_SCHEMA_VERSION_MIN 1

int	 store_open(const char *path, struct store **, char **cause);
void	 store_close(struct store *);
/* Creates or migrates the schema; from and to get the user_version. */
int	 store_migrate(struct store *, int *from, int *to, char **cause);
/* -1 with a cause naming `guichet init` when the schema is missing or
 * older than this binary. */
int	 store_check_schema(struct store *, char **cause);
int	 store_temporary(const struct store *);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int	 store_begin(struct store *, char **cause);
int	 store_commit(struct store *, char **cause);
void	 store_rollback(struct store *);
/* Savepoints let a batch keep going past one bad message. */
int	 store_savepoint(struct store *, char **cause);
int	 store_release(struct store *, char **cause);
void	 store_rollback_savepoint(struct store *);

/* ---- tickets (store-ticket.c) ---- */
int	 store_ticket_insert(struct store *, struct ticket *, char **cause);
/* *out is NULL (and 0 returned) when there is no such ticket. */
int	 store_ticket_get(struct store *, int64_t id, struct ticket **out,
	    char **cause);
/* Writes every column of t (tags apart) back. */
int	 store_ticket_save(struct store *, const struct ticket *,
	    char **cause);
int	 store_ticket_add_tag(struct store *, int64_t id, const char *tag,
	    char **cause);
struct store_ticket_filter {
	const char *status;	/* NULL = any */
	int64_t	 parent_id;	/* 0 = any */
	size_t	 limit;		/* 0 = no limit */
};
/* Tickets in id order; the caller frees each and the array. */
int	 store_ticket_list(struct store *, const struct store_ticket_filter *,
	    struct ticket ***out, size_t *n, char **cause);
int	 store_ticket_count(struct store *, int64_t *n, char **cause);

/* ---- events (store-event.c): the append-only audit log ---- */
struct store_event {
	int64_t	 ticket_id;
	time_t	 at;
	const char *actor;	/* "cli", "system", "rule:NAME", "mail:addr" */
	const char *event;	/* "create", "change", "note", "message", ... */
	const char *field;	/* for "change"; else NULL */
	const char *old_value;
	const char *new_value;
	const char *detail;
};
int	 store_event_add(struct store *, const struct store_event *,
	    char **cause);
struct store_event_row {
	int64_t	 id;
	time_t	 at;
	char	*actor, *event, *field, *old_value, *new_value, *detail;
};
int	 store_event_list(struct store *, int64_t ticket_id,
	    struct store_event_row **out, size_t *n, char **cause);
void	 store_event_rows_free(struct store_event_row *, size_t);

/* ---- messages and attachments (store-message.c) ---- */
struct store_message_in {
	int64_t	 ticket_id;
	const char *direction;	/* "in" | "out" */
	const char *kind;	/* "mail", "note", "phone", "walk-in", "web",
				 * "autoreply", "bounce" */
	const char *source;	/* "file:x.eml", "imap:NAME:UIDVALIDITY:UID" */
	int	 internal;	/* never shown to the requester */
	time_t	 now;
};
/* Stores a parsed message (raw bytes verbatim) and its attachments'
 * rows; sets *id.  Attachment files are written by the caller. */
int	 store_message_insert(struct store *, const struct store_message_in *,
	    const struct message *, int64_t *id, char **cause);
/* A message made here (CLI request, note, outgoing mail). */
struct store_message_local {
	const char *message_id;	/* NULL for notes */
	const char *from_addr, *from_name, *to_addrs, *subject, *body;
	const char *in_reply_to, *references;
	const char *raw;	/* may be NULL */
	size_t	 raw_len;
};
int	 store_message_insert_local(struct store *,
	    const struct store_message_in *, const struct store_message_local *,
	    int64_t *id, char **cause);
/* Deduplication: TRI_YES when a message with that Message-ID (or, when
 * msgid is NULL, with that sha256 and no Message-ID) is already stored. */
enum tri store_message_seen(struct store *, const char *msgid,
	    const char *sha256, int64_t *ticket_id, char **cause);
/* Threading: the ticket holding a message with that Message-ID. */
enum tri store_ticket_by_message_id(struct store *, const char *msgid,
	    int64_t *ticket_id, char **cause);
/* The Message-IDs of a ticket's messages, oldest first (for References).
 * The caller frees each and the array. */
int	 store_ticket_message_ids(struct store *, int64_t ticket_id,
	    char ***out, size_t *n, char **cause);

struct store_attachment_row {
	char	*filename, *content_type, *sha256;
	int64_t	 size;
};
struct store_message_row {
	int64_t	 id;
	char	*message_id, *direction, *kind, *from_addr, *from_name;
	char	*to_addrs, *subject, *date, *body, *body_new, *body_quoted;
	char	*body_signature, *warnings, *source;
	int	 internal;
	time_t	 created_at;
	struct store_attachment_row *attachments;
	size_t	 nattachments;
};
int	 store_message_list(struct store *, int64_t ticket_id,
	    struct store_message_row **out, size_t *n, char **cause);
void	 store_message_rows_free(struct store_message_row *, size_t);
/* The raw bytes of one stored message (caller frees). */
int	 store_message_raw(struct store *, int64_t id, char **raw,
	    size_t *len, char **cause);

#endif
