/* SPDX-License-Identifier: ISC */
/*
 * mime-charset.c - text in any charset to UTF-8, through iconv.
 *
 * glibc loads most charsets as shared objects: libetpan's charconv()
 * opens and closes a descriptor per call, which maps and unmaps a module
 * for every part and every RFC 2047 word (a third of the parse time of a
 * windows-1252 message).  Descriptors are kept open here instead, a few
 * per thread, and libetpan is given the same cache through its
 * extended_charconv hook, so mailmime_encoded_phrase_parse() uses it too.
 * Bytes that do not convert become U+FFFD, not libetpan's '?'.
 */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime-int.h"

#define CS_SLOTS	8	/* charsets kept open, per thread */
#define CS_NAME		40

struct cs_slot {
	char		 name[CS_NAME];
	iconv_t		 cd;
	unsigned long	 used;
};

/* Per thread, so that no lock is needed; a thread that ends closes its
 * few descriptors with mime_thread_end(). */
static _Thread_local struct cs_slot cs_slots[CS_SLOTS];
static _Thread_local unsigned long cs_clock;

static const char *const utf8_names[] = {
	"utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8", NULL
};
static const char *const ascii_names[] = {
	"us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", "default",
	"x-unknown", "unknown-8bit", "unknown", "x-user-defined", NULL
};
/* Senders label windows-1252 text as Latin-1 all the time; the superset
 * reads both right (the WHATWG encoding standard does the same). */
static const char *const latin1_names[] = {
	"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "cp819",
	"iso-ir-100", NULL
};
/* What libetpan maps before calling iconv (its get_valid_charset()). */
static const struct {
	const char	*name;
	const char	*iconv;
} aliases[] = {
	{ "gb2312", "GBK" }, { "gb_2312-80", "GBK" },
	{ "iso-8859-8-i", "ISO-8859-8" }, { "ks_c_5601-1987", "EUC-KR" },
	{ "iso-2022-jp", "ISO-2022-JP-2" },
};

static int
cs_is(const char *cs, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strcasecmp(cs, *names) == 0)
			return 1;
	return 0;
}

/* The open descriptor from charset cs to UTF-8, or (iconv_t)-1. */
static iconv_t
cs_open(const char *cs)
{
	struct cs_slot *s, *lru = &cs_slots[0];
	const char *name = cs;
	size_t i;

	if (strlen(cs) >= CS_NAME)
		return (iconv_t)-1;
	for (i = 0; i < ARRAY_LEN(aliases); i++)
		if (strcasecmp(cs, aliases[i].name) == 0)
			name = aliases[i].iconv;
	for (i = 0; i < CS_SLOTS; i++) {
		s = &cs_slots[i];
		if (s->used != 0 && strcasecmp(s->name, cs) == 0) {
			s->used = ++cs_clock;
			iconv(s->cd, NULL, NULL, NULL, NULL);
			return s->cd;
		}
		if (s->used < lru->used)
			lru = s;
	}
	if (lru->used != 0) {
		iconv_close(lru->cd);
		lru->used = 0;
	}
	if ((lru->cd = iconv_open("UTF-8", name)) == (iconv_t)-1)
		return (iconv_t)-1;
	memcpy(lru->name, cs, strlen(cs) + 1);
	lru->used = ++cs_clock;
	return lru->cd;
}

/* Converts with iconv into b (raw UTF-8, repaired by the caller); -1 when
 * iconv knows no such charset. */
static int
cs_iconv(struct buf *b, const char *cs, const char *s, size_t n,
    unsigned *flags)
{
	char out[4096], *in = (char *)s, *op;	/* iconv takes char ** */
	size_t ol, r;
	iconv_t cd;

	if ((cd = cs_open(cs)) == (iconv_t)-1)
		return -1;
	while (n > 0) {
		op = out;
		ol = sizeof(out);
		r = iconv(cd, &in, &n, &op, &ol);
		buf_add(b, out, (size_t)(op - out));
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		/* EILSEQ, EINVAL: one bad byte, then go on. */
		buf_add(b, "\xef\xbf\xbd", 3);
		*flags |= MIME_F_BADUTF8;
		in++;
		n--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	op = out;
	ol = sizeof(out);
	if (iconv(cd, NULL, NULL, &op, &ol) != (size_t)-1)
		buf_add(b, out, (size_t)(op - out));
	return 0;
}

/* Converts into b as text; 0, or -1 for an unknown charset. */
static int
cs_text(struct buf *b, const char *cs, const char *s, size_t n,
    unsigned *flags)
{
	struct buf raw;

	buf_init(&raw);
	if (cs_iconv(&raw, cs, s, n, flags) == -1) {
		buf_free(&raw);
		return -1;
	}
	if (raw.data != NULL)
		*flags |= mime_utf8_append(b, raw.data, raw.len, 1);
	buf_free(&raw);
	return 0;
}

unsigned
mime_charset_append(struct buf *b, const char *cs, const char *s, size_t n)
{
	unsigned flags = 0;

	if (n == 0)
		return 0;
	if (cs != NULL && (*cs == '\0' || cs_is(cs, ascii_names)))
		cs = NULL;
	if (cs == NULL || cs_is(cs, utf8_names)) {
		/* Undeclared 8-bit text is UTF-8 when it validates, else
		 * the usual western legacy charset. */
		if (cs != NULL || mime_utf8_valid(s, n))
			return mime_utf8_append(b, s, n, 1);
		cs = "windows-1252";
		flags |= MIME_F_CHARSET;
	} else if (cs_is(cs, latin1_names))
		cs = "windows-1252";
	if (cs_text(b, cs, s, n, &flags) == 0)
		return flags;
	flags |= MIME_F_CHARSET;
	if (mime_utf8_valid(s, n) ||
	    cs_text(b, "windows-1252", s, n, &flags) == -1)
		flags |= mime_utf8_append(b, s, n, 1);
	return flags;
}

/*
 * libetpan's extended_charconv hook: result has room for length * 6
 * bytes.  Answers only conversions to UTF-8 and leaves the rest to
 * libetpan's own iconv code.
 */
static int
etpan_charconv(const char *tocode, const char *fromcode, const char *str,
    size_t length, char *result, size_t *result_len)
{
	struct buf b;
	unsigned flags = 0;
	size_t n;

	if (!cs_is(tocode, utf8_names))
		return MAIL_CHARCONV_ERROR_UNKNOWN_CHARSET;
	if ((cs_is(fromcode, utf8_names) || cs_is(fromcode, ascii_names)) &&
	    length <= *result_len && mime_utf8_valid(str, length)) {
		/* Every word of every header comes this way: no copy. */
		memcpy(result, str, length);
		*result_len = length;
		return MAIL_CHARCONV_NO_ERROR;
	}
	buf_init(&b);
	if (cs_is(fromcode, utf8_names) || cs_is(fromcode, ascii_names))
		mime_utf8_append(&b, str, length, 0);
	else if (cs_iconv(&b, cs_is(fromcode, latin1_names) ? "windows-1252" :
	    fromcode, str, length, &flags) == -1) {
		buf_free(&b);
		return MAIL_CHARCONV_ERROR_UNKNOWN_CHARSET;
	}
	n = b.len < *result_len ? b.len : *result_len;
	while (n < b.len && n > 0 && ((unsigned char)b.data[n] & 0xc0) == 0x80)
		n--;
	if (n > 0)
		memcpy(result, b.data, n);
	*result_len = n;
	buf_free(&b);
	return MAIL_CHARCONV_NO_ERROR;
}

void
mime_thread_end(void)
{
	for (size_t i = 0; i < CS_SLOTS; i++)
		if (cs_slots[i].used != 0) {
			iconv_close(cs_slots[i].cd);
			cs_slots[i].used = 0;
		}
}

void
mime_charset_init(void)
{
	extended_charconv = etpan_charconv;
}
