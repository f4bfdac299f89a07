/* SPDX-License-Identifier: ISC */
/*
 * re-lit.c - the literals a pattern's matches must contain: the first half
 * of a prefilter that spares PCRE2 the patterns that cannot match.
 *
 * A thousand rules mostly look for words that a given message does not
 * contain, and PCRE2 has to scan a whole text to say so, pattern after
 * pattern.  Instead, each pattern comes with sets of literals: in every
 * match, each set has one of its strings.  The text of a field is read
 * once by an automaton that finds which literals of all the patterns
 * occur in it (re-scan.c).  When a set has no string that occurs, the
 * pattern cannot match and PCRE2 is not run.  Otherwise PCRE2 decides, so
 * the answer is always PCRE2's.
 *
 * The reader below is deliberately small, and gives up (no literals,
 * PCRE2 always runs) on anything it does not fully understand: the x flag,
 * (? groups other than (?: and named ones, \ escapes other than classes,
 * assertions and punctuation, unusual {} forms.  It only reads patterns
 * PCRE2 has compiled.  Where a group is an exact alternation of literal
 * strings, it is expanded, so that /\bvpn (down|lent)\b/ requires
 * "vpn down" or "vpn lent" rather than only "vpn ".
 *
 * Soundness rests on one property: when a literal character of the
 * pattern matches a character of the text, both fold to the same symbol
 * (re_fold(): letters fold their case, every other ASCII character keeps
 * a symbol of its own or shares one with characters it never matches).
 * Under PCRE2_UCP | PCRE2_CASELESS the only characters that match across
 * the ASCII border are U+017F (long s) and U+212A (Kelvin sign), matching
 * 's' and 'k', and folded like them on both sides; every other non-ASCII
 * character folds to RE_SYM_OTHER (tests/unit/test-re.c checks this
 * against every code point).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "re-int.h"

enum quant { Q_NONE, Q_OPTIONAL, Q_REQUIRED, Q_BAIL };

struct lit_reader {
	const char	*p, *end;
	int		 bail;
};

/* What a sequence or an alternation yields: the exact strings it
 * matches, when it is made of literals only, and the sets required. */
struct part {
	struct re_strset exact;
	int		 is_exact;
	struct re_lits	 req;
};

static void
run_reset(struct re_strset *run)
{
	re_strset_free(run);
	re_strset_add(run, xstrdup(""));
}

/* The strings read so far become a required set; a new run starts. */
static void
flush(struct re_strset *run, struct part *p)
{
	re_lits_require(&p->req, run);
	run_reset(run);
	p->is_exact = 0;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A quantifier after an atom, if any; Q_BAIL on a form left unread. */
static enum quant
quant(struct lit_reader *r)
{
	enum quant	 q;
	unsigned long	 min = 0;

	if (r->p >= r->end)
		return Q_NONE;
	switch (*r->p) {
	case '?':
	case '*':
		q = Q_OPTIONAL;
		r->p++;
		break;
	case '+':
		q = Q_REQUIRED;
		r->p++;
		break;
	case '{':
		if (++r->p >= r->end || !is_digit(*r->p))
			return Q_BAIL;
		while (r->p < r->end && is_digit(*r->p) && min < 1000)
			min = min * 10 + (unsigned long)(*r->p++ - '0');
		if (r->p < r->end && *r->p == ',')
			r->p++;
		while (r->p < r->end && is_digit(*r->p))
			r->p++;
		if (r->p >= r->end || *r->p != '}')
			return Q_BAIL;
		r->p++;
		q = min == 0 ? Q_OPTIONAL : Q_REQUIRED;
		break;
	default:
		return Q_NONE;
	}
	/* Lazy and possessive forms require the same. */
	if (r->p < r->end && (*r->p == '?' || *r->p == '+'))
		r->p++;
	return q;
}

static void
skip_class(struct lit_reader *r)
{
	r->p++;
	if (r->p < r->end && *r->p == '^')
		r->p++;
	if (r->p < r->end && *r->p == ']')
		r->p++;
	while (r->p < r->end && *r->p != ']') {
		if (*r->p == '\\') {
			if (r->p + 1 < r->end && r->p[1] == 'Q') {
				r->bail = 1;
				return;
			}
			r->p += 2;
		} else if (r->p[0] == '[' && r->p + 1 < r->end &&
		    r->p[1] == ':') {
			r->p += 2;
			while (r->p + 1 < r->end && !(r->p[0] == ':' &&
			    r->p[1] == ']'))
				r->p++;
			r->p += 2;
		} else
			r->p++;
	}
	if (r->p >= r->end)
		r->bail = 1;
	else
		r->p++;
}

/* After '(': a group that captures or not.  Anything else (lookaround,
 * inline options, atomic, conditions, verbs, comments) gives up. */
static void
group_open(struct lit_reader *r)
{
	const char	*p = r->p;

	if (p < r->end && *p == '*')
		r->bail = 1;
	if (p >= r->end || *p != '?')
		return;
	if (p + 1 < r->end && p[1] == ':') {
		r->p += 2;
		return;
	}
	if (p + 1 < r->end && p[1] == 'P')
		p++;
	if (p + 2 < r->end && (p[1] == '<' || p[1] == '\'') &&
	    p[2] != '=' && p[2] != '!') {
		for (p += 2; p < r->end && *p != '>' && *p != '\''; p++)
			;
		if (p < r->end) {
			r->p = p + 1;
			return;
		}
	}
	r->bail = 1;
}

enum atom { A_LITERAL, A_ASSERT, A_OTHER, A_GROUP };

static struct part alt(struct lit_reader *);

/* A backslash sequence: a literal character (its symbol put in *sym), an
 * assertion, or a class; bails on anything else. */
static enum atom
escape(struct lit_reader *r, unsigned char *sym)
{
	char	c;

	if (r->p + 1 >= r->end) {
		r->bail = 1;
		return A_OTHER;
	}
	c = r->p[1];
	r->p += 2;
	if (strchr("bBAzZG", c) != NULL)
		return A_ASSERT;
	if (strchr("dDwWsShHvVRXnrtfae", c) != NULL)
		return A_OTHER;
	if ((c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
	    (c >= '[' && c <= '`') || (c >= '{' && c <= '~')) {
		*sym = re_fold((unsigned char)c);
		return A_LITERAL;
	}
	r->bail = 1;
	return A_OTHER;
}

/*
 * A non-ASCII character of the pattern: it only matches non-ASCII
 * characters, which the scanner folds to RE_SYM_OTHER, except U+017F and
 * U+212A, which also match (and fold like) 's' and 'k'.
 */
static unsigned char
non_ascii(struct lit_reader *r)
{
	const unsigned char	*p = (const unsigned char *)r->p;
	unsigned char		 sym = RE_SYM_OTHER;

	if (r->end - r->p >= 2 && p[0] == 0xc5 && p[1] == 0xbf)
		sym = re_fold('s');
	else if (r->end - r->p >= 3 && p[0] == 0xe2 && p[1] == 0x84 &&
	    p[2] == 0xaa)
		sym = re_fold('k');
	for (r->p++; r->p < r->end && ((unsigned char)*r->p & 0xc0) == 0x80;
	    r->p++)
		;
	return sym;
}

/* Reads one atom; a literal's symbol goes to *sym, a group's part to *g. */
static enum atom
atom(struct lit_reader *r, unsigned char *sym, struct part *g)
{
	unsigned char	c = (unsigned char)*r->p;

	switch (c) {
	case '(':
		r->p++;
		group_open(r);
		if (r->bail)
			return A_OTHER;
		*g = alt(r);
		if (r->p >= r->end || *r->p != ')')
			r->bail = 1;
		else
			r->p++;
		return A_GROUP;
	case '\\':
		return escape(r, sym);
	case '^':
	case '$':
		r->p++;
		return A_ASSERT;
	case '[':
		skip_class(r);
		return A_OTHER;
	case '.':
		r->p++;
		return A_OTHER;
	case '*':
	case '+':
	case '?':
	case '{':
		r->bail = 1;
		return A_OTHER;
	}
	if (c >= 0x80) {
		*sym = non_ascii(r);
		return A_LITERAL;
	}
	r->p++;
	*sym = re_fold(c);
	return A_LITERAL;
}

/* A group followed by quantifier q, within the sequence being read. */
static void
seq_group(struct part *p, struct re_strset *run, struct part *g,
    enum quant q)
{
	if (q == Q_OPTIONAL) {
		flush(run, p);
	} else if (g->is_exact && re_strset_concat(run, &g->exact)) {
		if (q == Q_REQUIRED)
			flush(run, p);
	} else {
		flush(run, p);
		re_lits_require_all(&p->req, &g->req);
	}
	re_strset_free(&g->exact);
	re_lits_free(&g->req);
}

/* A sequence up to '|', ')' or the end. */
static struct part
seq(struct lit_reader *r)
{
	struct part	 p = { { NULL, 0 }, 1, { NULL, 0 } }, g;
	struct re_strset run = { NULL, 0 };
	enum atom	 a;
	enum quant	 q;
	unsigned char	 sym = 0;
	char		 lit[2] = "";

	run_reset(&run);
	while (!r->bail && r->p < r->end && *r->p != '|' && *r->p != ')') {
		memset(&g, 0, sizeof g);
		a = atom(r, &sym, &g);
		if ((q = quant(r)) == Q_BAIL)
			r->bail = 1;
		if (a == A_GROUP)
			seq_group(&p, &run, &g, q);
		else if (a == A_ASSERT)
			continue;	/* zero width: a run goes on */
		else if (a == A_OTHER || q == Q_OPTIONAL)
			flush(&run, &p);
		else {
			lit[0] = (char)(sym + 1);
			for (size_t i = 0; i < run.n; i++) {
				run.v[i] = xreallocarray(run.v[i],
				    strlen(run.v[i]) + 2, 1);
				strcat(run.v[i], lit);
			}
			if (q == Q_REQUIRED)
				flush(&run, &p);
		}
	}
	if (p.is_exact) {
		/* The whole sequence is literal: it is also required. */
		struct re_strset copy = { NULL, 0 };

		for (size_t i = 0; i < run.n; i++)
			re_strset_add(&copy, xstrdup(run.v[i]));
		re_lits_require(&p.req, &copy);
		p.exact = run;
	} else
		re_lits_require(&p.req, &run);
	return p;
}

/* The best set of a part, taken out of it (none: n is 0). */
static struct re_strset
best_set(struct part *p)
{
	struct re_strset best = { NULL, 0 };
	size_t		 i, k = 0;

	if (p->req.n == 0)
		return best;
	for (i = 1; i < p->req.n; i++) {
		if (re_strset_min(&p->req.v[i]) > re_strset_min(&p->req.v[k]))
			k = i;
	}
	best = p->req.v[k];
	p->req.v[k] = p->req.v[--p->req.n];
	return best;
}

/* Alternatives: any one of them may match, so what is required is the
 * union of one set of each (the best); one alone keeps all its sets. */
static struct part
alt(struct lit_reader *r)
{
	struct part	 all, one;
	struct re_strset u = { NULL, 0 }, b;
	size_t		 i, nalt;
	int		 every = 1;

	memset(&all, 0, sizeof all);
	all.is_exact = 1;
	for (nalt = 0;; nalt++) {
		one = seq(r);
		if (nalt == 0) {
			all.req = one.req;
			memset(&one.req, 0, sizeof one.req);
		} else {
			if (nalt == 1) {
				u = best_set(&all);
				re_lits_free(&all.req);
			}
			b = best_set(&one);
			if (u.n == 0 || b.n == 0)
				every = 0;
			for (i = 0; i < b.n; i++)
				re_strset_add(&u, b.v[i]);
			free(b.v);
		}
		if (!one.is_exact || all.exact.n + one.exact.n > RE_SET_MAX)
			all.is_exact = 0;
		for (i = 0; all.is_exact && i < one.exact.n; i++)
			re_strset_add(&all.exact, xstrdup(one.exact.v[i]));
		re_strset_free(&one.exact);
		re_lits_free(&one.req);
		if (r->bail || r->p >= r->end || *r->p != '|')
			break;
		r->p++;
	}
	/* A long list of words is cheaper left to PCRE2. */
	if (nalt > 0 && every && u.n <= RE_UNION_MAX)
		re_lits_require(&all.req, &u);
	else
		re_strset_free(&u);
	if (!all.is_exact)
		re_strset_free(&all.exact);
	return all;
}

void
re_lits_read(struct re_lits *out, const char *src, size_t len, int flags)
{
	struct lit_reader r = { src, src + len, 0 };
	struct part	 p;

	memset(out, 0, sizeof *out);
	if (flags & RE_EXTENDED)
		return;
	p = alt(&r);
	re_strset_free(&p.exact);
	if (r.bail || r.p != r.end)
		re_lits_free(&p.req);
	*out = p.req;
}
