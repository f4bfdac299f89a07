/* SPDX-License-Identifier: ISC */
/* The outbox and notices with the desk's clock driven by hand: backoff,
 * giving up after max_age, retry, the daily cap of automatic answers,
 * the suppression list and the desk's own addresses. */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "desk.h"
#include "guard.h"
#include "guichet.h"
#include "notify.h"
#include "outbox.h"
#include "store.h"
#include "ticket.h"
#include "t.h"

#define T0	1700000000

static struct desk d;
static char db[] = "/tmp/guichet-test-outbox.XXXXXX";

static void
die(const char *what, char *cause)
{
	printf("Bail out! %s: %s\n", what, cause != NULL ? cause : "?");
	exit(1);
}

/* A port on which nothing listens: connections are refused at once. */
static int
closed_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM, 0), port;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s == -1 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) == -1)
		die("socket", NULL);
	port = ntohs(sa.sin_port);
	close(s);
	return port;
}

static struct conf *
setup(void)
{
	const char *src = getenv("GUICHET_SRCDIR");
	char path[] = "/tmp/guichet-test-outbox-conf.XXXXXX";
	struct conf *c;
	struct store *st;
	char *errors = NULL, *cause = NULL;
	int fd, from, to;
	FILE *f;

	if ((fd = mkstemp(db)) == -1 || (fd = mkstemp(path)) == -1 ||
	    (f = fdopen(fd, "w")) == NULL)
		die("temp files", NULL);
	fprintf(f, "[desk]\nname = Test Desk\naddress = help@example.test\n"
	    "aliases = support@example.test\ndatabase = %s\n"
	    "templates = %s/templates\nautoreply_limit = 2\n\n"
	    "[smtp]\nurl = smtp://127.0.0.1:%d\nsecurity = none\n"
	    "max_age = 1h\ntimeout = 5s\n", db, src != NULL ? src : ".",
	    closed_port());
	fclose(f);
	if (conf_load(path, &c, &errors) == -1)
		die("conf", errors);
	unlink(path);
	if (store_open(db, &st, &cause) == -1 ||
	    store_migrate(st, &from, &to, &cause) == -1)
		die("store", cause);
	store_close(st);
	if (desk_open(&d, c, 0) != 0)
		die("desk_open", NULL);
	d.now = T0;
	return c;
}

static struct ticket *
ticket(const char *requester)
{
	struct ticket *t = ticket_new();
	char *cause = NULL;

	ticket_set(&t->subject, "Printer jammed");
	ticket_set(&t->type, "incident");
	ticket_set(&t->status, "new");
	ticket_set(&t->priority, "P3");
	ticket_set(&t->channel, "email");
	ticket_set(&t->requester, requester);
	t->created_at = t->updated_at = d.now;
	if (store_ticket_insert(d.store, t, &cause) == -1)
		die("ticket", cause);
	return t;
}

static struct store_outbox_row
row(int64_t id)
{
	struct store_outbox_row *v, r = { 0 };
	char *cause = NULL;
	size_t n;

	if (store_outbox_list(d.store, NULL, 0, &v, &n, &cause) == -1)
		die("list", cause);
	for (size_t i = 0; i < n; i++)
		if (v[i].id == id) {
			r = v[i];
			r.last_error = v[i].last_error != NULL ?
			    xstrdup(v[i].last_error) : NULL;
			r.status = xstrdup(v[i].status);
		}
	store_outbox_rows_free(v, n);
	return r;
}

static int64_t
count(const char *status)
{
	char *cause = NULL;
	int64_t n;

	if (store_outbox_count(d.store, status, &n, &cause) == -1)
		die("count", cause);
	return n;
}

static void
flush(time_t now, struct outbox_stats *st)
{
	char *cause = NULL;

	d.now = now;
	if (outbox_flush(&d, SIZE_MAX, st, &cause) == -1)
		die("flush", cause);
}

static void
test_backoff(void)
{
	struct outbox_stats st;
	struct store_outbox_row r;
	struct ticket *t;
	char *cause = NULL;

	T_INT(outbox_backoff(1), 60, "first retry after a minute");
	T_INT(outbox_backoff(2), 120, "then doubling");
	T_INT(outbox_backoff(6), 1920, "32 min");
	T_INT(outbox_backoff(7), 3600, "capped at one hour");
	T_INT(outbox_backoff(40), 3600, "and stays there");

	t = ticket("jeanne@client.example");
	if (notify_ticket_logged(&d, t, &cause) == -1)
		die("notify", cause);
	T_INT(count("queued"), 1, "a notice is queued");
	flush(T0, &st);
	T_INT(st.retried, 1, "server down: deferred");
	r = row(1);
	T_INT(r.attempts, 1, "one attempt");
	T_INT(r.next_attempt_at, T0 + 60, "next in 60 s");
	T_OK(r.last_error != NULL && strstr(r.last_error, "onnect") != NULL,
	    "the error says why");
	free(r.last_error);
	free(r.status);
	flush(T0 + 59, &st);
	T_INT(st.sent + st.retried + st.failed, 0, "not due before then");
	flush(T0 + 60, &st);
	r = row(1);
	T_INT(r.attempts, 2, "second attempt when due");
	T_INT(r.next_attempt_at, T0 + 60 + 120, "next in 120 s");
	free(r.last_error);
	free(r.status);
	flush(T0 + 3600, &st);
	T_INT(st.failed, 1, "after max_age it fails");
	r = row(1);
	T_OK(r.last_error != NULL && strncmp(r.last_error, "gave up after 3 "
	    "attempts: ", 26) == 0, "gave up after 3 attempts");
	free(r.last_error);
	free(r.status);
	T_INT(count("failed"), 1, "failed");
	{
		struct store_event_row *ev;
		size_t n;
		int found = 0;
		if (store_event_list(d.store, t->id, &ev, &n, &cause) == -1)
			die("events", cause);
		for (size_t i = 0; i < n; i++)
			found |= strcmp(ev[i].event, "delivery-failure") == 0;
		store_event_rows_free(ev, n);
		T_OK(found, "the failure is an event of the ticket");
	}
	d.now = T0 + 7200;
	T_INT(outbox_retry(&d, 1, &cause), 0, "retry");
	r = row(1);
	T_OK(strcmp(r.status, "queued") == 0 && r.attempts == 0 &&
	    r.next_attempt_at == T0 + 7200, "queued again, due now");
	free(r.last_error);
	free(r.status);
	T_INT(outbox_retry(&d, 42, &cause), -1, "no such mail");
	free(cause);
	ticket_free(t);
}

static void
test_cap(void)
{
	struct guard_verdict ok = { .may_answer = 1, .reason = "ok" };
	struct guard_verdict no = { .reason = "list" };
	struct ticket *t;
	char *cause = NULL;
	int64_t before = count(NULL);

	d.now = T0 + 10000;
	for (int i = 0; i < 4; i++) {
		t = ticket("loop@client.example");
		if (notify_ticket_created(&d, t, NULL, &ok, NULL, &cause) == -1)
			die("notify", cause);
		ticket_free(t);
	}
	T_INT(count(NULL) - before, 2, "autoreply_limit = 2 answers a day");
	t = ticket("loop@client.example");
	if (notify_status_change(&d, t, "new", &cause) == -1)
		die("notify", cause);
	T_INT(count(NULL) - before, 3, "a status notice is not an answer: "
	    "not capped");
	d.now = T0 + 10000 + 86401;
	if (notify_ticket_created(&d, t, NULL, &ok, NULL, &cause) == -1)
		die("notify", cause);
	T_INT(count(NULL) - before, 4, "a day later, answers again");
	if (notify_ticket_created(&d, t, NULL, &no, NULL, &cause) == -1)
		die("notify", cause);
	T_INT(count(NULL) - before, 4, "the guard's no is final");
	ticket_free(t);
}

static void
test_recipients(void)
{
	struct ticket *t;
	char *cause = NULL;
	int64_t before = count(NULL);

	if (store_suppress(d.store, "gone@client.example", "bounced: 5.1.1",
	    0, d.now, &cause) == -1)
		die("suppress", cause);
	t = ticket("gone@client.example");
	if (notify_status_change(&d, t, "new", &cause) == -1)
		die("notify", cause);
	T_INT(count(NULL), before, "no mail to a suppressed address");
	ticket_free(t);
	t = ticket("support@example.test");
	if (notify_ticket_logged(&d, t, &cause) == -1)
		die("notify", cause);
	T_INT(count(NULL), before, "no mail to the desk's own alias");
	if (notify_send(&d, t, "no-such-template", "x@client.example", 1,
	    &cause) == -1)
		die("notify", cause);
	T_INT(count(NULL), before, "an unknown template is skipped, logged");
	if (notify_send(&d, t, "sla-warning", "Supervisor <sup@example.test>",
	    1, &cause) == -1)
		die("notify", cause);
	T_INT(count(NULL), before + 1, "notify_send to a named address");
	ticket_free(t);
}

int
main(void)
{
	struct conf *c = setup();

	test_backoff();
	test_cap();
	test_recipients();
	desk_close(&d);
	conf_free(c);
	unlink(db);
	return t_done();
}
