/* SPDX-License-Identifier: ISC */
/*
 * Outgoing messages: the header block (in the order a reader expects),
 * addresses, Message-ID and Date, and the text/plain body.  The parsing
 * of admin-written address lists is libetpan's.
 */
#include "config.h"

#include <sys/random.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "guichet.h"
#include "mail-compose.h"
#include "mail-int.h"

int
mail_addr_valid(const char *a)
{
	const char *at = strrchr(a, '@');
	size_t len = strlen(a);

	if (at == NULL || at == a || at[1] == '\0' || len > 254)
		return 0;
	for (const char *p = a; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr("<>()[],;:\"\\", *p) != NULL)
			return 0;
	return strchr(a, '@') == at && at[1] != '.' && a[len - 1] != '.';
}

void
mail_date(time_t t, char out[40])
{
	static const char days[][4] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char months[][4] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

char *
mail_message_id(const char *domain, time_t t)
{
	static unsigned int counter;
	unsigned char rnd[12];
	char hex[sizeof(rnd) * 2 + 1];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		/* Unique enough without entropy: pid, time, counter. */
		unsigned int v = (unsigned int)getpid() ^ ++counter;
		memset(rnd, 0, sizeof(rnd));
		memcpy(rnd, &v, sizeof(v));
		memcpy(rnd + sizeof(v), &t, sizeof(t) < 8 ? sizeof(t) : 8);
	}
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	return xasprintf("%lld.%s@%s", (long long)t, hex,
	    domain != NULL && *domain != '\0' ? domain : "localhost");
}

/* An id from someone else's mail, fit to be written back: printable
 * ASCII, no brackets or spaces, short enough for one header line. */
static int
msgid_ok(const char *id)
{
	size_t len = strlen(id);

	if (len == 0 || len > 250 || strchr(id, '@') == NULL)
		return 0;
	for (const char *p = id; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    *p == '<' || *p == '>')
			return 0;
	return 1;
}

static int
addr_list(struct buf *b, const char *hname, const struct mail_addr *v,
    size_t n, char **cause)
{
	struct hdr h;
	char *name, *tok;

	for (size_t i = 0; i < n; i++)
		if (v[i].addr == NULL || !mail_addr_valid(v[i].addr)) {
			*cause = xasprintf("%s: bad address '%s'", hname,
			    v[i].addr != NULL ? v[i].addr : "");
			return -1;
		}
	hdr_begin(&h, b, hname);
	for (size_t i = 0; i < n; i++) {
		name = mail_clean(v[i].name != NULL ? v[i].name : "");
		if (*name != '\0')
			hdr_phrase(&h, name);
		tok = xasprintf("<%s>%s", v[i].addr, i + 1 < n ? "," : "");
		hdr_token(&h, tok, strlen(tok));
		free(tok);
		free(name);
	}
	hdr_end(&h);
	return 0;
}

static void
id_header(struct buf *b, const char *hname, const char *first,
    char *const *ids, size_t n)
{
	struct hdr h;
	char *tok;

	hdr_begin(&h, b, hname);
	if (first != NULL && msgid_ok(first)) {
		tok = xasprintf("<%s>", first);
		hdr_token(&h, tok, strlen(tok));
		free(tok);
	}
	for (size_t i = 0; i < n; i++) {
		if (!msgid_ok(ids[i]))
			continue;
		tok = xasprintf("<%s>", ids[i]);
		hdr_token(&h, tok, strlen(tok));
		free(tok);
	}
	if (h.empty)	/* every id was unusable: drop the header */
		h.b->len -= strlen(hname) + 1, h.b->data[h.b->len] = '\0';
	else
		hdr_end(&h);
}

/* 7bit when every line is short ASCII without control bytes. */
static int
body_is_7bit(const char *s)
{
	size_t col = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n') {
			col = 0;
			continue;
		}
		if (c >= 0x80 || (c < 0x20 && c != '\t' && c != '\r') ||
		    c == 0x7f || ++col > 900)
			return 0;
	}
	return 1;
}

static void
body_7bit(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\r')
			continue;
		if (*s == '\n')
			buf_adds(b, "\r\n");
		else
			buf_addc(b, *s);
	}
}

int
mail_compose(const struct mail_out *m, struct buf *raw, char **msgid,
    char **cause)
{
	char date[40], *id, *lang;
	size_t start = raw->len;
	int seven;

	if (m->nto == 0) {
		*cause = xstrdup("no recipient");
		return -1;
	}
	mail_date(m->date, date);
	buf_printf(raw, "Date: %s\r\n", date);
	if (addr_list(raw, "From", &m->from, 1, cause) == -1)
		goto fail;
	if (m->reply_to.addr != NULL &&
	    addr_list(raw, "Reply-To", &m->reply_to, 1, cause) == -1)
		goto fail;
	if (addr_list(raw, "To", m->to, m->nto, cause) == -1)
		goto fail;
	if (m->ncc > 0 && addr_list(raw, "Cc", m->cc, m->ncc, cause) == -1)
		goto fail;
	mail_header_text(raw, "Subject", m->subject != NULL ? m->subject : "");
	id = mail_message_id(m->domain, m->date);
	buf_printf(raw, "Message-ID: <%s>\r\n", id);
	if (m->in_reply_to != NULL && msgid_ok(m->in_reply_to))
		buf_printf(raw, "In-Reply-To: <%s>\r\n", m->in_reply_to);
	if (m->nreferences > 0)
		id_header(raw, "References", NULL, m->references,
		    m->nreferences);
	if (m->auto_submitted != NULL) {
		buf_printf(raw, "Auto-Submitted: %s\r\n", m->auto_submitted);
		/* Exchange's own switch: no out-of-office, no receipts. */
		buf_adds(raw, "X-Auto-Response-Suppress: All\r\n");
	}
	if (m->loop != NULL && mail_addr_valid(m->loop))
		buf_printf(raw, "X-Loop: %s\r\n", m->loop);
	if (m->language != NULL) {
		lang = mail_clean(m->language);
		if (*lang != '\0' && strspn(lang, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == strlen(lang))
			buf_printf(raw, "Content-Language: %s\r\n", lang);
		free(lang);
	}
	seven = body_is_7bit(m->body);
	buf_printf(raw, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: %s\r\n\r\n",
	    seven ? "7bit" : "quoted-printable");
	if (seven)
		body_7bit(raw, m->body);
	else
		mail_qp_encode(raw, m->body);
	if (raw->len < 2 || memcmp(raw->data + raw->len - 2, "\r\n", 2) != 0)
		buf_adds(raw, "\r\n");
	*msgid = id;
	return 0;
fail:
	raw->len = start;
	raw->data[start] = '\0';
	return -1;
}

/* A display name as libetpan gives it: possibly RFC 2047 encoded. */
static char *
decode_phrase(const char *s)
{
	size_t cur = 0;
	char *out = NULL, *r;

	if (mailmime_encoded_phrase_parse("utf-8", s, strlen(s), &cur,
	    "utf-8", &out) != MAILIMF_NO_ERROR || out == NULL)
		return xstrdup(s);
	r = xstrdup(out);
	free(out);
	return r;
}

static void
add_mailbox(struct mail_addr **v, size_t *n, struct mailimf_mailbox *mb)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].name = mb->mb_display_name != NULL ?
	    decode_phrase(mb->mb_display_name) : NULL;
	(*v)[(*n)++].addr = str_lower(xstrdup(mb->mb_addr_spec));
}

int
mail_parse_addrs(const char *s, struct mail_addr **out, size_t *nout,
    char **cause)
{
	struct mailimf_address_list *al = NULL;
	struct mail_addr *v = NULL;
	size_t cur = 0, n = 0;
	clistiter *it, *jt;

	*out = NULL;
	*nout = 0;
	if (strspn(s, " \t") == strlen(s))
		return 0;
	if (mailimf_address_list_parse(s, strlen(s), &cur, &al) !=
	    MAILIMF_NO_ERROR) {
		*cause = xasprintf("bad address list '%s'", s);
		return -1;
	}
	for (it = clist_begin(al->ad_list); it != NULL; it = clist_next(it)) {
		struct mailimf_address *a = clist_content(it);
		if (a->ad_type == MAILIMF_ADDRESS_MAILBOX) {
			add_mailbox(&v, &n, a->ad_data.ad_mailbox);
			continue;
		}
		if (a->ad_data.ad_group->grp_mb_list == NULL)
			continue;
		for (jt = clist_begin(a->ad_data.ad_group->grp_mb_list->
		    mb_list); jt != NULL; jt = clist_next(jt))
			add_mailbox(&v, &n, clist_content(jt));
	}
	mailimf_address_list_free(al);
	for (size_t i = 0; i < n; i++)
		if (!mail_addr_valid(v[i].addr)) {
			*cause = xasprintf("bad address '%s'", v[i].addr);
			mail_addrs_free(v, n);
			return -1;
		}
	*out = v;
	*nout = n;
	return 0;
}

void
mail_addrs_free(struct mail_addr *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].addr);
	}
	free(v);
}
