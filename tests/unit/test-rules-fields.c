/* SPDX-License-Identifier: ISC */
/*
 * test-rules-fields.c - from an outcome to ticket fields: defaults, the
 * impact x urgency matrix (built-in and from the config), a direct
 * priority winning, `major` making the ticket a major incident.
 */
#include "config.h"

#include "conf.h"
#include "t.h"
#include "rules-util.h"

static const struct {
	const char	*impact, *urgency;
	int		 itil;		/* built-in matrix */
	int		 custom;	/* the conf below */
} matrix[] = {
	{ "high", "high", 1, 1 },
	{ "high", "medium", 2, 1 },
	{ "high", "low", 3, 2 },
	{ "medium", "high", 2, 2 },
	{ "medium", "medium", 3, 2 },
	{ "medium", "low", 3, 3 },
	{ "low", "high", 3, 3 },
	{ "low", "medium", 3, 4 },
	{ "low", "low", 4, 4 },
	{ NULL, NULL, 3, 2 },		/* medium x medium */
	{ "bogus", "high", 2, 2 },	/* medium x high */
};

static void
test_matrix(void)
{
	struct conf	conf;
	size_t		i;
	char		what[80];
	static const int custom[3][3] = { { 1, 1, 2 }, { 2, 2, 3 },
	    { 3, 4, 4 } };

	memset(&conf, 0, sizeof conf);
	memcpy(conf.priority_matrix, custom, sizeof custom);
	for (i = 0; i < ARRAY_LEN(matrix); i++) {
		snprintf(what, sizeof what, "%s x %s, ITIL",
		    matrix[i].impact ? matrix[i].impact : "(unset)",
		    matrix[i].urgency ? matrix[i].urgency : "(unset)");
		T_INT(rules_priority(NULL, matrix[i].impact,
		    matrix[i].urgency), matrix[i].itil, what);
		snprintf(what, sizeof what, "%s x %s, config",
		    matrix[i].impact ? matrix[i].impact : "(unset)",
		    matrix[i].urgency ? matrix[i].urgency : "(unset)");
		T_INT(rules_priority(&conf, matrix[i].impact,
		    matrix[i].urgency), matrix[i].custom, what);
	}
	/* A cell out of range falls back to the built-in one. */
	conf.priority_matrix[0][0] = 9;
	T_INT(rules_priority(&conf, "high", "high"), 1, "bad cell: ITIL");
}

static const struct {
	const char	*what;
	const char	*rules;
	const char	*want;		/* after rules_outcome_finish */
} finishes[] = {
	{ "defaults", "rule r\n  tag t\n",
	  "type=incident priority=P3 impact=medium urgency=medium "
	  "language=fr tags=t matched=r" },
	{ "impact x urgency", "rule r\n  set impact high\n  set urgency low\n",
	  "type=incident priority=P3 impact=high urgency=low language=fr "
	  "matched=r" },
	{ "high x high", "rule r\n  set impact high\n  set urgency high\n",
	  "type=incident priority=P1 impact=high urgency=high language=fr "
	  "matched=r" },
	{ "a direct priority wins, even set before",
	  "rule a\n  set priority P4\nrule b\n  set impact high\n"
	  "  set urgency high\n",
	  "type=incident priority=P4 impact=high urgency=high language=fr "
	  "matched=a,b" },
	{ "the last direct priority wins",
	  "rule a\n  set priority P4\nrule b\n  set priority P2\n",
	  "type=incident priority=P2 impact=medium urgency=medium "
	  "language=fr matched=a,b" },
	{ "major makes a major incident",
	  "rule a\n  set type request\n  major\n",
	  "type=major priority=P3 impact=medium urgency=medium language=fr "
	  "major matched=a" },
	{ "type and language as set",
	  "rule a\n  set type assistance\n  set language en-GB\n",
	  "type=assistance priority=P3 impact=medium urgency=medium "
	  "language=en-GB matched=a" },
};

static void
test_finish(void)
{
	struct conf		 conf;
	struct rules		*rs;
	struct rules_outcome	 o;
	struct message		*msg;
	struct tmsg		 t = { .subject = "x" };
	static const int	 itil[3][3] = { { 1, 2, 3 }, { 2, 3, 3 },
	    { 3, 3, 4 } };
	char			*got, lang[] = "fr";
	size_t			 i;

	memset(&conf, 0, sizeof conf);
	memcpy(conf.priority_matrix, itil, sizeof itil);
	conf.language = lang;
	msg = tm_build(&t);
	for (i = 0; i < ARRAY_LEN(finishes); i++) {
		if ((rs = tr_load(finishes[i].rules)) == NULL)
			continue;
		rules_eval(rs, msg, &o, NULL);
		rules_outcome_finish(&o, &conf);
		got = tr_format(&o);
		T_STR(got, finishes[i].want, finishes[i].what);
		free(got);
		rules_outcome_free(&o);
		rules_free(rs);
	}
	rs = tr_load("rule r\n  tag t\n");
	rules_eval(rs, msg, &o, NULL);
	rules_outcome_finish(&o, NULL);
	T_STR(o.language, "en", "no conf: English");
	T_INT(o.priority_set, 0, "derived priority is not 'set'");
	rules_outcome_finish(&o, NULL);
	T_STR(o.priority, "P3", "finishing twice changes nothing");
	rules_outcome_free(&o);
	rules_free(rs);
	tm_free(msg);
}

int
main(void)
{
	test_matrix();
	test_finish();
	return t_done();
}
