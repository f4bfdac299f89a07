/* SPDX-License-Identifier: ISC */
/*
 * re-index.c - the second half of the prefilter (see re-lit.c): which 3-
 * and 4-symbol substrings a text holds, and whether a pattern's literals
 * can occur in it.
 *
 * The substrings are hashed into a bitmap sized to the text (about 32 bits
 * per character, so that few bits collide): a literal whose substrings are
 * not all there does not occur.  A collision can only let a pattern
 * through to PCRE2, never hide a match.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "re-int.h"

#define BITS_MIN_LOG2	12
#define BITS_MAX_LOG2	21
#define TRIGRAM_TAG	(1u << 24)	/* keeps 3-grams apart from 4-grams */

struct re_index {
	uint64_t	*bits;
	unsigned int	 log2;		/* of the number of bits in use */
	unsigned int	 cap_log2;	/* of the number allocated */
};

struct re_index *
re_index_new(void)
{
	return xcalloc(1, sizeof(struct re_index));
}

void
re_index_free(struct re_index *ix)
{
	if (ix == NULL)
		return;
	free(ix->bits);
	free(ix);
}

#define HASH(gram)	((uint32_t)(gram) * 0x9e3779b1u)
#define HASH2(gram)	((uint32_t)(gram) * 0x85ebca77u)

/* The symbol of the non-ASCII character at *sp, which it passes. */
static uint32_t
next_symbol(const unsigned char **sp, const unsigned char *e)
{
	const unsigned char	*s = *sp;

	if (e - s >= 2 && s[0] == 0xc5 && s[1] == 0xbf) {
		*sp = s + 2;
		return re_fold('s');		/* U+017F matches /s/i */
	}
	if (e - s >= 3 && s[0] == 0xe2 && s[1] == 0x84 && s[2] == 0xaa) {
		*sp = s + 3;
		return re_fold('k');		/* U+212A matches /k/i */
	}
	/* Any other character, or a stray byte. */
	for (s++; s < e && (*s & 0xc0) == 0x80; s++)
		;
	*sp = s;
	return RE_SYM_OTHER;
}

void
re_index_reset(struct re_index *ix, size_t len)
{
	ix->log2 = BITS_MIN_LOG2;
	while (ix->log2 < BITS_MAX_LOG2 && ((size_t)1 << ix->log2) < len * 32)
		ix->log2++;
	if (ix->cap_log2 < ix->log2) {
		free(ix->bits);
		ix->bits = xcalloc((size_t)1 << (ix->log2 - 6),
		    sizeof *ix->bits);
		ix->cap_log2 = ix->log2;
	} else
		memset(ix->bits, 0, ((size_t)1 << (ix->log2 - 6)) *
		    sizeof *ix->bits);
}

/*
 * The 3-gram starting a position and the 4-gram starting there share one
 * 64-bit word, chosen by the 3-gram; each sets one bit in it, chosen by a
 * second hash.  So indexing a character costs one write to memory, and
 * checking a substring reads one word.
 */
#define WORD_OF(tri, shift)	(HASH((tri) | TRIGRAM_TAG) >> (shift))
#define BIT3(tri)		(HASH2((tri) | TRIGRAM_TAG) >> 26)
#define BIT4(gram)		(HASH2(gram) >> 26)

void
re_index_add(struct re_index *ix, const char *text, size_t len)
{
	const unsigned char	*s = (const unsigned char *)text;
	const unsigned char	*e = s + len;
	uint64_t		*bits = ix->bits, mask;
	unsigned int		 shift = 32 - (ix->log2 - 6);
	uint32_t		 gram = 0, sym, tri, prev;
	size_t			 n = 0;

	/* The hot loop of the prefilter: one word written per character,
	 * for the 3-gram ending before it and the 4-gram ending with it. */
	while (s < e) {
		if (*s < 0x80)
			sym = re_fold_table[*s++];
		else
			sym = next_symbol(&s, e);
		gram = (gram << 6 | sym) & 0xffffff;
		if (++n < 4)
			continue;
		prev = gram >> 6;
		mask = (uint64_t)1 << BIT3(prev) | (uint64_t)1 << BIT4(gram);
		bits[WORD_OF(prev, shift)] |= mask;
	}
	if (n >= 3) {
		tri = gram & 0x3ffff;
		bits[WORD_OF(tri, shift)] |= (uint64_t)1 << BIT3(tri);
	}
}

void
re_index_build(struct re_index *ix, const char *text, size_t len)
{
	re_index_reset(ix, len);
	re_index_add(ix, text, len);
}

/* A substring as the filter keeps it: the hash that chooses the word of
 * its first 3 symbols, whose low 6 bits are free for the bit's number. */
#define PACK(tri, bit)	((HASH((tri) | TRIGRAM_TAG) & ~63u) | (bit))

/*
 * The filter of a pattern, flat for speed (the checks of a thousand rules
 * would otherwise chase pointers): the number of sets, then for each set
 * its number of literals, then for each literal its number of hashes and
 * the hashes of its 4-symbol substrings (of its one 3-symbol substring
 * when it has only 3).  NULL when nothing is known.
 */
uint32_t *
re_lits_filter(const struct re_lits *l, size_t *nwords)
{
	uint32_t	*f, gram;
	size_t		 n = 1, i, j, k, len, at;

	*nwords = 0;
	if (l->n == 0)
		return NULL;
	for (i = 0; i < l->n; i++) {
		n++;
		for (j = 0; j < l->v[i].n; j++)
			n += 1 + strlen(l->v[i].v[j]);
	}
	/* Each literal takes at most 1 + its length words. */
	f = xcalloc(n, sizeof *f);
	f[0] = (uint32_t)l->n;
	at = 1;
	for (i = 0; i < l->n; i++) {
		f[at++] = (uint32_t)l->v[i].n;
		for (j = 0; j < l->v[i].n; j++) {
			const char *lit = l->v[i].v[j];

			len = strlen(lit);
			f[at++] = (uint32_t)(len == 3 ? 1 : len - 3);
			gram = 0;
			for (k = 0; k < len; k++) {
				gram = (gram << 6 | (uint32_t)(lit[k] - 1)) &
				    0xffffff;
				if (k >= 3)
					f[at++] = PACK(gram >> 6, BIT4(gram));
			}
			if (len == 3)
				f[at++] = PACK(gram, BIT3(gram));
		}
	}
	*nwords = at;
	return f;
}

int
re_filter_possible(const uint32_t *f, const struct re_index *ix)
{
	const uint32_t	*p = f + 1;
	uint32_t	 sets = f[0], lits, grams, k;
	unsigned int	 shift = 32 - (ix->log2 - 6);
	int		 found;

	while (sets-- > 0) {
		found = 0;
		for (lits = *p++; lits > 0; lits--) {
			grams = *p++;
			for (k = 0; !found && k < grams; k++) {
				if (((ix->bits[p[k] >> shift] >> (p[k] & 63)) &
				    1) == 0)
					break;
			}
			if (!found && k == grams)
				found = 1;
			p += grams;
		}
		if (!found)
			return 0;
	}
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
