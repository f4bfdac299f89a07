/* SPDX-License-Identifier: ISC */
/*
 * The part of the intake that needs no store, run by a worker thread
 * ahead of the one that stores: MIME parse and rules.  Classifying here
 * takes the rules (a fifth of the store thread's time with the sample
 * rules) off the busier thread; replies that thread onto a ticket do not
 * need the verdict, which is then simply dropped.
 */
#include "config.h"

#include <stdlib.h>

#include "guichet.h"
#include "intake.h"
#include "mime.h"
#include "rules.h"

void
intake_ahead_run(const struct rules *rs, const struct conf *conf,
    const char *raw, size_t len, struct intake_ahead *a)
{
	a->verdict = NULL;
	if (mime_parse(raw, len, &a->msg) == -1) {
		a->msg = NULL;
		return;
	}
	a->verdict = xmalloc(sizeof(*a->verdict));
	intake_classify(rs, conf, a->msg, a->verdict);
}

void
intake_ahead_free(struct intake_ahead *a)
{
	if (a->verdict != NULL) {
		rules_outcome_free(a->verdict);
		free(a->verdict);
	}
	message_free(a->msg);
	a->msg = NULL;
	a->verdict = NULL;
}
