/* SPDX-License-Identifier: ISC */
/*
 * major-int.h - shared by major.c and major-resolve.c only.
 */
#ifndef MAJOR_INT_H
#define MAJOR_INT_H

#include <stdint.h>

struct desk;
struct ticket;

/* Whether a status is resolved or closed. */
int	 major_is_done(const char *status);
/* Whether t is a major incident (type major). */
int	 major_is_parent(const struct ticket *t);
/* Records one event on a ticket at desk->now. */
int	 major_event(struct desk *, int64_t ticket_id, const char *actor,
	    const char *event, const char *field, const char *value,
	    const char *detail, char **cause);

#endif
