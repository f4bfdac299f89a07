/* SPDX-License-Identifier: ISC */
/*
 * rules-lex.c - the words of rule files: positions and error lines,
 * UTF-8 checks, bare words, values with "quotes" and ${name} references.
 * Columns count characters (not bytes) from 1.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "rules-int.h"

int
lex_col(const struct parser *ps, const char *at)
{
	const char	*p;
	int		 col = 1;

	/* Continuation bytes of UTF-8 do not start a character. */
	for (p = ps->line; p < at; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80)
			col++;
	}
	return col;
}

void
lex_error(struct parser *ps, const char *at, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	buf_printf(ps->errors, "%s:%d:%d: %s\n", ps->file, ps->lineno,
	    lex_col(ps, at), msg);
	free(msg);
}

/* The first byte of the line that is not well-formed UTF-8, or NULL. */
const char *
lex_bad_utf8(const char *p, const char *end)
{
	const unsigned char	*s = (const unsigned char *)p;
	const unsigned char	*e = (const unsigned char *)end;
	size_t			 n, i;
	unsigned long		 cp;

	while (s < e) {
		if (*s < 0x80) {
			s++;
			continue;
		}
		if (*s >= 0xc2 && *s <= 0xdf)
			n = 1, cp = *s & 0x1f;
		else if (*s >= 0xe0 && *s <= 0xef)
			n = 2, cp = *s & 0x0f;
		else if (*s >= 0xf0 && *s <= 0xf4)
			n = 3, cp = *s & 0x07;
		else
			return (const char *)s;
		if ((size_t)(e - s) <= n)
			return (const char *)s;
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return (const char *)s;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		/* Overlong forms, surrogates and beyond U+10FFFF. */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return (const char *)s;
		s += n + 1;
	}
	return NULL;
}

void
lex_blank(const struct parser *ps, const char **pp)
{
	while (*pp < ps->end && IS_BLANK(**pp))
		(*pp)++;
}

/* A bare word: everything up to white space.  NULL at the end of line. */
char *
lex_word(struct parser *ps, const char **pp)
{
	const char	*start;

	lex_blank(ps, pp);
	start = *pp;
	while (*pp < ps->end && !IS_BLANK(**pp))
		(*pp)++;
	if (*pp == start)
		return NULL;
	return xstrndup(start, *pp - start);
}

int
lex_word_ok(const char *s, int dot_first)
{
	if (*s == '\0' || (!dot_first && *s == '.'))
		return 0;
	for (; *s != '\0'; s++) {
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *s) == NULL)
			return 0;
	}
	return 1;
}

static void
add_seg(struct rule_action *a, struct buf *lit, int is_ref, int col)
{
	struct rule_seg	*s;

	if (!is_ref && lit->len == 0)
		return;
	a->segs = xreallocarray(a->segs, a->nsegs + 1, sizeof *a->segs);
	s = &a->segs[a->nsegs++];
	s->text = xstrndup(lit->data != NULL ? lit->data : "", lit->len);
	s->is_ref = is_ref;
	s->col = col;
	if (is_ref)
		a->expand = 1;
	lit->len = 0;
}

/* A ${name} reference at *pp (on the '$'); appends its segment. */
static int
lex_ref(struct parser *ps, const char **pp, struct rule_action *a,
    struct buf *lit, int *lit_col)
{
	const char	*at = *pp, *p = *pp + 2;

	add_seg(a, lit, 0, *lit_col);
	if (p >= ps->end || !(*p == '_' || (*p >= 'a' && *p <= 'z') ||
	    (*p >= 'A' && *p <= 'Z'))) {
		lex_error(ps, at, "capture name expected after '${'");
		return -1;
	}
	while (p < ps->end && (*p == '_' || (*p >= 'a' && *p <= 'z') ||
	    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
		p++;
	if (p >= ps->end || *p != '}') {
		lex_error(ps, at, "unterminated '${': expected '}'");
		return -1;
	}
	buf_add(lit, at + 2, p - (at + 2));
	add_seg(a, lit, 1, lex_col(ps, at));
	*pp = p + 1;
	*lit_col = lex_col(ps, *pp);
	return 0;
}

/*
 * A value: a bare word or a "double-quoted string" (\" and \\ escape),
 * cut into literal and ${name} segments.  Sets a->value to the text with
 * the references left as written, and a->col to where it starts.
 */
int
lex_value(struct parser *ps, const char **pp, struct rule_action *a)
{
	struct buf	 lit, whole;
	const char	*p;
	int		 quoted, lit_col, rc = -1;

	lex_blank(ps, pp);
	p = *pp;
	if (p >= ps->end || *p == '#') {
		lex_error(ps, p, "value expected");
		return -1;
	}
	a->col = lex_col(ps, p);
	quoted = *p == '"';
	if (quoted)
		p++;
	lit_col = lex_col(ps, p);
	buf_init(&lit);
	buf_init(&whole);
	while (p < ps->end) {
		if (quoted ? *p == '"' : IS_BLANK(*p))
			break;
		if (p[0] == '$' && p + 1 < ps->end && p[1] == '{') {
			if (lex_ref(ps, &p, a, &lit, &lit_col) == -1)
				goto out;
			buf_printf(&whole, "${%s}", a->segs[a->nsegs - 1].text);
			continue;
		}
		if (quoted && *p == '\\' && p + 1 < ps->end &&
		    (p[1] == '"' || p[1] == '\\'))
			p++;
		buf_addc(&lit, *p);
		buf_addc(&whole, *p);
		p++;
	}
	if (quoted && p >= ps->end) {
		lex_error(ps, *pp, "unterminated string: expected '\"'");
		goto out;
	}
	add_seg(a, &lit, 0, lit_col);
	if (whole.len == 0) {
		lex_error(ps, *pp, "empty value");
		goto out;
	}
	a->value = buf_steal(&whole);
	*pp = quoted ? p + 1 : p;
	rc = 0;
out:
	buf_free(&lit);
	buf_free(&whole);
	return rc;
}

