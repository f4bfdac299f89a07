/* SPDX-License-Identifier: ISC */
/*
 * mime-dsn.c - delivery status notifications.  An RFC 3464 report
 * (multipart/report; report-type=delivery-status) gives Final-Recipient
 * and Status from its message/delivery-status part and the returned
 * Message-ID from its text/rfc822-headers or message/rfc822 part.  Old
 * MTAs (qmail, Exim, some Postfix set-ups) send a plain message from
 * MAILER-DAEMON with the returned headers inline: that one is recognised
 * by its headers, and the same fields are looked for in its text.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime-int.h"

#define DSN_SCAN	(64u << 10)	/* bytes of bounce text searched */

/* "rfc822; <a@b>" or "a@b" to "a@b". */
static char *
dsn_address(const char *v)
{
	const char *semi = strchr(v, ';'), *s, *e;
	char *a;

	s = semi != NULL ? semi + 1 : v;
	while (*s == ' ' || *s == '\t' || *s == '<')
		s++;
	for (e = s; *e != '\0' && *e != ' ' && *e != '\t' && *e != '>' &&
	    *e != '\r' && *e != '\n' && *e != ','; e++)
		continue;
	if (e == s)
		return NULL;
	a = mime_header_decode(s, (size_t)(e - s), NULL, 0);
	if (*a == '\0') {
		free(a);
		return NULL;
	}
	return a;
}

/* Length of an RFC 3463 status code "c.s.d" at s, or 0. */
static size_t
status_len(const char *s, const char *end)
{
	const char *p = s;
	int part, digits;

	if (p >= end || (*p != '2' && *p != '4' && *p != '5'))
		return 0;
	p++;
	for (part = 0; part < 2; part++) {
		if (p >= end || *p != '.')
			return 0;
		p++;
		for (digits = 0; p < end && *p >= '0' && *p <= '9' &&
		    digits < 3; p++)
			digits++;
		if (digits == 0)
			return 0;
	}
	if (p < end && ((*p >= '0' && *p <= '9') || *p == '.'))
		return 0;
	return (size_t)(p - s);
}

/* The first status code in text, standing on its own. */
static char *
status_scan(const char *s, size_t n)
{
	const char *end = s + n, *p;
	size_t k;

	for (p = s; p < end; p++) {
		if (p > s && ((p[-1] >= '0' && p[-1] <= '9') || p[-1] == '.'))
			continue;
		if ((k = status_len(p, end)) != 0)
			return xstrndup(p, k);
	}
	return NULL;
}

struct dsn_fields {
	char	*recipient;
	char	*original;	/* Original-Recipient, a fallback */
	char	*status;
	char	*msgid;
};

static void
dsn_field(struct dsn_fields *df, const char *name, const char *value)
{
	if (str_ieq(name, "Final-Recipient") && df->recipient == NULL)
		df->recipient = dsn_address(value);
	else if (str_ieq(name, "Original-Recipient") && df->original == NULL)
		df->original = dsn_address(value);
	else if (str_ieq(name, "Status") && df->status == NULL)
		df->status = status_scan(value, strlen(value));
	else if (str_ieq(name, "Message-ID") && df->msgid == NULL)
		df->msgid = mime_msgid_from(value, strlen(value));
}

/* Groups of header-like fields separated by blank lines (RFC 3464 2.1),
 * or the header block of a returned message. */
static void
dsn_groups(struct dsn_fields *df, const char *p, size_t n, int all)
{
	struct mailimf_fields *f;
	struct mailimf_optional_field *of;
	clistiter *it;
	size_t idx = 0, prev;
	const char *nl;

	while (idx < n) {
		prev = idx;
		f = NULL;
		if (mailimf_optional_fields_parse(p, n, &idx, &f) ==
		    MAILIMF_NO_ERROR) {
			for (it = clist_begin(f->fld_list); it != NULL;
			    it = clist_next(it)) {
				of = ((struct mailimf_field *)clist_content(
				    it))->fld_data.fld_optional_field;
				if (of != NULL && of->fld_name != NULL &&
				    of->fld_value != NULL)
					dsn_field(df, of->fld_name,
					    of->fld_value);
			}
			mailimf_fields_free(f);
		}
		if (!all)
			return;
		mailimf_crlf_parse(p, n, &idx);
		if (idx == prev) {
			/* Not a field: skip the line. */
			nl = memchr(p + idx, '\n', n - idx);
			idx = nl != NULL ? (size_t)(nl + 1 - p) : n;
		}
	}
}

static void
dsn_part(struct mime_ctx *ctx, struct mailmime *c, struct dsn_fields *df,
    int *is_ds)
{
	char ct[128], *tofree;
	const char *p;
	size_t n;

	mime_ctype(c->mm_content_type, ct, sizeof(ct));
	if (strcmp(ct, "message/delivery-status") == 0 ||
	    strcmp(ct, "message/global-delivery-status") == 0) {
		*is_ds = 1;
		mime_part_bytes(ctx, c, &p, &n, &tofree);
		dsn_groups(df, p, n, 1);
	} else if (strcmp(ct, "text/rfc822-headers") == 0 ||
	    strcmp(ct, "message/rfc822-headers") == 0 ||
	    strcmp(ct, "message/global-headers") == 0 ||
	    strcmp(ct, "message/rfc822") == 0 ||
	    strcmp(ct, "message/global") == 0) {
		/* A message/rfc822 node keeps its whole text in mm_body. */
		if (c->mm_type == MAILMIME_MESSAGE && c->mm_body != NULL &&
		    c->mm_body->dt_type == MAILMIME_DATA_TEXT) {
			p = c->mm_body->dt_data.dt_text.dt_data;
			n = c->mm_body->dt_data.dt_text.dt_length;
			tofree = NULL;
		} else
			mime_part_bytes(ctx, c, &p, &n, &tofree);
		if (df->msgid == NULL)
			dsn_groups(df, p, n, 0);
	} else
		return;
	free(tofree);
}

void
mime_dsn_report(struct mime_ctx *ctx, struct mailmime *mm)
{
	struct message *m = ctx->msg;
	struct dsn_fields df = { NULL, NULL, NULL, NULL };
	const char *rt;
	clistiter *it;
	int is_ds;

	rt = mailmime_content_param_get(mm->mm_content_type, "report-type");
	is_ds = rt != NULL && (str_ieq(rt, "delivery-status") ||
	    str_ieq(rt, "global-delivery-status"));
	for (it = clist_begin(mm->mm_data.mm_multipart.mm_mp_list); it != NULL;
	    it = clist_next(it))
		dsn_part(ctx, clist_content(it), &df, &is_ds);
	if (is_ds && !m->is_dsn) {
		m->is_dsn = 1;
		m->dsn_recipient = df.recipient != NULL ? df.recipient :
		    df.original;
		if (df.recipient != NULL)
			free(df.original);
		m->dsn_status = df.status;
		m->dsn_original_id = df.msgid;
		return;
	}
	free(df.recipient);
	free(df.original);
	free(df.status);
	free(df.msgid);
}

static int
contains_ci(const char *s, const char *word)
{
	size_t n = strlen(word);
	int c0 = word[0];

	for (; *s != '\0'; s++)
		if ((*s | 0x20) == c0 && strncasecmp(s, word, n) == 0)
			return 1;
	return 0;
}

static int
bounce_subject(const char *subject)
{
	static const char *const words[] = { "undeliver", "undelivered",
	    "delivery status notification", "failure notice",
	    "returned mail", "delivery fail", "mail delivery",
	    "non remis", "non distribu", "unzustellbar", "returned to sender",
	    NULL };
	size_t i;

	for (i = 0; words[i] != NULL; i++)
		if (contains_ci(subject, words[i]))
			return 1;
	return 0;
}

/* Mail from the mail system itself, by its sender and subject. */
static int
is_bounce(const struct message *m)
{
	const char *at = strchr(m->from.addr, '@'), *rp;
	size_t local = at != NULL ? (size_t)(at - m->from.addr) :
	    strlen(m->from.addr);

	if ((local == 13 && strncasecmp(m->from.addr, "mailer-daemon", 13) ==
	    0) || (local == 11 && strncasecmp(m->from.addr, "mail-daemon",
	    11) == 0))
		return 1;
	if (message_header(m, "X-Failed-Recipients") != NULL)
		return 1;
	/* The subject only counts for these two: check it last. */
	if (local == 10 && strncasecmp(m->from.addr, "postmaster", 10) == 0)
		return bounce_subject(m->subject);
	rp = message_header(m, "Return-Path");
	return rp != NULL && (strcmp(rp, "<>") == 0 || *rp == '\0') &&
	    bounce_subject(m->subject);
}

/* A line "<a@b>:" (qmail, Postfix) names the failed recipient. */
static char *
recipient_scan(const char *s, size_t n)
{
	const char *end = s + n, *p = s, *gt, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (*p == '<' && (gt = memchr(p, '>', (size_t)((nl != NULL ?
		    nl : end) - p))) != NULL && gt + 1 < end && gt[1] == ':' &&
		    memchr(p, '@', (size_t)(gt - p)) != NULL)
			return xstrndup(p + 1, (size_t)(gt - p - 1));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return NULL;
}

/* The returned message's "Message-ID:" line, quoted or indented. */
static char *
msgid_scan_lines(const char *s, size_t n)
{
	const char *end = s + n, *p = s, *q, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		for (q = p; q < end && (*q == ' ' || *q == '\t' || *q == '>');
		    q++)
			continue;
		if (end - q > 11 && strncasecmp(q, "message-id:", 11) == 0)
			return mime_msgid_from(q + 11, (size_t)((nl != NULL ?
			    nl : end) - q - 11));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return NULL;
}

void
mime_dsn_guess(struct mime_ctx *ctx)
{
	struct message *m = ctx->msg;
	const char *fr;
	size_t n;

	if (m->is_dsn || !is_bounce(m))
		return;
	m->is_dsn = 1;
	n = strlen(m->body);
	if (n > DSN_SCAN)
		n = DSN_SCAN;
	if ((fr = message_header(m, "X-Failed-Recipients")) != NULL)
		m->dsn_recipient = dsn_address(fr);
	if (m->dsn_recipient == NULL)
		m->dsn_recipient = recipient_scan(m->body, n);
	m->dsn_status = status_scan(m->body, n);
	if (ctx->inner_msgid != NULL)
		m->dsn_original_id = xstrdup(ctx->inner_msgid);
	else
		m->dsn_original_id = msgid_scan_lines(m->body, n);
}
