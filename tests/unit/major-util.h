/* SPDX-License-Identifier: ISC */
/*
 * major-util.h - helpers of test-major.c: a desk on a fresh SQLite file
 * with the config of tests/data/major/, tickets arriving as intake makes
 * them at a given second, and short questions about what the store holds.
 * Any store error ends the test ("Bail out!").
 */
#ifndef MAJOR_UTIL_H
#define MAJOR_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "desk.h"
#include "guichet.h"
#include "major.h"
#include "notify.h"
#include "store.h"
#include "ticket.h"

#define T0	1700000000	/* the test's epoch */

static struct desk desk;	/* the desk under test */
static struct conf *conf;
static int notify_real;		/* notify_send() queues outbox rows */

static inline void
die(const char *what, char *cause)
{
	printf("Bail out! %s: %s\n", what, cause ? cause : "?");
	exit(1);
}

static inline void
setup(const char *srcdir, const char *db)
{
	struct store *st;
	char *path, *cause = NULL, *errors = NULL;
	int from, to, rc;

	path = xasprintf("%s/tests/data/major/major.conf", srcdir);
	if (conf_load(path, &conf, &errors) == -1)
		die("conf", errors);
	free(path);
	free(conf->database);
	conf->database = xstrdup(db);
	free(conf->templates_dir);
	conf->templates_dir = xasprintf("%s/templates", srcdir);
	unlink(db);
	if (store_open(db, &st, &cause) == -1 ||
	    store_migrate(st, &from, &to, &cause) == -1)
		die("store", cause);
	store_close(st);
	/* desk_open() gives the desk whatever notify needs (templates);
	 * only the clock is then set by hand. */
	if ((rc = desk_open(&desk, conf, 0)) != 0) {
		printf("Bail out! desk_open: %d\n", rc);
		exit(1);
	}
	desk.now = T0;
}

static inline int64_t
outbox(const char *template, const char *rcpt)
{
	char *cause = NULL;
	int64_t n;

	if (store_major_outbox_count(desk.store, template, rcpt, &n,
	    &cause) == -1)
		die("outbox", cause);
	return n;
}

/* Whether notify_send() is the real one yet: try it inside a savepoint
 * that is then thrown away. */
static inline void
probe_notify(void)
{
	struct ticket *t = ticket_new();
	char *cause = NULL;

	ticket_set(&t->subject, "probe");
	ticket_set(&t->requester, "probe@example.test");
	t->created_at = t->updated_at = desk.now;
	if (store_savepoint(desk.store, STORE_SP_MESSAGE, &cause) == -1 ||
	    store_ticket_insert(desk.store, t, &cause) == -1)
		die("probe", cause);
	if (notify_send(&desk, t, "major-notice", "probe@example.test", 1,
	    &cause) == -1) {
		printf("# notify_send failed: %s\n", cause);
		free(cause);
	}
	notify_real = outbox(NULL, "probe@example.test") > 0;
	store_rollback_savepoint(desk.store, STORE_SP_MESSAGE);
	ticket_free(t);
	if (!notify_real)
		printf("# notify_send queues nothing yet: outbox counts "
		    "skipped, events checked\n");
}

/* A new ticket as intake makes it, at now = T0 + at. */
static inline struct ticket *
arrive(time_t at, const char *category, const char *rule, const char *from,
    int64_t *joined)
{
	struct ticket *t = ticket_new();
	char *cause = NULL;

	desk.now = T0 + at;
	t->subject = xasprintf("help from %s", from);
	ticket_set(&t->category, category);
	ticket_set(&t->major_rule, rule);
	ticket_set(&t->requester, from);
	t->created_at = t->updated_at = desk.now;
	if (store_ticket_insert(desk.store, t, &cause) == -1 ||
	    major_on_new_ticket(&desk, t, 0, rule != NULL, joined,
	    &cause) == -1)
		die("new ticket", cause);
	return t;
}

/* arrive(), keeping only the id. */
static inline int64_t
arrive_id(time_t at, const char *category, const char *rule,
    const char *from, int64_t *joined)
{
	struct ticket *t = arrive(at, category, rule, from, joined);
	int64_t id = t->id;

	ticket_free(t);
	return id;
}

static inline struct ticket *
get(int64_t id)
{
	struct ticket *t;
	char *cause = NULL;

	if (store_ticket_get(desk.store, id, &t, &cause) == -1 || t == NULL)
		die("get", cause);
	return t;
}

static inline int64_t
parent_of(int64_t id)
{
	struct ticket *t = get(id);
	int64_t p = t->parent_id;

	ticket_free(t);
	return p;
}

/* The status of a ticket (a static buffer: use it before the next call). */
static inline const char *
status_of(int64_t id)
{
	static char s[16];
	struct ticket *t = get(id);

	snprintf(s, sizeof(s), "%s", t->status);
	ticket_free(t);
	return s;
}

/* Events of a ticket named event (and of actor, unless NULL). */
static inline size_t
events(int64_t id, const char *event, const char *actor)
{
	struct store_event_row *v;
	char *cause = NULL;
	size_t n, count = 0;

	if (store_event_list(desk.store, id, &v, &n, &cause) == -1)
		die("events", cause);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].event, event) == 0 && (actor == NULL ||
		    strcmp(v[i].actor, actor) == 0))
			count++;
	store_event_rows_free(v, n);
	return count;
}

/* The number of major incidents, and the newest one's id. */
static inline size_t
majors(int64_t *newest)
{
	struct store_ticket_filter f = { 0 };
	struct ticket **v;
	char *cause = NULL;
	size_t n, count = 0;

	*newest = 0;
	if (store_ticket_list(desk.store, &f, &v, &n, &cause) == -1)
		die("list", cause);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i]->type, "major") == 0) {
			count++;
			*newest = v[i]->id;
		}
		ticket_free(v[i]);
	}
	free(v);
	return count;
}

static inline size_t
children(int64_t parent)
{
	struct store_ticket_filter f = { .parent_id = parent };
	struct ticket **v;
	char *cause = NULL;
	size_t n;

	if (store_ticket_list(desk.store, &f, &v, &n, &cause) == -1)
		die("children", cause);
	for (size_t i = 0; i < n; i++)
		ticket_free(v[i]);
	free(v);
	return n;
}

static inline void
change(int64_t id, const char *field, const char *value, const char *actor)
{
	struct ticket *t = get(id);
	char *cause = NULL;

	if (ticket_change(&desk, t, field, value, actor, &cause) == -1)
		die(field, cause);
	ticket_free(t);
}

#endif
