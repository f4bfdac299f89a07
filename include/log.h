/* SPDX-License-Identifier: ISC */
/*
 * log.h - the log.  Human messages go through log_warn/info/debug; business
 * events go through log_event as one greppable key=value line each, e.g.
 *     ticket=1042 event=open rule=vpn-down from=<a@b> msgid=<...>
 * Output goes to stderr, or to syslog after log_open_syslog().  Nothing
 * secret may be passed here.
 */
#ifndef LOG_H
#define LOG_H

enum log_level { LOG_LEVEL_WARN = 0, LOG_LEVEL_INFO = 1, LOG_LEVEL_DEBUG = 2 };

void	log_init(const char *progname, enum log_level);
void	log_open_syslog(void);
void	log_set_level(enum log_level);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* One key=value business event, logged at info level. */
void	log_event(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Makes a value safe for a key=value line: no spaces, no control bytes,
 * at most 200 bytes.  Returns a static buffer (one of a few in rotation,
 * per thread). */
const char *log_safe(const char *);

#endif
