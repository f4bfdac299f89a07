/* SPDX-License-Identifier: ISC */
/* Threading: subject tag, In-Reply-To/References, body reference. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "desk.h"
#include "mime.h"
#include "store.h"
#include "thread.h"
#include "ticket.h"

static const char *const how_names[] = { "none", "subject",
    "in-reply-to", "references", "body" };

const char *
thread_how_name(enum thread_how h)
{
	return how_names[h];
}

static int64_t
parse_digits(const char *p, const char **end)
{
	int64_t v = 0;
	int n = 0;

	while (isdigit((unsigned char)*p) && n < 15) {
		v = v * 10 + (*p++ - '0');
		n++;
	}
	*end = p;
	return (n > 0 && !isdigit((unsigned char)*p)) ? v : 0;
}

int64_t
thread_parse_ref(const char *s, const char *prefix, int bracketed)
{
	size_t plen = strlen(prefix);
	const char *h, *q, *end;
	int64_t id;

	/* A reference is the prefix, '#' and digits: look for the rare '#'
	 * (strchr is fast), then at what comes before and after it, rather
	 * than trying the prefix at every word of a long body. */
	for (h = strchr(s, '#'); h != NULL; h = strchr(h + 1, '#')) {
		if ((size_t)(h - s) < plen + (bracketed ? 1 : 0))
			continue;
		q = h - plen;
		if (strncasecmp(q, prefix, plen) != 0)
			continue;
		if (bracketed ? q[-1] != '[' : q > s &&
		    (isalnum((unsigned char)q[-1]) || q[-1] == '_'))
			continue;
		id = parse_digits(h + 1, &end);
		if (id == 0)
			continue;
		if (bracketed && *end != ']')
			continue;
		if (!bracketed && (isalnum((unsigned char)*end) || *end == '_'))
			continue;
		return id;
	}
	return 0;
}

static enum tri
ticket_exists(struct desk *d, int64_t id, char **cause)
{
	struct ticket *t;

	if (store_ticket_get(d->store, id, &t, cause) == -1)
		return TRI_LATER;
	if (t == NULL)
		return TRI_NO;
	ticket_free(t);
	return TRI_YES;
}

static enum tri
by_ref(struct desk *d, int64_t id, enum thread_how how, int64_t *ticket_id,
    enum thread_how *out_how, char **cause)
{
	enum tri r;

	if (id == 0)
		return TRI_NO;
	r = ticket_exists(d, id, cause);
	if (r == TRI_YES) {
		*ticket_id = id;
		*out_how = how;
	}
	return r;
}

static enum tri
by_message_id(struct desk *d, const char *id, enum thread_how how,
    int64_t *ticket_id, enum thread_how *out_how, char **cause)
{
	enum tri r = store_ticket_by_message_id(d->store, id, ticket_id,
	    cause);

	if (r == TRI_YES)
		*out_how = how;
	return r;
}

enum tri
thread_find(struct desk *d, const struct message *m, int64_t *ticket_id,
    enum thread_how *how, char **cause)
{
	const char *prefix = d->conf->ref_prefix;
	enum tri r;

	*how = THREAD_NONE;
	*ticket_id = 0;
	r = by_ref(d, thread_parse_ref(m->subject, prefix, 1),
	    THREAD_SUBJECT, ticket_id, how, cause);
	if (r != TRI_NO)
		return r;
	if (m->in_reply_to != NULL) {
		r = by_message_id(d, m->in_reply_to, THREAD_IN_REPLY_TO,
		    ticket_id, how, cause);
		if (r != TRI_NO)
			return r;
	}
	/* Newest reference first: it is the closest ancestor. */
	for (size_t i = m->nreferences; i > 0; i--) {
		r = by_message_id(d, m->references[i - 1], THREAD_REFERENCES,
		    ticket_id, how, cause);
		if (r != TRI_NO)
			return r;
	}
	return by_ref(d, thread_parse_ref(m->body_new, prefix, 0),
	    THREAD_BODY, ticket_id, how, cause);
}

static size_t
reply_prefix_len(const char *s)
{
	static const char *const prefixes[] = { "re", "aw", "tr", "fwd",
	    "fw", "sv", "vs", "wg", "rif", "réf", "ref", "antw", NULL };
	size_t n;

	for (size_t i = 0; prefixes[i] != NULL; i++) {
		n = strlen(prefixes[i]);
		if (strncasecmp(s, prefixes[i], n) != 0)
			continue;
		/* "Re[2]:" and "Re :" (French spacing) too. */
		if (s[n] == '[')
			while (s[n] != '\0' && s[n] != ']')
				n++;
		if (s[n] == ']')
			n++;
		if (s[n] == ' ' && s[n + 1] == ':')
			n++;
		if (s[n] == ':')
			return n + 1;
	}
	return 0;
}

char *
thread_clean_subject(const char *subject, const char *prefix)
{
	char *s = xstrdup(subject), *p = s, *tag, *close;
	size_t n, plen = strlen(prefix);

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if ((n = reply_prefix_len(p)) > 0) {
			p += n;
			continue;
		}
		if (*p == '[' && strncasecmp(p + 1, prefix, plen) == 0 &&
		    p[plen + 1] == '#' && (close = strchr(p, ']')) != NULL) {
			p = close + 1;
			continue;
		}
		break;
	}
	memmove(s, p, strlen(p) + 1);
	/* A tag elsewhere in the subject goes too. */
	while ((tag = strchr(s, '[')) != NULL &&
	    strncasecmp(tag + 1, prefix, plen) == 0 && tag[plen + 1] == '#' &&
	    (close = strchr(tag, ']')) != NULL)
		memmove(tag, close + 1, strlen(close + 1) + 1);
	return str_trim(s);
}
