/* SPDX-License-Identifier: ISC */
/* The RFC 3834 guard: every signal that forbids an automatic answer,
 * out-of-office replies, and bounces (by DSN or by their headers). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "guard.h"
#include "guichet.h"
#include "mime.h"
#include "t.h"

static struct conf *conf;

struct tcase {
	const char	*what;
	const char	*headers;	/* replaces From/adds lines */
	const char	*reason;
	int		 autoreply, bounce;
};

static const struct tcase cases[] = {
	{ "a person's mail", "", "ok", 0, 0 },
	{ "Auto-Submitted: no", "Auto-Submitted: no\n", "ok", 0, 0 },
	{ "Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied\n",
	    "auto-submitted", 1, 0 },
	{ "Auto-Submitted: auto-generated",
	    "Auto-Submitted: auto-generated\n", "auto-submitted", 0, 0 },
	{ "Auto-Submitted with a comment",
	    "Auto-Submitted: auto-notified; owner-email=\"a@b\"\n",
	    "auto-submitted", 0, 0 },
	{ "Precedence: bulk", "Precedence: bulk\n", "bulk", 0, 0 },
	{ "Precedence: junk", "Precedence: junk\n", "junk", 0, 0 },
	{ "Precedence: list", "Precedence: list\n", "list", 0, 0 },
	{ "Precedence: auto_reply", "Precedence: auto_reply\n",
	    "precedence", 1, 0 },
	{ "List-Id", "List-Id: <users.lists.example.org>\n", "list", 0, 0 },
	{ "List-Unsubscribe", "List-Unsubscribe: <mailto:u@l.example>\n",
	    "list", 0, 0 },
	{ "X-Autoreply", "X-Autoreply: yes\n", "x-autoreply", 1, 0 },
	{ "X-Autorespond", "X-Autorespond: yes\n", "x-autoreply", 1, 0 },
	{ "X-Auto-Response-Suppress", "X-Auto-Response-Suppress: All\n",
	    "auto-response-suppress", 0, 0 },
	{ "empty Return-Path", "Return-Path: <>\n", "empty-return-path",
	    0, 0 },
	{ "Return-Path of a robot", "Return-Path: <MAILER-DAEMON@x.org>\n",
	    "mailer-daemon", 0, 0 },
	{ "From MAILER-DAEMON", "From: Mail Delivery System "
	    "<MAILER-DAEMON@mx.example.org>\n", "bounce", 0, 1 },
	{ "From postmaster", "From: postmaster@example.com\n",
	    "mailer-daemon", 0, 0 },
	{ "From no-reply", "From: Shop <no-reply@shop.example>\n",
	    "mailer-daemon", 0, 0 },
	{ "From noreply-...", "From: noreply-alerts@cloud.example\n",
	    "mailer-daemon", 0, 0 },
	{ "From bounces+...", "From: bounces+123=a=b@lists.example\n",
	    "mailer-daemon", 0, 0 },
	{ "From the desk itself", "From: Desk <HELP@example.test>\n",
	    "own-address", 0, 0 },
	{ "From a desk alias", "From: support@example.test\n",
	    "own-address", 0, 0 },
	{ "Reply-To the desk", "Reply-To: help@example.test\n",
	    "own-address", 0, 0 },
	{ "X-Loop of the desk", "X-Loop: help@example.test\n", "x-loop",
	    0, 0 },
	{ "out-of-office subject", "Subject: Out of Office: away until "
	    "Monday\n", "out-of-office", 1, 0 },
	{ "French automatic reply", "Subject: =?utf-8?q?R=C3=A9ponse_"
	    "automatique=C2=A0=3A?= absent\n", "out-of-office", 1, 0 },
	{ "X-Failed-Recipients", "X-Failed-Recipients: a@b.example\n",
	    "bounce", 0, 1 },
	{ "bounce by its headers", "From: MAILER-DAEMON@mx.example\n"
	    "Subject: Undelivered Mail Returned to Sender\n", "bounce", 0, 1 },
};

static struct message *
make(const char *extra, char **raw)
{
	struct buf b;
	struct message *m;

	buf_init(&b);
	buf_adds(&b, extra);
	if (strstr(extra, "From:") == NULL)
		buf_adds(&b, "From: Jeanne Martin <jeanne@client.example>\n");
	if (strstr(extra, "Subject:") == NULL)
		buf_adds(&b, "Subject: My screen is black\n");
	buf_adds(&b, "To: help@example.test\n"
	    "Message-ID: <guard-test@client.example>\n"
	    "Date: Mon, 4 Mar 2024 09:00:00 +0100\n\nHello.\n");
	*raw = buf_steal(&b);
	if (mime_parse(*raw, strlen(*raw), &m) == -1)
		return NULL;
	return m;
}

static void
check_case(const struct tcase *c)
{
	struct guard_verdict v;
	struct message *m;
	char *raw, *what;

	if ((m = make(c->headers, &raw)) == NULL) {
		T_OK(0, c->what);
		free(raw);
		return;
	}
	guard_classify(conf, m, &v);
	what = xasprintf("%s: %s", c->what, c->reason);
	T_STR(v.reason, c->reason, what);
	free(what);
	what = xasprintf("%s: answer %s, out of office %d, bounce %d",
	    c->what, strcmp(c->reason, "ok") == 0 ? "yes" : "no",
	    c->autoreply, c->bounce);
	T_OK(v.may_answer == (strcmp(c->reason, "ok") == 0) &&
	    v.is_autoreply == c->autoreply && v.is_bounce == c->bounce, what);
	free(what);
	message_free(m);
	free(raw);
}

static void
check_file(const char *name, int bounce, int autoreply, int answer)
{
	const char *src = getenv("GUICHET_SRCDIR");
	char *path = xasprintf("%s/tests/data/mail/%s", src ? src : ".", name);
	char *raw, *cause, *what;
	struct guard_verdict v;
	struct message *m;
	size_t len;

	what = xasprintf("%s: bounce %d, out of office %d, answer %d", name,
	    bounce, autoreply, answer);
	if (file_read(path, &raw, &len, &cause) == -1) {
		printf("# %s\n", cause);
		free(cause);
		T_OK(0, what);
	} else {
		if (mime_parse(raw, len, &m) == 0) {
			guard_classify(conf, m, &v);
			T_OK(v.is_bounce == bounce && v.is_autoreply ==
			    autoreply && v.may_answer == answer, what);
			if (v.is_bounce != bounce || v.may_answer != answer)
				printf("# reason %s\n", v.reason);
			message_free(m);
		} else
			T_OK(0, what);
		free(raw);
	}
	free(what);
	free(path);
}

int
main(void)
{
	char path[] = "/tmp/guichet-test-guard.XXXXXX";
	char *errors;
	FILE *f;
	int fd;

	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL)
		return 99;
	fprintf(f, "[desk]\naddress = help@example.test\n"
	    "aliases = support@example.test\ndatabase = /tmp/x.db\n");
	fclose(f);
	if (conf_load(path, &conf, &errors) == -1) {
		printf("# %s", errors);
		unlink(path);
		return 99;
	}
	unlink(path);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		check_case(&cases[i]);
	check_file("plain-ascii.eml", 0, 0, 1);
	check_file("dsn-report.eml", 1, 0, 0);
	check_file("bounce-qmail.eml", 1, 0, 0);
	check_file("bounce-exim.eml", 1, 0, 0);
	check_file("auto-reply.eml", 0, 1, 0);
	check_file("list-mail.eml", 0, 0, 0);
	conf_free(conf);
	return t_done();
}
