/* SPDX-License-Identifier: ISC */
/*
 * re.h - regular expressions: re.c is the only code that sees pcre2.h;
 * re-lit.c, re-litset.c and re-index.c add a prefilter in front of it.
 *
 * A struct re is one compiled pattern: UTF-8 and Unicode properties
 * always on (PCRE2_UTF | PCRE2_UCP), JIT-compiled when the platform allows
 * it (the interpreter otherwise), its source text and flag letters kept
 * beside it so that logs and traces can show it.  A struct re is immutable
 * once compiled and may be shared by threads.
 *
 * A struct re_match is what one thread needs to run patterns: the match
 * data (capture offsets), the match context carrying the match and depth
 * limits, and a JIT stack when a pattern needs more than the default one.
 * Never share one between threads; make one per evaluation or per thread
 * and reuse it for every pattern.
 *
 * Matching is tri-state: RE_MATCH, RE_NOMATCH, or RE_LIMIT when PCRE2 gave
 * up (match, depth, heap or JIT stack limit, or any other match-time
 * error).  RE_LIMIT must be read as "no match" and logged by the caller,
 * who knows the name of the rule; re_match_error() says what happened.
 *
 * Errors follow guichet.h: functions that can fail return NULL or -1 and
 * hand back an allocated message through `char **cause`.
 */
#ifndef RE_H
#define RE_H

#include <stddef.h>
#include <stdint.h>

enum re_result { RE_NOMATCH = 0, RE_MATCH = 1, RE_LIMIT = 2 };

/* Flags, one per letter a rule file may put after the closing slash. */
#define RE_CASELESS	0x1	/* i */
#define RE_MULTILINE	0x2	/* m */
#define RE_DOTALL	0x4	/* s */
#define RE_EXTENDED	0x8	/* x */

struct re;
struct re_match;

/* The RE_* bit for a flag letter, or 0 when the letter is not a flag. */
int	 re_flag(char letter);

/*
 * Compiles the len bytes at src (no NUL needed) with RE_* flags.  On error
 * returns NULL, sets *erroffset to the byte offset into src where PCRE2
 * stopped and *cause to PCRE2's message.
 */
struct re *re_compile(const char *src, size_t len, int flags,
	    size_t *erroffset, char **cause);
void	 re_free(struct re *);

const char *re_source(const struct re *);	/* as written */
const char *re_flags(const struct re *);	/* letters, e.g. "i" */
int	 re_jitted(const struct re *);		/* 1 when JIT-compiled */
/* Number of capture groups, not counting group 0 (the whole match). */
unsigned int re_ngroups(const struct re *);
/* Name of group i (1..re_ngroups), or NULL when it has none. */
const char *re_group_name(const struct re *, unsigned int i);
/* The first group called name, or 0 when none is. */
unsigned int re_group_index(const struct re *, const char *name);

/*
 * Process-wide switch read by re_compile(): 0 compiles later patterns for
 * the interpreter only.  For benchmarks and for working around a broken
 * JIT; the default is on.
 */
void	 re_set_jit(int on);
/* The same for the prefilter (re_may_match() then always says 1): for
 * benchmarks and tests that compare the answers with it and without. */
void	 re_set_prefilter(int on);

/* A zero limit leaves PCRE2's built-in default. */
struct re_match *re_match_new(unsigned int match_limit,
	    unsigned int depth_limit);
void	 re_match_free(struct re_match *);

/*
 * Runs re over the len bytes at subject (UTF-8; an invalid sequence never
 * matches anything but does not make the match fail).  The subject must
 * stay alive while the groups are read.
 */
enum re_result re_exec(const struct re *, struct re_match *,
	    const char *subject, size_t len);
/*
 * After RE_MATCH: group i (0 = the whole match).  Returns 0 and its span,
 * or -1 when the group did not take part in the match.
 */
int	 re_group(const struct re_match *, unsigned int i, const char **start,
	    size_t *len);
/* After RE_LIMIT: PCRE2's reason, e.g. "match limit exceeded". */
const char *re_match_error(const struct re_match *);

/*
 * A prefilter for texts matched by many patterns (re-lit.c): index a text
 * once, then re_may_match() says in a few nanoseconds whether a pattern
 * can match it at all.  0 is certain (PCRE2 would say no match); 1 means
 * run re_exec().  An index takes about 4 bytes per byte of text (512 at
 * least); one per thread and text.
 */
struct re_index;

struct re_index *re_index_new(void);
void	 re_index_free(struct re_index *);
/* Indexes one text: reset, then add. */
void	 re_index_build(struct re_index *, const char *text, size_t len);
/* Empties the index, sized for texts of len bytes in all. */
void	 re_index_reset(struct re_index *, size_t len);
/* Adds a text; a pattern may then match if it may match one of them. */
void	 re_index_add(struct re_index *, const char *text, size_t len);
int	 re_may_match(const struct re *, const struct re_index *);
/*
 * The prefilter of re in flat form (NULL when it has none), nwords long,
 * for callers that lay out many of them together; test a copy with
 * re_filter_may_match().
 */
const uint32_t *re_filter(const struct re *, size_t *nwords);
int	 re_filter_may_match(const uint32_t *, const struct re_index *);
/* The literals the prefilter looks for, "a|b" ("" when none), for tests
 * and traces; the caller frees. */
char	*re_literals(const struct re *);

#endif
