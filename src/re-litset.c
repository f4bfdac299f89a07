/* SPDX-License-Identifier: ISC */
/*
 * re-litset.c - the alphabet of the prefilter (see re-lit.c) and sets of
 * literals: which ones a match requires, their products, and their text
 * for tests and traces.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "re-int.h"

/* Punctuation with a symbol of its own, from 38 on. */
static const char punct[] = "-.@_/:',;!?()[]#&+=$%*<>\"~";
/* The symbol of each ASCII character (re_fold). */
const unsigned char re_fold_table[128] = {
	['a'] = 1, ['A'] = 1, ['b'] = 2, ['B'] = 2, ['c'] = 3, ['C'] = 3,
	['d'] = 4, ['D'] = 4, ['e'] = 5, ['E'] = 5, ['f'] = 6, ['F'] = 6,
	['g'] = 7, ['G'] = 7, ['h'] = 8, ['H'] = 8, ['i'] = 9, ['I'] = 9,
	['j'] = 10, ['J'] = 10, ['k'] = 11, ['K'] = 11,
	['l'] = 12, ['L'] = 12, ['m'] = 13, ['M'] = 13,
	['n'] = 14, ['N'] = 14, ['o'] = 15, ['O'] = 15,
	['p'] = 16, ['P'] = 16, ['q'] = 17, ['Q'] = 17,
	['r'] = 18, ['R'] = 18, ['s'] = 19, ['S'] = 19,
	['t'] = 20, ['T'] = 20, ['u'] = 21, ['U'] = 21,
	['v'] = 22, ['V'] = 22, ['w'] = 23, ['W'] = 23,
	['x'] = 24, ['X'] = 24, ['y'] = 25, ['Y'] = 25,
	['z'] = 26, ['Z'] = 26, ['0'] = 27, ['1'] = 28, ['2'] = 29,
	['3'] = 30, ['4'] = 31, ['5'] = 32, ['6'] = 33, ['7'] = 34,
	['8'] = 35, ['9'] = 36, ['\t'] = 37, ['\n'] = 37, ['\v'] = 37,
	['\f'] = 37, ['\r'] = 37, [' '] = 37, ['-'] = 38, ['.'] = 39,
	['@'] = 40, ['_'] = 41, ['/'] = 42, [':'] = 43, ['\''] = 44,
	[','] = 45, [';'] = 46, ['!'] = 47, ['?'] = 48, ['('] = 49,
	[')'] = 50, ['['] = 51, [']'] = 52, ['#'] = 53, ['&'] = 54,
	['+'] = 55, ['='] = 56, ['$'] = 57, ['%'] = 58, ['*'] = 59,
	['<'] = 60, ['>'] = 61, ['"'] = 62, ['~'] = 63,
};

/* The symbol of an ASCII character; any other byte is RE_SYM_OTHER. */
unsigned char
re_fold(unsigned char c)
{
	return c < 128 ? re_fold_table[c] : RE_SYM_OTHER;
}

/* The character of a symbol, for re_lits_text(); white space shows as _. */
char
re_unfold(unsigned char sym)
{
	if (sym >= 1 && sym <= 26)
		return (char)('a' + sym - 1);
	if (sym >= 27 && sym <= 36)
		return (char)('0' + sym - 27);
	if (sym == 37)
		return '_';
	if (sym >= 38 && sym < 38 + sizeof punct - 1)
		return punct[sym - 38];
	return '?';
}

void
re_strset_free(struct re_strset *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

void
re_lits_free(struct re_lits *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		re_strset_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
re_strset_add(struct re_strset *s, char *str)
{
	s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
	s->v[s->n++] = str;
}

size_t
re_strset_min(const struct re_strset *s)
{
	size_t	i, min = SIZE_MAX, len;

	for (i = 0; i < s->n; i++) {
		if ((len = strlen(s->v[i])) < min)
			min = len;
	}
	return min;
}

/* Adds set (taken over) to the required sets when all its strings are
 * long enough; beyond RE_AND_MAX, the set with the shortest string goes. */
void
re_lits_require(struct re_lits *l, struct re_strset *set)
{
	size_t	i, worst = 0;

	if (set->n == 0 || re_strset_min(set) < RE_LIT_MIN) {
		re_strset_free(set);
		return;
	}
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = *set;
	memset(set, 0, sizeof *set);
	if (l->n <= RE_AND_MAX)
		return;
	for (i = 1; i < l->n; i++) {
		if (re_strset_min(&l->v[i]) < re_strset_min(&l->v[worst]))
			worst = i;
	}
	re_strset_free(&l->v[worst]);
	l->v[worst] = l->v[--l->n];
}

void
re_lits_require_all(struct re_lits *l, struct re_lits *from)
{
	size_t	i;

	for (i = 0; i < from->n; i++)
		re_lits_require(l, &from->v[i]);
	free(from->v);
	memset(from, 0, sizeof *from);
}

/* run = run x suffixes; 0 when that would be too many strings. */
int
re_strset_concat(struct re_strset *run, const struct re_strset *suffixes)
{
	struct re_strset out = { NULL, 0 };
	size_t		 i, j;

	if (run->n * suffixes->n > RE_SET_MAX)
		return 0;
	for (i = 0; i < run->n; i++) {
		for (j = 0; j < suffixes->n; j++)
			re_strset_add(&out, xasprintf("%s%s", run->v[i],
			    suffixes->v[j]));
	}
	re_strset_free(run);
	*run = out;
	return 1;
}

char *
re_lits_text(const struct re_lits *l)
{
	struct buf	 b;
	const char	*p;
	size_t		 i, j;

	buf_init(&b);
	buf_adds(&b, "");
	for (i = 0; i < l->n; i++) {
		buf_adds(&b, i > 0 ? " & " : "");
		for (j = 0; j < l->v[i].n; j++) {
			buf_adds(&b, j > 0 ? "|" : "");
			for (p = l->v[i].v[j]; *p != '\0'; p++)
				buf_addc(&b,
				    re_unfold((unsigned char)(*p - 1)));
		}
	}
	return buf_steal(&b);
}
