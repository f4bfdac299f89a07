/* SPDX-License-Identifier: ISC */
/*
 * mime-reply.c - splits the text of a message into what the sender wrote
 * this time, the quoted history and the signature, in one pass over the
 * lines with a few lines of look-ahead.
 *
 * Quoted: "> " lines; an attribution line ("On ... wrote:", "Le ... a
 * écrit :", "Am ... schrieb ...:") with the quote it introduces; an
 * "-----Original Message-----" line or an Outlook "From: / Sent:" header
 * block, with everything below (Outlook quotes without "> ").
 * Signature: from a "-- " line to the next quote, or a lone "Sent from
 * my ..." line closing the new text.  Everything else is new text, so an
 * answer written between quotes stays new text.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mime-int.h"

enum { R_NEW, R_QUOTE, R_SIG };

#define ATTRIB_MAX	400	/* bytes of an attribution, two lines */

struct line {
	const char	*s;
	size_t		 n;
};

struct split {
	struct buf	 out[3];
	int		 last;
	int		 blanks;
};

static int
line_at(const char *text, size_t len, size_t *pos, struct line *l)
{
	const char *nl;

	if (*pos >= len)
		return 0;
	l->s = text + *pos;
	nl = memchr(l->s, '\n', len - *pos);
	l->n = nl != NULL ? (size_t)(nl - l->s) : len - *pos;
	*pos += l->n + (nl != NULL);
	return 1;
}

static int
blank(const struct line *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->s[i] != ' ' && l->s[i] != '\t' && l->s[i] != '\r')
			return 0;
	return 1;
}

static int
quoted(const struct line *l)
{
	size_t i;

	for (i = 0; i < l->n && i < 3 && l->s[i] == ' '; i++)
		continue;
	return i < l->n && l->s[i] == '>';
}

/* Every line is tried against some thirty prefixes: the first byte
 * rules most of them out before their length is even looked at. */
static int
starts(const struct line *l, const char *prefix)
{
	size_t n;

	if (l->n == 0 || (l->s[0] | 0x20) != (prefix[0] | 0x20))
		return 0;
	n = strlen(prefix);
	return l->n >= n && strncasecmp(l->s, prefix, n) == 0;
}

/* Length without trailing spaces, NBSP (C2 A0) and NNBSP (E2 80 AF). */
static size_t
rtrim(const char *s, size_t n)
{
	for (;;) {
		if (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
		    s[n - 1] == '\r'))
			n--;
		else if (n >= 2 && memcmp(s + n - 2, "\xc2\xa0", 2) == 0)
			n -= 2;
		else if (n >= 3 && memcmp(s + n - 3, "\xe2\x80\xaf", 3) == 0)
			n -= 3;
		else
			return n;
	}
}

static int
contains(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word), i;

	for (i = 0; i + w <= n; i++)
		if (strncasecmp(s + i, word, w) == 0)
			return 1;
	return 0;
}

static const struct {
	const char	*prefix;
	const char	*word;
} attribs[] = {
	{ "On ", "wrote" }, { "Le ", "crit" }, { "Am ", "schrieb" },
	{ "El ", "escribi" }, { "Il ", "scritto" }, { "Op ", "schreef" },
	{ "Em ", "escreveu" }, { "Den ", "skrev" },
};

/* Whether s looks like an attribution: ends with ':' and holds one of the
 * verbs; *prefixed when it also starts the usual way ("On ", "Le "...). */
static int
attrib_text(const char *s, size_t n, int *prefixed)
{
	size_t i;

	n = rtrim(s, n);
	if (n == 0 || n > ATTRIB_MAX || s[n - 1] != ':')
		return 0;
	for (i = 0; i < ARRAY_LEN(attribs); i++) {
		if (!contains(s, n, attribs[i].word))
			continue;
		*prefixed = strncmp(s, attribs[i].prefix,
		    strlen(attribs[i].prefix)) == 0;
		return 1;
	}
	return 0;
}

/* Attribution starting at l: 1 or 2 lines (mailers wrap long ones). */
static int
attribution(const char *text, size_t len, size_t next, const struct line *l,
    int *prefixed)
{
	struct line l2;
	char joined[ATTRIB_MAX + 1];

	if (quoted(l) || l->n > ATTRIB_MAX)
		return 0;
	if (attrib_text(l->s, l->n, prefixed))
		return 1;
	if (!line_at(text, len, &next, &l2) || l->n + 1 + l2.n > ATTRIB_MAX ||
	    quoted(&l2) || blank(&l2))
		return 0;
	memcpy(joined, l->s, l->n);
	joined[l->n] = ' ';
	memcpy(joined + l->n + 1, l2.s, l2.n);
	if (!attrib_text(joined, l->n + 1 + l2.n, prefixed) || !*prefixed)
		return 0;
	return 2;
}

static int
any_prefix(const struct line *l, const char *const *list)
{
	for (; *list != NULL; list++)
		if (starts(l, *list))
			return 1;
	return 0;
}

/* "From: x" followed within four lines by "Sent: y" (Outlook). */
static int
outlook_block(const char *text, size_t len, size_t next,
    const struct line *l)
{
	static const char *const from[] = { "From:", "*From:*", "De :",
	    "De:", "*De :*", "Von:", "*Von:*", "Van:", "Da:", NULL };
	static const char *const sent[] = { "Sent:", "*Sent:*", "Date:",
	    "Envoy\xc3\xa9 :", "Envoy\xc3\xa9:", "*Envoy\xc3\xa9 :*",
	    "Gesendet:", "*Gesendet:*", "Datum:", "Verzonden:", "Enviado:",
	    "Inviato:", NULL };
	struct line l2;
	int i;

	if (!any_prefix(l, from))
		return 0;
	for (i = 0; i < 4 && line_at(text, len, &next, &l2); i++)
		if (any_prefix(&l2, sent))
			return 1;
	return 0;
}

static int
original_marker(const struct line *l)
{
	static const char *const names[] = { "original message",
	    "message d'origine", "urspr\xc3\xbcngliche nachricht",
	    "mensaje original", "messaggio originale",
	    "oorspronkelijk bericht", "forwarded message",
	    "message transf\xc3\xa9r\xc3\xa9", "weitergeleitete nachricht",
	    NULL };
	const char *s = l->s;
	size_t n = rtrim(l->s, l->n), i;

	if (n < 2 || s[0] != '-' || s[1] != '-')
		return 0;
	while (n > 0 && (*s == '-' || *s == ' '))
		s++, n--;
	while (n > 0 && (s[n - 1] == '-' || s[n - 1] == ' '))
		n--;
	for (i = 0; names[i] != NULL; i++)
		if (n == strlen(names[i]) && strncasecmp(s, names[i], n) == 0)
			return 1;
	return 0;
}

/* "_____" (Outlook) or "---" (an HTML <hr>) above a header block. */
static int
separator(const struct line *l)
{
	size_t i, n = rtrim(l->s, l->n);

	if (n < 3)
		return 0;
	for (i = 0; i < n; i++)
		if (l->s[i] != '_' && l->s[i] != '-')
			return 0;
	return 1;
}

static int
sig_delim(const struct line *l)
{
	size_t n = l->n;

	if (n > 0 && l->s[n - 1] == '\r')
		n--;
	return (n == 3 && memcmp(l->s, "-- ", 3) == 0) ||
	    (n == 2 && memcmp(l->s, "--", 2) == 0);
}

/* The next line that is not blank, from pos. */
static int
next_nonblank(const char *text, size_t len, size_t pos, struct line *l)
{
	while (line_at(text, len, &pos, l))
		if (!blank(l))
			return 1;
	return 0;
}

static void
emit(struct split *sp, int cls, const struct line *l)
{
	struct buf *b = &sp->out[cls];

	if (blank(l)) {
		sp->blanks++;
		return;
	}
	if (b->len > 0 && (sp->blanks > 0 || cls != sp->last))
		buf_addc(b, '\n');
	buf_add(b, l->s, l->n);
	buf_addc(b, '\n');
	sp->blanks = 0;
	sp->last = cls;
}

/* Whether the history starts at l: everything from there is quoted. */
static int
history_starts(const char *text, size_t len, size_t next,
    const struct line *l)
{
	struct line l2;

	if (original_marker(l) || outlook_block(text, len, next, l))
		return 1;
	return separator(l) && next_nonblank(text, len, next, &l2) &&
	    (original_marker(&l2) || outlook_block(text, len,
	    (size_t)(l2.s + l2.n - text) + 1, &l2));
}

static const char *const mobile_sigs[] = {
	"Sent from my ", "Envoy\xc3\xa9 de mon ", "Envoy\xc3\xa9 depuis ",
	"Get Outlook for ", "Von meinem ", "Sent from Mail for ", NULL
};

/* A lone "Sent from my iPhone" closing the new text is a signature. */
static void
mobile_signature(struct split *sp)
{
	struct buf *nb = &sp->out[R_NEW];
	struct line l;
	char *p;

	if (sp->out[R_SIG].len > 0 || nb->len < 2)
		return;
	nb->data[nb->len - 1] = '\0';
	p = strrchr(nb->data, '\n');
	l.s = p != NULL ? p + 1 : nb->data;
	l.n = (size_t)(nb->data + nb->len - 1 - l.s);
	nb->data[nb->len - 1] = '\n';
	if (!any_prefix(&l, mobile_sigs) || l.n > 80)
		return;
	buf_add(&sp->out[R_SIG], l.s, l.n);
	nb->len = (size_t)(l.s - nb->data);
	nb->data[nb->len] = '\0';
}

static char *
finish(struct buf *b)
{
	while (b->len > 0 && (b->data[b->len - 1] == '\n' ||
	    b->data[b->len - 1] == ' '))
		b->data[--b->len] = '\0';
	return buf_steal(b);
}

void
mime_reply_split(const char *text, char **newp, char **quotedp, char **sigp)
{
	struct split sp;
	struct line l, l2, l3;
	size_t len = strlen(text), pos = 0, next;
	int state = R_NEW, tail = 0, k, prefixed, i;

	memset(&sp, 0, sizeof(sp));
	for (i = 0; i < 3; i++)
		buf_init(&sp.out[i]);
	while (line_at(text, len, &pos, &l)) {
		next = pos;
		if (!tail && !quoted(&l) && history_starts(text, len, next, &l))
			tail = 1;
		if (tail || quoted(&l)) {
			emit(&sp, R_QUOTE, &l);
			continue;
		}
		if ((k = attribution(text, len, next, &l, &prefixed)) > 0) {
			if (k == 2)
				line_at(text, len, &next, &l2);
			if ((next_nonblank(text, len, next, &l3) &&
			    quoted(&l3)) || prefixed) {
				emit(&sp, R_QUOTE, &l);
				if (k == 2) {
					pos = next;
					emit(&sp, R_QUOTE, &l2);
				}
				/* Quoted text without "> " below it. */
				if (!next_nonblank(text, len, pos, &l3) ||
				    !quoted(&l3))
					tail = 1;
				continue;
			}
		}
		if (state == R_NEW && sig_delim(&l)) {
			state = R_SIG;
			sp.blanks = 0;
			continue;
		}
		emit(&sp, state, &l);
	}
	mobile_signature(&sp);
	*newp = finish(&sp.out[R_NEW]);
	*quotedp = finish(&sp.out[R_QUOTE]);
	*sigp = finish(&sp.out[R_SIG]);
}

/* Quote depth of a flowed line and where its text starts. */
static size_t
flow_depth(const char *s, size_t n, size_t *start)
{
	size_t q = 0;

	while (q < n && s[q] == '>')
		q++;
	*start = q;
	if (*start < n && s[*start] == ' ')
		(*start)++;	/* space-stuffing */
	return q;
}

void
mime_unflow(struct buf *b, int delsp)
{
	struct buf out;
	struct line l, nx;
	size_t pos = 0, p2, q, nq, start, nstart, n, i;
	int open = 0;

	if (b->data == NULL)
		return;
	buf_init(&out);
	while (line_at(b->data, b->len, &pos, &l)) {
		q = flow_depth(l.s, l.n, &start);
		if (!open) {
			for (i = 0; i < q; i++)
				buf_addc(&out, '>');
			if (q > 0)
				buf_addc(&out, ' ');
		}
		n = l.n - start;
		open = n > 0 && l.s[l.n - 1] == ' ' &&
		    !(n == 3 && memcmp(l.s + start, "-- ", 3) == 0);
		if (open && delsp)
			n--;
		buf_add(&out, l.s + start, n);
		p2 = pos;
		if (open && line_at(b->data, b->len, &p2, &nx)) {
			nq = flow_depth(nx.s, nx.n, &nstart);
			if (nq == q && !(nx.n - nstart == 3 &&
			    memcmp(nx.s + nstart, "-- ", 3) == 0))
				continue;
		}
		open = 0;
		buf_addc(&out, '\n');
	}
	buf_free(b);
	*b = out;
	if (b->data == NULL)
		buf_add(b, "", 0);
}
