/* SPDX-License-Identifier: ISC */
/*
 * test-mime-fuzz.c - mime_parse() must survive anything: every fixture cut
 * at many lengths and with random bytes changed (a fixed seed, so a
 * failure can be replayed), plus made-up hostile messages (deep nesting,
 * thousands of parts, huge headers).  Each result must keep the promises
 * of mime.h: valid UTF-8 everywhere, safe file names, right hashes.  Run
 * it under -fsanitize=address,undefined to catch the rest.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "mime.h"
#include "t.h"

#define CUTS		24	/* truncated copies of each fixture */
#define MUTANTS		40	/* randomly damaged copies of each fixture;
				 * $GUICHET_FUZZ_MUTANTS asks for more,
				 * $GUICHET_FUZZ_SEED for others */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static long mutants = MUTANTS;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* An independent UTF-8 check (RFC 3629), not the one under test. */
static int
utf8_ok(const char *p)
{
	const unsigned char *s = (const unsigned char *)p;
	unsigned c, n, i, cp, min;

	if (s == NULL)
		return 1;
	while ((c = *s++) != 0) {
		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else
			return 0;
		for (i = 0; i < n; i++, s++) {
			if ((*s & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (*s & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return 1;
}

static int
filename_ok(const char *f)
{
	const unsigned char *s = (const unsigned char *)f;

	if (f == NULL || *f == '\0' || *f == '.' || !utf8_ok(f))
		return 0;
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s == 0x7f || *s == '/' || *s == '\\')
			return 0;
	return 1;
}

static int
address_ok(const struct mime_address *a)
{
	return a->name != NULL && a->addr != NULL && utf8_ok(a->name) &&
	    utf8_ok(a->addr);
}

/* What mime.h promises about every parsed message; names the first
 * broken promise in *why. */
static int
message_ok(const struct message *m, const char **why)
{
	const struct mime_attachment *a;
	char sha[65];
	size_t i;

#define NEED(c, w) do { if (!(c)) { *why = (w); return 0; } } while (0)
	NEED(m->subject && m->date && m->body && m->body_new &&
	    m->body_quoted && m->body_signature, "a NULL string");
	NEED(utf8_ok(m->subject) && utf8_ok(m->date) && utf8_ok(m->body) &&
	    utf8_ok(m->body_new) && utf8_ok(m->body_quoted) &&
	    utf8_ok(m->body_signature) && utf8_ok(m->warnings), "bad UTF-8");
	NEED(utf8_ok(m->message_id) && utf8_ok(m->in_reply_to) &&
	    utf8_ok(m->dsn_original_id) && utf8_ok(m->dsn_recipient) &&
	    utf8_ok(m->dsn_status), "bad UTF-8 in an id");
	NEED(address_ok(&m->from) && address_ok(&m->reply_to), "address");
	for (i = 0; i < m->nto; i++)
		NEED(address_ok(&m->to[i]), "To address");
	for (i = 0; i < m->ncc; i++)
		NEED(address_ok(&m->cc[i]), "Cc address");
	for (i = 0; i < m->nheaders; i++)
		NEED(m->headers[i].name && m->headers[i].value &&
		    utf8_ok(m->headers[i].name) && utf8_ok(m->headers[i].value),
		    "header");
	for (i = 0; i < m->nreferences; i++)
		NEED(m->references[i] && *m->references[i] &&
		    utf8_ok(m->references[i]), "reference");
	for (i = 0; i < m->nattachments; i++) {
		a = &m->attachments[i];
		NEED(filename_ok(a->filename), "unsafe file name");
		NEED(a->content_type && utf8_ok(a->content_type) &&
		    strchr(a->content_type, '/') != NULL, "content type");
		sha256_hex(a->data, a->len, sha);
		NEED(strcmp(sha, a->sha256) == 0, "attachment hash");
	}
	NEED(strlen(m->sha256) == 64, "message hash");
	NEED(utf8_ok(message_sender_domain(m)), "sender domain");
#undef NEED
	return 1;
}

/* Parses an exact-size copy, so that reading past the end is caught. */
static int
parse_ok(const char *data, size_t len, const char **why)
{
	struct message *m;
	char *copy = xmalloc(len);
	int ok = 1;

	memcpy(copy, data, len);
	*why = "";
	if (mime_parse(copy, len, &m) == 0) {
		ok = message_ok(m, why);
		message_free(m);
	}
	free(copy);
	return ok;
}

static const char specials[] = "\0\r\n-=?<>\";:\\\x80\xff\xc3 \t%*'";

static size_t
mutate(char *buf, size_t len, size_t cap)
{
	size_t i, n = 1 + rnd() % 16, pos, k;

	for (i = 0; i < n && len > 0; i++) {
		pos = rnd() % len;
		switch (rnd() % 5) {
		case 0:
			buf[pos] = (char)rnd();
			break;
		case 1:
			buf[pos] = specials[rnd() % (sizeof(specials) - 1)];
			break;
		case 2:		/* drop a run */
			k = rnd() % 64;
			if (k > len - pos)
				k = len - pos;
			memmove(buf + pos, buf + pos + k, len - pos - k);
			len -= k;
			break;
		case 3:		/* repeat a run */
			k = rnd() % 64;
			if (k > len - pos)
				k = len - pos;
			if (len + k <= cap) {
				memmove(buf + pos + k, buf + pos, len - pos);
				len += k;
			}
			break;
		default:	/* a MIME-looking line */
			k = strlen("\r\n--");
			if (len + k <= cap) {
				memmove(buf + pos + k, buf + pos, len - pos);
				memcpy(buf + pos, "\r\n--", k);
				len += k;
			}
			break;
		}
	}
	return len;
}

static void
fuzz_fixture(const char *name, const char *raw, size_t len)
{
	const char *why = "";
	char *buf, *w;
	size_t i, cut, mlen, cap = len + 1024;
	int ok = 1;

	for (i = 0; i <= CUTS && ok; i++) {
		cut = len * i / CUTS;
		ok = parse_ok(raw, cut, &why);
	}
	for (i = 1; i <= 3 && len >= i && ok; i++)
		ok = parse_ok(raw, len - i, &why);
	buf = xmalloc(cap);
	for (i = 0; i < (size_t)mutants && ok; i++) {
		memcpy(buf, raw, len);
		mlen = mutate(buf, len, cap);
		ok = parse_ok(buf, mlen, &why);
	}
	free(buf);
	w = xasprintf("%s: cut and damaged copies parse safely", name);
	T_OK(ok, w);
	if (!ok)
		printf("#   %s (seed state %llx)\n", why,
		    (unsigned long long)rng);
	free(w);
}

struct fixture {
	char	*name;
	char	*raw;
	size_t	 len;
};

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fixture *)a)->name,
	    ((const struct fixture *)b)->name);
}

/* The head of one fixture glued to the tail of another: multipart
 * structures cut in the middle of each other. */
static void
fuzz_splices(const struct fixture *fx, size_t n)
{
	const struct fixture *a, *b;
	const char *why = "";
	struct buf buf;
	size_t i, cut_a, cut_b;
	int ok = 1;

	for (i = 0; i < (size_t)(mutants / 8 + 1) * n && ok; i++) {
		a = &fx[rnd() % n];
		b = &fx[rnd() % n];
		cut_a = a->len > 0 ? rnd() % a->len : 0;
		cut_b = b->len > 0 ? rnd() % b->len : 0;
		buf_init(&buf);
		buf_add(&buf, a->raw, cut_a);
		buf_add(&buf, b->raw + cut_b, b->len - cut_b);
		ok = parse_ok(buf.data, buf.len, &why);
		buf_free(&buf);
	}
	T_OK(ok, "spliced fixtures parse safely");
	if (!ok)
		printf("#   %s\n", why);
}

static void
fuzz_fixtures(void)
{
	const char *src = getenv("GUICHET_SRCDIR");
	char *dir, *path, *cause;
	struct fixture *fx = NULL;
	struct dirent *de;
	size_t n = 0, i, len;
	DIR *d;

	dir = xasprintf("%s/tests/data/mail", src != NULL ? src : ".");
	if (!T_OK((d = opendir(dir)) != NULL, "fixture directory")) {
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len > 4 && strcmp(de->d_name + len - 4, ".eml") == 0) {
			fx = xreallocarray(fx, n + 1, sizeof(*fx));
			fx[n].name = xstrdup(de->d_name);
			fx[n].raw = NULL;
			fx[n++].len = 0;
		}
	}
	closedir(d);
	/* Sorted, so that the random stream meets the files in order. */
	qsort(fx, n, sizeof(*fx), name_cmp);
	T_OK(n >= 45, "at least 45 fixtures");
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, fx[i].name);
		if (file_read(path, &fx[i].raw, &fx[i].len, &cause) == 0)
			fuzz_fixture(fx[i].name, fx[i].raw, fx[i].len);
		else {
			T_OK(0, cause);
			free(cause);
			fx[i].raw = xstrdup("");
		}
		free(path);
	}
	if (n > 0)
		fuzz_splices(fx, n);
	for (i = 0; i < n; i++) {
		free(fx[i].name);
		free(fx[i].raw);
	}
	free(fx);
	free(dir);
}

/* Parses a made-up message and checks it; returns it for more checks
 * (the caller frees it and the buffer). */
static struct message *
synth(struct buf *b, const char *label)
{
	struct message *m = NULL;
	const char *why = "";
	char *w = xasprintf("%s: parses safely", label);

	T_OK(mime_parse(b->data, b->len, &m) == 0 && message_ok(m, &why), w);
	if (*why != '\0')
		printf("#   %s\n", why);
	free(w);
	return m;
}

static int
warned(const struct message *m, const char *key)
{
	return m != NULL && m->warnings != NULL &&
	    strstr(m->warnings, key) != NULL;
}

static void
deep_multipart(int levels, const char *label, const char *warning)
{
	struct message *m;
	struct buf b;
	int i;

	buf_init(&b);
	buf_adds(&b, "From: a@b.example\r\nSubject: deep\r\n");
	for (i = 0; i < levels; i++)
		buf_printf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\""
		    "\r\n\r\n--b%d\r\n", i, i);
	buf_adds(&b, "Content-Type: text/plain\r\n\r\nbottom\r\n");
	for (i = levels - 1; i >= 0; i--)
		buf_printf(&b, "--b%d--\r\n", i);
	m = synth(&b, label);
	if (warning != NULL) {
		char *w = xasprintf("%s: warns %s", label, warning);

		T_OK(warned(m, warning), w);
		free(w);
	}
	message_free(m);
	buf_free(&b);
}

static void
deep_rfc822(int levels)
{
	struct message *m;
	struct buf b;
	int i;

	buf_init(&b);
	for (i = 0; i < levels; i++)
		buf_printf(&b, "From: level%d@b.example\r\n"
		    "Subject: level %d\r\n"
		    "Content-Type: message/rfc822\r\n\r\n", i, i);
	buf_adds(&b, "Subject: bottom\r\n\r\nbottom text\r\n");
	m = synth(&b, "300 nested message/rfc822");
	T_OK(warned(m, "too-deep"), "300 nested message/rfc822: too-deep");
	T_STR(m != NULL ? m->subject : NULL, "level 0",
	    "300 nested message/rfc822: top subject");
	message_free(m);
	buf_free(&b);
}

static void
many_parts(int parts)
{
	struct message *m;
	struct buf b;
	int i;

	buf_init(&b);
	buf_adds(&b, "From: a@b.example\r\nContent-Type: multipart/mixed; "
	    "boundary=x\r\n\r\n");
	for (i = 0; i < parts; i++)
		buf_printf(&b, "--x\r\n"
		    "Content-Type: application/octet-stream\r\n"
		    "Content-Disposition: attachment; filename=f%d.bin\r\n"
		    "\r\n%d\r\n", i, i);
	buf_adds(&b, "--x--\r\n");
	m = synth(&b, "600 attachments");
	T_INT(m != NULL ? m->nattachments : 0, 500,
	    "600 attachments: 500 kept");
	T_OK(warned(m, "too-many-attachments"),
	    "600 attachments: too-many-attachments");
	message_free(m);
	buf_free(&b);
}

static void
hostile_headers(void)
{
	struct message *m;
	struct buf b;
	int i;

	buf_init(&b);
	buf_adds(&b, "From: a@b.example\r\nReferences:");
	for (i = 0; i < 5000; i++)
		buf_printf(&b, " <r%d@x.example>\r\n", i);
	buf_adds(&b, "Subject:");
	for (i = 0; i < 3000; i++)
		buf_adds(&b, " =?utf-8?q?caf=C3=A9?=");
	buf_adds(&b, "\r\nTo: ");
	for (i = 0; i < 3000; i++)
		buf_printf(&b, "u%d@x.example, ", i);
	buf_adds(&b, "last@x.example\r\n\r\nbody\r\n");
	m = synth(&b, "huge headers");
	if (m != NULL) {
		T_INT(m->nreferences, 100, "5000 references: 100 kept");
		T_STR(m->references[0], "r0@x.example",
		    "5000 references: the oldest kept");
		T_STR(m->references[99], "r4999@x.example",
		    "5000 references: the newest kept");
		T_INT(strlen(m->subject), 3000 * 5, "3000 encoded words");
		T_INT(m->nto, 1000, "3001 To addresses: 1000 kept");
	}
	message_free(m);
	buf_free(&b);
}

static void
long_ctype(void)
{
	struct message *m;
	struct buf b;
	int i;

	buf_init(&b);
	buf_adds(&b, "From: a@b.example\r\nContent-Type: ");
	for (i = 0; i < 300; i++)
		buf_addc(&b, 'x');
	buf_adds(&b, "/y\r\nContent-Disposition: attachment\r\n\r\ndata\r\n");
	m = synth(&b, "300-byte media type");
	T_OK(m != NULL && m->nattachments == 1 &&
	    strcmp(strchr(m->attachments[0].content_type, '/'), "/y") == 0,
	    "300-byte media type: cut, '/' kept");
	message_free(m);
	buf_free(&b);
}

static void
hostile_bodies(void)
{
	struct message *m;
	struct buf b;
	int i;

	buf_init(&b);
	buf_adds(&b, "Content-Type: text/html\r\n\r\n");
	for (i = 0; i < 20000; i++)
		buf_adds(&b, "<div><blockquote><ul><li>");
	buf_adds(&b, "deep text");
	/* libxml2 stops at its depth limit: safe, if not complete. */
	m = synth(&b, "HTML nested 80000 deep");
	message_free(m);
	buf_free(&b);

	buf_init(&b);
	buf_adds(&b, "Content-Type: text/html\r\n\r\n");
	for (i = 0; i < 30; i++)
		buf_adds(&b, "<blockquote><div>");
	buf_adds(&b, "deep text");
	m = synth(&b, "HTML quoted 30 deep");
	T_STR(m != NULL ? m->body : NULL, "> > > > > > > > > > deep text",
	    "HTML quoted 30 deep: 10 quote marks at most");
	message_free(m);
	buf_free(&b);

	buf_init(&b);
	buf_adds(&b, "Subject: one line\r\n\r\n");
	for (i = 0; i < 300000; i++)
		buf_adds(&b, "0123456789abcdef");
	m = synth(&b, "4.8 MB line");
	T_OK(warned(m, "text-truncated"), "4.8 MB line: text-truncated");
	message_free(m);
	buf_free(&b);

	buf_init(&b);
	buf_adds(&b, "Subject: quotes\r\n\r\n");
	for (i = 0; i < 20000; i++)
		buf_adds(&b, "> > > > On x wrote:\n-- \nOn a\nwrote:\n");
	m = synth(&b, "20000 odd reply lines");
	message_free(m);
	buf_free(&b);
}

int
main(void)
{
	const char *e = getenv("GUICHET_FUZZ_MUTANTS");

	if (e != NULL && atol(e) > 0)
		mutants = atol(e);
	if ((e = getenv("GUICHET_FUZZ_SEED")) != NULL && strtoull(e, NULL, 0))
		rng = strtoull(e, NULL, 0);
	fuzz_fixtures();
	deep_multipart(40, "40 nested multiparts", NULL);
	deep_multipart(200, "200 nested multiparts", "too-deep");
	deep_multipart(5000, "5000 nested multiparts", "too-many-parts");
	deep_rfc822(300);
	many_parts(600);
	hostile_headers();
	long_ctype();
	hostile_bodies();
	return t_done();
}
