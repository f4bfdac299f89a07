/* SPDX-License-Identifier: ISC */
/*
 * test-rules-load.c - loading: the corpus of good and bad rule files (the
 * exact diagnostics in bad/NAME.expected), which files of a directory are
 * read and in what order, the shipped samples, and reload keeping the old
 * rules when the new ones do not compile.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>

#include "t.h"
#include "rules-util.h"

static const char *srcdir;

static char *
slurp(const char *path)
{
	char	*data = NULL, *cause = NULL;
	size_t	 len;

	if (file_read(path, &data, &len, &cause) == -1) {
		printf("# %s\n", cause);
		free(cause);
		return NULL;
	}
	return data;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t	ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* Every bad/NAME.rules fails with exactly bad/NAME.expected; the files
 * are named as given, so the test runs inside the directory. */
static void
test_bad(void)
{
	char		*dir, *want, *errors, *exp, what[300];
	struct rules	*rs;
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	dir = xasprintf("%s/tests/data/rules/bad", srcdir);
	if (!T_OK((d = opendir(dir)) != NULL, "bad corpus found"))
		goto out;
	if (chdir(dir) == -1)
		goto out;
	while ((de = readdir(d)) != NULL) {
		if (!has_suffix(de->d_name, ".rules"))
			continue;
		n++;
		exp = xasprintf("%.*s.expected",
		    (int)(strlen(de->d_name) - 6), de->d_name);
		want = slurp(exp);
		errors = NULL;
		rs = NULL;
		snprintf(what, sizeof what, "bad/%s fails", de->d_name);
		T_INT(rules_load_file(de->d_name, NULL, &rs, &errors), -1,
		    what);
		T_OK(rs == NULL, "nothing loaded");
		snprintf(what, sizeof what, "bad/%s diagnostics", de->d_name);
		T_STR(errors, want, what);
		free(errors);
		free(want);
		free(exp);
	}
	closedir(d);
	T_OK(n >= 15, "the bad corpus has its files");
out:
	free(dir);
}

static void
test_good(void)
{
	char		*dir, *errors = NULL, *path;
	struct rules	*rs = NULL;

	dir = xasprintf("%s/tests/data/rules/good", srcdir);
	T_INT(rules_load(dir, NULL, &rs, &errors), 0, "good corpus loads");
	if (errors != NULL)
		printf("# %s", errors);
	if (rs != NULL) {
		T_INT(rules_nfiles(rs), 6, "six good files");
		T_INT(rules_count(rs), 18, "eighteen good rules");
	}
	rules_free(rs);
	free(dir);
	free(errors);
	errors = NULL;
	dir = xasprintf("%s/contrib/rules.d", srcdir);
	T_INT(rules_load(dir, NULL, &rs, &errors), 0, "shipped samples load");
	if (errors != NULL)
		printf("# %s", errors);
	rules_free(rs);
	free(dir);
	free(errors);
	errors = NULL;
	path = xasprintf("%s/tests/data/rules/nonexistent", srcdir);
	T_INT(rules_load(path, NULL, &rs, &errors), -1, "missing directory");
	T_OK(errors != NULL && strstr(errors, "No such file") != NULL,
	    "says why");
	free(errors);
	free(path);
}

static void
put(const char *dir, const char *name, const char *text)
{
	char	*path = xasprintf("%s/%s", dir, name);
	FILE	*f;

	if ((f = fopen(path, "w")) != NULL) {
		fputs(text, f);
		fclose(f);
	}
	free(path);
}

/* The template check of `rules check`: tpl-b is missing. */
static char *
reply_cb(const char *tpl, void *arg)
{
	buf_printf(arg, "%s ", tpl);
	if (strcmp(tpl, "tpl-b") == 0)
		return xstrdup("no template tpl-b");
	return NULL;
}

/* Only regular files, in name order; dotfiles, backups, package leftovers
 * and directories are skipped. */
static void
test_listing(const char *dir)
{
	struct rules		*rs = NULL;
	struct rules_outcome	 o;
	struct message		*msg;
	struct tmsg		 t = { .subject = "x" };
	struct buf		 b;
	char			*errors = NULL, *got, *sub;
	size_t			 nfiles, nrules;

	put(dir, "20-b.rules", "rule b\n  reply tpl-b\n");
	put(dir, "10-a", "rule a\n  when subject ~ /x/\n  reply tpl-a\n");
	put(dir, ".hidden", "broken");
	put(dir, "30-c.rules~", "broken");
	put(dir, "30-c.rules.bak", "broken");
	put(dir, "30-c.rules.dpkg-old", "broken");
	put(dir, "30-c.rules.dpkg-new", "broken");
	sub = xasprintf("%s/sub.rules", dir);
	mkdir(sub, 0700);
	free(sub);
	T_INT(rules_load(dir, NULL, &rs, &errors), 0, "listing loads");
	free(errors);
	if (rs == NULL)
		return;
	T_INT(rules_nfiles(rs), 2, "two files read");
	msg = tm_build(&t);
	rules_eval(rs, msg, &o, NULL);
	got = tr_format(&o);
	T_STR(got, "reply=tpl-b matched=a,b", "in name order");
	free(got);
	rules_outcome_free(&o);
	tm_free(msg);
	rules_free(rs);
	buf_init(&b);
	T_INT(rules_check(dir, NULL, reply_cb, &b, &errors, &nfiles, &nrules),
	    1, "rules check: one error");
	T_STR(b.data, "tpl-a tpl-b ", "every reply is checked");
	got = xasprintf("%s/20-b.rules:2:9: no template tpl-b\n", dir);
	T_STR(errors, got, "reported where the reply is");
	T_INT(nfiles * 10 + nrules, 22, "two files, two rules");
	free(got);
	free(errors);
	buf_free(&b);
	put(dir, "15-broken", "rule c\n  reply tpl-c\n  frobnicate\n");
	buf_init(&b);
	T_INT(rules_check(dir, NULL, reply_cb, &b, &errors, &nfiles, &nrules),
	    2, "rules check goes on past syntax errors");
	T_STR(b.data, "tpl-a tpl-c tpl-b ", "and checks every reply");
	free(errors);
	buf_free(&b);
	got = xasprintf("%s/15-broken", dir);
	unlink(got);
	free(got);
}

static void
test_reload(const char *dir)
{
	struct rules		*rs = NULL, *before;
	struct rules_outcome	 o;
	struct message		*msg;
	struct tmsg		 t = { .subject = "x" };
	char			*errors = NULL, *got;

	put(dir, "10-a", "rule a\n  when subject ~ /x/\n  tag one\n");
	if (rules_load(dir, NULL, &rs, &errors) == -1)
		return;
	T_INT(rules_changed(rs, dir), 0, "unchanged");
	put(dir, "10-a", "rule a\n  when subject ~ /(x/\n  tag two\n");
	T_INT(rules_changed(rs, dir), 1, "a file changed");
	before = rs;
	T_INT(rules_reload(&rs, dir, NULL, &errors), -1, "reload fails");
	T_OK(rs == before, "the old rules stay in force");
	T_OK(errors != NULL && strstr(errors, "10-a:2:21: bad pattern: "
	    "missing closing parenthesis") != NULL, "and the errors say why");
	free(errors);
	errors = NULL;
	T_INT(rules_changed(rs, dir), 0, "the failed files are remembered");
	msg = tm_build(&t);
	rules_eval(rs, msg, &o, NULL);
	got = tr_format(&o);
	T_STR(got, "tags=one reply=tpl-b matched=a,b", "old rules still apply");
	free(got);
	rules_outcome_free(&o);
	put(dir, "10-a", "rule a\n  when subject ~ /x/\n  tag three\n");
	T_INT(rules_changed(rs, dir), 1, "fixed");
	T_INT(rules_reload(&rs, dir, NULL, &errors), 0, "reload works");
	rules_eval(rs, msg, &o, NULL);
	got = tr_format(&o);
	T_STR(got, "tags=three reply=tpl-b matched=a,b", "new rules apply");
	free(got);
	rules_outcome_free(&o);
	put(dir, "05-new", "rule new\n  tag new\n");
	T_INT(rules_changed(rs, dir), 1, "a new file is a change");
	rules_free(rs);
	rs = NULL;
	T_INT(rules_changed(rs, dir), 1, "no rules yet, files there: changed");
	T_INT(rules_reload(&rs, dir, NULL, &errors), 0, "reload from nothing");
	T_INT(rs != NULL ? rules_count(rs) : 0, 3, "all three rules");
	tm_free(msg);
	rules_free(rs);
}

static void
rm_tree(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		*path;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (unlink(path) == -1)
			rmdir(path);
		free(path);
	}
	closedir(d);
	rmdir(dir);
}

int
main(void)
{
	char	 tmp[] = "/tmp/guichet-rules-dir-XXXXXX";

	if ((srcdir = getenv("GUICHET_SRCDIR")) == NULL)
		srcdir = ".";
	test_good();
	if (mkdtemp(tmp) != NULL) {
		test_listing(tmp);
		test_reload(tmp);
		rm_tree(tmp);
	}
	test_bad();
	return t_done();
}
