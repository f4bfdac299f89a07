/* SPDX-License-Identifier: ISC */
/*
 * mime-transfer.h - the Content-Transfer-Encodings of a MIME part body:
 * base64 and quoted-printable text to the bytes they stand for.
 *
 * Owns: the check that tells damaged base64 from good, the decoding of
 * good base64 with nettle, and a quoted-printable decoder.  Both decoders
 * give exactly the bytes libetpan's mailmime_part_parse() gives (guichet
 * has always stored those): damaged base64 is still left to libetpan's
 * tolerant decoder, and quoted-printable line breaks become CRLF as
 * there.  Results are malloc'd (free()), never NULL, one byte longer than
 * *outlen (a NUL there), and may be handed over as they are.
 */
#ifndef MIME_TRANSFER_H
#define MIME_TRANSFER_H

#include <stddef.h>

/* Whether base64 text looks damaged: a byte that is neither of the
 * alphabet, '=' nor space/TAB/CR/LF, letters after the padding, a length
 * that no encoder makes (a lone sixth of a byte), or wrong padding. */
int	 mime_base64_bad(const char *, size_t);

/* The bytes of base64 text; returns 1 when mime_base64_bad() says it is
 * damaged (then decoded as far as possible, libetpan's way), else 0. */
int	 mime_base64_decode(const char *, size_t, char **out, size_t *outlen);

/* The bytes of quoted-printable text, libetpan's way: soft breaks go,
 * every line break becomes CRLF, "=XY" is a byte even when X or Y is no
 * hex digit (it then counts as 0), and a bad "=" at the very end stays. */
void	 mime_qp_decode(const char *, size_t, char **out, size_t *outlen);

#endif
