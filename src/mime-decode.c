/* SPDX-License-Identifier: ISC */
/*
 * mime-decode.c - bytes to clean UTF-8: UTF-8 repair, header values
 * (unfolding, RFC 2047 words with libetpan's
 * mailmime_encoded_phrase_parse()), RFC 2231 parameters (libetpan leaves
 * "name*0*" continuations as raw parameters).  Charsets are converted by
 * mime-charset.c.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime-int.h"

#define RFC2231_MAX_SEGMENTS	64

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF), or 0. */
size_t
mime_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	if (n < 2 || (s[1] & 0xc0) != 0x80)
		return 0;
	if (c < 0xe0)
		return 2;
	if (n < 3 || (s[2] & 0xc0) != 0x80)
		return 0;
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f))
		return 0;
	if (c < 0xf0)
		return 3;
	if (n < 4 || (s[3] & 0xc0) != 0x80)
		return 0;
	if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
		return 0;
	return 4;
}

int
mime_utf8_valid(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, k;

	while (i < n) {
		if (s[i] < 0x80 && s[i] != 0) {
			i++;
			continue;
		}
		if (s[i] == 0 || (k = mime_utf8_seq(s + i, n - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

/* Whether the eight bytes at s are all printable ASCII (0x20 to 0x7e):
 * taking 0x20 from a byte below 0x20 sets its top bit, adding 1 to 0x7f
 * sets it, bytes from 0x80 have it.  A borrow or a carry only reaches the
 * next byte from one that fails anyway. */
static int
ascii8(const unsigned char *s)
{
	uint64_t x;

	memcpy(&x, s, 8);
	return ((x - 0x2020202020202020ULL) | (x + 0x0101010101010101ULL) |
	    x) & 0x8080808080808080ULL ? 0 : 1;
}

/*
 * One pass: runs of good bytes are copied at once, so plain ASCII costs a
 * compare per eight bytes and one memcpy.
 */
unsigned
mime_utf8_append(struct buf *b, const char *p, size_t n, int text)
{
	static const char fffd[] = "\xef\xbf\xbd";
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, run = 0, k;
	unsigned flags = 0, c;

	/* Every CR of a CRLF text cuts a run: room for it all at once. */
	buf_reserve(b, n);
	while (i < n) {
		if (i + 8 <= n && ascii8(s + i)) {
			i += 8;
			continue;
		}
		c = s[i];
		if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t') {
			i++;
			continue;
		}
		if (c >= 0x80 && (k = mime_utf8_seq(s + i, n - i)) != 0) {
			i += k;
			continue;
		}
		if (!text && c != 0 && c < 0x80) {
			i++;		/* the header code strips these */
			continue;
		}
		buf_add(b, p + run, i - run);
		if (c == 0)
			flags |= MIME_F_NUL;
		else if (c >= 0x80) {
			buf_add(b, fffd, 3);
			flags |= MIME_F_BADUTF8;
		} else if (c == '\r') {
			if (i + 1 >= n || s[i + 1] != '\n')
				buf_addc(b, '\n');
		} else if (c == '\f')
			buf_addc(b, '\f');
		else
			flags |= MIME_F_CTL;
		run = ++i;
	}
	buf_add(b, p + run, i - run);
	return flags;
}

/* Drops line breaks of a folded header; NUL cannot occur (libetpan values
 * are C strings). */
static void
unfold(struct buf *u, const char *v, size_t n)
{
	const char *end = v + n, *p;

	while (v < end) {
		for (p = v; p < end && *p != '\r' && *p != '\n'; p++)
			continue;
		buf_add(u, v, (size_t)(p - v));
		v = p + 1;
	}
	if (u->data == NULL)
		buf_add(u, "", 0);
}

/* The unfolded value decoded into b (UTF-8, controls still there). */
static unsigned
header_words(struct buf *b, const char *s, size_t n)
{
	const char *dflt = "utf-8";
	unsigned flags = 0;
	size_t idx = 0;
	char *dec = NULL;

	if (!mime_utf8_valid(s, n)) {
		dflt = "windows-1252";
		flags |= MIME_F_8BIT;
	}
	if (strstr(s, "=?") != NULL &&
	    mailmime_encoded_phrase_parse(dflt, s, n, &idx, "utf-8", &dec) ==
	    MAILIMF_NO_ERROR) {
		flags |= mime_utf8_append(b, dec, strlen(dec), 0);
		free(dec);
		if (idx < n) {
			buf_addc(b, ' ');
			flags |= mime_charset_append(b, dflt, s + idx, n - idx);
		}
		return flags;
	}
	if (flags & MIME_F_8BIT)
		return flags | mime_charset_append(b, dflt, s, n);
	return mime_utf8_append(b, s, n, 0);
}

/* Most header values are one line of plain ASCII: a trimmed copy. */
static char *
header_plain(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] >= 0x7f ||
		    (v[i] == '=' && i + 1 < n && v[i + 1] == '?'))
			return NULL;
	while (n > 0 && *v == ' ')
		v++, n--;
	while (n > 0 && v[n - 1] == ' ')
		n--;
	return xstrndup(v, n);
}

char *
mime_header_decode(const char *v, size_t n, unsigned *flagsp, int keep_ctl)
{
	struct buf u, b;
	unsigned flags;
	size_t i, start, end;
	char *out;

	if ((out = header_plain(v, n)) != NULL)
		return out;
	buf_init(&u);
	buf_init(&b);
	unfold(&u, v, n);
	flags = header_words(&b, u.data, u.len);
	buf_free(&u);
	if (b.data == NULL)
		return xstrdup("");

	/* Tabs become spaces, controls go (unless kept), ends trimmed. */
	out = xmalloc(b.len + 1);
	for (i = 0, end = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];

		if (c == '\t')
			c = ' ';
		else if ((c < 0x20 || c == 0x7f) && !keep_ctl) {
			flags |= MIME_F_CTL;
			continue;
		}
		out[end++] = (char)c;
	}
	out[end] = '\0';
	buf_free(&b);
	for (start = 0; out[start] == ' '; start++)
		continue;
	while (end > start && out[end - 1] == ' ')
		end--;
	memmove(out, out + start, end - start);
	out[end - start] = '\0';
	if (flagsp != NULL)
		*flagsp |= flags;
	return out;
}

char *
mime_decode_header(const char *value)
{
	if (value == NULL)
		return xstrdup("");
	mime_charset_init();
	return mime_header_decode(value, strlen(value), NULL, 0);
}

/* Name and value of one element of a parameter list. */
static int
param_at(void *elt, int disposition, const char **name, const char **value)
{
	struct mailmime_parameter *p = elt;
	struct mailmime_disposition_parm *d = elt;

	if (disposition) {
		if (d->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME) {
			*name = "filename";
			*value = d->pa_data.pa_filename;
			return *value != NULL;
		}
		if (d->pa_type != MAILMIME_DISPOSITION_PARM_PARAMETER)
			return 0;
		p = d->pa_data.pa_parameter;
	}
	if (p == NULL || p->pa_name == NULL || p->pa_value == NULL)
		return 0;
	*name = p->pa_name;
	*value = p->pa_value;
	return 1;
}

int
mime_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
percent_decode(struct buf *b, const char *s)
{
	int hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '%' && (hi = mime_hexval(s[1])) >= 0 &&
		    (lo = mime_hexval(s[2])) >= 0) {
			buf_addc(b, (char)(hi << 4 | lo));
			s += 2;
		} else
			buf_addc(b, *s);
	}
}

/*
 * RFC 2231: seg[0..] hold the continuations (ext[i] when written name*i*),
 * the first extended one starts with charset'language'.
 */
static char *
rfc2231_join(const char **seg, const unsigned char *ext, unsigned *flags)
{
	struct buf raw, out;
	char cs[64] = "";
	const char *v, *q1, *q2;
	int any_ext = 0;
	size_t i;

	buf_init(&raw);
	for (i = 0; i < RFC2231_MAX_SEGMENTS && seg[i] != NULL; i++) {
		v = seg[i];
		if (!ext[i]) {
			buf_adds(&raw, v);
			continue;
		}
		if (i == 0 && (q1 = strchr(v, '\'')) != NULL &&
		    (q2 = strchr(q1 + 1, '\'')) != NULL) {
			if ((size_t)(q1 - v) < sizeof(cs)) {
				memcpy(cs, v, (size_t)(q1 - v));
				cs[q1 - v] = '\0';
			}
			v = q2 + 1;
		}
		any_ext = 1;
		percent_decode(&raw, v);
	}
	if (raw.data == NULL)
		return NULL;
	if (!any_ext) {
		/* Plain continuations: may still hold RFC 2047 words. */
		v = mime_header_decode(raw.data, raw.len, flags, 1);
		buf_free(&raw);
		return (char *)v;
	}
	buf_init(&out);
	*flags |= mime_charset_append(&out, cs[0] != '\0' ? cs : NULL,
	    raw.data, raw.len);
	buf_free(&raw);
	return buf_steal(&out);
}

/* "name*N" or "name*N*" suffix: N, or -1. */
static int
segment_number(const char *rest, unsigned char *ext)
{
	int n = 0;

	if (rest[0] < '0' || rest[0] > '9' || (rest[0] == '0' && rest[1] >= '0'
	    && rest[1] <= '9'))
		return -1;
	for (; *rest >= '0' && *rest <= '9'; rest++) {
		n = n * 10 + (*rest - '0');
		if (n >= RFC2231_MAX_SEGMENTS)
			return -1;
	}
	*ext = *rest == '*';
	if (*ext)
		rest++;
	return *rest == '\0' ? n : -1;
}

char *
mime_param(clist *list, int disposition, const char *name, unsigned *flags)
{
	const char *seg[RFC2231_MAX_SEGMENTS] = { NULL };
	unsigned char ext[RFC2231_MAX_SEGMENTS] = { 0 }, x;
	const char *plain = NULL, *star = NULL, *pn, *pv, *rest;
	size_t nl = strlen(name);
	clistiter *it;
	int n;

	if (list == NULL)
		return NULL;
	for (it = clist_begin(list); it != NULL; it = clist_next(it)) {
		if (!param_at(clist_content(it), disposition, &pn, &pv) ||
		    strncasecmp(pn, name, nl) != 0)
			continue;
		rest = pn + nl;
		if (*rest == '\0') {
			if (plain == NULL)
				plain = pv;
		} else if (*rest++ != '*')
			continue;
		else if (*rest == '\0') {
			if (star == NULL)
				star = pv;
		} else if ((n = segment_number(rest, &x)) >= 0 &&
		    seg[n] == NULL) {
			seg[n] = pv;
			ext[n] = x;
		}
	}
	if (seg[0] != NULL)
		return rfc2231_join(seg, ext, flags);
	if (star != NULL) {
		const char *one[RFC2231_MAX_SEGMENTS] = { star };
		unsigned char onex[RFC2231_MAX_SEGMENTS] = { 1 };

		return rfc2231_join(one, onex, flags);
	}
	if (plain != NULL)
		return mime_header_decode(plain, strlen(plain), flags, 1);
	return NULL;
}
