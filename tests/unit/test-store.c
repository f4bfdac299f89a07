/* SPDX-License-Identifier: ISC */
/* store*.c on a real SQLite file: migrations, tickets, events,
 * messages and deduplication. */
#include "config.h"

#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "guichet.h"
#include "mime.h"
#include "store.h"
#include "t.h"
#include "ticket.h"

static struct store *
fresh(char *path)
{
	struct store *st;
	char *cause = NULL;
	int from = -1, to = -1;

	unlink(path);
	T_INT(store_open(path, &st, &cause), 0, "open");
	T_INT(store_check_schema(st, &cause), -1, "empty db needs init");
	T_OK(cause != NULL && strstr(cause, "guichet init") != NULL,
	    "error names guichet init");
	free(cause);
	T_INT(store_migrate(st, &from, &to, &cause), 0, "migrate");
	T_INT(from, 0, "from schema 0");
	T_OK(to >= 1, "to the newest schema");
	T_INT(store_migrate(st, &from, &to, &cause), 0, "migrate again");
	T_INT(from, to, "second migration is a no-op");
	T_INT(store_check_schema(st, &cause), 0, "schema ok");
	return st;
}

static int64_t
add_ticket(struct store *st, const char *subject)
{
	struct ticket *t = ticket_new();
	char *cause = NULL;
	int64_t id;

	ticket_set(&t->subject, subject);
	ticket_set(&t->requester, "jeanne@client.example");
	ticket_add_tag(t, "vpn");
	ticket_add_tag(t, "vpn");
	ticket_add_tag(t, "remote");
	t->created_at = t->updated_at = 1000;
	T_INT(store_ticket_insert(st, t, &cause), 0, "insert ticket");
	id = t->id;
	ticket_free(t);
	return id;
}

static void
test_tickets(struct store *st)
{
	struct store_ticket_filter f = { .status = "new" };
	struct ticket *t, **v;
	char *cause = NULL;
	int64_t id, n;
	size_t nv;

	id = add_ticket(st, "VPN ne fonctionne plus");
	T_OK(id > 0, "ticket id");
	T_INT(store_ticket_get(st, id, &t, &cause), 0, "get");
	T_STR(t->subject, "VPN ne fonctionne plus", "subject kept (UTF-8)");
	T_STR(t->status, "new", "default status");
	T_STR(t->priority, "P3", "default priority");
	T_STR(t->type, "incident", "default type");
	T_INT(t->ntags, 2, "tags deduplicated");
	T_INT(t->created_at, 1000, "created_at");
	ticket_set(&t->status, "bogus");
	T_INT(store_ticket_save(st, t, &cause), -1, "CHECK refuses bad status");
	free(cause);
	cause = NULL;
	ticket_set(&t->status, "open");
	T_INT(store_ticket_save(st, t, &cause), 0, "save");
	ticket_free(t);
	T_INT(store_ticket_get(st, 9999, &t, &cause), 0, "get missing");
	T_OK(t == NULL, "missing ticket is NULL");
	add_ticket(st, "second");
	T_INT(store_ticket_list(st, &f, &v, &nv, &cause), 0, "list new");
	T_INT(nv, 1, "one new ticket");
	for (size_t i = 0; i < nv; i++)
		ticket_free(v[i]);
	free(v);
	T_INT(store_ticket_count(st, &n, &cause), 0, "count");
	T_INT(n, 2, "two tickets");
}

static void
test_events(struct store *st)
{
	struct store_event e = { .ticket_id = 1, .at = 5, .actor = "cli:x",
	    .event = "change", .field = "status", .old_value = "new",
	    .new_value = "open" };
	struct store_event_row *rows;
	char *cause = NULL;
	size_t n;

	T_INT(store_event_add(st, &e, &cause), 0, "add event");
	T_INT(store_event_list(st, 1, &rows, &n, &cause), 0, "list events");
	T_INT(n, 1, "one event");
	T_STR(n ? rows[0].new_value : NULL, "open", "event value");
	store_event_rows_free(rows, n);
	e.ticket_id = 424242;
	T_INT(store_event_add(st, &e, &cause), -1,
	    "event on a missing ticket refused (foreign key)");
	free(cause);
}

static void
test_messages(struct store *st)
{
	static const char raw[] = "From: a@b.example\nSubject: x\n\nhello\n";
	struct message m;
	struct store_message_in in = { .ticket_id = 1, .direction = "in",
	    .kind = "mail", .source = "test", .now = 7 };
	char *cause = NULL, *back;
	size_t len;
	int64_t id, tid = 0;

	memset(&m, 0, sizeof(m));
	m.raw = raw;
	m.raw_len = sizeof(raw) - 1;
	sha256_hex(raw, m.raw_len, m.sha256);
	m.message_id = "abc@b.example";
	m.subject = "x";
	m.body = m.body_new = "hello\n";
	m.from.addr = "a@b.example";
	m.from.name = "";
	T_INT(store_message_seen(st, m.message_id, m.sha256, &tid, &cause),
	    TRI_NO, "not seen yet");
	T_INT(store_message_insert(st, &in, &m, &id, &cause), 0, "insert");
	T_INT(store_message_seen(st, m.message_id, m.sha256, &tid, &cause),
	    TRI_YES, "seen by Message-ID");
	T_INT(tid, 1, "seen on ticket 1");
	T_INT(store_ticket_by_message_id(st, "abc@b.example", &tid, &cause),
	    TRI_YES, "thread by Message-ID");
	T_INT(store_message_insert(st, &in, &m, &id, &cause), -1,
	    "same Message-ID twice refused");
	free(cause);
	cause = NULL;
	m.message_id = NULL;
	T_INT(store_message_seen(st, NULL, m.sha256, &tid, &cause), TRI_NO,
	    "no id: not seen by hash yet");
	T_INT(store_message_insert(st, &in, &m, &id, &cause), 0, "insert");
	T_INT(store_message_seen(st, NULL, m.sha256, &tid, &cause), TRI_YES,
	    "no id: seen by sha256");
	T_INT(store_message_raw(st, id, &back, &len, &cause), 0, "raw back");
	T_INT(len, sizeof(raw) - 1, "raw length");
	T_OK(back != NULL && memcmp(back, raw, len) == 0, "raw bytes kept");
	free(back);
}

static off_t
file_size(const char *path, const char *suffix)
{
	char *p = xasprintf("%s%s", path, suffix);
	struct stat sb;
	off_t n = stat(p, &sb) == 0 ? sb.st_size : 0;

	free(p);
	return n;
}

/* The one number sql gives, read by a connection of the test's own. */
static long long
count_rows(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long n = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &s, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return n;
}

/* Commits n batches of 32 events of 64 KB each: 2 MB a batch. */
static void
bulk_write(struct store *st, int64_t tid, int n, int *failures)
{
	static char detail[65536];
	struct store_event e = { .ticket_id = tid, .at = 1000,
	    .actor = "test", .event = "bulk", .detail = detail };
	char *cause = NULL;

	for (int b = 0; b < n; b++) {
		if (store_begin(st, &cause) == -1) {
			(*failures)++;
			free(cause);
			return;
		}
		for (int i = 0; i < 32; i++) {
			/* Distinct pages: nothing is written over twice. */
			for (size_t k = 0; k + 1 < sizeof(detail); k++)
				detail[k] = (char)('a' + (k * 7 + b * 32 + i) %
				    26);
			if (store_event_add(st, &e, &cause) == -1) {
				(*failures)++;
				free(cause);
				cause = NULL;
			}
		}
		if (store_commit(st, &cause) == -1) {
			(*failures)++;
			free(cause);
			cause = NULL;
		}
	}
}

/*
 * store_bulk(): a thread of its own copies the WAL into the database while
 * the writer goes on (the database file grows before the writer has
 * checkpointed anything), and the WAL never grows much past 64 MB.
 */
static void
test_bulk(const char *path)
{
	struct store *st;
	char *cause = NULL;
	off_t db0, wal, wal_max = 0;
	int failures = 0, grew = 0;
	int64_t tid;

	T_INT(store_open(path, &st, &cause), 0, "open for a bulk run");
	T_INT(store_bulk(st, &cause), 0, "bulk mode");
	tid = add_ticket(st, "bulk");
	db0 = file_size(path, "");
	/* 24 MB: past the checkpointer's 4 MB, short of the writer's 64. */
	bulk_write(st, tid, 12, &failures);
	for (int i = 0; i < 1000 && !grew; i++) {
		grew = file_size(path, "") > db0 + (8 << 20);
		if (!grew)
			nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
	T_OK(grew, "the checkpointer copied the WAL into the database");
	for (int i = 0; i < 6; i++) {
		bulk_write(st, tid, 8, &failures);
		if ((wal = file_size(path, "-wal")) > wal_max)
			wal_max = wal;
	}
	T_INT(failures, 0, "60 batches of 2 MB committed");
	T_OK(wal_max < (70 << 20), "the WAL stays under 64 MB and a batch");
	if (wal_max >= (70 << 20))
		printf("# WAL reached %lld bytes\n", (long long)wal_max);
	store_close(st);
	T_INT(file_size(path, "-wal"), 0, "closed: the WAL is gone");
	T_INT(count_rows(path, "SELECT count(*) FROM events WHERE "
	    "event = 'bulk'"), 32 * 60, "every event is there");
}

int
main(void)
{
	char path[] = "/tmp/guichet-test-store.XXXXXX";
	int fd = mkstemp(path);
	struct store *st;
	char *wal, *shm;

	close(fd);
	st = fresh(path);
	test_tickets(st);
	test_events(st);
	test_messages(st);
	store_close(st);
	test_bulk(path);
	wal = xasprintf("%s-wal", path);
	shm = xasprintf("%s-shm", path);
	unlink(path);
	unlink(wal);
	unlink(shm);
	free(wal);
	free(shm);
	return t_done();
}
