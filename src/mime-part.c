/* SPDX-License-Identifier: ISC */
/*
 * mime-part.c - one leaf part of the MIME tree: its decoded bytes, its
 * text (in UTF-8, from plain or HTML) or its attachment (safe name, type,
 * data, hash).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime-int.h"

void
mime_ctype(const struct mailmime_content *ct, char *out, size_t sz)
{
	static const char *const discrete[] = { "application", "text",
	    "image", "audio", "video", "application", "application" };
	const char *type = "application", *sub;
	struct mailmime_discrete_type *dt;
	struct mailmime_composite_type *cp;
	char *p;

	if (ct == NULL || ct->ct_type == NULL) {
		snprintf(out, sz, "text/plain");
		return;
	}
	if (ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE &&
	    (dt = ct->ct_type->tp_data.tp_discrete_type) != NULL) {
		if (dt->dt_type == MAILMIME_DISCRETE_TYPE_EXTENSION &&
		    dt->dt_extension != NULL)
			type = dt->dt_extension;
		else if (dt->dt_type >= 0 && (size_t)dt->dt_type <
		    ARRAY_LEN(discrete))
			type = discrete[dt->dt_type];
	} else if (ct->ct_type->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE &&
	    (cp = ct->ct_type->tp_data.tp_composite_type) != NULL)
		type = cp->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE ?
		    "message" : cp->ct_type ==
		    MAILMIME_COMPOSITE_TYPE_MULTIPART ? "multipart" :
		    cp->ct_token != NULL ? cp->ct_token : "application";
	sub = ct->ct_subtype != NULL ? ct->ct_subtype : "octet-stream";
	/* Each half cut on its own, so that the '/' stays. */
	snprintf(out, sz, "%.*s/%.*s", (int)(sz / 2 - 1), type,
	    (int)(sz / 2 - 1), sub);
	/* Token characters only, lower case: safe to show and to store. */
	for (p = out; *p != '\0'; p++) {
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("/!#$&^_.+-", *p) != NULL))
			*p = '_';
	}
}

static struct mailmime_field *
mime_field(const struct mailmime *mm, int type)
{
	clistiter *it;
	struct mailmime_field *f;

	if (mm->mm_mime_fields == NULL)
		return NULL;
	for (it = clist_begin(mm->mm_mime_fields->fld_list); it != NULL;
	    it = clist_next(it)) {
		f = clist_content(it);
		if (f->fld_type == type)
			return f;
	}
	return NULL;
}

struct mailmime_disposition *
mime_disposition(const struct mailmime *mm)
{
	struct mailmime_field *f = mime_field(mm, MAILMIME_FIELD_DISPOSITION);

	return f != NULL ? f->fld_data.fld_disposition : NULL;
}

static int
disposition_is(const struct mailmime_disposition *d, int type)
{
	return d != NULL && d->dsp_type != NULL &&
	    d->dsp_type->dsp_type == type;
}

static struct mailmime_data *
part_data(const struct mailmime *mm)
{
	if (mm->mm_type == MAILMIME_SINGLE && mm->mm_data.mm_single != NULL)
		return mm->mm_data.mm_single;
	return mm->mm_body;
}

void
mime_part_bytes(struct mime_ctx *ctx, struct mailmime *mm, const char **p,
    size_t *n, char **tofree)
{
	struct mailmime_data *d = part_data(mm);
	const char *src;
	size_t len;

	*tofree = NULL;
	*p = "";
	*n = 0;
	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT)
		return;
	src = d->dt_data.dt_text.dt_data;
	len = d->dt_data.dt_text.dt_length;
	*p = src;
	*n = len;
	switch (d->dt_encoding) {
	case MAILMIME_MECHANISM_BASE64:
		if (mime_base64_decode(src, len, tofree, n))
			mime_warn(ctx, "bad-base64: part %zu: damaged base64, "
			    "decoded as far as possible", ctx->nparts);
		*p = *tofree;
		break;
	case MAILMIME_MECHANISM_QUOTED_PRINTABLE:
		mime_qp_decode(src, len, tofree, n);
		*p = *tofree;
		break;
	case MAILMIME_MECHANISM_TOKEN:
		mime_warn(ctx, "unknown-encoding: part %zu: transfer encoding "
		    "unknown, kept as is", ctx->nparts);
		break;
	default:
		break;
	}
}

/* A piece of text without its blank lines above and white space below. */
static const char *
text_trim(const char *s, size_t *n)
{
	while (*n > 0 && (*s == '\n' || *s == '\r'))
		s++, (*n)--;
	while (*n > 0 && (s[*n - 1] == '\n' || s[*n - 1] == ' ' ||
	    s[*n - 1] == '\t' || s[*n - 1] == '\r'))
		(*n)--;
	return s;
}

/* Appends a piece of body text (valid UTF-8), a blank line apart from the
 * previous one. */
void
mime_text_add(struct mime_ctx *ctx, const char *s, size_t n)
{
	size_t room;

	s = text_trim(s, &n);
	if (n == 0 || ctx->text_cut)
		return;
	if (ctx->text.len > 0)
		buf_add(&ctx->text, "\n\n", 2);
	room = MIME_MAX_TEXT > ctx->text.len ? MIME_MAX_TEXT - ctx->text.len :
	    0;
	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		ctx->text_cut = 1;
		mime_warn(ctx, "text-truncated: body text cut at %u bytes",
		    MIME_MAX_TEXT);
	}
	buf_add(&ctx->text, s, n);
}

/* The same with a buffer (freed): most mail has one piece of text, and
 * the first one is taken over rather than copied. */
void
mime_text_take(struct mime_ctx *ctx, struct buf *b)
{
	const char *s;
	size_t n = b->len;

	if (b->data == NULL)
		return;
	s = text_trim(b->data, &n);
	if (ctx->text.data != NULL || n == 0 || n > MIME_MAX_TEXT) {
		mime_text_add(ctx, s, n);
		buf_free(b);
		return;
	}
	memmove(b->data, s, n);
	b->data[n] = '\0';
	b->len = n;
	ctx->text = *b;
	buf_init(b);
}

/* <meta charset=...> of an HTML part that has no charset parameter. */
static const char *
html_charset(const char *p, size_t n, char *out, size_t sz)
{
	const char *end = p + (n < 2048 ? n : 2048), *s;
	size_t i;

	for (s = p; s + 8 < end; s++) {
		if ((*s | 0x20) != 'c' || strncasecmp(s, "charset=", 8) != 0)
			continue;
		s += 8;
		while (s < end && (*s == '"' || *s == '\'' || *s == ' '))
			s++;
		for (i = 0; s < end && i + 1 < sz && *s != '\0' &&
		    (((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') ||
		    (*s >= '0' && *s <= '9') || strchr("-_.:", *s) != NULL);
		    s++)
			out[i++] = *s;
		out[i] = '\0';
		return i > 0 ? out : NULL;
	}
	return NULL;
}

void
mime_part_text(struct mime_ctx *ctx, struct mailmime *mm, int html)
{
	struct buf t;
	const char *p, *cs, *fmt, *delsp;
	char csbuf[64], where[32], *tofree, *h;
	size_t n;

	mime_part_bytes(ctx, mm, &p, &n, &tofree);
	cs = mm->mm_content_type != NULL ? mailmime_content_param_get(
	    mm->mm_content_type, "charset") : NULL;
	if (html && cs == NULL)
		cs = html_charset(p, n, csbuf, sizeof(csbuf));
	if (n > MIME_MAX_TEXT) {
		n = MIME_MAX_TEXT;
		mime_warn(ctx, "text-truncated: part %zu cut at %u bytes",
		    ctx->nparts, MIME_MAX_TEXT);
	}
	snprintf(where, sizeof(where), "part %zu", ctx->nparts);
	buf_init(&t);
	mime_warn_flags(ctx, mime_charset_append(&t, cs, p, n), where);
	free(tofree);
	if (t.data == NULL) {
		buf_free(&t);
		return;
	}
	if (html) {
		h = mime_html_to_text(t.data, t.len);
		ctx->text_html = 1;
		buf_free(&t);
		t.data = h;
		t.len = strlen(h);
		t.cap = t.len + 1;
	} else {
		fmt = mm->mm_content_type != NULL ? mailmime_content_param_get(
		    mm->mm_content_type, "format") : NULL;
		if (fmt != NULL && str_ieq(fmt, "flowed")) {
			delsp = mailmime_content_param_get(mm->mm_content_type,
			    "delsp");
			mime_unflow(&t, delsp != NULL && str_ieq(delsp, "yes"));
		}
	}
	mime_text_take(ctx, &t);
}

void
mime_part_attach(struct mime_ctx *ctx, struct mailmime *mm, const char *ct,
    int flags)
{
	struct message *m = ctx->msg;
	struct mime_attachment *a;
	struct mailmime_disposition *d = mime_disposition(mm);
	const char *p;
	char *tofree;
	size_t n;

	if (m->nattachments >= MIME_MAX_ATTACHMENTS) {
		mime_warn(ctx, "too-many-attachments: only %d kept",
		    MIME_MAX_ATTACHMENTS);
		return;
	}
	if (m->nattachments == ctx->attcap) {
		ctx->attcap = ctx->attcap == 0 ? 4 : ctx->attcap * 2;
		m->attachments = xreallocarray(m->attachments, ctx->attcap,
		    sizeof(*m->attachments));
	}
	a = &m->attachments[m->nattachments];
	a->filename = mime_part_filename(ctx, mm, ct);
	a->content_type = xstrdup(ct);
	/* Referenced by a cid: URL from the HTML, not sent "as a file". */
	a->is_inline = mime_field(mm, MAILMIME_FIELD_ID) != NULL &&
	    (disposition_is(d, MAILMIME_DISPOSITION_TYPE_INLINE) ||
	    (d == NULL && (flags & MIME_IN_RELATED)));
	mime_part_bytes(ctx, mm, &p, &n, &tofree);
	if (tofree != NULL)
		a->data = (unsigned char *)tofree;	/* decoded: ours */
	else {
		a->data = xmalloc(n);
		memcpy(a->data, p, n);
	}
	a->len = n;
	sha256_hex(a->data, a->len, a->sha256);
	m->nattachments++;
}

static int
has_param(clist *list, int disposition, const char *name)
{
	clistiter *it;
	struct mailmime_parameter *p;
	struct mailmime_disposition_parm *dp;
	size_t n = strlen(name);

	if (list == NULL)
		return 0;
	for (it = clist_begin(list); it != NULL; it = clist_next(it)) {
		p = clist_content(it);
		if (disposition) {
			dp = clist_content(it);
			if (dp->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME)
				return 1;
			if (dp->pa_type != MAILMIME_DISPOSITION_PARM_PARAMETER)
				continue;
			p = dp->pa_data.pa_parameter;
		}
		if (p != NULL && p->pa_name != NULL &&
		    strncasecmp(p->pa_name, name, n) == 0 &&
		    (p->pa_name[n] == '\0' || p->pa_name[n] == '*'))
			return 1;
	}
	return 0;
}

/* A part that gives body text rather than an attachment. */
int
mime_part_is_text(const struct mailmime *mm, const char *ct)
{
	struct mailmime_disposition *d = mime_disposition(mm);

	if (strcmp(ct, "text/plain") != 0 && strcmp(ct, "text/html") != 0)
		return 0;
	if (disposition_is(d, MAILMIME_DISPOSITION_TYPE_ATTACHMENT))
		return 0;
	if (d != NULL && has_param(d->dsp_parms, 1, "filename"))
		return 0;
	return !has_param(mm->mm_content_type != NULL ?
	    mm->mm_content_type->ct_parameters : NULL, 0, "name");
}
