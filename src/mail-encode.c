/* SPDX-License-Identifier: ISC */
/*
 * Header and body encodings for outgoing mail: cleaning user text, RFC
 * 2047 encoded words, folding, quoted-printable.  libetpan has writers for
 * some of this, but its QP writer doubles the space before a line break
 * and its header writer can cut a long line without a fold; these few
 * careful functions are easier to trust and to test.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "mail-compose.h"
#include "mail-int.h"

/* Length of the valid UTF-8 sequence at p (1-4), or 0; *cp gets it. */
static size_t
utf8_seq(const unsigned char *p, size_t avail, unsigned int *cp)
{
	size_t n;
	unsigned int c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

char *
mail_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), n;
	unsigned int cp;
	struct buf b;
	int space = 1;	/* drops leading blanks and collapses runs */

	buf_init(&b);
	while (len > 0) {
		if ((n = utf8_seq(p, len, &cp)) == 0) {
			buf_addc(&b, '?');
			space = 0;
			p++, len--;
			continue;
		}
		if (cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' ||
		    cp == 0x2028 || cp == 0x2029) {
			if (!space)
				buf_addc(&b, ' ');
			space = 1;
		} else if (cp >= 0x20 && cp != 0x7f &&
		    !(cp >= 0x80 && cp <= 0x9f)) {
			buf_add(&b, p, n);
			space = 0;
		}
		p += n, len -= n;
	}
	if (b.len > 0 && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	return buf_steal(&b);
}

void
hdr_begin(struct hdr *h, struct buf *b, const char *name)
{
	h->b = b;
	buf_printf(b, "%s:", name);
	h->col = strlen(name) + 1;
	h->empty = 1;
}

void
hdr_token(struct hdr *h, const char *s, size_t len)
{
	if (!h->empty && h->col + 1 + len > MAIL_FOLD_AT) {
		buf_adds(h->b, "\r\n ");
		h->col = 1;
	} else {
		buf_addc(h->b, ' ');
		h->col++;
	}
	buf_add(h->b, s, len);
	h->col += len;
	h->empty = 0;
}

void
hdr_end(struct hdr *h)
{
	buf_adds(h->b, "\r\n");
}

/* Letters, digits and "!*+-/" pass as such in a Q encoded word, in any
 * header context (RFC 2047 5(3) is the strictest). */
static int
q_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!*+-/", c) != NULL;
}

#define EW_OPEN "=?utf-8?q?"
#define EW_MAX 75

/* Text as encoded words of at most 75 characters, never cutting a
 * character in two; adjacent encoded words decode without a space. */
static void
encode_run(struct hdr *h, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf w;
	unsigned int cp;
	size_t n, need, room, max = EW_MAX;

	buf_init(&w);
	while (len > 0) {
		if ((n = utf8_seq(p, len, &cp)) == 0)
			n = 1;	/* cleaned text has none; be safe */
		need = 0;
		for (size_t i = 0; i < n; i++)
			need += (q_plain(p[i]) || p[i] == ' ') ? 1 : 3;
		if (w.len > 0 && w.len + need + 2 > max) {
			buf_adds(&w, "?=");
			hdr_token(h, w.data, w.len);
			w.len = 0;
		}
		if (w.len == 0) {
			/* Fill the current line when there is room enough,
			 * else the word goes on a folded line of its own. */
			room = MAIL_FOLD_AT - h->col - 1;
			max = room >= 24 && room < EW_MAX ? room : EW_MAX;
			buf_adds(&w, EW_OPEN);
		}
		for (size_t i = 0; i < n; i++) {
			if (p[i] == ' ')
				buf_addc(&w, '_');
			else if (q_plain(p[i]))
				buf_addc(&w, (char)p[i]);
			else
				buf_printf(&w, "=%02X", p[i]);
		}
		p += n, len -= n;
	}
	if (w.len > 0) {
		buf_adds(&w, "?=");
		hdr_token(h, w.data, w.len);
	}
	buf_free(&w);
}

/* A word must be encoded when it is not ASCII, could be read as an
 * encoded word, or is too long to fit on a folded line. */
static int
needs_encoding(const char *w, size_t len)
{
	if (len > MAIL_FOLD_AT - 8 || memmem(w, len, "=?", 2) != NULL)
		return 1;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)w[i] >= 0x80)
			return 1;
	return 0;
}

void
hdr_text(struct hdr *h, const char *s)
{
	const char *p = s, *w, *run;
	size_t len;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		len = strcspn(p, " ");
		if (!needs_encoding(p, len)) {
			hdr_token(h, p, len);
			p += len;
			continue;
		}
		/* Neighbouring words that need encoding share encoded words,
		 * so that the spaces between them survive decoding. */
		run = p;
		for (w = p + len; *w == ' ' && needs_encoding(w + 1,
		    strcspn(w + 1, " ")); w += 1 + strcspn(w + 1, " "))
			;
		encode_run(h, run, (size_t)(w - run));
		p = w;
	}
}

static int
atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

void
hdr_phrase(struct hdr *h, const char *s)
{
	size_t len = strlen(s), i;
	int plain = 1, ascii = 1;
	struct buf q;

	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80)
			ascii = 0;
		if (s[i] != ' ' && !atext((unsigned char)s[i]))
			plain = 0;
	}
	if (plain && ascii && strstr(s, "=?") == NULL) {
		hdr_text(h, s);	/* atoms; long ones get encoded */
		return;
	}
	if (ascii && len <= 64 && strstr(s, "=?") == NULL) {
		buf_init(&q);
		buf_addc(&q, '"');
		for (i = 0; i < len; i++) {
			if (s[i] == '"' || s[i] == '\\')
				buf_addc(&q, '\\');
			buf_addc(&q, s[i]);
		}
		buf_addc(&q, '"');
		hdr_token(h, q.data, q.len);
		buf_free(&q);
		return;
	}
	encode_run(h, s, len);
}

void
mail_header_text(struct buf *b, const char *name, const char *value)
{
	struct hdr h;
	char *v = mail_clean(value);

	hdr_begin(&h, b, name);
	hdr_text(&h, v);
	hdr_end(&h);
	free(v);
}

/* Quoted-printable (RFC 2045 6.7): encoded lines of at most 76
 * characters, white space at a line end encoded, a character's bytes
 * never split by a soft break, "From " at a line start protected. */
void
mail_qp_encode(struct buf *b, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t col = 0, n, need, len = strlen(text);
	unsigned int cp;
	char tok[16];
	int eol;

	while (len > 0) {
		if (*p == '\r' && len > 1 && p[1] == '\n') {
			p++, len--;
			continue;
		}
		if (*p == '\n') {
			buf_adds(b, "\r\n");
			col = 0;
			p++, len--;
			continue;
		}
		if ((n = utf8_seq(p, len, &cp)) == 0)
			n = 1;
		eol = len == n || p[n] == '\n' || (p[n] == '\r' &&
		    len > n + 1 && p[n + 1] == '\n');
		tok[0] = '\0';
		for (size_t i = 0; i < n; i++) {
			int lit = (p[i] >= 33 && p[i] <= 126 && p[i] != '=') ||
			    ((p[i] == ' ' || p[i] == '\t') && !eol);
			if (col == 0 && i == 0 && p[0] == 'F' && len >= 5 &&
			    memcmp(p, "From ", 5) == 0)
				lit = 0;
			if (lit)
				snprintf(tok + strlen(tok), 4, "%c", p[i]);
			else
				snprintf(tok + strlen(tok), 4, "=%02X", p[i]);
		}
		need = strlen(tok);
		/* Room for the token and, unless the line ends here, the
		 * "=" of a later soft break. */
		if (col + need > (eol ? 76 : 75)) {
			buf_adds(b, "=\r\n");
			col = 0;
		}
		buf_adds(b, tok);
		col += need;
		p += n, len -= n;
	}
}
