/* SPDX-License-Identifier: ISC */
/*
 * Templates: loading a directory of languages, the language fallback,
 * and rendering.  Parsing is in template-parse.c, the variables in
 * template-vars.c.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "template.h"
#include "template-int.h"

const char *const templates_required[] = {
	"acknowledgement", "agent-update", "status-change", "resolved",
	"major-notice", "major-resolved", "sla-warning", "sla-breach",
	"supplier-escalation", "agent-new-ticket", NULL
};

struct templates {
	char		*dir;
	char		*default_lang;
	char		**langs;
	size_t		 nlangs;
	struct template	**v;
	size_t		 n;
};

/* "fr", "en", "pt-br": a language tag directory. */
static int
lang_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ");

	if (n < 2 || n > 3)
		return 0;
	for (s += n; *s == '-'; s += n) {
		s++;
		n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		if (n < 1 || n > 8)
			return 0;
	}
	return *s == '\0';
}

/* Editors' and package managers' leftovers, as rules files skip them. */
static int
ignored(const char *name)
{
	static const char *const sfx[] = { "~", ".bak", ".orig", ".rej",
	    ".rpmnew", ".rpmsave", ".swp" };
	size_t n = strlen(name), l;

	if (name[0] == '.' || strstr(name, ".dpkg-") != NULL)
		return 1;
	for (size_t i = 0; i < ARRAY_LEN(sfx); i++) {
		l = strlen(sfx[i]);
		if (n >= l && strcmp(name + n - l, sfx[i]) == 0)
			return 1;
	}
	return 0;
}

static int
name_ok(const char *s)
{
	return *s != '\0' && *s != '-' && *s != '_' && strspn(s,
	    "abcdefghijklmnopqrstuvwxyz0123456789-_") == strlen(s);
}

static int
is_dir(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static void
load_file(struct templates *ts, const char *lang, const char *dir,
    const char *name, struct buf *errs)
{
	struct template *t;
	char *path, *text, *cause;
	size_t len;

	path = xasprintf("%s/%s", dir, name);
	if (!name_ok(name)) {
		buf_printf(errs, "%s:1:1: bad template name: use lower-case "
		    "letters, digits, '-' and '_'\n", path);
	} else if (file_read(path, &text, &len, &cause) == -1) {
		buf_printf(errs, "%s\n", cause);
		free(cause);
	} else {
		if ((t = template_parse(path, text, len, errs)) != NULL) {
			t->lang = str_lower(xstrdup(lang));
			t->name = xstrdup(name);
			ts->v = xreallocarray(ts->v, ts->n + 1,
			    sizeof(*ts->v));
			ts->v[ts->n++] = t;
		}
		free(text);
	}
	free(path);
}

static void
load_lang(struct templates *ts, const char *lang, struct buf *errs)
{
	struct dirent **ents;
	char *dir;
	int n;

	dir = xasprintf("%s/%s", ts->dir, lang);
	if ((n = scandir(dir, &ents, NULL, alphasort)) == -1) {
		buf_printf(errs, "%s: %s\n", dir, strerror(errno));
		free(dir);
		return;
	}
	ts->langs = xreallocarray(ts->langs, ts->nlangs + 1,
	    sizeof(*ts->langs));
	ts->langs[ts->nlangs++] = str_lower(xstrdup(lang));
	for (int i = 0; i < n; i++) {
		char *p = xasprintf("%s/%s", dir, ents[i]->d_name);
		if (!ignored(ents[i]->d_name) && !is_dir(p))
			load_file(ts, lang, dir, ents[i]->d_name, errs);
		free(p);
		free(ents[i]);
	}
	free(ents);
	free(dir);
}

static const struct template *
find(const struct templates *ts, const char *lang, const char *name)
{
	for (size_t i = 0; i < ts->n; i++)
		if (str_ieq(ts->v[i]->lang, lang) &&
		    strcmp(ts->v[i]->name, name) == 0)
			return ts->v[i];
	return NULL;
}

int
templates_load(const char *dir, const char *default_lang,
    struct templates **out, char **errors)
{
	struct templates *ts = xcalloc(1, sizeof(*ts));
	struct dirent **ents;
	struct buf errs;
	int n;

	*out = NULL;
	buf_init(&errs);
	ts->dir = xstrdup(dir);
	ts->default_lang = str_lower(xstrdup(default_lang));
	if ((n = scandir(dir, &ents, NULL, alphasort)) == -1)
		buf_printf(&errs, "%s: %s\n", dir, strerror(errno));
	for (int i = 0; i < n; i++) {
		char *p = xasprintf("%s/%s", dir, ents[i]->d_name);
		if (lang_ok(ents[i]->d_name) && is_dir(p))
			load_lang(ts, ents[i]->d_name, &errs);
		free(p);
		free(ents[i]);
	}
	if (n != -1)
		free(ents);
	if (n != -1 && !templates_has(ts, default_lang, NULL))
		buf_printf(&errs, "%s/%s: the default language has no "
		    "templates\n", dir, default_lang);
	else if (n != -1)
		for (size_t i = 0; templates_required[i] != NULL; i++)
			if (find(ts, default_lang, templates_required[i]) ==
			    NULL)
				buf_printf(&errs, "%s/%s/%s: missing (every "
				    "template must exist in the default "
				    "language)\n", dir, default_lang,
				    templates_required[i]);
	if (errs.len > 0) {
		*errors = buf_steal(&errs);
		templates_free(ts);
		return -1;
	}
	buf_free(&errs);
	*out = ts;
	return 0;
}

void
templates_free(struct templates *ts)
{
	if (ts == NULL)
		return;
	for (size_t i = 0; i < ts->n; i++)
		template_free(ts->v[i]);
	for (size_t i = 0; i < ts->nlangs; i++)
		free(ts->langs[i]);
	free(ts->langs);
	free(ts->v);
	free(ts->dir);
	free(ts->default_lang);
	free(ts);
}

/* lang itself, its primary tag, then the default language. */
static const struct template *
resolve(const struct templates *ts, const char *lang, const char *name)
{
	const struct template *t = NULL;
	char *primary;

	if (lang != NULL && *lang != '\0') {
		if ((t = find(ts, lang, name)) != NULL)
			return t;
		primary = xstrndup(lang, strcspn(lang, "-_"));
		t = find(ts, primary, name);
		free(primary);
		if (t != NULL)
			return t;
	}
	return find(ts, ts->default_lang, name);
}

int
templates_exists(const struct templates *ts, const char *lang,
    const char *name)
{
	return ts != NULL && resolve(ts, lang, name) != NULL;
}

int
templates_has(const struct templates *ts, const char *lang, const char *name)
{
	if (name != NULL)
		return find(ts, lang, name) != NULL;
	for (size_t i = 0; i < ts->nlangs; i++)
		if (str_ieq(ts->langs[i], lang))
			return 1;
	return 0;
}

size_t
templates_count(const struct templates *ts)
{
	return ts->n;
}

const char *
templates_default_lang(const struct templates *ts)
{
	return ts->default_lang;
}

size_t
templates_nlangs(const struct templates *ts)
{
	return ts->nlangs;
}

const char *
templates_lang(const struct templates *ts, size_t i)
{
	return i < ts->nlangs ? ts->langs[i] : NULL;
}

static void
render_node(const struct tnode *n, const struct tvars *tv, struct buf *b)
{
	const char *v;

	switch (n->kind) {
	case TN_TEXT:
		buf_adds(b, n->text);
		return;
	case TN_VAR:
		if ((v = tvars_get(tv, n->text)) != NULL)
			buf_adds(b, v);
		return;
	case TN_SECTION:
	case TN_INVERTED:
		v = tvars_get(tv, n->text);
		if ((v != NULL && *v != '\0') != (n->kind == TN_SECTION))
			return;
		for (size_t i = 0; i < n->nkids; i++)
			render_node(&n->kids[i], tv, b);
		return;
	}
}

static char *
render_list(const struct tnode *root, const struct tvars *tv)
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < root->nkids; i++)
		render_node(&root->kids[i], tv, &b);
	return buf_steal(&b);
}

static char *
render_header(const struct template *t, const char *name,
    const struct tvars *tv)
{
	for (size_t i = 0; i < t->nheaders; i++)
		if (strcmp(t->headers[i].name, name) == 0)
			return render_list(&t->headers[i].root, tv);
	return xstrdup("");
}

int
template_render(const struct templates *ts, const char *lang,
    const char *name, const struct tvars *tv, struct rendered *out,
    char **cause)
{
	const struct template *t;

	memset(out, 0, sizeof(*out));
	if ((t = resolve(ts, lang, name)) == NULL) {
		if (lang != NULL && !str_ieq(lang, ts->default_lang))
			*cause = xasprintf("no template '%s' in %s (language "
			    "%s, nor the default %s)", name, ts->dir, lang,
			    ts->default_lang);
		else
			*cause = xasprintf("no template '%s' in %s/%s", name,
			    ts->dir, ts->default_lang);
		return -1;
	}
	out->lang = xstrdup(t->lang);
	out->path = xstrdup(t->path);
	out->subject = render_header(t, "Subject", tv);
	out->to = render_header(t, "To", tv);
	out->cc = render_header(t, "Cc", tv);
	out->body = render_list(&t->body, tv);
	return 0;
}

void
rendered_free(struct rendered *r)
{
	free(r->lang);
	free(r->path);
	free(r->subject);
	free(r->to);
	free(r->cc);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

int
template_check_file(const char *path, char **errors)
{
	struct template *t;
	struct buf errs;
	char *text;
	size_t len;

	if (file_read(path, &text, &len, errors) == -1)
		return -1;
	buf_init(&errs);
	t = template_parse(path, text, len, &errs);
	free(text);
	if (t == NULL) {
		*errors = buf_steal(&errs);
		return -1;
	}
	template_free(t);
	buf_free(&errs);
	return 0;
}
