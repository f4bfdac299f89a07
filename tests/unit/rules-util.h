/* SPDX-License-Identifier: ISC */
/*
 * rules-util.h - helpers shared by the rules tests: a struct message built
 * by hand from a few strings, rules loaded from a string, and an outcome
 * printed as one comparable line.
 */
#ifndef RULES_UTIL_H
#define RULES_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guichet.h"
#include "mime.h"
#include "rules.h"

struct tmsg {
	const char	*from;		/* "Name <addr>" or "addr" */
	const char	*to;		/* addresses separated by ", " */
	const char	*cc;
	const char	*subject;
	const char	*body;
	const char	*headers;	/* "Name: value\n" lines */
	const char	*attachments;	/* names separated by ", " */
};

static inline void
tm_address(struct mime_address *a, const char *s)
{
	const char	*lt = strchr(s, '<');

	if (lt == NULL) {
		a->name = xstrdup("");
		a->addr = xstrdup(s);
		return;
	}
	a->name = xstrndup(s, lt > s ? (size_t)(lt - s - 1) : 0);
	a->addr = xstrndup(lt + 1, strcspn(lt + 1, ">"));
}

/* Splits s at ", " into a fresh array of copies. */
static inline char **
tm_split(const char *s, size_t *n)
{
	char		**v = NULL;
	const char	 *p = s, *q;

	*n = 0;
	while (s != NULL && *p != '\0') {
		if ((q = strstr(p, ", ")) == NULL)
			q = p + strlen(p);
		v = xreallocarray(v, *n + 1, sizeof *v);
		v[(*n)++] = xstrndup(p, q - p);
		p = *q != '\0' ? q + 2 : q;
	}
	return v;
}

static inline struct mime_address *
tm_addresses(const char *s, size_t *n)
{
	struct mime_address	*v;
	char			**w = tm_split(s, n);
	size_t			 i;

	v = xcalloc(*n, sizeof *v);
	for (i = 0; i < *n; i++) {
		tm_address(&v[i], w[i]);
		free(w[i]);
	}
	free(w);
	return v;
}

static inline struct message *
tm_build(const struct tmsg *t)
{
	struct message	*m = xcalloc(1, sizeof *m);
	char		**w;
	const char	*p, *nl, *colon;
	size_t		 i, n;

	tm_address(&m->from, t->from != NULL ? t->from : "");
	m->to = tm_addresses(t->to, &m->nto);
	m->cc = tm_addresses(t->cc, &m->ncc);
	m->reply_to.name = xstrdup("");
	m->reply_to.addr = xstrdup("");
	m->subject = xstrdup(t->subject != NULL ? t->subject : "");
	m->body = xstrdup(t->body != NULL ? t->body : "");
	for (p = t->headers; p != NULL && *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		colon = strchr(p, ':');
		m->headers = xreallocarray(m->headers, m->nheaders + 1,
		    sizeof *m->headers);
		m->headers[m->nheaders].name = xstrndup(p, colon - p);
		m->headers[m->nheaders++].value = xstrndup(colon + 2,
		    nl - colon - 2);
	}
	w = tm_split(t->attachments, &n);
	m->attachments = xcalloc(n, sizeof *m->attachments);
	m->nattachments = n;
	for (i = 0; i < n; i++)
		m->attachments[i].filename = w[i];
	free(w);
	return m;
}

static inline void
tm_free(struct message *m)
{
	size_t	i;

	free(m->from.name);
	free(m->from.addr);
	for (i = 0; i < m->nto; i++) {
		free(m->to[i].name);
		free(m->to[i].addr);
	}
	free(m->to);
	for (i = 0; i < m->ncc; i++) {
		free(m->cc[i].name);
		free(m->cc[i].addr);
	}
	free(m->cc);
	free(m->reply_to.name);
	free(m->reply_to.addr);
	free(m->subject);
	free(m->body);
	for (i = 0; i < m->nheaders; i++) {
		free(m->headers[i].name);
		free(m->headers[i].value);
	}
	free(m->headers);
	for (i = 0; i < m->nattachments; i++)
		free(m->attachments[i].filename);
	free(m->attachments);
	free(m);
}

/* Rules from a string, through a temporary file; NULL (errors printed as
 * TAP comments) when they do not load. */
static inline struct rules *
tr_load(const char *text)
{
	struct rules	*rs = NULL;
	char		 path[] = "/tmp/guichet-rules-XXXXXX";
	char		*errors = NULL;
	FILE		*f;
	int		 fd;

	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL)
		return NULL;
	fputs(text, f);
	fclose(f);
	if (rules_load_file(path, NULL, &rs, &errors) == -1) {
		printf("# %s", errors);
		free(errors);
		rs = NULL;
	}
	unlink(path);
	return rs;
}

static inline void
tr_list(struct buf *b, const char *key, char **v, size_t n)
{
	size_t	i;

	if (n == 0)
		return;
	buf_printf(b, " %s=", key);
	for (i = 0; i < n; i++)
		buf_printf(b, "%s%s", i > 0 ? "," : "", v[i]);
}

/* What the rules set, in a fixed order, leaving out what is unset. */
static inline char *
tr_format(const struct rules_outcome *o)
{
	struct buf	 b;
	const char	*keys[] = { "type", "category", "priority", "impact",
	    "urgency", "queue", "assignee", "client", "language" };
	const char	*vals[] = { o->type, o->category, o->priority,
	    o->impact, o->urgency, o->queue, o->assignee, o->client,
	    o->language };
	char		*res;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < ARRAY_LEN(keys); i++) {
		if (vals[i] != NULL)
			buf_printf(&b, " %s=%s", keys[i], vals[i]);
	}
	tr_list(&b, "tags", o->tags, o->ntags);
	if (o->major)
		buf_adds(&b, " major");
	if (o->major_candidate)
		buf_printf(&b, " candidate=%s", o->candidate_rule);
	if (o->reply != NULL)
		buf_printf(&b, " reply=%s", o->reply);
	if (o->drop)
		buf_adds(&b, " drop");
	if (o->stopped_by != NULL)
		buf_printf(&b, " stop=%s", o->stopped_by);
	tr_list(&b, "matched", o->matched, o->nmatched);
	if (o->nlimits > 0)
		buf_printf(&b, " limits=%zu", o->nlimits);
	res = xstrdup(b.len > 0 ? b.data + 1 : "");
	buf_free(&b);
	return res;
}

#endif
