/* SPDX-License-Identifier: ISC */
/* Messages (raw bytes kept verbatim) and their attachments' rows. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "mime.h"
#include "store-int.h"

static const char insert_sql[] = "INSERT INTO messages (ticket_id, "
    "direction, kind, internal, message_id, sha256, in_reply_to, refs, "
    "from_addr, from_name, to_addrs, cc_addrs, subject, date, date_ts, "
    "body, body_new, body_quoted, body_signature, warnings, source, raw, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
    "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)";

static char *
join_addresses(const struct mime_address *v, size_t n)
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		if (*v[i].addr == '\0')
			continue;
		if (b.len > 0)
			buf_adds(&b, ", ");
		buf_adds(&b, v[i].addr);
	}
	return buf_steal(&b);
}

static char *
join_ids(char *const *v, size_t n)
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(&b, ' ');
		buf_adds(&b, v[i]);
	}
	return buf_steal(&b);
}

static void
bind_common(sqlite3_stmt *s, const struct store_message_in *in)
{
	sqlite3_bind_int64(s, 1, in->ticket_id);
	store_bind_text(s, 2, in->direction);
	store_bind_text(s, 3, in->kind);
	sqlite3_bind_int(s, 4, in->internal);
	store_bind_text(s, 21, in->source);
	sqlite3_bind_int64(s, 23, in->now);
}

static int
insert_attachments(struct store *st, int64_t msg, const struct message *m,
    char **cause)
{
	static const char sql[] = "INSERT INTO attachments (message_id, "
	    "filename, content_type, size, sha256, is_inline) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3_stmt *s;

	for (size_t i = 0; i < m->nattachments; i++) {
		const struct mime_attachment *a = &m->attachments[i];
		if ((s = store_stmt(st, sql, cause)) == NULL)
			return -1;
		sqlite3_bind_int64(s, 1, msg);
		store_bind_text(s, 2, a->filename);
		store_bind_text(s, 3, a->content_type);
		sqlite3_bind_int64(s, 4, (int64_t)a->len);
		store_bind_text(s, 5, a->sha256);
		sqlite3_bind_int(s, 6, a->is_inline);
		if (store_step_done(st, s, "insert attachment", cause) == -1)
			return -1;
	}
	return 0;
}

int
store_message_insert(struct store *st, const struct store_message_in *in,
    const struct message *m, int64_t *id, char **cause)
{
	sqlite3_stmt *s;
	char *to, *cc, *refs;
	int rc;

	if ((s = store_stmt(st, insert_sql, cause)) == NULL)
		return -1;
	to = join_addresses(m->to, m->nto);
	cc = join_addresses(m->cc, m->ncc);
	refs = join_ids(m->references, m->nreferences);
	bind_common(s, in);
	store_bind_text(s, 5, m->message_id);
	store_bind_text(s, 6, m->sha256);
	store_bind_text(s, 7, m->in_reply_to);
	store_bind_text(s, 8, *refs ? refs : NULL);
	store_bind_text(s, 9, m->from.addr);
	store_bind_text(s, 10, m->from.name);
	store_bind_text(s, 11, to);
	store_bind_text(s, 12, cc);
	store_bind_text(s, 13, m->subject);
	store_bind_text(s, 14, m->date);
	sqlite3_bind_int64(s, 15, m->date_ts);
	store_bind_text(s, 16, m->body);
	/* Most mail has no quote nor signature: body_new is then body, not
	 * written twice (NULL, read back by COALESCE). */
	store_bind_text(s, 17, m->body_new != NULL && m->body != NULL &&
	    strcmp(m->body_new, m->body) == 0 ? NULL : m->body_new);
	store_bind_text(s, 18, m->body_quoted);
	store_bind_text(s, 19, m->body_signature);
	store_bind_text(s, 20, m->warnings);
	sqlite3_bind_blob64(s, 22, m->raw, m->raw_len, SQLITE_STATIC);
	rc = store_step_done(st, s, "insert message", cause);
	free(to);
	free(cc);
	free(refs);
	if (rc == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return insert_attachments(st, *id, m, cause);
}

int
store_message_insert_local(struct store *st, const struct store_message_in *in,
    const struct store_message_local *l, int64_t *id, char **cause)
{
	sqlite3_stmt *s;
	char sha[65];

	if ((s = store_stmt(st, insert_sql, cause)) == NULL)
		return -1;
	bind_common(s, in);
	store_bind_text(s, 5, l->message_id);
	if (l->raw != NULL) {
		sha256_hex(l->raw, l->raw_len, sha);
		store_bind_text(s, 6, sha);
		sqlite3_bind_blob64(s, 22, l->raw, l->raw_len, SQLITE_STATIC);
	}
	store_bind_text(s, 7, l->in_reply_to);
	store_bind_text(s, 8, l->references);
	store_bind_text(s, 9, l->from_addr);
	store_bind_text(s, 10, l->from_name);
	store_bind_text(s, 11, l->to_addrs);
	store_bind_text(s, 13, l->subject);
	sqlite3_bind_int64(s, 15, in->now);
	store_bind_text(s, 16, l->body);	/* body_new NULL: the same */
	if (store_step_done(st, s, "insert message", cause) == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

static enum tri
lookup_ticket(struct store *st, const char *sql, const char *key,
    int64_t *ticket_id, char **cause)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return TRI_LATER;
	store_bind_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && ticket_id != NULL)
		*ticket_id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return TRI_YES;
	if (rc == SQLITE_DONE)
		return TRI_NO;
	store_fail(st, rc, "lookup message", cause);
	return TRI_LATER;
}

enum tri
store_message_seen(struct store *st, const char *msgid, const char *sha256,
    int64_t *ticket_id, char **cause)
{
	static const char by_id[] = "SELECT ticket_id FROM messages "
	    "WHERE message_id = ?1";
	static const char by_sha[] = "SELECT ticket_id FROM messages "
	    "WHERE sha256 = ?1 AND message_id IS NULL";

	if (msgid != NULL)
		return lookup_ticket(st, by_id, msgid, ticket_id, cause);
	return lookup_ticket(st, by_sha, sha256, ticket_id, cause);
}

enum tri
store_ticket_by_message_id(struct store *st, const char *msgid,
    int64_t *ticket_id, char **cause)
{
	static const char sql[] = "SELECT ticket_id FROM messages "
	    "WHERE message_id = ?1";

	return lookup_ticket(st, sql, msgid, ticket_id, cause);
}

int
store_ticket_message_ids(struct store *st, int64_t ticket_id, char ***out,
    size_t *n, char **cause)
{
	static const char sql[] = "SELECT message_id FROM messages WHERE "
	    "ticket_id = ?1 AND message_id IS NOT NULL ORDER BY id";
	sqlite3_stmt *s;
	char **v = NULL;
	size_t count = 0;
	int rc;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, ticket_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, count + 1, sizeof(*v));
		v[count++] = store_col_text(s, 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		for (size_t i = 0; i < count; i++)
			free(v[i]);
		free(v);
		return store_fail(st, rc, "message ids", cause);
	}
	*out = v;
	*n = count;
	return 0;
}

static int
load_attachments(struct store *st, struct store_message_row *r, char **cause)
{
	static const char sql[] = "SELECT filename, content_type, size, "
	    "sha256 FROM attachments WHERE message_id = ?1 ORDER BY id";
	struct store_attachment_row *a;
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, r->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r->attachments = xreallocarray(r->attachments,
		    r->nattachments + 1, sizeof(*r->attachments));
		a = &r->attachments[r->nattachments++];
		a->filename = store_col_text(s, 0);
		a->content_type = store_col_text(s, 1);
		a->size = sqlite3_column_int64(s, 2);
		a->sha256 = store_col_text(s, 3);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, "list attachments", cause);
	return 0;
}

static void
row_message(sqlite3_stmt *s, struct store_message_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, 0);
	r->message_id = store_col_text(s, 1);
	r->direction = store_col_text(s, 2);
	r->kind = store_col_text(s, 3);
	r->from_addr = store_col_text(s, 4);
	r->from_name = store_col_text(s, 5);
	r->to_addrs = store_col_text(s, 6);
	r->subject = store_col_text(s, 7);
	r->date = store_col_text(s, 8);
	r->body = store_col_text(s, 9);
	r->body_new = store_col_text(s, 10);
	r->body_quoted = store_col_text(s, 11);
	r->body_signature = store_col_text(s, 12);
	r->warnings = store_col_text(s, 13);
	r->source = store_col_text(s, 14);
	r->internal = sqlite3_column_int(s, 15);
	r->created_at = (time_t)sqlite3_column_int64(s, 16);
}

int
store_message_list(struct store *st, int64_t ticket_id,
    struct store_message_row **out, size_t *n, char **cause)
{
	static const char sql[] = "SELECT id, message_id, direction, kind, "
	    "from_addr, from_name, to_addrs, subject, date, body, "
	    "COALESCE(body_new, body), "
	    "body_quoted, body_signature, warnings, source, internal, "
	    "created_at FROM messages WHERE ticket_id = ?1 ORDER BY id";
	struct store_message_row *v = NULL;
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
		row_message(s, &v[count++]);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_message_rows_free(v, count);
		return store_fail(st, rc, "list messages", cause);
	}
	for (size_t i = 0; i < count; i++)
		if (load_attachments(st, &v[i], cause) == -1) {
			store_message_rows_free(v, count);
			return -1;
		}
	*out = v;
	*n = count;
	return 0;
}

void
store_message_rows_free(struct store_message_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct store_message_row *r = &v[i];
		free(r->message_id); free(r->direction); free(r->kind);
		free(r->from_addr); free(r->from_name); free(r->to_addrs);
		free(r->subject); free(r->date); free(r->body);
		free(r->body_new); free(r->body_quoted);
		free(r->body_signature); free(r->warnings); free(r->source);
		for (size_t j = 0; j < r->nattachments; j++) {
			free(r->attachments[j].filename);
			free(r->attachments[j].content_type);
			free(r->attachments[j].sha256);
		}
		free(r->attachments);
	}
	free(v);
}

int
store_message_raw(struct store *st, int64_t id, char **raw, size_t *len,
    char **cause)
{
	static const char sql[] = "SELECT raw FROM messages WHERE id = ?1";
	sqlite3_stmt *s;
	int rc;

	*raw = NULL;
	*len = 0;
	if ((s = store_stmt(st, sql, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*len = (size_t)sqlite3_column_bytes(s, 0);
		*raw = xmalloc(*len + 1);
		if (*len > 0)
			memcpy(*raw, sqlite3_column_blob(s, 0), *len);
		(*raw)[*len] = '\0';
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, rc, "message raw", cause);
	return 0;
}
