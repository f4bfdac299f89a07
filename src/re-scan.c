/* SPDX-License-Identifier: ISC */
/*
 * re-scan.c - the second half of the prefilter (see re-lit.c): one pass
 * over a text finds which literals of many patterns occur in it; a
 * pattern may then match only when each of its sets of literals has one
 * that occurs.
 *
 * A scanner holds the literals of many patterns (those of one field of a
 * rule set, say) in an Aho-Corasick automaton over the folded symbols of
 * re-litset.c, compiled into a table: reading a character of the text
 * costs one lookup whatever the number of literals, and a thousand
 * patterns are then ruled out by a few bit tests each.  The symbols a
 * text may hold but no literal does share one column of the table (class
 * 0), which keeps the table small.
 *
 * An occurrence found is exact up to folding, so the prefilter says "may
 * match" no more often than the literals allow; and since a character of
 * the text folds like every literal character it can match (re-lit.c),
 * it never says "cannot match" for a text PCRE2 would match.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "re-int.h"

/* Longer literals are cut: a prefix of a literal occurs wherever the
 * literal does, and states keep their depth in a byte. */
#define LIT_KEEP	255
/* Texts at least this long are read in two halves (re_scan()). */
#define SPLIT_MIN	256

struct re_scanner {
	/* The trie of the literals, while patterns are added. */
	uint32_t	(*go)[RE_NSYMS];	/* child by symbol, 0 for none */
	int32_t		*lit;		/* the literal a node ends, or -1 */
	size_t		 nnodes, capnodes;
	uint32_t	 nlits;

	/* The patterns: by id, the offset of its filter in filters, which
	 * holds the number of sets, then for each set its number of
	 * literals and their ids. */
	uint32_t	*filter_at;
	size_t		 npatterns;
	uint32_t	*filters;
	size_t		 nfilters, capfilters;

	/* The automaton (re_scanner_compile()).  A state is named by its
	 * offset in delta (its number times nclasses), so that a step is
	 * one addition and one load; the states that end a literal come
	 * last, from first_out on. */
	int		 compiled;
	int		 too_big;	/* every pattern may match */
	unsigned char	 ascii[128];	/* class of each ASCII character */
	unsigned char	 cls[RE_NSYMS];	/* class of each symbol */
	uint32_t	 nclasses;
	uint32_t	*delta;
	uint32_t	 first_out;
	uint32_t	*out_at;	/* by output state, its literals in outs */
	uint32_t	*outs;
	unsigned char	*depth;		/* by state number: symbols read */
};

struct re_scanner *
re_scanner_new(void)
{
	struct re_scanner	*sc;

	sc = xcalloc(1, sizeof *sc);
	sc->capnodes = 64;
	sc->go = xcalloc(sc->capnodes, sizeof *sc->go);
	sc->lit = xmalloc(sc->capnodes * sizeof *sc->lit);
	sc->lit[0] = -1;
	sc->nnodes = 1;			/* the root */
	return sc;
}

void
re_scanner_free(struct re_scanner *sc)
{
	if (sc == NULL)
		return;
	free(sc->go);
	free(sc->lit);
	free(sc->filter_at);
	free(sc->filters);
	free(sc->delta);
	free(sc->out_at);
	free(sc->outs);
	free(sc->depth);
	free(sc);
}

/* The id of a literal (symbols + 1, NUL-terminated), added to the trie
 * unless it is there already. */
static uint32_t
lit_id(struct re_scanner *sc, const char *str)
{
	uint32_t	node = 0, sym;
	size_t		k;

	for (k = 0; str[k] != '\0' && k < LIT_KEEP; k++) {
		sym = (unsigned char)str[k] - 1;
		if (sc->go[node][sym] == 0) {
			if (sc->nnodes == sc->capnodes) {
				sc->capnodes *= 2;
				sc->go = xreallocarray(sc->go, sc->capnodes,
				    sizeof *sc->go);
				sc->lit = xreallocarray(sc->lit, sc->capnodes,
				    sizeof *sc->lit);
			}
			memset(sc->go[sc->nnodes], 0, sizeof *sc->go);
			sc->lit[sc->nnodes] = -1;
			sc->go[node][sym] = (uint32_t)sc->nnodes++;
		}
		node = sc->go[node][sym];
	}
	if (sc->lit[node] < 0)
		sc->lit[node] = (int32_t)sc->nlits++;
	return (uint32_t)sc->lit[node];
}

static void
filter_push(struct re_scanner *sc, uint32_t word)
{
	if (sc->nfilters == sc->capfilters) {
		sc->capfilters = sc->capfilters * 2 + 64;
		sc->filters = xreallocarray(sc->filters, sc->capfilters,
		    sizeof *sc->filters);
	}
	sc->filters[sc->nfilters++] = word;
}

int
re_scanner_add(struct re_scanner *sc, const struct re *re)
{
	const struct re_lits	*l = re_lits_get(re);
	size_t			 i, j;

	if (sc->compiled)
		abort();
	if (l->n == 0)
		return -1;
	sc->filter_at = xreallocarray(sc->filter_at, sc->npatterns + 1,
	    sizeof *sc->filter_at);
	sc->filter_at[sc->npatterns] = (uint32_t)sc->nfilters;
	filter_push(sc, (uint32_t)l->n);
	for (i = 0; i < l->n; i++) {
		filter_push(sc, (uint32_t)l->v[i].n);
		for (j = 0; j < l->v[i].n; j++)
			filter_push(sc, lit_id(sc, l->v[i].v[j]));
	}
	return (int)sc->npatterns++;
}

size_t
re_scanner_words(const struct re_scanner *sc)
{
	return (sc->nlits + 63) / 64;
}

/* Classes: 0 for the symbols no literal holds, then one per symbol. */
static void
compile_classes(struct re_scanner *sc)
{
	unsigned char	used[RE_NSYMS] = { 0 };
	size_t		i, sym;

	for (i = 0; i < sc->nnodes; i++) {
		for (sym = 0; sym < RE_NSYMS; sym++) {
			if (sc->go[i][sym] != 0)
				used[sym] = 1;
		}
	}
	sc->nclasses = 1;
	for (sym = 0; sym < RE_NSYMS; sym++)
		sc->cls[sym] = used[sym] ? (unsigned char)sc->nclasses++ : 0;
	for (i = 0; i < 128; i++)
		sc->ascii[i] = sc->cls[re_fold_table[i]];
}

/*
 * The automaton, from the trie: in breadth-first order, each node's
 * failure link (the longest proper suffix of its string that is a node),
 * its transitions (to its child, else as its failure link goes), and its
 * outputs (its literal, then those of its failure link).  Then the nodes
 * are renumbered, those with outputs last.
 */
void
re_scanner_compile(struct re_scanner *sc)
{
	uint32_t	*order, *fail, *next, *nout, *renum, *at;
	uint32_t	 K, u, v, c, sym, nplain = 0, head, tail, total = 0;
	size_t		 n = sc->nnodes, i, k;

	if (sc->compiled)
		return;
	sc->compiled = 1;
	if (sc->nlits == 0)
		goto done;
	compile_classes(sc);
	K = sc->nclasses;
	if ((uint64_t)n * K >= UINT32_MAX / 2) {
		sc->too_big = 1;
		goto done;
	}
	order = xcalloc(n, sizeof *order);
	fail = xcalloc(n, sizeof *fail);
	nout = xcalloc(n, sizeof *nout);
	renum = xcalloc(n, sizeof *renum);
	sc->depth = xcalloc(n, 1);
	next = xcalloc(n * K, sizeof *next);	/* by old node numbers */
	order[0] = 0;
	head = 0;
	tail = 1;
	while (head < tail) {
		u = order[head++];
		for (sym = 0; sym < RE_NSYMS; sym++) {
			if ((c = sc->cls[sym]) == 0)
				continue;
			v = sc->go[u][sym];
			if (v != 0) {
				fail[v] = u == 0 ? 0 : next[fail[u] * K + c];
				sc->depth[v] = (unsigned char)(sc->depth[u] +
				    1);
				nout[v] = (sc->lit[v] >= 0) + nout[fail[v]];
				next[u * K + c] = v;
				order[tail++] = v;
			} else
				next[u * K + c] = u == 0 ? 0 :
				    next[fail[u] * K + c];
		}
	}
	/* Plain states first, in breadth-first order (the root is 0). */
	for (i = 0; i < n; i++) {
		if (nout[order[i]] == 0)
			renum[order[i]] = nplain++;
	}
	for (i = 0, k = nplain; i < n; i++) {
		if (nout[order[i]] != 0) {
			renum[order[i]] = (uint32_t)k++;
			total += nout[order[i]];
		}
	}
	sc->first_out = nplain * K;
	sc->delta = xcalloc(n * K, sizeof *sc->delta);
	for (u = 0; u < n; u++) {
		for (c = 0; c < K; c++)
			sc->delta[renum[u] * K + c] = renum[next[u * K + c]] *
			    K;
	}
	/* The outputs, in breadth-first order: a failure link, shallower,
	 * has its list written before the nodes that copy it. */
	sc->out_at = xcalloc(n - nplain + 1, sizeof *sc->out_at);
	sc->outs = xcalloc(total, sizeof *sc->outs);
	at = sc->out_at;
	for (i = 0, k = 0; i < n; i++) {
		u = order[i];
		if (nout[u] == 0)
			continue;
		at[renum[u] - nplain] = (uint32_t)k;
		if (sc->lit[u] >= 0)
			sc->outs[k++] = (uint32_t)sc->lit[u];
		if (nout[fail[u]] != 0) {
			v = renum[fail[u]] - nplain;
			memcpy(sc->outs + k, sc->outs + at[v],
			    nout[fail[u]] * sizeof *sc->outs);
			k += nout[fail[u]];
		}
	}
	at[n - nplain] = (uint32_t)k;
	/* The depth by new number. */
	for (u = 0; u < n; u++)
		order[renum[u]] = sc->depth[u];
	for (u = 0; u < n; u++)
		sc->depth[u] = (unsigned char)order[u];
	free(order);
	free(fail);
	free(nout);
	free(renum);
	free(next);
done:
	free(sc->go);
	sc->go = NULL;
	free(sc->lit);
	sc->lit = NULL;
}

/* The symbol of the non-ASCII character at *sp, which it passes: U+017F
 * and U+212A fold like 's' and 'k' (re-lit.c), any other character, or a
 * stray byte with the continuation bytes after it, is RE_SYM_OTHER. */
static uint32_t
next_symbol(const unsigned char **sp, const unsigned char *e)
{
	const unsigned char	*s = *sp;

	if (e - s >= 2 && s[0] == 0xc5 && s[1] == 0xbf) {
		*sp = s + 2;
		return re_fold('s');
	}
	if (e - s >= 3 && s[0] == 0xe2 && s[1] == 0x84 && s[2] == 0xaa) {
		*sp = s + 3;
		return re_fold('k');
	}
	for (s++; s < e && (*s & 0xc0) == 0x80; s++)
		;
	*sp = s;
	return RE_SYM_OTHER;
}

/* Sets the bits of the literals that end at state s. */
static void
hit(const struct re_scanner *sc, uint64_t *hits, uint32_t s)
{
	uint32_t	i = (s - sc->first_out) / sc->nclasses, k, id;

	for (k = sc->out_at[i]; k < sc->out_at[i + 1]; k++) {
		id = sc->outs[k];
		hits[id >> 6] |= (uint64_t)1 << (id & 63);
	}
}

/* One step: the state after the character at p, which it passes. */
#define STEP(s, p) do {							\
	if (*(p) < 0x80)						\
		(s) = delta[(s) + sc->ascii[*(p)++]];			\
	else								\
		(s) = delta[(s) + sc->cls[next_symbol(&(p), e)]];	\
	if ((s) >= first_out)						\
		hit(sc, hits, (s));					\
} while (0)

/* The first character at or after p: a text read from any character
 * start gives the same symbols as read from its beginning. */
static const unsigned char *
char_start(const unsigned char *p, const unsigned char *e)
{
	while (p < e && (*p & 0xc0) == 0x80)
		p++;
	return p;
}

/*
 * A long text is cut in two halves, each read from the root state, in
 * lockstep: a step has to wait for the load of the one before, and the
 * loads of the two halves overlap (about 1.5 times faster here; four
 * parts were no faster).  Each half finds the literals that start in it:
 * the first reads on past its end (finish()) while its state, whose depth
 * is the longest literal prefix it is in, may still be in one that
 * started before that end.
 */
static void
finish(const struct re_scanner *sc, uint64_t *hits, uint32_t s,
    const unsigned char *p, const unsigned char *e)
{
	const uint32_t	*delta = sc->delta;
	uint32_t	 first_out = sc->first_out;
	unsigned int	 n;

	for (n = 0; p < e && sc->depth[s / sc->nclasses] > n; n++)
		STEP(s, p);
}

void
re_scan(const struct re_scanner *sc, uint64_t *hits, const char *text,
    size_t len)
{
	const unsigned char	*p = (const unsigned char *)text;
	const unsigned char	*e = p + len, *mid;
	const uint32_t		*delta = sc->delta;
	const unsigned char	*p0, *p1;
	uint32_t		 s0 = 0, s1 = 0, first_out = sc->first_out;

	if (delta == NULL)
		return;
	if (len < SPLIT_MIN) {
		while (p < e)
			STEP(s0, p);
		return;
	}
	mid = char_start(p + len / 2, e);
	p0 = p;
	p1 = mid;
	while (p0 < mid && p1 < e) {
		STEP(s0, p0);
		STEP(s1, p1);
	}
	while (p0 < mid)
		STEP(s0, p0);
	while (p1 < e)
		STEP(s1, p1);
	finish(sc, hits, s0, mid, e);
}

size_t
re_scanner_key(const struct re_scanner *sc, int id, const uint32_t **bits)
{
	const uint32_t	*f, *best = NULL;
	uint32_t	 sets, n, nbest = 0;

	*bits = NULL;
	if (id < 0 || sc->too_big)
		return 0;
	f = sc->filters + sc->filter_at[id];
	for (sets = *f++; sets > 0; sets--) {
		n = *f++;
		if (best == NULL || n < nbest) {
			best = f;
			nbest = n;
		}
		f += n;
	}
	*bits = best;
	return nbest;
}

int
re_scan_may_match(const struct re_scanner *sc, int id,
    const uint64_t *hits)
{
	const uint32_t	*f;
	uint32_t	 sets, n, i;

	if (id < 0 || sc->too_big)
		return 1;
	f = sc->filters + sc->filter_at[id];
	for (sets = *f++; sets > 0; sets--) {
		n = *f++;
		for (i = 0; i < n; i++) {
			if ((hits[f[i] >> 6] >> (f[i] & 63)) & 1)
				break;
		}
		if (i == n)
			return 0;
		f += n;
	}
	return 1;
}
