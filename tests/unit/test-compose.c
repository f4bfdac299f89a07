/* SPDX-License-Identifier: ISC */
/* Outgoing messages: cleaning, RFC 2047, folding, addresses, QP, and a
 * whole message read back by the MIME parser. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "guichet.h"
#include "mail-compose.h"
#include "mime.h"
#include "t.h"

/* Every line ends in CRLF, is under the limit, and no line of a header
 * block starts without white space unless it is "Name:". */
static int
lines_ok(const char *s, size_t max)
{
	const char *p = s, *eol;

	while (*p != '\0') {
		if ((eol = strstr(p, "\r\n")) == NULL)
			return 0;
		if ((size_t)(eol - p) > max)
			return 0;
		for (const char *q = p; q < eol; q++)
			if (*q == '\r' || *q == '\n')
				return 0;
		p = eol + 2;
	}
	return 1;
}

static char *
header(const char *name, const char *value)
{
	struct buf b;

	buf_init(&b);
	mail_header_text(&b, name, value);
	return buf_steal(&b);
}

/* Unfolds and decodes a "Name: value\r\n" block back to its text. */
static char *
decode(const char *h)
{
	struct buf b;
	const char *p = strchr(h, ':') + 2;
	char *d;

	buf_init(&b);
	for (; *p != '\0'; p++)
		if (*p != '\r' && *p != '\n')
			buf_addc(&b, *p);
	d = mime_decode_header(b.data);
	buf_free(&b);
	return d;
}

static void
test_headers(void)
{
	const char *long_text = "Le serveur de fichiers du bâtiment B ne "
	    "répond plus depuis ce matin, ni en SMB ni en NFS, et toute "
	    "l’équipe comptable est bloquée pour la clôture mensuelle "
	    "qui doit être terminée avant vendredi soir « sans faute »";
	char *s, *d, word[301];

	s = mail_clean("Hello\r\nBcc: victim@example.org\x01\x7f\tend  ");
	T_STR(s, "Hello Bcc: victim@example.org end", "CR LF and controls "
	    "removed");
	free(s);
	s = mail_clean("bad \xff byte \xc2\x85 c1");
	T_STR(s, "bad ? byte c1", "invalid UTF-8 and C1 controls");
	free(s);
	s = header("Subject", "Help\r\nBcc: victim@example.org");
	T_STR(s, "Subject: Help Bcc: victim@example.org\r\n",
	    "no header injection");
	free(s);
	s = header("Subject", "Imprimante en panne");
	T_STR(s, "Subject: Imprimante en panne\r\n", "ASCII stays plain");
	free(s);
	s = header("Subject", "Réunion à 10 h");
	T_STR(s, "Subject: =?utf-8?q?R=C3=A9union_=C3=A0?= 10 h\r\n",
	    "non-ASCII words encoded together, spaces kept");
	free(s);
	s = header("Subject", long_text);
	d = decode(s);
	T_OK(lines_ok(s, 78), "a long subject is folded under 78 columns");
	T_STR(d, long_text, "and decodes back unchanged");
	free(d);
	free(s);
	memset(word, 'x', 300);
	word[300] = '\0';
	s = header("Subject", word);
	d = decode(s);
	T_OK(lines_ok(s, 78), "a 300-character word is cut into encoded "
	    "words");
	T_STR(d, word, "and decodes back as one word");
	free(d);
	free(s);
	s = header("Subject", "=?utf-8?q?fake?= word");
	d = decode(s);
	T_STR(d, "=?utf-8?q?fake?= word", "a fake encoded word survives");
	free(d);
	free(s);
}

static char *
compose(const char *name, const char *addr, int *rc)
{
	struct mail_addr to = { .name = (char *)name, .addr = (char *)addr };
	struct mail_out m = {
		.from = { .name = "Desk", .addr = "help@example.org" },
		.to = &to, .nto = 1, .subject = "s", .body = "b\n",
		.domain = "example.org",
	};
	struct buf raw;
	char *id, *cause, *s, *e;

	buf_init(&raw);
	if ((*rc = mail_compose(&m, &raw, &id, &cause)) == -1) {
		buf_free(&raw);
		return cause;
	}
	free(id);
	s = strstr(raw.data, "\r\nTo: ") + 2;
	e = strstr(s, "\r\nSubject:");
	s = xstrndup(s, (size_t)(e - s));
	buf_free(&raw);
	return s;
}

static void
test_addresses(void)
{
	char *s;
	int rc;

	s = compose("Jean Dupont", "jean@example.org", &rc);
	T_STR(s, "To: Jean Dupont <jean@example.org>", "plain name");
	free(s);
	s = compose("Dupont, Jean \"JD\"", "jean@example.org", &rc);
	T_STR(s, "To: \"Dupont, Jean \\\"JD\\\"\" <jean@example.org>",
	    "specials quoted and escaped");
	free(s);
	s = compose("Zoé\r\nBcc: x@y", "zoe@example.org", &rc);
	T_STR(s, "To: =?utf-8?q?Zo=C3=A9_Bcc=3A_x=40y?= <zoe@example.org>",
	    "non-ASCII name encoded as a phrase, CRLF gone");
	free(s);
	s = compose(NULL, "a@b.example", &rc);
	T_STR(s, "To: <a@b.example>", "no name");
	free(s);
	s = compose("x", "a@b>\r\nBcc: c@d", &rc);
	T_INT(rc, -1, "a bad address is refused");
	free(s);
	T_OK(mail_addr_valid("first.last+tag@sub.example.org"), "valid");
	T_OK(!mail_addr_valid("no-at"), "no @");
	T_OK(!mail_addr_valid("a b@c"), "space");
	T_OK(!mail_addr_valid("é@c.org"), "not ASCII");
	T_OK(!mail_addr_valid("a@"), "no domain");
}

static void
test_parse_addrs(void)
{
	struct mail_addr *v;
	size_t n;
	char *cause;

	T_INT(mail_parse_addrs("Service Desk <Help@Example.org>, "
	    "=?utf-8?q?Zo=C3=A9?= <zoe@example.org>", &v, &n, &cause), 0,
	    "parse a list");
	T_INT(n, 2, "two addresses");
	if (n == 2) {
		T_STR(v[0].name, "Service Desk", "name");
		T_STR(v[0].addr, "help@example.org", "address lower case");
		T_STR(v[1].name, "Zoé", "encoded name decoded");
	}
	mail_addrs_free(v, n);
	T_INT(mail_parse_addrs("<<<", &v, &n, &cause), -1, "garbage refused");
	free(cause);
}

static char *
qp(const char *text)
{
	struct buf b;

	buf_init(&b);
	mail_qp_encode(&b, text);
	return buf_steal(&b);
}

static char *
qp_decode(const char *s)
{
	size_t idx = 0, len;
	char *out, *r;

	if (mailmime_part_parse(s, strlen(s), &idx,
	    MAILMIME_MECHANISM_QUOTED_PRINTABLE, &out, &len) != 0)
		return xstrdup("(error)");
	r = xstrndup(out, len);
	mailmime_decoded_part_free(out);
	return r;
}

static void
test_qp(void)
{
	char *s, *d, line[400];

	s = qp("a \nb\t\nc = d");
	T_STR(s, "a=20\r\nb=09\r\nc =3D d", "white space at line ends "
	    "encoded, once");
	free(s);
	s = qp("From me\n.");
	T_STR(s, "=46rom me\r\n.", "From at a line start protected");
	free(s);
	strcpy(line, "");
	for (int i = 0; i < 60; i++)
		strcat(line, "é");
	strcat(line, " fin\n");
	s = qp(line);
	d = qp_decode(s);
	T_OK(lines_ok(s, 76), "soft breaks keep lines at 76");
	T_OK(strstr(s, "=C3=\r\n") == NULL, "a character is never split");
	line[strlen(line) - 1] = '\0';	/* QP turns LF into CRLF */
	strcat(line, "\r\n");
	T_STR(d, line, "and it decodes back");
	free(d);
	free(s);
}

static void
test_message(void)
{
	char *refs[] = { "a@x", "bad id", "b@x" };
	struct mail_addr to = { .name = "Zoé", .addr = "zoe@example.org" };
	struct mail_out m = {
		.from = { .name = "Service Desk", .addr = "help@example.org" },
		.reply_to = { .name = "Service Desk",
		    .addr = "help@example.org" },
		.to = &to, .nto = 1,
		.subject = "[SD#3] Demande reçue : écran noir",
		.in_reply_to = "b@x", .references = refs, .nreferences = 3,
		.auto_submitted = "auto-replied", .loop = "help@example.org",
		.language = "fr", .body = "Bonjour,\n\nÇa marche.\n",
		.date = 86400 * 365, .domain = "example.org",
	};
	struct message *msg;
	struct buf raw;
	char *id, *id2, *cause;

	buf_init(&raw);
	T_INT(mail_compose(&m, &raw, &id, &cause), 0, "compose");
	T_OK(lines_ok(raw.data, 998), "CRLF lines under 998");
	T_OK(strncmp(raw.data, "Date: Fri, 01 Jan 1971 00:00:00 +0000\r\n",
	    39) == 0, "Date first, RFC 5322, from the clock given");
	T_OK(strstr(raw.data, "\r\nAuto-Submitted: auto-replied\r\n") != NULL,
	    "Auto-Submitted");
	T_OK(strstr(raw.data, "\r\nReferences: <a@x> <b@x>\r\n") != NULL,
	    "References, a bad id dropped");
	T_OK(strstr(raw.data, "Content-Transfer-Encoding: "
	    "quoted-printable\r\n") != NULL, "UTF-8 body in QP");
	T_OK(strlen(id) > 20 && strcmp(strchr(id, '@'), "@example.org") == 0,
	    "Message-ID on the desk's domain");
	if (mime_parse(raw.data, raw.len, &msg) == 0) {
		T_STR(msg->subject, m.subject, "subject reads back");
		T_STR(msg->message_id, id, "Message-ID reads back");
		T_STR(msg->in_reply_to, "b@x", "In-Reply-To reads back");
		T_STR(msg->from.addr, "help@example.org", "From");
		T_STR(msg->to[0].name, "Zoé", "To name reads back");
		T_OK(strstr(msg->body, "Ça marche.") != NULL,
		    "body reads back");
		message_free(msg);
	} else
		T_OK(0, "the MIME parser reads it");
	buf_free(&raw);
	buf_init(&raw);
	T_INT(mail_compose(&m, &raw, &id2, &cause), 0, "compose again");
	T_OK(strcmp(id, id2) != 0, "Message-IDs are unique");
	free(id);
	free(id2);
	buf_free(&raw);
	m.body = "plain ascii\n";
	m.auto_submitted = NULL;
	buf_init(&raw);
	T_INT(mail_compose(&m, &raw, &id, &cause), 0, "compose ASCII");
	T_OK(strstr(raw.data, "Content-Transfer-Encoding: 7bit\r\n\r\n"
	    "plain ascii\r\n") != NULL, "ASCII body in 7bit");
	T_OK(strstr(raw.data, "Auto-Submitted") == NULL,
	    "no Auto-Submitted on mail a person wrote");
	free(id);
	buf_free(&raw);
	m.nto = 0;
	buf_init(&raw);
	T_INT(mail_compose(&m, &raw, &id, &cause), -1, "no recipient");
	free(cause);
	buf_free(&raw);
}

int
main(void)
{
	char d[40];

	test_headers();
	test_addresses();
	test_parse_addrs();
	test_qp();
	test_message();
	mail_date(0, d);
	T_STR(d, "Thu, 01 Jan 1970 00:00:00 +0000", "mail_date");
	return t_done();
}
