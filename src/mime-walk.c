/* SPDX-License-Identifier: ISC */
/*
 * mime-walk.c - the visit of libetpan's MIME tree: which parts make the
 * body text, which are attachments (mime-part.c reads each leaf).
 *
 * Text is text/plain or text/html that is neither marked as an attachment
 * nor named.  multipart/alternative gives text from its text/plain part
 * (or its last part when there is none, or when the plain one is empty)
 * but attachments from all; multipart/related gives text from its root
 * and inline parts; multipart/report gives text from its first part and
 * the delivery status to mime-dsn.c; a message/rfc822 part gives a
 * "Forwarded message" header block, its text and its attachments.  A
 * multipart whose boundary never occurs is parsed again with the
 * boundary its lines do use.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime-int.h"

#define CTYPE_MAX	128

static const char fwd_line[] = "---------- Forwarded message ----------";

static void
single(struct mime_ctx *ctx, struct mailmime *mm, int flags)
{
	char ct[CTYPE_MAX];

	mime_ctype(mm->mm_content_type, ct, sizeof(ct));
	if (strncmp(ct, "multipart/", 10) == 0) {
		mime_warn(ctx, "no-boundary: part %zu: %s without boundary, "
		    "read as text", ctx->nparts, ct);
		if (flags & MIME_WANT_TEXT)
			mime_part_text(ctx, mm, 0);
		return;
	}
	if (mime_part_is_text(mm, ct)) {
		if (flags & MIME_WANT_TEXT)
			mime_part_text(ctx, mm, strcmp(ct, "text/html") == 0);
		return;
	}
	if (flags & MIME_WANT_ATT)
		mime_part_attach(ctx, mm, ct, flags);
}

/* The "Forwarded message" block of a message/rfc822 part; also notes the
 * first such id for mime-dsn.c. */
static void
forwarded_block(struct mime_ctx *ctx, struct mailmime *mm, int want_text)
{
	static const char *const shown[] = { "From", "Date", "Subject", "To" };
	struct mailmime_data *d = mm->mm_body;
	struct mime_header *h = NULL;
	struct buf b;
	const char *v;
	size_t n, i, j;

	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT)
		return;
	n = mime_headers_read(ctx, d->dt_data.dt_text.dt_data,
	    d->dt_data.dt_text.dt_length, &h, 0);
	buf_init(&b);
	buf_adds(&b, fwd_line);
	for (i = 0; i < ARRAY_LEN(shown); i++)
		for (j = 0; j < n; j++)
			if (str_ieq(h[j].name, shown[i])) {
				buf_printf(&b, "\n%s: %s", shown[i],
				    h[j].value);
				break;
			}
	for (j = 0; j < n && ctx->inner_msgid == NULL; j++)
		if (str_ieq(h[j].name, "Message-ID") &&
		    (v = h[j].value) != NULL)
			ctx->inner_msgid = mime_msgid_from(v, strlen(v));
	if (want_text)
		mime_text_add(ctx, b.data, b.len);
	buf_free(&b);
	mime_headers_free(h, n);
}

static void
message(struct mime_ctx *ctx, struct mailmime *mm, int flags, unsigned depth)
{
	forwarded_block(ctx, mm, flags & MIME_WANT_TEXT);
	mime_walk(ctx, mm->mm_data.mm_message.mm_msg_mime,
	    flags & ~MIME_IN_RELATED, depth + 1);
}

static int
is_child_text(struct mailmime *mm, const char *type)
{
	char ct[CTYPE_MAX];

	if (mm->mm_type != MAILMIME_SINGLE)
		return 0;
	mime_ctype(mm->mm_content_type, ct, sizeof(ct));
	return strcmp(ct, type) == 0 && mime_part_is_text(mm, ct);
}

static void
alternative(struct mime_ctx *ctx, clist *list, int flags, unsigned depth)
{
	struct mailmime *c, *chosen = NULL, *last = NULL;
	clistiter *it;
	size_t before = ctx->text.len;

	for (it = clist_begin(list); it != NULL; it = clist_next(it)) {
		last = clist_content(it);
		if (chosen == NULL && is_child_text(last, "text/plain"))
			chosen = last;
	}
	if (chosen == NULL)
		chosen = last;
	for (it = clist_begin(list); it != NULL; it = clist_next(it)) {
		c = clist_content(it);
		mime_walk(ctx, c, c == chosen ? flags : flags & ~MIME_WANT_TEXT,
		    depth + 1);
	}
	/* An empty text/plain next to real HTML: take the HTML. */
	if (ctx->text.len == before && chosen != last &&
	    (flags & MIME_WANT_TEXT))
		mime_walk(ctx, last, flags & ~MIME_WANT_ATT, depth + 1);
}

/* The line "--xyz" that a broken multipart really uses, if any. */
static char *
guess_boundary(const char *p, size_t n)
{
	const char *end = p + n, *nl, *s = p;
	size_t len;

	while (s + 3 < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		len = (size_t)((nl != NULL ? nl : end) - s);
		while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == ' '))
			len--;
		if (len > 3 && len <= 72 && s[0] == '-' && s[1] == '-' &&
		    memchr(s, '"', len) == NULL && memchr(s, '\\', len) == NULL)
			return xstrndup(s + 2, len - 2);
		if (nl == NULL)
			break;
		s = nl + 1;
	}
	return NULL;
}

/* Parses the body again with the boundary its lines use; 0 if none. */
static int
reparse(struct mime_ctx *ctx, const char *sub, const char *p, size_t n,
    int flags, unsigned depth)
{
	struct mailmime *mm = NULL;
	struct buf b;
	char *bd;
	size_t idx = 0;
	int ok = 0;

	if ((bd = guess_boundary(p, n)) == NULL)
		return 0;
	buf_init(&b);
	buf_printf(&b, "Content-Type: multipart/%s; boundary=\"%s\"\r\n\r\n",
	    sub, bd);
	buf_add(&b, p, n);
	if (mailmime_parse(b.data, b.len, &idx, &mm) == MAILIMF_NO_ERROR &&
	    mm != NULL && mm->mm_type == MAILMIME_MESSAGE &&
	    mm->mm_data.mm_message.mm_msg_mime != NULL &&
	    mm->mm_data.mm_message.mm_msg_mime->mm_type == MAILMIME_MULTIPLE) {
		mime_warn(ctx, "boundary-guessed: part %zu: using \"%s\"",
		    ctx->nparts, bd);
		mime_walk(ctx, mm->mm_data.mm_message.mm_msg_mime, flags,
		    depth + 1);
		ok = 1;
	}
	if (mm != NULL)
		mailmime_free(mm);
	buf_free(&b);
	free(bd);
	return ok;
}

/* Whether s holds word, looking in its last bytes first: a closing
 * delimiter is at the end but for a short epilogue. */
static int
has_tail(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word), tail = 4096 + w;

	if (n > tail && memmem(s + n - tail, tail, word, w) != NULL)
		return 1;
	return memmem(s, n, word, w) != NULL;
}

/* Checks the delimiters libetpan did (not) find; 1 when the part was
 * handled here by parsing it again.  A boundary that never occurs leaves
 * libetpan one child: only then is the whole body searched. */
static int
boundary_check(struct mime_ctx *ctx, struct mailmime *mm, const char *sub,
    int flags, unsigned depth)
{
	struct mailmime_data *d = mm->mm_body;
	clist *list = mm->mm_data.mm_multipart.mm_mp_list;
	const char *bd, *p;
	char *delim;
	size_t n;
	int handled = 0;

	bd = mailmime_content_param_get(mm->mm_content_type, "boundary");
	if (bd == NULL || d == NULL || d->dt_type != MAILMIME_DATA_TEXT)
		return 0;
	p = d->dt_data.dt_text.dt_data;
	n = d->dt_data.dt_text.dt_length;
	delim = xasprintf("--%s", bd);
	if ((list == NULL || clist_count(list) < 2) &&
	    memmem(p, n, delim, strlen(delim)) == NULL) {
		mime_warn(ctx, "boundary-not-found: part %zu: no \"%.80s\" "
		    "line", ctx->nparts, delim);
		/* Each try copies the body: a few per message. */
		handled = depth < MIME_MAX_DEPTH &&
		    ctx->reparses++ < MIME_MAX_REPARSES &&
		    reparse(ctx, sub, p, n, flags, depth);
	} else {
		free(delim);
		delim = xasprintf("--%s--", bd);
		if (!has_tail(p, n, delim))
			mime_warn(ctx, "unterminated-multipart: part %zu: no "
			    "closing \"%.80s\" line", ctx->nparts, delim);
	}
	free(delim);
	return handled;
}

static void
multipart(struct mime_ctx *ctx, struct mailmime *mm, int flags,
    unsigned depth)
{
	clist *list = mm->mm_data.mm_multipart.mm_mp_list;
	const char *sub = "mixed";
	struct mailmime *c;
	clistiter *it;
	int first = 1, cflags;

	if (mm->mm_content_type != NULL && mm->mm_content_type->ct_subtype)
		sub = mm->mm_content_type->ct_subtype;
	if (boundary_check(ctx, mm, sub, flags, depth) || list == NULL)
		return;
	flags &= ~MIME_IN_RELATED;
	if (str_ieq(sub, "alternative")) {
		alternative(ctx, list, flags, depth);
		return;
	}
	if (str_ieq(sub, "report"))
		mime_dsn_report(ctx, mm);
	for (it = clist_begin(list); it != NULL;
	    it = clist_next(it), first = 0) {
		c = clist_content(it);
		cflags = flags;
		if (str_ieq(sub, "related") && !first)
			cflags = (flags & ~MIME_WANT_TEXT) | MIME_IN_RELATED;
		/* The machine parts of a report, a signature: not for
		 * people. */
		else if ((str_ieq(sub, "report") || str_ieq(sub, "signed")) &&
		    !first)
			continue;
		mime_walk(ctx, c, cflags, depth + 1);
	}
}

void
mime_walk(struct mime_ctx *ctx, struct mailmime *mm, int flags,
    unsigned depth)
{
	if (mm == NULL)
		return;
	if (depth > MIME_MAX_DEPTH) {
		mime_warn(ctx, "too-deep: parts nested deeper than %d are "
		    "skipped", MIME_MAX_DEPTH);
		return;
	}
	if (++ctx->nparts > MIME_MAX_PARTS) {
		mime_warn(ctx, "too-many-parts: parts after the %dth are "
		    "skipped", MIME_MAX_PARTS);
		return;
	}
	switch (mm->mm_type) {
	case MAILMIME_SINGLE:
		single(ctx, mm, flags);
		break;
	case MAILMIME_MULTIPLE:
		multipart(ctx, mm, flags, depth);
		break;
	case MAILMIME_MESSAGE:
		message(ctx, mm, flags, depth);
		break;
	}
}
