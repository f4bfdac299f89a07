/* SPDX-License-Identifier: ISC */
/*
 * thread.h - which ticket a message belongs to, in this order: the tag
 * "[SD#1042]" in the subject (whatever Re:/AW:/TR:/Fwd:/SV: prefixes), then
 * In-Reply-To and References against every Message-ID the desk stored or
 * sent, then a reference "SD#1042" in the new text of the body.  Only a
 * ticket that exists is an answer.
 */
#ifndef THREAD_H
#define THREAD_H

#include <stdint.h>

#include "guichet.h"

struct desk;
struct message;

enum thread_how { THREAD_NONE, THREAD_SUBJECT, THREAD_IN_REPLY_TO,
    THREAD_REFERENCES, THREAD_BODY };

/* TRI_YES with *ticket_id and *how, TRI_NO, or TRI_LATER with *cause. */
enum tri thread_find(struct desk *, const struct message *,
	    int64_t *ticket_id, enum thread_how *how, char **cause);
const char *thread_how_name(enum thread_how);

/* The first ticket number tagged in s: "[PREFIX#123]" when bracketed,
 * else "PREFIX#123" as a word (prefix case-insensitive).  0 when none. */
int64_t	 thread_parse_ref(const char *s, const char *prefix, int bracketed);

/* The subject without reply/forward prefixes and without the tag. */
char	*thread_clean_subject(const char *subject, const char *prefix);

#endif
