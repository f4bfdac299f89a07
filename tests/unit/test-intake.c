/* SPDX-License-Identifier: ISC */
/* intake.c: the satisfaction score read from a reply's first line. */
#include "config.h"

#include <stdlib.h>

#include "guichet.h"
#include "intake.h"
#include "t.h"

int
main(void)
{
	static const struct { const char *text; int want; } cases[] = {
		{ "5", 5 }, { "1\n", 1 }, { "4\nMerci, très bien.\n", 4 },
		{ "  3  \r\nok", 3 }, { "\n\n2\n", 2 }, { "5/5", 5 },
		{ "4 / 5\n", 0 }, { "4/5!\n", 4 }, { "5.", 5 },
		{ "0", 0 }, { "6", 0 }, { "10", 0 }, { "45", 0 },
		{ "4 stars", 0 }, { "Still broken", 0 }, { "", 0 },
		{ "> 5\n", 0 }, { "3 -- thanks", 0 },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *what = xasprintf("score of \"%s\"", cases[i].text);
		T_INT(intake_satisfaction_score(cases[i].text), cases[i].want,
		    what);
		free(what);
	}
	return t_done();
}
