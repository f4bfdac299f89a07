/* SPDX-License-Identifier: ISC */
/*
 * template-int.h - shared by template.c (loading, lookup, rendering) and
 * template-parse.c (one file's text to a tree, with every error).
 */
#ifndef TEMPLATE_INT_H
#define TEMPLATE_INT_H

#include <stddef.h>

#include "guichet.h"

enum tnode_kind {
	TN_TEXT,	/* literal text */
	TN_VAR,		/* {{name}} */
	TN_SECTION,	/* {{#name}} children {{/name}} */
	TN_INVERTED,	/* {{^name}} children {{/name}} */
};

struct tnode {
	enum tnode_kind	 kind;
	char		*text;		/* the text, or the name */
	struct tnode	*kids;		/* sections only */
	size_t		 nkids;
};

struct tmpl_header {
	char		*name;		/* "Subject", "To", "Cc" */
	struct tnode	 root;		/* a list of nodes */
};

struct template {
	char		*lang;
	char		*name;
	char		*path;
	struct tmpl_header *headers;
	size_t		 nheaders;
	struct tnode	 body;
};

/*
 * Parses the text of one template (path names it in messages).  Appends
 * every error as a "path:line:col: message\n" line to errs; returns the
 * template only when there was none (then *out is set), else NULL.
 */
struct template *template_parse(const char *path, const char *text,
	    size_t len, struct buf *errs);
void	 template_free(struct template *);
void	 tnode_clear(struct tnode *);

#endif
