/* SPDX-License-Identifier: ISC */
/*
 * One template's text to a tree.  The text is cut into tokens (text and
 * {{tags}}, each with its line and column), standalone tag lines are
 * trimmed as in mustache, then sections are nested.  Every error is kept,
 * so an admin sees all of them at once.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "template.h"
#include "template-int.h"

enum tok_kind { TK_TEXT, TK_VAR, TK_OPEN, TK_INV, TK_CLOSE, TK_COMMENT };

struct tok {
	enum tok_kind	 kind;
	const char	*p;		/* text, or the tag's name */
	size_t		 len;
	size_t		 ltrim;		/* text: cut in front */
	size_t		 rtrim;		/* text: cut at the end */
	int		 line, col;
};

struct pctx {
	const char	*path;
	struct buf	*errs;
	int		 nerrs;
	struct tok	*toks;
	size_t		 ntoks;
};

static void perr(struct pctx *, int, int, const char *, ...)
    __attribute__((format(printf, 4, 5)));

static void
perr(struct pctx *c, int line, int col, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	buf_printf(c->errs, "%s:%d:%d: %s\n", c->path, line, col, msg);
	free(msg);
	c->nerrs++;
}

/* Columns count characters, not bytes: skip UTF-8 continuation bytes. */
static void
advance(const char *p, const char *end, int *line, int *col)
{
	for (; p < end; p++) {
		if (*p == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)*p & 0xc0) != 0x80)
			(*col)++;
	}
}

static void
tok_add(struct pctx *c, enum tok_kind k, const char *p, size_t len, int line,
    int col)
{
	struct tok *t;

	c->toks = xreallocarray(c->toks, c->ntoks + 1, sizeof(*c->toks));
	t = &c->toks[c->ntoks++];
	memset(t, 0, sizeof(*t));
	t->kind = k;
	t->p = p;
	t->len = len;
	t->line = line;
	t->col = col;
}

static int
name_ok(const char *p, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", p[i]) == NULL)
			return 0;
	return 1;
}

/* One tag: what lies between "{{" and "}}". */
static void
lex_tag(struct pctx *c, const char *in, size_t len, int line, int col)
{
	enum tok_kind k = TK_VAR;
	char *name;

	while (len > 0 && (*in == ' ' || *in == '\t'))
		in++, len--;
	if (len > 0 && strchr("#^/!", *in) != NULL) {
		k = *in == '#' ? TK_OPEN : *in == '^' ? TK_INV :
		    *in == '/' ? TK_CLOSE : TK_COMMENT;
		in++, len--;
	}
	if (k == TK_COMMENT) {
		tok_add(c, k, in, 0, line, col);
		return;
	}
	while (len > 0 && (*in == ' ' || *in == '\t'))
		in++, len--;
	while (len > 0 && (in[len - 1] == ' ' || in[len - 1] == '\t'))
		len--;
	name = xstrndup(in, len);
	if (len == 0)
		perr(c, line, col, "empty tag");
	else if (!name_ok(in, len))
		perr(c, line, col, "bad variable name '%s'", name);
	else if (k != TK_CLOSE && !template_var_known(name))
		perr(c, line, col, "unknown variable '%s'", name);
	free(name);
	tok_add(c, k, in, len, line, col);
}

static void
lex(struct pctx *c, const char *s, size_t len, int line, int col)
{
	const char *p = s, *end = s + len, *open, *close, *nl;
	int tl, tc;

	while (p < end) {
		open = memmem(p, (size_t)(end - p), "{{", 2);
		if (open == NULL) {
			tok_add(c, TK_TEXT, p, (size_t)(end - p), line, col);
			return;
		}
		if (open > p)
			tok_add(c, TK_TEXT, p, (size_t)(open - p), line, col);
		advance(p, open, &line, &col);
		tl = line;
		tc = col;
		close = memmem(open + 2, (size_t)(end - open - 2), "}}", 2);
		nl = memchr(open, '\n', (size_t)(end - open));
		if (close == NULL || (nl != NULL && nl < close)) {
			perr(c, tl, tc, "unterminated tag: '{{' without '}}' "
			    "on the same line");
			p = nl != NULL ? nl : end;
			advance(open, p, &line, &col);
			continue;
		}
		lex_tag(c, open + 2, (size_t)(close - open - 2), tl, tc);
		p = close + 2;
		advance(open, p, &line, &col);
	}
}

static int
blank(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

/*
 * A section or comment tag alone on its line (only blanks around it)
 * disappears with its line, as in mustache, so that a template can put
 * {{#x}} and {{/x}} on lines of their own.
 */
static void
trim_standalone(struct pctx *c)
{
	for (size_t i = 0; i < c->ntoks; i++) {
		struct tok *t = &c->toks[i], *prev, *next;
		const char *nl;
		size_t after, upto;

		if (t->kind == TK_TEXT || t->kind == TK_VAR)
			continue;
		prev = i > 0 ? &c->toks[i - 1] : NULL;
		next = i + 1 < c->ntoks ? &c->toks[i + 1] : NULL;
		if (prev != NULL && prev->kind != TK_TEXT)
			continue;
		if (next != NULL && next->kind != TK_TEXT)
			continue;
		after = 0;
		if (prev != NULL) {
			nl = memrchr(prev->p, '\n', prev->len);
			if (nl == NULL && i - 1 != 0)
				continue;
			after = nl == NULL ? 0 : (size_t)(nl - prev->p) + 1;
			if (!blank(prev->p + after, prev->len - after))
				continue;
		}
		upto = 0;
		if (next != NULL) {
			nl = memchr(next->p, '\n', next->len);
			if (nl == NULL && i + 1 != c->ntoks - 1)
				continue;
			upto = nl == NULL ? next->len :
			    (size_t)(nl - next->p) + 1;
			if (!blank(next->p, nl == NULL ? next->len :
			    (size_t)(nl - next->p)))
				continue;
		}
		if (prev != NULL && prev->len - after > prev->rtrim)
			prev->rtrim = prev->len - after;
		if (next != NULL && upto > next->ltrim)
			next->ltrim = upto;
	}
}

static void
node_add(struct tnode *parent, enum tnode_kind k, char *text)
{
	struct tnode *n;

	parent->kids = xreallocarray(parent->kids, parent->nkids + 1,
	    sizeof(*parent->kids));
	n = &parent->kids[parent->nkids++];
	memset(n, 0, sizeof(*n));
	n->kind = k;
	n->text = text;
}

/* Nests tokens from *i into parent until the close of `open` (or EOF). */
static void
build(struct pctx *c, size_t *i, struct tnode *parent, const struct tok *open)
{
	while (*i < c->ntoks) {
		struct tok *t = &c->toks[(*i)++];
		size_t n;

		switch (t->kind) {
		case TK_TEXT:
			if (t->ltrim + t->rtrim >= t->len)
				break;
			n = t->len - t->ltrim - t->rtrim;
			node_add(parent, TN_TEXT, xstrndup(t->p + t->ltrim, n));
			break;
		case TK_VAR:
			node_add(parent, TN_VAR, xstrndup(t->p, t->len));
			break;
		case TK_OPEN:
		case TK_INV:
			node_add(parent, t->kind == TK_OPEN ? TN_SECTION :
			    TN_INVERTED, xstrndup(t->p, t->len));
			build(c, i, &parent->kids[parent->nkids - 1], t);
			break;
		case TK_CLOSE:
			if (open == NULL) {
				char *s = xstrndup(t->p, t->len);
				perr(c, t->line, t->col, "{{/%s}} closes no "
				    "open section", s);
				free(s);
				break;
			}
			if (t->len != open->len ||
			    memcmp(t->p, open->p, t->len) != 0) {
				char *s = xasprintf("{{/%.*s}} where {{/%.*s}} "
				    "(opened at line %d) was expected",
				    (int)t->len, t->p, (int)open->len, open->p,
				    open->line);
				perr(c, t->line, t->col, "%s", s);
				free(s);
			}
			return;
		case TK_COMMENT:
			break;
		}
	}
	if (open != NULL) {
		char *s = xstrndup(open->p, open->len);
		perr(c, open->line, open->col, "section '%s' is never closed",
		    s);
		free(s);
	}
}

/* Text (one header value or the body) to the children of root. */
static void
parse_text(struct pctx *c, const char *s, size_t len, int line, int col,
    int standalone, struct tnode *root)
{
	size_t i = 0;

	c->toks = NULL;
	c->ntoks = 0;
	lex(c, s, len, line, col);
	if (standalone)
		trim_standalone(c);
	build(c, &i, root, NULL);
	free(c->toks);
	c->toks = NULL;
}

/* Whole file: UTF-8, and no control character but tab and line ends. */
static int
check_bytes(struct pctx *c, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	int line = 1, col = 1, n;

	while (p < end) {
		if (*p < 0x80) {
			if ((*p < 0x20 && *p != '\t' && *p != '\n' &&
			    *p != '\r') || *p == 0x7f) {
				perr(c, line, col, "control character in "
				    "template");
				return -1;
			}
			advance((const char *)p, (const char *)p + 1, &line,
			    &col);
			p++;
			continue;
		}
		n = (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 :
		    (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (n < 0 || *p == 0xc0 || *p == 0xc1 || *p > 0xf4 ||
		    end - p <= n)
			goto bad;
		for (int k = 1; k <= n; k++)
			if ((p[k] & 0xc0) != 0x80)
				goto bad;
		p += n + 1;
		col++;
	}
	return 0;
bad:
	perr(c, line, col, "invalid UTF-8");
	return -1;
}

static const char *const header_names[] = { "Subject", "To", "Cc" };

static void
parse_header(struct pctx *c, struct template *t, const char *s, size_t len,
    int line)
{
	const char *colon = memchr(s, ':', len), *v;
	const char *name = NULL;
	struct tmpl_header *h;
	char *what;

	if (len > 0 && (*s == ' ' || *s == '\t')) {
		perr(c, line, 1, "folded header lines are not supported (long "
		    "headers are folded when the mail is sent)");
		return;
	}
	if (colon == NULL || colon == s || !name_ok(s, (size_t)(colon - s))) {
		perr(c, line, 1, "expected 'Name: value' or a blank line "
		    "before the body");
		return;
	}
	what = xstrndup(s, (size_t)(colon - s));
	for (size_t i = 0; i < ARRAY_LEN(header_names); i++)
		if (str_ieq(what, header_names[i]))
			name = header_names[i];
	if (name == NULL)
		perr(c, line, 1, "unknown header '%s' (Subject, To and Cc "
		    "are allowed)", what);
	for (size_t i = 0; name != NULL && i < t->nheaders; i++)
		if (strcmp(t->headers[i].name, name) == 0) {
			perr(c, line, 1, "duplicate header '%s'", what);
			name = NULL;
		}
	free(what);
	if (name == NULL)
		return;
	t->headers = xreallocarray(t->headers, t->nheaders + 1,
	    sizeof(*t->headers));
	h = &t->headers[t->nheaders++];
	memset(h, 0, sizeof(*h));
	h->name = xstrdup(name);
	for (v = colon + 1; v < s + len && (*v == ' ' || *v == '\t'); v++)
		;
	parse_text(c, v, (size_t)(s + len - v), line, (int)(v - s) + 1, 0,
	    &h->root);
}

struct template *
template_parse(const char *path, const char *text, size_t len,
    struct buf *errs)
{
	struct pctx c = { .path = path, .errs = errs };
	struct template *t = xcalloc(1, sizeof(*t));
	const char *p = text, *end = text + len, *nl;
	int line = 1, subject = 0;
	size_t l;

	t->path = xstrdup(path);
	if (check_bytes(&c, text, len) == -1)
		goto fail;
	for (;;) {
		if (p >= end) {
			perr(&c, line, 1, "missing blank line between the "
			    "headers and the body");
			goto fail;
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		l = (nl == NULL ? (size_t)(end - p) : (size_t)(nl - p));
		if (l > 0 && p[l - 1] == '\r')
			l--;
		if (l == 0)
			break;
		parse_header(&c, t, p, l, line);
		p = nl == NULL ? end : nl + 1;
		line++;
	}
	p = nl == NULL ? end : nl + 1;
	for (size_t i = 0; i < t->nheaders; i++)
		if (strcmp(t->headers[i].name, "Subject") == 0)
			subject = 1;
	if (!subject)
		perr(&c, 1, 1, "missing Subject: header");
	parse_text(&c, p, (size_t)(end - p), line + 1, 1, 1, &t->body);
	if (c.nerrs == 0)
		return t;
fail:
	template_free(t);
	return NULL;
}

void
tnode_clear(struct tnode *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		tnode_clear(&n->kids[i]);
	free(n->kids);
	free(n->text);
	memset(n, 0, sizeof(*n));
}

void
template_free(struct template *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nheaders; i++) {
		free(t->headers[i].name);
		tnode_clear(&t->headers[i].root);
	}
	free(t->headers);
	tnode_clear(&t->body);
	free(t->lang);
	free(t->name);
	free(t->path);
	free(t);
}
