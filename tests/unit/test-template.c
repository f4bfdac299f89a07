/* SPDX-License-Identifier: ISC */
/* Templates: syntax, every error with file:line:col, rendering, sections,
 * standalone lines, language fallback, and the shipped templates. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guichet.h"
#include "template.h"
#include "t.h"

static char tmpdir[] = "/tmp/guichet-test-template.XXXXXX";

static void
put(const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, rel), *slash;
	FILE *f;

	for (slash = strchr(path + strlen(tmpdir) + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fputs(text, f);
	fclose(f);
	free(path);
}

/* The errors of one template text, with the temp dir cut from paths. */
static char *
errors_of(const char *text)
{
	char *path = xasprintf("%s/one", tmpdir), *errors = NULL, *p;
	struct buf b;

	put("one", text);
	if (template_check_file(path, &errors) == 0) {
		free(path);
		return xstrdup("");
	}
	buf_init(&b);
	for (p = errors; *p != '\0';) {
		if (strncmp(p, tmpdir, strlen(tmpdir)) == 0)
			p += strlen(tmpdir) + 1;
		else
			buf_addc(&b, *p++);
	}
	free(errors);
	free(path);
	return buf_steal(&b);
}

static void
test_errors(void)
{
	char *e;

	e = errors_of("Subject: {{ticket.ref}}\n\nHello {{nope}}\n");
	T_STR(e, "one:3:7: unknown variable 'nope'\n", "unknown variable");
	free(e);
	e = errors_of("Subject: x\n\n{{#ticket.queue}}\nq\n");
	T_STR(e, "one:3:1: section 'ticket.queue' is never closed\n",
	    "unclosed section");
	free(e);
	e = errors_of("Subject: x\n\nab {{/ticket.queue}}\n");
	T_STR(e, "one:3:4: {{/ticket.queue}} closes no open section\n",
	    "stray close");
	free(e);
	e = errors_of("Subject: x\n\n{{#ticket.queue}}{{/ticket.id}}\n");
	T_STR(e, "one:3:18: {{/ticket.id}} where {{/ticket.queue}} (opened "
	    "at line 3) was expected\n", "mismatched close");
	free(e);
	e = errors_of("To: {{requester.address}}\n\nbody\n");
	T_STR(e, "one:1:1: missing Subject: header\n", "missing Subject");
	free(e);
	e = errors_of("Subject: x\nBcc: y\n\nbody\n");
	T_STR(e, "one:2:1: unknown header 'Bcc' (Subject, To and Cc are "
	    "allowed)\n", "unknown header");
	free(e);
	e = errors_of("Subject: x\n");
	T_STR(e, "one:2:1: missing blank line between the headers and the "
	    "body\n", "no body");
	free(e);
	e = errors_of("Subject: {{ticket.ref\n\nbody\n");
	T_STR(e, "one:1:10: unterminated tag: '{{' without '}}' on the same "
	    "line\n", "unterminated tag");
	free(e);
	e = errors_of("Subject: é {{x y}}\n\nbody\n");
	T_STR(e, "one:1:12: bad variable name 'x y'\n",
	    "columns count characters, not bytes");
	free(e);
	e = errors_of("Subject: x\n\nbad \xc3\x28 byte\n");
	T_STR(e, "one:3:5: invalid UTF-8\n", "invalid UTF-8");
	free(e);
	e = errors_of("Subject: {{a}}\n\n{{b}}\n{{#c}}\n");
	T_STR(e, "one:1:10: unknown variable 'a'\none:3:1: unknown variable "
	    "'b'\none:4:1: unknown variable 'c'\none:4:1: section 'c' is "
	    "never closed\n", "every error, in order");
	free(e);
	e = errors_of("Subject: {{ ticket.ref }}{{! a comment }}\n\n{{{x}}}\n");
	T_STR(e, "one:3:1: bad variable name '{x'\n",
	    "spaces inside tags, comments, no triple braces");
	free(e);
}

static char *
render(struct templates *ts, const char *lang, const char *name,
    struct tvars *tv, char **subject)
{
	struct rendered r;
	char *cause, *body;

	if (template_render(ts, lang, name, tv, &r, &cause) == -1) {
		printf("# %s\n", cause);
		free(cause);
		return xstrdup("(error)");
	}
	if (subject != NULL)
		*subject = xstrdup(r.subject);
	body = xstrdup(r.body);
	rendered_free(&r);
	return body;
}

static void
test_render(void)
{
	struct templates *ts;
	struct tvars *tv;
	char *errors, *dir = xasprintf("%s/r", tmpdir), *s, *subj;

	put("r/en/acknowledgement", "Subject: [{{ticket.ref}}] "
	    "{{ticket.subject}}\nTo: {{requester.address}}\n\n"
	    "{{#requester.name}}Dear {{requester.name}},{{/requester.name}}"
	    "{{^requester.name}}Hello,{{/requester.name}}\n"
	    "\n"
	    "  {{#ticket.queue}}  \n"
	    "Queue: {{ticket.queue}}\n"
	    "  {{/ticket.queue}}\n"
	    "{{! gone with its line }}\n"
	    "End {{ticket.category}}.\n");
	put("r/en/status-change", "Subject: en\n\nEnglish {{ticket.ref}}\n");
	put("r/fr/status-change", "Subject: fr\n\nFrançais\n");
	put("r/fr/README~", "ignored backup");
	for (size_t i = 0; templates_required[i] != NULL; i++) {
		char *p = xasprintf("r/en/%s", templates_required[i]);
		if (strcmp(templates_required[i], "acknowledgement") != 0 &&
		    strcmp(templates_required[i], "status-change") != 0)
			put(p, "Subject: s\n\nb\n");
		free(p);
	}
	T_INT(templates_load(dir, "en", &ts, &errors), 0, "load a tree");
	if (ts == NULL) {
		printf("# %s", errors);
		free(errors);
		free(dir);
		return;
	}
	T_INT(templates_nlangs(ts), 2, "two languages");
	tv = tvars_new();
	tvars_set(tv, "ticket.ref", "SD#7");
	tvars_set(tv, "ticket.subject", "VPN");
	tvars_set(tv, "requester.name", "");
	s = render(ts, NULL, "acknowledgement", tv, &subj);
	T_STR(subj, "[SD#7] VPN", "subject rendered");
	T_STR(s, "Hello,\n\nEnd .\n", "inverted section, empty counts as "
	    "unset, standalone lines vanish");
	free(s);
	free(subj);
	tvars_set(tv, "requester.name", "Zoé");
	tvars_set(tv, "ticket.queue", "network");
	s = render(ts, NULL, "acknowledgement", tv, NULL);
	T_STR(s, "Dear Zoé,\n\nQueue: network\nEnd .\n", "sections shown");
	free(s);
	s = render(ts, "fr", "status-change", tv, NULL);
	T_STR(s, "Français\n", "French when asked");
	free(s);
	s = render(ts, "fr-CA", "status-change", tv, NULL);
	T_STR(s, "Français\n", "fr-CA falls back to fr");
	free(s);
	s = render(ts, "fr", "acknowledgement", tv, NULL);
	T_STR(s, "Dear Zoé,\n\nQueue: network\nEnd .\n",
	    "missing in fr: the default language");
	free(s);
	s = render(ts, "de", "status-change", tv, NULL);
	T_STR(s, "English SD#7\n", "unknown language: the default");
	free(s);
	T_OK(templates_exists(ts, "fr", "resolved"), "exists with fallback");
	T_OK(!templates_exists(ts, "fr", "no-such"), "does not exist");
	T_OK(!templates_has(ts, "fr", "resolved"), "fr has no resolved");
	tvars_free(tv);
	templates_free(ts);
	put("r/en/resolved", "Subject: {{#x}}\n\n");
	T_INT(templates_load(dir, "en", &ts, &errors), -1,
	    "one bad template fails the load");
	T_OK(ts == NULL && strstr(errors, "/r/en/resolved:1:10: unknown "
	    "variable 'x'") != NULL, "and names it");
	free(errors);
	put("r/en/resolved", "Subject: ok\n\nb\n");
	{
		char *p = xasprintf("%s/en/sla-breach", dir);
		unlink(p);
		free(p);
	}
	T_INT(templates_load(dir, "en", &ts, &errors), -1,
	    "a required template missing in the default language");
	T_OK(strstr(errors, "/en/sla-breach: missing") != NULL,
	    "is reported");
	free(errors);
	T_INT(templates_load(dir, "it", &ts, &errors), -1,
	    "a default language without templates");
	free(errors);
	free(dir);
}

static void
test_shipped(void)
{
	const char *src = getenv("GUICHET_SRCDIR");
	struct templates *ts;
	struct tvars *tv;
	char *dir, *errors, *s, *subj;
	const char *langs[] = { "en", "fr" };

	dir = xasprintf("%s/templates", src != NULL ? src : ".");
	T_INT(templates_load(dir, "en", &ts, &errors), 0,
	    "shipped templates load");
	if (ts == NULL) {
		printf("# %s", errors);
		free(errors);
		free(dir);
		return;
	}
	for (size_t l = 0; l < ARRAY_LEN(langs); l++)
		for (size_t i = 0; templates_required[i] != NULL; i++) {
			char *what = xasprintf("%s/%s shipped", langs[l],
			    templates_required[i]);
			T_OK(templates_has(ts, langs[l], templates_required[i]),
			    what);
			free(what);
		}
	T_OK(templates_has(ts, "fr", "self-help-password") &&
	    templates_has(ts, "en", "self-help-password"),
	    "self-help-password in both languages");
	tv = tvars_new();
	tvars_set(tv, "ticket.ref", "SD#12");
	tvars_set(tv, "ticket.subject", "Imprimante");
	tvars_set(tv, "desk.name", "Centre de services");
	tvars_set(tv, "status.resolved", "1");
	s = render(ts, "fr", "acknowledgement", tv, &subj);
	T_STR(subj, "[SD#12] Demande reçue\xc2\xa0: Imprimante",
	    "French subject, non-breaking space before the colon");
	T_OK(strstr(s, "Bonjour,\n") != NULL && strstr(s, "SD#12") != NULL,
	    "French body");
	free(s);
	free(subj);
	s = render(ts, "fr", "resolved", tv, &subj);
	T_OK(strstr(s, "de 1 à 5") != NULL, "resolved asks for a 1-5 score");
	free(s);
	free(subj);
	s = render(ts, "fr", "status-change", tv, &subj);
	T_STR(subj, "[SD#12] Statut\xc2\xa0: résolu - Imprimante",
	    "status worded in French");
	free(s);
	free(subj);
	tvars_free(tv);
	templates_free(ts);
	free(dir);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL)
		return 99;
	test_errors();
	test_render();
	test_shipped();
	{
		char *cmd = xasprintf("rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", tmpdir);
		free(cmd);
	}
	return t_done();
}
