/* SPDX-License-Identifier: ISC */
/* Content-addressed attachment files. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attach.h"
#include "guichet.h"
#include "mime.h"

char *
attach_path(const char *dir, const char *sha256)
{
	return xasprintf("%s/%.2s/%s", dir, sha256, sha256);
}

static int
write_all(int fd, const unsigned char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

#ifdef O_TMPFILE
/*
 * An unnamed file in sub, written, then given its name with linkat(): one
 * directory entry made instead of a temporary one and a rename, and
 * nothing to clean up after a crash.  1 when done, 0 when the file system
 * (or a missing /proc) cannot do it or the name is taken, -1 on a write
 * error (errno set).
 */
static int
save_unnamed(const char *sub, const char *path, const void *data, size_t len)
{
	char proc[64];
	int fd, rc, saved;

	fd = open(sub, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0640);
	if (fd == -1 && errno == ENOENT && dir_create(sub) == 0)
		fd = open(sub, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0640);
	if (fd == -1)
		return 0;
	if (write_all(fd, data, len) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	rc = linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0;
	saved = errno;
	if (close(fd) == -1 && rc == 1)
		return -1;
	errno = saved;
	return rc;
}
#endif

int
attach_save(const char *dir, const char *sha256, const void *data,
    size_t len, char **cause)
{
	char *path = attach_path(dir, sha256), *sub, *tmp;
	struct stat sb;
	int fd, rc = -1, saved;

	if (stat(path, &sb) == 0 && (size_t)sb.st_size == len) {
		free(path);
		return 0;
	}
	sub = xasprintf("%s/%.2s", dir, sha256);
#ifdef O_TMPFILE
	if ((rc = save_unnamed(sub, path, data, len)) != 0) {
		if (rc == -1)
			*cause = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		free(sub);
		return rc == 1 ? 0 : -1;
	}
	rc = -1;
#endif
	tmp = xasprintf("%s/.tmp.%ld.%s", sub, (long)getpid(), sha256);
	/* The directory usually exists: create it only when open says so. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd == -1 && errno == ENOENT && dir_create(sub) == 0)
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0640);
	if (fd == -1) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	rc = write_all(fd, data, len);
	saved = errno;
	if (close(fd) == -1 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (rc == -1) {
		unlink(tmp);
		errno = saved;
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	rc = -1;
	if (rename(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(path);
	free(sub);
	free(tmp);
	return rc;
}

int
attach_save_all(const char *dir, const struct mime_attachment *v, size_t n,
    char **cause)
{
	for (size_t i = 0; i < n; i++)
		if (attach_save(dir, v[i].sha256, v[i].data, v[i].len, cause) ==
		    -1)
			return -1;
	return 0;
}
