/* SPDX-License-Identifier: ISC */
/*
 * RFC 3834 and common practice: which messages must never get an
 * automatic answer.  The checks run from the most specific signal to the
 * most general, and the first that holds gives the reason.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "guard.h"
#include "guichet.h"
#include "mime.h"

/* Subjects of bounces that carry no delivery-status part. */
static const char *const bounce_subjects[] = {
	"undelivered mail returned to sender", "undeliverable:",
	"delivery status notification (failure)", "returned mail:",
	"mail delivery failed", "failure notice",
	"delivery failure", "non remis :", "non distribuable :",
};

/* Subjects of out-of-office replies that set no header. */
static const char *const ooo_subjects[] = {
	"out of office", "automatic reply:", "auto-reply:", "autoreply:",
	"réponse automatique", "absence du bureau", "abwesenheitsnotiz",
	"on vacation", "away from the office",
};

/* Local parts that are machines, whatever their domain. */
static const char *const robot_locals[] = {
	"mailer-daemon", "postmaster", "noreply", "no-reply", "no_reply",
	"donotreply", "do-not-reply", "do_not_reply", "bounce", "bounces",
	"mail-daemon", "listserv", "majordomo",
};

static int
subject_has(const char *subject, const char *const *v, size_t n)
{
	char *s = str_lower(xstrdup(subject));
	int hit = 0;

	for (size_t i = 0; i < n && !hit; i++)
		hit = strstr(s, v[i]) != NULL;
	free(s);
	return hit;
}

/* The first word of a header value, lower case, without ";..." */
static int
header_word_is(const struct message *m, const char *name, const char *word)
{
	const char *v = message_header(m, name);
	size_t n;

	if (v == NULL)
		return 0;
	v += strspn(v, " \t");
	n = strcspn(v, " \t;(");
	return n == strlen(word) && strncasecmp(v, word, n) == 0;
}

static int
robot_address(const char *addr)
{
	size_t n;

	if (addr == NULL || *addr == '\0')
		return 0;
	n = strcspn(addr, "+@");	/* "bounces+x=y@" is a robot too */
	for (size_t i = 0; i < ARRAY_LEN(robot_locals); i++)
		if (n == strlen(robot_locals[i]) &&
		    strncasecmp(addr, robot_locals[i], n) == 0)
			return 1;
	return str_iprefix(addr, "noreply") || str_iprefix(addr, "no-reply") ||
	    str_iprefix(addr, "donotreply");
}

/* "<>" or empty: the null reverse path of bounces and receipts. */
static int
null_return_path(const struct message *m)
{
	const char *v = message_header(m, "Return-Path");

	if (v == NULL)
		return 0;
	v += strspn(v, " \t<");
	return *v == '\0' || *v == '>';
}

/* Return-Path: <MAILER-DAEMON@host> */
static int
robot_return_path(const struct message *m)
{
	const char *v = message_header(m, "Return-Path");

	if (v == NULL)
		return 0;
	v += strspn(v, " \t<");
	return robot_address(v);
}

static const char *
bounce_reason(const struct message *m)
{
	if (m->is_dsn)	/* a report, or known to mime-dsn.c */
		return "bounce";
	if (message_header(m, "X-Failed-Recipients") != NULL)
		return "bounce";
	if ((robot_address(m->from.addr) || null_return_path(m)) &&
	    subject_has(m->subject, bounce_subjects,
	    ARRAY_LEN(bounce_subjects)))
		return "bounce";
	return NULL;
}

/* Out of office and other replies by a program on someone's behalf. */
static const char *
autoreply_reason(const struct message *m)
{
	if (header_word_is(m, "Auto-Submitted", "auto-replied"))
		return "auto-submitted";
	if (message_header(m, "X-Autoreply") != NULL ||
	    message_header(m, "X-Autorespond") != NULL)
		return "x-autoreply";
	if (header_word_is(m, "Precedence", "auto_reply"))
		return "precedence";
	if (subject_has(m->subject, ooo_subjects, ARRAY_LEN(ooo_subjects)))
		return "out-of-office";
	return NULL;
}

/* Other signals that a machine sent it, or that it reached many. */
static const char *
machine_reason(const struct conf *c, const struct message *m)
{
	const char *v;

	if ((v = message_header(m, "Auto-Submitted")) != NULL &&
	    !header_word_is(m, "Auto-Submitted", "no"))
		return "auto-submitted";
	if (message_header(m, "List-Id") != NULL ||
	    message_header(m, "List-Unsubscribe") != NULL ||
	    message_header(m, "List-Post") != NULL)
		return "list";
	if (header_word_is(m, "Precedence", "bulk"))
		return "bulk";
	if (header_word_is(m, "Precedence", "junk"))
		return "junk";
	if (header_word_is(m, "Precedence", "list"))
		return "list";
	if (message_header(m, "X-Auto-Response-Suppress") != NULL)
		return "auto-response-suppress";
	if (null_return_path(m))
		return "empty-return-path";
	if (*m->from.addr == '\0')
		return "no-sender";
	if (robot_address(m->from.addr) ||
	    robot_address(m->reply_to.addr) || robot_return_path(m))
		return "mailer-daemon";
	if (conf_is_desk_address(c, m->from.addr) ||
	    (*m->reply_to.addr != '\0' &&
	    conf_is_desk_address(c, m->reply_to.addr)))
		return "own-address";
	if ((v = message_header(m, "X-Loop")) != NULL &&
	    *c->desk_address != '\0' && strcasestr(v, c->desk_address) != NULL)
		return "x-loop";
	return NULL;
}

void
guard_classify(const struct conf *c, const struct message *m,
    struct guard_verdict *v)
{
	const char *why;

	memset(v, 0, sizeof(*v));
	if ((why = bounce_reason(m)) != NULL) {
		v->is_bounce = 1;
		v->reason = why;
		return;
	}
	if ((why = autoreply_reason(m)) != NULL) {
		v->is_autoreply = 1;
		v->reason = why;
		return;
	}
	if ((why = machine_reason(c, m)) != NULL) {
		v->reason = why;
		return;
	}
	v->may_answer = 1;
	v->reason = "ok";
}
