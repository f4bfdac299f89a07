/* SPDX-License-Identifier: ISC */
/*
 * imap-int.h - shared by the imap*.c files only: the session structure
 * (the one place outside them that would see libetpan), error recording,
 * and the certificate check in terms of plain DER buffers.
 */
#ifndef IMAP_INT_H
#define IMAP_INT_H

#include <stddef.h>
#include <stdint.h>

#include <libetpan/libetpan.h>

#include "imap.h"

/* Seconds one read or write may stall before the connection counts as
 * dead; a whole FETCH may take longer, as long as bytes flow. */
#define IMAP_TIMEOUT	60

struct imap {
	const struct conf_imap	*mc;
	mailimap		*s;
	char			*sni;		/* NULL: IP literal */
	enum imap_fail		 fail;
	int			 dead;		/* the stream failed */
	int			 idling;
	uint32_t		 uidvalidity;
	int			 cap_idle, cap_move, cap_uidplus;
	int			 warned_expunge;
	int			 inflight;	/* a pipelined command */
};

/*
 * Records a failure of libetpan code r during `what` and returns -1.  A
 * stream failure kills the session and may pass; a NO is classified by
 * its response code (RFC 5530), else as no_default.
 */
int	 imap_fail_r(struct imap *, int r, enum imap_fail no_default,
	    char **cause, const char *what);
/* Records a failure of our own making; takes text. */
int	 imap_fail_text(struct imap *, enum imap_fail, char **cause,
	    char *text);

/* Writes a string to the stream: 0 or -1. */
int	 imap_swrite(mailstream *, const char *);
/* The messages of a FETCH answer (res) that were asked for (uids, sorted),
 * sorted by UID; fr takes res. */
void	 imap_collect(struct imap_fetch_result *fr, clist *res,
	    const uint32_t *uids, size_t n);

struct imap_tls_cert {
	const unsigned char	*der;
	size_t			 len;
};

/*
 * Verifies the chain the server sent (leaf first) against the system
 * trust store plus ca_file (may be "" or NULL), then the leaf against
 * host (a DNS name or an IP address, matched against the SANs).  0, or -1
 * with *cause naming what is wrong and what to do about it.
 */
int	 imap_tls_verify(const struct imap_tls_cert *chain, size_t n,
	    const char *host, const char *ca_file, char **cause);

#endif
