/* SPDX-License-Identifier: ISC */
/* Opening the running desk: store, rules, templates. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "conf.h"
#include "desk.h"
#include "guichet.h"
#include "log.h"
#include "rules.h"
#include "store.h"
#include "template.h"

static int
open_store(struct desk *d, const struct conf *conf)
{
	char *cause;
	int temp;

	if (store_open(conf->database, &d->store, &cause) == -1 ||
	    store_check_schema(d->store, &cause) == -1) {
		temp = d->store != NULL && store_temporary(d->store);
		fprintf(stderr, "guichet: %s\n", cause);
		free(cause);
		store_close(d->store);
		d->store = NULL;
		return temp ? EX_TEMPFAIL : EX_CONFIG;
	}
	return 0;
}

static int
load_rules(struct desk *d, const struct conf *conf)
{
	struct stat sb;
	char *errors;

	if (stat(conf->rules_dir, &sb) == -1 && errno == ENOENT) {
		log_info("rules directory %s does not exist: no rules",
		    conf->rules_dir);
		return 0;
	}
	if (rules_load(conf->rules_dir, conf, &d->rules, &errors) == -1) {
		fputs(errors, stderr);
		free(errors);
		return EX_CONFIG;
	}
	return 0;
}

/* Every notice renders from these: a broken template stops the desk here,
 * never blanks a mail at send time (added by the outbound engineer). */
static int
load_templates(struct desk *d, const struct conf *conf)
{
	char *errors;

	if (templates_load(conf->templates_dir, conf->language, &d->templates,
	    &errors) == -1) {
		fputs(errors, stderr);
		free(errors);
		return EX_CONFIG;
	}
	return 0;
}

int
desk_open(struct desk *d, const struct conf *conf, int with_rules)
{
	int rc;

	memset(d, 0, sizeof(*d));
	d->conf = conf;
	d->now = clock_now();
	if ((rc = open_store(d, conf)) != 0)
		return rc;
	if ((rc = load_templates(d, conf)) != 0 ||
	    (with_rules && (rc = load_rules(d, conf)) != 0)) {
		desk_close(d);
		return rc;
	}
	return 0;
}

void
desk_close(struct desk *d)
{
	rules_free(d->rules);
	templates_free(d->templates);
	store_close(d->store);
	memset(d, 0, sizeof(*d));
}
