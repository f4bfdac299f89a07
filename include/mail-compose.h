/* SPDX-License-Identifier: ISC */
/*
 * mail-compose.h - builds the RFC 5322 messages the desk sends.
 *
 * Whatever a user controls (a subject, a display name) goes into a header
 * only through here: control characters (CR and LF included) are removed,
 * non-ASCII text is RFC 2047 encoded (UTF-8, Q encoding), display names
 * are quoted or encoded as phrases, addresses are checked, and every
 * header is folded below 78 columns where it can be, and always below
 * 998.  The body is UTF-8 text/plain, 7bit when it is short-lined ASCII,
 * else quoted-printable, with CRLF line ends throughout.
 *
 * Errors: -1 with an allocated *cause (a bad address, no recipient).
 */
#ifndef MAIL_COMPOSE_H
#define MAIL_COMPOSE_H

#include <stddef.h>
#include <time.h>

#include "guichet.h"

struct mail_addr {
	char	*name;		/* display name (UTF-8) or NULL */
	char	*addr;		/* local@domain */
};

struct mail_out {
	struct mail_addr from;
	struct mail_addr reply_to;	/* addr NULL = no Reply-To */
	const struct mail_addr *to;
	size_t	 nto;
	const struct mail_addr *cc;
	size_t	 ncc;
	const char *subject;
	const char *in_reply_to;	/* id without brackets, or NULL */
	char *const *references;	/* ids without brackets, oldest first */
	size_t	 nreferences;
	/* "auto-replied", "auto-generated", or NULL for mail a person wrote */
	const char *auto_submitted;
	const char *loop;	/* X-Loop value (the desk address) */
	const char *language;	/* Content-Language, or NULL */
	const char *body;	/* UTF-8, LF or CRLF line ends */
	time_t	 date;
	const char *domain;	/* right-hand side of the Message-ID */
};

/* Appends the whole message to raw; *msgid gets the new Message-ID
 * without brackets (caller frees).  0, or -1 with *cause. */
int	 mail_compose(const struct mail_out *, struct buf *raw, char **msgid,
	    char **cause);

/* A header value from a user: control characters removed (CR, LF and
 * tabs become spaces), white space runs collapsed, ends trimmed, invalid
 * UTF-8 replaced by '?'.  Caller frees. */
char	*mail_clean(const char *);
/* Whether an address is a plain ASCII local@domain fit for SMTP. */
int	 mail_addr_valid(const char *);
/* "Mon, 02 Jan 2006 15:04:05 +0000" (English names, UTC). */
void	 mail_date(time_t, char out[40]);
/* A new unique Message-ID "hex.time@domain" (no brackets); caller frees. */
char	*mail_message_id(const char *domain, time_t);

/* Appends "Name: value" folded and RFC 2047 encoded as needed (value
 * is unstructured text, cleaned first), with its CRLF. */
void	 mail_header_text(struct buf *, const char *name,
	    const char *value);
/* Appends the body in quoted-printable (CRLF line ends). */
void	 mail_qp_encode(struct buf *, const char *text);

/*
 * Address lists as written by an admin or a template ("A <a@x>, b@y"),
 * parsed with libetpan; display names come back decoded.  Groups give
 * their members.  0, or -1 with *cause.  Free with mail_addrs_free.
 */
int	 mail_parse_addrs(const char *, struct mail_addr **, size_t *,
	    char **cause);
void	 mail_addrs_free(struct mail_addr *, size_t);

#endif
