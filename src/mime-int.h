/* SPDX-License-Identifier: ISC */
/*
 * mime-int.h - what the src/mime*.c files share; only they and
 * tests/unit/test-mime-text.c include it.
 *
 * mime.c drives the parse; mime-header.c and mime-field.c read headers;
 * mime-walk.c visits libetpan's tree, mime-part.c reads each leaf,
 * mime-transfer.c decodes its base64 or quoted-printable, and
 * mime-name.c names attachments; mime-decode.c and mime-charset.c turn
 * bytes into UTF-8 (RFC 2047, RFC 2231, charsets); mime-html.c renders
 * HTML as text; mime-reply.c splits a reply; mime-dsn.c reads delivery
 * reports.  Strings returned here are allocated UTF-8 that the caller
 * frees with free(), never NULL unless said otherwise.
 */
#ifndef MIME_INT_H
#define MIME_INT_H

#include <stddef.h>

#include <libetpan/libetpan.h>

#include "guichet.h"
#include "mime.h"
#include "mime-transfer.h"

/* Limits that keep one hostile message from costing too much. */
#define MIME_MAX_WARNINGS	32	/* lines in message->warnings */
#define MIME_MAX_PARTS		2000	/* MIME parts visited */
#define MIME_MAX_DEPTH		48	/* nesting of parts we follow */
#define MIME_MAX_CTYPES		1000	/* "content-type" strings before we
					 * stop trusting libetpan's recursion */
#define MIME_MAX_TEXT		(4u << 20)	/* bytes of body text */
#define MIME_MAX_ATTACHMENTS	500
#define MIME_MAX_ADDRESSES	1000	/* To + Cc entries kept */
#define MIME_MAX_REFERENCES	100
#define MIME_MAX_FILENAME	200	/* bytes of an attachment name */
#define MIME_MAX_REPARSES	2	/* broken multiparts parsed again */

/* Flags reported by the decoders, turned into warnings by the caller. */
#define MIME_F_BADUTF8	0x01	/* invalid UTF-8 replaced by U+FFFD */
#define MIME_F_NUL	0x02	/* NUL bytes removed */
#define MIME_F_CHARSET	0x04	/* unknown charset, guessed */
#define MIME_F_8BIT	0x08	/* raw 8-bit header that is not UTF-8 */
#define MIME_F_CTL	0x10	/* control characters removed */

/* Flags of the walk. */
#define MIME_WANT_TEXT	0x01	/* this part may give body text */
#define MIME_WANT_ATT	0x02	/* this part may give attachments */
#define MIME_IN_RELATED	0x04	/* parent is multipart/related */

struct mime_ctx {
	struct message	*msg;
	struct buf	 warn;		/* one warning a line */
	unsigned	 nwarn;
	struct buf	 text;		/* the body being built */
	int		 text_html;	/* some of it came from HTML */
	int		 text_cut;	/* MIME_MAX_TEXT reached */
	size_t		 nparts;
	size_t		 attcap;
	int		 reparses;	/* bodies copied to be parsed again */
	char		*inner_msgid;	/* id of the first message/rfc822 */
};

/* mime.c */
void	 mime_warn(struct mime_ctx *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 mime_warn_flags(struct mime_ctx *, unsigned, const char *where);

/* mime-header.c */
/* Reads the top-level headers into ctx->msg, their MIME fields into *mf
 * (NULL when none; the caller frees them); returns the body offset. */
size_t	 mime_top_headers(struct mime_ctx *, const char *, size_t,
	    struct mailmime_fields **mf);
/* The decoded headers of a header block, their count in the return. */
size_t	 mime_headers_read(struct mime_ctx *, const char *, size_t,
	    struct mime_header **, int warn);
void	 mime_headers_free(struct mime_header *, size_t);

/* mime-field.c */
char	*mime_msgid_from(const char *, size_t);	/* NULL when none */
/* Appends the ids of a References-like value, at most max of them. */
void	 mime_msgid_list(const char *, size_t, char ***, size_t *,
	    size_t max);
/* Appends the addresses of a header value; 0 when none. */
int	 mime_addresses(const char *, struct mime_address **, size_t *,
	    size_t *cap);
int	 mime_first_address(const char *, struct mime_address *);
time_t	 mime_date_parse(const char *);	/* 0 when unreadable */

/* mime-walk.c */
void	 mime_walk(struct mime_ctx *, struct mailmime *, int flags,
	    unsigned depth);

/* mime-part.c */
/* "type/subtype" in lower case into out. */
void	 mime_ctype(const struct mailmime_content *, char *out, size_t);
/* The decoded bytes of a single part (mime-transfer.c); *tofree, when
 * not NULL, is a malloc'd buffer that holds them (free() it, or keep
 * it). */
void	 mime_part_bytes(struct mime_ctx *, struct mailmime *,
	    const char **, size_t *, char **tofree);
/* The Content-Disposition of a part, or NULL. */
struct mailmime_disposition *mime_disposition(const struct mailmime *);
/* Whether a part gives body text rather than an attachment. */
int	 mime_part_is_text(const struct mailmime *, const char *ctype);
void	 mime_part_text(struct mime_ctx *, struct mailmime *, int html);
void	 mime_part_attach(struct mime_ctx *, struct mailmime *,
	    const char *ctype, int flags);
void	 mime_text_add(struct mime_ctx *, const char *, size_t);
/* The same with a buffer of text, which it frees (or keeps). */
void	 mime_text_take(struct mime_ctx *, struct buf *);

/* mime-name.c */
/* A safe display name for an attachment, or NULL when nothing is left. */
char	*mime_safe_filename(const char *, int *changed);
/* The safe file name of a part, made up when it has none. */
char	*mime_part_filename(struct mime_ctx *, struct mailmime *,
	    const char *ctype);

/* mime-charset.c */
/* Installs the iconv cache as libetpan's extended_charconv. */
void	 mime_charset_init(void);
/* Bytes in charset cs (NULL: guess) appended to b as UTF-8 text. */
unsigned mime_charset_append(struct buf *b, const char *cs, const char *,
	    size_t);

/* mime-decode.c */
/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
size_t	 mime_utf8_seq(const unsigned char *s, size_t n);
int	 mime_utf8_valid(const char *, size_t);
/* The value of a hex digit, -1 for any other character. */
int	 mime_hexval(int c);
/* Appends valid UTF-8 without NUL; text mode also makes every line end
 * "\n" and drops C0 controls but TAB and FF.  Returns MIME_F_*. */
unsigned mime_utf8_append(struct buf *, const char *, size_t, int text);
/* A header value: unfolded, RFC 2047 decoded, valid UTF-8, trimmed;
 * keep_ctl keeps control characters (for file names, which are cleaned
 * later with a warning). */
char	*mime_header_decode(const char *, size_t, unsigned *flags,
	    int keep_ctl);
/* A Content-Type (disposition = 0, list of mailmime_parameter) or
 * Content-Disposition (disposition = 1, list of mailmime_disposition_parm)
 * parameter with RFC 2231 continuations and charsets resolved; NULL when
 * absent. */
char	*mime_param(clist *, int disposition, const char *name,
	    unsigned *flags);

/* mime-html.c */
char	*mime_html_to_text(const char *, size_t);

/* mime-reply.c */
void	 mime_reply_split(const char *, char **newp, char **quotedp,
	    char **sigp);
/* RFC 3676 format=flowed text to plain lines (in place). */
void	 mime_unflow(struct buf *, int delsp);

/* mime-dsn.c */
void	 mime_dsn_report(struct mime_ctx *, struct mailmime *);
void	 mime_dsn_guess(struct mime_ctx *);

#endif
