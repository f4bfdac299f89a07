/* SPDX-License-Identifier: ISC */
/*
 * test-mime.c - mime_parse() on the hand-written fixtures of
 * tests/data/mail: decoded headers, body parts, attachments, delivery
 * reports and warnings.  Fixtures are found under $GUICHET_SRCDIR.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "mime.h"
#include "t.h"

struct fixture {
	char		*raw;
	size_t		 len;
	struct message	*m;
};

static char *
fixture_read(const char *name, size_t *len)
{
	const char *dir = getenv("GUICHET_SRCDIR");
	char *path, *data = NULL, *cause = NULL;

	path = xasprintf("%s/tests/data/mail/%s", dir != NULL ? dir : ".",
	    name);
	if (file_read(path, &data, len, &cause) == -1) {
		printf("# %s\n", cause);
		free(cause);
		data = NULL;
	}
	free(path);
	return data;
}

/* Parses a fixture; NULL (and a failed check) when that fails. */
static struct message *
load(const char *name, struct fixture *fx)
{
	char *what;

	memset(fx, 0, sizeof(*fx));
	fx->raw = fixture_read(name, &fx->len);
	what = xasprintf("%s parses", name);
	T_OK(fx->raw != NULL && mime_parse(fx->raw, fx->len, &fx->m) == 0,
	    what);
	free(what);
	return fx->m;
}

static void
unload(struct fixture *fx)
{
	message_free(fx->m);
	free(fx->raw);
}

static char *
what(const char *file, const char *field)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s: %s", file, field);
	return buf;
}

static int
has_warning(const struct message *m, const char *key)
{
	const char *p;
	size_t n = strlen(key);

	if (m->warnings == NULL)
		return 0;
	for (p = m->warnings; p != NULL && *p != '\0';) {
		if (strncmp(p, key, n) == 0 && p[n] == ':')
			return 1;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return 0;
}

/* Non-Latin texts of the fixtures, in UTF-8. */
#define JA_SUBJECT	"\xe3\x83\x97\xe3\x83\xaa\xe3\x83\xb3\xe3\x82\xbf" \
			"\xe3\x83\xbc\xe3\x81\xae\xe6\x95\x85\xe9\x9a\x9c"
#define JA_NAME		"\xe7\x94\xb0\xe4\xb8\xad\xe5\xa4\xaa\xe9\x83\x8e"
#define JA_BODY		"\xe3\x83\x97\xe3\x83\xaa\xe3\x83\xb3\xe3\x82\xbf" \
			"\xe3\x83\xbc\xe3\x81\x8c\xe5\x8b\x95\xe3\x81\x8d" \
			"\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93\xe3\x80\x82\n" \
			"\xe7\xb4\x8d\xe5\x93\x81\xe6\x9b\xb8\xe3\x82\x92" \
			"\xe5\x8d\xb0\xe5\x88\xb7\xe3\x81\xa7\xe3\x81\x8d" \
			"\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93\xe3\x80\x82" \
			"\n\n\xe7\x94\xb0\xe4\xb8\xad"
#define SJIS_SUBJECT	"\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc" \
			"\xe3\x83\x89"
#define SJIS_BODY	SJIS_SUBJECT "\xe3\x82\x92\xe5\xbf\x98\xe3\x82\x8c" \
			"\xe3\x81\xbe\xe3\x81\x97\xe3\x81\x9f\xe3\x80\x82"
#define RU_SUBJECT	"\xd0\x9d\xd0\xb5 \xd1\x80\xd0\xb0\xd0\xb1\xd0\xbe" \
			"\xd1\x82\xd0\xb0\xd0\xb5\xd1\x82 \xd0\xbf\xd0\xbe" \
			"\xd1\x87\xd1\x82\xd0\xb0"
#define RU_NAME		"\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd " \
			"\xd0\x9f\xd0\xb5\xd1\x82\xd1\x80\xd0\xbe\xd0\xb2"

/*
 * The main table: what each fixture must give.  NULL skips a check;
 * warning "" means no warning at all.
 */
static const struct header_case {
	const char	*file;
	const char	*subject;
	const char	*from_name;
	const char	*from_addr;
	const char	*body_new;	/* exact */
	const char	*warning;	/* a warning with that key */
} header_cases[] = {
	{ "plain-ascii.eml", "Printer on floor 3 is jammed", "Jeanne Martin",
	  "jeanne@client.example", "Hello,\n\nThe printer near the kitchen on "
	  "floor 3 shows \"Paper jam in tray 2\"\nsince this morning. I "
	  "opened the tray but found nothing.\n\nThanks,\nJeanne", "" },
	{ "utf8-8bit.eml", "\xc3\x89" "cran noir apr\xc3\xa8s la mise \xc3\xa0 "
	  "jour", "Ren\xc3\xa9" "e Dupr\xc3\xa9", "renee.dupre@client.example",
	  NULL, "" },
	{ "latin1-qp.eml", "Bourrage papier au 3\xc3\xa8me",
	  "Fran\xc3\xa7ois L\xc3\xa9ger", "francois.leger@client.example",
	  "Bonjour,\n\nL'imprimante du 3\xc3\xa8me \xc3\xa9tage affiche "
	  "\xc2\xab bourrage papier \xc2\xbb depuis ce matin.\n"
	  "J'ai d\xc3\xa9j\xc3\xa0 ouvert le bac 2, sans succ\xc3\xa8s.\n\n"
	  "Cordialement,\nFran\xc3\xa7ois", "" },
	{ "windows-1252.eml", "Licence invoice", "Mark O'Neil",
	  "mark.oneil@client.example", "Hello,\n\nThe invoice shows "
	  "\xe2\x82\xac" "1\xc2\xa0" "250 for the "
	  "\xe2\x80\x9cPremium\xe2\x80\x9d licence \xe2\x80\x93 we were told "
	  "\xe2\x82\xac" "950.\nCould you check?\n\nRegards,\nMark", "" },
	{ "iso-2022-jp.eml", JA_SUBJECT, JA_NAME, "tanaka@client.example.jp",
	  JA_BODY, "" },
	{ "shift-jis.eml", SJIS_SUBJECT, "", "tanaka@client.example.jp",
	  SJIS_BODY, "" },
	{ "koi8-r.eml", RU_SUBJECT, RU_NAME, "ivan@client.example", NULL, "" },
	{ "rfc2047-subjects.eml", "Re: Probl\xc3\xa8me d'acc\xc3\xa8s au "
	  "r\xc3\xa9seau \xe2\x80\x93 urgent",
	  "Jos\xc3\xa9 Garc\xc3\xad" "a (IT)", "jose.garcia@client.example",
	  "Le r\xc3\xa9seau ne r\xc3\xa9pond plus depuis 10h.", "" },
	{ "rfc2047-badcharset.eml", "Caf\xc3\xa9 machine broken",
	  "Andr\xc3\xa9", "andre@client.example", NULL, "" },
	{ "alternative.eml", "Outlook crashes at start", "Paul Durand",
	  "paul.durand@client.example", "Outlook crashes right after the "
	  "splash screen since yesterday.\nSafe mode (outlook.exe /safe) "
	  "works.", "" },
	{ "html-charset-meta.eml", "Rapport", "", "legacy@client.example",
	  "Probl\xc3\xa8me r\xc3\xa9solu \xc3\xa0 10h.", "" },
	{ "mbox-from-line.eml", "Mail piped with its mbox line",
	  "Jeanne Martin", "jeanne@client.example",
	  "The MTA kept the From_ line.", "" },
	{ "list-mail.eml", "[all-staff] Planned maintenance on Saturday",
	  "IT Announcements", "announce@lists.client.example", NULL, "" },
	{ "auto-reply.eml", "R\xc3\xa9ponse automatique\xc2\xa0: [SD#45] "
	  "Ticket registered", "Bruno Caron", "bruno.caron@client.example",
	  NULL, "" },
	{ "malformed-no-headers.eml", "", "", "", "hello, my computer does not "
	  "start anymore\ncan someone come to room 12?\nthanks", "no-headers" },
	{ "malformed-headers-only.eml", "Call me please", "Jeanne Martin",
	  "jeanne@client.example", "", "" },
	{ "malformed-nul-bytes.eml", "NUL bytes", NULL, NULL,
	  "Line one with a NUL.\nLine two.", "nul-bytes" },
	{ "malformed-8bit-header.eml", "Probl\xc3\xa8me d'imprimante au "
	  "3\xc3\xa8me", "Fran\xc3\xa7ois L\xc3\xa9ger",
	  "francois.leger@client.example",
	  "L'imprimante ne r\xc3\xa9pond plus.", "8bit-header" },
	{ "malformed-long-header.eml", "Everybody", NULL, NULL,
	  "One very long To line.", "long-header" },
	{ "malformed-unterminated-2047.eml", "Caf\xc3\xa9 sans fin",
	  "Jos\xc3\xa9", "jose@client.example", NULL, "" },
	{ "malformed-no-message-id.eml", "No id", NULL, NULL, NULL,
	  "no-message-id" },
	{ "malformed-dup-message-id.eml", "Two ids", NULL, NULL, NULL,
	  "duplicate-message-id" },
	{ "malformed-no-boundary-param.eml", "No boundary", NULL, NULL,
	  "The sender forgot the boundary parameter.", "no-boundary" },
	{ "malformed-invalid-utf8.eml", "Bad UTF-8", NULL, NULL,
	  "caf\xc3\xa9 ok, caf\xef\xbf\xbd bad, \xef\xbf\xbd\xef\xbf\xbd "
	  "overlong, \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd surrogate.",
	  "invalid-utf8" },
	{ "malformed-unknown-charset.eml", "Unknown charset", NULL, NULL,
	  "Qapla\xc3\xa9 !", "unknown-charset" },
	{ "malformed-bad-date.eml", "Bad date", NULL, NULL, NULL, "bad-date" },
	{ "malformed-missing-close.eml", "Truncated upload", NULL, NULL,
	  "The log is attached.", "unterminated-multipart" },
	{ "malformed-wrong-boundary.eml", "Wrong boundary", NULL, NULL,
	  "The text of the message.", "boundary-not-found" },
	{ "malformed-bad-base64.eml", "Damaged attachment", NULL, NULL,
	  "See attached.", "bad-base64" },
	{ "thread-new.eml", "VPN ne fonctionne plus", "Jeanne Martin",
	  "jeanne@client.example", "Bonjour,\n\nLe VPN ne fonctionne plus "
	  "depuis ce matin : \xc2\xab d\xc3\xa9lai d'attente "
	  "d\xc3\xa9pass\xc3\xa9 \xc2\xbb.\n\nJeanne", "" },
	{ "thread-reply-tag.eml", "RE: [SD#1] VPN ne fonctionne plus", NULL,
	  "jeanne@client.example", "Toujours en panne.", "" },
	{ "thread-reply-inreplyto.eml", "VPN", NULL, NULL, NULL, "" },
	{ "thread-reply-references.eml", "encore le VPN", NULL, NULL, NULL,
	  "" },
	{ "thread-reply-bodyref.eml", "Suite", NULL, NULL, "Bonjour, au sujet "
	  "du ticket SD#1 : le VPN remarche apr\xc3\xa8s red\xc3\xa9marrage.",
	  "" },
	{ "thread-prefixes.eml", "AW: TR: Fwd: SV: Re: [SD#1] VPN", NULL, NULL,
	  NULL, "" },
	{ "thread-reply-prefixes.eml", "AW: TR: Fwd: SV: Re: [SD#1] VPN", NULL,
	  NULL, "Encore transf\xc3\xa9r\xc3\xa9, par un autre chemin.", "" },
	{ "thread-dup.eml", "VPN ne fonctionne plus", NULL, NULL, NULL, "" },
	{ "thread-noid-a.eml", "Message sans identifiant", NULL, NULL, NULL,
	  "no-message-id" },
};

static void
test_headers(void)
{
	const struct header_case *c;
	struct fixture fx;
	struct message *m;
	size_t i;

	for (i = 0; i < ARRAY_LEN(header_cases); i++) {
		c = &header_cases[i];
		if ((m = load(c->file, &fx)) == NULL)
			continue;
		if (c->subject != NULL)
			T_STR(m->subject, c->subject, what(c->file, "subject"));
		if (c->from_name != NULL)
			T_STR(m->from.name, c->from_name, what(c->file,
			    "from name"));
		if (c->from_addr != NULL)
			T_STR(m->from.addr, c->from_addr, what(c->file,
			    "from address"));
		if (c->body_new != NULL)
			T_STR(m->body_new, c->body_new, what(c->file,
			    "new text"));
		if (c->warning != NULL && *c->warning == '\0')
			T_STR(m->warnings, NULL, what(c->file, "no warning"));
		else if (c->warning != NULL) {
			T_OK(has_warning(m, c->warning), what(c->file,
			    c->warning));
			if (!has_warning(m, c->warning))
				printf("#   warnings: %s\n",
				    m->warnings != NULL ? m->warnings :
				    "(none)");
		}
		unload(&fx);
	}
}

/* Ids, dates, recipients: what threading and the guard read. */
static void
test_ids(void)
{
	struct fixture fx, fx2;
	struct message *m, *m2;

	if ((m = load("plain-ascii.eml", &fx)) != NULL) {
		T_STR(m->message_id, "20240304091240.4711@client.example",
		    "plain-ascii: message id");
		T_INT(m->date_ts, 1709539960, "plain-ascii: date");
		T_STR(m->date, "Mon, 4 Mar 2024 09:12:40 +0100",
		    "plain-ascii: date as written");
		T_INT(m->nto, 1, "plain-ascii: one To");
		T_STR(m->to[0].name, "Service Desk", "plain-ascii: To name");
		T_STR(message_sender_domain(m), "client.example",
		    "plain-ascii: sender domain");
		T_STR(message_header(m, "received"), "from mx.client.example "
		    "(mx.client.example [192.0.2.10]) by mx.example.org "
		    "(Postfix) with ESMTPS id 4Tq2Xk0bJzz9sW for "
		    "<help@example.org>; Mon,  4 Mar 2024 09:12:44 +0100 (CET)",
		    "plain-ascii: header unfolded, case-insensitive");
		T_STR(m->headers[0].name, "Return-Path",
		    "plain-ascii: headers in order");
		T_INT(m->nheaders, 10, "plain-ascii: all headers");
		T_OK(message_header(m, "X-Nope") == NULL,
		    "plain-ascii: absent header");
		unload(&fx);
	}
	if ((m = load("iso-2022-jp.eml", &fx)) != NULL) {
		T_INT(m->date_ts, 1709886000, "iso-2022-jp: date +0900");
		unload(&fx);
	}
	if ((m = load("bounce-qmail.eml", &fx)) != NULL) {
		T_INT(m->date_ts, 1711526400, "bounce-qmail: date, no weekday");
		unload(&fx);
	}
	if ((m = load("reply-quoted.eml", &fx)) != NULL) {
		T_STR(m->in_reply_to, "sd-1042-ack@example.org",
		    "reply-quoted: in-reply-to");
		T_INT(m->nreferences, 2, "reply-quoted: references");
		if (m->nreferences == 2)
			T_STR(m->references[0],
			    "20240304091240.4711@client.example",
			    "reply-quoted: oldest reference first");
		unload(&fx);
	}
	if ((m = load("rfc2047-subjects.eml", &fx)) != NULL) {
		T_INT(m->nto, 2, "rfc2047-subjects: two To");
		if (m->nto == 2) {
			T_STR(m->to[0].name, "Service D\xc3\xa9sk",
			    "rfc2047-subjects: encoded To name");
			T_STR(m->to[1].name, "Team, Network",
			    "rfc2047-subjects: quoted To name");
		}
		T_INT(m->ncc, 0, "rfc2047-subjects: empty group in Cc");
		unload(&fx);
	}
	if ((m = load("malformed-long-header.eml", &fx)) != NULL) {
		T_INT(m->nto, 120, "long-header: 120 To addresses");
		if (m->nto == 120)
			T_STR(m->to[119].addr, "user120@client.example",
			    "long-header: last address");
		T_INT(strlen(message_header(m, "X-Long")), 2500,
		    "long-header: 2500-byte header kept");
		unload(&fx);
	}
	if ((m = load("malformed-headers-only.eml", &fx)) != NULL) {
		T_STR(m->message_id, "headers.only@client.example",
		    "headers-only: last header without line break");
		T_STR(m->body, "", "headers-only: empty body");
		unload(&fx);
	}
	if ((m = load("malformed-dup-message-id.eml", &fx)) != NULL) {
		T_STR(m->message_id, "first.id@client.example",
		    "dup-message-id: the first wins");
		unload(&fx);
	}
	if ((m = load("malformed-no-message-id.eml", &fx)) != NULL) {
		T_OK(m->message_id == NULL, "no-message-id: NULL");
		unload(&fx);
	}
	if ((m = load("malformed-bad-date.eml", &fx)) != NULL) {
		T_INT(m->date_ts, 0, "bad-date: no timestamp");
		T_STR(m->date, "sometime last week",
		    "bad-date: kept as written");
		T_STR(m->message_id, "bare-id-without-brackets@client.example",
		    "bad-date: bare message id");
		T_STR(m->in_reply_to, "ref2@client.example",
		    "bad-date: in-reply-to with a phrase");
		T_INT(m->nreferences, 2, "bad-date: references among junk");
		unload(&fx);
	}
	if ((m = load("malformed-no-headers.eml", &fx)) != NULL) {
		T_INT(m->nheaders, 0, "no-headers: none");
		T_STR(message_sender_domain(m), "", "no-headers: no domain");
		unload(&fx);
	}
	if ((m = load("mbox-from-line.eml", &fx)) != NULL) {
		T_INT(m->nheaders, 6, "mbox-from-line: From_ line skipped");
		unload(&fx);
	}
	if ((m = load("list-mail.eml", &fx)) != NULL) {
		T_STR(message_header(m, "List-Id"), "All staff announcements "
		    "<all-staff.lists.client.example>", "list-mail: List-Id");
		T_STR(message_header(m, "precedence"), "list",
		    "list-mail: Precedence");
		T_INT(m->is_dsn, 0, "list-mail: not a bounce");
		unload(&fx);
	}
	if ((m = load("auto-reply.eml", &fx)) != NULL) {
		T_STR(message_header(m, "Auto-Submitted"), "auto-replied",
		    "auto-reply: Auto-Submitted");
		T_INT(m->is_dsn, 0, "auto-reply: not a bounce");
		unload(&fx);
	}
	/* Threading fixtures. */
	if ((m = load("thread-new.eml", &fx)) != NULL) {
		T_STR(m->message_id, "req-1@client.example", "thread-new: id");
		if ((m2 = load("thread-dup.eml", &fx2)) != NULL) {
			T_STR(m2->message_id, "req-1@client.example",
			    "thread-dup: same id");
			T_OK(strcmp(m->sha256, m2->sha256) != 0,
			    "thread-dup: other bytes, other hash");
			T_STR(m2->body, m->body, "thread-dup: same text");
			unload(&fx2);
		}
		unload(&fx);
	}
	if ((m = load("thread-reply-tag.eml", &fx)) != NULL) {
		T_OK(m->in_reply_to == NULL && m->nreferences == 0,
		    "thread-reply-tag: no reference headers");
		unload(&fx);
	}
	if ((m = load("thread-reply-inreplyto.eml", &fx)) != NULL) {
		T_STR(m->in_reply_to, "req-1@client.example",
		    "thread-reply-inreplyto: in-reply-to");
		unload(&fx);
	}
	if ((m = load("thread-reply-references.eml", &fx)) != NULL) {
		T_OK(m->in_reply_to == NULL, "thread-reply-references: no irt");
		T_INT(m->nreferences, 2, "thread-reply-references: two");
		if (m->nreferences == 2) {
			T_STR(m->references[0], "other@x",
			    "thread-reply-references: first");
			T_STR(m->references[1], "req-1@client.example",
			    "thread-reply-references: folded second");
		}
		unload(&fx);
	}
	if ((m = load("thread-noid-a.eml", &fx)) != NULL) {
		T_OK(m->message_id == NULL, "thread-noid-a: no id");
		T_INT(strlen(m->sha256), 64, "thread-noid-a: content hash");
		unload(&fx);
	}
}

static const struct att_case {
	const char	*file;
	size_t		 index;
	const char	*filename;
	const char	*content_type;
	int		 is_inline;
	size_t		 len;
	const char	*sha256;	/* NULL: not checked */
} att_cases[] = {
	{ "mixed-attachments.eml", 0, "vpn-log.pdf", "application/pdf", 0, 321,
	  "eaf5edcb5b8bd3155a24188ec8beda2288ab30fad5497d06d21968190e3b1a95" },
	{ "mixed-attachments.eml", 1, "screenshot.png", "image/png", 0, 73,
	  "97a3a410c9bca540512251c37ce63982edccbed54c6f2e1d06ec717b9f753e29" },
	{ "mixed-attachments.eml", 2, "Proc\xc3\xa9" "dure VPN.docx",
	  "application/vnd.openxmlformats-officedocument.wordprocessingml."
	  "document", 0, 571,
	  "4c179fde14d1ecced17006f6b14dee19076ca7c861c7afd66fea123ee422f6a3" },
	{ "nested-related.eml", 0, "error.png", "image/png", 1, 73,
	  "97a3a410c9bca540512251c37ce63982edccbed54c6f2e1d06ec717b9f753e29" },
	{ "nested-related.eml", 1, "report.pdf", "application/pdf", 0, 321,
	  NULL },
	{ "forwarded-rfc822.eml", 0, "quota.pdf", "application/pdf", 0, 321,
	  "eaf5edcb5b8bd3155a24188ec8beda2288ab30fad5497d06d21968190e3b1a95" },
	{ "rfc2231-filename.eml", 0, "Contrat de maintenance \xc3\xa9t\xc3\xa9 "
	  "2024 (version finale).pdf", "application/pdf", 0, 321, NULL },
	{ "rfc2231-filename.eml", 1, "r\xc3\xa9sum\xc3\xa9.txt", "text/plain",
	  0, 15, NULL },
	{ "rfc2231-filename.eml", 2, "\xe2\x82\xac budget.xlsx",
	  "application/octet-stream", 0, 29, NULL },
	{ "filename-traversal.eml", 0, "passwd", "application/octet-stream", 0,
	  32, NULL },
	{ "filename-traversal.eml", 1, "system.ini", "application/octet-stream",
	  0, 10, NULL },
	{ "filename-traversal.eml", 2, "hidden", "application/octet-stream", 0,
	  1, NULL },
	{ "filename-control.eml", 0, "rapportX-Evil: 1.pdf", "application/pdf",
	  0, 321, NULL },
	{ "filename-control.eml", 1, "invoicefdp.exe",
	  "application/octet-stream", 0, 4, NULL },
	{ "calendar-invite.eml", 0, "attachment-1.ics", "text/calendar", 0, 166,
	  NULL },
	{ "malformed-missing-close.eml", 0, "vpn.log", "text/plain", 0, 60,
	  NULL },
	{ "malformed-wrong-boundary.eml", 0, "shot.png", "image/png", 0, 73,
	  "97a3a410c9bca540512251c37ce63982edccbed54c6f2e1d06ec717b9f753e29" },
	{ "malformed-bad-base64.eml", 0, "broken.pdf", "application/pdf", 0, 27,
	  NULL },
};

static const struct { const char *file; size_t n; } att_counts[] = {
	{ "mixed-attachments.eml", 3 }, { "nested-related.eml", 2 },
	{ "forwarded-rfc822.eml", 1 }, { "rfc2231-filename.eml", 3 },
	{ "filename-traversal.eml", 3 }, { "filename-control.eml", 2 },
	{ "calendar-invite.eml", 1 }, { "alternative.eml", 0 },
	{ "html-only.eml", 0 }, { "dsn-report.eml", 0 },
	{ "dsn-report-rfc822.eml", 0 },
};

static void
test_attachments(void)
{
	const struct att_case *c;
	const struct mime_attachment *a;
	struct fixture fx;
	struct message *m;
	char sha[65];
	size_t i;

	for (i = 0; i < ARRAY_LEN(att_counts); i++) {
		if ((m = load(att_counts[i].file, &fx)) == NULL)
			continue;
		T_INT(m->nattachments, att_counts[i].n, what(att_counts[i].file,
		    "attachment count"));
		unload(&fx);
	}
	for (i = 0; i < ARRAY_LEN(att_cases); i++) {
		c = &att_cases[i];
		if ((m = load(c->file, &fx)) == NULL)
			continue;
		if (!T_OK(c->index < m->nattachments, what(c->file,
		    c->filename))) {
			unload(&fx);
			continue;
		}
		a = &m->attachments[c->index];
		T_STR(a->filename, c->filename, what(c->file, "file name"));
		T_STR(a->content_type, c->content_type, what(c->filename,
		    "content type"));
		T_INT(a->is_inline, c->is_inline, what(c->filename, "inline"));
		T_INT(a->len, c->len, what(c->filename, "size"));
		sha256_hex(a->data, a->len, sha);
		T_STR(a->sha256, sha, what(c->filename, "sha256 of data"));
		if (c->sha256 != NULL)
			T_STR(a->sha256, c->sha256, what(c->filename,
			    "expected sha256"));
		unload(&fx);
	}
}

/* Which text makes the body and how a reply splits. */
static const struct body_case {
	const char	*file;
	int		 from_html;
	const char	*body_has;
	const char	*quoted;	/* exact */
	const char	*signature;	/* exact */
} body_cases[] = {
	{ "html-only.eml", 1, "Licence report\n\nDear customer,\nhere is your "
	  "monthly report & summary.\n\nProduct | Seats\nOffice Suite | 120\n"
	  "VPN client | 45\n\n- Renewal: 1 April\n- Price: 10\xe2\x82\xac per "
	  "seat\n\nSee the portal <https://vendor.example/portal> or write to "
	  "sales@vendor.example.\n\nCaf\xc3\xa9 <3 \xe2\x82\xac \xe2\x98\xba",
	  "", "" },
	{ "html-broken.eml", 1, "Backup job FAILED\n\nServer: fs01\n\nStart | "
	  "02:00\nEnd | 02:07", "", "" },
	{ "alternative.eml", 0, "Safe mode (outlook.exe /safe) works.", "",
	  "" },
	{ "nested-related.eml", 0, "[image: error.png]", "", "" },
	{ "forwarded-rfc822.eml", 0, "Your mailbox is 98% full.",
	  "---------- Forwarded message ----------\nFrom: \"IT Support\" "
	  "<support@phish.example>\nDate: Sun, 17 Mar 2024 23:12:00 +0000\n"
	  "Subject: Your mailbox is almost full\nTo: luc.bernard@client.example"
	  "\n\nYour mailbox is 98% full. Log in at the address below to get "
	  "more space.", "" },
	{ "reply-quoted.eml", 0, "You can close the ticket.", "On Mon, 4 Mar "
	  "2024 at 09:13, Service Desk <help@example.org> wrote:\n> Hello "
	  "Jeanne,\n>\n> Your request has been registered as ticket SD#1042.\n"
	  ">\n> > The printer near the kitchen on floor 3 shows \"Paper jam in "
	  "tray 2\"", "" },
	{ "reply-french.eml", 0, NULL, "Le mar. 5 mars 2024 \xc3\xa0 14:05, "
	  "Service Desk <help@example.org> a \xc3\xa9" "crit :\n\n> Bonjour "
	  "Ren\xc3\xa9" "e,\n>\n> Pouvez-vous red\xc3\xa9marrer le poste ?",
	  "" },
	{ "reply-german.eml", 0, NULL, "Am Mi., 6. M\xc3\xa4rz 2024 um 09:30 "
	  "Uhr schrieb Service Desk <\nhelp@example.org>:\n> Guten Tag,\n"
	  "> bitte starten Sie den Drucker neu.", "" },
	{ "reply-outlook.eml", 0, NULL, "-----Original Message-----\nFrom: "
	  "Service Desk <help@example.org> \nSent: Thursday, March 7, 2024 "
	  "11:20 AM\nTo: Dubois, Marc <marc.dubois@client.example>\nSubject: "
	  "[SD#250] Access to shared drive\n\nHello Marc,\n\nThe access has "
	  "been granted. Please log off and on again.", "" },
	{ "reply-outlook-html.eml", 1, NULL, "From: Service Desk "
	  "<help@example.org>\nSent: Thursday, March 7, 2024 12:00 PM\nTo: "
	  "Dubois, Marc <marc.dubois@client.example>\nSubject: [SD#251] New "
	  "laptop\n\nHello Marc, when can we deliver your laptop?", "" },
	{ "reply-bottom-posted.eml", 0, NULL, "Service Desk wrote:\n> Which "
	  "browser do you use?\n\n> And which version of the portal?",
	  "Alain Roux\nLogistics" },
	{ "signature.eml", 0, NULL, "", "Sophie Laurent\nAccounts payable | "
	  "+33 1 23 45 67 89\nClient Example SA" },
	{ "reply-html-gmail.eml", 1, NULL, "On Mon, 4 Mar 2024 at 11:00, "
	  "Service Desk <help@example.org> wrote:\n> A technician is on the "
	  "way.", "" },
	{ "mobile-signature.eml", 0, NULL, "", "Envoy\xc3\xa9 de mon iPhone" },
	{ "flowed.eml", 0, "This paragraph was written as one long line and "
	  "the mailer wrapped it at about seventy-two characters as RFC 3676 "
	  "allows.\n\nSecond paragraph.", "", "Anne" },
	{ "calendar-invite.eml", 0, "Meeting to review the VPN outage.", "",
	  "" },
	{ "malformed-wrong-boundary.eml", 0, "The text of the message.", "",
	  "" },
};

static const struct { const char *file, *body_new; } new_cases[] = {
	{ "forwarded-rfc822.eml", "Is this message genuine? It asks me to log "
	  "in." },
	{ "reply-quoted.eml", "It works again, a technician came by. You can "
	  "close the ticket.\n\nJeanne" },
	{ "reply-french.eml", "Merci, le red\xc3\xa9marrage a suffi." },
	{ "reply-german.eml", "Der Drucker geht wieder, danke!" },
	{ "reply-outlook.eml", "I still get \"access denied\" on S:\\Finance.\n"
	  "\nMarc Dubois\nFinance department" },
	{ "reply-outlook-html.eml", "Tuesday morning is fine for me." },
	{ "reply-bottom-posted.eml", "Firefox 123.\n\nThe one at "
	  "portal.client.example, I don't know the version." },
	{ "signature.eml", "Hello,\n\nCould I get a second screen for my desk "
	  "(B-204)?\n\nThank you" },
	{ "reply-html-gmail.eml", "Thanks, it is fixed." },
	{ "mobile-signature.eml", "My badge no longer opens the main door." },
};

static void
test_bodies(void)
{
	const struct body_case *c;
	struct fixture fx;
	struct message *m;
	size_t i;

	for (i = 0; i < ARRAY_LEN(body_cases); i++) {
		c = &body_cases[i];
		if ((m = load(c->file, &fx)) == NULL)
			continue;
		T_INT(m->body_from_html, c->from_html, what(c->file,
		    "text from html"));
		if (c->body_has != NULL) {
			T_OK(strstr(m->body, c->body_has) != NULL,
			    what(c->file, "body text"));
			if (strstr(m->body, c->body_has) == NULL)
				printf("#   body: \"%s\"\n", m->body);
		}
		if (c->quoted != NULL)
			T_STR(m->body_quoted, c->quoted, what(c->file,
			    "quoted text"));
		if (c->signature != NULL)
			T_STR(m->body_signature, c->signature, what(c->file,
			    "signature"));
		unload(&fx);
	}
	for (i = 0; i < ARRAY_LEN(new_cases); i++) {
		if ((m = load(new_cases[i].file, &fx)) == NULL)
			continue;
		T_STR(m->body_new, new_cases[i].body_new, what(
		    new_cases[i].file, "new text of the reply"));
		unload(&fx);
	}
}

static const struct dsn_case {
	const char	*file;
	int		 is_dsn;
	const char	*original_id;
	const char	*recipient;
	const char	*status;
} dsn_cases[] = {
	{ "dsn-report.eml", 1, "sd-1042-ack@example.org",
	  "nobody@client.example", "5.1.1" },
	{ "dsn-report-rfc822.eml", 1, "sd-77-update-3@example.org",
	  "slow@client.example", "4.4.1" },
	{ "bounce-qmail.eml", 1, "sd-99-resolved@example.org",
	  "former.employee@client.example", "5.1.1" },
	{ "bounce-exim.eml", 1, "sd-120-ack@example.org", "gone@client.example",
	  NULL },
	{ "auto-reply.eml", 0, NULL, NULL, NULL },
	{ "forwarded-rfc822.eml", 0, NULL, NULL, NULL },
	{ "plain-ascii.eml", 0, NULL, NULL, NULL },
};

static void
test_dsn(void)
{
	const struct dsn_case *c;
	struct fixture fx;
	struct message *m;
	size_t i;

	for (i = 0; i < ARRAY_LEN(dsn_cases); i++) {
		c = &dsn_cases[i];
		if ((m = load(c->file, &fx)) == NULL)
			continue;
		T_INT(m->is_dsn, c->is_dsn, what(c->file, "is a bounce"));
		T_STR(m->dsn_original_id, c->original_id, what(c->file,
		    "returned message id"));
		T_STR(m->dsn_recipient, c->recipient, what(c->file,
		    "failed recipient"));
		T_STR(m->dsn_status, c->status, what(c->file, "status"));
		unload(&fx);
	}
}

static void
test_not_mail(void)
{
	static const char *const files[] = { "malformed-empty.eml",
	    "malformed-binary.eml" };
	struct message *m = (struct message *)&m;
	size_t i, len;
	char *raw;

	for (i = 0; i < ARRAY_LEN(files); i++) {
		raw = fixture_read(files[i], &len);
		T_OK(raw != NULL && mime_parse(raw, len, &m) == -1 && m == NULL,
		    what(files[i], "not mail: -1"));
		free(raw);
	}
	T_INT(mime_parse("", 0, &m), -1, "empty string: -1");
	T_INT(mime_parse(" \r\n\r\n\t", 5, &m), -1, "white space only: -1");
	T_INT(mime_parse(NULL, 0, &m), -1, "NULL: -1");
}

int
main(void)
{
	test_headers();
	test_ids();
	test_attachments();
	test_bodies();
	test_dsn();
	test_not_mail();
	return t_done();
}
