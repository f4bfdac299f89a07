/* SPDX-License-Identifier: ISC */
/* guichet templates check [DIR] | show NAME [--lang L] | vars. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "guichet.h"
#include "template.h"

static int
check(const struct conf *conf, int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : conf->templates_dir;
	struct templates *ts;
	char *errors;
	size_t nl;

	if (argc > 2)
		return cmd_usage(&cmd_templates, 0);
	if (templates_load(dir, conf->language, &ts, &errors) == -1) {
		fputs(errors, stderr);
		free(errors);
		return EX_CONFIG;
	}
	nl = templates_nlangs(ts);
	printf("%s: %zu template%s in %zu language%s (default %s), all "
	    "good\n", dir, templates_count(ts),
	    templates_count(ts) == 1 ? "" : "s", nl, nl == 1 ? "" : "s",
	    templates_default_lang(ts));
	/* Not errors: what each other language takes from the default. */
	for (size_t i = 0; i < nl; i++) {
		const char *lang = templates_lang(ts, i);
		if (strcmp(lang, templates_default_lang(ts)) == 0)
			continue;
		for (size_t j = 0; templates_required[j] != NULL; j++)
			if (!templates_has(ts, lang, templates_required[j]))
				printf("note: %s/%s/%s missing: %s is used\n",
				    dir, lang, templates_required[j],
				    templates_default_lang(ts));
	}
	templates_free(ts);
	return 0;
}

/* Sample values, so that an admin sees a template as a requester would. */
static void
sample(struct tvars *tv, const struct conf *c)
{
	static const char *const v[][2] = {
		{ "ticket.id", "1042" }, { "ticket.subject", "VPN down" },
		{ "ticket.status", "open" }, { "ticket.old_status", "new" },
		{ "ticket.priority", "P2" }, { "ticket.type", "incident" },
		{ "ticket.category", "network" }, { "ticket.queue", "network" },
		{ "ticket.assignee", "alice" }, { "ticket.channel", "email" },
		{ "ticket.created", "2024-03-04 09:15 UTC" },
		{ "status.open", "1" }, { "type.incident", "1" },
		{ "requester.name", "Jeanne Martin" },
		{ "requester.address", "jeanne.martin@example.org" },
		{ "recipient.name", "Jeanne Martin" },
		{ "recipient.address", "jeanne.martin@example.org" },
		{ "agent.name", "alice" },
		{ "agent.address", "alice@example.org" },
		{ "message.body", "The VPN drops every five minutes." },
		{ "message.subject", "VPN down" },
		{ "message.from", "jeanne.martin@example.org" },
		{ "major.ref", "SD#1040" }, { "major.id", "1040" },
		{ "major.subject", "Network outage, building B" },
		{ "sla.kind", "resolution" }, { "sla.resolution", "1" },
		{ "sla.due", "2024-03-04 17:15 UTC" }, { "sla.target", "8h" },
		{ "supplier.name", "vendor-x" },
		{ "supplier.address", "support@vendor-x.example" },
	};
	char *ref = xasprintf("%s#1042", c->ref_prefix);

	for (size_t i = 0; i < ARRAY_LEN(v); i++)
		tvars_set(tv, v[i][0], v[i][1]);
	tvars_set(tv, "ticket.ref", ref);
	tvars_set(tv, "desk.name", c->desk_name);
	tvars_set(tv, "desk.address", c->desk_address);
	free(ref);
}

static int
show(const struct conf *conf, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *lang = NULL;
	struct templates *ts;
	struct rendered r;
	struct tvars *tv;
	char *errors;
	int ch, rc = 0;

	optind = 0;	/* glibc: reinitialise, permute again */
	while ((ch = getopt_long(argc, argv, "l:", opts, NULL)) != -1) {
		if (ch != 'l')
			return cmd_usage(&cmd_templates, 0);
		lang = optarg;
	}
	if (optind + 1 != argc)
		return cmd_usage(&cmd_templates, 0);
	if (templates_load(conf->templates_dir, conf->language, &ts,
	    &errors) == -1) {
		fputs(errors, stderr);
		free(errors);
		return EX_CONFIG;
	}
	tv = tvars_new();
	sample(tv, conf);
	if (template_render(ts, lang, argv[optind], tv, &r, &errors) == -1) {
		fprintf(stderr, "guichet templates show: %s\n", errors);
		free(errors);
		rc = EX_DATAERR;
	} else {
		printf("# %s (%s)\n", r.path, r.lang);
		if (*r.to != '\0')
			printf("To: %s\n", r.to);
		if (*r.cc != '\0')
			printf("Cc: %s\n", r.cc);
		printf("Subject: %s\n\n%s", r.subject, r.body);
		rendered_free(&r);
	}
	tvars_free(tv);
	templates_free(ts);
	return rc;
}

static int
templates_exec(int argc, char **argv, const struct conf *conf)
{
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return check(conf, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return show(conf, argc - 1, argv + 1);
	if (argc == 2 && strcmp(argv[1], "vars") == 0) {
		for (size_t i = 0; template_vars[i] != NULL; i++)
			printf("%s\n", template_vars[i]);
		return 0;
	}
	return cmd_usage(&cmd_templates, 0);
}

const struct cmd cmd_templates = {
	.name = "templates",
	.summary = "check notice templates, preview one",
	.usage = "usage: guichet templates check [DIR]\n"
	    "       guichet templates show NAME [--lang LANG]\n"
	    "       guichet templates vars\n\n"
	    "`check` loads every template of DIR (default: [desk] templates)\n"
	    "as the desk would and prints each error as file:line:col:\n"
	    "message; it exits 78 when there is any.  `show` renders a\n"
	    "template with sample values.  `vars` lists the variables.\n"
	    "See guichet-templates(5).\n",
	.needs_conf = 1,
	.exec = templates_exec,
};
