/* SPDX-License-Identifier: ISC */
/*
 * re-int.h - shared by re.c, re-lit.c, re-litset.c and re-scan.c: the
 * literals that every match of a pattern must contain, which the scanner
 * of re-scan.c looks for in a text to rule most patterns out without
 * running PCRE2 (see re-lit.c).
 */
#ifndef RE_INT_H
#define RE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "re.h"

/* Symbols (6 bits): 0 for any character not listed, 1-26 for the
 * letters (case folded), 27-36 for the digits, 37 for white space, then
 * common punctuation, one symbol each.  Literals are stored as symbols +
 * 1, so that they are NUL-terminated strings. */
#define RE_SYM_OTHER	0
#define RE_NSYMS	64

/* At least one string of the set occurs in every match. */
struct re_strset {
	char	**v;
	size_t	  n;
};

/* Every set of v holds (an AND of ORs); nothing known when n is 0. */
struct re_lits {
	struct re_strset *v;
	size_t		  n;
};

#define RE_LIT_MIN	3	/* shorter literals rule out too little */
#define RE_SET_MAX	16	/* strings in one set */
#define RE_AND_MAX	4	/* sets required at once */
#define RE_UNION_MAX	64	/* strings in a set from alternatives */

/* re-litset.c: symbols, and sets. */
extern const unsigned char re_fold_table[128];
unsigned char re_fold(unsigned char);
char	 re_unfold(unsigned char);
void	 re_strset_add(struct re_strset *, char *str);	/* takes str */
size_t	 re_strset_min(const struct re_strset *);	/* shortest */
/* run = run x suffixes; 0 (run unchanged) when too many strings. */
int	 re_strset_concat(struct re_strset *run,
	    const struct re_strset *suffixes);
void	 re_strset_free(struct re_strset *);
/* Adds set (taken over) to the required ones when all its strings are
 * long enough, keeping the RE_AND_MAX best. */
void	 re_lits_require(struct re_lits *, struct re_strset *set);
void	 re_lits_require_all(struct re_lits *, struct re_lits *from);
void	 re_lits_free(struct re_lits *);
/* "vpn_wifi|vpn_dns & down": the literals, _ for white space and ? for
 * any character without a symbol of its own. */
char	*re_lits_text(const struct re_lits *);

/* re-lit.c: reads the literals of a pattern PCRE2 has compiled. */
void	 re_lits_read(struct re_lits *, const char *src, size_t len,
	    int flags);

/* re.c: the literals of a compiled pattern (none without prefilter). */
const struct re_lits *re_lits_get(const struct re *);

#endif
