/* SPDX-License-Identifier: ISC */
/*
 * rules-match.c - one condition of a rule against one message.
 *
 * `~` holds when some value of the field (rules-field.c) matches, `!~`
 * when none does.  A pattern cut short by a limit decides nothing: the
 * condition then does not hold, with ~ as with !~.  Before PCRE2 runs,
 * the prefilter (rules-prefilter.c) says whether the pattern can match at
 * all; its "no" is certain, so the answer is always PCRE2's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "mime.h"
#include "rules-int.h"

struct cond_run {
	const struct rule_cond	*c;
	struct re_match		*m;
	struct rule_captures	*caps;		/* NULL: keep nothing */
	struct rules_trace_cond	*tc;		/* NULL: no trace */
	int			 matched;
	int			 limited;
};

void
rules_captures_clear(struct rule_captures *caps)
{
	size_t	i;

	for (i = 0; i < caps->n; i++)
		free(caps->v[i].value);
	free(caps->v);
	caps->v = NULL;
	caps->n = 0;
}

/* Keeps the named groups of a match for ${name}; the first condition to
 * set a name wins. */
static void
keep_captures(struct cond_run *cr)
{
	const struct re	*re = cr->c->re;
	const char	*name, *s;
	size_t		 len, k;
	unsigned int	 i;

	for (i = 1; i <= re_ngroups(re); i++) {
		if ((name = re_group_name(re, i)) == NULL ||
		    re_group(cr->m, i, &s, &len) == -1)
			continue;
		for (k = 0; k < cr->caps->n; k++) {
			if (strcmp(cr->caps->v[k].name, name) == 0)
				break;
		}
		if (k < cr->caps->n)
			continue;
		cr->caps->v = xreallocarray(cr->caps->v, cr->caps->n + 1,
		    sizeof *cr->caps->v);
		cr->caps->v[cr->caps->n].name = name;
		cr->caps->v[cr->caps->n++].value = xstrndup(s, len);
	}
}

static void
trace_groups(struct cond_run *cr, const char *value)
{
	struct rules_trace_cond	*tc = cr->tc;
	const struct re		*re = cr->c->re;
	const char		*s, *name;
	size_t			 len;
	unsigned int		 i;

	tc->value = xstrdup(value);
	if (re_group(cr->m, 0, &s, &len) == 0)
		tc->match = xstrndup(s, len);
	tc->ngroups = re_ngroups(re);
	tc->groups = xcalloc(tc->ngroups, sizeof *tc->groups);
	for (i = 1; i <= tc->ngroups; i++) {
		tc->groups[i - 1].index = i;
		if ((name = re_group_name(re, i)) != NULL)
			tc->groups[i - 1].name = xstrdup(name);
		if (re_group(cr->m, i, &s, &len) == 0)
			tc->groups[i - 1].value = xstrndup(s, len);
	}
}

/* Tries one value; returns 1 when it matched, which ends the search. */
static int
run_value(void *arg, const char *value)
{
	struct cond_run	*cr = arg;

	switch (re_exec(cr->c->re, cr->m, value, strlen(value))) {
	case RE_MATCH:
		cr->matched = 1;
		/* Groups point into value, which may be a temporary: copy
		 * them now. */
		if (cr->caps != NULL && cr->c->keep && !cr->c->negated)
			keep_captures(cr);
		if (cr->tc != NULL)
			trace_groups(cr, value);
		return 1;
	case RE_LIMIT:
		cr->limited = 1;
		return 0;
	case RE_NOMATCH:
		break;
	}
	return 0;
}

int
rules_cond_test(const struct rule_cond *c, struct rule_ctx *ctx,
    struct rules_trace_cond *tc, int *limit)
{
	struct cond_run	 cr;
	enum re_result	 result;

	memset(&cr, 0, sizeof cr);
	cr.c = c;
	cr.m = ctx->m;
	cr.caps = &ctx->caps;
	cr.tc = tc;
	if (rules_may_match(ctx, c->slot, c->filter))
		rules_field_values(ctx->msg, c->field, c->header, run_value,
		    &cr);
	if (cr.matched)
		result = RE_MATCH;
	else if (cr.limited)
		result = RE_LIMIT;
	else
		result = RE_NOMATCH;
	if (result == RE_LIMIT)
		*limit = 1;
	if (tc != NULL)
		tc->result = result;
	if (c->negated)
		return result == RE_NOMATCH;
	return result == RE_MATCH;
}
