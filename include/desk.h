/* SPDX-License-Identifier: ISC */
/*
 * desk.h - the running desk: what every stage of the pipeline needs.
 * desk_open() opens the store (checking its schema version) and loads
 * rules and templates; desk_close() frees all of it.  `now` is the
 * desk's clock, set by the caller before each unit of work so that tests
 * can drive time; nothing below the command layer calls time().
 */
#ifndef DESK_H
#define DESK_H

#include <time.h>

struct conf;
struct store;
struct rules;
struct templates;

struct desk {
	const struct conf *conf;
	struct store	*store;
	struct rules	*rules;		/* NULL when no rules directory */
	struct templates *templates;	/* NULL until loaded */
	time_t		 now;
	int		 dry_run;	/* rules test: evaluate, store nothing */
	int		 migration;	/* bulk import of old mail: queue no
					 * notice at all (ingest --maildir,
					 * --mbox without --notify) */
};

/* Opens the store and loads rules and templates.  Returns a sysexits
 * code: 0, EX_CONFIG (bad rules/templates, not initialised), EX_TEMPFAIL
 * (database busy), EX_CANTCREAT ...; prints the reason on stderr. */
int	 desk_open(struct desk *, const struct conf *, int load_rules);
void	 desk_close(struct desk *);

#endif
