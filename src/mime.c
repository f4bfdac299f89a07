/* SPDX-License-Identifier: ISC */
/*
 * mime.c - mime_parse(): the headers (mime-header.c), the MIME walk of
 * libetpan's tree (mime-walk.c), then the reply split and the bounce
 * checks; and what reads a parsed message.
 *
 * Bad mail is never refused: what cannot be read is kept as text, with a
 * warning.  Only input that is no mail at all (empty, or binary without a
 * single header line) gives -1.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime-int.h"

/* Whether line (no newline) is already one of the lines of list. */
static int
line_listed(const char *list, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = list; (p = strstr(p, line)) != NULL; p++)
		if ((p == list || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

void
mime_warn(struct mime_ctx *ctx, const char *fmt, ...)
{
	struct buf tmp;
	va_list ap;
	char *line, *p;

	if (ctx->nwarn > MIME_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	/* Warnings are shown to people: same rules as any other string. */
	buf_init(&tmp);
	mime_utf8_append(&tmp, line, strlen(line), 1);
	free(line);
	line = buf_steal(&tmp);
	for (p = line; *p != '\0'; p++)
		if (*p == '\n' || *p == '\t' || *p == '\f')
			*p = ' ';
	if (ctx->warn.data != NULL && line_listed(ctx->warn.data, line)) {
		free(line);
		return;
	}
	if (++ctx->nwarn > MIME_MAX_WARNINGS)
		buf_adds(&ctx->warn, "too-many-warnings: the rest are not "
		    "shown\n");
	else {
		buf_adds(&ctx->warn, line);
		buf_addc(&ctx->warn, '\n');
	}
	free(line);
}

void
mime_warn_flags(struct mime_ctx *ctx, unsigned flags, const char *where)
{
	if (flags & MIME_F_BADUTF8)
		mime_warn(ctx, "invalid-utf8: %s: bad bytes replaced by "
		    "U+FFFD", where);
	if (flags & MIME_F_NUL)
		mime_warn(ctx, "nul-bytes: %s: NUL bytes removed", where);
	if (flags & MIME_F_CHARSET)
		mime_warn(ctx, "unknown-charset: %s: charset unknown or "
		    "wrong, text read as UTF-8 or windows-1252", where);
	if (flags & MIME_F_8BIT)
		mime_warn(ctx, "8bit-header: %s: raw 8-bit bytes that are "
		    "not UTF-8, read as windows-1252", where);
	if (flags & MIME_F_CTL)
		mime_warn(ctx, "control-chars: %s: control characters "
		    "removed", where);
}

/* Binary rather than text: a NUL or many control bytes near the top. */
static int
looks_binary(const char *p, size_t n)
{
	size_t i, ctl = 0, m = n < 4096 ? n : 4096;
	unsigned char c;

	for (i = 0; i < m; i++) {
		c = (unsigned char)p[i];
		if (c == 0)
			return 1;
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' &&
		    c != '\f' && c != 0x1b) || c == 0x7f)
			ctl++;
	}
	return ctl * 20 > m;
}

static int
only_space(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

/* libetpan recurses once per nesting level and a nesting level needs a
 * Content-Type header: counting them bounds its stack.  Each one has a
 * single '-', at its eighth byte, and memchr() finds those fast (base64,
 * most of big mail, has none). */
static size_t
count_ctypes(const char *p, size_t n)
{
	const char *end = p + n, *d;
	size_t count = 0;

	if (n < 12)
		return 0;
	for (d = p + 7; d + 5 <= end && (d = memchr(d, '-',
	    (size_t)(end - d) - 4)) != NULL; d++)
		if ((d[1] | 0x20) == 't' &&
		    strncasecmp(d - 7, "content-type", 12) == 0)
			count++;
	return count;
}

static void
body_as_text(struct mime_ctx *ctx, const char *p, size_t n)
{
	struct buf b;

	buf_init(&b);
	if (n > MIME_MAX_TEXT)
		n = MIME_MAX_TEXT;
	mime_warn_flags(ctx, mime_charset_append(&b, NULL, p, n), "body");
	mime_text_take(ctx, &b);
}

/* The first "Content-Type:" line of the header block, or 0. */
static size_t
ctype_line(const char *p, size_t body)
{
	const char *nl;
	size_t i = 0, j;

	while (i + 12 < body) {
		if (strncasecmp(p + i, "content-type", 12) == 0) {
			for (j = i + 12; j < body && (p[j] == ' ' ||
			    p[j] == '\t'); j++)
				continue;
			if (j < body && p[j] == ':')
				return i;
		}
		if ((nl = memchr(p + i, '\n', body - i)) == NULL)
			break;
		i = (size_t)(nl + 1 - p);
	}
	return 0;
}

static struct mailmime_content *
top_ctype(struct mailmime_fields *mf)
{
	struct mailmime_field *f;
	clistiter *it;

	if (mf == NULL)
		return NULL;
	for (it = clist_begin(mf->fld_list); it != NULL; it = clist_next(it)) {
		f = clist_content(it);
		if (f->fld_type == MAILMIME_FIELD_TYPE)
			return f->fld_data.fld_content;
	}
	return NULL;
}

/* Whether the body is a tree (multipart, message/rfc822) for libetpan. */
static int
is_tree(struct mailmime_fields *mf, struct mailmime_content *ct)
{
	struct mailmime_composite_type *cp;
	int enc;

	if (ct == NULL || ct->ct_type == NULL ||
	    ct->ct_type->tp_type != MAILMIME_TYPE_COMPOSITE_TYPE ||
	    (cp = ct->ct_type->tp_data.tp_composite_type) == NULL)
		return 0;
	if (cp->ct_type == MAILMIME_COMPOSITE_TYPE_MULTIPART)
		return mailmime_content_param_get(ct, "boundary") != NULL;
	enc = mailmime_transfer_encoding_get(mf);
	return cp->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE &&
	    ct->ct_subtype != NULL && strcasecmp(ct->ct_subtype, "rfc822") == 0
	    && enc != MAILMIME_MECHANISM_QUOTED_PRINTABLE &&
	    enc != MAILMIME_MECHANISM_BASE64;
}

/*
 * A single-part body: the node libetpan would make, made from our own
 * header pass, so that mailmime_parse() does not read the headers again
 * (its envelope parse is a third of the time of a small message).
 */
static void
body_single(struct mime_ctx *ctx, const char *p, size_t n,
    struct mailmime_fields *mf, struct mailmime_content *ct)
{
	struct mailmime node;
	struct mailmime_data data;

	memset(&node, 0, sizeof(node));
	memset(&data, 0, sizeof(data));
	data.dt_type = MAILMIME_DATA_TEXT;
	data.dt_encoding = mf != NULL ? mailmime_transfer_encoding_get(mf) :
	    MAILMIME_MECHANISM_8BIT;
	data.dt_encoded = 1;
	data.dt_data.dt_text.dt_data = p;
	data.dt_data.dt_text.dt_length = n;
	node.mm_type = MAILMIME_SINGLE;
	node.mm_mime_start = p;
	node.mm_length = n;
	node.mm_mime_fields = mf;
	node.mm_content_type = ct;
	node.mm_body = node.mm_data.mm_single = &data;
	mime_walk(ctx, &node, MIME_WANT_TEXT | MIME_WANT_ATT, 0);
}

/* A multipart or message/rfc822 body: libetpan parses the tree, from the
 * Content-Type line on (the headers above it are read already). */
static void
body_tree(struct mime_ctx *ctx, const char *p, size_t n, size_t body)
{
	struct mailmime *mm = NULL;
	size_t idx;

	if (count_ctypes(p, n) > MIME_MAX_CTYPES) {
		mime_warn(ctx, "too-many-parts: more than %d Content-Type "
		    "headers, body kept as plain text", MIME_MAX_CTYPES);
		body_as_text(ctx, p + body, n - body);
		return;
	}
	idx = ctype_line(p, body);
	if (mailmime_parse(p, n, &idx, &mm) != MAILIMF_NO_ERROR || mm == NULL) {
		mime_warn(ctx, "mime-failed: MIME structure unreadable, body "
		    "kept as plain text");
		body_as_text(ctx, p + body, n - body);
		return;
	}
	if (mm->mm_type == MAILMIME_MESSAGE)
		mime_walk(ctx, mm->mm_data.mm_message.mm_msg_mime,
		    MIME_WANT_TEXT | MIME_WANT_ATT, 0);
	mailmime_free(mm);
}

static void
body_parse(struct mime_ctx *ctx, const char *p, size_t n, size_t body,
    struct mailmime_fields *mf)
{
	struct mailmime_content *ct = top_ctype(mf);

	if (body >= n)
		return;		/* headers only */
	if (is_tree(mf, ct))
		body_tree(ctx, p, n, body);
	else
		body_single(ctx, p + body, n - body, mf, ct);
}

static char *
or_empty(char *s)
{
	return s != NULL ? s : xstrdup("");
}

static void
finish(struct mime_ctx *ctx)
{
	struct message *m = ctx->msg;
	const char *at;
	size_t n;

	n = ctx->text.len;
	while (n > 0 && (ctx->text.data[n - 1] == '\n' ||
	    ctx->text.data[n - 1] == ' ' || ctx->text.data[n - 1] == '\t'))
		n--;
	if (ctx->text.data != NULL)
		ctx->text.data[n] = '\0';
	m->body = buf_steal(&ctx->text);
	m->body_from_html = ctx->text_html;
	mime_reply_split(m->body, &m->body_new, &m->body_quoted,
	    &m->body_signature);
	m->subject = or_empty(m->subject);
	m->date = or_empty(m->date);
	m->from.name = or_empty(m->from.name);
	m->from.addr = or_empty(m->from.addr);
	m->reply_to.name = or_empty(m->reply_to.name);
	m->reply_to.addr = or_empty(m->reply_to.addr);
	at = strrchr(m->from.addr, '@');
	m->sender_domain = str_lower(xstrdup(at != NULL ? at + 1 : ""));
	mime_dsn_guess(ctx);
	m->warnings = ctx->warn.data != NULL ? buf_steal(&ctx->warn) : NULL;
	free(ctx->inner_msgid);
}

int
mime_parse(const char *raw, size_t len, struct message **out)
{
	struct message *m;
	struct mime_ctx ctx;
	struct mailmime_fields *mf;
	const char *p = raw, *nl;
	size_t n = len, body;

	*out = NULL;
	if (raw == NULL || only_space(raw, len))
		return -1;
	/* An mbox "From " line (MTA pipes may keep it) is no header. */
	if (n > 5 && memcmp(p, "From ", 5) == 0 &&
	    (nl = memchr(p, '\n', n)) != NULL) {
		n -= (size_t)(nl + 1 - p);
		p = nl + 1;
	}
	mime_charset_init();
	m = xcalloc(1, sizeof(*m));
	m->raw = raw;
	m->raw_len = len;
	sha256_hex(raw, len, m->sha256);
	memset(&ctx, 0, sizeof(ctx));
	ctx.msg = m;
	buf_init(&ctx.warn);
	buf_init(&ctx.text);
	body = mime_top_headers(&ctx, p, n, &mf);
	if (m->nheaders == 0) {
		if (looks_binary(p, n)) {
			if (mf != NULL)
				mailmime_fields_free(mf);
			buf_free(&ctx.warn);
			message_free(m);
			return -1;
		}
		mime_warn(&ctx, "no-headers: no header line, the whole input "
		    "is the body");
	}
	body_parse(&ctx, p, n, body, mf);
	if (mf != NULL)
		mailmime_fields_free(mf);
	finish(&ctx);
	*out = m;
	return 0;
}

static void
addresses_free(struct mime_address *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(a[i].name);
		free(a[i].addr);
	}
	free(a);
}

void
message_free(struct message *m)
{
	size_t i;

	if (m == NULL)
		return;
	mime_headers_free(m->headers, m->nheaders);
	free(m->message_id);
	free(m->in_reply_to);
	for (i = 0; i < m->nreferences; i++)
		free(m->references[i]);
	free(m->references);
	free(m->from.name);
	free(m->from.addr);
	addresses_free(m->to, m->nto);
	addresses_free(m->cc, m->ncc);
	free(m->reply_to.name);
	free(m->reply_to.addr);
	free(m->subject);
	free(m->date);
	free(m->body);
	free(m->body_new);
	free(m->body_quoted);
	free(m->body_signature);
	for (i = 0; i < m->nattachments; i++) {
		free(m->attachments[i].filename);
		free(m->attachments[i].content_type);
		free(m->attachments[i].data);
	}
	free(m->attachments);
	free(m->dsn_original_id);
	free(m->dsn_recipient);
	free(m->dsn_status);
	free(m->warnings);
	free(m->sender_domain);
	free(m);
}

const char *
message_header(const struct message *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nheaders; i++)
		if (str_ieq(m->headers[i].name, name))
			return m->headers[i].value;
	return NULL;
}

const char *
message_sender_domain(const struct message *m)
{
	return m->sender_domain != NULL ? m->sender_domain : "";
}
