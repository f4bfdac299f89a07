/* SPDX-License-Identifier: ISC */
/*
 * imap.h - one IMAP session with one mailbox of one [imap] section.
 * libetpan lives behind it: no mailimap type leaves src/imap*.c.
 *
 * Owns: connecting (tls, starttls or none), verifying the server
 * certificate (chain and host name, imap-tls.c) before any credential is
 * sent, LOGIN or AUTHENTICATE PLAIN, capabilities, SELECT, UID SEARCH,
 * batched UID FETCH with BODY.PEEK (nothing gets \Seen by reading), flags,
 * UID MOVE (or COPY, \Deleted and UID EXPUNGE), IDLE, LOGOUT.
 *
 * Errors: 0, or -1 with an allocated *cause; imap_failure() then tells
 * whether the failure may pass (network, server restarting: retry later)
 * or needs the admin (certificate, password, unknown mailbox).  After a
 * network failure the session is dead (imap_alive() is 0): free it and
 * connect again.  Nothing secret is ever put in a cause.
 *
 * Memory: imap_free() releases the session; a struct imap_fetch_result
 * points into libetpan's response and is released with
 * imap_fetch_result_free(); UID arrays are the caller's to free().  The
 * struct conf_imap must outlive the session (see imap_set_conf).
 */
#ifndef IMAP_H
#define IMAP_H

#include <stddef.h>
#include <stdint.h>

struct conf_imap;
struct imap;

enum imap_fail {
	IMAP_FAIL_NONE = 0,
	IMAP_FAIL_TEMP,		/* network, server or database busy */
	IMAP_FAIL_CONFIG,	/* certificate, password, mailbox: the admin */
	IMAP_FAIL_OTHER,	/* neither (a bug, a corrupt database) */
};

/* The keyword set on a message that the desk could not take (a failure
 * that is not temporary): it stays in the mailbox for a human, and is
 * never retried by the pass. */
#define IMAP_KEYWORD_FAILED "$GuichetFailed"

struct imap	*imap_new(const struct conf_imap *);
void		 imap_free(struct imap *);
/* Connects, verifies the certificate, authenticates, reads the
 * capabilities and makes sure done_mailbox exists (CREATE if missing). */
int		 imap_connect(struct imap *, char **cause);
/* SELECT of the configured mailbox. */
int		 imap_select(struct imap *, char **cause);
/* LOGOUT when the connection is alive (errors ignored). */
void		 imap_logout(struct imap *);
/* After a reload that left the connection settings alone. */
void		 imap_set_conf(struct imap *, const struct conf_imap *);

enum imap_fail	 imap_failure(const struct imap *);
int		 imap_alive(const struct imap *);
uint32_t	 imap_uidvalidity(const struct imap *);
int		 imap_has_idle(const struct imap *);
int		 imap_has_move(const struct imap *);

enum imap_search {
	IMAP_SEARCH_ALL,	/* every message in the UID range */
	IMAP_SEARCH_NOT_FAILED,	/* ... without IMAP_KEYWORD_FAILED */
	IMAP_SEARCH_UNSEEN,	/* ... and without \Seen */
	IMAP_SEARCH_FAILED,	/* ... with IMAP_KEYWORD_FAILED */
};
/* UID SEARCH UID first:last (last 0 means "*"); the UIDs come back
 * sorted, unique and inside the range (the server answers "n:*" with the
 * highest UID even when it is below n). */
int	 imap_search(struct imap *, uint32_t first, uint32_t last,
	    enum imap_search, uint32_t **uids, size_t *n, char **cause);

/* UID FETCH (RFC822.SIZE) of the given sorted UIDs: sizes[i] for uids[i],
 * UINT32_MAX for a message that is gone (expunged meanwhile). */
int	 imap_fetch_sizes(struct imap *, const uint32_t *uids, size_t n,
	    uint32_t *sizes, char **cause);

struct imap_msg {
	uint32_t	 uid;
	const char	*data;	/* not NUL-terminated */
	size_t		 len;
};
struct imap_fetch_result {
	struct imap_msg	*msgs;	/* by UID; gone ones missing */
	size_t		 n;
	void		*priv;
};
/* One UID FETCH of BODY.PEEK[] (or BODY.PEEK[HEADER] with header_only)
 * for the given sorted UIDs. */
int	 imap_fetch(struct imap *, const uint32_t *uids, size_t n,
	    int header_only, struct imap_fetch_result *, char **cause);
void	 imap_fetch_result_free(struct imap_fetch_result *);

enum imap_mark { IMAP_MARK_SEEN, IMAP_MARK_FAILED, IMAP_UNMARK_FAILED };
/* UID STORE +FLAGS.SILENT (-FLAGS.SILENT to unmark). */
int	 imap_mark(struct imap *, const uint32_t *uids, size_t n,
	    enum imap_mark, char **cause);
/* To done_mailbox: UID MOVE, or UID COPY + \Deleted + UID EXPUNGE
 * (EXPUNGE without UIDPLUS). */
int	 imap_move(struct imap *, const uint32_t *uids, size_t n,
	    char **cause);

/*
 * Pipelining: the _send half writes the command, the _recv half reads its
 * answer later, so that the server works meanwhile.  At most one command
 * in flight per session; nothing else may be sent before the _recv.
 * imap_done_send() flags \Seen, or moves to done_mailbox (where MOVE is
 * missing it does the whole COPY + EXPUNGE at once, and _recv has nothing
 * to read).
 */
int	 imap_fetch_send(struct imap *, const uint32_t *uids, size_t n,
	    char **cause);
int	 imap_fetch_recv(struct imap *, const uint32_t *uids, size_t n,
	    struct imap_fetch_result *, char **cause);
int	 imap_done_send(struct imap *, const uint32_t *uids, size_t n,
	    char **cause);
int	 imap_done_recv(struct imap *, char **cause);
int	 imap_inflight(const struct imap *);

/* IDLE: start, wait on the descriptor (readable on any server line; first
 * check imap_idle_buffered(), data the library has already read), done.
 * *pending: the server said something as IDLE began (new mail, say): end
 * IDLE without waiting.  *woken tells whether it announced new mail
 * (EXISTS) while idling. */
int	 imap_idle_start(struct imap *, int *pending, char **cause);
int	 imap_idle_fd(const struct imap *);
/* Whether the server announced a new message count (EXISTS) since the
 * last call: mail that came during a pass, after its UID SEARCH, is
 * announced once and never again in IDLE. */
int	 imap_exists_take(struct imap *);
int	 imap_idle_buffered(const struct imap *);
int	 imap_idle_done(struct imap *, int *woken, char **cause);

/* Helpers, exposed for the unit tests. */
struct imap_range {
	uint32_t	 first, last;
};
/* Sorted UIDs to ranges (duplicates folded); out has room for n. */
size_t	 imap_ranges(const uint32_t *uids, size_t n,
	    struct imap_range *out);
/* "1:3,5,9:12" (for logs and tests); the caller frees. */
char	*imap_uidset_string(const uint32_t *uids, size_t n);
/* Standard base64 (RFC 4648) of a buffer; the caller frees. */
char	*imap_base64(const void *, size_t);

#endif
