/* SPDX-License-Identifier: ISC */
/*
 * conf-int.h - shared by conf.c (sections, defaults, the file) and
 * conf-value.c (one key's value: types, durations, sizes, secrets).
 */
#ifndef CONF_INT_H
#define CONF_INT_H

#include <stddef.h>

#include "conf.h"
#include "guichet.h"

enum key_type { K_STR, K_LOWER, K_INT, K_SIZE, K_DURATION, K_SECURITY,
    K_LIST, K_SECRET_FILE, K_SECRET_ENV, K_SLA, K_PRIO, K_BOOL_SYSLOG };

struct key {
	const char	*name;
	enum key_type	 type;
	size_t		 off;	/* in the section's struct */
	size_t		 off2;	/* K_LIST count, K_SLA resolution array */
};

struct parse {
	struct conf	*conf;
	const char	*path;
	int		 line;
	struct buf	 errors;
	int		 nerrors;
	char		*imap_pw_file;	/* per current imap section */
};

/* Records "file:line: message" (or "file: message" at line 0). */
void	 conf_perr(struct parse *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Stores value v of key k into the section struct at base. */
void	 conf_apply_key(struct parse *, const struct key *, void *base,
	    const char *v);
/* [priority] IMPACT.URGENCY = Pn. */
void	 conf_apply_priority(struct parse *, const char *key, const char *v);

#endif
