/* SPDX-License-Identifier: ISC */
/*
 * attach.h - attachment files, content-addressed under [desk] attachments:
 * DIR/ab/abcdef... (the sha256 of the bytes).  Written as an unnamed file
 * (O_TMPFILE) then linked under its name, or where the file system cannot,
 * to a temporary name then renamed: a crash leaves either nothing or the
 * whole file; a file already there is the same bytes and is not written
 * again.  No fsync: a file is written before the database row that names
 * it is committed, so a crash of the process (kill -9) never leaves a row
 * without its file, and a rerun writes again a file whose row was lost.
 * After a power cut or kernel crash, a file written in the last seconds
 * may be missing or empty while its row (synced by a later checkpoint)
 * was kept: the raw message, kept in the row, still holds its bytes.
 */
#ifndef ATTACH_H
#define ATTACH_H

#include <stddef.h>

/* 0, or -1 with *cause (errno tells a full disk: ENOSPC, EDQUOT). */
int	 attach_save(const char *dir, const char *sha256, const void *data,
	    size_t len, char **cause);
/* Every attachment of a parsed message; stops at the first failure,
 * as attach_save() says it. */
struct mime_attachment;
int	 attach_save_all(const char *dir, const struct mime_attachment *,
	    size_t n, char **cause);
/* The path of a stored attachment (caller frees). */
char	*attach_path(const char *dir, const char *sha256);

#endif
