/* SPDX-License-Identifier: ISC */
/*
 * smtp.h - submission of finished messages over SMTP with libcurl, the
 * only module that sees CURL.  One struct smtp keeps one easy handle, so
 * that a batch of messages goes over one connection.
 *
 * Security ([smtp] in conf.h): with security tls or starttls, TLS is
 * required (CURLUSESSL_ALL: never a fallback to clear text), and the
 * certificate chain and host name are always verified (system trust, or
 * ca_file).  When a user is configured, a message is sent only over a
 * connection that authenticated: a server that offers no AUTH gets no
 * mail (libcurl alone would send it unauthenticated).  Credentials never
 * reach argv or the logs.
 */
#ifndef SMTP_H
#define SMTP_H

#include <stddef.h>

struct conf;
struct smtp;

enum smtp_result {
	SMTP_SENT,		/* 250 after the data */
	SMTP_TEMPFAIL,		/* 4xx, network, TLS, authentication */
	SMTP_PERMFAIL,		/* 5xx to MAIL, RCPT or the data */
};

struct smtp_reply {
	enum smtp_result result;
	int	 session;	/* the failure is the connection's, not this
				 * message's: the rest of a batch would fail
				 * the same way */
	long	 code;		/* failing reply code, or 0 */
	char	*text;		/* one line: the server's reply or the
				 * client error; NULL when sent (free it) */
};

struct smtp *smtp_new(const struct conf *);
/* Sends data (a whole message, CRLF line ends) from an envelope sender to
 * space-separated recipients. */
void	 smtp_send(struct smtp *, const char *from, const char *rcpts,
	    const char *data, size_t len, struct smtp_reply *);
void	 smtp_free(struct smtp *);

#endif
