/* SPDX-License-Identifier: ISC */
/*
 * test-mime-transfer.c - base64 and quoted-printable decoding
 * (src/mime-transfer.c): a table of cases with the bytes they must give,
 * then random text compared with libetpan's mailmime_part_parse(), whose
 * results guichet stored before it decoded on its own and must still
 * store: valid base64 through nettle, damaged base64 through libetpan,
 * quoted-printable with its odd ends.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "guichet.h"
#include "mime-transfer.h"
#include "t.h"

#define RANDOM_CASES	20000

/* A test label showing s on one line, as TAP wants. */
static const char *
label(const char *prefix, const char *s, size_t n)
{
	static char out[160];
	size_t o, i;

	o = (size_t)snprintf(out, sizeof(out), "%s \"", prefix);
	for (i = 0; i < n && o + 8 < sizeof(out); i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, sizeof(out) - o,
			    "\\x%02x", c);
	}
	out[o++] = '"';
	out[o] = '\0';
	return out;
}

static int
same(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && memcmp(a, b, an) == 0;
}

/* What guichet stored before: libetpan's decoder, and for
 * quoted-printable the fix of its read past the end ("=X" at the end
 * decoded without those two, then put back). */
static int
reference(const char *s, size_t n, int enc, char **out, size_t *outlen)
{
	MMAPString *m;
	size_t idx = 0, tail = 0;
	char *res;

	if (enc == MAILMIME_MECHANISM_QUOTED_PRINTABLE && n >= 2 &&
	    s[n - 2] == '=' && s[n - 1] != '\n' && s[n - 1] != '\r')
		tail = 2;
	if (mailmime_part_parse(s, n - tail, &idx, enc, &res, outlen) !=
	    MAILIMF_NO_ERROR)
		return -1;
	m = mmap_string_new_len(res, *outlen);
	mailmime_decoded_part_free(res);
	if (tail != 0)
		mmap_string_append_len(m, s + n - 2, 2);
	*out = xmalloc(m->len + 1);
	memcpy(*out, m->str, m->len);
	*outlen = m->len;
	mmap_string_free(m);
	return 0;
}

static const struct {
	const char	*in;
	const char	*out;
	size_t		 outlen;
	int		 bad;
} b64_cases[] = {
	{ "", "", 0, 0 },
	{ "\r\n", "", 0, 0 },
	{ "aGVsbG8=", "hello", 5, 0 },
	{ "aGVs\r\nbG8g\r\nd29y\r\nbGQ=\r\n", "hello world", 11, 0 },
	{ "aGVs\nbG8g\nd29y\nbGQ=\n", "hello world", 11, 0 },
	{ "aGVs bG8g\td29ybGQ=", "hello world", 11, 0 },
	{ "aGVsbG8", "hello", 5, 0 },		/* no padding */
	{ "aGVsbA", "hell", 4, 0 },
	{ "aGVsbA=\r\n=\r\n", "hell", 4, 0 },	/* padding on two lines */
	{ "AP8A/w==", "\0\377\0\377", 4, 0 },
	{ "QR==", "A", 1, 0 },		/* bits after the data: nettle says
					 * no, libetpan drops them */
	{ "aGVs*bG8=", "hello", 5, 1 },	/* a stray byte is skipped */
	{ "aGVs\vbG8=", "hello", 5, 1 },	/* VT is no mail white space */
	{ "aGVsbG8gQ", "hello @", 7, 1 },	/* a lone sixth of a byte */
	{ "QQ==QUJD", "A\004\024$", 4, 1 },	/* data after the padding */
	{ "QQ===", "A", 1, 1 },
	{ "QUJD=", "ABC", 3, 1 },
	{ "Q===", "@", 1, 1 },
	{ "QUJDA===", "ABC", 4, 1 },	/* nettle takes it, then pad > 2 */
	{ "aGVs-_bG8=", "hello", 5, 1 },	/* the URL alphabet */
};

static const struct {
	const char	*in;
	size_t		 inlen;
	const char	*out;
	size_t		 outlen;
} qp_cases[] = {
	{ "", 0, "", 0 },
	{ "plain text", 10, "plain text", 10 },
	{ "soft=\r\nbreak", 12, "softbreak", 9 },
	{ "soft=\nbreak", 11, "softbreak", 9 },
	{ "soft=\rbreak", 11, "softbreak", 9 },
	{ "a\nb", 3, "a\r\nb", 4 },		/* every break is CRLF */
	{ "a\r\nb", 4, "a\r\nb", 4 },
	{ "a\rb", 3, "a\r\nb", 4 },
	{ "caf=E9 caf=e9", 13, "caf\351 caf\351", 9 },
	{ "=3D=0D=0A", 9, "=\r\n", 3 },
	{ "a=ZZb", 5, "a\0b", 3 },		/* no hex digit: 0 */
	{ "a=G1b", 5, "a\001b", 3 },
	{ "a= \r\nb", 6, "a\0\r\nb", 5 },	/* "= " then CR: an escape */
	{ "end=", 4, "end=", 4 },		/* "=" at the end stays */
	{ "end=4", 5, "end=4", 5 },		/* and "=" and one byte */
	{ "end==", 5, "end==", 5 },
	{ "ab=C=4", 6, "abC==4", 6 },		/* libetpan's read past the
						 * end, as it was stored */
	{ "end\r", 4, "end", 3 },		/* a CR at the end goes */
	{ "end=\r", 5, "end", 3 },
	{ "nul\0byte", 8, "nul\0byte", 8 },
	{ "line  \r\nnext\r\n", 14, "line  \r\nnext\r\n", 14 },
};

static void
test_table(void)
{
	char *out, *ref;
	size_t outlen, reflen, i;
	int bad;

	for (i = 0; i < ARRAY_LEN(b64_cases); i++) {
		const char *in = b64_cases[i].in;
		size_t n = strlen(in);

		bad = mime_base64_decode(in, n, &out, &outlen);
		T_OK(same(out, outlen, b64_cases[i].out, b64_cases[i].outlen),
		    label("base64 bytes", in, n));
		T_INT(bad, b64_cases[i].bad, label("base64 damaged", in, n));
		T_INT(mime_base64_bad(in, n), b64_cases[i].bad,
		    label("base64 check", in, n));
		T_OK(out[outlen] == '\0', label("base64 NUL", in, n));
		if (reference(in, n, MAILMIME_MECHANISM_BASE64, &ref,
		    &reflen) == 0) {
			T_OK(same(out, outlen, ref, reflen),
			    label("base64 as libetpan", in, n));
			free(ref);
		}
		free(out);
	}
	for (i = 0; i < ARRAY_LEN(qp_cases); i++) {
		const char *in = qp_cases[i].in;
		size_t n = qp_cases[i].inlen;

		mime_qp_decode(in, n, &out, &outlen);
		T_OK(same(out, outlen, qp_cases[i].out, qp_cases[i].outlen),
		    label("qp bytes", in, n));
		T_OK(out[outlen] == '\0', label("qp NUL", in, n));
		if (reference(in, n, MAILMIME_MECHANISM_QUOTED_PRINTABLE,
		    &ref, &reflen) == 0) {
			T_OK(same(out, outlen, ref, reflen),
			    label("qp as libetpan", in, n));
			free(ref);
		}
		free(out);
	}
}

static uint64_t seed = 0x2545f4914f6cdd1dULL;

static unsigned
rnd(unsigned n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)(seed % n);
}

/* Mostly good base64 (the valid path), now and then broken. */
static size_t
random_base64(char *s, size_t cap)
{
	static const char alpha[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char junk[] = "=\r\n \t\v\f*-_.\0\351";
	static const unsigned right_pad[4] = { 0, 0, 2, 1 };
	static const unsigned ends[] = { 0, 2, 3 };
	size_t n = 0, letters, width = 1 + rnd(80), i;
	unsigned pad;

	/* A lone sixth of a byte now and then, padding mostly right. */
	letters = 4 * rnd(20) + (rnd(8) == 0 ? 1 : ends[rnd(3)]);
	pad = rnd(4) == 0 ? rnd(4) : rnd(2) ? right_pad[letters % 4] : 0;

	for (i = 0; i < letters && n + 4 < cap; i++) {
		s[n++] = alpha[rnd(64)];
		if ((i + 1) % width == 0) {
			if (rnd(2))
				s[n++] = '\r';
			s[n++] = '\n';
		}
	}
	while (pad-- > 0 && n + 1 < cap)
		s[n++] = '=';
	if (rnd(2) && n + 2 < cap) {
		s[n++] = '\r';
		s[n++] = '\n';
	}
	if (rnd(4) == 0 && n > 0)	/* break it */
		s[rnd((unsigned)n)] = junk[rnd(sizeof(junk) - 1)];
	return n;
}

static size_t
random_qp(char *s, size_t cap)
{
	static const char bytes[] = "=\r\n aZ3Df\t\0\351";
	size_t n = rnd((unsigned)cap), i;

	for (i = 0; i < n; i++)
		s[i] = bytes[rnd(sizeof(bytes) - 1)];
	return n;
}

static void
test_random(void)
{
	char in[400], *out, *ref;
	size_t n, outlen, reflen;
	int i, bad, b64_fail = 0, qp_fail = 0, b64_bad = 0, n_bad = 0;

	for (i = 0; i < RANDOM_CASES; i++) {
		n = random_base64(in, sizeof(in));
		bad = mime_base64_decode(in, n, &out, &outlen);
		n_bad += bad;
		if (reference(in, n, MAILMIME_MECHANISM_BASE64, &ref,
		    &reflen) == 0) {
			if (!same(out, outlen, ref, reflen) && b64_fail++ == 0)
				printf("# base64 differs: %s\n",
				    label("", in, n));
			free(ref);
		}
		if (bad != mime_base64_bad(in, n) && b64_bad++ == 0)
			printf("# base64 damage misjudged: %s\n",
			    label("", in, n));
		free(out);

		n = random_qp(in, 40);
		mime_qp_decode(in, n, &out, &outlen);
		if (reference(in, n, MAILMIME_MECHANISM_QUOTED_PRINTABLE,
		    &ref, &reflen) == 0) {
			if (!same(out, outlen, ref, reflen) && qp_fail++ == 0)
				printf("# qp differs: %s\n", label("", in, n));
			free(ref);
		}
		free(out);
	}
	T_INT(b64_fail, 0, "random base64 decodes as libetpan does");
	T_INT(b64_bad, 0, "random base64 judged as mime_base64_bad()");
	printf("# %d of %d damaged\n", n_bad, RANDOM_CASES);
	T_OK(n_bad > RANDOM_CASES / 10 && n_bad < RANDOM_CASES / 2,
	    "random base64: both paths taken");
	T_INT(qp_fail, 0, "random quoted-printable decodes as libetpan does");
}

/* Big enough for the QP buffer to be given back in part, and for base64
 * to be decoded in one call. */
static void
test_big(void)
{
	struct buf b;
	char *out;
	size_t outlen, i;

	buf_init(&b);
	for (i = 0; i < 5000; i++)
		buf_adds(&b, "0123456789=\r\n");
	mime_qp_decode(b.data, b.len, &out, &outlen);
	T_INT(outlen, 50000, "qp: 5,000 soft breaks");
	T_OK(memcmp(out, "01234567890123456789", 20) == 0, "qp: joined");
	free(out);
	buf_free(&b);

	buf_init(&b);
	for (i = 0; i < 5000; i++)
		buf_adds(&b, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd"
		    "Hh8gISIjJCUmJygpKissLS4v\r\n");
	T_INT(mime_base64_decode(b.data, b.len, &out, &outlen), 0,
	    "base64: 5,000 lines are good");
	T_INT(outlen, 5000 * 48, "base64: 5,000 lines");
	T_OK(out[47] == 47 && out[48] == 0 && out[outlen - 1] == 47,
	    "base64: bytes of the last line");
	free(out);
	buf_free(&b);
}

int
main(void)
{
	test_table();
	test_random();
	test_big();
	return t_done();
}
