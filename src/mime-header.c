/* SPDX-License-Identifier: ISC */
/*
 * mime-header.c - header blocks: every header decoded for the list of
 * struct message, and, at the top level, the structured ones (addresses,
 * ids, date) handed to mime-field.c.
 *
 * The headers are read here with mailimf_optional_fields_parse() because
 * libetpan's envelope parse (done by mailmime_parse()) keeps no raw value
 * for From, To and the like, and the list must show them as written.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime-int.h"

#define MIME_LONG_HEADER	998	/* RFC 5322 line limit */

/* State of the top-level header pass. */
struct top {
	struct mime_ctx		*ctx;
	size_t			 hcap, tocap, cccap;
	int			 nmsgid;
	int			 have_from, have_replyto, have_subject;
	int			 have_date, have_irt, have_refs;
	struct mime_address	 sender;
};

/* Calls fn(arg, name, raw value) for each header of f. */
static void
fields_each(struct mailimf_fields *f,
    void (*fn)(void *, const char *, const char *), void *arg)
{
	struct mailimf_optional_field *of;
	struct mailimf_field *fld;
	clistiter *it;

	for (it = clist_begin(f->fld_list); it != NULL; it = clist_next(it)) {
		fld = clist_content(it);
		if (fld->fld_type != MAILIMF_FIELD_OPTIONAL_FIELD)
			continue;
		of = fld->fld_data.fld_optional_field;
		if (of != NULL && of->fld_name != NULL && of->fld_value != NULL)
			fn(arg, of->fld_name, of->fld_value);
	}
}

/*
 * libetpan wants a line break after every header: a message that is all
 * headers and ends without one loses its last header.  Only that last
 * line is copied, with the break added.
 */
static size_t
last_header(const char *data, size_t len, size_t idx,
    void (*fn)(void *, const char *, const char *), void *arg)
{
	struct mailimf_fields *f = NULL;
	char *line;
	size_t n = len - idx, j = 0;

	line = xmalloc(n + 3);
	memcpy(line, data + idx, n);
	memcpy(line + n, "\r\n", 3);
	if (mailimf_optional_fields_parse(line, n + 2, &j, &f) ==
	    MAILIMF_NO_ERROR) {
		if (clist_count(f->fld_list) > 0) {
			fields_each(f, fn, arg);
			idx = len;
		}
		mailimf_fields_free(f);
	}
	free(line);
	return idx;
}

/* Calls fn for each header of data (name, raw folded value) and returns
 * the offset of the body; the parsed fields go to *keep when asked. */
static size_t
headers_each(const char *data, size_t len,
    void (*fn)(void *, const char *, const char *), void *arg,
    struct mailimf_fields **keep)
{
	struct mailimf_fields *f = NULL;
	size_t idx = 0, end;

	if (mailimf_optional_fields_parse(data, len, &idx, &f) !=
	    MAILIMF_NO_ERROR)
		return 0;
	fields_each(f, fn, arg);
	if (keep != NULL)
		*keep = f;
	else
		mailimf_fields_free(f);
	end = idx;
	mailimf_crlf_parse(data, len, &idx);
	if (idx == end && idx < len && memchr(data + idx, '\n', len - idx) ==
	    NULL)
		idx = last_header(data, len, idx, fn, arg);
	return idx;
}

struct hlist {
	struct mime_ctx		*ctx;
	struct mime_header	*h;
	size_t			 n, cap;
	int			 warn;
};

/* libetpan lets 8-bit bytes into header names. */
static char *
name_clean(const char *name)
{
	struct buf b;
	char *s, *o, *p;

	buf_init(&b);
	mime_utf8_append(&b, name, strlen(name), 0);
	s = buf_steal(&b);
	for (o = p = s; *p != '\0'; p++)
		if ((unsigned char)*p > ' ' && *p != 0x7f)
			*o++ = *p;
	*o = '\0';
	return s;
}

static struct mime_header *
header_add(struct hlist *hl, const char *name, const char *raw)
{
	unsigned flags = 0;
	struct mime_header *h;
	size_t rawlen = strlen(raw);

	if (hl->n == hl->cap) {
		hl->cap = hl->cap == 0 ? 16 : hl->cap * 2;
		hl->h = xreallocarray(hl->h, hl->cap, sizeof(*hl->h));
	}
	h = &hl->h[hl->n++];
	h->name = name_clean(name);
	h->value = mime_header_decode(raw, rawlen, &flags, 0);
	if (hl->warn) {
		mime_warn_flags(hl->ctx, flags & ~MIME_F_CTL, name);
		if (rawlen > MIME_LONG_HEADER)
			mime_warn(hl->ctx, "long-header: %s: %zu bytes",
			    name, rawlen);
	}
	return h;
}

static void
hlist_cb(void *arg, const char *name, const char *raw)
{
	header_add(arg, name, raw);
}

size_t
mime_headers_read(struct mime_ctx *ctx, const char *data, size_t len,
    struct mime_header **hdrs, int warn)
{
	struct hlist hl = { ctx, NULL, 0, 0, warn };

	headers_each(data, len, hlist_cb, &hl, NULL);
	*hdrs = hl.h;
	return hl.n;
}

void
mime_headers_free(struct mime_header *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(h[i].name);
		free(h[i].value);
	}
	free(h);
}

/* The structured meaning of one top-level header. */
static void
top_field(struct top *t, const char *name, const char *raw,
    const struct mime_header *h)
{
	struct message *m = t->ctx->msg;

	if (str_ieq(name, "From") && !t->have_from) {
		t->have_from = mime_first_address(raw, &m->from);
		if (!t->have_from)
			mime_warn(t->ctx, "bad-address: From: no address");
	} else if (str_ieq(name, "Sender") && t->sender.addr == NULL)
		mime_first_address(raw, &t->sender);
	else if (str_ieq(name, "To"))
		mime_addresses(raw, &m->to, &m->nto, &t->tocap);
	else if (str_ieq(name, "Cc"))
		mime_addresses(raw, &m->cc, &m->ncc, &t->cccap);
	else if (str_ieq(name, "Reply-To") && !t->have_replyto)
		t->have_replyto = mime_first_address(raw, &m->reply_to);
	else if (str_ieq(name, "Message-ID")) {
		if (t->nmsgid++ == 0)
			m->message_id = mime_msgid_from(raw, strlen(raw));
	} else if (str_ieq(name, "In-Reply-To") && !t->have_irt) {
		char **ids = NULL;
		size_t n = 0;

		mime_msgid_list(raw, strlen(raw), &ids, &n, 1);
		if (n > 0) {
			m->in_reply_to = ids[0];
			t->have_irt = 1;
		}
		free(ids);
	} else if (str_ieq(name, "References") && !t->have_refs) {
		t->have_refs = 1;
		mime_msgid_list(raw, strlen(raw), &m->references,
		    &m->nreferences, MIME_MAX_REFERENCES);
	} else if (str_ieq(name, "Subject") && !t->have_subject) {
		t->have_subject = 1;
		m->subject = xstrdup(h->value);
	} else if (str_ieq(name, "Date") && !t->have_date) {
		t->have_date = 1;
		m->date = xstrdup(h->value);
		if ((m->date_ts = mime_date_parse(raw)) == 0)
			mime_warn(t->ctx, "bad-date: \"%.80s\" is not a date",
			    h->value);
	}
}

static void
top_cb(void *arg, const char *name, const char *raw)
{
	struct top *t = arg;
	struct message *m = t->ctx->msg;
	struct hlist hl = { t->ctx, m->headers, m->nheaders, t->hcap, 1 };
	struct mime_header *h;

	h = header_add(&hl, name, raw);
	m->headers = hl.h;
	m->nheaders = hl.n;
	t->hcap = hl.cap;
	top_field(t, name, raw, h);
}

size_t
mime_top_headers(struct mime_ctx *ctx, const char *data, size_t len,
    struct mailmime_fields **mf)
{
	struct message *m = ctx->msg;
	struct mailimf_fields *f = NULL;
	struct top t;
	size_t body;

	memset(&t, 0, sizeof(t));
	t.ctx = ctx;
	*mf = NULL;
	body = headers_each(data, len, top_cb, &t, &f);
	if (f != NULL) {
		if (mailmime_fields_parse(f, mf) != MAILIMF_NO_ERROR)
			*mf = NULL;
		mailimf_fields_free(f);
	}
	if (!t.have_from && t.sender.addr != NULL) {
		m->from = t.sender;
		t.have_from = 1;
	} else if (t.sender.addr != NULL) {
		free(t.sender.name);
		free(t.sender.addr);
	}
	if (t.nmsgid > 1)
		mime_warn(ctx, "duplicate-message-id: %d Message-ID headers, "
		    "the first is used", t.nmsgid);
	if (m->message_id == NULL && m->nheaders > 0)
		mime_warn(ctx, "no-message-id: threading falls back to the "
		    "content hash");
	return body;
}
