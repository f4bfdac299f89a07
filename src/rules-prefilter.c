/* SPDX-License-Identifier: ISC */
/*
 * rules-prefilter.c - the prefilter of a rule set (re.h): one scanner per
 * field that conditions look at, holding the literals of all their
 * patterns; per message, the literals found in each field, scanned once
 * on first use; and the gate of each rule.
 *
 * Most of a thousand rules look for words a message does not hold.  One
 * pass over each field finds every literal that occurs; the few rules
 * whose gate has one of them in its key are opened, and the walk over the
 * rules skips the others a 64-bit word at a time.  An open rule's
 * conditions are then checked against all their literals, and the answer
 * of a pattern that may match is always PCRE2's.  A field is scanned
 * when the walk first reaches a rule gated on it, so that a `stop` early
 * spares the fields no later rule needed.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "rules-int.h"

/*
 * A field looked at by fewer patterns is not scanned: reading a long body
 * once costs about as much as PCRE2 running two patterns over it (less
 * when they match early, as a greeting does), so the scan would only pay
 * from three on.
 */
#define SCAN_MIN	3

/* The slot of a condition's field, made on first need. */
static int
slot_of(struct rules *rs, const struct rule_cond *c)
{
	struct rule_slot	*sl;
	size_t			 i;

	for (i = 0; i < rs->nslots; i++) {
		sl = &rs->slots[i];
		if (sl->field == c->field && (c->field != FIELD_HEADER ||
		    str_ieq(sl->header, c->header)))
			return (int)i;
	}
	rs->slots = xreallocarray(rs->slots, rs->nslots + 1,
	    sizeof *rs->slots);
	sl = &rs->slots[rs->nslots];
	memset(sl, 0, sizeof *sl);
	sl->field = c->field;
	sl->header = c->header;
	sl->sc = re_scanner_new();
	return (int)rs->nslots++;
}

/* For each literal of each slot, the rules whose gate has it in its key
 * (in rule order). */
static void
keys_build(struct rules *rs)
{
	struct rule_slot	*sl;
	const uint32_t		*key;
	size_t			 i, k, n, nlits;

	for (i = 0; i < rs->nslots; i++) {
		sl = &rs->slots[i];
		nlits = re_scanner_words(sl->sc) * 64;
		sl->key_at = xcalloc(nlits + 1, sizeof *sl->key_at);
	}
	/* Count, then place: key_at[l] ends at the start of l + 1. */
	for (i = 0; i < rs->n; i++) {
		if (rs->gates[i].filter < 0)
			continue;
		sl = &rs->slots[rs->gates[i].slot];
		n = re_scanner_key(sl->sc, rs->gates[i].filter, &key);
		for (k = 0; k < n; k++)
			sl->key_at[key[k] + 1]++;
	}
	for (i = 0; i < rs->nslots; i++) {
		sl = &rs->slots[i];
		nlits = re_scanner_words(sl->sc) * 64;
		for (k = 0; k < nlits; k++)
			sl->key_at[k + 1] += sl->key_at[k];
		sl->key_rules = xcalloc(sl->key_at[nlits] + 1,
		    sizeof *sl->key_rules);
	}
	for (i = 0; i < rs->n; i++) {
		if (rs->gates[i].filter < 0)
			continue;
		sl = &rs->slots[rs->gates[i].slot];
		n = re_scanner_key(sl->sc, rs->gates[i].filter, &key);
		/* A scanner too big to filter has no key: always open. */
		if (n == 0)
			rs->gates[i].filter = -1;
		for (k = 0; k < n; k++)
			sl->key_rules[sl->key_at[key[k]]++] = (uint32_t)i;
	}
	/* Placing moved each start to the next one's: shift back. */
	for (i = 0; i < rs->nslots; i++) {
		sl = &rs->slots[i];
		nlits = re_scanner_words(sl->sc) * 64;
		for (k = nlits; k > 0; k--)
			sl->key_at[k] = sl->key_at[k - 1];
		sl->key_at[0] = 0;
	}
}

/* The sets of rules with a gate, without, and by slot. */
static void
sets_build(struct rules *rs)
{
	size_t		i;
	uint64_t	bit;

	rs->nwords = (rs->n + 63) / 64;
	rs->ungated = xcalloc(rs->nwords + 1, sizeof *rs->ungated);
	rs->gated = xcalloc(rs->nwords + 1, sizeof *rs->gated);
	for (i = 0; i < rs->nslots; i++)
		rs->slots[i].gated = xcalloc(rs->nwords + 1,
		    sizeof *rs->slots[i].gated);
	for (i = 0; i < rs->n; i++) {
		bit = (uint64_t)1 << (i % 64);
		if (rs->gates[i].filter < 0)
			rs->ungated[i / 64] |= bit;
		else {
			rs->gated[i / 64] |= bit;
			rs->slots[rs->gates[i].slot].gated[i / 64] |= bit;
		}
	}
}

void
rules_prefilter_build(struct rules *rs)
{
	struct rule		*r;
	struct rule_cond	*c;
	struct rule_slot	*sl;
	size_t			 i, j;

	rs->gates = xcalloc(rs->n > 0 ? rs->n : 1, sizeof *rs->gates);
	for (i = 0; i < rs->n; i++) {
		r = &rs->v[i];
		for (j = 0; j < r->nconds; j++) {
			c = &r->conds[j];
			c->slot = slot_of(rs, c);
			sl = &rs->slots[c->slot];
			c->filter = re_scanner_add(sl->sc, c->re);
			if (c->filter >= 0)
				sl->npatterns++;
		}
	}
	for (i = 0; i < rs->n; i++) {
		r = &rs->v[i];
		rs->gates[i].slot = rs->gates[i].filter = -1;
		for (j = 0; j < r->nconds; j++) {
			c = &r->conds[j];
			if (rs->slots[c->slot].npatterns < SCAN_MIN)
				c->filter = -1;
			/* A `~` condition that cannot hold rules out the
			 * rule; a `!~` one says nothing then. */
			if (c->filter >= 0 && !c->negated &&
			    rs->gates[i].filter < 0) {
				rs->gates[i].slot = c->slot;
				rs->gates[i].filter = c->filter;
			}
		}
	}
	rs->nhits = 0;
	for (i = 0; i < rs->nslots; i++) {
		sl = &rs->slots[i];
		re_scanner_compile(sl->sc);
		sl->hits_at = rs->nhits;
		if (sl->npatterns >= SCAN_MIN)
			rs->nhits += re_scanner_words(sl->sc);
	}
	keys_build(rs);
	sets_build(rs);
}

void
rules_prefilter_free(struct rules *rs)
{
	size_t	i;

	for (i = 0; i < rs->nslots; i++) {
		re_scanner_free(rs->slots[i].sc);
		free(rs->slots[i].key_at);
		free(rs->slots[i].key_rules);
		free(rs->slots[i].gated);
	}
	free(rs->slots);
	free(rs->gates);
	free(rs->ungated);
	free(rs->gated);
	rs->slots = NULL;
	rs->gates = NULL;
	rs->ungated = rs->gated = NULL;
	rs->nslots = 0;
}

void
rules_hits_init(struct rule_ctx *ctx)
{
	const struct rules	*rs = ctx->rs;
	size_t			 n = rs->nwords + 1;

	/* One allocation: the literals found, the open and pending rules,
	 * then the flags. */
	ctx->hits = xcalloc(1, (rs->nhits + 2 * n) * sizeof *ctx->hits +
	    rs->nslots);
	ctx->open = ctx->hits + rs->nhits;
	ctx->pending = ctx->open + n;
	ctx->scanned = (unsigned char *)(ctx->pending + n);
	memcpy(ctx->open, rs->ungated, n * sizeof *ctx->open);
	memcpy(ctx->pending, rs->gated, n * sizeof *ctx->pending);
}

void
rules_hits_free(struct rule_ctx *ctx)
{
	free(ctx->hits);
	ctx->hits = ctx->open = ctx->pending = NULL;
	ctx->scanned = NULL;
}

struct scan_arg {
	const struct re_scanner	*sc;
	uint64_t		*hits;
};

static int
scan_value(void *arg, const char *value)
{
	struct scan_arg	*sa = arg;

	re_scan(sa->sc, sa->hits, value, strlen(value));
	return 0;
}

/*
 * Scans the values of a slot's field together (a pattern may then match
 * when each of its sets has a literal in one of them), and opens the rules
 * whose key has a literal found; the others gated here stay closed.
 */
static void
scan_slot(struct rule_ctx *ctx, int slot)
{
	const struct rule_slot	*sl = &ctx->rs->slots[slot];
	struct scan_arg		 sa;
	size_t			 w, nwords = re_scanner_words(sl->sc);
	uint32_t		 lit, k, r;
	uint64_t		 bits;

	sa.sc = sl->sc;
	sa.hits = ctx->hits + sl->hits_at;
	rules_field_values(ctx->msg, sl->field, sl->header, scan_value, &sa);
	ctx->scanned[slot] = 1;
	for (w = 0; w < ctx->rs->nwords; w++)
		ctx->pending[w] &= ~sl->gated[w];
	for (w = 0; w < nwords; w++) {
		if ((bits = sa.hits[w]) == 0)
			continue;
		for (lit = (uint32_t)w * 64; bits != 0; lit++, bits >>= 1) {
			if ((bits & 1) == 0)
				continue;
			for (k = sl->key_at[lit]; k < sl->key_at[lit + 1];
			    k++) {
				r = sl->key_rules[k];
				ctx->open[r / 64] |= (uint64_t)1 << (r % 64);
			}
		}
	}
}

int
rules_may_match(struct rule_ctx *ctx, int slot, int filter)
{
	const struct rule_slot	*sl;

	if (filter < 0)
		return 1;
	if (!ctx->scanned[slot])
		scan_slot(ctx, slot);
	sl = &ctx->rs->slots[slot];
	return re_scan_may_match(sl->sc, filter, ctx->hits + sl->hits_at);
}

size_t
rules_next(struct rule_ctx *ctx, size_t i)
{
	const struct rules	*rs = ctx->rs;
	uint64_t		 bits;
	size_t			 w;

	for (;;) {
		if ((w = i / 64) >= rs->nwords)
			return rs->n;
		bits = (ctx->open[w] | ctx->pending[w]) >> (i % 64);
		if (bits == 0) {
			i = (w + 1) * 64;
			continue;
		}
		i += (size_t)__builtin_ctzll(bits);
		if (RULES_BIT(ctx->open, i))
			return i;
		/* Pending: its gate's field is scanned now. */
		scan_slot(ctx, rs->gates[i].slot);
		if (RULES_BIT(ctx->open, i))
			return i;
		i++;
	}
}
