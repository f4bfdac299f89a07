/* SPDX-License-Identifier: ISC */
/*
 * guichet.h - limits and helpers shared by every module: allocation that
 * never returns NULL (it aborts on exhaustion or overflow), a growable byte
 * buffer, and small string utilities.
 *
 * Error rule of the project: functions return 0 on success and -1 on error,
 * and hand back an allocated message through `char **cause` that the caller
 * frees (after prefixing it with context and logging it).  Where an outside
 * system can fail for a while, functions return enum tri (yes/no/later).
 */
#ifndef GUICHET_H
#define GUICHET_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define GUICHET_VERSION PACKAGE_VERSION

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define GUICHET_DEFAULT_CONFIG SYSCONFDIR "/guichet/guichet.conf"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

enum tri { TRI_NO = 0, TRI_YES = 1, TRI_LATER = 2 };

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* printf into a fresh allocation. */
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list);

/* A growable buffer, always NUL-terminated after any append. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};
void	 buf_init(struct buf *);
/* Makes room for more bytes at once, so that appending them piece by
 * piece does not grow the buffer step by step (data may then be
 * allocated but not yet NUL-terminated: append before reading it). */
void	 buf_reserve(struct buf *, size_t more);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Hands the data to the caller (never NULL) and resets the buffer. */
char	*buf_steal(struct buf *);
void	 buf_free(struct buf *);

/* ASCII case-insensitive helpers (mail headers are ASCII). */
int	 str_ieq(const char *, const char *);
int	 str_iprefix(const char *s, const char *prefix);
/* Trims ASCII white space in place and returns its argument. */
char	*str_trim(char *);
/* Lower-cases ASCII in place and returns its argument. */
char	*str_lower(char *);

/* sha256 of a buffer as 64 lowercase hex digits plus NUL. */
void	 sha256_hex(const void *, size_t, char out[65]);

/* Creates a directory and its parents (mode 0750); 0, or -1 with errno. */
int	 dir_create(const char *path);

/* Reads a whole file; returns 0, or -1 with *cause set. */
int	 file_read(const char *path, char **data, size_t *len, char **cause);

/* Seconds since the epoch, the only clock read outside tests. */
time_t	 clock_now(void);
/* Monotonic seconds, for intervals (progress rates, restart delays). */
double	 clock_mono(void);
/* CPU seconds of the calling thread (for the timings of a run). */
double	 clock_thread_cpu(void);

#endif
