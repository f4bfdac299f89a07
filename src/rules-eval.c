/* SPDX-License-Identifier: ISC */
/*
 * rules-eval.c - one message through the rules, first to last: a rule
 * applies when all its conditions hold; its actions then run in order;
 * `stop` ends the walk after the actions of its rule.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "log.h"
#include "rules-int.h"

static void
trace_rule_init(struct rules_trace_rule *tr, const struct rule *r)
{
	const struct rule_cond	*c;
	struct rules_trace_cond	*tc;
	size_t			 j;

	tr->name = xstrdup(r->name);
	tr->file = xstrdup(r->file);
	tr->line = r->line;
	tr->nconds = r->nconds;
	tr->conds = xcalloc(r->nconds, sizeof *tr->conds);
	for (j = 0; j < r->nconds; j++) {
		c = &r->conds[j];
		tc = &tr->conds[j];
		if (c->field == FIELD_HEADER)
			tc->field = xasprintf("header %s", c->header);
		else
			tc->field = xstrdup(rules_field_name(c->field));
		tc->negated = c->negated;
		tc->pattern = xstrdup(re_source(c->re));
		tc->flags = xstrdup(re_flags(c->re));
		tc->line = c->line;
		tc->col = c->col;
	}
}

/* Tests the conditions of r; with a trace, all of them, else up to the
 * first that fails. */
static int
test_conds(const struct rule *r, struct rule_ctx *ctx,
    struct rules_trace_rule *tr, struct rules_outcome *out)
{
	const struct rule_cond	*c;
	struct rules_trace_cond	*tc;
	size_t			 j;
	int			 holds = 1, ok, limit;

	for (j = 0; j < r->nconds && (holds || tr != NULL); j++) {
		c = &r->conds[j];
		tc = tr != NULL ? &tr->conds[j] : NULL;
		limit = 0;
		ok = rules_cond_test(c, ctx, tc, &limit);
		if (limit) {
			out->nlimits++;
			log_warn("%s:%d: rule %s: /%s/%s on %s stopped (%s); "
			    "counted as not holding", r->file, c->line,
			    r->name, log_safe(re_source(c->re)),
			    re_flags(c->re), rules_field_name(c->field),
			    re_match_error(ctx->m));
		}
		if (tc != NULL)
			tc->holds = ok;
		if (!ok)
			holds = 0;
	}
	return holds;
}

/* Runs the actions of a rule that applies; returns 1 for stop. */
static int
run_actions(const struct rule *r, const struct rule_captures *caps,
    struct rules_outcome *out, struct rules_trace_rule *tr)
{
	size_t	j;
	int	stop = 0;

	rules_outcome_add(&out->matched, &out->nmatched, r->name);
	if (tr != NULL) {
		tr->matched = 1;
		tr->nactions = r->nactions;
		tr->actions = xcalloc(r->nactions, sizeof *tr->actions);
	}
	for (j = 0; j < r->nactions; j++) {
		if (rules_action_apply(r, &r->actions[j], caps, out,
		    tr != NULL ? &tr->actions[j] : NULL))
			stop = 1;
	}
	if (stop)
		out->stopped_by = xstrdup(r->name);
	return stop;
}

int
rules_eval(const struct rules *rs, const struct message *msg,
    struct rules_outcome *out, struct rules_trace *trace)
{
	struct rule_ctx		 ctx;
	struct rules_trace_rule	*tr = NULL;
	const struct rule	*r;
	size_t			 i;
	int			 napplied = 0, stopped = 0;

	memset(out, 0, sizeof *out);
	if (trace != NULL) {
		trace->nrules = rs->n;
		trace->rules = xcalloc(rs->n, sizeof *trace->rules);
	}
	memset(&ctx, 0, sizeof ctx);
	ctx.rs = rs;
	ctx.msg = msg;
	ctx.m = re_match_new(rs->match_limit, rs->depth_limit);
	rules_hits_init(&ctx);
	/* Without a trace, only the rules whose gate is open; with one,
	 * every rule, up to a stop. */
	for (i = trace == NULL ? rules_next(&ctx, 0) : 0; i < rs->n;
	    i = trace == NULL ? rules_next(&ctx, i + 1) : i + 1) {
		r = &rs->v[i];
		if (trace != NULL) {
			tr = &trace->rules[i];
			trace_rule_init(tr, r);
			if (stopped)
				continue;
			tr->evaluated = 1;
		}
		if (test_conds(r, &ctx, tr, out)) {
			napplied++;
			stopped = run_actions(r, &ctx.caps, out, tr);
		}
		rules_captures_clear(&ctx.caps);
		if (stopped && trace == NULL)
			break;
	}
	rules_hits_free(&ctx);
	re_match_free(ctx.m);
	return napplied;
}

static void
strv_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
rules_outcome_free(struct rules_outcome *o)
{
	free(o->type);
	free(o->category);
	free(o->priority);
	free(o->impact);
	free(o->urgency);
	free(o->queue);
	free(o->assignee);
	free(o->client);
	free(o->language);
	strv_free(o->tags, o->ntags);
	free(o->candidate_rule);
	free(o->reply);
	free(o->stopped_by);
	strv_free(o->matched, o->nmatched);
	memset(o, 0, sizeof *o);
}

static void
trace_cond_free(struct rules_trace_cond *tc)
{
	size_t	k;

	free(tc->field);
	free(tc->pattern);
	free(tc->flags);
	free(tc->value);
	free(tc->match);
	for (k = 0; k < tc->ngroups; k++) {
		free(tc->groups[k].name);
		free(tc->groups[k].value);
	}
	free(tc->groups);
}

void
rules_trace_free(struct rules_trace *t)
{
	struct rules_trace_rule	*tr;
	size_t			 i, j;

	for (i = 0; i < t->nrules; i++) {
		tr = &t->rules[i];
		free(tr->name);
		free(tr->file);
		for (j = 0; j < tr->nconds; j++)
			trace_cond_free(&tr->conds[j]);
		free(tr->conds);
		for (j = 0; j < tr->nactions; j++) {
			free(tr->actions[j].text);
			free(tr->actions[j].ignored);
		}
		free(tr->actions);
	}
	free(t->rules);
	memset(t, 0, sizeof *t);
}
