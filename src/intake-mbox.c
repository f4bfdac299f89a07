/* SPDX-License-Identifier: ISC */
/*
 * mbox reading: messages separated by "From " lines at the start of a
 * line (after a blank line or at the start of the file); ">From " quoting
 * (mboxrd and mboxo) is undone by removing one '>'.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guichet.h"
#include "intake.h"


static int
is_quoted_from(const char *p, const char *end)
{
	while (p < end && *p == '>')
		p++;
	return end - p >= 5 && memcmp(p, "From ", 5) == 0;
}

/* Copies one message without its "From " line, unquoting ">From ". */
static void
unquote(const char *p, const char *end, struct buf *b)
{
	const char *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl ? nl + 1 : end;
		if (*p == '>' && is_quoted_from(p, nl))
			p++;
		buf_add(b, p, (size_t)(nl - p));
		p = nl;
	}
}

static const char *
next_from(const char *p, const char *end)
{
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return end;
		p = nl + 1;
		if (end - p >= 5 && memcmp(p, "From ", 5) == 0)
			return p;
	}
	return end;
}

int
intake_mbox_each(const char *path, int (*fn)(void *, const char *, size_t,
    size_t), void *arg, char **cause)
{
	struct stat sb;
	const char *map, *p, *end, *body, *next;
	struct buf b;
	size_t index = 0;
	int fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (sb.st_size == 0) {
		close(fd);
		return 0;
	}
	map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	end = map + sb.st_size;
	if (sb.st_size < 5 || memcmp(map, "From ", 5) != 0) {
		munmap((void *)map, (size_t)sb.st_size);
		*cause = xasprintf("%s: not an mbox (no \"From \" line first)",
		    path);
		return -1;
	}
	buf_init(&b);
	for (p = map; p < end && rc == 0; p = next) {
		body = memchr(p, '\n', (size_t)(end - p));
		body = body ? body + 1 : end;
		next = next_from(body, end);
		b.len = 0;
		unquote(body, next, &b);
		rc = fn(arg, b.data ? b.data : "", b.len, ++index);
	}
	buf_free(&b);
	munmap((void *)map, (size_t)sb.st_size);
	if (rc != 0)
		*cause = xasprintf("%s: stopped at message %zu", path, index);
	return rc == 0 ? 0 : -1;
}
