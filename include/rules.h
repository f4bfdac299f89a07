/* SPDX-License-Identifier: ISC */
/*
 * rules.h - rule files: how incoming mail is classified.  The grammar is
 * documented in guichet-rules(5).
 *
 * Owns: reading every rule file of a directory in name order, every
 * pattern compiled once at load (re.h), all errors collected as
 * "file:line:col: message" lines, evaluation of a struct message (first
 * rule to last, `stop` ends it), the final ticket fields (defaults and the
 * impact x urgency matrix), and reloading without losing the rules in force.
 *
 * Memory: a struct rules owns everything in it; rules_free() releases it.
 * It does not keep the struct conf.  After load only rules_reload() changes
 * it (its stamp), so threads may evaluate the same rules at once.  An
 * outcome and a trace are filled by rules_eval() into storage the caller
 * provides and own copies of every string in them (nothing points into the
 * rules or the message), so they may outlive both; release them with
 * rules_outcome_free() and rules_trace_free().
 *
 * Errors: loaders return 0, or -1 with *errors set to an allocated text of
 * one or more "file:line:col: message" lines (each ending in a newline;
 * "path: message" for a file or directory that cannot be read) that the
 * caller frees.
 */
#ifndef RULES_H
#define RULES_H

#include <stddef.h>

#include "re.h"

struct conf;
struct message;
struct rules;

/* What the rules decided for one message. */
struct rules_outcome {
	/*
	 * The `set` fields, NULL when no rule set them (later rules
	 * override earlier ones).  rules_outcome_finish() then fills in
	 * type, impact, urgency, priority and language, so that after it
	 * only category, queue, assignee and client may still be NULL (the
	 * caller's defaults: the mailbox's queue and client, say).
	 */
	char	*type;		/* incident | request | assistance | major */
	char	*category;
	char	*priority;	/* P1..P4 */
	char	*impact;	/* high | medium | low */
	char	*urgency;	/* high | medium | low */
	char	*queue;
	char	*assignee;
	char	*client;
	char	*language;	/* "fr", "en-GB" */
	int	 priority_set;	/* a rule set the priority directly */

	char	**tags;		/* [A-Za-z0-9._-]+, in order, no duplicates */
	size_t	 ntags;

	int	 major;		/* a rule declared a major incident */
	int	 major_candidate; /* feed the burst detector (major.h) */
	char	*candidate_rule; /* the last rule that said major-candidate */

	char	*reply;		/* template to answer with; NULL = the
				 * plain acknowledgement */
	int	 drop;		/* store no ticket for this message */
	char	*stopped_by;	/* the rule that said stop, or NULL */

	char	**matched;	/* names of the rules that applied, in order */
	size_t	 nmatched;
	size_t	 nlimits;	/* conditions cut short by a match limit */
};

/*
 * An explanation of one evaluation, for `guichet rules test`.  With a trace,
 * every condition of every evaluated rule is tested even after one failed,
 * so that the admin sees them all; the outcome is the same as without.
 */
struct rules_trace_group {
	unsigned int	 index;		/* 1.. */
	char		*name;		/* NULL when the group has no name */
	char		*value;		/* NULL when it took no part */
};

struct rules_trace_cond {
	char		*field;		/* "subject", "header List-Id" */
	int		 negated;	/* !~ */
	char		*pattern;	/* source text, between the slashes */
	char		*flags;		/* "i", "" */
	int		 line, col;
	enum re_result	 result;	/* of the pattern: RE_MATCH when some
					 * value matched, RE_LIMIT when none
					 * did and one hit a limit */
	int		 holds;		/* the condition is true */
	char		*value;		/* the value that matched, or NULL */
	char		*match;		/* the text it matched, or NULL */
	struct rules_trace_group *groups;	/* when result is RE_MATCH */
	size_t		 ngroups;
};

struct rules_trace_action {
	char		*text;		/* "set category network", expanded */
	char		*ignored;	/* why it was not applied, or NULL */
};

struct rules_trace_rule {
	char		*name;
	char		*file;
	int		 line;
	int		 evaluated;	/* 0: an earlier rule said stop */
	int		 matched;	/* every condition held */
	struct rules_trace_cond *conds;
	size_t		 nconds;
	struct rules_trace_action *actions;	/* applied, when matched */
	size_t		 nactions;
};

struct rules_trace {
	struct rules_trace_rule *rules;
	size_t		 nrules;
};

/*
 * Loads every rule file of dir: regular files (or links to them) in byte
 * order of their names, except dotfiles and names ending in "~", ".bak",
 * ".orig", ".rej", ".rpmnew", ".rpmsave", ".swp" or holding ".dpkg-".  The
 * conf
 * gives the match and depth limits (and may be NULL in tests: PCRE2's
 * defaults).  On error nothing is returned: rules are all or nothing.
 */
int	 rules_load(const char *dir, const struct conf *, struct rules **out,
	    char **errors);
/* The same for one file, named in diagnostics exactly as given. */
int	 rules_load_file(const char *path, const struct conf *,
	    struct rules **out, char **errors);
void	 rules_free(struct rules *);

size_t	 rules_count(const struct rules *);	/* rules */
size_t	 rules_nfiles(const struct rules *);	/* files read */

/*
 * For `guichet rules check`: reads dir as rules_load() does, but goes on
 * past errors, and calls check(TEMPLATE, arg) for the `reply TEMPLATE` of
 * every rule that parsed; check returns NULL when the template is fine,
 * else an allocated message (further lines may follow the first) reported
 * at that reply as "file:line:col: message".  Returns the number of error
 * lines, all in *report (NULL when none; caller frees), and counts the
 * files and rules read.
 */
int	 rules_check(const char *dir, const struct conf *,
	    char *(*check)(const char *template, void *arg), void *arg,
	    char **report, size_t *nfiles, size_t *nrules);

/*
 * Runs msg through the rules into *out (which it initialises; release it
 * with rules_outcome_free), and into *trace unless it is NULL.  A pattern
 * that hits a limit counts as a condition that does not hold, whether
 * written with ~ or !~, and is logged with log_warn naming the rule.
 * Returns the number of rules that applied.
 */
int	 rules_eval(const struct rules *, const struct message *msg,
	    struct rules_outcome *out, struct rules_trace *trace);

/*
 * Turns what the rules said into final ticket fields:
 *  - type: as set, else "incident"; "major" whenever a rule said major;
 *  - impact, urgency: as set, else "medium";
 *  - priority: as set directly (priority_set, wins over impact and
 *    urgency whatever the order of the rules), else derived from
 *    impact x urgency through conf->priority_matrix;
 *  - language: as set, else conf->language (else "en").
 * conf may be NULL in tests: the built-in ITIL matrix is used.
 */
void	 rules_outcome_finish(struct rules_outcome *, const struct conf *);

/* P1..P4 as 1..4 for impact x urgency ("high", "medium", "low"; anything
 * else counts as "medium"), through conf's matrix or the built-in one. */
int	 rules_priority(const struct conf *, const char *impact,
	    const char *urgency);

void	 rules_outcome_free(struct rules_outcome *);
void	 rules_trace_free(struct rules_trace *);

/*
 * Reload.  rules_changed() says whether the rule files of dir differ (by
 * name, size, mtime or inode) from those r was loaded from, or from the
 * last failed attempt to reload them; call it between passes.  With no
 * rules (NULL), it says whether dir holds any rule file.
 * rules_reload() loads dir and, on success, frees *current (which may be
 * NULL) and puts the new rules in its place; on failure it keeps *current
 * in force, remembers the files it tried (so rules_changed() stays quiet
 * until they change again) and returns -1 with *errors.
 */
int	 rules_changed(const struct rules *r, const char *dir);
int	 rules_reload(struct rules **current, const char *dir,
	    const struct conf *, char **errors);

#endif
