/* SPDX-License-Identifier: ISC */
/*
 * attach.h - attachment files, content-addressed under [desk] attachments:
 * DIR/ab/abcdef... (the sha256 of the bytes).  Written to a temporary name
 * and renamed, so a crash leaves either nothing or the whole file; a file
 * already there is the same bytes and is not written again.
 */
#ifndef ATTACH_H
#define ATTACH_H

#include <stddef.h>

/* 0, or -1 with *cause (errno tells a full disk: ENOSPC, EDQUOT). */
int	 attach_save(const char *dir, const char *sha256, const void *data,
	    size_t len, char **cause);
/* The path of a stored attachment (caller frees). */
char	*attach_path(const char *dir, const char *sha256);

#endif
