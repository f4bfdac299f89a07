/* SPDX-License-Identifier: ISC */
/*
 * test-mime-text.c - the text helpers of the mime module, one table each:
 * RFC 2047 header decoding, HTML to text, the split of a reply, file
 * names, format=flowed, base64 checks and UTF-8 repair.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/mime-int.h"
#include "t.h"

/* A test label showing s on one line, as TAP wants. */
static const char *
label(const char *prefix, const char *s)
{
	static char out[128];
	size_t n;

	n = (size_t)snprintf(out, sizeof(out), "%s \"", prefix);
	for (; *s != '\0' && n + 6 < sizeof(out); s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t') {
			out[n++] = '\\';
			out[n++] = *s == '\n' ? 'n' : *s == '\r' ? 'r' : 't';
		} else if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			out[n++] = *s;
	}
	out[n++] = '"';
	out[n] = '\0';
	return out;
}

static const struct { const char *in, *out; } header_cases[] = {
	{ "Printer jammed", "Printer jammed" },
	{ "  =?utf-8?q?a?=  ", "a" },
	{ "=?UTF-8?B?w6k=?=", "\xc3\xa9" },
	{ "=?utf-8?q?a?= =?utf-8?q?b?=", "ab" },
	{ "=?utf-8?q?a?=\r\n =?utf-8?q?b?=", "ab" },
	{ "=?utf-8?q?a?= x =?utf-8?q?b?=", "a x b" },
	{ "=?iso-8859-1?q?caf=E9?=", "caf\xc3\xa9" },
	{ "=?ISO-8859-15?Q?=A4uro?=", "\xe2\x82\xacuro" },
	{ "=?x-bogus?q?caf=E9?=", "caf\xc3\xa9" },
	{ "Re:\r\n =?utf-8?q?Caf=C3=A9?=", "Re: Caf\xc3\xa9" },
	{ "tab\there", "tab here" },
	{ "caf\xe9 cr\xe8me", "caf\xc3\xa9 cr\xc3\xa8me" },
	{ "caf\xc3\xa9", "caf\xc3\xa9" },
	{ "=?utf-8?q?line=0D=0ABcc:_x?=", "lineBcc: x" },
	{ "=?utf-8?q?nul=00byte?=", "nul" },
	/* libetpan forgives a missing "?=" at the end. */
	{ "=?utf-8?q?unterminated", "unterminated" },
	{ "", "" },
};

static void
test_headers(void)
{
	size_t i;
	char *s;

	for (i = 0; i < ARRAY_LEN(header_cases); i++) {
		s = mime_decode_header(header_cases[i].in);
		T_STR(s, header_cases[i].out, label("header",
		    header_cases[i].in));
		free(s);
	}
	s = mime_decode_header(NULL);
	T_STR(s, "", "header NULL");
	free(s);
}

static const struct { const char *html, *text; } html_cases[] = {
	{ "<p>a</p><p>b</p>", "a\n\nb" },
	{ "a<br>b", "a\nb" },
	{ "a<br><br><br><br>b", "a\n\nb" },
	{ "<ul><li>x</li><li>y</li></ul>", "- x\n- y" },
	{ "<ol><li>a<ul><li>b</li></ul></li></ol>", "- a\n  - b" },
	{ "<a href=\"https://x.example/\">x.example</a>", "x.example" },
	{ "<a href=\"https://x.example/a\">here</a>.",
	  "here <https://x.example/a>." },
	{ "<a href=\"mailto:a@b.example\">a@b.example</a>", "a@b.example" },
	{ "<a href=\"#top\">top</a>", "top" },
	{ "<a href=\"javascript:evil()\">click</a>", "click" },
	{ "<script>bad()</script>ok", "ok" },
	{ "<head><title>T</title><style>p{}</style></head><body>ok</body>",
	  "ok" },
	{ "&lt;b&gt; &amp; &eacute; &#8364; &#x263A;",
	  "<b> & \xc3\xa9 \xe2\x82\xac \xe2\x98\xba" },
	{ "a   \n\t  b", "a b" },
	{ "a&nbsp;&nbsp;b", "a b" },
	{ "<pre>a\n  b</pre>", "a\n  b" },
	{ "<blockquote>q1<br>q2</blockquote>r", "> q1\n> q2\nr" },
	{ "<blockquote><p>p1</p><p>p2</p></blockquote>", "> p1\n>\n> p2" },
	{ "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td></td>"
	  "</tr></table>", "a | b\nc" },
	{ "<img src=\"x.png\" alt=\"logo\"> <img src=\"t.gif\" alt=\"\">",
	  "[logo]" },
	{ "<div>unclosed <b>bold", "unclosed bold" },
	{ "a<hr>b", "a\n\n---\nb" },
	{ "<h1>Title</h1>text", "Title\n\ntext" },
	{ "<div><div><div>x</div></div></div><div>y</div>", "x\ny" },
	{ "", "" },
	{ "<!-- only a comment -->", "" },
};

static void
test_html(void)
{
	size_t i;
	char *s;

	for (i = 0; i < ARRAY_LEN(html_cases); i++) {
		s = mime_html_to_text(html_cases[i].html,
		    strlen(html_cases[i].html));
		T_STR(s, html_cases[i].text, label("html", html_cases[i].html));
		free(s);
	}
}

static const struct reply_case {
	const char	*label;
	const char	*text;
	const char	*new_text;
	const char	*quoted;
	const char	*sig;
} reply_cases[] = {
	{ "plain", "hello\nworld", "hello\nworld", "", "" },
	{ "on wrote", "new\n\nOn Mon, Jan 1, 2024, A <a@b.example> wrote:\n"
	  "> old", "new", "On Mon, Jan 1, 2024, A <a@b.example> wrote:\n> old",
	  "" },
	{ "wrapped attribution", "ok\nOn Mon, 1 Jan 2024 at 10:00, Somebody "
	  "<\nsomebody@example.org> wrote:\n> old", "ok", "On Mon, 1 Jan 2024 "
	  "at 10:00, Somebody <\nsomebody@example.org> wrote:\n> old", "" },
	{ "french nbsp", "oui\nLe lun. 1 janv. 2024 \xc3\xa0 10:00, A "
	  "<a@b.example> a \xc3\xa9" "crit\xc2\xa0:\n> question", "oui",
	  "Le lun. 1 janv. 2024 \xc3\xa0 10:00, A <a@b.example> a \xc3\xa9"
	  "crit\xc2\xa0:\n> question", "" },
	{ "german", "ja\nAm 01.01.2024 um 10:00 schrieb A <a@b.example>:\n"
	  "> frage", "ja", "Am 01.01.2024 um 10:00 schrieb A <a@b.example>:\n"
	  "> frage", "" },
	{ "attribution without >", "yes\nOn Mon, 1 Jan 2024, A wrote:\nold "
	  "text\nmore", "yes", "On Mon, 1 Jan 2024, A wrote:\nold text\nmore",
	  "" },
	{ "signature then quote", "text\n-- \nsig\n> quoted after", "text",
	  "> quoted after", "sig" },
	{ "bare -- delimiter", "text\n--\nJane", "text", "", "Jane" },
	{ "interleaved", "> q1\na1\n> q2\na2", "a1\n\na2", "> q1\n\n> q2", "" },
	{ "not an attribution", "On a Monday I wrote: a note\nbye",
	  "On a Monday I wrote: a note\nbye", "", "" },
	{ "wrote without quote", "I wrote:\nthis is not a quote",
	  "I wrote:\nthis is not a quote", "", "" },
	{ "outlook separator", "answer\n\n________________________________\n"
	  "From: X\nSent: Y\nTo: Z\nSubject: S\n\nold", "answer",
	  "________________________________\nFrom: X\nSent: Y\nTo: Z\nSubject: "
	  "S\n\nold", "" },
	{ "outlook french", "r\xc3\xa9ponse\nDe : X\nEnvoy\xc3\xa9 : Y\n"
	  "\xc3\x80 : Z\nObjet : S\nvieux", "r\xc3\xa9ponse", "De : X\n"
	  "Envoy\xc3\xa9 : Y\n\xc3\x80 : Z\nObjet : S\nvieux", "" },
	{ "original message", "fine\n-----Original Message-----\nFrom: X\n"
	  "old", "fine", "-----Original Message-----\nFrom: X\nold", "" },
	{ "from line alone", "From: my manager I heard\nthat it works",
	  "From: my manager I heard\nthat it works", "", "" },
	{ "mobile", "hi\n\nSent from my iPhone", "hi", "",
	  "Sent from my iPhone" },
	{ "only quote", "> a\n> b", "", "> a\n> b", "" },
	{ "empty", "", "", "", "" },
};

static void
test_reply(void)
{
	const struct reply_case *c;
	char *n, *q, *s, what[96];
	size_t i;

	for (i = 0; i < ARRAY_LEN(reply_cases); i++) {
		c = &reply_cases[i];
		mime_reply_split(c->text, &n, &q, &s);
		snprintf(what, sizeof(what), "reply %s: new", c->label);
		T_STR(n, c->new_text, what);
		snprintf(what, sizeof(what), "reply %s: quoted", c->label);
		T_STR(q, c->quoted, what);
		snprintf(what, sizeof(what), "reply %s: signature", c->label);
		T_STR(s, c->sig, what);
		free(n);
		free(q);
		free(s);
	}
}

static const struct { const char *in, *out; int changed; } name_cases[] = {
	{ "report.pdf", "report.pdf", 0 },
	{ "Proc\xc3\xa9" "dure VPN.docx", "Proc\xc3\xa9" "dure VPN.docx", 0 },
	{ "../../etc/passwd", "passwd", 1 },
	{ "C:\\Users\\x\\file.txt", "file.txt", 1 },
	{ ".bashrc", "bashrc", 1 },
	{ "a\x01" "b\x7f.txt", "ab.txt", 1 },
	{ "evil\xe2\x80\xaetxt.exe", "eviltxt.exe", 1 },
	{ "name. ", "name", 0 },
	{ "...", NULL, 1 },
	{ "/", NULL, 1 },
	{ "", NULL, 0 },
};

static void
test_filenames(void)
{
	char *s, what[96], longname[400];
	size_t i;
	int changed;

	for (i = 0; i < ARRAY_LEN(name_cases); i++) {
		changed = 0;
		s = mime_safe_filename(name_cases[i].in, &changed);
		T_STR(s, name_cases[i].out, label("file name",
		    name_cases[i].in));
		snprintf(what, sizeof(what), "%s changed", label("file name",
		    name_cases[i].in));
		T_INT(changed, name_cases[i].changed, what);
		free(s);
	}
	memset(longname, 'x', 300);
	for (i = 0; i < 20; i++)	/* a multibyte character at the cut */
		memcpy(longname + 180 + 2 * i, "\xc3\xa9", 2);
	strcpy(longname + 300, ".pdf");
	changed = 0;
	s = mime_safe_filename(longname, &changed);
	T_OK(s != NULL && strlen(s) <= MIME_MAX_FILENAME &&
	    strcmp(s + strlen(s) - 4, ".pdf") == 0 &&
	    mime_utf8_valid(s, strlen(s)),
	    "long file name cut, extension kept");
	free(s);
}

static const struct {
	const char	*in;
	int		 delsp;
	const char	*out;
} flow_cases[] = {
	{ "one \ntwo\n", 0, "one two\n" },
	{ "one \ntwo", 1, "onetwo\n" },
	{ "> a \n> b\n", 0, "> a b\n" },
	{ "> a \nb\n", 0, "> a \nb\n" },
	{ "x \n-- \nsig", 0, "x \n-- \nsig\n" },
	{ " stuffed\n", 0, "stuffed\n" },
};

static void
test_flowed(void)
{
	struct buf b;
	char what[64];
	size_t i;

	for (i = 0; i < ARRAY_LEN(flow_cases); i++) {
		buf_init(&b);
		buf_adds(&b, flow_cases[i].in);
		mime_unflow(&b, flow_cases[i].delsp);
		snprintf(what, sizeof(what), "flowed case %zu", i + 1);
		T_STR(b.data, flow_cases[i].out, what);
		buf_free(&b);
	}
}

static const struct { const char *in; int bad; } b64_cases[] = {
	{ "QUJD", 0 }, { "QUJD\r\nREVG\r\n", 0 }, { "QQ==", 0 }, { "QUI=", 0 },
	{ "QU", 0 }, { "Q", 1 }, { "QU*D", 1 }, { "QQ==QQ", 1 }, { "QQ===", 1 },
	{ "", 0 },
};

static const struct {
	const char	*in;
	size_t		 len;
	int		 text;
	const char	*out;
	unsigned	 flags;
} utf8_cases[] = {
	{ "a\r\nb\rc", 6, 1, "a\nb\nc", 0 },
	{ "a\0b", 3, 1, "ab", MIME_F_NUL },
	{ "\xff", 1, 1, "\xef\xbf\xbd", MIME_F_BADUTF8 },
	{ "\xe2\x82", 2, 1, "\xef\xbf\xbd\xef\xbf\xbd", MIME_F_BADUTF8 },
	{ "\x1b[31mred", 8, 1, "[31mred", MIME_F_CTL },
	{ "tab\tff\f", 7, 1, "tab\tff\f", 0 },
	{ "\xf0\x9f\x98\x9e", 4, 1, "\xf0\x9f\x98\x9e", 0 },
	{ "\xf4\x90\x80\x80", 4, 1, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	  "\xef\xbf\xbd", MIME_F_BADUTF8 },
	{ "keep\r", 5, 0, "keep\r", 0 },
	/* Longer than the eight bytes checked at once, bad bytes at odd
	 * places. */
	{ "0123456789abcdef\x01ghij", 21, 1, "0123456789abcdefghij",
	  MIME_F_CTL },
	{ "abcdefg\x7fhijklmnop", 17, 1, "abcdefghijklmnop", MIME_F_CTL },
	{ "line one of text\r\nline two of text\r\n", 36, 1,
	  "line one of text\nline two of text\n", 0 },
	{ "abcdefgh\xc3\xa9ijklmnopqrstuvw\xff", 26, 1,
	  "abcdefgh\xc3\xa9ijklmnopqrstuvw\xef\xbf\xbd", MIME_F_BADUTF8 },
	{ "12345678\x01" "abcdefgh", 17, 0, "12345678\x01" "abcdefgh", 0 },
	{ "tabs\tand\nnewlines\tin a long run", 31, 1,
	  "tabs\tand\nnewlines\tin a long run", 0 },
};

static void
test_bytes(void)
{
	struct buf b;
	unsigned flags;
	char what[64];
	size_t i;

	for (i = 0; i < ARRAY_LEN(b64_cases); i++) {
		T_INT(mime_base64_bad(b64_cases[i].in, strlen(b64_cases[i].in)),
		    b64_cases[i].bad, label("base64", b64_cases[i].in));
	}
	for (i = 0; i < ARRAY_LEN(utf8_cases); i++) {
		buf_init(&b);
		flags = mime_utf8_append(&b, utf8_cases[i].in,
		    utf8_cases[i].len, utf8_cases[i].text);
		snprintf(what, sizeof(what), "utf-8 repair case %zu", i + 1);
		T_STR(b.data != NULL ? b.data : "", utf8_cases[i].out, what);
		snprintf(what, sizeof(what), "utf-8 repair case %zu flags",
		    i + 1);
		T_INT(flags, utf8_cases[i].flags, what);
		buf_free(&b);
	}
}

/* Ids from junk that libetpan's list parser refuses. */
static const struct { const char *in; size_t max; const char *out; }
    msgid_cases[] = {
	{ "a b <c@d", 100, "a b c@d" },		/* no '>': words */
	{ "< < <", 100, "" },
	{ "junk <i@j", 1, "junk" },
};

static void
test_msgids(void)
{
	struct buf b, all;
	char **ids, what[64];
	size_t n, i, j;
	clock_t t0;
	double secs;

	for (i = 0; i < ARRAY_LEN(msgid_cases); i++) {
		ids = NULL;
		n = 0;
		mime_msgid_list(msgid_cases[i].in, strlen(msgid_cases[i].in),
		    &ids, &n, msgid_cases[i].max);
		buf_init(&all);
		for (j = 0; j < n; j++) {
			buf_printf(&all, "%s%s", j > 0 ? " " : "", ids[j]);
			free(ids[j]);
		}
		free(ids);
		snprintf(what, sizeof(what), "msgid junk case %zu", i + 1);
		T_STR(all.data != NULL ? all.data : "", msgid_cases[i].out,
		    what);
		buf_free(&all);
	}

	/* 1.6 MB of words then a '<': the scan once took quadratic time,
	 * 20 s here; linear, it takes a fraction of a second (10 s leave
	 * room for sanitizers and a busy machine). */
	buf_init(&b);
	for (i = 0; i < 800000; i++)
		buf_add(&b, "a ", 2);
	buf_addc(&b, '<');
	ids = NULL;
	n = 0;
	t0 = clock();
	mime_msgid_list(b.data, b.len, &ids, &n, 100);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	T_INT(n, 100, "msgid junk: 800,000 words, 100 kept");
	T_OK(secs < 10, "msgid junk: 800,000 words in linear time");
	if (secs >= 10)
		printf("#   %.1f s\n", secs);
	for (j = 0; j < n; j++)
		free(ids[j]);
	free(ids);
	buf_free(&b);
}

int
main(void)
{
	test_headers();
	test_html();
	test_reply();
	test_filenames();
	test_flowed();
	test_bytes();
	test_msgids();
	return t_done();
}
