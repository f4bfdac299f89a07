/* SPDX-License-Identifier: ISC */
/*
 * mail-int.h - the header writer shared by mail-encode.c and
 * mail-compose.c: tokens are laid out with a space between them, or a
 * fold (CRLF and a space) when the line would pass 78 columns.  No token
 * is longer than about 76 characters, so no line can reach 998.
 */
#ifndef MAIL_INT_H
#define MAIL_INT_H

#include <stddef.h>

#include "guichet.h"

#define MAIL_FOLD_AT 78

struct hdr {
	struct buf	*b;
	size_t		 col;
	int		 empty;		/* no token written yet */
};

void	 hdr_begin(struct hdr *, struct buf *, const char *name);
/* A token preceded by a space or a fold. */
void	 hdr_token(struct hdr *, const char *, size_t);
/* Unstructured text (already cleaned) as words and encoded words. */
void	 hdr_text(struct hdr *, const char *);
/* A display name (cleaned): atoms, a quoted string or encoded words. */
void	 hdr_phrase(struct hdr *, const char *);
void	 hdr_end(struct hdr *);

#endif
