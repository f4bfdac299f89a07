/* SPDX-License-Identifier: ISC */
/* The log: stderr or syslog, one line per message (see log.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "guichet.h"
#include "log.h"

static const char *log_progname = "guichet";
static enum log_level log_level = LOG_LEVEL_WARN;
static int log_syslog;

void
log_init(const char *progname, enum log_level level)
{
	log_progname = progname;
	log_level = level;
}

void
log_open_syslog(void)
{
	openlog(log_progname, LOG_PID | LOG_NDELAY, LOG_MAIL);
	log_syslog = 1;
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

static void
log_vwrite(enum log_level level, const char *tag, const char *fmt,
    va_list ap)
{
	static const int prio[] = { LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char *msg;

	if (level > log_level)
		return;
	msg = xvasprintf(fmt, ap);
	if (log_syslog)
		syslog(prio[level], "%s", msg);
	else if (tag != NULL)
		fprintf(stderr, "%s: %s: %s\n", log_progname, tag, msg);
	else
		fprintf(stderr, "%s: %s\n", log_progname, msg);
	free(msg);
}

#define LOG_FN(fn, level, tag)						\
void									\
fn(const char *fmt, ...)						\
{									\
	va_list ap;							\
	va_start(ap, fmt);						\
	log_vwrite(level, tag, fmt, ap);				\
	va_end(ap);							\
}

LOG_FN(log_warn, LOG_LEVEL_WARN, "warning")
LOG_FN(log_info, LOG_LEVEL_INFO, NULL)
LOG_FN(log_debug, LOG_LEVEL_DEBUG, "debug")
LOG_FN(log_event, LOG_LEVEL_INFO, NULL)

const char *
log_safe(const char *s)
{
	static _Thread_local char ring[4][208];
	static _Thread_local int next;
	char *out = ring[next++ % 4];
	size_t n = 0;

	if (s == NULL)
		s = "";
	for (; *s != '\0' && n < 200; s++) {
		unsigned char c = (unsigned char)*s;
		out[n++] = (c <= ' ' || c == 0x7f) ? '_' : (char)c;
	}
	out[n] = '\0';
	return out;
}
