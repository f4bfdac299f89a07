/* SPDX-License-Identifier: ISC */
/*
 * guichet rules test FILE.eml [--json]: one message through the rules, as
 * intake would classify it, storing nothing, with every step explained.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "cmd-rules.h"
#include "conf.h"
#include "guichet.h"
#include "json-out.h"
#include "mime.h"
#include "rules.h"

/* Values longer than this are cut in the text output. */
#define SHOW_MAX	72

static const char *
result_name(enum re_result r)
{
	switch (r) {
	case RE_MATCH:
		return "matched";
	case RE_LIMIT:
		return "limit hit";
	case RE_NOMATCH:
		break;
	}
	return "not matched";
}

/* "text" with control characters escaped, cut after SHOW_MAX bytes. */
static void
put_quoted(const char *s)
{
	size_t	n;

	putchar('"');
	for (n = 0; *s != '\0' && n < SHOW_MAX; s++, n++) {
		if (*s == '\n')
			fputs("\\n", stdout);
		else if (*s == '\t')
			fputs("\\t", stdout);
		else if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			printf("\\x%02x", (unsigned char)*s);
		else
			putchar(*s);
	}
	/* Finish a UTF-8 character cut in the middle. */
	while (((unsigned char)*s & 0xc0) == 0x80)
		putchar(*s++);
	fputs(*s != '\0' ? "\"..." : "\"", stdout);
}

static void
print_cond(const struct rules_trace_cond *tc, int evaluated)
{
	const struct rules_trace_group *g;
	size_t	k;

	printf("    when %s %s /%s/%s", tc->field, tc->negated ? "!~" : "~",
	    tc->pattern, tc->flags);
	if (!evaluated) {
		putchar('\n');
		return;
	}
	printf(": %s, %s\n", result_name(tc->result),
	    tc->holds ? "holds" : "fails");
	if (tc->value != NULL && strcmp(tc->field, "body") != 0) {
		fputs("        value ", stdout);
		put_quoted(tc->value);
		putchar('\n');
	}
	if (tc->match != NULL) {
		fputs("        match ", stdout);
		put_quoted(tc->match);
		putchar('\n');
	}
	for (k = 0; k < tc->ngroups; k++) {
		g = &tc->groups[k];
		if (g->name != NULL)
			printf("        ${%s} ", g->name);
		else
			printf("        $%u ", g->index);
		if (g->value != NULL)
			put_quoted(g->value);
		else
			fputs("unset", stdout);
		putchar('\n');
	}
}

static void
print_rule(const struct rules_trace_rule *tr, const char *stopped_by)
{
	size_t	j;

	printf("rule %s (%s:%d): ", tr->name, tr->file, tr->line);
	if (!tr->evaluated)
		printf("not evaluated, stopped by %s\n", stopped_by);
	else
		printf("%s\n", tr->matched ? "APPLIED" : "not applied");
	for (j = 0; j < tr->nconds; j++)
		print_cond(&tr->conds[j], tr->evaluated);
	for (j = 0; j < tr->nactions; j++) {
		printf("    -> %s", tr->actions[j].text);
		if (tr->actions[j].ignored != NULL)
			printf(" (ignored: %s)", tr->actions[j].ignored);
		putchar('\n');
	}
}

static void
print_list(const char *label, char **v, size_t n, const char *none)
{
	size_t	i;

	printf("  %-12s", label);
	for (i = 0; i < n; i++)
		printf("%s%s", i > 0 ? " " : "", v[i]);
	printf("%s\n", n == 0 ? none : "");
}

static void
print_fields(const struct rules_outcome *o)
{
	const char	*labels[] = { "category", "queue", "assignee",
	    "client" };
	const char	*values[] = { o->category, o->queue, o->assignee,
	    o->client };
	size_t		 i;

	printf("\nticket fields:\n  %-12s%s\n", "type", o->type);
	printf("  %-12s%s", "priority", o->priority);
	if (o->priority_set)
		printf(" (set by a rule)\n");
	else
		printf(" (impact %s x urgency %s)\n", o->impact, o->urgency);
	printf("  %-12s%s\n  %-12s%s\n", "impact", o->impact, "urgency",
	    o->urgency);
	for (i = 0; i < ARRAY_LEN(labels); i++)
		printf("  %-12s%s\n", labels[i], values[i] != NULL ?
		    values[i] : "- (the mailbox's default)");
	printf("  %-12s%s\n", "language", o->language);
	print_list("tags", o->tags, o->ntags, "-");
	printf("  %-12s%s\n", "major", o->major ? "yes, declared" : "no");
	printf("  %-12s%s\n", "candidate", o->major_candidate ?
	    o->candidate_rule : "-");
	printf("  %-12s%s\n", "reply", o->reply != NULL ? o->reply :
	    "- (the plain acknowledgement)");
	printf("  %-12s%s\n", "drop", o->drop ?
	    "yes: no ticket would be stored" : "no");
	print_list("rules", o->matched, o->nmatched, "- (none applied)");
	if (o->stopped_by != NULL)
		printf("  %-12s%s\n", "stopped by", o->stopped_by);
	if (o->nlimits > 0)
		printf("  %-12s%zu condition%s cut short by a match limit\n",
		    "limits", o->nlimits, o->nlimits == 1 ? "" : "s");
}

static void
print_text(const char *file, const struct message *msg,
    const struct rules_trace *t, const struct rules_outcome *o)
{
	size_t	i;

	printf("message %s\n  from ", file);
	put_quoted(msg->from.addr);
	fputs("\n  subject ", stdout);
	put_quoted(msg->subject);
	printf("\n\n");
	for (i = 0; i < t->nrules; i++)
		print_rule(&t->rules[i], o->stopped_by);
	if (t->nrules == 0)
		printf("no rules\n");
	print_fields(o);
}

static json_t *
jlist(char **v, size_t n)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_out_str(v[i]));
	return a;
}

static json_t *
json_cond(const struct rules_trace_cond *tc, int evaluated)
{
	json_t	*c = json_object(), *groups = json_array(), *g;
	size_t	 k;

	json_object_set_new(c, "field", json_out_str(tc->field));
	json_object_set_new(c, "op", json_out_str(tc->negated ? "!~" : "~"));
	json_object_set_new(c, "pattern", json_out_str(tc->pattern));
	json_object_set_new(c, "flags", json_out_str(tc->flags));
	json_object_set_new(c, "line", json_integer(tc->line));
	json_object_set_new(c, "col", json_integer(tc->col));
	json_object_set_new(c, "result", evaluated ?
	    json_out_str(result_name(tc->result)) : json_null());
	json_object_set_new(c, "holds", evaluated ? json_boolean(tc->holds) :
	    json_null());
	json_object_set_new(c, "value", strcmp(tc->field, "body") != 0 ?
	    json_out_str(tc->value) : json_null());
	json_object_set_new(c, "match", json_out_str(tc->match));
	for (k = 0; k < tc->ngroups; k++) {
		g = json_object();
		json_object_set_new(g, "index", json_integer(
		    tc->groups[k].index));
		json_object_set_new(g, "name", json_out_str(tc->groups[k].name));
		json_object_set_new(g, "value", json_out_str(tc->groups[k].value));
		json_array_append_new(groups, g);
	}
	json_object_set_new(c, "groups", groups);
	return c;
}

static json_t *
json_rule(const struct rules_trace_rule *tr)
{
	json_t	*r = json_object(), *conds = json_array(), *acts = json_array();
	json_t	*a;
	size_t	 j;

	json_object_set_new(r, "name", json_out_str(tr->name));
	json_object_set_new(r, "file", json_out_str(tr->file));
	json_object_set_new(r, "line", json_integer(tr->line));
	json_object_set_new(r, "evaluated", json_boolean(tr->evaluated));
	json_object_set_new(r, "matched", json_boolean(tr->matched));
	for (j = 0; j < tr->nconds; j++)
		json_array_append_new(conds, json_cond(&tr->conds[j],
		    tr->evaluated));
	json_object_set_new(r, "conditions", conds);
	for (j = 0; j < tr->nactions; j++) {
		a = json_object();
		json_object_set_new(a, "action", json_out_str(tr->actions[j].text));
		json_object_set_new(a, "ignored", json_out_str(tr->actions[j].ignored));
		json_array_append_new(acts, a);
	}
	json_object_set_new(r, "actions", acts);
	return r;
}

static json_t *
json_fields(const struct rules_outcome *o)
{
	json_t	*t = json_object();

	json_object_set_new(t, "type", json_out_str(o->type));
	json_object_set_new(t, "priority", json_out_str(o->priority));
	json_object_set_new(t, "priority_set", json_boolean(o->priority_set));
	json_object_set_new(t, "impact", json_out_str(o->impact));
	json_object_set_new(t, "urgency", json_out_str(o->urgency));
	json_object_set_new(t, "category", json_out_str(o->category));
	json_object_set_new(t, "queue", json_out_str(o->queue));
	json_object_set_new(t, "assignee", json_out_str(o->assignee));
	json_object_set_new(t, "client", json_out_str(o->client));
	json_object_set_new(t, "language", json_out_str(o->language));
	json_object_set_new(t, "tags", jlist(o->tags, o->ntags));
	json_object_set_new(t, "major", json_boolean(o->major));
	json_object_set_new(t, "major_candidate",
	    json_boolean(o->major_candidate));
	json_object_set_new(t, "candidate_rule", json_out_str(o->candidate_rule));
	json_object_set_new(t, "reply", json_out_str(o->reply));
	json_object_set_new(t, "drop", json_boolean(o->drop));
	json_object_set_new(t, "matched", jlist(o->matched, o->nmatched));
	json_object_set_new(t, "stopped_by", json_out_str(o->stopped_by));
	json_object_set_new(t, "limits", json_integer((json_int_t)o->nlimits));
	return t;
}

static int
print_json(const char *file, const struct message *msg,
    const struct rules_trace *t, const struct rules_outcome *o)
{
	json_t	*root = json_object(), *rules = json_array();
	size_t	 i;
	int	 rc;

	json_object_set_new(root, "file", json_out_str(file));
	json_object_set_new(root, "from", json_out_str(msg->from.addr));
	json_object_set_new(root, "subject", json_out_str(msg->subject));
	for (i = 0; i < t->nrules; i++)
		json_array_append_new(rules, json_rule(&t->rules[i]));
	json_object_set_new(root, "rules", rules);
	json_object_set_new(root, "ticket", json_fields(o));
	rc = json_dumpf(root, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(root);
	return rc == 0 ? 0 : EX_IOERR;
}

/* The rules in force; none when the directory does not exist, as for the
 * daemon. */
static int
load(const struct conf *conf, struct rules **rs)
{
	struct stat	 st;
	char		*errors;

	*rs = NULL;
	if (stat(conf->rules_dir, &st) == -1 && errno == ENOENT)
		return 0;
	if (rules_load(conf->rules_dir, conf, rs, &errors) == 0)
		return 0;
	fputs(errors, stderr);
	free(errors);
	return EX_CONFIG;
}

static int
run(const char *file, int json, const struct conf *conf, struct rules *rs)
{
	struct message		*msg;
	struct rules_outcome	 o;
	struct rules_trace	 t = { NULL, 0 };
	char			*data, *cause;
	size_t			 len;
	int			 rc;

	if (file_read(file, &data, &len, &cause) == -1) {
		fprintf(stderr, "guichet: %s\n", cause);
		free(cause);
		return EX_NOINPUT;
	}
	if (mime_parse(data, len, &msg) == -1) {
		fprintf(stderr, "guichet: %s: not a mail message\n", file);
		free(data);
		return EX_DATAERR;
	}
	memset(&o, 0, sizeof o);
	if (rs != NULL)
		rules_eval(rs, msg, &o, &t);
	rules_outcome_finish(&o, conf);
	if (json)
		rc = print_json(file, msg, &t, &o);
	else {
		print_text(file, msg, &t, &o);
		rc = 0;
	}
	rules_trace_free(&t);
	rules_outcome_free(&o);
	message_free(msg);
	free(data);
	return rc;
}

int
cmd_rules_test(int argc, char **argv, const struct conf *conf)
{
	struct rules	*rs;
	const char	*file = NULL;
	int		 i, json = 0, rc, dashdash = 0;

	for (i = 1; i < argc; i++) {
		if (!dashdash && strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (!dashdash && strcmp(argv[i], "--") == 0)
			dashdash = 1;
		else if ((!dashdash && argv[i][0] == '-') || file != NULL)
			return cmd_usage(&cmd_rules, 0);
		else
			file = argv[i];
	}
	if (file == NULL)
		return cmd_usage(&cmd_rules, 0);
	if ((rc = load(conf, &rs)) != 0)
		return rc;
	rc = run(file, json, conf, rs);
	rules_free(rs);
	return rc;
}
