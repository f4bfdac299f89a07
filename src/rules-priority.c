/* SPDX-License-Identifier: ISC */
/*
 * rules-priority.c - from what the rules said to the fields of a ticket:
 * defaults, and the priority from impact x urgency (the ITIL matrix).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "guichet.h"
#include "rules.h"

/* [impact][urgency], 0 = high, 1 = medium, 2 = low: the ITIL matrix
 * squeezed into four priorities, the same as conf.c's default.  Used
 * without a conf, and for a cell the conf leaves out of range. */
static const int itil_matrix[3][3] = {
	{ 1, 2, 3 },
	{ 2, 3, 3 },
	{ 3, 3, 4 },
};

static int
level(const char *s)
{
	if (s != NULL && strcmp(s, "high") == 0)
		return 0;
	if (s != NULL && strcmp(s, "low") == 0)
		return 2;
	return 1;
}

int
rules_priority(const struct conf *conf, const char *impact,
    const char *urgency)
{
	int	i = level(impact), u = level(urgency), p;

	p = conf != NULL ? conf->priority_matrix[i][u] : 0;
	if (p < 1 || p > 4)
		p = itil_matrix[i][u];
	return p;
}

static void
set_default(char **slot, const char *value)
{
	if (*slot == NULL)
		*slot = xstrdup(value);
}

void
rules_outcome_finish(struct rules_outcome *o, const struct conf *conf)
{
	const char	*lang = "en";

	/* Declaring a major incident makes the ticket one, whatever an
	 * earlier or later `set type` said. */
	if (o->major) {
		free(o->type);
		o->type = xstrdup("major");
	}
	set_default(&o->type, "incident");
	set_default(&o->impact, "medium");
	set_default(&o->urgency, "medium");
	if (!o->priority_set) {
		free(o->priority);
		o->priority = xasprintf("P%d",
		    rules_priority(conf, o->impact, o->urgency));
	}
	if (conf != NULL && conf->language != NULL && *conf->language != '\0')
		lang = conf->language;
	set_default(&o->language, lang);
}
