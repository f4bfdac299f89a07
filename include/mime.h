/* SPDX-License-Identifier: ISC */
/*
 * mime.h - raw RFC 5322 bytes to a struct message, with libetpan.
 *
 * Owns: the MIME walk (nested multiparts, message/rfc822), charset
 * conversion to UTF-8, RFC 2047 headers, RFC 2231 file names, QP and base64,
 * HTML to text (libxml2's HTML parser), the split of a reply into new text,
 * quoted history and signature, and delivery status reports (RFC 3464).
 *
 * Never fails on bad mail: whatever cannot be decoded is kept as well as it
 * can be and described in `warnings`.  mime_parse() returns -1 only when
 * the input is not mail at all (empty, or no header line at all and
 * binary).  Every string in a struct message is valid UTF-8 with no NUL,
 * never NULL unless documented; the caller frees the whole message with
 * message_free().  The raw bytes are borrowed, not copied: they must
 * outlive the message.
 */
#ifndef MIME_H
#define MIME_H

#include <stddef.h>
#include <time.h>

struct mime_header {
	char	*name;		/* as written, e.g. "List-Id" */
	char	*value;		/* unfolded, RFC 2047 decoded, trimmed */
};

struct mime_address {
	char	*name;		/* display name, decoded; "" when none */
	char	*addr;		/* local@domain as written; "" when none */
};

struct mime_attachment {
	char	*filename;	/* safe display name: no '/', '\\', control
				 * bytes or leading dots; never "" (a name
				 * like "attachment-2.bin" is made up) */
	char	*content_type;	/* lower case "type/subtype" */
	int	 is_inline;	/* Content-Disposition: inline with an id */
	unsigned char *data;	/* decoded bytes */
	size_t	 len;
	char	 sha256[65];	/* of data, lowercase hex */
};

struct message {
	const char *raw;	/* borrowed */
	size_t	 raw_len;
	char	 sha256[65];	/* of the raw bytes */

	struct mime_header *headers;	/* top-level headers in order */
	size_t	 nheaders;

	char	*message_id;	/* without angle brackets; NULL if none */
	char	*in_reply_to;	/* first id, without brackets; NULL if none */
	char	**references;	/* ids without brackets, oldest first */
	size_t	 nreferences;

	struct mime_address from;	/* first From (or Sender) address */
	struct mime_address *to;
	size_t	 nto;
	struct mime_address *cc;
	size_t	 ncc;
	struct mime_address reply_to;	/* "" fields when absent */

	char	*subject;	/* decoded; "" when absent */
	char	*date;		/* the Date header as written; "" if absent */
	time_t	 date_ts;	/* 0 when absent or unparsable */

	char	*body;		/* whole text of the message, UTF-8 */
	char	*body_new;	/* what the sender wrote this time */
	char	*body_quoted;	/* quoted history ("" when none) */
	char	*body_signature;	/* signature block ("" when none) */
	int	 body_from_html;	/* the text came from an HTML part */

	struct mime_attachment *attachments;
	size_t	 nattachments;

	/* Delivery status report (multipart/report; report-type=
	 * delivery-status), or a bounce recognised by its headers. */
	int	 is_dsn;
	char	*dsn_original_id;	/* Message-ID of the returned mail,
					 * no brackets; NULL if not found */
	char	*dsn_recipient;		/* Final-Recipient address or NULL */
	char	*dsn_status;		/* e.g. "5.1.1", or NULL */

	char	*warnings;	/* one warning per line; NULL when none */

	char	*sender_domain;	/* lower case domain of from.addr, "" when
				 * none; see message_sender_domain() */
};

int	 mime_parse(const char *raw, size_t len, struct message **out);
void	 message_free(struct message *);
/* A thread that parsed mail and ends calls this: it closes the charset
 * converters kept open for it (mime_parse() reopens them if needed). */
void	 mime_thread_end(void);

/* The decoded value of the first header of that name (case-insensitive),
 * or NULL. */
const char *message_header(const struct message *, const char *name);

/* The domain of the From address, lower case, or "" (static to msg). */
const char *message_sender_domain(const struct message *);

/* Decodes one RFC 2047 header value to UTF-8 (caller frees). */
char	*mime_decode_header(const char *value);

#endif
