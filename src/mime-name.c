/* SPDX-License-Identifier: ISC */
/*
 * mime-name.c - the file name of an attachment: found in
 * Content-Disposition or Content-Type (RFC 2231 and RFC 2047 decoded by
 * mime-decode.c), then made safe to show and to save: no directories,
 * control characters, bidirectional overrides or leading dots, a bounded
 * length, and a made-up "attachment-N.ext" when nothing is left.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mime-int.h"

/* Bidirectional overrides let "gpj.exe" display as "exe.jpg". */
static int
is_bidi(const unsigned char *s, size_t k)
{
	if (k != 3 || s[0] != 0xe2)
		return 0;
	return (s[1] == 0x80 && s[2] >= 0xaa && s[2] <= 0xae) ||
	    (s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9);
}

/* Cuts s to at most max bytes on a character boundary, keeping a short
 * extension. */
static void
shorten(char *s, size_t max)
{
	size_t len = strlen(s), extlen = 0, cut;
	char *dot = strrchr(s, '.');

	if (len <= max)
		return;
	if (dot != NULL && strlen(dot) <= 16)
		extlen = strlen(dot);
	cut = max - extlen;
	while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	memmove(s + cut, s + len - extlen, extlen + 1);
}

char *
mime_safe_filename(const char *name, int *changed)
{
	const unsigned char *s;
	const char *base = name, *p;
	struct buf b;
	size_t i, n, k, start;
	char *out;

	for (p = name; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	if (base != name)
		*changed = 1;
	s = (const unsigned char *)base;
	n = strlen(base);
	buf_init(&b);
	for (i = 0; i < n; i += k) {
		k = s[i] < 0x80 ? 1 : mime_utf8_seq(s + i, n - i);
		if (k == 0)
			k = 1;		/* cannot happen: input is UTF-8 */
		if (s[i] < 0x20 || s[i] == 0x7f || is_bidi(s + i, k) ||
		    (s[i] == 0xc2 && k == 2 && s[i + 1] < 0xa0)) {
			*changed = 1;
			continue;
		}
		buf_add(&b, s + i, k);
	}
	out = buf_steal(&b);
	for (start = 0; out[start] == '.' || out[start] == ' '; start++)
		*changed = 1;
	memmove(out, out + start, strlen(out + start) + 1);
	for (n = strlen(out); n > 0 && (out[n - 1] == ' ' || out[n - 1] == '.');
	    n--)
		out[n - 1] = '\0';
	shorten(out, MIME_MAX_FILENAME);
	if (*out == '\0') {
		free(out);
		return NULL;
	}
	return out;
}

static const struct {
	const char	*type;
	const char	*ext;
} exts[] = {
	{ "application/pdf", "pdf" }, { "application/zip", "zip" },
	{ "application/msword", "doc" }, { "application/json", "json" },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml."
	    "document", "docx" },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	    "xlsx" },
	{ "application/vnd.ms-excel", "xls" }, { "image/png", "png" },
	{ "image/jpeg", "jpg" }, { "image/gif", "gif" },
	{ "image/webp", "webp" },
	{ "message/rfc822", "eml" }, { "text/calendar", "ics" },
	{ "text/csv", "csv" }, { "text/html", "html" }, { "text/plain", "txt" },
};

static const char *
ext_for(const char *ct)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(exts); i++)
		if (strcmp(ct, exts[i].type) == 0)
			return exts[i].ext;
	return strncmp(ct, "text/", 5) == 0 || strncmp(ct, "message/", 8) == 0 ?
	    "txt" : "bin";
}

/* The decoded, then made safe, file name of a part. */
char *
mime_part_filename(struct mime_ctx *ctx, struct mailmime *mm, const char *ct)
{
	struct mailmime_disposition *d = mime_disposition(mm);
	unsigned flags = 0;
	char *name = NULL, *safe = NULL;
	int changed = 0;

	if (d != NULL)
		name = mime_param(d->dsp_parms, 1, "filename", &flags);
	if (name == NULL && mm->mm_content_type != NULL)
		name = mime_param(mm->mm_content_type->ct_parameters, 0, "name",
		    &flags);
	if (name != NULL) {
		mime_warn_flags(ctx, flags & ~MIME_F_CTL, "file name");
		changed = (flags & MIME_F_CTL) != 0;
		safe = mime_safe_filename(name, &changed);
		free(name);
	}
	if (safe == NULL)
		safe = xasprintf("attachment-%zu.%s",
		    ctx->msg->nattachments + 1, ext_for(ct));
	if (changed)
		mime_warn(ctx, "unsafe-filename: part %zu: file name made safe "
		    "as \"%s\"", ctx->nparts, safe);
	return safe;
}
