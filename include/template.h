/* SPDX-License-Identifier: ISC */
/*
 * template.h - notice templates.  A template is the file
 * templates_dir/LANG/NAME: a header block (Subject: required, To: and Cc:
 * optional), a blank line, and the body.  Anywhere in it:
 *     {{var}}              the value of a variable ("" when unset)
 *     {{#var}}...{{/var}}  shown when var is set and not empty
 *     {{^var}}...{{/var}}  shown when it is not
 *     {{! comment }}       nothing
 * A section or comment tag alone on its line takes the whole line away,
 * so that sections can frame paragraphs.
 *
 * Everything is checked at load time: an unknown variable, an unbalanced
 * section, a bad header or invalid UTF-8 is an error "file:line:col:
 * message"; templates_load() reports all of them, one per line, and then
 * returns nothing.  Rendering cannot fail on syntax afterwards.
 *
 * Rendered text is plain UTF-8 and not yet fit for a header: the composer
 * (mail-compose.h) removes control characters and encodes it.  The struct
 * templates owns everything; templates_free() releases it.
 */
#ifndef TEMPLATE_H
#define TEMPLATE_H

#include <stddef.h>

struct templates;
struct tvars;

/* The templates every desk needs, checked in the default language. */
extern const char *const templates_required[];

/*
 * Loads every language directory of dir ("en", "fr", "pt-br": names of
 * 2-3 letters, optionally a subtag) and every template in it.  The
 * default language must exist and hold every required template.
 * Returns 0, or -1 with *errors (all of them, one per line; caller frees).
 */
int	 templates_load(const char *dir, const char *default_lang,
	    struct templates **out, char **errors);
void	 templates_free(struct templates *);

/* Whether NAME resolves in lang (NULL: the default), fallback included. */
int	 templates_exists(const struct templates *, const char *lang,
	    const char *name);
/* Counts and listing, for `guichet templates check`. */
size_t	 templates_count(const struct templates *);
const char *templates_default_lang(const struct templates *);
size_t	 templates_nlangs(const struct templates *);
const char *templates_lang(const struct templates *, size_t);
/* Whether lang has NAME itself (no fallback). */
int	 templates_has(const struct templates *, const char *lang,
	    const char *name);

/* Whether a variable name is one templates may use. */
int	 template_var_known(const char *name);
/* The list of variables, NULL-terminated (documentation, checks). */
extern const char *const template_vars[];

/* Values for rendering: names are copied, NULL or "" means unset. */
struct tvars *tvars_new(void);
void	 tvars_set(struct tvars *, const char *name, const char *value);
void	 tvars_setf(struct tvars *, const char *name, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
const char *tvars_get(const struct tvars *, const char *name);
void	 tvars_free(struct tvars *);

struct rendered {
	char	*lang;		/* the language used after fallback */
	char	*path;		/* the file rendered */
	char	*subject;
	char	*to;		/* "" when the template has no To: */
	char	*cc;		/* "" when the template has no Cc: */
	char	*body;
};

/*
 * Renders NAME in lang (NULL: the default language): lang as given, then
 * its primary tag ("fr" for "fr-ca"), then the default language.  -1 with
 * *cause only when no language has NAME.  Free with rendered_free().
 */
int	 template_render(const struct templates *, const char *lang,
	    const char *name, const struct tvars *, struct rendered *out,
	    char **cause);
void	 rendered_free(struct rendered *);

/* Checks one template file on its own (errors as templates_load). */
int	 template_check_file(const char *path, char **errors);

#endif
