/* SPDX-License-Identifier: ISC */
/*
 * rules.c - a directory of rule files: load (all or nothing), evaluate,
 * reload.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "guichet.h"
#include "log.h"
#include "rules-int.h"

struct entry {
	char		*name;
	struct stat	 st;
};

/* Editor backups and package manager leftovers are not rules. */
static int
ignored_name(const char *name)
{
	static const char *suffixes[] = { "~", ".bak", ".orig", ".rej",
	    ".rpmnew", ".rpmsave", ".swp" };
	size_t	len = strlen(name), slen, i;

	if (name[0] == '.' || strstr(name, ".dpkg-") != NULL)
		return 1;
	for (i = 0; i < ARRAY_LEN(suffixes); i++) {
		slen = strlen(suffixes[i]);
		if (len >= slen && strcmp(name + len - slen, suffixes[i]) == 0)
			return 1;
	}
	return 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name,
	    ((const struct entry *)b)->name);
}

static void
entries_free(struct entry *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* The rule files of dir in name order: regular files, links to them. */
static int
list_dir(const char *dir, struct entry **out, size_t *nout, char **cause)
{
	DIR		*d;
	struct dirent	*de;
	struct entry	*v = NULL;
	struct stat	 st;
	size_t		 n = 0;
	char		*path;

	if ((d = opendir(dir)) == NULL) {
		*cause = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (ignored_name(de->d_name))
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			v = xreallocarray(v, n + 1, sizeof *v);
			v[n].name = xstrdup(de->d_name);
			v[n++].st = st;
		}
		free(path);
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof *v, entry_cmp);
	*out = v;
	*nout = n;
	return 0;
}

/* What rules_changed() compares: names, sizes, mtimes, inodes (an editor
 * that renames a new file into place changes the inode).  A directory
 * that cannot be read has a stamp too, so that the same error is not
 * reported again at every pass. */
static char *
stamp_of(const struct entry *v, size_t n, const char *cause)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	if (cause != NULL)
		buf_printf(&b, "!%s", cause);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s/%lld/%lld.%09ld/%llu\n", v[i].name,
		    (long long)v[i].st.st_size,
		    (long long)v[i].st.st_mtim.tv_sec,
		    (long)v[i].st.st_mtim.tv_nsec,
		    (unsigned long long)v[i].st.st_ino);
	return buf_steal(&b);
}

static struct rules *
rules_new(const struct conf *conf)
{
	struct rules	*rs;

	rs = xcalloc(1, sizeof *rs);
	if (conf != NULL) {
		rs->match_limit = conf->match_limit;
		rs->depth_limit = conf->depth_limit;
	}
	return rs;
}

static void
read_one(struct rules *rs, const char *path, struct buf *errors)
{
	char	*data, *cause;
	size_t	 len;

	rs->files = xreallocarray(rs->files, rs->nfiles + 1,
	    sizeof *rs->files);
	rs->files[rs->nfiles] = xstrdup(path);
	if (file_read(path, &data, &len, &cause) == -1) {
		buf_printf(errors, "%s\n", cause);
		free(cause);
		free(rs->files[rs->nfiles]);
		return;
	}
	/* Rules keep pointers to their file name: add it before parsing. */
	rules_parse(rs, rs->files[rs->nfiles++], data, len, errors);
	free(data);
}

static int
finish_load(struct rules *rs, struct buf *errors, struct rules **out,
    char **errtext)
{
	if (errors->len > 0) {
		rules_free(rs);
		*errtext = buf_steal(errors);
		return -1;
	}
	buf_free(errors);
	rules_prefilter_build(rs);
	*out = rs;
	return 0;
}

/* Reads every rule file of dir, errors or not; *stamp receives the stamp
 * of what was read. */
static struct rules *
read_dir(const char *dir, const struct conf *conf, struct buf *errors,
    char **stamp)
{
	struct rules	*rs;
	struct entry	*v = NULL;
	size_t		 n = 0, i;
	char		*cause = NULL, *path;

	rs = rules_new(conf);
	if (list_dir(dir, &v, &n, &cause) == -1)
		buf_printf(errors, "%s\n", cause);
	*stamp = stamp_of(v, n, cause);
	free(cause);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, v[i].name);
		read_one(rs, path, errors);
		free(path);
	}
	entries_free(v, n);
	return rs;
}

static int
load_dir(const char *dir, const struct conf *conf, struct rules **out,
    char **errtext, char **stamp)
{
	struct buf	errors;

	buf_init(&errors);
	return finish_load(read_dir(dir, conf, &errors, stamp), &errors, out,
	    errtext);
}

int
rules_load(const char *dir, const struct conf *conf, struct rules **out,
    char **errors)
{
	char	*stamp;
	int	 rc;

	rc = load_dir(dir, conf, out, errors, &stamp);
	if (rc == 0)
		(*out)->stamp = stamp;
	else
		free(stamp);
	return rc;
}

int
rules_load_file(const char *path, const struct conf *conf,
    struct rules **out, char **errors)
{
	struct rules	*rs;
	struct buf	 errbuf;

	rs = rules_new(conf);
	buf_init(&errbuf);
	read_one(rs, path, &errbuf);
	return finish_load(rs, &errbuf, out, errors);
}

void
rules_rule_free(struct rule *r)
{
	size_t	i, j;

	for (i = 0; i < r->nconds; i++) {
		re_free(r->conds[i].re);
		free(r->conds[i].header);
	}
	free(r->conds);
	for (i = 0; i < r->nactions; i++) {
		for (j = 0; j < r->actions[i].nsegs; j++)
			free(r->actions[i].segs[j].text);
		free(r->actions[i].segs);
		free(r->actions[i].value);
	}
	free(r->actions);
	free(r->name);
}

void
rules_free(struct rules *rs)
{
	size_t	i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++)
		rules_rule_free(&rs->v[i]);
	free(rs->v);
	for (i = 0; i < rs->nfiles; i++)
		free(rs->files[i]);
	free(rs->files);
	free(rs->stamp);
	rules_prefilter_free(rs);
	free(rs);
}

size_t
rules_count(const struct rules *rs)
{
	return rs->n;
}

size_t
rules_nfiles(const struct rules *rs)
{
	return rs->nfiles;
}

int
rules_check(const char *dir, const struct conf *conf,
    char *(*check)(const char *, void *), void *arg, char **report,
    size_t *nfiles, size_t *nrules)
{
	struct rules	*rs;
	const struct rule_action *a;
	struct buf	 errors;
	size_t		 i, j, n = 0;
	char		*stamp, *msg;

	buf_init(&errors);
	rs = read_dir(dir, conf, &errors, &stamp);
	free(stamp);
	for (i = 0; check != NULL && i < rs->n; i++) {
		for (j = 0; j < rs->v[i].nactions; j++) {
			a = &rs->v[i].actions[j];
			if (a->kind != ACT_REPLY || a->value == NULL ||
			    (msg = check(a->value, arg)) == NULL)
				continue;
			buf_printf(&errors, "%s:%d:%d: %s\n", rs->v[i].file,
			    a->line, a->col, msg);
			free(msg);
		}
	}
	*nfiles = rs->nfiles;
	*nrules = rs->n;
	rules_free(rs);
	for (i = 0; i < errors.len; i++) {
		if (errors.data[i] == '\n')
			n++;
	}
	*report = errors.len > 0 ? buf_steal(&errors) : NULL;
	buf_free(&errors);
	return (int)n;
}

int
rules_changed(const struct rules *rs, const char *dir)
{
	struct entry	*v = NULL;
	size_t		 n = 0;
	char		*cause = NULL, *stamp;
	int		 changed;

	list_dir(dir, &v, &n, &cause);
	stamp = stamp_of(v, n, cause);
	if (rs == NULL)
		changed = n > 0;
	else
		changed = rs->stamp == NULL || strcmp(stamp, rs->stamp) != 0;
	entries_free(v, n);
	free(cause);
	free(stamp);
	return changed;
}

int
rules_reload(struct rules **current, const char *dir,
    const struct conf *conf, char **errors)
{
	struct rules	*rs;
	char		*stamp;

	if (load_dir(dir, conf, &rs, errors, &stamp) == -1) {
		if (*current != NULL) {
			free((*current)->stamp);
			(*current)->stamp = stamp;
		} else
			free(stamp);
		return -1;
	}
	rs->stamp = stamp;
	rules_free(*current);
	*current = rs;
	return 0;
}
