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
/* Fewer WAL checkpoints during a long batch run (same durability). */
int	 store_bulk(struct store *, char **cause);
int	 store_begin(struct store *, char **cause);
int	 store_commit(struct store *, char **cause);
void	 store_rollback(struct store *);
/* Savepoints let a batch keep going past one bad message: one for each
 * message, or one for a group of messages (see intake_source.grouped),
 * within which each message may have its own. */
enum store_sp { STORE_SP_MESSAGE, STORE_SP_GROUP };
int	 store_savepoint(struct store *, enum store_sp, char **cause);
int	 store_release(struct store *, enum store_sp, char **cause);
void	 store_rollback_savepoint(struct store *, enum store_sp);

/* ---- tickets (store-ticket.c) ---- */
int	 store_ticket_insert(struct store *, struct ticket *, char **cause);
/* *out is NULL (and 0 returned) when there is no such ticket. */
int	 store_ticket_get(struct store *, int64_t id, struct ticket **out,
	    char **cause);
/* Writes every column of t (tags apart) back. */
int	 store_ticket_save(struct store *, const struct ticket *,
	    char **cause);
/* Only updated_at, or only parent_id (0: none) and updated_at. */
int	 store_ticket_touch(struct store *, int64_t id, time_t now,
	    char **cause);
int	 store_ticket_set_parent(struct store *, int64_t id, int64_t parent,
	    time_t now, char **cause);
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

/* ---- major incidents (store-major.c) ---- */
/* The newest open major incident (type major, neither resolved nor
 * closed) other than ticket `exclude` whose category is category or whose
 * candidate rule is rule (NULL matches nothing); *id = 0 when none. */
int	 store_major_find_open(struct store *, const char *category,
	    const char *rule, int64_t exclude, int64_t *id, char **cause);
/* Tickets created after `since` that could join a major incident (not
 * linked, not major, neither resolved nor closed), oldest first: those
 * whose candidate rule is rule when rule is not NULL, else those of
 * category.  The caller frees *ids. */
int	 store_major_recent(struct store *, const char *category,
	    const char *rule, time_t since, int64_t **ids, size_t *n,
	    char **cause);
/* Whether ticket_id has an event `event` (with new_value = value unless
 * value is NULL): how once-only notices remember they went out. */
int	 store_major_event_seen(struct store *, int64_t ticket_id,
	    const char *event, const char *value, int *seen, char **cause);
/* Outbox rows of a template to a recipient (NULL: any template, any
 * recipient): what the tests of major incidents count. */
int	 store_major_outbox_count(struct store *, const char *template,
	    const char *rcpt, int64_t *n, char **cause);

/* ---- outbox (store-outbox.c): queued mail, the daily cap of automatic
 * answers, and the addresses the desk no longer writes to ---- */
struct store_outbox_in {
	int64_t	 ticket_id;	/* 0 = none */
	int64_t	 message_row;	/* the 'out' row in messages, 0 = none */
	const char *template;
	int	 is_auto;	/* automatic mail (not written by a person) */
	const char *mail_from;	/* envelope sender */
	const char *rcpt;	/* envelope recipients, space separated */
	const char *message_id;	/* without brackets */
	const char *raw;
	size_t	 raw_len;
	time_t	 now;
};
int	 store_outbox_insert(struct store *, const struct store_outbox_in *,
	    int64_t *id, char **cause);
struct store_outbox_row {
	int64_t	 id, ticket_id;
	char	*template, *mail_from, *rcpt, *message_id, *status;
	char	*subject;	/* of the recorded message, or NULL */
	char	*last_error;
	int	 is_auto, attempts;
	time_t	 next_attempt_at, created_at, sent_at;
	char	*raw;		/* only from store_outbox_due() */
	size_t	 raw_len;
};
/* Queued rows due at now, oldest first, raw included. */
int	 store_outbox_due(struct store *, time_t now, size_t limit,
	    struct store_outbox_row **out, size_t *n, char **cause);
/* Rows of one status (NULL = all), newest first, without raw. */
int	 store_outbox_list(struct store *, const char *status, size_t limit,
	    struct store_outbox_row **out, size_t *n, char **cause);
void	 store_outbox_rows_free(struct store_outbox_row *, size_t);
int	 store_outbox_sent(struct store *, int64_t id, time_t now,
	    char **cause);
int	 store_outbox_defer(struct store *, int64_t id, time_t next,
	    const char *error, char **cause);
int	 store_outbox_fail(struct store *, int64_t id, time_t now,
	    const char *error, char **cause);
/* Queued again, due now, with a fresh max_age; *found = 0 when there is
 * no such row, -1 when it was already sent. */
int	 store_outbox_requeue(struct store *, int64_t id, time_t now,
	    int *found, char **cause);
int	 store_outbox_count(struct store *, const char *status, int64_t *n,
	    char **cause);
/* The outbox row that sent message_id: its id and recipients (caller
 * frees *rcpt); TRI_NO when the desk sent no such message. */
enum tri store_outbox_by_message_id(struct store *, const char *msgid,
	    int64_t *id, char **rcpt, char **cause);
/* A bounce arrived for a sent row: failed, with the reason. */
int	 store_outbox_bounced(struct store *, int64_t id, const char *error,
	    char **cause);

/* Automatic answers to addr since a time, and one more. */
int	 store_autoreply_count(struct store *, const char *addr, time_t since,
	    int64_t *n, char **cause);
int	 store_autoreply_add(struct store *, const char *addr, time_t now,
	    char **cause);
/* The suppression list (bounced addresses); addresses in lower case. */
enum tri store_suppressed(struct store *, const char *addr, char **cause);
int	 store_suppress(struct store *, const char *addr, const char *reason,
	    int64_t ticket_id, time_t now, char **cause);
int	 store_unsuppress(struct store *, const char *addr, int *found,
	    char **cause);
struct store_suppressed_row {
	char	*address, *reason;
	int64_t	 ticket_id;
	time_t	 at;
};
int	 store_suppressed_list(struct store *,
	    struct store_suppressed_row **out, size_t *n, char **cause);
void	 store_suppressed_rows_free(struct store_suppressed_row *, size_t);

/* ---- IMAP mailbox checkpoints (store-mailbox.c; imap engineer) ----
 * One row per mailbox, keyed by a name that says which account and folder
 * it is ("imap://user@host:port/INBOX"): the UIDVALIDITY seen and the last
 * UID whose message is committed.  Set it inside the transaction that
 * commits the tickets, so that both or neither survive a crash. */
/* *uidvalidity and *last_uid are 0 when the mailbox was never seen. */
int	 store_mailbox_get(struct store *, const char *name,
	    uint32_t *uidvalidity, uint32_t *last_uid, char **cause);
/* Under the same UIDVALIDITY last_uid never goes back (two processes on
 * one mailbox); a new UIDVALIDITY replaces the row. */
int	 store_mailbox_set(struct store *, const char *name,
	    uint32_t uidvalidity, uint32_t last_uid, time_t now, char **cause);

#endif
