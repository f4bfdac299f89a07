/* SPDX-License-Identifier: ISC */
/*
 * re.h - regular expressions: re.c is the only code that sees pcre2.h;
 * re-lit.c, re-litset.c and re-scan.c add a prefilter in front of it.
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
/* The same for the prefilter (patterns compiled then have no literals, so
 * re_scan_may_match() always says 1): for benchmarks and tests that
 * compare the answers with it and without. */
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
 * A prefilter for texts matched by many patterns (re-lit.c, re-scan.c):
 * gather the patterns (those of one field of a rule set, say) in a
 * scanner, compile it once, then scan each text once; the scan sets one
 * bit per literal found, and re_scan_may_match() then says in a few bit
 * tests whether a pattern can match the text at all.  0 is certain
 * (PCRE2 would say no match); 1 means run re_exec().  A scan reads about
 * a character per nanosecond whatever the number of patterns.  A compiled
 * scanner is immutable and may be shared by threads; the bits are the
 * caller's.
 */
struct re_scanner;

struct re_scanner *re_scanner_new(void);
void	 re_scanner_free(struct re_scanner *);
/* Adds the literals of re; returns the id to ask re_scan_may_match()
 * with, or -1 when re has none (it may match anything). */
int	 re_scanner_add(struct re_scanner *, const struct re *);
/* After the last re_scanner_add(), before the first scan. */
void	 re_scanner_compile(struct re_scanner *);
/* The length of the bitset a scan fills, in 64-bit words (0 when no
 * pattern has literals). */
size_t	 re_scanner_words(const struct re_scanner *);
/* Sets in hits (zeroed by the caller, then shared by every text of one
 * field) the bits of the literals that occur in the text. */
void	 re_scan(const struct re_scanner *, uint64_t *hits, const char *text,
	    size_t len);
/*
 * The key of pattern id: the bits in hits (one per literal of the scanner)
 * of its set of literals with the fewest; when none of them is set, the
 * pattern cannot match.  Returns how many; 0 when the pattern has no
 * literals or the scanner does not filter.  For callers that rule out
 * many patterns at once from the few literals found.
 */
size_t	 re_scanner_key(const struct re_scanner *, int id,
	    const uint32_t **bits);
/* 0 when pattern id cannot match any of the texts scanned into hits. */
int	 re_scan_may_match(const struct re_scanner *, int id,
	    const uint64_t *hits);
/* The literals the prefilter looks for, "a|b" ("" when none), for tests
 * and traces; the caller frees. */
char	*re_literals(const struct re *);

#endif
