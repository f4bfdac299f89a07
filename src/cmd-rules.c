/* SPDX-License-Identifier: ISC */
/*
 * guichet rules check | test FILE.eml [--json]: what an admin runs before
 * deploying rule files.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd-rules.h"
#include "conf.h"
#include "guichet.h"
#include "rules.h"
#include "template.h"

struct reply_check {
	const struct conf *conf;
	char		**seen;		/* templates already found faulty */
	size_t		 nseen;
};

static int
seen_before(struct reply_check *rc, const char *name)
{
	size_t	i;

	for (i = 0; i < rc->nseen; i++) {
		if (strcmp(rc->seen[i], name) == 0)
			return 1;
	}
	rc->seen = xreallocarray(rc->seen, rc->nseen + 1, sizeof *rc->seen);
	rc->seen[rc->nseen++] = xstrdup(name);
	return 0;
}

/*
 * The template hook of `rules check`: a reply template must exist in the
 * default language (other languages fall back to it) and pass the
 * template engine's own check.  Its errors are shown once, under the
 * first rule that uses it.
 */
static char *
check_reply(const char *name, void *arg)
{
	struct reply_check	*rc = arg;
	const struct conf	*conf = rc->conf;
	struct stat		 st;
	char			*path, *errors = NULL, *msg = NULL;
	size_t			 len;

	path = xasprintf("%s/%s/%s", conf->templates_dir, conf->language,
	    name);
	if (stat(path, &st) == -1)
		msg = xasprintf("template '%s' not found: %s: %s", name, path,
		    strerror(errno));
	else if (!S_ISREG(st.st_mode))
		msg = xasprintf("template '%s' not found: %s: not a regular "
		    "file", name, path);
	else if (template_check_file(path, &errors) == -1) {
		len = strlen(errors);
		while (len > 0 && errors[len - 1] == '\n')
			errors[--len] = '\0';
		if (seen_before(rc, name))
			msg = xasprintf("template '%s' has errors (above)",
			    name);
		else
			msg = xasprintf("template '%s' has errors:\n%s", name,
			    errors);
	}
	free(errors);
	free(path);
	return msg;
}

static int
rules_check_exec(const struct conf *conf)
{
	struct reply_check	 rc = { conf, NULL, 0 };
	struct stat		 st;
	char			*report = NULL;
	size_t			 nfiles, nrules, i;
	int			 nerrors;

	/* The daemon runs without rules when the directory is missing;
	 * say so rather than call it an error. */
	if (stat(conf->rules_dir, &st) == -1 && errno == ENOENT) {
		printf("%s: no rules directory: every message gets the "
		    "defaults\n", conf->rules_dir);
		return 0;
	}
	nerrors = rules_check(conf->rules_dir, conf, check_reply, &rc,
	    &report, &nfiles, &nrules);
	for (i = 0; i < rc.nseen; i++)
		free(rc.seen[i]);
	free(rc.seen);
	if (nerrors > 0) {
		fputs(report, stderr);
		free(report);
		return EX_CONFIG;
	}
	printf("%s: %zu rule%s in %zu file%s, all good\n", conf->rules_dir,
	    nrules, nrules == 1 ? "" : "s", nfiles, nfiles == 1 ? "" : "s");
	return 0;
}

static int
rules_exec(int argc, char **argv, const struct conf *conf)
{
	if (argc >= 2 && strcmp(argv[1], "check") == 0) {
		if (argc != 2)
			return cmd_usage(&cmd_rules, 0);
		return rules_check_exec(conf);
	}
	if (argc >= 2 && strcmp(argv[1], "test") == 0)
		return cmd_rules_test(argc - 1, argv + 1, conf);
	return cmd_usage(&cmd_rules, 0);
}

const struct cmd cmd_rules = {
	.name = "rules",
	.summary = "check rule files, or explain how they classify a message",
	.usage = "usage: guichet rules check\n"
	    "       guichet rules test FILE.eml [--json]\n\n"
	    "check  reads every rule file of [desk] rules, prints each error\n"
	    "       as file:line:col: message and checks that every reply\n"
	    "       template exists in [desk] language.  Exits 78 on any "
	    "error.\n"
	    "test   runs the message in FILE.eml through the rules, storing\n"
	    "       nothing, and shows every rule, every condition (matched\n"
	    "       or not, with its captured groups), the actions taken and\n"
	    "       the resulting ticket fields; --json for a program.\n"
	    "       Exits 66 when FILE cannot be read, 65 when it is not "
	    "mail.\n\n"
	    "The rule language is described in guichet-rules(5).\n",
	.needs_conf = 1,
	.exec = rules_exec,
};
