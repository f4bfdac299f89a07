/* SPDX-License-Identifier: ISC */
/*
 * mime-transfer.c - base64 and quoted-printable part bodies to bytes
 * (include/mime-transfer.h).
 *
 * libetpan's decoders read a byte at a time and append every three bytes
 * (base64) or every escape and line (quoted-printable) to an MMAPString:
 * a third of the parse time of mail with an attachment.  Good base64 goes
 * through nettle's decoder instead, straight into a buffer of the right
 * size that an attachment can keep; only damaged base64, rare, still goes
 * through libetpan, whose tolerance (it skips any stray byte, and reads
 * on past the padding) is what guichet has always stored.  No library
 * decodes quoted-printable the way libetpan does (line breaks to CRLF,
 * "=" followed by junk), so the few lines below do, run by run.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>
#include <nettle/base64.h>

#include "guichet.h"
#include "mime-int.h"
#include "mime-transfer.h"

/* What each byte is in base64 text: 1 letter, 2 '=', 3 white space. */
static const unsigned char b64_class[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 3, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 2, 0, 0,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

int
mime_base64_bad(const char *s, size_t n)
{
	size_t i, count = 0, pad = 0;

	for (i = 0; i < n; i++) {
		switch (b64_class[(unsigned char)s[i]]) {
		case 1:
			if (pad > 0)
				return 1;	/* data after the padding */
			count++;
			break;
		case 2:
			pad++;
			break;
		case 3:
			break;
		default:
			return 1;
		}
	}
	if (count % 4 == 1 || pad > 2)
		return 1;
	return pad > 0 && (count + pad) % 4 != 0;
}

/* libetpan's tolerant decoder, its result copied to a malloc'd buffer;
 * it fails for want of memory only, and then the text stays as it is. */
static void
base64_etpan(const char *s, size_t n, char **out, size_t *outlen)
{
	size_t idx = 0, rlen;
	char *res;

	if (mailmime_part_parse(s, n, &idx, MAILMIME_MECHANISM_BASE64, &res,
	    &rlen) != MAILIMF_NO_ERROR) {
		*out = xstrndup(s, n);
		*outlen = n;
		return;
	}
	*out = xmalloc(rlen + 1);
	memcpy(*out, res, rlen);
	(*out)[rlen] = '\0';
	*outlen = rlen;
	mailmime_decoded_part_free(res);
}

/*
 * One pass of nettle's decoder stands for mime_base64_bad() too.  Like
 * it, nettle refuses stray bytes and letters after the padding; unlike
 * it, it takes VT and FF for white space (hence the memchr()).  What is
 * left is the count of letters c and of '=' p: nettle made c * 3 / 4
 * bytes, rounded down, and base64_decode_final() says whether no bits are
 * left over.  Without '=', only c % 4 == 1 is damaged: bits are left and
 * the length is a multiple of 3, as for c % 4 == 0 (2 and 3 give 3k + 1
 * and 3k + 2).  With '=', the padding must complete the last group and be
 * at most two ("A===" completes 4k + 1 letters).  Text that nettle
 * refuses goes to libetpan, good ("QR==": nettle wants the bits under
 * the padding to be 0, libetpan drops them) or damaged.
 */
int
mime_base64_decode(const char *s, size_t n, char **out, size_t *outlen)
{
	struct base64_decode_ctx b64;
	size_t len, i, pad = 0;
	int done, bad;

	*out = xmalloc(BASE64_DECODE_LENGTH(n) + 1);
	base64_decode_init(&b64);
	if (base64_decode_update(&b64, &len, (uint8_t *)*out, n, s)) {
		done = base64_decode_final(&b64);
		for (i = n; i > 0 && (s[i - 1] == '=' ||
		    b64_class[(unsigned char)s[i - 1]] == 3 ||
		    s[i - 1] == '\v' || s[i - 1] == '\f'); i--)
			pad += s[i - 1] == '=';
		if (pad == 0)	/* 4k + 1 letters make 3k bytes, as 4k do */
			bad = !done && len % 3 == 0;
		else
			bad = !done || pad > 2;
		if (!bad && memchr(s, '\v', n) == NULL &&
		    memchr(s, '\f', n) == NULL) {
			(*out)[len] = '\0';
			*outlen = len;
			return 0;
		}
	}
	free(*out);
	bad = mime_base64_bad(s, n);
	base64_etpan(s, n, out, outlen);
	return bad;
}

/* "=XY" as libetpan reads it: a digit that is no hex digit counts as 0. */
static int
hexval(unsigned char c)
{
	int v = mime_hexval(c);

	return v < 0 ? 0 : v;
}

/* Bytes that end a run of plain text. */
static const unsigned char qp_stop[256] = {
	['\n'] = 1, ['\r'] = 1, ['='] = 1,
};

/*
 * libetpan 1.9.4's state machine, run by run.  Where it differs from RFC
 * 2045 it is followed on purpose: a CR that ends the text goes, "=" then
 * CR that end it go too, "=" as the last byte stays.  Returns the length
 * written to o, which has room for 2 * n bytes (a lone CR or LF becomes
 * two).  tail says that n is followed by "=" in memory (see below).
 */
static size_t
qp_run(const char *m, size_t n, char *o, int tail)
{
	size_t c = 0, w = 0, start;

	while (c < n) {
		start = c;
		while (c < n && !qp_stop[(unsigned char)m[c]])
			c++;
		memcpy(o + w, m + start, c - start);
		w += c - start;
		if (c >= n)
			break;
		if (m[c] == '\n' || m[c] == '\r') {
			if (m[c++] == '\r') {
				if (c >= n)
					break;
				if (m[c] == '\n')
					c++;
			}
			o[w++] = '\r';
			o[w++] = '\n';
			continue;
		}
		/* '=' */
		if (c + 1 >= n) {
			o[w++] = '=';
			break;
		}
		if (m[c + 1] == '\n') {
			c += 2;
		} else if (m[c + 1] == '\r') {
			if (c + 2 >= n)
				break;
			c += m[c + 2] == '\n' ? 3 : 2;
		} else if (c + 2 >= n) {
			/* libetpan copies the byte after the escape and the
			 * one past the end: only reached when n is followed
			 * by the "=" of the tail. */
			o[w++] = m[c + 1];
			if (tail)
				o[w++] = '=';
			break;
		} else {
			o[w++] = (char)(hexval((unsigned char)m[c + 1]) << 4 |
			    hexval((unsigned char)m[c + 2]));
			c += 3;
		}
	}
	return w;
}

/*
 * libetpan 1.9.4 reads one byte past the end of text that ends with "="
 * and one more byte (not a line break): what it means to do, and what
 * guichet has always stored, is to decode without those two and put them
 * back as they are.
 */
void
mime_qp_decode(const char *s, size_t n, char **out, size_t *outlen)
{
	size_t tail = 0, w;

	if (n >= 2 && s[n - 2] == '=' && s[n - 1] != '\n' && s[n - 1] != '\r')
		tail = 2;
	*out = xmalloc(2 * n + 1);
	w = qp_run(s, n - tail, *out, tail != 0);
	if (tail != 0) {
		memcpy(*out + w, s + n - 2, 2);
		w += 2;
	}
	(*out)[w] = '\0';
	*outlen = w;
	/* Text with CRLF breaks needs about n: give back the rest, which an
	 * attachment would keep. */
	if (2 * n - w > 4096)
		*out = xreallocarray(*out, w + 1, 1);
}
